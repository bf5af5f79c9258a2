//! A cache, one module call per `[caches.*]` table: ElastiCache Serverless or a replication
//! group on nodes, its IAM user and user group, its security group and its alarms; and
//! what the services that use it are told.

use std::fmt::Write as _;

use wharf_model::{cache_variable, Cache, CacheMode, Environment, Platform};
use wharf_prices::{PriceTable, HOURS_PER_MONTH};

use crate::component::{Call, Component, Readme};
use crate::components::connections::{client_security_groups, egress_to, Connections};
use crate::hcl::{Block, Body, Expr};
use crate::root::{by_key, code_list, ident, output};

pub struct Caches;

/// `cache_<key>`: the module call of a cache, which the services refer to.
pub(crate) fn label(key: &str) -> String {
    format!("cache_{}", ident(key))
}

impl Component for Caches {
    fn name(&self) -> &'static str {
        "cache"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("cache")
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        env.caches.iter().map(|c| call(self, env, c)).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.caches.is_empty() {
            return Vec::new();
        }
        let per_cache = |attr: &str| by_key(env.caches.iter().map(|c| &c.key), label, attr);
        vec![
            output(
                "cache_hosts",
                "Where the services connect to each cache.",
                per_cache("host"),
            ),
            output(
                "cache_arns",
                "ARN of each serverless cache or replication group.",
                per_cache("arn"),
            ),
        ]
    }

    fn readme(&self, p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.caches.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Caches\n");
        let _ = writeln!(o, "ElastiCache in the private subnets, encrypted at rest with the environment's KMS key and in transit (TLS required), reachable on port {} only from the services that use it. No password exists: the cache's user group holds a disabled `default` user and one IAM user, and a service's task role may `elasticache:Connect` to that cache as that user alone. Snapshots are taken daily at 03:00 UTC and kept as long as database backups; a node-based cache's engine and slow logs go to CloudWatch, and its minor versions are applied on Sundays 05:30–06:30 UTC. Alarms fire on any eviction (the cache is full), on a node's engine CPU above {}% for 5 minutes, and on throttled commands (a serverless cache at its ECPU ceiling).\n", wharf_aws::elasticache::PORT, wharf_model::CACHE_CPU_ALARM_PERCENT);
        let _ = writeln!(
            o,
            "| cache | engine | kind | a month | instead | snapshots | used by |"
        );
        let _ = writeln!(o, "|---|---|---|---|---|---|---|");
        for c in &env.caches {
            let _ = writeln!(o, "{}", row(&p.region, c));
        }
        let _ = writeln!(o, "\nA serverless cache bills the data it holds (Valkey at least 100 MB, Redis OSS at least 1 GB) and the ECPUs it uses; a node is a flat hourly price for up to its memory. The dev profile puts caches on one node, whose price does not grow with its data; staging and prod put them on ElastiCache Serverless, spread over the zones and growing without a resize. Node prices are \"not priced\" until wharf's price table has a sourced figure. `cache_serverless` on an environment (or `serverless` on the cache) chooses otherwise, and `wharf cost` prices the data and ECPUs from a usage file.");
        let _ = writeln!(o, "\nA service that uses a cache finds it in `CACHE_<NAME>_HOST` and `_PORT`, and signs in over TLS as the user `CACHE_<NAME>_USER` with an IAM authentication token as the password: a SigV4-presigned `connect` request for that user to the cache `CACHE_<NAME>_NAME` (with `ResourceType=ServerlessCache` when `CACHE_<NAME>_SERVERLESS` is `true`), signed for the service `elasticache` with the task role and valid 15 minutes. ElastiCache closes an IAM-authenticated connection after 12 hours, so let the client make a new token when it reconnects.");
        let _ = writeln!(o, "\nDeleting a cache deletes its data and its automatic snapshots; a node-based cache with `final_snapshot` leaves a final one. Restore a snapshot into a new cache with `aws elasticache create-serverless-cache --snapshot-arns-to-restore` (or `create-replication-group --snapshot-name`).");
    }
}

