//! WH110: an HTTPS or TLS listener whose security policy accepts TLS 1.0 or 1.1.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH110",
    name: "alb-outdated-tls-policy",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_103"],
    fix: "Set `ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"`",
    doc: r#"## What it does
Reports an `aws_lb_listener` (or `aws_alb_listener`) with `protocol` `HTTPS` or `TLS`
whose `ssl_policy` accepts TLS versions older than 1.2. Unset, AWS applies
`ELBSecurityPolicy-2016-08`, which accepts TLS 1.0 and 1.1. Accepted policies are
`ELBSecurityPolicy-TLS13-1-2-*` and `ELBSecurityPolicy-TLS13-1-3-*`,
`ELBSecurityPolicy-TLS-1-2-*` and `ELBSecurityPolicy-FS-1-2-*`; the TLS 1.3 policies
that still accept TLS 1.0 or 1.1 (`ELBSecurityPolicy-TLS13-1-0-*`,
`ELBSecurityPolicy-TLS13-1-1-*`) are reported.

## Why is this bad?
TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with
known attacks, and PCI DSS and most compliance regimes forbid them. Every browser and
maintained HTTP client supports TLS 1.2, so accepting older versions only helps a
downgrade attacker or a client that should be upgraded.

## Example
```hcl
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.web.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
```

## Use instead
```hcl
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = aws_acm_certificate.web.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
```

## References
- Security policies for your Application Load Balancer: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>
- Security policies for your Network Load Balancer: <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html>
- RFC 8996, deprecating TLS 1.0 and TLS 1.1: <https://www.rfc-editor.org/rfc/rfc8996>
- Checkov: `CKV_AWS_103`
"#,
    check,
};

/// The security policy AWS applies to an HTTPS or TLS listener created through the API
/// without one. It accepts TLS 1.0 to 1.2.
const DEFAULT_POLICY: &str = "ELBSecurityPolicy-2016-08";

/// Prefixes of the predefined policies whose oldest protocol is TLS 1.2 or 1.3.
const MODERN_POLICY_PREFIXES: &[&str] = &[
    "ELBSecurityPolicy-TLS13-1-2-",
    "ELBSecurityPolicy-TLS13-1-3-",
    "ELBSecurityPolicy-TLS-1-2-",
    "ELBSecurityPolicy-FS-1-2-",
];

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for kind in ["aws_lb_listener", "aws_alb_listener"] {
        for listener in root.resources_of(kind) {
            let encrypted =
                listener.body.get("protocol").as_str().is_some_and(|p| {
                    p.eq_ignore_ascii_case("HTTPS") || p.eq_ignore_ascii_case("TLS")
                });
            if !encrypted {
                continue;
            }
            let policy = listener.body.get("ssl_policy");
            let ok = match policy {
                Value::Unknown => None,
                Value::Null => Some(false),
                v => Some(
                    v.as_str()
                        .is_some_and(|p| MODERN_POLICY_PREFIXES.iter().any(|m| p.starts_with(m))),
                ),
            };
            cx.expect(
                ok,
                listener,
                listener.body.span_of("ssl_policy"),
                || match policy.as_str() {
                    Some(p) => format!(
                        "{} uses ssl_policy `{p}`, which accepts TLS versions older than 1.2",
                        named(listener)
                    ),
                    None => format!(
                        "{} has no ssl_policy, so AWS applies `{DEFAULT_POLICY}`, which \
                         accepts TLS 1.0 and 1.1",
                        named(listener)
                    ),
                },
            );
        }
    }
}
