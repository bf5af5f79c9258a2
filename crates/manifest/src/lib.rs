//! Reads `wharf.toml` into validated, located options, one reader per table
//! (`schema/app.rs`, `network.rs`, `service.rs`, `environment.rs`).
//!
//! The invariant this crate keeps: a [`Manifest`] is returned only when the file has no
//! problem at all, and otherwise every problem found in one pass is returned at once, each
//! with the byte range it is about, a message stating the fact, and help saying what to do.
//! No input panics. Secret values are never echoed: a diagnostic about a value that looks
//! like a credential is marked redacted, and its rendering masks it.

// Functions stay short enough to read at once (the threshold is in clippy.toml).
#![deny(clippy::too_many_lines)]

mod diagnostic;
pub mod examples;
pub mod github;
pub mod naming;
pub mod net;
mod read;
mod schema;
pub mod secret;
mod types;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use schema::is_root_user;
pub use types::*;

/// The manifest's text, or a diagnostic at the first byte that is not UTF-8 (TOML files are
/// UTF-8), shown on its line with the bytes that cannot be shown replaced.
pub fn decode(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostics> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(at).copied().unwrap_or_default();
            let source = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::new(
                format!("this file is not UTF-8: the byte 0x{bad:02X} here is not valid UTF-8"),
                at..at + '\u{FFFD}'.len_utf8(),
            )
            .with_help(
                "TOML files are UTF-8; save the manifest as UTF-8, e.g. `iconv -f latin1 -t utf-8 wharf.toml > wharf.utf8.toml`",
            );
            Err(Diagnostics {
                file: file.to_string(),
                source,
                items: vec![d],
            })
        }
    }
}

/// The line of `source` whose keys or values nest deepest (dots in a key or table header,
/// open brackets and braces), as a span.
fn deepest_line(source: &str) -> std::ops::Range<usize> {
    let mut best = (0, 0..0);
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("");
        let key = code.split('=').next().unwrap_or("");
        let depth = key.matches('.').count() + code.matches(['[', '{']).count();
        if depth > best.0 {
            best = (depth, offset..offset + line.trim_end().len());
        }
        offset += line.len();
    }
    best.1
}

/// Parses and validates a manifest. `file` is the path as the user gave it, used only in
/// messages.
pub fn parse(file: &str, source: &str) -> Result<Manifest, Diagnostics> {
    match parse_partial(source) {
        (Some(m), d) if d.is_empty() => Ok(m),
        (_, items) => Err(Diagnostics {
            file: file.to_string(),
            source: source.to_string(),
            items,
        }),
    }
}

/// Parses as much of the manifest as is valid: invalid values are left out of the returned
/// manifest and reported. `None` when the file is not TOML or has no usable `[app]`.
pub fn parse_partial(source: &str) -> (Option<Manifest>, Vec<Diagnostic>) {
    let doc = match toml_edit::Document::parse(source) {
        Ok(doc) => doc,
        Err(e) => {
            // toml_edit gives no position (or 0..0) when keys nest past its limit
            // (`a.b.c…`): the line that nests deepest is the one to fix.
            let located = e.span().filter(|s| *s != (0..0));
            let span = located.clone().unwrap_or_else(|| deepest_line(source));
            let message = e.message().trim_end().to_string();
            let help = if located.is_none() {
                "this line nests deeper than a TOML reader goes (a key or table many levels deep); write it flatter"
            } else {
                "fix the syntax at this point; `wharf init` writes a commented example"
            };
            return (
                None,
                vec![
                    Diagnostic::new(format!("this is not valid TOML: {message}"), span)
                        .with_help(help),
                ],
            );
        }
    };
    let mut sink = read::Sink::default();
    let manifest = schema::read(&doc, &mut sink);
    (manifest, sink.diagnostics)
}
