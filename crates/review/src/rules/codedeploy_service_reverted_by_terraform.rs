//! WH217: an ECS service released by CodeDeploy whose Terraform would undo or refuse a
//! release.

use crate::ecs;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH217",
    name: "codedeploy-service-reverted-by-terraform",
    pillar: Pillar::Reliability,
    severity: Severity::High,
    checkov: &[],
    fix: "Ignore the task definition and load balancer CodeDeploy changes",
    doc: r#"## What it does
Reports an `aws_ecs_service` with `deployment_controller { type = "CODE_DEPLOY" }` whose
`lifecycle { ignore_changes }` does not name both `task_definition` and `load_balancer`
(or is not `all`).

## Why is this bad?
A CodeDeploy release moves the service to a new task definition and to its other target
group. Terraform still holds the old ones, so the next `terraform apply` plans to put them
back; ECS refuses to change either outside CodeDeploy, and the apply fails half-way until
someone edits the state or the code. Ignoring what a release owns keeps `terraform apply`
after a release a no-op, which is also what the listener rules CodeDeploy rewrites need
(`ignore_changes = [action]`). Checkov has no check for it.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
  # ...

  deployment_controller {
    type = "CODE_DEPLOY"
  }
}
```

## Use instead
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
  # ...

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  lifecycle {
    ignore_changes = [task_definition, load_balancer, desired_count]
  }
}
```

## References
- Blue/green deployment with CodeDeploy: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html>
- UpdateService (what a CODE_DEPLOY service may change): <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html>
"#,
    check,
};

/// What a release changes that Terraform must leave alone.
const RELEASED: [&str; 2] = ["task_definition", "load_balancer"];

fn check(cx: &mut Check<'_>) {
    for service in cx.resources("aws_ecs_service") {
        let code_deploy = service
            .body
            .block("deployment_controller")
            .and_then(|c| c.get("type").as_str())
            == Some("CODE_DEPLOY");
        if !code_deploy || ecs::rolling_deployments(service) != Some(false) {
            continue;
        }
        let lifecycle = service.body.block("lifecycle");
        let ignored = lifecycle.map(|l| l.get("ignore_changes"));
        if ignored.and_then(|i| i.as_str()) == Some("all") {
            cx.pass();
            continue;
        }
        let names: Vec<&str> = ignored
            .and_then(|i| i.as_list())
            .map(|l| l.iter().filter_map(|n| n.as_str()).collect())
            .unwrap_or_default();
        let missing: Vec<&str> = RELEASED
            .iter()
            .copied()
            .filter(|r| !names.contains(r))
            .collect();
        let span = lifecycle.map_or(service.location.span.clone(), |l| {
            l.span_of("ignore_changes")
        });
        cx.expect(Some(missing.is_empty()), service, span, || {
            format!(
                "{} is released by CodeDeploy, and Terraform does not ignore its {}: the next `terraform apply` after a release fails",
                named(service),
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        });
    }
}
