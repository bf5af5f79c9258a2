//! The cluster's keys: log retention, Container Insights, and how tasks are spread over
//! FARGATE and FARGATE_SPOT.

use crate::read::{Sink, TableReader};
use crate::types::*;

pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.log_retention_days = read_retention(t, sink, "log_retention_days");
    o.container_insights = t.boolean(sink, "container_insights");
    o.fargate_base = t.integer_in(
        sink,
        "fargate_base",
        0..=100_000,
        "the FARGATE base is 0 to 100000 tasks",
    );
    let weights = "capacity provider weights are 0 to 1000";
    o.fargate_weight = t.integer_in(sink, "fargate_weight", 0..=1000, weights);
    o.fargate_spot_weight = t.integer_in(sink, "fargate_spot_weight", 0..=1000, weights);
}

/// `log_retention_days`: one of the retention periods CloudWatch Logs accepts.
fn read_retention(t: &mut TableReader, sink: &mut Sink, key: &'static str) -> Option<Spanned<u32>> {
    let v = t.integer(sink, key)?;
    let days = u32::try_from(v.value)
        .ok()
        .filter(|d| wharf_aws::logs::RETENTION_DAYS.contains(d));
    let accepted = wharf_aws::logs::RETENTION_DAYS.map(|d| d.to_string());
    sink.check(
        days.is_some(),
        &v.span,
        format!(
            "`{key} = {}` is not a retention CloudWatch Logs accepts",
            v.value
        ),
        format!("use one of {}", accepted.join(", ")),
    );
    days.map(|d| Spanned::new(d, v.span))
}
