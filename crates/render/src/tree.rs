//! Writing a rendered tree to disk, and comparing it with what is there.
//!
//! wharf keeps a ledger, `.wharf-files` in the output directory, of every file it wrote and
//! the SHA-256 of what it wrote. A file is wharf's to overwrite or delete only when the ledger
//! lists it and its content is still what wharf wrote: a file someone wrote or edited is
//! never overwritten without `--force` and never deleted. Removing an environment's root,
//! whose infrastructure may still be live, additionally needs `--prune`.
//!
//! The workflows live in the project root, which GitHub reads `.github/workflows/` from,
//! not in the Terraform directory. They have a ledger of their own, `.github/.wharf-files`
//! in the project root, kept by the same rules: [`Scope`] says which ledger and which
//! directories a write covers, and nothing else differs. The two ledgers never list the
//! same file, since `--out` may not be `.github` or below it.
//!
//! The ledger is input like any other: an entry that is absolute, climbs with `..` or is
//! otherwise not a plain relative path is refused with its line, before anything is written
//! or removed. Entries of an older ledger (64-bit FNV-1a hashes, which anyone can forge) are
//! no proof of ownership: such a file is wharf's only when it already holds what render
//! writes now.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::outdir::{is_plain_relative, OutDir, OutError, Refusal};
use crate::{Tree, GENERATED_MARK};

/// The ledger's file name, inside the output directory.
pub const LEDGER: &str = ".wharf-files";

/// The project root's ledger, of the workflows.
pub const PROJECT_LEDGER: &str = ".github/.wharf-files";

/// Which ledger a write keeps, the directories its entries may be below, and where a tree
/// without a ledger is searched for files that carry wharf's header.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    ledger: &'static str,
    /// A ledger entry anywhere else is refused: wharf never writes there, so it owns
    /// nothing there (a forged entry for `.git/HEAD` must not make it delete that file).
    dirs: &'static [&'static str],
    scan: &'static [&'static str],
    /// What the directory holds, for messages: "the Terraform", "the workflows".
    holds: &'static str,
}

/// The Terraform directory (`--out`).
pub const TERRAFORM: Scope = Scope {
    ledger: LEDGER,
    dirs: &["modules", "environments", crate::bootstrap::DIR],
    scan: &["modules", "environments"],
    holds: "the Terraform",
};

/// The project root (`--root`): the workflows. No wharf before the ledger wrote workflows,
/// so without a ledger it owns none.
pub const PROJECT: Scope = Scope {
    ledger: PROJECT_LEDGER,
    dirs: &[crate::workflows::DIR],
    scan: &[],
    holds: "the workflows",
};

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
    /// A ledger from an earlier wharf lists it with a hash that proves nothing, and it does
    /// not hold what render writes now.
    Unverified(String),
}

#[derive(Debug)]
pub enum TreeError {
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// The output directory holds another app's tree (the Terraform, or the workflows).
    OtherApp {
        dir: PathBuf,
        app: String,
        holds: &'static str,
    },
    /// Files under `dir` that writing would overwrite; nothing was written.
    Conflicts { dir: PathBuf, files: Vec<Conflict> },
    /// A line of the ledger that is not an entry render could have written; nothing was
    /// written or removed.
    Ledger {
        path: PathBuf,
        line: usize,
        why: &'static str,
    },
    /// Paths inside the output directory that render would have to write, read or remove
    /// through a symbolic link, or that are not what they must be; nothing was written.
    Refused { dir: PathBuf, paths: Vec<Refusal> },
}

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TreeError::Io { path, action, source } => {
                write!(f, "could not {action} {}: {source}", path.display())
            }
            TreeError::OtherApp { dir, app, holds } => write!(
                f,
                "{} holds {holds} of app `{app}`\nhelp: {}",
                dir.display(),
                if *holds == PROJECT.holds {
                    "a repository's workflows are one app's: deploy this app from a repository of its own, or name another project root with --root"
                } else {
                    "render each app into its own directory with --out"
                }
            ),
            TreeError::Conflicts { dir, files } => {
                writeln!(f, "rendering would overwrite files wharf does not own; nothing was written:")?;
                let mut legacy = false;
                for c in files {
                    match c {
                        Conflict::Foreign(p) => writeln!(f, "  {} (not written by wharf)", dir.join(p).display())?,
                        Conflict::Edited(p) => writeln!(f, "  {} (edited since wharf wrote it)", dir.join(p).display())?,
                        Conflict::Unverified(p) => {
                            legacy = true;
                            writeln!(f, "  {} (listed in a ledger from an earlier wharf, whose hashes cannot be trusted)", dir.join(p).display())?
                        }
                    }
                }
                if legacy {
                    writeln!(f, "note: earlier versions of wharf recorded a 64-bit hash that anyone can forge, so wharf no longer takes it as proof that it wrote a file")?;
                }
                write!(f, "help: move them away or bring the edits into the manifest; --force overwrites them")
            }
            TreeError::Ledger { path, line, why } => write!(
                f,
                "{}:{line}: {why}; nothing was written or removed\nhelp: the ledger lists only files below the output directory, by relative path; restore it from version control, or delete it (wharf then owns only the files that carry its header)",
                path.display()
            ),
            TreeError::Refused { dir, paths } => {
                writeln!(f, "rendering would write through paths wharf does not follow; nothing was written:")?;
                for r in paths {
                    match r {
                        Refusal::Link(p) => writeln!(f, "  {} is a symbolic link", dir.join(p).display())?,
                        Refusal::NotADirectory(p) => writeln!(f, "  {} is not a directory", dir.join(p).display())?,
                        Refusal::IsADirectory(p) => writeln!(f, "  {} is a directory", dir.join(p).display())?,
                        Refusal::NotAFile(p) => writeln!(f, "  {} is not a regular file", dir.join(p).display())?,
                    }
                }
                write!(f, "help: wharf never writes, renames or deletes through a link inside its output directory; replace each link with the directory or file itself, or render elsewhere with --out (which may itself be a link)")
            }
        }
    }
}

