//! The check of a blue/green release on the test listener. A deployment group whose ready
//! option is `STOP_DEPLOYMENT` holds a release once its new tasks are up and on the test
//! listener (`Ready`); `wharf render` gives such a service a check task definition, the
//! service's family with `-test`, whose container asks the test listener for the
//! manifest's `test_path` with curl. wharf runs it in the service's subnets, in the
//! security group its tag names, and continues the release only when it exits 0; on
//! anything else it stops the release with rollback, before any production traffic moved.
//! <https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ContinueDeployment.html>

use std::time::Duration;

use crate::aws::{Aws, Network, RunTask, Service, TaskDefinition};
use crate::clock::Clock;
use crate::progress::{duration, Progress};
use crate::{Error, Target};

/// What the check task definition of a service is called: its family with this added.
pub const FAMILY_SUFFIX: &str = "-test";

/// The tag of the check task definition that names the check's security group.
pub const SECURITY_GROUP_TAG: &str = "wharf:security-group";

/// How long before the end of CodeDeploy's hold wharf gives up on a check that has not
/// ended.
const GIVE_UP_BEFORE: Duration = Duration::from_secs(60);

/// A service's release check, read before the release starts.
#[derive(Debug, Clone)]
pub struct ReleaseCheck {
    pub task_definition: TaskDefinition,
    pub container: String,
    /// The URL the check asks for, when the container's last argument is one.
    pub url: Option<String>,
    pub cluster: String,
    pub network: Network,
    /// How long CodeDeploy holds a ready release before it stops it itself.
    pub ready_wait: Duration,
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed(String),
}

