//! GitHub's rules for the names wharf writes into trust policies and workflows: a
//! repository's `owner/name` and a ref pattern. A name that breaks them would give a role
//! that no workflow can assume, or, with a wildcard, one that too many can.

/// Why `repository` is not a GitHub `owner/name`, if it is not.
///
/// An owner (user or organization) is 1 to 39 letters, digits and single hyphens, neither
/// first nor last; a repository name is 1 to 100 letters, digits, `.`, `-` and `_`, and is
/// not `.` or `..`.
/// <https://docs.github.com/en/get-started/using-github/github-glossary#repository>
pub fn repository_problem(repository: &str) -> Option<String> {
    let Some((owner, name)) = repository.split_once('/') else {
        return Some("it has no `/` between the owner and the name".to_string());
    };
    if owner.is_empty() || owner.len() > 39 {
        return Some(format!("the owner `{owner}` is not 1 to 39 characters"));
    }
    if !owner
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        || owner.starts_with('-')
        || owner.ends_with('-')
        || owner.contains("--")
    {
        return Some(format!(
            "the owner `{owner}` may hold only letters, digits and single hyphens, not first or last"
        ));
    }
    if name.is_empty() || name.len() > 100 {
        return Some(format!("the name `{name}` is not 1 to 100 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        || name == "."
        || name == ".."
    {
        return Some(format!(
            "the name `{name}` may hold only letters, digits, `.`, `-` and `_`"
        ));
    }
    None
}

/// Why `name` is not a branch name or tag pattern wharf accepts, if it is not: git's ref
/// rules (no space, `~`, `^`, `:`, `\`, `[`, `..`, `@{`, control characters; not starting
/// with `-` or `/`, not ending with `/`, `.` or `.lock`), where `*` and `?` are allowed only
/// in a pattern. <https://git-scm.com/docs/git-check-ref-format>
pub fn ref_problem(name: &str, pattern: bool) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_string());
    }
    if let Some(c) = name.chars().find(|c| {
        c.is_control()
            || c.is_whitespace()
            || matches!(c, '~' | '^' | ':' | '\\' | '[')
            || (!pattern && matches!(c, '*' | '?'))
    }) {
        return Some(format!("`{}` is not allowed in a ref", c.escape_default()));
    }
    if name.contains("..") || name.contains("@{") || name.contains("//") {
        return Some("`..`, `@{` and `//` are not allowed in a ref".to_string());
    }
    if name.starts_with('-') || name.starts_with('/') {
        return Some("a ref does not start with `-` or `/`".to_string());
    }
    if name.ends_with('/') || name.ends_with('.') || name.ends_with(".lock") {
        return Some("a ref does not end with `/`, `.` or `.lock`".to_string());
    }
    None
}

/// Why a branch name or tag pattern cannot be written into a workflow as it is, if it
/// cannot: beyond git's rules, wharf accepts only letters, digits, `.`, `_`, `-` and `/`,
/// which neither YAML nor a GitHub expression reads as syntax, and in a pattern one `*`,
/// at the end, since the deploy job tells tags apart with `startsWith`.
pub fn workflow_ref_problem(name: &str, pattern: bool) -> Option<String> {
    let body = if pattern {
        name.strip_suffix('*').unwrap_or(name)
    } else {
        name
    };
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return Some(if matches!(c, '*' | '?') {
            format!("`{c}` is allowed only as the last character of a tag pattern, `*` (a prefix, such as `v*`)")
        } else {
            format!(
                "`{}` is not one of the letters, digits, `.`, `_`, `-` and `/` wharf writes into a workflow",
                c.escape_default()
            )
        });
    }
    if pattern && body.is_empty() {
        return Some("`*` alone would deploy every tag".to_string());
    }
    None
}

