//! [`Aws`] on the AWS SDK for Rust.
//!
//! Credentials and Region come from the standard chain (environment, shared config and
//! credentials files, IAM Identity Center, web identity, container and instance roles), and
//! `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_ECS`, …) points every client at an
//! AWS-compatible endpoint. The SDK's own retries are off: [`crate::retry`] is the policy.

use std::fmt::Debug;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_ecs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ecs::primitives::DateTimeFormat;
use aws_sdk_ecs::types as ecs;
use tokio::runtime::Runtime;

use crate::aws::*;

mod codedeploy;

/// The SDK clients, and a single-threaded runtime that drives them one call at a time.
pub struct SdkAws {
    runtime: Runtime,
    ecs: aws_sdk_ecs::Client,
    ecr: aws_sdk_ecr::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    iam: aws_sdk_iam::Client,
    codedeploy: aws_sdk_codedeploy::Client,
    region: String,
}

impl SdkAws {
    /// Loads the shared configuration. `region` overrides the chain's; it is an error if
    /// neither gives one.
    pub fn load(region: Option<&str>) -> Result<SdkAws, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the AWS client runtime: {e}"))?;
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled());
        if let Some(region) = region {
            loader = loader.region(Region::new(region.to_string()));
        }
        let config = runtime.block_on(loader.load());
        let Some(region) = config.region().map(|r| r.to_string()) else {
            return Err("no AWS Region is configured\nhelp: set AWS_REGION, give the profile a `region`, or pass --region".to_string());
        };
        Ok(SdkAws {
            ecs: aws_sdk_ecs::Client::new(&config),
            ecr: aws_sdk_ecr::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
            codedeploy: aws_sdk_codedeploy::Client::new(&config),
            runtime,
            region,
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    fn ecs_task_definition(
        &self,
        arn: &str,
    ) -> Result<(ecs::TaskDefinition, Vec<ecs::Tag>), AwsError> {
        const OP: &str = "ecs:DescribeTaskDefinition";
        let out = self
            .runtime
            .block_on(
                self.ecs
                    .describe_task_definition()
                    .task_definition(arn)
                    .include(ecs::TaskDefinitionField::Tags)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        let tags = out.tags().to_vec();
        let td = out.task_definition.ok_or_else(|| {
            AwsError::new(OP, ErrorKind::Other, "AWS returned no task definition")
        })?;
        Ok((td, tags))
    }
}

/// Classifies an SDK error: throttling and 5xx are retried, credentials problems are
/// `Denied`, the rest is final.
fn error<E>(operation: &str, err: SdkError<E>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    const THROTTLING: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
    ];
    const DENIED: &[&str] = &[
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "MissingAuthenticationToken",
    ];
    let (kind, code, message) = match &err {
        SdkError::ServiceError(ctx) => {
            let code = ctx.err().code().map(str::to_string);
            let status = ctx.raw().status().as_u16();
            let kind = match code.as_deref() {
                Some(c) if THROTTLING.contains(&c) => ErrorKind::Throttling,
                Some(c) if DENIED.contains(&c) => ErrorKind::Denied,
                _ if status == 429 => ErrorKind::Throttling,
                _ if status >= 500 => ErrorKind::Transient,
                _ => ErrorKind::Other,
            };
            let message = ctx
                .err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {status}"));
            (kind, code, message)
        }
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            (ErrorKind::Transient, None, causes(&err))
        }
        SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => {
            (ErrorKind::Transient, None, causes(&err))
        }
        // No credentials in the chain shows up here, before any request is sent.
        SdkError::DispatchFailure(_) => (ErrorKind::Denied, None, causes(&err)),
        _ => (ErrorKind::Other, None, causes(&err)),
    };
    AwsError {
        operation: operation.to_string(),
        kind,
        code,
        message,
    }
}

