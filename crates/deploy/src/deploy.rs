//! `wharf deploy` and `wharf rollback`: register a revision that differs only in the image,
//! point the service at it, and follow the rollout to its end; put the previous revision
//! back when it fails or takes too long.

use std::time::Duration;

use crate::aws::*;
use crate::clock::Clock;
use crate::codedeploy;
use crate::image::{is_valid_tag, ImageRef};
use crate::progress::{duration, Progress};
use crate::{Error, Outcome, Target};

/// How long to wait and how often to look.
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    pub timeout: Duration,
    pub poll: Duration,
}

impl Default for Wait {
    fn default() -> Self {
        Wait {
            timeout: Duration::from_secs(15 * 60),
            poll: Duration::from_secs(5),
        }
    }
}

pub struct DeployRequest<'a> {
    pub target: &'a Target,
    pub image_tag: &'a str,
    /// The container whose image changes; by default the one behind the load balancer,
    /// or the only one.
    pub container: Option<&'a str>,
    pub wait: Option<Wait>,
    pub dry_run: bool,
}

/// The service, or an error saying how to find it.
pub(crate) fn service(aws: &dyn Aws, target: &Target) -> Result<Service, Error> {
    aws.describe_service(&target.cluster, &target.service)?
        .ok_or_else(|| {
            Error::new(format!(
                "service `{}` is not in cluster `{}` (ecs:DescribeServices)",
                target.service, target.cluster
            ))
            .with_help("check --env and --service (or --cluster and --service-name), that `terraform apply` has created the environment, and the AWS Region; `wharf verify` checks each step")
        })
}

/// Which release path a service takes: ECS's rolling update, CodeDeploy, or none that
/// wharf drives (a controller of the user's own refuses `UpdateService` to a new revision).
pub(crate) fn check_controller(svc: &Service, target: &Target) -> Result<(), Error> {
    let controller = match &svc.deployment_controller {
        DeploymentController::Ecs | DeploymentController::CodeDeploy => return Ok(()),
        DeploymentController::External => "EXTERNAL",
        DeploymentController::Other(o) => o.as_str(),
    };
    Err(Error::new(format!(
        "service `{}` is released by its {controller} deployment controller, which wharf does not drive (ecs:DescribeServices); nothing was changed",
        target.service
    ))
    .with_help("release it with the tool that owns its task sets"))
}

/// The containers a release changes: `--container`, else the one the load balancer sends
/// traffic to, else the only one.
pub(crate) fn pick_container<'t>(
    service: &Service,
    task_definition: &'t TaskDefinition,
    asked: Option<&str>,
) -> Result<&'t Container, Error> {
    let names = || {
        task_definition
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = asked {
        return task_definition.container(name).ok_or_else(|| {
            Error::new(format!(
                "task definition {} has no container `{name}`",
                task_definition.name()
            ))
            .with_help(format!("its containers are: {}", names()))
        });
    }
    let mut behind_lb: Vec<&str> = service
        .load_balancers
        .iter()
        .filter_map(|l| l.container_name.as_deref())
        .collect();
    behind_lb.dedup();
    if let [name] = behind_lb.as_slice() {
        if let Some(c) = task_definition.container(name) {
            return Ok(c);
        }
    }
    match task_definition.containers.as_slice() {
        [only] => Ok(only),
        _ => Err(Error::new(format!(
            "task definition {} has {} containers and wharf cannot tell which one to release",
            task_definition.name(),
            task_definition.containers.len()
        ))
        .with_help(format!(
            "pass --container NAME; its containers are: {}",
            names()
        ))),
    }
}

/// Checks that `tag` of `image`'s repository is in ECR. Images outside ECR cannot be
/// checked, which is said.
pub(crate) fn check_tag(
    aws: &dyn Aws,
    out: &mut Progress,
    image: &ImageRef,
    tag: &str,
) -> Result<(), Error> {
    let Some(ecr) = image.ecr() else {
        out.line(&format!(
            "note: {} is not in an Amazon ECR registry; wharf cannot check that tag `{tag}` exists",
            image.repository
        ));
        return Ok(());
    };
    match aws.image_exists(&ecr.registry_id, &ecr.repository, tag)? {
        ImageCheck::Found => Ok(()),
        ImageCheck::TagMissing => Err(Error::new(format!(
            "ECR repository `{}` has no image tagged `{tag}` (ecr:DescribeImages); nothing was changed",
            ecr.repository
        ))
        .with_help(format!(
            "push it first (docker push {}), or check the tag",
            image.with_tag(tag)
        ))),
        ImageCheck::RepositoryMissing => Err(Error::new(format!(
            "ECR repository `{}` does not exist in registry {} (ecr:DescribeImages); nothing was changed",
            ecr.repository, ecr.registry_id
        ))
        .with_help("check the AWS account and Region; `terraform apply` creates the repository")),
    }
}

