//! WH205: an ECS service whose tasks can only be placed in one subnet.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH205",
    name: "service-in-single-az",
    pillar: Pillar::Reliability,
    severity: Severity::High,
    checkov: &[],
    fix: "List subnets in at least two Availability Zones in `network_configuration`",
    doc: r#"## What it does
Reports an `aws_ecs_service` whose `network_configuration` lists fewer than two subnets.
A subnet lives in one Availability Zone, so such a service can only place its tasks in
one zone. Subnet IDs that are not known before apply still count as subnets; a list that
is not known at all is not reported.

## Why is this bad?
ECS spreads a service's tasks across the zones of its subnets. With one subnet every task
is in the same zone: when that zone has a problem, or runs out of Fargate capacity, the
whole service is down however many tasks it runs, and the load balancer has nowhere to
send traffic. Two subnets in the same zone are just as exposed, which this rule cannot
see from subnet IDs: list one subnet per zone. Checkov has no check for this.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2

  network_configuration {
    subnets         = [aws_subnet.private_a.id]
    security_groups = [aws_security_group.api.id]
  }
}
```

## Use instead
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2

  network_configuration {
    subnets         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_groups = [aws_security_group.api.id]
  }
}
```

## References
- `AwsVpcConfiguration`, the subnets of a service's tasks: <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html>
- Reliability pillar, REL10-BP01 deploy the workload to multiple locations: <https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_fault_isolation_multiaz_region_system.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for service in cx.resources("aws_ecs_service") {
        // Without awsvpc networking the tasks run on container instances, in their subnets.
        let Some(network) = service.body.block("network_configuration") else {
            continue;
        };
        // Unknown elements are subnets too: only the list's length matters here.
        let count = match network.get("subnets") {
            Value::List(items) => items.len(),
            _ => continue,
        };
        cx.expect(
            Some(count >= 2),
            service,
            network.span_of("subnets"),
            || {
                if count == 0 {
                    format!("{} lists no subnets for its tasks", named(service))
                } else {
                    format!(
                        "{} places its tasks in one subnet, so in one Availability Zone",
                        named(service)
                    )
                }
            },
        );
    }
}
