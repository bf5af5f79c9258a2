//! A fake AWS behind the crate's `Aws` trait: one cluster, services whose rollouts play a
//! script (complete, trip the circuit breaker, fail health checks, hang), and throttling
//! on demand. Every call is logged so tests can say what was and was not changed.
//!
//! A service on the CODE_DEPLOY controller ([`FakeAws::code_deploy`]) is released by a
//! fake CodeDeploy whose deployments follow the fake's own virtual clock (the `clock`
//! field, which the tests pass to wharf), phase by phase as AWS documents them: the
//! replacement tasks start, traffic moves by the configuration's steps, the original tasks
//! are kept for the bake time; a release can fail, be stopped by an alarm, or hang.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::rc::Rc;

use std::time::Duration;

use wharf_aws::codedeploy::Traffic;
use wharf_deploy::aws::*;
use wharf_deploy::{Clock, VirtualClock};

pub const CLUSTER: &str = "shop-prod";

/// The fake's one service.
pub fn target() -> wharf_deploy::Target {
    wharf_deploy::Target {
        cluster: CLUSTER.to_string(),
        service: SERVICE.to_string(),
        code_deploy: None,
    }
}

/// How the tests wait: 10 minutes, looking every 5 seconds.
pub const WAIT: wharf_deploy::Wait = wharf_deploy::Wait {
    timeout: Duration::from_secs(600),
    poll: Duration::from_secs(5),
};
pub const SERVICE: &str = "shop-prod-api";
pub const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api";
const TD_PREFIX: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/";

/// What a deployment of an image tag does when ECS rolls it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Script {
    /// All tasks run after this many polls.
    Completes(u32),
    /// The circuit breaker marks it FAILED after this many polls.
    TripsBreaker(u32),
    /// One more task fails its health checks at each poll; the rollout never ends.
    FailsHealthChecks,
    /// Tasks stay PENDING for ever.
    Hangs,
}

struct Dep {
    d: Deployment,
    script: Script,
    polls: u32,
}

pub struct State {
    pub calls: Vec<String>,
    pub throttle_next: u32,
    /// Throttles the next N calls of one operation (`codedeploy:GetDeployment`).
    pub throttle_calls: BTreeMap<String, u32>,
    /// `codedeploy:CreateDeployment` creates the deployment, then loses its response
    /// (an HTTP 503) once, as a dropped connection does.
    pub lose_create_response: bool,
    pub fail_5xx_next: u32,
    pub task_definitions: Vec<TaskDefinition>,
    pub tags: BTreeSet<String>,
    pub scripts: BTreeMap<String, Script>,
    pub breaker: Option<CircuitBreaker>,
    pub controller: DeploymentController,
    pub task_role_trust: String,
    pub target_group_port: i32,
    pub run_exit_code: Option<i32>,
    /// What a release check's task does.
    pub check: Check,
    /// The tasks started, in order.
    pub runs: Vec<RunTask>,
    pub cd: Option<Cd>,
    deployments: Vec<Dep>,
    events: Vec<ServiceEvent>,
    event_seq: u32,
    desired: i32,
    tasks: BTreeMap<String, FakeTask>,
}

pub struct FakeAws {
    pub state: RefCell<State>,
    /// The time CodeDeploy's fake deployments follow.
    pub clock: VirtualClock,
}

/// What a CodeDeploy release of an image tag does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Release {
    /// Every phase passes.
    Succeeds,
    /// The replacement tasks fail to start: the Install event fails after 40 s.
    FailsInstall,
    /// All traffic moves, then an alarm goes into ALARM 3 minutes into the bake.
    AlarmInBake,
    /// The replacement tasks stay PENDING for ever.
    Hangs,
}

/// Seconds from a deployment's creation to the replacement tasks' start, and to their
/// running (AWS's documented phases; the numbers are the fake's).
const QUEUED_S: u64 = 10;
const INSTALLED_S: u64 = 70;
/// A rollback moves traffic back at once, and ends the replacement tasks.
const ROLLBACK_S: u64 = 30;

pub struct FakeRelease {
    pub id: String,
    pub task_definition: String,
    pub app_spec: String,
    pub config: String,
    created: Duration,
    script: Release,
    pub status: ReleaseStatus,
    pub error: Option<String>,
    rollback: Option<String>,
    rolls_back: Option<String>,
    /// The phase a stop or failure left the deployment in, for the targets' view.
    ended: Option<Duration>,
    /// When `codedeploy:ContinueDeployment` let a held (Ready) deployment go on, since
    /// its creation.
    continued: Option<Duration>,
}

impl FakeRelease {
    /// Where the release's script is `since` its creation: a group that holds ready
    /// releases stops the script's clock from the new tasks' start until the release is
    /// continued; the second value says whether it is held now.
    fn script_time(&self, ready_wait: Option<u32>, since: Duration) -> (Duration, bool) {
        if ready_wait.is_none() || self.rolls_back.is_some() || since < secs(INSTALLED_S) {
            return (since, false);
        }
        match self.continued {
            Some(at) => (since - (at - secs(INSTALLED_S)), false),
            None => (secs(INSTALLED_S), true),
        }
    }
}

pub struct Cd {
    pub group: DeploymentGroup,
    pub traffic: Traffic,
    pub scripts: BTreeMap<String, Release>,
    pub releases: Vec<FakeRelease>,
}

