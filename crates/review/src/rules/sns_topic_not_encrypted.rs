//! WH120: an SNS topic without server-side encryption.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH120",
    name: "sns-topic-not-encrypted",
    pillar: Pillar::Security,
    severity: Severity::Low,
    checkov: &["CKV_AWS_26"],
    fix: "Set `kms_master_key_id` to a KMS key",
    doc: r#"## What it does
Reports an `aws_sns_topic` without `kms_master_key_id`, that is, without server-side
encryption.

## Why is this bad?
Without server-side encryption, SNS keeps the messages it has not yet delivered without
encrypting them with a key you control. Alarm and event notifications carry resource
names, account IDs and sometimes payloads; with a KMS key, publishing and reading also
take permissions on the key, and every use is in CloudTrail. Use a customer managed key
rather than the AWS managed `alias/aws/sns` when AWS services publish to the topic:
CloudWatch alarms, EventBridge and S3 event notifications cannot use the AWS managed key,
whose policy cannot be changed to let them.

## Example
```hcl
resource "aws_sns_topic" "alarms" {
  name = "shop-alarms"
}
```

## Use instead
```hcl
resource "aws_sns_topic" "alarms" {
  name              = "shop-alarms"
  kms_master_key_id = aws_kms_key.alarms.arn
}
```

## References
- Encryption at rest in Amazon SNS: <https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html>
- Key management, compatibility with AWS services: <https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services>
- Checkov: `CKV_AWS_26`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for topic in cx.resources("aws_sns_topic") {
        let ok = match topic.body.get("kms_master_key_id") {
            Value::Unknown => None,
            Value::Null => Some(false),
            key => Some(key.as_str().is_some_and(|k| !k.is_empty())),
        };
        cx.expect(ok, topic, topic.body.span_of("kms_master_key_id"), || {
            format!("{} has no server-side encryption", named(topic))
        });
    }
}