impl std::error::Error for TreeError {}

/// The error of an operation inside `out`, with the path the user knows.
fn located(out: &Path) -> impl Fn(OutError) -> TreeError + '_ {
    move |e| match e {
        OutError::Refused(r) => TreeError::Refused {
            dir: out.to_path_buf(),
            paths: vec![r],
        },
        OutError::Io {
            rel,
            action,
            source,
        } => TreeError::Io {
            path: if rel.is_empty() {
                out.to_path_buf()
            } else {
                out.join(rel)
            },
            action,
            source,
        },
    }
}

/// What the ledger says wharf wrote at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Written {
    /// The SHA-256 of the bytes wharf wrote.
    Sha256([u8; 32]),
    /// An entry of a ledger from before SHA-256 (a 64-bit FNV-1a hash, kept as written). It
    /// is no proof: the file is wharf's only if it holds exactly what render writes now.
    Legacy(String),
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn is_generated(text: &[u8]) -> bool {
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first).contains(GENERATED_MARK)
}

#[derive(Debug, Default)]
struct Ledger {
    app: Option<String>,
    files: BTreeMap<String, Written>,
}

/// Reads the ledger, refusing any line that is not an entry render could have written: a
/// path that is absolute, climbs with `..`, or is not plain (see [`is_plain_relative`]).
fn read_ledger(dir: &OutDir, out: &Path, scope: Scope) -> Result<Option<Ledger>, TreeError> {
    let path = out.join(scope.ledger);
    let Some(bytes) = dir.read(scope.ledger).map_err(located(out))? else {
        return Ok(None);
    };
    let bad = |line: usize, why: &'static str| TreeError::Ledger {
        path: path.clone(),
        line,
        why,
    };
    let text = String::from_utf8(bytes).map_err(|_| bad(1, "the ledger is not UTF-8 text"))?;
    let mut ledger = Ledger::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(app) = line.strip_prefix("app ") {
            ledger.app = Some(app.to_string());
            continue;
        }
        let Some((h, rel)) = line.split_once(' ') else {
            return Err(bad(n, "this line is not `HASH PATH`"));
        };
        let written = if let Some(h) = parse_hex32(h) {
            Written::Sha256(h)
        } else if h.len() == 16 && u64::from_str_radix(h, 16).is_ok() {
            Written::Legacy(h.to_string())
        } else {
            return Err(bad(n, "this line's hash is not a SHA-256 in hex"));
        };
        if rel.starts_with('/') || rel.starts_with('\\') || Path::new(rel).is_absolute() {
            return Err(bad(n, "this entry is an absolute path"));
        }
        if rel.split(['/', '\\']).any(|c| c == "..") {
            return Err(bad(
                n,
                "this entry climbs out of the output directory with `..`",
            ));
        }
        if !is_plain_relative(rel) {
            return Err(bad(n, "this entry is not a plain relative path"));
        }
        if !scope
            .dirs
            .iter()
            .any(|d| rel.strip_prefix(d).is_some_and(|r| r.starts_with('/')))
        {
            return Err(bad(
                n,
                "this entry is not below a directory wharf writes here",
            ));
        }
        ledger.files.insert(rel.to_string(), written);
    }
    Ok(Some(ledger))
}