pub fn deploy(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    request: &DeployRequest<'_>,
) -> Result<Outcome, Error> {
    let tag = request.image_tag;
    if !is_valid_tag(tag) {
        return Err(Error::new(format!("`{tag}` is not a valid image tag")).with_help(
            "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, and does not start with `.` or `-`",
        ));
    }
    let target = request.target;
    let svc = service(aws, target)?;
    check_controller(&svc, target)?;
    if svc.deployment_controller == DeploymentController::CodeDeploy {
        return codedeploy::deploy(aws, clock, out, request, &svc);
    }
    let current = aws.describe_task_definition(&svc.task_definition)?;
    let container = pick_container(&svc, &current, request.container)?;
    let image = ImageRef::parse(&container.image);
    let new_image = image.with_tag(tag);
    check_tag(aws, out, &image, tag)?;

    if container.image == new_image {
        return already_there(aws, clock, out, request, &svc, &current);
    }
    let base = release_base(aws, out, &current)?;
    let container = base_container(&base, &container.name)?;
    if let Some(other) = svc
        .deployments
        .iter()
        .find(|d| d.status == DeploymentStatus::Primary && d.rollout == Some(Rollout::InProgress))
    {
        out.line(&format!(
            "note: a deployment of {} is still in progress; this one replaces it",
            short(&other.task_definition)
        ));
    }

    out.line(&format!(
        "{} in cluster {}: {} → a new revision of {}",
        target.service,
        target.cluster,
        current.name(),
        current.family
    ));
    out.line(&format!("  container {}", container.name));
    out.line(&format!("-   image: {}", container.image));
    out.line(&format!("+   image: {new_image}"));
    if request.dry_run {
        out.line("Dry run: nothing was registered or changed.");
        return Ok(Outcome::DryRun);
    }

    let images = vec![(container.name.clone(), new_image)];
    let registered = aws.register_task_definition(&base, &images)?;
    out.line(&format!("Registered {}.", registered.name()));
    aws.update_service(&target.cluster, &target.service, &registered.arn)?;
    out.line(&format!(
        "Updated {} to {}; the deployment has started.",
        target.service,
        registered.name()
    ));
    let Some(wait) = request.wait else {
        out.line(&format!(
            "Not waiting (--no-wait): follow it with `wharf status`; if it fails, `wharf rollback --to {}` puts the previous revision back.",
            current.revision
        ));
        return Ok(Outcome::Started);
    };
    settle(
        aws,
        clock,
        out,
        target,
        &registered,
        Some(&current.arn),
        &svc,
        wait,
    )
}

/// What a release copies: the family's newest ACTIVE revision. Terraform owns the task
/// definition's shape (CPU, memory, environment, roles) and registers a new revision when it
/// changes, while the rendered service ignores `task_definition`; so such a change rolls
/// out with the next image instead of waiting for ever, which is said.
pub(crate) fn release_base(
    aws: &dyn Aws,
    out: &mut Progress,
    current: &TaskDefinition,
) -> Result<TaskDefinition, Error> {
    Ok(match newest_revision(aws, current)? {
        Some(newer) => {
            out.line(&format!(
                "note: {} is newer than the running {} (registered by `terraform apply`); its changes roll out with this image",
                newer.name(),
                current.name()
            ));
            newer
        }
        None => current.clone(),
    })
}

/// The container `name` of the release's base revision.
pub(crate) fn base_container<'b>(
    base: &'b TaskDefinition,
    name: &str,
) -> Result<&'b Container, Error> {
    base.container(name).ok_or_else(|| {
        Error::new(format!(
            "the newest revision {} has no container `{name}`",
            base.name(),
        ))
        .with_help("pass --container NAME, or run `terraform apply` again")
    })
}

