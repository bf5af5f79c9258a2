//! An SQS queue, one module call per `[queues.*]` table: the queue, its dead-letter queue,
//! a TLS-only policy and alarms on its backlog and its dead letters.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform, Queue};

use wharf_review::rules::queue_without_dead_letter_queue;

use crate::component::{Call, Component, Readme, TradeOff};
use crate::hcl::{Block, Body, Expr};
use crate::root::{by_key, code_list, ident, output};

pub struct Queues;

static NO_DEAD_LETTER_QUEUE: TradeOff = TradeOff {
    rule: &queue_without_dead_letter_queue::RULE,
    reason: "no dead-letter queue (`dead_letter_queue = false`): a message its consumers \
             cannot handle is received again until its retention period ends, then lost",
};
static TRADE_OFFS: [&TradeOff; 1] = [&NO_DEAD_LETTER_QUEUE];

/// `queue_<key>`: the module call of a queue, which the services refer to.
pub(crate) fn label(key: &str) -> String {
    format!("queue_{}", ident(key))
}

impl Component for Queues {
    fn name(&self) -> &'static str {
        "queue"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("queue")
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        env.queues.iter().map(|q| call(self, q)).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.queues.is_empty() {
            return Vec::new();
        }
        let per_queue = |attr: &str| by_key(env.queues.iter().map(|q| &q.key), label, attr);
        vec![
            output("queue_urls", "URL of each queue.", per_queue("url")),
            output("queue_arns", "ARN of each queue.", per_queue("arn")),
        ]
    }

    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &TRADE_OFFS
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.queues.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Queues\n");
        let _ = writeln!(o, "SQS queues encrypted with the environment's KMS key and reachable only over TLS. A service that uses one finds its URL in `QUEUE_<NAME>_URL`; its task role may send to or receive from that queue alone. Alarms fire when more than the threshold of messages wait for 10 minutes, when the oldest has waited too long, and when any message reaches the dead-letter queue.\n");
        let _ = writeln!(o, "| queue | type | visibility timeout | kept | dead-letter queue | sent by | received by | variable |");
        let _ = writeln!(o, "|---|---|---|---|---|---|---|---|");
        for q in &env.queues {
            let _ = writeln!(o, "{}", row(q));
        }
    }
}

/// Who sends to a queue: its services, and the topics subscribed to it.
fn senders(q: &Queue) -> Vec<String> {
    let mut out = q.senders.clone();
    out.extend(q.topics.iter().map(|t| format!("topic {t}")));
    out
}

fn row(q: &Queue) -> String {
    format!(
        "| `{}` | {} | {} s | {} days | {} | {} | {} | `{}` |",
        q.name,
        if q.fifo { "FIFO" } else { "standard" },
        q.visibility_timeout_seconds,
        q.retention_seconds / 86_400,
        match q.max_receives {
            Some(n) => format!("after {n} receives, kept 14 days"),
            None => "none".to_string(),
        },
        code_list(&senders(q)),
        code_list(&q.receivers),
        wharf_model::queue_url_variable(&q.key),
    )
}

fn call(component: &Queues, q: &Queue) -> Call {
    let body = Body::new()
        .attr("name", Expr::str(&q.name))
        .attr("fifo", Expr::Bool(q.fifo))
        .attr(
            "visibility_timeout_seconds",
            Expr::int(q.visibility_timeout_seconds),
        )
        .attr("message_retention_seconds", Expr::int(q.retention_seconds))
        .attr(
            "max_receive_count",
            q.max_receives.map(Expr::int).unwrap_or(Expr::Null),
        )
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .attr_opt(
            "sns_topic_arns",
            (!q.topics.is_empty()).then(|| {
                Expr::List(
                    q.topics
                        .iter()
                        .map(|t| {
                            Expr::Raw(format!("module.{}.arn", crate::components::topic::label(t)))
                        })
                        .collect(),
                )
            }),
        )
        .attr("alarm_topic_arn", Expr::raw("module.alarms.sns_topic_arn"))
        .attr("depth_alarm_threshold", Expr::int(q.depth_alarm))
        .attr(
            "age_alarm_threshold_seconds",
            Expr::int(q.age_alarm_seconds),
        );
    Call::new(component, &label(&q.key), body)
        .trade_off(q.max_receives.is_none(), &NO_DEAD_LETTER_QUEUE)
}
