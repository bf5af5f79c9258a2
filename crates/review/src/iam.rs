//! Reading IAM policies wherever Terraform writes them: JSON `policy` arguments and
//! `aws_iam_policy_document` data sources; identity policies (what a principal may do) and
//! resource-based and trust policies (who may act on a resource).

use std::ops::Range;

use wharf_terraform::{Mode, Resource, RootModule, Value};

/// One statement of a policy.
pub struct Statement<'r> {
    /// The resource or data source that holds the policy.
    pub holder: &'r Resource,
    /// Where the statement is written (the `policy` argument, or the `statement` block).
    pub span: Range<usize>,
    /// `Allow` or `Deny`; Unknown when not known.
    pub effect: Value,
    /// Action names; Unknown when not known; empty when the statement uses NotAction.
    pub actions: Vec<Value>,
    /// Whether the statement uses `NotAction` (which allows everything else).
    pub not_action: bool,
    /// Resource ARNs (or patterns); Unknown elements when not known.
    pub resources: Vec<Value>,
    /// Whether the statement has any condition.
    pub has_condition: bool,
}

/// Resource types with a JSON `policy` argument that grants permissions to a principal.
const POLICY_HOLDERS: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
];

/// Every identity-policy statement of a root module whose policy is known.
pub fn statements(root: &RootModule) -> Vec<Statement<'_>> {
    let mut out = Vec::new();
    for r in &root.resources {
        match (r.mode, r.kind.as_str()) {
            (Mode::Managed, "aws_ssoadmin_permission_set_inline_policy") => {
                from_json(
                    r,
                    &r.body.json("inline_policy"),
                    r.body.span_of("inline_policy"),
                    &mut out,
                );
            }
            (Mode::Managed, kind) if POLICY_HOLDERS.contains(&kind) => {
                from_json(
                    r,
                    &r.body.json("policy"),
                    r.body.span_of("policy"),
                    &mut out,
                );
            }
            (Mode::Managed, "aws_iam_role") => {
                for inline in r.body.blocks("inline_policy") {
                    from_json(r, &inline.json("policy"), inline.span.clone(), &mut out);
                }
            }
            (Mode::Data, "aws_iam_policy_document") => {
                for s in r.body.blocks("statement") {
                    out.push(Statement {
                        holder: r,
                        span: s.span.clone(),
                        effect: match s.get("effect") {
                            Value::Null => Value::String("Allow".into()),
                            v => v.clone(),
                        },
                        actions: list(s.get("actions")),
                        not_action: !s.get("not_actions").is_null(),
                        resources: list(s.get("resources")),
                        has_condition: s.blocks("condition").next().is_some(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn from_json<'r>(
    holder: &'r Resource,
    policy: &Value,
    span: Range<usize>,
    out: &mut Vec<Statement<'r>>,
) {
    for s in json_statements(policy) {
        if !matches!(s, Value::Object(_)) {
            continue;
        }
        let field = |k: &str| s.get(k).cloned().unwrap_or(Value::Null);
        out.push(Statement {
            holder,
            span: span.clone(),
            effect: field("Effect"),
            actions: list(&field("Action")),
            not_action: !field("NotAction").is_null(),
            resources: list(&field("Resource")),
            has_condition: !field("Condition").is_null(),
        });
    }
}

/// The statements of a JSON policy document: its `Statement` list, or the one statement
/// written without a list; none when it is not known.
pub(crate) fn json_statements(policy: &Value) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::List(items)) => items.clone(),
        Some(v @ Value::Object(_)) => vec![v.clone()],
        _ => Vec::new(),
    }
}

/// A string or a list of strings, as IAM accepts both.
pub(crate) fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::List(items) => items.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Resource types whose JSON argument (named beside each) is a resource-based or trust
/// policy: it names who may act on the resource.
pub const RESOURCE_POLICY_HOLDERS: &[(&str, &str)] = &[
    ("aws_ecr_repository_policy", "policy"),
    ("aws_iam_role", "assume_role_policy"),
    ("aws_kms_key", "policy"),
    ("aws_s3_bucket", "policy"),
    ("aws_s3_bucket_policy", "policy"),
    ("aws_secretsmanager_secret_policy", "policy"),
    ("aws_sns_topic", "policy"),
    ("aws_sns_topic_policy", "policy"),
    ("aws_sqs_queue", "policy"),
    ("aws_sqs_queue_policy", "policy"),
];

/// One statement of a resource-based or trust policy, as far as who it lets in.
pub struct GrantStatement<'r> {
    pub holder: &'r Resource,
    pub span: Range<usize>,
    /// `Allow` or `Deny`; Unknown when not known.
    pub effect: Value,
    /// Whether anyone at all is let in (`"Principal": "*"`, `{"AWS": "*"}`, a
    /// `NotPrincipal`): Some(true); only named principals: Some(false); None when not known.
    pub anyone: Option<bool>,
    /// Whether a condition narrows the requests the statement applies to to an account,
    /// organization, ARN, network or endpoint (Some(true)); None when that is not known.
    pub narrowed: Option<bool>,
    /// Whether a negated condition on such a key (`StringNotEquals` `aws:PrincipalOrgID`)
    /// makes the statement apply to every request from anywhere else: in a `Deny`, it
    /// shuts out everyone but those named.
    pub applies_elsewhere: bool,
    /// Action patterns; Unknown elements when not known; empty with `NotAction`.
    pub actions: Vec<Value>,
    pub not_action: bool,
}

/// A condition as written: its test (`StringEquals`), its key and its values.
type Condition = (Value, Value, Vec<Value>);

/// Every statement of a resource-based or trust policy of a root module: the JSON of
/// [`RESOURCE_POLICY_HOLDERS`], and the statements with `principals` or `not_principals` of
/// `aws_iam_policy_document` data sources.
pub fn grant_statements(root: &RootModule) -> Vec<GrantStatement<'_>> {
    let mut out = Vec::new();
    for r in &root.resources {
        if r.mode == Mode::Data && r.kind == "aws_iam_policy_document" {
            for s in r.body.blocks("statement") {
                let principals: Vec<_> = s.blocks("principals").collect();
                let not_principals = s.block("not_principals").is_some();
                if principals.is_empty() && !not_principals {
                    continue;
                }
                let anyone =
                    if not_principals {
                        Some(true)
                    } else {
                        any_of(principals.iter().map(|p| {
                            principal_is_anyone(p.get("type"), &list(p.get("identifiers")))
                        }))
                    };
                let conditions: Vec<Condition> = s
                    .blocks("condition")
                    .map(|c| {
                        (
                            c.get("test").clone(),
                            c.get("variable").clone(),
                            list(c.get("values")),
                        )
                    })
                    .collect();
                let effect = match s.get("effect") {
                    Value::Null => Value::String("Allow".into()),
                    v => v.clone(),
                };
                out.push(grant(
                    r,
                    s.span.clone(),
                    effect,
                    anyone,
                    &conditions,
                    s.get("actions"),
                    !s.get("not_actions").is_null(),
                ));
            }
            continue;
        }
        let Some((_, arg)) = RESOURCE_POLICY_HOLDERS
            .iter()
            .find(|(kind, _)| r.mode == Mode::Managed && *kind == r.kind)
        else {
            continue;
        };
        for s in json_statements(&r.body.json(arg)) {
            let field = |k: &str| s.get(k).cloned().unwrap_or(Value::Null);
            let anyone = if !field("NotPrincipal").is_null() {
                Some(true)
            } else {
                json_principal_is_anyone(&field("Principal"))
            };
            let conditions = json_conditions(&field("Condition"));
            let statement = match conditions {
                Some(conditions) => grant(
                    r,
                    r.body.span_of(arg),
                    field("Effect"),
                    anyone,
                    &conditions,
                    &field("Action"),
                    !field("NotAction").is_null(),
                ),
                None => GrantStatement {
                    holder: r,
                    span: r.body.span_of(arg),
                    effect: field("Effect"),
                    anyone,
                    narrowed: None,
                    applies_elsewhere: false,
                    actions: list(&field("Action")),
                    not_action: !field("NotAction").is_null(),
                },
            };
            out.push(statement);
        }
    }
    out
}

fn grant<'r>(
    holder: &'r Resource,
    span: Range<usize>,
    effect: Value,
    anyone: Option<bool>,
    conditions: &[Condition],
    actions: &Value,
    not_action: bool,
) -> GrantStatement<'r> {
    GrantStatement {
        holder,
        span,
        effect,
        anyone,
        narrowed: any_of(conditions.iter().map(|(t, k, v)| narrows(t, k, v))),
        applies_elsewhere: conditions
            .iter()
            .any(|(t, k, v)| excludes(t, k, v) == Some(true)),
        actions: list(actions),
        not_action,
    }
}

