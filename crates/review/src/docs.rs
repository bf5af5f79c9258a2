//! Rule documentation: what `wharf explain` prints, `wharf rules --format json`, and the
//! pages under docs/rules, all generated from the rule files.

use serde_json::json;

use crate::rule::Rule;
use crate::RULES;

/// The headings every rule's documentation has, in this order.
pub const HEADINGS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
];

/// One rule's page: title, metadata, then its documentation block.
pub fn page(rule: &Rule) -> String {
    let checkov = if rule.checkov.is_empty() {
        "none".to_string()
    } else {
        rule.checkov
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "# {} {}\n\n- Pillar: {}\n- Severity: {}\n- Checkov equivalent: {}\n- Fix: {}\n\n{}\n",
        rule.code,
        rule.name,
        rule.pillar.title(),
        rule.severity,
        checkov,
        rule.fix,
        rule.doc.trim()
    )
}

/// The index of docs/rules: one row per rule.
pub fn index() -> String {
    let mut out = String::from(
        "# wharf review rules\n\nGenerated from crates/review/src/rules by `WHARF_UPDATE_DOCS=1 cargo test -p wharf-review --test docs`; do not edit.\n\n| Code | Name | Pillar | Severity | Checkov |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        out.push_str(&format!(
            "| [{code}]({code}.md) | {} | {} | {} | {} |\n",
            r.name,
            r.pillar.title(),
            r.severity,
            r.checkov.join(", "),
            code = r.code
        ));
    }
    out
}

/// `wharf rules --format json`.
pub fn rules_json() -> String {
    let rules: Vec<_> = RULES
        .iter()
        .map(|r| {
            json!({
                "code": r.code,
                "name": r.name,
                "pillar": r.pillar.id(),
                "severity": r.severity.id(),
                "checkov": r.checkov,
                "fix": r.fix,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rules).unwrap_or_default();
    s.push('\n');
    s
}
