//! `[queues.*]`: one SQS queue per table, and a service's `uses` of it.

use crate::naming::{self, is_key};
use crate::read::{closest, Sink, TableReader};
use crate::types::*;
use crate::Diagnostic;

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

/// One entry of `uses`: `queue:NAME`, `queue:NAME:send` or `queue:NAME:receive`.
pub(super) fn parse_use(raw: &Spanned<String>) -> Result<Use, String> {
    const KNOWN: &str =
        "write `queue:NAME` (send and receive), `queue:NAME:send` or `queue:NAME:receive`";
    let parts: Vec<&str> = raw.split(':').collect();
    let access = match parts.as_slice() {
        ["queue", _] => QueueAccess::SendReceive,
        ["queue", _, "send"] => QueueAccess::Send,
        ["queue", _, "receive"] => QueueAccess::Receive,
        ["queue", _, other] => return Err(format!("`{other}` is not an access to a queue; {KNOWN}")),
        [kind, ..] => {
            return Err(format!(
                "wharf renders no `{kind}` data resource yet; queues are the data resource a service can use: {KNOWN}"
            ))
        }
        [] => return Err(KNOWN.to_string()),
    };
    Ok(Use::Queue {
        queue: Spanned::new(parts[1].to_string(), raw.span.clone()),
        access,
    })
}

/// Every queue a service uses is declared, and used once.
pub(super) fn check_uses(manifest: &Manifest, sink: &mut Sink) {
    let declared: Vec<&str> = manifest.queues.keys().map(String::as_str).collect();
    for svc in manifest.services.values() {
        let mut seen: Vec<&str> = Vec::new();
        for u in &svc.uses {
            let Use::Queue { queue, .. } = &u.value;
            if !declared.contains(&queue.value.as_str()) {
                let mut d = Diagnostic::new(
                    format!(
                        "service `{}` uses queue `{}`, which is not declared",
                        svc.key.value, queue.value
                    ),
                    u.span.clone(),
                );
                if let Some(c) = closest(&queue.value, &declared) {
                    d = d.with_label(format!("did you mean `{c}`?"));
                }
                sink.push(d.with_help(format!(
                    "declare it as `[queues.{}]`, or fix the name",
                    queue.value
                )));
            }
            let first = sink.check(
                !seen.contains(&queue.value.as_str()),
                &u.span,
                format!(
                    "service `{}` uses queue `{}` twice",
                    svc.key.value, queue.value
                ),
                "keep one entry: `queue:NAME` already allows sending and receiving",
            );
            seen.push(&queue.value);
            let var = naming::queue_url_variable(&queue.value);
            sink.check(
                !first || !(svc.env.contains_key(&var) || svc.secrets.contains_key(&var)),
                &u.span,
                format!(
                    "service `{}` sets `{var}` itself, the variable `queue:{}` gives it",
                    svc.key.value, queue.value
                ),
                format!("remove `{var}` from the service's `env` or `secrets`: wharf sets it to the queue's URL"),
            );
        }
    }
}
