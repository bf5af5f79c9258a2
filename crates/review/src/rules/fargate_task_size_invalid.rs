//! WH403: a Fargate task definition whose CPU and memory are not a size Fargate offers.

use wharf_aws::fargate;
use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH403",
    name: "fargate-task-size-invalid",
    pillar: Pillar::PerformanceEfficiency,
    severity: Severity::High,
    checkov: &[],
    fix: "Choose a task `cpu` and `memory` from the Fargate task size table",
    doc: r#"## What it does
Reports an `aws_ecs_task_definition` whose `requires_compatibilities` include `FARGATE`
and whose task-level `cpu` and `memory` are missing or are not a combination Fargate
offers:

| `cpu` (units) | `memory` (MiB) |
|---|---|
| 256 | 512, 1024, 2048 |
| 512 | 1024 to 4096, in steps of 1024 |
| 1024 | 2048 to 8192, in steps of 1024 |
| 2048 | 4096 to 16384, in steps of 1024 |
| 4096 | 8192 to 30720, in steps of 1024 |
| 8192 | 16384 to 61440, in steps of 4096 |
| 16384 | 32768 to 122880, in steps of 8192 |

Values written as `"1 vCPU"` and `"2 GB"` are converted as ECS does. Windows tasks need
at least 1024 CPU units.

## Why is this bad?
Fargate only runs tasks of these sizes, and ECS checks them for any task definition that
lists `FARGATE`, even next to `EC2`: it refuses to register the definition
(`ClientException: No Fargate configuration exists for given values`), so `terraform
apply` fails and nothing that depends on the task definition is deployed. Checkov has no
check for this.

## Example
```hcl
resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 4096
  container_definitions    = jsonencode([{ name = "api", image = "api:1.4.2" }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 4096
  container_definitions    = jsonencode([{ name = "api", image = "api:1.4.2" }])
}
```

## References
- Amazon ECS task definition parameters for Fargate, task size: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size>
- Troubleshoot Amazon ECS task definition invalid CPU or memory errors: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        // Only `FARGATE` among the compatibilities makes Fargate's sizes apply.
        let Some(compatibilities) = task.body.get("requires_compatibilities").as_list() else {
            continue;
        };
        if !compatibilities
            .iter()
            .any(|c| c.as_str() == Some("FARGATE"))
        {
            continue;
        }
        let (cpu_value, memory_value) = (task.body.get("cpu"), task.body.get("memory"));
        let missing: Vec<&str> = [("cpu", cpu_value), ("memory", memory_value)]
            .into_iter()
            .filter(|(_, v)| v.is_null())
            .map(|(arg, _)| arg)
            .collect();
        if !missing.is_empty() {
            cx.fail(
                task,
                task.location.span.clone(),
                format!(
                    "{} runs on Fargate but sets no task-level `{}`",
                    named(task),
                    missing.join("` or `")
                ),
            );
            continue;
        }
        let (Some(cpu), Some(memory)) = (cpu_units(cpu_value), memory_mib(memory_value)) else {
            continue;
        };
        // Windows containers on Fargate need at least 1 vCPU.
        let windows = windows(task);
        let ok = match (fargate_offers(cpu, memory), windows) {
            (false, _) => Some(false),
            (true, _) if cpu >= 1024 => Some(true),
            (true, w) => w.map(|w| !w),
        };
        let span = if fargate::CPU_SIZES.iter().any(|c| u64::from(*c) == cpu) {
            task.body.span_of("memory")
        } else {
            task.body.span_of("cpu")
        };
        cx.expect(ok, task, span, || {
            let os = if windows == Some(true) { " for a Windows task" } else { "" };
            format!(
                "{} asks Fargate for {cpu} CPU units and {memory} MiB{os}, a size Fargate does not offer",
                named(task)
            )
        });
    }
}

/// Whether Fargate offers `cpu` units with `memory` MiB, from the one table of its sizes.
fn fargate_offers(cpu: u64, memory: u64) -> bool {
    match (u32::try_from(cpu), u32::try_from(memory)) {
        (Ok(cpu), Ok(memory)) => fargate::offers(cpu, memory),
        _ => false,
    }
}

/// Whether the task runs Windows containers: None when its platform is not known.
fn windows(task: &Resource) -> Option<bool> {
    let Some(platform) = task.body.block("runtime_platform") else {
        return Some(false);
    };
    match platform.get("operating_system_family") {
        Value::Null => Some(false),
        Value::String(os) => Some(os.starts_with("WINDOWS")),
        _ => None,
    }
}

/// CPU units from `256`, `"256"` or `"0.25 vCPU"` (1 vCPU is 1024 units); None when not a
/// whole number of units or not known.
fn cpu_units(value: &Value) -> Option<u64> {
    scaled(value, "vcpu")
}

/// MiB from `2048`, `"2048"` or `"2 GB"` (1 GB is 1024 MiB).
fn memory_mib(value: &Value) -> Option<u64> {
    scaled(value, "gb")
}

/// A number as written, or with `unit` (case-insensitive) meaning times 1024, as ECS
/// converts them when it registers the task definition.
fn scaled(value: &Value, unit: &str) -> Option<u64> {
    let n = match value {
        Value::Number(n) => *n,
        Value::String(s) => {
            let s = s.trim().to_ascii_lowercase();
            match s.strip_suffix(unit) {
                Some(amount) => amount.trim().parse::<f64>().ok()? * 1024.0,
                None => s.parse::<f64>().ok()?,
            }
        }
        _ => return None,
    };
    (n >= 0.0 && n.fract() == 0.0 && n < 1e9).then_some(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table in the rule's documentation is the one the rule checks against.
    #[test]
    fn documented_sizes_are_fargates() {
        for cpu in fargate::CPU_SIZES {
            let row = RULE
                .doc
                .lines()
                .find(|l| l.starts_with(&format!("| {cpu} |")))
                .unwrap_or_else(|| panic!("no row for {cpu}"));
            let memory = fargate::memory_options(cpu).unwrap();
            let step = memory[1] - memory[0];
            let expected = if memory.len() == 3 {
                format!("| {cpu} | {}, {}, {} |", memory[0], memory[1], memory[2])
            } else {
                format!(
                    "| {cpu} | {} to {}, in steps of {step} |",
                    memory[0],
                    memory[memory.len() - 1]
                )
            };
            assert_eq!(row, expected);
        }
    }
}
