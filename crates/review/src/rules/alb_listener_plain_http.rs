//! WH109: a load balancer listener that serves plain HTTP instead of redirecting to HTTPS.

use wharf_terraform::{Resource, RootModule, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH109",
    name: "alb-listener-plain-http",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &["CKV_AWS_2"],
    fix: "Serve on an HTTPS listener and make the HTTP listener redirect to it",
    doc: r#"## What it does
Reports an `aws_lb_listener` (or `aws_alb_listener`) with `protocol = "HTTP"` whose
`default_action` is not a `redirect` with `protocol = "HTTPS"`. An Application Load
Balancer listener without `protocol` is HTTP. Network and Gateway Load Balancer listeners
(`TCP`, `UDP`, `TLS`, `TCP_UDP`, or no protocol) are not reviewed.

## Why is this bad?
Over plain HTTP, requests and responses cross the internet readable and changeable by
anyone on the path: session cookies, bearer tokens, passwords in forms and personal data
can be captured, and pages can be altered in transit. A listener on port 80 that only
redirects to HTTPS keeps `http://` links working without serving anything in clear.

## Example
```hcl
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
```

## Use instead
```hcl
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}
```

## References
- Listeners for your Application Load Balancers, redirect actions: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html>
- Create an HTTPS listener for your Application Load Balancer: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html>
- Security pillar, SEC09-BP02 enforce encryption in transit: <https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_protect_data_transit_encrypt.html>
- Checkov: `CKV_AWS_2`
"#,
    check,
};

const LISTENERS: [&str; 2] = ["aws_lb_listener", "aws_alb_listener"];

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for kind in LISTENERS {
        for listener in root.resources_of(kind) {
            let http = match listener.body.get("protocol") {
                Value::Unknown => None,
                // The provider's default, for Application Load Balancers only.
                Value::Null => on_application_load_balancer(root, listener),
                v => Some(v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("HTTP"))),
            };
            let ok = match http {
                Some(false) => continue,
                Some(true) => redirects_to_https(listener),
                None => None,
            };
            cx.expect(ok, listener, listener.body.span_of("protocol"), || {
                format!(
                    "{} serves plain HTTP instead of redirecting to HTTPS",
                    named(listener)
                )
            });
        }
    }
}

/// Whether a listener with no `protocol` belongs to an Application Load Balancer: by its
/// ARN when known, otherwise when every load balancer of the root module is one.
fn on_application_load_balancer(root: &RootModule, listener: &Resource) -> Option<bool> {
    if let Some(arn) = listener.body.get("load_balancer_arn").as_str() {
        return Some(arn.contains(":loadbalancer/app/"));
    }
    let mut application = 0;
    let mut other = 0;
    for lb in root
        .resources_of("aws_lb")
        .chain(root.resources_of("aws_alb"))
    {
        match lb.body.get("load_balancer_type") {
            Value::Unknown => return None,
            Value::Null => application += 1,
            v if v.as_str() == Some("application") => application += 1,
            _ => other += 1,
        }
    }
    match (application, other) {
        (0, 0) => None,
        (_, 0) => Some(true),
        (0, _) => Some(false),
        _ => None,
    }
}

/// Whether a default action redirects to HTTPS; None when that is not known.
fn redirects_to_https(listener: &Resource) -> Option<bool> {
    let mut unknown = false;
    for action in listener.body.blocks("default_action") {
        match action.get("type") {
            Value::Unknown => unknown = true,
            v if v
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("redirect")) =>
            {
                let protocol = action
                    .block("redirect")
                    .map_or(&Value::Null, |r| r.get("protocol"));
                match protocol {
                    Value::Unknown => unknown = true,
                    p if p.as_str().is_some_and(|p| p.eq_ignore_ascii_case("HTTPS")) => {
                        return Some(true)
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}
