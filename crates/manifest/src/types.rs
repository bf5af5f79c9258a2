//! The manifest as the user wrote it: validated values, each with its location.
//!
//! Optional values stay `None` here; the model crate resolves them from the environment's
//! profile. Nothing in these types is a default.

use std::collections::BTreeMap;
use std::ops::{Deref, Range};

/// A value and the byte range of the manifest it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Debug, Clone)]
pub struct Manifest {
    pub app: App,
    /// `[delivery]`, when the app is built and deployed from GitHub Actions.
    pub delivery: Option<Delivery>,
    pub network: Network,
    /// Services by key, sorted by key.
    pub services: BTreeMap<String, Service>,
    /// `[queues.*]` by key, sorted by key.
    pub queues: BTreeMap<String, Queue>,
    /// `[buckets.*]` by key, sorted by key.
    pub buckets: BTreeMap<String, Bucket>,
    /// `[jobs.*]` by key, sorted by key.
    pub jobs: BTreeMap<String, Job>,
    /// `[topics.*]` by key, sorted by key.
    pub topics: BTreeMap<String, Topic>,
    /// `[databases.*]` by key, sorted by key.
    pub databases: BTreeMap<String, Database>,
    /// `[tables.*]` by key, sorted by key.
    pub tables: BTreeMap<String, Table>,
    /// `[caches.*]` by key, sorted by key.
    pub caches: BTreeMap<String, Cache>,
    /// Environments by key, sorted by key.
    pub environments: BTreeMap<String, Environment>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub name: Spanned<String>,
    pub region: Spanned<String>,
    pub domain: Option<Spanned<String>>,
    pub state_bucket: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Network {
    pub cidr: Option<Spanned<Cidr>>,
    pub az_count: Option<Spanned<u32>>,
    /// Explicit AZ IDs (`use1-az1`); wins over `az_count`.
    pub zone_ids: Option<Spanned<Vec<String>>>,
}

/// An IPv4 CIDR block whose host bits are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: [u8; 4],
    pub prefix: u8,
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c, d] = self.addr;
        write!(f, "{a}.{b}.{c}.{d}/{}", self.prefix)
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub key: Spanned<String>,
    /// The port the container listens on; none makes the service a **worker**, which no
    /// load balancer routes to.
    pub port: Option<Spanned<u32>>,
    pub cpu: Option<Spanned<u32>>,
    pub memory: Option<Spanned<u32>>,
    pub paths: Vec<Spanned<String>>,
    pub hosts: Vec<Spanned<String>>,
    pub priority: Option<Spanned<u32>>,
    pub health_check: Option<Spanned<String>>,
    pub command: Option<Vec<Spanned<String>>>,
    /// Plain environment variables by name.
    pub env: BTreeMap<String, Spanned<String>>,
    /// Secret environment variables by name.
    pub secrets: BTreeMap<String, Spanned<SecretRef>>,
    pub repository: Option<Spanned<String>>,
    pub counts: Counts,
    pub grants: Vec<Spanned<Grant>>,
    pub readonly_root_filesystem: Option<Spanned<bool>>,
    pub user: Option<Spanned<String>>,
    /// `health_check_command`: the container health check in ECS's form (`CMD` or
    /// `CMD-SHELL` first), instead of wget on `health_check`.
    pub health_check_command: Option<Spanned<Vec<Spanned<String>>>>,
    /// `container_health_check = false`: no container health check; the load balancer's
    /// check on `health_check` alone decides a task's health.
    pub container_health_check: Option<Spanned<bool>>,
    /// `uses`: the manifest's data resources the service reaches, and how.
    pub uses: Vec<Spanned<Use>>,
    /// `scale_on = "queue:NAME"` (workers only): scale on that queue's backlog instead of
    /// CPU and memory; the key of the queue.
    pub scale_on: Option<Spanned<String>>,
    /// `egress`: what the tasks may reach outside the VPC besides HTTPS, each
    /// `tcp:PORT[-PORT]:CIDR` or `udp:…`; none by default.
    pub egress: Vec<Spanned<Egress>>,
    /// `messages_per_task`: with `scale_on`, how many waiting messages each task may have
    /// (acceptable latency ÷ the time one message takes); 100 by default.
    pub messages_per_task: Option<Spanned<u32>>,
    /// How a new revision reaches the service's traffic (schema/release.rs).
    pub release: ServiceRelease,
    /// How the deploy workflow builds its image (schema/delivery.rs).
    pub build: ServiceBuild,
}

