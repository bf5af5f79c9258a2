//! WH215: an RDS DB instance or Aurora cluster deleted without a final snapshot.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH215",
    name: "database-without-final-snapshot",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Set `skip_final_snapshot = false` and a `final_snapshot_identifier`",
    doc: r#"## What it does
Reports an `aws_db_instance` or `aws_rds_cluster` whose `skip_final_snapshot` is `true`.

## Why is this bad?
When the database is deleted, RDS then takes no last snapshot, and the automated backups
go with an instance (unless `delete_automated_backups = false`) or expire with a cluster.
Whatever deletes it — a `terraform destroy`, a replacement forced by a changed argument —
deletes the data for good. A final snapshot costs only its storage, and is the one copy
left to restore from. `skip_final_snapshot = true` is common in examples because a final
snapshot needs a `final_snapshot_identifier`; set one instead. Checkov has no check for
this.

## Example
```hcl
resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  skip_final_snapshot = true
}
```

## Use instead
```hcl
resource "aws_db_instance" "orders" {
  identifier                = "orders"
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  skip_final_snapshot       = false
  final_snapshot_identifier = "orders-final"
}
```

## References
- Deleting a DB instance: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html>
- Deleting an Aurora DB cluster: <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for db in root
        .resources_of("aws_db_instance")
        .chain(root.resources_of("aws_rds_cluster"))
    {
        // A read replica has no final snapshot to take: its source holds the data.
        if !db.body.get("replicate_source_db").is_null() {
            continue;
        }
        let ok = known_true(db.body.get("skip_final_snapshot")).map(|skip| !skip);
        cx.expect(ok, db, db.body.span_of("skip_final_snapshot"), || {
            format!("{} is deleted without a final snapshot", named(db))
        });
    }
}
