//! Releases of services on the CODE_DEPLOY deployment controller: blue/green, canary and
//! linear. wharf registers the revision as for a rolling release, then asks CodeDeploy for
//! a deployment whose AppSpec names it, and follows the deployment's lifecycle events and
//! traffic weight to its end. A deployment that fails, is stopped by an alarm, or outlasts
//! the wait is rolled back by CodeDeploy (wharf stops it with rollback on a timeout), and
//! the release exits 1 once traffic is back on the original tasks.
//!
//! CodeDeploy allows one deployment in progress per group, so a second `wharf deploy` of
//! the same tag follows the first instead of failing, and one of another tag changes
//! nothing. <https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html>

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use crate::aws::*;
use crate::clock::Clock;
use crate::deploy::{
    base_container, check_tag, pick_container, previous_revision, release_base, short,
    DeployRequest, Wait,
};
use crate::image::ImageRef;
use crate::progress::{duration, Progress};
use crate::release_check::{self, ReleaseCheck, Verdict};
use crate::{Error, Outcome, Target};

/// Polls after a deployment failed or stopped for the rollback CodeDeploy starts to show.
const ROLLBACK_ID_POLLS: u32 = 6;

/// The configuration a rollback of wharf's goes through: traffic back at once, since the
/// release it undoes is what was being watched.
pub const ROLLBACK_CONFIG: &str = "CodeDeployDefault.ECSAllAtOnce";

/// The CodeDeploy names of a service's releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDeployNames {
    pub application: String,
    pub deployment_group: String,
}

impl Target {
    /// The application and group that release this service: as given, else the names
    /// `wharf render` gives them (the cluster's name, and the service's).
    pub fn code_deploy_names(&self) -> CodeDeployNames {
        self.code_deploy.clone().unwrap_or_else(|| CodeDeployNames {
            application: self
                .cluster
                .rsplit('/')
                .next()
                .unwrap_or(&self.cluster)
                .to_string(),
            deployment_group: self
                .service
                .rsplit('/')
                .next()
                .unwrap_or(&self.service)
                .to_string(),
        })
    }
}

/// The deployment group, or an error saying how to name it.
pub(crate) fn deployment_group(
    aws: &dyn Aws,
    target: &Target,
) -> Result<(CodeDeployNames, DeploymentGroup), Error> {
    let names = target.code_deploy_names();
    let Some(group) = aws.get_deployment_group(&names.application, &names.deployment_group)? else {
        return Err(Error::new(format!(
            "service `{}` is released by CodeDeploy, but CodeDeploy has no deployment group `{}` in application `{}` (codedeploy:GetDeploymentGroup); nothing was changed",
            target.service, names.deployment_group, names.application
        ))
        .with_help("run `terraform apply` for the environment (it creates the group), or name the group with --codedeploy-application and --deployment-group"));
    };
    let service = target.service.rsplit('/').next().unwrap_or(&target.service);
    if !group.ecs_services.iter().any(|(_, s)| s == service) {
        let names_of = group
            .ecs_services
            .iter()
            .map(|(c, s)| format!("{c}/{s}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::new(format!(
            "CodeDeploy deployment group `{}` releases {}, not service `{}` (codedeploy:GetDeploymentGroup); nothing was changed",
            names.deployment_group,
            if names_of.is_empty() { "no ECS service".to_string() } else { names_of },
            target.service
        ))
        .with_help("name the service's own group with --codedeploy-application and --deployment-group"));
    }
    Ok((names, group))
}

/// What CodeDeploy will take, when nothing goes wrong: the traffic steps and the bake.
struct Plan {
    config: String,
    traffic: Option<wharf_aws::codedeploy::Traffic>,
    bake_minutes: Option<u32>,
}

