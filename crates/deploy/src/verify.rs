//! `wharf verify`: the preflight of a release. Each check says what it looked at and, when
//! it fails, what to do. A service released by CodeDeploy also has its deployment group,
//! both target groups and its listeners checked.

use serde_json::Value;

use crate::aws::{Aws, DeploymentController, ImageCheck, Service};
use crate::codedeploy;
use crate::deploy::pick_container;
use crate::image::ImageRef;
use crate::{Error, Target};

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub ok: bool,
    pub what: String,
    pub help: Option<String>,
}

fn pass(what: String) -> Check {
    Check {
        ok: true,
        what,
        help: None,
    }
}

fn fail(what: String, help: impl Into<String>) -> Check {
    Check {
        ok: false,
        what,
        help: Some(help.into()),
    }
}

/// Runs the checks in order; a check whose subject is missing ends the list.
pub fn verify(
    aws: &dyn Aws,
    target: &Target,
    image_tag: Option<&str>,
    container: Option<&str>,
) -> Result<Vec<Check>, Error> {
    let mut checks = Vec::new();
    match aws.describe_cluster(&target.cluster)? {
        Some(c) if c.status == "ACTIVE" => {
            checks.push(pass(format!("cluster {} is ACTIVE", target.cluster)))
        }
        Some(c) => {
            checks.push(fail(
                format!("cluster {} is {}", target.cluster, c.status),
                "an INACTIVE cluster was deleted; run `terraform apply` to create it again",
            ));
            return Ok(checks);
        }
        None => {
            checks.push(fail(
                format!("cluster {} does not exist", target.cluster),
                "run `terraform apply` for this environment, and check the AWS account and Region",
            ));
            return Ok(checks);
        }
    }
    let Some(svc) = aws.describe_service(&target.cluster, &target.service)? else {
        checks.push(fail(
            format!("service {} does not exist in the cluster", target.service),
            "run `terraform apply` for this environment, or check the service name",
        ));
        return Ok(checks);
    };
    checks.push(pass(format!("service {} is {}", svc.name, svc.status)));

    let td = aws.describe_task_definition(&svc.task_definition)?;
    let release = match pick_container(&svc, &td, container) {
        Ok(c) => Some(c),
        Err(e) => {
            checks.push(fail(e.message, e.help.unwrap_or_default()));
            None
        }
    };
    if let Some(c) = release {
        let image = ImageRef::parse(&c.image);
        let tag = image_tag.or(image.tag());
        match (image.ecr(), tag) {
            (Some(ecr), Some(tag)) => {
                let what = format!("image {}:{tag} is in ECR", ecr.repository);
                match aws.image_exists(&ecr.registry_id, &ecr.repository, tag)? {
                    ImageCheck::Found => checks.push(pass(what)),
                    ImageCheck::TagMissing => checks.push(fail(
                        format!(
                            "ECR repository {} has no image tagged {tag}",
                            ecr.repository
                        ),
                        format!("push it: docker push {}", image.with_tag(tag)),
                    )),
                    ImageCheck::RepositoryMissing => checks.push(fail(
                        format!("ECR repository {} does not exist", ecr.repository),
                        "run `terraform apply`, and check the AWS account and Region",
                    )),
                }
            }
            (None, _) => checks.push(pass(format!(
                "image {} is outside ECR; its tags are not checked",
                c.image
            ))),
            (Some(_), None) => checks.push(pass(format!("image {} is pinned by digest", c.image))),
        }
    }

    for (which, arn) in [
        ("task role", td.task_role_arn.as_deref()),
        ("execution role", td.execution_role_arn.as_deref()),
    ] {
        let Some(arn) = arn else { continue };
        let name = arn.rsplit('/').next().unwrap_or(arn);
        match aws.role_trust_policy(name)? {
            None => checks.push(fail(
                format!("{which} {name} does not exist"),
                "run `terraform apply`; the task definition names a role that was deleted",
            )),
            Some(policy) if trusts_ecs_tasks(&policy) => checks.push(pass(format!(
                "{which} {name} can be assumed by ecs-tasks.amazonaws.com"
            ))),
            Some(_) => checks.push(fail(
                format!("{which} {name} cannot be assumed by ecs-tasks.amazonaws.com"),
                "its trust policy must allow sts:AssumeRole for the service principal ecs-tasks.amazonaws.com",
            )),
        }
    }

    for lb in &svc.load_balancers {
        let Some(arn) = lb.target_group_arn.as_deref() else {
            continue;
        };
        let Some(tg) = aws.describe_target_group(arn)? else {
            checks.push(fail(
                format!("target group {arn} does not exist"),
                "run `terraform apply`; the service points at a deleted target group",
            ));
            continue;
        };
        let name = lb.container_name.as_deref().unwrap_or_default();
        let port = lb.container_port.unwrap_or_default();
        let listens = td
            .container(name)
            .is_some_and(|c| c.container_ports.contains(&port));
        if !listens {
            checks.push(fail(
                format!("container {name} of {} has no port mapping for {port}", td.name()),
                "the service sends the target group's traffic to a port the container does not map; fix the container's portMappings or the service's load balancer",
            ));
        } else if tg.port != Some(port) {
            checks.push(fail(
                format!(
                    "target group {} uses port {}, container {name} listens on {port}",
                    tg.name,
                    tg.port.map_or("none".to_string(), |p| p.to_string())
                ),
                "health checks on the traffic port go to the target group's port; make them the same",
            ));
        } else {
            checks.push(pass(format!(
                "target group {} and container {name} use port {port}",
                tg.name
            )));
        }
    }
    if svc.deployment_controller == DeploymentController::CodeDeploy {
        code_deploy_checks(aws, target, &svc, &mut checks)?;
    }
    Ok(checks)
}

