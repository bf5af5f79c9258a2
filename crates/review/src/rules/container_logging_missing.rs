//! WH305: an ECS container whose output goes nowhere.

use wharf_terraform::Value;

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH305",
    name: "container-logging-missing",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Add a `logConfiguration` with the `awslogs` log driver to the container definition",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` without a `logConfiguration`, or whose
`logConfiguration` has no `logDriver`.

## Why is this bad?
Without a log driver, what the container writes to stdout and stderr is not kept anywhere
you can read it: on Fargate it is simply lost. When a task crashes at start, fails its
health check or misbehaves under load, the one record of why is gone, and ECS shows only
"Essential container in task exited". Checkov has no check for this; AWS Config's
`ecs-task-definition-log-configuration` rule does.

## Example
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.api.name
        awslogs-region        = "us-east-1"
        awslogs-stream-prefix = "api"
      }
    }
  }])
}
```

## References
- Send Amazon ECS logs to CloudWatch (the `awslogs` driver): <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html>
- AWS Config rule ecs-task-definition-log-configuration: <https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-log-configuration.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let config = c.get("logConfiguration");
            let ok = match config {
                Value::Unknown => None,
                Value::Null => Some(false),
                Value::Object(_) => match config.get("logDriver") {
                    Some(Value::Unknown) => None,
                    Some(Value::String(driver)) => Some(!driver.is_empty()),
                    _ => Some(false),
                },
                _ => None,
            };
            cx.expect(ok, task, span.clone(), || {
                let what = if config.is_null() {
                    "no `logConfiguration`"
                } else {
                    "no log driver"
                };
                format!(
                    "container `{}` of {} has {what}: its output is not kept",
                    c.name(),
                    named(task)
                )
            });
        });
    }
}
