//! Delivery from GitHub Actions: per environment, the GitHub environment a workflow deploys
//! through, which push deploys there, whether a reviewer approves it, and the deploy role
//! the workflow assumes with GitHub's OIDC token.
//!
//! The role trusts exactly one subject, `repo:OWNER/NAME:environment:ENV`: GitHub puts the
//! environment in the token's `sub` of every job that names one, so no other repository's
//! jobs can assume it, and this one's only inside that environment, which GitHub's
//! deployment branch policy opens to the chosen branch or tag alone (see the `gh api`
//! commands in the environment README).
//! <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims>

use std::collections::BTreeMap;

use wharf_manifest::{self as manifest, DeployFrom, Diagnostic, Manifest};

use crate::profile::Profile;
use crate::resolve::pick;

/// GitHub's OIDC issuer, as IAM names the provider: its URL without `https://`.
pub const GITHUB_OIDC_HOST: &str = "token.actions.githubusercontent.com";
/// The audience GitHub's token carries for AWS (`aws-actions/configure-aws-credentials`).
pub const GITHUB_OIDC_AUDIENCE: &str = "sts.amazonaws.com";
/// Longest a deploy role's session lasts: a prod canary waits for its steps and bake
/// (20 minutes by default) on top of the new tasks' 15, and the build before it; a session
/// that ended mid-release would leave wharf unable to follow or roll back.
pub const SESSION_SECONDS: u32 = 2 * 60 * 60;

/// How GitHub deploys one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `owner/name`.
    pub repository: String,
    /// The GitHub environment its deploy job runs in: the environment's own name.
    pub github_environment: String,
    pub deploy_from: DeployFrom,
    pub approval: bool,
    /// `{prefix}-deploy`.
    pub role_name: String,
    /// Where its images come from, when an environment before it in the pipeline built
    /// them; `None` for the first, which builds.
    pub promote_from: Option<Promotion>,
}

/// The environment whose images an environment takes, by the same digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promotion {
    pub environment: String,
    /// The earlier environment's ECR repository by service key: the deploy role may pull
    /// from these, and only these, besides its own.
    pub repositories: BTreeMap<String, String>,
}

/// The app's pipeline: the GitHub repository, the wharf its workflows install, how each
/// image is built, and the order in which an image moves through the environments.
///
/// An image is built and scanned once, by the first environment's deploy job, and pushed
/// to that environment's repositories under the commit SHA; each later environment copies
/// the same digest from the one before it. So prod runs exactly what staging ran, and a
/// tag deploys only a commit that went through the environments before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// `owner/name`.
    pub repository: String,
    /// The `https://` git URL and the commit of the wharf the workflows install.
    pub wharf_git: String,
    pub wharf_rev: String,
    /// One per service, in key order.
    pub builds: Vec<Build>,
    /// Environment names in promotion order: by profile (dev, staging, prod), then name.
    pub order: Vec<String>,
}

/// How the deploy workflow builds one service's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    pub service: String,
    /// The build context, relative to the repository's root (`.` by default).
    pub context: String,
    /// The Dockerfile, relative to the repository's root (`{context}/Dockerfile` by default).
    pub dockerfile: String,
}

impl Delivery {
    /// The token subject the deploy role trusts.
    pub fn subject(&self) -> String {
        format!(
            "repo:{}:environment:{}",
            self.repository, self.github_environment
        )
    }
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    prefix: &str,
) -> Option<Delivery> {
    let delivery = m.delivery.as_ref()?;
    let deploy_from = env
        .overrides
        .deploy_from
        .as_ref()
        .map_or_else(|| p.deploy_from.clone(), |d| d.value.clone());
    Some(Delivery {
        repository: delivery.repository.value.clone(),
        github_environment: env.key.value.clone(),
        deploy_from,
        approval: pick(&[env.overrides.approval.as_ref()], p.approval).value,
        role_name: format!("{prefix}-deploy"),
        promote_from: None,
    })
}

/// The pipeline, and each environment's place in it: every environment after the first
/// takes its images from the one before it.
pub(crate) fn pipeline(
    m: &Manifest,
    environments: &mut [crate::Environment],
    diags: &mut Vec<Diagnostic>,
) -> Option<Pipeline> {
    let d = m.delivery.as_ref()?;
    let mut order: Vec<(manifest::ProfileName, String)> = environments
        .iter()
        .map(|e| (e.profile, e.name.clone()))
        .collect();
    order.sort();
    let order: Vec<String> = order.into_iter().map(|(_, n)| n).collect();
    check_order(m, environments, &order, diags);
    for pair in order.windows(2) {
        let before = environments.iter().find(|e| e.name == pair[0]);
        let promotion = before.map(|b| Promotion {
            environment: b.name.clone(),
            repositories: b.registry.repositories.clone(),
        });
        if let Some(e) = environments.iter_mut().find(|e| e.name == pair[1]) {
            if let Some(delivery) = &mut e.delivery {
                delivery.promote_from = promotion;
            }
        }
    }
    let builds = m
        .services
        .values()
        .map(|s| {
            let context = s
                .build
                .context
                .as_ref()
                .map_or_else(|| ".".to_string(), |c| c.value.clone());
            let dockerfile = s.build.dockerfile.as_ref().map_or_else(
                || {
                    if context == "." {
                        "Dockerfile".to_string()
                    } else {
                        format!("{context}/Dockerfile")
                    }
                },
                |f| f.value.clone(),
            );
            Build {
                service: s.key.value.clone(),
                context,
                dockerfile,
            }
        })
        .collect();
    Some(Pipeline {
        repository: d.repository.value.clone(),
        wharf_git: d.wharf_git.value.clone(),
        wharf_rev: d.wharf_rev.value.clone(),
        builds,
        order,
    })
}

/// Environments that deploy from the same push must be next to each other in the pipeline:
/// the push releases them in turn, each waiting for the one before. One between them with
/// another trigger would have released nothing yet when the later one copies from it.
fn check_order(
    m: &Manifest,
    environments: &[crate::Environment],
    order: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    let from = |name: &str| {
        environments
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.delivery.as_ref())
            .map(|d| d.deploy_from.clone())
    };
    for (k, later) in order.iter().enumerate() {
        let Some(trigger) = from(later) else { continue };
        let Some(i) = order[..k]
            .iter()
            .position(|e| from(e).as_ref() == Some(&trigger))
        else {
            continue;
        };
        let Some(between) = order[i + 1..k]
            .iter()
            .find(|e| from(e).as_ref() != Some(&trigger))
        else {
            continue;
        };
        let Some(env) = m.environments.values().find(|e| &e.key.value == later) else {
            continue;
        };
        let span = env
            .overrides
            .deploy_from
            .as_ref()
            .map_or_else(|| env.key.span.clone(), |d| d.span.clone());
        diags.push(
            Diagnostic::new(
                format!(
                    "environment `{later}` deploys from `{}` as `{}` does, but `{between}`, between them in the pipeline, deploys from `{}`",
                    trigger.as_key(),
                    order[i],
                    from(between).map(|f| f.as_key()).unwrap_or_default()
                ),
                span,
            )
            .with_help(format!(
                "an image moves through the environments in order (by profile: dev, staging, prod), each copying what the one before released; give `{later}` a `deploy_from` of its own, e.g. `tag:v*`, or `{between}` the same one"
            )),
        );
    }
}
