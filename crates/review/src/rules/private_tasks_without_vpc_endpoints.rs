//! WH502: ECS tasks without public IPs that pull their images through a NAT gateway.

use wharf_terraform::{Resource, Value};

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH502",
    name: "private-tasks-without-vpc-endpoints",
    pillar: Pillar::CostOptimization,
    severity: Severity::Low,
    checkov: &[],
    fix: "Add interface VPC endpoints for `ecr.api` and `ecr.dkr` (and an S3 gateway endpoint)",
    doc: r#"## What it does
Reports an `aws_ecs_service` whose tasks get no public IP (`network_configuration` without
`assign_public_ip = true`) in a root module that creates an `aws_nat_gateway` but no
`aws_vpc_endpoint` for both `com.amazonaws.<region>.ecr.api` and
`com.amazonaws.<region>.ecr.dkr`.

## Why is this bad?
Tasks in private subnets reach ECR through the NAT gateway, which charges for every GB it
processes ($0.045 per GB in us-east-1) on top of its hourly price. Every task start pulls
the whole image, so a service that scales out, redeploys or restarts tasks often pays for
the same layers again and again, and image pulls stop when the NAT gateway's zone fails.
Interface endpoints have an hourly price per Availability Zone, so for a small workload
that rarely starts tasks they can cost more than the NAT traffic they save; they pay off
with frequent deployments, scaling and large images. ECR serves layers from S3, so add an
S3 gateway endpoint (free) as well (see WH602). Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn

  network_configuration {
    subnets = aws_subnet.private[*].id
  }
}
```

## Use instead
```hcl
resource "aws_vpc_endpoint" "ecr" {
  for_each            = toset(["ecr.api", "ecr.dkr"])
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.us-east-1.${each.value}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.vpc_endpoints.id]
}
```

## References
- Amazon ECR interface VPC endpoints: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html>
- Amazon VPC pricing (NAT gateway): <https://aws.amazon.com/vpc/pricing/>
- AWS PrivateLink pricing (interface endpoints): <https://aws.amazon.com/privatelink/pricing/>
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
    let (mut api, mut dkr, mut unknown) = (false, false, false);
    for endpoint in root.resources_of("aws_vpc_endpoint") {
        match service_of(endpoint) {
            Some(s) if is_service(&s, "ecr.api") => api = true,
            Some(s) if is_service(&s, "ecr.dkr") => dkr = true,
            Some(_) => {}
            None => unknown = true,
        }
    }
    let covered = api && dkr;
    let missing = match (api, dkr) {
        (false, false) => "ecr.api and ecr.dkr",
        (false, true) => "ecr.api",
        _ => "ecr.dkr",
    };
    for service in root.resources_of("aws_ecs_service") {
        let Some(network) = service.body.block("network_configuration") else {
            continue;
        };
        let private = known_true(network.get("assign_public_ip")).map(|public| !public);
        let ok = match private {
            // Tasks with public IPs pull through the internet gateway, not the NAT gateway.
            Some(false) => continue,
            _ if covered => Some(true),
            None => None,
            Some(true) if unknown || !nat_exists => None,
            Some(true) => Some(false),
        };
        cx.expect(ok, service, network.span.clone(), || {
            format!(
                "{} runs tasks without public IPs, and with no VPC endpoint for {missing} their \
                 image pulls go through a NAT gateway (about $0.045 per GB)",
                named(service)
            )
        });
    }
}

/// The endpoint's service name, or None when it is not known. When it is Unknown (the
/// region comes from a data source), a `for_each` key that names the service stands in:
/// `aws_vpc_endpoint.interface["ecr.dkr"]`.
fn service_of(endpoint: &Resource) -> Option<String> {
    match endpoint.body.get("service_name") {
        Value::String(s) => Some(s.clone()),
        Value::Unknown => endpoint
            .key
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|k| ["ecr.api", "ecr.dkr"].iter().any(|s| is_service(k, s))),
        _ => Some(String::new()),
    }
}

/// `com.amazonaws.us-east-1.ecr.dkr` (or just `ecr.dkr`) is the service `ecr.dkr`.
fn is_service(name: &str, service: &str) -> bool {
    name == service
        || name
            .strip_suffix(service)
            .is_some_and(|prefix| prefix.ends_with('.'))
}
