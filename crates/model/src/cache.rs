//! The caches of an environment: ElastiCache for Valkey or Redis OSS, serverless or on
//! nodes as the profile picks, with snapshots, and the services that connect to it with IAM
//! authentication.

use wharf_aws::elasticache;
use wharf_manifest::{self as manifest, naming, CacheEngine, Manifest, Use};

use crate::profile::Profile;
use crate::resolve::{pick, services_using};
use crate::service::{Statement, ACCOUNT};

#[derive(Debug, Clone, PartialEq)]
pub struct Cache {
    pub key: String,
    /// `{app}-{env}-{cache}`: the serverless cache's name or the replication group's id,
    /// its user group's id and its IAM user's id and name.
    pub name: String,
    pub engine: CacheEngine,
    /// The engine's major version.
    pub version: u32,
    pub mode: CacheMode,
    /// A serverless cache's ceilings on data stored and ECPUs a second (unused on nodes).
    pub max_storage_gb: Option<u32>,
    pub max_ecpu_per_second: Option<u32>,
    /// The node type it runs on, or would run on without serverless: the environment's
    /// `cache_node_type`, the cache's `node_type`, or the profile's.
    pub node_type: String,
    /// Its nodes, or those it would have: 2 (a primary and a replica in another zone that
    /// takes over) where the profile is Multi-AZ, else 1.
    pub nodes: u32,
    /// Days of daily snapshots kept (the profile's `backup_retention_days`).
    pub snapshot_retention_days: u32,
    /// A snapshot of a node-based cache when it is deleted.
    pub final_snapshot: bool,
    /// Of a node-based cache's engine and slow logs.
    pub log_retention_days: u32,
    /// A node's engine CPU (percent) over 5 minutes above which it alarms.
    pub cpu_alarm_percent: u32,
    /// Keys of the services and jobs that connect to it.
    pub clients: Vec<String>,
}

/// A node's engine CPU above which its alarm fires: the engine's thread is one core, so
/// past this it queues commands.
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html>
pub const CACHE_CPU_ALARM_PERCENT: u32 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheMode {
    /// ElastiCache Serverless: spread over the Availability Zones, billed for the data it
    /// holds and the ECPUs it uses, up to the ceilings when set.
    Serverless,
    /// A replication group without cluster mode of `nodes` nodes of `node_type`.
    Nodes,
}

impl Cache {
    pub fn serverless(&self) -> bool {
        self.mode == CacheMode::Serverless
    }
}

/// The ARNs a task connects to: the cache (a serverless cache or a replication group) and
/// its user, which share the cache's name. They may contain [`ACCOUNT`].
fn connect_arns(region: &str, name: &str, serverless: bool) -> [String; 2] {
    let kind = if serverless {
        "serverlesscache"
    } else {
        "replicationgroup"
    };
    [
        format!("arn:aws:elasticache:{region}:{ACCOUNT}:{kind}:{name}"),
        format!("arn:aws:elasticache:{region}:{ACCOUNT}:user:{name}"),
    ]
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    c: &manifest::Cache,
) -> Cache {
    let o = &env.overrides;
    let engine = c.engine.as_ref().map_or(CacheEngine::Valkey, |e| e.value);
    Cache {
        key: c.key.value.clone(),
        name: naming::service_name(&m.app.name, &env.key, &c.key),
        engine,
        version: c.version.as_ref().map_or_else(
            || elasticache::newest_major(engine.as_str()).unwrap_or_default(),
            |v| v.value,
        ),
        mode: mode(env, p, c),
        max_storage_gb: c.max_storage_gb.as_ref().map(|v| v.value),
        max_ecpu_per_second: c.max_ecpu_per_second.as_ref().map(|v| v.value),
        node_type: o
            .cache_node_type
            .as_ref()
            .or(c.node_type.as_ref())
            .map_or_else(|| p.cache_node_type.to_string(), |n| n.value.clone()),
        nodes: if pick(&[o.multi_az.as_ref()], p.multi_az).value {
            2
        } else {
            1
        },
        snapshot_retention_days: pick(&[o.backup_retention_days.as_ref()], p.backup_retention_days)
            .value,
        final_snapshot: pick(&[o.final_snapshot.as_ref()], p.final_snapshot).value,
        log_retention_days: pick(&[o.log_retention_days.as_ref()], p.log_retention_days).value,
        cpu_alarm_percent: CACHE_CPU_ALARM_PERCENT,
        clients: services_using(
            m,
            |u| matches!(u, Use::Cache { cache } if cache.value == c.key.value),
        ),
    }
}

/// Serverless or nodes: the environment's `cache_serverless`, the cache's `serverless`, or
/// the profile's choice.
pub(crate) fn mode(env: &manifest::Environment, p: &Profile, c: &manifest::Cache) -> CacheMode {
    let serverless = pick(
        &[
            env.overrides.cache_serverless.as_ref(),
            c.serverless.as_ref(),
        ],
        p.cache_serverless,
    )
    .value;
    if serverless {
        CacheMode::Serverless
    } else {
        CacheMode::Nodes
    }
}

/// The task role statement for the caches a service uses: `elasticache:Connect` to each
/// cache as its user, which is what IAM authentication asks for.
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html>
pub(crate) fn statements(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    svc: &manifest::Service,
) -> Vec<Statement> {
    let region = &m.app.region.value;
    svc.uses
        .iter()
        .filter_map(|u| match &u.value {
            Use::Cache { cache } => m.caches.get(&cache.value),
            _ => None,
        })
        .map(|c| {
            let name = naming::service_name(&m.app.name, &env.key, &c.key);
            let serverless = mode(env, p, c) == CacheMode::Serverless;
            Statement {
                sid: format!("ConnectCache{}", crate::service::camel(&c.key.value)),
                actions: vec!["elasticache:Connect".into()],
                resources: connect_arns(region, &name, serverless).into(),
                conditions: vec![],
            }
        })
        .collect()
}
