//! CloudWatch: log groups, alarms, dashboards, and Container Insights on ECS clusters.
//! <https://aws.amazon.com/cloudwatch/pricing/>

use wharf_terraform::{Resource, Value};

use crate::pricer::{trim, Charge, Pricer, HOURS_PER_MONTH};

/// Days in an average month (730 hours).
const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;

/// Ingestion and storage. Without a stored size in the usage file, storage is a month's
/// ingestion kept for the retention period (the steady state; stored data is compressed,
/// so this errs high).
pub fn log_group(p: &mut Pricer<'_>, r: &Resource) {
    match r.body.get("log_group_class") {
        Value::Null => {}
        Value::String(c) if c == "STANDARD" => {}
        Value::String(c) => {
            return p.unpriced(
                r,
                "ingestion and storage",
                &format!("the `{c}` log class is not in the price table"),
            )
        }
        _ => return p.unpriced(r, "ingestion and storage", "the log class is not known"),
    }
    p.metered(
        r,
        Charge::new("log ingestion", "GB", "logs.ingested_gb"),
        "monthly_ingested_gb",
        1.0,
    );
    let storage = Charge::new("log storage", "GB-months", "logs.stored_gb_month");
    if p.usage(r, "stored_gb").is_some() {
        return p.metered(r, storage, "stored_gb", 1.0);
    }
    let retention = r
        .body
        .get("retention_in_days")
        .as_f64()
        .filter(|d| *d > 0.0);
    match (p.usage(r, "monthly_ingested_gb"), retention) {
        (Some(monthly), Some(days)) => {
            let stored = monthly / DAYS_PER_MONTH * days;
            let note = format!(
                "{} GB a month kept {} days (no stored_gb in the usage file)",
                trim(monthly),
                trim(days)
            );
            p.worked_out(r, storage.note(note), stored);
        }
        (_, None) => p.metered(
            r,
            storage.note("logs never expire: storage grows every month"),
            "stored_gb",
            1.0,
        ),
        (None, Some(_)) => p.metered(r, storage, "stored_gb", 1.0),
    }
}

/// Each metric an alarm watches, at the standard or high-resolution rate; an anomaly
/// detection band counts three.
pub fn alarm(p: &mut Pricer<'_>, r: &Resource) {
    let queries: Vec<_> = r.body.blocks("metric_query").collect();
    let metrics = queries
        .iter()
        .filter(|q| q.block("metric").is_some())
        .count()
        .max(1);
    let anomaly = queries.iter().any(|q| {
        q.get("expression")
            .as_str()
            .is_some_and(|e| e.contains("ANOMALY_DETECTION_BAND"))
    });
    let periods = std::iter::once(r.body.get("period").as_f64()).chain(
        queries
            .iter()
            .filter_map(|q| q.block("metric"))
            .map(|m| m.get("period").as_f64()),
    );
    let high_resolution = periods.flatten().any(|s| s < 60.0);
    let (component, key) = if high_resolution {
        (
            "alarm metrics (high resolution)",
            "cloudwatch.alarm.high_resolution_month",
        )
    } else {
        ("alarm metrics", "cloudwatch.alarm.standard_month")
    };
    let count = if anomaly { metrics * 3 } else { metrics };
    let mut charge = Charge::new(component, "alarm metric-months", key);
    if anomaly {
        charge = charge.note("an anomaly detection alarm is billed as three metrics");
    }
    p.fixed(r, charge, count as f64);
}

pub fn dashboard(p: &mut Pricer<'_>, r: &Resource) {
    p.fixed(
        r,
        Charge::new(
            "dashboard",
            "dashboard-months",
            "cloudwatch.dashboard_month",
        ),
        1.0,
    );
}

/// Container Insights metrics are billed as custom metrics, and its performance events as
/// log ingestion; how many of each depends on the services and tasks, so both come from the
/// usage file. <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-container-insights.html>
pub fn container_insights(p: &mut Pricer<'_>, r: &Resource) {
    let mode = r
        .body
        .blocks("setting")
        .find(|s| s.get("name").as_str() == Some("containerInsights"))
        .map(|s| s.get("value").clone());
    match mode {
        Some(Value::String(m)) if m == "enabled" || m == "enhanced" => {
            let note = if m == "enhanced" {
                "enhanced observability adds task and container metrics"
            } else {
                "metrics per cluster, service and task family"
            };
            p.metered(
                r,
                Charge::new(
                    "Container Insights metrics",
                    "metric-months",
                    "cloudwatch.custom_metric_month",
                )
                .note(note),
                "container_insights_metrics",
                1.0,
            );
            p.metered(
                r,
                Charge::new("Container Insights log ingestion", "GB", "logs.ingested_gb"),
                "container_insights_ingested_gb",
                1.0,
            );
        }
        Some(Value::String(_)) | Some(Value::Null) | None => {}
        Some(_) => p.unpriced(
            r,
            "Container Insights",
            "whether Container Insights is enabled is not known",
        ),
    }
}
