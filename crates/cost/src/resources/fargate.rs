//! ECS services on Fargate: the task size times the running tasks, split between on-demand
//! and Spot the way ECS places them, for the CPU architecture of the task definition.
//! <https://aws.amazon.com/fargate/pricing/>

use wharf_terraform::{Block, Resource, Value};

use crate::pricer::{plural, trim, Charge, Pricer, HOURS_PER_MONTH};

/// Ephemeral storage each task gets without charge, GiB.
const INCLUDED_STORAGE_GB: f64 = 20.0;

pub fn service(p: &mut Pricer<'_>, r: &Resource) {
    let strategy = match strategy(p, r) {
        Ok(s) => s,
        Err(why) => return p.unpriced(r, "tasks", &why),
    };
    let Some(task) = task_definition(p, r) else {
        return p.unpriced(
            r,
            "tasks",
            "its task definition is not known (no `aws_ecs_task_definition` of this root module is referenced)",
        );
    };
    let (Some(cpu), Some(memory)) = (
        task.body.get("cpu").as_f64(),
        task.body.get("memory").as_f64(),
    ) else {
        return p.unpriced(
            r,
            "tasks",
            &format!(
                "the task size (`cpu`, `memory`) of `{}` is not known",
                task.address
            ),
        );
    };
    let arch = match task
        .body
        .block("runtime_platform")
        .map(|b| (b.get("cpu_architecture"), b.get("operating_system_family")))
    {
        None => "x86",
        Some((arch, os)) => {
            if let Value::String(os) = os {
                if os != "LINUX" {
                    return p.unpriced(
                        r,
                        "tasks",
                        &format!("`{os}` tasks are not in the price table"),
                    );
                }
            }
            match arch {
                Value::Null => "x86",
                Value::String(a) if a == "X86_64" => "x86",
                Value::String(a) if a == "ARM64" => "arm",
                _ => return p.unpriced(r, "tasks", "the task's CPU architecture is not known"),
            }
        }
    };
    let (tasks, count_note) = match task_count(p, r) {
        Ok(t) => t,
        Err(why) => return p.unpriced(r, "tasks", &why),
    };
    let placed = place(tasks, &strategy);
    let on_demand: f64 = placed
        .iter()
        .filter(|(cp, _)| cp == "FARGATE")
        .map(|(_, n)| n)
        .sum();
    let spot: f64 = placed
        .iter()
        .filter(|(cp, _)| cp == "FARGATE_SPOT")
        .map(|(_, n)| n)
        .sum();
    let other: Vec<&str> = placed
        .iter()
        .filter(|(cp, n)| cp != "FARGATE" && cp != "FARGATE_SPOT" && *n > 0.0)
        .map(|(cp, _)| cp.as_str())
        .collect();

    let vcpu = cpu / 1024.0;
    let gb = memory / 1024.0;
    let size = format!("{} vCPU, {} GB", trim(vcpu), trim(gb));
    let split = if spot > 0.0 && on_demand > 0.0 {
        format!(
            "; {} on FARGATE, {} on FARGATE_SPOT",
            trim(on_demand),
            trim(spot)
        )
    } else {
        String::new()
    };
    let note = format!("{count_note} of {size}{split}");
    let arch_name = if arch == "arm" { "ARM" } else { "x86" };
    if on_demand > 0.0 {
        p.fixed(
            r,
            Charge::new(
                &format!("Fargate vCPU ({arch_name}, on-demand)"),
                "vCPU-hours",
                &format!("fargate.{arch}.vcpu_hour"),
            )
            .note(note.clone()),
            on_demand * vcpu * HOURS_PER_MONTH,
        );
        p.fixed(
            r,
            Charge::new(
                &format!("Fargate memory ({arch_name}, on-demand)"),
                "GB-hours",
                &format!("fargate.{arch}.gb_hour"),
            ),
            on_demand * gb * HOURS_PER_MONTH,
        );
    }
    if spot > 0.0 {
        match p.price("fargate.spot.discount") {
            Some(discount) => {
                let off = format!("{:.0}", discount * 100.0);
                let spot_note = if on_demand > 0.0 {
                    format!("Spot prices float: up to {off}% off on-demand")
                } else {
                    format!("{note}; Spot prices float: up to {off}% off on-demand")
                };
                p.fixed(
                    r,
                    Charge::new(
                        &format!("Fargate vCPU ({arch_name}, Spot)"),
                        "vCPU-hours",
                        &format!("fargate.{arch}.vcpu_hour"),
                    )
                    .times(1.0 - discount)
                    .note(spot_note),
                    spot * vcpu * HOURS_PER_MONTH,
                );
                p.fixed(
                    r,
                    Charge::new(
                        &format!("Fargate memory ({arch_name}, Spot)"),
                        "GB-hours",
                        &format!("fargate.{arch}.gb_hour"),
                    )
                    .times(1.0 - discount),
                    spot * gb * HOURS_PER_MONTH,
                );
            }
            None => p.unpriced(
                r,
                "Fargate Spot tasks",
                &format!("the price table has no Spot discount in {}", p.region),
            ),
        }
    }
    if !other.is_empty() {
        p.unpriced(
            r,
            "tasks on other capacity providers",
            &format!(
                "tasks on {} run on EC2 instances, which wharf does not price",
                other.join(", ")
            ),
        );
    }
    let fargate_tasks = on_demand + spot;
    if super::release::is_blue_green(r) && fargate_tasks > 0.0 {
        super::release::extra_tasks(p, r, arch, fargate_tasks, vcpu, gb);
    }
    let storage = task
        .body
        .block("ephemeral_storage")
        .and_then(|b| b.get("size_in_gib").as_f64())
        .unwrap_or(INCLUDED_STORAGE_GB);
    if storage > INCLUDED_STORAGE_GB && fargate_tasks > 0.0 {
        p.fixed(
            r,
            Charge::new(
                "ephemeral storage beyond 20 GB",
                "GB-hours",
                "fargate.ephemeral_storage.gb_hour",
            )
            .note(format!("{} GB a task", trim(storage))),
            fargate_tasks * (storage - INCLUDED_STORAGE_GB) * HOURS_PER_MONTH,
        );
    }
    let public = r
        .body
        .block("network_configuration")
        .map(|n| n.get("assign_public_ip").as_bool());
    if public == Some(Some(true)) && fargate_tasks > 0.0 {
        p.fixed(
            r,
            Charge::new("task public IPv4 addresses", "IP-hours", "public_ipv4.hour"),
            fargate_tasks * HOURS_PER_MONTH,
        );
    }
}

