//! WH114: an internet-facing Application Load Balancer with no AWS WAF web ACL.

use wharf_terraform::Value;

use crate::rule::{known_true, named, referenced, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH114",
    name: "alb-without-waf",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV2_AWS_28"],
    fix: "Associate an AWS WAF web ACL with the load balancer",
    doc: r#"## What it does
Reports an internet-facing Application Load Balancer (an `aws_lb` or `aws_alb` whose
`internal` is not `true` and whose `load_balancer_type` is `application`, the default)
that no `aws_wafv2_web_acl_association` or `aws_wafregional_web_acl_association` in the
same configuration attaches a web ACL to.

## Why is this bad?
Everything on the internet can reach the load balancer, and without a web ACL every
request goes straight to the application: SQL injection and cross-site scripting probes,
exploits for known CVEs (Log4Shell), credential stuffing and request floods from a single
address. AWS managed rule groups and a rate-based rule stop most of that before it costs
a task any CPU. A web ACL attached outside Terraform (AWS Firewall Manager) is not seen:
suppress the finding with that reason.

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
  name               = "web"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id
}

resource "aws_wafv2_web_acl_association" "web" {
  resource_arn = aws_lb.web.arn
  web_acl_arn  = aws_wafv2_web_acl.web.arn
}
```

## References
- Associating a web ACL with an AWS resource: <https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html>
- AWS managed rule groups: <https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups.html>
- Checkov: `CKV2_AWS_28`
"#,
    check,
};

const ASSOCIATIONS: [&str; 2] = [
    "aws_wafv2_web_acl_association",
    "aws_wafregional_web_acl_association",
];

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    // The load balancers the associations name, and whether one names something unknown.
    let mut protected = Vec::new();
    let mut unknown_target = false;
    for kind in ASSOCIATIONS {
        for association in root.resources_of(kind) {
            // A written ARN names a load balancer this configuration does not create: the
            // ARN of one it creates is only known after apply.
            if !association.body.get("resource_arn").is_unknown() {
                continue;
            }
            // `aws_lb.web.arn` is Unknown, but the reference says which load balancer it is.
            match referenced(cx, association, "resource_arn") {
                Some(targets) => protected.extend(targets.iter().map(|t| &t.address)),
                None => unknown_target = true,
            }
        }
    }

    for kind in ["aws_lb", "aws_alb"] {
        for lb in root.resources_of(kind) {
            let internet_facing = known_true(lb.body.get("internal")).map(|internal| !internal);
            let application = match lb.body.get("load_balancer_type") {
                Value::Null => Some(true),
                Value::Unknown => None,
                v => Some(v.as_str() == Some("application")),
            };
            // Internal and network or gateway load balancers are not subjects; neither is
            // one whose scheme or type is not known.
            if internet_facing != Some(true) || application != Some(true) {
                continue;
            }
            let ok = if protected.contains(&&lb.address) {
                Some(true)
            } else if unknown_target {
                None
            } else {
                Some(false)
            };
            cx.expect(ok, lb, lb.location.span.clone(), || {
                format!(
                    "{} is internet-facing and has no AWS WAF web ACL",
                    named(lb)
                )
            });
        }
    }
}
