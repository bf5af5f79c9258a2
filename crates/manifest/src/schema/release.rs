//! How a new revision of a service reaches its traffic: a service's `deployment` and its
//! traffic steps, and what an environment sets for every service's releases (the
//! deployment, how long the old tasks are kept, the test listener).

use wharf_aws::codedeploy;

use crate::net;
use crate::read::{Sink, TableReader};
use crate::types::*;
use crate::Diagnostic;

use super::one_of;

/// The production listener's ports; the test listener must be on another.
const PRODUCTION_PORTS: [u32; 2] = [80, 443];

pub(super) fn read_deployment(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<Deployment>> {
    let d = t.string(sink, "deployment")?;
    one_of(
        d,
        &Deployment::ALL,
        Deployment::as_str,
        "a deployment",
        |names| format!("use {names}"),
        sink,
    )
}

/// A service's `deployment`, `traffic_percent`, `traffic_interval_minutes` and
/// `test_path`.
pub(super) fn read_service(
    t: &mut TableReader,
    sink: &mut Sink,
    key: &Spanned<String>,
    port: &Option<Spanned<u32>>,
    paths: &[Spanned<String>],
) -> ServiceRelease {
    let deployment = read_deployment(t, sink);
    let (low, high) = codedeploy::TRAFFIC_PERCENT.into_inner();
    let traffic_percent = t.integer_in(
        sink,
        "traffic_percent",
        i64::from(low)..=i64::from(high),
        &format!("a step moves {low} to {high} percent of the traffic; to move it all at once, use `deployment = \"blue-green\"`"),
    );
    let (low, high) = codedeploy::TRAFFIC_INTERVAL_MINUTES.into_inner();
    let traffic_interval_minutes = t.integer_in(
        sink,
        "traffic_interval_minutes",
        i64::from(low)..=i64::from(high),
        &format!("steps are {low} to {high} minutes apart"),
    );
    let test_path = t.string(sink, "test_path");
    let release = ServiceRelease {
        deployment,
        traffic_percent,
        traffic_interval_minutes,
        test_path,
    };
    check_service(&release, key, port, sink);
    check_test_path(&release, key, port, paths, sink);
    release
}

/// `test_path` is requested on the test listener, whose rules are the service's own: it
/// must be a path the container could answer, on a service with a port that is not always
/// rolled, and one of the service's path patterns must match it, or the test listener
/// answers 404 whatever the new tasks do.
fn check_test_path(
    r: &ServiceRelease,
    key: &Spanned<String>,
    port: &Option<Spanned<u32>>,
    paths: &[Spanned<String>],
    sink: &mut Sink,
) {
    let Some(path) = &r.test_path else { return };
    if !net::is_health_check_path(path) {
        sink.push(
            Diagnostic::new(format!("`{}` is not a test path wharf accepts", path.value), path.span.clone())
                .with_help("write the path the new tasks answer below 400 on, e.g. `/health/ready`, with letters, digits and `_-.~/=?%&`"),
        );
        return;
    }
    if port.is_none() {
        sink.push(
            Diagnostic::new(format!("worker `{}` has no port, and `test_path` is requested through the load balancer", key.value), path.span.clone())
                .with_help("remove `test_path`: a worker takes no requests"),
        );
        return;
    }
    if r.deployment
        .as_ref()
        .is_some_and(|d| d.value == Deployment::Rolling)
    {
        sink.push(
            Diagnostic::new(format!("service `{}` always rolls, and `test_path` is checked on the test listener of a blue/green release", key.value), path.span.clone())
                .with_help("remove `test_path`, or remove `deployment = \"rolling\"` so that the profiles that release blue/green (staging, prod) check it"),
        );
        return;
    }
    let only_path = path.value.split('?').next().unwrap_or_default();
    if !paths.is_empty() && !paths.iter().any(|p| net::path_matches(&p.value, only_path)) {
        let patterns = paths
            .iter()
            .map(|p| format!("`{}`", p.value))
            .collect::<Vec<_>>()
            .join(", ");
        sink.push(
            Diagnostic::new(format!("`{}` matches none of service `{}`'s paths ({patterns}), so the test listener would answer 404", path.value, key.value), path.span.clone())
                .with_help("name a path the service's rules send to it, e.g. its health check"),
        );
    }
}

fn check_service(
    r: &ServiceRelease,
    key: &Spanned<String>,
    port: &Option<Spanned<u32>>,
    sink: &mut Sink,
) {
    if let Some(d) = &r.deployment {
        sink.check(
            port.is_some() || d.value == Deployment::Rolling,
            &d.span,
            format!(
                "worker `{}` has no port, and a {} release moves load balancer traffic",
                key.value,
                d.value.as_str()
            ),
            "remove `deployment` (a worker is replaced task by task), or give the service a `port` behind the load balancer",
        );
    }
    let steps = r.deployment.as_ref().map(|d| d.value);
    for (name, value) in [
        ("traffic_percent", &r.traffic_percent),
        ("traffic_interval_minutes", &r.traffic_interval_minutes),
    ] {
        if let (Some(v), Some(d)) = (value, steps) {
            sink.check(
                d.has_steps(),
                &v.span,
                format!(
                    "`{name}` is set, and a {} release moves no traffic in steps",
                    d.as_str()
                ),
                "remove it, or use `deployment = \"canary\"` or `\"linear\"`",
            );
        }
    }
}

/// The keys of an environment: every web service's `deployment`, `bake_minutes` and the
/// test listener's `test_listener_port` and `test_listener_cidrs`.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.deployment = read_deployment(t, sink);
    let (low, high) = codedeploy::TERMINATION_WAIT_MINUTES.into_inner();
    o.bake_minutes = t.integer_in(
        sink,
        "bake_minutes",
        i64::from(low)..=i64::from(high),
        &format!("CodeDeploy keeps the old tasks {low} to {high} minutes after a release"),
    );
    o.test_listener_port = t.integer_in(
        sink,
        "test_listener_port",
        1..=65535,
        "ports are 1 to 65535",
    );
    if let Some(p) = &o.test_listener_port {
        sink.check(
            !PRODUCTION_PORTS.contains(&p.value),
            &p.span,
            format!("the test listener's port {} is a production listener's", p.value),
            "pick another port (8443 with a certificate, 8080 without, by default); 80 and 443 carry production traffic",
        );
    }
    o.test_listener_cidrs = read_cidrs(t, sink);
}

fn read_cidrs(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<Vec<Spanned<Cidr>>>> {
    let list = t.string_list(sink, "test_listener_cidrs")?;
    let mut out = Vec::new();
    for raw in &list.value {
        match net::parse_cidr(raw) {
            Ok(c) if c.prefix == 0 => sink.push(
                Diagnostic::new(
                    format!("`{}` opens the test listener to the whole internet", raw.value),
                    raw.span.clone(),
                )
                .with_help("name the addresses that test a release (an office, a VPN), e.g. `203.0.113.0/24`; the test listener serves the new tasks before they are checked"),
            ),
            Ok(c) => out.push(Spanned::new(c, raw.span.clone())),
            Err(why) => sink.push(
                Diagnostic::new(format!("`{}` is not a CIDR block: {why}", raw.value), raw.span.clone())
                    .with_help("write an IPv4 block such as `203.0.113.0/24`, or `198.51.100.7/32` for one address"),
            ),
        }
    }
    Some(Spanned::new(out, list.span))
}