/// The service's capacity provider strategy as (provider, base, weight): its own, its
/// launch type, or its cluster's default strategy.
fn strategy(p: &Pricer<'_>, r: &Resource) -> Result<Vec<(String, f64, f64)>, String> {
    match r.body.get("launch_type") {
        Value::String(t) if t == "FARGATE" => return Ok(vec![("FARGATE".into(), 0.0, 1.0)]),
        Value::String(t) => {
            return Err(format!(
                "the `{t}` launch type runs on instances wharf does not price"
            ))
        }
        Value::Null => {}
        _ => return Err("the launch type is not known".into()),
    }
    let own: Vec<&Block> = r.body.blocks("capacity_provider_strategy").collect();
    let blocks = if own.is_empty() {
        cluster_default(p, r)
    } else {
        own
    };
    if blocks.is_empty() {
        return Err(
            "it has no launch type or capacity provider strategy, and no cluster default strategy was found: ECS then uses the EC2 launch type".into(),
        );
    }
    blocks
        .iter()
        .map(|b| {
            let provider = b
                .get("capacity_provider")
                .as_str()
                .ok_or("a capacity provider's name is not known")?;
            let number = |name: &str| match b.get(name) {
                Value::Null => Ok(0.0),
                v => v
                    .as_f64()
                    .ok_or(format!("the `{name}` of {provider} is not known")),
            };
            Ok((provider.to_string(), number("base")?, number("weight")?))
        })
        .collect()
}

/// The default strategy of the service's cluster: the `aws_ecs_cluster_capacity_providers`
/// of the cluster the service refers to, or the root's only one.
fn cluster_default<'a>(p: &Pricer<'a>, r: &Resource) -> Vec<&'a Block> {
    let all: Vec<&Resource> = p
        .root
        .resources_of("aws_ecs_cluster_capacity_providers")
        .collect();
    let cluster = p.referenced(r, "cluster", "aws_ecs_cluster");
    let chosen = match cluster {
        Some(c) => all
            .iter()
            .find(|cp| cp.refers_to("cluster_name", c))
            .copied(),
        None if all.len() == 1 => all.first().copied(),
        None => None,
    };
    chosen.map_or_else(Vec::new, |cp| {
        cp.body
            .blocks("default_capacity_provider_strategy")
            .collect()
    })
}

