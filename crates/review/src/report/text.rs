//! The text report: findings grouped by file, each with a code frame, then the scores.

use std::fmt::Write;

use super::{place, root_name, slash_path, Input};
use crate::Pillar;

pub fn text(input: &Input<'_>) -> String {
    let Input {
        outline, review, ..
    } = input;
    let paint = |code: &str, s: &str| {
        if input.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let notices = super::notices(outline);
    for n in &notices {
        let (label, colour) = if n.error {
            ("error", "1;31")
        } else {
            ("warning", "1;33")
        };
        let _ = writeln!(out, "{}: {}: {}", paint(colour, label), n.at(), n.message);
        if let Some(help) = n.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        let _ = writeln!(out);
    }
    let mut current_file = None;
    for f in review.active() {
        let pl = place(outline, &f.location, &f.at);
        if current_file != Some(f.location.file) {
            current_file = Some(f.location.file);
            let _ = writeln!(out, "{}", paint("1", &pl.path.display().to_string()));
        }
        let _ = writeln!(
            out,
            "  {}:{}  {} {} [{}, {}] {}",
            pl.line,
            pl.column,
            paint(severity_color(f.rule.severity), f.rule.code),
            f.rule.name,
            f.rule.pillar.id(),
            f.rule.severity,
            f.message
        );
        frame(
            &mut out,
            f.frame.as_deref(),
            pl.line,
            pl.column,
            pl.end_line,
            pl.end_column,
        );
        for rl in super::related(outline, f) {
            let _ = writeln!(
                out,
                "      = used at {}:{}:{}, the module argument that takes the value in",
                slash_path(rl.path),
                rl.line,
                rl.column
            );
        }
        if !f.address.is_empty() && !f.call_sites.is_empty() {
            let _ = writeln!(out, "      = in root module {}", root_name(f));
        }
        let _ = writeln!(out, "      = help: {}", f.rule.fix);
        let _ = writeln!(out);
    }
    let active = review.active().count();
    let suppressed = review.findings.len() - active;
    let _ = writeln!(
        out,
        "{:<24} {:>6} {:>10} {:>6}",
        "pillar", "passed", "applicable", "score"
    );
    for pillar in Pillar::ALL {
        let s = review.scores.get(&pillar).copied().unwrap_or_default();
        let pct = s.percent().map_or("-".to_string(), |p| format!("{p:.0}%"));
        let _ = writeln!(
            out,
            "{:<24} {:>6} {:>10} {:>6}",
            pillar.title(),
            s.passed,
            s.applicable,
            pct
        );
    }
    let _ = writeln!(
        out,
        "\n{} finding{} ({} suppressed) from {} rules over {} resources in {} files, {} root module{}{}",
        active,
        if active == 1 { "" } else { "s" },
        suppressed,
        review.rules_run,
        review.resources,
        outline.files,
        outline.roots,
        if outline.roots == 1 { "" } else { "s" },
        incomplete(notices.iter().filter(|n| n.error).count())
    );
    out
}

/// What the summary line adds when the review is not of the whole tree.
fn incomplete(errors: usize) -> String {
    match errors {
        0 => String::new(),
        1 => "; incomplete: 1 error above".to_string(),
        n => format!("; incomplete: {n} errors above"),
    }
}

fn severity_color(s: crate::Severity) -> &'static str {
    match s {
        crate::Severity::Critical | crate::Severity::High => "1;31",
        crate::Severity::Medium => "1;33",
        crate::Severity::Low => "1;36",
    }
}

/// The first line of the span with a caret underline (to the end of that line when the
/// span goes on), indented under its finding.
fn frame(
    out: &mut String,
    shown: Option<&str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
) {
    // The line was masked when the finding was resolved: the frame of a finding about a
    // literal password does not print the password (see `Finding::frame`).
    let Some(shown) = shown else {
        return;
    };
    let len = shown.chars().count();
    let end = if end_line == line {
        end_column.min(len + 1)
    } else {
        len + 1
    };
    let byte = |column: usize| {
        shown
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(shown.len(), |(i, _)| i)
    };
    let start = byte(column);
    let frame = wharf_diagnostic::frame(
        None,
        wharf_diagnostic::Shown {
            path: None,
            line,
            text: shown,
            span: start..byte(end).max(start + 1).min(shown.len().max(start)),
            label: None,
        },
        None,
    );
    for l in frame.lines() {
        let _ = writeln!(out, "      {l}");
    }
}
