//! WH304: an Application Load Balancer that does not write access logs.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH304",
    name: "alb-access-logs-disabled",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_91"],
    fix: "Add an `access_logs` block with a `bucket` and `enabled = true`",
    doc: r#"## What it does
Reports an Application Load Balancer (`aws_lb` or `aws_alb` whose `load_balancer_type` is
`application`, the default) without an `access_logs` block that sets `enabled = true`.
`enabled` defaults to `false` even when `bucket` is set, so a block without it writes
nothing.

## Why is this bad?
Access logs are the only record of every request the load balancer received: client
address, path, status code, which target answered and how long it took. Without them, a
spike of 5XX responses, a slow endpoint or a suspicious client cannot be investigated after
the fact; CloudWatch metrics only give totals. Logs go to S3, where a lifecycle rule keeps
their cost bounded.

## Example
```hcl
resource "aws_lb" "web" {
  name            = "web"
  security_groups = [aws_security_group.alb.id]
  subnets         = aws_subnet.public[*].id

  access_logs {
    bucket = aws_s3_bucket.alb_logs.id
  }
}
```

## Use instead
```hcl
resource "aws_lb" "web" {
  name            = "web"
  security_groups = [aws_security_group.alb.id]
  subnets         = aws_subnet.public[*].id

  access_logs {
    bucket  = aws_s3_bucket.alb_logs.id
    enabled = true
  }
}
```

## References
- Access logs for your Application Load Balancer: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html>
- Enable access logs, including the bucket policy: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html>
- Checkov: `CKV_AWS_91`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for lb in root
        .resources_of("aws_lb")
        .chain(root.resources_of("aws_alb"))
    {
        let application = match lb.body.get("load_balancer_type") {
            Value::Unknown => None,
            Value::Null => Some(true),
            t => Some(t.as_str() == Some("application")),
        };
        if application != Some(true) {
            continue;
        }
        let Some(logs) = lb.body.block("access_logs") else {
            cx.fail(
                lb,
                lb.location.span.clone(),
                format!("{} does not write access logs", named(lb)),
            );
            continue;
        };
        // `enabled` defaults to false even when `bucket` is set; `bucket` is required
        // inside the block, so only a known empty one is missing.
        let bucket = logs.get("bucket");
        let no_bucket = bucket.is_null() || bucket.as_str() == Some("");
        let ok = known_true(logs.get("enabled")).map(|on| on && !no_bucket);
        cx.expect(ok, lb, logs.span_of("enabled"), || {
            if no_bucket {
                format!("{} has no bucket to write access logs to", named(lb))
            } else if logs.has("enabled") {
                format!("{} has access logs disabled", named(lb))
            } else {
                format!(
                    "{} does not write access logs: `enabled` in `access_logs` defaults to false",
                    named(lb)
                )
            }
        });
    }
}
