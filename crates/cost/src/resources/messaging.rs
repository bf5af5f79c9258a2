//! SNS topics and SQS queues: requests and deliveries, from the usage file. AWS's monthly
//! free tier (the first million requests) is account-wide and is not subtracted.

use wharf_terraform::Resource;

use crate::pricer::{Charge, Pricer};

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