fn write_ledger(
    dir: &OutDir,
    scope: Scope,
    app: &str,
    files: &BTreeMap<String, Written>,
) -> Result<(), OutError> {
    let mut text = String::from("# Files wharf wrote here, with the SHA-256 of what it wrote; wharf reads this\n# to know which files it may replace or delete. Do not edit.\n");
    text.push_str(&format!("app {app}\n"));
    for (p, w) in files {
        match w {
            Written::Sha256(h) => text.push_str(&format!("{} {p}\n", hex(h))),
            Written::Legacy(h) => text.push_str(&format!("{h} {p}\n")),
        }
    }
    dir.write(scope.ledger, text.as_bytes())
}

/// Generated files below `out` without a ledger (a tree from before the ledger existed):
/// those whose first line carries wharf's header. Hidden directories are never entered and
/// links never followed.
fn scan_generated(
    dir: &OutDir,
    out: &Path,
    scope: Scope,
) -> Result<BTreeMap<String, Written>, TreeError> {
    let mut found = BTreeMap::new();
    for rel in dir.walk(scope.scan).map_err(located(out))? {
        if let Some(bytes) = dir.read(&rel).map_err(located(out))? {
            if is_generated(&bytes) {
                found.insert(rel, Written::Sha256(sha256(&bytes)));
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
#[derive(Default)]
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
    ledger: BTreeMap<String, Written>,
}

/// Reads what is at `rel`, collecting a refusal instead of failing at the first one, so
/// that every link is reported at once.
fn read_checked(
    dir: &OutDir,
    out: &Path,
    rel: &str,
    refused: &mut Vec<Refusal>,
) -> Result<Option<Vec<u8>>, TreeError> {
    match dir.read(rel) {
        Ok(bytes) => Ok(bytes),
        Err(OutError::Refused(r)) => {
            let already = refused.iter().any(|o| same_refusal(o, &r));
            if !already {
                refused.push(r);
            }
            Ok(None)
        }
        Err(e) => Err(located(out)(e)),
    }
}

fn same_refusal(a: &Refusal, b: &Refusal) -> bool {
    match (a, b) {
        (Refusal::Link(x), Refusal::Link(y))
        | (Refusal::NotADirectory(x), Refusal::NotADirectory(y))
        | (Refusal::IsADirectory(x), Refusal::IsADirectory(y))
        | (Refusal::NotAFile(x), Refusal::NotAFile(y)) => x == y,
        _ => false,
    }
}

/// The files wharf wrote into `out` before: its ledger, or for a tree without one, the
/// files that carry wharf's header. Refuses a tree another app's ledger owns.
fn owned(
    dir: &OutDir,
    out: &Path,
    tree: &Tree,
    scope: Scope,
) -> Result<BTreeMap<String, Written>, TreeError> {
    let existing = read_ledger(dir, out, scope)?;
    if let Some(app) = existing.as_ref().and_then(|l| l.app.as_ref()) {
        if *app != tree.app {
            return Err(TreeError::OtherApp {
                dir: out.to_path_buf(),
                app: app.clone(),
                holds: scope.holds,
            });
        }
    }
    match existing {
        Some(l) => Ok(l.files),
        None => scan_generated(dir, out, scope),
    }
}

fn plan(
    dir: &OutDir,
    out: &Path,
    tree: &Tree,
    opts: WriteOptions,
    scope: Scope,
) -> Result<Plan, TreeError> {
    let owned = owned(dir, out, tree, scope)?;
    let rendered: BTreeSet<&str> = tree.environments.iter().map(|e| e.name.as_str()).collect();
    let bootstrap = format!("{}/", crate::bootstrap::DIR);
    let bootstrap_rendered = tree.files.keys().any(|k| k.starts_with(&bootstrap));
    let mut p = Plan::default();
    let mut refused = Vec::new();
    for (rel, text) in &tree.files {
        p.ledger
            .insert(rel.clone(), Written::Sha256(sha256(text.as_bytes())));
        let Some(on_disk) = read_checked(dir, out, rel, &mut refused)? else {
            p.writes.push(rel.clone());
            continue;
        };
        if on_disk == text.as_bytes() {
            p.unchanged += 1;
            continue;
        }
        match owned.get(rel) {
            _ if opts.force => {}
            Some(Written::Sha256(h)) if *h == sha256(&on_disk) => {}
            Some(Written::Sha256(_)) => p.conflicts.push(Conflict::Edited(rel.clone())),
            Some(Written::Legacy(_)) => p.conflicts.push(Conflict::Unverified(rel.clone())),
            None => p.conflicts.push(Conflict::Foreign(rel.clone())),
        }
        p.writes.push(rel.clone());
        p.previous
            .insert(rel.clone(), String::from_utf8_lossy(&on_disk).into_owned());
    }
    for (rel, written) in &owned {
        if tree.files.contains_key(rel) {
            continue;
        }
        let env = env_of(rel);
        let in_scope = !opts.filtered || env.is_none_or(|e| rendered.contains(e));
        if !in_scope {
            p.ledger.insert(rel.clone(), written.clone());
            continue;
        }
        let Some(on_disk) = read_checked(dir, out, rel, &mut refused)? else {
            continue; // already gone (or refused, reported below): forget it
        };
        if *written != Written::Sha256(sha256(&on_disk)) {
            p.kept_edited.push(rel.clone());
            continue;
        }
        // An environment the manifest no longer has, or the bootstrap root once `[delivery]`
        // is gone: its infrastructure may be live.
        let gone_root = match env {
            Some(e) => !rendered.contains(e),
            None => rel.starts_with(&bootstrap) && !bootstrap_rendered,
        };
        if gone_root && !opts.prune {
            p.unpruned.push(rel.clone());
            p.ledger.insert(rel.clone(), written.clone());
        } else {
            p.remove.push(rel.clone());
        }
    }
    if !refused.is_empty() {
        return Err(TreeError::Refused {
            dir: out.to_path_buf(),
            paths: refused,
        });
    }
    Ok(p)
}

/// A write that has been checked and not yet done: [`prepare`] every directory first, then
/// [`Prepared::apply`] each, so that a conflict in one leaves all of them untouched.
pub struct Prepared<'t> {
    dir: OutDir,
    out: std::path::PathBuf,
    tree: &'t Tree,
    scope: Scope,
    plan: Plan,
}

/// Checks what writing `tree` under `out` would do, and refuses, writing nothing, when a
/// file it would overwrite is not its own (unless `opts.force`), when the ledger names a
/// path outside `out`, or when a path it would use goes through a symbolic link.
pub fn prepare<'t>(
    out: &Path,
    tree: &'t Tree,
    opts: WriteOptions,
    scope: Scope,
) -> Result<Prepared<'t>, TreeError> {
    // Not created yet: a refusal in another directory's write must leave this one as it was.
    let dir = OutDir::open(out, false).map_err(located(out))?;
    let plan = plan(&dir, out, tree, opts, scope)?;
    if !plan.conflicts.is_empty() {
        return Err(TreeError::Conflicts {
            dir: out.to_path_buf(),
            files: plan.conflicts,
        });
    }
    Ok(Prepared {
        dir,
        out: out.to_path_buf(),
        tree,
        scope,
        plan,
    })
}

