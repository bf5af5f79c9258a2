//! WH503: an S3 bucket without a lifecycle configuration.

use wharf_terraform::{Resource, Value};

use crate::rule::{named, referenced, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH503",
    name: "s3-bucket-without-lifecycle",
    pillar: Pillar::CostOptimization,
    severity: Severity::Low,
    checkov: &["CKV2_AWS_61"],
    fix: "Add an `aws_s3_bucket_lifecycle_configuration` that expires or transitions objects",
    doc: r#"## What it does
Reports an `aws_s3_bucket` that no `aws_s3_bucket_lifecycle_configuration` of the same root
module applies to, and that has no (deprecated) inline `lifecycle_rule` block. A lifecycle
configuration is matched to its bucket by the bucket name it is given, or by its reference
to the bucket (`bucket = aws_s3_bucket.logs.id`).

## Why is this bad?
Without lifecycle rules every object stays in S3 Standard until someone deletes it by hand:
logs, exports and build artifacts accumulate at $0.023 per GB-month (us-east-1) long after
anyone reads them. On a versioned bucket, overwritten and deleted objects are kept as
noncurrent versions forever, and incomplete multipart uploads are billed without ever
appearing in a listing. A lifecycle rule that expires old objects, or moves them to a
cheaper storage class, keeps storage proportional to what is needed.

## Example
```hcl
resource "aws_s3_bucket" "exports" {
  bucket = "shop-exports"
}
```

## Use instead
```hcl
resource "aws_s3_bucket" "exports" {
  bucket = "shop-exports"
}

resource "aws_s3_bucket_lifecycle_configuration" "exports" {
  bucket = aws_s3_bucket.exports.id

  rule {
    id     = "expire-exports"
    status = "Enabled"

    filter {}

    expiration {
      days = 90
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}
```

## References
- Managing the lifecycle of objects: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html>
- Amazon S3 pricing: <https://aws.amazon.com/s3/pricing/>
- Checkov: `CKV2_AWS_61`
"#,
    check,
};

/// What a lifecycle configuration's `bucket` says about the bucket it applies to.
enum Target {
    /// A bucket name as written or evaluated.
    Name(String),
    /// References to buckets of this configuration (`aws_s3_bucket.logs.id`), by address:
    /// their `id` (the bucket name) is not known before apply, but which bucket is.
    Buckets(Vec<String>),
    Unknown,
}

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let targets: Vec<Target> = root
        .resources_of("aws_s3_bucket_lifecycle_configuration")
        .map(|config| target_of(cx, config))
        .collect();
    let any_unknown = targets.iter().any(|t| matches!(t, Target::Unknown));
    for bucket in root.resources_of("aws_s3_bucket") {
        let name = bucket.body.get("bucket");
        let referenced = targets.iter().any(|t| match t {
            Target::Name(n) => name.as_str() == Some(n.as_str()),
            Target::Buckets(addresses) => addresses.contains(&bucket.address),
            Target::Unknown => false,
        });
        let names_possible =
            name.is_unknown() && targets.iter().any(|t| matches!(t, Target::Name(_)));
        let ok = if referenced || bucket.body.block("lifecycle_rule").is_some() {
            Some(true)
        } else if any_unknown || names_possible {
            None
        } else {
            Some(false)
        };
        cx.expect(ok, bucket, bucket.location.span.clone(), || {
            format!(
                "{} has no lifecycle configuration: its objects are kept until deleted by hand",
                named(bucket)
            )
        });
    }
}

fn target_of(cx: &Check<'_>, config: &Resource) -> Target {
    match config.body.get("bucket") {
        Value::String(s) => Target::Name(s.clone()),
        Value::Unknown => match referenced(cx, config, "bucket") {
            Some(buckets) => Target::Buckets(buckets.iter().map(|b| b.address.clone()).collect()),
            None => Target::Unknown,
        },
        // A configuration without a bucket applies to none.
        _ => Target::Name(String::new()),
    }
}
