//! The project root (`wharf render --root`, the repository's root): where the workflows
//! go, and the paths of the manifest and the Terraform directory as the workflows name
//! them, relative to it.
//!
//! Paths are compared as the file system resolves them (links above them followed, once),
//! so `--out ../repo/infra` and `--out infra` are the same directory; a path not yet
//! created is resolved through its nearest existing parent.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::workflows::Layout;

/// `path` resolved: its nearest existing ancestor canonicalized, the rest appended. `None`
/// when the part that does not exist yet climbs with `..`.
fn resolve(path: &Path) -> io::Result<Option<PathBuf>> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        let Some(parent) = existing.parent() else {
            break;
        };
        if let Some(name) = existing.file_name() {
            rest.push(name.to_os_string());
        } else {
            return Ok(None);
        }
        existing = parent;
    }
    let mut resolved = std::fs::canonicalize(existing)?;
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::Normal(_)) => resolved.push(part),
            _ => return Ok(None),
        }
    }
    Ok(Some(resolved))
}

/// `path` relative to `root`, with `/` (`.` for the root itself), if it is inside it.
fn inside(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// Whether the Terraform directory `out` is the project root's `.github`, or inside it,
/// where its ledger would be the workflows' own. Both paths as given on the command line.
pub fn out_in_github_dir(root: &Path, out: &Path) -> bool {
    let (Ok(Some(root)), Ok(Some(out))) = (resolve(root), resolve(out)) else {
        return false;
    };
    out.starts_with(root.join(".github"))
}

/// Where the manifest and the Terraform directory are below the project root, as the
/// workflows name them; an error (the message, with its `help:`) when either is outside
/// it, or has a character wharf does not write into a workflow.
pub fn layout(root: &Path, manifest: &Path, out: &Path) -> Result<Layout, String> {
    let unresolved = |what: &str, p: &Path, e: io::Error| {
        format!("could not resolve the {what} {}: {e}", p.display())
    };
    let root_real = std::fs::canonicalize(root).map_err(|e| unresolved("project root", root, e))?;
    let mut rel = Vec::new();
    let mut out_real = None;
    for (what, flag, path) in [
        ("manifest", "--manifest", manifest),
        ("Terraform directory", "--out", out),
    ] {
        let real = resolve(path).map_err(|e| unresolved(what, path, e))?;
        let Some(r) = real.as_deref().and_then(|p| inside(&root_real, p)) else {
            return Err(format!(
                "the {what} {} is not inside the project root {}, which the workflows run from\nhelp: run `wharf render` from the repository's root, or name it with --root; {flag} is a path below it",
                path.display(),
                root.display()
            ));
        };
        if let Some(why) = wharf_model::github::workspace_path_problem(&r, what != "manifest") {
            return Err(format!(
                "the {what} is `{r}` below the project root, which {why}\nhelp: rename it, or choose another {flag}"
            ));
        }
        rel.push(r);
        out_real = real;
    }
    // The last path resolved is --out's.
    if out_real.is_some_and(|o| o.starts_with(root_real.join(".github"))) {
        return Err(format!(
            "the Terraform directory {} is inside the project root's .github, where wharf writes the workflows and their ledger\nhelp: render the Terraform elsewhere with --out, e.g. `--out infra`",
            out.display()
        ));
    }
    let infra = rel.pop().unwrap_or_default();
    let manifest = rel.pop().unwrap_or_default();
    Ok(Layout { manifest, infra })
}
