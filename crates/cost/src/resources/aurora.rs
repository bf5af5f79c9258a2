//! Aurora Serverless v2 clusters and their instances, and RDS Proxy.

use wharf_terraform::{Resource, Value};

use crate::pricer::{Charge, Pricer, HOURS_PER_MONTH};

/// Storage and I/O of an Aurora cluster (Standard configuration), from the usage file: what
/// a cluster stores grows on its own, so nothing in its configuration says how much.
/// <https://aws.amazon.com/rds/aurora/pricing/>
pub fn cluster(p: &mut Pricer<'_>, r: &Resource) {
    match r.body.get("storage_type") {
        Value::Null => {}
        Value::String(t) if t == "aurora" => {}
        Value::String(t) => {
            return p.unpriced(
                r,
                "storage and I/O",
                &format!("the `{t}` storage configuration is not in the price table"),
            )
        }
        _ => {
            return p.unpriced(
                r,
                "storage and I/O",
                "the storage configuration is not known",
            )
        }
    }
    p.metered(
        r,
        Charge::new("storage", "GB-month", "aurora.storage.gb_month"),
        "storage_gb",
        1.0,
    );
    p.metered(
        r,
        Charge::new("I/O requests", "1M requests", "aurora.io.request_million"),
        "monthly_io_requests",
        1e-6,
    );
}

/// The ACU-hours of a Serverless v2 instance: `acu_hours` from the usage file, else its
/// cluster's minimum capacity all month (nothing at 0, when it pauses while idle).
/// Provisioned instance classes are not in the price table.
pub fn cluster_instance(p: &mut Pricer<'_>, r: &Resource) {
    match r.body.get("instance_class").as_str() {
        Some("db.serverless") => {}
        Some(class) => {
            return p.unpriced(
                r,
                "instance hours",
                &format!("Aurora `{class}` instances are not in the price table"),
            )
        }
        None => return p.unpriced(r, "instance hours", "the instance class is not known"),
    }
    let charge = || {
        Charge::new(
            "Serverless v2 capacity",
            "ACU-hours",
            "aurora.serverless_v2.acu_hour",
        )
    };
    if let Some(hours) = p.usage(r, "acu_hours") {
        return p.worked_out(r, charge(), hours);
    }
    let min = p
        .referenced(r, "cluster_identifier", "aws_rds_cluster")
        .and_then(|c| c.body.block("serverlessv2_scaling_configuration"))
        .and_then(|s| s.get("min_capacity").as_f64());
    match min {
        Some(0.0) => p.fixed(
            r,
            charge().note(
                "pauses when idle (minimum capacity 0) and costs nothing while paused; set `acu_hours` in the usage file for the hours it runs",
            ),
            0.0,
        ),
        Some(acu) => p.fixed(
            r,
            charge().note(format!(
                "{acu} ACUs, its minimum capacity, all month; set `acu_hours` in the usage file for what it scales to"
            )),
            acu * HOURS_PER_MONTH,
        ),
        None => p.unpriced(
            r,
            "Serverless v2 capacity",
            "the cluster's minimum capacity is not known; set `acu_hours` in the usage file",
        ),
    }
}

/// RDS Proxy is billed per vCPU-hour of the instance it fronts (per ACU-hour of an Aurora
/// Serverless v2 target, which the price table does not have).
/// <https://aws.amazon.com/rds/proxy/pricing/>
pub fn proxy(p: &mut Pricer<'_>, r: &Resource) {
    let targets = p.referring("aws_db_proxy_target", "db_proxy_name", r);
    let Some(target) = targets.first() else {
        return p.unpriced(
            r,
            "proxy",
            "no `aws_db_proxy_target` of this root module names the proxy",
        );
    };
    if let Some(db) = p.referenced(target, "db_instance_identifier", "aws_db_instance") {
        let class = db.body.get("instance_class").as_str().map(str::to_string);
        return match class
            .as_deref()
            .and_then(|c| wharf_aws::rds::vcpus(c).map(|v| (c, v)))
        {
            Some((class, vcpus)) => p.fixed(
                r,
                Charge::new("proxy vCPU-hours", "vCPU-hours", "rds.proxy.vcpu_hour")
                    .note(format!("{vcpus} vCPUs of the target `{class}`, all month")),
                f64::from(vcpus) * HOURS_PER_MONTH,
            ),
            None => p.unpriced(
                r,
                "proxy",
                "the target instance's class, whose vCPUs the proxy is billed by, is not known",
            ),
        };
    }
    if p.referenced(target, "db_cluster_identifier", "aws_rds_cluster")
        .is_some()
    {
        return p.unpriced(
            r,
            "proxy",
            "a proxy in front of Aurora Serverless v2 is billed per ACU-hour (at least 8 ACUs), which the price table does not have",
        );
    }
    p.unpriced(r, "proxy", "the proxy's target is not known")
}
