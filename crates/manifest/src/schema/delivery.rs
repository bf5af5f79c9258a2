//! `[delivery]`: the GitHub repository whose workflows build and deploy the app, and, in
//! each environment, `deploy_from` (which push deploys there) and `approval` (whether a
//! reviewer approves each deployment, through GitHub environment protection).

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
    t.finish(sink);
    let repository = repository?;
    if let Some(why) = github::repository_problem(&repository.value) {
        sink.push(
            Diagnostic::new(
                format!("`{}` is not a GitHub repository: {why}", repository.value),
                repository.span.clone(),
            )
            .with_help("write it as `owner/name`, e.g. `acme/shop`, without wildcards: each environment's deploy role trusts exactly this repository"),
        );
        return None;
    }
    Some(Delivery { repository })
}

pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.deploy_from = t.string(sink, "deploy_from").and_then(|raw| {
        let parsed = parse_deploy_from(&raw.value);
        match parsed {
            Ok(from) => Some(Spanned::new(from, raw.span)),
            Err(why) => {
                sink.push(
                    Diagnostic::new(format!("`{}` {why}", raw.value), raw.span.clone())
                        .with_help("write `branch:NAME` (a push to that branch deploys here, e.g. `branch:main`) or `tag:PATTERN` (a pushed tag that matches, e.g. `tag:v*`)"),
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
    match github::ref_problem(name, pattern) {
        Some(why) => Err(format!(
            "is not a {kind} {}: {why}",
            if pattern { "pattern" } else { "name" }
        )),
        None => Ok(from),
    }
}

/// `deploy_from` and `approval` say how GitHub deploys an environment: without
/// `[delivery]` nothing does.
pub(super) fn check_environments(m: &Manifest, sink: &mut Sink) {
    if m.delivery.is_some() {
        return;
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