/// The family's newest ACTIVE revision, when it is newer than `current`.
fn newest_revision(
    aws: &dyn Aws,
    current: &TaskDefinition,
) -> Result<Option<TaskDefinition>, Error> {
    let newest = aws
        .list_task_definitions(&current.family)?
        .into_iter()
        .filter_map(|arn| Some((revision_of(&arn)?, arn)))
        .max();
    match newest {
        Some((revision, arn)) if revision > current.revision => {
            Ok(Some(aws.describe_task_definition(&arn)?))
        }
        _ => Ok(None),
    }
}

/// The image is already the service's: nothing to do, or an interrupted deploy of it to
/// follow to its end.
fn already_there(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    request: &DeployRequest<'_>,
    svc: &Service,
    current: &TaskDefinition,
) -> Result<Outcome, Error> {
    let primary = svc
        .deployments
        .iter()
        .find(|d| d.status == DeploymentStatus::Primary);
    let in_progress = primary.is_some_and(|d| d.rollout == Some(Rollout::InProgress));
    if !in_progress {
        out.line(&format!(
            "{} already runs {} with tag `{}`; nothing to do.",
            request.target.service,
            current.name(),
            request.image_tag
        ));
        return Ok(Outcome::Unchanged);
    }
    // The task definition being replaced, if ECS still lists it, is what to go back to.
    let previous = svc
        .deployments
        .iter()
        .find(|d| d.status == DeploymentStatus::Active && d.task_definition != current.arn)
        .map(|d| d.task_definition.clone());
    out.line(&format!(
        "A deployment of {} with tag `{}` is already in progress; following it.",
        current.name(),
        request.image_tag
    ));
    if request.dry_run {
        out.line("Dry run: nothing was registered or changed.");
        return Ok(Outcome::DryRun);
    }
    let Some(wait) = request.wait else {
        return Ok(Outcome::Started);
    };
    settle(
        aws,
        clock,
        out,
        request.target,
        current,
        previous.as_deref(),
        svc,
        wait,
    )
}

/// Follows a deployment to its end; on failure or timeout, puts `previous` back unless
/// the circuit breaker is already doing so.
#[allow(clippy::too_many_arguments)]
fn settle(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    target: &Target,
    deployed: &TaskDefinition,
    previous: Option<&str>,
    before: &Service,
    wait: Wait,
) -> Result<Outcome, Error> {
    let mut events = EventCursor::after(before);
    let started = clock.elapsed();
    let watched = watch(aws, clock, out, target, &deployed.arn, wait, &mut events)?;
    let took = duration(clock.elapsed() - started);
    let put_back = match watched {
        Watched::Completed => {
            out.line(&format!(
                "Deployment of {} completed in {took}.",
                deployed.name()
            ));
            return Ok(Outcome::Completed);
        }
        Watched::Failed {
            reason,
            ecs_rolls_back: true,
        } => {
            out.line(&format!(
                "Deployment of {} failed: {reason}",
                deployed.name()
            ));
            out.line("The deployment circuit breaker is rolling back; wharf waits for it.");
            None
        }
        Watched::Failed { reason, .. } => {
            out.line(&format!(
                "Deployment of {} failed: {reason}",
                deployed.name()
            ));
            previous
        }
        Watched::TimedOut => {
            out.line(&format!(
                "Deployment of {} did not complete within {}.",
                deployed.name(),
                duration(wait.timeout)
            ));
            previous
        }
        Watched::Replaced { by } => {
            out.line(&format!(
                "Deployment of {} was replaced by one of {} that wharf did not start; not rolling back.",
                deployed.name(),
                short(&by)
            ));
            return Ok(Outcome::Failed);
        }
    };
    let Some(previous) = put_back else {
        // ECS rolls back by itself: follow its rollback to the previous task definition.
        if let Some(previous) = previous {
            let back = watch(aws, clock, out, target, previous, wait, &mut events)?;
            report_rollback(out, previous, &back);
        }
        return Ok(Outcome::Failed);
    };
    out.line(&format!("Rolling back to {}.", short(previous)));
    aws.update_service(&target.cluster, &target.service, previous)?;
    let back = watch(aws, clock, out, target, previous, wait, &mut events)?;
    report_rollback(out, previous, &back);
    Ok(Outcome::Failed)
}

fn report_rollback(out: &mut Progress, previous: &str, back: &Watched) {
    match back {
        Watched::Completed => out.line(&format!(
            "Rolled back: the service runs {} again.",
            short(previous)
        )),
        _ => out.line(&format!(
            "The rollback to {} has not completed; check `wharf status` and the service's events.",
            short(previous)
        )),
    }
}

