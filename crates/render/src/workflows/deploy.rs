//! `wharf-deploy.yml`: on each environment's `deploy_from` push, the environment's deploy
//! job assumes its deploy role (GitHub's OIDC token, no stored keys) and releases every
//! service with `wharf deploy`, which waits and rolls back on failure.
//!
//! Build once, promote the same image: the first environment of the pipeline builds each
//! image with Buildx, scans it with Trivy (HIGH and CRITICAL fail the build) and pushes it
//! to its repository under the commit SHA; each later environment copies that digest from
//! the repository of the one before it into its own. ECR tags are immutable, so a commit's
//! tag names one digest in every environment. Environments in one account and region share
//! one registry, and the copy moves no layer off AWS; see `wharf_model::Pipeline`.
//!
//! An environment copies only what the one before it released: once every service of an
//! environment has released the commit, its deploy job tags each image
//! `released-<commit>`, and that tag is what the next environment copies. A release that
//! failed or was rolled back stops the commit there.
//!
//! Nothing is cached here: a release runs only what this run built or copied (Trivy's
//! cache is off too). wharf is built once per run, by its own job, and handed to the
//! deploy jobs as an artifact kept 30 days, as long as GitHub waits for an approval.

use wharf_model::{DeployFrom, Environment, Pipeline, Platform, SESSION_SECONDS};

use super::yaml::Node;
use super::{
    action_step, checkout, grant, install_wharf, run_step, steps, uses, wharf_env, Layout,
};

/// Where the `wharf` job installs wharf, and where the deploy jobs find it.
const WHARF_ROOT: &str = "$RUNNER_TEMP/wharf";

/// The image the build job tags locally before it is scanned.
const LOCAL_IMAGE: &str = "wharf-build/${{ matrix.service }}:${{ github.sha }}";

pub(super) fn workflow(p: &Platform, pipeline: &Pipeline, layout: &Layout) -> Node {
    let stages: Vec<&Environment> = pipeline
        .order
        .iter()
        .filter_map(|name| p.environments.iter().find(|e| &e.name == name))
        .collect();
    let mut jobs = Node::spaced().with("wharf", wharf_job());
    if let Some(first) = stages.first() {
        jobs = jobs.with("build", build_job(pipeline, first));
    }
    for (i, env) in stages.iter().enumerate() {
        let before = i.checked_sub(1).map(|b| stages[b]);
        jobs = jobs.with(&format!("deploy-{}", env.name), deploy_job(p, env, before));
    }
    Node::spaced()
        .with("name", Node::plain("wharf deploy"))
        .with("on", Node::map().with("push", triggers(&stages)))
        .with("permissions", Node::map())
        .with(
            "concurrency",
            Node::map()
                // One run per ref at a time; each environment's job also waits for the one
                // before it in any run (its own group below).
                .with("group", Node::plain("wharf-deploy-${{ github.ref }}"))
                .with("cancel-in-progress", Node::plain("false")),
        )
        .with(
            "env",
            wharf_env(pipeline, layout).with("AWS_REGION", Node::str(&p.region)),
        )
        .with("jobs", jobs)
}

fn deploy_from(env: &Environment) -> &DeployFrom {
    &env.delivery
        .as_ref()
        .expect("a pipeline's environments deploy from GitHub")
        .deploy_from
}

/// `on.push`: the branches and tags of every environment, each once.
fn triggers(stages: &[&Environment]) -> Node {
    let mut branches = Vec::new();
    let mut tags = Vec::new();
    for env in stages {
        match deploy_from(env) {
            DeployFrom::Branch(b) if !branches.contains(b) => branches.push(b.clone()),
            DeployFrom::Tag(t) if !tags.contains(t) => tags.push(t.clone()),
            _ => {}
        }
    }
    let list =
        |v: Vec<String>| (!v.is_empty()).then(|| Node::Seq(v.into_iter().map(Node::str).collect()));
    Node::map()
        .with_opt("branches", list(branches))
        .with_opt("tags", list(tags))
}

/// The job condition that the push is the environment's: the manifest allows a tag pattern
/// only as a prefix (`v*`) or a whole name, and no character an expression reads.
fn condition(from: &DeployFrom) -> String {
    match from {
        DeployFrom::Branch(b) => format!("github.ref == 'refs/heads/{b}'"),
        DeployFrom::Tag(t) => match t.strip_suffix('*') {
            Some(prefix) => format!("startsWith(github.ref, 'refs/tags/{prefix}')"),
            None => format!("github.ref == 'refs/tags/{t}'"),
        },
    }
}

