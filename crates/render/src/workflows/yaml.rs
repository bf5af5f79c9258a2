//! A typed writer for the subset of YAML a GitHub workflow needs: block mappings and
//! sequences, scalars, literal block scripts, and a comment after a value (the version
//! beside a pinned action). Text that comes from the manifest is written only through
//! [`Node::str`], as a single-quoted scalar, so YAML never reads it as syntax; the
//! manifest has already held it to characters that a GitHub expression does not read
//! either.

/// One YAML value.
#[derive(Debug, Clone)]
pub enum Node {
    /// Keys in order; `spaced` puts a blank line between entries (between jobs).
    Map {
        entries: Vec<(String, Node)>,
        spaced: bool,
    },
    Seq(Vec<Node>),
    /// A scalar wharf wrote itself (a name, an expression, a number), written as it is.
    Plain(String),
    /// Text from the manifest: single-quoted.
    Quoted(String),
    /// A shell script, as a literal block (`|`).
    Script(String),
    /// A scalar followed by a comment on its line.
    Commented(Box<Node>, String),
}

impl Node {
    pub fn map() -> Node {
        Node::Map {
            entries: Vec::new(),
            spaced: false,
        }
    }

    /// A mapping whose entries are separated by blank lines.
    pub fn spaced() -> Node {
        Node::Map {
            entries: Vec::new(),
            spaced: true,
        }
    }

    pub fn plain(s: impl Into<String>) -> Node {
        Node::Plain(s.into())
    }

    pub fn str(s: impl Into<String>) -> Node {
        Node::Quoted(s.into())
    }

    pub fn script(s: impl Into<String>) -> Node {
        Node::Script(s.into())
    }

    /// Adds `key: value` to a mapping.
    pub fn with(mut self, key: &str, value: Node) -> Node {
        if let Node::Map { entries, .. } = &mut self {
            entries.push((key.to_string(), value));
        }
        self
    }

    /// Adds `key: value` when there is a value.
    pub fn with_opt(self, key: &str, value: Option<Node>) -> Node {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// The document, ending with a newline.
    pub fn document(&self) -> String {
        let mut out = String::new();
        self.block(&mut out, 0);
        out
    }

    fn is_block(&self) -> bool {
        match self {
            Node::Map { entries, .. } => !entries.is_empty(),
            Node::Seq(items) => !items.is_empty(),
            _ => false,
        }
    }

    /// A scalar, or an empty collection, on the line of its key.
    fn inline(&self) -> String {
        match self {
            Node::Map { .. } => "{}".to_string(),
            Node::Seq(_) => "[]".to_string(),
            Node::Plain(s) => s.clone(),
            Node::Quoted(s) => format!("'{}'", s.replace('\'', "''")),
            Node::Script(_) => "|".to_string(),
            Node::Commented(v, c) => format!("{} # {c}", v.inline()),
        }
    }

    /// The entries of a mapping or the items of a sequence, each line indented by `indent`.
    fn block(&self, out: &mut String, indent: usize) {
        let pad = " ".repeat(indent);
        match self {
            Node::Map { entries, spaced } => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if *spaced && i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&pad);
                    v.after_key(out, k, indent);
                }
            }
            Node::Seq(items) => {
                for item in items {
                    out.push_str(&pad);
                    out.push('-');
                    match item {
                        Node::Map { entries, .. } if !entries.is_empty() => {
                            // The first entry on the dash's line, the rest under it.
                            let mut first = String::new();
                            item.block(&mut first, indent + 2);
                            out.push(' ');
                            out.push_str(&first[indent + 2..]);
                        }
                        _ if item.is_block() => {
                            out.push('\n');
                            item.block(out, indent + 2);
                        }
                        Node::Script(s) => {
                            out.push_str(" |\n");
                            script(out, s, indent + 2);
                        }
                        _ => {
                            out.push(' ');
                            out.push_str(&item.inline());
                            out.push('\n');
                        }
                    }
                }
            }
            _ => {
                out.push_str(&pad);
                out.push_str(&self.inline());
                out.push('\n');
            }
        }
    }

    /// `key: value` for this value, the key already indented.
    fn after_key(&self, out: &mut String, key: &str, indent: usize) {
        out.push_str(key);
        out.push(':');
        match self {
            Node::Script(s) => {
                out.push_str(" |\n");
                script(out, s, indent + 2);
            }
            _ if self.is_block() => {
                out.push('\n');
                self.block(out, indent + 2);
            }
            _ => {
                out.push(' ');
                out.push_str(&self.inline());
                out.push('\n');
            }
        }
    }
}

fn script(out: &mut String, s: &str, indent: usize) {
    let pad = " ".repeat(indent);
    for line in s.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&pad);
            out.push_str(line);
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_block_yaml() {
        let doc = Node::map()
            .with("name", Node::plain("checks"))
            .with("permissions", Node::map())
            .with(
                "jobs",
                Node::spaced()
                    .with(
                        "a",
                        Node::map().with("runs-on", Node::plain("ubuntu-24.04")),
                    )
                    .with(
                        "b",
                        Node::map().with(
                            "steps",
                            Node::Seq(vec![
                                Node::map()
                                    .with(
                                        "uses",
                                        Node::Commented(
                                            Box::new(Node::plain("actions/checkout@abc")),
                                            "v5.0.0".into(),
                                        ),
                                    )
                                    .with("with", Node::map().with("ref", Node::str("it's"))),
                                Node::map().with("run", Node::script("echo a\n\necho b\n")),
                            ]),
                        ),
                    ),
            );
        assert_eq!(
            doc.document(),
            "name: checks\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n\n  b:\n    steps:\n      - uses: actions/checkout@abc # v5.0.0\n        with:\n          ref: 'it''s'\n      - run: |\n          echo a\n\n          echo b\n"
        );
    }
}
