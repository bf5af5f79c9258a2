//! The JSON report: every finding (suppressed ones marked), the scores and the loader's
//! problems, for scripts.

use serde_json::{json, Value};

use super::{place, root_name, slash_path, Input};
use crate::Pillar;

pub fn json(input: &Input<'_>) -> String {
    let Input {
        project, review, ..
    } = input;
    let findings: Vec<Value> = review
        .findings
        .iter()
        .map(|f| {
            let pl = place(project, &f.location);
            json!({
                "code": f.rule.code,
                "name": f.rule.name,
                "pillar": f.rule.pillar.id(),
                "severity": f.rule.severity.id(),
                "message": f.message,
                "address": f.address,
                "root": root_name(f),
                "path": slash_path(pl.path),
                "line": pl.line,
                "column": pl.column,
                "end_line": pl.end_line,
                "end_column": pl.end_column,
                "fix": f.rule.fix,
                "suppressed": f.suppressed.as_ref().map(|reason| json!({ "reason": reason })),
            })
        })
        .collect();
    let scores: Vec<Value> = Pillar::ALL
        .iter()
        .map(|p| {
            let s = review.scores.get(p).copied().unwrap_or_default();
            json!({
                "pillar": p.id(),
                "passed": s.passed,
                "applicable": s.applicable,
                "percent": s.percent().map(|x| (x * 10.0).round() / 10.0),
            })
        })
        .collect();
    let errors: Vec<Value> = project
        .parse_errors
        .iter()
        .map(|e| {
            json!({
                "path": slash_path(&e.path),
                "line": e.line,
                "column": e.column,
                "message": e.message,
            })
        })
        .collect();
    let problems: Vec<Value> = project
        .roots
        .iter()
        .flat_map(|r| &r.problems)
        .map(|p| {
            let at = p.location.as_ref().map(|l| place(project, l));
            json!({
                "path": slash_path(&p.path),
                "line": at.as_ref().map(|a| a.line),
                "column": at.as_ref().map(|a| a.column),
                "message": p.message,
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "tool": { "name": "wharf", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "findings": review.active().count(),
            "suppressed": review.findings.len() - review.active().count(),
            "files": project.files.len(),
            "root_modules": project.roots.len(),
            "resources": review.resources,
            "rules_run": review.rules_run,
            "parse_errors": project.parse_errors.len(),
        },
        "scores": scores,
        "findings": findings,
        "parse_errors": errors,
        "problems": problems,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
