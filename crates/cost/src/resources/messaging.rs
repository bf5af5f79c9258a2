//! SNS topics, SQS queues and EventBridge Scheduler schedules: requests, deliveries and
//! invocations. AWS's monthly free tiers are account-wide and are not subtracted.

use wharf_terraform::Resource;

use crate::pricer::{Charge, Pricer, HOURS_PER_MONTH};

pub fn sns_topic(p: &mut Pricer<'_>, r: &Resource) {
    p.metered(
        r,
        Charge::new("publishes", "1M publishes", "sns.publishes_million"),
        "monthly_publishes",
        1e-6,
    );
    let email = p
        .referring("aws_sns_topic_subscription", "topic_arn", r)
        .iter()
        .any(|s| {
            matches!(
                s.body.get("protocol").as_str(),
                Some("email" | "email-json")
            )
        });
    if email {
        p.metered(
            r,
            Charge::new(
                "email deliveries",
                "100k deliveries",
                "sns.email_deliveries_100k",
            ),
            "monthly_email_deliveries",
            1e-5,
        );
    }
}

pub fn sqs_queue(p: &mut Pricer<'_>, r: &Resource) {
    let key = if r.body.get("fifo_queue").as_bool() == Some(true) {
        "sqs.fifo.requests_million"
    } else {
        "sqs.standard.requests_million"
    };
    p.metered(
        r,
        Charge::new("requests", "1M requests", key),
        "monthly_requests",
        1e-6,
    );
}

/// EventBridge Scheduler invocations: how many a month the schedule makes when it is a
/// `rate(…)`, else `monthly_invocations` from the usage file. The first 14 million a month
/// in an account are free, which this line does not subtract (other schedules share them).
/// <https://aws.amazon.com/eventbridge/pricing/>
pub fn schedule(p: &mut Pricer<'_>, r: &Resource) {
    let charge = || {
        Charge::new(
            "scheduled invocations",
            "1M invocations",
            "scheduler.invocation_million",
        )
        .note("the first 14 million invocations a month in the account are free")
    };
    if let Some(n) = p.usage(r, "monthly_invocations") {
        return p.worked_out(r, charge(), n * 1e-6);
    }
    match r
        .body
        .get("schedule_expression")
        .as_str()
        .and_then(rate_per_month)
    {
        Some(n) => p.fixed(r, charge(), n * 1e-6),
        None => p.metered(r, charge(), "monthly_invocations", 1e-6),
    }
}

/// Invocations a month of `rate(N unit)`, or None for any other expression.
fn rate_per_month(expression: &str) -> Option<f64> {
    let inner = expression.strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.split_once(' ')?;
    let n: f64 = n.parse().ok()?;
    let minutes = match unit.trim_end_matches('s') {
        "minute" => 1.0,
        "hour" => 60.0,
        "day" => 1440.0,
        _ => return None,
    };
    Some(HOURS_PER_MONTH * 60.0 / (n * minutes))
}
