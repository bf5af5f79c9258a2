# A DynamoDB table billed on demand, encrypted with the environment's KMS key, with
# point-in-time recovery and deletion protection as the environment's profile decides, and
# alarms on throttled requests.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-general-nosql-design.html

locals {
  # Every key attribute of the table and its indexes, each defined once.
  keys = concat(
    [var.partition_key],
    var.sort_key == null ? [] : [var.sort_key],
    flatten([for i in var.indexes : concat([i.partition_key], i.sort_key == null ? [] : [i.sort_key])]),
  )
  attributes = { for k in local.keys : k.name => k.type... }
  actions    = [var.alarm_topic_arn]
}

resource "aws_dynamodb_table" "this" {
  name                        = var.name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = var.partition_key.name
  range_key                   = try(var.sort_key.name, null)
  deletion_protection_enabled = var.deletion_protection

  dynamic "attribute" {
    for_each = local.attributes

    content {
      name = attribute.key
      type = attribute.value[0]
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.indexes

    content {
      name            = global_secondary_index.value.name
      hash_key        = global_secondary_index.value.partition_key.name
      range_key       = try(global_secondary_index.value.sort_key.name, null)
      projection_type = "ALL"
    }
  }

  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each = toset(["ReadThrottleEvents", "WriteThrottleEvents"])

  alarm_name          = "${var.name}-${lower(trimsuffix(each.key, "ThrottleEvents"))}-throttled"
  alarm_description   = "${var.name}: requests were throttled (${each.key}); an item or a partition is too hot for on-demand capacity."
  namespace           = "AWS/DynamoDB"
  metric_name         = each.key
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = {
    TableName = aws_dynamodb_table.this.name
  }

  tags = var.tags
}
