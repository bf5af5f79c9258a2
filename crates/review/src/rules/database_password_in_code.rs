//! WH118: a database master password written in the configuration.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH118",
    name: "database-password-in-code",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &[],
    fix: "Set `manage_master_user_password = true` and remove the password",
    doc: r#"## What it does
Reports an `aws_db_instance` (`password`), `aws_rds_cluster` or `aws_docdb_cluster`
(`master_password`) whose master password, or its write-only variant (`password_wo`,
`master_password_wo`), is a value written in the configuration: a literal, a variable's `default`, or a `.tfvars`
file. A password that is only known at apply time passes (a `random_password`, a data
source, a variable with no default set with `-var` or `TF_VAR_`), and so does
`manage_master_user_password = true`.

## Why is this bad?
The master password can do anything to the database, and a value in the configuration is
in every clone of the repository, its history and its CI logs, forever: rotating it means
changing code, and removing it does not remove it from history. With
`manage_master_user_password`, RDS generates the password, stores it in AWS Secrets
Manager, rotates it, and the application reads it from there with IAM permissions that
can be audited. Checkov has no check for this; its generic secret scanning (`CKV_SECRET_*`)
only catches literals that look random enough.

## Example
```hcl
resource "aws_db_instance" "orders" {
  identifier     = "orders"
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  username       = "orders"
  password       = "correct-horse-battery-staple"
}
```

## Use instead
```hcl
resource "aws_db_instance" "orders" {
  identifier                  = "orders"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  username                    = "orders"
  manage_master_user_password = true
}
```

## References
- Password management with Amazon RDS and AWS Secrets Manager: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html>
- Password management with Amazon Aurora and AWS Secrets Manager: <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html>
"#,
    check,
};

/// The resources, and the arguments that take their master password.
const DATABASES: [(&str, [&str; 2]); 3] = [
    ("aws_db_instance", ["password", "password_wo"]),
    ("aws_rds_cluster", ["master_password", "master_password_wo"]),
    (
        "aws_docdb_cluster",
        ["master_password", "master_password_wo"],
    ),
];

fn check(cx: &mut Check<'_>) {
    for (kind, arguments) in DATABASES {
        for db in cx.resources(kind) {
            if known_true(db.body.get("manage_master_user_password")) == Some(true) {
                cx.pass();
                continue;
            }
            // The first argument holding a password written in the configuration. Unknown
            // means the value comes from outside it, which is the point: it passes.
            let written = arguments
                .iter()
                .copied()
                .find(|arg| match db.body.get(arg) {
                    Value::String(s) => !s.is_empty(),
                    Value::Number(_) => true,
                    _ => false,
                });
            // Never put the password itself in the message.
            match written {
                Some(arg) => cx.fail(
                    db,
                    db.body.span_of(arg),
                    format!(
                        "{} sets its master password (`{arg}`) to a value written in the configuration",
                        named(db)
                    ),
                ),
                None => cx.pass(),
            }
        }
    }
}
