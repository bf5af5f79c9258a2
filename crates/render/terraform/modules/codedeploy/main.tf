data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Services whose releases wait, new tasks up and on the test listener, until the check
  # of their test path passes.
  checked = var.release_check == null ? {} : { for key, s in var.services : key => s if s.test != null }
  check   = length(local.checked) > 0
}

################################################################################
# Application and service role
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/codedeploy_IAM_role.html
################################################################################

resource "aws_codedeploy_app" "this" {
  compute_platform = "ECS"
  name             = var.name

  tags = var.tags
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }

    # Confused-deputy protection: only CodeDeploy acting for this account may assume it.
    # https://docs.aws.amazon.com/codedeploy/latest/userguide/security_iam_service-with-iam.html
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.name}-codedeploy"
  description        = "Lets CodeDeploy release the ECS services of ${var.name} blue/green"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

# AWS's policy for CodeDeploy on ECS: task sets, the listeners and rules it rewrites, the
# alarms it reads, and iam:PassRole only to ECS tasks.
resource "aws_iam_role_policy_attachment" "this" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AWSCodeDeployRoleForECS"
}

################################################################################
# Traffic steps CodeDeploy does not predefine
# https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations-create.html
################################################################################

resource "aws_codedeploy_deployment_config" "this" {
  for_each = var.custom_configs

  deployment_config_name = each.key
  compute_platform       = "ECS"

  traffic_routing_config {
    type = each.value.canary ? "TimeBasedCanary" : "TimeBasedLinear"

    dynamic "time_based_canary" {
      for_each = each.value.canary ? [each.value] : []

      content {
        percentage = time_based_canary.value.percent
        interval   = time_based_canary.value.interval_minutes
      }
    }

    dynamic "time_based_linear" {
      for_each = each.value.canary ? [] : [each.value]

      content {
        percentage = time_based_linear.value.percent
        interval   = time_based_linear.value.interval_minutes
      }
    }
  }
}

################################################################################
# One deployment group per service: CodeDeploy starts the new tasks in the target group
# that is not serving, sends the test listener to them, then moves the production
# listener's rules in the configuration's steps. A failure, a stop or one of the
# service's alarms rolls traffic back to the old tasks, which are kept `bake_minutes`
# after a success.
# https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-groups-create-ecs.html
################################################################################

resource "aws_codedeploy_deployment_group" "this" {
  for_each = var.services

  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = each.value.service_name
  deployment_config_name = each.value.deployment_config_name
  service_role_arn       = aws_iam_role.this.arn

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  ecs_service {
    cluster_name = var.cluster_name
    service_name = each.value.service_name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [var.listener_arn]
      }

      test_traffic_route {
        listener_arns = [var.test_listener_arn]
      }

      dynamic "target_group" {
        for_each = each.value.target_group_names

        content {
          name = target_group.value
        }
      }
    }
  }

  blue_green_deployment_config {
    # Traffic moves as soon as the new tasks are healthy; with a test path, only when
    # `wharf deploy` has checked it on the test listener and continues the release, which
    # CodeDeploy stops when nobody does within the wait.
    deployment_ready_option {
      action_on_timeout    = contains(keys(local.checked), each.key) ? "STOP_DEPLOYMENT" : "CONTINUE_DEPLOYMENT"
      wait_time_in_minutes = contains(keys(local.checked), each.key) ? try(var.release_check.wait_minutes, null) : null
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = each.value.bake_minutes
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]
  }

  # An alarm CodeDeploy cannot read stops the release rather than letting it through.
  alarm_configuration {
    enabled                   = true
    alarms                    = each.value.alarm_names
    ignore_poll_alarm_failure = false
  }

  tags = var.tags

  depends_on = [
    aws_iam_role_policy_attachment.this,
    aws_codedeploy_deployment_config.this,
  ]
}

################################################################################
# The check of a release's test path: a task of curl's image that `wharf deploy` runs in
# the service's subnets once the new tasks are on the test listener. It asks the load
# balancer's test listener (through the NAT gateways, whose addresses the test listener
# admits) for the path, and fails on an answer of 400 or more, a timeout or a refused
# connection, after retries. The task has no task role: it calls no AWS API.
# https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ContinueDeployment.html
################################################################################

