//! Runs the real `wharf` binary and snapshots what a user sees: exit code, stdout, stderr.

use std::path::{Path, PathBuf};

mod common;

/// A run as the snapshots show it: exit code, then stdout and stderr.
fn wharf(dir: &Path, args: &[&str]) -> String {
    let run = common::wharf(dir, args);
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
}

fn manifests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manifests")
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn bad_manifests_exit_2_with_located_messages() {
    for name in [
        "bad-fargate-size",
        "unknown-key",
        "broken-toml",
        "literal-secret",
        "many-problems",
        "root-users",
        "same-paths",
        "credentials",
        "min-count-zero",
        "health-checks",
        "kinds-of-key",
        "not-utf8",
        "deep-keys",
        "accepted-values",
        "bad-workers",
        "bad-queues",
        "bad-tables",
        "bad-databases",
        "bad-topics",
        "bad-jobs",
        "job-uses",
        "bad-buckets",
        "database-profiles",
        "bad-caches",
        "bad-releases",
        "bad-delivery",
        "bad-delivery-without-table",
        "bad-pipeline",
        "release-twins",
    ] {
        let file = format!("{name}.toml");
        let out = wharf(
            &manifests(),
            &["render", "--manifest", &file, "--out", "never-written"],
        );
        assert!(out.starts_with("exit: 2\n"), "{name}: {out}");
        assert!(
            out.contains(&format!("--> {file}:")),
            "{name} names no location: {out}"
        );
        assert!(out.contains("= help: "), "{name} gives no help: {out}");
        assert!(!out.contains("panicked"), "{name}: {out}");
        insta::assert_snapshot!(name, out);
    }
    assert!(!manifests().join("never-written").exists());
}

#[test]
fn credentials_in_any_field_never_reach_the_terminal() {
    let out = wharf(
        &manifests(),
        &[
            "render",
            "--manifest",
            "credentials.toml",
            "--out",
            "never-written",
        ],
    );
    for secret in [
        "abc123def",
        "hunter22",
        "wJalrXUtnFEMI",
        "AKIAIOSFODNN7EXAMPLE",
        "s3cretpw",
        "hunter2",
        "\"abc\"",
        "\"k1\"",
    ] {
        assert!(!out.contains(secret), "`{secret}` shown:\n{out}");
    }
    // A plain setting whose name only sounds secret is accepted when listed in `not_secret`.
    assert!(!out.contains("TOKEN_TTL_SECONDS` holds"), "{out}");
}

#[test]
fn plain_settings_are_not_mistaken_for_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = manifests().join("plain-settings.toml");
    let out = wharf(
        dir.path(),
        &[
            "render",
            "--manifest",
            manifest.to_str().unwrap(),
            "--out",
            "infra",
        ],
    );
    assert!(out.starts_with("exit: 0\n"), "{out}");
}

#[test]
fn hints_offer_only_a_key_of_the_same_kind() {
    let out = wharf(
        &manifests(),
        &[
            "render",
            "--manifest",
            "kinds-of-key.toml",
            "--out",
            "never-written",
        ],
    );
    for line in out.lines().filter(|l| l.contains("did you mean")) {
        assert!(
            [
                "`health_check`",
                "`readonly_root_filesystem`",
                "`log_retention_days`"
            ]
            .iter()
            .any(|k| line.contains(k)),
            "{line}"
        );
    }
    assert_eq!(out.matches("did you mean").count(), 3, "{out}");
}

#[test]
fn literal_secrets_never_reach_the_terminal() {
    let out = wharf(
        &manifests(),
        &[
            "render",
            "--manifest",
            "literal-secret.toml",
            "--out",
            "never-written",
        ],
    );
    assert!(!out.contains("sk_live_51HxYz"), "{out}");
    assert!(!out.contains("correct-horse"), "{out}");
}

#[test]
fn missing_manifest_suggests_init() {
    let dir = tempfile::tempdir().unwrap();
    let out = wharf(dir.path(), &["render"]);
    insta::assert_snapshot!(out.replace(&dir.path().display().to_string(), "[TMP]"));
}

#[test]
fn init_writes_each_example_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    for example in ["minimal", "messaging", "publishing"] {
        let file = format!("{example}.toml");
        let out = wharf(
            dir.path(),
            &["init", "--example", example, "--manifest", &file],
        );
        assert!(out.starts_with("exit: 0\n"), "{out}");
        let written = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        let bundled = std::fs::read_to_string(examples().join(example).join("wharf.toml")).unwrap();
        assert_eq!(written, bundled);
    }
    let again = wharf(
        dir.path(),
        &["init", "--example", "minimal", "--manifest", "minimal.toml"],
    );
    insta::assert_snapshot!("init_refuses_overwrite", again);
    let unknown = wharf(dir.path(), &["init", "--example", "nope"]);
    insta::assert_snapshot!("init_unknown_example", unknown);
}

/// N of the "N files written" line of a render's output.
fn files_written(out: &str) -> usize {
    out.lines()
        .find_map(|l| l.split_once(" files written")?.0.parse().ok())
        .unwrap_or_else(|| panic!("no files-written line in {out}"))
}

