//! WH125: an ElastiCache cache that accepts connections without TLS.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH125",
    name: "cache-without-tls",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &["CKV_AWS_30"],
    fix:
        "Set `transit_encryption_enabled = true` and leave `transit_encryption_mode` at `required`",
    doc: r#"## What it does
Reports an `aws_elasticache_replication_group`, or an `aws_elasticache_cluster` that is not
part of one, whose `transit_encryption_enabled` is not `true` (the default is `false`), and
one whose `transit_encryption_mode` is `"preferred"`, which accepts plain-text clients
beside TLS ones. A serverless cache (`aws_elasticache_serverless_cache`) always requires
TLS and is not reported.

## Why is this bad?
Without TLS, every key and value, and the password or token a client signs in with, crosses
the network readable by anything that can see the traffic; a cache often holds session
tokens and copies of database rows. TLS in transit cannot be turned on for a cache that was
created without it in one step: it needs a migration through `preferred` (which is meant
to be temporary) or a new cache, so it is worth setting from the start. IAM
authentication needs it too.

## Example
```hcl
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
  description          = "Sessions"
  engine               = "valkey"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
}
```

## Use instead
```hcl
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  description                = "Sessions"
  engine                     = "valkey"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
  user_group_ids             = [aws_elasticache_user_group.sessions.user_group_id]
}
```

## References
- ElastiCache in-transit encryption: <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html>
- Enabling in-transit encryption on an existing cluster: <https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption-enable-existing.html>
- `aws_elasticache_replication_group`: <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for cache in cx.resources("aws_elasticache_replication_group") {
        let mode = cache.body.get("transit_encryption_mode");
        let enabled = known_true(cache.body.get("transit_encryption_enabled"));
        let preferred = matches!(mode, Value::String(m) if m == "preferred");
        let required = match (enabled, mode) {
            // Off is plain text whatever the mode says.
            (Some(false), _) => Some(false),
            (_, Value::Unknown) => None,
            (enabled, _) => enabled.map(|on| on && !preferred),
        };
        let span = if enabled == Some(true) && preferred {
            cache.body.span_of("transit_encryption_mode")
        } else {
            cache.body.span_of("transit_encryption_enabled")
        };
        cx.expect(required, cache, span, || {
            format!("{} accepts connections without TLS", named(cache))
        });
    }
    for cache in cx.resources("aws_elasticache_cluster") {
        // A member of a replication group takes the group's encryption.
        if !matches!(cache.body.get("replication_group_id"), Value::Null) {
            continue;
        }
        let ok = known_true(cache.body.get("transit_encryption_enabled"));
        cx.expect(
            ok,
            cache,
            cache.body.span_of("transit_encryption_enabled"),
            || format!("{} accepts connections without TLS", named(cache)),
        );
    }
}
