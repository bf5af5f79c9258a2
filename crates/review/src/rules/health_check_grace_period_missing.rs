//! WH211: an ECS service behind a load balancer with no health check grace period.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH211",
    name: "health-check-grace-period-missing",
    pillar: Pillar::Reliability,
    severity: Severity::Low,
    checkov: &[],
    fix: "Set `health_check_grace_period_seconds` to the time the application takes to start",
    doc: r#"## What it does
Reports an `aws_ecs_service` with at least one `load_balancer` block whose
`health_check_grace_period_seconds` is unset or 0.

## Why is this bad?
A new task is registered with the target group as soon as it runs, and the load
balancer starts health checking it at once. An application that takes longer to start
than the target group's unhealthy threshold (by default 2 failed checks of 30 seconds
for an ALB) is marked unhealthy, and ECS stops it and starts another that meets the same
fate: the service never becomes stable, and a deployment trips the circuit breaker or
never finishes. The grace period tells ECS to ignore load balancer health checks for
that long after a task starts. Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }
}
```

## Use instead
```hcl
resource "aws_ecs_service" "api" {
  name                              = "api"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.api.arn
  desired_count                     = 2
  health_check_grace_period_seconds = 60

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }
}
```

## References
- Amazon ECS service definition parameters, `healthCheckGracePeriodSeconds`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html>
- Health checks for Application Load Balancer target groups: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for service in cx.resources("aws_ecs_service") {
        if service.body.block("load_balancer").is_none() {
            continue;
        }
        // Unset, ECS uses 0: load balancer health checks count from the first second.
        let ok = match service.body.get("health_check_grace_period_seconds") {
            Value::Null => Some(false),
            v => v.as_f64().map(|seconds| seconds > 0.0),
        };
        cx.expect(
            ok,
            service,
            service.body.span_of("health_check_grace_period_seconds"),
            || {
                format!(
                    "{} has no health check grace period: slow-starting tasks are replaced before they are ready",
                    named(service)
                )
            },
        );
    }
}
