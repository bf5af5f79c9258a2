//! The Markdown report: a production-readiness score table per pillar, then the findings,
//! for a pull request comment or a wiki page.

use std::fmt::Write;

use super::{place, root_name, slash_path, Input};
use crate::Pillar;

pub fn markdown(input: &Input<'_>) -> String {
    let Input {
        outline, review, ..
    } = input;
    let mut out = String::new();
    let _ = writeln!(out, "# Well-Architected review\n");
    let _ = writeln!(
        out,
        "{} root module{}, {} files, {} resources, {} rules.\n",
        outline.roots,
        if outline.roots == 1 { "" } else { "s" },
        outline.files,
        review.resources,
        review.rules_run
    );
    let errors: Vec<_> = super::notices(outline)
        .into_iter()
        .filter(|n| n.error)
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(
            out,
            "**Incomplete review:** {} error{} kept part of the tree from being reviewed.\n",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        for n in &errors {
            let _ = writeln!(out, "- `{}`: {}", n.at(), n.message.replace('|', "\\|"));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "| Pillar | Checks passed | Applicable | Score |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    let (mut passed, mut applicable) = (0, 0);
    for pillar in Pillar::ALL {
        let s = review.scores.get(&pillar).copied().unwrap_or_default();
        passed += s.passed;
        applicable += s.applicable;
        let pct = s
            .percent()
            .map_or("n/a".to_string(), |p| format!("{p:.0}%"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            pillar.title(),
            s.passed,
            s.applicable,
            pct
        );
    }
    let total = if applicable > 0 {
        format!("{:.0}%", 100.0 * passed as f64 / applicable as f64)
    } else {
        "n/a".to_string()
    };
    let _ = writeln!(
        out,
        "| **All** | **{passed}** | **{applicable}** | **{total}** |\n"
    );

    let active: Vec<_> = review.active().collect();
    if active.is_empty() {
        let _ = writeln!(out, "No findings.");
    } else {
        let _ = writeln!(out, "## Findings ({})\n", active.len());
        let _ = writeln!(out, "| Severity | Rule | Where | Finding |");
        let _ = writeln!(out, "|---|---|---|---|");
        let mut sorted = active.clone();
        sorted.sort_by_key(|f| std::cmp::Reverse(f.rule.severity));
        for f in sorted {
            let pl = place(outline, &f.location, &f.at);
            let _ = writeln!(
                out,
                "| {} | `{}` {} | `{}:{}` ({}) | {} |",
                f.rule.severity,
                f.rule.code,
                f.rule.name,
                slash_path(pl.path),
                pl.line,
                root_name(f),
                escape(&f.message)
            );
        }
    }
    let suppressed: Vec<_> = review
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    if !suppressed.is_empty() {
        let _ = writeln!(out, "\n## Accepted trade-offs ({})\n", suppressed.len());
        let _ = writeln!(out, "| Rule | Where | Reason |");
        let _ = writeln!(out, "|---|---|---|");
        for f in suppressed {
            let pl = place(outline, &f.location, &f.at);
            let _ = writeln!(
                out,
                "| `{}` {} | `{}` ({}) | {} |",
                f.rule.code,
                f.rule.name,
                f.address,
                slash_path(pl.path),
                escape(f.suppressed.as_deref().unwrap_or(""))
            );
        }
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
