//! The typed platform wharf builds from a manifest.
//!
//! Profiles and derived defaults are resolved here, in one function per component
//! (`resolve::network`, `resolve::registry`, …), so that every default has one home. This
//! crate is pure data: no I/O, no Terraform syntax. The invariant it keeps: a [`Platform`]
//! only exists when every cross-field rule holds (Fargate sizes, task counts, routes,
//! capacity weights), and every violation is reported against the manifest line that caused
//! it.

mod profile;
mod resolve;

use std::collections::BTreeMap;

pub use profile::{profile, Endpoints, Profile};
pub use resolve::resolve;
pub use wharf_manifest::{EcrEncryption, ProfileName};

/// A whole application: every environment, fully resolved.
#[derive(Debug, Clone)]
pub struct Platform {
    pub app: String,
    pub region: String,
    pub domain: Option<String>,
    /// S3 bucket that holds the Terraform state of every environment.
    pub state_bucket: String,
    /// Environments sorted by name.
    pub environments: Vec<Environment>,
}

/// One environment: one Terraform root.
#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    pub profile: ProfileName,
    /// `{app}-{env}`: names the VPC, cluster, load balancer and alarm topic.
    pub prefix: String,
    pub network: Network,
    pub registry: Registry,
    pub cluster: Cluster,
    pub load_balancer: LoadBalancer,
    /// Services sorted by key.
    pub services: Vec<Service>,
    pub alarms: Alarms,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub cidr: String,
    /// The AZ IDs the VPC spans, at least two.
    pub zone_ids: Vec<String>,
    pub single_nat_gateway: bool,
    /// AWS services reached through interface endpoints instead of the NAT gateway (the
    /// part after `com.amazonaws.<region>.`), in the order of `net::INTERFACE_ENDPOINTS`.
    pub interface_endpoints: Vec<&'static str>,
    /// The endpoints for what the tasks use (image pulls, logs, the secret stores they
    /// read): what `interface_endpoints` would list to keep all of it off the NAT gateway.
    pub used_endpoints: Vec<&'static str>,
    pub flow_log_retention_days: u32,
}

impl Network {
    /// Whether image pulls go through the NAT gateway (no `ecr.api` or `ecr.dkr`
    /// endpoint): a trade-off wharf's own review reports (WH502).
    pub fn pulls_through_nat(&self) -> bool {
        !(self.interface_endpoints.contains(&"ecr.api")
            && self.interface_endpoints.contains(&"ecr.dkr"))
    }
}

#[derive(Debug, Clone)]
pub struct Registry {
    /// Repository name by service key.
    pub repositories: BTreeMap<String, String>,
    pub encryption: EcrEncryption,
    pub images_to_keep: u32,
    pub force_delete: bool,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    /// Retention of the ECS Exec audit log group.
    pub log_retention_days: u32,
    pub container_insights: bool,
    pub capacity: Capacity,
}

/// How tasks are spread over on-demand FARGATE and FARGATE_SPOT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Tasks placed on FARGATE before the weights apply.
    pub fargate_base: u32,
    pub fargate_weight: u32,
    pub fargate_spot_weight: u32,
}

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
}

#[derive(Debug, Clone)]
pub struct Service {
    pub key: String,
    /// `{app}-{env}-{service}`.
    pub name: String,
    pub port: u32,
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
    pub task_role_statements: Vec<Statement>,
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

#[derive(Debug, Clone)]
pub struct Alarms {
    pub alerts_email: Option<String>,
    pub cpu_percent: u32,
    pub memory_percent: u32,
    pub target_5xx_count: u32,
    pub response_time_seconds: f64,
}

/// Reads, validates and resolves a manifest, reporting every problem at once: those of the
/// manifest itself and those that appear only once profiles are applied. A model problem in
/// a service or environment that already has a manifest problem is left out, since it may
/// only be an echo of the value that was refused.
pub fn load(file: &str, source: &str) -> Result<Platform, wharf_manifest::Diagnostics> {
    let (manifest, mut items) = wharf_manifest::parse_partial(source);
    if let Some(m) = &manifest {
        match resolve(m) {
            Ok(p) if items.is_empty() => return Ok(p),
            Ok(_) => {}
            Err(model_items) => {
                let regions = table_regions(m, source.len());
                let tainted = |at: usize| {
                    regions
                        .iter()
                        .find(|r| r.contains(&at))
                        .is_some_and(|r| items.iter().any(|d| r.contains(&d.span.start)))
                };
                let kept: Vec<_> = model_items
                    .into_iter()
                    .filter(|d| !tainted(d.span.start))
                    .collect();
                items.extend(kept);
            }
        }
    }
    Err(wharf_manifest::Diagnostics {
        file: file.to_string(),
        source: source.to_string(),
        items,
    })
}

/// Byte ranges of each service's and environment's part of the file: from its key to the
/// next one.
fn table_regions(m: &wharf_manifest::Manifest, len: usize) -> Vec<std::ops::Range<usize>> {
    let mut starts: Vec<usize> = m
        .services
        .values()
        .map(|s| s.key.span.start)
        .chain(m.environments.values().map(|e| e.key.span.start))
        .collect();
    starts.sort_unstable();
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| s..starts.get(i + 1).copied().unwrap_or(len))
        .collect()
}
