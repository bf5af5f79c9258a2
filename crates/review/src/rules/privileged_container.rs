//! WH103: an ECS container that runs privileged.

use crate::ecs::each_container;
use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH103",
    name: "privileged-container",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &["CKV_AWS_334"],
    fix: "Remove `privileged = true` from the container definition",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` with `privileged = true`.

## Why is this bad?
A privileged container gets every Linux capability and access to the host's devices: it
is root on the container instance, so a compromised process can read other tasks' memory
and credentials, load kernel modules and take over the host. Fargate refuses privileged
containers; on EC2 capacity they are almost never needed, and the few capabilities a
process really needs can be added one by one with `linuxParameters.capabilities`.

## Example
```hcl
resource "aws_ecs_task_definition" "agent" {
  container_definitions = jsonencode([{
    name       = "agent"
    image      = "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:2.0.1"
    privileged = true
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "agent" {
  container_definitions = jsonencode([{
    name  = "agent"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/agent:2.0.1"
    linuxParameters = {
      capabilities = { add = ["NET_ADMIN"], drop = ["ALL"] }
    }
  }])
}
```

## References
- ECS task definition parameters, `privileged`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security>
- Amazon ECS best practices, tasks and containers: <https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-tasks-containers.html>
- Security Hub ECS.4, containers should run as non-privileged: <https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html>
- Checkov: `CKV_AWS_334`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let ok = known_true(c.get("privileged")).map(|privileged| !privileged);
            cx.expect(ok, task, span.clone(), || {
                format!(
                    "container `{}` of {} runs privileged",
                    c.name(),
                    named(task)
                )
            });
        });
    }
}
