//! WH302: an ECS service that no CloudWatch alarm watches.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH302",
    name: "service-without-alarms",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Add CloudWatch alarms on the service's CPU, memory and running task count",
    doc: r#"## What it does
Reports an `aws_ecs_service` that no `aws_cloudwatch_metric_alarm` watches: no alarm on a
metric of the `AWS/ECS` or `ECS/ContainerInsights` namespace whose `ServiceName` dimension
is the service's name, either directly or in a `metric_query`.

## Why is this bad?
Without an alarm, the first to notice that tasks are out of memory, pinned at 100% CPU or
failing to start is a user. ECS publishes CPU and memory utilization per service for free,
and Container Insights adds the running task count; an alarm on them turns a slow
degradation into a notification while there is still time to act. Alarms on the load
balancer alone do not see a service that has no traffic or whose tasks keep restarting.
Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
}
```

## Use instead
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
}

resource "aws_cloudwatch_metric_alarm" "api_cpu_high" {
  alarm_name          = "api-cpu-high"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  alarm_actions       = [aws_sns_topic.alerts.arn]

  dimensions = {
    ClusterName = aws_ecs_cluster.main.name
    ServiceName = aws_ecs_service.api.name
  }
}
```

## References
- Amazon ECS CloudWatch metrics: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html>
- Container Insights metrics for Amazon ECS: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html>
- Using Amazon CloudWatch alarms: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>
"#,
    check,
};

/// The namespaces whose metrics have a `ServiceName` dimension for ECS services.
const ECS_NAMESPACES: &[&str] = &["AWS/ECS", "ECS/ContainerInsights"];

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let alarms: Vec<&Resource> = root.resources_of("aws_cloudwatch_metric_alarm").collect();
    for service in root.resources_of("aws_ecs_service") {
        let ok = match service.body.get("name").as_str() {
            Some(name) => any_of(alarms.iter().map(|a| alarm_watches(a, name))),
            None => None,
        };
        cx.expect(ok, service, service.location.span.clone(), || {
            format!(
                "no CloudWatch alarm watches {}: none is on an AWS/ECS or ECS/ContainerInsights \
                 metric with its `ServiceName`",
                named(service)
            )
        });
    }
}

/// Some(true) when one outcome is, None when none is but one is not known, else Some(false).
fn any_of(outcomes: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for outcome in outcomes {
        match outcome {
            Some(true) => return Some(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// Whether `alarm` watches the service named `service`, through its own metric or one of
/// its `metric_query { metric { ... } }` blocks.
fn alarm_watches(alarm: &Resource, service: &str) -> Option<bool> {
    let body = &alarm.body;
    let own = metric_watches(body.get("namespace"), body.get("dimensions"), service);
    let queried = body
        .blocks("metric_query")
        .flat_map(|q| q.blocks("metric"))
        .map(|m| metric_watches(m.get("namespace"), m.get("dimensions"), service));
    match any_of(std::iter::once(own).chain(queried)) {
        // An alarm whose count or for_each is not known may not exist.
        Some(true) if alarm.key_unknown() => None,
        outcome => outcome,
    }
}

fn metric_watches(namespace: &Value, dimensions: &Value, service: &str) -> Option<bool> {
    let ecs = match namespace {
        Value::Unknown => None,
        ns => Some(ns.as_str().is_some_and(|n| ECS_NAMESPACES.contains(&n))),
    };
    if ecs == Some(false) {
        return Some(false);
    }
    let name = match dimensions {
        Value::Unknown => return None,
        Value::Object(map) => map.get("ServiceName").unwrap_or(&Value::Null),
        _ => return Some(false),
    };
    match name {
        Value::Unknown => None,
        Value::String(s) if s == service => ecs.map(|_| true),
        _ => Some(false),
    }
}
