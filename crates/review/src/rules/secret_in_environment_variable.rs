//! WH102: an ECS container environment variable that holds a literal secret.

use wharf_terraform::Value;

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};

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
- any variable whose value has the shape of a credential: an AWS access key ID
  (`AKIA…`/`ASIA…`), a PEM private key, a URL with `user:password@`, a GitHub token
  (`ghp_`, `gho_`, `github_pat_`), a Slack token (`xoxb-`, `xoxp-`) or a Stripe live
  secret key (`sk_live_`).

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
    if looks_like_credential(value) {
        return Some(true);
    }
    match name {
        Value::String(n) => Some(sounds_secret(n) && !is_setting(value)),
        Value::Unknown => None,
        _ => Some(false),
    }
}

/// The nouns that, at the end of a variable's name, say it holds a secret. Names that only
/// mention one (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `API_KEY_HEADER`) do not end in one.
const SECRET_NOUNS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "SECRET_KEY",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
    "CREDENTIALS",
];

/// Nouns that only count as a whole word: `BASIC_AUTH`, but not `OAUTH`.
const SECRET_WORDS: &[&str] = &["AUTH", "AUTHORIZATION"];

/// Whether a variable's name says it holds a secret, in any case and with `_`, `-` or `.`
/// between words (`DB_PASSWORD`, `PGPASSWORD`, `stripe-api-key`, `BASIC_AUTH`).
fn sounds_secret(name: &str) -> bool {
    let upper: String = name
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    let upper = upper.trim_end_matches('_');
    SECRET_NOUNS.iter().any(|noun| upper.ends_with(noun))
        || upper
            .rsplit('_')
            .next()
            .is_some_and(|last| SECRET_WORDS.contains(&last))
}

/// Values that are not secrets whatever the name says: empty, a number, a boolean, an ARN
/// (a reference to a secret), or a URL without a password (`TOKEN_URL`, `AUTH_ISSUER`).
fn is_setting(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || (v.parse::<f64>().is_ok() && v.bytes().any(|b| b.is_ascii_digit()))
        || ["true", "false", "yes", "no", "on", "off"]
            .iter()
            .any(|b| v.eq_ignore_ascii_case(b))
        || v.starts_with("arn:")
        || (v.contains("://") && url_password(v).is_none())
}

/// Whether a value has the shape of a known kind of credential, anywhere in it.
fn looks_like_credential(value: &str) -> bool {
    aws_access_key_id(value)
        || (value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----"))
        || url_password(value).is_some()
        || token_after(value, "ghp_", 36, |c| c.is_ascii_alphanumeric())
        || token_after(value, "gho_", 36, |c| c.is_ascii_alphanumeric())
        || token_after(value, "github_pat_", 22, |c| {
            c.is_ascii_alphanumeric() || c == '_'
        })
        || token_after(value, "xoxb-", 10, |c| {
            c.is_ascii_alphanumeric() || c == '-'
        })
        || token_after(value, "xoxp-", 10, |c| {
            c.is_ascii_alphanumeric() || c == '-'
        })
        || token_after(value, "sk_live_", 16, |c| c.is_ascii_alphanumeric())
}

/// `AKIA` or `ASIA` and 16 upper-case letters or digits, not inside a longer such run.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids>
fn aws_access_key_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    let key_char = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    (0..bytes.len()).any(|i| {
        let rest = &bytes[i..];
        (rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA"))
            && rest.len() >= 20
            && rest[4..20].iter().all(|&b| key_char(b))
            && rest.get(20).is_none_or(|&b| !key_char(b))
            && (i == 0 || !key_char(bytes[i - 1]))
    })
}

/// Whether `prefix` occurs followed by at least `min` characters of the token's alphabet.
fn token_after(value: &str, prefix: &str, min: usize, alphabet: impl Fn(char) -> bool) -> bool {
    value.match_indices(prefix).any(|(i, _)| {
        value[i + prefix.len()..]
            .chars()
            .take_while(|&c| alphabet(c))
            .count()
            >= min
    })
}

/// The password of a `scheme://user:password@host` URL in the value, if there is one.
fn url_password(value: &str) -> Option<&str> {
    let (scheme, rest) = value.split_once("://")?;
    if scheme.is_empty() {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then_some(password)
}
