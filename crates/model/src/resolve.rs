//! Manifest + profile → platform, one function per component.
//!
//! Precedence for a value, most specific first: the environment's per-service override,
//! the environment's override, the service's own value, the profile.

use std::collections::BTreeMap;
use std::ops::Range;

use wharf_manifest::{
    self as manifest, fargate, naming, Diagnostic, Grant, Manifest, SecretRef, Spanned,
};

use crate::*;

/// A resolved value and, when the manifest set it, where.
#[derive(Clone, Copy)]
struct From<'a, T> {
    value: T,
    span: Option<&'a Range<usize>>,
}

fn pick<'a, T: Copy>(candidates: &[Option<&'a Spanned<T>>], default: T) -> From<'a, T> {
    candidates
        .iter()
        .flatten()
        .next()
        .map(|s| From {
            value: s.value,
            span: Some(&s.span),
        })
        .unwrap_or(From {
            value: default,
            span: None,
        })
}

pub fn resolve(m: &Manifest) -> Result<Platform, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let targets = routes(m, &mut diags);
    let mut environments = Vec::new();
    for env in m.environments.values() {
        if let Some(e) = environment(m, env, &targets, &mut diags) {
            environments.push(e);
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Platform {
        app: m.app.name.value.clone(),
        region: m.app.region.value.clone(),
        domain: m.app.domain.as_ref().map(|d| d.value.clone()),
        state_bucket: m
            .app
            .state_bucket
            .as_ref()
            .map(|b| b.value.clone())
            .unwrap_or_else(|| naming::state_bucket(&m.app.name)),
        environments,
    })
}

fn environment(
    m: &Manifest,
    env: &manifest::Environment,
    routes: &[Route],
    diags: &mut Vec<Diagnostic>,
) -> Option<Environment> {
    let p = profile(env.profile.value);
    let prefix = naming::env_prefix(&m.app.name, &env.key);
    let require_https = pick(&[env.overrides.require_https.as_ref()], p.require_https).value;
    if require_https && env.certificate_arn.is_none() {
        diags.push(
            Diagnostic::new(
                format!("environment `{}` must serve HTTPS (`require_https`, on in the prod profile) and has no `certificate_arn`", env.key.value),
                env.key.span.clone(),
            )
            .with_help("request or import a certificate in ACM for the app's domain and set `certificate_arn` to its ARN (or, knowingly, `require_https = false`)"),
        );
    }
    let capacity = capacity(env, &p, diags);
    let mut services = Vec::new();
    for svc in m.services.values() {
        if let Some(s) = service(m, env, svc, &p, capacity, diags) {
            services.push(s);
        }
    }
    let load_balancer = load_balancer(m, env, &p, &prefix, routes);
    Some(Environment {
        name: env.key.value.clone(),
        profile: env.profile.value,
        network: network(m, env, &p, diags),
        registry: registry(m, env, &p),
        cluster: Cluster {
            name: prefix.clone(),
            log_retention_days: pick(
                &[env.overrides.log_retention_days.as_ref()],
                p.log_retention_days,
            )
            .value,
            container_insights: pick(
                &[env.overrides.container_insights.as_ref()],
                p.container_insights,
            )
            .value,
            capacity,
        },
        load_balancer,
        services,
        alarms: alarms(env, &p),
        prefix,
    })
}

fn network(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    diags: &mut Vec<Diagnostic>,
) -> Network {
    let o = &env.overrides;
    let explicit = o.zone_ids.as_ref().or(m.network.zone_ids.as_ref());
    let count = pick(
        &[o.az_count.as_ref(), m.network.az_count.as_ref()],
        p.az_count,
    );
    let zone_ids = match explicit {
        Some(ids) => ids.value.clone(),
        None => {
            let known = manifest::net::default_zone_ids(&m.app.region);
            if count.value as usize > known.len() {
                diags.push(
                    Diagnostic::new(
                        format!(
                            "environment `{}` asks for {} Availability Zones; wharf knows {} in {}",
                            env.key.value,
                            count.value,
                            known.len(),
                            m.app.region.value
                        ),
                        count.span.cloned().unwrap_or(env.key.span.clone()),
                    )
                    .with_help(
                        "lower `az_count`, or list the zones with `zone_ids = [\"use1-az1\", …]`",
                    ),
                );
            }
            known.into_iter().take(count.value as usize).collect()
        }
    };
    let cidr = o
        .cidr
        .as_ref()
        .or(m.network.cidr.as_ref())
        .map(|c| c.value.to_string())
        .unwrap_or_else(|| "10.0.0.0/16".to_string());
    let used_endpoints = used_endpoints(m);
    let interface_endpoints = match (&o.interface_endpoints, p.interface_endpoints) {
        (Some(list), _) => known_order(list.value.iter().map(|e| e.value.as_str())),
        (None, Endpoints::None) => Vec::new(),
        (None, Endpoints::Used) => used_endpoints.clone(),
    };
    Network {
        cidr,
        zone_ids,
        single_nat_gateway: pick(&[o.single_nat_gateway.as_ref()], p.single_nat_gateway).value,
        interface_endpoints,
        used_endpoints,
        flow_log_retention_days: pick(&[o.log_retention_days.as_ref()], p.log_retention_days).value,
    }
}

