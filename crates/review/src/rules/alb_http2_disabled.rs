//! WH402: an Application Load Balancer with HTTP/2 turned off.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH402",
    name: "alb-http2-disabled",
    pillar: Pillar::PerformanceEfficiency,
    severity: Severity::Low,
    checkov: &[],
    fix: "Remove `enable_http2 = false` (HTTP/2 is on by default)",
    doc: r#"## What it does
Reports an Application Load Balancer (`aws_lb` or `aws_alb` whose `load_balancer_type`
is `application`, the default) with `enable_http2 = false`. HTTP/2 is on by default.

## Why is this bad?
Without HTTP/2, browsers and HTTP clients talk to the load balancer over HTTP/1.1: each
connection carries one request at a time, so pages with many assets or API calls open
several TLS connections and wait on each other, and headers are sent uncompressed every
time. HTTP/2 multiplexes requests over one connection and compresses headers, which
lowers latency for clients and connection load on the load balancer (clients use it on
HTTPS listeners). Clients that do not
speak HTTP/2 still use HTTP/1.1, and the load balancer talks to targets over HTTP/1.1
regardless (unless the target group says otherwise), so turning it on changes nothing
for the application. Checkov has no check for this.

## Example
```hcl
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id
  enable_http2       = false
}
```

## Use instead
```hcl
resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = aws_subnet.public[*].id
}
```

## References
- Application Load Balancer attributes, `routing.http2.enabled`: <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes>
- `LoadBalancerAttribute` in the Elastic Load Balancing API: <https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html>
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
        match lb.body.get("load_balancer_type") {
            Value::Null => {}
            Value::String(t) if t == "application" => {}
            // Network and gateway load balancers do not speak HTTP, or the type is not known.
            _ => continue,
        }
        let ok = match lb.body.get("enable_http2") {
            Value::Null => Some(true),
            v => v.as_bool(),
        };
        cx.expect(ok, lb, lb.body.span_of("enable_http2"), || {
            format!("{} has HTTP/2 turned off", named(lb))
        });
    }
}