/// Whether a `Deny` of the same policy shuts out, from every action `allow` allows,
/// everyone but the accounts, organizations or sources it names: `Principal` `*` and a
/// negated condition on one of [`NARROWING_KEYS`]. With one, a public `Allow` is narrowed
/// after all.
pub fn denied_elsewhere(allow: &GrantStatement<'_>, all: &[GrantStatement<'_>]) -> bool {
    all.iter().any(|deny| {
        deny.holder.address == allow.holder.address
            && deny.effect.as_str() == Some("Deny")
            && deny.anyone == Some(true)
            && deny.applies_elsewhere
            && !deny.not_action
            && covers(&deny.actions, allow)
    })
}

/// Whether the action patterns `deny` match every action `allow` allows.
fn covers(deny: &[Value], allow: &GrantStatement<'_>) -> bool {
    let patterns: Vec<&str> = deny.iter().filter_map(Value::as_str).collect();
    if allow.not_action {
        return patterns.contains(&"*");
    }
    !allow.actions.is_empty()
        && allow.actions.iter().all(|a| {
            a.as_str().is_some_and(|a| {
                patterns
                    .iter()
                    .any(|p| wharf_aws::iam::action_matches(p, a))
            })
        })
}

/// Some(true) when any is, Some(false) when all are known not to be, else None.
fn any_of(items: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for item in items {
        match item {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(false)
}

/// A `principals` block or JSON principal entry: type `*`, or type `AWS` with `*` among
/// its identifiers, is anyone.
fn principal_is_anyone(kind: &Value, identifiers: &[Value]) -> Option<bool> {
    match kind.as_str() {
        Some("*") => Some(true),
        Some("AWS") => any_of(identifiers.iter().map(|i| i.as_str().map(|i| i == "*"))),
        Some(_) => Some(false),
        None => None,
    }
}

/// A JSON `Principal`: `"*"`, or an object of types to identifiers.
fn json_principal_is_anyone(principal: &Value) -> Option<bool> {
    match principal {
        Value::String(s) => Some(s == "*"),
        Value::Object(types) => any_of(
            types
                .iter()
                .map(|(kind, ids)| principal_is_anyone(&Value::String(kind.clone()), &list(ids))),
        ),
        Value::Null => Some(false),
        _ => None,
    }
}

/// A JSON `Condition` (operators, each an object of keys to values) as conditions; None
/// when its shape is not known.
fn json_conditions(condition: &Value) -> Option<Vec<Condition>> {
    let Value::Object(operators) = condition else {
        return condition.is_null().then(Vec::new);
    };
    let mut out = Vec::new();
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else {
            return None;
        };
        for (key, values) in keys {
            out.push((
                Value::String(operator.clone()),
                Value::String(key.clone()),
                list(values),
            ));
        }
    }
    Some(out)
}

/// Condition keys that say which account, organization, principal, source, network or
/// endpoint a request comes from: a condition on one narrows a public principal.
/// Cloudsplaining's list (as Checkov uses it), from
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>.
const NARROWING_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:userid",
    "kms:calleraccount",
];