impl Prepared<'_> {
    /// Writes the tree, removes the generated files it no longer produces, and records what
    /// it wrote.
    pub fn apply(self) -> Result<WriteReport, TreeError> {
        let p = self.plan;
        let at = located(&self.out);
        let dir = if self.dir.exists() {
            self.dir
        } else {
            OutDir::open(&self.out, true).map_err(&at)?
        };
        for rel in &p.writes {
            dir.write(rel, self.tree.files[rel].as_bytes())
                .map_err(&at)?;
        }
        for rel in &p.remove {
            dir.remove(rel).map_err(&at)?;
        }
        if p.ledger.is_empty() && self.tree.files.is_empty() {
            // Nothing of wharf's is left here (the workflows once `[delivery]` is gone).
            dir.remove(self.scope.ledger).map_err(&at)?;
        } else {
            write_ledger(&dir, self.scope, &self.tree.app, &p.ledger).map_err(&at)?;
        }
        Ok(WriteReport {
            written: p.writes,
            unchanged: p.unchanged,
            removed: p.remove,
            unpruned: p.unpruned,
            kept_edited: p.kept_edited,
        })
    }
}

/// The app whose ledger of `scope` is in `dir`, if there is one.
pub fn ledger_app(dir: &Path, scope: Scope) -> Result<Option<String>, TreeError> {
    let opened = OutDir::open(dir, false).map_err(located(dir))?;
    Ok(read_ledger(&opened, dir, scope)?.and_then(|l| l.app))
}

/// Writes `tree` under `out` ([`prepare`], then [`Prepared::apply`]).
pub fn write(out: &Path, tree: &Tree, opts: WriteOptions) -> Result<WriteReport, TreeError> {
    prepare(out, tree, opts, TERRAFORM)?.apply()
}

/// Compares `tree` with the files under `out`, without writing anything.
pub fn check(
    out: &Path,
    tree: &Tree,
    filtered: bool,
    scope: Scope,
) -> Result<Vec<Drift>, TreeError> {
    let opts = WriteOptions {
        filtered,
        prune: true,
        force: true,
    };
    let dir = OutDir::open(out, false).map_err(located(out))?;
    let p = plan(&dir, out, tree, opts, scope)?;
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
    use super::*;

    #[test]
    fn ledger_hash_is_sha256() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(parse_hex32(&hex(&sha256(b"abc"))), Some(sha256(b"abc")));
        assert_eq!(parse_hex32("cbf29ce484222325"), None);
    }
}
