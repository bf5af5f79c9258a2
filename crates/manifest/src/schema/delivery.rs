//! `[delivery]`: the GitHub repository whose workflows build and deploy the app and the
//! wharf source those workflows install; in each environment, `deploy_from` (which push
//! deploys there) and `approval` (whether a reviewer approves each deployment, through
//! GitHub environment protection); in each service, `build` and `dockerfile` (how the
//! deploy workflow builds its image).
//!
//! Every value here is written into a workflow file, so each is held to a character set in
//! which it cannot be read as YAML or as a GitHub expression (`${{ … }}`).

use crate::diagnostic::Diagnostic;
use crate::github;
use crate::read::{Sink, TableReader};
use crate::types::*;

pub(super) fn read_delivery(mut t: TableReader, sink: &mut Sink) -> Option<Delivery> {
    let repository = t.string(sink, "repository");
    t.require(
        sink,
        "repository",
        &repository,
        "name the GitHub repository, e.g. `repository = \"acme/shop\"`",
    );
    let wharf_git = t.string(sink, "wharf_git");
    t.require(
        sink,
        "wharf_git",
        &wharf_git,
        "name the git repository the workflows install wharf from, e.g. `wharf_git = \"https://github.com/OWNER/wharf\"`",
    );
    let wharf_rev = t.string(sink, "wharf_rev");
    t.require(
        sink,
        "wharf_rev",
        &wharf_rev,
        "name the commit of wharf the workflows install, all 40 hex digits (`git rev-parse HEAD` in wharf's checkout)",
    );
    t.finish(sink);
    let mut ok = true;
    if let Some(r) = &repository {
        if let Some(why) = github::repository_problem(&r.value) {
            sink.push(
                Diagnostic::new(format!("`{}` is not a GitHub repository: {why}", r.value), r.span.clone())
                    .with_help("write it as `owner/name`, e.g. `acme/shop`, without wildcards: each environment's deploy role trusts exactly this repository"),
            );
            ok = false;
        }
    }
    if let Some(g) = &wharf_git {
        if let Some(why) = github::git_url_problem(&g.value) {
            sink.push(
                Diagnostic::new(format!("`wharf_git` {why}"), g.span.clone())
                    .with_help("write the `https://` URL of a repository the workflows can clone without credentials, e.g. `https://github.com/OWNER/wharf`; never a token in the URL, which would be written into the workflow"),
            );
            ok = false;
        }
    }
    if let Some(r) = &wharf_rev {
        if r.value.len() != 40
            || !r
                .value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            sink.push(
                Diagnostic::new(format!("`{}` is not a commit: `wharf_rev` is the full SHA-1, 40 lowercase hex digits", r.value), r.span.clone())
                    .with_help("a branch or tag moves; pin the commit the workflows install, e.g. from `git rev-parse HEAD`"),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(Delivery {
        repository: repository?,
        wharf_git: wharf_git?,
        wharf_rev: wharf_rev?,
    })
}

/// A service's `build` (the context) and `dockerfile`, both relative to the repository's
/// root.
pub(super) fn read_service_build(t: &mut TableReader, sink: &mut Sink) -> ServiceBuild {
    let mut path = |key: &'static str, what: &str| {
        let raw = t.string(sink, key)?;
        match github::workspace_path_problem(&raw.value, key == "build") {
            None => Some(raw),
            Some(why) => {
                sink.push(
                    Diagnostic::new(format!("`{}` {why}", raw.value), raw.span.clone())
                        .with_help(format!("write {what} relative to the repository's root with `/`, e.g. `services/api`")),
                );
                None
            }
        }
    };
    let context = path("build", "the build context");
    let dockerfile = path("dockerfile", "the Dockerfile");
    ServiceBuild {
        context,
        dockerfile,
    }
}

pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.deploy_from = t.string(sink, "deploy_from").and_then(|raw| {
        let parsed = parse_deploy_from(&raw.value);
        match parsed {
            Ok(from) => Some(Spanned::new(from, raw.span)),
            Err(why) => {
                sink.push(
                    Diagnostic::new(format!("`{}` {why}", raw.value), raw.span.clone())
                        .with_help("write `branch:NAME` (a push to that branch deploys here, e.g. `branch:main`), `tag:NAME` (that tag) or `tag:PREFIX*` (a pushed tag that starts so, e.g. `tag:v*`)"),
                );
                None
            }
        }
    });
    o.approval = t.boolean(sink, "approval");
}

fn parse_deploy_from(raw: &str) -> Result<DeployFrom, String> {
    let (kind, name) = raw
        .split_once(':')
        .ok_or_else(|| "names neither a branch nor a tag".to_string())?;
    let (from, pattern) = match kind {
        "branch" => (DeployFrom::Branch(name.to_string()), false),
        "tag" => (DeployFrom::Tag(name.to_string()), true),
        other => {
            return Err(format!(
                "starts with `{other}:`, neither `branch:` nor `tag:`"
            ))
        }
    };
    match github::ref_problem(name, pattern).or_else(|| github::workflow_ref_problem(name, pattern))
    {
        Some(why) => Err(format!(
            "is not a {kind} {}: {why}",
            if pattern { "pattern" } else { "name" }
        )),
        None => Ok(from),
    }
}

/// `deploy_from` and `approval` say how GitHub deploys an environment, and `build` and
/// `dockerfile` how it builds a service: without `[delivery]` nothing does.
pub(super) fn check_environments(m: &Manifest, sink: &mut Sink) {
    if m.delivery.is_some() {
        return;
    }
    for s in m.services.values() {
        let b = &s.build;
        let spans = [
            b.context.as_ref().map(|c| ("build", c.span.clone())),
            b.dockerfile
                .as_ref()
                .map(|d| ("dockerfile", d.span.clone())),
        ];
        for (key, span) in spans.into_iter().flatten() {
            sink.push(
                Diagnostic::new(
                    format!("service `{}` sets `{key}`, but the manifest has no `[delivery]`", s.key.value),
                    span,
                )
                .with_help("add `[delivery]` with the GitHub repository whose workflows build the images; without it, images are built and pushed by you"),
            );
        }
    }
    for env in m.environments.values() {
        let o = &env.overrides;
        let spans = [
            o.deploy_from
                .as_ref()
                .map(|d| ("deploy_from", d.span.clone())),
            o.approval.as_ref().map(|a| ("approval", a.span.clone())),
        ];
        for (key, span) in spans.into_iter().flatten() {
            sink.push(
                Diagnostic::new(
                    format!(
                        "environment `{}` sets `{key}`, but the manifest has no `[delivery]`",
                        env.key.value
                    ),
                    span,
                )
                .with_help("add `[delivery]` with `repository = \"owner/name\"`, the GitHub repository whose workflows deploy the app"),
            );
        }
    }
}
