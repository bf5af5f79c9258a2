//! Writing a rendered tree to disk, and comparing it with what is there.
//!
//! wharf keeps a ledger, `.wharf-files` in the output directory, of every file it wrote and
//! a hash of what it wrote. A file is wharf's to overwrite or delete only when the ledger
//! lists it and its content is still what wharf wrote: a file someone wrote or edited is
//! never overwritten without `--force` and never deleted. Removing an environment's root,
//! whose infrastructure may still be live, additionally needs `--prune`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{Tree, GENERATED_MARK};

/// The ledger's file name, inside the output directory.
pub const LEDGER: &str = ".wharf-files";

/// How `write` may treat files it does not own.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Only the rendered environments' roots are in scope (`--env`).
    pub filtered: bool,
    /// Delete the roots of environments the manifest no longer has.
    pub prune: bool,
    /// Overwrite files that were edited since wharf wrote them, or that wharf did not write.
    pub force: bool,
}

/// What `write` did, or `check` would do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    /// Generated files that the manifest no longer produces, now deleted.
    pub removed: Vec<String>,
    /// Generated files of environments no longer in the manifest, kept until `--prune`.
    pub unpruned: Vec<String>,
    /// Files no longer generated but edited since wharf wrote them: kept.
    pub kept_edited: Vec<String>,
}

/// A difference between the rendered tree and the files on disk.
#[derive(Debug, PartialEq, Eq)]
pub enum Drift {
    Missing(String),
    /// The path and a unified diff from the file on disk to the rendered file.
    Changed(String, String),
    /// A generated file the manifest no longer produces.
    Stale(String),
}

/// Why a file may not be overwritten.
#[derive(Debug, PartialEq, Eq)]
pub enum Conflict {
    /// wharf did not write it.
    Foreign(String),
    /// wharf wrote it, and someone has edited it since.
    Edited(String),
}

#[derive(Debug)]
pub enum TreeError {
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// The output directory holds another app's tree.
    OtherApp { dir: PathBuf, app: String },
    /// Files under `dir` that writing would overwrite; nothing was written.
    Conflicts { dir: PathBuf, files: Vec<Conflict> },
}

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TreeError::Io { path, action, source } => {
                write!(f, "could not {action} {}: {source}", path.display())
            }
            TreeError::OtherApp { dir, app } => write!(
                f,
                "{} holds the Terraform of app `{app}`\nhelp: render each app into its own directory with --out",
                dir.display()
            ),
            TreeError::Conflicts { dir, files } => {
                writeln!(f, "rendering would overwrite files wharf does not own; nothing was written:")?;
                for c in files {
                    match c {
                        Conflict::Foreign(p) => writeln!(f, "  {} (not written by wharf)", dir.join(p).display())?,
                        Conflict::Edited(p) => writeln!(f, "  {} (edited since wharf wrote it)", dir.join(p).display())?,
                    }
                }
                write!(f, "help: move them away or bring the edits into the manifest; --force overwrites them")
            }
        }
    }
}

impl std::error::Error for TreeError {}

fn err<'p>(path: &'p Path, action: &'static str) -> impl FnOnce(io::Error) -> TreeError + 'p {
    move |source| TreeError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

/// FNV-1a, 64 bits: stable across Rust releases, which the std hasher is not promised to be.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn is_generated(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|l| l.contains(GENERATED_MARK))
}

#[derive(Debug, Default)]
struct Ledger {
    app: Option<String>,
    files: BTreeMap<String, u64>,
}

fn read_ledger(out: &Path) -> Result<Option<Ledger>, TreeError> {
    let path = out.join(LEDGER);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(&path, "read")(e)),
    };
    let mut ledger = Ledger::default();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(app) = line.strip_prefix("app ") {
            ledger.app = Some(app.to_string());
        } else if let Some((h, p)) = line.split_once(' ') {
            if let Ok(h) = u64::from_str_radix(h, 16) {
                ledger.files.insert(p.to_string(), h);
            }
        }
    }
    Ok(Some(ledger))
}

fn write_ledger(out: &Path, app: &str, files: &BTreeMap<String, u64>) -> Result<(), TreeError> {
    let mut text = String::from("# Files wharf wrote here, with a hash of what it wrote; wharf reads this to\n# know which files it may replace or delete. Do not edit.\n");
    text.push_str(&format!("app {app}\n"));
    for (p, h) in files {
        text.push_str(&format!("{h:016x} {p}\n"));
    }
    write_file(&out.join(LEDGER), &text)
}

/// Writes beside the file and renames over it, so an interrupted render never leaves a
/// half-written file behind.
fn write_file(path: &Path, text: &str) -> Result<(), TreeError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(err(parent, "create directory"))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".wharf-tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, text).map_err(err(&tmp, "write"))?;
    fs::rename(&tmp, path).map_err(err(path, "replace"))
}

/// Generated files below `out` without a ledger (a tree from before the ledger existed):
/// those whose first line carries wharf's header. Hidden directories are never entered.
fn scan_generated(out: &Path) -> Result<BTreeMap<String, u64>, TreeError> {
    let mut found = BTreeMap::new();
    let mut stack: Vec<PathBuf> = ["modules", "environments"]
        .iter()
        .map(|d| out.join(d))
        .filter(|p| p.is_dir())
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(err(&dir, "read directory"))? {
            let entry = entry.map_err(err(&dir, "read directory"))?;
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(err(&path, "inspect"))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let text = fs::read_to_string(&path).unwrap_or_default();
                if let (true, Ok(rel)) = (is_generated(&text), path.strip_prefix(out)) {
                    found.insert(rel.to_string_lossy().replace('\\', "/"), hash(&text));
                }
            }
        }
    }
    Ok(found)
}