/// The interface endpoints for what every task does (pull its image, send its logs) and for
/// the secret stores the services read from.
fn used_endpoints(m: &Manifest) -> Vec<&'static str> {
    let mut used = vec!["ecr.api", "ecr.dkr", "logs"];
    for s in m.services.values().flat_map(|s| s.secrets.values()) {
        used.push(match s.value {
            SecretRef::SecretsManager { .. } => "secretsmanager",
            SecretRef::SsmParameter { .. } => "ssm",
        });
    }
    known_order(used.into_iter())
}

/// `names` in the order of the known list, each once, as `&'static` names.
fn known_order<'n>(names: impl Iterator<Item = &'n str>) -> Vec<&'static str> {
    let names: Vec<&str> = names.collect();
    manifest::net::INTERFACE_ENDPOINTS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| names.contains(name))
        .collect()
}

fn registry(m: &Manifest, env: &manifest::Environment, p: &Profile) -> Registry {
    let o = &env.overrides;
    Registry {
        repositories: m
            .services
            .values()
            .map(|s| {
                let name = naming::repository(
                    &m.app.name,
                    &env.key,
                    &s.key,
                    s.repository.as_ref().map(|r| r.value.as_str()),
                );
                (s.key.value.clone(), name)
            })
            .collect(),
        encryption: pick(&[o.ecr_encryption.as_ref()], p.ecr_encryption).value,
        images_to_keep: pick(&[o.images_to_keep.as_ref()], p.images_to_keep).value,
        force_delete: pick(&[o.ecr_force_delete.as_ref()], p.ecr_force_delete).value,
    }
}

fn capacity(env: &manifest::Environment, p: &Profile, diags: &mut Vec<Diagnostic>) -> Capacity {
    let o = &env.overrides;
    let c = Capacity {
        fargate_base: pick(&[o.fargate_base.as_ref()], p.fargate_base).value,
        fargate_weight: pick(&[o.fargate_weight.as_ref()], p.fargate_weight).value,
        fargate_spot_weight: pick(&[o.fargate_spot_weight.as_ref()], p.fargate_spot_weight).value,
    };
    if c.fargate_weight == 0 && c.fargate_spot_weight == 0 {
        let span = o
            .fargate_weight
            .as_ref()
            .or(o.fargate_spot_weight.as_ref())
            .map(|s| s.span.clone())
            .unwrap_or(env.key.span.clone());
        diags.push(
            Diagnostic::new(
                format!(
                    "environment `{}` gives both FARGATE and FARGATE_SPOT a weight of 0",
                    env.key.value
                ),
                span,
            )
            .with_help("ECS needs at least one capacity provider with a weight above 0"),
        );
    }
    c
}

fn load_balancer(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    prefix: &str,
    routes: &[Route],
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
                Target {
                    service: r.service.clone(),
                    target_group_name: naming::service_name(&m.app.name, &env.key, &r.service),
                    port: svc.port.value,
                    health_check_path: health_check_path(svc),
                    paths: r.paths.clone(),
                    hosts: r.hosts.clone(),
                    priority: r.priority,
                    is_default: r.is_default,
                }
            })
            .collect(),
    }
}

fn health_check_path(svc: &manifest::Service) -> String {
    svc.health_check
        .as_ref()
        .map(|h| h.value.clone())
        .unwrap_or_else(|| "/".to_string())
}

fn alarms(env: &manifest::Environment, p: &Profile) -> Alarms {
    let o = &env.overrides;
    Alarms {
        alerts_email: env.alerts_email.as_ref().map(|e| e.value.clone()),
        cpu_percent: pick(&[o.cpu_alarm_percent.as_ref()], p.cpu_alarm_percent).value,
        memory_percent: pick(&[o.memory_alarm_percent.as_ref()], p.memory_alarm_percent).value,
        target_5xx_count: pick(
            &[o.target_5xx_alarm_count.as_ref()],
            p.target_5xx_alarm_count,
        )
        .value,
        response_time_seconds: o
            .response_time_alarm_seconds
            .as_ref()
            .map(|s| s.value)
            .unwrap_or(p.response_time_alarm_seconds),
    }
}

