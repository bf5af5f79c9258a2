//! WH121: a VPC without flow logs.

use crate::rule::{named, referenced, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH121",
    name: "vpc-flow-logs-disabled",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV2_AWS_11"],
    fix: "Add an `aws_flow_log` for the VPC",
    doc: r#"## What it does
Reports an `aws_vpc` that no `aws_flow_log` in the same configuration records (through its
`vpc_id`).

## Why is this bad?
Flow logs are the record of which addresses talked to which, on which ports, and whether
security groups and network ACLs let them. Without them there is no way to tell after the
fact whether a compromised task called out to an unknown host, what scanned the load
balancer, or which rule dropped the traffic an outage was about. They cannot be turned on
retroactively, and Amazon GuardDuty only sees the flow data of accounts where it runs.

## Example
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
```

## Use instead
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "main" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn         = aws_iam_role.flow_logs.arn
}
```

## References
- Logging IP traffic using VPC Flow Logs: <https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html>
- Security Hub control EC2.6, VPC flow logging should be enabled in all VPCs: <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6>
- Checkov: `CKV2_AWS_11`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    // The VPCs the flow logs record, and whether one records a VPC that is not known.
    let mut recorded = Vec::new();
    let mut unknown_vpc = false;
    for log in root.resources_of("aws_flow_log") {
        // No `vpc_id`: a subnet, network interface or transit gateway flow log. A written
        // ID: a VPC this configuration does not create, since the ID of one it creates is
        // only known after apply.
        if !log.body.get("vpc_id").is_unknown() {
            continue;
        }
        // `aws_vpc.main.id` is Unknown, but the reference says which VPC it is.
        match referenced(cx, log, "vpc_id") {
            Some(vpcs) => recorded.extend(vpcs.iter().map(|v| &v.address)),
            None => unknown_vpc = true,
        }
    }
    for vpc in root.resources_of("aws_vpc") {
        let ok = if recorded.contains(&&vpc.address) {
            Some(true)
        } else if unknown_vpc {
            None
        } else {
            Some(false)
        };
        cx.expect(ok, vpc, vpc.location.span.clone(), || {
            format!("{} has no flow log", named(vpc))
        });
    }
}
