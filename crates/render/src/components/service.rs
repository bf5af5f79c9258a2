//! An ECS service on Fargate, one module call per `[services.*]` table: its task
//! definition, roles, security group, log group and autoscaling.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use wharf_model::{
    ContainerHealthCheck, Environment, Platform, Scaling, Secret, Statement, ACCOUNT,
};
use wharf_review::rules::{
    container_health_check_missing, private_tasks_without_vpc_endpoints,
    spot_without_on_demand_base,
};

use crate::component::{Call, Component, Readme, TradeOff};
use crate::components::connections::{connections, Connections};
use crate::hcl::{quote, Block, Body, Expr, Part};
use crate::root::{arn, ident, image_tag_variable, output, shown_arn};

pub struct Service;

static SPOT_ONLY: TradeOff = TradeOff {
    rule: &spot_without_on_demand_base::RULE,
    reason: "no task is guaranteed on on-demand Fargate (FARGATE base 0), for Spot's lower \
             price; a Spot reclaim can stop every task at once",
};
static NO_CONTAINER_HEALTH_CHECK: TradeOff = TradeOff {
    rule: &container_health_check_missing::RULE,
    reason: "no container health check (the image has no wget, or no way to check itself); \
             the load balancer's check on the health path alone replaces a task that stops \
             answering",
};
static PULLS_THROUGH_NAT: TradeOff = TradeOff {
    rule: &private_tasks_without_vpc_endpoints::RULE,
    reason: "no ECR interface endpoints, so image pulls go through the NAT gateway, which \
             charges per GB processed; while few tasks start, that costs less than endpoints \
             charged by the hour in every zone",
};
static WORKER_WITHOUT_HEALTH_CHECK: TradeOff = TradeOff {
    rule: &container_health_check_missing::RULE,
    reason: "a worker without `health_check_command` has no container health check: ECS \
             replaces its task when the process exits, not when it hangs",
};
static TRADE_OFFS: [&TradeOff; 4] = [
    &SPOT_ONLY,
    &NO_CONTAINER_HEALTH_CHECK,
    &WORKER_WITHOUT_HEALTH_CHECK,
    &PULLS_THROUGH_NAT,
];

/// `service_<key>`: the module call of a service, which the alarms refer to.
pub(crate) fn label(s: &wharf_model::Service) -> String {
    label_of(&s.key)
}

/// The module call of the service with key `key`.
pub(crate) fn label_of(key: &str) -> String {
    format!("service_{}", ident(key))
}

impl Component for Service {
    fn name(&self) -> &'static str {
        "service"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("service")
    }

    fn data(&self, _p: &Platform, env: &Environment) -> Vec<Block> {
        let secrets = secret_names(env);
        if secrets.is_empty() {
            return Vec::new();
        }
        vec![Block::new(
            "data",
            &["aws_secretsmanager_secret", "this"],
            Body::new()
                .comment("Looked up by name so that tasks and IAM get the full ARN, random suffix included.")
                .attr("for_each", Expr::Call("toset".into(), vec![Expr::strs(secrets)]))
                .blank()
                .attr("name", Expr::raw("each.key")),
        )]
    }

    fn uses_account_id(&self, env: &Environment) -> bool {
        uses_account_id(env.services.iter())
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        env.services.iter().map(|s| call(p, env, s)).collect()
    }

    fn variables(&self, env: &Environment) -> Vec<Block> {
        env.services.iter().map(image_tag).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        let names = env
            .services
            .iter()
            .map(|s| {
                let value = format!("module.{}.service_name", label(s));
                (s.key.clone(), Expr::Raw(value))
            })
            .collect();
        vec![output(
            "service_names",
            "ECS service name of each service.",
            Expr::Object(names),
        )]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        services_table(&mut readme.overview, env);
        health_checks(&mut readme.choices, env);
        secrets_table(&mut readme.details, env);
        grants_table(&mut readme.details, env);
    }

    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &TRADE_OFFS
    }
}

/// Whether any of `tasks` names an ARN in the deploying account (its task role's
/// resources or its secrets), which the root then looks up.
pub(crate) fn uses_account_id<'a>(
    mut tasks: impl Iterator<Item = &'a wharf_model::Service>,
) -> bool {
    tasks.any(|s| {
        s.task_role_statements
            .iter()
            .flat_map(|st| &st.resources)
            .any(|r| r.contains(ACCOUNT))
            || s.secrets.values().any(|v| match v {
                Secret::SsmParameter { arn } | Secret::SecretsManagerArn { arn, .. } => {
                    arn.contains(ACCOUNT)
                }
                Secret::SecretsManagerName { .. } => false,
            })
    })
}

