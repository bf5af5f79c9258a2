//! A large tree loaded a part at a time. Root modules are independent once their modules
//! are loaded, so a tree is cut into parts, the directories that call one another directly
//! or through modules, and each part is read, parsed and evaluated on its own, handed to the
//! caller, and dropped before the next is loaded. Memory then grows with the largest part,
//! not with the tree: what outlives a part is what the caller keeps of it, and the tree's
//! [`Outline`] (its paths, and its problems with their positions resolved).
//!
//! Cutting the tree needs each directory's module calls before any part is loaded. A file
//! is parsed for them only when its text holds the word `module` (no other file can call a
//! module), and its syntax tree is dropped at once; the part that holds the file parses it
//! again. Small parts are loaded together, up to [`PART_BYTES`], and each core loads a
//! part at a time.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::{LoadProblem, Location};
use crate::parse::{parse_text, read_and_parse, ParseError};
use crate::project::{
    dir_of, is_config, local_sources, read_var_args, Directories, LoadOptions, Project, Tree,
};
use crate::source::{Disk, Source};

/// The text small parts are put together up to, in bytes: enough that what each part costs
/// beside its files is nothing, little enough that a part's syntax trees stay those of a
/// root module or two.
pub const PART_BYTES: usize = 64 << 10;

/// What is left of a tree loaded a part at a time, once every part is dropped: the paths
/// its locations index, and what could not be loaded, as reports show it.
#[derive(Debug, Default)]
pub struct Outline {
    /// Every file of the tree, in path order. A location kept from a part indexes it once
    /// its `file` is mapped with [`Project::index_in_tree`].
    pub paths: Vec<PathBuf>,
    /// How many files were read and parsed.
    pub files: usize,
    /// Files and directories that could not be read or parsed, in path order.
    pub parse_errors: Vec<ParseError>,
    /// The problems of the tree as a whole, then those of each root module in path order;
    /// each has its path and position and no `location`.
    pub problems: Vec<LoadProblem>,
    /// How many root modules were evaluated.
    pub roots: usize,
}

impl Outline {
    /// Whether the tree could not be loaded in full (see [`Project::has_errors`]).
    pub fn has_errors(&self) -> bool {
        !self.parse_errors.is_empty() || self.problems.iter().any(LoadProblem::is_error)
    }

    /// The path of a location's file.
    pub fn path(&self, location: &Location) -> &Path {
        self.paths
            .get(location.file)
            .map_or(Path::new(""), PathBuf::as_path)
    }

    /// Where a problem is: its file, and the line and column when known.
    pub fn place_of<'o>(&self, problem: &'o LoadProblem) -> (&'o Path, Option<(usize, usize)>) {
        (problem.path.as_path(), problem.position)
    }

    /// The outline with its problems, already resolved: the tree's (`cycles`, then the
    /// variable files' in the order given), then each root's, by the root's path.
    pub(crate) fn assemble(
        mut self,
        cycles: Vec<LoadProblem>,
        var_files: Vec<LoadProblem>,
        mut by_root: Vec<(PathBuf, Vec<LoadProblem>)>,
    ) -> Outline {
        // A stable sort: within a root, the order is the loader's.
        by_root.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        self.parse_errors.sort_by(|a, b| a.path.cmp(&b.path));
        self.problems = cycles;
        self.problems.extend(var_files);
        self.problems
            .extend(by_root.into_iter().flat_map(|(_, problems)| problems));
        self
    }
}

/// Loads the tree at or below `paths` a part at a time, as [`Project::load`] would load it
/// whole, and calls `each` with every part. Parts are loaded on every core, a part per
/// core, so that each is read, evaluated, handed to `each` and dropped by one thread (a
/// part of [`BIG_PART_BYTES`] or more is loaded alone, with every core on it). Each part is
/// dropped when `each` returns, and `keep` takes what `each` made of it on the calling
/// thread (see [`crate::parallel::map_keep`]): what it keeps, it should copy. The results
/// are in the order of the parts.
pub fn in_parts<T: Send, K>(
    paths: &[PathBuf],
    options: &LoadOptions,
    each: impl Fn(&Project) -> T + Sync,
    keep: impl FnMut(T) -> K,
) -> io::Result<(Outline, Vec<K>)> {
    in_parts_from(&Disk, paths, options, each, keep)
}

