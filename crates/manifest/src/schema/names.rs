//! Checks across tables: the AWS names wharf derives from the app, environment and service
//! keys, and grants that need the app's domain.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::naming;
use crate::read::Sink;
use crate::types::*;

/// Derived AWS names must fit AWS's limits; the key that makes one too long is the one to
/// shorten.
pub(super) fn check_names(
    app: &App,
    services: &BTreeMap<String, Service>,
    environments: &BTreeMap<String, Environment>,
    sink: &mut Sink,
) {
    for env in environments.values() {
        check_environment_names(app, env, sink);
        for svc in services.values() {
            check_service_names(app, env, svc, sink);
        }
    }
    check_repositories(app, services, environments, sink);
}

/// Names derived from the app and environment keys: the load balancer and its log bucket.
fn check_environment_names(app: &App, env: &Environment, sink: &mut Sink) {
    let prefix = naming::env_prefix(&app.name, &env.key);
    sink.check(
        prefix.len() <= naming::ALB_NAME_MAX,
        &env.key.span,
        format!(
            "the load balancer would be named `{prefix}` ({} characters); AWS allows {}",
            prefix.len(),
            naming::ALB_NAME_MAX
        ),
        "shorten the environment or app name",
    );
    let bucket = naming::access_logs_bucket_len(&app.name, &env.key);
    // A name too long for the load balancer is reported once, above.
    sink.check(
        bucket <= naming::S3_BUCKET_NAME_MAX || prefix.len() > naming::ALB_NAME_MAX,
        &env.key.span,
        format!(
            "the access-log bucket name would be {bucket} characters; S3 allows {}",
            naming::S3_BUCKET_NAME_MAX
        ),
        "shorten the environment or app name",
    );
}

/// Names derived from a service key in an environment: its target group, roles and
/// repository.
fn check_service_names(app: &App, env: &Environment, svc: &Service, sink: &mut Sink) {
    let name = naming::service_name(&app.name, &env.key, &svc.key);
    if name.len() > naming::TARGET_GROUP_NAME_MAX {
        sink.push(
            Diagnostic::new(
                format!(
                    "in environment `{}`, the target group would be named `{name}` ({} characters); AWS allows {}",
                    env.key.value,
                    name.len(),
                    naming::TARGET_GROUP_NAME_MAX
                ),
                svc.key.span.clone(),
            )
            .with_help("shorten the service, environment or app name"),
        );
    } else if name.len() + naming::ROLE_SUFFIX_MAX.len() > naming::IAM_ROLE_NAME_MAX {
        // Unreachable while the target group limit is the stricter one; kept so that a
        // change to either limit cannot let an invalid role name through.
        sink.push(
            Diagnostic::new(
                format!(
                    "the IAM role name for `{name}` would exceed {} characters",
                    naming::IAM_ROLE_NAME_MAX
                ),
                svc.key.span.clone(),
            )
            .with_help("shorten the service, environment or app name"),
        );
    }
    let repo = naming::repository(
        &app.name,
        &env.key,
        &svc.key,
        svc.repository.as_ref().map(|r| r.value.as_str()),
    );
    sink.check(
        svc.repository.is_some() || naming::is_repository_name(&repo),
        &svc.key.span,
        format!("the ECR repository name `{repo}` is not valid"),
        "set `repository` on the service",
    );
}

/// Each environment root creates its repositories: two roots, or two services, creating
/// the same one would fail at apply with RepositoryAlreadyExistsException.
fn check_repositories(
    app: &App,
    services: &BTreeMap<String, Service>,
    environments: &BTreeMap<String, Environment>,
    sink: &mut Sink,
) {
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    for svc in services.values() {
        let Some(r) = &svc.repository else { continue };
        if environments.len() > 1 && !r.contains("{env}") {
            sink.push(
                Diagnostic::new(format!("every environment would create the repository `{}`", r.value), r.span.clone())
                    .with_help("put `{env}` in the name, e.g. `\"shop/{env}/web\"`, so each environment gets its own"),
            );
        }
        for env in environments.keys() {
            let name = naming::repository(&app.name, env, &svc.key, Some(&r.value));
            if let Some(other) = taken.insert(name.clone(), &svc.key.value) {
                sink.check(
                    other == svc.key.value,
                    &r.span,
                    format!(
                        "services `{other}` and `{}` both use the repository `{name}`",
                        svc.key.value
                    ),
                    "give each service its own repository",
                );
            }
        }
    }
}

pub(super) fn check_grants(app: &App, services: &BTreeMap<String, Service>, sink: &mut Sink) {
    for svc in services.values() {
        for g in &svc.grants {
            sink.check(
                g.value != Grant::SesSend || app.domain.is_some(),
                &g.span,
                "`ses:send` needs the app's domain",
                "set `domain` in `[app]`: tasks may then send only from addresses at that domain",
            );
        }
    }
}
