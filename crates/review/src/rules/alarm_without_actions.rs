//! WH306: a CloudWatch metric alarm that notifies no one when it fires.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH306",
    name: "alarm-without-actions",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_319"],
    fix: "Set `alarm_actions` to an SNS topic that someone is subscribed to",
    doc: r#"## What it does
Reports an `aws_cloudwatch_metric_alarm` whose `alarm_actions` is unset or empty, or whose
`actions_enabled` is `false`. An alarm that an `aws_cloudwatch_composite_alarm` of the same
root module names in its `alarm_rule` passes: it is an input, and the composite alarm is the
one that notifies.

## Why is this bad?
An alarm without actions changes state in the CloudWatch console and nowhere else. It looks
like monitoring in a review, but when the service degrades at night no one is told, which
is the whole point of the alarm. Checkov's CKV_AWS_319 catches `actions_enabled = false`
but not an alarm that has no action to run.

## Example
```hcl
resource "aws_cloudwatch_metric_alarm" "api_cpu_high" {
  alarm_name          = "api-cpu-high"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
}
```

## Use instead
```hcl
resource "aws_cloudwatch_metric_alarm" "api_cpu_high" {
  alarm_name          = "api-cpu-high"
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 80
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}
```

## References
- Using Amazon CloudWatch alarms, alarm actions: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>
- Combining alarms into composite alarms: <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html>
- Checkov: `CKV_AWS_319` (`actions_enabled` only)
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let rules: Vec<&Value> = root
        .resources_of("aws_cloudwatch_composite_alarm")
        .map(|c| c.body.get("alarm_rule"))
        .collect();
    for alarm in root.resources_of("aws_cloudwatch_metric_alarm") {
        let body = &alarm.body;
        let enabled = known_true(match body.get("actions_enabled") {
            Value::Null => &Value::Bool(true),
            v => v,
        });
        let actions = body.get("alarm_actions");
        let (heard, span) = match enabled {
            None => (None, body.span_of("actions_enabled")),
            Some(false) => (Some(false), body.span_of("actions_enabled")),
            Some(true) => {
                let heard = match actions {
                    Value::Unknown => None,
                    Value::Null => Some(false),
                    v => v.as_list().map(|items| !items.is_empty()),
                };
                (heard, body.span_of("alarm_actions"))
            }
        };
        let ok = match heard {
            Some(false) => composite_input(&rules, body.get("alarm_name")),
            other => other,
        };
        cx.expect(ok, alarm, span, || {
            if enabled == Some(false) {
                format!(
                    "{} notifies no one: `actions_enabled` is false",
                    named(alarm)
                )
            } else {
                format!(
                    "{} notifies no one: it has no `alarm_actions`",
                    named(alarm)
                )
            }
        });
    }
}

/// Whether a composite alarm's rule names the alarm: Some(true) when one does, None when
/// a rule or the name is not known, Some(false) otherwise.
fn composite_input(rules: &[&Value], name: &Value) -> Option<bool> {
    if rules.is_empty() {
        return Some(false);
    }
    let name = name.as_str()?;
    let mut unknown = false;
    for rule in rules {
        match rule {
            Value::String(r) if mentions(r, name) => return Some(true),
            Value::Unknown => unknown = true,
            _ => {}
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// Whether an alarm rule (`ALARM("a") OR OK(b)`, `AT_LEAST(2, ALARM, (a, b))`) names the
/// alarm, by name or by ARN (`arn:aws:cloudwatch:...:alarm:NAME`), as a whole argument:
/// `api-cpu` is not named by `ALARM(api-cpu-high)`.
fn mentions(rule: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    rule.match_indices(name).any(|(at, _)| {
        let before = rule[..at].chars().next_back();
        let after = rule[at + name.len()..].chars().next();
        matches!(before, None | Some('(' | '"' | ',' | ' ' | ':'))
            && matches!(after, None | Some(')' | '"' | ',' | ' '))
    })
}
