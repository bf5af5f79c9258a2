//! The README of each environment root: what runs there, the trade-offs its profile makes,
//! and how to apply it.

use std::fmt::Write as _;

use wharf_model::{ContainerHealthCheck, Environment, Platform, Secret};
use wharf_prices::{PriceTable, HOURS_PER_MONTH};

use crate::root::image_tag_variable;

fn route(env: &Environment, service: &str) -> String {
    let Some(t) = env
        .load_balancer
        .targets
        .iter()
        .find(|t| t.service == service)
    else {
        return String::new();
    };
    if t.is_default {
        return "everything else (default)".to_string();
    }
    let mut parts: Vec<String> = t.hosts.iter().map(|h| format!("host `{h}`")).collect();
    parts.extend(t.paths.iter().map(|p| format!("`{p}`")));
    format!("{} (priority {})", parts.join(", "), t.priority)
}

pub fn readme(p: &Platform, env: &Environment, header: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "<!-- {header} -->");
    let _ = writeln!(o, "# {} — {}\n", p.app, env.name);
    let _ = writeln!(
        o,
        "Profile **{}** in `{}`. Terraform state: `s3://{}/{}/terraform.tfstate`, encrypted, with S3-native locking.\n",
        env.profile.as_str(),
        p.region,
        p.state_bucket,
        env.name
    );

    let _ = writeln!(o, "## Services\n");
    let _ = writeln!(o, "| service | route | CPU units / memory MiB | tasks (desired, min–max) | image tag variable |");
    let _ = writeln!(o, "|---|---|---|---|---|");
    for s in &env.services {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} / {} | {}, {}–{} | `{}` |",
            s.name,
            route(env, &s.key),
            s.cpu,
            s.memory_mib,
            s.desired_count,
            s.min_count,
            s.max_count,
            image_tag_variable(s)
        );
    }

    let _ = writeln!(o, "\n## Choices this environment makes\n");
    let n = &env.network;
    if n.single_nat_gateway {
        let _ = writeln!(
            o,
            "- **One NAT gateway** for the {} Availability Zones ({}). Cheaper, but if its AZ fails, tasks in the other AZs lose outbound internet access{}.",
            n.zone_ids.len(),
            n.zone_ids.join(", "),
            if n.interface_endpoints.is_empty() {
                ", and with it their image pulls and logs"
            } else {
                " (AWS APIs they reach through VPC endpoints keep working)"
            }
        );
    } else {
        let _ = writeln!(o, "- **A NAT gateway in each of the {} Availability Zones** ({}), so an AZ failure does not cut the others off.", n.zone_ids.len(), n.zone_ids.join(", "));
    }
    endpoints(&mut o, p, env);
    health_checks(&mut o, env);
    let c = env.cluster.capacity;
    let base = match c.fargate_base {
        0 => "no task is guaranteed on-demand capacity: each service's tasks".to_string(),
        1 => "the first task of each service runs on on-demand FARGATE; the rest".to_string(),
        n => format!("the first {n} tasks of each service run on on-demand FARGATE; the rest"),
    };
    let _ = writeln!(
        o,
        "- **Capacity**: {base} are split FARGATE {} : FARGATE_SPOT {}. Spot tasks cost up to 70% less and can be stopped with two minutes' notice.",
        c.fargate_weight, c.fargate_spot_weight
    );
    match &env.load_balancer.certificate_arn {
        Some(_) => {
            let _ = writeln!(o, "- **HTTPS** on port 443 with the `ELBSecurityPolicy-TLS13-1-2-2021-06` policy (TLS 1.3 and 1.2 only); HTTP on port 80 redirects to HTTPS.");
        }
        None => {
            let _ = writeln!(o, "- **Plain HTTP only.** This environment has no `certificate_arn`, so the load balancer forwards HTTP on port 80 and nothing is encrypted in transit. Set `certificate_arn` for this environment in the manifest to serve HTTPS and redirect HTTP.");
        }
    }
    match env.load_balancer.waf {
        Some(limit) => {
            let _ = writeln!(o, "- **AWS WAF** in front of the load balancer: AWS managed rules (common, known bad inputs, IP reputation) and a limit of {limit} requests per IP address per 5 minutes.");
        }
        None => {
            let _ = writeln!(
                o,
                "- **No AWS WAF** in front of the load balancer (set `waf = true` to add one)."
            );
        }
    }
    let _ = writeln!(
        o,
        "- **Logs** kept {} days (service logs and VPC flow logs); ALB access logs kept {} days.",
        n.flow_log_retention_days, env.load_balancer.access_logs_retention_days
    );
    let _ = writeln!(
        o,
        "- **ECR**: {} encryption, immutable tags, scan on push, the last {} images kept{}.",
        env.registry.encryption.as_str(),
        env.registry.images_to_keep,
        if env.registry.force_delete {
            "; `terraform destroy` deletes repositories with their images"
        } else {
            ""
        }
    );
    let _ = writeln!(
        o,
        "- **Load balancer deletion protection** {}.",
        if env.load_balancer.deletion_protection {
            "on: turn it off in the manifest before destroying"
        } else {
            "off"
        }
    );
    let a = &env.alarms;
    let _ = writeln!(
        o,
        "- **Alarms** on CPU above {}%, memory above {}%, running tasks below the minimum, unhealthy targets, more than {} target 5XX responses in 5 minutes, and p95 response time above {} s; they notify an encrypted SNS topic{}.",
        a.cpu_percent,
        a.memory_percent,
        a.target_5xx_count,
        a.response_time_seconds,
        match &a.alerts_email {
            Some(e) => format!(" that emails `{e}` (confirm the subscription email AWS sends)"),
            None => " with no subscriber: set `alerts_email` to be told".to_string(),
        }
    );

    let secrets: Vec<(String, String, String)> = env
        .services
        .iter()
        .flat_map(|s| {
            s.secrets.iter().map(move |(var, src)| {
                let from = match src {
                    Secret::SecretsManagerName { name, json_key }
                    | Secret::SecretsManagerArn {
                        arn: name,
                        json_key,
                    } => match json_key {
                        Some(k) => format!("Secrets Manager `{name}`, JSON key `{k}`"),
                        None => format!("Secrets Manager `{name}`"),
                    },
                    Secret::SsmParameter { arn } => format!(
                        "SSM parameter `{}`",
                        arn.replace(wharf_model::ACCOUNT, "ACCOUNT")
                    ),
                };
                (s.key.clone(), var.clone(), from)
            })
        })
        .collect();
    if !secrets.is_empty() {
        let _ = writeln!(o, "\n## Secrets\n");
        let _ = writeln!(o, "Tasks read these when they start; the values never pass through Terraform. Create them before the first apply.\n");
        let _ = writeln!(o, "| service | variable | read from |");
        let _ = writeln!(o, "|---|---|---|");
        for (svc, var, from) in secrets {
            let _ = writeln!(o, "| `{svc}` | `{var}` | {from} |");
        }
    }

    let granted: Vec<String> = env
        .services
        .iter()
        .flat_map(|s| {
            s.task_role_statements.iter().map(move |st| {
                format!(
                    "| `{}` | {} | {} |",
                    s.key,
                    st.actions
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    st.resources
                        .iter()
                        .map(|r| format!("`{}`", r.replace(wharf_model::ACCOUNT, "ACCOUNT")))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + &st
                            .conditions
                            .iter()
                            .map(|c| format!(
                                " when `{}` {} `{}`",
                                c.variable,
                                c.test,
                                c.values.join("`, `")
                            ))
                            .collect::<String>()
                )
            })
        })
        .collect();
    if !granted.is_empty() {
        let _ = writeln!(o, "\n## What the services may do\n");
        let _ = writeln!(o, "Each task role allows only what the manifest's `grants` ask for (plus the ECS Exec channel).\n");
        let _ = writeln!(o, "| service | actions | on |");
        let _ = writeln!(o, "|---|---|---|");
        for line in granted {
            let _ = writeln!(o, "{line}");
        }
    }

    let _ = writeln!(o, "\n## Apply\n");
    let _ = writeln!(
        o,
        "The state bucket `{}` must exist (versioned, encrypted) before `terraform init`.\n",
        p.state_bucket
    );
    let _ = writeln!(o, "```sh");
    let _ = writeln!(o, "terraform init");
    let vars: Vec<String> = env
        .services
        .iter()
        .map(|s| format!("-var {}=<tag>", image_tag_variable(s)))
        .collect();
    let _ = writeln!(o, "terraform apply {}", vars.join(" "));
    let _ = writeln!(o, "```");

    let first = env.services.first().map_or("SERVICE", |s| s.key.as_str());
    let _ = writeln!(
        o,
        "\n## Releases: `terraform apply` and `wharf deploy`
"
    );
    let _ = writeln!(
        o,
        "Terraform builds the platform and owns each task definition's shape: CPU, memory, environment, secrets, roles, ports. The image tag variables above give the first release only. After that, `wharf deploy` ships images:\n"
    );
    let _ = writeln!(o, "```sh");
    let _ = writeln!(
        o,
        "wharf deploy --env {} --service {first} --image-tag <tag>   # waits; rolls back on failure",
        env.name
    );
    let _ = writeln!(o, "wharf status --env {}", env.name);
    let _ = writeln!(o, "wharf rollback --env {} --service {first}", env.name);
    let _ = writeln!(o, "```\n");
    let _ = writeln!(
        o,
        "It registers a revision that differs from the newest one only in the image, points the service at it and follows the rollout. The services ignore changes to `task_definition`, so a later `terraform apply` never puts an old revision back. When you change the task definition's shape in the manifest, `terraform apply` registers a new revision without deploying it; the next `wharf deploy` takes it as its base and rolls it out with the new image."
    );
    o
}

