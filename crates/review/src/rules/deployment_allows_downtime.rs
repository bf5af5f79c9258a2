//! WH207: an ECS service whose rolling deployments may stop every running task.

use wharf_terraform::Value;

use crate::ecs;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH207",
    name: "deployment-allows-downtime",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Raise `deployment_minimum_healthy_percent` above 0 (100 keeps full capacity)",
    doc: r#"## What it does
Reports a replica `aws_ecs_service` with rolling deployments (the `ECS` deployment
controller, the default) whose `deployment_minimum_healthy_percent` is 0. Unset, ECS
uses 100. `DAEMON` services, whose default is 0 because one task per instance must be
stopped to be replaced, and services deployed by CodeDeploy or an external controller are
not checked.

## Why is this bad?
During a rolling deployment ECS keeps at least `desired count × minimum healthy percent
/ 100` tasks running, rounded up. At 0 that is no task at all: ECS may stop every running
task before the new ones start and pass their health checks, so each deployment is an
outage, and a release that cannot start leaves nothing serving. Any value above 0 keeps
at least one task running (50% of 1 task rounds up to 1). Values between 1 and 99 still
reduce capacity during deployments (50% of 4 tasks may stop 2); 100 with
`deployment_maximum_percent = 200` starts new tasks before stopping old ones, which on
Fargate costs nothing but the extra tasks' minutes. Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2

  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
}
```

## Use instead
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
}
```

## References
- Deploy Amazon ECS services by replacing tasks, `minimumHealthyPercent`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html>
- `DeploymentConfiguration` in the Amazon ECS API: <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for service in cx.resources("aws_ecs_service") {
        if ecs::rolling_deployments(service) != Some(true) {
            continue;
        }
        match service.body.get("scheduling_strategy") {
            Value::Null => {}
            Value::String(s) if s == "REPLICA" => {}
            // DAEMON (not a subject), or not known.
            _ => continue,
        }
        // ECS keeps ceil(desired × percent / 100) tasks running: whatever the count, that
        // is none only at 0. Unset, the percent is 100.
        let ok = match service.body.get("deployment_minimum_healthy_percent") {
            Value::Null => Some(true),
            v => v.as_f64().map(|percent| percent > 0.0),
        };
        cx.expect(
            ok,
            service,
            service.body.span_of("deployment_minimum_healthy_percent"),
            || {
                format!(
                    "{} may stop all of its tasks during a deployment (minimum healthy percent 0)",
                    named(service)
                )
            },
        );
    }
}
