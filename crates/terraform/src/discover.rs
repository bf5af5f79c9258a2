//! Finding the Terraform files of a tree.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::parse::ParseError;

/// What a file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `*.tf`: configuration.
    Config,
    /// `*.tfvars` and `*.tfvars.json`: variable values.
    Vars,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".tf") {
            Some(Kind::Config)
        } else if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
            Some(Kind::Vars)
        } else {
            None
        }
    }
}

/// The files found, and what could not be looked into.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted, without duplicates.
    pub files: Vec<PathBuf>,
    /// Directories that could not be read, and files that could not be followed (a link to
    /// nothing), each with the reason; the rest of the tree is found all the same.
    pub errors: Vec<ParseError>,
}

fn unreadable(path: &Path, what: &str, e: &io::Error) -> ParseError {
    ParseError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: format!("{what} cannot be read: {e}"),
    }
}

/// Every `.tf`, `.tfvars` and `.tfvars.json` file at or below each of `roots` (a root may be a file).
/// Hidden directories (`.terraform`, `.git`) are not entered: they hold downloaded copies
/// and state, not the user's configuration. A link to a file is followed, as Terraform
/// follows it; a link to a directory is not walked (a module called through one is loaded
/// by the call). Only a root that does not exist at all is an error: the user named it.
pub fn discover(roots: &[PathBuf]) -> io::Result<Discovered> {
    let mut found = Discovered::default();
    for root in roots {
        let meta = match fs::metadata(root) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(io::Error::new(e.kind(), format!("{}: {e}", root.display())))
            }
            Err(e) => {
                found.errors.push(unreadable(root, "this path", &e));
                continue;
            }
        };
        if meta.is_file() {
            found.files.push(root.clone());
            continue;
        }
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    found.errors.push(unreadable(&dir, "this directory", &e));
                    continue;
                }
            };
            for entry in entries {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        found.errors.push(unreadable(&dir, "this directory", &e));
                        break;
                    }
                };
                let path = entry.path();
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                let kind = match entry.file_type() {
                    Ok(kind) => kind,
                    Err(e) => {
                        found.errors.push(unreadable(&path, "this entry", &e));
                        continue;
                    }
                };
                if kind.is_dir() && !hidden {
                    stack.push(path);
                } else if kind.is_file() && Kind::of(&path).is_some() {
                    found.files.push(path);
                } else if kind.is_symlink() && Kind::of(&path).is_some() {
                    match fs::metadata(&path) {
                        Ok(m) if m.is_file() => found.files.push(path),
                        Ok(_) => {}
                        Err(e) => found.errors.push(unreadable(&path, "this file", &e)),
                    }
                }
            }
        }
    }
    // `wharf review .` should say `modules/x/main.tf`, not `./modules/x/main.tf`.
    for path in found
        .files
        .iter_mut()
        .chain(found.errors.iter_mut().map(|e| &mut e.path))
    {
        if let Ok(rest) = path.strip_prefix(".") {
            if !rest.as_os_str().is_empty() {
                *path = rest.to_path_buf();
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found.errors.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relative(root: &Path, paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn finds_config_and_vars_but_not_hidden_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "main.tf",
            "terraform.tfvars",
            "README.md",
            "modules/a/main.tf",
            ".terraform/modules/x/main.tf",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "").unwrap();
        }
        let found = discover(&[root.to_path_buf()]).unwrap();
        assert_eq!(
            relative(root, &found.files),
            ["main.tf", "modules/a/main.tf", "terraform.tfvars"]
        );
        assert!(found.errors.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn links_to_files_are_followed_and_broken_ones_reported() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("shared")).unwrap();
        fs::write(root.join("shared/common.tf"), "").unwrap();
        fs::create_dir_all(root.join("env")).unwrap();
        symlink("../shared/common.tf", root.join("env/common.tf")).unwrap();
        symlink("../nowhere.tf", root.join("env/broken.tf")).unwrap();
        symlink("loop.tf", root.join("env/loop.tf")).unwrap();
        // A link to a directory is not walked: here it leads back up the tree.
        symlink("..", root.join("env/up")).unwrap();
        let found = discover(&[root.join("env")]).unwrap();
        assert_eq!(relative(root, &found.files), ["env/common.tf"]);
        assert_eq!(
            relative(
                root,
                &found
                    .errors
                    .iter()
                    .map(|e| e.path.clone())
                    .collect::<Vec<_>>()
            ),
            ["env/broken.tf", "env/loop.tf"]
        );
        assert!(found.errors[0]
            .message
            .starts_with("this file cannot be read: "));
    }

    #[test]
    fn a_root_that_does_not_exist_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(discover(&[dir.path().join("nope")]).is_err());
    }
}