impl Plan {
    fn read(aws: &dyn Aws, group: &DeploymentGroup, config: Option<&str>) -> Result<Plan, Error> {
        let config = config.unwrap_or(&group.deployment_config).to_string();
        let traffic = aws.get_deployment_config(&config)?;
        Ok(Plan {
            config,
            traffic,
            bake_minutes: group.termination_wait_minutes,
        })
    }

    /// How long the steps and the bake take by design: waiting them out is not slowness.
    fn planned(&self) -> Duration {
        let shift = self.traffic.map_or(0, |t| t.shift_minutes());
        Duration::from_secs(u64::from(shift + self.bake_minutes.unwrap_or(0)) * 60)
    }

    fn describe(&self) -> String {
        use wharf_aws::codedeploy::Traffic;
        let steps = match self.traffic {
            Some(Traffic::AllAtOnce) => "all traffic at once".to_string(),
            Some(Traffic::Canary {
                percent,
                interval_minutes,
            }) => format!("{percent}% of traffic, the rest {interval_minutes} min later"),
            Some(Traffic::Linear {
                percent,
                interval_minutes,
            }) => format!("{percent}% of traffic every {interval_minutes} min"),
            None => "steps wharf cannot read".to_string(),
        };
        let bake = match self.bake_minutes {
            Some(0) => "the original tasks end as soon as traffic has moved".to_string(),
            Some(m) => format!("the original tasks are kept {m} min after"),
            None => "the original tasks are kept until the deployment is ended".to_string(),
        };
        format!("{} ({steps}; {bake})", self.config)
    }
}

/// The deployment in progress in the group, if any.
fn active(aws: &dyn Aws, names: &CodeDeployNames) -> Result<Option<Release>, Error> {
    let ids = aws.list_active_deployments(&names.application, &names.deployment_group)?;
    match ids.first() {
        Some(id) => Ok(Some(aws.get_deployment(id)?)),
        None => Ok(None),
    }
}

/// Whether `release` deploys `image` in `container`.
fn deploys_image(
    aws: &dyn Aws,
    release: &Release,
    container: &str,
    image: &str,
) -> Result<bool, Error> {
    let Some(td) = &release.task_definition else {
        return Ok(false);
    };
    let td = aws.describe_task_definition(td)?;
    Ok(td.container(container).is_some_and(|c| c.image == image))
}

fn in_progress_error(release: &Release, names: &CodeDeployNames) -> Error {
    let what = release
        .task_definition
        .as_deref()
        .map_or("an AppSpec wharf cannot read".to_string(), |td| {
            short(td).to_string()
        });
    Error::new(format!(
        "CodeDeploy deployment {} of {what} is {} in deployment group `{}`; CodeDeploy runs one at a time, and nothing was changed",
        release.id,
        release.status.as_str(),
        names.deployment_group
    ))
    .with_help(if release.rolls_back.is_some() {
        "CodeDeploy is rolling a release back; wait for it to end (`wharf status` shows it)"
    } else {
        "wait for it to end (`wharf status` shows it), or stop it and move traffic back with `wharf rollback`"
    })
}

