//! `wharf review`, `explain` and `rules` as a user runs them: exit codes, reports, and the
//! rendered platform reviewing clean.

use std::path::{Path, PathBuf};

mod common;

use common::{wharf, Run};

fn snapshot(run: &Run) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
}

fn trees() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/trees")
}

/// The rules the demo tree is about, so that new rules do not churn these snapshots.
const DEMO_RULES: &str = "WH001,WH101,WH203,WH501";

#[test]
fn text_report_groups_by_file_with_code_frames() {
    let run = wharf(&trees().join("review"), &["review", "--select", DEMO_RULES]);
    assert_eq!(run.code, 1, "findings exit 1: {}", snapshot(&run));
    insta::assert_snapshot!("review_text", snapshot(&run));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = trees().join("review");
    let base = ["review", "--select", DEMO_RULES, "--fail-on"];
    // The worst active finding is WH101 (high).
    assert_eq!(wharf(&dir, &[&base[..], &["high"]].concat()).code, 1);
    assert_eq!(wharf(&dir, &[&base[..], &["critical"]].concat()).code, 0);
    assert_eq!(wharf(&dir, &[&base[..], &["never"]].concat()).code, 0);
    let bad = wharf(&dir, &[&base[..], &["severe"]].concat());
    assert_eq!(bad.code, 2);
    // The argument parser refuses it, saying what --fail-on takes.
    assert!(
        bad.stderr
            .contains("[possible values: low, medium, high, critical, never]"),
        "{}",
        bad.stderr
    );
}

#[test]
fn json_and_markdown_reports() {
    let dir = trees().join("review");
    let json = wharf(
        &dir,
        &["review", "--select", DEMO_RULES, "--format", "json"],
    );
    insta::assert_snapshot!("review_json", json.stdout);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(parsed["summary"]["findings"], 3);
    assert_eq!(parsed["summary"]["suppressed"], 1);
    let md = wharf(
        &dir,
        &["review", "--select", DEMO_RULES, "--format", "markdown"],
    );
    insta::assert_snapshot!("review_markdown", md.stdout);
}

#[test]
fn select_and_ignore_take_codes_prefixes_names_and_pillars() {
    let dir = trees().join("review");
    let only = |args: &[&str]| {
        let run = wharf(
            &dir,
            &[&["review", "--format", "json", "--fail-on", "never"], args].concat(),
        );
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let mut codes: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["suppressed"].is_null())
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        codes.dedup();
        codes
    };
    assert_eq!(only(&["--select", "WH101"]), ["WH101"]);
    assert_eq!(only(&["--select", "container-runs-as-root"]), ["WH101"]);
    assert!(only(&["--select", "cost-optimization"])
        .iter()
        .all(|c| c.starts_with("WH5")));
    assert!(!only(&["--ignore", "WH1"])
        .iter()
        .any(|c| c.starts_with("WH1")));
    let typo = wharf(&dir, &["review", "--select", "WH9999"]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("matches no rule"), "{}", typo.stderr);
}

