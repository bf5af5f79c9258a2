//! WH113: an S3 bucket whose public access is not blocked by all four Block Public Access
//! settings.

use wharf_terraform::{Block, Resource, Value};

use crate::rule::{known_true, named, referenced, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH113",
    name: "s3-bucket-public-access-not-blocked",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[
        "CKV2_AWS_6",
        "CKV_AWS_53",
        "CKV_AWS_54",
        "CKV_AWS_55",
        "CKV_AWS_56",
    ],
    fix: "Add an `aws_s3_bucket_public_access_block` with all four settings `true`",
    doc: r#"## What it does
Reports an `aws_s3_bucket` that no `aws_s3_bucket_public_access_block` with
`block_public_acls`, `block_public_policy`, `ignore_public_acls` and
`restrict_public_buckets` all `true` applies to. An `aws_s3_account_public_access_block`
with all four `true` in the same configuration covers every bucket. An
`aws_s3_bucket_public_access_block` with a setting `false` that applies to none of the
configuration's buckets (its bucket is made by another configuration or by hand, or is a
name not known before apply) is reported on the block.

## Why is this bad?
Block Public Access overrides any bucket policy or ACL that would make the bucket or its
objects public. Without it, one mistaken policy statement (`"Principal": "*"`) or object ACL
publishes the data. Since April 2023 AWS turns the four settings on for new buckets, but
a configuration that does not manage them neither shows nor restores them when someone
switches them off, and buckets created earlier never had them. The four settings each
close a different path (new ACLs, existing ACLs, new policies, existing policies), so all
four are needed.

## Example
```hcl
resource "aws_s3_bucket" "uploads" {
  bucket = "shop-uploads"
}
```

## Use instead
```hcl
resource "aws_s3_bucket" "uploads" {
  bucket = "shop-uploads"
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
```

## References
- Blocking public access to your Amazon S3 storage: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html>
- Security Hub control S3.8, S3 general purpose buckets should block public access: <https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8>
- Checkov: `CKV2_AWS_6` (a public access block exists), `CKV_AWS_53`, `CKV_AWS_54`, `CKV_AWS_55`, `CKV_AWS_56` (each of the four settings)
"#,
    check,
};

/// The four settings, in the order the provider documents them. Each defaults to `false`.
const SETTINGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

/// Whether all four settings are known to be on (Some(true)), one is known to be off
/// (Some(false), with its name), or that is not known (None).
fn blocks_all(body: &Block) -> Option<Result<(), &'static str>> {
    let mut unknown = false;
    for setting in SETTINGS {
        match known_true(body.get(setting)) {
            Some(true) => {}
            Some(false) => return Some(Err(setting)),
            None => unknown = true,
        }
    }
    (!unknown).then_some(Ok(()))
}

/// Which bucket a public access block's `bucket` argument names.
enum Target<'p> {
    /// A bucket name as written.
    Name(&'p str),
    /// A reference to bucket resources of this configuration (`aws_s3_bucket.x.id`).
    Buckets(Vec<&'p Resource>),
    /// Not known.
    Unknown,
}

fn check(cx: &mut Check<'_>) {
    let root = cx.root;

    // The account-level settings apply to every bucket of the account.
    let mut account_unknown = false;
    for block in root.resources_of("aws_s3_account_public_access_block") {
        match blocks_all(&block.body) {
            Some(Ok(())) => {
                for _ in root.resources_of("aws_s3_bucket") {
                    cx.pass();
                }
                return;
            }
            Some(Err(_)) => {}
            None => account_unknown = true,
        }
    }

    let blocks: Vec<(&Resource, Target<'_>)> = root
        .resources_of("aws_s3_bucket_public_access_block")
        .filter_map(|block| {
            let target = match block.body.get("bucket") {
                Value::Null => return None,
                Value::Unknown => match referenced(cx, block, "bucket") {
                    Some(buckets) => Target::Buckets(buckets),
                    None => Target::Unknown,
                },
                v => match v.as_str() {
                    Some(name) => Target::Name(name),
                    None => Target::Unknown,
                },
            };
            Some((block, target))
        })
        .collect();

    // The blocks that apply to a bucket of this configuration, which the findings below
    // speak of; the others are judged on their own afterwards.
    let mut applied: Vec<&str> = Vec::new();
    for bucket in root.resources_of("aws_s3_bucket") {
        let name = bucket.body.get("bucket");
        let mut applying = Vec::new();
        let mut maybe = account_unknown;
        for (block, target) in &blocks {
            match target {
                Target::Buckets(buckets) if buckets.iter().any(|b| b.address == bucket.address) => {
                    applying.push(*block)
                }
                Target::Buckets(_) => {}
                Target::Name(n) if name.as_str() == Some(n) => applying.push(*block),
                // A bucket whose name is not known may be the one a name refers to.
                Target::Name(_) => maybe |= name.is_unknown(),
                Target::Unknown => maybe = true,
            }
        }
        applied.extend(applying.iter().map(|b| b.address.as_str()));
        let outcomes: Vec<_> = applying
            .iter()
            .map(|block| (*block, blocks_all(&block.body)))
            .collect();
        if outcomes.iter().any(|(_, o)| matches!(o, Some(Ok(())))) {
            cx.pass();
            continue;
        }
        if maybe || outcomes.iter().any(|(_, o)| o.is_none()) {
            continue;
        }
        let message = match outcomes.first() {
            Some((block, Some(Err(setting)))) => format!(
                "{} does not block all public access: {} leaves `{setting}` off",
                named(bucket),
                named(block)
            ),
            _ => format!("{} has no public access block", named(bucket)),
        };
        cx.fail(bucket, bucket.location.span.clone(), message);
    }

    // A block that applies to no bucket here (one made by another configuration or by
    // hand, or one whose name is not known) and turns a setting off is a finding on the
    // block: no bucket here carries it.
    for (block, _) in &blocks {
        if applied.contains(&block.address.as_str()) {
            continue;
        }
        match blocks_all(&block.body) {
            Some(Ok(())) => cx.pass(),
            Some(Err(setting)) => cx.fail(
                block,
                block.body.span_of(setting),
                format!(
                    "{} turns `{setting}` off for a bucket that no `aws_s3_bucket` of this configuration is known to be",
                    named(block)
                ),
            ),
            None => {}
        }
    }
}