/// What a part leaves: `each`'s result, and the part's share of the outline.
struct Done<T> {
    value: T,
    files: usize,
    roots: usize,
    parse_errors: Vec<ParseError>,
    cycles: Vec<LoadProblem>,
    by_root: Vec<(PathBuf, Vec<LoadProblem>)>,
}

impl<T> Done<T> {
    fn map<K>(self, f: impl FnOnce(T) -> K) -> Done<K> {
        Done {
            value: f(self.value),
            files: self.files,
            roots: self.roots,
            parse_errors: self.parse_errors,
            cycles: self.cycles,
            by_root: self.by_root,
        }
    }
}

fn in_parts_from<T: Send, K>(
    source: &dyn Source,
    paths: &[PathBuf],
    options: &LoadOptions,
    each: impl Fn(&Project) -> T + Sync,
    mut keep: impl FnMut(T) -> K,
) -> io::Result<(Outline, Vec<K>)> {
    let plan = Plan::make(source, paths)?;
    let mut var_problems = Vec::new();
    let given = read_var_args(&options.var_args, &mut var_problems);
    let parts = plan.parts(options.part_bytes.unwrap_or(PART_BYTES));

    let run = |part: &Part| {
        let project = plan.load(source, &part.files, &given, options);
        Done {
            files: project.files.len(),
            roots: project.roots.len(),
            parse_errors: project.parse_errors.clone(),
            cycles: project
                .problems
                .iter()
                .map(|p| project.resolved(p))
                .collect(),
            by_root: project
                .roots
                .iter()
                .map(|r| {
                    let problems = r.problems.iter().map(|p| project.resolved(p)).collect();
                    (r.dir.clone(), problems)
                })
                .collect(),
            value: each(&project),
        }
    };
    let mut kept = |(i, done): (usize, Done<T>)| (i, done.map(&mut keep));
    let alone = |p: &Part| p.bytes >= BIG_PART_BYTES || parts.len() == 1;
    let mut done: Vec<(usize, Done<K>)> = parts
        .iter()
        .enumerate()
        .filter(|(_, p)| alone(p))
        .map(|(i, p)| kept((i, run(p))))
        .collect();
    let shared: Vec<(usize, &Part)> = parts
        .iter()
        .enumerate()
        .filter(|(_, p)| !alone(p))
        .collect();
    done.extend(crate::parallel::map_keep(
        &shared,
        |&(i, p)| (i, run(p)),
        &mut kept,
    ));
    done.sort_by_key(|(i, _)| *i);

    let mut outline = Outline {
        paths: plan.files.iter().map(|f| f.path.clone()).collect(),
        parse_errors: plan.errors.clone(),
        ..Outline::default()
    };
    let (mut cycles, mut by_root, mut results) = (Vec::new(), Vec::new(), Vec::new());
    for (_, part) in done {
        outline.files += part.files;
        outline.roots += part.roots;
        outline.parse_errors.extend(part.parse_errors);
        cycles.extend(part.cycles);
        by_root.extend(part.by_root);
        results.push(part.value);
    }
    // As one project orders them: by the directory that calls (a stable sort, so that
    // within a directory the order is the loader's).
    cycles.sort_by(|a, b| dir_of(&a.path).as_os_str().cmp(dir_of(&b.path).as_os_str()));
    Ok((outline.assemble(cycles, var_problems, by_root), results))
}

/// The text of a part loaded alone, with every core on it, in bytes: a part this large is
/// most of the work, and one core would take it on its own.
pub const BIG_PART_BYTES: usize = 8 << 20;

/// Files of the tree loaded, evaluated and dropped together.
struct Part {
    /// Their indexes in the tree, in path order.
    files: Vec<usize>,
    bytes: usize,
}

