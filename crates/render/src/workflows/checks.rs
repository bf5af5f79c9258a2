//! `wharf-checks.yml`: what every pull request is checked for before its infrastructure
//! changes. It runs on `pull_request`, never `pull_request_target`, so a pull request from
//! a fork runs with a read-only token and no secrets, and it assumes no AWS role: nothing
//! here reaches AWS. (`terraform plan` is left out for that reason; the environment README
//! says why.)

use wharf_model::{Pipeline, Platform};

use super::yaml::Node;
use super::{
    action_step, checkout, grant, install_wharf, run_step, steps, uses, wharf_env, Layout,
};
use crate::bootstrap;

/// The Terraform version the checks install: the one wharf's own tests run.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// Where the cached wharf is installed.
const WHARF_ROOT: &str = "$HOME/.wharf";

/// The base branch's checkout, for the cost change.
const BASE: &str = ".wharf-base";

pub(super) fn workflow(p: &Platform, pipeline: &Pipeline, layout: &Layout) -> Node {
    Node::spaced()
        .with("name", Node::plain("wharf checks"))
        .with("on", Node::map().with("pull_request", Node::map()))
        .with("permissions", Node::map())
        .with(
            "concurrency",
            Node::map()
                .with(
                    "group",
                    Node::plain("wharf-checks-${{ github.event.pull_request.number }}"),
                )
                .with("cancel-in-progress", Node::plain("true")),
        )
        .with("env", wharf_env(pipeline, layout))
        .with(
            "jobs",
            Node::spaced()
                .with("terraform", terraform(p, layout))
                .with("wharf", wharf(p, layout)),
        )
}

/// `terraform fmt -check` of the tree, and `validate` of each root.
fn terraform(p: &Platform, layout: &Layout) -> Node {
    let mut roots = vec![Node::str(layout.infra(bootstrap::DIR))];
    roots.extend(
        p.environments
            .iter()
            .map(|e| Node::str(layout.infra(&format!("environments/{}", e.name)))),
    );
    Node::map()
        .with("name", Node::plain("terraform ${{ matrix.root }}"))
        .with("runs-on", Node::plain("ubuntu-24.04"))
        .with(
            "permissions",
            Node::map().with("contents", grant("read", "to check out the pull request")),
        )
        .with(
            "strategy",
            Node::map()
                .with("fail-fast", Node::plain("false"))
                .with("matrix", Node::map().with("root", Node::Seq(roots))),
        )
        .with(
            "steps",
            steps(vec![
                checkout(),
                action_step("install terraform", "hashicorp/setup-terraform").with(
                    "with",
                    Node::map()
                        .with("terraform_version", Node::plain(TERRAFORM_VERSION))
                        .with("terraform_wrapper", Node::plain("false")),
                ),
                run_step("terraform fmt -check", "terraform fmt -check -diff -recursive \"$INFRA\"\n")
                    .with("env", Node::map().with("INFRA", Node::str(&layout.infra))),
                run_step(
                    "terraform validate",
                    "terraform init -backend=false -input=false -no-color\nterraform validate -no-color\n",
                )
                .with("working-directory", Node::plain("${{ matrix.root }}")),
            ]),
        )
}

/// `wharf render --check`, the review (SARIF to code scanning, then the text report that
/// fails the check), and the cost change of the pull request as the job's summary.
fn wharf(p: &Platform, layout: &Layout) -> Node {
    let wharf = format!("\"{WHARF_ROOT}/bin/wharf\"");
    let envs: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
    let cost = format!(
        "{{\n  echo \"## Monthly cost change of this pull request\"\n  for env in {}; do\n    echo\n    echo \"### $env\"\n    if [ -d \"{BASE}/$INFRA/environments/$env\" ]; then\n      {wharf} cost --compare \"{BASE}/$INFRA/environments/$env\" \"$INFRA/environments/$env\" --format markdown\n    else\n      echo \"A new environment:\"\n      {wharf} cost \"$INFRA/environments/$env\" --format markdown\n    fi\n  done\n}} >> \"$GITHUB_STEP_SUMMARY\"\n",
        envs.join(" ")
    );
    let note = "{\n  echo \"### wharf review\"\n  echo \"The findings were not uploaded to code scanning: the repository has none (a private repository needs GitHub Code Security), or this pull request comes from a fork, whose token may not write it. The last step prints them.\"\n} >> \"$GITHUB_STEP_SUMMARY\"\n";
    Node::map()
        .with("name", Node::plain("render, review and cost"))
        .with("runs-on", Node::plain("ubuntu-24.04"))
        .with(
            "permissions",
            Node::map()
                .with("contents", grant("read", "to check out the pull request and its base"))
                .with(
                    "security-events",
                    grant("write", "to upload the review to code scanning"),
                ),
        )
        .with("env", Node::map().with("INFRA", Node::str(&layout.infra)))
        .with(
            "steps",
            steps(vec![
                checkout(),
                action_step("check out the base branch", "actions/checkout").with(
                    "with",
                    Node::map()
                        .with("ref", Node::plain("${{ github.event.pull_request.base.sha }}"))
                        .with("path", Node::plain(BASE))
                        .with("persist-credentials", Node::plain("false")),
                ),
                Node::map()
                    .with("name", Node::plain("cache wharf"))
                    .with("id", Node::plain("cache"))
                    .with("uses", uses("actions/cache"))
                    .with(
                        "with",
                        Node::map()
                            .with("path", Node::plain("~/.wharf"))
                            .with("key", Node::plain("wharf-${{ runner.os }}-${{ env.WHARF_REV }}")),
                    ),
                run_step("install wharf", &install_wharf(WHARF_ROOT))
                    .with("if", Node::plain("steps.cache.outputs.cache-hit != 'true'")),
                run_step(
                    "wharf render --check",
                    &format!("{wharf} render --check --manifest \"$WHARF_MANIFEST\" --out \"$INFRA\" --root .\n"),
                ),
                run_step(
                    "wharf review (SARIF)",
                    &format!("{wharf} review \"$INFRA\" --format sarif --output wharf-review.sarif --fail-on never\n"),
                ),
                Node::map()
                    .with("name", Node::plain("upload the review to code scanning"))
                    .with("id", Node::plain("upload"))
                    .with("continue-on-error", Node::plain("true"))
                    .with("uses", uses("github/codeql-action/upload-sarif"))
                    .with(
                        "with",
                        Node::map()
                            .with("sarif_file", Node::plain("wharf-review.sarif"))
                            .with("category", Node::plain("wharf")),
                    ),
                run_step("note that code scanning is off", note)
                    .with("if", Node::plain("steps.upload.outcome == 'failure'")),
                run_step("cost change", &cost),
                run_step("wharf review", &format!("{wharf} review \"$INFRA\"\n")),
            ]),
        )
}