fn td(revision: i32, tag: &str) -> TaskDefinition {
    TaskDefinition {
        arn: format!("{TD_PREFIX}{SERVICE}:{revision}"),
        family: SERVICE.to_string(),
        revision,
        containers: vec![
            Container {
                name: "api".to_string(),
                image: format!("{REPO}:{tag}"),
                essential: true,
                container_ports: vec![8000],
                entry_point: vec![],
                command: vec![],
            },
            Container {
                name: "log-router".to_string(),
                image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable".to_string(),
                essential: false,
                container_ports: vec![],
                entry_point: vec![],
                command: vec![],
            },
        ],
        task_role_arn: Some("arn:aws:iam::123456789012:role/shop-prod-api-task".to_string()),
        execution_role_arn: Some(
            "arn:aws:iam::123456789012:role/shop-prod-api-execution".to_string(),
        ),
        tags: BTreeMap::new(),
    }
}

/// The URL the fake's release check asks for.
pub const CHECK_URL: &str = "https://shop-prod-123.us-east-1.elb.amazonaws.com:8443/health";

/// The check task definition `wharf render` makes for the service.
fn check_td() -> TaskDefinition {
    TaskDefinition {
        arn: format!("{TD_PREFIX}{SERVICE}-test:1"),
        family: format!("{SERVICE}-test"),
        revision: 1,
        containers: vec![Container {
            name: "check".to_string(),
            image: "curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69".to_string(),
            essential: true,
            container_ports: vec![],
            entry_point: vec!["curl".to_string()],
            command: vec!["--fail".to_string(), CHECK_URL.to_string()],
        }],
        task_role_arn: None,
        execution_role_arn: Some(
            "arn:aws:iam::123456789012:role/shop-prod-release-check-execution".to_string(),
        ),
        tags: [(
            wharf_deploy::release_check::SECURITY_GROUP_TAG.to_string(),
            "sg-check".to_string(),
        )]
        .into_iter()
        .collect(),
    }
}

/// What the release check's task does.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// curl exits with this code on its fourth poll.
    Exits(i32),
    /// The task stops before curl runs, for this reason.
    NeverRuns(&'static str),
    /// curl never ends.
    Hangs,
}

/// A task started with `ecs:RunTask`, and how many times it was described.
struct FakeTask {
    polls: u32,
    request: RunTask,
}

pub const ECS_TASKS_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

impl FakeAws {
    /// A service of 2 tasks running revision 1 with tag `v1`; tags `v1` and `v2` are in
    /// ECR. The circuit breaker is on, with rollback.
    pub fn new() -> FakeAws {
        let first = td(1, "v1");
        let state = State {
            calls: Vec::new(),
            throttle_next: 0,
            throttle_calls: BTreeMap::new(),
            lose_create_response: false,
            fail_5xx_next: 0,
            tags: ["v1", "v2"].iter().map(|t| t.to_string()).collect(),
            scripts: BTreeMap::new(),
            controller: DeploymentController::Ecs,
            breaker: Some(CircuitBreaker {
                enable: true,
                rollback: true,
            }),
            task_role_trust: ECS_TASKS_TRUST.to_string(),
            target_group_port: 8000,
            run_exit_code: Some(0),
            check: Check::Exits(0),
            runs: Vec::new(),
            cd: None,
            deployments: vec![Dep {
                d: Deployment {
                    id: "ecs-svc/1".to_string(),
                    status: DeploymentStatus::Primary,
                    task_definition: first.arn.clone(),
                    desired: 2,
                    running: 2,
                    pending: 0,
                    failed_tasks: 0,
                    rollout: Some(Rollout::Completed),
                    rollout_reason: None,
                },
                script: Script::Completes(0),
                polls: 0,
            }],
            task_definitions: vec![first],
            events: vec![ServiceEvent {
                id: "e0".to_string(),
                created_at: "2026-11-22T09:00:00Z".to_string(),
                message: format!("(service {SERVICE}) has reached a steady state."),
            }],
            event_seq: 0,
            desired: 2,
            tasks: BTreeMap::new(),
        };
        FakeAws {
            state: RefCell::new(state),
            clock: VirtualClock::default(),
        }
    }

    /// The same service on the CODE_DEPLOY controller, in the group `wharf render` makes:
    /// a canary of 10 % for 5 minutes, the original tasks kept 15 minutes, rollback on
    /// failure, alarm and stop.
    pub fn code_deploy() -> FakeAws {
        let aws = FakeAws::new();
        {
            let mut s = aws.state.borrow_mut();
            s.controller = DeploymentController::CodeDeploy;
            s.breaker = None;
            let listener = |port: u32| {
                format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/{CLUSTER}/1/{port}")
            };
            s.cd = Some(Cd {
                group: DeploymentGroup {
                    application: CLUSTER.to_string(),
                    name: SERVICE.to_string(),
                    deployment_config: "CodeDeployDefault.ECSCanary10Percent5Minutes".to_string(),
                    ecs_services: vec![(CLUSTER.to_string(), SERVICE.to_string())],
                    target_groups: vec![SERVICE.to_string(), format!("{SERVICE}-2")],
                    prod_listeners: vec![listener(443)],
                    test_listeners: vec![listener(8443)],
                    termination_wait_minutes: Some(15),
                    ready_wait_minutes: None,
                    auto_rollback: true,
                    rollback_events: vec![
                        "DEPLOYMENT_FAILURE".to_string(),
                        "DEPLOYMENT_STOP_ON_ALARM".to_string(),
                        "DEPLOYMENT_STOP_ON_REQUEST".to_string(),
                    ],
                    alarms: vec![format!("{SERVICE}-5xx"), format!("{SERVICE}-response-time")],
                    last_attempted: None,
                    last_succeeded: None,
                },
                traffic: Traffic::Canary {
                    percent: 10,
                    interval_minutes: 5,
                },
                scripts: BTreeMap::new(),
                releases: Vec::new(),
            });
        }
        aws
    }

