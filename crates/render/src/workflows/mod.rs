//! The GitHub Actions workflows of an app with `[delivery]`: `wharf-checks.yml` checks
//! every pull request (Terraform's format and validity, `wharf render --check`, the review
//! as SARIF for code scanning, the cost change as a job summary), and `wharf-deploy.yml`
//! builds each image once, scans it, and releases the same digest through the
//! environments in order (see `wharf_model::Pipeline`).
//!
//! GitHub reads workflows only from `.github/workflows/` at the repository's root, which is
//! not below the Terraform directory, so these files belong to the project root
//! (`wharf render --root`) and its own ledger, `.github/.wharf-files` (see `tree`).
//!
//! What every workflow keeps to: `permissions: {}` at the top and each job granted only
//! what it uses, with the reason beside each grant; every action pinned by commit from the
//! table in `actions.rs`, the only place a SHA is written; no `pull_request_target` or
//! `workflow_run`; no cache in the deploy workflow, which a poisoned cache could turn into
//! a release of someone else's code; values from GitHub's contexts reach a script only
//! through environment variables, never spliced into it.

mod actions;
mod checks;
mod deploy;
mod yaml;

use std::collections::BTreeMap;

use wharf_model::{Pipeline, Platform};

pub use actions::{Action, ACTIONS};
use yaml::Node;

/// Where the workflows live, below the project root.
pub const DIR: &str = ".github/workflows";

/// Where the project's files are, relative to the project root (the repository's root),
/// with `/`: what the workflows name when they run wharf and Terraform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The manifest, e.g. `wharf.toml`.
    pub manifest: String,
    /// The Terraform directory, `--out`, e.g. `infra`; `.` when it is the root itself.
    pub infra: String,
}

impl Layout {
    /// A path below the Terraform directory, relative to the project root.
    fn infra(&self, rel: &str) -> String {
        if self.infra == "." {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.infra)
        }
    }
}

/// The workflows by path relative to the project root; none without `[delivery]`.
pub fn files(p: &Platform, layout: &Layout, header: &str) -> BTreeMap<String, String> {
    let Some(pipeline) = &p.pipeline else {
        return BTreeMap::new();
    };
    let mut files = BTreeMap::new();
    for (name, doc) in [
        ("wharf-checks.yml", checks::workflow(p, pipeline, layout)),
        ("wharf-deploy.yml", deploy::workflow(p, pipeline, layout)),
    ] {
        files.insert(
            format!("{DIR}/{name}"),
            format!("# {header}\n\n{}", doc.document()),
        );
    }
    files
}

/// The order of a step's keys: what it is, when it runs, what it runs, with what.
const STEP_KEYS: [&str; 9] = [
    "name",
    "id",
    "if",
    "continue-on-error",
    "uses",
    "working-directory",
    "run",
    "env",
    "with",
];

/// A job's steps, each with its keys in [`STEP_KEYS`] order.
fn steps(list: Vec<Node>) -> Node {
    Node::Seq(
        list.into_iter()
            .map(|step| match step {
                Node::Map {
                    mut entries,
                    spaced,
                } => {
                    entries.sort_by_key(|(k, _)| STEP_KEYS.iter().position(|s| s == k));
                    Node::Map { entries, spaced }
                }
                other => other,
            })
            .collect(),
    )
}

/// `uses: {action}@{sha} # {version}`, from the table.
fn uses(action: &str) -> Node {
    let a = actions::pinned(action);
    Node::Commented(
        Box::new(Node::plain(format!("{}@{}", a.uses, a.sha))),
        a.version.to_string(),
    )
}

/// A step that runs an action.
fn action_step(name: &str, action: &str) -> Node {
    Node::map()
        .with("name", Node::plain(name))
        .with("uses", uses(action))
}

/// A step that runs a script.
fn run_step(name: &str, script: &str) -> Node {
    Node::map()
        .with("name", Node::plain(name))
        .with("run", Node::script(script))
}

/// Checks out the commit without leaving the job's token in `.git/config`, where any later
/// step (or an uploaded artifact) could read it.
fn checkout() -> Node {
    action_step("check out", "actions/checkout").with(
        "with",
        Node::map().with("persist-credentials", Node::plain("false")),
    )
}

/// `cargo install` of wharf at exactly the commit the manifest names, into `root`.
fn install_wharf(root: &str) -> String {
    format!("cargo install --locked --git \"$WHARF_GIT\" --rev \"$WHARF_REV\" --root \"{root}\" wharf\n")
}

/// The workflow-level environment: where wharf comes from, and the manifest.
fn wharf_env(pipeline: &Pipeline, layout: &Layout) -> Node {
    Node::map()
        .with("WHARF_GIT", Node::str(&pipeline.wharf_git))
        .with("WHARF_REV", Node::str(&pipeline.wharf_rev))
        .with("WHARF_MANIFEST", Node::str(&layout.manifest))
}

/// A permission with the reason it is granted, as zizmor asks.
fn grant(level: &str, why: &str) -> Node {
    Node::Commented(Box::new(Node::plain(level)), why.to_string())
}
