//! WH119: a CloudWatch Logs log group not encrypted with a KMS key.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH119",
    name: "log-group-not-kms-encrypted",
    pillar: Pillar::Security,
    severity: Severity::Low,
    checkov: &["CKV_AWS_158"],
    fix: "Set `kms_key_id` to a customer managed KMS key",
    doc: r#"## What it does
Reports an `aws_cloudwatch_log_group` without `kms_key_id`.

## Why is this bad?
CloudWatch Logs always encrypts log data, but without a KMS key it uses keys that AWS owns
and controls: anyone with `logs:GetLogEvents` on the group reads it, and there is no way
to revoke access to the data itself or to see who decrypted it. Application logs collect
request payloads, tokens and personal data sooner or later. With a customer managed key,
reading the logs also takes `kms:Decrypt` on the key, every use is in CloudTrail, and
disabling the key shuts all access at once. The key policy must let the
`logs.<region>.amazonaws.com` service principal use the key.

## Example
```hcl
resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/api"
  retention_in_days = 30
}
```

## Use instead
```hcl
resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/api"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.logs.arn
}
```

## References
- Encrypt log data in CloudWatch Logs using AWS KMS: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html>
- Checkov: `CKV_AWS_158`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for group in cx.resources("aws_cloudwatch_log_group") {
        let ok = match group.body.get("kms_key_id") {
            Value::Unknown => None,
            Value::Null => Some(false),
            key => Some(key.as_str().is_some_and(|k| !k.is_empty())),
        };
        cx.expect(ok, group, group.body.span_of("kms_key_id"), || {
            format!("{} is not encrypted with a KMS key", named(group))
        });
    }
}
