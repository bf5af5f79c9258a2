//! ElastiCache for Valkey and Redis OSS.

/// The engines wharf offers and, for each, the major versions with IAM authentication
/// (Valkey 7.2 and later, Redis OSS 7 and later), newest last. A major version maps to the
/// engine version a node-based cache is created with; ElastiCache applies later minor
/// versions itself (`auto_minor_version_upgrade`).
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VersionManagement.html>
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html>
pub const ENGINES: [(&str, &[(u32, &str)]); 2] = [
    ("valkey", &[(7, "7.2"), (8, "8.0")]),
    ("redis", &[(7, "7.1")]),
];

/// The engine version (`"8.0"`) of a major version of an engine, if wharf offers it.
pub fn engine_version(engine: &str, major: u32) -> Option<&'static str> {
    ENGINES
        .iter()
        .find(|(e, _)| *e == engine)?
        .1
        .iter()
        .find(|(m, _)| *m == major)
        .map(|(_, v)| *v)
}

/// The newest major version of an engine.
pub fn newest_major(engine: &str) -> Option<u32> {
    ENGINES
        .iter()
        .find(|(e, _)| *e == engine)
        .and_then(|(_, versions)| versions.last())
        .map(|(m, _)| *m)
}

/// The port a cache's primary endpoint listens on; a serverless cache's reader endpoint is
/// the next one.
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ServerlessEndpoints.html>
pub const PORT: u32 = 6379;

/// The longest replication group id and serverless cache name ElastiCache accepts.
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html>
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateServerlessCache.html>
pub const NAME_MAX: usize = 40;

/// A serverless cache's ceilings: data stored, in GB, and ElastiCache Processing Units
/// per second.
/// <https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheUsageLimits.html>
pub const MAX_STORAGE_GB: std::ops::RangeInclusive<u32> = 1..=5_000;
pub const MAX_ECPU_PER_SECOND: std::ops::RangeInclusive<u32> = 1_000..=15_000_000;

/// Whether `node_type` is written as an ElastiCache node type (`cache.t4g.micro`,
/// `cache.r7g.large`).
pub fn is_node_type(node_type: &str) -> bool {
    let mut parts = node_type.split('.');
    let word = |p: Option<&str>| {
        p.is_some_and(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
    };
    parts.next() == Some("cache")
        && word(parts.next())
        && word(parts.next())
        && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_versions_are_looked_up_by_major() {
        assert_eq!(engine_version("valkey", 8), Some("8.0"));
        assert_eq!(engine_version("redis", 7), Some("7.1"));
        assert_eq!(engine_version("redis", 8), None);
        assert_eq!(engine_version("memcached", 1), None);
        assert_eq!(newest_major("valkey"), Some(8));
        assert_eq!(newest_major("redis"), Some(7));
    }

    #[test]
    fn node_types_are_cache_family_size() {
        assert!(is_node_type("cache.t4g.micro"));
        assert!(is_node_type("cache.r7g.large"));
        assert!(!is_node_type("db.t4g.micro"));
        assert!(!is_node_type("cache.t4g"));
        assert!(!is_node_type("cache.t4g.micro.x"));
    }
}