/// The smallest memory Fargate allows for `cpu`: the default when a service sets only `cpu`.
fn default_memory(cpu: u32) -> u32 {
    fargate::memory_options(cpu)
        .and_then(|m| m.first().copied())
        .unwrap_or(512)
}

fn service(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
    p: &Profile,
    capacity: Capacity,
    diags: &mut Vec<Diagnostic>,
) -> Option<Service> {
    let o = env.services.get(&svc.key.value);
    let eo = &env.overrides;
    let cpu = pick(&[o.and_then(|o| o.cpu.as_ref()), svc.cpu.as_ref()], 256);
    let memory = pick(
        &[o.and_then(|o| o.memory.as_ref()), svc.memory.as_ref()],
        default_memory(cpu.value),
    );
    let valid = fargate::memory_options(cpu.value).unwrap_or_default();
    if !valid.contains(&memory.value) {
        let span = memory
            .span
            .or(cpu.span)
            .cloned()
            .unwrap_or(svc.key.span.clone());
        diags.push(
            Diagnostic::new(
                format!(
                    "service `{}` in environment `{}` asks for {} MiB with {} CPU units, which Fargate does not offer",
                    svc.key.value, env.key.value, memory.value, cpu.value
                ),
                span,
            )
            .with_label(format!("with cpu = {}, memory can be {}", cpu.value, fargate::describe_memory(cpu.value)))
            .with_help("pick a memory size from that list, or change `cpu`"),
        );
    }

    let counts = o.map(|o| &o.counts);
    let min = pick(
        &[
            counts.and_then(|c| c.min.as_ref()),
            eo.min_count.as_ref(),
            svc.counts.min.as_ref(),
        ],
        p.min_count,
    );
    let max = pick(
        &[
            counts.and_then(|c| c.max.as_ref()),
            eo.max_count.as_ref(),
            svc.counts.max.as_ref(),
        ],
        p.max_count,
    );
    let desired = pick(
        &[
            counts.and_then(|c| c.desired.as_ref()),
            svc.counts.desired.as_ref(),
        ],
        min.value,
    );
    if min.value > max.value {
        let span = max
            .span
            .or(min.span)
            .cloned()
            .unwrap_or(svc.key.span.clone());
        diags.push(
            Diagnostic::new(
                format!(
                    "service `{}` in environment `{}` would scale between {} and {} tasks: the minimum is above the maximum",
                    svc.key.value, env.key.value, min.value, max.value
                ),
                span,
            )
            .with_help(format!(
                "the {} profile's bounds are {}–{}; set `min_count` and `max_count` so that min ≤ max",
                env.profile.value.as_str(),
                p.min_count,
                p.max_count
            )),
        );
    } else if desired.value < min.value || desired.value > max.value {
        let span = desired.span.cloned().unwrap_or(svc.key.span.clone());
        diags.push(
            Diagnostic::new(
                format!(
                    "service `{}` in environment `{}` wants {} tasks, outside its autoscaling range {}–{}",
                    svc.key.value, env.key.value, desired.value, min.value, max.value
                ),
                span,
            )
            .with_help("set `desired_count` within `min_count`..=`max_count`, or leave it out to start at the minimum"),
        );
    }

    let name = naming::service_name(&m.app.name, &env.key, &svc.key);
    Some(Service {
        key: svc.key.value.clone(),
        name,
        port: svc.port.value,
        cpu: cpu.value,
        memory_mib: memory.value,
        command: svc
            .command
            .as_ref()
            .map(|c| c.iter().map(|s| s.value.clone()).collect()),
        environment: svc
            .env
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect(),
        secrets: svc
            .secrets
            .iter()
            .map(|(k, v)| (k.clone(), secret(&m.app.region, &v.value)))
            .collect(),
        readonly_root_filesystem: svc
            .readonly_root_filesystem
            .as_ref()
            .map(|b| b.value)
            .unwrap_or(true),
        user: svc
            .user
            .as_ref()
            .map(|u| u.value.clone())
            .unwrap_or_else(|| "1000:1000".to_string()),
        health_check_path: health_check_path(svc),
        container_health_check: match (&svc.health_check_command, &svc.container_health_check) {
            (_, Some(on)) if !on.value => ContainerHealthCheck::Off,
            (Some(command), _) => ContainerHealthCheck::Command(
                command.value.iter().map(|c| c.value.clone()).collect(),
            ),
            _ => ContainerHealthCheck::Wget,
        },
        log_retention_days: pick(&[eo.log_retention_days.as_ref()], p.log_retention_days).value,
        desired_count: desired.value,
        min_count: min.value,
        max_count: max.value,
        capacity,
        task_role_statements: statements(m, svc),
    })
}

