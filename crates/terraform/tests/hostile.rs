//! Hostile trees: cycles of module calls, and trees that ask for more than any machine has.
//! Each is reported as an error at a location, bounded by the evaluation budgets, and never
//! keeps the other roots from being evaluated.

use std::fs;
use std::path::{Path, PathBuf};

use wharf_terraform::{Budget, Budgets, Level, LoadOptions, LoadProblem, Project, VarArg};

mod parts;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// Loads a tree, and checks that a part at a time loads the same.
fn load(root: &Path, budgets: Budgets) -> Project {
    let options = LoadOptions {
        budgets,
        ..LoadOptions::default()
    };
    parts::assert_parts_agree(&[root.to_path_buf()], &options);
    Project::load(&[root.to_path_buf()], &options).unwrap()
}

/// Root directories, relative to `base`, with their resource addresses.
fn roots(project: &Project, base: &Path) -> Vec<(String, Vec<String>)> {
    project
        .roots
        .iter()
        .map(|r| {
            (
                r.dir
                    .strip_prefix(base)
                    .unwrap_or(&r.dir)
                    .to_string_lossy()
                    .into_owned(),
                r.resources.iter().map(|r| r.address.clone()).collect(),
            )
        })
        .collect()
}

/// `file:line:column: message` of every error, files relative to `base`.
fn errors(project: &Project, base: &Path) -> Vec<String> {
    project
        .all_problems()
        .filter(|p| p.level == Level::Error)
        .map(|p| located(project, base, p))
        .collect()
}

fn located(project: &Project, base: &Path, p: &LoadProblem) -> String {
    let (path, at) = project.place_of(p);
    let (line, column) = at.unwrap_or((0, 0));
    let path = path.strip_prefix(base).unwrap_or(path);
    let message = p.message.replace(&format!("{}/", base.display()), "");
    format!("{}:{line}:{column}: {message}", path.display())
}

const BUCKET: &str = "resource \"aws_s3_bucket\" \"this\" {\n  bucket = \"b\"\n}\n";

#[test]
fn a_module_that_calls_its_own_directory_is_one_root_reported_at_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    write(
        base,
        &[(
            "self/main.tf",
            &format!("{BUCKET}\nmodule \"again\" {{\n  source = \"./\"\n}}\n"),
        )],
    );
    let p = load(&base.join("self"), Budgets::default());
    assert_eq!(
        roots(&p, base),
        [("self".into(), vec!["aws_s3_bucket.this".into()])]
    );
    assert_eq!(
        errors(&p, base),
        ["self/main.tf:5:1: module `again` (source = \"./\") leads back to the directory that calls it: self → self".to_string()]
    );
    assert!(p.has_errors());
}

#[test]
fn two_directories_calling_each_other_are_each_reviewed_once() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    let calls = |to: &str| {
        (1..=3)
            .map(|i| format!("module \"m{i}\" {{\n  source = \"../{to}\"\n}}\n"))
            .collect::<String>()
    };
    write(
        base,
        &[
            ("a/main.tf", &format!("{BUCKET}{}", calls("b"))),
            ("b/main.tf", &format!("{BUCKET}{}", calls("a"))),
            // A third root beside them, untouched by the cycle.
            ("c/main.tf", BUCKET),
        ],
    );
    let p = load(base, Budgets::default());
    let one = vec!["aws_s3_bucket.this".to_string()];
    assert_eq!(
        roots(&p, base),
        [
            ("a".into(), one.clone()),
            ("b".into(), one.clone()),
            ("c".into(), one)
        ]
    );
    let errs = errors(&p, base);
    assert_eq!(errs.len(), 6, "{errs:#?}");
    assert!(
        errs[0].ends_with("leads back to the directory that calls it: a → b → a"),
        "{}",
        errs[0]
    );
    assert!(errs[3].starts_with("b/main.tf:4:1: "), "{}", errs[3]);
}

#[cfg(unix)]
#[test]
fn a_module_called_through_a_link_back_up_the_tree_is_the_same_directory() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    write(
        base,
        &[(
            "x/main.tf",
            &format!("{BUCKET}\nmodule \"loop\" {{\n  source = \"./up/x\"\n}}\n"),
        )],
    );
    std::os::unix::fs::symlink("..", base.join("x/up")).unwrap();
    let p = load(&base.join("x"), Budgets::default());
    assert_eq!(
        roots(&p, base),
        [("x".into(), vec!["aws_s3_bucket.this".into()])]
    );
    let errs = errors(&p, base);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].ends_with("x → x"), "{}", errs[0]);
}