/// An error and its causes, each once, without the SDK's debug dump.
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Every page of a paginated call. `page` sends the request for one `nextToken` and
/// returns that page's items and the next token.
fn every_page<T>(
    mut page: impl FnMut(Option<String>) -> Result<(Vec<T>, Option<String>), AwsError>,
) -> Result<Vec<T>, AwsError> {
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let (more, next) = page(token)?;
        items.extend(more);
        match next {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

fn owned(s: Option<&str>) -> String {
    s.unwrap_or_default().to_string()
}

fn service(s: &ecs::Service) -> Service {
    Service {
        arn: owned(s.service_arn()),
        name: owned(s.service_name()),
        cluster_arn: owned(s.cluster_arn()),
        status: owned(s.status()),
        task_definition: owned(s.task_definition()),
        desired: s.desired_count(),
        running: s.running_count(),
        pending: s.pending_count(),
        deployments: s
            .deployments()
            .iter()
            .map(|d| Deployment {
                id: owned(d.id()),
                status: DeploymentStatus::parse(d.status().unwrap_or_default()),
                task_definition: owned(d.task_definition()),
                desired: d.desired_count(),
                running: d.running_count(),
                pending: d.pending_count(),
                failed_tasks: d.failed_tasks(),
                rollout: d.rollout_state().and_then(|r| match r {
                    ecs::DeploymentRolloutState::Completed => Some(Rollout::Completed),
                    ecs::DeploymentRolloutState::Failed => Some(Rollout::Failed),
                    ecs::DeploymentRolloutState::InProgress => Some(Rollout::InProgress),
                    _ => None,
                }),
                rollout_reason: d.rollout_state_reason().map(str::to_string),
            })
            .collect(),
        events: s
            .events()
            .iter()
            .map(|e| ServiceEvent {
                id: owned(e.id()),
                created_at: e
                    .created_at()
                    .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
                    .unwrap_or_default(),
                message: owned(e.message()),
            })
            .collect(),
        load_balancers: s
            .load_balancers()
            .iter()
            .map(|l| LoadBalancer {
                target_group_arn: l.target_group_arn().map(str::to_string),
                container_name: l.container_name().map(str::to_string),
                container_port: l.container_port(),
            })
            .collect(),
        circuit_breaker: s
            .deployment_configuration()
            .and_then(|c| c.deployment_circuit_breaker())
            .map(|b| CircuitBreaker {
                enable: b.enable(),
                rollback: b.rollback(),
            }),
        network: s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration())
            .map(|v| Network {
                subnets: v.subnets().to_vec(),
                security_groups: v.security_groups().to_vec(),
                assign_public_ip: v.assign_public_ip() == Some(&ecs::AssignPublicIp::Enabled),
            }),
        launch_type: s.launch_type().map(|l| l.as_str().to_string()),
        capacity_provider_strategy: s
            .capacity_provider_strategy()
            .iter()
            .map(|c| CapacityProvider {
                name: c.capacity_provider().to_string(),
                base: c.base(),
                weight: c.weight(),
            })
            .collect(),
        platform_version: s.platform_version().map(str::to_string),
        enable_execute_command: s.enable_execute_command(),
        deployment_controller: DeploymentController::parse(
            s.deployment_controller().map(|c| c.r#type().as_str()),
        ),
    }
}

fn target_group(t: &aws_sdk_elasticloadbalancingv2::types::TargetGroup) -> TargetGroup {
    TargetGroup {
        arn: owned(t.target_group_arn()),
        name: owned(t.target_group_name()),
        port: t.port(),
        target_type: t.target_type().map(|t| t.as_str().to_string()),
    }
}

fn task_definition(td: &ecs::TaskDefinition, tags: &[ecs::Tag]) -> TaskDefinition {
    TaskDefinition {
        arn: owned(td.task_definition_arn()),
        family: owned(td.family()),
        revision: td.revision(),
        containers: td
            .container_definitions()
            .iter()
            .map(|c| Container {
                name: owned(c.name()),
                image: owned(c.image()),
                essential: c.essential().unwrap_or(true),
                container_ports: c
                    .port_mappings()
                    .iter()
                    .filter_map(|p| p.container_port())
                    .collect(),
                entry_point: c.entry_point().to_vec(),
                command: c.command().to_vec(),
            })
            .collect(),
        task_role_arn: td.task_role_arn().map(str::to_string),
        execution_role_arn: td.execution_role_arn().map(str::to_string),
        tags: tags
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
            .collect(),
    }
}

/// IAM returns trust policies URL-encoded (RFC 3986).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Aws for SdkAws {
    fn describe_service(&self, cluster: &str, name: &str) -> Result<Option<Service>, AwsError> {
        const OP: &str = "ecs:DescribeServices";
        let out = self
            .runtime
            .block_on(
                self.ecs
                    .describe_services()
                    .cluster(cluster)
                    .services(name)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        Ok(out
            .services()
            .iter()
            .find(|s| s.status() != Some("INACTIVE"))
            .map(service))
    }

    fn describe_cluster(&self, cluster: &str) -> Result<Option<Cluster>, AwsError> {
        const OP: &str = "ecs:DescribeClusters";
        let out = self
            .runtime
            .block_on(self.ecs.describe_clusters().clusters(cluster).send())
            .map_err(|e| error(OP, e))?;
        Ok(out.clusters().first().map(|c| Cluster {
            arn: owned(c.cluster_arn()),
            name: owned(c.cluster_name()),
            status: owned(c.status()),
        }))
    }

    fn list_services(&self, cluster: &str) -> Result<Vec<String>, AwsError> {
        const OP: &str = "ecs:ListServices";
        every_page(|token| {
            let out = self
                .runtime
                .block_on(
                    self.ecs
                        .list_services()
                        .cluster(cluster)
                        .set_next_token(token)
                        .send(),
                )
                .map_err(|e| error(OP, e))?;
            Ok((
                out.service_arns().to_vec(),
                out.next_token().map(str::to_string),
            ))
        })
    }

    fn describe_task_definition(&self, arn: &str) -> Result<TaskDefinition, AwsError> {
        self.ecs_task_definition(arn)
            .map(|(td, tags)| task_definition(&td, &tags))
    }

    fn register_task_definition(
        &self,
        base: &TaskDefinition,
        images: &[(String, String)],
    ) -> Result<TaskDefinition, AwsError> {
        const OP: &str = "ecs:RegisterTaskDefinition";
        // The whole definition is read again from AWS and copied field by field, so that
        // nothing but the images changes, including fields wharf does not model.
        let (td, tags) = self.ecs_task_definition(&base.arn)?;
        let containers: Vec<ecs::ContainerDefinition> = td
            .container_definitions()
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if let Some((_, image)) = images
                    .iter()
                    .find(|(name, _)| Some(name.as_str()) == c.name())
                {
                    c.image = Some(image.clone());
                }
                c
            })
            .collect();
        let request = self
            .ecs
            .register_task_definition()
            .set_family(td.family().map(str::to_string))
            .set_task_role_arn(td.task_role_arn().map(str::to_string))
            .set_execution_role_arn(td.execution_role_arn().map(str::to_string))
            .set_network_mode(td.network_mode().cloned())
            .set_container_definitions(Some(containers))
            .set_volumes(Some(td.volumes().to_vec()).filter(|v| !v.is_empty()))
            .set_placement_constraints(
                Some(td.placement_constraints().to_vec()).filter(|v| !v.is_empty()),
            )
            .set_requires_compatibilities(
                Some(td.requires_compatibilities().to_vec()).filter(|v| !v.is_empty()),
            )
            .set_cpu(td.cpu().map(str::to_string))
            .set_memory(td.memory().map(str::to_string))
            .set_tags(Some(tags).filter(|t| !t.is_empty()))
            .set_pid_mode(td.pid_mode().cloned())
            .set_ipc_mode(td.ipc_mode().cloned())
            .set_proxy_configuration(td.proxy_configuration().cloned())
            .set_ephemeral_storage(td.ephemeral_storage().cloned())
            .set_runtime_platform(td.runtime_platform().cloned())
            .set_enable_fault_injection(td.enable_fault_injection());
        let out = self
            .runtime
            .block_on(request.send())
            .map_err(|e| error(OP, e))?;
        out.task_definition()
            .map(|td| task_definition(td, out.tags()))
            .ok_or_else(|| AwsError::new(OP, ErrorKind::Other, "AWS returned no task definition"))
    }

    fn list_task_definitions(&self, family: &str) -> Result<Vec<String>, AwsError> {
        const OP: &str = "ecs:ListTaskDefinitions";
        every_page(|token| {
            let out = self
                .runtime
                .block_on(
                    self.ecs
                        .list_task_definitions()
                        .family_prefix(family)
                        .status(ecs::TaskDefinitionStatus::Active)
                        .sort(ecs::SortOrder::Desc)
                        .set_next_token(token)
                        .send(),
                )
                .map_err(|e| error(OP, e))?;
            Ok((
                out.task_definition_arns().to_vec(),
                out.next_token().map(str::to_string),
            ))
        })
    }

    fn update_service(
        &self,
        cluster: &str,
        name: &str,
        task_definition: &str,
    ) -> Result<Service, AwsError> {
        const OP: &str = "ecs:UpdateService";
        let out = self
            .runtime
            .block_on(
                self.ecs
                    .update_service()
                    .cluster(cluster)
                    .service(name)
                    .task_definition(task_definition)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        out.service()
            .map(service)
            .ok_or_else(|| AwsError::new(OP, ErrorKind::Other, "AWS returned no service"))
    }

    fn image_exists(
        &self,
        registry_id: &str,
        repository: &str,
        tag: &str,
    ) -> Result<ImageCheck, AwsError> {
        const OP: &str = "ecr:DescribeImages";
        let result = self.runtime.block_on(
            self.ecr
                .describe_images()
                .registry_id(registry_id)
                .repository_name(repository)
                .image_ids(
                    aws_sdk_ecr::types::ImageIdentifier::builder()
                        .image_tag(tag)
                        .build(),
                )
                .send(),
        );
        match result {
            Ok(out) if !out.image_details().is_empty() => Ok(ImageCheck::Found),
            Ok(_) => Ok(ImageCheck::TagMissing),
            Err(e) => match e.code() {
                Some("ImageNotFoundException") => Ok(ImageCheck::TagMissing),
                Some("RepositoryNotFoundException") => Ok(ImageCheck::RepositoryMissing),
                _ => Err(error(OP, e)),
            },
        }
    }

    fn alarms_in_alarm(&self, prefix: &str) -> Result<Vec<Alarm>, AwsError> {
        const OP: &str = "cloudwatch:DescribeAlarms";
        let mut alarms = every_page(|token| {
            let out = self
                .runtime
                .block_on(
                    self.cloudwatch
                        .describe_alarms()
                        .alarm_name_prefix(prefix)
                        .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
                        .set_next_token(token)
                        .send(),
                )
                .map_err(|e| error(OP, e))?;
            let metric = out.metric_alarms().iter().map(|a| Alarm {
                name: owned(a.alarm_name()),
                reason: owned(a.state_reason()),
            });
            let composite = out.composite_alarms().iter().map(|a| Alarm {
                name: owned(a.alarm_name()),
                reason: owned(a.state_reason()),
            });
            Ok((
                metric.chain(composite).collect(),
                out.next_token().map(str::to_string),
            ))
        })?;
        alarms.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(alarms)
    }

    fn describe_target_group(&self, arn: &str) -> Result<Option<TargetGroup>, AwsError> {
        const OP: &str = "elasticloadbalancing:DescribeTargetGroups";
        let result = self.runtime.block_on(
            self.elb
                .describe_target_groups()
                .target_group_arns(arn)
                .send(),
        );
        match result {
            Ok(out) => Ok(out.target_groups().first().map(target_group)),
            Err(e) if e.code() == Some("TargetGroupNotFound") => Ok(None),
            Err(e) => Err(error(OP, e)),
        }
    }

    fn role_trust_policy(&self, role_name: &str) -> Result<Option<String>, AwsError> {
        const OP: &str = "iam:GetRole";
        let result = self
            .runtime
            .block_on(self.iam.get_role().role_name(role_name).send());
        match result {
            Ok(out) => Ok(out
                .role()
                .and_then(|r| r.assume_role_policy_document())
                .map(percent_decode)),
            Err(e) if e.code() == Some("NoSuchEntity") => Ok(None),
            Err(e) => Err(error(OP, e)),
        }
    }

    fn run_task(&self, request: &RunTask) -> Result<String, AwsError> {
        const OP: &str = "ecs:RunTask";
        let network = request.network.as_ref().map(|n| {
            ecs::NetworkConfiguration::builder()
                .awsvpc_configuration(
                    ecs::AwsVpcConfiguration::builder()
                        .set_subnets(Some(n.subnets.clone()))
                        .set_security_groups(Some(n.security_groups.clone()))
                        .assign_public_ip(if n.assign_public_ip {
                            ecs::AssignPublicIp::Enabled
                        } else {
                            ecs::AssignPublicIp::Disabled
                        })
                        .build()
                        .expect("subnets are set"),
                )
                .build()
        });
        let strategy: Vec<ecs::CapacityProviderStrategyItem> = request
            .capacity_provider_strategy
            .iter()
            .filter_map(|c| {
                ecs::CapacityProviderStrategyItem::builder()
                    .capacity_provider(&c.name)
                    .base(c.base)
                    .weight(c.weight)
                    .build()
                    .ok()
            })
            .collect();
        // No command: the task definition's own.
        let overrides = (!request.command.is_empty()).then(|| {
            ecs::TaskOverride::builder()
                .container_overrides(
                    ecs::ContainerOverride::builder()
                        .name(&request.container)
                        .set_command(Some(request.command.clone()))
                        .build(),
                )
                .build()
        });
        let out = self
            .runtime
            .block_on(
                self.ecs
                    .run_task()
                    .cluster(&request.cluster)
                    .task_definition(&request.task_definition)
                    .set_network_configuration(network)
                    .set_launch_type(
                        request
                            .launch_type
                            .as_deref()
                            .filter(|_| strategy.is_empty())
                            .map(ecs::LaunchType::from),
                    )
                    .set_capacity_provider_strategy(Some(strategy).filter(|s| !s.is_empty()))
                    .set_platform_version(request.platform_version.clone())
                    .set_overrides(overrides)
                    .started_by(&request.started_by)
                    .client_token(&request.client_token)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        if let Some(task) = out.tasks().first() {
            return Ok(owned(task.task_arn()));
        }
        let why = out
            .failures()
            .iter()
            .map(|f| format!("{} {}", owned(f.arn()), owned(f.reason())))
            .collect::<Vec<_>>()
            .join("; ");
        Err(AwsError::new(
            OP,
            ErrorKind::Other,
            format!("no task was started: {why}"),
        ))
    }

    fn describe_task(&self, cluster: &str, task: &str) -> Result<Option<Task>, AwsError> {
        const OP: &str = "ecs:DescribeTasks";
        let out = self
            .runtime
            .block_on(
                self.ecs
                    .describe_tasks()
                    .cluster(cluster)
                    .tasks(task)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        Ok(out.tasks().first().map(|t| Task {
            arn: owned(t.task_arn()),
            last_status: owned(t.last_status()),
            stopped_reason: t.stopped_reason().map(str::to_string),
            stop_code: t.stop_code().map(|c| c.as_str().to_string()),
            containers: t
                .containers()
                .iter()
                .map(|c| TaskContainer {
                    name: owned(c.name()),
                    exit_code: c.exit_code(),
                    reason: c.reason().map(str::to_string),
                })
                .collect(),
        }))
    }

    fn describe_target_group_named(&self, name: &str) -> Result<Option<TargetGroup>, AwsError> {
        self.elb_target_group_named(name)
    }

    fn describe_listener(&self, arn: &str) -> Result<Option<Listener>, AwsError> {
        self.elb_listener(arn)
    }

    fn get_deployment_group(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Option<DeploymentGroup>, AwsError> {
        self.cd_get_deployment_group(application, group)
    }

    fn get_deployment_config(
        &self,
        name: &str,
    ) -> Result<Option<wharf_aws::codedeploy::Traffic>, AwsError> {
        self.cd_get_deployment_config(name)
    }

    fn list_active_deployments(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Vec<String>, AwsError> {
        self.cd_list_active_deployments(application, group)
    }

    fn get_deployment(&self, id: &str) -> Result<Release, AwsError> {
        self.cd_get_deployment(id)
    }

    fn create_deployment(&self, release: &NewRelease) -> Result<String, AwsError> {
        self.cd_create_deployment(release)
    }

    fn stop_deployment(&self, id: &str, auto_rollback: bool) -> Result<(), AwsError> {
        self.cd_stop_deployment(id, auto_rollback)
    }

    fn continue_deployment(&self, id: &str) -> Result<(), AwsError> {
        self.cd_continue_deployment(id)
    }

    fn list_deployment_targets(&self, id: &str) -> Result<Vec<String>, AwsError> {
        self.cd_list_deployment_targets(id)
    }

    fn get_deployment_target(
        &self,
        id: &str,
        target_id: &str,
    ) -> Result<Option<ReleaseTarget>, AwsError> {
        self.cd_get_deployment_target(id, target_id)
    }
}

impl Debug for SdkAws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SdkAws")
            .field("region", &self.region)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn trust_policies_are_url_decoded() {
        assert_eq!(
            percent_decode("%7B%22Effect%22%3A%22Allow%22%7D"),
            r#"{"Effect":"Allow"}"#
        );
        // A `%` that does not start an escape is kept, also at the end.
        assert_eq!(percent_decode("100%zz 5%"), "100%zz 5%");
        assert_eq!(percent_decode(r#"{"a":1}"#), r#"{"a":1}"#);
    }
}
