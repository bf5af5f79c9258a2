//! Typed, located reads from a parsed TOML document.
//!
//! Every read records a diagnostic instead of failing, so that one pass over the manifest
//! reports every problem at once. A table reader remembers which keys were asked for;
//! `finish` reports the rest as unknown, naming the closest valid key.

use std::collections::BTreeMap;
use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use crate::diagnostic::Diagnostic;
use crate::Spanned;

/// What to do about a credential written in the manifest.
pub const CREDENTIAL_HELP: &str = "a credential never belongs in wharf.toml, which is committed and shown in CI logs: store it in Secrets Manager and give it to the container through `secrets`; then rotate it, since it has been in a file";

/// Collects diagnostics while the manifest is read.
#[derive(Default)]
pub struct Sink {
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// The step every reader repeats: unless `ok`, reports `message` at `span` with `help`.
    /// Returns `ok`.
    pub fn check(
        &mut self,
        ok: bool,
        span: &Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> bool {
        if !ok {
            self.push(Diagnostic::new(message, span.clone()).with_help(help));
        }
        ok
    }
}

/// Entries of a table of strings: name → (the key as written, the value).
pub type StringMap = BTreeMap<String, (Spanned<String>, Spanned<String>)>;

/// A table being read: its keys, where it is, and which keys the schema knows.
pub struct TableReader<'a> {
    table: &'a dyn TableLike,
    /// Dotted path for messages, e.g. `services.web`.
    pub path: String,
    /// Where to point when a required key is missing (the table header or its key).
    pub span: Range<usize>,
    /// The keys asked for, with the kind of value each takes.
    known: Vec<(&'static str, Want)>,
}

/// The kind of value a key takes, so that "did you mean" offers only a key that takes what
/// was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Table,
}

impl Want {
    /// Whether a value written as `item` could be meant for a key of this kind.
    fn takes(self, item: &Item) -> bool {
        match (self, item) {
            (Want::Table, Item::Table(_) | Item::ArrayOfTables(_)) => true,
            (_, Item::Value(v)) => matches!(
                (self, v),
                (Want::String, Value::String(_))
                    | (Want::Integer | Want::Number, Value::Integer(_))
                    | (Want::Number, Value::Float(_))
                    | (Want::Boolean, Value::Boolean(_))
                    | (Want::Array, Value::Array(_))
                    | (Want::Table, Value::InlineTable(_))
            ),
            _ => false,
        }
    }
}

fn kind(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "a table",
        },
    }
}

fn value_kind(v: &Value) -> &'static str {
    kind(&Item::Value(v.clone()))
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo: a
/// few letters changed, not words added (`health_check_grace_period` is no typo of
/// `health_check`).
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .filter(|c| {
            let edits = strsim::levenshtein(word, c);
            edits <= 2 || edits * 4 <= word.chars().count().max(c.chars().count())
        })
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

impl<'a> TableReader<'a> {
    pub fn new(table: &'a dyn TableLike, path: impl Into<String>, span: Range<usize>) -> Self {
        TableReader {
            table,
            path: path.into(),
            span,
            known: Vec::new(),
        }
    }