    /// [`FakeAws::code_deploy`] whose group holds a ready release 10 minutes for the check
    /// of its test path, with the check task definition `wharf render` makes.
    pub fn code_deploy_checked() -> FakeAws {
        let aws = FakeAws::code_deploy();
        {
            let mut s = aws.state.borrow_mut();
            s.task_definitions.push(check_td());
            s.cd.as_mut().unwrap().group.ready_wait_minutes = Some(10);
        }
        aws
    }

    /// The fake CodeDeploy, read.
    pub fn cd(&self) -> std::cell::Ref<'_, Cd> {
        std::cell::Ref::map(self.state.borrow(), |s| {
            s.cd.as_ref().expect("a CodeDeploy fake")
        })
    }

    /// Moves the fake CodeDeploy's deployments to where the clock says they are.
    fn advance(&self) {
        let now = self.clock.elapsed();
        let mut s = self.state.borrow_mut();
        let s = &mut *s;
        let Some(cd) = s.cd.as_mut() else { return };
        let shift = Duration::from_secs(u64::from(cd.traffic.shift_minutes()) * 60);
        let bake =
            Duration::from_secs(u64::from(cd.group.termination_wait_minutes.unwrap_or(0)) * 60);
        let mut rollbacks = Vec::new();
        let mut succeeded = None;
        let ready_wait = cd.group.ready_wait_minutes;
        for r in cd.releases.iter_mut().filter(|r| r.status.is_active()) {
            let since = now - r.created;
            let (t, held) = r.script_time(ready_wait, since);
            if held {
                let waited = since - secs(INSTALLED_S);
                if waited >= secs(u64::from(ready_wait.unwrap_or(0)) * 60) {
                    // CodeDeploy's end of a release nobody continued: stopped, and its
                    // new tasks removed; production traffic never moved.
                    r.status = ReleaseStatus::Stopped;
                    r.error = Some(
                        "TIMEOUT: The deployment timed out waiting for traffic to be rerouted."
                            .to_string(),
                    );
                    r.ended = Some(t);
                } else {
                    r.status = ReleaseStatus::Ready;
                }
                continue;
            }
            if r.rolls_back.is_some() {
                if t >= secs(ROLLBACK_S) {
                    r.status = ReleaseStatus::Succeeded;
                    r.ended = Some(secs(ROLLBACK_S));
                } else {
                    r.status = ReleaseStatus::InProgress;
                }
                continue;
            }
            let shift = if r.config == "CodeDeployDefault.ECSAllAtOnce" {
                Duration::ZERO
            } else {
                shift
            };
            let done = secs(INSTALLED_S) + shift + bake;
            let fail_at = match r.script {
                Release::FailsInstall => Some((secs(40), ReleaseStatus::Failed, "ECS_UPDATE_ERROR: The ECS service cannot reach a steady state: tasks failed to start.")),
                Release::AlarmInBake => Some((secs(INSTALLED_S) + shift + secs(180), ReleaseStatus::Stopped, "ALARM_ACTIVE: One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <shop-prod-api-5xx>")),
                _ => None,
            };
            match fail_at {
                Some((at, status, error)) if t >= at => {
                    r.status = status;
                    r.error = Some(error.to_string());
                    r.ended = Some(at);
                    rollbacks.push((r.id.clone(), r.created + at + (since - t)));
                }
                _ if r.script != Release::Hangs && t >= done => {
                    r.status = ReleaseStatus::Succeeded;
                    r.ended = Some(done);
                    succeeded = Some(r.task_definition.clone());
                }
                _ if t >= secs(QUEUED_S) => r.status = ReleaseStatus::InProgress,
                _ => {}
            }
        }
        for (of, at) in rollbacks {
            let id = start_rollback(cd, &of, at);
            if let Some(r) = cd.releases.iter_mut().find(|r| r.id == of) {
                r.rollback = Some(id);
            }
        }
        if let Some(td) = succeeded {
            s.deployments[0].d.task_definition = td;
        }
    }

    /// The operations called, in order, without the reads.
    pub fn changes(&self) -> Vec<String> {
        self.state
            .borrow()
            .calls
            .iter()
            .filter(|c| {
                !c.contains(":Describe")
                    && !c.contains(":List")
                    && !c.contains(":Get")
                    && !c.contains(":BatchGet")
            })
            .cloned()
            .collect()
    }

    pub fn service_task_definition(&self) -> String {
        let s = self.state.borrow();
        let primary = s
            .deployments
            .iter()
            .find(|d| d.d.status == DeploymentStatus::Primary)
            .unwrap();
        primary
            .d
            .task_definition
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    }

    /// Fails the call with throttling or a 5xx if one is queued; logs it otherwise.
    fn enter(&self, op: &str) -> Result<(), AwsError> {
        let mut s = self.state.borrow_mut();
        if s.throttle_next > 0 {
            s.throttle_next -= 1;
            return Err(AwsError::new(op, ErrorKind::Throttling, "Rate exceeded")
                .with_code("ThrottlingException"));
        }
        let name = op.split(' ').next().unwrap_or(op).to_string();
        if let Some(n) = s.throttle_calls.get_mut(&name).filter(|n| **n > 0) {
            *n -= 1;
            return Err(AwsError::new(op, ErrorKind::Throttling, "Rate exceeded")
                .with_code("ThrottlingException"));
        }
        if s.fail_5xx_next > 0 {
            s.fail_5xx_next -= 1;
            return Err(
                AwsError::new(op, ErrorKind::Transient, "HTTP 503").with_code("ServiceUnavailable")
            );
        }
        s.calls.push(op.to_string());
        Ok(())
    }
}

