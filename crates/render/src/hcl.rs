//! A small HCL writer whose output is already in canonical `terraform fmt` layout.
//!
//! The rules it follows are hclwrite's (the formatter behind `terraform fmt`): two-space
//! indentation; in a run of consecutive single-line attributes the `=` signs are aligned one
//! space after the longest name; a blank line, a comment, a block or an attribute whose value
//! spans several lines ends the run; multi-line lists keep a trailing comma.

use std::fmt::Write as _;

/// An expression on the right of `=`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal string; `${` and `%{` are escaped so nothing is interpolated.
    Str(String),
    /// A quoted template: literal parts are escaped like [`Expr::Str`], references are
    /// interpolated. User text can only ever reach HCL as a literal part.
    Template(Vec<Part>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
    /// A reference or expression written as is, e.g. `module.network.vpc_id`.
    Raw(String),
    List(Vec<Expr>),
    /// Keys in the given order.
    Object(Vec<(String, Expr)>),
    /// A function call, e.g. `jsonencode({ … })`.
    Call(String, Vec<Expr>),
}

impl Expr {
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }
    pub fn raw(s: impl Into<String>) -> Expr {
        Expr::Raw(s.into())
    }
    pub fn int(i: impl Into<i64>) -> Expr {
        Expr::Int(i.into())
    }
    pub fn strs<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Expr {
        Expr::List(items.into_iter().map(|s| Expr::Str(s.into())).collect())
    }
}

/// A piece of a template string.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Text written literally (escaped).
    Lit(String),
    /// A Terraform reference interpolated as `${…}`; never built from user text.
    Ref(String),
}

/// Whether a key can be written bare in an object or as an attribute name.
pub fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Quotes a literal string for HCL.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// Appends `s` escaped for the inside of an HCL quoted string.
fn escape_into(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

const INDENT: &str = "  ";

impl Expr {
    /// Writes the expression starting at the current column; continuation lines are
    /// indented by `level`.
    fn write(&self, out: &mut String, level: usize) {
        match self {
            Expr::Str(s) => out.push_str(&quote(s)),
            Expr::Template(parts) => {
                out.push('"');
                for part in parts {
                    match part {
                        Part::Lit(text) => escape_into(out, text),
                        Part::Ref(reference) => {
                            out.push_str("${");
                            out.push_str(reference);
                            out.push('}');
                        }
                    }
                }
                out.push('"');
            }
            Expr::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Expr::Float(f) => out.push_str(&format_float(*f)),
            Expr::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Expr::Null => out.push_str("null"),
            Expr::Raw(r) => out.push_str(r),
            Expr::List(items) if items.is_empty() => out.push_str("[]"),
            Expr::List(items) if self.fits_one_line() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, level);
                }
                out.push(']');
            }
            Expr::List(items) => {
                out.push_str("[\n");
                for item in items {
                    out.push_str(&INDENT.repeat(level + 1));
                    item.write(out, level + 1);
                    out.push_str(",\n");
                }
                out.push_str(&INDENT.repeat(level));
                out.push(']');
            }
            Expr::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Expr::Object(entries) => {
                out.push_str("{\n");
                let items: Vec<Item> = entries
                    .iter()
                    .map(|(k, v)| {
                        let key = if is_identifier(k) {
                            k.clone()
                        } else {
                            quote(k)
                        };
                        Item::Attr(key, v.clone())
                    })
                    .collect();
                write_items(out, &items, level + 1);
                out.push_str(&INDENT.repeat(level));
                out.push('}');
            }
            Expr::Call(name, args) => {
                out.push_str(name);
                out.push('(');
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    arg.write(out, level);
                }
                out.push(')');
            }
        }
    }

    /// Scalars, references and short lists of them stay on one line.
    fn fits_one_line(&self) -> bool {
        match self {
            Expr::List(items) => {
                items.iter().all(|i| {
                    matches!(
                        i,
                        Expr::Str(_)
                            | Expr::Template(_)
                            | Expr::Int(_)
                            | Expr::Float(_)
                            | Expr::Bool(_)
                            | Expr::Null
                            | Expr::Raw(_)
                    )
                }) && self.rendered_len() <= 100
            }
            Expr::Object(entries) => entries.is_empty(),
            Expr::Call(_, args) => args.iter().all(Expr::fits_one_line),
            _ => true,
        }
    }

    fn rendered_len(&self) -> usize {
        let mut s = String::new();
        match self {
            Expr::List(items) => {
                for i in items {
                    i.write(&mut s, 0);
                    s.push_str(", ");
                }
            }
            other => other.write(&mut s, 0),
        }
        s.len() + 2
    }
}