/// A CODE_DEPLOY service's release path: its deployment group, the group's rollback and
/// alarms, its configuration, both target groups and the listeners traffic moves on.
fn code_deploy_checks(
    aws: &dyn Aws,
    target: &Target,
    svc: &Service,
    checks: &mut Vec<Check>,
) -> Result<(), Error> {
    let (names, group) = match codedeploy::deployment_group(aws, target) {
        Ok(found) => found,
        Err(e) => {
            checks.push(fail(e.message, e.help.unwrap_or_default()));
            return Ok(());
        }
    };
    checks.push(pass(format!(
        "CodeDeploy deployment group {}/{} releases the service",
        names.application, names.deployment_group
    )));
    let on = |event: &str| group.rollback_events.iter().any(|e| e == event);
    let alarm_rollback = group.alarms.is_empty() || on("DEPLOYMENT_STOP_ON_ALARM");
    if group.auto_rollback && on("DEPLOYMENT_FAILURE") && alarm_rollback {
        checks.push(pass(format!(
            "the deployment group rolls back automatically on {}",
            group.rollback_events.join(", ")
        )));
    } else {
        checks.push(fail(
            "the deployment group does not roll back a failed release, or one its alarms stop".to_string(),
            "turn on automatic rollback for DEPLOYMENT_FAILURE and DEPLOYMENT_STOP_ON_ALARM (auto_rollback_configuration); without it a failed release leaves traffic where it stopped",
        ));
    }
    if group.alarms.is_empty() {
        checks.push(fail(
            "the deployment group watches no alarms".to_string(),
            "add the service's 5XX and response-time alarms to the group's alarm_configuration, so that CodeDeploy stops a release that hurts users",
        ));
    } else {
        checks.push(pass(format!(
            "the deployment group stops a release on {}",
            group.alarms.join(", ")
        )));
    }
    if let Some(minutes) = group.ready_wait_minutes {
        match crate::release_check::find(aws, target, svc, Some(minutes)) {
            Ok(Some(check)) => checks.push(pass(format!(
                "a release waits up to {minutes} min on the test listener for its check: {}",
                check.describe()
            ))),
            Ok(None) => checks.push(fail(
                format!("a release waits up to {minutes} min on the test listener, and the service has no check task definition (`{}{}`): someone must continue each release, or CodeDeploy stops it", target.service.rsplit('/').next().unwrap_or(&target.service), crate::release_check::FAMILY_SUFFIX),
                "run `terraform apply` for the environment (it makes the check of the manifest's `test_path`), or continue releases with `aws deploy continue-deployment --deployment-wait-type READY_WAIT`",
            )),
            Err(e) => checks.push(fail(e.message, e.help.unwrap_or_default())),
        }
    }
    match aws.get_deployment_config(&group.deployment_config)? {
        Some(_) => checks.push(pass(format!(
            "deployment configuration {} exists",
            group.deployment_config
        ))),
        None => checks.push(fail(
            format!(
                "deployment configuration {} does not exist or is not an ECS one",
                group.deployment_config
            ),
            "run `terraform apply` (it creates the custom configurations), or name a CodeDeployDefault.ECS* one",
        )),
    }
    let port = svc.load_balancers.iter().find_map(|l| l.container_port);
    if group.target_groups.len() != 2 {
        checks.push(fail(
            format!(
                "the deployment group has {} target groups",
                group.target_groups.len()
            ),
            "a blue/green release moves traffic between exactly two target groups",
        ));
    }
    for name in &group.target_groups {
        match aws.describe_target_group_named(name)? {
            None => checks.push(fail(
                format!("target group {name} does not exist"),
                "run `terraform apply`; the deployment group names a deleted target group",
            )),
            Some(tg) if port.is_some() && tg.port != port => checks.push(fail(
                format!(
                    "target group {name} uses port {}, the service's container port is {}",
                    tg.port.map_or("none".to_string(), |p| p.to_string()),
                    port.unwrap_or_default()
                ),
                "both target groups must use the container's port, as the rendered ones do: a release moves the service between them",
            )),
            Some(_) => checks.push(pass(format!("target group {name} exists"))),
        }
    }
    let mut prod_ports = Vec::new();
    for (which, arns) in [
        ("production", &group.prod_listeners),
        ("test", &group.test_listeners),
    ] {
        if which == "production" && arns.is_empty() {
            checks.push(fail(
                "the deployment group names no production listener".to_string(),
                "CodeDeploy moves production traffic on the listener of prod_traffic_route",
            ));
        }
        for arn in arns.iter() {
            match aws.describe_listener(arn)? {
                None => checks.push(fail(
                    format!("{which} listener {arn} does not exist"),
                    "run `terraform apply`; the deployment group names a deleted listener",
                )),
                Some(l) if which == "test" && prod_ports.contains(&l.port) => checks.push(fail(
                    format!(
                        "the test listener uses port {}, as the production one does",
                        l.port.unwrap_or_default()
                    ),
                    "give the test listener a port of its own (test_listener_port)",
                )),
                Some(l) => {
                    if which == "production" {
                        prod_ports.push(l.port);
                    }
                    checks.push(pass(format!(
                        "{which} listener on port {} exists",
                        l.port.map_or("?".to_string(), |p| p.to_string())
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Whether a trust policy lets ECS tasks assume the role.
fn trusts_ecs_tasks(policy: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(policy) else {
        return false;
    };
    let statements = match &doc["Statement"] {
        Value::Array(items) => items.iter().collect(),
        single @ Value::Object(_) => vec![single],
        _ => Vec::new(),
    };
    let has = |v: &Value, want: &[&str]| match v {
        Value::String(s) => want.contains(&s.as_str()),
        Value::Array(items) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| want.contains(&s))),
        _ => false,
    };
    statements.iter().any(|s| {
        s["Effect"] == "Allow"
            && has(&s["Action"], &["sts:AssumeRole", "sts:*", "*"])
            && has(&s["Principal"]["Service"], &["ecs-tasks.amazonaws.com"])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_policies() {
        assert!(trusts_ecs_tasks(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        ));
        assert!(trusts_ecs_tasks(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole"]}}"#
        ));
        assert!(!trusts_ecs_tasks(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        ));
        assert!(!trusts_ecs_tasks(
            r#"{"Statement":[{"Effect":"Deny","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        ));
        assert!(!trusts_ecs_tasks("not json"));
    }
}
