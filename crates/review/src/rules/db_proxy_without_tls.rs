//! WH123: an RDS Proxy that accepts connections without TLS.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH123",
    name: "db-proxy-without-tls",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[],
    fix: "Set `require_tls = true` on the proxy",
    doc: r#"## What it does
Reports an `aws_db_proxy` whose `require_tls` is not `true` (the default is `false`).

## Why is this bad?
Without it the proxy accepts plain-text connections, so queries, results and, with
password authentication, the password cross the network readable by anything that can see
the traffic. Requiring TLS on the database (`rds.force_ssl`) does not help: the proxy
terminates the client's connection and opens its own to the database. IAM authentication
through a proxy needs TLS anyway, so a proxy that allows both is one client setting away
from sending data in the clear. Checkov has no check for this.

## Example
```hcl
resource "aws_db_proxy" "orders" {
  name           = "orders"
  engine_family  = "POSTGRESQL"
  role_arn       = aws_iam_role.proxy.arn
  vpc_subnet_ids = var.private_subnet_ids

  auth {
    auth_scheme = "SECRETS"
    secret_arn  = aws_db_instance.orders.master_user_secret[0].secret_arn
  }
}
```

## Use instead
```hcl
resource "aws_db_proxy" "orders" {
  name           = "orders"
  engine_family  = "POSTGRESQL"
  role_arn       = aws_iam_role.proxy.arn
  vpc_subnet_ids = var.private_subnet_ids
  require_tls    = true

  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "REQUIRED"
    secret_arn  = aws_db_instance.orders.master_user_secret[0].secret_arn
  }
}
```

## References
- Using TLS/SSL with RDS Proxy: <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html#rds-proxy-security.tls>
- `aws_db_proxy`: <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_proxy>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for proxy in cx.resources("aws_db_proxy") {
        let ok = known_true(proxy.body.get("require_tls"));
        cx.expect(ok, proxy, proxy.body.span_of("require_tls"), || {
            format!("{} accepts connections without TLS", named(proxy))
        });
    }
}
