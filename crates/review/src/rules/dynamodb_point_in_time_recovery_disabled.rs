//! WH212: a DynamoDB table without point-in-time recovery.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH212",
    name: "dynamodb-point-in-time-recovery-disabled",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_28"],
    fix: "Add `point_in_time_recovery { enabled = true }` to the table",
    doc: r#"## What it does
Reports an `aws_dynamodb_table` without `point_in_time_recovery { enabled = true }`
(point-in-time recovery is off by default).

## Why is this bad?
Without point-in-time recovery, items overwritten or deleted by a bug, a bad migration
or a mistaken script are gone, unless an on-demand backup happens to be recent enough.
With it, DynamoDB keeps continuous backups and can restore the table to any second of
the last 35 days (or of a shorter period you choose), without capacity or performance
impact on the table.

## Example
```hcl
resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
```

## Use instead
```hcl
resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}
```

## References
- Point-in-time recovery for DynamoDB: <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html>
- Checkov CKV_AWS_28, "Ensure DynamoDB point in time recovery (backup) is enabled"
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for table in cx.resources("aws_dynamodb_table") {
        let (ok, span) = match table.body.block("point_in_time_recovery") {
            Some(pitr) => (known_true(pitr.get("enabled")), pitr.span_of("enabled")),
            None => (Some(false), table.location.span.clone()),
        };
        cx.expect(ok, table, span, || {
            format!("{} has point-in-time recovery off", named(table))
        });
    }
}
