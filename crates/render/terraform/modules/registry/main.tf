################################################################################
# Repositories
################################################################################

resource "aws_ecr_repository" "this" {
  for_each = var.repositories

  name = each.value

  # Immutable tags mean a tag always names the same image, so a deployment or a rollback
  # to a tag is reproducible.
  # https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = var.scan_on_push
  }

  # KMS without a key ARN uses the AWS managed key aws/ecr.
  # https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
  encryption_configuration {
    encryption_type = var.encryption_type
    kms_key         = var.encryption_type == "KMS" ? var.kms_key_arn : null
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = var.repositories

  repository = aws_ecr_repository.this[each.key].name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep the ${var.image_count_to_keep} most recent images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.image_count_to_keep
        }
        action = {
          type = "expire"
        }
      },
    ]
  })
}

################################################################################
# Push policy for CI
################################################################################

data "aws_iam_policy_document" "push" {
  # GetAuthorizationToken does not support resource-level permissions.
  # https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
  statement {
    sid       = "GetAuthorizationToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushAndPullImages"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [for key in sort(keys(var.repositories)) : aws_ecr_repository.this[key].arn]
  }
}

resource "aws_iam_policy" "push" {
  name        = "${var.name}-ecr-push"
  description = "Push and pull images of the ${var.name} ECR repositories"
  policy      = data.aws_iam_policy_document.push.json

  tags = var.tags
}
