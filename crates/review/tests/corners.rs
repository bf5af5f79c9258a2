//! Suppressions on the corners of `tests/corners/` (see its README).

use std::path::PathBuf;

use wharf_review::{review, Selection};
use wharf_terraform::{LoadOptions, Project};

#[test]
fn a_heredoc_is_text_and_a_suppression_covers_the_heredoc_it_stands_above() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corners/heredoc-suppression");
    let project = Project::load(std::slice::from_ref(&dir), &LoadOptions::default()).unwrap();
    assert!(
        project.parse_errors.is_empty(),
        "{:?}",
        project.parse_errors
    );
    let selection = Selection {
        select: ["WH001", "WH101", "WH107"].map(String::from).to_vec(),
        ignore: Vec::new(),
    };
    let result = review(&project, &selection);
    let shown = |active: bool| {
        let mut found: Vec<String> = result
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() == active)
            .map(|f| format!("{} {}", f.rule.code, f.address))
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        shown(true),
        ["WH101 aws_ecs_task_definition.fail_after_heredoc"],
        "the heredoc's text suppressed nothing, and is not an unused suppression (WH001)"
    );
    assert_eq!(
        shown(false),
        [
            "WH101 aws_ecs_task_definition.suppressed_with_notes",
            "WH107 aws_iam_policy.suppressed_heredoc_policy"
        ],
        "the suppression above the block with a heredoc ends with the block, whatever brackets the heredoc's text holds"
    );
}
