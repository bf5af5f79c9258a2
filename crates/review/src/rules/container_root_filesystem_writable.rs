//! WH104: an ECS container whose root file system is writable.

use crate::ecs::each_container;
use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH104",
    name: "container-root-filesystem-writable",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_336"],
    fix: "Set `readonlyRootFilesystem = true` and mount a volume for the paths the application writes",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` whose `readonlyRootFilesystem` is not
`true`. Unset, the root file system is writable.

## Why is this bad?
With a writable root, an attacker who gets code execution in the container can replace
binaries, libraries and configuration, plant tools and persist until the task is
replaced. A read-only root keeps the container as the image built it; the few paths an
application does write (`/tmp`, a cache) are better as task volumes, which are empty at
each start and do not hide changes to the image.

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
    name                   = "api"
    image                  = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    readonlyRootFilesystem = true
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp" }]
  }])

  volume {
    name = "tmp"
  }
}
```

## References
- ECS task definition parameters, `readonlyRootFilesystem`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security>
- Amazon ECS best practices, tasks and containers: <https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html>
- Security Hub ECS.5, containers should be limited to read-only access to root file systems: <https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html>
- Checkov: `CKV_AWS_336`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let ok = known_true(c.get("readonlyRootFilesystem"));
            cx.expect(ok, task, span.clone(), || {
                format!(
                    "container `{}` of {} has a writable root file system",
                    c.name(),
                    named(task)
                )
            });
        });
    }
}
