//! The only place render touches the disk: every path is relative to the output directory,
//! which is resolved once, and no symbolic link inside it is ever followed.
//!
//! `--out` itself, and the directories above it, may be links: they are resolved once, when
//! the directory is opened. Below it, every component of a path is inspected without
//! following links before a file is read, written, renamed or removed, and a link anywhere
//! on the way is refused. A write goes to a temporary file created new and exclusively
//! (`O_CREAT | O_EXCL`, which never follows a link) beside its target, then renamed over it;
//! a file of the user's that happens to have a temporary name is never opened.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a path inside the output directory cannot be used.
#[derive(Debug)]
pub enum Refusal {
    /// A component of the path (given, relative to the output directory) is a symbolic link.
    Link(String),
    /// A component that must be a directory is something else (the path to it).
    NotADirectory(String),
    /// The file itself is a directory.
    IsADirectory(String),
    /// The path is neither a file nor a directory (a named pipe, a socket, a device):
    /// reading it could block forever.
    NotAFile(String),
}

/// A failure inside the output directory.
#[derive(Debug)]
pub enum OutError {
    Refused(Refusal),
    Io {
        /// Relative to the output directory, or empty for the directory itself.
        rel: String,
        action: &'static str,
        source: io::Error,
    },
}

fn io_err<'r>(rel: &'r str, action: &'static str) -> impl FnOnce(io::Error) -> OutError + 'r {
    move |source| OutError::Io {
        rel: rel.to_string(),
        action,
        source,
    }
}

/// Whether `rel` is a path render may use inside its output directory: relative, written with
/// `/`, every component a plain name (no `.`, `..`, empty component, `\`, `:` or NUL), and
/// never inside Terraform's working directory `.terraform/`.
pub fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && rel.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && c != ".terraform"
                && !c.contains(['\\', ':', '\0'])
        })
}

/// What is at a path, looked at without following links.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    Missing,
    File,
    Directory,
}

