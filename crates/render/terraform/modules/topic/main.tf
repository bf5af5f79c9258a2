# A standard SNS topic encrypted with the environment's KMS key, reachable only over TLS,
# with email and SQS subscriptions and an alarm when deliveries fail.
# https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html

data "aws_caller_identity" "current" {}

locals {
  actions = [var.alarm_topic_arn]
}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn

  tags = var.tags
}

# Every request must come over TLS. Within the account, IAM decides who may publish (a
# topic policy need not allow what identity policies already do); other accounts get
# nothing.
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "AccountManagesTopic"
    actions   = ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:Subscribe"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "AWS"
      identifiers = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic_subscription" "queue" {
  for_each = var.queue_arns

  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = each.value
  raw_message_delivery = true
}

resource "aws_cloudwatch_metric_alarm" "failed_deliveries" {
  alarm_name          = "${var.name}-failed-deliveries"
  alarm_description   = "${var.name}: SNS failed to deliver messages to a subscriber in the last 5 minutes."
  namespace           = "AWS/SNS"
  metric_name         = "NumberOfNotificationsFailed"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    TopicName = aws_sns_topic.this.name
  }

  tags = var.tags
}
