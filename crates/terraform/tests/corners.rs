//! The corners of the language in `tests/corners/` (see its README): wharf evaluates each
//! to the value Terraform computes, recorded in the corner's `expected.json`, which the
//! platform tests check against `terraform apply`.

use std::fs;
use std::path::{Path, PathBuf};

use wharf_terraform::{LoadOptions, Project, Value, VarArg};

mod parts;

fn corners() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corners");
    let mut found: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
}

/// `args`, in Terraform's spelling, as the loader takes it.
fn var_args(corner: &Path) -> Vec<VarArg> {
    let Ok(text) = fs::read_to_string(corner.join("args")) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            if let Some(file) = line.strip_prefix("-var-file=") {
                VarArg::File(corner.join(file))
            } else if let Some(var) = line.strip_prefix("-var=") {
                let (name, value) = var.split_once('=').unwrap();
                VarArg::Value(name.to_string(), value.to_string())
            } else {
                panic!(
                    "{}: `{line}` is not -var-file=F or -var=N=V",
                    corner.display()
                )
            }
        })
        .collect()
}

#[test]
fn every_corner_evaluates_to_what_terraform_computes() {
    let all = corners();
    assert!(all.len() >= 4, "corners: {all:?}");
    let mut wrong = Vec::new();
    for corner in &all {
        let options = LoadOptions {
            var_args: var_args(corner),
            ..LoadOptions::default()
        };
        parts::assert_parts_agree(std::slice::from_ref(corner), &options);
        let project = Project::load(std::slice::from_ref(corner), &options).unwrap();
        assert!(
            project.parse_errors.is_empty(),
            "{}: {:?}",
            corner.display(),
            project.parse_errors
        );
        assert_eq!(project.roots.len(), 1, "{}", corner.display());
        let root = &project.roots[0];
        assert!(
            root.problems.is_empty(),
            "{}: {:?}",
            corner.display(),
            root.problems
        );
        let input = root
            .resources
            .iter()
            .find(|r| r.address == "terraform_data.v")
            .map(|r| r.body.get("input").clone())
            .unwrap_or(Value::Unknown);
        let expected: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(corner.join("expected.json")).unwrap())
                .unwrap();
        // Through Value, whose numbers are all f64: JSON's `3` and `3.0` are one number.
        if input != Value::from_json(&expected) {
            wrong.push(format!(
                "{}:\n  wharf:     {}\n  terraform: {expected}",
                corner.file_name().unwrap().to_string_lossy(),
                input.to_json_value()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
