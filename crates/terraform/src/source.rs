//! Where the loader reads a tree from: the disk, or files held in memory (the tree
//! `wharf render` builds, priced before anything is written). Only finding files, reading
//! one, and telling whether two paths are one directory differ between them; following
//! module calls, cycles, budgets and evaluation are the same code for both.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use crate::discover::{discover, Discovered, Kind};
use crate::module::normalize;

/// A tree of files the loader can read.
pub(crate) trait Source: Sync {
    /// Every `.tf` and `.tfvars` file at or below each of `roots` (a root may be a file),
    /// sorted, without duplicates and without hidden directories, and what could not be
    /// looked into. A root that does not exist at all is an error: the user named it.
    fn discover(&self, roots: &[PathBuf]) -> io::Result<Discovered>;

    /// A file's text, or why it cannot be had, phrased to follow the file's path.
    fn read(&self, path: &Path) -> Result<String, String>;

    /// What a directory is, whichever path names it: on disk, where a link gives one
    /// directory several names, its canonical path. None when only its path names it.
    fn identity(&self, dir: &Path) -> Option<PathBuf>;
}

/// The file system, where links are followed only as Terraform follows them (see
/// [`discover`]).
pub(crate) struct Disk;

impl Source for Disk {
    fn discover(&self, roots: &[PathBuf]) -> io::Result<Discovered> {
        discover(roots)
    }

    fn read(&self, path: &Path) -> Result<String, String> {
        let bytes = fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "is not UTF-8 text (invalid byte at offset {}); Terraform reads only UTF-8",
                e.utf8_error().valid_up_to()
            )
        })
    }

    fn identity(&self, dir: &Path) -> Option<PathBuf> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        fs::canonicalize(dir).ok()
    }
}

/// Files held in memory by relative, `/`-separated path. There are no links: a normalized
/// path is all there is to a directory.
pub(crate) struct Memory<'m> {
    files: BTreeMap<PathBuf, &'m str>,
}

impl<'m> Memory<'m> {
    /// `files` maps each path (`environments/prod/main.tf`) to its text.
    pub fn new(files: &'m BTreeMap<String, String>) -> Memory<'m> {
        Memory {
            files: files
                .iter()
                .map(|(path, text)| (normalize(Path::new(path)), text.as_str()))
                .collect(),
        }
    }

    /// The files at or below `root`, in path order: paths that start with it, which a map
    /// ordered component by component keeps together, from `root` on.
    fn below<'a>(&'a self, root: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.files
            .range::<Path, _>((Bound::Included(root), Bound::Unbounded))
            .map(|(path, _)| path)
            .take_while(move |path| path.starts_with(root))
    }
}

/// Whether `path` is in a hidden directory (`.terraform`) below `root`.
fn hidden_below(root: &Path, path: &Path) -> bool {
    let dirs = path.strip_prefix(root).ok().and_then(Path::parent);
    dirs.is_some_and(|dirs| {
        dirs.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    })
}

impl Source for Memory<'_> {
    fn discover(&self, roots: &[PathBuf]) -> io::Result<Discovered> {
        let mut found = Discovered::default();
        for root in roots {
            let root = normalize(root);
            if self.files.contains_key(&root) {
                found.files.push(root);
                continue;
            }
            let mut below = self.below(&root).peekable();
            if below.peek().is_none() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{}: not in the tree", root.display()),
                ));
            }
            // As on disk, hidden directories below the root are not entered.
            found.files.extend(
                below
                    .filter(|path| Kind::of(path).is_some() && !hidden_below(&root, path))
                    .cloned(),
            );
        }
        found.files.sort();
        found.files.dedup();
        Ok(found)
    }

    fn read(&self, path: &Path) -> Result<String, String> {
        self.files
            .get(path)
            .map(|text| text.to_string())
            .ok_or_else(|| "cannot be read: it is not in the tree".to_string())
    }

    fn identity(&self, _dir: &Path) -> Option<PathBuf> {
        None
    }
}
