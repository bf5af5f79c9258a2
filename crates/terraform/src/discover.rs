//! Finding the Terraform files of a tree.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `*.tf`: configuration.
    Config,
    /// `*.tfvars`: variable values.
    Vars,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".tf") {
            Some(Kind::Config)
        } else if name.ends_with(".tfvars") {
            Some(Kind::Vars)
        } else {
            None
        }
    }
}

/// Every `.tf` and `.tfvars` file at or below each of `roots` (a root may be a file), sorted
/// and without duplicates. Hidden directories (`.terraform`, `.git`) are not entered: they
/// hold downloaded copies and state, not the user's configuration.
pub fn discover(roots: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for root in roots {
        let meta = fs::metadata(root)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", root.display())))?;
        if meta.is_file() {
            found.push(root.clone());
            continue;
        }
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let entries = fs::read_dir(&dir)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
            for entry in entries {
                let entry = entry?;
                let path = entry.path();
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                let kind = entry.file_type()?;
                if kind.is_dir() && !hidden {
                    stack.push(path);
                } else if kind.is_file() && Kind::of(&path).is_some() {
                    found.push(path);
                }
            }
        }
    }
    // `wharf review .` should say `modules/x/main.tf`, not `./modules/x/main.tf`.
    for path in &mut found {
        if let Ok(rest) = path.strip_prefix(".") {
            if !rest.as_os_str().is_empty() {
                *path = rest.to_path_buf();
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let found: Vec<String> = discover(&[root.to_path_buf()])
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, ["main.tf", "modules/a/main.tf", "terraform.tfvars"]);
    }
}