/// The task definition the service runs: the one its `task_definition` refers to, or the
/// one whose family it names.
fn task_definition<'a>(p: &Pricer<'a>, r: &Resource) -> Option<&'a Resource> {
    if let Some(t) = p.referenced(r, "task_definition", "aws_ecs_task_definition") {
        return Some(t);
    }
    let family = r.body.get("task_definition").as_str()?;
    let family = family.rsplit('/').next()?.split(':').next()?;
    p.root
        .resources_of("aws_ecs_task_definition")
        .find(|t| t.body.get("family").as_str() == Some(family))
}

/// How many tasks run: `desired_count`, or the Application Auto Scaling minimum when the
/// service leaves the count to it (`ignore_changes = [desired_count]`).
fn task_count(p: &Pricer<'_>, r: &Resource) -> Result<(f64, String), String> {
    let ignored = r.body.block("lifecycle").is_some_and(|l| {
        l.get("ignore_changes")
            .as_list()
            .is_some_and(|names| names.iter().any(|n| n.as_str() == Some("desired_count")))
            || l.get("ignore_changes").as_str() == Some("all")
    });
    let target = p
        .referring("aws_appautoscaling_target", "resource_id", r)
        .into_iter()
        .find(|t| t.body.get("scalable_dimension").as_str() == Some("ecs:service:DesiredCount"));
    if ignored {
        if let Some(t) = target {
            return match t.body.get("min_capacity").as_f64() {
                Some(min) => Ok((
                    min,
                    format!(
                        "{} task{} (the autoscaling minimum)",
                        trim(min),
                        plural(min)
                    ),
                )),
                None => Err("the autoscaling minimum (`min_capacity`) is not known".into()),
            };
        }
    }
    // The provider's default desired count is 0.
    let desired = match r.body.get("desired_count") {
        Value::Null => 0.0,
        v => v.as_f64().ok_or("the desired task count is not known")?,
    };
    Ok((
        desired,
        format!("{} task{}", trim(desired), plural(desired)),
    ))
}

/// Where ECS places `tasks` tasks: each provider's `base` first, then the rest in
/// proportion to the weights. Fractions are kept: the estimate is of the long-run split.
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html>
pub(crate) fn place(tasks: f64, strategy: &[(String, f64, f64)]) -> Vec<(String, f64)> {
    let mut placed: Vec<(String, f64)> = strategy
        .iter()
        .map(|(cp, _, _)| (cp.clone(), 0.0))
        .collect();
    let mut remaining = tasks;
    for (i, (_, base, _)) in strategy.iter().enumerate() {
        let take = base.min(remaining).max(0.0);
        placed[i].1 += take;
        remaining -= take;
    }
    let total_weight: f64 = strategy.iter().map(|(_, _, w)| w.max(0.0)).sum();
    if remaining > 0.0 {
        if total_weight > 0.0 {
            for (i, (_, _, weight)) in strategy.iter().enumerate() {
                placed[i].1 += remaining * weight.max(0.0) / total_weight;
            }
        } else if let Some(first) = placed.first_mut() {
            first.1 += remaining;
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(items: &[(&str, f64, f64)]) -> Vec<(String, f64, f64)> {
        items
            .iter()
            .map(|(c, b, w)| (c.to_string(), *b, *w))
            .collect()
    }

    #[test]
    fn base_first_then_weights() {
        // 5 tasks, FARGATE base 2 weight 60, FARGATE_SPOT weight 40: 2 + 3 × 0.6 = 3.8
        // on-demand, 3 × 0.4 = 1.2 on Spot.
        let s = strategy(&[("FARGATE", 2.0, 60.0), ("FARGATE_SPOT", 0.0, 40.0)]);
        let placed = place(5.0, &s);
        assert!((placed[0].1 - 3.8).abs() < 1e-9);
        assert!((placed[1].1 - 1.2).abs() < 1e-9);
        // Fewer tasks than the base: all on the base's provider.
        let placed = place(1.0, &s);
        assert_eq!((placed[0].1, placed[1].1), (1.0, 0.0));
    }
}
