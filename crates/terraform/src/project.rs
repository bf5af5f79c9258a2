//! A whole project: its files, its root modules, and their evaluation in parallel.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use wharf_diagnostic::LineIndex;

use crate::budget::{self, Budgets};
use crate::config::{Level, LoadProblem, Location, RootModule};
use crate::discover::Kind;
use crate::expr::{eval, NoRefs, Scope};
use crate::module::{normalize, Evaluator, ModuleDecl};
use crate::parse::{parse_text, read_files, ParseError, SourceFile};
use crate::source::{Disk, Memory, Source};
use crate::stream::Outline;
use crate::value::Value;

/// How to load a tree: variable values given on the command line, as `terraform plan`
/// takes them, and the evaluation budgets of each root module.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--var-file FILE` and `--var NAME=VALUE`, in the order given; later ones win.
    pub var_args: Vec<VarArg>,
    /// What the evaluation of one root module may use (see [`crate::budget`]).
    pub budgets: Budgets,
    /// When a tree is loaded a part at a time ([`crate::in_parts`]): how much text, in
    /// bytes, small parts are put together up to; [`crate::PART_BYTES`] when None.
    pub part_bytes: Option<usize>,
}

/// One variable value given on the command line, as `terraform plan -var-file` or `-var`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarArg {
    /// A variable file: `.tfvars`, or JSON when its name ends in `.json`.
    File(PathBuf),
    /// A name and its value as written; the value is a string for a `string` variable and
    /// an HCL expression otherwise.
    Value(String, String),
}

/// Every file of a tree and what its root modules create.
#[derive(Debug)]
pub struct Project {
    pub files: Vec<SourceFile>,
    /// Files and directories that could not be read or parsed.
    pub parse_errors: Vec<ParseError>,
    /// Problems of the tree as a whole: cycles of module calls, variable files that do not
    /// parse. Those of one root module are in its `problems`.
    pub problems: Vec<LoadProblem>,
    pub roots: Vec<RootModule>,
    line_starts: Vec<OnceLock<LineIndex>>,
    /// Each file's syntax tree, kept until the project is dropped: freeing a large tree's
    /// trees took a tenth of a review's time, on one core, before any report was written.
    _syntax: Vec<Body>,
    /// For a part of a tree ([`crate::in_parts`]): each file's index in the whole tree.
    tree_index: Option<Vec<usize>>,
}

/// Directories as the loader knows them: by their path as written (normalized), and by
/// what that path is on disk, so that a module reached again through a link (`./loop`
/// where `loop -> .`) is the same module, not a new one without end.
#[derive(Default)]
pub(crate) struct Directories {
    /// The real path of each directory seen, and the path the loader named it by first.
    by_real: FxHashMap<PathBuf, PathBuf>,
    /// A path that names a directory already known by another path.
    pub(crate) aliases: FxHashMap<PathBuf, PathBuf>,
}

impl Directories {
    /// The path the loader knows `dir` by; `dir` itself the first time. Whether it is new.
    fn name(&mut self, source: &dyn Source, dir: &Path) -> (PathBuf, bool) {
        if let Some(known) = self.aliases.get(dir) {
            return (known.clone(), false);
        }
        let Some(real) = source.identity(dir) else {
            // Not on disk, or in memory: the path is all there is to know it by.
            return (dir.to_path_buf(), true);
        };
        match self.by_real.get(&real) {
            Some(first) if first != dir => {
                let first = first.clone();
                self.aliases.insert(dir.to_path_buf(), first.clone());
                (first, false)
            }
            Some(_) => (dir.to_path_buf(), false),
            None => {
                self.by_real.insert(real, dir.to_path_buf());
                (dir.to_path_buf(), true)
            }
        }
    }
}

impl Project {
    /// Loads the `.tf` and `.tfvars` files at or below `paths` (and the local modules they
    /// call, wherever those are), and evaluates each root module: every directory of
    /// configuration that no other directory calls as a module, and every directory of a
    /// cycle of module calls.
    pub fn load(paths: &[PathBuf], options: &LoadOptions) -> io::Result<Project> {
        Project::load_from(&Disk, paths, options)
    }

