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
}
