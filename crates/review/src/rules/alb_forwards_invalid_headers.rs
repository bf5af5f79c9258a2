//! WH111: an Application Load Balancer that forwards invalid HTTP header fields.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH111",
    name: "alb-forwards-invalid-headers",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_131"],
    fix: "Set `drop_invalid_header_fields = true`",
    doc: r#"## What it does
Reports an `aws_lb` (or `aws_alb`) of `load_balancer_type` `application`, the default,
whose `drop_invalid_header_fields` is not `true`. Unset, it is `false`.

## Why is this bad?
Header names with characters that HTTP does not allow are read differently by the load
balancer and by the application server behind it. That disagreement is what HTTP request
smuggling and desync attacks use to slip a second request past the load balancer's
routing, WAF rules or authentication, or to poison responses for other users. Dropping
such headers costs nothing for well-formed clients.

## Example
```hcl
resource "aws_lb" "web" {
  name            = "web"
  subnets         = aws_subnet.public[*].id
  security_groups = [aws_security_group.alb.id]
}
```

## Use instead
```hcl
resource "aws_lb" "web" {
  name                       = "web"
  subnets                    = aws_subnet.public[*].id
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
}
```

## References
- Application Load Balancer attributes, `routing.http.drop_invalid_header_fields.enabled`: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes>
- Security Hub ELB.4, Application Load Balancers should drop invalid HTTP headers: <https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html>
- Checkov: `CKV_AWS_131`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for lb in root
        .resources_of("aws_lb")
        .chain(root.resources_of("aws_alb"))
    {
        let drops = known_true(lb.body.get("drop_invalid_header_fields"));
        let ok = match lb.body.get("load_balancer_type") {
            // The provider's default.
            Value::Null => drops,
            v if v.as_str() == Some("application") => drops,
            // Not known to be an Application Load Balancer: only a known `true` is an outcome.
            Value::Unknown => drops.filter(|d| *d),
            _ => continue,
        };
        cx.expect(
            ok,
            lb,
            lb.body.span_of("drop_invalid_header_fields"),
            || format!("{} forwards invalid header fields", named(lb)),
        );
    }
}
