//! RDS instances, DynamoDB tables and ElastiCache caches, serverless and on nodes.

use wharf_terraform::{Resource, Value};

use crate::pricer::{Charge, Pricer, HOURS_PER_MONTH};

/// Instance hours and gp3 storage; a Multi-AZ instance deployment costs twice both.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html>
pub fn db_instance(p: &mut Pricer<'_>, r: &Resource) {
    let engine = match r.body.get("engine").as_str() {
        Some(e) => e.to_string(),
        None => return p.unpriced(r, "instance hours", "the database engine is not known"),
    };
    let multi_az = r.body.get("multi_az").as_bool() == Some(true);
    let factor = if multi_az { 2.0 } else { 1.0 };
    let deployment = if multi_az { "Multi-AZ" } else { "Single-AZ" };
    match r.body.get("instance_class").as_str() {
        Some(class) => {
            let key = format!("rds.{engine}.{class}.hour");
            p.fixed(
                r,
                Charge::new(
                    &format!("{class} instance hours ({deployment})"),
                    "hours",
                    &key,
                )
                .times(factor),
                HOURS_PER_MONTH,
            );
        }
        None => p.unpriced(r, "instance hours", "the instance class is not known"),
    }
    let storage = r.body.get("allocated_storage").as_f64();
    match (r.body.get("storage_type"), storage) {
        (Value::String(t), Some(gb)) if t == "gp3" => p.fixed(
            r,
            Charge::new(
                &format!("gp3 storage ({deployment})"),
                "GB-months",
                "rds.gp3.stored_gb_month",
            )
            .times(factor),
            gb,
        ),
        (Value::String(t), _) if t != "gp3" => p.unpriced(
            r,
            "storage",
            &format!("`{t}` storage is not in the price table"),
        ),
        (Value::Null, _) => p.unpriced(
            r,
            "storage",
            "`storage_type` is not set; only gp3 storage is in the price table",
        ),
        _ => p.unpriced(r, "storage", "the allocated storage is not known"),
    }
}

/// On-demand tables: request units and storage from the usage file, and point-in-time
/// recovery on the same GB when it is on. Provisioned capacity is not in the price table.
pub fn dynamodb_table(p: &mut Pricer<'_>, r: &Resource) {
    match r.body.get("billing_mode") {
        Value::String(m) if m == "PAY_PER_REQUEST" => {
            p.metered(
                r,
                Charge::new(
                    "write request units",
                    "1M units",
                    "dynamodb.on_demand.write_million",
                ),
                "monthly_write_request_units",
                1e-6,
            );
            p.metered(
                r,
                Charge::new(
                    "read request units",
                    "1M units",
                    "dynamodb.on_demand.read_million",
                ),
                "monthly_read_request_units",
                1e-6,
            );
        }
        // The provider's default billing mode is PROVISIONED.
        Value::String(_) | Value::Null => p.unpriced(
            r,
            "provisioned capacity",
            "provisioned read and write capacity is not in the price table",
        ),
        _ => p.unpriced(r, "requests", "the billing mode is not known"),
    }
    p.metered(
        r,
        Charge::new("storage", "GB-month", "dynamodb.storage.gb_month"),
        "storage_gb",
        1.0,
    );
    let pitr = r
        .body
        .block("point_in_time_recovery")
        .map(|b| b.get("enabled"));
    match pitr {
        Some(Value::Bool(false)) | None => {}
        Some(Value::Bool(true)) => p.metered(
            r,
            Charge::new(
                "point-in-time recovery",
                "GB-month",
                "dynamodb.pitr.gb_month",
            ),
            "storage_gb",
            1.0,
        ),
        Some(_) => p.unpriced(
            r,
            "point-in-time recovery",
            "whether point-in-time recovery is on is not known",
        ),
    }
}

/// Data stored (with the minimum AWS meters) and processing units.
/// <https://aws.amazon.com/elasticache/pricing/>
pub fn serverless_cache(p: &mut Pricer<'_>, r: &Resource) {
    let (engine, minimum_gb) = match r.body.get("engine").as_str() {
        Some("valkey") => ("valkey", 0.1),
        Some("redis") => ("redis", 1.0),
        Some(other) => {
            return p.unpriced(
                r,
                "data stored",
                &format!("the `{other}` engine is not in the price table"),
            )
        }
        None => return p.unpriced(r, "data stored", "the cache engine is not known"),
    };
    let stored_key = format!("elasticache.serverless.{engine}.gb_hour");
    let storage = Charge::new("data stored", "GB-hours", &stored_key);
    match p.usage(r, "average_stored_gb") {
        Some(gb) => {
            let metered = gb.max(minimum_gb);
            p.worked_out(r, storage, metered * HOURS_PER_MONTH);
        }
        None => p.fixed(
            r,
            storage.note(format!(
                "the minimum AWS meters ({minimum_gb} GB); give average_stored_gb for more"
            )),
            minimum_gb * HOURS_PER_MONTH,
        ),
    }
    let ecpu_key = format!("elasticache.serverless.{engine}.ecpu_million");
    p.metered(
        r,
        Charge::new("processing units (ECPU)", "1M ECPUs", &ecpu_key),
        "monthly_ecpus",
        1e-6,
    );
    cache_snapshots(p, r);
}

/// Node-hours of a replication group (`num_cache_clusters` nodes without cluster mode, or
/// shards × (1 + replicas) with it) or of a cache cluster (`num_cache_nodes`), by engine
/// and node type; snapshots from the usage file.
/// <https://aws.amazon.com/elasticache/pricing/>
pub fn cache_nodes(p: &mut Pricer<'_>, r: &Resource) {
    // A member of a replication group is priced with its group.
    if r.kind == "aws_elasticache_cluster"
        && !matches!(r.body.get("replication_group_id"), Value::Null)
    {
        return;
    }
    let engine = match r.body.get("engine") {
        // Both resources default to Redis OSS.
        Value::Null => "redis".to_string(),
        v => match v.as_str() {
            Some(e) => e.to_string(),
            None => return p.unpriced(r, "node hours", "the cache engine is not known"),
        },
    };
    let Some(node_type) = r.body.get("node_type").as_str().map(str::to_string) else {
        return p.unpriced(r, "node hours", "the node type is not known");
    };
    let Some(nodes) = node_count(r) else {
        return p.unpriced(r, "node hours", "the number of nodes is not known");
    };
    let key = format!("elasticache.node.{engine}.{node_type}.hour");
    p.fixed(
        r,
        Charge::new(&format!("{node_type} node hours"), "hours", &key).times(nodes),
        HOURS_PER_MONTH,
    );
    cache_snapshots(p, r);
}

/// How many nodes a cache runs, when the configuration says.
fn node_count(r: &Resource) -> Option<f64> {
    if r.kind == "aws_elasticache_cluster" {
        return r.body.get("num_cache_nodes").as_f64();
    }
    let shards = r.body.get("num_node_groups");
    if !matches!(shards, Value::Null) {
        // Without `replicas_per_node_group` the count is ElastiCache's to decide.
        let replicas = r.body.get("replicas_per_node_group").as_f64()?;
        return Some(shards.as_f64()? * (1.0 + replicas));
    }
    match r.body.get("num_cache_clusters") {
        // A replication group without either has one node.
        Value::Null => Some(1.0),
        v => v.as_f64(),
    }
}

/// Snapshot storage, from the usage file.
fn cache_snapshots(p: &mut Pricer<'_>, r: &Resource) {
    p.metered(
        r,
        Charge::new(
            "snapshot storage",
            "GB-months",
            "elasticache.backup.gb_month",
        ),
        "snapshot_gb",
        1.0,
    );
}
