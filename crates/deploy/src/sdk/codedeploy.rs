//! CodeDeploy's calls on the AWS SDK, and the load balancer reads a blue/green release
//! checks: the part of [`SdkAws`] that speaks for services on the CODE_DEPLOY controller.

use aws_sdk_codedeploy::error::ProvideErrorMetadata;
use aws_sdk_codedeploy::primitives::DateTimeFormat;
use aws_sdk_codedeploy::types as cd;
use wharf_aws::codedeploy::Traffic;

use super::{error, every_page, owned, target_group, SdkAws};
use crate::aws::*;

impl SdkAws {
    pub(super) fn cd_get_deployment_group(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Option<DeploymentGroup>, AwsError> {
        const OP: &str = "codedeploy:GetDeploymentGroup";
        let result = self.runtime.block_on(
            self.codedeploy
                .get_deployment_group()
                .application_name(application)
                .deployment_group_name(group)
                .send(),
        );
        let out = match result {
            Ok(out) => out,
            Err(e)
                if matches!(
                    e.code(),
                    Some(
                        "ApplicationDoesNotExistException" | "DeploymentGroupDoesNotExistException"
                    )
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(error(OP, e)),
        };
        Ok(out.deployment_group_info().map(deployment_group))
    }

    pub(super) fn cd_get_deployment_config(&self, name: &str) -> Result<Option<Traffic>, AwsError> {
        const OP: &str = "codedeploy:GetDeploymentConfig";
        let result = self.runtime.block_on(
            self.codedeploy
                .get_deployment_config()
                .deployment_config_name(name)
                .send(),
        );
        let out = match result {
            Ok(out) => out,
            Err(e) if e.code() == Some("DeploymentConfigDoesNotExistException") => return Ok(None),
            Err(e) => return Err(error(OP, e)),
        };
        let Some(routing) = out
            .deployment_config_info()
            .and_then(|c| c.traffic_routing_config())
        else {
            return Ok(None);
        };
        let positive = |n: i32| u32::try_from(n).ok().filter(|n| *n > 0);
        Ok(match routing.r#type() {
            Some(cd::TrafficRoutingType::AllAtOnce) => Some(Traffic::AllAtOnce),
            Some(cd::TrafficRoutingType::TimeBasedCanary) => {
                routing.time_based_canary().and_then(|c| {
                    Some(Traffic::Canary {
                        percent: positive(c.canary_percentage())?,
                        interval_minutes: positive(c.canary_interval())?,
                    })
                })
            }
            Some(cd::TrafficRoutingType::TimeBasedLinear) => {
                routing.time_based_linear().and_then(|l| {
                    Some(Traffic::Linear {
                        percent: positive(l.linear_percentage())?,
                        interval_minutes: positive(l.linear_interval())?,
                    })
                })
            }
            _ => None,
        })
    }

    pub(super) fn cd_list_active_deployments(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Vec<String>, AwsError> {
        const OP: &str = "codedeploy:ListDeployments";
        every_page(|token| {
            let mut request = self
                .codedeploy
                .list_deployments()
                .application_name(application)
                .deployment_group_name(group)
                .set_next_token(token);
            for status in ReleaseStatus::ACTIVE {
                request =
                    request.include_only_statuses(cd::DeploymentStatus::from(status.as_str()));
            }
            let out = self
                .runtime
                .block_on(request.send())
                .map_err(|e| error(OP, e))?;
            Ok((
                out.deployments().to_vec(),
                out.next_token().map(str::to_string),
            ))
        })
    }

    pub(super) fn cd_get_deployment(&self, id: &str) -> Result<Release, AwsError> {
        const OP: &str = "codedeploy:GetDeployment";
        let out = self
            .runtime
            .block_on(self.codedeploy.get_deployment().deployment_id(id).send())
            .map_err(|e| error(OP, e))?;
        let info = out
            .deployment_info()
            .ok_or_else(|| AwsError::new(OP, ErrorKind::Other, "AWS returned no deployment"))?;
        let content = info.revision().and_then(|r| {
            r.app_spec_content()
                .and_then(|c| c.content())
                .or_else(|| r.string().and_then(|s| s.content()))
        });
        let rollback = info.rollback_info();
        Ok(Release {
            id: owned(info.deployment_id()),
            status: ReleaseStatus::parse(info.status().map_or("", |s| s.as_str())),
            deployment_config: info.deployment_config_name().map(str::to_string),
            task_definition: content.and_then(app_spec_task_definition),
            error: info.error_information().and_then(|e| {
                let message = e.message().unwrap_or_default();
                match e.code() {
                    Some(code) => Some(format!("{}: {message}", code.as_str())),
                    None if !message.is_empty() => Some(message.to_string()),
                    None => None,
                }
            }),
            rollback_deployment: rollback
                .and_then(|r| r.rollback_deployment_id())
                .map(str::to_string),
            rolls_back: rollback
                .and_then(|r| r.rollback_triggering_deployment_id())
                .map(str::to_string),
            rollback_message: rollback
                .and_then(|r| r.rollback_message())
                .map(str::to_string),
        })
    }

    pub(super) fn cd_create_deployment(&self, release: &NewRelease) -> Result<String, AwsError> {
        const OP: &str = "codedeploy:CreateDeployment";
        let revision = cd::RevisionLocation::builder()
            .revision_type(cd::RevisionLocationType::AppSpecContent)
            .app_spec_content(
                cd::AppSpecContent::builder()
                    .content(&release.app_spec)
                    .build(),
            )
            .build();
        let out = self
            .runtime
            .block_on(
                self.codedeploy
                    .create_deployment()
                    .application_name(&release.application)
                    .deployment_group_name(&release.deployment_group)
                    .revision(revision)
                    .description(&release.description)
                    .set_deployment_config_name(release.deployment_config.clone())
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        out.deployment_id()
            .map(str::to_string)
            .ok_or_else(|| AwsError::new(OP, ErrorKind::Other, "AWS returned no deployment ID"))
    }

    pub(super) fn cd_stop_deployment(&self, id: &str, auto_rollback: bool) -> Result<(), AwsError> {
        const OP: &str = "codedeploy:StopDeployment";
        self.runtime
            .block_on(
                self.codedeploy
                    .stop_deployment()
                    .deployment_id(id)
                    .auto_rollback_enabled(auto_rollback)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        Ok(())
    }

    pub(super) fn cd_continue_deployment(&self, id: &str) -> Result<(), AwsError> {
        const OP: &str = "codedeploy:ContinueDeployment";
        self.runtime
            .block_on(
                self.codedeploy
                    .continue_deployment()
                    .deployment_id(id)
                    .deployment_wait_type(cd::DeploymentWaitType::ReadyWait)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        Ok(())
    }

    pub(super) fn cd_list_deployment_targets(&self, id: &str) -> Result<Vec<String>, AwsError> {
        const OP: &str = "codedeploy:ListDeploymentTargets";
        every_page(|token| {
            let out = self
                .runtime
                .block_on(
                    self.codedeploy
                        .list_deployment_targets()
                        .deployment_id(id)
                        .set_next_token(token)
                        .send(),
                )
                .map_err(|e| error(OP, e))?;
            Ok((
                out.target_ids().to_vec(),
                out.next_token().map(str::to_string),
            ))
        })
    }

    pub(super) fn cd_get_deployment_target(
        &self,
        id: &str,
        target_id: &str,
    ) -> Result<Option<ReleaseTarget>, AwsError> {
        const OP: &str = "codedeploy:BatchGetDeploymentTargets";
        let out = self
            .runtime
            .block_on(
                self.codedeploy
                    .batch_get_deployment_targets()
                    .deployment_id(id)
                    .target_ids(target_id)
                    .send(),
            )
            .map_err(|e| error(OP, e))?;
        let Some(ecs) = out.deployment_targets().iter().find_map(|t| t.ecs_target()) else {
            return Ok(None);
        };
        Ok(Some(ReleaseTarget {
            lifecycle_events: ecs
                .lifecycle_events()
                .iter()
                .map(|e| {
                    (
                        owned(e.lifecycle_event_name()),
                        e.status().map_or("Pending", |s| s.as_str()).to_string(),
                    )
                })
                .collect(),
            task_sets: ecs
                .task_sets_info()
                .iter()
                .map(|t| ReleaseTaskSet {
                    label: t.task_set_label().map(|l| l.as_str().to_string()),
                    desired: t.desired_count(),
                    running: t.running_count(),
                    pending: t.pending_count(),
                    traffic_weight: t.traffic_weight(),
                    target_group: t.target_group().and_then(|g| g.name()).map(str::to_string),
                })
                .collect(),
        }))
    }

    pub(super) fn elb_target_group_named(
        &self,
        name: &str,
    ) -> Result<Option<TargetGroup>, AwsError> {
        const OP: &str = "elasticloadbalancing:DescribeTargetGroups";
        let result = self
            .runtime
            .block_on(self.elb.describe_target_groups().names(name).send());
        match result {
            Ok(out) => Ok(out.target_groups().first().map(target_group)),
            Err(e) if e.code() == Some("TargetGroupNotFound") => Ok(None),
            Err(e) => Err(error(OP, e)),
        }
    }

    pub(super) fn elb_listener(&self, arn: &str) -> Result<Option<Listener>, AwsError> {
        const OP: &str = "elasticloadbalancing:DescribeListeners";
        let result = self
            .runtime
            .block_on(self.elb.describe_listeners().listener_arns(arn).send());
        match result {
            Ok(out) => Ok(out.listeners().first().map(|l| Listener {
                arn: owned(l.listener_arn()),
                port: l.port(),
                protocol: l.protocol().map(|p| p.as_str().to_string()),
            })),
            Err(e) if e.code() == Some("ListenerNotFound") => Ok(None),
            Err(e) => Err(error(OP, e)),
        }
    }
}

fn deployment_group(g: &cd::DeploymentGroupInfo) -> DeploymentGroup {
    let pairs = g
        .load_balancer_info()
        .map(|l| l.target_group_pair_info_list())
        .unwrap_or_default();
    let route =
        |r: Option<&cd::TrafficRoute>| r.map(|r| r.listener_arns().to_vec()).unwrap_or_default();
    let blue_green = g.blue_green_deployment_configuration();
    let termination = blue_green.and_then(|b| b.terminate_blue_instances_on_deployment_success());
    let ready = blue_green.and_then(|b| b.deployment_ready_option());
    let rollback = g.auto_rollback_configuration();
    let alarms = g.alarm_configuration().filter(|a| a.enabled());
    DeploymentGroup {
        application: owned(g.application_name()),
        name: owned(g.deployment_group_name()),
        deployment_config: owned(g.deployment_config_name()),
        ecs_services: g
            .ecs_services()
            .iter()
            .map(|s| (owned(s.cluster_name()), owned(s.service_name())))
            .collect(),
        target_groups: pairs
            .iter()
            .flat_map(|p| p.target_groups())
            .filter_map(|t| t.name())
            .map(str::to_string)
            .collect(),
        prod_listeners: pairs
            .iter()
            .flat_map(|p| route(p.prod_traffic_route()))
            .collect(),
        test_listeners: pairs
            .iter()
            .flat_map(|p| route(p.test_traffic_route()))
            .collect(),
        termination_wait_minutes: termination
            .filter(|t| t.action() == Some(&cd::InstanceAction::Terminate))
            .map(|t| u32::try_from(t.termination_wait_time_in_minutes()).unwrap_or(0)),
        ready_wait_minutes: ready
            .filter(|r| r.action_on_timeout() == Some(&cd::DeploymentReadyAction::StopDeployment))
            .map(|r| u32::try_from(r.wait_time_in_minutes()).unwrap_or(0)),
        auto_rollback: rollback.is_some_and(|r| r.enabled()),
        rollback_events: rollback
            .map(|r| r.events().iter().map(|e| e.as_str().to_string()).collect())
            .unwrap_or_default(),
        alarms: alarms
            .map(|a| {
                a.alarms()
                    .iter()
                    .filter_map(|a| a.name())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        last_attempted: g.last_attempted_deployment().and_then(last_release),
        last_succeeded: g.last_successful_deployment().and_then(last_release),
    }
}

fn last_release(d: &cd::LastDeploymentInfo) -> Option<LastRelease> {
    Some(LastRelease {
        id: d.deployment_id()?.to_string(),
        status: ReleaseStatus::parse(d.status().map_or("", |s| s.as_str())),
        created_at: d
            .create_time()
            .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok()),
    })
}

/// The `TaskDefinition` of an AppSpec's first ECS target, when the AppSpec is JSON (a YAML
/// one, written by hand, is not read: the release says it cannot tell what it deploys).
pub(crate) fn app_spec_task_definition(content: &str) -> Option<String> {
    let doc: serde_json::Value = serde_json::from_str(content).ok()?;
    doc["Resources"]
        .as_array()?
        .iter()
        .find_map(|r| r.as_object()?.values().next()?["Properties"]["TaskDefinition"].as_str())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::app_spec_task_definition;

    #[test]
    fn the_task_definition_of_a_json_app_spec() {
        let spec = r#"{"version":"0.0","Resources":[{"TargetService":{"Type":"AWS::ECS::Service","Properties":{"TaskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/a:3","LoadBalancerInfo":{"ContainerName":"api","ContainerPort":80}}}}]}"#;
        assert_eq!(
            app_spec_task_definition(spec).as_deref(),
            Some("arn:aws:ecs:us-east-1:1:task-definition/a:3")
        );
        assert_eq!(
            app_spec_task_definition("version: 0.0\nResources: []"),
            None
        );
        assert_eq!(app_spec_task_definition(r#"{"Resources":[]}"#), None);
    }
}