/// `wharf deploy` of a CODE_DEPLOY service.
pub(crate) fn deploy(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    request: &DeployRequest<'_>,
    svc: &Service,
) -> Result<Outcome, Error> {
    let target = request.target;
    let tag = request.image_tag;
    let (names, group) = deployment_group(aws, target)?;
    let current = aws.describe_task_definition(&svc.task_definition)?;
    let container = pick_container(svc, &current, request.container)?;
    let image = ImageRef::parse(&container.image);
    let new_image = image.with_tag(tag);
    check_tag(aws, out, &image, tag)?;
    let lb = traffic_container(svc, target)?;

    if let Some(release) = active(aws, &names)? {
        if !deploys_image(aws, &release, &container.name, &new_image)? {
            return Err(in_progress_error(&release, &names));
        }
        out.line(&format!(
            "CodeDeploy deployment {} with tag `{tag}` is already {}; following it.",
            release.id,
            release.status.as_str()
        ));
        if request.dry_run {
            out.line("Dry run: nothing was registered or changed.");
            return Ok(Outcome::DryRun);
        }
        let Some(wait) = request.wait else {
            return Ok(Outcome::Started);
        };
        let plan = Plan::read(aws, &group, release.deployment_config.as_deref())?;
        let check = release_check::find(aws, target, svc, group.ready_wait_minutes)?;
        return settle(aws, clock, out, &release.id, &plan, check.as_ref(), wait);
    }
    if container.image == new_image {
        out.line(&format!(
            "{} already runs {} with tag `{tag}`; nothing to do.",
            target.service,
            current.name()
        ));
        return Ok(Outcome::Unchanged);
    }

    let base = release_base(aws, out, &current)?;
    let changed = base_container(&base, &container.name)?;
    let plan = Plan::read(aws, &group, None)?;
    let check = release_check::find(aws, target, svc, group.ready_wait_minutes)?;
    out.line(&format!(
        "{} in cluster {}: {} → a new revision of {}, released by CodeDeploy ({}/{})",
        target.service,
        target.cluster,
        current.name(),
        current.family,
        names.application,
        names.deployment_group
    ));
    out.line(&format!("  container {}", changed.name));
    out.line(&format!("-   image: {}", changed.image));
    out.line(&format!("+   image: {new_image}"));
    out.line(&format!("  traffic: {}", plan.describe()));
    match (&check, group.ready_wait_minutes) {
        (Some(c), _) => out.line(&format!("  before traffic moves: {}", c.describe())),
        (None, Some(m)) => out.line(&format!("  before traffic moves: the new tasks wait up to {m} min for someone to continue the release (the group's ready option); wharf has no check task definition for them")),
        (None, None) => {}
    }
    if request.dry_run {
        out.line("Dry run: nothing was registered or changed.");
        return Ok(Outcome::DryRun);
    }

    let images = vec![(changed.name.clone(), new_image.clone())];
    let registered = aws.register_task_definition(&base, &images)?;
    out.line(&format!("Registered {}.", registered.name()));
    let release = NewRelease {
        application: names.application.clone(),
        deployment_group: names.deployment_group.clone(),
        app_spec: app_spec(&registered.arn, &lb, svc),
        description: format!("wharf deploy: {} with tag {tag}", registered.name()),
        deployment_config: None,
    };
    let id = match aws.create_deployment(&release) {
        Ok(id) => id,
        // A retried CreateDeployment whose first attempt went through, or a deployment
        // someone else started since the check above.
        Err(e) if e.code.as_deref() == Some("DeploymentLimitExceededException") => {
            match active(aws, &names)? {
                Some(r) if deploys_image(aws, &r, &changed.name, &new_image)? => r.id,
                Some(r) => return Err(in_progress_error(&r, &names)),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    out.line(&format!(
        "Created CodeDeploy deployment {id} of {}.",
        registered.name()
    ));
    let Some(wait) = request.wait else {
        out.line(&format!(
            "Not waiting (--no-wait): follow it with `wharf status`; `wharf rollback` stops it and moves traffic back to {}.",
            current.name()
        ));
        return Ok(Outcome::Started);
    };
    settle(aws, clock, out, &id, &plan, check.as_ref(), wait)
}

/// The container and port the load balancer sends traffic to, which the AppSpec names
/// whichever container's image changes.
fn traffic_container(svc: &Service, target: &Target) -> Result<(String, i32), Error> {
    svc.load_balancers
        .iter()
        .find_map(|l| Some((l.container_name.clone()?, l.container_port?)))
        .ok_or_else(|| {
            Error::new(format!(
                "service `{}` is on the CODE_DEPLOY controller but has no load balancer container and port (ecs:DescribeServices)",
                target.service
            ))
            .with_help("CodeDeploy moves traffic between two target groups; give the service a load balancer, or roll it with `deployment = \"rolling\"`")
        })
}

/// The AppSpec of a release: the task definition, the load balancer's container and port,
/// and the service's own network, capacity providers and platform version, which the
/// replacement task set would otherwise not carry over (the capacity providers fall back to
/// the launch type).
/// <https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html#reference-appspec-file-structure-resources-ecs>
pub fn app_spec(task_definition: &str, (container, port): &(String, i32), svc: &Service) -> String {
    let mut properties = json!({
        "TaskDefinition": task_definition,
        "LoadBalancerInfo": { "ContainerName": container, "ContainerPort": port },
    });
    if let Some(version) = &svc.platform_version {
        properties["PlatformVersion"] = json!(version);
    }
    if let Some(n) = &svc.network {
        properties["NetworkConfiguration"] = json!({
            "AwsvpcConfiguration": {
                "Subnets": n.subnets,
                "SecurityGroups": n.security_groups,
                "AssignPublicIp": if n.assign_public_ip { "ENABLED" } else { "DISABLED" },
            }
        });
    }
    if !svc.capacity_provider_strategy.is_empty() {
        properties["CapacityProviderStrategy"] = svc
            .capacity_provider_strategy
            .iter()
            .map(|c| json!({ "CapacityProvider": c.name, "Base": c.base, "Weight": c.weight }))
            .collect();
    }
    json!({
        "version": "0.0",
        "Resources": [{ "TargetService": { "Type": "AWS::ECS::Service", "Properties": properties } }],
    })
    .to_string()
}

/// How a followed deployment ended.
enum Followed {
    Succeeded,
    /// Failed or stopped, with CodeDeploy's reason and the rollback it started.
    Ended {
        status: ReleaseStatus,
        error: Option<String>,
        rollback: Option<String>,
    },
    /// Still not ended after wharf stopped it.
    Unfinished,
}

/// Follows a release to its end; on failure, alarm or timeout, follows CodeDeploy's
/// rollback and returns [`Outcome::Failed`].
fn settle(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    id: &str,
    plan: &Plan,
    check: Option<&ReleaseCheck>,
    wait: Wait,
) -> Result<Outcome, Error> {
    // A checked release is held on the test listener while its check runs.
    let deadline = wait.timeout + plan.planned() + check.map_or(Duration::ZERO, |c| c.ready_wait);
    out.line(&format!(
        "Waiting up to {}: {} for the new tasks, plus the {} the traffic steps and bake take{}.",
        duration(deadline),
        duration(wait.timeout),
        duration(plan.planned()),
        check.map_or(String::new(), |c| format!(
            " and up to {} for the check",
            duration(c.ready_wait)
        ))
    ));
    let started = clock.elapsed();
    let watch = Watch {
        deadline,
        poll: wait.poll,
        stop_on_timeout: true,
        on_ready: check.map_or(OnReady::Wait, OnReady::Check),
    };
    let (followed, timed_out) = follow(aws, clock, out, id, &watch)?;
    let took = duration(clock.elapsed() - started);
    let rollback = match followed {
        Followed::Succeeded => {
            out.line(&format!(
                "CodeDeploy deployment {id} succeeded in {took}: all traffic is on the new tasks."
            ));
            return Ok(Outcome::Completed);
        }
        Followed::Unfinished => {
            out.line(&format!(
                "CodeDeploy deployment {id} did not stop after wharf stopped it; check `wharf status` and the CodeDeploy console."
            ));
            return Ok(Outcome::Failed);
        }
        Followed::Ended {
            status,
            error,
            rollback,
        } => {
            let how = match (&status, timed_out) {
                (_, true) => format!(
                    "did not succeed within {}; wharf stopped it",
                    duration(deadline)
                ),
                (ReleaseStatus::Stopped, _) => "was stopped".to_string(),
                _ => "failed".to_string(),
            };
            let why = error.map(|e| format!(": {e}")).unwrap_or_default();
            out.line(&format!("CodeDeploy deployment {id} {how}{why}"));
            rollback
        }
    };
    follow_rollback(aws, clock, out, rollback.as_deref(), wait)?;
    Ok(Outcome::Failed)
}

/// Follows the rollback CodeDeploy started, and says where traffic is.
fn follow_rollback(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    rollback: Option<&str>,
    wait: Wait,
) -> Result<bool, Error> {
    let Some(rollback) = rollback else {
        out.line("CodeDeploy started no rollback (the deployment group's automatic rollback is off for this event); see where production traffic is with `wharf status`.");
        return Ok(false);
    };
    out.line(&format!(
        "CodeDeploy is rolling back in deployment {rollback}; following it."
    ));
    let started = clock.elapsed();
    let (back, _) = follow(
        aws,
        clock,
        out,
        rollback,
        &Watch::rollback(wait.timeout, wait),
    )?;
    match back {
        Followed::Succeeded => {
            out.line(&format!(
                "Rolled back in {}: production traffic is on the original tasks again.",
                duration(clock.elapsed() - started)
            ));
            Ok(true)
        }
        _ => {
            out.line(&format!(
                "The rollback {rollback} has not succeeded; check `wharf status` and the CodeDeploy console."
            ));
            Ok(false)
        }
    }
}

/// How [`follow`] watches a deployment.
struct Watch<'a> {
    deadline: Duration,
    poll: Duration,
    /// Past the deadline, stop the deployment with rollback (a release), or leave it
    /// running (a rollback, which a stop would undo).
    stop_on_timeout: bool,
    on_ready: OnReady<'a>,
}

/// What wharf does when a deployment's new tasks are up and CodeDeploy holds it (`Ready`).
enum OnReady<'a> {
    /// Run the release check, then continue the release or stop it with rollback.
    Check(&'a ReleaseCheck),
    /// Continue at once: a rollback puts back what production ran.
    Continue,
    /// Say that someone must continue it; the wait goes on counting.
    Wait,
}

impl Watch<'_> {
    fn rollback(deadline: Duration, wait: Wait) -> Watch<'static> {
        Watch {
            deadline,
            poll: wait.poll,
            stop_on_timeout: false,
            on_ready: OnReady::Continue,
        }
    }
}

