//! The load balancer of an environment: one target per service, routed by path and host
//! with the same listener rules in every environment.

use std::collections::BTreeMap;
use std::ops::Range;

use wharf_manifest::{self as manifest, naming, Diagnostic, Manifest, Spanned};

use crate::profile::Profile;
use crate::resolve::pick;
use crate::service::health_check_path;

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub name: String,
    /// `None` serves plain HTTP: only allowed outside the prod profile.
    pub certificate_arn: Option<String>,
    pub deletion_protection: bool,
    pub access_logs_retention_days: u32,
    pub access_logs_force_destroy: bool,
    /// AWS WAF in front of the load balancer, with this per-IP limit per 5 minutes.
    pub waf: Option<u32>,
    /// One target (group) per service, sorted by service key.
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub service: String,
    pub target_group_name: String,
    pub port: u32,
    pub health_check_path: String,
    pub paths: Vec<String>,
    pub hosts: Vec<String>,
    /// Listener rule priority; unused for the default target.
    pub priority: u32,
    /// Receives whatever no rule matches.
    pub is_default: bool,
    /// The second target group of a service released blue/green.
    pub second_target_group_name: Option<String>,
}

/// The priority of a catch-all service's rule when it releases blue/green: the last one,
/// since CodeDeploy moves the traffic of listener rules and the listener's default action
/// is left a fixed 404 that it never rewrites.
pub const CATCH_ALL_PRIORITY: u32 = 50000;

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    prefix: &str,
    routes: &[Route],
    services: &[crate::Service],
) -> LoadBalancer {
    let o = &env.overrides;
    LoadBalancer {
        name: prefix.to_string(),
        certificate_arn: env.certificate_arn.as_ref().map(|c| c.value.clone()),
        deletion_protection: pick(&[o.deletion_protection.as_ref()], p.deletion_protection).value,
        access_logs_retention_days: pick(
            &[o.access_logs_retention_days.as_ref()],
            p.access_logs_retention_days,
        )
        .value,
        access_logs_force_destroy: pick(
            &[o.access_logs_force_destroy.as_ref()],
            p.access_logs_force_destroy,
        )
        .value,
        waf: pick(&[o.waf.as_ref()], p.waf)
            .value
            .then(|| pick(&[o.waf_rate_limit.as_ref()], p.waf_rate_limit).value),
        targets: routes
            .iter()
            .map(|r| {
                let svc = &m.services[&r.service];
                let second = services
                    .iter()
                    .find(|s| s.key == r.service)
                    .and_then(|s| s.release.blue_green())
                    .map(|b| b.second_target_group_name.clone());
                let catch_all_rule = r.is_default && second.is_some();
                Target {
                    service: r.service.clone(),
                    target_group_name: naming::service_name(&m.app.name, &env.key, &r.service),
                    port: r.port,
                    health_check_path: health_check_path(svc),
                    paths: r.paths.clone(),
                    hosts: r.hosts.clone(),
                    priority: if catch_all_rule {
                        CATCH_ALL_PRIORITY
                    } else {
                        r.priority
                    },
                    is_default: r.is_default && !catch_all_rule,
                    second_target_group_name: second,
                }
            })
            .collect(),
    }
}

/// A service's place on the load balancer, the same in every environment.
pub(crate) struct Route {
    service: String,
    port: u32,
    paths: Vec<String>,
    hosts: Vec<String>,
    priority: u32,
    is_default: bool,
}

fn is_catch_all(svc: &manifest::Service) -> bool {
    svc.hosts.is_empty()
        && (svc.paths.is_empty() || (svc.paths.len() == 1 && svc.paths[0].value == "/*"))
}

/// Two services whose rules match the same requests (the same host, or any host, with the
/// same path pattern): the rule evaluated first takes them all, and the other never sees
/// one. ALB path patterns are case-sensitive, host names are not.
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html>
fn same_patterns(ruled: &[&manifest::Service], diags: &mut Vec<Diagnostic>) {
    // Each (host or any, path or any) a service's rule matches, with where it is written.
    let patterns = |s: &manifest::Service| -> Vec<(Option<String>, Option<String>, Range<usize>)> {
        let hosts: Vec<Option<&Spanned<String>>> = if s.hosts.is_empty() {
            vec![None]
        } else {
            s.hosts.iter().map(Some).collect()
        };
        let paths: Vec<Option<&Spanned<String>>> = if s.paths.is_empty() {
            vec![None]
        } else {
            s.paths.iter().map(Some).collect()
        };
        let mut out = Vec::new();
        for h in &hosts {
            for p in &paths {
                let span = p.or(*h).map_or(s.key.span.clone(), |x| x.span.clone());
                out.push((
                    h.map(|h| h.value.to_ascii_lowercase()),
                    p.map(|p| p.value.clone()),
                    span,
                ));
            }
        }
        out
    };
    let all: Vec<_> = ruled.iter().map(|s| patterns(s)).collect();
    for (i, (a, theirs)) in ruled.iter().zip(&all).enumerate() {
        for (b, ours) in ruled[i + 1..].iter().zip(&all[i + 1..]) {
            let shared = ours
                .iter()
                .find(|(h, p, _)| theirs.iter().any(|(h2, p2, _)| h == h2 && p == p2))
                .cloned();
            if let Some((host, path, span)) = shared {
                let what = match (host, path) {
                    (Some(h), Some(p)) => format!("`{p}` on `{h}`"),
                    (Some(h), None) => format!("every path on `{h}`"),
                    (None, Some(p)) => format!("`{p}`"),
                    (None, None) => "every request".to_string(),
                };
                diags.push(
                    Diagnostic::new(
                        format!(
                            "services `{}` and `{}` both route {what}",
                            a.key.value, b.key.value
                        ),
                        span,
                    )
                    .with_help("the rule evaluated first would take every such request and the other service none; give each service its own path or host"),
                );
            }
        }
    }
}