/// A service's release keys. `None` keeps the environment's or the profile's choice.
#[derive(Debug, Clone, Default)]
pub struct ServiceRelease {
    /// `deployment`: the profile's by default (dev rolls, staging is blue/green, prod a
    /// canary).
    pub deployment: Option<Spanned<Deployment>>,
    /// `traffic_percent`: a canary's first step, or each step of a linear release; 10 by
    /// default.
    pub traffic_percent: Option<Spanned<u32>>,
    /// `traffic_interval_minutes`: how long a canary's first step lasts, or the time
    /// between a linear release's steps; 5 for a canary and 1 for a linear release by
    /// default.
    pub traffic_interval_minutes: Option<Spanned<u32>>,
    /// `test_path`: a path `wharf deploy` requests on the test listener, from inside the
    /// VPC, once a blue/green release's new tasks are up and before production traffic
    /// moves; an answer of 400 or more stops the release. None by default: traffic moves
    /// as soon as the new tasks pass the load balancer's health check.
    pub test_path: Option<Spanned<String>>,
}

/// `deployment`: how a new revision of a service reaches its traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deployment {
    /// ECS replaces tasks a few at a time behind the one target group.
    Rolling,
    /// CodeDeploy starts the new tasks beside the old ones, checks them on the test
    /// listener, then moves all traffic at once.
    BlueGreen,
    /// As blue/green, moving `traffic_percent` first, the rest after
    /// `traffic_interval_minutes`.
    Canary,
    /// As blue/green, moving `traffic_percent` every `traffic_interval_minutes`.
    Linear,
}

impl Deployment {
    pub const ALL: [Deployment; 4] = [
        Deployment::Rolling,
        Deployment::BlueGreen,
        Deployment::Canary,
        Deployment::Linear,
    ];

    /// As the manifest writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Deployment::Rolling => "rolling",
            Deployment::BlueGreen => "blue-green",
            Deployment::Canary => "canary",
            Deployment::Linear => "linear",
        }
    }

    /// Whether traffic moves in steps, so that `traffic_percent` and
    /// `traffic_interval_minutes` mean something.
    pub fn has_steps(self) -> bool {
        matches!(self, Deployment::Canary | Deployment::Linear)
    }
}

/// One entry of a service's `egress`: a protocol, a port range and the addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Egress {
    /// `tcp` or `udp`.
    pub protocol: &'static str,
    pub from_port: u32,
    pub to_port: u32,
    pub cidr: Cidr,
}

/// One entry of a service's `uses`: a data resource of the manifest and the access to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Use {
    /// `queue:NAME` (send and receive), `queue:NAME:send` or `queue:NAME:receive`.
    Queue {
        queue: Spanned<String>,
        access: QueueAccess,
    },
    /// `table:NAME` (read and write) or `table:NAME:read`.
    Table { table: Spanned<String>, write: bool },
    /// `database:NAME`: connect to the database (through its proxy when it has one).
    Database { database: Spanned<String> },
    /// `topic:NAME`: publish to the topic.
    Topic { topic: Spanned<String> },
    /// `bucket:NAME` or `bucket:NAME:read-write` (read and write objects), `bucket:NAME:read`.
    Bucket {
        bucket: Spanned<String>,
        write: bool,
    },
    /// `cache:NAME`: connect to the cache as its user, with IAM authentication.
    Cache { cache: Spanned<String> },
}

impl Use {
    /// `queue` or `table`, and the resource's key.
    pub fn target(&self) -> (&'static str, &Spanned<String>) {
        match self {
            Use::Queue { queue, .. } => ("queue", queue),
            Use::Table { table, .. } => ("table", table),
            Use::Database { database } => ("database", database),
            Use::Topic { topic } => ("topic", topic),
            Use::Bucket { bucket, .. } => ("bucket", bucket),
            Use::Cache { cache } => ("cache", cache),
        }
    }
}

/// `[buckets.NAME]`: an application S3 bucket, private, encrypted with the environment's
/// KMS key, reachable only over TLS.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub key: Spanned<String>,
    /// Days after which objects are deleted; kept by default.
    pub expire_days: Option<Spanned<u32>>,
    /// Days replaced and deleted versions are kept (with versioning); 30 by default.
    pub noncurrent_days: Option<Spanned<u32>>,
    /// Origins browsers may upload from and download to (CORS); none by default.
    pub cors_origins: Vec<Spanned<String>>,
}

