//! What wharf asks of AWS, as a trait: the SDK implements it for real, and tests implement
//! it with a fake that can fail in the ways AWS does (throttling, 5xx, stuck rollouts).
//!
//! The types here carry only what the release logic reads. Nothing secret is in them: a
//! task definition's environment values and secret references stay inside the SDK types.

use std::collections::BTreeMap;
use std::fmt;

/// One AWS API call that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The API call, as IAM names it: `ecs:DescribeServices`.
    pub operation: String,
    pub kind: ErrorKind,
    /// AWS's error code, such as `ThrottlingException`, when it gave one.
    pub code: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Too many requests: retried with backoff.
    Throttling,
    /// A 5xx, a timeout or a dropped connection: retried with backoff.
    Transient,
    /// Missing or rejected credentials, or a call the identity may not make.
    Denied,
    /// Anything else: a bad request, or a resource that does not exist.
    Other,
}

impl AwsError {
    pub fn new(operation: &str, kind: ErrorKind, message: impl Into<String>) -> AwsError {
        AwsError {
            operation: operation.to_string(),
            kind,
            code: None,
            message: message.into(),
        }
    }

    pub fn with_code(mut self, code: impl Into<String>) -> AwsError {
        self.code = Some(code.into());
        self
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Throttling | ErrorKind::Transient)
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: ", self.operation)?;
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for AwsError {}

/// An ECS service and its deployments, as `ecs:DescribeServices` gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub arn: String,
    pub name: String,
    pub cluster_arn: String,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    pub status: String,
    /// The task definition ARN of the primary deployment.
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    /// Newest first, as ECS lists them.
    pub deployments: Vec<Deployment>,
    /// Newest first, as ECS lists them.
    pub events: Vec<ServiceEvent>,
    pub load_balancers: Vec<LoadBalancer>,
    pub circuit_breaker: Option<CircuitBreaker>,
    pub network: Option<Network>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProvider>,
    pub platform_version: Option<String>,
    pub enable_execute_command: bool,
    pub deployment_controller: DeploymentController,
}

/// Who releases a service's new revisions, as ECS reports it.
/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentController.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploymentController {
    /// ECS's rolling update (also when the service names none).
    Ecs,
    /// CodeDeploy's blue/green releases.
    CodeDeploy,
    /// A controller of the user's own, through task sets.
    External,
    /// A controller this version of wharf does not know, as ECS wrote it.
    Other(String),
}