/// A condition's operator without a `ForAnyValue:` prefix, lower-cased; None for
/// `ForAllValues:` (true for a request whose key has no values at all).
fn operator(test: &str) -> Option<String> {
    let test = test.to_ascii_lowercase();
    if test.starts_with("forallvalues:") {
        return None;
    }
    Some(
        test.strip_prefix("foranyvalue:")
            .unwrap_or(&test)
            .to_string(),
    )
}

/// Whether one condition narrows who a statement lets in: a key of [`NARROWING_KEYS`]
/// tested for equality or a match (`StringEquals`, `StringLike`, `ArnLike`, `IpAddress`,
/// also `ForAnyValue:`) against values none of which leaves the account or source open.
/// A negated operator (`StringNotEquals`), `...IfExists` (true when the request lacks the
/// key) and `ForAllValues:` (true for a key with no values) let in requests from anywhere.
fn narrows(test: &Value, key: &Value, values: &[Value]) -> Option<bool> {
    let (Some(test), Some(key)) = (test.as_str(), key.as_str()) else {
        return None;
    };
    let matching = [
        "stringequals",
        "stringequalsignorecase",
        "stringlike",
        "arnequals",
        "arnlike",
        "ipaddress",
    ];
    match operator(test) {
        Some(op) if matching.contains(&op.as_str()) => concrete(key, values),
        _ => Some(false),
    }
}

