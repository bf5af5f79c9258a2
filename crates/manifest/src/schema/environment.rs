//! `[environments.*]`: one table per environment: its profile, certificate, alerts email,
//! the overrides of its profile's choices, and `[environments.NAME.services.*]` overrides of
//! a service's size and counts.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::naming::is_key;
use crate::net;
use crate::read::{closest, Sink, TableReader};
use crate::types::*;

use super::network::{read_az_count, read_cidr, read_interface_endpoints, read_zone_ids};
use super::service::{read_counts, read_cpu_memory, read_min_count};
use super::{key_rule_help, quoted_or};

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
        st.finish(sink);
        service_overrides.insert(
            skey.value.clone(),
            ServiceOverrides {
                key: skey,
                cpu,
                memory,
                counts,
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

/// `log_retention_days`: one of the retention periods CloudWatch Logs accepts.
fn read_retention(t: &mut TableReader, sink: &mut Sink, key: &'static str) -> Option<Spanned<u32>> {
    let v = t.integer(sink, key)?;
    let days = u32::try_from(v.value)
        .ok()
        .filter(|d| wharf_aws::logs::RETENTION_DAYS.contains(d));
    let accepted = wharf_aws::logs::RETENTION_DAYS.map(|d| d.to_string());
    sink.check(
        days.is_some(),
        &v.span,
        format!(
            "`{key} = {}` is not a retention CloudWatch Logs accepts",
            v.value
        ),
        format!("use one of {}", accepted.join(", ")),
    );
    days.map(|d| Spanned::new(d, v.span))
}

fn read_ecr_encryption(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<EcrEncryption>> {
    let s = t.string(sink, "ecr_encryption")?;
    let found = EcrEncryption::ALL.iter().find(|e| e.as_str() == s.value);
    let names = EcrEncryption::ALL.map(EcrEncryption::as_str);
    sink.check(
        found.is_some(),
        &s.span,
        format!(
            "`ecr_encryption = \"{}\"` is not an ECR encryption type",
            s.value
        ),
        format!("use {}", quoted_or(&names, "\"", "\"")),
    );
    found.map(|e| Spanned::new(*e, s.span))
}

fn read_response_time(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<f64>> {
    let s = t.number(sink, "response_time_alarm_seconds")?;
    let ok = sink.check(
        s.value > 0.0 && s.value <= 600.0,
        &s.span,
        "`response_time_alarm_seconds` must be above 0 and at most 600",
        "the p95 target response time that raises the alarm, e.g. 2",
    );
    ok.then_some(s)
}

/// The keys with which an environment overrides its profile's choices.
fn read_overrides(t: &mut TableReader, sink: &mut Sink) -> Overrides {
    let percent = "a percentage is 1 to 100";
    Overrides {
        az_count: read_az_count(t, sink),
        zone_ids: read_zone_ids(t, sink),
        cidr: read_cidr(t, sink),
        single_nat_gateway: t.boolean(sink, "single_nat_gateway"),
        log_retention_days: read_retention(t, sink, "log_retention_days"),
        container_insights: t.boolean(sink, "container_insights"),
        fargate_base: t.integer_in(
            sink,
            "fargate_base",
            0..=100_000,
            "the FARGATE base is 0 to 100000 tasks",
        ),
        fargate_weight: t.integer_in(
            sink,
            "fargate_weight",
            0..=1000,
            "capacity provider weights are 0 to 1000",
        ),
        fargate_spot_weight: t.integer_in(
            sink,
            "fargate_spot_weight",
            0..=1000,
            "capacity provider weights are 0 to 1000",
        ),
        min_count: read_min_count(t, sink),
        max_count: t.integer_in(
            sink,
            "max_count",
            1..=1000,
            "the maximum task count is 1 to 1000",
        ),
        ecr_encryption: read_ecr_encryption(t, sink),
        ecr_force_delete: t.boolean(sink, "ecr_force_delete"),
        images_to_keep: t.integer_in(sink, "images_to_keep", 1..=10_000, "keep 1 to 10000 images"),
        deletion_protection: t.boolean(sink, "deletion_protection"),
        access_logs_retention_days: t.integer_in(
            sink,
            "access_logs_retention_days",
            1..=3653,
            "keep access logs 1 to 3653 days",
        ),
        cpu_alarm_percent: t.integer_in(sink, "cpu_alarm_percent", 1..=100, percent),
        memory_alarm_percent: t.integer_in(sink, "memory_alarm_percent", 1..=100, percent),
        target_5xx_alarm_count: t.integer_in(
            sink,
            "target_5xx_alarm_count",
            1..=1_000_000,
            "a count of 5XX responses in five minutes, 1 or more",
        ),
        response_time_alarm_seconds: read_response_time(t, sink),
        access_logs_force_destroy: t.boolean(sink, "access_logs_force_destroy"),
        require_https: t.boolean(sink, "require_https"),
        waf: t.boolean(sink, "waf"),
        // AWS WAF rate-based rules accept 10 to 2,000,000,000 requests per 5 minutes.
        waf_rate_limit: t.integer_in(
            sink,
            "waf_rate_limit",
            10..=2_000_000_000,
            "a WAF rate limit is 10 to 2000000000 requests per 5 minutes",
        ),
        interface_endpoints: read_interface_endpoints(t, sink),
    }
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
