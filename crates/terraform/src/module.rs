//! Modules: what each directory declares, and the evaluation of a root module with every
//! local module it calls, nested, each under its full address.

use std::cell::RefCell;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::path::{Component, Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block as HclBlock, Body, Structure};
use hcl_edit::Span;

use crate::budget;
use crate::config::{Attr, Block, Level, LoadProblem, Location, Mode, Resource, RootModule};
use crate::expr::{apply_ref, eval, pairs, Op, Resolve, Scope};
use crate::value::Value;

/// How deep module calls may nest before the loader assumes a cycle.
const MAX_DEPTH: usize = 16;

/// What one directory declares.
#[derive(Default)]
pub(crate) struct ModuleDecl<'a> {
    pub dir: PathBuf,
    pub(crate) variables: BTreeMap<&'a str, VarDecl<'a>>,
    /// Each local's expression and the file it is in.
    pub(crate) locals: FxHashMap<&'a str, (&'a Expression, usize)>,
    pub(crate) resources: Vec<ResourceDecl<'a>>,
    pub calls: Vec<CallDecl<'a>>,
    pub(crate) outputs: BTreeMap<&'a str, (&'a Expression, usize)>,
    /// `provider "aws" { ... }` blocks and their files (read only when this is a root).
    pub(crate) providers: Vec<(&'a HclBlock, usize)>,
    /// Indexes of the `.tfvars` files in the directory (read only when it is a root).
    pub(crate) vars_files: Vec<usize>,
}

pub(crate) struct VarDecl<'a> {
    pub default: Option<&'a Expression>,
    /// The file the `variable` block is in.
    pub file: usize,
    /// `--var` values are taken literally (no type, or `string`).
    pub is_string: bool,
}

pub(crate) struct ResourceDecl<'a> {
    mode: Mode,
    kind: &'a str,
    name: &'a str,
    block: &'a HclBlock,
    file: usize,
}

pub(crate) struct CallDecl<'a> {
    pub name: &'a str,
    pub block: &'a HclBlock,
    pub file: usize,
    /// The directory of a local source (`./x`, `../x`); None for registry and git sources,
    /// whose contents the loader does not fetch.
    pub local_dir: Option<PathBuf>,
    /// The call closes a cycle of module calls: it is not followed (the project reports it,
    /// and reviews each directory of the cycle as a root module).
    pub cut: bool,
}

impl<'a> ModuleDecl<'a> {
    pub fn add_file(&mut self, file: usize, body: &'a Body) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    // No `type`, or `type = string`: `--var` values are taken literally, as
                    // Terraform takes them.
                    let is_string = block.body.get_attribute("type").is_none_or(
                        |a| matches!(&a.value, Expression::Variable(v) if v.as_str() == "string"),
                    );
                    self.variables.insert(
                        name,
                        VarDecl {
                            default: block.body.get_attribute("default").map(|a| &a.value),
                            file,
                            is_string,
                        },
                    );
                }
                ("locals", []) => {
                    for attr in block.body.attributes() {
                        self.locals.insert(attr.key.as_str(), (&attr.value, file));
                    }
                }
                ("resource" | "data", [kind, name]) => self.resources.push(ResourceDecl {
                    mode: if block.ident.as_str() == "data" {
                        Mode::Data
                    } else {
                        Mode::Managed
                    },
                    kind,
                    name,
                    block,
                    file,
                }),
                ("module", [name]) => {
                    let source = block
                        .body
                        .get_attribute("source")
                        .and_then(|a| match &a.value {
                            Expression::String(s) => Some(s.value().as_str()),
                            _ => None,
                        });
                    let local_dir = source
                        .filter(|s| s.starts_with("./") || s.starts_with("../"))
                        .map(|s| normalize(&self.dir.join(s)));
                    self.calls.push(CallDecl {
                        name,
                        block,
                        file,
                        local_dir,
                        cut: false,
                    });
                }
                ("provider", [_]) => self.providers.push((block, file)),
                ("output", [name]) => {
                    if let Some(a) = block.body.get_attribute("value") {
                        self.outputs.insert(name, (&a.value, file));
                    }
                }
                _ => {}
            }
        }
    }

    pub fn variables(&self) -> &BTreeMap<&'a str, VarDecl<'a>> {
        &self.variables
    }
}

