//! `[buckets.*]`: one application S3 bucket per table, with its lifecycle and CORS; and the
//! buckets' key an environment may set.

use crate::naming::is_key;
use crate::net;
use crate::read::{Sink, TableReader};
use crate::types::*;

use super::key_rule_help;

/// Days are whole days, up to about a hundred years.
const DAYS: std::ops::RangeInclusive<i64> = 1..=36_500;

pub(super) fn read_bucket(key: Spanned<String>, mut t: TableReader, sink: &mut Sink) -> Bucket {
    sink.check(
        is_key(&key) && key.len() <= 20,
        &key.span,
        format!("`{}` is not a valid bucket name", key.value),
        key_rule_help("bucket names") + ", at most 20 characters (the bucket's S3 name adds the app, environment and account id)",
    );
    let expire_days = t.integer_in(
        sink,
        "expire_days",
        DAYS,
        "objects expire 1 to 36500 days after they are written; leave it out to keep them",
    );
    let noncurrent_days = t.integer_in(
        sink,
        "noncurrent_days",
        DAYS,
        "replaced and deleted versions are kept 1 to 36500 days",
    );
    let cors_origins = t
        .string_list(sink, "cors_origins")
        .map(|l| l.value)
        .unwrap_or_default();
    t.finish(sink);
    for o in &cors_origins {
        let host = o
            .strip_prefix("https://")
            .or_else(|| o.strip_prefix("http://localhost"))
            .unwrap_or_default();
        sink.check(
            o.value == "http://localhost" || o.starts_with("http://localhost:") || net::is_host_pattern(host),
            &o.span,
            format!("`{}` is not an origin browsers may upload from", o.value),
            "write an HTTPS origin without a path, e.g. \"https://app.example.com\" (or \"http://localhost:3000\" for development)",
        );
    }
    Bucket {
        key,
        expire_days,
        noncurrent_days,
        cors_origins,
    }
}

/// `bucket_versioning` and `bucket_force_destroy`: whether an environment's buckets keep
/// every version, and whether `terraform destroy` may delete them with their objects.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.bucket_versioning = t.boolean(sink, "bucket_versioning");
    o.bucket_force_destroy = t.boolean(sink, "bucket_force_destroy");
}

/// A bucket's S3 name, `{app}-{env}-{bucket}-{account id}`, fits S3's 63 characters in every
/// environment.
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>
pub(super) fn check_names(manifest: &Manifest, sink: &mut Sink) {
    const ACCOUNT_ID: usize = 12;
    for b in manifest.buckets.values() {
        for env in manifest.environments.values() {
            let base = crate::naming::service_name(&manifest.app.name, &env.key, &b.key);
            let len = base.len() + 1 + ACCOUNT_ID;
            sink.check(
                len <= crate::naming::S3_BUCKET_NAME_MAX,
                &b.key.span,
                format!(
                    "bucket `{}` in environment `{}` would be named `{base}-<account id>` ({len} characters); S3 allows {}",
                    b.key.value,
                    env.key.value,
                    crate::naming::S3_BUCKET_NAME_MAX
                ),
                "shorten the bucket, environment or app name",
            );
        }
    }
}
