//! WH115: an RDS DB instance or DB cluster whose storage is not encrypted.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH115",
    name: "rds-storage-not-encrypted",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &["CKV_AWS_16", "CKV_AWS_96"],
    fix: "Set `storage_encrypted = true`",
    doc: r#"## What it does
Reports an `aws_db_instance` or `aws_rds_cluster` whose `storage_encrypted` is not `true`.
It defaults to `false`, except for Aurora Serverless v1 clusters (`engine_mode =
"serverless"`), which are always encrypted. Read replicas, databases restored from a
snapshot and clusters of a global database take their encryption from their source, which
this rule cannot see, so they are not reported.

## Why is this bad?
Unencrypted storage leaves the data, its automated backups, snapshots and read replicas
readable by anyone who gets hold of the underlying volumes or of a snapshot shared by
mistake, and compliance frameworks such as PCI DSS and HIPAA expect encryption at rest.
Encryption with AWS KMS has a minimal effect on performance. It can only be chosen when the
database is created: encrypting an existing one means restoring an encrypted copy of a
snapshot, with downtime, so it is worth getting right before the first `apply`.

## Example
```hcl
resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
```

## Use instead
```hcl
resource "aws_db_instance" "orders" {
  identifier        = "orders"
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = true
  kms_key_id        = aws_kms_key.orders.arn
}
```

## References
- Encrypting Amazon RDS resources: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html>
- Encrypting Amazon Aurora resources: <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Overview.Encryption.html>
- Checkov: `CKV_AWS_16` (DB instances), `CKV_AWS_96` (Aurora clusters)
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for db in cx.resources("aws_db_instance") {
        // A replica's or a restored instance's encryption follows its source.
        let ok = encrypted(db, &["replicate_source_db", "snapshot_identifier"]);
        cx.expect(ok, db, db.body.span_of("storage_encrypted"), || {
            format!("{} does not encrypt its storage", named(db))
        });
    }
    for cluster in cx.resources("aws_rds_cluster") {
        // Aurora Serverless v1 always encrypts its storage.
        // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless.how-it-works.html
        let ok = match cluster.body.get("engine_mode") {
            Value::Unknown => None,
            mode if mode.as_str() == Some("serverless") => Some(true),
            _ => encrypted(
                cluster,
                &[
                    "snapshot_identifier",
                    "replication_source_identifier",
                    "global_cluster_identifier",
                ],
            ),
        };
        cx.expect(
            ok,
            cluster,
            cluster.body.span_of("storage_encrypted"),
            || format!("{} does not encrypt its storage", named(cluster)),
        );
    }
}

/// Whether `storage_encrypted` is known true. When the resource copies an existing
/// database (any of `sources` set), its encryption follows that source, which this rule
/// does not follow: unknown unless it says `true`.
fn encrypted(db: &Resource, sources: &[&str]) -> Option<bool> {
    let copied = sources.iter().any(|s| !db.body.get(s).is_null());
    match db.body.get("storage_encrypted") {
        Value::Unknown => None,
        v if v.as_bool() == Some(true) => Some(true),
        _ if copied => None,
        _ => Some(false),
    }
}