/// Polls a deployment until it ends. Past `deadline`, a release (`stop_on_timeout`) is
/// stopped with rollback at once, and followed for one more `deadline` at most; the second
/// value says whether that happened.
fn follow(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    id: &str,
    watch: &Watch<'_>,
) -> Result<(Followed, bool), Error> {
    let Watch {
        deadline,
        poll,
        stop_on_timeout,
        ..
    } = *watch;
    let start = clock.elapsed();
    let mut target_id: Option<String> = None;
    let mut events: BTreeMap<String, String> = BTreeMap::new();
    let mut stopped_at: Option<Duration> = None;
    let mut ready_handled = false;
    loop {
        let release = aws.get_deployment(id)?;
        if target_id.is_none() && release.status != ReleaseStatus::Created {
            target_id = not_started_is_none(aws.list_deployment_targets(id))?
                .and_then(|ids| ids.into_iter().next());
        }
        let target = match &target_id {
            Some(t) => not_started_is_none(aws.get_deployment_target(id, t))?.flatten(),
            None => None,
        };
        for (name, status) in target.iter().flat_map(|t| &t.lifecycle_events) {
            if status != "Pending" && events.get(name) != Some(status) {
                out.line(&format!("  {name}: {status}"));
                events.insert(name.clone(), status.clone());
            }
        }
        let elapsed = clock.elapsed() - start;
        let key = status_key(id, &release, target.as_ref());
        out.status(&key, &format!("  {key}  ({})", duration(elapsed)));
        if release.status == ReleaseStatus::Ready && !ready_handled && stopped_at.is_none() {
            ready_handled = true;
            out.clear();
            if on_ready(aws, clock, out, id, watch)? {
                continue;
            }
        }
        match release.status {
            ReleaseStatus::Succeeded => {
                out.clear();
                return Ok((Followed::Succeeded, stopped_at.is_some()));
            }
            ReleaseStatus::Failed | ReleaseStatus::Stopped => {
                out.clear();
                let mut rollback = release.rollback_deployment.clone();
                // CodeDeploy records the rollback it starts a moment after the status.
                for _ in 0..ROLLBACK_ID_POLLS {
                    if rollback.is_some() {
                        break;
                    }
                    clock.sleep(poll);
                    rollback = aws.get_deployment(id)?.rollback_deployment;
                }
                return Ok((
                    Followed::Ended {
                        status: release.status,
                        error: release.error,
                        rollback,
                    },
                    stopped_at.is_some(),
                ));
            }
            _ => {}
        }
        match stopped_at {
            None if elapsed >= deadline && stop_on_timeout => {
                out.clear();
                out.line(&format!(
                    "CodeDeploy deployment {id} has not succeeded within {}; stopping it, with rollback.",
                    duration(deadline)
                ));
                already_ended(aws.stop_deployment(id, true))?;
                stopped_at = Some(elapsed);
                continue;
            }
            None if elapsed >= deadline => {
                out.clear();
                return Ok((Followed::Unfinished, false));
            }
            Some(at) if elapsed - at >= deadline => {
                out.clear();
                return Ok((Followed::Unfinished, true));
            }
            _ => {}
        }
        let left = match stopped_at {
            None => deadline.saturating_sub(elapsed),
            Some(at) => (at + deadline).saturating_sub(elapsed),
        };
        clock.sleep(poll.min(left).max(Duration::from_millis(1)));
    }
}

