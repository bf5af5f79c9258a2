//! WH122: an SQS queue whose server-side encryption is turned off.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH122",
    name: "sqs-queue-not-encrypted",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_27"],
    fix: "Remove `sqs_managed_sse_enabled = false`, or set `kms_master_key_id` to a KMS key",
    doc: r#"## What it does
Reports an `aws_sqs_queue` with `sqs_managed_sse_enabled = false` and no
`kms_master_key_id`: a queue that keeps its messages unencrypted.

A queue that sets neither is encrypted: since 2022, SQS encrypts every queue created over
HTTPS with SQS-managed keys (SSE-SQS) unless told otherwise, and Terraform creates queues
over HTTPS. Checkov's `CKV_AWS_27` still reports such a queue; wharf does not.

## Why is this bad?
Messages often carry what the producer knew: order details, user ids, tokens. Without
server-side encryption they are stored as sent. With SSE-SQS they are encrypted at no
cost; with a customer managed KMS key (SSE-KMS), reading and sending also take
permissions on the key, and every use of it is in CloudTrail.

## Example
```hcl
resource "aws_sqs_queue" "jobs" {
  name                    = "shop-jobs"
  sqs_managed_sse_enabled = false
}
```

## Use instead
```hcl
resource "aws_sqs_queue" "jobs" {
  name              = "shop-jobs"
  kms_master_key_id = aws_kms_key.queues.arn
}
```

## References
- Encryption at rest in Amazon SQS: <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html>
- SSE-SQS by default for new queues: <https://aws.amazon.com/blogs/compute/announcing-server-side-encryption-with-amazon-simple-queue-service-managed-encryption-keys-sse-sqs-by-default/>
- Checkov: `CKV_AWS_27`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for queue in cx.resources("aws_sqs_queue") {
        let ok = match (
            queue.body.get("sqs_managed_sse_enabled"),
            queue.body.get("kms_master_key_id"),
        ) {
            (_, Value::Unknown) | (Value::Unknown, Value::Null) => None,
            (_, Value::String(key)) if !key.is_empty() => Some(true),
            (Value::Bool(false), _) => Some(false),
            _ => Some(true),
        };
        cx.expect(
            ok,
            queue,
            queue.body.span_of("sqs_managed_sse_enabled"),
            || format!("{} keeps its messages unencrypted", named(queue)),
        );
    }
}
