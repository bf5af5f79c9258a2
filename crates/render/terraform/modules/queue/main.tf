# An SQS queue with its dead-letter queue, encrypted with the environment's KMS key,
# reachable only over TLS, with alarms on its backlog and on messages that failed.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html

locals {
  dead_letter = var.max_receive_count != null
  suffix      = var.fifo ? ".fifo" : ""
  base_name   = trimsuffix(var.name, ".fifo")
  actions     = [var.alarm_topic_arn]
}

resource "aws_sqs_queue" "dead_letter" {
  count = local.dead_letter ? 1 : 0

  name                              = "${local.base_name}-dlq${local.suffix}"
  fifo_queue                        = var.fifo
  message_retention_seconds         = 1209600 # 14 days, SQS's longest: time to look at what failed
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = var.name
  fifo_queue                        = var.fifo
  content_based_deduplication       = var.fifo ? true : null
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = local.dead_letter ? jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[0].arn
    maxReceiveCount     = var.max_receive_count
  }) : null

  tags = var.tags
}

# Every request must come over TLS; IAM decides who may do what, and SNS may send only the
# messages of the topics subscribed to the queue.
# https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
data "aws_iam_policy_document" "tls_only" {
  for_each = local.dead_letter ? { this = aws_sqs_queue.this.arn, dead_letter = aws_sqs_queue.dead_letter[0].arn } : { this = aws_sqs_queue.this.arn }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

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

  dynamic "statement" {
    for_each = each.key == "this" && length(var.sns_topic_arns) > 0 ? [var.sns_topic_arns] : []

    content {
      sid       = "TopicsSendMessages"
      actions   = ["sqs:SendMessage"]
      resources = [each.value]

      principals {
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = statement.value
      }
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.tls_only["this"].json
}

resource "aws_sqs_queue_policy" "dead_letter" {
  count = local.dead_letter ? 1 : 0

  queue_url = aws_sqs_queue.dead_letter[0].id
  policy    = data.aws_iam_policy_document.tls_only["dead_letter"].json
}

resource "aws_cloudwatch_metric_alarm" "depth" {
  alarm_name          = "${local.base_name}-depth-high"
  alarm_description   = "${var.name}: more than ${var.depth_alarm_threshold} messages waiting for 10 minutes; its consumers are not keeping up."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.depth_alarm_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    QueueName = aws_sqs_queue.this.name
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "age" {
  alarm_name          = "${local.base_name}-oldest-message"
  alarm_description   = "${var.name}: a message has waited more than ${var.age_alarm_threshold_seconds} seconds; its consumers are down or falling behind."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.age_alarm_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    QueueName = aws_sqs_queue.this.name
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  count = local.dead_letter ? 1 : 0

  alarm_name          = "${local.base_name}-dead-letters"
  alarm_description   = "${var.name}: a message failed ${coalesce(var.max_receive_count, 0)} times and waits in ${aws_sqs_queue.dead_letter[0].name}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    QueueName = aws_sqs_queue.dead_letter[0].name
  }

  tags = var.tags
}