/// Whether one condition of a statement excludes the accounts or sources it names, and so
/// applies to every request from anywhere else: a negated test (`StringNotEquals`,
/// `ArnNotLike`, `NotIpAddress`, with or without `IfExists`) of a key of
/// [`NARROWING_KEYS`] against values that name something.
fn excludes(test: &Value, key: &Value, values: &[Value]) -> Option<bool> {
    let (Some(test), Some(key)) = (test.as_str(), key.as_str()) else {
        return None;
    };
    let negated = [
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
        "notipaddress",
    ];
    let op = test.to_ascii_lowercase();
    let op = op.strip_suffix("ifexists").unwrap_or(&op);
    if negated.contains(&op) {
        concrete(key, values)
    } else {
        Some(false)
    }
}

/// Whether `values` of a narrowing `key` each name an account, organization, source or
/// network: Some(false) when the key is not one, a value leaves it open, or there are
/// none; None when a value is not known.
fn concrete(key: &str, values: &[Value]) -> Option<bool> {
    let key = key.to_ascii_lowercase();
    if !NARROWING_KEYS.contains(&key.as_str()) || values.is_empty() {
        return Some(false);
    }
    let mut unknown = false;
    for v in values {
        match v.as_str() {
            Some(v) if open(&key, v) => return Some(false),
            Some(_) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(true)
}

/// Whether a value of a narrowing key still lets in anyone: only wildcards; a wildcard in
/// the account or organization it names (`arn:aws:sns:*:*:*`, `o-*`); an ARN with no
/// account (an S3 bucket's) whose name has one (anyone can create `shop-*`); a network of
/// every address.
fn open(key: &str, value: &str) -> bool {
    let wild = |s: &str| s.contains(['*', '?']);
    if value.chars().all(|c| c == '*' || c == '?') {
        return true;
    }
    match key {
        "aws:sourceip" => value.ends_with("/0"),
        "aws:sourcearn" | "aws:principalarn" => {
            let parts: Vec<&str> = value.splitn(6, ':').collect();
            match parts.as_slice() {
                [_, _, _, _, account, name] => wild(account) || (account.is_empty() && wild(name)),
                _ => wild(value),
            }
        }
        "aws:principalorgpaths" | "aws:sourceorgpaths" => {
            wild(value.split('/').next().unwrap_or(value))
        }
        "aws:userid" => value.starts_with(['*', '?']),
        _ => wild(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    #[test]
    fn only_a_positive_test_of_a_source_or_principal_key_narrows() {
        let account = [s("123456789012")];
        assert_eq!(
            narrows(&s("StringEquals"), &s("aws:SourceAccount"), &account),
            Some(true)
        );
        assert_eq!(
            narrows(
                &s("ForAnyValue:StringLike"),
                &s("aws:PrincipalOrgID"),
                &[s("o-abc")]
            ),
            Some(true)
        );
        assert_eq!(
            narrows(&s("StringNotEquals"), &s("aws:SourceAccount"), &account),
            Some(false)
        );
        assert_eq!(
            narrows(
                &s("StringEqualsIfExists"),
                &s("aws:SourceAccount"),
                &account
            ),
            Some(false)
        );
        assert_eq!(
            narrows(
                &s("ForAllValues:StringEquals"),
                &s("aws:SourceAccount"),
                &account
            ),
            Some(false)
        );
        assert_eq!(
            narrows(&s("Bool"), &s("aws:SecureTransport"), &[s("true")]),
            Some(false)
        );
        assert_eq!(
            narrows(&s("StringLike"), &s("aws:SourceArn"), &[s("*")]),
            Some(false)
        );
        assert_eq!(
            narrows(&s("IpAddress"), &s("aws:SourceIp"), &[s("0.0.0.0/0")]),
            Some(false)
        );
        assert_eq!(
            narrows(&s("ArnLike"), &s("aws:SourceArn"), &[Value::Unknown]),
            None
        );
    }

    #[test]
    fn a_public_principal_is_star_or_aws_star() {
        let object = |k: &str, v: Value| Value::Object([(k.to_string(), v)].into_iter().collect());
        assert_eq!(json_principal_is_anyone(&s("*")), Some(true));
        assert_eq!(json_principal_is_anyone(&object("AWS", s("*"))), Some(true));
        assert_eq!(
            json_principal_is_anyone(&object(
                "AWS",
                Value::List(vec![s("arn:aws:iam::1:root"), s("*")])
            )),
            Some(true)
        );
        assert_eq!(
            json_principal_is_anyone(&object("Service", s("sns.amazonaws.com"))),
            Some(false)
        );
        assert_eq!(
            json_principal_is_anyone(&object("AWS", Value::Unknown)),
            None
        );
    }

    #[test]
    fn a_wildcard_in_the_account_or_organization_leaves_it_open() {
        let like = |key: &str, v: &str| narrows(&s("StringLike"), &s(key), &[s(v)]);
        assert_eq!(
            like("aws:SourceArn", "arn:aws:sns:eu-west-1:123456789012:*"),
            Some(true)
        );
        assert_eq!(like("aws:SourceArn", "arn:aws:sns:*:*:*"), Some(false));
        assert_eq!(
            like("aws:SourceArn", "arn:aws:s3:::shop-uploads"),
            Some(true)
        );
        assert_eq!(like("aws:SourceArn", "arn:aws:s3:::shop-*"), Some(false));
        assert_eq!(
            like("aws:PrincipalArn", "arn:aws:iam::*:role/admin"),
            Some(false)
        );
        assert_eq!(like("aws:PrincipalOrgID", "o-*"), Some(false));
        assert_eq!(like("aws:PrincipalOrgPaths", "o-abc/r-ab12/*"), Some(true));
        assert_eq!(like("aws:SourceAccount", "1234*"), Some(false));
        assert_eq!(like("aws:userid", "AIDAEXAMPLE:*"), Some(true));
        assert_eq!(
            narrows(
                &s("foranyvalue:stringequals"),
                &s("aws:SourceVpce"),
                &[s("vpce-1")]
            ),
            Some(true)
        );
    }

    #[test]
    fn a_negated_test_of_a_narrowing_key_excludes_everyone_else() {
        let org = [s("o-a1b2c3d4e5")];
        assert_eq!(
            excludes(&s("StringNotEquals"), &s("aws:PrincipalOrgID"), &org),
            Some(true)
        );
        assert_eq!(
            excludes(
                &s("StringNotEqualsIfExists"),
                &s("aws:SourceAccount"),
                &[s("123456789012")]
            ),
            Some(true)
        );
        assert_eq!(
            excludes(&s("StringNotEquals"), &s("aws:PrincipalOrgID"), &[s("o-*")]),
            Some(false)
        );
        assert_eq!(
            excludes(&s("StringEquals"), &s("aws:PrincipalOrgID"), &org),
            Some(false)
        );
        assert_eq!(
            excludes(&s("Bool"), &s("aws:SecureTransport"), &[s("false")]),
            Some(false)
        );
    }
}
