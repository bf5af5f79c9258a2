//! A service's `uses`: the manifest's data resources it reaches (`queue:NAME[:send|:receive]`,
//! `table:NAME[:read]`, `database:NAME`, `topic:NAME`, `bucket:NAME[:read]`, `cache:NAME`), each declared, used once, and not shadowing the
//! variables that tell the service where it is.

use crate::naming;
use crate::read::{closest, Sink};
use crate::types::*;
use crate::Diagnostic;

const FORMS: &str = "write `queue:NAME` (send and receive), `queue:NAME:send`, `queue:NAME:receive`, `table:NAME` (read and write), `table:NAME:read`, `database:NAME`, `topic:NAME` (publish), `bucket:NAME` (read and write), `bucket:NAME:read` or `cache:NAME`";

/// The kinds of data resource a service can use.
const KINDS: [&str; 6] = ["queue", "table", "database", "topic", "bucket", "cache"];

/// One entry of `uses`.
pub(super) fn parse_use(raw: &Spanned<String>) -> Result<Use, String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let name = |n: &str| Spanned::new(n.to_string(), raw.span.clone());
    match parts.as_slice() {
        ["queue", q] => Ok(Use::Queue { queue: name(q), access: QueueAccess::SendReceive }),
        ["queue", q, "send"] => Ok(Use::Queue { queue: name(q), access: QueueAccess::Send }),
        ["queue", q, "receive"] => Ok(Use::Queue { queue: name(q), access: QueueAccess::Receive }),
        ["table", t] => Ok(Use::Table { table: name(t), write: true }),
        ["table", t, "read"] => Ok(Use::Table { table: name(t), write: false }),
        ["database", d] => Ok(Use::Database { database: name(d) }),
        ["topic", t] => Ok(Use::Topic { topic: name(t) }),
        ["bucket", b] | ["bucket", b, "read-write"] => Ok(Use::Bucket { bucket: name(b), write: true }),
        ["bucket", b, "read"] => Ok(Use::Bucket { bucket: name(b), write: false }),
        ["cache", c] => Ok(Use::Cache { cache: name(c) }),
        ["cache", c, _] => Err(format!(
            "a cache has one access: its user, signed in with IAM; write `cache:{c}`"
        )),
        ["topic", t, _] => Err(format!(
            "a service publishes to a topic, its one access; write `topic:{t}` (subscribe queues with the topic's `queues`)"
        )),
        ["database", d, _] => Err(format!(
            "a database has one access: its user, through the proxy when it has one; write `database:{d}`"
        )),
        [kind @ ("queue" | "table" | "bucket"), _, other] => {
            Err(format!("`{other}` is not an access to a {kind}; {FORMS}"))
        }
        [kind, ..] if !KINDS.contains(kind) => Err(format!(
            "wharf renders no `{kind}` data resource yet; queues, tables, databases, topics, buckets and caches are what a service can use: {FORMS}"
        )),
        _ => Err(FORMS.to_string()),
    }
}

/// The variables with which a service finds a resource it uses.
pub(super) fn variables(u: &Use) -> Vec<String> {
    match u {
        Use::Queue { queue, .. } => vec![naming::queue_url_variable(queue)],
        Use::Table { table, .. } => vec![naming::table_name_variable(table)],
        Use::Topic { topic } => vec![naming::topic_arn_variable(topic)],
        Use::Bucket { bucket, .. } => vec![naming::bucket_name_variable(bucket)],
        Use::Database { database } => naming::DATABASE_ATTRIBUTES
            .iter()
            .map(|a| naming::database_variable(database, a))
            .collect(),
        Use::Cache { cache } => naming::CACHE_ATTRIBUTES
            .iter()
            .map(|a| naming::cache_variable(cache, a))
            .collect(),
    }
}

/// The keys of each kind of data resource written, whether or not its table read whole.
pub(super) struct Declared {
    pub tables: Vec<String>,
    pub databases: Vec<String>,
}

/// Every resource a service uses is declared, used once, and its variable is not one the
/// service sets itself.
/// A service or a job: what it uses, and the variables it sets itself.
struct User<'m> {
    what: &'static str,
    key: &'m Spanned<String>,
    env: &'m std::collections::BTreeMap<String, Spanned<String>>,
    secrets: &'m std::collections::BTreeMap<String, Spanned<SecretRef>>,
    uses: &'m [Spanned<Use>],
}

pub(super) fn check_uses(manifest: &Manifest, declared: &Declared, sink: &mut Sink) {
    for svc in manifest.services.values() {
        check_scale_on(svc, sink);
    }
    let services = manifest.services.values().map(|s| User {
        what: "service",
        key: &s.key,
        env: &s.env,
        secrets: &s.secrets,
        uses: &s.uses,
    });
    let jobs = manifest.jobs.values().map(|j| User {
        what: "job",
        key: &j.key,
        env: &j.env,
        secrets: &j.secrets,
        uses: &j.uses,
    });
    for user in services.chain(jobs) {
        check_user(manifest, declared, &user, sink);
    }
}

fn check_user(manifest: &Manifest, declared: &Declared, user: &User, sink: &mut Sink) {
    let who = format!("{} `{}`", user.what, user.key.value);
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for u in user.uses {
        let (kind, key) = u.value.target();
        let declared: Vec<&str> = match kind {
            "queue" => manifest.queues.keys().map(String::as_str).collect(),
            "topic" => manifest.topics.keys().map(String::as_str).collect(),
            "bucket" => manifest.buckets.keys().map(String::as_str).collect(),
            "cache" => manifest.caches.keys().map(String::as_str).collect(),
            "database" => declared.databases.iter().map(String::as_str).collect(),
            _ => declared.tables.iter().map(String::as_str).collect(),
        };
        if !declared.contains(&key.value.as_str()) {
            let mut d = Diagnostic::new(
                format!("{who} uses {kind} `{}`, which is not declared", key.value),
                u.span.clone(),
            );
            if let Some(c) = closest(&key.value, &declared) {
                d = d.with_label(format!("did you mean `{c}`?"));
            }
            sink.push(d.with_help(format!(
                "declare it as `[{kind}s.{}]`, or fix the name",
                key.value
            )));
        }
        let first = sink.check(
            !seen.contains(&(kind, key.value.as_str())),
            &u.span,
            format!("{who} uses {kind} `{}` twice", key.value),
            format!("keep one entry: `{kind}:NAME` already allows every access"),
        );
        seen.push((kind, &key.value));
        for var in variables(&u.value) {
            sink.check(
                !first || !(user.env.contains_key(&var) || user.secrets.contains_key(&var)),
                &u.span,
                format!(
                    "{who} sets `{var}` itself, the variable `{kind}:{}` gives it",
                    key.value
                ),
                format!(
                    "remove `{var}` from the {}'s `env` or `secrets`: wharf sets it",
                    user.what
                ),
            );
        }
    }
}

/// A worker scales on a queue it receives from: the backlog it drains.
fn check_scale_on(svc: &Service, sink: &mut Sink) {
    let Some(q) = &svc.scale_on else { return };
    let receives = svc.uses.iter().any(|u| {
        matches!(&u.value, Use::Queue { queue, access } if queue.value == q.value && *access != QueueAccess::Send)
    });
    sink.check(
        receives,
        &q.span,
        format!(
            "service `{}` scales on queue `{}`, which it does not receive from",
            svc.key.value, q.value
        ),
        format!(
            "add \"queue:{}:receive\" (or \"queue:{}\") to the service's `uses`: a worker scales on the backlog it drains",
            q.value, q.value
        ),
    );
}
