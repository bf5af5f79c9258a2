//! `[topics.*]`: one SNS topic per table, with its email and queue subscriptions.

use crate::naming::is_key;
use crate::net;
use crate::read::{closest, Sink, TableReader};
use crate::types::*;
use crate::Diagnostic;

use super::key_rule_help;

pub(super) fn read_topic(key: Spanned<String>, mut t: TableReader, sink: &mut Sink) -> Topic {
    sink.check(
        is_key(&key) && key.len() <= 32,
        &key.span,
        format!("`{}` is not a valid topic name", key.value),
        key_rule_help("topic names") + ", at most 32 characters",
    );
    let email = t
        .string_list(sink, "email")
        .map(|l| l.value)
        .unwrap_or_default();
    let queues = t
        .string_list(sink, "queues")
        .map(|l| l.value)
        .unwrap_or_default();
    t.finish(sink);
    for e in &email {
        sink.check(
            net::is_email(e),
            &e.span,
            format!("`{}` is not an email address", e.value),
            "list the addresses that get every message, e.g. `email = [\"ops@example.com\"]`",
        );
    }
    Topic { key, email, queues }
}

/// Every queue a topic delivers to is declared, and a standard queue: a standard topic
/// cannot deliver to a FIFO queue.
/// <https://docs.aws.amazon.com/sns/latest/dg/fifo-topic-code-examples.html>
pub(super) fn check_topics(manifest: &Manifest, sink: &mut Sink) {
    let declared: Vec<&str> = manifest.queues.keys().map(String::as_str).collect();
    for topic in manifest.topics.values() {
        for q in &topic.queues {
            match manifest.queues.get(&q.value) {
                None => {
                    let mut d = Diagnostic::new(
                        format!(
                            "topic `{}` delivers to queue `{}`, which is not declared",
                            topic.key.value, q.value
                        ),
                        q.span.clone(),
                    );
                    if let Some(c) = closest(&q.value, &declared) {
                        d = d.with_label(format!("did you mean `{c}`?"));
                    }
                    sink.push(d.with_help(format!(
                        "declare it as `[queues.{}]`, or fix the name",
                        q.value
                    )));
                }
                Some(queue) => {
                    sink.check(
                        !queue.fifo.as_ref().is_some_and(|f| f.value),
                        &q.span,
                        format!(
                            "topic `{}` is a standard topic, and queue `{}` is FIFO",
                            topic.key.value, q.value
                        ),
                        "a standard SNS topic delivers only to standard queues; subscribe a standard queue",
                    );
                }
            }
        }
    }
}