/// The environment a path belongs to, if it is under `environments/`.
fn env_of(rel: &str) -> Option<&str> {
    rel.strip_prefix("environments/")?.split('/').next()
}

/// What writing would do; computed without touching the disk.
struct Plan {
    writes: Vec<String>,
    /// What is on disk now for the files in `writes` that exist (for `check`'s diffs).
    previous: BTreeMap<String, String>,
    unchanged: usize,
    conflicts: Vec<Conflict>,
    remove: Vec<String>,
    unpruned: Vec<String>,
    kept_edited: Vec<String>,
    /// The ledger to write afterwards.
    ledger: BTreeMap<String, u64>,
}

fn plan(out: &Path, tree: &Tree, opts: WriteOptions) -> Result<Plan, TreeError> {
    let existing = read_ledger(out)?;
    if let Some(app) = existing.as_ref().and_then(|l| l.app.as_ref()) {
        if *app != tree.app {
            return Err(TreeError::OtherApp {
                dir: out.to_path_buf(),
                app: app.clone(),
            });
        }
    }
    let owned = match &existing {
        Some(l) => l.files.clone(),
        None => scan_generated(out)?,
    };
    let rendered: BTreeSet<&str> = tree.environments.iter().map(|e| e.name.as_str()).collect();
    let mut p = Plan {
        writes: Vec::new(),
        previous: BTreeMap::new(),
        unchanged: 0,
        conflicts: Vec::new(),
        remove: Vec::new(),
        unpruned: Vec::new(),
        kept_edited: Vec::new(),
        ledger: BTreeMap::new(),
    };
    for (rel, text) in &tree.files {
        p.ledger.insert(rel.clone(), hash(text));
        let path = out.join(rel);
        let on_disk = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                p.writes.push(rel.clone());
                continue;
            }
            Err(e) => return Err(err(&path, "read")(e)),
        };
        if on_disk == *text {
            p.unchanged += 1;
        } else if owned.get(rel) == Some(&hash(&on_disk)) || opts.force {
            p.writes.push(rel.clone());
            p.previous.insert(rel.clone(), on_disk);
        } else if owned.contains_key(rel) {
            p.conflicts.push(Conflict::Edited(rel.clone()));
        } else {
            p.conflicts.push(Conflict::Foreign(rel.clone()));
        }
    }
    for (rel, written) in &owned {
        if tree.files.contains_key(rel) {
            continue;
        }
        let env = env_of(rel);
        let in_scope = !opts.filtered || env.is_none_or(|e| rendered.contains(e));
        let on_disk = fs::read_to_string(out.join(rel)).ok();
        match on_disk {
            None => {} // already gone: forget it
            Some(_) if !in_scope => {
                p.ledger.insert(rel.clone(), *written);
            }
            Some(text) if hash(&text) != *written => {
                p.kept_edited.push(rel.clone());
            }
            Some(_) => match env {
                // An environment the manifest no longer has: its infrastructure may be live.
                Some(e) if !rendered.contains(e) && !opts.prune => {
                    p.unpruned.push(rel.clone());
                    p.ledger.insert(rel.clone(), *written);
                }
                _ => p.remove.push(rel.clone()),
            },
        }
    }
    Ok(p)
}

/// Writes `tree` under `out`, removes the generated files it no longer produces, and
/// records what it wrote. Refuses, writing nothing, when a file it would overwrite is not
/// its own (unless `opts.force`).
pub fn write(out: &Path, tree: &Tree, opts: WriteOptions) -> Result<WriteReport, TreeError> {
    let p = plan(out, tree, opts)?;
    if !p.conflicts.is_empty() {
        return Err(TreeError::Conflicts {
            dir: out.to_path_buf(),
            files: p.conflicts,
        });
    }
    for rel in &p.writes {
        write_file(&out.join(rel), &tree.files[rel])?;
    }
    for rel in &p.remove {
        let path = out.join(rel);
        fs::remove_file(&path).map_err(err(&path, "remove stale file"))?;
        // Remove directories left empty, up to the output directory.
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == out || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    write_ledger(out, &tree.app, &p.ledger)?;
    Ok(WriteReport {
        written: p.writes,
        unchanged: p.unchanged,
        removed: p.remove,
        unpruned: p.unpruned,
        kept_edited: p.kept_edited,
    })
}

/// Compares `tree` with the files under `out`, without writing anything.
pub fn check(out: &Path, tree: &Tree, filtered: bool) -> Result<Vec<Drift>, TreeError> {
    let opts = WriteOptions {
        filtered,
        prune: true,
        force: true,
    };
    let p = plan(out, tree, opts)?;
    let mut drift = Vec::new();
    for rel in &p.writes {
        match p.previous.get(rel) {
            Some(on_disk) => {
                let diff = similar::TextDiff::from_lines(on_disk, &tree.files[rel])
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
                    .to_string();
                drift.push(Drift::Changed(rel.clone(), diff));
            }
            None => drift.push(Drift::Missing(rel.clone())),
        }
    }
    drift.extend(p.remove.into_iter().map(Drift::Stale));
    Ok(drift)
}

#[cfg(test)]
mod tests {
    use super::hash;

    #[test]
    fn hash_is_fnv1a() {
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
