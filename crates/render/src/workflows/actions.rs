//! The actions the rendered workflows use, each pinned to the commit of one release tag.
//!
//! This table is the only place a SHA is written: every `uses:` line of every workflow is
//! made from it (`{action}@{sha} # {version}`), and a test fails on any other. No offline
//! check can tell a wrong SHA from a right one, so review this table when it changes: each
//! entry was taken from the action's release tag (`git ls-remote`'s peeled `^{}` commit,
//! never the annotated tag object) and checked against at least two public repositories
//! that pin the same commit with the same version, named under `seen`.

/// One pinned action.
#[derive(Debug)]
pub struct Action {
    /// `owner/repo`, or `owner/repo/path` for an action in a subdirectory.
    pub uses: &'static str,
    pub version: &'static str,
    /// The commit the release tag points to.
    pub sha: &'static str,
    /// The release the SHA is of, and where it was seen pinned.
    pub release: &'static str,
    pub seen: &'static str,
}

/// Sorted by `uses`.
pub const ACTIONS: &[Action] = &[
    Action {
        uses: "actions/cache",
        version: "v4.3.0",
        sha: "0057852bfaa89a56745cba8c7296529d2fc39830",
        release: "https://github.com/actions/cache/releases/tag/v4.3.0",
        seen: "pmd/pmd .github/workflows/build.yml; XRPLF/clio .github/actions/restore-cache/action.yml",
    },
    Action {
        uses: "actions/checkout",
        version: "v5.0.0",
        sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8",
        release: "https://github.com/actions/checkout/releases/tag/v5.0.0",
        seen: "two or more public workflows found with the code search (2026-12-01)",
    },
    Action {
        uses: "actions/download-artifact",
        version: "v4.3.0",
        sha: "d3f86a106a0bac45b974a628896c90dbdf5c8093",
        release: "https://github.com/actions/download-artifact/releases/tag/v4.3.0",
        seen: "ten public pin tables and workflows found with the code search (2026-12-02)",
    },
    Action {
        uses: "actions/upload-artifact",
        version: "v4.6.2",
        sha: "ea165f8d65b6e75b540449e92b4886f43607fa02",
        release: "https://github.com/actions/upload-artifact/releases/tag/v4.6.2",
        seen: "ten public pin tables and workflows found with the code search (2026-12-02)",
    },
    Action {
        uses: "aquasecurity/trivy-action",
        version: "v0.35.0",
        sha: "57a97c7e7821a5776cebc9bb87c984fa69cba8f1",
        release: "https://github.com/aquasecurity/trivy-action/releases/tag/v0.35.0 (tags 0.0.1 to 0.34.2 were rewritten by an attacker in March 2026: pin this commit, never a tag)",
        seen: "two or more public workflows found with the code search (2026-12-01)",
    },
    Action {
        uses: "aws-actions/configure-aws-credentials",
        version: "v5.1.1",
        sha: "61815dcd50bd041e203e49132bacad1fd04d2708",
        release: "https://github.com/aws-actions/configure-aws-credentials/releases/tag/v5.1.1",
        seen: "two or more public workflows found with the code search (2026-12-01)",
    },
    Action {
        uses: "docker/build-push-action",
        version: "v6.19.2",
        sha: "10e90e3645eae34f1e60eeb005ba3a3d33f178e8",
        release: "https://github.com/docker/build-push-action/releases/tag/v6.19.2",
        seen: "two or more public workflows found with the code search (2026-12-01)",
    },
    Action {
        uses: "docker/login-action",
        version: "v3.6.0",
        sha: "5e57cd118135c172c3672efd75eb46360885c0ef",
        release: "https://github.com/docker/login-action/releases/tag/v3.6.0",
        seen: "two or more public workflows found with the code search (2026-12-01)",
    },
    Action {
        uses: "docker/setup-buildx-action",
        version: "v3.12.0",
        sha: "8d2750c68a42422c14e847fe6c8ac0403b4cbd6f",
        release: "https://github.com/docker/setup-buildx-action/releases/tag/v3.12.0",
        seen: "two or more public workflows found with the code search (2026-12-01)",
    },
    Action {
        uses: "github/codeql-action/upload-sarif",
        version: "v4.38.3",
        sha: "24c54180a607b1449ed407dd24f251e4e9147c8d",
        release: "https://github.com/github/codeql-action/releases/tag/v4.38.3 (cee97f86b972a3ded3c58d04148362b193ddc518, also seen pinned as v4.38.3, is the annotated tag object, not the commit)",
        seen: "Opsbreak/actionguard README.md; Kazuki-0731/Kimigayo docs/developer/CICD_GUIDE.md",
    },
    Action {
        uses: "hashicorp/setup-terraform",
        version: "v3.1.2",
        sha: "b9cd54a3c349d3f38e8881555d616ced269862dd",
        release: "https://github.com/hashicorp/setup-terraform/releases/tag/v3.1.2",
        seen: "hashicorp/terraform-provider-scaffolding-framework and hashicorp/terraform-provider-null .github/workflows/test.yml",
    },
];

/// The pinned action named `uses`. Panics on a name not in the table: a workflow may use
/// only what is pinned here, and the golden tests render every workflow.
pub fn pinned(uses: &str) -> &'static Action {
    ACTIONS
        .iter()
        .find(|a| a.uses == uses)
        .unwrap_or_else(|| panic!("{uses} is not in the table of pinned actions"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_every_sha_is_a_full_commit() {
        let names: Vec<&str> = ACTIONS.iter().map(|a| a.uses).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for a in ACTIONS {
            assert_eq!(a.sha.len(), 40, "{}", a.uses);
            assert!(
                a.sha
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{}",
                a.uses
            );
            assert!(a.version.starts_with('v'), "{}", a.uses);
            assert!(a.release.contains(a.version), "{}", a.uses);
        }
    }
}
