//! An application S3 bucket, one module call per `[buckets.*]` table: private, encrypted
//! with the environment's key, TLS-only, with lifecycle rules and optional CORS.

use std::fmt::Write as _;

use wharf_model::{Bucket, Environment, Platform};

use crate::component::{Call, Component, Readme};
use crate::hcl::{Block, Body, Expr};
use crate::root::{arn, by_key, code_list, ident, output, shown_arn};

pub struct Buckets;

/// `bucket_<key>`: the module call of a bucket, which the services refer to.
pub(crate) fn label(key: &str) -> String {
    format!("bucket_{}", ident(key))
}

impl Component for Buckets {
    fn name(&self) -> &'static str {
        "bucket"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("bucket")
    }

    fn uses_account_id(&self, env: &Environment) -> bool {
        !env.buckets.is_empty()
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        env.buckets.iter().map(|b| call(self, b)).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.buckets.is_empty() {
            return Vec::new();
        }
        let names = by_key(env.buckets.iter().map(|b| &b.key), label, "name");
        vec![output(
            "bucket_names",
            "Name of each application bucket.",
            names,
        )]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.buckets.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Buckets\n");
        let _ = writeln!(o, "Private S3 buckets (public access blocked, ACLs off) encrypted with the environment's KMS key and reachable only over TLS; unfinished uploads are deleted after a week. A service that uses one finds its name in `BUCKET_<NAME>_NAME`; its task role may list it and read (and, unless it asked for `:read`, write and delete) its objects alone. Deleting a bucket needs it empty unless `terraform destroy` may empty it (force destroy); with versioning, a replaced or deleted object can be restored until its old version expires.\n");
        let _ = writeln!(o, "| bucket | versioning | objects expire | CORS origins | read by | written by | force destroy | variable |");
        let _ = writeln!(o, "|---|---|---|---|---|---|---|---|");
        for b in &env.buckets {
            let _ = writeln!(o, "{}", row(b));
        }
    }
}

fn row(b: &Bucket) -> String {
    let readers: Vec<String> = b
        .readers
        .iter()
        .filter(|r| !b.writers.contains(r))
        .cloned()
        .collect();
    format!(
        "| `{}` | {} | {} | {} | {} | {} | {} | `{}` |",
        shown_arn(&b.name),
        if b.versioning {
            format!("on, old versions kept {} days", b.noncurrent_days)
        } else {
            "off".to_string()
        },
        b.expire_days
            .map_or("never".to_string(), |d| format!("after {d} days")),
        code_list(&b.cors_origins),
        code_list(&readers),
        code_list(&b.writers),
        if b.force_destroy { "yes" } else { "no" },
        wharf_model::bucket_name_variable(&b.key),
    )
}

fn call(component: &Buckets, b: &Bucket) -> Call {
    let body = Body::new()
        .attr("name", arn(&b.name))
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .attr("versioning", Expr::Bool(b.versioning))
        .attr("noncurrent_days", Expr::int(b.noncurrent_days))
        .attr_opt("expire_days", b.expire_days.map(Expr::int))
        .attr("cors_origins", Expr::strs(&b.cors_origins))
        .attr("force_destroy", Expr::Bool(b.force_destroy));
    Call::new(component, &label(&b.key), body)
}
