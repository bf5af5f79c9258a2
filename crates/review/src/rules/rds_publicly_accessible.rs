//! WH116: an RDS database with a public endpoint.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH116",
    name: "rds-publicly-accessible",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &["CKV_AWS_17"],
    fix: "Set `publicly_accessible = false`",
    doc: r#"## What it does
Reports an `aws_db_instance`, `aws_rds_cluster_instance` or `aws_rds_cluster` (Multi-AZ DB
cluster) with `publicly_accessible = true`. The argument defaults to `false`.

## Why is this bad?
A publicly accessible database gets a DNS name that resolves to a public IP address. In a
subnet with a route to an internet gateway, the database port is then reachable from the
internet wherever a security group rule allows it, and databases are a favourite target of
password spraying and of exploits for engine vulnerabilities. Applications in the VPC,
and operators through AWS Systems Manager Session Manager or a VPN, do not need it.

## Example
```hcl
resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  publicly_accessible = true
}
```

## Use instead
```hcl
resource "aws_db_instance" "orders" {
  identifier           = "orders"
  engine               = "postgres"
  instance_class       = "db.t4g.medium"
  db_subnet_group_name = aws_db_subnet_group.private.name
  publicly_accessible  = false
}
```

## References
- Hiding a DB instance in a VPC from the internet: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding>
- Security Hub control RDS.2, RDS DB instances should prohibit public access: <https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-2>
- Checkov: `CKV_AWS_17`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for kind in [
        "aws_db_instance",
        "aws_rds_cluster_instance",
        "aws_rds_cluster",
    ] {
        for db in cx.resources(kind) {
            let ok = match db.body.get("publicly_accessible") {
                Value::Unknown => None,
                v => Some(v.as_bool() != Some(true)),
            };
            cx.expect(ok, db, db.body.span_of("publicly_accessible"), || {
                format!("{} is publicly accessible", named(db))
            });
        }
    }
}
