//! How a new revision of a service reaches its traffic: ECS's rolling update, or a
//! CodeDeploy blue/green release (all at once, canary or linear) between two target groups,
//! checked first on a test listener; and the environment's CodeDeploy application that
//! holds a deployment group per such service.

use wharf_aws::codedeploy::Traffic;
use wharf_manifest::{self as manifest, naming, Deployment, Diagnostic, Manifest};

use crate::profile::Profile;
use crate::resolve::{first_set, pick};

/// What a service's next revision goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// ECS replaces tasks a few at a time; the circuit breaker rolls a failing one back.
    Rolling,
    /// CodeDeploy starts a second task set beside the first and moves traffic to it.
    BlueGreen(BlueGreen),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlueGreen {
    pub traffic: Traffic,
    /// A predefined configuration's name, or the environment's own one for these steps.
    pub deployment_config: String,
    /// Minutes the old tasks are kept after all traffic has moved, for a rollback that
    /// needs no new tasks.
    pub bake_minutes: u32,
    /// The second target group, beside the one a rolling service has.
    pub second_target_group_name: String,
    /// What `wharf deploy` requests on the test listener before traffic moves, if anything.
    pub test: Option<ReleaseTest>,
}

/// A request on the test listener that a release must pass before production traffic
/// moves: `wharf deploy` runs the environment's check task (curl) in the VPC once the new
/// tasks are up, and continues the release only when it answers below 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTest {
    /// Path and query, as the manifest's `test_path`.
    pub path: String,
    /// The host name the request carries, so that host rules route it and TLS can check
    /// the certificate: one of the service's hosts (a wildcard filled in), else the app's
    /// domain. `None`: the load balancer's own DNS name, which no certificate covers.
    pub host: Option<String>,
}

impl Release {
    pub fn blue_green(&self) -> Option<&BlueGreen> {
        match self {
            Release::Rolling => None,
            Release::BlueGreen(b) => Some(b),
        }
    }
}

/// The environment's CodeDeploy application, when a service releases through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeDeploy {
    /// The application's name: the environment prefix, as the cluster's.
    pub application: String,
    /// The test listener's port and who may reach it besides the tasks' own NAT gateways.
    pub test_listener_port: u32,
    pub test_listener_cidrs: Vec<String>,
    /// Configurations with steps CodeDeploy does not predefine, by name.
    pub custom_configs: Vec<(String, Traffic)>,
    /// Whether the test listener is HTTPS (the environment has a certificate).
    pub test_listener_https: bool,
    /// The image that checks a release's `test_path`, when any service has one.
    pub check_image: Option<&'static str>,
}

/// The image of the check task: curl's official image, pinned by the digest of its
/// multi-platform index. curlimages/curl 8.11.1, from Docker Hub
/// (https://hub.docker.com/r/curlimages/curl); the same pin is in many public
/// repositories' manifests. It runs as its own non-root user (curl_user, uid 100).
pub const CHECK_IMAGE: &str =
    "curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69";

/// Minutes a release with a test path waits, its new tasks up and on the test listener,
/// for `wharf deploy` to check them and continue it; CodeDeploy stops it after that (the
/// deployment group's ready option), so a release nobody checks never takes traffic.
pub const TEST_WAIT_MINUTES: u32 = 10;

/// Traffic percent a step moves, and minutes between steps, when the manifest does not
/// say: CodeDeploy's own predefined canary (10 % for 5 minutes) and linear (10 % a minute).
const DEFAULT_PERCENT: u32 = 10;
const CANARY_MINUTES: u32 = 5;
const LINEAR_MINUTES: u32 = 1;

/// The test listener's port when the manifest does not say.
pub const TEST_PORT_HTTPS: u32 = 8443;
pub const TEST_PORT_HTTP: u32 = 8080;

/// What the second target group's name adds to the service's.
pub const SECOND_TARGET_GROUP_SUFFIX: &str = "-2";

pub(crate) fn for_service(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
    p: &Profile,
    diags: &mut Vec<Diagnostic>,
) -> Release {
    let o = env.services.get(&svc.key.value);
    let own = o.and_then(|o| o.deployment.as_ref());
    // A worker has no traffic to move: it rolls whatever the environment or the profile
    // say (the manifest refuses `deployment` on the worker itself).
    let Some(_) = &svc.port else {
        if let Some(d) = own.filter(|d| d.value != Deployment::Rolling) {
            diags.push(
                Diagnostic::new(
                    format!(
                        "worker `{}` has no port, and a {} release moves load balancer traffic",
                        svc.key.value,
                        d.value.as_str()
                    ),
                    d.span.clone(),
                )
                .with_help("remove `deployment` here: a worker is replaced task by task"),
            );
        }
        return Release::Rolling;
    };
    let r = &svc.release;
    let deployment = pick(
        &[
            own,
            env.overrides.deployment.as_ref(),
            r.deployment.as_ref(),
        ],
        p.deployment,
    );
    let percent = r
        .traffic_percent
        .as_ref()
        .map_or(DEFAULT_PERCENT, |t| t.value);
    let minutes = |default| {
        r.traffic_interval_minutes
            .as_ref()
            .map_or(default, |t| t.value)
    };
    let traffic = match deployment.value {
        Deployment::Rolling => return Release::Rolling,
        Deployment::BlueGreen => Traffic::AllAtOnce,
        Deployment::Canary => Traffic::Canary {
            percent,
            interval_minutes: minutes(CANARY_MINUTES),
        },
        Deployment::Linear => Traffic::Linear {
            percent,
            interval_minutes: minutes(LINEAR_MINUTES),
        },
    };
    let prefix = naming::env_prefix(&m.app.name, &env.key);
    let name = naming::service_name(&m.app.name, &env.key, &svc.key);
    let second = format!("{name}{SECOND_TARGET_GROUP_SUFFIX}");
    if second.len() > naming::TARGET_GROUP_NAME_MAX {
        let span = first_set(&[deployment.span], &svc.key.span);
        diags.push(
            Diagnostic::new(
                format!(
                    "service `{}` in environment `{}` releases {}, and its second target group's name `{second}` is {} characters, over the {} AWS allows",
                    svc.key.value, env.key.value, deployment.value.as_str(), second.len(), naming::TARGET_GROUP_NAME_MAX
                ),
                span,
            )
            .with_help("shorten the app, environment or service name, or set `deployment = \"rolling\"` for this service"),
        );
    }
    check_twin(m, env, svc, deployment.value, &second, diags);
    BlueGreen {
        deployment_config: config_name(&prefix, traffic),
        traffic,
        bake_minutes: pick(&[env.overrides.bake_minutes.as_ref()], p.bake_minutes).value,
        second_target_group_name: second,
        test: r.test_path.as_ref().map(|path| ReleaseTest {
            path: path.value.clone(),
            host: test_host(m, svc),
        }),
    }
    .into()
}

