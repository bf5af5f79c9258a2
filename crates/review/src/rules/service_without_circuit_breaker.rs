//! WH201: an ECS service with rolling deployments but no circuit breaker that rolls back.

use crate::ecs;
use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH201",
    name: "service-without-circuit-breaker",
    pillar: Pillar::Reliability,
    severity: Severity::High,
    checkov: &[],
    fix: "Enable the deployment circuit breaker with rollback",
    doc: r#"## What it does
Reports an `aws_ecs_service` that uses rolling deployments (the `ECS` deployment
controller, the default) without `deployment_circuit_breaker { enable = true, rollback = true }`.
Services deployed by CodeDeploy (`CODE_DEPLOY`) or an `EXTERNAL` controller are not
checked: the circuit breaker only applies to rolling deployments.

## Why is this bad?
When the new task definition cannot run (a bad image, a missing secret, a failing health
check), ECS keeps launching replacement tasks that fail, for hours, and the deployment
never ends. With the circuit breaker, the deployment is marked failed after repeated task
failures; with `rollback`, ECS returns the service to the last deployment that completed,
so the service is not left half-deployed. Checkov has no check for this.

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

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
```

## References
- How the Amazon ECS deployment circuit breaker detects failures: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html>
- Deploy Amazon ECS services by replacing tasks (rolling update): <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for service in cx.resources("aws_ecs_service") {
        // Blue/green and external deployments have no circuit breaker: not subjects.
        if ecs::rolling_deployments(service) != Some(true) {
            continue;
        }
        let Some(breaker) = service.body.block("deployment_circuit_breaker") else {
            cx.fail(
                service,
                service.location.span.clone(),
                format!("{} has no deployment circuit breaker", named(service)),
            );
            continue;
        };
        // Either argument known false is a finding whatever the other one is: an off
        // breaker stops nothing, and one without rollback leaves the failed deployment.
        match (
            known_true(breaker.get("enable")),
            known_true(breaker.get("rollback")),
        ) {
            (Some(true), Some(true)) => cx.pass(),
            (Some(false), _) => cx.fail(
                service,
                breaker.span_of("enable"),
                format!(
                    "{} has its deployment circuit breaker turned off",
                    named(service)
                ),
            ),
            (_, Some(false)) => cx.fail(
                service,
                breaker.span_of("rollback"),
                format!("{} does not roll back failed deployments", named(service)),
            ),
            _ => {}
        }
    }
}