/// `[jobs.NAME]`: a scheduled ECS task, run by EventBridge Scheduler.
#[derive(Debug, Clone)]
pub struct Job {
    pub key: Spanned<String>,
    /// `rate(…)` or `cron(…)`, as EventBridge Scheduler takes it.
    pub schedule: Spanned<String>,
    /// The time zone of a cron schedule; UTC by default.
    pub timezone: Option<Spanned<String>>,
    /// The service whose image (repository and image tag) the job runs.
    pub service: Spanned<String>,
    pub command: Vec<Spanned<String>>,
    /// The task size; the service's by default.
    pub cpu: Option<Spanned<u32>>,
    pub memory: Option<Spanned<u32>>,
    pub env: BTreeMap<String, Spanned<String>>,
    pub secrets: BTreeMap<String, Spanned<SecretRef>>,
    pub uses: Vec<Spanned<Use>>,
    /// Retries of a run that fails to start; 2 by default.
    pub retries: Option<Spanned<u32>>,
}

/// `[topics.NAME]`: a standard SNS topic, encrypted with the environment's KMS key.
#[derive(Debug, Clone)]
pub struct Topic {
    pub key: Spanned<String>,
    /// `email`: addresses subscribed to every message (each confirms by email); none by
    /// default.
    pub email: Vec<Spanned<String>>,
    /// `queues`: keys of the queues subscribed to every message (raw delivery); none by
    /// default.
    pub queues: Vec<Spanned<String>>,
}

/// `[databases.NAME]`: a PostgreSQL database. `None` keeps the profile's (or RDS's) value.
#[derive(Debug, Clone)]
pub struct Database {
    pub key: Spanned<String>,
    /// `aurora = true`: Aurora PostgreSQL Serverless v2; an RDS instance by default.
    pub aurora: Option<Spanned<bool>>,
    /// The PostgreSQL major version; the newest wharf offers by default.
    pub version: Option<Spanned<u32>>,
    /// An RDS instance's class; the profile's by default.
    pub instance_class: Option<Spanned<String>>,
    /// An RDS instance's gp3 storage; 20 GiB by default.
    pub storage_gb: Option<Spanned<u32>>,
    /// Storage autoscaling's ceiling; five times `storage_gb` by default.
    pub max_storage_gb: Option<Spanned<u32>>,
    /// Aurora's capacity range in ACUs; the profile's by default (0, pausing, in dev).
    pub min_capacity: Option<Spanned<f64>>,
    pub max_capacity: Option<Spanned<f64>>,
    /// Idle seconds before a database at 0 ACUs pauses; 300 by default.
    pub auto_pause_seconds: Option<Spanned<u32>>,
    /// RDS Proxy in front, with TLS and IAM authentication; off by default.
    pub proxy: Option<Spanned<bool>>,
    /// The database created in it; the key with `-` as `_` by default.
    pub database_name: Option<Spanned<String>>,
    /// The master user; `app` by default.
    pub username: Option<Spanned<String>>,
}

/// `[caches.NAME]`: an ElastiCache cache, serverless or on nodes. `None` keeps the
/// profile's (or ElastiCache's) value.
#[derive(Debug, Clone)]
pub struct Cache {
    pub key: Spanned<String>,
    /// `engine`: Valkey by default.
    pub engine: Option<Spanned<CacheEngine>>,
    /// The engine's major version; the newest wharf offers by default.
    pub version: Option<Spanned<u32>>,
    /// `serverless = true|false`: the profile's by default (nodes in dev, serverless in
    /// staging and prod).
    pub serverless: Option<Spanned<bool>>,
    /// A node-based cache's node type; the profile's by default.
    pub node_type: Option<Spanned<String>>,
    /// A serverless cache's ceilings; none by default (it grows as far as ElastiCache lets
    /// it).
    pub max_storage_gb: Option<Spanned<u32>>,
    pub max_ecpu_per_second: Option<Spanned<u32>>,
}

/// A cache's engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheEngine {
    Valkey,
    /// Redis OSS.
    Redis,
}

impl CacheEngine {
    pub const ALL: [CacheEngine; 2] = [CacheEngine::Valkey, CacheEngine::Redis];

    /// As ElastiCache writes it (`engine = "valkey"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CacheEngine::Valkey => "valkey",
            CacheEngine::Redis => "redis",
        }
    }
}

/// `[tables.NAME]`: a DynamoDB table, billed on demand.
#[derive(Debug, Clone)]
pub struct Table {
    pub key: Spanned<String>,
    /// `partition_key` (required) and `partition_key_type` (default `S`).
    pub partition_key: Spanned<KeyAttribute>,
    /// `sort_key` and `sort_key_type`; none by default.
    pub sort_key: Option<Spanned<KeyAttribute>>,
    /// `ttl_attribute`: the attribute holding each item's expiry (epoch seconds); none by
    /// default.
    pub ttl_attribute: Option<Spanned<String>>,
    /// `[tables.NAME.indexes.INDEX]`: global secondary indexes, projecting every attribute.
    pub indexes: Vec<TableIndex>,
}