resource "aws_cloudwatch_log_group" "check" {
  count = local.check ? 1 : 0

  name              = "/ecs/${var.name}-release-check"
  retention_in_days = var.release_check.log_retention_days
  kms_key_id        = var.release_check.kms_key_arn

  tags = var.tags
}

data "aws_iam_policy_document" "check_assume_role" {
  count = local.check ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${var.release_check.region}:${local.account_id}:*"]
    }
  }
}

# ECS writes the check's logs with it; the image is public and needs no ECR permission.
resource "aws_iam_role" "check_execution" {
  count = local.check ? 1 : 0

  name               = "${var.name}-release-check-execution"
  description        = "Lets ECS write the logs of ${var.name}'s release checks"
  assume_role_policy = data.aws_iam_policy_document.check_assume_role[0].json

  tags = var.tags
}

data "aws_iam_policy_document" "check_execution" {
  count = local.check ? 1 : 0

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.check[0].arn}:*"]
  }
}

resource "aws_iam_role_policy" "check_execution" {
  count = local.check ? 1 : 0

  name   = "logs"
  role   = aws_iam_role.check_execution[0].id
  policy = data.aws_iam_policy_document.check_execution[0].json
}

# Out only: to the test listener's port (the load balancer's public addresses, through
# NAT) and HTTPS for the image's registry.
resource "aws_security_group" "check" {
  #checkov:skip=CKV2_AWS_5:attached to each release check wharf deploy runs (RunTask), which reads it from the check task definition's wharf:security-group tag; Checkov's check does not know
  count = local.check ? 1 : 0

  name        = "${var.name}-release-check"
  description = "Release checks of ${var.name}: out to the test listener and the image registry"
  vpc_id      = var.release_check.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-release-check" })
}

resource "aws_vpc_security_group_egress_rule" "check_test_listener" {
  count = local.check ? 1 : 0

  security_group_id = aws_security_group.check[0].id
  description       = "The load balancer's test listener"
  ip_protocol       = "tcp"
  from_port         = var.release_check.test_listener_port
  to_port           = var.release_check.test_listener_port
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "check_https" {
  count = local.check ? 1 : 0

  security_group_id = aws_security_group.check[0].id
  description       = "HTTPS to the check image's registry"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

locals {
  check_scheme = try(var.release_check.test_listener_https, false) ? "https" : "http"

  # curl's arguments per service: the status and time on success, retried for about 90
  # seconds in all. A request naming a host goes to the load balancer whatever that name
  # resolves to (--connect-to), so host rules route it and TLS checks the certificate;
  # without a host name, HTTPS cannot check the load balancer's own DNS name against a
  # certificate that does not cover it (--insecure), and the check is of the tasks'
  # answer, not of the certificate, which the production listener shares.
  check_commands = { for key, s in local.checked : key => concat(
    ["--fail", "--silent", "--show-error", "--max-time", "10", "--retry", "5", "--retry-delay", "5", "--retry-all-errors", "--output", "/dev/null", "--write-out", "%%{http_code} in %%{time_total} s\n"],
    s.test.host == null ? [] : ["--connect-to", "${s.test.host}:${var.release_check.test_listener_port}:${var.release_check.load_balancer_dns_name}:${var.release_check.test_listener_port}"],
    s.test.host == null && var.release_check.test_listener_https ? ["--insecure"] : [],
    ["${local.check_scheme}://${coalesce(s.test.host, var.release_check.load_balancer_dns_name)}:${var.release_check.test_listener_port}${s.test.path}"],
  ) }
}

# The family is the service's with "-test"; `wharf deploy` runs its newest revision, in the
# security group the tag names.
resource "aws_ecs_task_definition" "check" {
  for_each = local.checked

  family                   = "${each.value.service_name}-test"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.check_execution[0].arn
  container_definitions = jsonencode([{
    name       = "check"
    image      = var.release_check.image
    essential  = true
    entryPoint = ["curl"]
    command    = local.check_commands[each.key]

    # The image's own non-root user (curl_user), and nothing to write.
    user                   = "100"
    readonlyRootFilesystem = true

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.check[0].name
        awslogs-region        = var.release_check.region
        awslogs-stream-prefix = "check"
      }
    }
  }])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  tags = merge(var.tags, { "wharf:security-group" = aws_security_group.check[0].id })
}