/// Dollars as the READMEs show them: cents, or the price's own precision when it is a
/// fraction of a cent more (`$0.045`).
fn usd(x: f64) -> String {
    let cents = format!("{x:.2}");
    if (cents.parse::<f64>().unwrap_or(x) - x).abs() < 1e-9 {
        return format!("${cents}");
    }
    let fine = format!("{x:.4}");
    format!("${}", fine.trim_end_matches('0'))
}

/// Which interface endpoints the environment has, what each costs a month in its zones,
/// and how much traffic to its service makes it cheaper than the NAT gateway. Prices come
/// from the bundled table; in a Region it does not price, the README says so.
fn endpoints(o: &mut String, p: &Platform, env: &Environment) {
    let n = &env.network;
    let zones = n.zone_ids.len();
    let prices = PriceTable::bundled();
    let rate = |key: &str| prices.get(&p.region, key).map(|x| x.usd);
    let (hour, gb, nat_gb) = (
        rate("vpc_endpoint.interface.az_hour"),
        rate("vpc_endpoint.interface.gb_processed"),
        rate("nat_gateway.gb_processed"),
    );
    let month = hour.map(|h| h * HOURS_PER_MONTH * zones as f64);
    let economics = match (month, gb, nat_gb) {
        (Some(m), Some(gb), Some(nat)) if nat > gb => format!(
            "Each endpoint costs {} a month in the {zones} zones ({} per zone-hour) plus {} per GB; the NAT gateway charges {} per GB it processes, so an endpoint is cheaper once its service's traffic passes about {:.0} GB a month (list prices in {}).",
            usd(m),
            usd(m / HOURS_PER_MONTH / zones as f64),
            usd(gb),
            usd(nat),
            m / (nat - gb),
            p.region
        ),
        _ => format!(
            "wharf's price table has no endpoint or NAT prices for {}; `wharf cost --env {}` lists what it prices.",
            p.region, env.name
        ),
    };
    if n.interface_endpoints.is_empty() {
        let _ = writeln!(
            o,
            "- **No interface VPC endpoints**: image pulls, logs and secrets reach AWS through the NAT gateway (S3, and so ECR's image layers, through the free gateway endpoint). {economics} Add them with `interface_endpoints = [{}]` on this environment.",
            n.used_endpoints
                .iter()
                .map(|e| format!("\"{e}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return;
    }
    let names: Vec<String> = n
        .interface_endpoints
        .iter()
        .map(|e| format!("`{e}`"))
        .collect();
    let _ = writeln!(
        o,
        "- **Interface VPC endpoints** for {} keep that traffic off the NAT gateway and on the AWS network. {economics}{}",
        names.join(", "),
        match month {
            Some(m) => format!(
                " These {} cost {} a month together.",
                n.interface_endpoints.len(),
                usd(m * n.interface_endpoints.len() as f64)
            ),
            None => String::new(),
        }
    );
    if n.pulls_through_nat() {
        let _ = writeln!(
            o,
            "  Image pulls still go through the NAT gateway: `ecr.api` and `ecr.dkr` are not both listed."
        );
    }
}

/// How each service's health is checked inside the container, and what the image must have.
fn health_checks(o: &mut String, env: &Environment) {
    let wget: Vec<String> = env
        .services
        .iter()
        .filter(|s| s.container_health_check == ContainerHealthCheck::Wget)
        .map(|s| format!("`{}`", s.key))
        .collect();
    if !wget.is_empty() {
        let _ = writeln!(
            o,
            "- **Container health checks** of {} run `wget` on the health check path inside the container, so the image must have `wget`: Alpine and other busybox images do; Debian slim (`python:*-slim`, `node:*-slim`) and distroless images do not. For those, set `health_check_command` (ECS's form, e.g. `[\"CMD\", \"python\", \"-c\", \"…\"]`) or `container_health_check = false` on the service.",
            wget.join(", ")
        );
    }
    for s in &env.services {
        match &s.container_health_check {
            ContainerHealthCheck::Wget => {}
            ContainerHealthCheck::Command(c) => {
                let _ = writeln!(o, "- **`{}` checks itself** with `{}`.", s.key, c.join(" "));
            }
            ContainerHealthCheck::Off => {
                let _ = writeln!(
                    o,
                    "- **`{}` has no container health check**: only the load balancer's check on `{}` decides that a task is unhealthy and replaces it; a task that is up but not serving still counts as running for ECS until then.",
                    s.key, s.health_check_path
                );
            }
        }
    }
}
