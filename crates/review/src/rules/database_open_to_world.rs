//! WH124: a database, database proxy or cache whose security group admits the whole
//! internet.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, referenced, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH124",
    name: "database-open-to-world",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &[],
    fix: "Admit only the security groups of the services (or the proxy) that connect",
    doc: r#"## What it does
Reports an `aws_db_instance`, `aws_rds_cluster` or `aws_db_proxy` with a security group in
`vpc_security_group_ids`, or an `aws_elasticache_replication_group`,
`aws_elasticache_serverless_cache` or `aws_elasticache_cluster` with one in
`security_group_ids`, that admits `0.0.0.0/0` or `::/0`, on any port: through its inline
`ingress` rules, an `aws_vpc_security_group_ingress_rule` or an `aws_security_group_rule`
of type `ingress`. A group that is not in the same root, or an address that is not known,
gives no finding.

## Why is this bad?
A database is reached by a handful of known clients. A rule open to every address lets
anything that reaches the network try its port: from the internet if the database is ever
made publicly accessible or its subnet gets a route to an internet gateway, and from every
other workload in the VPC and its peers in any case. Password guessing, unpatched protocol
bugs and leaked credentials then need no foothold first. Referencing the clients'
security groups admits exactly those tasks, whatever their addresses. WH108 reports such
rules on any security group whatever port they open; this rule follows the group to the
database it protects, including rules on ports 80 and 443.

## Example
```hcl
resource "aws_security_group" "db" {
  vpc_id = var.vpc_id

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "orders" {
  engine                 = "postgres"
  instance_class         = "db.t4g.medium"
  vpc_security_group_ids = [aws_security_group.db.id]
}
```

## Use instead
```hcl
resource "aws_vpc_security_group_ingress_rule" "db_from_api" {
  security_group_id            = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.api_tasks.id
}
```

## References
- Controlling access with security groups: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html>
- Security group rules: <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    // Each data store, and the argument that lists its security groups.
    let stores = [
        ("aws_db_instance", "vpc_security_group_ids"),
        ("aws_rds_cluster", "vpc_security_group_ids"),
        ("aws_db_proxy", "vpc_security_group_ids"),
        ("aws_elasticache_replication_group", "security_group_ids"),
        ("aws_elasticache_serverless_cache", "security_group_ids"),
        ("aws_elasticache_cluster", "security_group_ids"),
    ];
    let databases = stores
        .into_iter()
        .flat_map(|(k, arg)| root.resources_of(k).map(move |r| (r, arg)));
    for (db, arg) in databases {
        let Some(groups) = referenced(cx, db, arg) else {
            continue;
        };
        let mut outcome = Some(None);
        for sg in groups.iter().filter(|g| g.kind == "aws_security_group") {
            match world_rule(cx, sg) {
                Some(Some(at)) => {
                    outcome = Some(Some((sg, at)));
                    break;
                }
                Some(None) => {}
                None => outcome = None,
            }
        }
        match outcome {
            Some(Some((sg, rule))) => {
                let message = format!(
                    "{} admits the whole internet through {} ({})",
                    named(db),
                    named(sg),
                    rule
                );
                cx.fail(db, db.body.span_of(arg), message);
            }
            Some(None) => cx.pass(),
            None => {}
        }
    }
}

/// Some(Some(rule)) when a rule of `sg` admits the world, Some(None) when none does, None
/// when an address is not known.
fn world_rule(cx: &Check<'_>, sg: &Resource) -> Option<Option<String>> {
    let mut cidrs: Vec<(&Value, String)> = Vec::new();
    for b in sg.body.blocks("ingress") {
        for arg in ["cidr_blocks", "ipv6_cidr_blocks"] {
            cidrs.extend(
                list(b.get(arg)).map(|c| (c, format!("an `ingress` block of {}", named(sg)))),
            );
        }
    }
    match sg.body.get("ingress") {
        Value::List(items) => {
            for item in items {
                for arg in ["cidr_blocks", "ipv6_cidr_blocks"] {
                    let v = item.get(arg).unwrap_or(&Value::Null);
                    cidrs.extend(list(v).map(|c| (c, format!("`ingress` of {}", named(sg)))));
                }
            }
        }
        Value::Unknown => return None,
        _ => {}
    }
    for rule in cx.root.referring("security_group_id", sg) {
        let args: &[&str] = match rule.kind.as_str() {
            "aws_vpc_security_group_ingress_rule" => &["cidr_ipv4", "cidr_ipv6"],
            "aws_security_group_rule" => match rule.body.get("type").as_str() {
                Some("ingress") => &["cidr_blocks", "ipv6_cidr_blocks"],
                Some(_) => continue,
                None => return None,
            },
            _ => continue,
        };
        for arg in args {
            cidrs.extend(list(rule.body.get(arg)).map(|c| (c, named(rule))));
        }
    }
    let mut unknown = false;
    for (cidr, rule) in cidrs {
        match cidr {
            Value::Unknown => unknown = true,
            Value::String(c) if c.ends_with("/0") => return Some(Some(rule)),
            _ => {}
        }
    }
    (!unknown).then_some(None)
}

/// A string or list argument's CIDRs; an Unknown list stands for one Unknown CIDR.
fn list(v: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match v {
        Value::List(items) => Box::new(items.iter()),
        Value::Unknown | Value::String(_) => Box::new(std::iter::once(v)),
        _ => Box::new(std::iter::empty()),
    }
}
