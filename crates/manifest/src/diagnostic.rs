//! Located problems in a manifest, and their rendering as code frames.

use std::fmt::Write as _;
use std::ops::Range;

use wharf_diagnostic::{floor_char_boundary, line_col};

/// One problem in the manifest: what happened, where, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What is wrong, stated as a fact about the input.
    pub message: String,
    /// Byte range in the manifest source that the problem is about.
    pub span: Range<usize>,
    /// A short note shown under the caret.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// The spanned text may be a credential: it is masked in every rendering.
    pub redact: bool,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic {
            message: message.into(),
            span,
            label: None,
            help: None,
            redact: false,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks the spanned text as secret so that no rendering shows it.
    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }
}

/// Every problem found in one manifest file, with the source needed to show them.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// The manifest's path as the user gave it (never made absolute).
    pub file: String,
    pub source: String,
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Renders every problem as `error:` lines with a code frame, in source order.
    pub fn render(&self) -> String {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by_key(|d| (d.span.start, d.span.end));
        // What one diagnostic found secret is secret in every other: its place on a shown
        // line is masked in every frame, and its text in every message.
        let redacted: Vec<Range<usize>> = items
            .iter()
            .filter(|d| d.redact)
            .map(|d| d.span.clone())
            .collect();
        let secrets: Vec<&str> = redacted
            .iter()
            .filter_map(|r| self.source.get(r.clone()))
            .map(|s| s.trim_matches(['"', '\'']))
            // Masking a word as short as a few letters would mask it everywhere it occurs.
            .filter(|s| s.chars().count() >= 4)
            .collect();
        let mut out = String::new();
        for d in &items {
            // Masked again after drawing, in case the library ever shows text of its own.
            out.push_str(&mask_known(
                &self.render_one(d, &redacted, &secrets),
                &secrets,
            ));
            out.push('\n');
        }
        let n = items.len();
        let _ = writeln!(
            out,
            "error: {} has {} problem{}; nothing was written",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        );
        out
    }

    fn render_one(&self, d: &Diagnostic, redacted: &[Range<usize>], secrets: &[&str]) -> String {
        let src = self.source.as_str();
        let start = floor_char_boundary(src, d.span.start);
        let (line, col) = line_col(src, start);
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let end = floor_char_boundary(src, d.span.end.clamp(start, line_end));
        // Whatever the diagnostic is about, no credential on the shown line is printed: the
        // line is masked before the frame is drawn.
        let mut text = mask_known(
            &mask_credentials(&wharf_secrets::mask_line(
                mask_spans(src, line_start..line_end, redacted).trim_end_matches('\r'),
            )),
            secrets,
        );
        let mut width = src[start..end].chars().count().max(1);
        if d.redact {
            // Mask the whole rest of the line: a credential must not reach a terminal or a CI log.
            let keep = mask_known(
                &mask_credentials(&mask_spans(src, line_start..start, redacted)),
                secrets,
            );
            let masked = "*".repeat(8);
            text = format!("{keep}{masked}");
            width = masked.len();
        }
        // The underline, from character columns of the shown text to its bytes.
        let byte = |chars: usize| {
            text.char_indices()
                .nth(chars)
                .map_or(text.len(), |(i, _)| i)
        };
        let span = byte(col - 1)..byte(col - 1 + width);
        // Everything the frame shows is masked before it is drawn: the library may shorten a
        // long line, and a secret cut in two would no longer be found to mask.
        let label = d.label.as_deref().map(|l| mask_known(l, secrets));
        let shown = wharf_diagnostic::Shown {
            path: Some(&self.file),
            line,
            text: &text,
            span,
            label: label.as_deref(),
        };
        let message = mask_known(&mask_credentials(&d.message), secrets);
        let help = d.help.as_deref().map(|h| mask_known(h, secrets));
        wharf_diagnostic::frame(Some(&message), shown, help.as_deref()) + "\n"
    }
}

