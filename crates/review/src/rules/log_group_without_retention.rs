//! WH301: a CloudWatch log group whose events never expire.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH301",
    name: "log-group-without-retention",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_66"],
    fix: "Set `retention_in_days` to the number of days the logs are needed",
    doc: r#"## What it does
Reports an `aws_cloudwatch_log_group` whose `retention_in_days` is not set or is `0`, which
both mean that its log events never expire.

## Why is this bad?
A log group keeps every event forever unless it is told otherwise, and CloudWatch Logs
charges for every GB stored, every month. Nobody decides how long the logs are needed, so
the bill and the amount of data to search only grow, and personal data in the logs is kept
longer than any policy allows. wharf asks only that a retention is chosen; how long is the
owner's decision. Checkov's CKV_AWS_66 checks the same thing (though it accepts `0`), and
CKV_AWS_338 is a related but different policy: it requires at least 365 days, which wharf
does not.

## Example
```hcl
resource "aws_cloudwatch_log_group" "api" {
  name = "/ecs/api"
}
```

## Use instead
```hcl
resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/api"
  retention_in_days = 90
}
```

## References
- Change log data retention in CloudWatch Logs: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention>
- PutRetentionPolicy, the accepted values: <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html>
- Amazon CloudWatch pricing: <https://aws.amazon.com/cloudwatch/pricing/>
- Checkov: `CKV_AWS_66` (related: `CKV_AWS_338`, which asks for at least 365 days)
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for group in cx.resources("aws_cloudwatch_log_group") {
        let retention = group.body.get("retention_in_days");
        // 0 is how the API says "never expire"; unset is the same.
        let ok = match retention {
            Value::Unknown => None,
            Value::Null => Some(false),
            days => days.as_f64().map(|d| d > 0.0),
        };
        cx.expect(ok, group, group.body.span_of("retention_in_days"), || {
            let why = if retention.is_null() {
                "`retention_in_days` is not set"
            } else {
                "`retention_in_days` is 0"
            };
            format!("{} keeps its log events forever: {why}", named(group))
        });
    }
}
