//! WH303: an ECS cluster without CloudWatch Container Insights.

use std::ops::Range;

use wharf_terraform::{Block, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH303",
    name: "container-insights-disabled",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Low,
    checkov: &["CKV_AWS_65"],
    fix: "Add `setting { name = \"containerInsights\", value = \"enabled\" }` to the cluster",
    doc: r#"## What it does
Reports an `aws_ecs_cluster` without a `setting` block that sets `containerInsights` to
`enabled` or `enhanced`, unless an `aws_ecs_account_setting_default` in the same root module
turns Container Insights on for new clusters.

## Why is this bad?
Without Container Insights, ECS publishes only CPU and memory utilization per service. The
running and pending task counts, per-task CPU, memory, network and storage, and the
restarts that explain an outage are not collected, so a service whose tasks keep failing
to start cannot be alarmed on and is hard to diagnose afterwards. The metrics are charged
as custom metrics; a development cluster may do without them as a deliberate saving.

## Example
```hcl
resource "aws_ecs_cluster" "main" {
  name = "main"
}
```

## Use instead
```hcl
resource "aws_ecs_cluster" "main" {
  name = "main"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
```

## References
- Setting up Container Insights on Amazon ECS: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/deploy-container-insights-ECS-cluster.html>
- Container Insights metrics for Amazon ECS: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html>
- Checkov: `CKV_AWS_65`
"#,
    check,
};

const SETTING: &str = "containerInsights";

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    // The account default applies to clusters created without their own setting.
    let account_default: Vec<Option<bool>> = root
        .resources_of("aws_ecs_account_setting_default")
        .filter_map(|s| match s.body.get("name") {
            Value::Unknown => Some(None),
            Value::String(n) if n == SETTING => Some(enabled(s.body.get("value"))),
            _ => None,
        })
        .collect();
    for cluster in root.resources_of("aws_ecs_cluster") {
        let (ok, span) = match own_setting(&cluster.body) {
            Setting::Set(ok, span) => (ok, span),
            Setting::Unknown => (None, cluster.location.span.clone()),
            Setting::Absent => {
                let ok = if account_default.contains(&Some(true)) {
                    Some(true)
                } else if account_default.contains(&None) {
                    None
                } else {
                    Some(false)
                };
                (ok, cluster.location.span.clone())
            }
        };
        cx.expect(ok, cluster, span, || {
            format!("{} does not enable Container Insights", named(cluster))
        });
    }
}

enum Setting {
    /// The cluster sets `containerInsights`: whether to an enabling value, and where.
    Set(Option<bool>, Range<usize>),
    /// A `setting` block whose name is not known.
    Unknown,
    Absent,
}

fn own_setting(body: &Block) -> Setting {
    let mut unknown = false;
    for setting in body.blocks("setting") {
        match setting.get("name") {
            Value::String(n) if n == SETTING => {
                return Setting::Set(enabled(setting.get("value")), setting.span_of("value"));
            }
            Value::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown {
        Setting::Unknown
    } else {
        Setting::Absent
    }
}

/// `enhanced` is Container Insights with enhanced observability, a superset of `enabled`.
fn enabled(value: &Value) -> Option<bool> {
    match value {
        Value::Unknown => None,
        v => Some(matches!(v.as_str(), Some("enabled" | "enhanced"))),
    }
}
