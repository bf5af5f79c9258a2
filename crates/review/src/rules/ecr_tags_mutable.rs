//! WH106: an ECR repository whose image tags can be overwritten.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH106",
    name: "ecr-tags-mutable",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_51"],
    fix: "Set `image_tag_mutability = \"IMMUTABLE\"`",
    doc: r#"## What it does
Reports an `aws_ecr_repository` whose `image_tag_mutability` is not `IMMUTABLE` (or
`IMMUTABLE_WITH_EXCLUSION`, where only the tags matching its exclusion filters can move).
Unset, it is `MUTABLE`.

## Why is this bad?
With mutable tags, pushing `api:1.4.2` again silently replaces the image that tag named.
A task definition that says `1.4.2` then runs different code on its next task start or
scale-out than on its last one, a rollback to a tag may not roll back, and anyone who can
push can swap the image under a running service without a new deployment. Immutable tags
make a tag name one image for good.

## Example
```hcl
resource "aws_ecr_repository" "api" {
  name = "shop/api"
}
```

## Use instead
```hcl
resource "aws_ecr_repository" "api" {
  name                 = "shop/api"
  image_tag_mutability = "IMMUTABLE"
}
```

## References
- Image tag mutability in Amazon ECR: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html>
- Checkov: `CKV_AWS_51`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for repo in cx.resources("aws_ecr_repository") {
        let ok = match repo.body.get("image_tag_mutability") {
            Value::Unknown => None,
            // The provider's default.
            Value::Null => Some(false),
            v => Some(matches!(
                v.as_str(),
                Some("IMMUTABLE" | "IMMUTABLE_WITH_EXCLUSION")
            )),
        };
        cx.expect(ok, repo, repo.body.span_of("image_tag_mutability"), || {
            format!("{} has mutable image tags", named(repo))
        });
    }
}
