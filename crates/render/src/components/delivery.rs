//! Delivery from GitHub Actions: in each environment, the deploy role a GitHub environment's
//! jobs assume with their OIDC token, allowed exactly what `wharf deploy` does there; the
//! account's OIDC provider itself is in the bootstrap root (`bootstrap.rs`), since
//! Terraform cannot create a resource only when it is missing, and each environment reads
//! it with a data source.

use std::fmt::Write as _;

use wharf_model::{DeployFrom, Environment, Platform, GITHUB_OIDC_HOST, SESSION_SECONDS};

use super::service::label_of;
use crate::component::{Call, Component, Readme};
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct Delivery;

/// What the deploy role may release through in CodeDeploy, and the release checks it
/// may run.
fn codedeploy(cd: &wharf_model::CodeDeploy) -> Expr {
    let mut attrs = vec![
        (
            "application_arn".into(),
            Expr::raw("module.codedeploy.application_arn"),
        ),
        (
            "deployment_group_arns".into(),
            Expr::raw("values(module.codedeploy.deployment_group_arns)"),
        ),
        (
            "deployment_config_names".into(),
            Expr::raw("values(module.codedeploy.deployment_config_names)"),
        ),
    ];
    if cd.check_image.is_some() {
        attrs.push((
            "release_check".into(),
            Expr::Object(vec![
                (
                    "cluster_arn".into(),
                    Expr::raw("module.cluster.cluster_arn"),
                ),
                (
                    "cluster_name".into(),
                    Expr::raw("module.cluster.cluster_name"),
                ),
                (
                    "task_definition_families".into(),
                    Expr::raw("values(module.codedeploy.release_check.task_definition_families)"),
                ),
                (
                    "execution_role_arn".into(),
                    Expr::raw("module.codedeploy.release_check.execution_role_arn"),
                ),
            ]),
        ));
    }
    Expr::Object(attrs)
}

