# A Valkey or Redis OSS cache in the private subnets: ElastiCache Serverless, or a
# replication group on nodes (a primary, and a replica in another zone that takes over when
# there are two). Encrypted at rest with the environment's KMS key and in transit (TLS
# required), reachable only from the services that use it, and signed in to only with IAM:
# its user group holds a disabled `default` user and the IAM user the services connect as,
# so no password exists anywhere.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html

locals {
  nodes   = !var.serverless
  port    = 6379
  actions = [var.alarm_topic_arn]

  arn     = var.serverless ? aws_elasticache_serverless_cache.this[0].arn : aws_elasticache_replication_group.this[0].arn
  address = var.serverless ? aws_elasticache_serverless_cache.this[0].endpoint[0].address : aws_elasticache_replication_group.this[0].primary_endpoint_address

  # A node-based cache sends its slow log and engine log to CloudWatch, in groups made
  # first with the profile's retention and the environment's key.
  log_types  = local.nodes ? ["engine-log", "slow-log"] : []
  log_groups = { for log in local.log_types : log => "/aws/elasticache/${var.name}/${log}" }

  # Host metrics are by member cluster (CacheClusterId). ElastiCache names the members of
  # a replication group without cluster mode after it, -001 for the first node and -002
  # for its replica, as they are made; a member replaced later by hand may take another
  # name, and its alarm then sees no data.
  # https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html
  num_cache_clusters = var.multi_az ? 2 : 1
  members            = local.nodes ? [for i in range(local.num_cache_clusters) : format("%s-%03d", var.name, i + 1)] : []

  # Snapshots at night in UTC, then maintenance, apart so that neither waits for the other.
  snapshot_time      = "03:00"
  maintenance_window = "sun:05:30-sun:06:30"
}

################################################################################
# Network: a security group open on the cache's port (and a serverless cache's
# reader port) to the services that use it.
################################################################################

resource "aws_elasticache_subnet_group" "this" {
  count = local.nodes ? 1 : 0

  name        = var.name
  description = "Private subnets of ${var.name}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-cache"
  description = "Cache ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-cache" })
}

# A serverless cache's reader endpoint is the next port, which clients that read from
# replicas use.
resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = var.client_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "Cache from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = var.serverless ? local.port + 1 : local.port
  referenced_security_group_id = each.value

  tags = var.tags
}

################################################################################
# Users: IAM authentication alone. Every user group must hold a user named
# `default`; this one is off. A user group of the redis engine serves Valkey and
# Redis OSS caches alike.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html
################################################################################

resource "aws_elasticache_user" "default" {
  user_id       = "${var.name}-default"
  user_name     = "default"
  engine        = "redis"
  access_string = "off -@all"

  authentication_mode {
    type = "no-password-required"
  }

  tags = var.tags
}

# An IAM user's id and name are the same.
resource "aws_elasticache_user" "app" {
  user_id       = var.name
  user_name     = var.name
  engine        = "redis"
  access_string = "on ~* +@all"

  authentication_mode {
    type = "iam"
  }

  tags = var.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = var.name
  engine        = "redis"
  user_ids      = [aws_elasticache_user.default.user_id, aws_elasticache_user.app.user_id]

  tags = var.tags
}

################################################################################
# ElastiCache Serverless: always TLS, spread over the zones of its subnets.
################################################################################

resource "aws_elasticache_serverless_cache" "this" {
  count = var.serverless ? 1 : 0

  name                     = var.name
  description              = "Cache ${var.name}"
  engine                   = var.engine
  major_engine_version     = split(".", var.engine_version)[0]
  kms_key_id               = var.kms_key_arn
  subnet_ids               = var.subnet_ids
  security_group_ids       = [aws_security_group.this.id]
  user_group_id            = aws_elasticache_user_group.this.user_group_id
  snapshot_retention_limit = var.snapshot_retention_days
  daily_snapshot_time      = local.snapshot_time

  dynamic "cache_usage_limits" {
    for_each = var.max_storage_gb != null || var.max_ecpu_per_second != null ? [1] : []

    content {
      dynamic "data_storage" {
        for_each = var.max_storage_gb != null ? [var.max_storage_gb] : []

        content {
          maximum = data_storage.value
          unit    = "GB"
        }
      }

      dynamic "ecpu_per_second" {
        for_each = var.max_ecpu_per_second != null ? [var.max_ecpu_per_second] : []

        content {
          maximum = ecpu_per_second.value
        }
      }
    }
  }

  tags = var.tags
}

################################################################################
# Nodes: a replication group without cluster mode.
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  count = local.nodes ? 1 : 0

  replication_group_id       = var.name
  description                = "Cache ${var.name}"
  engine                     = var.engine
  engine_version             = var.engine_version
  node_type                  = var.node_type
  num_cache_clusters         = local.num_cache_clusters
  automatic_failover_enabled = var.multi_az
  multi_az_enabled           = var.multi_az
  port                       = local.port
  subnet_group_name          = aws_elasticache_subnet_group.this[0].name
  security_group_ids         = [aws_security_group.this.id]
  user_group_ids             = [aws_elasticache_user_group.this.user_group_id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true

  auto_minor_version_upgrade = true
  maintenance_window         = local.maintenance_window
  snapshot_window            = "${local.snapshot_time}-04:00"
  snapshot_retention_limit   = var.snapshot_retention_days
  final_snapshot_identifier  = var.final_snapshot ? "${var.name}-final-${trimprefix(aws_security_group.this.id, "sg-")}" : null

  dynamic "log_delivery_configuration" {
    for_each = local.log_groups

    content {
      destination      = aws_cloudwatch_log_group.this[log_delivery_configuration.key].name
      destination_type = "cloudwatch-logs"
      log_format       = "json"
      log_type         = log_delivery_configuration.key
    }
  }

  tags = var.tags
}

################################################################################
# Alarms: a node's engine CPU high, any eviction (the cache is full), and a
# serverless cache held back at its ECPU ceiling.
################################################################################

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  for_each = toset(local.members)

  alarm_name          = "${each.key}-cpu-high"
  alarm_description   = "${each.key}: the engine's CPU above ${var.cpu_alarm_threshold}% for 5 minutes."
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.cpu_alarm_threshold
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = { CacheClusterId = each.key }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "evictions" {
  for_each = var.serverless ? toset([var.name]) : toset(local.members)

  alarm_name          = "${each.key}-evictions"
  alarm_description   = "${each.key}: keys evicted to make room in the last 5 minutes; the cache is full."
  namespace           = "AWS/ElastiCache"
  metric_name         = "Evictions"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = var.serverless ? { clusterId = each.key } : { CacheClusterId = each.key }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "throttled" {
  count = var.serverless ? 1 : 0

  alarm_name          = "${var.name}-throttled"
  alarm_description   = "${var.name}: commands throttled in the last 5 minutes, at the cache's ECPU ceiling or while it scales."
  namespace           = "AWS/ElastiCache"
  metric_name         = "ThrottledCmds"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = { clusterId = var.name }

  tags = var.tags
}
