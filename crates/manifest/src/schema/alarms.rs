//! The alarms' keys: the thresholds at which an environment's alarms fire.

use crate::read::{Sink, TableReader};
use crate::types::*;

pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    let percent = "a percentage is 1 to 100";
    o.cpu_alarm_percent = t.integer_in(sink, "cpu_alarm_percent", 1..=100, percent);
    o.memory_alarm_percent = t.integer_in(sink, "memory_alarm_percent", 1..=100, percent);
    o.target_5xx_alarm_count = t.integer_in(
        sink,
        "target_5xx_alarm_count",
        1..=1_000_000,
        "a count of 5XX responses in five minutes, 1 or more",
    );
    o.response_time_alarm_seconds = read_response_time(t, sink);
    o.database_cpu_alarm_percent =
        t.integer_in(sink, "database_cpu_alarm_percent", 1..=100, percent);
    o.queue_depth_alarm_messages = t.integer_in(
        sink,
        "queue_depth_alarm_messages",
        1..=1_000_000_000,
        "messages waiting for 10 minutes, 1 or more",
    );
    // SQS keeps a message 14 days at most.
    o.queue_age_alarm_seconds = t.integer_in(
        sink,
        "queue_age_alarm_seconds",
        60..=1_209_600,
        "the age of the oldest message, 60 seconds to 14 days (1209600)",
    );
}

fn read_response_time(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<f64>> {
    let s = t.number(sink, "response_time_alarm_seconds")?;
    let ok = sink.check(
        s.value > 0.0 && s.value <= 600.0,
        &s.span,
        "`response_time_alarm_seconds` must be above 0 and at most 600",
        "the p95 target response time that raises the alarm, e.g. 2",
    );
    ok.then_some(s)
}