#[test]
fn render_then_check_then_drift() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples().join("publishing/wharf.toml"),
        dir.path().join("wharf.toml"),
    )
    .unwrap();
    let first = wharf(dir.path(), &["render"]);
    insta::assert_snapshot!("render_publishing", first);

    let written = files_written(&first);
    let again = wharf(dir.path(), &["render"]);
    assert!(
        again.contains(&format!("0 files written, {written} unchanged, 0 removed.")),
        "{again}"
    );
    assert!(wharf(dir.path(), &["render", "--check"]).starts_with("exit: 0\n"));

    // Hand-edit a generated file and add a service: --check shows both and exits 1.
    let main = dir.path().join("infra/environments/dev/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replace("flow_log_retention_days = 7", "flow_log_retention_days = 1"),
    )
    .unwrap();
    let drift = wharf(dir.path(), &["render", "--check"]);
    insta::assert_snapshot!("check_drift", drift);
    assert!(
        std::fs::read_to_string(&main).unwrap().contains("= 1"),
        "--check must not write"
    );
}

#[test]
fn removed_environment_is_kept_until_prune_and_user_files_always() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("wharf.toml");
    std::fs::copy(examples().join("messaging/wharf.toml"), &manifest).unwrap();
    let first = wharf(dir.path(), &["render"]);
    assert!(first.starts_with("exit: 0\n"));
    // The user's own files and Terraform's working directory sit beside generated ones,
    // including a copy of a generated file that now holds the user's own resources.
    let staging = dir.path().join("infra/environments/staging");
    std::fs::write(staging.join("notes.md"), "mine\n").unwrap();
    std::fs::create_dir_all(staging.join(".terraform")).unwrap();
    std::fs::write(staging.join(".terraform/keep"), "state\n").unwrap();
    let copied = std::fs::read_to_string(staging.join("outputs.tf")).unwrap()
        + "\nresource \"null\" \"mine\" {}\n";
    std::fs::write(staging.join("extra.tf"), copied).unwrap();

    let text = std::fs::read_to_string(&manifest).unwrap();
    let start = text.find("[environments.staging]").unwrap();
    let end = text.find("[environments.prod]").unwrap();
    std::fs::write(&manifest, format!("{}{}", &text[..start], &text[end..])).unwrap();

    let kept = wharf(dir.path(), &["render"]);
    insta::assert_snapshot!("removed_environment_kept", kept);
    assert!(
        staging.join("main.tf").exists(),
        "a root is only deleted with --prune"
    );

    let pruned = wharf(dir.path(), &["render", "--prune"]);
    // The staging root's 6 files are removed; the rest were written by the first render.
    let kept_files = files_written(&first) - 6;
    assert!(
        pruned.contains(&format!(
            "0 files written, {kept_files} unchanged, 6 removed."
        )),
        "{pruned}"
    );
    assert!(!staging.join("main.tf").exists());
    assert!(staging.join("notes.md").exists());
    assert!(staging.join("extra.tf").exists());
    assert!(staging.join(".terraform/keep").exists());
}

#[test]
fn render_refuses_to_overwrite_files_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples().join("minimal/wharf.toml"),
        dir.path().join("wharf.toml"),
    )
    .unwrap();
    let root = dir.path().join("infra/environments/dev");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("main.tf"), "# my hand-written root\n").unwrap();
    let out = wharf(dir.path(), &["render"]);
    insta::assert_snapshot!("refuses_foreign_files", out);
    assert_eq!(
        std::fs::read_to_string(root.join("main.tf")).unwrap(),
        "# my hand-written root\n"
    );
    assert!(
        !root.join("versions.tf").exists(),
        "nothing is written when anything conflicts"
    );
}

#[test]
fn render_refuses_to_overwrite_hand_edits_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("wharf.toml");
    std::fs::copy(examples().join("minimal/wharf.toml"), &manifest).unwrap();
    assert!(wharf(dir.path(), &["render"]).starts_with("exit: 0\n"));
    let main = dir.path().join("infra/environments/dev/main.tf");
    let edited = std::fs::read_to_string(&main)
        .unwrap()
        .replace("= 7", "= 14");
    std::fs::write(&main, &edited).unwrap();
    // A manifest change that rewrites the edited file.
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("port         = 8080", "port         = 8081"),
    )
    .unwrap();

    let refused = wharf(dir.path(), &["render"]);
    insta::assert_snapshot!("refuses_hand_edits", refused);
    assert_eq!(std::fs::read_to_string(&main).unwrap(), edited);

    assert!(wharf(dir.path(), &["render", "--force"]).starts_with("exit: 0\n"));
    assert!(std::fs::read_to_string(&main)
        .unwrap()
        .contains("port                     = 8081"));
}

#[test]
fn one_output_directory_holds_one_app() {
    let dir = tempfile::tempdir().unwrap();
    let a = examples().join("minimal/wharf.toml");
    let b = examples().join("messaging/wharf.toml");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    assert!(wharf(dir.path(), &["render", "-m", a]).starts_with("exit: 0\n"));
    let other = wharf(dir.path(), &["render", "-m", b]);
    assert!(
        other.starts_with("exit: 2\n") && other.contains("holds the Terraform of app `hello`"),
        "{other}"
    );
}

#[test]
fn render_only_named_environments() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples().join("messaging/wharf.toml"),
        dir.path().join("wharf.toml"),
    )
    .unwrap();
    let out = wharf(dir.path(), &["render", "--env", "prod"]);
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(dir.path().join("infra/environments/prod/main.tf").exists());
    assert!(!dir.path().join("infra/environments/dev").exists());
    let unknown = wharf(dir.path(), &["render", "--env", "qa"]);
    insta::assert_snapshot!("unknown_env", unknown);
}
