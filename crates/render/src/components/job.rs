//! A scheduled job, one module call per `[jobs.*]` table: its task definition, roles,
//! security group, EventBridge Scheduler schedule, and the failure queue and alarm that
//! catch both kinds of failed run.

use std::fmt::Write as _;

use wharf_model::{Environment, Job, Platform};

use crate::component::{Call, Component, Readme};
use crate::components::connections::connections;
use crate::components::service::{capacity_strategy, logs, statements, task, uses_account_id};
use crate::hcl::{Block, Body, Expr};
use crate::root::{by_key, ident, image_tag_variable, output};

pub struct Jobs;

/// `job_<key>`: the module call of a job.
pub(crate) fn label(key: &str) -> String {
    format!("job_{}", ident(key))
}

impl Component for Jobs {
    fn name(&self) -> &'static str {
        "job"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("job")
    }

    fn uses_account_id(&self, env: &Environment) -> bool {
        uses_account_id(env.jobs.iter().map(|j| &j.task))
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        env.jobs.iter().map(|j| call(self, p, env, j)).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.jobs.is_empty() {
            return Vec::new();
        }
        let per_job = |attr: &str| by_key(env.jobs.iter().map(|j| &j.key), label, attr);
        vec![
            output(
                "job_task_definition_families",
                "Task definition family of each scheduled job.",
                per_job("task_definition_family"),
            ),
            output(
                "job_failure_queue_urls",
                "Queue that holds each job's failed runs.",
                per_job("failure_queue_url"),
            ),
        ]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.jobs.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Scheduled jobs\n");
        let _ = writeln!(o, "EventBridge Scheduler starts each job as an ECS task on Fargate in the private subnets, with the image of its service (the same image tag variable), its own task definition, roles, log group and security group. A run that fails to start is retried, then sent to the job's failure queue; a task that stops with a non-zero exit, or cannot start, is sent there too, by an EventBridge rule on ECS task state changes. Its first message sets off an alarm. Read the queue to see what failed; the job's logs are in `/ecs/<job>`. A job runs the image its Terraform variable names: after `wharf deploy` of its service, apply with the new tag for the job to follow.\n");
        let _ = writeln!(
            o,
            "| job | schedule | image of | command | CPU units / memory MiB | retries |"
        );
        let _ = writeln!(o, "|---|---|---|---|---|---|");
        for j in &env.jobs {
            let _ = writeln!(
                o,
                "| `{}` | `{}` ({}) | `{}` | `{}` | {} / {} | {} |",
                j.task.name,
                j.schedule,
                j.timezone,
                j.service,
                j.task.command.as_deref().unwrap_or_default().join(" "),
                j.task.cpu,
                j.task.memory_mib,
                j.retries,
            );
        }
    }
}

fn call(component: &Jobs, p: &Platform, env: &Environment, j: &Job) -> Call {
    let s = &j.task;
    let db = connections(p, env, s);
    let image = &j.service;
    let body = Body::new()
        .attr("name", Expr::str(&s.name))
        .attr("container_name", Expr::str(&j.key))
        .attr("region", Expr::str(&p.region))
        .attr("cluster_arn", Expr::raw("module.cluster.cluster_arn"))
        .attr("vpc_id", Expr::raw("module.network.vpc_id"))
        .attr("subnet_ids", Expr::raw("module.network.private_subnet_ids"))
        .attr(
            "repository_arn",
            Expr::raw(format!("module.registry.repository_arns[\"{image}\"]")),
        )
        .attr(
            "repository_url",
            Expr::raw(format!("module.registry.repository_urls[\"{image}\"]")),
        )
        .attr(
            "image_tag",
            Expr::raw(format!("var.{}", image_tag_variable(image))),
        )
        .blank();
    let body = logs(task(body, s, &db), s)
        .attr_opt(
            "egress_security_groups",
            (!db.egress.is_empty()).then(|| Expr::Object(db.egress.clone())),
        )
        .blank()
        .attr("schedule_expression", Expr::str(&j.schedule))
        .attr("schedule_timezone", Expr::str(&j.timezone))
        .attr("retries", Expr::int(j.retries))
        .attr("capacity_provider_strategy", capacity_strategy(s))
        .attr("task_role_statements", statements(s, &db))
        .attr("alarm_topic_arn", Expr::raw("module.alarms.sns_topic_arn"));
    Call::new(component, &label(&j.key), body)
}