/// A key attribute of a table or index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttribute {
    pub name: String,
    /// `S` (string), `N` (number) or `B` (binary).
    pub kind: &'static str,
}

#[derive(Debug, Clone)]
pub struct TableIndex {
    pub key: Spanned<String>,
    pub partition_key: Spanned<KeyAttribute>,
    pub sort_key: Option<Spanned<KeyAttribute>>,
}

/// What a service may do with a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueAccess {
    /// Send messages only (a producer).
    Send,
    /// Receive, delete and extend the visibility of messages only (a consumer).
    Receive,
    /// Both.
    SendReceive,
}

/// `[queues.NAME]`: an SQS queue.
#[derive(Debug, Clone)]
pub struct Queue {
    pub key: Spanned<String>,
    /// `fifo = true`: a FIFO queue (its name ends in `.fifo`), with content-based
    /// deduplication. Default: a standard queue.
    pub fifo: Option<Spanned<bool>>,
    /// How long a received message stays hidden from other consumers. Default: 30 s, SQS's.
    pub visibility_timeout_seconds: Option<Spanned<u32>>,
    /// How long a message is kept. Default: 4 days, SQS's.
    pub retention_days: Option<Spanned<u32>>,
    /// `dead_letter_queue = false`: no dead-letter queue. Default: one, after `max_receives`.
    pub dead_letter_queue: Option<Spanned<bool>>,
    /// Receives before a message moves to the dead-letter queue. Default: 5.
    pub max_receives: Option<Spanned<u32>>,
}

/// Task counts; any may be left to the profile.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub desired: Option<Spanned<u32>>,
    pub min: Option<Spanned<u32>>,
    pub max: Option<Spanned<u32>>,
}

/// Where a secret environment variable's value lives. Never the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// A Secrets Manager secret by name or ARN, optionally one key of its JSON value.
    SecretsManager {
        /// The secret's name, or its full ARN.
        secret: String,
        json_key: Option<String>,
    },
    /// An SSM Parameter Store parameter by name (starting with `/`) or ARN.
    SsmParameter { parameter: String },
}

/// A least-privilege permission the task role gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// `ses:send`: send email from addresses of the app's domain.
    SesSend,
    /// `s3:BUCKET` (read and write) or `s3:BUCKET:read`.
    S3 { bucket: String, write: bool },
}

/// The cost, availability and safety choices an environment starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProfileName {
    Dev,
    Staging,
    Prod,
}

impl ProfileName {
    pub const ALL: [(&'static str, ProfileName); 3] = [
        ("dev", ProfileName::Dev),
        ("staging", ProfileName::Staging),
        ("prod", ProfileName::Prod),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileName::Dev => "dev",
            ProfileName::Staging => "staging",
            ProfileName::Prod => "prod",
        }
    }
}

