//! WH102: an ECS container environment variable that holds a literal secret.

use wharf_terraform::Value;

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};
use wharf_secrets::{ends_in_secret_noun, is_setting, Certainty};

pub static RULE: Rule = Rule {
    code: "WH102",
    name: "secret-in-environment-variable",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &[],
    fix: "Move the value to Secrets Manager or SSM Parameter Store and reference it from `secrets`",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` whose `environment` sets a literal
secret, either:

- a variable whose name ends in a secret's noun (`PASSWORD`, `PASSWD`, `PASSPHRASE`,
  `SECRET`, `SECRET_KEY`, `TOKEN`, `API_KEY`, `APIKEY`, `PRIVATE_KEY`, `ACCESS_KEY`,
  `CREDENTIAL(S)`, `AUTH`, `AUTHORIZATION`, in any case) and whose value is a non-empty
  string that is not a number, a boolean, an ARN or a URL without a password; names that
  only mention a secret (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `SECRET_NAME`) are not
  reported; or
- any variable whose value has, anywhere in it, the shape of a known kind of credential:
  an AWS access key ID (`AKIA…`/`ASIA…` and 16 more), a PEM private key, a JSON Web Token,
  a password in a URL (`scheme://user:password@host`) or before a host
  (`user:password@db.example.com`), a URL whose query carries `password=`, `token=` or the
  like, or a vendor's token prefix (GitHub `ghp_`, `gho_`, `ghs_`, `github_pat_`; GitLab
  `glpat-`; Slack `xoxb-`, `xoxp-`; Stripe `sk_live_`, `sk_test_`, `rk_live_`, `whsec_`;
  Google `AIza`; npm `npm_`). Values that only look random are not reported: in Terraform
  they are as often IDs.

The finding names the variable, never its value.

## Why is this bad?
Environment values are part of the task definition: anyone allowed
`ecs:DescribeTaskDefinition` reads them in clear text, they are kept in every revision
(which cannot be deleted, only deregistered), in the Terraform state and in the
repository. Rotating the secret means a new task definition. Values in `secrets` are read
from Secrets Manager or SSM Parameter Store by the execution role when the task starts, so
only their ARN is stored, access to them is controlled and audited, and they can be
rotated. Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    environment = [
      { name = "JWT_SECRET", value = "9f2c41d0a7b8e6c3" },
    ]
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "api" {
  execution_role_arn = aws_iam_role.execution.arn # allowed secretsmanager:GetSecretValue
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.4.2"
    secrets = [
      { name = "JWT_SECRET", valueFrom = "${aws_secretsmanager_secret.api.arn}:jwt_secret::" },
    ]
  }])
}
```

## References
- Passing sensitive data to a container: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html>
- Secrets Manager secrets as environment variables: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html>
- Security Hub ECS.8, secrets should not be passed as container environment variables: <https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let (ok, names) = plain_text_secrets(c.get("environment"));
            cx.expect(ok, task, span.clone(), || {
                format!(
                    "container `{}` of {} sets {} in plain text",
                    c.name(),
                    named(task),
                    names.join(", ")
                )
            });
        });
    }
}

/// Whether a container's `environment` is free of literal secrets, and the names of the
/// variables that hold one (`an environment variable` when the name is not known).
fn plain_text_secrets(environment: &Value) -> (Option<bool>, Vec<String>) {
    let entries = match environment {
        Value::Unknown => return (None, Vec::new()),
        Value::List(entries) => entries,
        _ => return (Some(true), Vec::new()),
    };
    let mut found = Vec::new();
    let mut unknown = false;
    for entry in entries {
        let (name, value) = match entry {
            Value::Object(fields) => (
                fields.get("name").unwrap_or(&Value::Null),
                fields.get("value").unwrap_or(&Value::Null),
            ),
            Value::Unknown => {
                unknown = true;
                continue;
            }
            _ => continue,
        };
        match holds_secret(name, value) {
            Some(true) => found.push(match name.as_str() {
                Some(n) => n.to_string(),
                None => "an environment variable".to_string(),
            }),
            Some(false) => {}
            None => unknown = true,
        }
    }
    let ok = if !found.is_empty() {
        Some(false)
    } else if unknown {
        None
    } else {
        Some(true)
    };
    (ok, found)
}

/// Whether one `{ name, value }` entry holds a literal secret; None when that depends on
/// something not known.
fn holds_secret(name: &Value, value: &Value) -> Option<bool> {
    let value = match value {
        Value::Unknown => return None,
        Value::String(s) => s.as_str(),
        // Numbers and booleans are settings, not secrets; null sets nothing.
        _ => return Some(false),
    };
    // Only a known kind of credential: a random-looking value in Terraform is as often an id.
    if wharf_secrets::credential(value).is_some_and(|c| c.certainty == Certainty::Certain) {
        return Some(true);
    }
    match name {
        Value::String(n) => Some(ends_in_secret_noun(n) && !is_setting(value)),
        Value::Unknown => None,
        _ => Some(false),
    }
}