    /// Loads a tree held in memory as [`Project::load`] loads one from disk. `files` maps
    /// each file's relative, `/`-separated path (`environments/prod/main.tf`) to its text;
    /// `roots` are paths in it (`environments/prod`). Local module sources resolve inside
    /// the tree (`../../modules/network` from `environments/prod` is `modules/network`),
    /// and every path is shown as the tree writes it. The `--var-file`s of `options` are
    /// still read from disk: they come from the command line, not from the tree.
    pub fn load_in_memory(
        files: &BTreeMap<String, String>,
        roots: &[&str],
        options: &LoadOptions,
    ) -> io::Result<Project> {
        let roots: Vec<PathBuf> = roots.iter().map(PathBuf::from).collect();
        Project::load_from(&Memory::new(files), &roots, options)
    }

    fn load_from(
        source: &dyn Source,
        paths: &[PathBuf],
        options: &LoadOptions,
    ) -> io::Result<Project> {
        let tree = Tree::read(source, paths)?;
        let mut var_problems = Vec::new();
        let given = read_var_args(&options.var_args, &mut var_problems);
        Ok(Project::of_tree(
            tree,
            &given,
            options.budgets,
            var_problems,
            None,
        ))
    }

    /// Evaluates the root modules of a tree read; `problems` (of the variable files) come
    /// after those of the tree's module calls.
    pub(crate) fn of_tree(
        tree: Tree,
        given: &[Given<'_>],
        budgets: Budgets,
        var_problems: Vec<LoadProblem>,
        tree_index: Option<Vec<usize>>,
    ) -> Project {
        let (mut problems, roots) = evaluate(&tree, given, budgets);
        problems.extend(var_problems);
        let Tree {
            files,
            bodies,
            mut errors,
            ..
        } = tree;
        let line_starts = files.iter().map(|_| OnceLock::new()).collect();
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        Project {
            files,
            parse_errors: errors,
            problems,
            roots,
            line_starts,
            _syntax: bodies,
            tree_index,
        }
    }

    /// A file's index in the whole tree: its index here, unless this project is one part of
    /// a tree loaded a part at a time ([`crate::in_parts`]), where the tree's
    /// [`Outline::paths`] are indexed.
    pub fn index_in_tree(&self, file: usize) -> usize {
        self.tree_index
            .as_ref()
            .and_then(|index| index.get(file).copied())
            .unwrap_or(file)
    }

    /// A problem with its path and position resolved, so that it can be shown without the
    /// project's files.
    pub fn resolved(&self, problem: &LoadProblem) -> LoadProblem {
        let (path, position) = self.place_of(problem);
        LoadProblem {
            location: None,
            path: path.to_path_buf(),
            position,
            ..problem.clone()
        }
    }

    /// What a report shows of the project beside its findings, as for a tree loaded a part
    /// at a time.
    pub fn outline(&self) -> Outline {
        let outline = Outline {
            paths: self.files.iter().map(|f| f.path.clone()).collect(),
            files: self.files.len(),
            parse_errors: self.parse_errors.clone(),
            problems: Vec::new(),
            roots: self.roots.len(),
        };
        // This project's problems are already cycles first, then the variable files'.
        let tree = self.problems.iter().map(|p| self.resolved(p)).collect();
        let by_root = self
            .roots
            .iter()
            .map(|r| {
                (
                    r.dir.clone(),
                    r.problems.iter().map(|p| self.resolved(p)).collect(),
                )
            })
            .collect();
        outline.assemble(tree, Vec::new(), by_root)
    }

    /// Whether the tree could not be loaded in full: a file or directory that could not be
    /// read or parsed, or an error of the tree or of a root module.
    pub fn has_errors(&self) -> bool {
        !self.parse_errors.is_empty()
            || self.problems.iter().any(LoadProblem::is_error)
            || self
                .roots
                .iter()
                .any(|r| r.problems.iter().any(LoadProblem::is_error))
    }

    /// Where a problem is: its file, and the line and column when known (in one of the
    /// project's files, or in a `--var-file`).
    pub fn place_of<'p>(&'p self, problem: &'p LoadProblem) -> (&'p Path, Option<(usize, usize)>) {
        match (&problem.location, problem.position) {
            (Some(l), _) => (self.path(l), Some(self.position(l.file, l.span.start))),
            (None, position) => (problem.path.as_path(), position),
        }
    }

