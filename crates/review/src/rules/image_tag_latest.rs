//! WH307: an ECS container image that is not pinned: tagged `latest`, or not tagged at all.

use wharf_terraform::Value;

use crate::ecs::each_container;
use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH307",
    name: "image-tag-latest",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Reference the image by an immutable tag (a version or git SHA) or by digest",
    doc: r#"## What it does
Reports a container in an `aws_ecs_task_definition` whose `image` has the tag `latest`, or
neither a tag nor a digest (which Docker and ECS read as `latest`). A registry port, as in
`localhost:5000/app`, is not a tag; an image pinned by digest (`@sha256:...`) passes.

## Why is this bad?
`latest` names whatever was pushed last. The task definition no longer says which code
runs: two tasks of one service can run different builds after a scale-out, a rollback to
an earlier task definition revision pulls the same newest image and rolls nothing back, and
a push to the registry changes production without a deployment. Checkov has no check for
this in Terraform (its CKV_DOCKER_7 checks a Dockerfile's `FROM`).

## Example
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:latest"
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:${var.api_image_tag}"
  }])
}
```

## References
- ECS task definition parameters, `image`: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image>
- Amazon ECR image tag mutability: <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for task in cx.resources("aws_ecs_task_definition") {
        let span = task.body.span_of("container_definitions");
        each_container(task, |c| {
            let Value::String(image) = c.get("image") else {
                return;
            };
            let pin = pin_of(image);
            let ok = !matches!(pin, Pin::Untagged | Pin::Latest);
            cx.expect(Some(ok), task, span.clone(), || {
                let why = if matches!(pin, Pin::Latest) {
                    "which can change under it"
                } else {
                    "which has no tag and so means `latest`"
                };
                format!(
                    "container `{}` of {} runs `{image}`, {why}",
                    c.name(),
                    named(task)
                )
            });
        });
    }
}

enum Pin {
    Digest,
    Tag,
    Latest,
    Untagged,
}

/// How an image reference (`[registry[:port]/]repository[:tag][@digest]`) names its image.
fn pin_of(image: &str) -> Pin {
    if image.contains('@') {
        return Pin::Digest;
    }
    // A tag can only follow the last path component: the colon in `host:5000/app` is a port.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Pin::Untagged,
        Some((_, "latest")) => Pin::Latest,
        Some((_, "")) => Pin::Untagged,
        Some(_) => Pin::Tag,
    }
}