#[test]
fn a_broken_file_is_located_and_the_rest_is_reviewed() {
    let run = wharf(&trees().join("broken"), &["review", "--select", "WH501"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("bad.tf:2:"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("`aws_ecr_repository.this` has no lifecycle policy"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_missing_path_is_an_input_error() {
    let run = wharf(&trees(), &["review", "no-such-dir"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-dir"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
}

#[test]
fn explain_prints_the_rule_documentation() {
    let run = wharf(&trees(), &["explain", "wh101"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("explain_wh101", run.stdout);
    let unknown = wharf(&trees(), &["explain", "WH999"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("wharf rules"), "{}", unknown.stderr);
}

#[test]
fn rules_json_lists_every_rule_with_its_metadata() {
    let run = wharf(&trees(), &["rules", "--format", "json"]);
    assert_eq!(run.code, 0);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rules.len(), wharf_review::RULES.len());
    for r in &rules {
        for key in ["code", "name", "pillar", "severity", "checkov"] {
            assert!(!r[key].is_null(), "{key} missing in {r}");
        }
    }
}

/// Renders every bundled example and reviews each environment: prod with no finding at
/// all, the others with only the trade-offs their profile makes, each suppressed with a
/// reason.
#[test]
fn rendered_examples_review_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let tradeoffs = [
        "WH109", "WH114", "WH203", "WH204", "WH206", "WH208", "WH209", "WH210", "WH212", "WH214",
        "WH215", "WH502",
    ];
    for example in ["minimal", "messaging", "publishing"] {
        let out = tempfile::tempdir().unwrap();
        let manifest = examples.join(example).join("wharf.toml");
        let render = wharf(
            out.path(),
            &[
                "render",
                "--manifest",
                manifest.to_str().unwrap(),
                "--out",
                "infra",
            ],
        );
        assert_eq!(render.code, 0, "{}", snapshot(&render));
        let envs = std::fs::read_dir(out.path().join("infra/environments")).unwrap();
        for env in envs {
            let env = env.unwrap().path();
            let name = env.file_name().unwrap().to_string_lossy().into_owned();
            let run = wharf(&env, &["review", "--format", "json"]);
            let v: serde_json::Value = serde_json::from_str(&run.stdout)
                .unwrap_or_else(|e| panic!("{example}/{name}: {e}\n{}", snapshot(&run)));
            let findings = v["findings"].as_array().unwrap();
            let active: Vec<&serde_json::Value> = findings
                .iter()
                .filter(|f| f["suppressed"].is_null())
                .collect();
            assert!(active.is_empty(), "{example}/{name}: {active:#?}");
            assert_eq!(run.code, 0, "{example}/{name}");
            for f in findings {
                let code = f["code"].as_str().unwrap();
                assert!(
                    name != "prod" && tradeoffs.contains(&code),
                    "{example}/{name}: {code} is suppressed"
                );
                assert!(!f["suppressed"]["reason"].as_str().unwrap().is_empty());
            }
            if name == "dev" {
                assert!(
                    findings.iter().any(|f| f["code"] == "WH203"),
                    "{example}/dev: the single NAT gateway is reported (suppressed)"
                );
            }
        }
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../review/tests/fixtures")
}

#[test]
fn code_frames_never_print_a_secret() {
    // The very findings about literal passwords and environment secrets.
    for rule in ["WH118", "WH102"] {
        let run = wharf(&fixtures().join(rule), &["review", "--select", rule]);
        assert_eq!(run.code, 1, "{}", snapshot(&run));
        assert!(run.stdout.contains(&format!("{rule} ")), "{}", run.stdout);
        for secret in [
            "literal-password-123",
            "write-only-password-123",
            "AKIAIOSFODNN7EXAMPLE",
            "sk_live_",
            "hunter2",
        ] {
            assert!(
                !run.stdout.contains(secret),
                "{rule} prints `{secret}`:\n{}",
                run.stdout
            );
        }
    }
}

/// A directory that calls itself, with two findings of its own.
fn self_calling(dir: &Path) -> PathBuf {
    let root = dir.join("again");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("main.tf"),
        r#"resource "aws_cloudwatch_log_group" "short" {
  name = "x"
}

module "again" {
  source = "./"
}
"#,
    )
    .unwrap();
    root
}

#[test]
fn a_self_calling_tree_is_reviewed_once_and_exits_2_from_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let root = self_calling(dir.path());
    let from_above = wharf(dir.path(), &["review", "again", "--format", "json"]);
    let from_inside = wharf(&root, &["review", ".", "--format", "json"]);
    for run in [&from_above, &from_inside] {
        assert_eq!(run.code, 2, "{}", snapshot(run));
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(report["summary"]["root_modules"], 1);
        assert_eq!(report["summary"]["resources"], 1);
        let problem = &report["problems"][0];
        assert_eq!(problem["level"], "error");
        assert_eq!(problem["line"], 5);
        assert_eq!(problem["column"], 1);
        assert!(problem["message"]
            .as_str()
            .unwrap()
            .contains("leads back to the directory that calls it"));
    }
    let a: serde_json::Value = serde_json::from_str(&from_above.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_str(&from_inside.stdout).unwrap();
    assert_eq!(a["summary"]["findings"], b["summary"]["findings"]);
    // Reports said so in text too, and `--fail-on never` does not hide it.
    let text = wharf(dir.path(), &["review", "again", "--fail-on", "never"]);
    assert_eq!(text.code, 2);
    assert!(
        text.stdout
            .contains("error: again/main.tf:5:1: module `again`"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("incomplete: 1 error above"),
        "{}",
        text.stdout
    );
    // `wharf cost` says what is wrong instead of finding no files.
    let cost = wharf(dir.path(), &["cost", "again"]);
    assert_eq!(cost.code, 2, "{}", snapshot(&cost));
    assert!(
        cost.stderr.contains("again/main.tf:5:1: module `again`"),
        "{}",
        cost.stderr
    );
}

#[test]
fn a_var_file_that_does_not_parse_exits_2_whatever_fail_on_says() {
    let dir = tempfile::tempdir().unwrap();
    let root = self_calling(dir.path());
    std::fs::write(root.join("main.tf"), "variable \"x\" {\n  default = 1\n}\n").unwrap();
    std::fs::write(dir.path().join("bad.tfvars"), "x = 1\ny = = 2\n").unwrap();
    for fail_on in ["never", "low", "critical"] {
        let run = wharf(
            dir.path(),
            &[
                "review",
                "again",
                "--var-file",
                "bad.tfvars",
                "--fail-on",
                fail_on,
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, 2, "--fail-on {fail_on}: {}", snapshot(&run));
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let problem = &report["problems"][0];
        assert_eq!(problem["path"], "bad.tfvars");
        assert_eq!(
            (problem["line"].as_u64(), problem["column"].as_u64()),
            (Some(2), Some(5))
        );
    }
}

#[test]
fn a_budget_can_be_raised_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("many");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "resource \"aws_sqs_queue\" \"q\" {\n  count = 300\n}\n",
    )
    .unwrap();
    let low = wharf(dir.path(), &["review", "many", "--budget", "instances=100"]);
    assert_eq!(low.code, 2, "{}", snapshot(&low));
    assert!(low.stdout.contains("error: many/main.tf:2:3: evaluating root module `many` ran out of its `instances` budget (100 resource and module instances)"), "{}", low.stdout);
    assert!(
        low.stdout.contains("--budget instances=N"),
        "{}",
        low.stdout
    );
    let raised = wharf(
        dir.path(),
        &[
            "review",
            "many",
            "--budget",
            "instances=1_000",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(raised.code, 0, "{}", snapshot(&raised));
    let bad = wharf(dir.path(), &["review", "many", "--budget", "stpes=5"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("steps (default 5000000)"),
        "{}",
        bad.stderr
    );
}

#[test]
fn the_manifest_and_the_review_agree_on_what_is_root() {
    for (user, root) in [
        ("0", true),
        ("00", true),
        ("+0", true),
        ("-0", true),
        ("000:1000", true),
        ("0:0", true),
        ("root", true),
        ("root:root", true),
        ("", true),
        (":1000", true),
        ("1000:1000", false),
        ("10:0", false),
        ("node", false),
        ("100", false),
    ] {
        assert_eq!(
            wharf_manifest::is_root_user(user),
            root,
            "manifest: {user:?}"
        );
        assert_eq!(
            wharf_review::ecs::runs_as_root(user),
            root,
            "WH101: {user:?}"
        );
    }
}

#[test]
fn var_and_var_file_are_taken_in_the_order_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"variable "cidr" {}

resource "aws_security_group" "ssh" {
  name   = "ssh"
  vpc_id = "vpc-1"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("open.tfvars.json"),
        r#"{"cidr": "0.0.0.0/0"}"#,
    )
    .unwrap();
    let open_findings = |args: &[&str]| {
        let mut all = vec!["review", ".", "--select", "WH108", "--format", "json"];
        all.extend_from_slice(args);
        let run = wharf(dir.path(), &all);
        let report: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", snapshot(&run)));
        report["findings"].as_array().map_or(0, Vec::len)
    };
    let private = "cidr=10.0.0.0/8";
    assert_eq!(
        open_findings(&["--var", private, "--var-file", "open.tfvars.json"]),
        1,
        "the file comes last and wins"
    );
    assert_eq!(
        open_findings(&["--var-file", "open.tfvars.json", "--var", private]),
        0,
        "the --var comes last and wins"
    );
    assert_eq!(
        open_findings(&["--var-file=open.tfvars.json", "--var=cidr=10.0.0.0/8"]),
        0,
        "a --var after every file wins, in the `=` form too"
    );
    assert_eq!(
        open_findings(&[
            "--var-file=open.tfvars.json",
            "--var=cidr=10.0.0.0/8",
            "--var-file",
            "open.tfvars.json"
        ]),
        1
    );
}

#[test]
fn a_value_passed_into_a_module_is_reported_where_the_caller_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "main.tf",
        "module \"app\" {\n  source = \"./modules/app\"\n\n  db_password = \"correct-horse-battery\"\n}\n",
    );
    // The outer module passes the input on to the inner one unchanged.
    write(
        "modules/app/main.tf",
        "variable \"db_password\" {}\n\nmodule \"db\" {\n  source   = \"../db\"\n  password = var.db_password\n}\n",
    );
    write(
        "modules/db/main.tf",
        "variable \"password\" {}\n\nresource \"aws_db_instance\" \"this\" {\n  engine            = \"postgres\"\n  instance_class    = \"db.t4g.micro\"\n  allocated_storage = 20\n  username          = \"app\"\n  password          = var.password\n}\n",
    );
    let args = ["review", ".", "--select", "WH118", "--fail-on", "never"];
    let json = wharf(dir.path(), &[&args[..], &["--format", "json"]].concat());
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(
        finding["address"],
        "module.app.module.db.aws_db_instance.this"
    );
    assert_eq!(
        (&finding["path"], &finding["line"], &finding["column"]),
        (
            &serde_json::json!("main.tf"),
            &serde_json::json!(4),
            &serde_json::json!(3)
        ),
        "at the caller's argument: {finding:#}"
    );
    assert_eq!(
        finding["related"],
        serde_json::json!([{
            "path": "modules/db/main.tf",
            "line": 8,
            "column": 3,
            "end_line": 8,
            "end_column": 35
        }])
    );

    let sarif = wharf(dir.path(), &[&args[..], &["--format", "sarif"]].concat());
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = &doc["runs"][0]["results"][0];
    let uri = |l: &serde_json::Value| l["physicalLocation"]["artifactLocation"]["uri"].clone();
    assert_eq!(uri(&result["locations"][0]), "main.tf");
    assert_eq!(uri(&result["relatedLocations"][0]), "modules/db/main.tf");
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
        8
    );

    let text = wharf(dir.path(), &args);
    assert!(
        text.stdout.contains("= used at modules/db/main.tf:8:3"),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains("correct-horse-battery"),
        "{}",
        text.stdout
    );
}