fn secret(region: &str, r: &SecretRef) -> Secret {
    match r {
        SecretRef::SecretsManager { secret, json_key } if secret.starts_with("arn:") => {
            Secret::SecretsManagerArn {
                arn: secret.clone(),
                json_key: json_key.clone(),
            }
        }
        SecretRef::SecretsManager { secret, json_key } => Secret::SecretsManagerName {
            name: secret.clone(),
            json_key: json_key.clone(),
        },
        SecretRef::SsmParameter { parameter } if parameter.starts_with("arn:") => {
            Secret::SsmParameter {
                arn: parameter.clone(),
            }
        }
        SecretRef::SsmParameter { parameter } => Secret::SsmParameter {
            arn: format!("arn:aws:ssm:{region}:{ACCOUNT}:parameter{parameter}"),
        },
    }
}

/// `my-uploads.bucket` → `MyUploadsBucket`, for statement ids (alphanumeric only).
fn camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The task role's least-privilege statements, one set per grant, with unique ids (IAM
/// refuses a policy whose statement ids repeat).
fn statements(m: &Manifest, svc: &manifest::Service) -> Vec<Statement> {
    let mut out = grant_statements(m, svc);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for st in &mut out {
        let n = seen.entry(st.sid.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            st.sid = format!("{}{}", st.sid, n);
        }
    }
    out
}

fn grant_statements(m: &Manifest, svc: &manifest::Service) -> Vec<Statement> {
    let region = &m.app.region.value;
    let mut out = Vec::new();
    for g in &svc.grants {
        match &g.value {
            Grant::SesSend => {
                let domain = m
                    .app
                    .domain
                    .as_ref()
                    .map(|d| d.value.as_str())
                    .unwrap_or_default();
                // Sending is allowed only through the domain identity and only from addresses
                // at the domain. https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html
                out.push(Statement {
                    sid: "SendEmailFromDomain".into(),
                    actions: vec!["ses:SendEmail".into(), "ses:SendRawEmail".into()],
                    resources: vec![format!("arn:aws:ses:{region}:{ACCOUNT}:identity/{domain}")],
                    conditions: vec![Condition {
                        test: "StringLike".into(),
                        variable: "ses:FromAddress".into(),
                        values: vec![format!("*@{domain}")],
                    }],
                });
            }
            Grant::S3 { bucket, write } => {
                let mut object_actions = vec!["s3:GetObject".to_string()];
                if *write {
                    object_actions
                        .extend(["s3:PutObject".to_string(), "s3:DeleteObject".to_string()]);
                }
                out.push(Statement {
                    sid: format!("ListBucket{}", camel(bucket)),
                    actions: vec!["s3:ListBucket".into()],
                    resources: vec![format!("arn:aws:s3:::{bucket}")],
                    conditions: vec![],
                });
                out.push(Statement {
                    sid: format!(
                        "{}Objects{}",
                        if *write { "ReadWrite" } else { "Read" },
                        camel(bucket)
                    ),
                    actions: object_actions,
                    resources: vec![format!("arn:aws:s3:::{bucket}/*")],
                    conditions: vec![],
                });
            }
        }
    }
    out
}

/// A service's place on the load balancer, the same in every environment.
struct Route {
    service: String,
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

/// Listener rules: the one catch-all service is the listener's default; the others get rules,
/// most specific first (host rules, then longer paths), at priorities 10, 20, … unless the
/// manifest sets `priority`.
fn routes(m: &Manifest, diags: &mut Vec<Diagnostic>) -> Vec<Route> {
    let mut default: Option<&manifest::Service> = None;
    let mut ruled = Vec::new();
    for svc in m.services.values() {
        if is_catch_all(svc) {
            if let Some(first) = default {
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
        } else {
            ruled.push(svc);
        }
    }
    // A rule is as broad as its broadest pattern; narrower rules must be evaluated first or
    // the broad one shadows them (`/api/*` before `/api/admin/*`).
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
    same_patterns(&ruled, diags);
    let mut taken: BTreeMap<u32, &str> = BTreeMap::new();
    for svc in &ruled {
        if let Some(p) = &svc.priority {
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
    }
    let mut next = 10;
    let mut out = Vec::new();
    for svc in ruled {
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
            paths: svc.paths.iter().map(|p| p.value.clone()).collect(),
            hosts: svc.hosts.iter().map(|h| h.value.clone()).collect(),
            priority,
            is_default: false,
        });
    }
    if let Some(svc) = default {
        out.push(Route {
            service: svc.key.value.clone(),
            paths: vec!["/*".to_string()],
            hosts: vec![],
            priority: 0,
            is_default: true,
        });
    }
    out.sort_by(|a, b| a.service.cmp(&b.service));
    out
}
