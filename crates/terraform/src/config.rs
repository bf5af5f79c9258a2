//! What the loader hands to review and cost: every resource instance of every root module,
//! under its full address, with its arguments evaluated.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use crate::value::Value;

/// Where something is written: a file of the project and a byte range in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// Index into [`crate::Project::files`].
    pub file: usize,
    pub span: Range<usize>,
}

/// An argument as written and as evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub value: Value,
    /// The whole `name = expression` line(s).
    pub span: Range<usize>,
    /// For `name = jsonencode(x)`: the value of `x`, even when part of it is Unknown and so
    /// the encoded string is not. Rules read container definitions and policies through it.
    pub encoded: Option<Value>,
    /// The resource instances the expression refers to, by full address
    /// (`module.web.aws_lb.this`, `aws_subnet.private["a"]`), directly or through locals.
    /// An ARN or ID that is Unknown until apply still says which resource it is of.
    pub refs: Vec<String>,
    /// Where the value is written, when the expression only passes on a module input
    /// (`password = var.password`): the caller's argument, followed up through callers
    /// that pass it on in turn. None for anything else (boxed: few arguments have one).
    pub origin: Option<Box<Location>>,
}

/// A block body after evaluation: arguments in the order written, nested blocks in order,
/// `dynamic` blocks expanded.
///
/// Arguments are a short vector looked up by name, not a tree map: a block has a handful of
/// them, and a B-tree node per block was most of a large tree's evaluated memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub attrs: Vec<(String, Attr)>,
    pub blocks: Vec<Block>,
    pub span: Range<usize>,
}

static NULL: Value = Value::Null;

impl Block {
    /// An argument's value; `null` when it is not set, as Terraform treats both the same.
    pub fn get(&self, name: &str) -> &Value {
        self.attr(name).map_or(&NULL, |a| &a.value)
    }

    /// An argument as written and evaluated, if it is written.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, a)| a)
    }

    /// Sets an argument; a name written twice keeps the last value.
    pub fn set(&mut self, name: &str, attr: Attr) {
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some((_, a)) => *a = attr,
            None => self.attrs.push((name.to_string(), attr)),
        }
    }

    /// The resource instances an argument refers to (see [`Attr::refs`]).
    pub fn refs(&self, name: &str) -> &[String] {
        self.attr(name).map_or(&[], |a| a.refs.as_slice())
    }

    /// Whether the argument is written at all (even as `null`).
    pub fn has(&self, name: &str) -> bool {
        self.attr(name).is_some()
    }

    /// The span of an argument, or of the block when it is not set.
    pub fn span_of(&self, name: &str) -> Range<usize> {
        self.attr(name)
            .map_or_else(|| self.span.clone(), |a| a.span.clone())
    }

    /// Where the value of the argument written at `span` (in this block or one nested in
    /// it) comes from, when it comes in through a module input (see [`Attr::origin`]).
    pub fn origin_of(&self, span: &Range<usize>) -> Option<&Location> {
        self.attrs
            .iter()
            .find(|(_, a)| a.span == *span)
            .and_then(|(_, a)| a.origin.as_deref())
            .or_else(|| self.blocks.iter().find_map(|b| b.origin_of(span)))
    }

    /// The nested blocks of one type.
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// The first nested block of one type.
    pub fn block(&self, kind: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.kind == kind)
    }

    /// A JSON argument (a policy, container definitions) as a value: what `jsonencode` was
    /// given, or the string decoded. Unknown when neither is known; Null when unset.
    /// Borrowed when `jsonencode` gave it: several rules read the same definitions.
    pub fn json(&self, name: &str) -> Cow<'_, Value> {
        let Some(attr) = self.attr(name) else {
            return Cow::Owned(Value::Null);
        };
        if let Some(v) = &attr.encoded {
            return Cow::Borrowed(v);
        }
        Cow::Owned(match &attr.value {
            Value::String(s) => serde_json::from_str::<serde_json::Value>(s)
                .map(|j| Value::from_json(&j))
                .unwrap_or(Value::Unknown),
            Value::Null => Value::Null,
            _ => Value::Unknown,
        })
    }

    /// The block as the object a reference to it sees: arguments, and nested blocks as lists.
    pub fn to_value(&self) -> Value {
        let mut map: BTreeMap<String, Value> = self
            .attrs
            .iter()
            .map(|(k, a)| (k.clone(), a.value.clone()))
            .collect();
        for b in &self.blocks {
            let entry = map
                .entry(b.kind.clone())
                .or_insert_with(|| Value::List(Vec::new()));
            if let Value::List(items) = entry {
                items.push(b.to_value());
            }
        }
        Value::Object(map)
    }
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

/// One instance of a resource (one per `count` index or `for_each` key).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// `module.web.aws_lb.this[0]`, as Terraform writes it.
    pub address: String,
    /// `module.web`, or empty in the root module.
    pub module: String,
    pub mode: Mode,
    /// `aws_lb`.
    pub kind: String,
    /// `this`.
    pub name: String,
    /// The instance key: the `count` index (a number) or the `for_each` key (a string);
    /// None without count or for_each, Unknown when the collection is not known.
    pub key: Option<Value>,
    /// It is in a module instance whose key is not known (`module.web[?].aws_lb.this`):
    /// the `count` or `for_each` of the module call, or of one enclosing it, is not known.
    pub in_unknown_instance: bool,
    /// The block as written (file and span of the whole block).
    pub location: Location,
    /// The `module` blocks that lead here from the root, outermost first. A suppression on
    /// one of them covers every resource of that module instance.
    pub call_sites: Vec<Location>,
    /// The evaluated body.
    pub body: Block,
}