    /// Every problem, the tree's first, then each root's.
    pub fn all_problems(&self) -> impl Iterator<Item = &LoadProblem> {
        self.problems
            .iter()
            .chain(self.roots.iter().flat_map(|r| &r.problems))
    }

    /// 1-based line and column (in characters) of a byte offset in a file.
    pub fn position(&self, file: usize, offset: usize) -> (usize, usize) {
        let Some(source) = self.files.get(file) else {
            return (1, 1);
        };
        self.line_starts[file]
            .get_or_init(|| LineIndex::new(&source.text))
            .line_col(&source.text, offset)
    }

    /// The path of a location's file.
    pub fn path(&self, location: &Location) -> &Path {
        self.files
            .get(location.file)
            .map_or(Path::new(""), |f| f.path.as_path())
    }
}

/// A tree's files, read and parsed: those at or below the paths given, then those of the
/// local modules they call, wherever those are.
pub(crate) struct Tree {
    /// In path order, each with its syntax tree in `bodies`.
    pub(crate) files: Vec<SourceFile>,
    pub(crate) bodies: Vec<Body>,
    /// Files and directories that could not be read or parsed.
    pub(crate) errors: Vec<ParseError>,
    /// The directories of configuration at or below the paths given, each once.
    pub(crate) given_dirs: Vec<PathBuf>,
    /// A path that names a directory already known by another path, and that path.
    pub(crate) aliases: FxHashMap<PathBuf, PathBuf>,
}

impl Tree {
    fn read(source: &dyn Source, paths: &[PathBuf]) -> io::Result<Tree> {
        let found = source.discover(paths)?;
        // Every directory found, whether its files parse or not: one whose files do not is
        // not read again as a module (its errors once).
        let found_dirs: FxHashSet<PathBuf> = found
            .files
            .iter()
            .filter(|p| is_config(p))
            .map(|p| dir_of(p))
            .collect();
        let loaded = read_files(source, found.files);
        let mut errors = found.errors;
        errors.extend(loaded.errors);
        let (files, bodies): (Vec<SourceFile>, Vec<Body>) = loaded.files.into_iter().unzip();
        let mut dirs = Directories::default();
        let given_dirs =
            Tree::given_dirs(source, files.iter().map(|f| f.path.as_path()), &mut dirs);
        let mut tree = Tree {
            files,
            bodies,
            errors,
            given_dirs,
            aliases: FxHashMap::default(),
        };
        tree.add_called_modules(source, &mut dirs, found_dirs);
        tree.aliases = dirs.aliases;
        Ok(tree)
    }

