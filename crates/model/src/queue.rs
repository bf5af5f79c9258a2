//! The SQS queues of an environment, and what each service may do with them.

use wharf_manifest::{self as manifest, naming, Manifest, QueueAccess, Use};

use crate::profile::Profile;
use crate::resolve::{pick, services_using};
use crate::service::{key_through, Statement, ACCOUNT};

/// A queue fed or drained by the environment's services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub key: String,
    /// `{app}-{env}-{queue}`, ending in `.fifo` for a FIFO queue.
    pub name: String,
    pub fifo: bool,
    pub visibility_timeout_seconds: u32,
    pub retention_seconds: u32,
    /// Receives after which a message moves to the dead-letter queue; None: no
    /// dead-letter queue.
    pub max_receives: Option<u32>,
    /// Keys of the services that send to it.
    pub senders: Vec<String>,
    /// Keys of the services that receive from it.
    pub receivers: Vec<String>,
    /// Keys of the topics subscribed to it, whose messages SNS may send.
    pub topics: Vec<String>,
    /// Messages visible for 10 minutes above which an alarm fires (seed 003: 100).
    pub depth_alarm: u32,
    /// The age in seconds of the oldest message above which an alarm fires.
    pub age_alarm_seconds: u32,
}

/// SQS's own defaults, kept unless the manifest says otherwise.
/// <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html>
const VISIBILITY_TIMEOUT_SECONDS: u32 = 30;
const RETENTION_DAYS: u32 = 4;
const MAX_RECEIVES: u32 = 5;

/// `{app}-{env}-{queue}`, with `.fifo` for a FIFO queue, as SQS requires.
fn name(m: &Manifest, env: &manifest::Environment, q: &manifest::Queue) -> String {
    let base = naming::service_name(&m.app.name, &env.key, &q.key);
    if q.fifo.as_ref().is_some_and(|f| f.value) {
        format!("{base}.fifo")
    } else {
        base
    }
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    q: &manifest::Queue,
) -> Queue {
    let fifo = q.fifo.as_ref().is_some_and(|f| f.value);
    let retention_days = q
        .retention_days
        .as_ref()
        .map_or(RETENTION_DAYS, |r| r.value);
    let visibility = q
        .visibility_timeout_seconds
        .as_ref()
        .map_or(VISIBILITY_TIMEOUT_SECONDS, |v| v.value);
    let dead_letter = q.dead_letter_queue.as_ref().is_none_or(|d| d.value);
    let users = |wants: fn(QueueAccess) -> bool| {
        services_using(
            m,
            |u| matches!(u, Use::Queue { queue, access } if queue.value == q.key.value && wants(*access)),
        )
    };
    Queue {
        key: q.key.value.clone(),
        name: name(m, env, q),
        fifo,
        visibility_timeout_seconds: visibility,
        retention_seconds: retention_days * 86_400,
        max_receives: dead_letter
            .then(|| q.max_receives.as_ref().map_or(MAX_RECEIVES, |r| r.value)),
        senders: users(|a| a != QueueAccess::Receive),
        receivers: users(|a| a != QueueAccess::Send),
        topics: m
            .topics
            .values()
            .filter(|t| t.queues.iter().any(|tq| tq.value == q.key.value))
            .map(|t| t.key.value.clone())
            .collect(),
        depth_alarm: pick(
            &[env.overrides.queue_depth_alarm_messages.as_ref()],
            p.queue_depth_alarm_messages,
        )
        .value,
        age_alarm_seconds: pick(
            &[env.overrides.queue_age_alarm_seconds.as_ref()],
            p.queue_age_alarm_seconds,
        )
        .value,
    }
}

/// The task role statements for the queues a service uses: only the actions its access
/// needs, on those queues only, and the queue key's use only through SQS.
/// <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html>
pub(crate) fn statements(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
) -> Vec<Statement> {
    let region = &m.app.region.value;
    let mut out = Vec::new();
    let mut key_actions: Vec<String> = Vec::new();
    for u in &svc.uses {
        let Use::Queue { queue, access } = &u.value else {
            continue;
        };
        let Some(q) = m.queues.get(&queue.value) else {
            continue;
        };
        let name = name(m, env, q);
        let arn = format!("arn:aws:sqs:{region}:{ACCOUNT}:{name}");
        let camel = crate::service::camel(&queue.value);
        let mut actions = vec![
            "sqs:GetQueueAttributes".to_string(),
            "sqs:GetQueueUrl".to_string(),
        ];
        if *access != QueueAccess::Receive {
            actions.push("sqs:SendMessage".into());
            key_actions.push("kms:GenerateDataKey".into());
        }
        if *access != QueueAccess::Send {
            actions.extend(
                [
                    "sqs:ChangeMessageVisibility",
                    "sqs:DeleteMessage",
                    "sqs:ReceiveMessage",
                ]
                .map(String::from),
            );
        }
        key_actions.push("kms:Decrypt".into());
        actions.sort();
        out.push(Statement {
            sid: format!("Queue{camel}"),
            actions,
            resources: vec![arn],
            conditions: vec![],
        });
    }
    if !key_actions.is_empty() {
        out.push(key_through("QueueKey", key_actions, region, "sqs"));
    }
    out
}