impl State {
    fn event(&mut self, message: String) {
        self.event_seq += 1;
        let id = format!("e{}", self.event_seq);
        let created_at = format!("2026-11-22T10:{:02}:00Z", self.event_seq);
        self.events.insert(
            0,
            ServiceEvent {
                id,
                created_at,
                message,
            },
        );
    }

    fn tag_of(&self, arn: &str) -> String {
        let td = self.task_definitions.iter().find(|t| t.arn == arn).unwrap();
        td.containers[0]
            .image
            .rsplit(':')
            .next()
            .unwrap()
            .to_string()
    }

    /// Moves each rollout one poll forward.
    fn step(&mut self) {
        let desired = self.desired;
        let mut events = Vec::new();
        let mut roll_back_to = None;
        let n = self.deployments.len();
        for i in 0..n {
            let previous = self
                .deployments
                .iter()
                .find(|d| d.d.status == DeploymentStatus::Active)
                .map(|d| d.d.task_definition.clone());
            let dep = &mut self.deployments[i];
            if dep.d.status != DeploymentStatus::Primary
                || dep.d.rollout != Some(Rollout::InProgress)
            {
                continue;
            }
            dep.polls += 1;
            match dep.script {
                Script::Completes(after) => {
                    if dep.polls >= after {
                        dep.d.running = desired;
                        dep.d.pending = 0;
                        dep.d.rollout = Some(Rollout::Completed);
                        events.push(format!("(service {SERVICE}) has reached a steady state."));
                    } else {
                        dep.d.running = (dep.polls as i32).min(desired);
                        dep.d.pending = desired - dep.d.running;
                        events.push(format!(
                            "(service {SERVICE}) has started 1 tasks: (task {}).",
                            dep.polls
                        ));
                    }
                }
                Script::TripsBreaker(after) => {
                    dep.d.pending = desired;
                    if dep.polls >= after {
                        dep.d.failed_tasks = 3;
                        dep.d.rollout = Some(Rollout::Failed);
                        dep.d.rollout_reason = Some(
                            "ECS deployment circuit breaker: tasks failed to start.".to_string(),
                        );
                        events.push(format!(
                            "(service {SERVICE}) (deployment {}) deployment failed: tasks failed to start.",
                            dep.d.id
                        ));
                        if self.breaker.is_some_and(|b| b.rollback) {
                            roll_back_to = previous;
                        }
                    }
                }
                Script::FailsHealthChecks => {
                    dep.d.failed_tasks += 1;
                    dep.d.running = 0;
                    dep.d.pending = desired;
                    events.push(format!(
                        "(service {SERVICE}) (task t{}) failed ELB health checks in (target-group shop-prod-api).",
                        dep.polls
                    ));
                }
                Script::Hangs => {
                    dep.d.pending = desired;
                }
            }
        }
        for e in events {
            self.event(e);
        }
        if self.deployments.iter().any(|d| {
            d.d.status == DeploymentStatus::Primary && d.d.rollout == Some(Rollout::Completed)
        }) {
            // A completed primary drains the others.
            self.deployments
                .retain(|d| d.d.status == DeploymentStatus::Primary);
        }
        if let Some(previous) = roll_back_to {
            self.start(&previous, Script::Completes(1));
        }
    }

    fn start(&mut self, task_definition: &str, script: Script) {
        for d in &mut self.deployments {
            if d.d.status == DeploymentStatus::Primary {
                d.d.status = DeploymentStatus::Active;
            }
        }
        let id = format!("ecs-svc/{}", self.deployments.len() + 100);
        self.deployments.insert(
            0,
            Dep {
                d: Deployment {
                    id,
                    status: DeploymentStatus::Primary,
                    task_definition: task_definition.to_string(),
                    desired: self.desired,
                    running: 0,
                    pending: 0,
                    failed_tasks: 0,
                    rollout: Some(Rollout::InProgress),
                    rollout_reason: None,
                },
                script,
                polls: 0,
            },
        );
    }

    fn service(&self) -> Service {
        let primary = self
            .deployments
            .iter()
            .find(|d| d.d.status == DeploymentStatus::Primary)
            .unwrap();
        Service {
            arn: format!("arn:aws:ecs:us-east-1:123456789012:service/{CLUSTER}/{SERVICE}"),
            name: SERVICE.to_string(),
            cluster_arn: format!("arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"),
            status: "ACTIVE".to_string(),
            task_definition: primary.d.task_definition.clone(),
            desired: self.desired,
            running: self.deployments.iter().map(|d| d.d.running).sum(),
            pending: self.deployments.iter().map(|d| d.d.pending).sum(),
            deployments: self.deployments.iter().map(|d| d.d.clone()).collect(),
            events: self.events.clone(),
            load_balancers: vec![LoadBalancer {
                target_group_arn: Some(
                    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-api/1"
                        .to_string(),
                ),
                container_name: Some("api".to_string()),
                container_port: Some(8000),
            }],
            circuit_breaker: self.breaker,
            network: Some(Network {
                subnets: vec!["subnet-a".to_string()],
                security_groups: vec!["sg-1".to_string()],
                assign_public_ip: false,
            }),
            launch_type: None,
            capacity_provider_strategy: vec![CapacityProvider {
                name: "FARGATE".to_string(),
                base: 1,
                weight: 1,
            }],
            platform_version: Some("LATEST".to_string()),
            enable_execute_command: false,
            deployment_controller: self.controller.clone(),
        }
    }
}