    fn qualified(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Where `key` is written, or the table itself when the key is implicit.
    pub fn key_span(&self, key: &str) -> Range<usize> {
        self.table
            .key(key)
            .and_then(|k| k.span())
            .unwrap_or_else(|| self.span.clone())
    }

    /// Whether `key` is written in the table (read or not).
    pub fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    fn item(&mut self, key: &'static str, want: Want) -> Option<(&'a Item, Range<usize>)> {
        self.known.push((key, want));
        let item = self.table.get(key)?;
        let span = item.span().unwrap_or_else(|| self.key_span(key));
        Some((item, span))
    }

    fn type_error(&self, sink: &mut Sink, key: &str, item: &Item, span: Range<usize>, want: &str) {
        sink.push(
            Diagnostic::new(
                format!(
                    "`{}` must be {want}, found {}",
                    self.qualified(key),
                    kind(item)
                ),
                span,
            )
            .with_help(format!("write `{key}` as {want}")),
        );
    }

    pub fn string(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<String>> {
        let (item, span) = self.item(key, Want::String)?;
        match item.as_str() {
            Some(s) => {
                let s = Spanned::new(s.to_string(), span);
                self.refuse_credential(sink, key, &s);
                Some(s)
            }
            None => {
                self.type_error(sink, key, item, span, "a string");
                None
            }
        }
    }

    pub fn integer(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<i64>> {
        let (item, span) = self.item(key, Want::Integer)?;
        match item.as_integer() {
            Some(i) => Some(Spanned::new(i, span)),
            None => {
                self.type_error(sink, key, item, span, "an integer");
                None
            }
        }
    }

    /// An integer in `range`; out-of-range values are reported and dropped.
    pub fn integer_in(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
        range: std::ops::RangeInclusive<i64>,
        help: &str,
    ) -> Option<Spanned<u32>> {
        let v = self.integer(sink, key)?;
        if !range.contains(&v.value) {
            sink.push(
                Diagnostic::new(
                    format!(
                        "`{}` is {}, outside {}..={}",
                        self.qualified(key),
                        v.value,
                        range.start(),
                        range.end()
                    ),
                    v.span.clone(),
                )
                .with_help(help.to_string()),
            );
            return None;
        }
        // `range` lies within u32 at every call site; a wider one is a programming error.
        let value = u32::try_from(v.value).ok()?;
        Some(Spanned::new(value, v.span))
    }

    /// A number; integers are accepted where a float is expected.
    pub fn number(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<f64>> {
        let (item, span) = self.item(key, Want::Number)?;
        match (item.as_float(), item.as_integer()) {
            (Some(f), _) => Some(Spanned::new(f, span)),
            (None, Some(i)) => Some(Spanned::new(i as f64, span)),
            _ => {
                self.type_error(sink, key, item, span, "a number");
                None
            }
        }
    }

    pub fn boolean(&mut self, sink: &mut Sink, key: &'static str) -> Option<Spanned<bool>> {
        let (item, span) = self.item(key, Want::Boolean)?;
        match item.as_bool() {
            Some(b) => Some(Spanned::new(b, span)),
            None => {
                self.type_error(sink, key, item, span, "`true` or `false`");
                None
            }
        }
    }

    /// An array of strings, each with its location.
    pub fn string_list(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let (item, span) = self.item(key, Want::Array)?;
        let Some(array) = item.as_array() else {
            self.type_error(sink, key, item, span, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for v in array.iter() {
            let vspan = v.span().unwrap_or_else(|| span.clone());
            match v.as_str() {
                Some(s) => {
                    let s = Spanned::new(s.to_string(), vspan);
                    self.refuse_credential(sink, key, &s);
                    out.push(s);
                }
                None => sink.push(Diagnostic::new(
                    format!(
                        "`{}` must hold only strings, found {}",
                        self.qualified(key),
                        value_kind(v)
                    ),
                    vspan,
                )),
            }
        }
        Some(Spanned::new(out, span))
    }

    /// A table of string values (inline `{ A = "b" }` or a `[x.key]` table), keyed by name.
    /// Its values are not checked for credentials here: `env` and `secrets` each say what
    /// to do with one in their own words.
    pub fn string_map(&mut self, sink: &mut Sink, key: &'static str) -> Option<StringMap> {
        let (item, span) = self.item(key, Want::Table)?;
        let Some(table) = item.as_table_like() else {
            self.type_error(sink, key, item, span, "a table of strings");
            return None;
        };
        let mut out = BTreeMap::new();
        for (k, v) in table.iter() {
            let kspan = table.key(k).and_then(|k| k.span()).unwrap_or(span.clone());
            let vspan = v.span().unwrap_or_else(|| kspan.clone());
            match v.as_str() {
                Some(s) => {
                    out.insert(
                        k.to_string(),
                        (
                            Spanned::new(k.to_string(), kspan),
                            Spanned::new(s.to_string(), vspan),
                        ),
                    );
                }
                None => sink.push(
                    Diagnostic::new(
                        format!(
                            "`{}.{k}` must be a string, found {}",
                            self.qualified(key),
                            kind(v)
                        ),
                        vspan,
                    )
                    .with_help("quote the value"),
                ),
            }
        }
        Some(out)
    }

    /// A sub-table (`[a.b]` or an inline table).
    pub fn table(&mut self, sink: &mut Sink, key: &'static str) -> Option<TableReader<'a>> {
        let (item, span) = self.item(key, Want::Table)?;
        let path = self.qualified(key);
        match item.as_table_like() {
            Some(t) => Some(TableReader::new(t, path, span)),
            None => {
                self.type_error(sink, key, item, span, "a table");
                None
            }
        }
    }

    /// Each entry of a table of tables (`[services.web]`, `[services.api]`), in file order.
    pub fn tables(
        &mut self,
        sink: &mut Sink,
        key: &'static str,
    ) -> Option<Vec<(Spanned<String>, TableReader<'a>)>> {
        let (item, span) = self.item(key, Want::Table)?;
        let path = self.qualified(key);
        let Some(outer) = item.as_table_like() else {
            self.type_error(sink, key, item, span, "a table");
            return None;
        };
        let mut out = Vec::new();
        for (name, inner) in outer.iter() {
            let kspan = outer
                .key(name)
                .and_then(|k| k.span())
                .unwrap_or(span.clone());
            let ispan = inner.span().unwrap_or_else(|| kspan.clone());
            match inner.as_table_like() {
                Some(t) => out.push((
                    Spanned::new(name.to_string(), kspan),
                    TableReader::new(t, format!("{path}.{name}"), ispan),
                )),
                None => sink.push(
                    Diagnostic::new(
                        format!("`{path}.{name}` must be a table, found {}", kind(inner)),
                        ispan,
                    )
                    .with_help(format!("write it as a `[{path}.{name}]` section")),
                ),
            }
        }
        Some(out)
    }

    /// Reports a required key that is absent.
    pub fn require<T>(&self, sink: &mut Sink, key: &str, value: &Option<T>, help: &str) {
        if value.is_none() && self.table.get(key).is_none() {
            let header = if self.path.is_empty() {
                "the manifest".to_string()
            } else {
                format!("`[{}]`", self.path)
            };
            sink.push(
                Diagnostic::new(format!("{header} is missing `{key}`"), self.span.clone())
                    .with_help(help.to_string()),
            );
        }
    }

    /// Reports a string that looks like a credential: no field of the manifest may hold one.
    fn refuse_credential(&self, sink: &mut Sink, key: &str, s: &Spanned<String>) {
        if let Some(c) = wharf_secrets::credential(s) {
            let help = match c.certainty {
                wharf_secrets::Certainty::Certain => CREDENTIAL_HELP.to_string(),
                wharf_secrets::Certainty::Likely => format!("{CREDENTIAL_HELP}. If it is no secret but only looks random, pass it to the container through `env` and list its name in `not_secret`"),
            };
            sink.push(
                Diagnostic::new(
                    format!("`{}` holds what looks like {}", self.qualified(key), c.what),
                    s.span.clone(),
                )
                .redacted()
                .with_help(help),
            );
        }
    }

    /// Reports every key that the schema did not ask for, suggesting the closest known one
    /// that takes the kind of value written.
    pub fn finish(&self, sink: &mut Sink) {
        for (key, item) in self.table.iter() {
            if self.known.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let span = self.key_span(key);
            let mut d = Diagnostic::new(
                format!("unknown key `{}`", self.qualified(key)),
                span.clone(),
            );
            let same_kind: Vec<&str> = self
                .known
                .iter()
                .filter(|(_, want)| want.takes(item))
                .map(|(k, _)| *k)
                .collect();
            d = match closest(key, &same_kind) {
                Some(c) => d
                    .with_label(format!("did you mean `{c}`?"))
                    .with_help(format!("rename it to `{c}`")),
                None => d.with_help(format!(
                    "valid keys here are: {}",
                    self.known
                        .iter()
                        .map(|(k, _)| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            sink.push(d);
        }
    }
}
