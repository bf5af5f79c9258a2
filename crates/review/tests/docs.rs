//! The rule registry's invariants, and docs/rules kept current with the rule files.
//! `WHARF_UPDATE_DOCS=1 cargo test -p wharf-review --test docs` rewrites the pages.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use wharf_review::docs::{index, page, HEADINGS};
use wharf_review::RULES;

#[test]
fn codes_are_sorted_unique_and_names_are_kebab_case() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "the registry is sorted by code");
    assert_eq!(codes.iter().collect::<BTreeSet<_>>().len(), codes.len());
    let names: BTreeSet<&str> = RULES.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), RULES.len(), "names are unique");
    for r in RULES {
        assert!(
            r.code.len() == 5
                && r.code.starts_with("WH")
                && r.code[2..].chars().all(|c| c.is_ascii_digit()),
            "{}",
            r.code
        );
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            r.name
        );
        assert!(
            !r.fix.is_empty() && r.fix != "TODO",
            "{} has no fix title",
            r.code
        );
        for c in r.checkov {
            assert!(
                c.starts_with("CKV_AWS_") || c.starts_with("CKV2_AWS_"),
                "{}: {c}",
                r.code
            );
        }
    }
    assert!(RULES.len() >= 45, "{} rules", RULES.len());
}

#[test]
fn every_rule_documents_the_fixed_headings_in_order() {
    for r in RULES {
        let mut at = 0;
        for h in HEADINGS {
            let found = r.doc[at..].find(&format!("{h}\n"));
            assert!(found.is_some(), "{}: `{h}` missing or out of order", r.code);
            at += found.unwrap_or(0) + h.len();
        }
        assert!(r.doc.contains("```hcl"), "{}: no HCL example", r.code);
        assert!(r.doc.contains("https://"), "{}: no reference link", r.code);
    }
}

#[test]
fn docs_rules_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let mut expected: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.code), page(r)))
        .collect();
    expected.push(("README.md".to_string(), index()));
    if std::env::var_os("WHARF_UPDATE_DOCS").is_some() {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (name, text) in &expected {
            fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &expected {
        if fs::read_to_string(dir.join(name)).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    let on_disk: BTreeSet<String> = fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let wanted: BTreeSet<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    stale.extend(
        on_disk
            .difference(&wanted)
            .map(|n| format!("{n} (no such rule)")),
    );
    assert!(
        stale.is_empty(),
        "docs/rules is stale: {stale:?}\nrun `WHARF_UPDATE_DOCS=1 cargo test -p wharf-review --test docs`"
    );
}