/// The check of `svc`'s releases, when its deployment group holds them for one
/// (`ready_wait_minutes`) and the check task definition exists. `Ok(None)` when the group
/// moves traffic at once, or holds releases for someone else to continue.
pub(crate) fn find(
    aws: &dyn Aws,
    target: &Target,
    svc: &Service,
    ready_wait_minutes: Option<u32>,
) -> Result<Option<ReleaseCheck>, Error> {
    let Some(minutes) = ready_wait_minutes else {
        return Ok(None);
    };
    let service = target.service.rsplit('/').next().unwrap_or(&target.service);
    let family = format!("{service}{FAMILY_SUFFIX}");
    let td = match aws.describe_task_definition(&family) {
        Ok(td) => td,
        // ECS's answer for a family with no active revision.
        Err(e) if e.code.as_deref() == Some("ClientException") => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(group) = td.tags.get(SECURITY_GROUP_TAG) else {
        return Err(Error::new(format!(
            "check task definition {} has no `{SECURITY_GROUP_TAG}` tag naming the security group it runs in (ecs:DescribeTaskDefinition); nothing was changed",
            td.name()
        ))
        .with_help("run `terraform apply` for the environment: the codedeploy module tags it"));
    };
    let Some(network) = &svc.network else {
        return Err(Error::new(format!(
            "service `{}` has no awsvpc network configuration to run its release check in (ecs:DescribeServices); nothing was changed",
            target.service
        ))
        .with_help("a Fargate service always has one: check that --service names the ECS service wharf rendered"));
    };
    let Some(container) = td.containers.iter().find(|c| c.essential) else {
        return Err(Error::new(format!(
            "check task definition {} has no essential container (ecs:DescribeTaskDefinition); nothing was changed",
            td.name()
        ))
        .with_help("run `terraform apply` for the environment to restore it"));
    };
    Ok(Some(ReleaseCheck {
        container: container.name.clone(),
        url: container
            .command
            .last()
            .filter(|a| a.starts_with("http://") || a.starts_with("https://"))
            .cloned(),
        cluster: target.cluster.clone(),
        network: Network {
            subnets: network.subnets.clone(),
            security_groups: vec![group.clone()],
            assign_public_ip: network.assign_public_ip,
        },
        ready_wait: Duration::from_secs(u64::from(minutes) * 60),
        task_definition: td,
    }))
}

impl ReleaseCheck {
    /// The check in words: what it asks for, and with which task definition.
    pub fn describe(&self) -> String {
        match &self.url {
            Some(url) => format!("{url} (task definition {})", self.task_definition.name()),
            None => format!("task definition {}", self.task_definition.name()),
        }
    }
}

/// Runs the check of deployment `id` and waits for it, within the time CodeDeploy holds
/// the release. A re-run for the same deployment follows the same task (the client token
/// is the deployment's).
pub(crate) fn run(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    check: &ReleaseCheck,
    id: &str,
    poll: Duration,
) -> Result<Verdict, Error> {
    let task = aws.run_task(&RunTask {
        cluster: check.cluster.clone(),
        task_definition: check.task_definition.arn.clone(),
        container: check.container.clone(),
        command: Vec::new(),
        network: Some(check.network.clone()),
        launch_type: Some("FARGATE".to_string()),
        capacity_provider_strategy: Vec::new(),
        platform_version: None,
        started_by: "wharf-release-check".to_string(),
        client_token: format!("{id}-check"),
    })?;
    let task_id = task.rsplit('/').next().unwrap_or(&task).to_string();
    out.line(&format!(
        "  checking the new tasks on the test listener: {} in task {task_id}",
        check.describe()
    ));
    let start = clock.elapsed();
    loop {
        let elapsed = clock.elapsed() - start;
        let Some(t) = aws.describe_task(&check.cluster, &task)? else {
            return Ok(Verdict::Failed(format!(
                "task {task_id} is no longer known to ECS (ecs:DescribeTasks)"
            )));
        };
        out.status(
            &t.last_status,
            &format!(
                "  check {task_id}: {}  ({})",
                t.last_status,
                duration(elapsed)
            ),
        );
        if t.last_status == "STOPPED" {
            out.clear();
            let container = t.containers.iter().find(|c| c.name == check.container);
            return Ok(match container.and_then(|c| c.exit_code) {
                Some(0) => Verdict::Passed,
                Some(code) => Verdict::Failed(curl_exit(code)),
                None => Verdict::Failed(format!(
                    "the check did not run: {}",
                    container
                        .and_then(|c| c.reason.clone())
                        .or(t.stopped_reason)
                        .unwrap_or_else(|| "ECS gave no reason".to_string())
                )),
            });
        }
        // Given up a minute before CodeDeploy stops holding the release, so that wharf's
        // stop, with rollback, comes first and says why.
        let limit = check.ready_wait.saturating_sub(GIVE_UP_BEFORE).max(poll);
        if elapsed >= limit {
            out.clear();
            return Ok(Verdict::Failed(format!(
                "the check did not end within {} (CodeDeploy holds the release {})",
                duration(limit),
                duration(check.ready_wait)
            )));
        }
        clock.sleep(poll.min(limit - elapsed).max(Duration::from_millis(1)));
    }
}

/// What curl's exit code says, for the codes a request to a load balancer ends with.
/// <https://curl.se/docs/manpage.html#EXIT>
fn curl_exit(code: i32) -> String {
    let what = match code {
        6 => "the load balancer's name did not resolve",
        7 => "the test listener refused the connection or could not be reached",
        22 => "the test listener answered with an HTTP status of 400 or more",
        28 => "the request timed out",
        35 => "the TLS handshake failed",
        52 => "the test listener answered nothing",
        56 => "the connection broke while receiving",
        60 => "the certificate did not match the host name",
        _ => "curl failed",
    };
    format!("{what} (curl exit code {code}; the check's log group has its output)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_exit_codes_say_what_failed() {
        assert!(curl_exit(22).contains("400 or more"));
        assert!(curl_exit(7).contains("refused"));
        assert!(curl_exit(99).starts_with("curl failed (curl exit code 99"));
    }
}
