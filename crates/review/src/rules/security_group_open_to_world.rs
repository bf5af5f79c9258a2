//! WH108: a security group that admits the whole internet on a port other than 80 or 443.

use std::ops::Range;

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH108",
    name: "security-group-open-to-world",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"],
    fix: "Limit the rule to the port the service answers on, or to the addresses that need it",
    doc: r#"## What it does
Reports an ingress rule that admits `0.0.0.0/0` or `::/0` (any CIDR with prefix length 0)
on anything other than exactly port 80 or exactly port 443: another port, a port range,
or all traffic (protocol `-1`/`all`, or a protocol without ports). ICMP is accepted, as
path MTU discovery needs it. Rules are read from `aws_security_group` and
`aws_default_security_group` `ingress` blocks, `aws_security_group_rule` with
`type = "ingress"`, and `aws_vpc_security_group_ingress_rule`.

## Why is this bad?
Anything listening on an open port is probed by internet-wide scanners within minutes:
SSH and RDP are brute-forced, databases, caches and admin consoles are read or
ransomed, and a port range opens whatever starts listening later. A public web service
needs only HTTP and HTTPS, on its load balancer; tasks behind it should admit the load
balancer's security group, and administration goes through ECS Exec or Session Manager.

## Example
```hcl
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "0.0.0.0/0"
}
```

## Use instead
```hcl
resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.alb.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
```

## References
- Security group rules: <https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>
- Security Hub EC2.18, unrestricted incoming traffic only on authorized ports: <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>
- Path MTU discovery and ICMP: <https://docs.aws.amazon.com/vpc/latest/userguide/network_mtu.html>
- Checkov: `CKV_AWS_24` (port 22), `CKV_AWS_25` (port 3389), `CKV_AWS_277` (all ports)
"#,
    check,
};

/// One ingress rule, however it is written: each source CIDR with where to point when it
/// is the one at fault (its argument, or the whole `ingress` block).
struct Ingress<'a> {
    cidrs: Vec<(&'a Value, Range<usize>)>,
    protocol: &'a Value,
    from_port: &'a Value,
    to_port: &'a Value,
}

/// What a rule opens to the world, for the message, and where it says so.
struct Exposure {
    cidr: String,
    ports: String,
    span: Range<usize>,
}

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for kind in ["aws_security_group", "aws_default_security_group"] {
        for sg in root.resources_of(kind) {
            let rules = inline_rules(sg);
            if !rules.is_empty() {
                report(cx, sg, &rules);
            }
        }
    }
    for rule in root.resources_of("aws_security_group_rule") {
        match rule.body.get("type").as_str() {
            Some("ingress") => {}
            _ => continue,
        }
        let b = &rule.body;
        let ingress = Ingress {
            cidrs: ["cidr_blocks", "ipv6_cidr_blocks"]
                .into_iter()
                .flat_map(|arg| list(b.get(arg)).map(move |c| (c, b.span_of(arg))))
                .collect(),
            protocol: b.get("protocol"),
            from_port: b.get("from_port"),
            to_port: b.get("to_port"),
        };
        report(cx, rule, &[ingress]);
    }
    for rule in root.resources_of("aws_vpc_security_group_ingress_rule") {
        let b = &rule.body;
        let ingress = Ingress {
            cidrs: ["cidr_ipv4", "cidr_ipv6"]
                .into_iter()
                .map(|arg| (b.get(arg), b.span_of(arg)))
                .collect(),
            protocol: b.get("ip_protocol"),
            from_port: b.get("from_port"),
            to_port: b.get("to_port"),
        };
        report(cx, rule, &[ingress]);
    }
}

