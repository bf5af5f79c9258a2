//! WH210: a load balancer that can be deleted without first turning off its protection.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH210",
    name: "load-balancer-deletion-protection-disabled",
    pillar: Pillar::Reliability,
    severity: Severity::Low,
    checkov: &["CKV_AWS_150"],
    fix: "Set `enable_deletion_protection = true` on the load balancer",
    doc: r#"## What it does
Reports an `aws_lb` (or `aws_alb`) whose `enable_deletion_protection` is not `true` (the
default is `false`).

## Why is this bad?
The load balancer is the service's address: its DNS name is what clients, DNS records
and CDNs point at. Deleted by a mistaken `terraform destroy`, a resource rename or a
console click, it comes back with a new DNS name, listeners and certificates to recreate,
and the service is unreachable meanwhile. With deletion protection, the delete call
fails until the protection is turned off on purpose. Leaving it off is reasonable for
short-lived development environments, which is why wharf's dev profile does, as a
documented trade-off.

## Example
```hcl
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id
}
```

## Use instead
```hcl
resource "aws_lb" "web" {
  name                       = "web"
  load_balancer_type         = "application"
  subnets                    = aws_subnet.public[*].id
  enable_deletion_protection = true
}
```

## References
- Application Load Balancer attributes, deletion protection: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection>
- Checkov CKV_AWS_150, "Ensure that Load Balancer has deletion protection enabled"
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    // `aws_alb` is the provider's other name for `aws_lb`.
    for lb in root
        .resources_of("aws_lb")
        .chain(root.resources_of("aws_alb"))
    {
        let ok = known_true(lb.body.get("enable_deletion_protection"));
        cx.expect(
            ok,
            lb,
            lb.body.span_of("enable_deletion_protection"),
            || format!("{} has deletion protection off", named(lb)),
        );
    }
}
