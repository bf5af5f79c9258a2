//! WH202: an ECS service whose task count no Application Auto Scaling policy adjusts.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH202",
    name: "service-without-autoscaling",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Add an `aws_appautoscaling_target` and a scaling policy for the service",
    doc: r#"## What it does
Reports a replica `aws_ecs_service` with no `aws_appautoscaling_target` for its desired
count (`service_namespace = "ecs"`, `scalable_dimension = "ecs:service:DesiredCount"`,
`resource_id = "service/<cluster name>/<service name>"`), or with a target but no
`aws_appautoscaling_policy` for it. Targets are matched on the service's `name` as the last
segment of `resource_id`. `DAEMON` services, which run one task per instance, are not
checked.

## Why is this bad?
Without auto scaling the service runs `desired_count` tasks whatever the load: a spike
saturates them and requests fail or time out, and a task lost to a zone or Spot
interruption is replaced but never supplemented. A scalable target alone changes nothing:
only a policy (target tracking or step scaling) moves the count between its minimum and
maximum. Checkov has no check for this.

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
resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 2
  max_capacity       = 10
}

resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "api-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
```

## References
- Automatically scale your Amazon ECS service: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html>
- Target tracking scaling policies for Amazon ECS: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html>
- Reliability pillar, REL07-BP01 use automation when obtaining or scaling resources: <https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_adapt_to_changes_autoscale_adapt.html>
"#,
    check,
};

const NAMESPACE: &str = "ecs";
const DIMENSION: &str = "ecs:service:DesiredCount";

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let targets: Vec<&Resource> = root
        .resources_of("aws_appautoscaling_target")
        .filter(|t| may_scale_ecs_services(t))
        .collect();
    let policies: Vec<&Resource> = root
        .resources_of("aws_appautoscaling_policy")
        .filter(|p| may_scale_ecs_services(p))
        .collect();
    for service in root.resources_of("aws_ecs_service") {
        match service.body.get("scheduling_strategy") {
            Value::Null => {}
            Value::String(s) if s == "REPLICA" => {}
            // DAEMON (not a subject), or not known.
            _ => continue,
        }
        let Some(name) = service.body.get("name").as_str() else {
            continue;
        };
        let ok = scaled(name, &targets, &policies);
        cx.expect(
            ok.map(|o| o == Scaled::Yes),
            service,
            service.location.span.clone(),
            || match ok {
                Some(Scaled::NoPolicy) => format!(
                    "{} has a scalable target but no scaling policy; its task count never changes",
                    named(service)
                ),
                _ => format!(
                    "{} has no auto scaling target; its task count is fixed",
                    named(service)
                ),
            },
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scaled {
    Yes,
    NoTarget,
    NoPolicy,
}

/// Whether a target or policy may be about ECS desired counts: known to be, or not known.
fn may_scale_ecs_services(r: &Resource) -> bool {
    let namespace = r.body.get("service_namespace");
    let dimension = r.body.get("scalable_dimension");
    matches_or_unknown(namespace, NAMESPACE) && matches_or_unknown(dimension, DIMENSION)
}

fn matches_or_unknown(value: &Value, wanted: &str) -> bool {
    match value.as_str() {
        Some(s) => s == wanted,
        None => value.is_unknown(),
    }
}

/// Whether a target or policy is known to be about ECS desired counts.
fn known_ecs(r: &Resource) -> bool {
    r.body.get("service_namespace").as_str() == Some(NAMESPACE)
        && r.body.get("scalable_dimension").as_str() == Some(DIMENSION)
}

/// How the service named `name` is scaled; None when a target or policy that might be its
/// own is not known well enough to tell.
fn scaled(name: &str, targets: &[&Resource], policies: &[&Resource]) -> Option<Scaled> {
    // `service/<cluster name>/<service name>`: the service is the last segment.
    let is_its = |id: &str| id.starts_with("service/") && id.rsplit('/').next() == Some(name);
    let mut unknown_target = false;
    let mut ids: Vec<&str> = Vec::new();
    for t in targets {
        match t.body.get("resource_id") {
            Value::String(id) if is_its(id) && known_ecs(t) => ids.push(id),
            Value::String(id) if is_its(id) => unknown_target = true,
            Value::Unknown => unknown_target = true,
            _ => {}
        }
    }
    if ids.is_empty() {
        return if unknown_target {
            None
        } else {
            Some(Scaled::NoTarget)
        };
    }
    let mut unknown_policy = false;
    for p in policies {
        match p.body.get("resource_id") {
            Value::String(id) if ids.contains(&id.as_str()) && known_ecs(p) => {
                return Some(Scaled::Yes)
            }
            Value::String(id) if ids.contains(&id.as_str()) => unknown_policy = true,
            Value::Unknown => unknown_policy = true,
            _ => {}
        }
    }
    if unknown_policy {
        None
    } else {
        Some(Scaled::NoPolicy)
    }
}
