data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

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
      values   = [data.aws_caller_identity.current.account_id]
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
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSCodeDeployRoleForECS"
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
    # Traffic moves as soon as the new tasks are healthy.
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
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
