//! WH208: an RDS DB instance without a Multi-AZ standby.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH208",
    name: "rds-single-az",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_157"],
    fix: "Set `multi_az = true` on the DB instance",
    doc: r#"## What it does
Reports an `aws_db_instance` whose `multi_az` is not `true` (the default is `false`).
Aurora clusters (`aws_rds_cluster`) are not checked: their availability comes from
instances in several zones, not from this setting.

## Why is this bad?
A Single-AZ DB instance lives in one Availability Zone. When the zone, the host or its
storage fails, the database is down until RDS replaces the instance or you restore a
backup, which takes from minutes to hours and loses writes since the last backup. With
Multi-AZ, RDS keeps a synchronous standby in another zone and fails over to it
automatically, usually within a minute or two, with no data loss; maintenance and
instance class changes are applied to the standby first. It roughly doubles the instance
cost, a reasonable saving for development databases.

## Example
```hcl
resource "aws_db_instance" "app" {
  identifier     = "app"
  engine         = "postgres"
  instance_class = "db.t4g.medium"
}
```

## Use instead
```hcl
resource "aws_db_instance" "app" {
  identifier     = "app"
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  multi_az       = true
}
```

## References
- Configuring and managing a Multi-AZ deployment for Amazon RDS: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html>
- Checkov CKV_AWS_157, "Ensure that RDS instances have Multi-AZ enabled"
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for db in cx.resources("aws_db_instance") {
        let ok = known_true(db.body.get("multi_az"));
        cx.expect(ok, db, db.body.span_of("multi_az"), || {
            format!(
                "{} runs in a single Availability Zone, without a standby",
                named(db)
            )
        });
    }
}
