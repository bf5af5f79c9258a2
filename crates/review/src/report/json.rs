//! The JSON report: every finding (suppressed ones marked), the scores and the loader's
//! problems, for scripts.
//!
//! Written from borrowed, typed records rather than a `serde_json::Value` tree, and the
//! findings in parallel: a review of thousands of files has tens of thousands of findings,
//! and writing them one map at a time on one core took longer than running the rules.

use std::io::{self, Write};

use serde::Serialize;
use wharf_terraform::parallel;

use super::{place, root_name, slash_path, Input};
use crate::Pillar;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    suppressed: usize,
    files: usize,
    root_modules: usize,
    resources: usize,
    rules_run: usize,
    parse_errors: usize,
    /// Errors of the loader, parse errors included: the review is incomplete when not 0.
    errors: usize,
}

#[derive(Serialize)]
struct Score {
    pillar: &'static str,
    passed: usize,
    applicable: usize,
    percent: Option<f64>,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    name: &'static str,
    pillar: &'static str,
    severity: &'static str,
    message: &'a str,
    address: &'a str,
    root: String,
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fix: &'static str,
    suppressed: Option<Suppressed<'a>>,
    /// Where the value is used, when `path:line` is where a caller wrote it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<Related>,
}

#[derive(Serialize)]
struct Related {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: &'a str,
}

#[derive(Serialize)]
struct ParseError<'a> {
    path: String,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Problem<'a> {
    /// `error`: the review is incomplete (exit 2); `warning`: part of it was evaluated only
    /// in part.
    level: &'static str,
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
}

/// Findings written per task: enough to make a task worth spawning, few enough to share
/// the work evenly.
const CHUNK: usize = 2048;

/// Writes `findings` as a JSON array whose elements are `depth` levels deep, in serde_json's
/// pretty layout: a window of chunks on every core at a time, each chunk's elements written
/// by `chunk` (with `between` between them) and freed before the next window is made, so
/// that a report of a large tree is never held whole.
pub(super) fn write_elements(
    out: &mut dyn Write,
    findings: &[crate::Finding],
    depth: usize,
    chunk: impl Fn(&[crate::Finding], &[u8]) -> Vec<u8> + Sync,
) -> io::Result<()> {
    if findings.is_empty() {
        return out.write_all(b"[]");
    }
    let between = format!(",\n{}", "  ".repeat(depth));
    let chunks: Vec<&[crate::Finding]> = findings.chunks(CHUNK).collect();
    let window = 2 * std::thread::available_parallelism().map_or(1, |n| n.get());
    write!(out, "[\n{}", "  ".repeat(depth))?;
    for (w, batch) in chunks.chunks(window).enumerate() {
        let written = parallel::map(batch, |c| chunk(c, between.as_bytes()));
        for (j, text) in written.iter().enumerate() {
            if w > 0 || j > 0 {
                out.write_all(between.as_bytes())?;
            }
            out.write_all(text)?;
        }
    }
    write!(out, "\n{}]", "  ".repeat(depth - 1))
}