/// `a/b/../c` → `a/c`, without touching the file system (the directory may not exist).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                // Above where the path starts: keep climbing.
                _ => out.push(".."),
            },
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

enum Slot {
    InProgress,
    Done(Value),
}

/// What `count` or `for_each` made of a block: one instance, a list, a map, or a number
/// not known.
enum Expanded<R> {
    One(R),
    List(Vec<R>),
    Map(BTreeMap<String, R>),
    Unknown,
}

impl Expanded<Value> {
    /// The value references see: the object, a list or a map of objects.
    fn into_value(self) -> Value {
        match self {
            Expanded::One(v) => v,
            Expanded::List(items) => Value::List(items),
            Expanded::Map(map) => Value::Object(map),
            Expanded::Unknown => Value::Unknown,
        }
    }
}

/// A resource's instances, by index into the evaluator's resources. Their value as
/// references see it is built only when a reference needs more than one argument
/// (`aws_lb.this[0].arn` reads `arn` where it is; `aws_subnet.private[*].id` builds the list).
enum Instances {
    InProgress,
    Done {
        instances: Expanded<usize>,
        value: std::cell::OnceCell<Value>,
    },
}

/// One instance of a module: its inputs and what it has evaluated so far.
struct Instance<'a, 'd> {
    decl: &'d ModuleDecl<'a>,
    /// `module.a["x"].module.b`, or empty for the root.
    prefix: String,
    /// Its key, or that of an instance it is in, is not known (`module.a[?]`).
    key_unknown: bool,
    call_sites: Vec<Location>,
    vars: FxHashMap<&'a str, Value>,
    /// Where the caller wrote each input it gave: its argument, or, when that argument only
    /// passes on an input of its own (`x = var.x`), where that one was written, and so on up.
    var_sites: FxHashMap<&'a str, Location>,
    locals: RefCell<FxHashMap<&'a str, Slot>>,
    /// The resource instances each local refers to, for [`Attr::refs`].
    local_refs: RefCell<FxHashMap<&'a str, Vec<String>>>,
    resources: RefCell<FxHashMap<(Mode, &'a str, &'a str), Instances>>,
    children: RefCell<FxHashMap<&'a str, Slot>>,
    depth: usize,
}

/// Evaluates root modules; shared by every instance of one root.
pub(crate) struct Evaluator<'a, 'd> {
    pub decls: &'d FxHashMap<PathBuf, ModuleDecl<'a>>,
    /// Byte offset → file path, for problems.
    pub paths: &'d [PathBuf],
    out: RefCell<Vec<Resource>>,
    problems: RefCell<Vec<LoadProblem>>,
    /// How many lazy evaluations (locals, resources) are under way, nested.
    depth: std::cell::Cell<usize>,
}

/// Nested lazy evaluations beyond this give Unknown: a chain of locals this long is not
/// real configuration, and recursing further could exhaust the stack.
const MAX_CHAIN: usize = 512;

impl<'a, 'd> Evaluator<'a, 'd> {
    pub fn new(decls: &'d FxHashMap<PathBuf, ModuleDecl<'a>>, paths: &'d [PathBuf]) -> Self {
        Evaluator {
            decls,
            paths,
            out: RefCell::new(Vec::new()),
            problems: RefCell::new(Vec::new()),
            depth: std::cell::Cell::new(0),
        }
    }

    /// Evaluates the root module in `dir` with the given variable values.
    pub fn root(self, dir: &Path, vars: FxHashMap<&'a str, Value>) -> RootModule {
        let mut providers = Vec::new();
        if let Some(decl) = self.decls.get(dir) {
            let inst = Instance {
                decl,
                prefix: String::new(),
                key_unknown: false,
                call_sites: Vec::new(),
                vars,
                var_sites: FxHashMap::default(),
                locals: RefCell::default(),
                local_refs: RefCell::default(),
                resources: RefCell::default(),
                children: RefCell::default(),
                depth: 0,
            };
            self.run(&inst);
            for &(block, file) in &decl.providers {
                let _in = budget::in_file(file);
                let name = block.labels.first().map_or("", |l| l.as_str());
                let provider = self.body(
                    &inst,
                    &block.body,
                    &Scope::default(),
                    name,
                    Vec::new(),
                    block_span(block),
                );
                providers.push(provider);
            }
        }
        let mut resources = self.out.into_inner();
        resources.sort_by(|a, b| a.address.cmp(&b.address));
        RootModule {
            dir: dir.to_path_buf(),
            resources,
            providers,
            problems: self.problems.into_inner(),
            usage: Default::default(),
        }
    }