/// A tree with a root that exhausts a budget and a normal root beside it.
fn exhausting(main: &str, budgets: Budgets) -> (Project, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("hostile/main.tf", main), ("normal/main.tf", BUCKET)],
    );
    let p = load(dir.path(), budgets);
    (p, dir)
}

fn assert_exhausted(p: &Project, base: &Path, budget: Budget, at: &str) {
    let r = roots(p, base);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(
        r[0],
        ("hostile".into(), vec![]),
        "the hostile root's resources are dropped"
    );
    assert_eq!(r[1], ("normal".into(), vec!["aws_s3_bucket.this".into()]));
    let errs = errors(p, base);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with(at)
            && errs[0].contains(&format!("ran out of its `{}` budget", budget.name())),
        "{} at {at}: {}",
        budget.name(),
        errs[0]
    );
}

#[test]
fn count_over_many_blocks_runs_out_of_instances() {
    let main: String = (0..50)
        .map(|i| format!("resource \"aws_sqs_queue\" \"q{i}\" {{\n  count = 100000000\n  name  = \"q${{count.index}}\"\n}}\n"))
        .collect();
    let (p, dir) = exhausting(&main, Budgets::default());
    assert_exhausted(&p, dir.path(), Budget::Instances, "hostile/main.tf:2:3: ");
    assert_eq!(p.roots[0].usage.instances, Budgets::default().instances + 1);
}

#[test]
fn a_count_above_ten_thousand_is_no_longer_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "resource \"aws_sqs_queue\" \"q\" {\n  count = 12345\n}\n",
        )],
    );
    let p = load(dir.path(), Budgets::default());
    assert_eq!(p.roots[0].resources.len(), 12345);
    assert!(!p.has_errors());
}

fn doubling(init: &str, step: &str, n: usize) -> String {
    let mut s = format!("locals {{\n  l0 = {init}\n");
    for i in 1..=n {
        s.push_str(&format!(
            "  l{i} = {}\n",
            step.replace("PREV", &format!("local.l{}", i - 1))
        ));
    }
    s.push_str(&format!("}}\n\nresource \"aws_ssm_parameter\" \"p\" {{\n  name  = \"p\"\n  type  = \"String\"\n  value = local.l{n}\n}}\n"));
    s
}

#[test]
fn doubling_values_run_out_of_value_bytes() {
    let small = Budgets {
        value_bytes: 1 << 16,
        ..Budgets::default()
    };
    for (init, step, at) in [
        (
            "\"xxxxxxxx\"",
            "jsonencode([PREV, PREV])",
            "hostile/main.tf:",
        ),
        ("[\"x\"]", "concat(PREV, PREV)", "hostile/main.tf:"),
        ("\"aa\"", "replace(PREV, \"a\", \"aa\")", "hostile/main.tf:"),
        ("\"ab\"", "\"${PREV}${PREV}\"", "hostile/main.tf:"),
        ("\"ab\"", "[for i in range(100) : PREV]", "hostile/main.tf:"),
    ] {
        let (p, dir) = exhausting(&doubling(init, step, 60), small);
        assert_exhausted(&p, dir.path(), Budget::ValueBytes, at);
    }
}

#[test]
fn a_value_copied_into_many_resources_runs_out_of_total_bytes() {
    let main = format!(
        "{}\nresource \"aws_ssm_parameter\" \"copies\" {{\n  count = 1000\n  name  = \"c\"\n  type  = \"String\"\n  value = local.l12\n}}\n",
        doubling("\"xxxxxxxx\"", "\"${PREV}${PREV}\"", 12)
    );
    let budgets = Budgets {
        total_bytes: 8 << 20,
        ..Budgets::default()
    };
    let (p, dir) = exhausting(&main, budgets);
    assert_exhausted(&p, dir.path(), Budget::TotalBytes, "hostile/main.tf:");
}

#[test]
fn nested_dynamic_blocks_run_out_of_steps() {
    let main = r#"resource "aws_security_group" "d" {
  dynamic "ingress" {
    for_each = range(1000)
    content {
      dynamic "x" {
        for_each = range(1000)
        content {
          dynamic "y" {
            for_each = range(1000)
            content {}
          }
        }
      }
    }
  }
}
"#;
    let budgets = Budgets {
        steps: 200_000,
        ..Budgets::default()
    };
    let (p, dir) = exhausting(main, budgets);
    assert_exhausted(&p, dir.path(), Budget::Steps, "hostile/main.tf:");
}

