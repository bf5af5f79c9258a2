//! `wharf verify`: the preflight of a release. Each check says what it looked at and, when
//! it fails, what to do.

use serde_json::Value;

use crate::aws::{Aws, ImageCheck};
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
    Ok(checks)
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
