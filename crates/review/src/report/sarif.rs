//! SARIF 2.1.0, the format GitHub code scanning reads.
//! <https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>
//! <https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>

use std::io::{self, Write};

use serde_json::{json, Value};
use wharf_terraform::Outline;

use super::json::{write_elements, write_pretty};
use super::{place, slash_path, uri, Input};
use crate::{Finding, Severity, RULES};

pub fn sarif(input: &Input<'_>) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = sarif_to(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The SARIF log, written to `out` with its results a few chunks at a time: the log of a
/// large tree is never held whole in memory.
pub fn sarif_to(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
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
    // The log with its results left empty; they are written in their place a few chunks at
    // a time. It is the last key of the log (serde_json keeps the order written here), so
    // its empty array is the last `[]` of the text.
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
            "results": [],
        }],
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let Some((head, tail)) = text.rsplit_once("[]") else {
        return Err(io::Error::other(
            "the SARIF log has no place for its results",
        ));
    };
    out.write_all(head.as_bytes())?;
    write_elements(out, &review.findings, 4, |chunk, between| {
        let mut written = Vec::new();
        for (i, f) in chunk.iter().enumerate() {
            if i > 0 {
                written.extend_from_slice(between);
            }
            write_pretty(&mut written, &result(outline, f), 4);
        }
        written
    })?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}

/// One finding as a SARIF result.
fn result(outline: &Outline, f: &Finding) -> Value {
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