/// Why `url` is not a git URL the workflows can install from, if it is not: `https://`, a
/// host and a path, no credentials, query or fragment, and only characters that YAML and
/// a shell's double quotes take literally.
pub fn git_url_problem(url: &str) -> Option<String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Some("is not an `https://` URL".to_string());
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.contains('@') {
        return Some(
            "holds credentials before the host, which would be written into the workflow"
                .to_string(),
        );
    }
    if host.is_empty() || path.is_empty() {
        return Some("names no host and repository path".to_string());
    }
    if let Some(c) = rest
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '~')))
    {
        return Some(format!(
            "holds `{}`; a repository URL here has letters, digits, `.`, `_`, `-`, `~`, `:` and `/` only",
            c.escape_default()
        ));
    }
    None
}

/// Why `path` is not a path inside the repository's checkout wharf writes into a workflow,
/// if it is not: relative, with `/`, each component letters, digits, `.`, `_` and `-` (no
/// `.` or `..` component; `.` alone, the root, only where `root_allowed`).
pub fn workspace_path_problem(path: &str, root_allowed: bool) -> Option<String> {
    if path == "." {
        return (!root_allowed).then(|| "names a directory, not a file".to_string());
    }
    if path.starts_with('/') {
        return Some("is absolute; the path is inside the repository's checkout".to_string());
    }
    for c in path.split('/') {
        if c.is_empty() || c == "." || c == ".." {
            return Some(format!(
                "has the component `{c}`; write a plain path below the repository's root"
            ));
        }
        if let Some(ch) = c
            .chars()
            .find(|ch| !(ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-')))
        {
            return Some(format!(
                "holds `{}`; a path here has letters, digits, `.`, `_`, `-` and `/` only",
                ch.escape_default()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository_problem("acme/shop"), None);
        assert_eq!(repository_problem("a-c-m-e/shop.web_2"), None);
        for bad in [
            "acme",
            "/shop",
            "acme/",
            "-acme/shop",
            "ac--me/shop",
            "acme/*",
            "*/shop",
            "acme/sh op",
            "acme/..",
            "acme/shop/x",
        ] {
            assert!(repository_problem(bad).is_some(), "{bad}");
        }
        assert!(repository_problem(&format!("{}/x", "a".repeat(40))).is_some());
    }

    #[test]
    fn refs() {
        assert_eq!(ref_problem("main", false), None);
        assert_eq!(ref_problem("release/2026", false), None);
        assert_eq!(ref_problem("v*", true), None);
        assert!(ref_problem("v*", false).is_some());
        for bad in [
            "", "a b", "a..b", "-x", "x/", "x.lock", "a:b", "a~1", "x@{1}",
        ] {
            assert!(ref_problem(bad, true).is_some(), "{bad}");
        }
    }

    #[test]
    fn workflow_refs() {
        assert_eq!(workflow_ref_problem("main", false), None);
        assert_eq!(workflow_ref_problem("release/2026-q1", false), None);
        assert_eq!(workflow_ref_problem("v*", true), None);
        assert_eq!(workflow_ref_problem("v1.2.3", true), None);
        for bad in ["*", "v*x", "v?", "${{x}}", "a'b", "a\"b", "a$b", "a#b"] {
            assert!(workflow_ref_problem(bad, true).is_some(), "{bad}");
        }
    }

    #[test]
    fn git_urls() {
        assert_eq!(git_url_problem("https://github.com/acme/wharf"), None);
        assert_eq!(
            git_url_problem("https://git.example.com:8443/x/wharf.git"),
            None
        );
        for bad in [
            "http://github.com/acme/wharf",
            "git@github.com:acme/wharf",
            "https://token@github.com/acme/wharf",
            "https://github.com",
            "https://github.com/acme/wharf?x=1",
            "https://github.com/acme/$(id)",
        ] {
            assert!(git_url_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn workspace_paths() {
        assert_eq!(workspace_path_problem(".", true), None);
        assert_eq!(workspace_path_problem("services/api", true), None);
        assert_eq!(workspace_path_problem("docker/api.Dockerfile", false), None);
        for bad in ["/abs", "../x", "a/../b", "a//b", "a b", "a/./b", "$HOME"] {
            assert!(workspace_path_problem(bad, true).is_some(), "{bad}");
        }
        assert!(workspace_path_problem(".", false).is_some());
    }
}
