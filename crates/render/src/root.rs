//! One Terraform root per environment: the module calls with the environment's resolved
//! values written out literally, so that a reader sees every choice without chasing tfvars.

use wharf_model::{Environment, Platform, ACCOUNT};

use crate::component::{Call, Component};
use crate::hcl::{file, Block, Body, Expr, Part};

/// Terraform's own minimum: S3-native state locking (`use_lockfile`) arrived in 1.10.
pub const REQUIRED_TERRAFORM: &str = ">= 1.10";
/// v6 removed what v5 deprecates; the rendered code uses none of it, but is checked on 5.x.
pub const AWS_PROVIDER: &str = "~> 5.100";

/// The Terraform identifier of a service key: hyphens become underscores.
pub fn ident(key: &str) -> String {
    key.replace('-', "_")
}

/// `<service>_image_tag`: the root variable with a service's image tag, which its jobs
/// run too.
pub fn image_tag_variable(service: &str) -> String {
    format!("{}_image_tag", ident(service))
}

/// Files of the environment root, by file name, with the module calls of `components`.
pub fn files(
    p: &Platform,
    env: &Environment,
    header: &str,
    components: &[&dyn Component],
    calls: &[Call],
) -> Vec<(&'static str, String)> {
    let each = |f: &dyn Fn(&dyn Component) -> Vec<Block>| -> Vec<Block> {
        components.iter().flat_map(|c| f(*c)).collect()
    };
    vec![
        (
            "versions.tf",
            file(
                header,
                &[versions(p, &format!("{}/terraform.tfstate", env.name))],
            ),
        ),
        ("providers.tf", file(header, &[provider(p, &env.name)])),
        ("main.tf", file(header, &main(p, env, components, calls))),
        ("variables.tf", file(header, &each(&|c| c.variables(env)))),
        ("outputs.tf", file(header, &each(&|c| c.outputs(env)))),
    ]
}

/// `terraform { … }` of a root whose state is `state_key` in the state bucket.
pub(crate) fn versions(p: &Platform, state_key: &str) -> Block {
    Block::new(
        "terraform",
        &[],
        Body::new()
            .attr("required_version", Expr::str(REQUIRED_TERRAFORM))
            .blank()
            .block(Block::new(
                "required_providers",
                &[],
                Body::new().attr(
                    "aws",
                    Expr::Object(vec![
                        ("source".into(), Expr::str("hashicorp/aws")),
                        ("version".into(), Expr::str(AWS_PROVIDER)),
                    ]),
                ),
            ))
            .blank()
            .comment("State lives in S3, encrypted, with S3-native locking (no DynamoDB table).\nhttps://developer.hashicorp.com/terraform/language/backend/s3")
            .block(Block::new(
                "backend",
                &["s3"],
                Body::new()
                    .attr("bucket", Expr::str(&p.state_bucket))
                    .attr("key", Expr::str(state_key))
                    .attr("region", Expr::str(&p.region))
                    .attr("encrypt", Expr::Bool(true))
                    .attr("use_lockfile", Expr::Bool(true)),
            )),
    )
}

/// `provider "aws"` of a root whose resources are tagged `Environment = environment`.
pub(crate) fn provider(p: &Platform, environment: &str) -> Block {
    Block::new(
        "provider",
        &["aws"],
        Body::new()
            .attr("region", Expr::str(&p.region))
            .blank()
            .block(Block::new(
                "default_tags",
                &[],
                Body::new().attr(
                    "tags",
                    Expr::Object(vec![
                        ("Environment".into(), Expr::str(environment)),
                        ("ManagedBy".into(), Expr::str("wharf")),
                        ("Project".into(), Expr::str(&p.app)),
                    ]),
                ),
            )),
    )
}

/// `"…{account}…"` → a template using `local.account_id`; other text stays literal.
pub(crate) fn arn(s: &str) -> Expr {
    if !s.contains(ACCOUNT) {
        return Expr::Str(s.to_string());
    }
    let mut parts = Vec::new();
    for (i, piece) in s.split(ACCOUNT).enumerate() {
        if i > 0 {
            parts.push(Part::Ref("local.account_id".to_string()));
        }
        if !piece.is_empty() {
            parts.push(Part::Lit(piece.to_string()));
        }
    }
    Expr::Template(parts)
}

/// `{ KEY = module.LABEL.ATTR, … }`: an output of every instance of a component (each
/// queue's URL, each database's host), by the key the manifest gives it.
pub(crate) fn by_key<'a>(
    keys: impl Iterator<Item = &'a String>,
    label: fn(&str) -> String,
    attr: &str,
) -> Expr {
    Expr::Object(
        keys.map(|k| (k.clone(), Expr::Raw(format!("module.{}.{attr}", label(k)))))
            .collect(),
    )
}

/// Names as a README cell: each in backticks, or a dash for none.
pub(crate) fn code_list(names: &[String]) -> String {
    if names.is_empty() {
        return "—".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An ARN as the README shows it: the account placeholder as `ACCOUNT`.
pub(crate) fn shown_arn(arn: &str) -> String {
    arn.replace(ACCOUNT, "ACCOUNT")
}

pub(crate) fn output(name: &str, description: &str, value: Expr) -> Block {
    Block::new(
        "output",
        &[name],
        Body::new()
            .attr("description", Expr::str(description))
            .attr("value", value),
    )
}

/// `main.tf`: the data sources every component needs, then each component's module calls.
fn main(
    p: &Platform,
    env: &Environment,
    components: &[&dyn Component],
    calls: &[Call],
) -> Vec<Block> {
    let mut blocks = Vec::new();
    let account_id = components.iter().any(|c| c.uses_account_id(env));
    if account_id {
        blocks.push(Block::new(
            "data",
            &["aws_caller_identity", "current"],
            Body::new(),
        ));
    }
    blocks.extend(components.iter().flat_map(|c| c.data(p, env)));
    if account_id {
        blocks.push(Block::new(
            "locals",
            &[],
            Body::new().attr(
                "account_id",
                Expr::raw("data.aws_caller_identity.current.account_id"),
            ),
        ));
    }
    blocks.extend(calls.iter().map(|c| c.block.clone()));
    blocks
}
