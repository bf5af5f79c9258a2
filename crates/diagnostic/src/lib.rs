//! Source locations and diagnostics shared by every wharf crate that reports a problem in a
//! file: the line and column of a byte offset ([`line_col`], [`LineIndex`]), the code frame
//! under a message ([`frame`], drawn by `annotate-snippets` as rustc and cargo draw theirs),
//! and the error that says what happened, where, and what to do ([`Error`]).
//!
//! The invariant it keeps: a frame shows only the text it is given. Callers mask secret
//! values in that text before the frame is drawn, so nothing here can print one.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// The 1-based line and column (in characters) of a byte offset; an offset past the end or
/// inside a character counts as the character's start.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// The largest character boundary of `text` at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where each line of a text starts, for many [`line_col`] lookups in one large file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        }
    }

    /// [`line_col`] of `offset` in `text`, the text the index was built from.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }
}

/// One line of source to show under a message.
#[derive(Debug, Clone)]
pub struct Shown<'a> {
    /// The file, as the user named it; None leaves the `-->` line out.
    pub path: Option<&'a str>,
    /// The line's 1-based number.
    pub line: usize,
    /// The line's text, secrets already masked, without its line break.
    pub text: &'a str,
    /// The byte range of `text` to underline.
    pub span: Range<usize>,
    /// A note beside the underline.
    pub label: Option<&'a str>,
}

/// A code frame: `error: message`, the place, the line with its underline, and
/// `= help: …`. With no message, only the line and its underline.
pub fn frame(message: Option<&str>, shown: Shown<'_>, help: Option<&str>) -> String {
    let end = floor_char_boundary(shown.text, shown.span.end);
    let start = floor_char_boundary(shown.text, shown.span.start.min(end));
    let mut snippet = Snippet::source(shown.text).line_start(shown.line);
    if let Some(path) = shown.path {
        snippet = snippet.path(path);
    }
    let mut annotation = AnnotationKind::Primary.span(start..end);
    if let Some(label) = shown.label {
        annotation = annotation.label(label);
    }
    let snippet = snippet.annotation(annotation);
    let group = match message {
        Some(m) => Level::ERROR.primary_title(m).element(snippet),
        None => Group::with_level(Level::ERROR).element(snippet),
    };
    let group = match help {
        Some(h) => group.element(Level::HELP.message(h)),
        None => group,
    };
    Renderer::plain().render(&[group])
}

/// An error phrased for the user: where (`usage.toml:3:5`, a directory, or nothing), what
/// happened, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub place: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            place: None,
            message: message.into(),
            help: None,
        }
    }

    /// An error at a byte offset of a file's text: its place is `file:line:column`.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Error {
        let (line, column) = line_col(text, offset);
        Error::new(message).in_place(format!("{file}:{line}:{column}"))
    }

    pub fn in_place(mut self, place: impl Into<String>) -> Error {
        self.place = Some(place.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{place}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let src = "ab\ncdé\nf";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 7), (2, 4), "é is one character");
        assert_eq!(line_col(src, 6), (2, 3), "inside é counts as its start");
        assert_eq!(line_col(src, 99), (3, 2));
        let index = LineIndex::new(src);
        for offset in 0..=src.len() + 1 {
            assert_eq!(
                index.line_col(src, offset),
                line_col(src, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn a_frame_shows_the_line_its_place_and_the_help() {
        let shown = Shown {
            path: Some("wharf.toml"),
            line: 7,
            text: "cpu = 300",
            span: 6..9,
            label: Some("1024 units are one vCPU"),
        };
        assert_eq!(
            frame(Some("`cpu = 300` is not a Fargate CPU size"), shown.clone(), Some("use 256")),
            "error: `cpu = 300` is not a Fargate CPU size\n --> wharf.toml:7:7\n  |\n7 | cpu = 300\n  |       ^^^ 1024 units are one vCPU\n  |\n  = help: use 256"
        );
        let bare = Shown {
            path: None,
            label: None,
            ..shown.clone()
        };
        assert_eq!(frame(None, bare, None), "  |\n7 | cpu = 300\n  |       ^^^");
    }

    #[test]
    fn error_says_where_what_and_what_to_do() {
        let e = Error::at("usage.toml", "a = 1\nb = x", 10, "not a number").with_help("write 1");
        assert_eq!(e.to_string(), "usage.toml:2:5: not a number\nhelp: write 1");
    }
}
