//! WH213: an SQS queue without a dead-letter queue.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH213",
    name: "queue-without-dead-letter-queue",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Add a dead-letter queue and point `redrive_policy` at it",
    doc: r#"## What it does
Reports an `aws_sqs_queue` with no `redrive_policy`, neither in its own block nor in an
`aws_sqs_queue_redrive_policy`, that is not itself a dead-letter queue: of another queue
of the root module, or the `dead_letter_config` of an EventBridge Scheduler schedule's
target or of an EventBridge rule's target.

## Why is this bad?
A message its consumers cannot handle (a bug, a malformed payload) comes back after each
visibility timeout and is received again and again until its retention period ends: it
takes a consumer's time on every turn, hides among the healthy backlog, and then
disappears without a trace. A dead-letter queue takes it aside after a few receives, where
an alarm can tell someone and the message can be looked at, fixed and sent again.
Checkov has no check for this.

## Example
```hcl
resource "aws_sqs_queue" "jobs" {
  name = "shop-jobs"
}
```

## Use instead
```hcl
resource "aws_sqs_queue" "jobs_dlq" {
  name                      = "shop-jobs-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "jobs" {
  name = "shop-jobs"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount     = 5
  })
}
```

## References
- Dead-letter queues: <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html>
- Terraform `aws_sqs_queue_redrive_policy`: <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sqs_queue_redrive_policy>
"#,
    check,
};

/// Whether another queue of the root sends its failed messages to `queue`.
fn is_dead_letter_queue(cx: &Check<'_>, queue: &Resource) -> bool {
    let root = cx.root;
    let dead_letter_config = |b: Option<&wharf_terraform::Block>| {
        b.and_then(|b| b.block("dead_letter_config"))
            .is_some_and(|d| d.refs("arn").contains(&queue.address))
    };
    root.referring("redrive_policy", queue)
        .any(|r| r.kind == "aws_sqs_queue" || r.kind == "aws_sqs_queue_redrive_policy")
        || root
            .resources_of("aws_scheduler_schedule")
            .any(|s| dead_letter_config(s.body.block("target")))
        || root
            .resources_of("aws_cloudwatch_event_target")
            .any(|t| dead_letter_config(Some(&t.body)))
}

/// Whether an `aws_sqs_queue_redrive_policy` of the root sets `queue`'s redrive policy.
fn redriven_elsewhere(cx: &Check<'_>, queue: &Resource) -> bool {
    cx.root
        .referring("queue_url", queue)
        .any(|r| r.kind == "aws_sqs_queue_redrive_policy")
}

fn check(cx: &mut Check<'_>) {
    let queues: Vec<&Resource> = cx.resources("aws_sqs_queue").collect();
    for queue in queues {
        let ok = match queue.body.get("redrive_policy") {
            Value::Unknown => None,
            Value::Null => Some(is_dead_letter_queue(cx, queue) || redriven_elsewhere(cx, queue)),
            policy => Some(policy.as_str().is_none_or(|p| !p.trim().is_empty())),
        };
        cx.expect(ok, queue, queue.location.span.clone(), || {
            format!("{} has no dead-letter queue", named(queue))
        });
    }
}
