//! Writing a rendered tree to disk, and comparing it with what is there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{Tree, GENERATED_MARK};

/// What `write` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: usize,
    /// Generated files that the manifest no longer produces, now deleted.
    pub removed: Vec<String>,
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

/// An I/O failure, with the path and what was being done.
#[derive(Debug)]
pub struct TreeError {
    pub path: PathBuf,
    pub action: &'static str,
    pub source: io::Error,
}

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for TreeError {}

fn err<'p>(path: &'p Path, action: &'static str) -> impl FnOnce(io::Error) -> TreeError + 'p {
    move |source| TreeError {
        path: path.to_path_buf(),
        action,
        source,
    }
}

fn is_generated(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|l| l.contains(GENERATED_MARK))
}

/// Generated files below `out` in the parts of the tree this render owns: all of `modules/`,
/// and `environments/<env>/` for the environments in `envs` (every environment directory
/// when `envs` is `None`). Hidden directories (`.terraform`) are never entered.
fn generated_files(out: &Path, envs: Option<&[String]>) -> Result<Vec<String>, TreeError> {
    let mut found = Vec::new();
    let mut roots = vec![out.join("modules")];
    let env_dir = out.join("environments");
    match envs {
        Some(list) => roots.extend(list.iter().map(|e| env_dir.join(e))),
        None => roots.push(env_dir),
    }
    let mut stack: Vec<PathBuf> = roots.into_iter().filter(|p| p.is_dir()).collect();
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(err(&dir, "read directory"))? {
            let entry = entry.map_err(err(&dir, "read directory"))?;
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let kind = entry.file_type().map_err(err(&path, "inspect"))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let text = fs::read_to_string(&path).unwrap_or_default();
                if is_generated(&text) {
                    if let Ok(rel) = path.strip_prefix(out) {
                        found.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The environment directories a render owns: those it rendered when filtered, else all.
fn owned_envs(tree: &Tree, filtered: bool) -> Option<Vec<String>> {
    filtered.then(|| tree.environments.iter().map(|e| e.name.clone()).collect())
}

/// A file at `path` that wharf did not write; overwriting it could lose someone's work.
pub fn foreign_files(out: &Path, tree: &Tree) -> Vec<String> {
    tree.files
        .keys()
        .filter(|rel| {
            let path = out.join(rel);
            path.exists()
                && !fs::read_to_string(&path)
                    .map(|t| is_generated(&t))
                    .unwrap_or(false)
        })
        .cloned()
        .collect()
}

/// Writes `tree` under `out`: files whose content changed are rewritten, and generated files
/// the manifest no longer produces are removed. Files wharf did not generate are never
/// touched; the caller refuses to write when `foreign_files` finds any.
pub fn write(out: &Path, tree: &Tree, filtered: bool) -> Result<WriteReport, TreeError> {
    let mut report = WriteReport::default();
    for (rel, text) in &tree.files {
        let path = out.join(rel);
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            report.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(err(parent, "create directory"))?;
        }
        // Write beside the file and rename over it, so an interrupted render never leaves a
        // half-written file behind.
        let tmp = path.with_extension("wharf-tmp");
        fs::write(&tmp, text).map_err(err(&tmp, "write"))?;
        fs::rename(&tmp, &path).map_err(err(&path, "replace"))?;
        report.written.push(rel.clone());
    }
    for rel in generated_files(out, owned_envs(tree, filtered).as_deref())? {
        if !tree.files.contains_key(&rel) {
            let path = out.join(&rel);
            fs::remove_file(&path).map_err(err(&path, "remove stale file"))?;
            // Remove directories left empty, up to the output directory.
            let mut dir = path.parent();
            while let Some(d) = dir {
                if d == out || fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
            report.removed.push(rel);
        }
    }
    Ok(report)
}

/// Compares `tree` with the files under `out`, without writing anything.
pub fn check(out: &Path, tree: &Tree, filtered: bool) -> Result<Vec<Drift>, TreeError> {
    let mut drift = Vec::new();
    for (rel, text) in &tree.files {
        let path = out.join(rel);
        match fs::read_to_string(&path) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(on_disk) => {
                let diff = similar::TextDiff::from_lines(&on_disk, text)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
                    .to_string();
                drift.push(Drift::Changed(rel.clone(), diff));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                drift.push(Drift::Missing(rel.clone()))
            }
            Err(e) => return Err(err(&path, "read")(e)),
        }
    }
    for rel in generated_files(out, owned_envs(tree, filtered).as_deref())? {
        if !tree.files.contains_key(&rel) {
            drift.push(Drift::Stale(rel));
        }
    }
    Ok(drift)
}
