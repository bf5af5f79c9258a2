//! The typed platform wharf builds from a manifest.
//!
//! One file per platform component (`network`, `registry`, `cluster`, `load_balancer`,
//! `bucket`, `queue`, `topic`, `database`, `table`, `cache`, `service`, `job`, `alarms`), each with
//! its types and its resolver: profiles and derived defaults
//! are decided there, so that every default has one home; `resolve` calls them for each
//! environment. The files share their component's name with its render file and its
//! Terraform module (`wharf-render`'s `COMPONENTS` lists them). This
//! crate is pure data: no I/O, no Terraform syntax. The invariant it keeps: a [`Platform`]
//! only exists when every cross-field rule holds (Fargate sizes, task counts, routes,
//! capacity weights), and every violation is reported against the manifest line that caused
//! it.

// Functions stay short enough to read at once (the threshold is in clippy.toml).
#![deny(clippy::too_many_lines)]

mod alarms;
mod bucket;
mod cache;
mod cluster;
mod database;
mod delivery;
mod job;
mod load_balancer;
mod network;
mod profile;
mod queue;
mod registry;
mod release;
mod resolve;
mod service;
mod table;
mod topic;

pub use alarms::Alarms;
pub use bucket::Bucket;
pub use cache::{Cache, CacheMode, CACHE_CPU_ALARM_PERCENT};
pub use cluster::{Capacity, Cluster};
pub use database::{Database, Engine, DEFAULT_POSTGRES_VERSION};
pub use delivery::{
    Build, Delivery, Pipeline, Promotion, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, SESSION_SECONDS,
};
pub use job::Job;
pub use load_balancer::{LoadBalancer, Target, CATCH_ALL_PRIORITY};
pub use network::Network;
pub use queue::Queue;
pub use registry::Registry;
pub use release::{
    BlueGreen, CodeDeploy, Release, ReleaseTest, CHECK_IMAGE, SECOND_TARGET_GROUP_SUFFIX,
    TEST_PORT_HTTP, TEST_PORT_HTTPS, TEST_WAIT_MINUTES,
};
use resolve::resolve;
pub use service::{
    camel, Condition, ContainerHealthCheck, Scaling, Secret, Service, Statement, ACCOUNT,
    DEFAULT_MESSAGES_PER_TASK,
};
pub use table::{Index, Table};
pub use topic::Topic;
pub use wharf_aws::codedeploy::Traffic;
pub use wharf_manifest::github;
/// `QUEUE_<NAME>_URL`, the variable with which a service finds a queue it uses.
pub use wharf_manifest::naming::queue_url_variable;
/// `TABLE_<NAME>_NAME`, the variable with which a service finds a table it uses.
pub use wharf_manifest::naming::table_name_variable;
pub use wharf_manifest::naming::{
    bucket_name_variable, cache_variable, database_variable, topic_arn_variable, CACHE_ATTRIBUTES,
    DATABASE_ATTRIBUTES,
};
pub use wharf_manifest::DeployFrom;
pub use wharf_manifest::KeyAttribute;
pub use wharf_manifest::{CacheEngine, EcrEncryption, ProfileName};

/// A whole application: every environment, fully resolved.
#[derive(Debug, Clone)]
pub struct Platform {
    pub app: String,
    pub region: String,
    /// S3 bucket that holds the Terraform state of every environment.
    pub state_bucket: String,
    /// How GitHub Actions builds and deploys the app, with `[delivery]`: the account's
    /// OIDC provider is then rendered in the bootstrap root, and the workflows beside it.
    pub pipeline: Option<Pipeline>,
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
    /// Application buckets sorted by key.
    pub buckets: Vec<Bucket>,
    /// Queues sorted by key.
    pub queues: Vec<Queue>,
    /// Topics sorted by key.
    pub topics: Vec<Topic>,
    /// Databases sorted by key.
    pub databases: Vec<Database>,
    /// Tables sorted by key.
    pub tables: Vec<Table>,
    /// Caches sorted by key.
    pub caches: Vec<Cache>,
    /// Services sorted by key.
    pub services: Vec<Service>,
    /// Scheduled jobs sorted by key.
    pub jobs: Vec<Job>,
    pub alarms: Alarms,
    /// The CodeDeploy application, when a service releases blue/green.
    pub code_deploy: Option<CodeDeploy>,
    /// How GitHub Actions deploys it, when the manifest has `[delivery]`.
    pub delivery: Option<Delivery>,
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
