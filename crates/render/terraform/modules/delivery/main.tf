data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  oidc_host  = "token.actions.githubusercontent.com"

  release_check = try(var.codedeploy.release_check, null)
}

################################################################################
# The deploy role, assumed by one GitHub environment's jobs through OIDC
# https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
################################################################################

data "aws_iam_policy_document" "assume_role" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    # The token must be meant for AWS STS...
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    # ...and come from a job of this repository that runs in this GitHub environment.
    # Exact, never StringLike: a wildcard in the owner or the repository would let other
    # repositories' workflows deploy here.
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [var.subject]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Deploys images to ${var.name}'s services from GitHub Actions (${var.subject})"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  max_session_duration = var.session_seconds

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "push" {
  role       = aws_iam_role.this.name
  policy_arn = var.ecr_push_policy_arn
}

################################################################################
# What `wharf deploy` calls, each on the narrowest resource IAM accepts
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
################################################################################

data "aws_iam_policy_document" "deploy" {
  # Describing and listing task definitions takes no resource narrower than "*".
  statement {
    sid       = "ReadTaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions"]
    resources = ["*"]
  }

  statement {
    sid       = "RegisterRevisions"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = [for s in values(var.services) : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${s.task_definition_family}:*"]
  }

  # A revision keeps its family's tags, which needs TagResource while registering it.
  statement {
    sid       = "TagRevisions"
    actions   = ["ecs:TagResource"]
    resources = [for s in values(var.services) : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${s.task_definition_family}:*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  statement {
    sid       = "ReleaseServices"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [for s in values(var.services) : s.service_arn]
  }

  # A new revision names the same task and execution roles, passed to ECS tasks only.
  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = distinct(flatten([for s in values(var.services) : [s.task_role_arn, s.execution_role_arn]]))

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = var.codedeploy == null ? [] : [var.codedeploy]

    content {
      sid       = "ReleaseThroughCodeDeploy"
      actions   = ["codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetDeploymentGroup", "codedeploy:ListDeployments"]
      resources = statement.value.deployment_group_arns
    }
  }

  # A release names its configuration; a rollback goes all at once.
  dynamic "statement" {
    for_each = var.codedeploy == null ? [] : [var.codedeploy]

    content {
      sid       = "ReadDeploymentConfigs"
      actions   = ["codedeploy:GetDeploymentConfig"]
      resources = [for name in distinct(concat(statement.value.deployment_config_names, ["CodeDeployDefault.ECSAllAtOnce"])) : "arn:${local.partition}:codedeploy:${local.region}:${local.account_id}:deploymentconfig:${name}"]
    }
  }

  dynamic "statement" {
    for_each = var.codedeploy == null ? [] : [var.codedeploy]

    content {
      sid       = "RegisterRevisionsInCodeDeploy"
      actions   = ["codedeploy:GetApplicationRevision", "codedeploy:RegisterApplicationRevision"]
      resources = [statement.value.application_arn]
    }
  }

  # An environment after the first deploys the image the one before it released: it
  # copies that digest from the earlier environment's repositories, which it may only read.
  dynamic "statement" {
    for_each = length(var.promote_from_repositories) == 0 ? [] : [var.promote_from_repositories]

    content {
      sid       = "PullFromEarlierEnvironment"
      actions   = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
      resources = [for name in statement.value : "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${name}"]
    }
  }

  # Continuing or stopping a deployment and reading its targets take no resource narrower
  # than "*".
  dynamic "statement" {
    for_each = var.codedeploy == null ? [] : [var.codedeploy]

    content {
      sid       = "FollowAndStopReleases"
      actions   = ["codedeploy:BatchGetDeploymentTargets", "codedeploy:ContinueDeployment", "codedeploy:ListDeploymentTargets", "codedeploy:StopDeployment"]
      resources = ["*"]
    }
  }

  # A release with a test path runs its check task in the environment's cluster only...
  dynamic "statement" {
    for_each = local.release_check == null ? [] : [local.release_check]

    content {
      sid       = "RunReleaseChecks"
      actions   = ["ecs:RunTask"]
      resources = [for family in statement.value.task_definition_families : "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${family}:*"]

      condition {
        test     = "ArnEquals"
        variable = "ecs:cluster"
        values   = [statement.value.cluster_arn]
      }
    }
  }

  # ...follows it there...
  dynamic "statement" {
    for_each = local.release_check == null ? [] : [local.release_check]

    content {
      sid       = "FollowReleaseChecks"
      actions   = ["ecs:DescribeTasks"]
      resources = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${statement.value.cluster_name}/*"]
    }
  }

  # ...and passes it its execution role, to ECS tasks only.
  dynamic "statement" {
    for_each = local.release_check == null ? [] : [local.release_check]

    content {
      sid       = "PassReleaseCheckRole"
      actions   = ["iam:PassRole"]
      resources = [statement.value.execution_role_arn]

      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["ecs-tasks.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.deploy.json
}
