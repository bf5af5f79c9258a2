//! A service of an environment: its task size, counts, container settings, secrets and
//! task role, resolved from the service's table, the environment's overrides and the profile.

use std::collections::BTreeMap;

use wharf_aws::fargate;
use wharf_manifest::{self as manifest, naming, Diagnostic, Grant, Manifest, SecretRef};

use crate::cluster::Capacity;
use crate::profile::Profile;
use crate::release::{self, Release};
use crate::resolve::{first_set, pick};

#[derive(Debug, Clone)]
pub struct Service {
    pub key: String,
    /// `{app}-{env}-{service}`.
    pub name: String,
    /// `None` for a worker: no port, no load balancer target.
    pub port: Option<u32>,
    pub cpu: u32,
    pub memory_mib: u32,
    pub command: Option<Vec<String>>,
    pub environment: BTreeMap<String, String>,
    /// Secret environment variables by name.
    pub secrets: BTreeMap<String, Secret>,
    pub readonly_root_filesystem: bool,
    pub user: String,
    pub health_check_path: String,
    pub container_health_check: ContainerHealthCheck,
    pub log_retention_days: u32,
    pub desired_count: u32,
    pub min_count: u32,
    pub max_count: u32,
    pub capacity: Capacity,
    pub scaling: Scaling,
    /// What the tasks may reach outside the VPC besides TCP 443 (the manifest's `egress`).
    pub egress: Vec<manifest::Egress>,
    pub task_role_statements: Vec<Statement>,
    /// The keys of the queues it uses, each with `QUEUE_<NAME>_URL` in its environment.
    pub queues: Vec<String>,
    /// The keys of the tables it uses, each with `TABLE_<NAME>_NAME` in its environment.
    pub tables: Vec<String>,
    /// The keys of the buckets it uses, each with `BUCKET_<NAME>_NAME` in its environment.
    pub buckets: Vec<String>,
    /// The keys of the topics it publishes to, each with `TOPIC_<NAME>_ARN` in its
    /// environment.
    pub topics: Vec<String>,
    /// The keys of the databases it connects to, each with `DATABASE_<NAME>_*` in its
    /// environment.
    pub databases: Vec<String>,
    /// The keys of the caches it connects to, each with `CACHE_<NAME>_*` in its
    /// environment.
    pub caches: Vec<String>,
    /// How a new revision reaches its traffic.
    pub release: Release,
}

/// The keys of the resources of `kind` (`queue`, `table`) a service uses, in its `uses`
/// order.
fn used(svc: &manifest::Service, kind: &str) -> Vec<String> {
    svc.uses
        .iter()
        .map(|u| u.value.target())
        .filter(|(k, _)| *k == kind)
        .map(|(_, key)| key.value.clone())
        .collect()
}

/// What the service's task count follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scaling {
    /// Target tracking on average CPU and memory utilization.
    Utilization,
    /// A worker's queue: target tracking on messages waiting per running task, and a step
    /// policy that starts the first task when messages wait and none runs.
    Queue {
        queue: String,
        messages_per_task: u32,
    },
}

/// Messages each task may have waiting when the manifest does not say: AWS's worked
/// example, 10 seconds of acceptable latency at 0.1 s per message.
/// <https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-using-sqs-queue.html>
pub const DEFAULT_MESSAGES_PER_TASK: u32 = 100;

/// A worker's backlog per task divides by Container Insights' RunningTaskCount, so a
/// cluster that scales a worker on a queue must have it on.
pub(crate) fn check_queue_scaling(
    m: &Manifest,
    env: &manifest::Environment,
    cluster: &crate::Cluster,
    diags: &mut Vec<Diagnostic>,
) {
    if cluster.container_insights {
        return;
    }
    for svc in m.services.values() {
        if let Some(q) = &svc.scale_on {
            let span = first_set(
                &[env.overrides.container_insights.as_ref().map(|c| &c.span)],
                &q.span,
            );
            diags.push(
                Diagnostic::new(
                    format!(
                        "worker `{}` scales on queue `{}`, which needs Container Insights, and environment `{}` turns it off",
                        svc.key.value, q.value, env.key.value
                    ),
                    span,
                )
                .with_help("remove `container_insights = false`: backlog per task divides the queue's messages by Container Insights' RunningTaskCount"),
            );
        }
    }
}

fn scaling(svc: &manifest::Service) -> Scaling {
    match &svc.scale_on {
        Some(q) => Scaling::Queue {
            queue: q.value.clone(),
            messages_per_task: svc
                .messages_per_task
                .as_ref()
                .map_or(DEFAULT_MESSAGES_PER_TASK, |m| m.value),
        },
        None => Scaling::Utilization,
    }
}

/// How ECS tells that a container is healthy, besides the load balancer's check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerHealthCheck {
    /// `wget` on the health check path, from inside the container (the default).
    Wget,
    /// A command in ECS's form (`CMD` or `CMD-SHELL` first).
    Command(Vec<String>),
    /// None: the load balancer's check alone decides.
    Off,
}

/// Where a secret environment variable is read from when the task starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// A Secrets Manager secret by name; its ARN is looked up at plan time.
    SecretsManagerName {
        name: String,
        json_key: Option<String>,
    },
    /// A Secrets Manager secret by full ARN.
    SecretsManagerArn {
        arn: String,
        json_key: Option<String>,
    },
    /// An SSM parameter. `arn` may contain [`ACCOUNT`] for the current account.
    SsmParameter { arn: String },
}

/// Placeholder for the deploying account's id inside an ARN.
pub const ACCOUNT: &str = "{account}";