    /// The directories of the configuration files among `paths` (in path order), each once,
    /// sorted; of two paths given for one directory (through a link), the first.
    pub(crate) fn given_dirs<'p>(
        source: &dyn Source,
        paths: impl Iterator<Item = &'p Path>,
        dirs: &mut Directories,
    ) -> Vec<PathBuf> {
        let mut given_dirs: Vec<PathBuf> = Vec::new();
        let mut last: Option<&Path> = None;
        for path in paths.filter(|p| is_config(p)) {
            // Files are in path order, so a directory's files mostly come together: only
            // a new parent is normalized.
            if last != path.parent() {
                last = path.parent();
                given_dirs.push(dir_of(path));
            }
        }
        // Sorted by their bytes: comparing paths component by component is slow on
        // thousands of directories, and any fixed order will do.
        given_dirs.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        given_dirs.dedup();
        // Two paths given for one directory (through a link) make one root.
        given_dirs.retain(|d| dirs.name(source, d).1);
        given_dirs
    }

    /// The configuration files of a module called from the tree, in its own directory only
    /// (a subdirectory is another module); None when the directory is one already known by
    /// another path, or cannot be looked into.
    pub(crate) fn module_files(
        source: &dyn Source,
        dirs: &mut Directories,
        dir: &Path,
    ) -> Option<Vec<PathBuf>> {
        if !dirs.name(source, dir).1 {
            return None;
        }
        let found = source.discover(&[dir.to_path_buf()]).ok()?;
        Some(
            found
                .files
                .into_iter()
                .filter(|p| Kind::of(p) == Some(Kind::Config) && dir_of(p) == dir)
                .collect(),
        )
    }

    /// Loads the local modules called from outside the given paths, until no call leads
    /// anywhere new.
    fn add_called_modules(
        &mut self,
        source: &dyn Source,
        dirs: &mut Directories,
        mut known_dirs: FxHashSet<PathBuf>,
    ) {
        known_dirs.extend(self.given_dirs.iter().cloned());
        // What one walk found is in path order already; only modules loaded from outside
        // it make a sort necessary.
        let walked = self.files.len();
        let mut scanned = 0;
        loop {
            // Sources are relative to the calling file's directory.
            let wanted: BTreeSet<PathBuf> = self.files[scanned..]
                .iter()
                .zip(&self.bodies[scanned..])
                .filter(|(f, _)| f.kind == Kind::Config)
                .flat_map(|(f, b)| {
                    let base = dir_of(&f.path);
                    local_sources(b)
                        .into_iter()
                        .map(move |s| normalize(&base.join(s)))
                })
                .filter(|d| !known_dirs.contains(d))
                .collect();
            scanned = self.bodies.len();
            if wanted.is_empty() {
                break;
            }
            for dir in wanted {
                known_dirs.insert(dir.clone());
                let Some(own) = Tree::module_files(source, dirs, &dir) else {
                    continue;
                };
                let more = read_files(source, own);
                self.errors.extend(more.errors);
                for (file, body) in more.files {
                    self.files.push(file);
                    self.bodies.push(body);
                }
            }
        }
        if self.files.len() > walked {
            let files = std::mem::take(&mut self.files);
            let bodies = std::mem::take(&mut self.bodies);
            (self.files, self.bodies) = sort_together(files, bodies);
        }
    }
}

/// Finds the root modules of a tree and evaluates each: the problems of the tree as a
/// whole (cycles, variable files), and the roots.
fn evaluate(
    tree: &Tree,
    given: &[Given<'_>],
    budgets: Budgets,
) -> (Vec<LoadProblem>, Vec<RootModule>) {
    let (files, bodies, given_dirs) = (&tree.files, &tree.bodies, &tree.given_dirs);
    let mut decls = declarations(files, bodies, &tree.aliases);
    let paths_by_index: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let (problems, cyclic) = crate::cycles::cut(&mut decls, &paths_by_index);
    let called: FxHashSet<&PathBuf> = decls
        .values()
        .flat_map(|d| {
            d.calls
                .iter()
                .filter(|c| !c.cut)
                .filter_map(|c| c.local_dir.as_ref())
        })
        .filter(|d| **d != PathBuf::new())
        .collect();
    let mut roots: Vec<&PathBuf> = given_dirs
        .iter()
        .chain(cyclic.iter().filter(|d| !given_dirs.contains(d)))
        .filter(|d| !called.contains(d) && decls.contains_key(*d))
        .collect();
    roots.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    roots.dedup();

    let roots: Vec<RootModule> = crate::parallel::map(&roots, |dir| {
        evaluate_root(dir, &decls, files, bodies, given, &paths_by_index, budgets)
    });
    (problems, roots)
}

/// What each directory of configuration declares, its module calls naming directories as
/// the loader first knew them, and its variable files.
fn declarations<'a>(
    files: &[SourceFile],
    bodies: &'a [Body],
    aliases: &FxHashMap<PathBuf, PathBuf>,
) -> FxHashMap<PathBuf, ModuleDecl<'a>> {
    let mut decls: FxHashMap<PathBuf, ModuleDecl<'_>> = FxHashMap::default();
    for (i, (file, body)) in files.iter().zip(bodies).enumerate() {
        if file.kind != Kind::Config {
            continue;
        }
        let dir = dir_of(&file.path);
        decls
            .entry(dir.clone())
            .or_insert_with(|| ModuleDecl {
                dir,
                ..ModuleDecl::default()
            })
            .add_file(i, body);
    }
    // A call through a link names its directory as the loader first knew it.
    #[allow(clippy::iter_over_hash_type)] // each declaration is changed on its own: no order shows
    for decl in decls.values_mut() {
        for call in &mut decl.calls {
            if let Some(dir) = &mut call.local_dir {
                if let Some(first) = aliases.get(dir) {
                    *dir = first.clone();
                }
            }
        }
    }
    // Variable files belong to the root module of their directory.
    for (i, file) in files.iter().enumerate() {
        if file.kind == Kind::Vars {
            if let Some(decl) = decls.get_mut(&dir_of(&file.path)) {
                decl.vars_files.push(i);
            }
        }
    }
    decls
}