    /// Evaluates everything an instance declares.
    fn run(&self, inst: &Instance<'a, 'd>) {
        for r in &inst.decl.resources {
            self.resource(inst, r.mode, r.kind, r.name);
        }
        for c in &inst.decl.calls {
            self.child(inst, c.name);
        }
    }

    fn cx<'i>(&'i self, inst: &'i Instance<'a, 'd>) -> Cx<'i, 'a, 'd> {
        Cx {
            ev: self,
            inst,
            refs: None,
        }
    }

    fn local(&self, inst: &Instance<'a, 'd>, name: &str) -> Value {
        let Some((&key, &(expr, file))) = inst.decl.locals.get_key_value(name) else {
            return Value::Unknown;
        };
        match inst.locals.borrow().get(key) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::InProgress) => return Value::Unknown,
            None => {}
        }
        if self.depth.get() >= MAX_CHAIN {
            return Value::Unknown;
        }
        inst.locals.borrow_mut().insert(key, Slot::InProgress);
        self.depth.set(self.depth.get() + 1);
        let _in = budget::in_file(file);
        let refs = RefCell::new(Vec::new());
        let cx = Cx {
            ev: self,
            inst,
            refs: Some(&refs),
        };
        let v = eval(expr, &cx, &Scope::default());
        // What is kept counts, even when it is only a copy (`b = local.a`).
        budget::weigh(&v, || expr.span());
        inst.locals.borrow_mut().insert(key, Slot::Done(v.clone()));
        inst.local_refs.borrow_mut().insert(key, refs.into_inner());
        self.depth.set(self.depth.get() - 1);
        v
    }

    /// Evaluates (and records) a resource's instances, the first time it is asked for, and
    /// keeps the value references to it see. Returns the key of that value, if there is one.
    fn resource(
        &self,
        inst: &Instance<'a, 'd>,
        mode: Mode,
        kind: &str,
        name: &str,
    ) -> Option<(Mode, &'a str, &'a str)> {
        let decl = inst
            .decl
            .resources
            .iter()
            .find(|r| r.mode == mode && r.kind == kind && r.name == name)?;
        let key = (mode, decl.kind, decl.name);
        if inst.resources.borrow().contains_key(&key) || self.depth.get() >= MAX_CHAIN {
            return Some(key);
        }
        inst.resources
            .borrow_mut()
            .insert(key, Instances::InProgress);
        self.depth.set(self.depth.get() + 1);
        let _in = budget::in_file(decl.file);
        let instances = self.expand(inst, decl.block, decl.file, |scope| {
            let key = instance_key(scope);
            let mut body = self.body(
                inst,
                &decl.block.body,
                scope,
                "",
                Vec::new(),
                block_span(decl.block),
            );
            if mode == Mode::Data {
                crate::data_sources::derive(decl.kind, &mut body);
            }
            let config = match mode {
                Mode::Managed => format!("{}.{}", decl.kind, decl.name),
                Mode::Data => format!("data.{}.{}", decl.kind, decl.name),
            };
            let suffix = key_suffix(key.as_ref());
            let address = if inst.prefix.is_empty() {
                format!("{config}{suffix}")
            } else {
                format!("{}.{config}{suffix}", inst.prefix)
            };
            let mut out = self.out.borrow_mut();
            out.push(Resource {
                address,
                module: inst.prefix.clone(),
                mode,
                kind: decl.kind.to_string(),
                name: decl.name.to_string(),
                key,
                in_unknown_instance: inst.key_unknown,
                location: Location {
                    file: decl.file,
                    span: block_span(decl.block),
                },
                call_sites: inst.call_sites.clone(),
                body,
            });
            out.len() - 1
        });
        inst.resources.borrow_mut().insert(
            key,
            Instances::Done {
                instances,
                value: std::cell::OnceCell::new(),
            },
        );
        self.depth.set(self.depth.get() - 1);
        Some(key)
    }

    /// Runs `each` once per instance `count`/`for_each` asks for, with the instance's
    /// `count.index` or `each` in scope, and gathers what it returns as references see the
    /// instances: one, a list (count) or a map (for_each).
    fn expand<R>(
        &self,
        inst: &Instance<'a, 'd>,
        block: &HclBlock,
        file: usize,
        mut each: impl FnMut(&Scope) -> R,
    ) -> Expanded<R> {
        let cx = self.cx(inst);
        if let Some(count) = block.body.get_attribute("count") {
            let n = eval(&count.value, &cx, &Scope::default());
            return match n.as_f64() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                    let mut items = Vec::new();
                    // As many as asked for, until the instance budget runs out.
                    for i in 0..n as u64 {
                        if !budget::instance(count.span()) {
                            break;
                        }
                        let scope = Scope {
                            count_index: Some(Value::Number(i as f64)),
                            ..Scope::default()
                        };
                        items.push(each(&scope));
                    }
                    Expanded::List(items)
                }
                _ => {
                    if !n.is_unknown() {
                        self.problem(
                            file,
                            count.span(),
                            format!("`count` must be a whole number, not {n}"),
                        );
                    }
                    // How many is not known: one instance stands for them, with an Unknown
                    // index, so that what is known of its arguments is still reviewed.
                    let scope = Scope {
                        count_index: Some(Value::Unknown),
                        ..Scope::default()
                    };
                    if budget::instance(count.span()) {
                        each(&scope);
                    }
                    Expanded::Unknown
                }
            };
        }
        if let Some(for_each) = block.body.get_attribute("for_each") {
            let v = eval(&for_each.value, &cx, &Scope::default());
            let pairs: Option<Vec<(String, Value)>> = match v {
                Value::Object(map) => Some(map.into_iter().collect()),
                Value::List(items) if items.iter().all(|i| i.as_str().is_some()) => Some(
                    items
                        .into_iter()
                        .map(|i| (i.as_str().unwrap_or_default().to_string(), i))
                        .collect(),
                ),
                _ => None,
            };
            return match pairs {
                Some(pairs) => {
                    let mut map = BTreeMap::new();
                    for (k, v) in pairs {
                        if !budget::instance(for_each.span()) {
                            break;
                        }
                        let scope = Scope {
                            each: Some((Value::String(k.clone()), v)),
                            ..Scope::default()
                        };
                        map.insert(k, each(&scope));
                    }
                    Expanded::Map(map)
                }
                None => {
                    let scope = Scope {
                        each: Some((Value::Unknown, Value::Unknown)),
                        ..Scope::default()
                    };
                    if budget::instance(for_each.span()) {
                        each(&scope);
                    }
                    Expanded::Unknown
                }
            };
        }
        if !budget::instance(Some(block_span(block))) {
            return Expanded::Unknown;
        }
        Expanded::One(each(&Scope::default()))
    }

    /// Evaluates a block body: arguments, nested blocks and `dynamic` blocks.
    fn body(
        &self,
        inst: &Instance<'a, 'd>,
        body: &Body,
        scope: &Scope,
        kind: &str,
        labels: Vec<String>,
        span: std::ops::Range<usize>,
    ) -> Block {
        let mut out = Block {
            kind: kind.to_string(),
            labels,
            span,
            ..Block::default()
        };
        // A block is a step, and what it takes to keep counts towards the total, even when
        // it is empty: `dynamic` blocks nested over large collections make a great many.
        // About what one evaluated block holds in memory, its vectors' allocations included.
        let kept = (4 * std::mem::size_of::<Block>() + kind.len()) as u64;
        if !budget::step(|| Some(out.span.clone()))
            || !budget::reserve(kept, || Some(out.span.clone()))
        {
            return out;
        }
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    if kind.is_empty()
                        && matches!(name, "count" | "for_each" | "depends_on" | "provider")
                    {
                        continue;
                    }
                    let refs = RefCell::new(Vec::new());
                    let recording = Cx {
                        ev: self,
                        inst,
                        refs: Some(&refs),
                    };
                    // `jsonencode(x)`: x is evaluated once, kept, and encoded.
                    let json_arg = match &attr.value {
                        Expression::FuncCall(call)
                            if call.name.name.as_str() == "jsonencode"
                                && call.name.namespace.is_empty()
                                && call.args.len() == 1 =>
                        {
                            call.args.get(0)
                        }
                        _ => None,
                    };
                    let (value, encoded) = match json_arg {
                        // Attribute names, not expressions: `ignore_changes = [desired_count]`.
                        _ if kind == "lifecycle" && name == "ignore_changes" => {
                            (attribute_names(&attr.value), None)
                        }
                        Some(arg) => {
                            let v = eval(arg, &recording, scope);
                            let json = v.to_json().map_or(Value::Unknown, Value::String);
                            (json, Some(v))
                        }
                        None => (eval(&attr.value, &recording, scope), None),
                    };
                    // What is kept counts towards the total: a reference copies its value,
                    // and `jsonencode(x)` keeps `x` beside the text it encodes.
                    budget::weigh(&value, || attr.span());
                    if let Some(x) = &encoded {
                        budget::weigh(x, || attr.span());
                    }
                    let mut refs = refs.into_inner();
                    refs.sort();
                    refs.dedup();
                    let origin = input_named(&attr.value)
                        .and_then(|x| inst.var_sites.get(x))
                        .map(|site| Box::new(site.clone()));
                    out.set(
                        name,
                        Attr {
                            value,
                            span: attr.span().unwrap_or_default(),
                            encoded,
                            refs,
                            origin,
                        },
                    );
                }
                Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                    self.dynamic(inst, block, scope, &mut out);
                }
                Structure::Block(block) => {
                    let labels = block
                        .labels
                        .iter()
                        .map(|l| l.as_str().to_string())
                        .collect();
                    let nested = self.body(
                        inst,
                        &block.body,
                        scope,
                        block.ident.as_str(),
                        labels,
                        block_span(block),
                    );
                    out.blocks.push(nested);
                }
            }
        }
        out
    }

    /// `dynamic "x" { for_each = ...; iterator = it; content { ... } }` → one `x` block per
    /// element. When the collection is Unknown, one block with an Unknown iterator stands
    /// for them, so that a rule asking whether the block exists is not misled.
    fn dynamic(&self, inst: &Instance<'a, 'd>, block: &HclBlock, scope: &Scope, out: &mut Block) {
        let Some(kind) = block.labels.first().map(|l| l.as_str()) else {
            return;
        };
        let Some(content) = block.body.blocks().find(|b| b.ident.as_str() == "content") else {
            return;
        };
        let cx = self.cx(inst);
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.as_str().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| kind.to_string());
        let collection = block
            .body
            .get_attribute("for_each")
            .map_or(Value::Unknown, |a| eval(&a.value, &cx, scope));
        let pairs = match collection {
            Value::Null => Vec::new(),
            c => pairs(c).unwrap_or_else(|| vec![(Value::Unknown, Value::Unknown)]),
        };
        for (key, value) in pairs {
            if budget::exhausted() {
                break;
            }
            let mut it = BTreeMap::new();
            it.insert("key".to_string(), key);
            it.insert("value".to_string(), value);
            let s = scope.with(&iterator, Value::Object(it));
            let nested = self.body(inst, &content.body, &s, kind, Vec::new(), block_span(block));
            out.blocks.push(nested);
        }
    }

    /// The value of `module.<name>`: an object of its outputs (a list or map of them with
    /// count/for_each). Evaluates the module's instances, and all they declare, the first
    /// time.
    fn child(&self, inst: &Instance<'a, 'd>, name: &str) {
        let Some(call) = inst.decl.calls.iter().find(|c| c.name == name) else {
            return;
        };
        if inst.children.borrow().contains_key(call.name) {
            return;
        }
        inst.children
            .borrow_mut()
            .insert(call.name, Slot::InProgress);
        let _in = budget::in_file(call.file);
        let child_decl = call.local_dir.as_ref().and_then(|d| self.decls.get(d));
        let value = match child_decl {
            // The project reports the cycle; its directories are reviewed as roots.
            Some(_) if call.cut => Value::Unknown,
            None => {
                if let Some(dir) = &call.local_dir {
                    self.problem(
                        call.file,
                        Some(block_span(call.block)),
                        format!(
                            "module `{}` calls {}, which has no .tf files; its resources are not reviewed",
                            call.name,
                            dir.display()
                        ),
                    );
                }
                Value::Unknown
            }
            Some(_) if inst.depth >= MAX_DEPTH => {
                self.problem(
                    call.file,
                    Some(block_span(call.block)),
                    format!("module `{}` nests more than {MAX_DEPTH} calls deep; what it creates is not reviewed", call.name),
                );
                Value::Unknown
            }
            Some(child_decl) => self
                .expand(inst, call.block, call.file, |scope| {
                    let key = instance_key(scope);
                    let cx = self.cx(inst);
                    let mut vars = FxHashMap::default();
                    let mut var_sites = FxHashMap::default();
                    for (&var, decl) in &child_decl.variables {
                        if let Some(a) = call.block.body.get_attribute(var) {
                            let passed_on =
                                input_named(&a.value).and_then(|x| inst.var_sites.get(x));
                            let site = passed_on.cloned().unwrap_or_else(|| Location {
                                file: call.file,
                                span: a.span().unwrap_or_default(),
                            });
                            var_sites.insert(var, site);
                        }
                        let v = match call.block.body.get_attribute(var) {
                            Some(a) => eval(&a.value, &cx, scope),
                            None => decl.default.map_or(Value::Unknown, |d| {
                                let _in = budget::in_file(decl.file);
                                eval(d, &crate::expr::NoRefs, &Scope::default())
                            }),
                        };
                        // Each instance keeps its own copy of its inputs.
                        budget::weigh(&v, || Some(block_span(call.block)));
                        vars.insert(var, v);
                    }
                    let mut call_sites = inst.call_sites.clone();
                    call_sites.push(Location {
                        file: call.file,
                        span: block_span(call.block),
                    });
                    let suffix = key_suffix(key.as_ref());
                    let prefix = if inst.prefix.is_empty() {
                        format!("module.{}{suffix}", call.name)
                    } else {
                        format!("{}.module.{}{suffix}", inst.prefix, call.name)
                    };
                    let child = Instance {
                        decl: child_decl,
                        prefix,
                        key_unknown: inst.key_unknown || matches!(key, Some(Value::Unknown)),
                        call_sites,
                        vars,
                        var_sites,
                        locals: RefCell::default(),
                        local_refs: RefCell::default(),
                        resources: RefCell::default(),
                        children: RefCell::default(),
                        depth: inst.depth + 1,
                    };
                    self.run(&child);
                    let cx = self.cx(&child);
                    Value::Object(
                        child_decl
                            .outputs
                            .iter()
                            .map(|(k, &(e, file))| {
                                let _in = budget::in_file(file);
                                let v = eval(e, &cx, &Scope::default());
                                budget::weigh(&v, || e.span());
                                (k.to_string(), v)
                            })
                            .collect(),
                    )
                })
                .into_value(),
        };
        inst.children
            .borrow_mut()
            .insert(call.name, Slot::Done(value));
    }

    fn problem(&self, file: usize, span: Option<std::ops::Range<usize>>, message: String) {
        self.problems.borrow_mut().push(LoadProblem {
            level: Level::Warning,
            location: span.map(|span| Location { file, span }),
            path: self.paths.get(file).cloned().unwrap_or_default(),
            position: None,
            message,
            help: None,
        });
    }
}