impl Component for Delivery {
    fn name(&self) -> &'static str {
        "delivery"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("delivery")
    }

    fn data(&self, _p: &Platform, env: &Environment) -> Vec<Block> {
        if env.delivery.is_none() {
            return Vec::new();
        }
        vec![Block::new(
            "data",
            &["aws_iam_openid_connect_provider", "github"],
            Body::new()
                .comment("Made once per account by the bootstrap root (../../bootstrap).")
                .attr("url", Expr::str(format!("https://{GITHUB_OIDC_HOST}"))),
        )]
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        let Some(d) = &env.delivery else {
            return Vec::new();
        };
        let services = env
            .services
            .iter()
            .map(|s| {
                let m = format!("module.{}", label_of(&s.key));
                let field = |f: &str| Expr::raw(format!("{m}.{f}"));
                (
                    s.key.clone(),
                    Expr::Object(vec![
                        ("service_arn".into(), field("service_arn")),
                        (
                            "task_definition_family".into(),
                            field("task_definition_family"),
                        ),
                        ("task_role_arn".into(), field("task_role_arn")),
                        ("execution_role_arn".into(), field("execution_role_arn")),
                    ]),
                )
            })
            .collect();
        let codedeploy = env.code_deploy.as_ref().map(codedeploy);
        let body = Body::new()
            .attr("name", Expr::str(&d.role_name))
            .attr(
                "oidc_provider_arn",
                Expr::raw("data.aws_iam_openid_connect_provider.github.arn"),
            )
            .attr("subject", Expr::str(d.subject()))
            .attr("session_seconds", Expr::int(SESSION_SECONDS))
            .attr(
                "ecr_push_policy_arn",
                Expr::raw("module.registry.push_policy_arn"),
            )
            .attr("services", Expr::Object(services))
            .attr_opt("codedeploy", codedeploy)
            .attr_opt(
                "promote_from_repositories",
                d.promote_from
                    .as_ref()
                    .map(|p| Expr::List(p.repositories.values().map(Expr::str).collect())),
            );
        vec![Call::new(self, "delivery", body)]
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.delivery.is_none() {
            return Vec::new();
        }
        vec![output(
            "deploy_role_arn",
            "ARN of the role the GitHub environment's deploy job assumes (role-to-assume).",
            Expr::raw("module.delivery.role_arn"),
        )]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        let Some(d) = &env.delivery else { return };
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Deploying from GitHub Actions\n");
        let _ = writeln!(o, "Jobs of `{}` that run in the GitHub environment `{}` assume the role `{}` (the `deploy_role_arn` output) with GitHub's OIDC token: no AWS keys are stored in GitHub. The role trusts only tokens for `sts.amazonaws.com` whose subject is exactly `{}`: no other repository's workflows can assume it, and a job of this one only when it runs in that environment, which GitHub allows only from the branch or tag below (a pull request's ref matches neither). Its sessions last up to {} hours, so that a release can finish and roll back.\n", d.repository, d.github_environment, d.role_name, d.subject(), SESSION_SECONDS / 3600);
        let _ = writeln!(o, "The account's OIDC provider for `{GITHUB_OIDC_HOST}` is made once per account by the bootstrap root (`../../bootstrap`): apply it before this environment. A second app in the same account does not apply its own bootstrap root (IAM allows one provider per URL): its environments read the same provider.\n");
        let _ = writeln!(
            o,
            "What the role may do, each on the narrowest resource IAM accepts:\n"
        );
        let _ = writeln!(o, "| actions | resources |");
        let _ = writeln!(o, "|---|---|");
        let _ = writeln!(
            o,
            "| `ecr:GetAuthorizationToken` | `*` (AWS allows nothing narrower) |"
        );
        let _ = writeln!(o, "| pushing and pulling images (`ecr:PutImage`, the layer uploads, `ecr:DescribeImages`, …) | this environment's repositories |");
        if let Some(p) = &d.promote_from {
            let _ = writeln!(o, "| pulling images (`ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `ecr:DescribeImages`) | `{}`'s repositories, in this account and region: the images deployed here are copied from there |", p.environment);
        }
        let _ = writeln!(o, "| `ecs:DescribeTaskDefinition`, `ecs:ListTaskDefinitions` | `*` (AWS allows nothing narrower) |");
        let _ = writeln!(o, "| `ecs:RegisterTaskDefinition`, `ecs:TagResource` (only while registering) | the services' task definition families |");
        let _ = writeln!(
            o,
            "| `ecs:DescribeServices`, `ecs:UpdateService` | this environment's services |"
        );
        let _ = writeln!(o, "| `iam:PassRole`, to `ecs-tasks.amazonaws.com` only | the services' task and execution roles |");
        if env.code_deploy.is_some() {
            let _ = writeln!(o, "| `codedeploy:CreateDeployment`, `GetDeployment`, `GetDeploymentGroup`, `ListDeployments` | this environment's deployment groups |");
            let _ = writeln!(o, "| `codedeploy:GetDeploymentConfig` | the groups' configurations and `CodeDeployDefault.ECSAllAtOnce` |");
            let _ = writeln!(o, "| `codedeploy:RegisterApplicationRevision`, `GetApplicationRevision` | this environment's CodeDeploy application |");
            let _ = writeln!(o, "| `codedeploy:StopDeployment`, `ListDeploymentTargets`, `BatchGetDeploymentTargets` | `*` (AWS allows nothing narrower) |");
        }
        workflows(o, env, d);
        let _ = writeln!(o, "\nThere is no role for `terraform plan` from pull requests: a plan refreshes every resource of the environment, which takes read access to each one's configuration across a dozen services; plan from a machine with your own credentials.\n");
        github_environment(o, d);
    }
}