/// Builds wharf at the manifest's commit, once per run, for the deploy jobs.
fn wharf_job() -> Node {
    Node::map()
        .with("name", Node::plain("build wharf"))
        .with("runs-on", Node::plain("ubuntu-24.04"))
        .with("timeout-minutes", Node::plain("60"))
        .with("permissions", Node::map())
        .with(
            "steps",
            steps(vec![
                run_step("install wharf", &install_wharf(WHARF_ROOT)),
                action_step("hand wharf to the deploy jobs", "actions/upload-artifact").with(
                    "with",
                    Node::map()
                        .with("name", Node::plain("wharf"))
                        .with("path", Node::plain("${{ runner.temp }}/wharf/bin/wharf"))
                        .with("if-no-files-found", Node::plain("error"))
                        .with("retention-days", Node::plain("30")),
                ),
            ]),
        )
}

/// The steps that give a job the environment's deploy role, with the reason it is missing
/// when the GitHub environment has no `WHARF_DEPLOY_ROLE_ARN`.
fn assume_role(env: &Environment, session: &str) -> Vec<Node> {
    let check = format!(
        "if [ -z \"$ROLE\" ]; then\n  echo \"::error::the GitHub environment {0} has no variable WHARF_DEPLOY_ROLE_ARN: set it to the deploy_role_arn output of environments/{0}, as its README says\"\n  exit 1\nfi\n",
        env.name
    );
    vec![
        run_step("check the deploy role is set", &check).with(
            "env",
            Node::map().with("ROLE", Node::plain("${{ vars.WHARF_DEPLOY_ROLE_ARN }}")),
        ),
        Node::map()
            .with("name", Node::plain("assume the deploy role"))
            .with("id", Node::plain("aws"))
            .with("uses", uses("aws-actions/configure-aws-credentials"))
            .with("with", role_inputs(session)),
    ]
}

/// The deploy role again, for a new session of its own.
fn renew_session(service: &str) -> Node {
    Node::map()
        .with(
            "name",
            Node::plain(format!("renew the deploy role's session for {service}")),
        )
        .with("uses", uses("aws-actions/configure-aws-credentials"))
        .with("with", role_inputs("deploy"))
}

fn role_inputs(session: &str) -> Node {
    Node::map()
        .with(
            "role-to-assume",
            Node::plain("${{ vars.WHARF_DEPLOY_ROLE_ARN }}"),
        )
        .with("aws-region", Node::plain("${{ env.AWS_REGION }}"))
        .with(
            "role-session-name",
            Node::plain(format!("wharf-{session}-${{{{ github.run_id }}}}")),
        )
        .with(
            "role-duration-seconds",
            Node::plain(SESSION_SECONDS.to_string()),
        )
}

const REGISTRY: &str =
    "${{ steps.aws.outputs.aws-account-id }}.dkr.ecr.${{ env.AWS_REGION }}.amazonaws.com";

/// docker/login-action signs in to ECR with the role's credentials and masks the password.
fn log_in_to_ecr() -> Node {
    action_step("log in to ECR", "docker/login-action")
        .with("with", Node::map().with("registry", Node::plain(REGISTRY)))
}

fn job_permissions(contents_why: &str) -> Node {
    Node::map()
        .with("contents", grant("read", contents_why))
        .with(
            "id-token",
            grant(
                "write",
                "to assume the deploy role with GitHub's OIDC token",
            ),
        )
}

/// Builds, scans and pushes each service's image to the first environment's repositories,
/// unless an earlier run of the same commit already pushed it.
fn build_job(pipeline: &Pipeline, first: &Environment) -> Node {
    let include: Vec<Node> = pipeline
        .builds
        .iter()
        .map(|b| {
            Node::map()
                .with("service", Node::str(&b.service))
                .with("context", Node::str(&b.context))
                .with("file", Node::str(&b.dockerfile))
                .with(
                    "repository",
                    Node::str(
                        first
                            .registry
                            .repositories
                            .get(&b.service)
                            .cloned()
                            .unwrap_or_default(),
                    ),
                )
        })
        .collect();
    let mut steps = vec![checkout()];
    let mut images = image_steps();
    let push = images.pop();
    steps.extend(images);
    steps.extend(assume_role(first, "build"));
    steps.push(log_in_to_ecr());
    steps.extend(push);
    Node::map()
        .with("name", Node::plain("build ${{ matrix.service }}"))
        .with("if", Node::plain(condition(deploy_from(first))))
        .with("runs-on", Node::plain("ubuntu-24.04"))
        .with("environment", Node::str(&first.name))
        .with("timeout-minutes", Node::plain("60"))
        .with(
            "permissions",
            job_permissions("to check out the code it builds"),
        )
        .with(
            "strategy",
            Node::map()
                .with("fail-fast", Node::plain("false"))
                .with("matrix", Node::map().with("include", Node::Seq(include))),
        )
        .with("steps", super::steps(steps))
}