/// `ignore_changes = [desired_count, tags["x"]]` (or `all`) as the names written, since
/// they name arguments rather than refer to anything.
fn attribute_names(expr: &Expression) -> Value {
    let name = |e: &Expression| match e {
        Expression::Variable(v) => Value::String(v.as_str().to_string()),
        Expression::String(s) => Value::String(s.value().to_string()),
        other => Value::String(other.to_string().trim().to_string()),
    };
    match expr {
        Expression::Array(items) => Value::List(items.iter().map(name).collect()),
        other => name(other),
    }
}

/// The instance key `count` or `for_each` gives a scope: `count.index` or `each.key`.
fn instance_key(scope: &Scope) -> Option<Value> {
    scope
        .count_index
        .clone()
        .or_else(|| scope.each.as_ref().map(|(k, _)| k.clone()))
}

/// How an instance key is written in an address, the one place it is: `[0]` for a
/// `count` index, `["a"]` for a `for_each` key, `[?]` for a key not known, nothing without
/// count or for_each.
fn key_suffix(key: Option<&Value>) -> String {
    match key {
        None => String::new(),
        Some(Value::Number(n)) => format!("[{}]", crate::value::format_number(*n)),
        Some(Value::String(k)) => format!("[{}]", serde_json::Value::String(k.clone())),
        Some(_) => "[?]".to_string(),
    }
}