pub fn rollback(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    target: &Target,
    to: Option<&str>,
    wait: Option<Wait>,
) -> Result<Outcome, Error> {
    let svc = service(aws, target)?;
    check_controller(&svc, target)?;
    if svc.deployment_controller == DeploymentController::CodeDeploy {
        return codedeploy::rollback(aws, clock, out, target, &svc, to, wait);
    }
    let current = aws.describe_task_definition(&svc.task_definition)?;
    let back = previous_revision(aws, &current, to)?;
    if back.arn == current.arn {
        out.line(&format!(
            "{} already runs {}; nothing to do.",
            target.service,
            current.name()
        ));
        return Ok(Outcome::Unchanged);
    }
    out.line(&format!(
        "Rolling {} back from {} to {}.",
        target.service,
        current.name(),
        back.name()
    ));
    for c in &back.containers {
        if let Some(now) = current
            .container(&c.name)
            .filter(|now| now.image != c.image)
        {
            out.line(&format!("  container {}", c.name));
            out.line(&format!("-   image: {}", now.image));
            out.line(&format!("+   image: {}", c.image));
        }
    }
    aws.update_service(&target.cluster, &target.service, &back.arn)?;
    let Some(wait) = wait else {
        out.line("Not waiting (--no-wait): follow it with `wharf status`.");
        return Ok(Outcome::Started);
    };
    let mut events = EventCursor::after(&svc);
    let started = clock.elapsed();
    match watch(aws, clock, out, target, &back.arn, wait, &mut events)? {
        Watched::Completed => {
            out.line(&format!(
                "Rolled back to {} in {}.",
                back.name(),
                duration(clock.elapsed() - started)
            ));
            Ok(Outcome::Completed)
        }
        Watched::Failed { reason, .. } => {
            out.line(&format!("Rollback to {} failed: {reason}", back.name()));
            Ok(Outcome::Failed)
        }
        Watched::TimedOut => {
            out.line(&format!(
                "Rollback to {} did not complete within {}.",
                back.name(),
                duration(wait.timeout)
            ));
            Ok(Outcome::Failed)
        }
        Watched::Replaced { by } => {
            out.line(&format!(
                "Rollback to {} was replaced by a deployment of {}.",
                back.name(),
                short(&by)
            ));
            Ok(Outcome::Failed)
        }
    }
}

/// The revision `--to` names (a number of the family, `family:revision` or an ARN), else
/// the newest ACTIVE one before `current`.
pub(crate) fn previous_revision(
    aws: &dyn Aws,
    current: &TaskDefinition,
    to: Option<&str>,
) -> Result<TaskDefinition, Error> {
    let wanted = match to {
        Some(rev) if rev.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{}:{rev}", current.family)
        }
        Some(name) => name.to_string(),
        None => {
            let arns = aws.list_task_definitions(&current.family)?;
            arns.into_iter()
                .find(|arn| revision_of(arn).is_some_and(|r| r < current.revision))
                .ok_or_else(|| {
                    Error::new(format!(
                        "{} has no ACTIVE revision before {} to roll back to (ecs:ListTaskDefinitions)",
                        current.family,
                        current.name()
                    ))
                    .with_help("pass --to REVISION")
                })?
        }
    };
    Ok(aws.describe_task_definition(&wanted)?)
}

/// How a deployment ended.
#[derive(Debug, PartialEq)]
enum Watched {
    Completed,
    Failed {
        reason: String,
        ecs_rolls_back: bool,
    },
    TimedOut,
    /// Another deployment, not ours, became the service's primary one.
    Replaced {
        by: String,
    },
}

/// Service events already shown.
struct EventCursor {
    newest: Option<String>,
}

impl EventCursor {
    /// Events from before the release are not shown.
    fn after(svc: &Service) -> EventCursor {
        EventCursor {
            newest: svc.events.first().map(|e| e.id.clone()),
        }
    }

    /// Events since the last call, oldest first.
    fn new_events<'s>(&mut self, svc: &'s Service) -> Vec<&'s ServiceEvent> {
        let mut fresh: Vec<&ServiceEvent> = svc
            .events
            .iter()
            .take_while(|e| Some(&e.id) != self.newest.as_ref())
            .collect();
        if let Some(first) = svc.events.first() {
            self.newest = Some(first.id.clone());
        }
        fresh.reverse();
        fresh
    }
}