/// Handles a `Ready` deployment as `watch` says; whether it continued or stopped it, so
/// that the next look is at once.
fn on_ready(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    id: &str,
    watch: &Watch<'_>,
) -> Result<bool, Error> {
    match watch.on_ready {
        OnReady::Wait => {
            out.line(&format!(
                "  {id} is Ready: its new tasks wait for `aws deploy continue-deployment --deployment-id {id} --deployment-wait-type READY_WAIT` before they take traffic (the group's deployment ready option)"
            ));
            Ok(false)
        }
        OnReady::Continue => {
            out.line(&format!(
                "  {id} is Ready; continuing it, since it puts back what production ran."
            ));
            not_ready(aws.continue_deployment(id))?;
            Ok(true)
        }
        OnReady::Check(check) => {
            let started = clock.elapsed();
            // A check wharf cannot start or follow is a failed one: the release is
            // stopped rather than left held.
            let verdict = release_check::run(aws, clock, out, check, id, watch.poll)
                .unwrap_or_else(|e| {
                    Verdict::Failed(format!("wharf could not run the check: {}", e.message))
                });
            match verdict {
                Verdict::Passed => {
                    out.line(&format!(
                        "  the check passed in {}; production traffic moves to the new tasks.",
                        duration(clock.elapsed() - started)
                    ));
                    not_ready(aws.continue_deployment(id))?;
                }
                Verdict::Failed(why) => {
                    out.line(&format!(
                        "  the check failed: {why}. Stopping CodeDeploy deployment {id}, with rollback; no production traffic moved."
                    ));
                    already_ended(aws.stop_deployment(id, true))?;
                }
            }
            Ok(true)
        }
    }
}

