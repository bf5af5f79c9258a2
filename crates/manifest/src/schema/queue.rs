//! `[queues.*]`: one SQS queue per table.

use crate::naming::is_key;
use crate::read::{Sink, TableReader};
use crate::types::*;

use super::key_rule_help;

/// SQS keeps a message 1 minute to 14 days; wharf counts in whole days.
/// <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html>
const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 1..=14;
/// A visibility timeout is 0 seconds to 12 hours.
const VISIBILITY_TIMEOUT_SECONDS: std::ops::RangeInclusive<i64> = 0..=43_200;
/// SQS moves a message to the dead-letter queue after 1 to 1,000 receives.
const MAX_RECEIVES: std::ops::RangeInclusive<i64> = 1..=1000;

pub(super) fn read_queue(key: Spanned<String>, mut t: TableReader, sink: &mut Sink) -> Queue {
    sink.check(
        is_key(&key) && key.len() <= 32,
        &key.span,
        format!("`{}` is not a valid queue name", key.value),
        key_rule_help("queue names") + ", at most 32 characters",
    );
    let fifo = t.boolean(sink, "fifo");
    let visibility_timeout_seconds = t.integer_in(
        sink,
        "visibility_timeout_seconds",
        VISIBILITY_TIMEOUT_SECONDS,
        "a visibility timeout is 0 to 43200 seconds (12 hours); make it longer than a consumer takes to handle a message",
    );
    let retention_days = t.integer_in(
        sink,
        "retention_days",
        RETENTION_DAYS,
        "SQS keeps messages 1 to 14 days",
    );
    let dead_letter_queue = t.boolean(sink, "dead_letter_queue");
    let max_receives = t.integer_in(
        sink,
        "max_receives",
        MAX_RECEIVES,
        "a message moves to the dead-letter queue after 1 to 1000 receives",
    );
    t.finish(sink);
    if let (Some(off), Some(m)) = (&dead_letter_queue, &max_receives) {
        sink.check(
            off.value,
            &m.span,
            "`max_receives` is set, but `dead_letter_queue = false` leaves no queue to move messages to",
            "remove one of them",
        );
    }
    Queue {
        key,
        fifo,
        visibility_timeout_seconds,
        retention_days,
        dead_letter_queue,
        max_receives,
    }
}
