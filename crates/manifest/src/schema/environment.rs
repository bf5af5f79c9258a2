//! `[environments.*]`: one table per environment: its profile, certificate, alerts email,
//! the overrides of its profile's choices, and `[environments.NAME.services.*]` overrides of
//! a service's size and counts.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::naming::is_key;
use crate::net;
use crate::read::{closest, Sink, TableReader};
use crate::types::*;

use super::service::{read_counts, read_cpu_memory};
use super::{
    alarms, bucket, cache, cluster, database, delivery, key_rule_help, load_balancer, network,
    quoted_or, registry, release, service, table,
};

pub(super) fn read_environment(
    key: Spanned<String>,
    mut t: TableReader,
    services: &[String],
    sink: &mut Sink,
) -> Option<Environment> {
    sink.check(
        is_key(&key) && key.len() <= 12,
        &key.span,
        format!("`{}` is not a valid environment name", key.value),
        key_rule_help("environment names") + ", at most 12 characters",
    );
    // `bootstrap/` is the account's root, and its state key is `bootstrap/terraform.tfstate`.
    sink.check(
        key.value != "bootstrap",
        &key.span,
        "`bootstrap` names the account's bootstrap root, not an environment",
        "pick another name, e.g. `tools`",
    );
    let profile = read_profile(&mut t, &key, sink);
    let certificate_arn = t.string(sink, "certificate_arn");
    let alerts_email = t.string(sink, "alerts_email");
    let overrides = read_overrides(&mut t, sink);
    let service_overrides = read_service_overrides(&mut t, &key, services, sink);
    t.finish(sink);
    check_values(&certificate_arn, &alerts_email, sink);
    Some(Environment {
        key,
        profile: profile?,
        certificate_arn,
        alerts_email,
        overrides,
        services: service_overrides,
    })
}

/// `profile`, or the profile an environment is named after.
fn read_profile(
    t: &mut TableReader,
    key: &Spanned<String>,
    sink: &mut Sink,
) -> Option<Spanned<ProfileName>> {
    let names: Vec<&str> = ProfileName::ALL.iter().map(|(n, _)| *n).collect();
    match t.string(sink, "profile") {
        Some(p) => match ProfileName::ALL.iter().find(|(n, _)| *n == p.value) {
            Some((_, v)) => Some(Spanned::new(*v, p.span)),
            None => {
                let mut d =
                    Diagnostic::new(format!("`{}` is not a profile", p.value), p.span.clone());
                if let Some(c) = closest(&p.value, &names) {
                    d = d.with_label(format!("did you mean `{c}`?"));
                }
                sink.push(d.with_help(format!("use {}", quoted_or(&names, "\"", "\""))));
                None
            }
        },
        None => match ProfileName::ALL.iter().find(|(n, _)| *n == key.value) {
            Some((_, v)) => Some(Spanned::new(*v, key.span.clone())),
            None => {
                let help = format!(
                    "set `profile = {}; an environment named after a profile uses it by default",
                    quoted_or(&names, "`\"", "\"`").trim_start_matches('`')
                );
                t.require(sink, "profile", &None::<()>, &help);
                None
            }
        },
    }
}

/// `[environments.NAME.services.*]`: a declared service's size and counts here.
fn read_service_overrides(
    t: &mut TableReader,
    key: &Spanned<String>,
    services: &[String],
    sink: &mut Sink,
) -> BTreeMap<String, ServiceOverrides> {
    let mut service_overrides = BTreeMap::new();
    for (skey, mut st) in t.tables(sink, "services").unwrap_or_default() {
        if !services.contains(&skey.value) {
            let known: Vec<&str> = services.iter().map(String::as_str).collect();
            let mut d = Diagnostic::new(
                format!(
                    "environment `{}` overrides service `{}`, which is not declared",
                    key.value, skey.value
                ),
                skey.span.clone(),
            );
            if let Some(c) = closest(&skey.value, &known) {
                d = d.with_label(format!("did you mean `{c}`?"));
            }
            sink.push(d.with_help("declare it under `[services]`, or fix the name"));
        }
        let (cpu, memory) = read_cpu_memory(&mut st, sink);
        let counts = read_counts(&mut st, sink);
        let deployment = release::read_deployment(&mut st, sink);
        st.finish(sink);
        service_overrides.insert(
            skey.value.clone(),
            ServiceOverrides {
                key: skey,
                cpu,
                memory,
                counts,
                deployment,
            },
        );
    }
    service_overrides
}

/// `certificate_arn` and `alerts_email` hold what they name.
fn check_values(
    certificate_arn: &Option<Spanned<String>>,
    alerts_email: &Option<Spanned<String>>,
    sink: &mut Sink,
) {
    if let Some(c) = &certificate_arn {
        let ok = c.starts_with("arn:aws:acm:")
            && c.split(':').count() == 6
            && c.split(':')
                .nth(5)
                .is_some_and(|r| r.starts_with("certificate/"));
        sink.check(
            ok,
            &c.span,
            "`certificate_arn` is not an ACM certificate ARN",
            "copy the ARN from ACM: `arn:aws:acm:REGION:ACCOUNT:certificate/ID`",
        );
    }
    if let Some(e) = &alerts_email {
        sink.check(
            net::is_email(e),
            &e.span,
            format!("`{}` is not an email address", e.value),
            "alarms are emailed here, e.g. `ops@example.com`",
        );
    }
}

/// The keys with which an environment overrides its profile's choices, each component's
/// read by its own reader, in component order.
const OVERRIDES: [fn(&mut TableReader, &mut Sink, &mut Overrides); 12] = [
    network::read_overrides,
    registry::read_overrides,
    cluster::read_overrides,
    load_balancer::read_overrides,
    bucket::read_overrides,
    database::read_overrides,
    table::read_overrides,
    cache::read_overrides,
    service::read_overrides,
    alarms::read_overrides,
    release::read_overrides,
    delivery::read_overrides,
];

fn read_overrides(t: &mut TableReader, sink: &mut Sink) -> Overrides {
    let mut o = Overrides::default();
    for read in OVERRIDES {
        read(t, sink, &mut o);
    }
    o
}

pub(super) fn check_certificate_region(app: &App, env: &Environment, sink: &mut Sink) {
    if let Some(c) = &env.certificate_arn {
        if let Some(region) = c.split(':').nth(3) {
            if c.starts_with("arn:aws:acm:") && region != app.region.value {
                sink.push(
                    Diagnostic::new(
                        format!("the certificate is in `{region}`, the load balancer in `{}`", app.region.value),
                        c.span.clone(),
                    )
                    .with_help("an ALB can only use an ACM certificate from its own region; request or import one there"),
                );
            }
        }
    }
}
