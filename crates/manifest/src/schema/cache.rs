//! `[caches.*]`: one ElastiCache cache per table, Valkey or Redis OSS, serverless or on
//! nodes; and the caches' keys an environment may set.

use wharf_aws::elasticache;

use crate::naming::is_key;
use crate::read::{Sink, TableReader};
use crate::types::*;
use crate::Diagnostic;

use super::{key_rule_help, one_of, quoted_or, refuse_keys, KeyAt};

/// The longest cache key: its name, `{app}-{env}-{cache}`, must fit ElastiCache's 40.
const KEY_MAX: usize = 20;

/// What the cache module adds to a cache's name for its disabled `default` user's id; a
/// cache whose key ends so would take another cache's user id.
const DEFAULT_USER_SUFFIX: &str = "-default";

pub(super) fn read_cache(key: Spanned<String>, mut t: TableReader, sink: &mut Sink) -> Cache {
    sink.check(
        is_key(&key) && key.len() <= KEY_MAX,
        &key.span,
        format!("`{}` is not a valid cache name", key.value),
        key_rule_help("cache names") + &format!(", at most {KEY_MAX} characters"),
    );
    sink.check(
        !key.ends_with(DEFAULT_USER_SUFFIX),
        &key.span,
        format!(
            "cache `{}` ends in `{DEFAULT_USER_SUFFIX}`, which names another cache's disabled default user",
            key.value
        ),
        "pick a name that does not end in `-default`",
    );
    let engine = read_engine(&mut t, sink);
    let version = t.string(sink, "version");
    let serverless = t.boolean(sink, "serverless");
    let node_type = read_node_type(&mut t, sink, "node_type");
    let max_storage_gb = t.integer_in(
        sink,
        "max_storage_gb",
        i64::from(*elasticache::MAX_STORAGE_GB.start())
            ..=i64::from(*elasticache::MAX_STORAGE_GB.end()),
        "a serverless cache holds at most 1 to 5000 GB; leave it out for no ceiling",
    );
    let max_ecpu_per_second = t.integer_in(
        sink,
        "max_ecpu_per_second",
        i64::from(*elasticache::MAX_ECPU_PER_SECOND.start())
            ..=i64::from(*elasticache::MAX_ECPU_PER_SECOND.end()),
        "a serverless cache is held to 1000 to 15000000 ECPUs a second; leave it out for no ceiling",
    );
    t.finish(sink);
    let engine_name = engine.as_ref().map_or(CacheEngine::Valkey, |e| e.value);
    let version = version.and_then(|v| check_version(engine_name, &v, sink));
    let cache = Cache {
        key,
        engine,
        version,
        serverless,
        node_type,
        max_storage_gb,
        max_ecpu_per_second,
    };
    check_kind(&cache, sink);
    cache
}

fn read_engine(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<CacheEngine>> {
    let e = t.string(sink, "engine")?;
    one_of(
        e,
        &CacheEngine::ALL,
        CacheEngine::as_str,
        "a cache engine",
        |names| format!("use {names} (Redis OSS); Valkey is the default"),
        sink,
    )
}

/// `version`: a major version of the engine with IAM authentication, as a string (`"8"`).
fn check_version(
    engine: CacheEngine,
    v: &Spanned<String>,
    sink: &mut Sink,
) -> Option<Spanned<u32>> {
    let major = v.value.parse::<u32>().ok();
    if let Some(m) = major.filter(|m| elasticache::engine_version(engine.as_str(), *m).is_some()) {
        return Some(Spanned::new(m, v.span.clone()));
    }
    let offered: Vec<String> = elasticache::ENGINES
        .iter()
        .filter(|(e, _)| *e == engine.as_str())
        .flat_map(|(_, versions)| versions.iter().map(|(m, _)| m.to_string()))
        .collect();
    let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
    sink.push(
        Diagnostic::new(
            format!(
                "`{}` is not a {} version wharf offers",
                v.value,
                engine.as_str()
            ),
            v.span.clone(),
        )
        .with_help(format!(
            "write a major version with IAM authentication, {}; ElastiCache applies minor versions itself",
            quoted_or(&offered, "\"", "\"")
        )),
    );
    None
}

fn read_node_type(
    t: &mut TableReader,
    sink: &mut Sink,
    key: &'static str,
) -> Option<Spanned<String>> {
    let n = t.string(sink, key)?;
    let ok = sink.check(
        elasticache::is_node_type(&n),
        &n.span,
        format!("`{}` is not an ElastiCache node type", n.value),
        "write a node type such as \"cache.t4g.micro\" or \"cache.r7g.large\"",
    );
    ok.then_some(n)
}

/// A serverless cache has no node type, and a node-based one no serverless ceilings.
fn check_kind(c: &Cache, sink: &mut Sink) {
    let Some(serverless) = &c.serverless else {
        return;
    };
    let theirs: Vec<KeyAt> = if serverless.value {
        vec![("node_type", c.node_type.as_ref().map(|v| &v.span))]
    } else {
        vec![
            ("max_storage_gb", c.max_storage_gb.as_ref().map(|v| &v.span)),
            (
                "max_ecpu_per_second",
                c.max_ecpu_per_second.as_ref().map(|v| &v.span),
            ),
        ]
    };
    let (kind, instead) = if serverless.value {
        ("serverless", "a serverless cache sizes itself; cap it with `max_storage_gb` and `max_ecpu_per_second`")
    } else {
        ("on nodes", "a node-based cache is sized by `node_type`; set `serverless = true` for ceilings on data and ECPUs")
    };
    refuse_keys(
        &format!("cache `{}`", c.key.value),
        kind,
        &theirs,
        instead,
        sink,
    );
}

/// The caches' keys an environment may set: `cache_serverless` and `cache_node_type`, which
/// apply to every cache there, over its own `serverless` and `node_type`. Snapshots follow
/// `backup_retention_days` and `final_snapshot`, and a node-based cache's replica
/// `multi_az`, as for databases.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.cache_serverless = t.boolean(sink, "cache_serverless");
    o.cache_node_type = read_node_type(t, sink, "cache_node_type");
}

/// A cache's name, `{app}-{env}-{cache}`, is its replication group id or serverless cache
/// name, which ElastiCache holds to 40 characters.
pub(super) fn check_names(manifest: &Manifest, sink: &mut Sink) {
    for c in manifest.caches.values() {
        for env in manifest.environments.values() {
            let name = crate::naming::service_name(&manifest.app.name, &env.key, &c.key);
            let len = name.len();
            sink.check(
                len <= elasticache::NAME_MAX,
                &c.key.span,
                format!(
                    "cache `{}` in environment `{}` would be named `{name}` ({len} characters); ElastiCache allows {}",
                    c.key.value,
                    env.key.value,
                    elasticache::NAME_MAX
                ),
                "shorten the cache, environment or app name",
            );
        }
    }
}
