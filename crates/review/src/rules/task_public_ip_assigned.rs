//! WH112: an ECS service that gives its tasks public IP addresses.

use wharf_terraform::Value;

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH112",
    name: "task-public-ip-assigned",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &["CKV_AWS_333"],
    fix: "Set `assign_public_ip = false` and run the tasks in private subnets",
    doc: r#"## What it does
Reports an `aws_ecs_service` whose `network_configuration` sets `assign_public_ip = true`.
The argument defaults to `false`.

## Why is this bad?
Each task gets an address on the internet, so the only thing between the container and
anyone scanning the address range is its security group: one rule opened too wide, or a
port the application listens on by accident, is exposed directly, bypassing the load
balancer and its WAF. Public IPs are usually a way to pull images without a NAT gateway;
private subnets with a NAT gateway or VPC endpoints do that without exposing the tasks.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.this.arn
  task_definition = aws_ecs_task_definition.api.arn

  network_configuration {
    subnets          = aws_subnet.public[*].id
    security_groups  = [aws_security_group.api.id]
    assign_public_ip = true
  }
}
```

## Use instead
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.this.arn
  task_definition = aws_ecs_task_definition.api.arn

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.api.id]
    assign_public_ip = false
  }
}
```

## References
- Fargate task networking: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html>
- Security Hub control ECS.2, ECS services should not have public IP addresses assigned automatically: <https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-2>
- Checkov: `CKV_AWS_333`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for service in cx.resources("aws_ecs_service") {
        // Without `network_configuration` the tasks do not use awsvpc networking, and have
        // no address of their own to make public.
        let Some(network) = service.body.block("network_configuration") else {
            cx.pass();
            continue;
        };
        let ok = match network.get("assign_public_ip") {
            Value::Unknown => None,
            v => known_true(v).map(|public| !public),
        };
        cx.expect(ok, service, network.span_of("assign_public_ip"), || {
            format!(
                "{} assigns public IP addresses to its tasks",
                named(service)
            )
        });
    }
}