/// One file as the plan knows it.
struct Planned {
    path: PathBuf,
    /// Found at or below the paths given (not only as a module called from there).
    given: bool,
    /// The length of its text; 0 when it cannot be read (its part says why).
    bytes: usize,
    /// The directories of its local module calls, as the loader names them.
    calls: Vec<PathBuf>,
}

/// The files of a tree, and the parts they fall into.
struct Plan {
    /// In path order: a file's index here is its index in the tree.
    files: Vec<Planned>,
    /// What could not be looked into while finding the files.
    errors: Vec<ParseError>,
    /// The directories of configuration at or below the paths given, each once, whether
    /// their files parse or not (a part keeps those with a file that parses, as a tree
    /// read whole does).
    given_dirs: Vec<PathBuf>,
    /// A path that names a directory already known by another path, and that path.
    aliases: FxHashMap<PathBuf, PathBuf>,
}

impl Plan {
    /// Finds the files as [`Tree`] reads them (those at or below `paths`, then those of
    /// the local modules they call, wherever those are), keeping of each only its size and
    /// the directories it calls.
    fn make(source: &dyn Source, paths: &[PathBuf]) -> io::Result<Plan> {
        let found = source.discover(paths)?;
        let mut files = scan(source, found.files, true);
        let mut dirs = Directories::default();
        let given_dirs =
            Tree::given_dirs(source, files.iter().map(|f| f.path.as_path()), &mut dirs);
        let mut known: FxHashSet<PathBuf> = given_dirs.iter().cloned().collect();
        let mut scanned = 0;
        loop {
            let wanted: BTreeSet<PathBuf> = files[scanned..]
                .iter()
                .flat_map(|f| f.calls.iter())
                .filter(|d| !known.contains(*d))
                .cloned()
                .collect();
            scanned = files.len();
            if wanted.is_empty() {
                break;
            }
            for dir in wanted {
                known.insert(dir.clone());
                if let Some(own) = Tree::module_files(source, &mut dirs, &dir) {
                    files.extend(scan(source, own, false));
                }
            }
        }
        // Stable: of two entries for one path, the one found under the paths given stays.
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|later, first| later.path == first.path);
        Ok(Plan {
            files,
            errors: found.errors,
            given_dirs,
            aliases: dirs.aliases,
        })
    }

    /// The parts: the files of directories that call one another, in path order; small
    /// parts together, up to `floor` bytes.
    fn parts(&self, floor: usize) -> Vec<Part> {
        let mut groups = Groups::default();
        for f in &self.files {
            let dir = dir_of(&f.path);
            let named = self.aliases.get(&dir).unwrap_or(&dir).clone();
            let at = groups.node(dir);
            let named = groups.node(named);
            groups.join(at, named);
            for call in &f.calls {
                let to = groups.node(self.aliases.get(call).unwrap_or(call).clone());
                groups.join(at, to);
            }
        }
        let mut by_group: FxHashMap<usize, usize> = FxHashMap::default();
        let mut parts: Vec<Part> = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            let group = groups.of(&dir_of(&f.path));
            let part = *by_group.entry(group).or_insert_with(|| {
                parts.push(Part {
                    files: Vec::new(),
                    bytes: 0,
                });
                parts.len() - 1
            });
            parts[part].bytes += f.bytes;
            parts[part].files.push(i);
        }
        let mut packed: Vec<Part> = Vec::new();
        for part in parts {
            match packed.last_mut() {
                Some(last) if last.bytes + part.bytes <= floor => {
                    last.files.extend(part.files);
                    last.bytes += part.bytes;
                }
                _ => packed.push(part),
            }
        }
        for part in &mut packed {
            part.files.sort_unstable();
        }
        packed
    }

    /// Reads, parses and evaluates one part.
    fn load(
        &self,
        source: &dyn Source,
        part: &[usize],
        given: &[crate::project::Given<'_>],
        options: &LoadOptions,
    ) -> Project {
        let outcomes = crate::parallel::map(part, |&i| read_and_parse(source, &self.files[i].path));
        let (mut files, mut bodies, mut errors, mut index) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (&i, outcome) in part.iter().zip(outcomes) {
            match outcome {
                Ok((file, body)) => {
                    files.push(file);
                    bodies.push(body);
                    index.push(i);
                }
                Err(e) => errors.push(e),
            }
        }
        // As a tree read whole knows them: from the files that parsed.
        let dirs: FxHashSet<PathBuf> = index
            .iter()
            .filter(|&&i| self.files[i].given && is_config(&self.files[i].path))
            .map(|&i| dir_of(&self.files[i].path))
            .collect();
        let tree = Tree {
            files,
            bodies,
            errors,
            given_dirs: self
                .given_dirs
                .iter()
                .filter(|d| dirs.contains(*d))
                .cloned()
                .collect(),
            aliases: self.aliases.clone(),
        };
        Project::of_tree(tree, given, options.budgets, Vec::new(), Some(index))
    }
}