/// A file's directory, normalized so that `./infra/dev` and `infra/x/../dev` name the
/// same module as the `source` paths that lead to it.
/// Whether a file is configuration: a `.tf` file, or a file named on the command line that
/// is no variable file (it is read as configuration whatever its name).
pub(crate) fn is_config(path: &Path) -> bool {
    Kind::of(path).unwrap_or(Kind::Config) == Kind::Config
}

pub(crate) fn dir_of(path: &Path) -> PathBuf {
    path.parent().map(normalize).unwrap_or_default()
}

/// The literal local `source`s of a file's module calls.
pub(crate) fn local_sources(body: &Body) -> Vec<String> {
    body.blocks()
        .filter(|b| b.ident.as_str() == "module")
        .filter_map(|b| match b.body.get_attribute("source").map(|a| &a.value) {
            Some(Expression::String(s))
                if s.value().starts_with("./") || s.value().starts_with("../") =>
            {
                Some(s.value().clone())
            }
            _ => None,
        })
        .collect()
}

fn sort_together(files: Vec<SourceFile>, bodies: Vec<Body>) -> (Vec<SourceFile>, Vec<Body>) {
    let mut pairs: Vec<(SourceFile, Body)> = files.into_iter().zip(bodies).collect();
    pairs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    pairs.dedup_by(|a, b| a.0.path == b.0.path);
    pairs.into_iter().unzip()
}

const VAR_FILE_HELP: &str = "fix the file given to --var-file; the review without it would not be the review of what you asked for";

/// A `--var-file` as read, or a `--var`; in the order given.
pub(crate) enum Given<'a> {
    File(Body),
    Value(&'a str, &'a str),
}

/// The `--var-file`s, read and parsed once for every root, in their places among the
/// `--var`s; a file that cannot be read is an error of the tree, at its line and column.
pub(crate) fn read_var_args<'a>(
    args: &'a [VarArg],
    problems: &mut Vec<LoadProblem>,
) -> Vec<Given<'a>> {
    let mut given = Vec::new();
    for arg in args {
        let path = match arg {
            VarArg::Value(name, raw) => {
                given.push(Given::Value(name, raw));
                continue;
            }
            VarArg::File(path) => path,
        };
        let failed = |position: Option<(usize, usize)>, message: String| LoadProblem {
            level: Level::Error,
            location: None,
            path: path.clone(),
            position,
            message,
            help: Some(VAR_FILE_HELP.to_string()),
        };
        match std::fs::read_to_string(path) {
            Ok(text) => match parse_text(path, &text) {
                Ok(body) => given.push(Given::File(body)),
                Err(e) => problems.push(failed(Some((e.line, e.column)), e.message)),
            },
            Err(e) => problems.push(failed(
                None,
                format!("this variable file cannot be read: {e}"),
            )),
        }
    }
    given
}

