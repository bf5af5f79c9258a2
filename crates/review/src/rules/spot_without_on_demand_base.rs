//! WH204: an ECS service on Fargate Spot with no task guaranteed on on-demand Fargate.

use wharf_terraform::{Block, Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH204",
    name: "spot-without-on-demand-base",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Give the `FARGATE` capacity provider a `base` of at least 1 in the strategy",
    doc: r#"## What it does
Reports an `aws_ecs_service` whose `capacity_provider_strategy` has a `FARGATE_SPOT` entry
and no `FARGATE` entry with a `base` above 0, so that no task is guaranteed to run on
on-demand Fargate: weights share tasks out proportionally, and with few tasks all of them
can land on Spot. A service without a strategy of its own is checked against its cluster's
`default_capacity_provider_strategy` in `aws_ecs_cluster_capacity_providers` when the
cluster is in the same configuration. Services with a `launch_type` do not use capacity
providers and are not checked.

## Why is this bad?
AWS can reclaim Fargate Spot capacity at any time, with a two-minute warning, and several
tasks or all of them can be stopped together; when Spot capacity is short, replacement
tasks wait until it comes back. A service whose tasks are all on Spot is then down. A weight on `FARGATE` does not prevent
it: with a 30/70 split and one or two tasks, every task may be a Spot task. A `base` on
`FARGATE` guarantees that many tasks on on-demand capacity, so the service keeps serving
while Spot tasks come and go. No on-demand base is a reasonable saving for development,
which is why wharf's dev profile runs that way, as a documented trade-off. Checkov
has no check for this.

## Example
```hcl
resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2

  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
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

  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 2
    weight            = 1
  }

  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}
```

## References
- AWS Fargate capacity providers, Fargate Spot interruptions: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html>
- Capacity provider strategies, `base` and `weight`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let defaults: Vec<&Resource> = root
        .resources_of("aws_ecs_cluster_capacity_providers")
        .collect();
    for service in root.resources_of("aws_ecs_service") {
        match service.body.get("launch_type") {
            Value::Null => {}
            // A launch type (not a subject), or one that might be set.
            _ => continue,
        }
        let own: Vec<&Block> = service.body.blocks("capacity_provider_strategy").collect();
        let (strategy, span, whose) = if own.is_empty() {
            match cluster_default(service, &defaults) {
                Some(d) => (
                    d.body
                        .blocks("default_capacity_provider_strategy")
                        .collect(),
                    service.location.span.clone(),
                    format!("the default strategy of {}", named(d)),
                ),
                // No strategy here nor a known cluster default: the launch type applies.
                None => continue,
            }
        } else {
            let span = own[0].span.start..own[own.len() - 1].span.end;
            (own, span, "its capacity provider strategy".to_string())
        };
        if strategy.is_empty() {
            continue;
        }
        cx.expect(
            all_on_spot(&strategy).map(|all| !all),
            service,
            span,
            || {
                format!(
                    "{} may run every task on Fargate Spot: no `FARGATE` base in {whose}",
                    named(service)
                )
            },
        );
    }
}

/// The `aws_ecs_cluster_capacity_providers` of the service's cluster, when the service
/// names it (by name or ARN) and it is known.
fn cluster_default<'r>(service: &Resource, defaults: &[&'r Resource]) -> Option<&'r Resource> {
    let cluster = service.body.get("cluster").as_str()?;
    // `cluster` takes a name or an ARN (`arn:aws:ecs:region:account:cluster/name`).
    let cluster = cluster.rsplit('/').next().unwrap_or(cluster);
    defaults
        .iter()
        .find(|d| d.body.get("cluster_name").as_str() == Some(cluster))
        .copied()
}

/// Whether every task may go to `FARGATE_SPOT`: a Spot entry and no `FARGATE` entry with a
/// `base` above 0 (it defaults to 0). None when that depends on an Unknown.
fn all_on_spot(strategy: &[&Block]) -> Option<bool> {
    let mut spot = Some(false);
    let mut on_demand = Some(false);
    for entry in strategy {
        match entry.get("capacity_provider") {
            Value::String(p) if p == "FARGATE_SPOT" => spot = Some(true),
            Value::String(p) if p == "FARGATE" => {
                let guaranteed = match entry.get("base") {
                    Value::Null => Some(false),
                    v => v.as_f64().map(|n| n >= 1.0),
                };
                match guaranteed {
                    Some(true) => on_demand = Some(true),
                    Some(false) => {}
                    None => {
                        if on_demand != Some(true) {
                            on_demand = None;
                        }
                    }
                }
            }
            Value::String(_) => {}
            // A provider that is not known might be either.
            _ => {
                if spot != Some(true) {
                    spot = None;
                }
                if on_demand != Some(true) {
                    on_demand = None;
                }
            }
        }
    }
    match (spot, on_demand) {
        (_, Some(true)) | (Some(false), _) => Some(false),
        (Some(true), Some(false)) => Some(true),
        _ => None,
    }
}
