//! Reading and parsing files, in parallel, with located errors.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::structure::{Attribute, Body};
use hcl_edit::Ident;

use crate::discover::{discover, Kind};
use crate::source::{Disk, Source};

/// A file's text as read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub kind: Kind,
    pub text: String,
}

/// A file that could not be read or parsed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// Every file of a tree: those that parsed, with their syntax tree, and the errors of the
/// others. Both in path order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<(SourceFile, Body)>,
    pub errors: Vec<ParseError>,
}

/// Finds and parses every `.tf`, `.tfvars` and `.tfvars.json` file at or below `roots`.
pub fn load(roots: &[PathBuf]) -> io::Result<Loaded> {
    let found = discover(roots)?;
    let mut loaded = load_files(found.files);
    loaded.errors.extend(found.errors);
    loaded.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(loaded)
}

/// One file's outcome: its text and syntax tree, or where it failed.
pub(crate) type Outcome = Result<(SourceFile, Body), ParseError>;

pub(crate) fn read_and_parse(source: &dyn Source, path: &Path) -> Outcome {
    let text = source.read(path).map_err(|message| ParseError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message,
    })?;
    let body = parse_text(path, &text)?;
    let kind = Kind::of(path).unwrap_or(Kind::Config);
    Ok((
        SourceFile {
            path: path.to_path_buf(),
            kind,
            text,
        },
        body,
    ))
}

/// Parses one file's text. A panic inside the parser is turned into an error on this file,
/// so that one pathological file cannot stop the review of a tree. A `.json` file is a
/// variable file in JSON (`*.tfvars.json`, or a `--var-file` so named, as Terraform reads
/// either).
pub fn parse_text(path: &Path, text: &str) -> Result<Body, ParseError> {
    if path.extension().is_some_and(|e| e == "json") {
        return parse_json_vars(path, text);
    }
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        text.parse::<Body>().map(|mut body| {
            crate::expr::prepare(&mut body);
            body
        })
    }));
    match parsed {
        Ok(Ok(body)) => Ok(body),
        Ok(Err(e)) => Err(ParseError {
            path: path.to_path_buf(),
            line: e.location().line(),
            column: e.location().column(),
            message: e.message().to_string(),
        }),
        Err(_) => Err(ParseError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "the HCL parser failed on this file".to_string(),
        }),
    }
}

/// A JSON variable file as the body of the arguments it assigns. It holds one object of
/// variable names and values; its strings are taken as written, not as templates, as
/// Terraform takes them. A name that is no identifier names no variable and is left out.
fn parse_json_vars(path: &Path, text: &str) -> Result<Body, ParseError> {
    let failed = |line: usize, column: usize, message: String| ParseError {
        path: path.to_path_buf(),
        line: line.max(1),
        column: column.max(1),
        message,
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        // serde_json ends its message with the position, which the error carries anyway.
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        failed(e.line(), e.column(), format!("invalid JSON: {message}"))
    })?;
    let serde_json::Value::Object(variables) = value else {
        return Err(failed(
            1,
            1,
            "a JSON variable file holds one object, of variable names and their values".to_string(),
        ));
    };
    let mut body = Body::new();
    for (name, value) in variables {
        if let Ok(name) = Ident::try_new(name) {
            body.push(Attribute::new(name, json_expression(value)));
        }
    }
    Ok(body)
}

/// A JSON value as the literal expression of the same value.
fn json_expression(value: serde_json::Value) -> Expression {
    use serde_json::Value as Json;
    match value {
        Json::Null => Expression::null(),
        Json::Bool(b) => Expression::from(b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Expression::from(i),
            (None, Some(f)) => Expression::from(f),
            (None, None) => Expression::null(),
        },
        Json::String(s) => Expression::from(s),
        Json::Array(items) => Expression::Array(items.into_iter().map(json_expression).collect()),
        Json::Object(members) => Expression::Object(
            members
                .into_iter()
                .map(|(k, v)| {
                    (
                        ObjectKey::Expression(Expression::from(k)),
                        json_expression(v),
                    )
                })
                .collect::<Object>(),
        ),
    }
}

/// Reads and parses `paths` on every available core. The result does not depend on the
/// number of threads or their timing.
pub fn load_files(paths: Vec<PathBuf>) -> Loaded {
    read_files(&Disk, paths)
}

/// [`load_files`] from any source.
pub(crate) fn read_files(source: &dyn Source, paths: Vec<PathBuf>) -> Loaded {
    let mut loaded = Loaded::default();
    for outcome in crate::parallel::map(&paths, |p| read_and_parse(source, p)) {
        match outcome {
            Ok(file) => loaded.files.push(file),
            Err(e) => loaded.errors.push(e),
        }
    }
    loaded
}
