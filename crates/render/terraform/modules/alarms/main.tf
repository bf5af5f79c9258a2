data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # Every alarm reports both when it fires and when it recovers.
  actions = [aws_sns_topic.this.arn]
}

################################################################################
# Notification topic
################################################################################

# CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key aws/sns,
# whose policy cannot be changed; a customer managed key can grant CloudWatch access.
# https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
resource "aws_kms_key" "this" {
  description             = "Encrypts the ${var.name} alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # Only for this environment's alarms, in this account and Region: the service
        # principal acts for every CloudWatch customer, and the conditions stop it acting
        # for anyone else's alarm (the confused deputy).
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
        Sid       = "CloudWatchPublishesToTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action = [
          "kms:Decrypt",
          "kms:GenerateDataKey*",
        ]
        Resource = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:cloudwatch:${var.region}:${data.aws_caller_identity.current.account_id}:alarm:${var.name}-*" }
        }
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sns_topic" "this" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.this.arn

  tags = var.tags
}

# The address receives a confirmation email; nothing is delivered until it is confirmed.
resource "aws_sns_topic_subscription" "email" {
  count = var.alerts_email != null ? 1 : 0

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = var.alerts_email
}

################################################################################
# Service alarms
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cloudwatch-metrics.html
################################################################################

locals {
  # Workers have no target group, so no load balancer alarms.
  web_services = { for key, service in var.services : key => service if service.load_balanced }

  # A worker that may scale to zero tasks is not short of tasks at zero.
  kept_running = { for key, service in var.services : key => service if service.min_tasks > 0 }
}

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  for_each = var.services

  alarm_name          = "${each.value.service_name}-cpu-high"
  alarm_description   = "${each.value.service_name}: average CPU above ${var.cpu_threshold}% for 15 minutes; auto scaling is not keeping up or is at its maximum."
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.cpu_threshold
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    ClusterName = var.cluster_name
    ServiceName = each.value.service_name
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "memory_high" {
  for_each = var.services

  alarm_name          = "${each.value.service_name}-memory-high"
  alarm_description   = "${each.value.service_name}: average memory above ${var.memory_threshold}% for 15 minutes; tasks risk being stopped for running out of memory."
  namespace           = "AWS/ECS"
  metric_name         = "MemoryUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.memory_threshold
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    ClusterName = var.cluster_name
    ServiceName = each.value.service_name
  }

  tags = var.tags
}

# No data means no running task reported, which is as bad as too few. RunningTaskCount exists
# only with Container Insights on, so without it the alarm would be in ALARM forever.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
resource "aws_cloudwatch_metric_alarm" "running_tasks_low" {
  for_each = var.container_insights ? local.kept_running : {}

  alarm_name          = "${each.value.service_name}-running-tasks-low"
  alarm_description   = "${each.value.service_name}: fewer than ${each.value.min_tasks} running tasks for 3 minutes; tasks are failing to start or stay healthy."
  namespace           = "ECS/ContainerInsights"
  metric_name         = "RunningTaskCount"
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = each.value.min_tasks
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    ClusterName = var.cluster_name
    ServiceName = each.value.service_name
  }

  tags = var.tags
}

################################################################################
# Load balancer alarms
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
################################################################################

# Each alarm reads every target group of its service: a blue/green release serves from
# either, and CodeDeploy rolls back on the alarm of the one it is moving traffic to.
resource "aws_cloudwatch_metric_alarm" "unhealthy_targets" {
  for_each = local.web_services

  alarm_name          = "${each.value.service_name}-unhealthy-targets"
  alarm_description   = "${each.value.service_name}: at least one target failed its load balancer health check for 3 minutes."
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dynamic "metric_query" {
    for_each = each.value.target_group_arn_suffixes

    content {
      id = "group${metric_query.key}"

      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = "UnHealthyHostCount"
        period      = 60
        stat        = "Maximum"

        dimensions = {
          LoadBalancer = var.alb_arn_suffix
          TargetGroup  = metric_query.value
        }
      }
    }
  }

  metric_query {
    id          = "unhealthy"
    expression  = "MAX(METRICS())"
    label       = "Unhealthy targets"
    return_data = true
  }

  tags = var.tags
}

# No requests means no errors.
resource "aws_cloudwatch_metric_alarm" "target_5xx" {
  for_each = local.web_services

  alarm_name          = "${each.value.service_name}-target-5xx"
  alarm_description   = "${each.value.service_name}: more than ${var.target_5xx_threshold} HTTP 5XX responses from the service in 5 minutes."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.target_5xx_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dynamic "metric_query" {
    for_each = each.value.target_group_arn_suffixes

    content {
      id = "group${metric_query.key}"

      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = "HTTPCode_Target_5XX_Count"
        period      = 300
        stat        = "Sum"

        dimensions = {
          LoadBalancer = var.alb_arn_suffix
          TargetGroup  = metric_query.value
        }
      }
    }
  }

  metric_query {
    id          = "errors"
    expression  = "SUM(METRICS())"
    label       = "HTTP 5XX responses from the service"
    return_data = true
  }

  tags = var.tags
}

# The slower target group's 95th percentile: percentiles of two groups cannot be added.
resource "aws_cloudwatch_metric_alarm" "response_time" {
  for_each = local.web_services

  alarm_name          = "${each.value.service_name}-response-time"
  alarm_description   = "${each.value.service_name}: 95th percentile response time above ${var.response_time_threshold_seconds} s for 15 minutes."
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.response_time_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dynamic "metric_query" {
    for_each = each.value.target_group_arn_suffixes

    content {
      id = "group${metric_query.key}"

      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = "TargetResponseTime"
        period      = 300
        stat        = "p95"

        dimensions = {
          LoadBalancer = var.alb_arn_suffix
          TargetGroup  = metric_query.value
        }
      }
    }
  }

  metric_query {
    id          = "slowest"
    expression  = "MAX(METRICS())"
    label       = "95th percentile response time of the slower target group"
    return_data = true
  }

  tags = var.tags
}

# 5XX generated by the load balancer itself: no healthy target, target timeouts, and
# connection errors the services never see.
resource "aws_cloudwatch_metric_alarm" "elb_5xx" {
  alarm_name          = "${var.name}-alb-5xx"
  alarm_description   = "${var.name}: the load balancer itself returned more than ${var.target_5xx_threshold} HTTP 5XX responses in 5 minutes (no healthy targets, timeouts or connection errors)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.target_5xx_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    LoadBalancer = var.alb_arn_suffix
  }

  tags = var.tags
}
