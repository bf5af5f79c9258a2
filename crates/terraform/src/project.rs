//! A whole project: its files, its root modules, and their evaluation in parallel.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;

use crate::config::{LoadProblem, Location, RootModule};
use crate::discover::{discover, Kind};
use crate::expr::{eval, NoRefs, Scope};
use crate::module::{normalize, Evaluator, ModuleDecl};
use crate::parse::{load_files, parse_text, ParseError, SourceFile};
use crate::value::Value;

/// Variable values given on the command line, as `terraform plan` takes them.
#[derive(Debug, Clone, Default)]
pub struct VarOptions {
    /// `--var-file FILE`, in order; later files win.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, in order; later ones win, and they win over files.
    pub vars: Vec<(String, String)>,
}

/// Every file of a tree and what its root modules create.
#[derive(Debug)]
pub struct Project {
    pub files: Vec<SourceFile>,
    pub parse_errors: Vec<ParseError>,
    pub roots: Vec<RootModule>,
    line_starts: Vec<OnceLock<Vec<usize>>>,
    /// Each file's syntax tree, kept until the project is dropped: freeing a large tree's
    /// trees took a tenth of a review's time, on one core, before any report was written.
    _syntax: Vec<Body>,
}

impl Project {
    /// Loads the `.tf` and `.tfvars` files at or below `paths` (and the local modules they
    /// call, wherever those are), and evaluates each root module: every directory of
    /// configuration that no other directory calls as a module.
    pub fn load(paths: &[PathBuf], options: &VarOptions) -> io::Result<Project> {
        let mut loaded = load_files(discover(paths)?);
        let mut errors = std::mem::take(&mut loaded.errors);
        let mut files: Vec<SourceFile> = Vec::with_capacity(loaded.files.len());
        let mut bodies: Vec<Body> = Vec::with_capacity(loaded.files.len());
        for (file, body) in loaded.files {
            files.push(file);
            bodies.push(body);
        }
        let mut given_dirs: Vec<PathBuf> = Vec::new();
        let mut last: Option<&Path> = None;
        for f in files.iter().filter(|f| f.kind == Kind::Config) {
            // Files are in path order, so a directory's files mostly come together: only
            // a new parent is normalized.
            if last != f.path.parent() {
                last = f.path.parent();
                given_dirs.push(dir_of(&f.path));
            }
        }
        // Sorted by their bytes: comparing paths component by component is slow on
        // thousands of directories, and any fixed order will do.
        given_dirs.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        given_dirs.dedup();

        // Local modules called from outside the given paths are loaded too, until no call
        // leads anywhere new.
        let mut known_dirs: FxHashSet<PathBuf> = given_dirs.iter().cloned().collect();
        // What one walk found is in path order already; only modules loaded from outside
        // it make a sort necessary.
        let walked = files.len();
        let mut scanned = 0;
        loop {
            // Sources are relative to the calling file's directory.
            let wanted: BTreeSet<PathBuf> = files[scanned..]
                .iter()
                .zip(&bodies[scanned..])
                .flat_map(|(f, b)| {
                    let base = dir_of(&f.path);
                    local_sources(b)
                        .into_iter()
                        .map(move |s| normalize(&base.join(s)))
                })
                .filter(|d| !known_dirs.contains(d))
                .collect();
            scanned = bodies.len();
            if wanted.is_empty() {
                break;
            }
            for dir in wanted {
                known_dirs.insert(dir.clone());
                let Ok(paths) = discover(std::slice::from_ref(&dir)) else {
                    continue;
                };
                // Only the module's own directory: a subdirectory is another module.
                let more = load_files(
                    paths
                        .into_iter()
                        .filter(|p| Kind::of(p) == Some(Kind::Config) && dir_of(p) == dir)
                        .collect(),
                );
                errors.extend(more.errors);
                for (file, body) in more.files {
                    files.push(file);
                    bodies.push(body);
                }
            }
        }
        let (files, bodies) = if files.len() > walked {
            sort_together(files, bodies)
        } else {
            (files, bodies)
        };

        let mut decls: FxHashMap<PathBuf, ModuleDecl<'_>> = FxHashMap::default();
        for (i, (file, body)) in files.iter().zip(&bodies).enumerate() {
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
        // Variable files belong to the root module of their directory.
        for (i, file) in files.iter().enumerate() {
            if file.kind == Kind::Vars {
                if let Some(decl) = decls.get_mut(&dir_of(&file.path)) {
                    decl.vars_files.push(i);
                }
            }
        }
        let called: FxHashSet<&PathBuf> = decls
            .values()
            .flat_map(|d| d.calls.iter().filter_map(|c| c.local_dir.as_ref()))
            .filter(|d| **d != PathBuf::new())
            .collect();
        let roots: Vec<&PathBuf> = given_dirs.iter().filter(|d| !called.contains(d)).collect();

        let paths_by_index: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        let roots: Vec<RootModule> = crate::parallel::map(&roots, |dir| {
            let (vars, problems) = root_variables(&decls[*dir], &files, &bodies, options);
            // A defect of the evaluator on one root must not stop the review of the others.
            let evaluated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Evaluator::new(&decls, &paths_by_index).root(dir, vars)
            }));
            let mut root = evaluated.unwrap_or_else(|_| RootModule {
                dir: (*dir).clone(),
                resources: Vec::new(),
                providers: Vec::new(),
                problems: vec![LoadProblem {
                    location: None,
                    path: (*dir).clone(),
                    message: "wharf could not evaluate this root module (a defect of wharf: \
                              please report it); it was not reviewed"
                        .to_string(),
                }],
            });
            root.problems.splice(0..0, problems);
            root
        });
        let line_starts = files.iter().map(|_| OnceLock::new()).collect();
        drop(decls);
        Ok(Project {
            files,
            parse_errors: errors,
            roots,
            line_starts,
            _syntax: bodies,
        })
    }

    /// 1-based line and column (in characters) of a byte offset in a file.
    pub fn position(&self, file: usize, offset: usize) -> (usize, usize) {
        let Some(source) = self.files.get(file) else {
            return (1, 1);
        };
        let starts = self.line_starts[file].get_or_init(|| {
            std::iter::once(0)
                .chain(source.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts[line - 1];
        let column = source
            .text
            .get(start..offset.min(source.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// The path of a location's file.
    pub fn path(&self, location: &Location) -> &Path {
        self.files
            .get(location.file)
            .map_or(Path::new(""), |f| f.path.as_path())
    }
}

/// A file's directory, normalized so that `./infra/dev` and `infra/x/../dev` name the
/// same module as the `source` paths that lead to it.
fn dir_of(path: &Path) -> PathBuf {
    path.parent().map(normalize).unwrap_or_default()
}

/// The literal local `source`s of a file's module calls.
fn local_sources(body: &Body) -> Vec<String> {
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

/// A root module's variables: defaults, then `terraform.tfvars`, `*.auto.tfvars` in name
/// order, `--var-file`s, and `--var`s, later ones winning, as Terraform orders them.
/// <https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence>
fn root_variables<'a>(
    decl: &ModuleDecl<'a>,
    files: &[SourceFile],
    bodies: &[Body],
    options: &VarOptions,
) -> (FxHashMap<&'a str, Value>, Vec<LoadProblem>) {
    let mut problems = Vec::new();
    let mut vars: FxHashMap<&'a str, Value> = decl
        .variables()
        .iter()
        .map(|(&name, v)| {
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
    let mut auto: Vec<(usize, &SourceFile)> = decl
        .vars_files
        .iter()
        .map(|&i| (i, &files[i]))
        .filter(|(_, f)| {
            let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name == "terraform.tfvars" || name.ends_with(".auto.tfvars")
        })
        .collect();
    // terraform.tfvars first, then the .auto.tfvars files in lexical order.
    auto.sort_by_key(|(_, f)| (!f.path.ends_with("terraform.tfvars"), f.path.clone()));
    for (i, _) in auto {
        assign(&bodies[i], &mut vars);
    }
    for path in &options.var_files {
        match std::fs::read_to_string(path) {
            Ok(text) => match parse_text(path, &text) {
                Ok(body) => assign(&body, &mut vars),
                Err(e) => problems.push(LoadProblem {
                    location: None,
                    path: path.clone(),
                    message: format!("{}:{}: {}", e.line, e.column, e.message),
                }),
            },
            Err(e) => problems.push(LoadProblem {
                location: None,
                path: path.clone(),
                message: format!("cannot be read: {e}"),
            }),
        }
    }
    for (name, raw) in &options.vars {
        let Some((&key, decl)) = decl.variables().get_key_value(name.as_str()) else {
            continue;
        };
        let value = if decl.is_string {
            Value::String(raw.clone())
        } else {
            let parsed = format!("v = {raw}\n").parse::<Body>().ok();
            parsed
                .as_ref()
                .and_then(|b| b.get_attribute("v"))
                .map(|a| eval(&a.value, &NoRefs, &Scope::default()))
                .filter(|v| !v.is_unknown())
                .unwrap_or_else(|| Value::String(raw.clone()))
        };
        vars.insert(key, value);
    }
    (vars, problems)
}
