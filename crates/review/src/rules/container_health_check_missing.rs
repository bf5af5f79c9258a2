//! WH206: an essential ECS container without a container health check.

use wharf_terraform::{Block, Resource, Value};

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH206",
    name: "container-health-check-missing",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Add a `healthCheck` to the container definition",
    doc: r#"## What it does
Reports an essential container (`essential` is `true`, the default) in an
`aws_ecs_task_definition` that has no `healthCheck`. It does so even when the service
sits behind a load balancer.

## Why is this bad?
Without a health check ECS only knows whether the container's process is running. A
process that is deadlocked, out of connections or stuck at start keeps running, so ECS
keeps the task and never replaces it. A load balancer's target group health check covers
part of this for the containers it routes to, but not sidecars or workers, and not
before the task is registered. With a container health check, ECS marks the task
unhealthy and replaces it, deployments wait until new tasks are healthy (so the circuit
breaker sees a broken release), and other containers can wait for this one with
`dependsOn` and the `HEALTHY` condition. A `HEALTHCHECK` in the image's Dockerfile does not
count: ECS only monitors health checks written in the task definition. Checkov has no
check for this.

A task definition that only a schedule or an event runs (an `aws_scheduler_schedule` or an
`aws_cloudwatch_event_target` refers to it, no `aws_ecs_service` does) is a job that runs
to completion, and is not reported: its exit code says how it went.

## Example
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name      = "api"
    image     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    essential = true
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name      = "api"
    image     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    essential = true
    healthCheck = {
      command     = ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }
  }])
}
```

## References
- Determine Amazon ECS task health using container health checks: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html>
- Container definition `healthCheck` and `dependsOn`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        if scheduled_only(cx, task) {
            continue;
        }
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            // A non-essential container stopping does not stop the task: not a subject.
            match c.get("essential") {
                Value::Null => {}
                v => match v.as_bool() {
                    Some(true) => {}
                    _ => return,
                },
            }
            let ok = match c.get("healthCheck") {
                Value::Unknown => None,
                Value::Null => Some(false),
                _ => Some(true),
            };
            cx.expect(ok, task, span.clone(), || {
                format!(
                    "essential container `{}` of {} has no health check",
                    c.name(),
                    named(task)
                )
            });
        });
    }
}

/// Whether the task definition is run to completion on a schedule or an event (an
/// `aws_scheduler_schedule` or an `aws_cloudwatch_event_target` starts it) and by no
/// `aws_ecs_service`: ECS records how its task exits, and there is nothing running to
/// replace.
fn scheduled_only(cx: &Check<'_>, task: &Resource) -> bool {
    let root = cx.root;
    if root
        .referring("task_definition", task)
        .any(|r| r.kind == "aws_ecs_service")
    {
        return false;
    }
    let runs = |b: Option<&Block>| {
        b.is_some_and(|b| b.refs("task_definition_arn").contains(&task.address))
    };
    root.resources_of("aws_scheduler_schedule").any(|s| {
        runs(
            s.body
                .block("target")
                .and_then(|t| t.block("ecs_parameters")),
        )
    }) || root
        .resources_of("aws_cloudwatch_event_target")
        .any(|t| runs(t.body.block("ecs_target")))
}
