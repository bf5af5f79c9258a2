//! WH117: an ECS container that adds Linux kernel capabilities.

use wharf_terraform::Value;

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH117",
    name: "container-adds-linux-capabilities",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Remove the capabilities from `linuxParameters.capabilities.add`",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` whose
`linuxParameters.capabilities.add` lists any Linux capability.

## Why is this bad?
Docker's default capability set is already what an ordinary application needs; each
capability added widens what a compromised process can do to the host kernel and to the
other containers of the task. `SYS_ADMIN` is close to root on the host and `NET_ADMIN`
can reconfigure the task's network. Fargate only accepts `SYS_PTRACE`, and this rule
reports it too: it lets a process read and change the memory of every other process it can
see, whichever user runs them, secrets included. It belongs in a debugging task
definition, not in the one that serves traffic. Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    linuxParameters = {
      capabilities = { add = ["SYS_PTRACE"] }
    }
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    linuxParameters = {
      capabilities = { drop = ["ALL"] }
    }
  }])
}
```

## References
- ECS task definition parameters, Linux parameters: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_linuxparameters>
- ECS API, KernelCapabilities: <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let added = field(field(c.get("linuxParameters"), "capabilities"), "add");
            let (ok, names) = match added {
                Value::Null => (Some(true), Vec::new()),
                Value::List(items) => {
                    let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    if !names.is_empty() {
                        (Some(false), names)
                    } else if items.iter().any(Value::is_unknown) {
                        // Capabilities whose names are not known; perhaps none in the end.
                        (None, names)
                    } else {
                        (Some(true), names)
                    }
                }
                _ => (None, Vec::new()),
            };
            cx.expect(ok, task, span.clone(), || {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!(
                    "container `{}` of {} adds the Linux capabilities {}",
                    c.name(),
                    named(task),
                    names.join(", ")
                )
            });
        });
    }
}

/// A field of a JSON object: Unknown when the object is, Null when it is absent or the
/// value is not an object.
fn field<'v>(value: &'v Value, key: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    match value {
        Value::Unknown => value,
        v => v.as_object().and_then(|m| m.get(key)).unwrap_or(&NULL),
    }
}
