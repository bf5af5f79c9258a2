//! The SNS topics of an environment: who publishes, and who is told.

use wharf_manifest::{self as manifest, naming, Manifest, Use};

use crate::resolve::services_using;
use crate::service::{key_through, Statement, ACCOUNT};

/// A standard topic, encrypted with the environment's KMS key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub key: String,
    /// `{app}-{env}-{topic}`.
    pub name: String,
    /// Addresses subscribed by email.
    pub emails: Vec<String>,
    /// Keys of the queues subscribed, which get each message as it was published.
    pub queues: Vec<String>,
    /// Keys of the services that publish to it.
    pub publishers: Vec<String>,
}

pub(crate) fn name(
    m: &Manifest,
    env: &manifest::Environment,
    key: &manifest::Spanned<String>,
) -> String {
    naming::service_name(&m.app.name, &env.key, key)
}

pub(crate) fn resolve(m: &Manifest, env: &manifest::Environment, t: &manifest::Topic) -> Topic {
    Topic {
        key: t.key.value.clone(),
        name: name(m, env, &t.key),
        emails: t.email.iter().map(|e| e.value.clone()).collect(),
        queues: t.queues.iter().map(|q| q.value.clone()).collect(),
        publishers: services_using(
            m,
            |u| matches!(u, Use::Topic { topic } if topic.value == t.key.value),
        ),
    }
}

/// The task role statements for the topics a service publishes to: `sns:Publish` on those
/// topics only, and the key SNS encrypts them with only through SNS.
/// <https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html>
pub(crate) fn statements(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
) -> Vec<Statement> {
    let region = &m.app.region.value;
    let mut out: Vec<Statement> = svc
        .uses
        .iter()
        .filter_map(|u| match &u.value {
            Use::Topic { topic } => Some(topic),
            _ => None,
        })
        .map(|topic| Statement {
            sid: format!("Topic{}", crate::service::camel(&topic.value)),
            actions: vec!["sns:Publish".into()],
            resources: vec![format!(
                "arn:aws:sns:{region}:{ACCOUNT}:{}",
                name(m, env, topic)
            )],
            conditions: vec![],
        })
        .collect();
    if !out.is_empty() {
        out.push(key_through(
            "TopicKey",
            vec!["kms:Decrypt".into(), "kms:GenerateDataKey".into()],
            region,
            "sns",
        ));
    }
    out
}