fn row(region: &str, c: &Cache) -> String {
    let prices = PriceTable::bundled();
    let month = |key: &str, times: f64| {
        prices
            .get(region, key)
            .map_or("not priced".to_string(), |p| {
                format!("${:.2}", p.usd * times * HOURS_PER_MONTH)
            })
    };
    let engine = c.engine.as_str();
    let serverless_floor = || {
        let floor_gb = if engine == "valkey" { 0.1 } else { 1.0 };
        format!(
            "{} (the least data stored it bills, before ECPUs)",
            month(
                &format!("elasticache.serverless.{engine}.gb_hour"),
                floor_gb
            )
        )
    };
    let node_price = month(
        &format!("elasticache.node.{engine}.{}.hour", c.node_type),
        f64::from(c.nodes),
    );
    let on_nodes = if c.nodes > 1 {
        format!(
            "{} × `{}` (a replica in another zone takes over)",
            c.nodes, c.node_type
        )
    } else {
        format!("one `{}` node", c.node_type)
    };
    let mut limits = Vec::new();
    if let Some(gb) = c.max_storage_gb {
        limits.push(format!("at most {gb} GB"));
    }
    if let Some(e) = c.max_ecpu_per_second {
        limits.push(format!("at most {e} ECPUs a second"));
    }
    let (kind, cost, instead) = match c.mode {
        CacheMode::Serverless => (
            if limits.is_empty() {
                "serverless".to_string()
            } else {
                format!("serverless, {}", limits.join(", "))
            },
            format!("from {}", serverless_floor()),
            format!("{on_nodes}: {node_price}"),
        ),
        CacheMode::Nodes => (
            if limits.is_empty() {
                on_nodes
            } else {
                // The ceilings are written for where the cache is serverless.
                format!(
                    "{on_nodes} (the {} apply where it is serverless)",
                    limits.join(" and ")
                )
            },
            node_price,
            format!("serverless from {}", serverless_floor()),
        ),
    };
    format!(
        "| `{}` | {} {} | {kind} | {cost} | {instead} | {}{} | {} |",
        c.name,
        if engine == "valkey" {
            "Valkey"
        } else {
            "Redis OSS"
        },
        c.version,
        days(c.snapshot_retention_days),
        if c.final_snapshot && !c.serverless() {
            ", and a final one"
        } else {
            ""
        },
        code_list(&c.clients),
    )
}

fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

fn call(component: &Caches, env: &Environment, c: &Cache) -> Call {
    let version =
        wharf_aws::elasticache::engine_version(c.engine.as_str(), c.version).unwrap_or_default();
    let mut body = Body::new()
        .attr("name", Expr::str(&c.name))
        .attr("engine", Expr::str(c.engine.as_str()))
        .attr("engine_version", Expr::str(version))
        .attr("serverless", Expr::Bool(c.serverless()));
    body = match c.mode {
        CacheMode::Serverless => body
            .attr_opt("max_storage_gb", c.max_storage_gb.map(Expr::int))
            .attr_opt("max_ecpu_per_second", c.max_ecpu_per_second.map(Expr::int)),
        CacheMode::Nodes => body
            .attr("node_type", Expr::str(&c.node_type))
            .attr("multi_az", Expr::Bool(c.nodes > 1)),
    };
    let body = body
        .blank()
        .attr("vpc_id", Expr::raw("module.network.vpc_id"))
        .attr("subnet_ids", Expr::raw("module.network.private_subnet_ids"))
        .attr(
            "client_security_group_ids",
            client_security_groups(env, &c.clients),
        )
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .blank()
        .attr(
            "snapshot_retention_days",
            Expr::int(c.snapshot_retention_days),
        )
        .attr("final_snapshot", Expr::Bool(c.final_snapshot))
        .attr("log_retention_days", Expr::int(c.log_retention_days))
        .attr("alarm_topic_arn", Expr::raw("module.alarms.sns_topic_arn"))
        .attr("cpu_alarm_threshold", Expr::int(c.cpu_alarm_percent));
    Call::new(component, &label(&c.key), body)
}

/// What a service that uses caches is given: its `CACHE_*` variables and the egress to
/// each cache's security group. (Its `elasticache:Connect` statement is the model's.)
pub(crate) fn connect(env: &Environment, s: &wharf_model::Service, conn: &mut Connections) {
    for c in env.caches.iter().filter(|c| s.caches.contains(&c.key)) {
        let module = label(&c.key);
        let var = |a: &str| cache_variable(&c.key, a);
        conn.environment.extend([
            (var("HOST"), Expr::Raw(format!("module.{module}.host"))),
            (
                var("PORT"),
                Expr::str(wharf_aws::elasticache::PORT.to_string()),
            ),
            (var("USER"), Expr::str(&c.name)),
            (var("NAME"), Expr::str(&c.name)),
            (
                var("SERVERLESS"),
                Expr::str(if c.serverless() { "true" } else { "false" }),
            ),
        ]);
        let port = wharf_aws::elasticache::PORT;
        // A serverless cache's reader endpoint is on the next port.
        let ports = if c.serverless() {
            port..=port + 1
        } else {
            port..=port
        };
        conn.egress
            .push((module.clone(), egress_to(&module, ports)));
    }
}