impl DeploymentController {
    pub fn parse(controller: Option<&str>) -> DeploymentController {
        match controller {
            None | Some("ECS") => DeploymentController::Ecs,
            Some("CODE_DEPLOY") => DeploymentController::CodeDeploy,
            Some("EXTERNAL") => DeploymentController::External,
            Some(other) => DeploymentController::Other(other.to_string()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub id: String,
    pub status: DeploymentStatus,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed_tasks: i32,
    pub rollout: Option<Rollout>,
    pub rollout_reason: Option<String>,
}

/// A deployment's place in its service, as ECS reports it.
/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploymentStatus {
    /// The newest deployment: the one the service is moving to.
    Primary,
    /// An older deployment whose tasks are being replaced.
    Active,
    /// A deployment whose tasks are all replaced.
    Inactive,
    /// A status this version of wharf does not know, as ECS wrote it.
    Other(String),
}

impl DeploymentStatus {
    pub fn parse(status: &str) -> DeploymentStatus {
        match status {
            "PRIMARY" => DeploymentStatus::Primary,
            "ACTIVE" => DeploymentStatus::Active,
            "INACTIVE" => DeploymentStatus::Inactive,
            other => DeploymentStatus::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            DeploymentStatus::Primary => "PRIMARY",
            DeploymentStatus::Active => "ACTIVE",
            DeploymentStatus::Inactive => "INACTIVE",
            DeploymentStatus::Other(s) => s,
        }
    }
}

/// A deployment's rollout state, as ECS reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollout {
    InProgress,
    Completed,
    Failed,
}

impl Rollout {
    pub fn as_str(self) -> &'static str {
        match self {
            Rollout::InProgress => "IN_PROGRESS",
            Rollout::Completed => "COMPLETED",
            Rollout::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEvent {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancer {
    pub target_group_arn: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityProvider {
    pub name: String,
    pub base: i32,
    pub weight: i32,
}

/// The parts of a task definition a release reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub containers: Vec<Container>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// The task definition's tags, by key.
    pub tags: BTreeMap<String, String>,
}

impl TaskDefinition {
    /// `family:revision`, as the console and the CLI show it.
    pub fn name(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub essential: bool,
    pub container_ports: Vec<i32>,
    /// The entry point and command, as the task definition gives them.
    pub entry_point: Vec<String>,
    pub command: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    pub arn: String,
    pub name: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    pub port: Option<i32>,
    pub target_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    pub name: String,
    pub reason: String,
}

/// One task, as `ecs:DescribeTasks` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub arn: String,
    /// `PROVISIONING`, `PENDING`, `RUNNING`, `STOPPED`, …
    pub last_status: String,
    pub stopped_reason: Option<String>,
    pub stop_code: Option<String>,
    pub containers: Vec<TaskContainer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskContainer {
    pub name: String,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
}

/// A one-off task on a service's network, roles and capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTask {
    pub cluster: String,
    pub task_definition: String,
    pub container: String,
    pub command: Vec<String>,
    pub network: Option<Network>,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProvider>,
    pub platform_version: Option<String>,
    pub started_by: String,
    /// Makes `ecs:RunTask` idempotent, so a call retried after a lost response starts
    /// one task, not two.
    pub client_token: String,
}

/// Whether an image tag is in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageCheck {
    Found,
    TagMissing,
    RepositoryMissing,
}

/// A CodeDeploy deployment group of an ECS service, as `codedeploy:GetDeploymentGroup`
/// gives it: what a blue/green release needs to know before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentGroup {
    pub application: String,
    pub name: String,
    pub deployment_config: String,
    /// `(cluster, service)` names.
    pub ecs_services: Vec<(String, String)>,
    /// The two target groups, by name.
    pub target_groups: Vec<String>,
    pub prod_listeners: Vec<String>,
    pub test_listeners: Vec<String>,
    /// Minutes the original (blue) tasks are kept after all traffic moved; `None` when
    /// they are kept until someone ends the deployment.
    pub termination_wait_minutes: Option<u32>,
    /// Minutes a deployment whose new tasks are up waits (`Ready`) for
    /// `codedeploy:ContinueDeployment` before CodeDeploy stops it; `None` when traffic
    /// moves at once (the ready option `CONTINUE_DEPLOYMENT`).
    pub ready_wait_minutes: Option<u32>,
    /// Automatic rollback is on, and on which events (`DEPLOYMENT_FAILURE`, …).
    pub auto_rollback: bool,
    pub rollback_events: Vec<String>,
    /// Alarms that stop a release, when alarm monitoring is on.
    pub alarms: Vec<String>,
    pub last_attempted: Option<LastRelease>,
    pub last_succeeded: Option<LastRelease>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastRelease {
    pub id: String,
    pub status: ReleaseStatus,
    /// RFC 3339, UTC.
    pub created_at: Option<String>,
}

/// A CodeDeploy deployment, as `codedeploy:GetDeployment` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub id: String,
    pub status: ReleaseStatus,
    pub deployment_config: Option<String>,
    /// The AppSpec's `TaskDefinition`, when its content is JSON wharf can read.
    pub task_definition: Option<String>,
    /// `CODE: message` of a failed or stopped deployment.
    pub error: Option<String>,
    /// The deployment CodeDeploy started to roll this one back.
    pub rollback_deployment: Option<String>,
    /// For a rollback, the deployment it rolls back.
    pub rolls_back: Option<String>,
    pub rollback_message: Option<String>,
}

/// A CodeDeploy deployment's status.
/// <https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html>
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseStatus {
    Created,
    Queued,
    InProgress,
    /// Traffic has moved; CodeDeploy waits out the bake time before it ends the release.
    Baking,
    /// The replacement tasks wait for `codedeploy:ContinueDeployment` to take traffic.
    Ready,
    Succeeded,
    Failed,
    Stopped,
    /// A status this version of wharf does not know, as CodeDeploy wrote it.
    Other(String),
}

impl ReleaseStatus {
    pub const ACTIVE: [ReleaseStatus; 5] = [
        ReleaseStatus::Created,
        ReleaseStatus::Queued,
        ReleaseStatus::InProgress,
        ReleaseStatus::Baking,
        ReleaseStatus::Ready,
    ];

    pub fn parse(status: &str) -> ReleaseStatus {
        match status {
            "Created" => ReleaseStatus::Created,
            "Queued" => ReleaseStatus::Queued,
            "InProgress" => ReleaseStatus::InProgress,
            "Baking" => ReleaseStatus::Baking,
            "Ready" => ReleaseStatus::Ready,
            "Succeeded" => ReleaseStatus::Succeeded,
            "Failed" => ReleaseStatus::Failed,
            "Stopped" => ReleaseStatus::Stopped,
            other => ReleaseStatus::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ReleaseStatus::Created => "Created",
            ReleaseStatus::Queued => "Queued",
            ReleaseStatus::InProgress => "InProgress",
            ReleaseStatus::Baking => "Baking",
            ReleaseStatus::Ready => "Ready",
            ReleaseStatus::Succeeded => "Succeeded",
            ReleaseStatus::Failed => "Failed",
            ReleaseStatus::Stopped => "Stopped",
            ReleaseStatus::Other(s) => s,
        }
    }

    /// Not ended yet: CodeDeploy allows one such deployment per group.
    pub fn is_active(&self) -> bool {
        ReleaseStatus::ACTIVE.contains(self)
    }
}

/// Where a CodeDeploy release of an ECS service is, as
/// `codedeploy:BatchGetDeploymentTargets` gives its one ECS target.
#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseTarget {
    /// `(name, status)` of each lifecycle event, in order: `BeforeInstall`, `Install`,
    /// `AfterInstall`, `BeforeAllowTraffic`, `AllowTraffic`, `AfterAllowTraffic`, …
    pub lifecycle_events: Vec<(String, String)>,
    pub task_sets: Vec<ReleaseTaskSet>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReleaseTaskSet {
    /// `Blue` (the original tasks) or `Green` (the replacement), as CodeDeploy labels them.
    pub label: Option<String>,
    pub desired: i64,
    pub running: i64,
    pub pending: i64,
    /// Percent of production traffic.
    pub traffic_weight: f64,
    pub target_group: Option<String>,
}

impl ReleaseTarget {
    /// The replacement task set, whatever the case of its label.
    pub fn green(&self) -> Option<&ReleaseTaskSet> {
        self.task_sets.iter().find(|t| {
            t.label
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case("green"))
        })
    }
}

/// A `codedeploy:CreateDeployment` of an ECS revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelease {
    pub application: String,
    pub deployment_group: String,
    /// The AppSpec, as JSON.
    pub app_spec: String,
    pub description: String,
    /// Overrides the group's deployment configuration (a rollback goes all at once).
    pub deployment_config: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub arn: String,
    pub port: Option<i32>,
    pub protocol: Option<String>,
}

/// The AWS calls wharf makes. Each method is one API call (or one page-through), so that
/// retries wrap exactly one request and a fake can fail any one of them.
pub trait Aws {
    /// `ecs:DescribeServices`; `None` when the service does not exist or is INACTIVE.
    fn describe_service(&self, cluster: &str, service: &str) -> Result<Option<Service>, AwsError>;
    /// `ecs:DescribeClusters`; `None` when the cluster does not exist.
    fn describe_cluster(&self, cluster: &str) -> Result<Option<Cluster>, AwsError>;
    /// `ecs:ListServices`, every page: service ARNs.
    fn list_services(&self, cluster: &str) -> Result<Vec<String>, AwsError>;
    /// `ecs:DescribeTaskDefinition` of an ARN or `family:revision`.
    fn describe_task_definition(&self, task_definition: &str) -> Result<TaskDefinition, AwsError>;
    /// `ecs:RegisterTaskDefinition` of a copy of `base` with the given containers' images
    /// replaced and nothing else changed.
    fn register_task_definition(
        &self,
        base: &TaskDefinition,
        images: &[(String, String)],
    ) -> Result<TaskDefinition, AwsError>;
    /// `ecs:ListTaskDefinitions` of a family, every page: ACTIVE revision ARNs, newest first.
    fn list_task_definitions(&self, family: &str) -> Result<Vec<String>, AwsError>;
    /// `ecs:UpdateService` to a task definition; returns the service as updated.
    fn update_service(
        &self,
        cluster: &str,
        service: &str,
        task_definition: &str,
    ) -> Result<Service, AwsError>;
    /// `ecr:DescribeImages` of one tag.
    fn image_exists(
        &self,
        registry_id: &str,
        repository: &str,
        tag: &str,
    ) -> Result<ImageCheck, AwsError>;
    /// `cloudwatch:DescribeAlarms` in state ALARM whose names start with `prefix`.
    fn alarms_in_alarm(&self, prefix: &str) -> Result<Vec<Alarm>, AwsError>;
    /// `elasticloadbalancing:DescribeTargetGroups` of one ARN; `None` when it does not exist.
    fn describe_target_group(&self, arn: &str) -> Result<Option<TargetGroup>, AwsError>;
    /// `iam:GetRole`: the role's trust policy document (JSON); `None` when it does not exist.
    fn role_trust_policy(&self, role_name: &str) -> Result<Option<String>, AwsError>;
    /// `ecs:RunTask`: the task's ARN.
    fn run_task(&self, request: &RunTask) -> Result<String, AwsError>;
    /// `ecs:DescribeTasks` of one task.
    fn describe_task(&self, cluster: &str, task: &str) -> Result<Option<Task>, AwsError>;
    /// `elasticloadbalancing:DescribeTargetGroups` of one name; `None` when it does not exist.
    fn describe_target_group_named(&self, name: &str) -> Result<Option<TargetGroup>, AwsError>;
    /// `elasticloadbalancing:DescribeListeners` of one ARN; `None` when it does not exist.
    fn describe_listener(&self, arn: &str) -> Result<Option<Listener>, AwsError>;
    /// `codedeploy:GetDeploymentGroup`; `None` when the application or group does not exist.
    fn get_deployment_group(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Option<DeploymentGroup>, AwsError>;
    /// `codedeploy:GetDeploymentConfig`: the traffic steps of an ECS configuration; `None`
    /// when it does not exist or is not time-based or all at once.
    fn get_deployment_config(
        &self,
        name: &str,
    ) -> Result<Option<wharf_aws::codedeploy::Traffic>, AwsError>;
    /// `codedeploy:ListDeployments` of a group that have not ended, every page.
    fn list_active_deployments(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Vec<String>, AwsError>;
    /// `codedeploy:GetDeployment`.
    fn get_deployment(&self, id: &str) -> Result<Release, AwsError>;
    /// `codedeploy:CreateDeployment`: the new deployment's ID.
    fn create_deployment(&self, release: &NewRelease) -> Result<String, AwsError>;
    /// `codedeploy:StopDeployment`, with or without the rollback CodeDeploy then starts.
    fn stop_deployment(&self, id: &str, auto_rollback: bool) -> Result<(), AwsError>;
    /// `codedeploy:ContinueDeployment` of a `Ready` deployment (wait type `READY_WAIT`):
    /// its new tasks take production traffic.
    fn continue_deployment(&self, id: &str) -> Result<(), AwsError>;
    /// `codedeploy:ListDeploymentTargets`: target IDs (one per ECS service), every page.
    fn list_deployment_targets(&self, id: &str) -> Result<Vec<String>, AwsError>;
    /// `codedeploy:BatchGetDeploymentTargets` of one ECS target; `None` when it has none.
    fn get_deployment_target(
        &self,
        id: &str,
        target_id: &str,
    ) -> Result<Option<ReleaseTarget>, AwsError>;
}
