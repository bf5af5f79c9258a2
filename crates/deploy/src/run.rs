//! `wharf run`: a one-off task (a migration, a console command) with a service's task
//! definition, network, roles and capacity; waits for it and returns its exit code.

use crate::aws::{Aws, RunTask};
use crate::clock::Clock;
use crate::deploy::{pick_container, service, short, Wait};
use crate::progress::{duration, Progress};
use crate::{Error, Target};

pub struct RunRequest<'a> {
    pub target: &'a Target,
    pub container: Option<&'a str>,
    pub command: &'a [String],
    /// `None`: start the task and return (exit code 0).
    pub wait: Option<Wait>,
    /// Unique per invocation; makes a retried `ecs:RunTask` start one task.
    pub client_token: String,
}

/// The exit code: the container's, or 1 when it did not run to an exit code.
pub fn run(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    request: &RunRequest<'_>,
) -> Result<i32, Error> {
    if request.command.is_empty() {
        return Err(Error::new("no command to run")
            .with_help("put it after `--`: wharf run --env prod --service api -- ./migrate up"));
    }
    let target = request.target;
    let svc = service(aws, target)?;
    let td = aws.describe_task_definition(&svc.task_definition)?;
    let container = pick_container(&svc, &td, request.container)?;
    let task = aws.run_task(&RunTask {
        cluster: target.cluster.clone(),
        task_definition: td.arn.clone(),
        container: container.name.clone(),
        command: request.command.to_vec(),
        network: svc.network.clone(),
        launch_type: svc.launch_type.clone(),
        capacity_provider_strategy: svc.capacity_provider_strategy.clone(),
        platform_version: svc.platform_version.clone(),
        started_by: "wharf-run".to_string(),
        client_token: request.client_token.clone(),
    })?;
    let id = task.rsplit('/').next().unwrap_or(&task).to_string();
    out.line(&format!(
        "Started task {id} of {} in cluster {} (container {}).",
        td.name(),
        target.cluster,
        container.name
    ));
    let Some(wait) = request.wait else {
        out.line("Not waiting (--no-wait).");
        return Ok(0);
    };
    let start = clock.elapsed();
    loop {
        let elapsed = clock.elapsed() - start;
        let Some(t) = aws.describe_task(&target.cluster, &task)? else {
            return Err(Error::new(format!(
                "task {id} is no longer known to ECS (ecs:DescribeTasks)"
            ))
            .with_help(
                "stopped tasks are listed for about an hour; check the service's log group",
            ));
        };
        out.status(
            &t.last_status,
            &format!("  task {id}: {}  ({})", t.last_status, duration(elapsed)),
        );
        if t.last_status == "STOPPED" {
            out.clear();
            let exit = t
                .containers
                .iter()
                .find(|c| c.name == container.name)
                .and_then(|c| c.exit_code);
            return Ok(match exit {
                Some(code) => {
                    out.line(&format!(
                        "Task {id} stopped after {}: `{}` exited with {code}.",
                        duration(elapsed),
                        request.command.join(" ")
                    ));
                    code
                }
                None => {
                    let reason = t
                        .containers
                        .iter()
                        .find_map(|c| c.reason.clone())
                        .or(t.stopped_reason.clone())
                        .unwrap_or_else(|| "no reason given".to_string());
                    out.line(&format!(
                        "Task {id} stopped before `{}` ran to an end: {reason}",
                        request.command.join(" ")
                    ));
                    1
                }
            });
        }
        if elapsed >= wait.timeout {
            out.clear();
            out.line(&format!(
                "Task {id} of {} is still {} after {}; it keeps running. Stop it with `aws ecs stop-task --cluster {} --task {id}` if it must not finish.",
                short(&td.arn),
                t.last_status,
                duration(wait.timeout),
                target.cluster
            ));
            return Ok(1);
        }
        clock.sleep(wait.poll.min(wait.timeout - elapsed));
    }
}