/// The host a test request names: the service's first exact host, else its first host
/// pattern with each wildcard filled in (`*.example.com` → `wharf-check.example.com`),
/// else, for a service routed by path alone, the app's domain.
fn test_host(m: &Manifest, svc: &manifest::Service) -> Option<String> {
    let exact = svc.hosts.iter().find(|h| !h.value.contains(['*', '?']));
    match (exact, svc.hosts.first()) {
        (Some(h), _) => Some(h.value.to_ascii_lowercase()),
        (None, Some(h)) => Some(
            h.value
                .to_ascii_lowercase()
                .replace('*', "wharf-check")
                .replace('?', "w"),
        ),
        (None, None) => m.app.domain.as_ref().map(|d| d.value.clone()),
    }
}

/// A service named `<key>-2` would have the second target group's name as its own.
fn check_twin(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
    deployment: Deployment,
    second: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let twin = format!("{}{SECOND_TARGET_GROUP_SUFFIX}", svc.key.value);
    if let Some(other) = m.services.get(&twin) {
        diags.push(
            Diagnostic::new(
                format!(
                    "service `{}` releases {} in environment `{}`, and its second target group would be named `{second}`, as service `{twin}`'s target group is",
                    svc.key.value, deployment.as_str(), env.key.value
                ),
                other.key.span.clone(),
            )
            .with_help(format!("rename service `{twin}`, or set `deployment = \"rolling\"` for `{}`", svc.key.value)),
        );
    }
}

impl From<BlueGreen> for Release {
    fn from(b: BlueGreen) -> Release {
        Release::BlueGreen(b)
    }
}

/// The predefined configuration for these steps, else the environment's own:
/// `{prefix}-canary-10pct-7min`.
fn config_name(prefix: &str, traffic: Traffic) -> String {
    if let Some(name) = traffic.predefined() {
        return name.to_string();
    }
    match traffic {
        Traffic::AllAtOnce => "CodeDeployDefault.ECSAllAtOnce".to_string(),
        Traffic::Canary {
            percent,
            interval_minutes,
        } => format!("{prefix}-canary-{percent}pct-{interval_minutes}min"),
        Traffic::Linear {
            percent,
            interval_minutes,
        } => format!("{prefix}-linear-{percent}pct-every-{interval_minutes}min"),
    }
}

/// The CodeDeploy application, when any service of the environment releases through it.
pub(crate) fn resolve(
    env: &manifest::Environment,
    prefix: &str,
    services: &[crate::Service],
    has_certificate: bool,
) -> Option<CodeDeploy> {
    let releases: Vec<&BlueGreen> = services
        .iter()
        .filter_map(|s| s.release.blue_green())
        .collect();
    if releases.is_empty() {
        return None;
    }
    let mut custom_configs: Vec<(String, Traffic)> = releases
        .iter()
        .filter(|b| b.traffic.predefined().is_none())
        .map(|b| (b.deployment_config.clone(), b.traffic))
        .collect();
    custom_configs.sort_by(|a, b| a.0.cmp(&b.0));
    custom_configs.dedup_by(|a, b| a.0 == b.0);
    let o = &env.overrides;
    let default_port = if has_certificate {
        TEST_PORT_HTTPS
    } else {
        TEST_PORT_HTTP
    };
    Some(CodeDeploy {
        application: prefix.to_string(),
        test_listener_port: o
            .test_listener_port
            .as_ref()
            .map_or(default_port, |p| p.value),
        test_listener_cidrs: o
            .test_listener_cidrs
            .as_ref()
            .map(|l| l.value.iter().map(|c| c.value.to_string()).collect())
            .unwrap_or_default(),
        custom_configs,
        test_listener_https: has_certificate,
        check_image: releases
            .iter()
            .any(|b| b.test.is_some())
            .then_some(CHECK_IMAGE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_configs_are_named_for_their_steps() {
        let t = Traffic::Canary {
            percent: 20,
            interval_minutes: 7,
        };
        assert_eq!(config_name("shop-prod", t), "shop-prod-canary-20pct-7min");
        let t = Traffic::Linear {
            percent: 10,
            interval_minutes: 3,
        };
        assert_eq!(
            config_name("shop-prod", t),
            "CodeDeployDefault.ECSLinear10PercentEvery3Minutes"
        );
        assert!(wharf_aws::codedeploy::TRAFFIC_PERCENT.contains(&DEFAULT_PERCENT));
    }
}