/// Each file's size and local module calls, on every core.
fn scan(source: &dyn Source, paths: Vec<PathBuf>, given: bool) -> Vec<Planned> {
    crate::parallel::map(&paths, |path| {
        let Ok(text) = source.read(path) else {
            return (0, Vec::new());
        };
        let calls = if is_config(path) && may_call(&text) {
            let base = dir_of(path);
            parse_text(path, &text).map_or_else(
                |_| Vec::new(),
                |body| {
                    local_sources(&body)
                        .into_iter()
                        .map(|s| crate::module::normalize(&base.join(s)))
                        .collect()
                },
            )
        } else {
            Vec::new()
        };
        (text.len(), calls)
    })
    .into_iter()
    .zip(paths)
    .map(|((bytes, calls), path)| Planned {
        path,
        given,
        bytes,
        calls,
    })
    .collect()
}

/// Whether a file's text may hold a `module` block: a line whose first word is `module`,
/// or the word anywhere in a file with a block comment (`/* */ module "x" {` begins a line
/// too). Every block begins a line of its own (the items of a body are separated by
/// newlines), so another file calls no module; a line in a heredoc only makes the file
/// parsed for nothing.
fn may_call(text: &str) -> bool {
    if text.contains("*/") {
        return text.contains("module");
    }
    text.lines().any(|line| {
        line.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .strip_prefix("module")
            .is_some_and(|rest| {
                !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
            })
    })
}

/// Directories joined into groups (union-find), by their paths.
#[derive(Default)]
struct Groups {
    index: FxHashMap<PathBuf, usize>,
    parent: Vec<usize>,
}

impl Groups {
    fn node(&mut self, dir: PathBuf) -> usize {
        let next = self.parent.len();
        let i = *self.index.entry(dir).or_insert(next);
        if i == next {
            self.parent.push(next);
        }
        i
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        // The smaller index leads: the group of a tree's first directory keeps its number.
        if a != b {
            self.parent[a.max(b)] = a.min(b);
        }
    }

    /// The group of a directory already known.
    fn of(&mut self, dir: &Path) -> usize {
        let i = self.index[dir];
        self.root(i)
    }
}

#[cfg(test)]
mod tests {
    use super::may_call;

    #[test]
    fn only_a_file_that_may_call_a_module_is_parsed_for_its_calls() {
        for text in [
            "module \"net\" {\n  source = \"../net\"\n}\n",
            "  module net {\n}\n",
            "\u{feff}module \"net\" {}\n",
            "locals {}\nmodule\"net\" {}\n",
            // Comments and heredocs only make a file parsed for nothing.
            "/* a */ module \"net\" {}\n",
            "x = <<EOT\nmodule\nEOT\n",
        ] {
            assert!(may_call(text), "{text:?}");
        }
        for text in [
            "",
            "modules = 1\n",
            "module_name = \"net\"\n",
            "# this module makes a bucket\nresource \"aws_s3_bucket\" \"b\" {}\n",
            "description = \"Tags added to every resource of the module.\"\n",
        ] {
            assert!(!may_call(text), "{text:?}");
        }
    }
}