pub fn json(input: &Input<'_>) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = json_to(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The JSON report, written to `out` a few chunks of findings at a time: a report of a
/// large tree is never held whole in memory.
pub fn json_to(input: &Input<'_>, out: &mut dyn Write) -> io::Result<()> {
    let Input {
        outline, review, ..
    } = input;
    let write_chunk = |chunk: &[crate::Finding], between: &[u8]| {
        // Findings come sorted by file, and mostly from few roots: each path is written
        // once per run of findings that share it.
        let mut path = Memo::default();
        let mut root = Memo::default();
        let mut out = Vec::new();
        for (i, f) in chunk.iter().enumerate() {
            let pl = place(outline, &f.location, &f.at);
            let record = Finding {
                code: f.rule.code,
                name: f.rule.name,
                pillar: f.rule.pillar.id(),
                severity: f.rule.severity.id(),
                message: &f.message,
                address: &f.address,
                root: root.get(&f.root, || root_name(f)),
                path: path.get(pl.path, || slash_path(pl.path)),
                line: pl.line,
                column: pl.column,
                end_line: pl.end_line,
                end_column: pl.end_column,
                fix: f.rule.fix,
                suppressed: f.suppressed.as_deref().map(|reason| Suppressed { reason }),
                related: super::related(outline, f)
                    .map(|rl| Related {
                        path: slash_path(rl.path),
                        line: rl.line,
                        column: rl.column,
                        end_line: rl.end_line,
                        end_column: rl.end_column,
                    })
                    .collect(),
            };
            if i > 0 {
                out.extend_from_slice(between);
            }
            write_pretty(&mut out, &record, 2);
        }
        out
    };
    let scores: Vec<Score> = Pillar::ALL
        .iter()
        .map(|p| {
            let s = review.scores.get(p).copied().unwrap_or_default();
            Score {
                pillar: p.id(),
                passed: s.passed,
                applicable: s.applicable,
                percent: s.percent().map(|x| (x * 10.0).round() / 10.0),
            }
        })
        .collect();
    let parse_errors: Vec<ParseError> = outline
        .parse_errors
        .iter()
        .map(|e| ParseError {
            path: slash_path(&e.path),
            line: e.line,
            column: e.column,
            message: &e.message,
        })
        .collect();
    // The loader's problems; files that could not be parsed are in `parse_errors`.
    let notices = super::notices(outline);
    let problems: Vec<Problem> = notices
        .iter()
        .skip(outline.parse_errors.len())
        .map(|n| Problem {
            level: if n.error { "error" } else { "warning" },
            path: slash_path(n.path),
            line: n.line,
            column: n.column,
            message: n.message,
            help: n.help,
        })
        .collect();
    let active = review.active().count();
    let summary = Summary {
        findings: active,
        suppressed: review.findings.len() - active,
        files: outline.files,
        root_modules: outline.roots,
        resources: review.resources,
        rules_run: review.rules_run,
        parse_errors: outline.parse_errors.len(),
        errors: notices.iter().filter(|n| n.error).count(),
    };
    let tool = Tool {
        name: "wharf",
        version: env!("CARGO_PKG_VERSION"),
    };
    let fields = [
        ("version", "1".to_string()),
        ("tool", pretty(&tool, 1)),
        ("summary", pretty(&summary, 1)),
        ("scores", pretty(&scores, 1)),
        ("findings", String::new()),
        ("parse_errors", pretty(&parse_errors, 1)),
        ("problems", pretty(&problems, 1)),
    ];
    out.write_all(b"{\n")?;
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        write!(out, "  \"{key}\": ")?;
        if *key != "findings" {
            out.write_all(value.as_bytes())?;
        } else {
            write_elements(out, &review.findings, 2, write_chunk)?;
        }
    }
    out.write_all(b"\n}\n")
}

/// The last path written and how it was written.
#[derive(Default)]
struct Memo {
    last: Option<(std::ffi::OsString, String)>,
}

impl Memo {
    fn get(&mut self, path: &std::path::Path, write: impl FnOnce() -> String) -> String {
        match &self.last {
            Some((raw, written)) if raw.as_os_str() == path.as_os_str() => written.clone(),
            _ => {
                let written = write();
                self.last = Some((path.as_os_str().to_owned(), written.clone()));
                written
            }
        }
    }
}

/// `value` as pretty JSON (serde_json's layout, two spaces a level) written `depth` levels
/// deep inside a larger document.
fn pretty(value: &impl Serialize, depth: usize) -> String {
    let mut out = Vec::new();
    write_pretty(&mut out, value, depth);
    String::from_utf8(out).unwrap_or_default()
}

pub(super) fn write_pretty(out: &mut Vec<u8>, value: &impl Serialize, depth: usize) {
    let mut serializer = serde_json::Serializer::with_formatter(
        out,
        Nested {
            depth,
            has_value: false,
        },
    );
    // Serializing plain structs of strings and numbers into memory cannot fail.
    let _ = value.serialize(&mut serializer);
}

/// serde_json's pretty layout, starting `depth` levels in.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(writer)?;
        }
        writer.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.line(writer)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