/// The output directory, resolved once.
pub struct OutDir {
    /// The canonical path: links above and at `--out` resolved.
    real: Option<PathBuf>,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl OutDir {
    /// Resolves `out`; creates it first when `create` is set and it does not exist. Without
    /// `create`, a missing directory is an empty one.
    pub fn open(out: &Path, create: bool) -> Result<OutDir, OutError> {
        match fs::metadata(out) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(OutError::Io {
                    rel: String::new(),
                    action: "use as the output directory",
                    source: io::Error::other("it is not a directory"),
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && !create => {
                return Ok(OutDir { real: None })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(out).map_err(io_err("", "create"))?;
            }
            Err(e) => return Err(io_err("", "inspect")(e)),
        }
        let real = fs::canonicalize(out).map_err(io_err("", "resolve"))?;
        Ok(OutDir { real: Some(real) })
    }

    /// Whether the directory existed when it was opened.
    pub fn exists(&self) -> bool {
        self.real.is_some()
    }

    /// Looks at `rel` without following links: a link anywhere on the way is refused.
    pub fn inspect(&self, rel: &str) -> Result<Entry, OutError> {
        let Some(real) = &self.real else {
            return Ok(Entry::Missing);
        };
        debug_assert!(is_plain_relative(rel), "{rel}");
        let parts: Vec<&str> = rel.split('/').collect();
        let mut path = real.clone();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let shown = parts[..=i].join("/");
            let meta = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Entry::Missing),
                Err(e) => return Err(io_err(rel, "inspect")(e)),
            };
            let last = i + 1 == parts.len();
            if meta.file_type().is_symlink() {
                return Err(OutError::Refused(Refusal::Link(shown)));
            }
            match (last, meta.is_dir()) {
                (false, true) => {}
                (false, false) => return Err(OutError::Refused(Refusal::NotADirectory(shown))),
                (true, true) => return Ok(Entry::Directory),
                (true, false) if meta.is_file() => return Ok(Entry::File),
                (true, false) => return Err(OutError::Refused(Refusal::NotAFile(shown))),
            }
        }
        Ok(Entry::Missing)
    }

    /// The file's bytes, or None when there is no file there.
    pub fn read(&self, rel: &str) -> Result<Option<Vec<u8>>, OutError> {
        match self.inspect(rel)? {
            Entry::Missing => return Ok(None),
            Entry::File => {}
            Entry::Directory => {
                return Err(OutError::Refused(Refusal::IsADirectory(rel.to_string())))
            }
        }
        let path = self.path(rel);
        let mut options = fs::OpenOptions::new();
        options.read(true);
        no_follow(&mut options);
        match options.open(&path) {
            Ok(mut f) => {
                let mut bytes = Vec::new();
                io::Read::read_to_end(&mut f, &mut bytes).map_err(io_err(rel, "read"))?;
                Ok(Some(bytes))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(rel, "read")(e)),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        let mut p = self.real.clone().unwrap_or_default();
        p.extend(rel.split('/'));
        p
    }

    /// Creates the directories above `rel`, refusing any link on the way.
    fn make_parents(&self, rel: &str) -> Result<(), OutError> {
        let parts: Vec<&str> = rel.split('/').collect();
        for i in 1..parts.len() {
            let dir = parts[..i].join("/");
            match self.inspect(&dir)? {
                Entry::Missing => match fs::create_dir(self.path(&dir)) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(io_err(rel, "create the directory of")(e)),
                },
                Entry::Directory => {}
                Entry::File => return Err(OutError::Refused(Refusal::NotADirectory(dir))),
            }
        }
        // Whatever was made meanwhile on the way is checked once more.
        self.expect_file_or_nothing(rel)
    }

    fn expect_file_or_nothing(&self, rel: &str) -> Result<(), OutError> {
        match self.inspect(rel)? {
            Entry::Missing | Entry::File => Ok(()),
            Entry::Directory => Err(OutError::Refused(Refusal::IsADirectory(rel.to_string()))),
        }
    }

    /// Writes `bytes` to `rel` atomically: into a temporary file created new beside it, then
    /// renamed over it. What is at `rel` must be a regular file or nothing.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutError> {
        self.make_parents(rel)?;
        let target = self.path(rel);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let (tmp, mut file) = loop {
            let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let tmp =
                target.with_file_name(format!(".{name}.{}-{n}.wharf-tmp", std::process::id()));
            let mut options = fs::OpenOptions::new();
            // `create_new` is O_CREAT | O_EXCL: it fails on any existing path, a link included.
            options.write(true).create_new(true);
            match options.open(&tmp) {
                Ok(f) => break (tmp, f),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < u64::MAX => continue,
                Err(e) => return Err(io_err(rel, "create a temporary file for")(e)),
            }
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        let renamed = written.map_err(io_err(rel, "write")).and_then(|()| {
            // Checked again just before: what is at the target now must not be a link.
            self.expect_file_or_nothing(rel)?;
            fs::rename(&tmp, &target).map_err(io_err(rel, "replace"))
        });
        if renamed.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        renamed
    }

    /// Removes the file at `rel`, then the directories it leaves empty, up to (never
    /// including) the output directory.
    pub fn remove(&self, rel: &str) -> Result<(), OutError> {
        match self.inspect(rel)? {
            Entry::Missing => return Ok(()),
            Entry::File => {}
            Entry::Directory => {
                return Err(OutError::Refused(Refusal::IsADirectory(rel.to_string())))
            }
        }
        fs::remove_file(self.path(rel)).map_err(io_err(rel, "remove"))?;
        let mut parts: Vec<&str> = rel.split('/').collect();
        parts.pop();
        while !parts.is_empty() {
            let dir = parts.join("/");
            // Only a real directory, never a link, and only when empty (remove_dir fails
            // otherwise).
            if !matches!(self.inspect(&dir), Ok(Entry::Directory)) {
                break;
            }
            if fs::remove_dir(self.path(&dir)).is_err() {
                break;
            }
            parts.pop();
        }
        Ok(())
    }

    /// The plain files below `dirs` (relative), without entering hidden directories or
    /// following links, as relative paths.
    pub fn walk(&self, dirs: &[&str]) -> Result<Vec<String>, OutError> {
        let mut found = Vec::new();
        let mut stack: Vec<String> = Vec::new();
        for d in dirs {
            if self.inspect(d)? == Entry::Directory {
                stack.push((*d).to_string());
            }
        }
        while let Some(dir) = stack.pop() {
            let entries = fs::read_dir(self.path(&dir)).map_err(io_err(&dir, "read directory"))?;
            for entry in entries {
                let entry = entry.map_err(io_err(&dir, "read directory"))?;
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                if name.starts_with('.') {
                    continue;
                }
                let rel = format!("{dir}/{name}");
                let kind = entry.file_type().map_err(io_err(&rel, "inspect"))?;
                if kind.is_dir() {
                    stack.push(rel);
                } else if kind.is_file() && is_plain_relative(&rel) {
                    found.push(rel);
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Opens without following a link at the last component, where the platform can say so;
/// `inspect` has already refused links everywhere on the path.
fn no_follow(options: &mut fs::OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = options;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths() {
        for ok in ["modules/network/main.tf", "environments/dev/README.md", "a"] {
            assert!(is_plain_relative(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "modules/../../x",
            "modules/./x",
            "modules//x",
            "modules\\..\\x",
            "C:/x",
            "environments/dev/.terraform/terraform.tfstate",
            "a\0b",
        ] {
            assert!(!is_plain_relative(bad), "{bad:?}");
        }
    }
}
