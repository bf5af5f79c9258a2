//! `wharf render` never touches a byte outside its output directory, never writes through a
//! link inside it, and never loses a user's file inside it: each test builds a hostile tree,
//! runs the real binary, and compares every path of the sandbox before and after.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

mod common;

use common::{wharf, Run};

/// Every path below `root`, links not followed: a file by its bytes, a link by its target.
#[derive(Debug, PartialEq, Eq, Clone)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
    /// A named pipe, a socket or a device: never read.
    Special,
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Node> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let meta = fs::symlink_metadata(&path).unwrap();
            let node = if meta.file_type().is_symlink() {
                Node::Link(fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Node::Dir
            } else if meta.is_file() {
                Node::File(fs::read(&path).unwrap())
            } else {
                Node::Special
            };
            out.insert(rel, node);
        }
    }
    out
}

/// A sandbox: `wharf.toml` (the minimal example), `outside/` with the user's data (files, an
/// empty file in nested directories), and the output directory `infra/` to be.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/minimal/wharf.toml"),
            root.join("wharf.toml"),
        )
        .unwrap();
        fs::create_dir_all(root.join("outside/nested/deeper")).unwrap();
        fs::write(root.join("outside/data.txt"), "the user's data\n").unwrap();
        fs::write(root.join("outside/nested/deeper/empty"), "").unwrap();
        fs::create_dir_all(root.join("outside/elsewhere")).unwrap();
        Sandbox { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn link(&self, rel: &str, target: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        symlink(target, p).unwrap();
    }

    fn render(&self, args: &[&str]) -> Run {
        let mut all = vec!["render"];
        all.extend_from_slice(args);
        wharf(self.root(), &all)
    }

    /// Runs render and asserts it refused with exit 2, changing nothing anywhere.
    fn refused(&self, args: &[&str]) -> String {
        let before = snapshot(self.root());
        let run = self.render(args);
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert_eq!(
            snapshot(self.root()),
            before,
            "a refused render changed files:\n{}",
            run.stderr
        );
        run.stderr
    }

    fn outside(&self) -> BTreeMap<PathBuf, Node> {
        snapshot(&self.path("outside"))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The ledger hash of wharf 0.1 (FNV-1a, 64 bits).
fn fnv1a(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{h:016x}")
}

#[test]
fn a_ledger_entry_outside_the_output_directory_is_refused_with_its_line() {
    let empty = sha256_hex(b"");
    let data = sha256_hex(b"the user's data\n");
    let cases = [
        (format!("{data} {{ROOT}}/outside/data.txt"), "absolute path"),
        (format!("{empty} ../outside/nested/deeper/empty"), "`..`"),
        (
            format!("{empty} modules/../../outside/nested/deeper/empty"),
            "`..`",
        ),
        (format!("{empty} modules//x"), "not a plain relative path"),
        (
            format!("{empty} environments/dev/.terraform/terraform.tfstate"),
            "not a plain relative path",
        ),
        (fnv1a(b"") + " ../outside/nested/deeper/empty", "`..`"),
        ("not-a-hash modules/x".to_string(), "not a SHA-256"),
    ];
    for (entry, why) in cases {
        let s = Sandbox::new();
        let entry = entry.replace("{ROOT}", &s.root().display().to_string());
        s.write(
            "infra/.wharf-files",
            &format!("# a ledger\napp hello\n{entry}\n"),
        );
        let stderr = s.refused(&[]);
        assert!(
            stderr.contains("infra/.wharf-files:3: ") && stderr.contains(why),
            "{entry}: {stderr}"
        );
        assert!(
            stderr.contains("nothing was written or removed"),
            "{stderr}"
        );
        assert!(!s.path("infra/modules").exists());
    }
}

#[test]
fn a_linked_directory_or_file_inside_the_output_is_refused_with_its_path() {
    for (link, target, shown) in [
        (
            "infra/modules",
            "../outside/elsewhere",
            "infra/modules is a symbolic link",
        ),
        (
            "infra/environments/dev",
            "../../outside/elsewhere",
            "infra/environments/dev is a symbolic link",
        ),
        (
            "infra/modules/network/main.tf",
            "../../../outside/data.txt",
            "infra/modules/network/main.tf is a symbolic link",
        ),
        (
            "infra/.wharf-files",
            "../outside/data.txt",
            "infra/.wharf-files is a symbolic link",
        ),
    ] {
        for force in [false, true] {
            let s = Sandbox::new();
            s.link(link, target);
            let outside = s.outside();
            let args: &[&str] = if force { &["--force"] } else { &[] };
            let stderr = s.refused(args);
            assert!(stderr.contains(shown), "{link}: {stderr}");
            assert!(stderr.contains("nothing was written"), "{stderr}");
            assert_eq!(s.outside(), outside);
            // `--check` writes nothing anyway, and says the same.
            let check = s.refused(&["--check"]);
            assert!(check.contains(shown), "{check}");
        }
    }
}

#[test]
fn a_link_to_a_directory_is_refused_even_in_a_tree_wharf_rendered() {
    // The tree was rendered; then a generated directory is replaced by a link to the user's
    // data. Neither render nor --prune may write or delete through it.
    let s = Sandbox::new();
    assert_eq!(s.render(&[]).code, 0);
    fs::rename(
        s.path("infra/modules/alarms"),
        s.path("outside/elsewhere/alarms"),
    )
    .unwrap();
    s.link("infra/modules/alarms", "../../outside/elsewhere/alarms");
    let outside = s.outside();
    let stderr = s.refused(&["--prune"]);
    assert!(
        stderr.contains("infra/modules/alarms is a symbolic link"),
        "{stderr}"
    );
    assert_eq!(s.outside(), outside);
}

#[test]
fn temporary_files_never_reuse_a_path_that_exists() {
    let s = Sandbox::new();
    assert_eq!(s.render(&[]).code, 0);
    // What the previous version used as its temporary name, as a link and as a user's file.
    s.link(
        "infra/environments/dev/main.tf.wharf-tmp",
        "../../../outside/data.txt",
    );
    s.write(
        "infra/modules/network/main.tf.wharf-tmp",
        "the user's own\n",
    );
    let manifest = fs::read_to_string(s.path("wharf.toml")).unwrap();
    fs::write(
        s.path("wharf.toml"),
        manifest.replace("port         = 8080", "port         = 8081"),
    )
    .unwrap();
    let before = snapshot(s.root());
    let run = s.render(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("written"), "{}", run.stdout);
    let after = snapshot(s.root());
    let outside = |t: &BTreeMap<PathBuf, Node>| {
        t.iter()
            .filter(|(k, _)| k.starts_with("outside"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(outside(&after), outside(&before));
    for user in [
        "infra/environments/dev/main.tf.wharf-tmp",
        "infra/modules/network/main.tf.wharf-tmp",
    ] {
        assert_eq!(after[Path::new(user)], before[Path::new(user)], "{user}");
    }
    // No temporary file is left behind.
    assert!(
        !after
            .keys()
            .any(|k| k.to_string_lossy().ends_with(".wharf-tmp") && !before.contains_key(k)),
        "{after:?}"
    );
    assert!(fs::read_to_string(s.path("infra/environments/dev/main.tf"))
        .unwrap()
        .contains("8081"));
}

#[test]
fn the_output_directory_may_itself_be_a_link() {
    let s = Sandbox::new();
    fs::create_dir(s.path("real-infra")).unwrap();
    s.write("real-infra/notes.md", "mine\n");
    s.link("infra", "real-infra");
    let first = s.render(&[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(s.path("real-infra/environments/dev/main.tf").is_file());
    assert!(fs::symlink_metadata(s.path("infra"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(s.path("real-infra/notes.md")).unwrap(),
        "mine\n"
    );
    let again = s.render(&[]);
    assert!(again.stdout.contains("0 files written"), "{}", again.stdout);
    // A directory above --out may be a link too.
    s.link("via", ".");
    let nested = s.render(&["--out", "via/infra"]);
    assert!(
        nested.stdout.contains("0 files written"),
        "{}",
        nested.stdout
    );
}

#[test]
fn the_ledger_records_sha256() {
    let s = Sandbox::new();
    assert_eq!(s.render(&[]).code, 0);
    let ledger = fs::read_to_string(s.path("infra/.wharf-files")).unwrap();
    let main = fs::read(s.path("infra/environments/dev/main.tf")).unwrap();
    assert!(
        ledger.contains(&format!("{} environments/dev/main.tf\n", sha256_hex(&main))),
        "{ledger}"
    );
}

/// Rewrites the ledger as wharf 0.1 wrote it, adding `extra` entries (path, content hashed).
fn legacy_ledger(s: &Sandbox, extra: &[(&str, &[u8])]) {
    let ledger = fs::read_to_string(s.path("infra/.wharf-files")).unwrap();
    let mut text = String::from("# Files wharf wrote here, with a hash of what it wrote\n");
    for line in ledger.lines().filter(|l| !l.starts_with('#')) {
        if line.starts_with("app ") {
            text.push_str(line);
        } else {
            let (_, rel) = line.split_once(' ').unwrap();
            let bytes = fs::read(s.path("infra").join(rel)).unwrap();
            text.push_str(&format!("{} {rel}", fnv1a(&bytes)));
        }
        text.push('\n');
    }
    for (rel, bytes) in extra {
        text.push_str(&format!("{} {rel}\n", fnv1a(bytes)));
    }
    fs::write(s.path("infra/.wharf-files"), text).unwrap();
}

#[test]
fn an_old_ledger_proves_nothing_but_what_render_writes_now() {
    let s = Sandbox::new();
    assert_eq!(s.render(&[]).code, 0);
    // A user's file, listed in an old ledger with its correct (forgeable) hash.
    let mine = b"# my own notes\n";
    s.write("infra/environments/dev/mine.tf", "# my own notes\n");
    let edited = fs::read_to_string(s.path("infra/environments/dev/main.tf"))
        .unwrap()
        .replace("= 7", "= 14");
    fs::write(s.path("infra/environments/dev/main.tf"), &edited).unwrap();
    legacy_ledger(&s, &[("environments/dev/mine.tf", mine)]);

    // The edited file carries a valid old hash of its edited content: still not wharf's.
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains("infra/environments/dev/main.tf (listed in a ledger from an earlier wharf"),
        "{stderr}"
    );

    // With the edit undone, every file holds what render writes: the tree is migrated, and
    // the user's file, which render does not write, is kept and listed.
    let pristine = edited.replace("= 14", "= 7");
    fs::write(s.path("infra/environments/dev/main.tf"), pristine).unwrap();
    let run = s.render(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("0 removed"), "{}", run.stdout);
    assert!(
        run.stderr.contains("kept infra/environments/dev/mine.tf"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read(s.path("infra/environments/dev/mine.tf")).unwrap(),
        mine
    );
    let ledger = fs::read_to_string(s.path("infra/.wharf-files")).unwrap();
    assert!(!ledger.contains("mine.tf"), "{ledger}");
    assert!(
        ledger
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("app "))
            .all(|l| l.split(' ').next().unwrap().len() == 64),
        "{ledger}"
    );
}

#[test]
fn a_named_pipe_where_a_file_goes_is_refused_not_waited_on() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.path("infra/environments/dev")).unwrap();
    let fifo = s.path("infra/environments/dev/main.tf");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains("infra/environments/dev/main.tf is not a regular file"),
        "{stderr}"
    );
}

// The workflows of `[delivery]` go to the project root (`--root`, the current directory by
// default), under their own ledger `.github/.wharf-files`, with every rule of the
// Terraform directory's.

const DELIVERY: &str = "\n[delivery]\nrepository = \"acme/shop\"\nwharf_git  = \"https://github.com/acme/wharf\"\nwharf_rev  = \"0123456789abcdef0123456789abcdef01234567\"\n";

const WORKFLOWS: [&str; 2] = [
    ".github/workflows/wharf-checks.yml",
    ".github/workflows/wharf-deploy.yml",
];

impl Sandbox {
    fn with_delivery() -> Sandbox {
        let s = Sandbox::new();
        let manifest = fs::read_to_string(s.path("wharf.toml")).unwrap();
        s.write("wharf.toml", &format!("{manifest}{DELIVERY}"));
        s
    }

    fn without_delivery(&self) {
        let manifest = fs::read_to_string(self.path("wharf.toml")).unwrap();
        self.write("wharf.toml", &manifest.replace(DELIVERY, ""));
    }
}

#[test]
fn workflows_go_to_the_project_root_under_their_own_ledger() {
    let s = Sandbox::with_delivery();
    let outside = s.outside();
    let run = s.render(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Workflows in ./.github/workflows/: wharf-checks.yml (pull requests) and wharf-deploy.yml (releases); 2 written, 0 unchanged, 0 removed."),
        "{}",
        run.stdout
    );
    let ledger = fs::read_to_string(s.path(".github/.wharf-files")).unwrap();
    for w in WORKFLOWS {
        let text = fs::read(s.path(w)).unwrap();
        let rel = w.strip_prefix("./").unwrap_or(w);
        assert!(
            ledger.contains(&format!("{} {rel}\n", sha256_hex(&text))),
            "{ledger}"
        );
    }
    let terraform = fs::read_to_string(s.path("infra/.wharf-files")).unwrap();
    assert!(!terraform.contains(".github"), "{terraform}");
    assert_eq!(s.outside(), outside);
    let check = s.render(&["--check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stdout
            .contains("infra and ./.github/workflows are up to date"),
        "{}",
        check.stdout
    );
    // A workflow edited by hand is stale to --check, and not overwritten.
    s.write(WORKFLOWS[0], "# mine\n");
    let check = s.render(&["--check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stderr
            .contains("1 file in ./.github/workflows differs"),
        "{}",
        check.stderr
    );
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains("wharf-checks.yml (edited since wharf wrote it)"),
        "{stderr}"
    );
}

#[test]
fn a_workflow_wharf_did_not_write_is_never_overwritten_and_nothing_is_written() {
    let s = Sandbox::with_delivery();
    s.write(WORKFLOWS[1], "name: ours\n");
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains(".github/workflows/wharf-deploy.yml (not written by wharf)"),
        "{stderr}"
    );
    // Not even the Terraform directory was created: both are checked before either is
    // written.
    assert!(!s.path("infra").exists());
}

#[test]
fn workflows_go_with_delivery_and_an_edited_one_is_kept() {
    let s = Sandbox::with_delivery();
    assert_eq!(s.render(&[]).code, 0);
    s.write(WORKFLOWS[0], "# Generated by wharf, then edited\n");
    s.without_delivery();
    let run = s.render(&["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!s.path(WORKFLOWS[1]).exists());
    assert!(s.path(WORKFLOWS[0]).exists());
    assert!(
        run.stderr
            .contains("warning: kept ./.github/workflows/wharf-checks.yml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains(
            "none, since the manifest has no `[delivery]`; 0 written, 0 unchanged, 1 removed."
        ),
        "{}",
        run.stdout
    );
    // The Terraform tree is whole.
    assert!(s.path("infra/environments/dev/main.tf").exists());
}

#[test]
fn the_manifest_and_the_terraform_directory_must_be_inside_the_project_root() {
    let s = Sandbox::with_delivery();
    fs::create_dir_all(s.path("sub")).unwrap();
    let stderr = s.refused(&["--root", "sub"]);
    assert!(
        stderr.contains("the manifest wharf.toml is not inside the project root sub"),
        "{stderr}"
    );
    let stderr = s.refused(&["--out", "outside/../../elsewhere"]);
    assert!(
        stderr.contains("is not inside the project root ."),
        "{stderr}"
    );
    let stderr = s.refused(&["--out", ".github/infra"]);
    assert!(
        stderr.contains("inside the project root's .github, where wharf writes the workflows"),
        "{stderr}"
    );
}

#[test]
fn the_project_root_refuses_links_and_a_ledger_that_climbs_out() {
    let s = Sandbox::with_delivery();
    s.link(".github", "outside/elsewhere");
    let stderr = s.refused(&[]);
    assert!(stderr.contains(".github is a symbolic link"), "{stderr}");

    let s = Sandbox::with_delivery();
    let data = fs::read(s.path("outside/data.txt")).unwrap();
    s.write(
        ".github/.wharf-files",
        &format!("app minimal\n{} ../outside/data.txt\n", sha256_hex(&data)),
    );
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains(".github/.wharf-files:2: this entry climbs out of the output directory"),
        "{stderr}"
    );
}

#[test]
fn terraform_at_the_project_root_keeps_the_two_ledgers_apart() {
    let s = Sandbox::with_delivery();
    assert_eq!(s.render(&["--out", "."]).code, 0);
    assert!(s.path(".wharf-files").exists() && s.path(".github/.wharf-files").exists());
    let check = s.render(&["--out", ".", "--check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    s.without_delivery();
    let run = s.render(&["--out", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!s.path(WORKFLOWS[0]).exists() && !s.path(WORKFLOWS[1]).exists());
    assert!(s.path("environments/dev/main.tf").exists());
    assert!(s.path("modules/network/main.tf").exists());
}

#[test]
fn a_ledger_entry_outside_the_directories_wharf_writes_is_refused() {
    // A forged entry with the hash of a file whose content anyone can guess would make
    // render delete it as a file it wrote and no longer writes.
    let s = Sandbox::with_delivery();
    s.write(".git/HEAD", "ref: refs/heads/main\n");
    let head = sha256_hex(b"ref: refs/heads/main\n");
    s.write(".wharf-files", &format!("app hello\n{head} .git/HEAD\n"));
    let stderr = s.refused(&["--out", "."]);
    assert!(
        stderr.contains(".wharf-files:2: this entry is not below a directory wharf writes here"),
        "{stderr}"
    );
    let s = Sandbox::with_delivery();
    s.write(".git/HEAD", "ref: refs/heads/main\n");
    s.write(
        ".github/.wharf-files",
        &format!("app hello\n{head} .git/HEAD\n"),
    );
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains(
            ".github/.wharf-files:2: this entry is not below a directory wharf writes here"
        ),
        "{stderr}"
    );
}

#[test]
fn without_a_ledger_no_workflow_is_wharfs() {
    // The workflows came with their ledger: a file that merely carries the header is not
    // proof that wharf wrote it, or that it is unchanged.
    let s = Sandbox::with_delivery();
    s.write(
        WORKFLOWS[1],
        "# Generated by wharf from wharf.toml, then edited\n",
    );
    s.write(
        ".github/workflows/other.yml",
        "# Generated by wharf from wharf.toml\n",
    );
    let stderr = s.refused(&[]);
    assert!(
        stderr.contains("wharf-deploy.yml (not written by wharf)"),
        "{stderr}"
    );
}

#[test]
fn another_apps_workflows_are_left_alone() {
    // One app of the repository deploys from GitHub; rendering another app there, without
    // `[delivery]`, neither fails nor removes the first app's workflows.
    let s = Sandbox::with_delivery();
    assert_eq!(s.render(&[]).code, 0);
    let other = fs::read_to_string(s.path("wharf.toml"))
        .unwrap()
        .replace(DELIVERY, "")
        .replace("name   = \"hello\"", "name   = \"other\"");
    s.write("other.toml", &other);
    let before = snapshot(&s.path(".github"));
    let run = s.render(&["--manifest", "other.toml", "--out", "other-infra"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(snapshot(&s.path(".github")), before);
    // With `[delivery]`, the other app's workflows are refused, not overwritten.
    s.write("other.toml", &format!("{other}{DELIVERY}"));
    let stderr = s.refused(&["--manifest", "other.toml", "--out", "other-infra"]);
    assert!(
        stderr.contains("holds the workflows of app `hello`"),
        "{stderr}"
    );
}