/// A continue of a deployment that is no longer Ready (a retried call whose first went
/// through, or one CodeDeploy stopped meanwhile): the next look says where it is.
fn not_ready(result: Result<(), AwsError>) -> Result<(), AwsError> {
    match result {
        Err(e) if e.code.as_deref() == Some("DeploymentIsNotInReadyStateException") => Ok(()),
        other => other,
    }
}

/// `DeploymentNotStartedException` from the target calls: the deployment has no target
/// yet (it is Created or Queued, or ended before it started), which is no error.
fn not_started_is_none<T>(result: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.code.as_deref() == Some("DeploymentNotStartedException") => Ok(None),
        Err(e) => Err(e),
    }
}

/// A stop of a deployment that ended since the last look: the next look says how.
fn already_ended(result: Result<(), AwsError>) -> Result<(), AwsError> {
    match result {
        Err(e) if e.code.as_deref() == Some("DeploymentAlreadyCompletedException") => Ok(()),
        other => other,
    }
}

/// The part of a deployment's state worth a line when it changes.
fn status_key(id: &str, release: &Release, target: Option<&ReleaseTarget>) -> String {
    let mut key = format!("{id}: {}", release.status.as_str());
    if let Some(event) = target.and_then(|t| {
        t.lifecycle_events
            .iter()
            .find(|(_, s)| s == "InProgress")
            .map(|(n, _)| n)
    }) {
        key.push_str(&format!(", {event}"));
    }
    if let Some(green) = target.and_then(|t| t.green()) {
        key.push_str(&format!(
            ", new tasks {} of {} running, {}% of traffic",
            green.running, green.desired, green.traffic_weight
        ));
    }
    key
}