/// The one catch-all service, which becomes the listener's default, and the services that
/// get rules; a second catch-all is an error.
fn default_and_ruled<'m>(
    m: &'m Manifest,
    diags: &mut Vec<Diagnostic>,
) -> (Option<&'m manifest::Service>, Vec<&'m manifest::Service>) {
    let mut default: Option<&manifest::Service> = None;
    let mut ruled = Vec::new();
    // Workers (no port) get no route.
    for svc in m.services.values().filter(|s| s.port.is_some()) {
        if !is_catch_all(svc) {
            ruled.push(svc);
        } else if let Some(first) = default {
            diags.push(
                Diagnostic::new(
                    format!(
                        "services `{}` and `{}` both take every request",
                        first.key.value, svc.key.value
                    ),
                    svc.key.span.clone(),
                )
                .with_help("give one of them a `path` such as \"/api/*\" or a `host`"),
            );
        } else {
            default = Some(svc);
        }
    }
    (default, ruled)
}

/// Orders rules most specific first. A rule is as broad as its broadest pattern; narrower
/// rules must be evaluated first or the broad one shadows them (`/api/*` before
/// `/api/admin/*`).
fn most_specific_first(ruled: &mut [&manifest::Service]) {
    let literal_prefix = |p: &str| p.find(['*', '?']).unwrap_or(p.len());
    let narrowest = |s: &manifest::Service| {
        s.paths
            .iter()
            .map(|p| literal_prefix(p))
            .min()
            .unwrap_or(usize::MAX)
    };
    ruled.sort_by(|a, b| {
        a.hosts
            .is_empty()
            .cmp(&b.hosts.is_empty())
            .then(narrowest(b).cmp(&narrowest(a)))
            .then(a.key.value.cmp(&b.key.value))
    });
}

/// The priorities the manifest sets, each once.
fn set_priorities<'m>(
    ruled: &[&'m manifest::Service],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<u32, &'m str> {
    let mut taken: BTreeMap<u32, &str> = BTreeMap::new();
    for svc in ruled {
        let Some(p) = &svc.priority else { continue };
        if p.value == CATCH_ALL_PRIORITY {
            diags.push(
                Diagnostic::new(
                    format!("service `{}` uses priority {CATCH_ALL_PRIORITY}, which a catch-all service released blue/green takes", svc.key.value),
                    p.span.clone(),
                )
                .with_help(format!("use a priority below {CATCH_ALL_PRIORITY}")),
            );
        }
        if let Some(other) = taken.insert(p.value, &svc.key.value) {
            diags.push(
                Diagnostic::new(
                    format!(
                        "services `{other}` and `{}` both use priority {}",
                        svc.key.value, p.value
                    ),
                    p.span.clone(),
                )
                .with_help("listener rule priorities must be unique"),
            );
        }
    }
    taken
}

/// Listener rules: the one catch-all service is the listener's default; the others get rules,
/// most specific first (host rules, then longer paths), at priorities 10, 20, … unless the
/// manifest sets `priority`.
pub(crate) fn routes(m: &Manifest, diags: &mut Vec<Diagnostic>) -> Vec<Route> {
    let (default, mut ruled) = default_and_ruled(m, diags);
    most_specific_first(&mut ruled);
    same_patterns(&ruled, diags);
    let taken = set_priorities(&ruled, diags);
    let mut next = 10;
    let mut out = Vec::new();
    for svc in ruled {
        let Some(port) = &svc.port else { continue };
        let priority = match &svc.priority {
            Some(p) => p.value,
            None => {
                while taken.contains_key(&next) {
                    next += 10;
                }
                let p = next;
                next += 10;
                p
            }
        };
        out.push(Route {
            service: svc.key.value.clone(),
            port: port.value,
            paths: svc.paths.iter().map(|p| p.value.clone()).collect(),
            hosts: svc.hosts.iter().map(|h| h.value.clone()).collect(),
            priority,
            is_default: false,
        });
    }
    if let Some((svc, port)) = default.and_then(|s| Some((s, s.port.as_ref()?))) {
        out.push(Route {
            service: svc.key.value.clone(),
            port: port.value,
            paths: vec!["/*".to_string()],
            hosts: vec![],
            priority: 0,
            is_default: true,
        });
    }
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}
