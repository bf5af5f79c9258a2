//! WH214: an RDS DB instance or Aurora cluster without deletion protection.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH214",
    name: "database-deletion-protection-disabled",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_293", "CKV_AWS_139"],
    fix: "Set `deletion_protection = true`",
    doc: r#"## What it does
Reports an `aws_db_instance` or `aws_rds_cluster` whose `deletion_protection` is not
`true` (the default is `false`).

## Why is this bad?
Without deletion protection, anything allowed to call `DeleteDBInstance` or
`DeleteDBCluster` deletes the database: a `terraform destroy` in the wrong directory, a
resource renamed so that Terraform replaces it, a script with the wrong identifier. With
it on, RDS refuses until someone turns it off on purpose, which is one more deliberate
step between a mistake and the data. Automated backups are deleted with an instance unless
`delete_automated_backups = false`, so what is lost is lost for good unless a final
snapshot was taken.

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
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  deletion_protection = true
}
```

## References
- Deletion protection for DB instances: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeleteInstance.DeletionProtection>
- Deletion protection for Aurora clusters: <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeletionProtection.html>
- Checkov: `CKV_AWS_293` (DB instances), `CKV_AWS_139` (Aurora clusters)
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for db in root
        .resources_of("aws_db_instance")
        .chain(root.resources_of("aws_rds_cluster"))
    {
        let ok = known_true(db.body.get("deletion_protection"));
        cx.expect(ok, db, db.body.span_of("deletion_protection"), || {
            format!(
                "{} can be deleted without turning anything off first",
                named(db)
            )
        });
    }
}