/// The text of `line` (a byte range of `src`) with the characters inside any of `spans`
/// replaced by `*`.
fn mask_spans(src: &str, line: Range<usize>, spans: &[Range<usize>]) -> String {
    src[line.clone()]
        .char_indices()
        .map(|(i, c)| {
            let at = line.start + i;
            if spans.iter().any(|s| s.contains(&at)) {
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// `text` with every occurrence of each of `secrets` replaced by as many `*`.
fn mask_known(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, &"*".repeat(secret.chars().count()));
        }
    }
    out
}

/// Replaces every word or quoted string of `line` that looks like a credential with as many
/// `*` as it has characters, so that columns after it stay where they were.
pub fn mask_credentials(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if wharf_secrets::credential(word).is_some() {
            out.extend(std::iter::repeat_n('*', word.chars().count()));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in line.chars() {
        if c.is_whitespace() || "\"'=,[]{}".contains(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

impl std::fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_credential_on_a_shown_line_is_masked() {
        let source =
            "env = { \"BAD-NAME\" = \"sk_live_abcdefghijkl\", OTHER = \"AKIAIOSFODNN7EXAMPLE\" }\n"
                .to_string();
        let diags = Diagnostics {
            file: "wharf.toml".into(),
            source: source.clone(),
            items: vec![Diagnostic::new("bad name", 9..17)],
        };
        let text = diags.render();
        assert!(
            !text.contains("sk_live") && !text.contains("AKIA"),
            "{text}"
        );
        assert!(text.contains("\"BAD-NAME\""), "{text}");
    }

    #[test]
    fn a_redacted_value_on_a_long_line_is_masked_before_the_line_is_shortened() {
        // The frame shortens a line wider than its width in the middle: a secret repeated
        // there must be masked before, or the cut would leave part of it for no mask to find.
        let secret = "hunter2hunter2hunter2";
        // The secret straddles the width at which the line is cut.
        let filler = "x".repeat(112);
        let source = format!(
            "[x]\nDB_PASSWORD = \"{secret}\"\nBAD-NAME = [\"{filler}\", \"{secret}\", \"{filler}\"]\n"
        );
        let value = source.find(&format!("\"{secret}\"")).unwrap();
        let key = source.find("BAD-NAME").unwrap();
        let diags = Diagnostics {
            file: "wharf.toml".into(),
            source: source.clone(),
            items: vec![
                Diagnostic::new("literal secret", value..value + secret.len() + 2).redacted(),
                Diagnostic::new("bad name", key..key + 8),
            ],
        };
        let text = diags.render();
        for part in secret.as_bytes().windows(4) {
            let part = std::str::from_utf8(part).unwrap();
            assert!(!text.contains(part), "{part} shown in:\n{text}");
        }
    }

    #[test]
    fn a_value_one_diagnostic_redacts_is_masked_in_every_other() {
        // The name says secret, so the first diagnostic redacts the short value; the second,
        // about the key on the same line, must not show it either.
        let source =
            "[x]\nenv = { \"BAD-NAME\" = \"hunter2\", DB_PASSWORD = \"hunter2\" }\n".to_string();
        let value = source.rfind("\"hunter2\"").unwrap();
        let key = source.find("\"BAD-NAME\"").unwrap();
        let diags = Diagnostics {
            file: "wharf.toml".into(),
            source: source.clone(),
            items: vec![
                Diagnostic::new("literal secret", value..value + 9).redacted(),
                Diagnostic::new("bad name `BAD-NAME`", key..key + 10),
            ],
        };
        let text = diags.render();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("BAD-NAME"), "{text}");
    }

    #[test]
    fn a_secret_named_value_is_masked_whatever_the_diagnostic_is_about() {
        // A misspelled table: no `env` check ran, but the frame must not show the value.
        let source =
            "[services.web]\nenvironment = { DB_PASSWORD = \"hunter2hunter2\" }\n".to_string();
        let key = source.find("environment").unwrap();
        let diags = Diagnostics {
            file: "wharf.toml".into(),
            source: source.clone(),
            items: vec![Diagnostic::new(
                "unknown key `services.web.environment`",
                key..key + 11,
            )],
        };
        let text = diags.render();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(
            text.contains("environment = { DB_PASSWORD = \"**************\" }"),
            "{text}"
        );
    }

    #[test]
    fn redacted_span_is_masked() {
        let source = "[x]\nkey = \"sk_live_abcdef\"\n".to_string();
        let start = source.find('"').unwrap();
        let diags = Diagnostics {
            file: "wharf.toml".into(),
            source: source.clone(),
            items: vec![Diagnostic::new("literal credential", start..start + 16).redacted()],
        };
        let text = diags.render();
        assert!(!text.contains("sk_live"), "{text}");
        assert!(text.contains("key = ********"), "{text}");
    }
}