/// Evaluates one root module within its budgets. A budget that runs out, or a defect of
/// the evaluator, is an error of this root alone: its resources are dropped (what was
/// evaluated of them is not the configuration), and the other roots are evaluated as usual.
fn evaluate_root(
    dir: &Path,
    decls: &FxHashMap<PathBuf, ModuleDecl<'_>>,
    files: &[SourceFile],
    bodies: &[Body],
    given: &[Given<'_>],
    paths: &[PathBuf],
    budgets: Budgets,
) -> RootModule {
    let (evaluated, usage, exhausted) = budget::metered(budgets, || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let vars = root_variables(&decls[dir], files, bodies, given);
            Evaluator::new(decls, paths).root(dir, vars)
        }))
    });
    let not_reviewed = |location: Option<Location>, message: String, help: &str| RootModule {
        dir: dir.to_path_buf(),
        resources: Vec::new(),
        providers: Vec::new(),
        problems: vec![LoadProblem {
            level: Level::Error,
            path: location
                .as_ref()
                .and_then(|l| files.get(l.file))
                .map_or_else(|| dir.to_path_buf(), |f| f.path.clone()),
            location,
            position: None,
            message,
            help: Some(help.to_string()),
        }],
        usage,
    };
    match (evaluated, exhausted) {
        (_, Some(out)) => {
            let location = match (out.file, out.span) {
                (Some(file), Some(span)) => Some(Location { file, span }),
                _ => None,
            };
            not_reviewed(
                location,
                format!(
                    "evaluating root module `{}` ran out of its `{}` budget ({} {}) here; the root module was not reviewed",
                    shown(dir),
                    out.budget.name(),
                    out.limit,
                    out.budget.unit()
                ),
                &format!(
                    "a configuration this large is most likely a mistake (a count or for_each over a huge collection, a value that doubles itself); if it is real, raise the budget with `--budget {}=N`",
                    out.budget.name()
                ),
            )
        }
        (Ok(mut root), None) => {
            root.usage = usage;
            root
        }
        (Err(_), None) => not_reviewed(
            None,
            "wharf could not evaluate this root module (a defect of wharf); it was not reviewed"
                .to_string(),
            "please report it, with the files of this directory",
        ),
    }
}

/// A directory as messages show it: `.` for the current one.
pub(crate) fn shown(dir: &Path) -> String {
    if dir.as_os_str().is_empty() {
        ".".to_string()
    } else {
        dir.display().to_string()
    }
}

/// A root module's variables: defaults, then `terraform.tfvars`, `terraform.tfvars.json`,
/// the `*.auto.tfvars` and `*.auto.tfvars.json` files in name order, then the `--var-file`s
/// and `--var`s in the order given, later ones winning, as Terraform orders them.
/// <https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence>
fn root_variables<'a>(
    decl: &ModuleDecl<'a>,
    files: &[SourceFile],
    bodies: &[Body],
    given: &[Given<'_>],
) -> FxHashMap<&'a str, Value> {
    let mut vars: FxHashMap<&'a str, Value> = decl
        .variables()
        .iter()
        .map(|(&name, v)| {
            let _in = budget::in_file(v.file);
            let value = v
                .default
                .map_or(Value::Unknown, |d| eval(d, &NoRefs, &Scope::default()));
            (name, value)
        })
        .collect();
    let assign = |body: &Body, vars: &mut FxHashMap<&'a str, Value>| {
        for attr in body.attributes() {
            if let Some((&name, _)) = decl.variables().get_key_value(attr.key.as_str()) {
                vars.insert(name, eval(&attr.value, &NoRefs, &Scope::default()));
            }
        }
    };
    let name = |i: usize| {
        files[i]
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
    };
    // Other variable files are read only when given with --var-file.
    let rank = |name: &str| match name {
        "terraform.tfvars" => Some(0),
        "terraform.tfvars.json" => Some(1),
        _ if name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json") => Some(2),
        _ => None,
    };
    let mut auto: Vec<(u8, &str, usize)> = decl
        .vars_files
        .iter()
        .filter_map(|&i| rank(name(i)).map(|r| (r, name(i), i)))
        .collect();
    auto.sort_unstable();
    for (_, _, i) in auto {
        let _in = budget::in_file(i);
        assign(&bodies[i], &mut vars);
    }
    for arg in given {
        match arg {
            Given::File(body) => assign(body, &mut vars),
            Given::Value(name, raw) => {
                if let Some((&key, decl)) = decl.variables().get_key_value(*name) {
                    vars.insert(key, command_line_value(decl.is_string, raw));
                }
            }
        }
    }
    vars
}

/// A `--var` value: the text itself for a `string` variable, else the HCL expression it
/// spells, or the text when it spells none (as Terraform does for an untyped variable).
fn command_line_value(is_string: bool, raw: &str) -> Value {
    if is_string {
        return Value::String(raw.to_string());
    }
    let parsed = format!("v = {raw}\n").parse::<Body>().ok().map(|mut body| {
        crate::expr::prepare(&mut body);
        body
    });
    parsed
        .as_ref()
        .and_then(|b| b.get_attribute("v"))
        .map(|a| eval(&a.value, &NoRefs, &Scope::default()))
        .filter(|v| !v.is_unknown())
        .unwrap_or_else(|| Value::String(raw.to_string()))
}