/// Per-environment overrides of the profile's values. `None` keeps the profile's value.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    // The network's (schema/network.rs).
    pub az_count: Option<Spanned<u32>>,
    pub zone_ids: Option<Spanned<Vec<String>>>,
    pub cidr: Option<Spanned<Cidr>>,
    pub single_nat_gateway: Option<Spanned<bool>>,
    /// The AWS services reached through interface VPC endpoints (`ecr.api`, `logs`, …);
    /// empty for none.
    pub interface_endpoints: Option<Spanned<Vec<Spanned<String>>>>,
    // The registry's (schema/registry.rs).
    pub ecr_encryption: Option<Spanned<EcrEncryption>>,
    pub ecr_force_delete: Option<Spanned<bool>>,
    pub images_to_keep: Option<Spanned<u32>>,
    // The cluster's (schema/cluster.rs); the log retention applies to every log group.
    pub log_retention_days: Option<Spanned<u32>>,
    pub container_insights: Option<Spanned<bool>>,
    pub fargate_base: Option<Spanned<u32>>,
    pub fargate_weight: Option<Spanned<u32>>,
    pub fargate_spot_weight: Option<Spanned<u32>>,
    // The load balancer's (schema/load_balancer.rs).
    pub deletion_protection: Option<Spanned<bool>>,
    pub access_logs_retention_days: Option<Spanned<u32>>,
    pub access_logs_force_destroy: Option<Spanned<bool>>,
    pub require_https: Option<Spanned<bool>>,
    pub waf: Option<Spanned<bool>>,
    pub waf_rate_limit: Option<Spanned<u32>>,
    // Every service's (schema/service.rs).
    pub min_count: Option<Spanned<u32>>,
    pub max_count: Option<Spanned<u32>>,
    // The tables' (schema/table.rs).
    pub point_in_time_recovery: Option<Spanned<bool>>,
    // The buckets' (schema/bucket.rs).
    pub bucket_versioning: Option<Spanned<bool>>,
    pub bucket_force_destroy: Option<Spanned<bool>>,
    // The databases' (schema/database.rs).
    pub multi_az: Option<Spanned<bool>>,
    pub backup_retention_days: Option<Spanned<u32>>,
    pub final_snapshot: Option<Spanned<bool>>,
    pub database_instance_class: Option<Spanned<String>>,
    pub database_min_capacity: Option<Spanned<f64>>,
    pub database_max_capacity: Option<Spanned<f64>>,
    // The caches' (schema/cache.rs).
    pub cache_serverless: Option<Spanned<bool>>,
    pub cache_node_type: Option<Spanned<String>>,
    // The alarms' (schema/alarms.rs).
    pub cpu_alarm_percent: Option<Spanned<u32>>,
    pub memory_alarm_percent: Option<Spanned<u32>>,
    pub target_5xx_alarm_count: Option<Spanned<u32>>,
    pub response_time_alarm_seconds: Option<Spanned<f64>>,
    pub database_cpu_alarm_percent: Option<Spanned<u32>>,
    pub queue_depth_alarm_messages: Option<Spanned<u32>>,
    pub queue_age_alarm_seconds: Option<Spanned<u32>>,
    // The releases' (schema/release.rs).
    /// Every web service's `deployment` here, unless its own override says otherwise.
    pub deployment: Option<Spanned<Deployment>>,
    pub bake_minutes: Option<Spanned<u32>>,
    pub test_listener_port: Option<Spanned<u32>>,
    pub test_listener_cidrs: Option<Spanned<Vec<Spanned<Cidr>>>>,
    // The delivery's (schema/delivery.rs).
    /// Which push deploys to the environment.
    pub deploy_from: Option<Spanned<DeployFrom>>,
    /// Whether a reviewer approves each deployment (GitHub environment protection).
    pub approval: Option<Spanned<bool>>,
}

/// `[delivery]`: the GitHub repository whose workflows build and deploy the app.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// `owner/name`, checked against GitHub's rules; never a pattern.
    pub repository: Spanned<String>,
    /// `wharf_git`: the `https://` URL of the wharf source the workflows install.
    pub wharf_git: Spanned<String>,
    /// `wharf_rev`: the commit of that source, 40 hex digits.
    pub wharf_rev: Spanned<String>,
}

/// A service's `build` and `dockerfile`: how the deploy workflow builds its image. `None`
/// keeps the default (the repository's root, and `Dockerfile` in the context).
#[derive(Debug, Clone, Default)]
pub struct ServiceBuild {
    /// The build context, relative to the repository's root.
    pub context: Option<Spanned<String>>,
    /// The Dockerfile, relative to the repository's root.
    pub dockerfile: Option<Spanned<String>>,
}

/// Which push deploys to an environment: `branch:NAME` or `tag:PATTERN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeployFrom {
    Branch(String),
    /// A tag, or a prefix of tags when it ends with `*`, such as `v*`.
    Tag(String),
}

impl DeployFrom {
    /// `branch:main`, `tag:v*`: as the manifest writes it.
    pub fn as_key(&self) -> String {
        match self {
            DeployFrom::Branch(b) => format!("branch:{b}"),
            DeployFrom::Tag(t) => format!("tag:{t}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcrEncryption {
    Aes256,
    Kms,
}

impl EcrEncryption {
    pub const ALL: [EcrEncryption; 2] = [EcrEncryption::Aes256, EcrEncryption::Kms];

    pub fn as_str(self) -> &'static str {
        match self {
            EcrEncryption::Aes256 => "AES256",
            EcrEncryption::Kms => "KMS",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub key: Spanned<String>,
    pub profile: Spanned<ProfileName>,
    pub certificate_arn: Option<Spanned<String>>,
    pub alerts_email: Option<Spanned<String>>,
    pub overrides: Overrides,
    /// Per-service overrides in this environment, by service key.
    pub services: BTreeMap<String, ServiceOverrides>,
}

#[derive(Debug, Clone)]
pub struct ServiceOverrides {
    pub key: Spanned<String>,
    pub cpu: Option<Spanned<u32>>,
    pub memory: Option<Spanned<u32>>,
    pub counts: Counts,
    /// `deployment` of this service here.
    pub deployment: Option<Spanned<Deployment>>,
}