#[test]
fn mutual_module_fan_out_without_a_cycle_runs_out_of_instances() {
    // Sixteen levels of modules, each calling the next with for_each over ten keys: 10^16
    // instances, no cycle.
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..16 {
        files.push((
            format!("m{i}/main.tf"),
            format!(
                "{BUCKET}module \"next\" {{\n  for_each = toset([\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"])\n  source   = \"../m{}\"\n}}\n",
                i + 1
            ),
        ));
    }
    files.push(("m16/main.tf".into(), BUCKET.into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write(dir.path(), &refs);
    let budgets = Budgets {
        instances: 5_000,
        ..Budgets::default()
    };
    let p = load(dir.path(), budgets);
    let errs = errors(&p, dir.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("`instances` budget (5000 resource and module instances)"),
        "{}",
        errs[0]
    );
}

#[test]
fn a_var_file_that_does_not_parse_is_an_error_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "root/main.tf",
                &format!("{BUCKET}variable \"x\" {{\n  default = 1\n}}\n"),
            ),
            ("bad.tfvars", "x = 1\ny = = 2\n"),
        ],
    );
    let options = LoadOptions {
        var_args: vec![VarArg::File(dir.path().join("bad.tfvars"))],
        ..LoadOptions::default()
    };
    parts::assert_parts_agree(&[dir.path().join("root")], &options);
    let p = Project::load(&[dir.path().join("root")], &options).unwrap();
    let errs = errors(&p, dir.path());
    assert_eq!(
        errs.len(),
        1,
        "one problem for the file, not one per root: {errs:#?}"
    );
    assert!(errs[0].starts_with("bad.tfvars:2:5: "), "{}", errs[0]);
    assert_eq!(p.roots[0].resources.len(), 1, "the root is still reviewed");
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_or_file_is_reported_and_the_rest_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    write(base, &[("ok/main.tf", BUCKET), ("locked/main.tf", BUCKET)]);
    // A link to nothing, and a link to itself, where Terraform would read a file.
    std::os::unix::fs::symlink("../nowhere.tf", base.join("ok/gone.tf")).unwrap();
    std::os::unix::fs::symlink("self.tf", base.join("ok/self.tf")).unwrap();
    // A directory that cannot be listed (root may list anything: then it is reviewed).
    let locked = base.join("locked");
    let mut perms = fs::metadata(&locked).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o000);
    fs::set_permissions(&locked, perms).unwrap();
    let can_list = fs::read_dir(&locked).is_ok();

    let p = load(base, Budgets::default());
    let unreadable: Vec<PathBuf> = p
        .parse_errors
        .iter()
        .map(|e| e.path.strip_prefix(base).unwrap().to_path_buf())
        .collect();
    let mut expected = vec![PathBuf::from("ok/gone.tf"), PathBuf::from("ok/self.tf")];
    if !can_list {
        expected.insert(0, PathBuf::from("locked"));
    }
    assert_eq!(unreadable, expected);
    assert!(p
        .roots
        .iter()
        .any(|r| r.dir.ends_with("ok") && r.resources.len() == 1));

    let mut perms = fs::metadata(&locked).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(&locked, perms).unwrap();
}

#[test]
fn copies_of_a_large_value_into_module_inputs_and_outputs_run_out_of_total_bytes() {
    // A 64 KiB string passed to 400 instances of a module that only keeps and returns it:
    // no resource holds it, but every instance's input and output is a copy.
    let dir = tempfile::tempdir().unwrap();
    let mut main = doubling("\"xxxxxxxxxxxxxxxx\"", "\"${PREV}${PREV}\"", 12);
    main.push_str(
        "\nmodule \"keep\" {\n  source   = \"./keep\"\n  for_each = toset([for i in range(400) : tostring(i)])\n  x        = local.l12\n}\n",
    );
    write(
        dir.path(),
        &[
            ("hostile/main.tf", &main),
            (
                "hostile/keep/main.tf",
                "variable \"x\" {}\n\noutput \"o\" {\n  value = var.x\n}\n",
            ),
            ("normal/main.tf", BUCKET),
        ],
    );
    let budgets = Budgets {
        total_bytes: 16 << 20,
        ..Budgets::default()
    };
    let p = load(dir.path(), budgets);
    let errs = errors(&p, dir.path());
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("ran out of its `total_bytes` budget"),
        "{}",
        errs[0]
    );
}
