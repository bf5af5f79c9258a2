//! The application S3 buckets of an environment, and what each service may do with them.

use wharf_manifest::{self as manifest, naming, Manifest, Use};

use crate::profile::Profile;
use crate::resolve::{pick, services_using};
use crate::service::{key_through, Statement, ACCOUNT};

/// A private bucket, encrypted with the environment's KMS key, reachable only over TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    /// `{app}-{env}-{bucket}-{account}`: S3 names are global, and the account id keeps two
    /// accounts' environments from wanting the same one. May contain [`ACCOUNT`].
    pub name: String,
    pub versioning: bool,
    pub force_destroy: bool,
    /// Days after which objects are deleted; None keeps them.
    pub expire_days: Option<u32>,
    /// Days replaced and deleted versions are kept, with versioning.
    pub noncurrent_days: u32,
    /// Origins browsers may upload from (CORS).
    pub cors_origins: Vec<String>,
    /// Keys of the services and jobs that read it.
    pub readers: Vec<String>,
    /// Keys of those that write it (they may read it too).
    pub writers: Vec<String>,
}

/// Replaced and deleted versions are kept a month unless the manifest says otherwise.
const NONCURRENT_DAYS: u32 = 30;

pub(crate) fn name(
    m: &Manifest,
    env: &manifest::Environment,
    key: &manifest::Spanned<String>,
) -> String {
    format!(
        "{}-{ACCOUNT}",
        naming::service_name(&m.app.name, &env.key, key)
    )
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    b: &manifest::Bucket,
) -> Bucket {
    let o = &env.overrides;
    let users = |write: bool| {
        services_using(
            m,
            |u| matches!(u, Use::Bucket { bucket, write: w } if bucket.value == b.key.value && (*w || !write)),
        )
    };
    Bucket {
        key: b.key.value.clone(),
        name: name(m, env, &b.key),
        versioning: pick(&[o.bucket_versioning.as_ref()], p.bucket_versioning).value,
        force_destroy: pick(&[o.bucket_force_destroy.as_ref()], p.bucket_force_destroy).value,
        expire_days: b.expire_days.as_ref().map(|d| d.value),
        noncurrent_days: b
            .noncurrent_days
            .as_ref()
            .map_or(NONCURRENT_DAYS, |d| d.value),
        cors_origins: b.cors_origins.iter().map(|o| o.value.clone()).collect(),
        readers: users(false),
        writers: users(true),
    }
}

/// The task role statements for the buckets a service uses: listing the bucket, and the
/// object actions of its access on its objects only; the bucket's key only through S3.
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html>
pub(crate) fn statements(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
) -> Vec<Statement> {
    let region = &m.app.region.value;
    let mut out = Vec::new();
    let mut key_actions: Vec<String> = Vec::new();
    for u in &svc.uses {
        let Use::Bucket { bucket, write } = &u.value else {
            continue;
        };
        let arn = format!("arn:aws:s3:::{}", name(m, env, bucket));
        let camel = crate::service::camel(&bucket.value);
        let mut actions = vec!["s3:GetObject".to_string()];
        key_actions.push("kms:Decrypt".into());
        if *write {
            actions.extend(["s3:DeleteObject".to_string(), "s3:PutObject".to_string()]);
            key_actions.push("kms:GenerateDataKey".into());
        }
        out.push(Statement {
            sid: format!("ListBucket{camel}"),
            actions: vec!["s3:ListBucket".into()],
            resources: vec![arn.clone()],
            conditions: vec![],
        });
        out.push(Statement {
            sid: format!("{}Bucket{camel}", if *write { "ReadWrite" } else { "Read" }),
            actions,
            resources: vec![format!("{arn}/*")],
            conditions: vec![],
        });
    }
    if !key_actions.is_empty() {
        out.push(key_through("BucketKey", key_actions, region, "s3"));
    }
    out
}
