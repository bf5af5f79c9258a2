//! WH101: an ECS container that runs as root.

use wharf_terraform::Value;

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH101",
    name: "container-runs-as-root",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[],
    fix: "Set `user` to a non-root user ID in the container definition",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` whose `user` is not set, is empty, or
is `root` or UID `0` however it is written (`0`, `00`, `+0`, `000:1000`: the container
runtime reads them all as 0), with or without a group. A user named otherwise passes: its
UID is not known before the image runs.

## Why is this bad?
Without `user`, the container runs as whatever the image says, which for most base images
is root. A process that breaks out of the application then owns the container's file
system and every secret mounted into it, and any kernel escape starts as root. Checkov has
no check for this.

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
    user  = "1000:1000"
  }])
}
```

## References
- ECS task definition parameters, `user`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security>
- Amazon ECS best practices, run as non-root: <https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let ok = match c.get("user") {
                Value::Unknown => None,
                Value::Null => Some(false),
                user => user
                    .to_template_string()
                    .map(|u| !crate::ecs::runs_as_root(&u)),
            };
            cx.expect(ok, task, span.clone(), || {
                format!("container `{}` of {} runs as root", c.name(), named(task))
            });
        });
    }
}