/// What the rendered workflows do in this environment.
fn workflows(o: &mut String, env: &Environment, d: &wharf_model::Delivery) {
    let _ = writeln!(o, "\n**The workflows** (rendered at the project root, in `.github/workflows/`). `wharf-checks.yml` runs on every pull request and reaches no AWS account: `terraform fmt -check`, `terraform validate` of each root, `wharf render --check`, `wharf review` (uploaded to code scanning as SARIF where the repository has it) and the pull request's monthly cost change, per environment, in the job summary. `wharf-deploy.yml` runs on a push of `{}`: the job `deploy-{}`, in the GitHub environment `{}`, assumes this role, {}, then runs `wharf deploy` of each service in turn, which waits for the release and rolls it back when it fails. Once every service released the commit, the job tags each image `released-<commit>`. One deploy of this environment runs at a time: a newer run waits, and takes the place of any run that was waiting (GitHub keeps one). Every action is pinned to a commit, and each job gets only the permissions it uses. wharf itself is built from `wharf_git` at `wharf_rev` (`cargo install --locked`) by the run's first job; once wharf publishes release binaries, the job will download one and check its checksum instead.", d.deploy_from.as_key(), env.name, d.github_environment, match &d.promote_from {
        None => "after the `build` job has built, scanned and pushed each image".to_string(),
        Some(p) => format!("copies each image of the commit from `{}`", p.environment),
    });
}

/// The GitHub environment, its deployment branch or tag and its reviewers: what the AWS
/// provider cannot render, as the `gh api` commands that set it.
fn github_environment(o: &mut String, d: &wharf_model::Delivery) {
    let (kind, name) = match &d.deploy_from {
        DeployFrom::Branch(b) => ("branch", b.as_str()),
        DeployFrom::Tag(t) => ("tag", t.as_str()),
    };
    let env_path = format!(
        "repos/{}/environments/{}",
        d.repository, d.github_environment
    );
    let _ = writeln!(o, "**The GitHub environment.** The role's subject carries no branch, so which pushes may deploy here is GitHub's to enforce: only a {kind} matching `{name}`{}. Create the environment and its rules once (a repository admin, with the GitHub CLI):\n", if d.approval { ", and each deployment waits for a reviewer's approval" } else { "" });
    let _ = writeln!(o, "```sh");
    if d.approval {
        let owner = d.repository.split('/').next().unwrap_or_default();
        let _ = writeln!(
            o,
            "# the team that approves: TEAM_ID=$(gh api orgs/{owner}/teams/TEAM --jq .id)"
        );
        let _ = writeln!(o, "gh api --method PUT {env_path} --input - <<JSON");
        let _ = writeln!(o, "{{\"prevent_self_review\": true, \"reviewers\": [{{\"type\": \"Team\", \"id\": $TEAM_ID}}],");
        let _ = writeln!(o, " \"deployment_branch_policy\": {{\"protected_branches\": false, \"custom_branch_policies\": true}}}}");
        let _ = writeln!(o, "JSON");
    } else {
        let _ = writeln!(o, "gh api --method PUT {env_path} --input - <<JSON");
        let _ = writeln!(o, "{{\"deployment_branch_policy\": {{\"protected_branches\": false, \"custom_branch_policies\": true}}}}");
        let _ = writeln!(o, "JSON");
    }
    let _ = writeln!(o, "gh api --method POST {env_path}/deployment-branch-policies -f name='{name}' -f type={kind}");
    let _ = writeln!(
        o,
        "# after `terraform apply` here: the role the workflow's jobs in this environment assume"
    );
    let _ = writeln!(o, "gh variable set WHARF_DEPLOY_ROLE_ARN --repo {} --env {} --body \"$(terraform output -raw deploy_role_arn)\"", d.repository, d.github_environment);
    let _ = writeln!(o, "```");
    let _ = writeln!(o, "\n**Images.** {}", match &d.promote_from {
        None => "The deploy workflow builds each service's image here, in this environment's `build` job: Buildx, then a Trivy scan that fails on a HIGH or CRITICAL vulnerability, then a push of the commit SHA as the tag (never `latest`; the repositories' tags are immutable). Later environments copy the same digest from this environment's repositories.".to_string(),
        Some(p) => format!("Nothing is built for this environment: its deploy job copies the image of the commit from `{0}`'s repositories, by digest, and only one tagged `released-<commit>`, which `{0}`'s deploy job adds once every service there released the commit. So this environment runs what `{0}` released, and a commit whose release in `{0}` failed, was rolled back or never ran stops there. Both environments must be in the same account and region (the copy stays in one registry).", p.environment),
    });
}