impl Aws for FakeAws {
    fn describe_service(&self, cluster: &str, service: &str) -> Result<Option<Service>, AwsError> {
        self.enter("ecs:DescribeServices")?;
        let mut s = self.state.borrow_mut();
        if cluster != CLUSTER || service != SERVICE {
            return Ok(None);
        }
        s.step();
        Ok(Some(s.service()))
    }

    fn describe_cluster(&self, cluster: &str) -> Result<Option<Cluster>, AwsError> {
        self.enter("ecs:DescribeClusters")?;
        Ok((cluster == CLUSTER).then(|| Cluster {
            arn: format!("arn:aws:ecs:us-east-1:123456789012:cluster/{CLUSTER}"),
            name: CLUSTER.to_string(),
            status: "ACTIVE".to_string(),
        }))
    }

    fn list_services(&self, _cluster: &str) -> Result<Vec<String>, AwsError> {
        self.enter("ecs:ListServices")?;
        Ok(vec![SERVICE.to_string()])
    }

    fn describe_task_definition(&self, name: &str) -> Result<TaskDefinition, AwsError> {
        self.enter("ecs:DescribeTaskDefinition")?;
        let s = self.state.borrow();
        s.task_definitions
            .iter()
            .rev()
            .find(|t| t.arn == name || t.name() == name || t.family == name)
            .cloned()
            .ok_or_else(|| {
                AwsError::new(
                    "ecs:DescribeTaskDefinition",
                    ErrorKind::Other,
                    "Unable to describe task definition.",
                )
                .with_code("ClientException")
            })
    }

    fn register_task_definition(
        &self,
        base: &TaskDefinition,
        images: &[(String, String)],
    ) -> Result<TaskDefinition, AwsError> {
        self.enter("ecs:RegisterTaskDefinition")?;
        let mut s = self.state.borrow_mut();
        let revision = s
            .task_definitions
            .iter()
            .filter(|t| t.family == base.family)
            .count() as i32
            + 1;
        let mut new = base.clone();
        new.revision = revision;
        new.arn = format!("{TD_PREFIX}{}:{revision}", base.family);
        for c in &mut new.containers {
            if let Some((_, image)) = images.iter().find(|(n, _)| *n == c.name) {
                c.image = image.clone();
            }
        }
        s.task_definitions.push(new.clone());
        Ok(new)
    }

    fn list_task_definitions(&self, family: &str) -> Result<Vec<String>, AwsError> {
        self.enter("ecs:ListTaskDefinitions")?;
        let s = self.state.borrow();
        Ok(s.task_definitions
            .iter()
            .filter(|t| t.family == family)
            .rev()
            .map(|t| t.arn.clone())
            .collect())
    }

    fn update_service(
        &self,
        _cluster: &str,
        _service: &str,
        task_definition: &str,
    ) -> Result<Service, AwsError> {
        self.enter(&format!(
            "ecs:UpdateService {}",
            task_definition.rsplit('/').next().unwrap()
        ))?;
        let mut s = self.state.borrow_mut();
        let tag = s.tag_of(task_definition);
        let script = s.scripts.get(&tag).copied().unwrap_or(Script::Completes(2));
        s.start(task_definition, script);
        Ok(s.service())
    }

    fn image_exists(
        &self,
        _registry: &str,
        repository: &str,
        tag: &str,
    ) -> Result<ImageCheck, AwsError> {
        self.enter("ecr:DescribeImages")?;
        if repository != "shop-prod-api" {
            return Ok(ImageCheck::RepositoryMissing);
        }
        Ok(if self.state.borrow().tags.contains(tag) {
            ImageCheck::Found
        } else {
            ImageCheck::TagMissing
        })
    }

    fn alarms_in_alarm(&self, _prefix: &str) -> Result<Vec<Alarm>, AwsError> {
        self.enter("cloudwatch:DescribeAlarms")?;
        Ok(vec![Alarm {
            name: "shop-prod-api-cpu-high".to_string(),
            reason: "Threshold Crossed: 3 datapoints were greater than 80.0".to_string(),
        }])
    }

    fn describe_target_group(&self, arn: &str) -> Result<Option<TargetGroup>, AwsError> {
        self.enter("elasticloadbalancing:DescribeTargetGroups")?;
        Ok(Some(TargetGroup {
            arn: arn.to_string(),
            name: "shop-prod-api".to_string(),
            port: Some(self.state.borrow().target_group_port),
            target_type: Some("ip".to_string()),
        }))
    }

    fn role_trust_policy(&self, role: &str) -> Result<Option<String>, AwsError> {
        self.enter("iam:GetRole")?;
        let s = self.state.borrow();
        Ok(Some(if role.ends_with("-task") {
            s.task_role_trust.clone()
        } else {
            ECS_TASKS_TRUST.to_string()
        }))
    }