fn block_span(block: &HclBlock) -> std::ops::Range<usize> {
    block.span().unwrap_or_default()
}

/// Resolves references for expressions inside one module instance.
struct Cx<'i, 'a, 'd> {
    ev: &'i Evaluator<'a, 'd>,
    inst: &'i Instance<'a, 'd>,
    /// Where to note the resource instances an expression refers to, if anywhere.
    refs: Option<&'i RefCell<Vec<String>>>,
}

impl Cx<'_, '_, '_> {
    /// A reference to a resource followed by `rest` (`[0].arn`): the resource is evaluated
    /// if it was not yet, the reference noted, and only the result is copied.
    fn resource_ref(&self, mode: Mode, kind: &str, name: &str, rest: &[Op<'_>]) -> Value {
        let Some(key) = self.ev.resource(self.inst, mode, kind, name) else {
            return Value::Unknown;
        };
        let slots = self.inst.resources.borrow();
        let Some(Instances::Done { instances, value }) = slots.get(&key) else {
            return Value::Unknown;
        };
        self.note(mode, kind, name, instances, index_of(rest.first()));
        if let Some(v) = self.argument_ref(instances, rest) {
            return v;
        }
        let value = value.get_or_init(|| {
            let out = self.ev.out.borrow();
            match instances {
                Expanded::One(i) => out[*i].body.to_value(),
                Expanded::List(items) => {
                    Value::List(items.iter().map(|i| out[*i].body.to_value()).collect())
                }
                Expanded::Map(map) => Value::Object(
                    map.iter()
                        .map(|(k, i)| (k.clone(), out[*i].body.to_value()))
                        .collect(),
                ),
                Expanded::Unknown => Value::Unknown,
            }
        });
        apply_ref(value, rest, true).unwrap_or(Value::Unknown)
    }

    /// The common reference, one instance's argument (`aws_lb.this.arn`,
    /// `aws_subnet.private[0].id`), read where the instance keeps it. None when the
    /// reference is of another shape.
    fn argument_ref(&self, instances: &Expanded<usize>, rest: &[Op<'_>]) -> Option<Value> {
        let (index, rest) = match (instances, rest.first()) {
            (Expanded::One(i), Some(Op::Attr(_))) => (*i, rest),
            (Expanded::List(_) | Expanded::Map(_), Some(Op::Index(Value::Unknown))) => {
                return Some(Value::Unknown)
            }
            (Expanded::List(items), Some(Op::Index(Value::Number(n))))
                if *n >= 0.0 && n.fract() == 0.0 =>
            {
                (*items.get(*n as usize)?, &rest[1..])
            }
            (Expanded::Map(map), Some(Op::Index(Value::String(k)))) => (*map.get(k)?, &rest[1..]),
            _ => return None,
        };
        let Some(Op::Attr(name)) = rest.first() else {
            return None;
        };
        let out = self.ev.out.borrow();
        let body = &out[index].body;
        match body.attr(name) {
            Some(attr) => Some(apply_ref(&attr.value, &rest[1..], true).unwrap_or(Value::Unknown)),
            // A nested block is read as a list of objects: the whole value is built.
            None if body.block(name).is_some() => None,
            // Not written: computed by the provider (`arn`, `id`), known only after apply.
            None => Some(Value::Unknown),
        }
    }

    /// Notes a reference to a resource whose instances are `instances`, indexed by `index`
    /// if the reference indexes it: that instance when the key is known, every instance
    /// when not.
    fn note(
        &self,
        mode: Mode,
        kind: &str,
        name: &str,
        instances: &Expanded<usize>,
        index: Option<&Value>,
    ) {
        let Some(refs) = self.refs else { return };
        let config = match mode {
            Mode::Managed => format!("{kind}.{name}"),
            Mode::Data => format!("data.{kind}.{name}"),
        };
        let base = if self.inst.prefix.is_empty() {
            config
        } else {
            format!("{}.{config}", self.inst.prefix)
        };
        let at = |key: &Value| format!("{base}{}", key_suffix(Some(key)));
        let mut refs = refs.borrow_mut();
        match (instances, index) {
            (Expanded::One(_), _) => refs.push(base),
            (_, Some(key @ (Value::Number(_) | Value::String(_)))) => refs.push(at(key)),
            (Expanded::List(items), _) => {
                refs.extend((0..items.len()).map(|i| at(&Value::Number(i as f64))))
            }
            (Expanded::Map(map), _) => {
                refs.extend(map.keys().map(|k| at(&Value::String(k.clone()))))
            }
            // Which instance, or how many there are, is not known.
            _ => refs.push(at(&Value::Unknown)),
        }
    }
}

impl Resolve for Cx<'_, '_, '_> {
    fn reference(&self, root: &str, ops: &[Op<'_>], scope: &Scope) -> (Value, usize) {
        let first = match ops.first() {
            Some(Op::Attr(name)) => Some(*name),
            _ => None,
        };
        let unknown = (Value::Unknown, usize::MAX);
        match (root, first) {
            ("var", Some(name)) => (
                self.inst.vars.get(name).cloned().unwrap_or(Value::Unknown),
                1,
            ),
            ("local", Some(name)) => {
                let v = self.ev.local(self.inst, name);
                if let (Some(refs), Some(found)) =
                    (self.refs, self.inst.local_refs.borrow().get(name))
                {
                    refs.borrow_mut().extend(found.iter().cloned());
                }
                (v, 1)
            }
            ("count", Some("index")) => (scope.count_index.clone().unwrap_or(Value::Unknown), 1),
            ("each", Some("key")) => (
                scope.each.as_ref().map_or(Value::Unknown, |e| e.0.clone()),
                1,
            ),
            ("each", Some("value")) => (
                scope.each.as_ref().map_or(Value::Unknown, |e| e.1.clone()),
                1,
            ),
            ("path", Some("module" | "root" | "cwd")) => (
                Value::String(self.inst.decl.dir.to_string_lossy().into_owned()),
                1,
            ),
            // Which workspace the tree is applied in is not written in it.
            ("terraform", Some("workspace")) => (Value::Unknown, 1),
            ("module", Some(name)) => {
                self.ev.child(self.inst, name);
                let children = self.inst.children.borrow();
                match children.get(name) {
                    Some(Slot::Done(v)) => (
                        apply_ref(v, &ops[1..], true).unwrap_or(Value::Unknown),
                        ops.len(),
                    ),
                    _ => unknown,
                }
            }
            ("data", Some(kind)) => match ops.get(1) {
                Some(Op::Attr(name)) => (
                    self.resource_ref(Mode::Data, kind, name, &ops[2..]),
                    ops.len(),
                ),
                _ => unknown,
            },
            ("self" | "data" | "var" | "local" | "count" | "each" | "path" | "terraform", _) => {
                unknown
            }
            (kind, Some(name)) => (
                self.resource_ref(Mode::Managed, kind, name, &ops[1..]),
                ops.len(),
            ),
            _ => unknown,
        }
    }
}

/// The key of an index step, if the step is one.
fn index_of<'v>(op: Option<&'v Op<'_>>) -> Option<&'v Value> {
    match op {
        Some(Op::Index(v)) => Some(v),
        _ => None,
    }
}

/// The input an expression is, when it is nothing but one (`var.password`): the value is
/// then the caller's, written where the caller wrote it.
fn input_named(expr: &Expression) -> Option<&str> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    match (&t.expr, t.operators.as_slice()) {
        (Expression::Variable(root), [op]) if root.as_str() == "var" => match op.value() {
            hcl_edit::expr::TraversalOperator::GetAttr(name) => Some(name.as_str()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_keeps_leading_parent_directories() {
        let n = |s: &str| normalize(Path::new(s)).to_string_lossy().into_owned();
        assert_eq!(n("../../modules/x"), "../../modules/x");
        assert_eq!(n("envs/dev/../../modules/x"), "modules/x");
        assert_eq!(n("./a/./b/../c"), "a/c");
        assert_eq!(n("/a/../../b"), "/b");
    }
}