/// One IAM policy statement of a task role. Resources may contain [`ACCOUNT`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub test: String,
    pub variable: String,
    pub values: Vec<String>,
}

pub(crate) fn health_check_path(svc: &manifest::Service) -> String {
    svc.health_check
        .as_ref()
        .map(|h| h.value.clone())
        .unwrap_or_else(|| "/".to_string())
}

/// The smallest memory Fargate allows for `cpu`: the default when a service sets only `cpu`.
fn default_memory(cpu: u32) -> u32 {
    fargate::memory_options(cpu)
        .and_then(|m| m.first().copied())
        .unwrap_or(512)
}

/// The task size: the environment's per-service override, else the service's own, else the
/// smallest; checked against what Fargate offers.
fn size(
    env: &manifest::Environment,
    svc: &manifest::Service,
    diags: &mut Vec<Diagnostic>,
) -> (u32, u32) {
    let o = env.services.get(&svc.key.value);
    let cpu = pick(&[o.and_then(|o| o.cpu.as_ref()), svc.cpu.as_ref()], 256);
    let memory = pick(
        &[o.and_then(|o| o.memory.as_ref()), svc.memory.as_ref()],
        default_memory(cpu.value),
    );
    let valid = fargate::memory_options(cpu.value).unwrap_or_default();
    if !valid.contains(&memory.value) {
        let span = first_set(&[memory.span, cpu.span], &svc.key.span);
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
    (cpu.value, memory.value)
}

/// `(desired, min, max)` task counts, checked against each other.
fn counts(
    env: &manifest::Environment,
    svc: &manifest::Service,
    p: &Profile,
    diags: &mut Vec<Diagnostic>,
) -> (u32, u32, u32) {
    let o = env.services.get(&svc.key.value);
    let eo = &env.overrides;
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
    if min.value == 0 && svc.scale_on.is_none() {
        let span = first_set(&[min.span], &svc.key.span);
        diags.push(
            Diagnostic::new(
                format!(
                    "service `{}` in environment `{}` may scale to no tasks, and scaling on CPU and memory cannot bring it back",
                    svc.key.value, env.key.value
                ),
                span,
            )
            .with_help("use `min_count` 1 or more: target tracking needs a running task to measure, and the running-tasks alarm could never fire; only a worker with `scale_on = \"queue:NAME\"` starts from zero, on the queue's messages"),
        );
    } else if min.value > max.value {
        let span = first_set(&[max.span, min.span], &svc.key.span);
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
        let span = first_set(&[desired.span], &svc.key.span);
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

    (desired.value, min.value, max.value)
}

/// The manifest's choice; a worker without `health_check_command` has none, since it has
/// no port for wget to ask.
fn container_health_check(svc: &manifest::Service) -> ContainerHealthCheck {
    match (&svc.health_check_command, &svc.container_health_check) {
        (_, Some(on)) if !on.value => ContainerHealthCheck::Off,
        (Some(command), _) => {
            ContainerHealthCheck::Command(command.value.iter().map(|c| c.value.clone()).collect())
        }
        _ if svc.port.is_none() => ContainerHealthCheck::Off,
        _ => ContainerHealthCheck::Wget,
    }
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
    p: &Profile,
    capacity: Capacity,
    diags: &mut Vec<Diagnostic>,
) -> Service {
    let (cpu, memory_mib) = size(env, svc, diags);
    let (desired_count, min_count, max_count) = counts(env, svc, p, diags);
    let name = naming::service_name(&m.app.name, &env.key, &svc.key);
    Service {
        key: svc.key.value.clone(),
        name,
        port: svc.port.as_ref().map(|p| p.value),
        cpu,
        memory_mib,
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
        container_health_check: container_health_check(svc),
        log_retention_days: pick(
            &[env.overrides.log_retention_days.as_ref()],
            p.log_retention_days,
        )
        .value,
        desired_count,
        min_count,
        max_count,
        capacity,
        scaling: scaling(svc),
        egress: svc.egress.iter().map(|e| e.value.clone()).collect(),
        task_role_statements: statements(m, env, p, svc),
        queues: used(svc, "queue"),
        tables: used(svc, "table"),
        databases: used(svc, "database"),
        topics: used(svc, "topic"),
        buckets: used(svc, "bucket"),
        caches: used(svc, "cache"),
        release: release::for_service(m, env, svc, p, diags),
    }
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

/// The statement that lets a task use the environment's KMS key for `actions` only when
/// `aws_service` (`sqs`, `sns`, `s3`) asks on its behalf: how the queues, topics and
/// buckets it uses encrypt. Actions are sorted, each once.
pub(crate) fn key_through(
    sid: &str,
    mut actions: Vec<String>,
    region: &str,
    aws_service: &str,
) -> Statement {
    actions.sort();
    actions.dedup();
    Statement {
        sid: sid.into(),
        actions,
        resources: vec![format!("arn:aws:kms:{region}:{ACCOUNT}:key/*")],
        conditions: vec![Condition {
            test: "StringEquals".into(),
            variable: "kms:ViaService".into(),
            values: vec![format!("{aws_service}.{region}.amazonaws.com")],
        }],
    }
}

/// `my-uploads.bucket` → `MyUploadsBucket`, for statement ids (alphanumeric only).
pub fn camel(s: &str) -> String {
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
fn statements(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    svc: &manifest::Service,
) -> Vec<Statement> {
    let mut out = grant_statements(m, svc);
    out.extend(crate::queue::statements(m, env, svc));
    out.extend(crate::table::statements(m, env, svc));
    out.extend(crate::topic::statements(m, env, svc));
    out.extend(crate::bucket::statements(m, env, svc));
    out.extend(crate::cache::statements(m, env, p, svc));
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