    fn run_task(&self, request: &RunTask) -> Result<String, AwsError> {
        self.enter(&format!(
            "ecs:RunTask {}",
            if request.command.is_empty() {
                request
                    .task_definition
                    .trim_start_matches(TD_PREFIX)
                    .to_string()
            } else {
                request.command.join(" ")
            }
        ))?;
        let mut s = self.state.borrow_mut();
        let arn = format!(
            "arn:aws:ecs:us-east-1:123456789012:task/{CLUSTER}/{}",
            request.client_token
        );
        // As ECS: a client token already used returns the task it started.
        if !s.tasks.contains_key(&arn) {
            s.runs.push(request.clone());
            s.tasks.insert(
                arn.clone(),
                FakeTask {
                    polls: 0,
                    request: request.clone(),
                },
            );
        }
        Ok(arn)
    }

    fn describe_task(&self, _cluster: &str, task: &str) -> Result<Option<Task>, AwsError> {
        self.enter("ecs:DescribeTasks")?;
        let mut s = self.state.borrow_mut();
        let s = &mut *s;
        let Some(t) = s.tasks.get_mut(task) else {
            return Ok(None);
        };
        t.polls += 1;
        let check = t.request.started_by == "wharf-release-check";
        let (exit, never_runs) = match (&s.check, check) {
            (_, false) => (s.run_exit_code, None),
            (Check::Exits(code), true) => (Some(*code), None),
            (Check::NeverRuns(why), true) => (None, Some(*why)),
            (Check::Hangs, true) => (None, None),
        };
        let hangs = check && s.check == Check::Hangs;
        let status = match t.polls {
            1 => "PROVISIONING",
            2 => "PENDING",
            _ if hangs => "RUNNING",
            3 => "RUNNING",
            _ => "STOPPED",
        };
        let stopped = status == "STOPPED";
        Ok(Some(Task {
            arn: task.to_string(),
            last_status: status.to_string(),
            stopped_reason: stopped.then(|| "Essential container in task exited".to_string()),
            stop_code: stopped.then(|| "EssentialContainerExited".to_string()),
            containers: vec![TaskContainer {
                name: t.request.container.clone(),
                exit_code: if stopped { exit } else { None },
                reason: if stopped && exit.is_none() {
                    Some(
                        never_runs
                            .unwrap_or(
                                "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
                            )
                            .to_string(),
                    )
                } else {
                    None
                },
            }],
        }))
    }

    fn describe_target_group_named(&self, name: &str) -> Result<Option<TargetGroup>, AwsError> {
        self.enter("elasticloadbalancing:DescribeTargetGroups")?;
        let s = self.state.borrow();
        let known =
            s.cd.as_ref()
                .is_some_and(|cd| cd.group.target_groups.iter().any(|t| t == name));
        Ok(known.then(|| TargetGroup {
            arn: format!(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/{name}/1"
            ),
            name: name.to_string(),
            port: Some(s.target_group_port),
            target_type: Some("ip".to_string()),
        }))
    }

    fn describe_listener(&self, arn: &str) -> Result<Option<Listener>, AwsError> {
        self.enter("elasticloadbalancing:DescribeListeners")?;
        Ok(Some(Listener {
            arn: arn.to_string(),
            port: arn.rsplit('/').next().and_then(|p| p.parse().ok()),
            protocol: Some("HTTPS".to_string()),
        }))
    }

