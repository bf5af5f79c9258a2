//! Every rule against its fixture: `tests/fixtures/<CODE>/`, a tree of passing and failing
//! cases. Each resource whose name starts with `fail` must get a finding from the rule and
//! every other resource none; there must be at least one of each.

use std::collections::BTreeSet;
use std::path::PathBuf;

use wharf_review::{review, Selection, RULES};
use wharf_terraform::{LoadOptions, Project};

fn fixture_dir(code: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(code)
}

#[test]
fn every_rule_flags_exactly_the_failing_cases_of_its_fixture() {
    let mut failures = Vec::new();
    for rule in RULES.iter().filter(|r| !r.code.starts_with("WH0")) {
        let dir = fixture_dir(rule.code);
        if !dir.is_dir() {
            failures.push(format!("{}: no fixture at {}", rule.code, dir.display()));
            continue;
        }
        let project = Project::load(std::slice::from_ref(&dir), &LoadOptions::default()).unwrap();
        if let Some(e) = project.parse_errors.first() {
            failures.push(format!("{}: {e}", rule.code));
            continue;
        }
        let key = |root: &std::path::Path, address: &str| {
            format!(
                "{}:{address}",
                root.strip_prefix(&dir).unwrap_or(root).display()
            )
        };
        let mut expected = BTreeSet::new();
        let mut passing = 0;
        for root in &project.roots {
            for r in &root.resources {
                if r.name.starts_with("fail") {
                    expected.insert(key(&root.dir, &r.address));
                } else if r.name.starts_with("pass") {
                    passing += 1;
                }
            }
        }
        let selection = Selection {
            select: vec![rule.code.to_string()],
            ignore: Vec::new(),
        };
        let result = review(&project, &selection);
        let actual: BTreeSet<String> = result.active().map(|f| key(&f.root, &f.address)).collect();
        if expected.is_empty() || passing == 0 {
            failures.push(format!(
                "{}: the fixture needs both `fail*` and `pass*` resources",
                rule.code
            ));
        }
        if actual != expected {
            failures.push(format!(
                "{}:\n  missed:   {:?}\n  wrongly:  {:?}",
                rule.code,
                expected.difference(&actual).collect::<Vec<_>>(),
                actual.difference(&expected).collect::<Vec<_>>()
            ));
        }
        for f in result.active() {
            if !f.message.contains('`') {
                failures.push(format!(
                    "{}: message names no address: {}",
                    rule.code, f.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
