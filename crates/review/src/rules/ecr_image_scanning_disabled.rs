//! WH105: an ECR repository whose images are not scanned when pushed.

use wharf_terraform::{Resource, Value};

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH105",
    name: "ecr-image-scanning-disabled",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_163"],
    fix:
        "Set `image_scanning_configuration { scan_on_push = true }` or add a registry scanning rule",
    doc: r#"## What it does
Reports an `aws_ecr_repository` whose `image_scanning_configuration { scan_on_push }` is
not `true` (without the block, images are not scanned), unless an
`aws_ecr_registry_scanning_configuration` in the same root module has a rule with
`scan_frequency` `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` whose repository filter matches the
repository's name.

## Why is this bad?
Without scanning, nobody learns that an image ships an operating system package or
library with a known vulnerability before it runs in production. Scanning on push is free
with basic scanning and reports findings per image within minutes; enhanced scanning
(Amazon Inspector) also rescans images when new vulnerabilities are published.

## Example
```hcl
resource "aws_ecr_repository" "api" {
  name = "shop/api"
}
```

## Use instead
```hcl
resource "aws_ecr_repository" "api" {
  name = "shop/api"

  image_scanning_configuration {
    scan_on_push = true
  }
}
```

## References
- Scan images for software vulnerabilities in Amazon ECR: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html>
- Security Hub ECR.1, private repositories should have image scanning configured: <https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html>
- Checkov: `CKV_AWS_163`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let registry: Vec<&Resource> = root
        .resources_of("aws_ecr_registry_scanning_configuration")
        .collect();
    for repo in root.resources_of("aws_ecr_repository") {
        let config = repo.body.block("image_scanning_configuration");
        let own = config.map_or(Some(false), |c| known_true(c.get("scan_on_push")));
        let ok = match (own, registry_scans(&registry, repo.body.get("name"))) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        };
        let span = match config {
            Some(c) => c.span_of("scan_on_push"),
            None => repo.location.span.clone(),
        };
        cx.expect(ok, repo, span, || {
            format!("{} does not scan images when they are pushed", named(repo))
        });
    }
}

/// Whether a registry scanning rule scans the repository named `name` on push or
/// continuously; None when that is not known.
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html>
fn registry_scans(configs: &[&Resource], name: &Value) -> Option<bool> {
    let mut unknown = false;
    for config in configs {
        for rule in config.body.blocks("rule") {
            let frequency = rule.get("scan_frequency");
            if frequency.is_unknown() {
                unknown = true;
                continue;
            }
            if !matches!(frequency.as_str(), Some("SCAN_ON_PUSH" | "CONTINUOUS_SCAN")) {
                continue;
            }
            for filter in rule.blocks("repository_filter") {
                match (filter.get("filter"), name) {
                    (Value::String(f), _) if f == "*" => {}
                    (Value::String(f), Value::String(n)) if wildcard_match(f, n) => {}
                    (Value::Unknown, _) | (Value::String(_), Value::Unknown) => {
                        unknown = true;
                        continue;
                    }
                    _ => continue,
                }
                // A configuration whose count or for_each is not known may not exist.
                if config.key_unknown() {
                    unknown = true;
                } else {
                    return Some(true);
                }
            }
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// ECR's repository filters: `*` matches any run of characters, everything else itself.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        // No `*`: the whole name must be the pattern.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}
