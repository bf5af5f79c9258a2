//! WH216: a CodeDeploy deployment group that does not roll a failed deployment back.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH216",
    name: "codedeploy-without-auto-rollback",
    pillar: Pillar::Reliability,
    severity: Severity::High,
    checkov: &[],
    fix: "Roll failed deployments back automatically",
    doc: r#"## What it does
Reports an `aws_codedeploy_deployment_group` without
`auto_rollback_configuration { enabled = true }` whose `events` include
`DEPLOYMENT_FAILURE`.

## Why is this bad?
Without automatic rollback, a blue/green release that fails (tasks that never turn healthy,
a lifecycle hook that fails, a deployment stopped on an alarm) ends with the deployment
marked failed and whatever traffic had moved left where it is: a canary keeps sending its
share to the broken tasks until someone notices and redeploys by hand. With
`DEPLOYMENT_FAILURE` (and `DEPLOYMENT_STOP_ON_ALARM` when the group has alarms), CodeDeploy
moves the traffic back to the previous tasks at once. CodeDeploy leaves it off by default,
and Checkov has no check for it.

## Example
```hcl
resource "aws_codedeploy_deployment_group" "api" {
  app_name              = aws_codedeploy_app.main.name
  deployment_group_name = "api"
  service_role_arn      = aws_iam_role.codedeploy.arn
  # ...
}
```

## Use instead
```hcl
resource "aws_codedeploy_deployment_group" "api" {
  app_name              = aws_codedeploy_app.main.name
  deployment_group_name = "api"
  service_role_arn      = aws_iam_role.codedeploy.arn
  # ...

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }
}
```

## References
- Redeploy and roll back a deployment with CodeDeploy: <https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html>
- AutoRollbackConfiguration: <https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AutoRollbackConfiguration.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for group in cx.resources("aws_codedeploy_deployment_group") {
        let Some(rollback) = group.body.block("auto_rollback_configuration") else {
            cx.fail(
                group,
                group.location.span.clone(),
                format!("{} does not roll failed deployments back", named(group)),
            );
            continue;
        };
        let on_failure = match rollback.get("events") {
            Value::List(events) if events.iter().all(|e| e.as_str().is_some()) => Some(
                events
                    .iter()
                    .any(|e| e.as_str() == Some("DEPLOYMENT_FAILURE")),
            ),
            Value::Null => Some(false),
            _ => None,
        };
        match known_true(rollback.get("enabled")) {
            Some(false) => cx.fail(
                group,
                rollback.span_of("enabled"),
                format!("{} has automatic rollback turned off", named(group)),
            ),
            Some(true) => cx.expect(on_failure, group, rollback.span_of("events"), || {
                format!(
                    "{} rolls back, but not when a deployment fails (`DEPLOYMENT_FAILURE` is not among its events)",
                    named(group)
                )
            }),
            None => {}
        }
    }
}