    fn get_deployment_group(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Option<DeploymentGroup>, AwsError> {
        self.enter("codedeploy:GetDeploymentGroup")?;
        self.advance();
        let s = self.state.borrow();
        let Some(cd) = s.cd.as_ref() else {
            return Ok(None);
        };
        if cd.group.application != application || cd.group.name != group {
            return Ok(None);
        }
        let mut g = cd.group.clone();
        let last = |r: &FakeRelease| LastRelease {
            id: r.id.clone(),
            status: r.status.clone(),
            created_at: Some(format!(
                "2026-11-22T10:{:02}:00Z",
                r.created.as_secs() / 60 % 60
            )),
        };
        g.last_attempted = cd.releases.last().map(last);
        g.last_succeeded = cd
            .releases
            .iter()
            .rev()
            .find(|r| r.status == ReleaseStatus::Succeeded)
            .map(last);
        Ok(Some(g))
    }

    fn get_deployment_config(&self, name: &str) -> Result<Option<Traffic>, AwsError> {
        self.enter("codedeploy:GetDeploymentConfig")?;
        let s = self.state.borrow();
        let cd = s.cd.as_ref().expect("a CodeDeploy fake");
        Ok(match name {
            "CodeDeployDefault.ECSAllAtOnce" => Some(Traffic::AllAtOnce),
            _ if name == cd.group.deployment_config => Some(cd.traffic),
            _ => None,
        })
    }

    fn list_active_deployments(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Vec<String>, AwsError> {
        self.enter("codedeploy:ListDeployments")?;
        self.advance();
        let g = &self.cd().group;
        if g.application != application || g.name != group {
            return Err(AwsError::new(
                "codedeploy:ListDeployments",
                ErrorKind::Other,
                "No Deployment Group found for name",
            )
            .with_code("DeploymentGroupDoesNotExistException"));
        }
        Ok(self
            .cd()
            .releases
            .iter()
            .filter(|r| r.status.is_active())
            .map(|r| r.id.clone())
            .collect())
    }

    fn get_deployment(&self, id: &str) -> Result<wharf_deploy::aws::Release, AwsError> {
        self.enter("codedeploy:GetDeployment")?;
        self.advance();
        let cd = self.cd();
        let r = cd.releases.iter().find(|r| r.id == id).ok_or_else(|| {
            AwsError::new(
                "codedeploy:GetDeployment",
                ErrorKind::Other,
                "no such deployment",
            )
            .with_code("DeploymentDoesNotExistException")
        })?;
        Ok(wharf_deploy::aws::Release {
            id: r.id.clone(),
            status: r.status.clone(),
            deployment_config: Some(r.config.clone()),
            task_definition: Some(r.task_definition.clone()).filter(|t| !t.is_empty()),
            error: r.error.clone(),
            rollback_deployment: r.rollback.clone(),
            rolls_back: r.rolls_back.clone(),
            rollback_message: None,
        })
    }

    fn create_deployment(&self, release: &NewRelease) -> Result<String, AwsError> {
        self.enter("codedeploy:CreateDeployment")?;
        self.advance();
        let now = self.clock.elapsed();
        let mut s = self.state.borrow_mut();
        let s = &mut *s;
        let cd = s.cd.as_mut().expect("a CodeDeploy fake");
        if cd.releases.iter().any(|r| r.status.is_active()) {
            return Err(AwsError::new(
                "codedeploy:CreateDeployment",
                ErrorKind::Other,
                "The Deployment Group already has an active Deployment",
            )
            .with_code("DeploymentLimitExceededException"));
        }
        let spec: serde_json::Value =
            serde_json::from_str(&release.app_spec).expect("JSON AppSpec");
        let td = spec["Resources"][0]["TargetService"]["Properties"]["TaskDefinition"]
            .as_str()
            .expect("a TaskDefinition")
            .to_string();
        let tag = s
            .task_definitions
            .iter()
            .find(|t| t.arn == td)
            .map(|t| {
                t.containers[0]
                    .image
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .unwrap_or_default();
        let id = format!("d-FAKE{}", cd.releases.len() + 1);
        let lose = std::mem::take(&mut s.lose_create_response);
        cd.releases.push(FakeRelease {
            id: id.clone(),
            task_definition: td,
            app_spec: release.app_spec.clone(),
            config: release
                .deployment_config
                .clone()
                .unwrap_or_else(|| cd.group.deployment_config.clone()),
            created: now,
            script: cd.scripts.get(&tag).copied().unwrap_or(Release::Succeeds),
            status: ReleaseStatus::Created,
            error: None,
            rollback: None,
            rolls_back: None,
            ended: None,
            continued: None,
        });
        if lose {
            return Err(AwsError::new(
                "codedeploy:CreateDeployment",
                ErrorKind::Transient,
                "HTTP 503",
            )
            .with_code("ServiceUnavailable"));
        }
        Ok(id)
    }

    fn stop_deployment(&self, id: &str, auto_rollback: bool) -> Result<(), AwsError> {
        self.enter(&format!("codedeploy:StopDeployment {id}"))?;
        self.advance();
        let now = self.clock.elapsed();
        let mut s = self.state.borrow_mut();
        let cd = s.cd.as_mut().expect("a CodeDeploy fake");
        let ready_wait = cd.group.ready_wait_minutes;
        let Some(r) = cd
            .releases
            .iter_mut()
            .find(|r| r.id == id && r.status.is_active())
        else {
            return Err(AwsError::new(
                "codedeploy:StopDeployment",
                ErrorKind::Other,
                "The deployment is already completed",
            )
            .with_code("DeploymentAlreadyCompletedException"));
        };
        r.status = ReleaseStatus::Stopped;
        r.error = Some("MANUAL_STOP: The deployment was stopped by the user.".to_string());
        r.ended = Some(r.script_time(ready_wait, now - r.created).0);
        if auto_rollback {
            let rb = start_rollback(cd, id, now);
            if let Some(r) = cd.releases.iter_mut().find(|r| r.id == id) {
                r.rollback = Some(rb);
            }
        }
        Ok(())
    }

    fn continue_deployment(&self, id: &str) -> Result<(), AwsError> {
        self.enter(&format!("codedeploy:ContinueDeployment {id}"))?;
        self.advance();
        let now = self.clock.elapsed();
        let mut s = self.state.borrow_mut();
        let cd = s.cd.as_mut().expect("a CodeDeploy fake");
        let Some(r) = cd
            .releases
            .iter_mut()
            .find(|r| r.id == id && r.status == ReleaseStatus::Ready)
        else {
            return Err(AwsError::new(
                "codedeploy:ContinueDeployment",
                ErrorKind::Other,
                "The deployment is not in a ready state",
            )
            .with_code("DeploymentIsNotInReadyStateException"));
        };
        r.continued = Some(now - r.created);
        r.status = ReleaseStatus::InProgress;
        Ok(())
    }

    fn list_deployment_targets(&self, id: &str) -> Result<Vec<String>, AwsError> {
        self.enter("codedeploy:ListDeploymentTargets")?;
        self.advance();
        // As CodeDeploy: a deployment that has not started has no targets to list.
        let started = self.cd().releases.iter().any(|r| {
            r.id == id && !matches!(r.status, ReleaseStatus::Created | ReleaseStatus::Queued)
        });
        if !started {
            return Err(AwsError::new(
                "codedeploy:ListDeploymentTargets",
                ErrorKind::Other,
                "The deployment has not started",
            )
            .with_code("DeploymentNotStartedException"));
        }
        Ok(vec![format!("{CLUSTER}:{SERVICE}")])
    }

    fn get_deployment_target(
        &self,
        id: &str,
        _target_id: &str,
    ) -> Result<Option<ReleaseTarget>, AwsError> {
        self.enter("codedeploy:BatchGetDeploymentTargets")?;
        self.advance();
        let now = self.clock.elapsed();
        let s = self.state.borrow();
        let cd = s.cd.as_ref().expect("a CodeDeploy fake");
        let Some(r) = cd.releases.iter().find(|r| r.id == id) else {
            return Ok(None);
        };
        Ok(Some(target_view(cd, r, now, s.desired as i64)))
    }
}

/// Runs `work` with a plain (not live) progress writer; its result, an error as its text,
/// and what it printed.
pub fn captured<T>(
    work: impl FnOnce(&mut wharf_deploy::Progress) -> Result<T, wharf_deploy::Error>,
) -> (Result<T, String>, String) {
    let buffer = Buffer::default();
    let mut out = wharf_deploy::Progress::new(Box::new(buffer.clone()), false);
    let result = work(&mut out).map_err(|e| e.to_string());
    drop(out);
    (result, buffer.text())
}

/// A writer the test can read back.
#[derive(Clone, Default)]
pub struct Buffer(pub Rc<RefCell<Vec<u8>>>);

impl Buffer {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).unwrap()
    }
}

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// CodeDeploy's rollback of `of`: a deployment of the original revision, started `at`.
fn start_rollback(cd: &mut Cd, of: &str, at: Duration) -> String {
    let id = format!("d-ROLLBACK{}", cd.releases.len() + 1);
    cd.releases.push(FakeRelease {
        id: id.clone(),
        task_definition: String::new(),
        app_spec: String::new(),
        config: "CodeDeployDefault.ECSAllAtOnce".to_string(),
        created: at,
        script: Release::Succeeds,
        status: ReleaseStatus::Created,
        error: None,
        rollback: None,
        rolls_back: Some(of.to_string()),
        ended: None,
        continued: None,
    });
    id
}

/// A deployment's ECS target at `now`: its lifecycle events, and the original (Blue) and
/// replacement (Green) task sets with their share of production traffic.
fn target_view(cd: &Cd, r: &FakeRelease, now: Duration, desired: i64) -> ReleaseTarget {
    let t = r.ended.unwrap_or_else(|| {
        r.script_time(cd.group.ready_wait_minutes, now - r.created)
            .0
    });
    let shift = if r.config == "CodeDeployDefault.ECSAllAtOnce" || r.rolls_back.is_some() {
        Duration::ZERO
    } else {
        secs(u64::from(cd.traffic.shift_minutes()) * 60)
    };
    let installed = if r.rolls_back.is_some() {
        secs(0)
    } else {
        secs(INSTALLED_S)
    };
    let hangs = r.script == Release::Hangs;
    let failed_install = r.script == Release::FailsInstall && r.status == ReleaseStatus::Failed;
    let phase = |from: Duration, to: Duration| -> &'static str {
        if t >= to {
            "Succeeded"
        } else if t >= from {
            "InProgress"
        } else {
            "Pending"
        }
    };
    let install = if failed_install {
        "Failed"
    } else if hangs && t >= secs(QUEUED_S) {
        "InProgress"
    } else {
        phase(secs(QUEUED_S).min(installed), installed)
    };
    let after_install = if install == "Succeeded" {
        "Succeeded"
    } else {
        "Pending"
    };
    // A held release waits on the test listener: no production traffic moves until it
    // is continued.
    let held =
        cd.group.ready_wait_minutes.is_some() && r.rolls_back.is_none() && r.continued.is_none();
    let allow = if install == "Succeeded" && !held {
        phase(installed, installed + shift)
    } else {
        "Pending"
    };
    let after_allow = if allow == "Succeeded" {
        "Succeeded"
    } else {
        "Pending"
    };
    let stopped = matches!(r.status, ReleaseStatus::Stopped | ReleaseStatus::Failed);
    let weight = match (allow, cd.traffic) {
        _ if stopped => 0.0,
        ("Succeeded", _) => 100.0,
        ("InProgress", Traffic::Canary { percent, .. }) => f64::from(percent),
        (
            "InProgress",
            Traffic::Linear {
                percent,
                interval_minutes,
            },
        ) => {
            let steps = (t - installed).as_secs() / (u64::from(interval_minutes) * 60) + 1;
            (f64::from(percent) * steps as f64).min(100.0)
        }
        _ => 0.0,
    };
    let running = if install == "Succeeded" { desired } else { 0 };
    let events = [
        (
            "BeforeInstall",
            if t >= secs(QUEUED_S).min(installed) {
                "Succeeded"
            } else {
                "Pending"
            },
        ),
        ("Install", install),
        ("AfterInstall", after_install),
        ("BeforeAllowTraffic", after_install),
        ("AllowTraffic", allow),
        ("AfterAllowTraffic", after_allow),
    ];
    ReleaseTarget {
        lifecycle_events: events
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect(),
        task_sets: vec![
            ReleaseTaskSet {
                label: Some("Blue".to_string()),
                desired,
                running: desired,
                pending: 0,
                traffic_weight: 100.0 - weight,
                target_group: Some(SERVICE.to_string()),
            },
            ReleaseTaskSet {
                label: Some("Green".to_string()),
                desired,
                running,
                pending: desired - running,
                traffic_weight: weight,
                target_group: Some(format!("{SERVICE}-2")),
            },
        ],
    }
}