/// Secrets Manager secrets referenced by name anywhere in the environment: by its services
/// and by its jobs, whose task definitions this component's data source serves too.
fn secret_names(env: &Environment) -> BTreeSet<&str> {
    env.services
        .iter()
        .chain(env.jobs.iter().map(|j| &j.task))
        .flat_map(|s| s.secrets.values())
        .filter_map(|s| match s {
            Secret::SecretsManagerName { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// The ARN of a secret the root looks up by name.
fn secret_by_name(name: &str) -> String {
    format!("data.aws_secretsmanager_secret.this[{}].arn", quote(name))
}

fn secret_arn_expr(secret: &Secret) -> Option<Expr> {
    match secret {
        Secret::SecretsManagerName { name, .. } => Some(Expr::Raw(secret_by_name(name))),
        Secret::SecretsManagerArn { arn: a, .. } => Some(arn(a)),
        Secret::SsmParameter { .. } => None,
    }
}

fn value_from(secret: &Secret) -> Expr {
    // A JSON key is selected with `ARN:key::` (empty version stage and id = current).
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
    let suffix = |key: &Option<String>| key.as_ref().map(|k| format!(":{k}::"));
    match secret {
        Secret::SecretsManagerName { name, json_key } => {
            let mut parts = vec![Part::Ref(secret_by_name(name))];
            parts.extend(suffix(json_key).map(Part::Lit));
            Expr::Template(parts)
        }
        Secret::SecretsManagerArn { arn: a, json_key } => {
            arn(&format!("{a}{}", suffix(json_key).unwrap_or_default()))
        }
        Secret::SsmParameter { arn: a } => arn(a),
    }
}

fn statement(s: &Statement) -> Expr {
    let mut entries = vec![
        ("sid".to_string(), Expr::str(&s.sid)),
        ("actions".to_string(), Expr::strs(&s.actions)),
        (
            "resources".to_string(),
            Expr::List(s.resources.iter().map(|r| arn(r)).collect()),
        ),
    ];
    if !s.conditions.is_empty() {
        let conditions = s
            .conditions
            .iter()
            .map(|c| {
                Expr::Object(vec![
                    ("test".into(), Expr::str(&c.test)),
                    ("variable".into(), Expr::str(&c.variable)),
                    ("values".into(), Expr::strs(&c.values)),
                ])
            })
            .collect();
        entries.push(("conditions".to_string(), Expr::List(conditions)));
    }
    Expr::Object(entries)
}

/// `secrets`, `secret_arns` and `ssm_parameter_arns` of a service's module call: the
/// manifest's secrets.
fn secret_inputs(s: &wharf_model::Service) -> (Expr, Expr, Expr) {
    let secrets = Expr::Object(
        s.secrets
            .iter()
            .map(|(k, v)| (k.clone(), value_from(v)))
            .collect(),
    );
    let mut secret_arns: Vec<Expr> = Vec::new();
    for e in s.secrets.values().filter_map(secret_arn_expr) {
        if !secret_arns.contains(&e) {
            secret_arns.push(e);
        }
    }
    let ssm: Vec<Expr> = s
        .secrets
        .values()
        .filter_map(|v| match v {
            Secret::SsmParameter { arn: a } => Some(arn(a)),
            _ => None,
        })
        .collect();
    (secrets, Expr::List(secret_arns), Expr::List(ssm))
}

pub(crate) fn capacity_strategy(s: &wharf_model::Service) -> Expr {
    let c = s.capacity;
    Expr::List(vec![
        Expr::Object(vec![
            ("capacity_provider".into(), Expr::str("FARGATE")),
            ("base".into(), Expr::int(c.fargate_base)),
            ("weight".into(), Expr::int(c.fargate_weight)),
        ]),
        Expr::Object(vec![
            ("capacity_provider".into(), Expr::str("FARGATE_SPOT")),
            ("base".into(), Expr::int(0)),
            ("weight".into(), Expr::int(c.fargate_spot_weight)),
        ]),
    ])
}

/// What the service's module reads from the other components' modules.
fn wiring(p: &Platform, s: &wharf_model::Service) -> Body {
    let key = &s.key;
    let web = s.port.is_some();
    Body::new()
        .attr("name", Expr::str(&s.name))
        .attr("container_name", Expr::str(key))
        .attr("region", Expr::str(&p.region))
        .attr("cluster_arn", Expr::raw("module.cluster.cluster_arn"))
        .attr("cluster_name", Expr::raw("module.cluster.cluster_name"))
        .attr("vpc_id", Expr::raw("module.network.vpc_id"))
        .attr("subnet_ids", Expr::raw("module.network.private_subnet_ids"))
        .attr_opt(
            "alb_security_group_id",
            web.then(|| Expr::raw("module.load_balancer.security_group_id")),
        )
        .attr_opt(
            "target_group_arn",
            web.then(|| Expr::raw(format!("module.load_balancer.target_group_arns[\"{key}\"]"))),
        )
        .attr(
            "repository_arn",
            Expr::raw(format!("module.registry.repository_arns[\"{key}\"]")),
        )
        .attr(
            "repository_url",
            Expr::raw(format!("module.registry.repository_urls[\"{key}\"]")),
        )
        .attr(
            "image_tag",
            Expr::raw(format!("var.{}", image_tag_variable(&s.key))),
        )
}

/// The container's environment: the manifest's `env`, and where each bucket, queue, table,
/// topic and database the task uses is (the manifest refuses a name in both).
fn environment(s: &wharf_model::Service, db: &Connections) -> Expr {
    let mut environment: Vec<(String, Expr)> = s
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), Expr::str(v)))
        .collect();
    environment.extend(s.queues.iter().map(|q| {
        let url = format!("module.{}.url", crate::components::queue::label(q));
        (wharf_model::queue_url_variable(q), Expr::Raw(url))
    }));
    environment.extend(s.tables.iter().map(|t| {
        let name = format!("module.{}.name", crate::components::table::label(t));
        (wharf_model::table_name_variable(t), Expr::Raw(name))
    }));
    environment.extend(s.buckets.iter().map(|b| {
        let name = format!("module.{}.name", crate::components::bucket::label(b));
        (wharf_model::bucket_name_variable(b), Expr::Raw(name))
    }));
    environment.extend(s.topics.iter().map(|t| {
        let arn = format!("module.{}.arn", crate::components::topic::label(t));
        (wharf_model::topic_arn_variable(t), Expr::Raw(arn))
    }));
    environment.extend(db.environment.iter().cloned());
    environment.sort_by(|a, b| a.0.cmp(&b.0));
    Expr::Object(environment)
}

/// What a service's and a job's task definitions share: size, command, environment,
/// secrets and user.
pub(crate) fn task(body: Body, s: &wharf_model::Service, db: &Connections) -> Body {
    let (secrets, secret_arns, ssm) = secret_inputs(s);
    body.attr("cpu", Expr::int(s.cpu))
        .attr("memory", Expr::int(s.memory_mib))
        .attr_opt("command", s.command.as_ref().map(Expr::strs))
        .attr("environment", environment(s, db))
        .attr("secrets", secrets)
        .attr("secret_arns", secret_arns)
        .attr("ssm_parameter_arns", ssm)
        .attr(
            "readonly_root_filesystem",
            Expr::Bool(s.readonly_root_filesystem),
        )
        .attr("user", Expr::str(&s.user))
}

/// The task's log group: its retention and key.
pub(crate) fn logs(body: Body, s: &wharf_model::Service) -> Body {
    body.attr("log_retention_days", Expr::int(s.log_retention_days))
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
}

/// A service's task role: the model's statements and its databases'.
pub(crate) fn statements(s: &wharf_model::Service, db: &Connections) -> Expr {
    let mut statements: Vec<Expr> = s.task_role_statements.iter().map(statement).collect();
    statements.extend(db.statements.iter().cloned());
    Expr::List(statements)
}

/// A service's task definition: the task, its port and checks, its logs.
fn container(body: Body, s: &wharf_model::Service, db: &Connections) -> Body {
    let body = task(body.attr_opt("port", s.port.map(Expr::int)), s, db)
        .attr_opt(
            "health_check_path",
            s.port.is_some().then(|| Expr::str(&s.health_check_path)),
        )
        .attr_opt(
            "health_check_command",
            match &s.container_health_check {
                ContainerHealthCheck::Command(c) => Some(Expr::strs(c)),
                _ => None,
            },
        )
        .attr_opt(
            "container_health_check",
            (s.container_health_check == ContainerHealthCheck::Off).then_some(Expr::Bool(false)),
        );
    logs(body, s).attr(
        "exec_log_group_arn",
        Expr::raw("module.cluster.exec_log_group_arn"),
    )
}

fn call(p: &Platform, env: &Environment, s: &wharf_model::Service) -> Call {
    let db = connections(p, env, s);
    let body = container(wiring(p, s).blank(), s, &db)
        .attr_opt(
            "egress_security_groups",
            (!db.egress.is_empty()).then(|| Expr::Object(db.egress.clone())),
        )
        .attr_opt("egress_cidrs", egress_cidrs(s))
        .blank()
        .attr("desired_count", Expr::int(s.desired_count))
        .attr("min_count", Expr::int(s.min_count))
        .attr("max_count", Expr::int(s.max_count))
        .attr("capacity_provider_strategy", capacity_strategy(s))
        .attr_opt(
            "deployment_controller",
            s.release.blue_green().map(|_| Expr::str("CODE_DEPLOY")),
        )
        .attr_opt("queue_scaling", queue_scaling(s))
        .attr("task_role_statements", statements(s, &db));
    let c = s.capacity;
    Call::new(&Service, &label(s), body)
        .trade_off(c.fargate_base == 0 && c.fargate_spot_weight > 0, &SPOT_ONLY)
        .trade_off(
            s.container_health_check == ContainerHealthCheck::Off && s.port.is_some(),
            &NO_CONTAINER_HEALTH_CHECK,
        )
        .trade_off(
            s.container_health_check == ContainerHealthCheck::Off && s.port.is_none(),
            &WORKER_WITHOUT_HEALTH_CHECK,
        )
        .trade_off(env.network.pulls_through_nat(), &PULLS_THROUGH_NAT)
}

/// The manifest's `egress`, keyed by the rule as written (`tcp-587-0.0.0.0/0`).
fn egress_cidrs(s: &wharf_model::Service) -> Option<Expr> {
    if s.egress.is_empty() {
        return None;
    }
    let rules = s
        .egress
        .iter()
        .map(|e| {
            let key = format!("{}-{}-{}-{}", e.protocol, e.from_port, e.to_port, e.cidr);
            let rule = Expr::Object(vec![
                ("protocol".into(), Expr::str(e.protocol)),
                ("from_port".into(), Expr::int(e.from_port)),
                ("to_port".into(), Expr::int(e.to_port)),
                ("cidr_ipv4".into(), Expr::str(e.cidr.to_string())),
            ]);
            (key, rule)
        })
        .collect();
    Some(Expr::Object(rules))
}

/// A worker's queue and backlog target, which replace CPU and memory scaling.
fn queue_scaling(s: &wharf_model::Service) -> Option<Expr> {
    let Scaling::Queue {
        queue,
        messages_per_task,
    } = &s.scaling
    else {
        return None;
    };
    let name = format!("module.{}.name", crate::components::queue::label(queue));
    Some(Expr::Object(vec![
        ("queue_name".into(), Expr::Raw(name)),
        ("messages_per_task".into(), Expr::int(*messages_per_task)),
    ]))
}

fn image_tag(s: &wharf_model::Service) -> Block {
    let name = image_tag_variable(&s.key);
    Block::new(
        "variable",
        &[&name],
        Body::new()
            .attr(
                "description",
                Expr::str(format!(
                    "Image tag of the {} service to run: an immutable tag such as a git SHA or a version, never `latest`.",
                    s.key
                )),
            )
            .attr("type", Expr::raw("string"))
            .blank()
            .block(Block::new(
                "validation",
                &[],
                Body::new()
                    .attr(
                        "condition",
                        Expr::raw(format!("var.{name} != \"\" && var.{name} != \"latest\"")),
                    )
                    .attr(
                        "error_message",
                        Expr::str("Set an immutable image tag (a git SHA or a version); `latest` hides which code runs."),
                    ),
            )),
    )
}

fn route(env: &Environment, service: &str) -> String {
    let Some(t) = env
        .load_balancer
        .targets
        .iter()
        .find(|t| t.service == service)
    else {
        return "none: a worker".to_string();
    };
    if t.is_default {
        return "everything else (default)".to_string();
    }
    let mut parts: Vec<String> = t.hosts.iter().map(|h| format!("host `{h}`")).collect();
    parts.extend(t.paths.iter().map(|p| format!("`{p}`")));
    format!("{} (priority {})", parts.join(", "), t.priority)
}

fn services_table(o: &mut String, env: &Environment) {
    let _ = writeln!(o, "## Services\n");
    let _ = writeln!(o, "| service | route | CPU units / memory MiB | tasks (desired, min–max) | scales on | image tag variable |");
    let _ = writeln!(o, "|---|---|---|---|---|---|");
    for s in &env.services {
        let scales_on = match &s.scaling {
            Scaling::Utilization => "CPU and memory".to_string(),
            Scaling::Queue {
                queue,
                messages_per_task,
            } => format!("queue `{queue}`, {messages_per_task} messages per task"),
        };
        let _ = writeln!(
            o,
            "| `{}` | {} | {} / {} | {}, {}–{} | {scales_on} | `{}` |",
            s.name,
            route(env, &s.key),
            s.cpu,
            s.memory_mib,
            s.desired_count,
            s.min_count,
            s.max_count,
            image_tag_variable(&s.key)
        );
    }
    if env
        .services
        .iter()
        .any(|s| matches!(s.scaling, Scaling::Queue { .. }))
    {
        let _ = writeln!(o, "\nA worker that scales on a queue keeps about its messages per task waiting or in hand for each running task (target tracking on the queue's visible and in-flight messages divided by Container Insights' running task count, so that tasks still busy are not stopped), down to its minimum once the queue is drained. At zero tasks there is nothing to divide by, so an alarm on messages waiting while no task runs starts the first task, and the tracking takes over from there.");
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
            ContainerHealthCheck::Off if s.port.is_none() => {
                let _ = writeln!(
                    o,
                    "- **Worker `{}` has no container health check**: ECS replaces a task whose process exits, but not one that hangs. Set `health_check_command` for the worker to check itself.",
                    s.key
                );
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

fn secrets_table(o: &mut String, env: &Environment) {
    let mut rows = Vec::new();
    for s in &env.services {
        for (var, src) in &s.secrets {
            let from = match src {
                Secret::SecretsManagerName { name, json_key }
                | Secret::SecretsManagerArn {
                    arn: name,
                    json_key,
                } => match json_key {
                    Some(k) => format!("Secrets Manager `{name}`, JSON key `{k}`"),
                    None => format!("Secrets Manager `{name}`"),
                },
                Secret::SsmParameter { arn } => format!("SSM parameter `{}`", shown_arn(arn)),
            };
            rows.push(format!("| `{}` | `{var}` | {from} |", s.key));
        }
    }
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n## Secrets\n");
    let _ = writeln!(o, "Tasks read these when they start; the values never pass through Terraform. Create them before the first apply.\n");
    let _ = writeln!(o, "| service | variable | read from |");
    let _ = writeln!(o, "|---|---|---|");
    for row in rows {
        let _ = writeln!(o, "{row}");
    }
}

fn grant_row(s: &wharf_model::Service, st: &Statement) -> String {
    let quoted = |items: &mut dyn Iterator<Item = String>| {
        items
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let conditions: String = st
        .conditions
        .iter()
        .map(|c| {
            format!(
                " when `{}` {} `{}`",
                c.variable,
                c.test,
                c.values.join("`, `")
            )
        })
        .collect();
    format!(
        "| `{}` | {} | {}{conditions} |",
        s.key,
        quoted(&mut st.actions.iter().cloned()),
        quoted(&mut st.resources.iter().map(|r| shown_arn(r))),
    )
}

fn grants_table(o: &mut String, env: &Environment) {
    // A job's task role is a service's, under the job's key.
    let tasks = env.services.iter().chain(env.jobs.iter().map(|j| &j.task));
    let mut rows: Vec<String> = tasks
        .flat_map(|s| {
            s.task_role_statements
                .iter()
                .map(move |st| grant_row(s, st))
        })
        .collect();
    // The manifest's `egress`: reaching addresses outside the VPC besides TCP 443.
    rows.extend(env.services.iter().flat_map(|s| {
        s.egress.iter().map(move |e| {
            let ports = if e.from_port == e.to_port {
                e.from_port.to_string()
            } else {
                format!("{}–{}", e.from_port, e.to_port)
            };
            format!(
                "| `{}` | connect out over {} {ports} (`egress`) | `{}` |",
                s.key,
                e.protocol.to_ascii_uppercase(),
                e.cidr
            )
        })
    }));
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n## What the services may do\n");
    let _ = writeln!(o, "Each task role allows only what the manifest's `grants` and `uses` ask for (plus the ECS Exec channel); a job's is its own.\n");
    let _ = writeln!(o, "| service or job | actions | on |");
    let _ = writeln!(o, "|---|---|---|");
    for row in rows {
        let _ = writeln!(o, "{row}");
    }
}
