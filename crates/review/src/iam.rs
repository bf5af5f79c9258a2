//! Reading IAM policies wherever Terraform writes them: JSON `policy` arguments and
//! `aws_iam_policy_document` data sources.

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
