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

use wharf_manifest::{self as manifest, DeployFrom, Manifest};

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
    })
}