/// How many failed tasks make ECS's circuit breaker stop a deployment: half the desired
/// count, at least 3 and at most 200. wharf applies the same threshold to services that
/// run without the circuit breaker.
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html>
pub fn failure_threshold(desired: i32) -> i32 {
    ((desired + 1) / 2).clamp(3, 200)
}

/// Polls the service until the deployment of `task_definition` ends or `wait.timeout`
/// passes, showing counts, the rollout state and new service events.
fn watch(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    target: &Target,
    task_definition: &str,
    wait: Wait,
    events: &mut EventCursor,
) -> Result<Watched, Error> {
    let start = clock.elapsed();
    loop {
        let svc = service(aws, target)?;
        for e in events.new_events(&svc) {
            out.line(&format!("  {}  {}", e.created_at, e.message));
        }
        let ours = svc
            .deployments
            .iter()
            .filter(|d| d.task_definition == task_definition)
            .max_by_key(|d| d.status == DeploymentStatus::Primary);
        let elapsed = clock.elapsed() - start;
        let Some(d) = ours else {
            let by = svc
                .deployments
                .iter()
                .find(|d| d.status == DeploymentStatus::Primary)
                .map(|d| d.task_definition.clone())
                .unwrap_or_else(|| svc.task_definition.clone());
            return Ok(Watched::Replaced { by });
        };
        let rollout = d.rollout.map(Rollout::as_str).unwrap_or("-");
        let key = format!(
            "{}: {rollout}, {} of {} running, {} pending, {} failed",
            short(task_definition),
            d.running,
            d.desired,
            d.pending,
            d.failed_tasks
        );
        out.status(&key, &format!("  {key}  ({})", duration(elapsed)));

        let breaker = svc.circuit_breaker.filter(|b| b.enable);
        match d.rollout {
            Some(Rollout::Completed) if d.status == DeploymentStatus::Primary => {
                out.clear();
                return Ok(Watched::Completed);
            }
            Some(Rollout::Failed) => {
                out.clear();
                return Ok(Watched::Failed {
                    reason: d
                        .rollout_reason
                        .clone()
                        .unwrap_or_else(|| "ECS stopped the rollout".to_string()),
                    ecs_rolls_back: breaker.is_some_and(|b| b.rollback),
                });
            }
            // Without a rollout state (older APIs, some emulators), a deployment is done
            // when it is the only one and all of its tasks run.
            None if d.status == DeploymentStatus::Primary
                && svc.deployments.len() == 1
                && d.running >= d.desired
                && d.pending == 0 =>
            {
                out.clear();
                return Ok(Watched::Completed);
            }
            _ => {}
        }
        if d.status != DeploymentStatus::Primary {
            let by = svc
                .deployments
                .iter()
                .find(|d| d.status == DeploymentStatus::Primary)
                .map(|d| d.task_definition.clone())
                .unwrap_or_default();
            out.clear();
            return Ok(Watched::Replaced { by });
        }
        if breaker.is_none() && d.failed_tasks >= failure_threshold(d.desired) {
            out.clear();
            return Ok(Watched::Failed {
                reason: format!(
                    "{} tasks failed to start or to pass health checks",
                    d.failed_tasks
                ),
                ecs_rolls_back: false,
            });
        }
        if elapsed >= wait.timeout {
            out.clear();
            return Ok(Watched::TimedOut);
        }
        clock.sleep(wait.poll.min(wait.timeout - elapsed));
    }
}

/// `family:revision` of a task definition ARN.
pub fn short(arn: &str) -> &str {
    arn.rsplit_once('/').map_or(arn, |(_, name)| name)
}

fn revision_of(arn: &str) -> Option<i32> {
    short(arn).rsplit_once(':')?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_half_the_desired_count_between_3_and_200() {
        assert_eq!(failure_threshold(1), 3);
        assert_eq!(failure_threshold(10), 5);
        assert_eq!(failure_threshold(11), 6);
        assert_eq!(failure_threshold(1000), 200);
    }

    #[test]
    fn names_of_task_definition_arns() {
        let arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:7";
        assert_eq!(short(arn), "shop-prod-api:7");
        assert_eq!(revision_of(arn), Some(7));
        assert_eq!(short("shop-prod-api:7"), "shop-prod-api:7");
    }
}