/// Buildx and the Trivy scan, before the job holds any AWS credentials; then the push of
/// the commit's tag, unless an earlier run of the same commit pushed it (tags are
/// immutable: the image pushed first is the commit's).
fn image_steps() -> Vec<Node> {
    let push = "if aws ecr describe-images --repository-name \"$REPOSITORY\" --image-ids \"imageTag=$GITHUB_SHA\" >/dev/null 2>&1; then\n  echo \"$REPOSITORY:$GITHUB_SHA was pushed by an earlier run of this commit; that image is the commit's.\"\nelse\n  docker tag \"$LOCAL_IMAGE\" \"$REGISTRY/$REPOSITORY:$GITHUB_SHA\"\n  docker push \"$REGISTRY/$REPOSITORY:$GITHUB_SHA\"\nfi\n";
    vec![
        action_step("set up Buildx", "docker/setup-buildx-action"),
        action_step("build", "docker/build-push-action").with(
            "with",
            Node::map()
                .with("context", Node::plain("${{ matrix.context }}"))
                .with("file", Node::plain("${{ matrix.file }}"))
                .with("load", Node::plain("true"))
                .with("push", Node::plain("false"))
                .with("provenance", Node::plain("false"))
                .with("tags", Node::plain(LOCAL_IMAGE)),
        ),
        action_step(
            "scan with Trivy (HIGH and CRITICAL fail)",
            "aquasecurity/trivy-action",
        )
        .with(
            "with",
            Node::map()
                .with("image-ref", Node::plain(LOCAL_IMAGE))
                .with("scanners", Node::plain("vuln"))
                .with("severity", Node::plain("HIGH,CRITICAL"))
                .with("exit-code", Node::str("1"))
                .with("format", Node::plain("table"))
                // The vulnerability database and Trivy itself are fetched, not restored
                // from a cache another run could have written.
                .with("cache", Node::str("false")),
        ),
    ]
    .into_iter()
    .chain(std::iter::once(
        run_step("push the commit's tag", push).with(
            "env",
            Node::map()
                .with("LOCAL_IMAGE", Node::plain(LOCAL_IMAGE))
                .with("REGISTRY", Node::plain(REGISTRY))
                .with("REPOSITORY", Node::plain("${{ matrix.repository }}")),
        ),
    ))
    .collect()
}

/// Copies one service's image from the environment before, by digest, unless it is there.
const PROMOTE: &str = "digest=$(aws ecr describe-images --repository-name \"$FROM\" --image-ids \"imageTag=released-$GITHUB_SHA\" --query 'imageDetails[0].imageDigest' --output text) || {\n  echo \"::error::$FROM has no image released-$GITHUB_SHA: $FROM_ENV has not released this commit (its deploy there failed, was rolled back, or never ran), so it is not released here\"\n  exit 1\n}\nif have=$(aws ecr describe-images --repository-name \"$TO\" --image-ids \"imageTag=$GITHUB_SHA\" --query 'imageDetails[0].imageDigest' --output text 2>/dev/null); then\n  if [ \"$have\" != \"$digest\" ]; then\n    echo \"::error::$TO:$GITHUB_SHA is $have, not $digest as in $FROM; tags are immutable, so it cannot be replaced\"\n    exit 1\n  fi\n  echo \"$TO:$GITHUB_SHA is $digest already.\"\nelse\n  docker buildx imagetools create --prefer-index=false --tag \"$REGISTRY/$TO:$GITHUB_SHA\" \"$REGISTRY/$FROM@$digest\"\n  have=$(aws ecr describe-images --repository-name \"$TO\" --image-ids \"imageTag=$GITHUB_SHA\" --query 'imageDetails[0].imageDigest' --output text)\n  if [ \"$have\" != \"$digest\" ]; then\n    echo \"::error::the copy in $TO is $have, not $digest\"\n    exit 1\n  fi\nfi\n";

