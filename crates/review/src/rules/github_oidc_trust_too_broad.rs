//! WH126: a role that GitHub Actions' OIDC tokens can assume from more repositories than
//! one, or without the token's audience checked.

use wharf_terraform::{Block, Mode, Resource, Value};

use crate::iam::{json_statements, list};
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH126",
    name: "github-oidc-trust-too-broad",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &["CKV_AWS_358"],
    fix: "Pin the trusted subject to one repository and require the audience",
    doc: r#"## What it does
Reports a trust policy statement (an `aws_iam_role`'s `assume_role_policy`, or an
`aws_iam_policy_document` statement with `principals`) that lets
`sts:AssumeRoleWithWebIdentity` through GitHub's OIDC provider
(`token.actions.githubusercontent.com`) and:

- has no condition on `token.actions.githubusercontent.com:sub`, or one whose
  `StringLike` pattern leaves the owner or the repository open (`*`, `repo:*`,
  `repo:acme/*`); or
- has no condition on `token.actions.githubusercontent.com:aud`.

A statement is recognised by its federated principal's ARN or by its conditions on
GitHub's token; a principal written as a reference with no such condition is not known to
be GitHub's, and is not reported.

## Why is this bad?
Every GitHub repository's workflows get tokens from the same issuer. Without a `sub`
condition, or with `repo:*`, any workflow of any repository on GitHub, someone else's
included, can assume the role and act in the account with its permissions; with
`repo:acme/*` any repository of the owner can, forks and test repositories included. Pin
the subject to one repository and, for a role that deploys, one GitHub environment
(`repo:acme/shop:environment:prod`), whose protection rules then decide who deploys. The
audience condition makes sure the token was issued for AWS STS.

## Example
```hcl
data "aws_iam_policy_document" "deploy_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/*"]
    }
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "deploy_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/shop:environment:prod"]
    }
  }
}
```

## References
- Configuring OpenID Connect in Amazon Web Services: <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services>
- Example subject claims: <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims>
- IAM, creating a role for OIDC federation: <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html>
"#,
    check,
};

const HOST: &str = "token.actions.githubusercontent.com";

/// A trust statement as both forms write it.
struct Trust {
    actions: Vec<Value>,
    federated: Vec<Value>,
    /// `(operator, variable, values)`.
    conditions: Vec<(Value, Value, Vec<Value>)>,
}

fn check(cx: &mut Check<'_>) {
    let mut found: Vec<(&Resource, std::ops::Range<usize>, Trust)> = Vec::new();
    for role in cx.resources("aws_iam_role") {
        let policy = role.body.json("assume_role_policy");
        for t in from_json(&policy) {
            found.push((role, role.body.span_of("assume_role_policy"), t));
        }
    }
    for doc in cx.data("aws_iam_policy_document") {
        if doc.mode != Mode::Data {
            continue;
        }
        for s in doc.body.blocks("statement") {
            if let Some(t) = from_block(s) {
                found.push((doc, s.span.clone(), t));
            }
        }
    }
    for (holder, span, trust) in found {
        if let Some(problem) = judge(&trust) {
            match problem {
                Some(message) => cx.fail(holder, span, format!("{} {message}", named(holder))),
                None => cx.pass(),
            }
        }
    }
}

/// None: not known to be a GitHub trust; Some(None): a GitHub trust pinned as it should be;
/// Some(Some(problem)).
fn judge(t: &Trust) -> Option<Option<String>> {
    let assumes = t.actions.iter().any(|a| {
        matches!(
            a.as_str(),
            Some("sts:AssumeRoleWithWebIdentity" | "sts:*" | "*")
        )
    });
    let github_principal = t
        .federated
        .iter()
        .any(|f| f.as_str().is_some_and(|f| f.contains(HOST)));
    let github_condition = t.conditions.iter().any(|(_, v, _)| {
        v.as_str()
            .is_some_and(|v| v.starts_with(&format!("{HOST}:")))
    });
    if !assumes || !(github_principal || github_condition) {
        return None;
    }
    let on = |claim: &str| -> Vec<&(Value, Value, Vec<Value>)> {
        let key = format!("{HOST}:{claim}");
        t.conditions
            .iter()
            .filter(|(_, v, _)| v.as_str() == Some(key.as_str()))
            .collect()
    };
    let subs = on("sub");
    if subs.is_empty() {
        return Some(Some(format!(
            "lets a workflow of any GitHub repository assume it: no condition on `{HOST}:sub`"
        )));
    }
    for (operator, _, values) in &subs {
        let op = operator.as_str()?;
        for v in values {
            let v = v.as_str()?;
            if op.contains("StringLike") {
                if let Some(open) = open_part(v) {
                    return Some(Some(format!(
                        "trusts the subject `{v}`, which leaves {open} open: workflows of other repositories can assume it"
                    )));
                }
            }
        }
    }
    if on("aud").is_empty() {
        return Some(Some(format!(
            "does not require the token's audience (`{HOST}:aud` = `sts.amazonaws.com`)"
        )));
    }
    Some(None)
}

/// Which part of a subject pattern is a wildcard: `the owner`, `the repository`, or none.
fn open_part(pattern: &str) -> Option<&'static str> {
    let Some(rest) = pattern.strip_prefix("repo:") else {
        return (pattern.contains('*') || pattern.contains('?')).then_some("the owner");
    };
    let repository = rest.split(':').next().unwrap_or(rest);
    let (owner, name) = repository.split_once('/').unwrap_or((repository, ""));
    let wild = |s: &str| s.is_empty() || s.contains('*') || s.contains('?');
    if wild(owner) {
        Some("the owner")
    } else if wild(name) {
        Some("the repository")
    } else {
        None
    }
}

fn from_json(policy: &Value) -> Vec<Trust> {
    json_statements(policy)
        .iter()
        .filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .map(|s| {
            let conditions = match s.get("Condition") {
                Some(Value::Object(ops)) => ops
                    .iter()
                    .flat_map(|(op, keys)| match keys {
                        Value::Object(keys) => keys
                            .iter()
                            .map(|(k, v)| {
                                (Value::String(op.clone()), Value::String(k.clone()), list(v))
                            })
                            .collect::<Vec<_>>(),
                        _ => vec![(Value::String(op.clone()), Value::Unknown, Vec::new())],
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Trust {
                actions: list(s.get("Action").unwrap_or(&Value::Null)),
                federated: s
                    .get("Principal")
                    .and_then(|p| p.get("Federated"))
                    .map(list)
                    .unwrap_or_default(),
                conditions,
            }
        })
        .collect()
}

fn from_block(s: &Block) -> Option<Trust> {
    if !matches!(s.get("effect"), Value::Null) && s.get("effect").as_str() != Some("Allow") {
        return None;
    }
    s.block("principals")?;
    let federated: Vec<Value> = s
        .blocks("principals")
        .filter(|p| p.get("type").as_str() == Some("Federated"))
        .flat_map(|p| list(p.get("identifiers")))
        .collect();
    Some(Trust {
        actions: list(s.get("actions")),
        federated,
        conditions: s
            .blocks("condition")
            .map(|c| {
                (
                    c.get("test").clone(),
                    c.get("variable").clone(),
                    list(c.get("values")),
                )
            })
            .collect(),
    })
}
