//! The ECS cluster of an environment and how its tasks are spread over FARGATE and
//! FARGATE_SPOT.

use wharf_manifest::{self as manifest, Diagnostic};

use crate::profile::Profile;
use crate::resolve::pick;

#[derive(Debug, Clone)]
pub struct Cluster {
    pub name: String,
    /// Retention of the ECS Exec audit log group.
    pub log_retention_days: u32,
    pub container_insights: bool,
    pub capacity: Capacity,
}

/// How tasks are spread over on-demand FARGATE and FARGATE_SPOT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Tasks placed on FARGATE before the weights apply.
    pub fargate_base: u32,
    pub fargate_weight: u32,
    pub fargate_spot_weight: u32,
}

pub(crate) fn capacity(
    env: &manifest::Environment,
    p: &Profile,
    diags: &mut Vec<Diagnostic>,
) -> Capacity {
    let o = &env.overrides;
    let c = Capacity {
        fargate_base: pick(&[o.fargate_base.as_ref()], p.fargate_base).value,
        fargate_weight: pick(&[o.fargate_weight.as_ref()], p.fargate_weight).value,
        fargate_spot_weight: pick(&[o.fargate_spot_weight.as_ref()], p.fargate_spot_weight).value,
    };
    if c.fargate_weight == 0 && c.fargate_spot_weight == 0 {
        let span = o
            .fargate_weight
            .as_ref()
            .or(o.fargate_spot_weight.as_ref())
            .map(|s| s.span.clone())
            .unwrap_or(env.key.span.clone());
        diags.push(
            Diagnostic::new(
                format!(
                    "environment `{}` gives both FARGATE and FARGATE_SPOT a weight of 0",
                    env.key.value
                ),
                span,
            )
            .with_help("ECS needs at least one capacity provider with a weight above 0"),
        );
    }
    c
}

pub(crate) fn resolve(
    env: &manifest::Environment,
    p: &Profile,
    prefix: &str,
    capacity: Capacity,
) -> Cluster {
    let o = &env.overrides;
    Cluster {
        name: prefix.to_string(),
        log_retention_days: pick(&[o.log_retention_days.as_ref()], p.log_retention_days).value,
        container_insights: pick(&[o.container_insights.as_ref()], p.container_insights).value,
        capacity,
    }
}
