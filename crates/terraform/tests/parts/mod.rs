//! That a tree loaded a part at a time ([`wharf_terraform::in_parts`]) is the tree loaded
//! whole: the same roots with the same resources at the same places, and the same files,
//! parse errors and problems. Each part here is as small as it can be (a directory and the
//! directories it calls), so that every tree a test writes is cut wherever it can be.

use std::path::{Path, PathBuf};

use wharf_terraform::{in_parts, LoadOptions, Project};

/// Each root's directory, and its resources with their files and spans.
type Roots = Vec<(PathBuf, Vec<String>)>;

fn roots(project: &Project) -> Roots {
    project
        .roots
        .iter()
        .map(|r| {
            let resources = r
                .resources
                .iter()
                .map(|res| {
                    let at = project.position(res.location.file, res.location.span.start);
                    let path = project.path(&res.location).display();
                    format!("{} {path}:{}:{}", res.address, at.0, at.1)
                })
                .collect();
            (r.dir.clone(), resources)
        })
        .collect()
}

/// Loads `paths` whole and a part at a time, and fails unless both load the same tree.
pub fn assert_parts_agree(paths: &[PathBuf], options: &LoadOptions) {
    let whole = Project::load(paths, options).unwrap();
    let cut = LoadOptions {
        part_bytes: Some(1),
        ..options.clone()
    };
    let (outline, parts) = in_parts(paths, &cut, roots, |kept| kept).unwrap();
    let mut got: Roots = parts.into_iter().flatten().collect();
    got.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    assert_eq!(got, roots(&whole), "the roots of {}", shown(paths));
    let expected = whole.outline();
    assert_eq!(
        (outline.files, outline.roots),
        (expected.files, expected.roots),
        "files and roots of {}",
        shown(paths)
    );
    assert_eq!(outline.parse_errors, expected.parse_errors);
    assert_eq!(outline.problems, expected.problems);
}

fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| Path::display(p).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
