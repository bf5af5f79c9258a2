//! WH127: a resource-based or trust policy that lets anyone in.

use crate::iam::{denied_elsewhere, grant_statements, GrantStatement};
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH127",
    name: "resource-policy-public",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &[
        "CKV_AWS_32",
        "CKV_AWS_33",
        "CKV_AWS_70",
        "CKV_AWS_168",
        "CKV_AWS_169",
        "CKV_AWS_301",
    ],
    fix: "Name the accounts, services or roles that need access, or narrow `*` with a condition on `aws:SourceArn`, `aws:SourceAccount` or `aws:PrincipalOrgID`",
    doc: r#"## What it does
Reports an `Allow` statement of a resource-based or trust policy whose principal is anyone:
`"Principal": "*"`, `{"AWS": "*"}`, a `NotPrincipal`, or in an `aws_iam_policy_document` a
`principals` block of type `*` (or `AWS` with the identifier `*`) or a `not_principals`
block, without a condition that narrows who comes in. The policies read are those of
`aws_s3_bucket_policy`, `aws_sqs_queue_policy`, `aws_sns_topic_policy`,
`aws_ecr_repository_policy`, `aws_secretsmanager_secret_policy`, `aws_kms_key`, the
`policy` of `aws_s3_bucket`, `aws_sqs_queue` and `aws_sns_topic`, the
`assume_role_policy` of `aws_iam_role`, and every `aws_iam_policy_document` statement with
principals; and an `aws_lambda_permission` whose `principal` is `*` without `source_arn`,
`source_account` or `principal_org_id`.

A condition narrows when it tests, with `StringEquals`, `StringLike`, `ArnEquals`,
`ArnLike` or `IpAddress` (also under `ForAnyValue:`), a key that says where the request
comes from (`aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceVpc`,
`aws:SourceVpce`, `aws:SourceIp`, `aws:SourceOrgID`, `aws:SourceOrgPaths`) or who makes it
(`aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
`aws:userid`, `kms:CallerAccount`) against values that are not all wildcards (`*`,
`0.0.0.0/0`), nor leave the account or organization open (`arn:aws:sns:*:*:*`, `o-*`, an
S3 bucket ARN with a wildcard in its name, which anyone can create). A negated operator
(`StringNotEquals`), `...IfExists` (true for a request without the key) and
`ForAllValues:` (true for a key with no values) do not narrow, and neither does
`aws:SecureTransport`: HTTPS from anyone is still anyone. A `Deny` of the same policy for
`*` on every action the `Allow` allows, with a negated test of such a key
(`StringNotEquals` `aws:PrincipalOrgID`), narrows it: it shuts out everyone but those
named.

## Why is this bad?
A resource policy is the one place where AWS lets a principal from outside the account in
without any IAM policy of its own: a bucket, queue, topic, key, repository or secret whose
policy allows `*` can be read or written by every AWS account in the world, and a role
whose trust policy allows `*` can be assumed by any of them. This is how most public S3
data exposures happen. A service principal (`sns.amazonaws.com`) or `*` with
`aws:SourceArn` is what a service integration needs.

## Example
```hcl
resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.events.arn
    }]
  })
}
```

## Use instead
```hcl
resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.events.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.orders.arn } }
    }]
  })
}
```

## References
- Policy evaluation for requests from another account: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>
- AWS global condition context keys: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
- IAM Access Analyzer, resources shared outside the account: <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html>
- Checkov: `CKV_AWS_32` (ECR), `CKV_AWS_33` (KMS), `CKV_AWS_70` (S3), `CKV_AWS_168` (SQS), `CKV_AWS_169` (SNS), `CKV_AWS_301` (Lambda)
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let statements = grant_statements(root);
    for s in &statements {
        if s.effect.as_str() != Some("Allow") {
            continue;
        }
        match (s.anyone, s.narrowed) {
            (Some(false), _) | (Some(true), Some(true)) => cx.pass(),
            (Some(true), Some(false)) if denied_elsewhere(s, &statements) => cx.pass(),
            (Some(true), Some(false)) => cx.fail(s.holder, s.span.clone(), message(s)),
            _ => {}
        }
    }
    for permission in root.resources_of("aws_lambda_permission") {
        let body = &permission.body;
        if body.get("principal").as_str() != Some("*") {
            if !body.get("principal").is_unknown() {
                cx.pass();
            }
            continue;
        }
        // A reference (Unknown) is a value set: it names one source.
        let narrowed = ["source_arn", "source_account", "principal_org_id"]
            .iter()
            .any(|arg| !body.get(arg).is_null());
        if narrowed {
            cx.pass();
        } else {
            cx.fail(
                permission,
                body.span_of("principal"),
                format!(
                    "{} lets anyone (`*`) invoke the function: no `source_arn`, `source_account` or `principal_org_id` narrows it",
                    named(permission)
                ),
            );
        }
    }
}

fn message(s: &GrantStatement<'_>) -> String {
    let policy = if matches!(s.holder.kind.as_str(), "aws_iam_role") {
        "trust policy"
    } else if s.holder.kind == "aws_iam_policy_document" {
        "policy document"
    } else {
        "policy"
    };
    format!(
        "{}'s {policy} lets anyone in (a principal of `*`), with no condition on the account, organization or source of the request",
        named(s.holder)
    )
}