impl Resource {
    /// `aws_lb.this` without module path or instance key: the configuration address.
    pub fn config_address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.kind, self.name),
            Mode::Data => format!("data.{}.{}", self.kind, self.name),
        }
    }

    /// Whether its own `count` or `for_each` is not known before apply: its key is Unknown,
    /// and its address ends with `[?]`. This one instance stands for however many there
    /// are, none included.
    pub fn key_unknown(&self) -> bool {
        matches!(self.key, Some(Value::Unknown))
    }

    /// Whether how many instances it has is not known before apply: its own key is not
    /// known, or it is in a module instance whose key is not known (its address writes `[?]`
    /// for one of its keys; a `for_each` key that is the text `[?]` is written `["[?]"]`
    /// and is known). It may not exist at all: the review reports nothing on such a
    /// resource and cost lists it as not priced; a rule asking whether one of several
    /// exists reads [`key_unknown`].
    ///
    /// [`key_unknown`]: Resource::key_unknown
    pub fn instances_unknown(&self) -> bool {
        self.key_unknown() || self.in_unknown_instance
    }

    /// Whether its argument `arg` refers to `target`, directly or through locals (see
    /// [`Attr::refs`]): `cluster = aws_ecs_cluster.main.arn` refers to `aws_ecs_cluster.main`
    /// although the ARN is not known before apply.
    pub fn refers_to(&self, arg: &str, target: &Resource) -> bool {
        self.body.refs(arg).contains(&target.address)
    }

    /// A location inside this resource's body.
    pub fn at(&self, span: Range<usize>) -> Location {
        Location {
            file: self.location.file,
            span,
        }
    }
}

/// A root module (a directory Terraform would be run in) and everything it creates.
#[derive(Debug, Clone, PartialEq)]
pub struct RootModule {
    pub dir: PathBuf,
    /// Every resource and data source instance, in address order.
    pub resources: Vec<Resource>,
    /// The root's `provider` blocks, evaluated (`kind` is the provider's name; an `alias`
    /// is an argument).
    pub providers: Vec<Block>,
    /// Problems met while evaluating (a module directory without files, a budget run out).
    pub problems: Vec<LoadProblem>,
    /// How much of each evaluation budget the root used.
    pub usage: crate::budget::Usage,
}

impl RootModule {
    /// The default (unaliased) configuration of a provider, if the root writes one.
    pub fn provider(&self, name: &str) -> Option<&Block> {
        self.providers
            .iter()
            .find(|p| p.kind == name && !p.has("alias"))
    }

    /// Managed resources of one type.
    pub fn resources_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources
            .iter()
            .filter(move |r| r.mode == Mode::Managed && r.kind == kind)
    }

    /// A resource or data source instance by full address.
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        // `resources` is in address order.
        let i = self
            .resources
            .binary_search_by(|r| r.address.as_str().cmp(address))
            .ok()?;
        Some(&self.resources[i])
    }

    /// The resources and data sources of this root that `resource`'s argument `arg` refers
    /// to (see [`Resource::refers_to`]), in address order.
    pub fn referenced<'r, 's>(
        &'r self,
        resource: &'s Resource,
        arg: &str,
    ) -> impl Iterator<Item = &'r Resource> + use<'r, 's> {
        resource
            .body
            .refs(arg)
            .iter()
            .filter_map(|address| self.resource(address))
    }

    /// The resources and data sources of this root whose argument `arg` refers to `target`,
    /// in address order.
    pub fn referring<'r, 's>(
        &'r self,
        arg: &'s str,
        target: &'s Resource,
    ) -> impl Iterator<Item = &'r Resource> + use<'r, 's> {
        self.resources
            .iter()
            .filter(move |r| r.refers_to(arg, target))
    }

    /// Data sources of one type.
    pub fn data_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources
            .iter()
            .filter(move |r| r.mode == Mode::Data && r.kind == kind)
    }
}

/// How much a loader problem takes from a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The input is wrong or too large to evaluate (a variable file that does not parse, a
    /// cycle of module calls, a budget run out): the review is incomplete, and `wharf review`
    /// exits 2 whatever `--fail-on` says.
    Error,
    /// Part of the tree could only be partly evaluated (a module directory with no files, a
    /// `count` that is not a number); what could be is reviewed.
    Warning,
}

/// Something the loader could not do, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub level: Level,
    /// Where, in one of the project's files.
    pub location: Option<Location>,
    pub path: PathBuf,
    /// Line and column (1-based) in `path`, when it is not one of the project's files (a
    /// `--var-file`).
    pub position: Option<(usize, usize)>,
    pub message: String,
    /// What to do about it, when there is something to say.
    pub help: Option<String>,
}

impl LoadProblem {
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}