/// `wharf rollback` of a CODE_DEPLOY service: a release in progress is stopped and rolled
/// back by CodeDeploy; otherwise a new deployment of the previous revision goes all at once.
pub(crate) fn rollback(
    aws: &dyn Aws,
    clock: &dyn Clock,
    out: &mut Progress,
    target: &Target,
    svc: &Service,
    to: Option<&str>,
    wait: Option<Wait>,
) -> Result<Outcome, Error> {
    let (names, group) = deployment_group(aws, target)?;
    let current = aws.describe_task_definition(&svc.task_definition)?;
    if let Some(release) = active(aws, &names)? {
        if let Some(of) = &release.rolls_back {
            out.line(&format!(
                "CodeDeploy is already rolling back {of} in deployment {}; following it.",
                release.id
            ));
            let Some(wait) = wait else {
                return Ok(Outcome::Started);
            };
            let back = follow_rollback(aws, clock, out, Some(&release.id), wait)?;
            return Ok(if back {
                Outcome::Completed
            } else {
                Outcome::Failed
            });
        }
        if to.is_some() {
            return Err(in_progress_error(&release, &names)
                .with_help("run `wharf rollback` without --to first: it stops the release in progress and moves traffic back"));
        }
        out.line(&format!(
            "Stopping CodeDeploy deployment {} ({}); CodeDeploy moves traffic back to the original tasks.",
            release.id,
            release.task_definition.as_deref().map_or("?", short)
        ));
        already_ended(aws.stop_deployment(&release.id, true))?;
        let Some(wait) = wait else {
            out.line("Not waiting (--no-wait): follow it with `wharf status`.");
            return Ok(Outcome::Started);
        };
        // The release just stopped may still read Ready: it must never be continued.
        let watch = Watch {
            on_ready: OnReady::Wait,
            ..Watch::rollback(wait.timeout, wait)
        };
        let (stopped, _) = follow(aws, clock, out, &release.id, &watch)?;
        let rollback = match stopped {
            Followed::Ended { rollback, .. } => rollback,
            Followed::Succeeded => {
                out.line(&format!(
                    "CodeDeploy deployment {} had already succeeded; run `wharf rollback` again to release the previous revision.",
                    release.id
                ));
                return Ok(Outcome::Failed);
            }
            Followed::Unfinished => None,
        };
        let back = follow_rollback(aws, clock, out, rollback.as_deref(), wait)?;
        return Ok(if back {
            Outcome::Completed
        } else {
            Outcome::Failed
        });
    }

    let back = previous_revision(aws, &current, to)?;
    if back.arn == current.arn {
        out.line(&format!(
            "{} already runs {}; nothing to do.",
            target.service,
            current.name()
        ));
        return Ok(Outcome::Unchanged);
    }
    let lb = traffic_container(svc, target)?;
    let plan = Plan::read(aws, &group, Some(ROLLBACK_CONFIG))?;
    out.line(&format!(
        "Rolling {} back from {} to {} through CodeDeploy, {}.",
        target.service,
        current.name(),
        back.name(),
        plan.describe()
    ));
    let id = aws.create_deployment(&NewRelease {
        application: names.application.clone(),
        deployment_group: names.deployment_group.clone(),
        app_spec: app_spec(&back.arn, &lb, svc),
        description: format!("wharf rollback: {} to {}", current.name(), back.name()),
        deployment_config: Some(ROLLBACK_CONFIG.to_string()),
    })?;
    out.line(&format!("Created CodeDeploy deployment {id}."));
    let Some(wait) = wait else {
        out.line("Not waiting (--no-wait): follow it with `wharf status`.");
        return Ok(Outcome::Started);
    };
    // Stopping a rollback with rollback would put the bad revision back: past the wait,
    // wharf says so and leaves it running.
    let deadline = wait.timeout + plan.planned();
    let started = clock.elapsed();
    let (followed, _) = follow(aws, clock, out, &id, &Watch::rollback(deadline, wait))?;
    match followed {
        Followed::Succeeded => {
            out.line(&format!(
                "Rolled back to {} in {}.",
                back.name(),
                duration(clock.elapsed() - started)
            ));
            Ok(Outcome::Completed)
        }
        Followed::Ended { error, .. } => {
            out.line(&format!(
                "The rollback {id} to {} did not succeed{}; check `wharf status`.",
                back.name(),
                error.map(|e| format!(": {e}")).unwrap_or_default()
            ));
            Ok(Outcome::Failed)
        }
        Followed::Unfinished => {
            out.line(&format!(
                "The rollback {id} to {} has not finished within {}; it goes on (`wharf status` follows it).",
                back.name(),
                duration(deadline)
            ));
            Ok(Outcome::Failed)
        }
    }
}

