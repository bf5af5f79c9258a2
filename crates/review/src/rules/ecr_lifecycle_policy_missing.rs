//! WH501: an ECR repository without a lifecycle policy.

use wharf_terraform::Value;

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH501",
    name: "ecr-lifecycle-policy-missing",
    pillar: Pillar::CostOptimization,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Add an `aws_ecr_lifecycle_policy` that expires old and untagged images",
    doc: r#"## What it does
Reports an `aws_ecr_repository` that no `aws_ecr_lifecycle_policy` applies to.

## Why is this bad?
Every deployment pushes an image and none is ever deleted: storage grows at $0.10 per
GB-month for as long as the repository exists, and image scans and listings slow down.
Untagged layers left by re-pushed tags are pure waste. Checkov has no check for this.

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
}

resource "aws_ecr_lifecycle_policy" "api" {
  repository = aws_ecr_repository.api.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 30 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
      action       = { type = "expire" }
    }]
  })
}
```

## References
- Amazon ECR lifecycle policies: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html>
- Amazon ECR pricing: <https://aws.amazon.com/ecr/pricing/>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    let targets: Vec<&Value> = root
        .resources_of("aws_ecr_lifecycle_policy")
        .map(|p| p.body.get("repository"))
        .collect();
    let any_unknown = targets.iter().any(|t| t.is_unknown());
    for repo in root.resources_of("aws_ecr_repository") {
        let name = repo.body.get("name");
        let ok = match name.as_str() {
            Some(n) if targets.iter().any(|t| t.as_str() == Some(n)) => Some(true),
            Some(_) if !any_unknown => Some(false),
            _ => None,
        };
        cx.expect(ok, repo, repo.location.span.clone(), || {
            format!(
                "{} has no lifecycle policy; its images are never expired",
                named(repo)
            )
        });
    }
}
