//! Reads `wharf.toml` into validated, located options.
//!
//! The invariant this crate keeps: a [`Manifest`] is returned only when the file has no
//! problem at all, and otherwise every problem found in one pass is returned at once, each
//! with the byte range it is about, a message stating the fact, and help saying what to do.
//! No input panics. Secret values are never echoed: a diagnostic about a value that looks
//! like a credential is marked redacted, and its rendering masks it.

mod diagnostic;
pub mod examples;
pub mod fargate;
pub mod naming;
pub mod net;
mod read;
mod schema;
pub mod secret;
mod types;

pub use diagnostic::{line_col, Diagnostic, Diagnostics};
pub use schema::{is_root_user, LOG_RETENTION_DAYS};
pub use types::*;

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
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().to_string();
            return (
                None,
                vec![
                    Diagnostic::new(format!("this is not valid TOML: {message}"), span).with_help(
                        "fix the syntax at this point; `wharf init` writes a commented example",
                    ),
                ],
            );
        }
    };
    let mut sink = read::Sink::default();
    let manifest = schema::read(&doc, &mut sink);
    (manifest, sink.diagnostics)
}
