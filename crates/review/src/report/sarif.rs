//! SARIF 2.1.0, the format GitHub code scanning reads.
//! <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>
//! <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>

use serde_json::{json, Value};

use super::{place, slash_path, uri, Input};
use crate::{Severity, RULES};

pub fn sarif(input: &Input<'_>) -> String {
    let Input {
        outline, review, ..
    } = input;
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.name.replace('-', " ") },
                "help": { "text": r.fix, "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "tags": [r.pillar.id(), "terraform", "aws"],
                    "security-severity": security_severity(r.severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = review
        .findings
        .iter()
        .map(|f| {
            let pl = place(outline, &f.location, &f.at);
            let index = RULES
                .iter()
                .position(|r| r.code == f.rule.code)
                .unwrap_or(0);
            let mut result = json!({
                "ruleId": f.rule.code,
                "ruleIndex": index,
                "level": level(f.rule.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(pl.path) },
                        "region": {
                            "startLine": pl.line,
                            "startColumn": pl.column,
                            "endLine": pl.end_line,
                            "endColumn": pl.end_column,
                        },
                    },
                    "logicalLocations": if f.address.is_empty() {
                        json!([])
                    } else {
                        json!([{ "fullyQualifiedName": f.address, "kind": "resource" }])
                    },
                }],
                "partialFingerprints": {
                    "wharf/v1": format!(
                        "{}:{}:{}:{}:{}",
                        f.rule.code,
                        slash_path(&f.root),
                        f.address,
                        pl.line,
                        pl.column
                    ),
                },
            });
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            if !f.related.is_empty() {
                let related: Vec<Value> = super::related(outline, f)
                    .enumerate()
                    .map(|(id, rl)| {
                        json!({
                            "id": id,
                            "message": { "text": "the module argument that takes the value in" },
                            "physicalLocation": {
                                "artifactLocation": { "uri": uri(rl.path) },
                                "region": {
                                    "startLine": rl.line,
                                    "startColumn": rl.column,
                                    "endLine": rl.end_line,
                                    "endColumn": rl.end_column,
                                },
                            },
                        })
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();
    // What kept the review from being complete, as notifications of the run.
    let notices = super::notices(outline);
    let notifications: Vec<Value> = notices
        .iter()
        .map(|n| {
            let mut notification = json!({
                "level": if n.error { "error" } else { "warning" },
                "message": { "text": n.message },
            });
            let mut physical = json!({ "artifactLocation": { "uri": uri(n.path) } });
            if let (Some(line), Some(column)) = (n.line, n.column) {
                physical["region"] = json!({ "startLine": line, "startColumn": column });
            }
            notification["locations"] = json!([{ "physicalLocation": physical }]);
            notification
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "wharf",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/wharf-dev/wharf",
                    "rules": rules,
                },
            },
            "invocations": [{
                "executionSuccessful": !notices.iter().any(|n| n.error),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's scale for security alerts: 9+ critical, 7+ high, 4+ medium, else low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.0",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "2.0",
    }
}
