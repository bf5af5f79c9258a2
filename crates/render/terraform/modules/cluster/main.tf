data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # SNS encrypts what it delivers to an encrypted queue with the queue's key, so the
  # service needs the key, for this account's topics that feed queues only: one statement
  # when there are such topics, none otherwise.
  # https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html
  sns_key_statements = [for topics in length(var.sns_topics_to_queues) > 0 ? [var.sns_topics_to_queues] : [] : {
    Sid       = "TopicsDeliverToQueues"
    Effect    = "Allow"
    Principal = { Service = "sns.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
    Condition = {
      ArnLike = {
        "aws:SourceArn" = [for topic in topics : "arn:${data.aws_partition.current.partition}:sns:${var.region}:${data.aws_caller_identity.current.account_id}:${topic}"]
      }
    }
  }]
}

################################################################################
# KMS key for ECS Exec sessions and the environment's CloudWatch log groups
################################################################################

resource "aws_kms_key" "this" {
  description             = "Encrypts ECS Exec sessions and CloudWatch log groups of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # CloudWatch Logs encrypts with the key itself, so its regional service principal needs
  # the key, limited to log groups of this account and Region. Callers of PutLogEvents need
  # no KMS permission.
  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "AccountAdministersKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsUsesKey"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action = [
          "kms:Decrypt*",
          "kms:Describe*",
          "kms:Encrypt*",
          "kms:GenerateDataKey*",
          "kms:ReEncrypt*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"
          }
        }
      },
    ], local.sns_key_statements)
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-ecs"
  target_key_id = aws_kms_key.this.key_id
}

################################################################################
# Cluster
################################################################################

# Audit log of ECS Exec sessions: the commands run and their output.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging
resource "aws_cloudwatch_log_group" "exec" {
  name              = "/ecs/${var.name}/exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  # The key encrypts the data channel between the operator and the container; OVERRIDE sends
  # the session log to the encrypted audit log group instead of the task's own log group.
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.this.arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }

  tags = var.tags
}

# Services place tasks with their own strategy; this default applies to tasks started
# without one (for example one-off tasks). The base always runs on on-demand FARGATE,
# because Fargate Spot tasks can be interrupted with two minutes' notice.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = var.fargate_base
    weight            = var.fargate_weight
  }

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = var.fargate_spot_weight
  }
}
