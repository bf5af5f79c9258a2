//! WH203: private subnets in several Availability Zones share one NAT gateway.

use std::collections::BTreeSet;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH203",
    name: "single-nat-gateway",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Create one NAT gateway per Availability Zone and route each private subnet to its own",
    doc: r#"## What it does
Reports a root module whose subnets span two or more Availability Zones but which creates
exactly one `aws_nat_gateway`.

## Why is this bad?
A NAT gateway lives in one Availability Zone. When that zone fails, tasks in every other
zone lose their route to the internet (image pulls, AWS APIs without VPC endpoints, third
parties), so the service is down although its other zones are healthy. One gateway is a
reasonable saving in development, which is why wharf's dev profile makes it, as a
documented trade-off.

## Example
```hcl
resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public["us-east-1a"].id
}
```

## Use instead
```hcl
resource "aws_nat_gateway" "this" {
  for_each      = aws_subnet.public
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = each.value.id
}
```

## References
- NAT gateways, zone independence: <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>
- Reliability pillar, REL10-BP01 deploy to multiple locations: <https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_fault_isolation_multiaz_region_system.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let mut zones = BTreeSet::new();
    for subnet in cx.resources("aws_subnet") {
        let zone = match (
            subnet.body.get("availability_zone"),
            subnet.body.get("availability_zone_id"),
        ) {
            (z, _) if z.as_str().is_some() => z.clone(),
            (_, z) => z.clone(),
        };
        match zone.as_str() {
            Some(z) => {
                zones.insert(z.to_string());
            }
            // Any subnet in an unknown zone: how many zones there are is not known, unless
            // there are several instances (count/for_each over zones).
            None => {
                zones.insert(subnet.address.clone());
            }
        }
    }
    let root = cx.root;
    let gateways: Vec<_> = root.resources_of("aws_nat_gateway").collect();
    if gateways.is_empty() || zones.len() < 2 {
        return;
    }
    // A NAT gateway whose count or for_each is not known stands for an unknown number.
    if gateways.iter().any(|g| g.key_unknown()) {
        return;
    }
    if gateways.len() == 1 {
        let g = gateways[0];
        cx.fail(
            g,
            g.location.span.clone(),
            format!(
                "{} is the only NAT gateway for subnets in {} Availability Zones",
                named(g),
                zones.len()
            ),
        );
    } else {
        cx.pass();
    }
}
