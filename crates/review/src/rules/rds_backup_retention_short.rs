//! WH209: an RDS DB instance or cluster that keeps automated backups for less than 7 days.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH209",
    name: "rds-backup-retention-short",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_133"],
    fix: "Set `backup_retention_period` to 7 days or more",
    doc: r#"## What it does
Reports an `aws_db_instance` or `aws_rds_cluster` whose `backup_retention_period` is
below 7 days. Unset, RDS keeps backups for 1 day. Read replicas (`replicate_source_db`)
are not checked, and neither is an instance restored from a snapshot or a point in time
without the argument, which inherits the source's period.

## Why is this bad?
Automated backups are what point-in-time restore works from: with 1 day, data corrupted
by a bad migration or a bug found on Monday can no longer be recovered to Friday's state,
and with 0 automated backups are off altogether. A week covers a weekend and the time it
usually takes to notice a problem; storage for backups up to the database's size is free.
Checkov's CKV_AWS_133 only requires a period above 0 (and passes the 1-day default), so it
accepts what this rule reports.

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
  identifier              = "app"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  backup_retention_period = 14
}
```

## References
- Backup retention period for Amazon RDS: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html>
- Restoring a DB instance to a specified time: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html>
- Checkov CKV_AWS_133, "Ensure that RDS instances has backup policy" (period above 0)
"#,
    check,
};

/// A week: enough to notice most data problems after a weekend.
const MIN_DAYS: f64 = 7.0;

/// RDS's period when the argument is unset.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html>
const DEFAULT_DAYS: f64 = 1.0;

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for db in root.resources_of("aws_db_instance") {
        // A replica's backups are its own business; the source's protect the data.
        if !db.body.get("replicate_source_db").is_null() {
            continue;
        }
        let restored = ["snapshot_identifier", "restore_to_point_in_time"]
            .iter()
            .any(|arg| db.body.has(arg) || db.body.block(arg).is_some());
        check_period(cx, db, restored);
    }
    for cluster in root.resources_of("aws_rds_cluster") {
        check_period(cx, cluster, false);
    }
}

fn check_period(cx: &mut Check<'_>, db: &Resource, restored: bool) {
    let days = match db.body.get("backup_retention_period") {
        // A restored instance takes the period of what it is restored from.
        Value::Null if restored => return,
        Value::Null => DEFAULT_DAYS,
        v => match v.as_f64() {
            Some(d) => d,
            None => return,
        },
    };
    let span = db.body.span_of("backup_retention_period");
    cx.expect(Some(days >= MIN_DAYS), db, span, || {
        if days <= 0.0 {
            format!("{} has automated backups turned off", named(db))
        } else {
            let plural = if days == 1.0 { "" } else { "s" };
            format!(
                "{} keeps automated backups for {days} day{plural}",
                named(db)
            )
        }
    });
}