/// `wharf status` lines of a CODE_DEPLOY service.
pub(crate) fn status_lines(aws: &dyn Aws, target: &Target) -> Result<Vec<String>, Error> {
    let names = target.code_deploy_names();
    let Some(group) = aws.get_deployment_group(&names.application, &names.deployment_group)? else {
        return Ok(vec![format!(
            "  released by      CodeDeploy, but no group {}/{} exists (codedeploy:GetDeploymentGroup)",
            names.application, names.deployment_group
        )]);
    };
    let plan = Plan::read(aws, &group, None)?;
    let mut lines = vec![format!(
        "  released by      CodeDeploy {}/{}: {}",
        names.application,
        names.deployment_group,
        plan.describe()
    )];
    match active(aws, &names)? {
        Some(release) => {
            let targets = not_started_is_none(aws.list_deployment_targets(&release.id))?;
            let target_state = match targets.as_deref().and_then(|t| t.first()) {
                Some(t) => {
                    not_started_is_none(aws.get_deployment_target(&release.id, t))?.flatten()
                }
                None => None,
            };
            lines.push(format!(
                "  release          {} of {}",
                status_key(&release.id, &release, target_state.as_ref()),
                release.task_definition.as_deref().map_or("?", short)
            ));
        }
        None => lines.push("  release          none in progress".to_string()),
    }
    for (label, last) in [
        ("last attempted", &group.last_attempted),
        ("last succeeded", &group.last_succeeded),
    ] {
        if let Some(last) = last {
            lines.push(format!(
                "  {label:<16} {} {} {}",
                last.id,
                last.status.as_str(),
                last.created_at.as_deref().unwrap_or_default()
            ));
        }
    }
    Ok(lines)
}
