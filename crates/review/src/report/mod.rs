//! Reports of a review: text for people, JSON for scripts, SARIF 2.1.0 for code scanning,
//! Markdown for pull requests. All are deterministic: the same review gives the same bytes.

mod json;
mod markdown;
mod sarif;
mod text;

use std::path::Path;

use wharf_terraform::{Location, Outline};

use crate::{Finding, Lines, Review};

pub use json::json;
pub use markdown::markdown;
pub use sarif::sarif;
pub use text::text;

/// The output formats `wharf review --format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

/// Everything a report shows: the review and the loader's own problems.
pub struct Input<'a> {
    /// The tree's paths and problems: [`wharf_terraform::Project::outline`] of a project
    /// loaded whole, or what [`crate::review_tree`] returns.
    pub outline: &'a Outline,
    pub review: &'a Review,
    /// Whether colour may be used (text only).
    pub color: bool,
}

/// Renders `input` in `format`.
pub fn render(format: Format, input: &Input<'_>) -> String {
    match format {
        Format::Text => text(input),
        Format::Json => json(input),
        Format::Sarif => sarif(input),
        Format::Markdown => markdown(input),
    }
}

/// Writes `input` in `format` to `out`; the JSON and SARIF reports a few chunks of findings
/// at a time, so that the report of a large tree is never held whole.
pub fn write(
    format: Format,
    input: &Input<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::json_to(input, out),
        Format::Sarif => sarif::sarif_to(input, out),
        _ => out.write_all(render(format, input).as_bytes()),
    }
}

/// A resolved position: path as given, 1-based line and column, end line and column.
pub(crate) struct Place<'a> {
    pub path: &'a Path,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// A finding's location or one of its related ones, with where it is in lines.
pub(crate) fn place<'a>(outline: &'a Outline, location: &Location, at: &Lines) -> Place<'a> {
    Place {
        path: outline.path(location),
        line: at.line,
        column: at.column,
        end_line: at.end_line,
        end_column: at.end_column,
    }
}

/// A finding's related locations, each with where it is in lines.
pub(crate) fn related<'a>(
    outline: &'a Outline,
    f: &'a Finding,
) -> impl Iterator<Item = Place<'a>> + 'a {
    f.related
        .iter()
        .zip(&f.related_at)
        .map(move |(l, at)| place(outline, l, at))
}

/// A path with `/` separators, as SARIF and Markdown want it on every platform.
pub(crate) fn slash_path(path: &Path) -> String {
    let joined = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if path.is_absolute() {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A path as a SARIF artifact URI: relative paths as relative references, absolute ones as
/// `file://` URIs, with the characters a URI reserves percent-encoded.
pub(crate) fn uri(path: &Path) -> String {
    let mut out = String::new();
    for b in slash_path(path).bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.is_absolute() {
        format!("file://{out}")
    } else {
        out
    }
}

/// The root module a finding belongs to, for display (`.` for the current directory).
pub(crate) fn root_name(f: &Finding) -> String {
    let s = slash_path(&f.root);
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// Something the loader could not do, as reports show it: every file that could not be read
/// or parsed, then the tree's problems, then each root's.
pub(crate) struct Notice<'a> {
    pub error: bool,
    pub path: &'a Path,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

pub(crate) fn notices(outline: &Outline) -> Vec<Notice<'_>> {
    let parse = outline.parse_errors.iter().map(|e| Notice {
        error: true,
        path: &e.path,
        line: Some(e.line),
        column: Some(e.column),
        message: &e.message,
        help: Some("fix the file; the rest of the tree was reviewed without it"),
    });
    let problems = outline.problems.iter().map(|p| {
        let (path, at) = outline.place_of(p);
        Notice {
            error: p.is_error(),
            path,
            line: at.map(|(l, _)| l),
            column: at.map(|(_, c)| c),
            message: &p.message,
            help: p.help.as_deref(),
        }
    });
    parse.chain(problems).collect()
}

impl Notice<'_> {
    /// `path:line:column`, or as much of it as is known.
    pub fn at(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path.display()),
            _ => self.path.display().to_string(),
        }
    }
}
