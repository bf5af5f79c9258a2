//! What wharf asks of AWS, as a trait: the SDK implements it for real, and tests implement
//! it with a fake that can fail in the ways AWS does (throttling, 5xx, stuck rollouts).
//!
//! The types here carry only what the release logic reads. Nothing secret is in them: a
//! task definition's environment values and secret references stay inside the SDK types.

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
}