/// Tags each image of the commit `released-<commit>` once every service of the environment
/// released it: what the environment after it copies, so that a commit whose release
/// failed, or was rolled back, goes no further.
const MARK_RELEASED: &str = "while read -r repository; do\n  if aws ecr describe-images --repository-name \"$repository\" --image-ids \"imageTag=released-$GITHUB_SHA\" >/dev/null 2>&1; then\n    echo \"$repository:released-$GITHUB_SHA is there already.\"\n    continue\n  fi\n  image=(--repository-name \"$repository\" --image-ids \"imageTag=$GITHUB_SHA\")\n  manifest=$(aws ecr batch-get-image \"${image[@]}\" --query 'images[0].imageManifest' --output text)\n  media_type=$(aws ecr batch-get-image \"${image[@]}\" --query 'images[0].imageManifestMediaType' --output text)\n  aws ecr put-image --repository-name \"$repository\" --image-tag \"released-$GITHUB_SHA\" --image-manifest \"$manifest\" --image-manifest-media-type \"$media_type\" >/dev/null\n  echo \"$repository:released-$GITHUB_SHA\"\ndone <<< \"$REPOSITORIES\"\n";

/// The longest a deploy job may take: each service's release waits at most its timeout
/// plus its traffic steps and bake (35 minutes for the prod canary), in turn.
fn deploy_minutes(env: &Environment) -> usize {
    (15 + 45 * env.services.len()).min(360)
}

/// The copy of each image from the environment before, by digest.
fn promote_steps(env: &Environment, before: &Environment) -> Vec<Node> {
    let mut steps = vec![log_in_to_ecr()];
    for (service, to) in &env.registry.repositories {
        let Some(source) = before.registry.repositories.get(service) else {
            continue;
        };
        steps.push(
            run_step(&format!("promote {service} from {}", before.name), PROMOTE).with(
                "env",
                Node::map()
                    .with("REGISTRY", Node::plain(REGISTRY))
                    .with("FROM_ENV", Node::str(&before.name))
                    .with("FROM", Node::str(source))
                    .with("TO", Node::str(to)),
            ),
        );
    }
    steps
}

/// `wharf deploy` of each service in turn, then the `released-<commit>` tags.
fn release_steps(env: &Environment) -> Vec<Node> {
    let mut steps = Vec::new();
    for (i, s) in env.services.iter().enumerate() {
        if i > 0 {
            // A fresh session for each release, so that none ends while wharf follows one.
            steps.push(renew_session(&s.key));
        }
        steps.push(run_step(
            &format!("deploy {}", s.key),
            &format!(
                "\"{WHARF_ROOT}/bin/wharf\" deploy --manifest \"$WHARF_MANIFEST\" --env {} --service {} --image-tag \"$GITHUB_SHA\"\n",
                env.name, s.key
            ),
        ));
    }
    let repositories: Vec<&str> = env
        .registry
        .repositories
        .values()
        .map(String::as_str)
        .collect();
    steps.push(
        run_step(
            &format!("tag the images released in {}", env.name),
            MARK_RELEASED,
        )
        .with(
            "env",
            Node::map().with("REPOSITORIES", Node::script(repositories.join("\n") + "\n")),
        ),
    );
    steps
}

/// One environment's deploy job: the images (built by `build`, or copied from the
/// environment before), then `wharf deploy` of each service in key order.
fn deploy_job(p: &Platform, env: &Environment, before: Option<&Environment>) -> Node {
    let from = deploy_from(env);
    let mut needs = vec![Node::plain("wharf")];
    match before {
        None => needs.push(Node::plain("build")),
        // The same push releases the environment before first, in the same run.
        Some(b) if deploy_from(b) == from => needs.push(Node::plain(format!("deploy-{}", b.name))),
        Some(_) => {}
    }
    let mut steps = vec![
        checkout(),
        action_step("download wharf", "actions/download-artifact").with(
            "with",
            Node::map()
                .with("name", Node::plain("wharf"))
                .with("path", Node::plain("${{ runner.temp }}/wharf/bin")),
        ),
        run_step(
            "make wharf executable",
            &format!("chmod +x \"{WHARF_ROOT}/bin/wharf\"\n"),
        ),
    ];
    steps.extend(assume_role(env, "deploy"));
    if let Some(b) = before {
        steps.extend(promote_steps(env, b));
    }
    steps.extend(release_steps(env));
    Node::map()
        .with("name", Node::plain(format!("deploy {}", env.name)))
        .with("needs", Node::Seq(needs))
        .with("if", Node::plain(condition(from)))
        .with("runs-on", Node::plain("ubuntu-24.04"))
        .with("environment", Node::str(&env.name))
        .with(
            "concurrency",
            Node::map()
                .with(
                    "group",
                    Node::str(format!("wharf-deploy-{}-{}", p.app, env.name)),
                )
                .with("cancel-in-progress", Node::plain("false")),
        )
        .with(
            "timeout-minutes",
            Node::plain(deploy_minutes(env).to_string()),
        )
        .with("permissions", job_permissions("to check out the manifest"))
        .with("steps", super::steps(steps))
}