/// A line of a body.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attr(String, Expr),
    Block(Block),
    Blank,
    Comment(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// Comment lines written just above the block (wharf's review suppressions).
    pub comments: Vec<String>,
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Body {
    pub items: Vec<Item>,
}

impl Body {
    pub fn new() -> Self {
        Body::default()
    }

    pub fn attr(mut self, name: &str, value: Expr) -> Self {
        self.items.push(Item::Attr(name.to_string(), value));
        self
    }

    /// Adds the attribute only when there is a value.
    pub fn attr_opt(self, name: &str, value: Option<Expr>) -> Self {
        match value {
            Some(v) => self.attr(name, v),
            None => self,
        }
    }

    pub fn blank(mut self) -> Self {
        if !matches!(self.items.last(), None | Some(Item::Blank)) {
            self.items.push(Item::Blank);
        }
        self
    }

    pub fn comment(mut self, text: &str) -> Self {
        self.items.push(Item::Comment(text.to_string()));
        self
    }

    pub fn block(mut self, block: Block) -> Self {
        self.items.push(Item::Block(block));
        self
    }
}

impl Block {
    pub fn new(kind: &str, labels: &[&str], body: Body) -> Self {
        Block {
            comments: Vec::new(),
            kind: kind.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            body,
        }
    }

    /// Adds a comment line above the block.
    pub fn comment(mut self, text: &str) -> Self {
        self.comments.push(text.to_string());
        self
    }
}

/// Whether `e` is written on one line, decided from its shape as `Expr::write` decides it
/// (literal strings never span lines: newlines in them are escaped).
fn single_line(e: &Expr) -> bool {
    match e {
        Expr::List(items) => items.is_empty() || e.fits_one_line(),
        Expr::Object(entries) => entries.is_empty(),
        Expr::Call(_, args) => args.iter().all(single_line),
        _ => true,
    }
}

fn write_items(out: &mut String, items: &[Item], level: usize) {
    let indent = INDENT.repeat(level);
    // Width of the names in the run of single-line attributes each attribute belongs to.
    let mut widths = vec![0usize; items.len()];
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Attr(_, v) if single_line(v) => {
                let start = i;
                let mut width = 0;
                while i < items.len() {
                    match &items[i] {
                        Item::Attr(n, v) if single_line(v) => {
                            width = width.max(n.len());
                            i += 1;
                        }
                        _ => break,
                    }
                }
                widths[start..i].iter_mut().for_each(|w| *w = width);
            }
            _ => i += 1,
        }
    }
    let mut previous_blank = true;
    for (item, width) in items.iter().zip(widths) {
        match item {
            Item::Attr(name, value) => {
                out.push_str(&indent);
                out.push_str(name);
                let pad = if single_line(value) {
                    width - name.len()
                } else {
                    0
                };
                out.push_str(&" ".repeat(pad));
                out.push_str(" = ");
                value.write(out, level);
                out.push('\n');
                previous_blank = false;
            }
            Item::Block(b) => {
                write_block(out, b, level);
                previous_blank = false;
            }
            Item::Blank => {
                if !previous_blank {
                    out.push('\n');
                }
                previous_blank = true;
            }
            Item::Comment(text) => {
                for line in text.lines() {
                    out.push_str(&indent);
                    if line.is_empty() {
                        out.push_str("#\n");
                    } else {
                        let _ = writeln!(out, "# {line}");
                    }
                }
                previous_blank = false;
            }
        }
    }
}

fn write_block(out: &mut String, b: &Block, level: usize) {
    for c in &b.comments {
        out.push_str(&INDENT.repeat(level));
        out.push_str("# ");
        out.push_str(c);
        out.push('\n');
    }
    out.push_str(&INDENT.repeat(level));
    out.push_str(&b.kind);
    for label in &b.labels {
        out.push(' ');
        out.push_str(&quote(label));
    }
    // Trailing blank lines inside a block are dropped by `terraform fmt`; never write them.
    let mut items: &[Item] = &b.body.items;
    while let Some(Item::Blank) = items.last() {
        items = &items[..items.len() - 1];
    }
    if items.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push_str(" {\n");
    write_items(out, items, level + 1);
    out.push_str(&INDENT.repeat(level));
    out.push_str("}\n");
}

/// A whole `.tf` file: top-level blocks separated by one blank line, after a header comment.
pub fn file(header: &str, blocks: &[Block]) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    for b in blocks {
        out.push('\n');
        write_block(&mut out, b, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_and_breaks_on_multiline_values() {
        let body = Body::new()
            .attr("source", Expr::str("../../modules/network"))
            .blank()
            .attr("name", Expr::str("hello-dev"))
            .attr("single_nat_gateway", Expr::Bool(true))
            .attr(
                "tags",
                Expr::Object(vec![
                    ("A".into(), Expr::str("1")),
                    ("Long".into(), Expr::str("2")),
                ]),
            )
            .attr("az_count", Expr::int(2));
        let text = file("header", &[Block::new("module", &["network"], body)]);
        assert_eq!(
            text,
            r#"# header

module "network" {
  source = "../../modules/network"

  name               = "hello-dev"
  single_nat_gateway = true
  tags = {
    A    = "1"
    Long = "2"
  }
  az_count = 2
}
"#
        );
    }

    #[test]
    fn escapes_interpolation_in_literal_strings() {
        assert_eq!(quote("a${b}\"%{c}"), r#""a$${b}\"%%{c}""#);
    }

    #[test]
    fn templates_escape_literal_parts_only() {
        let mut out = String::new();
        Expr::Template(vec![
            Part::Ref("data.x.this[\"k\"].arn".into()),
            Part::Lit(":we\"ird${path.module}\\::".into()),
        ])
        .write(&mut out, 0);
        assert_eq!(
            out,
            r#""${data.x.this["k"].arn}:we\"ird$${path.module}\\::""#
        );
    }

    #[test]
    fn empty_block_is_braces() {
        let text = file(
            "h",
            &[Block::new(
                "data",
                &["aws_caller_identity", "current"],
                Body::new(),
            )],
        );
        assert!(text.ends_with("data \"aws_caller_identity\" \"current\" {}\n"));
    }
}