/// The `ingress` blocks of a security group, or its `ingress = [...]` argument.
fn inline_rules(sg: &Resource) -> Vec<Ingress<'_>> {
    let mut rules: Vec<Ingress<'_>> = sg
        .body
        .blocks("ingress")
        .map(|b| Ingress {
            cidrs: list(b.get("cidr_blocks"))
                .chain(list(b.get("ipv6_cidr_blocks")))
                .map(|c| (c, b.span.clone()))
                .collect(),
            protocol: b.get("protocol"),
            from_port: b.get("from_port"),
            to_port: b.get("to_port"),
        })
        .collect();
    if let Some(items) = sg.body.get("ingress").as_list() {
        let span = sg.body.span_of("ingress");
        for item in items {
            let get = |k: &str| item.get(k).unwrap_or(&NULL);
            rules.push(Ingress {
                cidrs: list(get("cidr_blocks"))
                    .chain(list(get("ipv6_cidr_blocks")))
                    .map(|c| (c, span.clone()))
                    .collect(),
                protocol: get("protocol"),
                from_port: get("from_port"),
                to_port: get("to_port"),
            });
        }
    } else if sg.body.get("ingress").is_unknown() {
        rules.push(Ingress {
            cidrs: vec![(&Value::Unknown, sg.body.span_of("ingress"))],
            protocol: &Value::Unknown,
            from_port: &Value::Unknown,
            to_port: &Value::Unknown,
        });
    }
    rules
}

static NULL: Value = Value::Null;

/// A list argument's elements; an Unknown list stands for one Unknown element.
fn list(v: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match v {
        Value::List(items) => Box::new(items.iter()),
        Value::Unknown => Box::new(std::iter::once(v)),
        _ => Box::new(std::iter::empty()),
    }
}

/// One outcome per resource: a finding at the first rule open to the world.
fn report(cx: &mut Check<'_>, resource: &Resource, rules: &[Ingress<'_>]) {
    let mut unknown = false;
    for rule in rules {
        match exposure(rule) {
            Some(Some(e)) => {
                let message = format!(
                    "{} allows ingress from {} on {}",
                    named(resource),
                    e.cidr,
                    e.ports
                );
                cx.fail(resource, e.span, message);
                return;
            }
            Some(None) => {}
            None => unknown = true,
        }
    }
    if !unknown {
        cx.pass();
    }
}

/// Some(Some(..)) when the rule admits the world beyond ports 80 and 443, Some(None) when
/// it does not, None when that is not known.
fn exposure(rule: &Ingress<'_>) -> Option<Option<Exposure>> {
    let world = rule.cidrs.iter().find_map(|(c, span)| {
        c.as_str()
            .filter(|c| c.trim().ends_with("/0"))
            .map(|c| (c, span))
    });
    let Some((cidr, span)) = world else {
        return if rule.cidrs.iter().any(|(c, _)| c.is_unknown()) {
            None
        } else {
            Some(None)
        };
    };
    let exposure = |ports: String| {
        Some(Some(Exposure {
            cidr: cidr.trim().to_string(),
            ports,
            span: span.clone(),
        }))
    };
    let protocol = match rule.protocol {
        Value::Unknown => return None,
        v => v.to_template_string()?.trim().to_ascii_lowercase(),
    };
    match protocol.as_str() {
        "-1" | "all" => return exposure("all ports".into()),
        // ICMP has types, not ports; path MTU discovery needs it from anywhere.
        "icmp" | "1" | "icmpv6" | "58" => return Some(None),
        "tcp" | "6" | "udp" | "17" => {}
        other => return exposure(format!("protocol {other}")),
    }
    let (from, to) = match (rule.from_port.as_f64(), rule.to_port.as_f64()) {
        (Some(from), Some(to)) => (from, to),
        _ if rule.from_port.is_unknown() || rule.to_port.is_unknown() => return None,
        _ => return exposure("all ports".into()),
    };
    if from == to && (from == 80.0 || from == 443.0) {
        Some(None)
    } else if from == to {
        exposure(format!("port {from}"))
    } else {
        exposure(format!("ports {from}-{to}"))
    }
}
