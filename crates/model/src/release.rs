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
}

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
    }
    .into()
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
