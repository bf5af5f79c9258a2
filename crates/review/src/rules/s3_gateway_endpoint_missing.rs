//! WH602: a VPC with a NAT gateway but no S3 gateway endpoint.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH602",
    name: "s3-gateway-endpoint-missing",
    pillar: Pillar::Sustainability,
    severity: Severity::Low,
    checkov: &[],
    fix: "Add an `aws_vpc_endpoint` for `com.amazonaws.<region>.s3` of type `Gateway` on the private route tables",
    doc: r#"## What it does
Reports an `aws_vpc` in a root module that creates an `aws_nat_gateway` but no
`aws_vpc_endpoint` whose `service_name` is `com.amazonaws.<region>.s3` and whose
`vpc_endpoint_type` is `Gateway` (the default when it is not set).

## Why is this bad?
Without a gateway endpoint, everything private subnets send to S3 crosses a NAT gateway:
application reads and writes, and every image pull, because ECR serves image layers from
S3. The NAT gateway processes (and charges for, $0.045 per GB in us-east-1) traffic that
could stay on the AWS network for free: S3 gateway endpoints have no hourly or per-GB
charge. Fewer hops and less processing for the same bytes is the efficiency the
Sustainability pillar asks for. Checkov has no check for this.

## Example
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
}
```

## Use instead
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id
}
```

## References
- Gateway endpoints for Amazon S3: <https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html>
- Amazon ECR interface VPC endpoints, the S3 gateway endpoint for image layers: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html>
- Amazon VPC pricing (NAT gateway): <https://aws.amazon.com/vpc/pricing/>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let nats: Vec<&Resource> = root.resources_of("aws_nat_gateway").collect();
    if nats.is_empty() {
        return;
    }
    // A NAT gateway whose count or for_each is not known may not exist.
    let nat_exists = nats.iter().any(|n| !n.key_unknown());
    let endpoints: Vec<Option<bool>> = root
        .resources_of("aws_vpc_endpoint")
        .map(s3_gateway)
        .collect();
    let ok = if endpoints.contains(&Some(true)) {
        Some(true)
    } else if endpoints.contains(&None) || !nat_exists {
        None
    } else {
        Some(false)
    };
    for vpc in root.resources_of("aws_vpc") {
        cx.expect(ok, vpc, vpc.location.span.clone(), || {
            format!(
                "{} has a NAT gateway but no S3 gateway endpoint: its S3 traffic, ECR image \
                 layers included, is processed by the NAT gateway",
                named(vpc)
            )
        });
    }
}

/// Whether the endpoint is an S3 gateway endpoint; None when its service or type is not
/// known. An Unknown service name (the region comes from a data source) is read from a
/// `for_each` key that names the service: `aws_vpc_endpoint.gateway["s3"]`.
fn s3_gateway(endpoint: &Resource) -> Option<bool> {
    let s3 = match endpoint.body.get("service_name") {
        Value::String(s) => is_s3(s),
        Value::Unknown
            if endpoint
                .key
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_string)
                .is_some_and(|k| is_s3(&k)) =>
        {
            true
        }
        Value::Unknown => return None,
        _ => false,
    };
    if !s3 {
        return Some(false);
    }
    match endpoint.body.get("vpc_endpoint_type") {
        Value::Unknown => None,
        Value::Null => Some(true),
        t => Some(t.as_str() == Some("Gateway")),
    }
}

/// `com.amazonaws.us-east-1.s3` (or just `s3`); not `s3-global.accesspoint` or `s3express`.
fn is_s3(name: &str) -> bool {
    name == "s3" || name.ends_with(".s3")
}
