//! `wharf review` loads a tree a part at a time (`review_tree`); its report must be the
//! report of the tree loaded whole, byte for byte, in every format.

use std::path::PathBuf;

use wharf_review::report::{self, Format, Input};
use wharf_review::{review, review_tree, Selection};
use wharf_terraform::{LoadOptions, Project};

#[test]
fn a_tree_reviewed_a_part_at_a_time_has_the_report_of_the_whole_tree() {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Every rule's fixture (roots with modules, suppressions used and unused) and the
    // corners, together; and wharf's own modules, called from no root of this tree.
    let paths = vec![
        here.join("tests/fixtures"),
        here.join("tests/corners"),
        here.join("../render/terraform/modules"),
    ];
    let selection = Selection::default();
    let project = Project::load(&paths, &LoadOptions::default()).unwrap();
    let whole = review(&project, &selection);
    let outline = project.outline();
    assert!(project.roots.len() > 100, "{} roots", project.roots.len());
    for part_bytes in [Some(1), Some(50_000), None] {
        let options = LoadOptions {
            part_bytes,
            ..LoadOptions::default()
        };
        let (cut_outline, cut) = review_tree(&paths, &options, &selection).unwrap();
        for format in [Format::Json, Format::Sarif, Format::Text, Format::Markdown] {
            let render = |outline, review| {
                report::render(
                    format,
                    &Input {
                        outline,
                        review,
                        color: false,
                    },
                )
            };
            let expected = render(&outline, &whole);
            let got = render(&cut_outline, &cut);
            assert!(
                got == expected,
                "parts of at least {part_bytes:?} bytes, {format:?}: the reports differ first at line {}",
                got.lines()
                    .zip(expected.lines())
                    .position(|(a, b)| a != b)
                    .map_or(0, |i| i + 1)
            );
        }
    }
    assert!(!whole.findings.is_empty());
}
