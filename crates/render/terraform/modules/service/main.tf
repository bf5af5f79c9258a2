data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # AWS_REGION is always set so AWS SDKs in the container need no configuration.
  environment = merge(var.environment, { AWS_REGION = var.region })

  container_definition = {
    name      = var.container_name
    image     = "${var.repository_url}:${var.image_tag}"
    essential = true
    command   = var.command

    # A worker listens on no port.
    portMappings = var.port == null ? [] : [
      {
        containerPort = var.port
        hostPort      = var.port
        protocol      = "tcp"
      },
    ]

    # In name order, so the task definition only changes when a value does.
    environment = [for key in sort(keys(local.environment)) : { name = key, value = local.environment[key] }]
    secrets     = [for key in sort(keys(var.secrets)) : { name = key, valueFrom = var.secrets[key] }]

    # A non-root user and a read-only root filesystem limit what a compromised process can
    # change; /tmp stays writable through a task-scoped volume.
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-tasks-containers.html
    user                   = var.user
    readonlyRootFilesystem = var.readonly_root_filesystem
    mountPoints = [
      for volume in local.writable_paths : {
        sourceVolume  = volume.name
        containerPath = volume.path
        readOnly      = false
      }
    ]

    # An init process reaps the orphaned processes that ECS Exec sessions leave behind.
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
    linuxParameters = {
      initProcessEnabled = true
    }

    # By default the image must have wget: busybox (Alpine) images do; Debian "slim",
    # python:*-slim and distroless images do not, and need `health_check_command` or
    # `container_health_check = false` in wharf.toml. The exec form runs wget without a
    # shell, so the path cannot be misread.
    healthCheck = var.container_health_check ? {
      command     = coalescelist(var.health_check_command, ["CMD", "wget", "--no-verbose", "--tries=1", "--spider", "http://localhost:${coalesce(var.port, 0)}${var.health_check_path}"])
      interval    = 30
      timeout     = 5
      retries     = 3
      startPeriod = min(var.health_check_grace_period_seconds, 300)
    } : null

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "ecs"
      }
    }
  }

  # Task-scoped writable directories. With a read-only root, the SSM agent behind ECS Exec
  # needs its state and log directories writable or it exits at start.
  # https://github.com/aws/containers-roadmap/issues/1359
  writable_paths = concat(
    [{ name = "tmp", path = "/tmp" }],
    var.enable_execute_command && var.readonly_root_filesystem ? [
      { name = "ssm-state", path = "/var/lib/amazon" },
      { name = "ssm-logs", path = "/var/log/amazon" },
    ] : [],
  )

  decrypt_via_services = concat(
    length(var.secret_arns) > 0 ? ["secretsmanager.${var.region}.amazonaws.com"] : [],
    length(var.ssm_parameter_arns) > 0 ? ["ssm.${var.region}.amazonaws.com"] : [],
  )

  # Exec statements are only meaningful when ECS Exec is on and the cluster provides them.
  exec_kms_enabled    = var.enable_execute_command && var.kms_key_arn != null
  exec_log_enabled    = var.enable_execute_command && var.exec_log_group_arn != null
  task_policy_enabled = length(var.task_role_statements) > 0 || var.enable_execute_command
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

################################################################################
# IAM: the execution role is used by ECS to start the task (pull the image,
# fetch secrets, ship logs); the task role is what the application runs as.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
################################################################################

data "aws_iam_policy_document" "assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Confused-deputy protection: only ECS acting for this account may assume the roles.
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${var.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  description        = "Lets ECS pull the image, read the secrets and write the logs of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid = "PullImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.repository_arn]
  }

  # GetAuthorizationToken does not support resource-level permissions.
  statement {
    sid       = "GetAuthorizationToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "WriteLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [var.secret_arns] : []

    content {
      sid       = "ReadSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = length(var.ssm_parameter_arns) > 0 ? [var.ssm_parameter_arns] : []

    content {
      sid       = "ReadParameters"
      actions   = ["ssm:GetParameters"]
      resources = statement.value
    }
  }

  # Secrets and SecureString parameters encrypted with a customer managed key need
  # kms:Decrypt, but only when Secrets Manager or SSM asks on the task's behalf.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
  dynamic "statement" {
    for_each = length(local.decrypt_via_services) > 0 ? [local.decrypt_via_services] : []

    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = ["arn:${local.partition}:kms:${var.region}:${local.account_id}:key/*"]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = statement.value
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-task"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  description        = "Runtime permissions of the ${var.name} containers"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json

  tags = var.tags
}

data "aws_iam_policy_document" "task" {
  dynamic "statement" {
    for_each = var.task_role_statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # The SSM agent behind ECS Exec opens its channels through these actions, which have no
  # resource-level permissions: AWS requires Resource "*".
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-required-iam-permissions
  dynamic "statement" {
    for_each = var.enable_execute_command ? [1] : []

    content {
      sid = "EcsExecChannels"
      actions = [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.exec_kms_enabled ? [var.kms_key_arn] : []

    content {
      sid       = "EcsExecDecryptSession"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  # DescribeLogGroups has no resource-level permissions.
  dynamic "statement" {
    for_each = local.exec_log_enabled ? [1] : []

    content {
      sid       = "EcsExecFindLogGroup"
      actions   = ["logs:DescribeLogGroups"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.exec_log_enabled ? [var.exec_log_group_arn] : []

    content {
      sid = "EcsExecWriteSessionLog"
      actions = [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
      ]
      resources = ["${statement.value}:*"]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  count = local.task_policy_enabled ? 1 : 0

  name   = "runtime"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

################################################################################
# Task definition
################################################################################

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container_definition])

  # Fargate Spot runs X86_64 tasks only.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  dynamic "volume" {
    for_each = local.writable_paths

    content {
      name = volume.value.name
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.port != null || !var.container_health_check || length(var.health_check_command) > 0
      error_message = "A worker (no port) has no URL to check: set health_check_command, or container_health_check = false."
    }
  }
}

################################################################################
# Security group: traffic in only from the load balancer (none for a worker), out
# over HTTPS (AWS APIs through the VPC endpoints, anything else through NAT) and to
# the security groups of what the service uses (a database or its proxy).
################################################################################

resource "aws_security_group" "this" {
  name        = "${var.name}-tasks"
  description = "Tasks of ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  count = var.port != null ? 1 : 0

  security_group_id            = aws_security_group.this.id
  description                  = "Container port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.port
  to_port                      = var.port
  referenced_security_group_id = var.alb_security_group_id

  tags = var.tags
}

# The rule was a single resource before workers made it optional.
moved {
  from = aws_vpc_security_group_ingress_rule.from_load_balancer
  to   = aws_vpc_security_group_ingress_rule.from_load_balancer[0]
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and external services"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_cidr" {
  for_each = var.egress_cidrs

  security_group_id = aws_security_group.this.id
  description       = "${upper(each.value.protocol)} ${each.value.from_port}-${each.value.to_port} to ${each.value.cidr_ipv4}, as the manifest's egress asks"
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_ipv4

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_security_group" {
  for_each = var.egress_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = each.value.to_port == null ? "Port ${each.value.port} to ${each.key}" : "Ports ${each.value.port}-${each.value.to_port} to ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = coalesce(each.value.to_port, each.value.port)
  referenced_security_group_id = each.value.security_group_id

  tags = var.tags
}

################################################################################
# Service
################################################################################

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = var.cluster_arn
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = var.port != null ? var.health_check_grace_period_seconds : null
  enable_execute_command            = var.enable_execute_command
  enable_ecs_managed_tags           = true
  propagate_tags                    = "SERVICE"

  # Rolling deployments may stop half of the tasks and start as many new ones; a deployment
  # whose tasks keep failing stops and rolls back to the last working task definition.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
  deployment_minimum_healthy_percent = 50
  deployment_maximum_percent         = 200

  # Under CodeDeploy, a release is a second task set that CodeDeploy starts, checks and
  # moves traffic to, and rolls back on its alarms; the circuit breaker is ECS's own
  # deployments' and is refused there.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html
  dynamic "deployment_controller" {
    for_each = var.deployment_controller == "CODE_DEPLOY" ? [1] : []

    content {
      type = "CODE_DEPLOY"
    }
  }

  dynamic "deployment_circuit_breaker" {
    for_each = var.deployment_controller == "ECS" ? [1] : []

    content {
      enable   = true
      rollback = true
    }
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  # Whether there is a port is known when planning; the target group's ARN may not be.
  dynamic "load_balancer" {
    for_each = var.port != null ? [1] : []

    content {
      target_group_arn = var.target_group_arn
      container_name   = var.container_name
      container_port   = var.port
    }
  }

  tags = var.tags

  # Tasks cannot pull their image until the execution role has its policy.
  depends_on = [aws_iam_role_policy.execution]

  # Application Auto Scaling owns the task count once the service exists, and `wharf
  # deploy` owns which revision runs: Terraform registers the task definition, and a later
  # apply must not put an old image back over a release. Under CodeDeploy a release also
  # moves the service to the other target group (ECS refuses both changes outside
  # CodeDeploy). A rolling service's load balancer entry is set when it is created: a new
  # port needs the service replaced (`terraform apply -replace`).
  lifecycle {
    ignore_changes = [desired_count, task_definition, load_balancer]
  }
}

################################################################################
# Auto scaling: always on; min_count == max_count gives a fixed task count.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html
################################################################################

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count

  tags = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.queue_scaling == null ? 1 : 0

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target
    scale_in_cooldown  = var.scale_in_cooldown
    scale_out_cooldown = var.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "memory" {
  count = var.queue_scaling == null ? 1 : 0

  name               = "${var.name}-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.memory_target
    scale_in_cooldown  = var.scale_in_cooldown
    scale_out_cooldown = var.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}

# The policies were single resources before queue scaling made them optional.
moved {
  from = aws_appautoscaling_policy.cpu
  to   = aws_appautoscaling_policy.cpu[0]
}

moved {
  from = aws_appautoscaling_policy.memory
  to   = aws_appautoscaling_policy.memory[0]
}

################################################################################
# Scaling on a queue (a worker). Two policies, because backlog per task is undefined
# at zero tasks:
# - running: target tracking on messages waiting or being handled per running task
#   (counting those in flight, so that tasks busy with the last messages are not
#   stopped), which also scales in, down to min_count (zero included), once the queue
#   is drained;
# - from zero: with no task running, target tracking has nothing to divide by, so a
#   step policy adds a task while messages wait; from then on the tracking takes over.
# RunningTaskCount comes from Container Insights, which the cluster must have on.
# https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
################################################################################

locals {
  running_tasks_metric = {
    namespace   = "ECS/ContainerInsights"
    metric_name = "RunningTaskCount"
    dimensions = {
      ClusterName = var.cluster_name
      ServiceName = aws_ecs_service.this.name
    }
  }
}

resource "aws_appautoscaling_policy" "backlog" {
  count = var.queue_scaling != null ? 1 : 0

  name               = "${var.name}-backlog-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.queue_scaling.messages_per_task
    scale_in_cooldown  = var.scale_in_cooldown
    scale_out_cooldown = var.scale_out_cooldown

    customized_metric_specification {
      metrics {
        id          = "visible"
        label       = "Messages waiting"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"

            dimensions {
              name  = "QueueName"
              value = var.queue_scaling.queue_name
            }
          }
        }
      }

      metrics {
        id          = "in_flight"
        label       = "Messages being handled"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesNotVisible"

            dimensions {
              name  = "QueueName"
              value = var.queue_scaling.queue_name
            }
          }
        }
      }

      metrics {
        id          = "tasks"
        label       = "Running tasks"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = local.running_tasks_metric.namespace
            metric_name = local.running_tasks_metric.metric_name

            dimensions {
              name  = "ClusterName"
              value = local.running_tasks_metric.dimensions.ClusterName
            }

            dimensions {
              name  = "ServiceName"
              value = local.running_tasks_metric.dimensions.ServiceName
            }
          }
        }
      }

      metrics {
        id          = "backlog"
        expression  = "(visible + in_flight) / tasks"
        label       = "Messages waiting or being handled, per running task"
        return_data = true
      }
    }
  }
}

resource "aws_appautoscaling_policy" "from_zero" {
  count = var.queue_scaling != null ? 1 : 0

  name               = "${var.name}-start-from-zero"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  # One task at a time: if the alarm fires while a task is already starting, the worst
  # case is a task too many, which the backlog policy scales back in.
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = var.scale_out_cooldown
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

# Messages are waiting and no task runs (a missing RunningTaskCount counts as none).
resource "aws_cloudwatch_metric_alarm" "messages_without_tasks" {
  count = var.queue_scaling != null ? 1 : 0

  alarm_name          = "${var.name}-messages-without-tasks"
  alarm_description   = "${var.name}: messages wait in ${var.queue_scaling.queue_name} and no task runs; starts the first task."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.from_zero[0].arn]

  metric_query {
    id = "visible"

    metric {
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      period      = 60
      stat        = "Maximum"

      dimensions = {
        QueueName = var.queue_scaling.queue_name
      }
    }
  }

  metric_query {
    id = "tasks"

    metric {
      namespace   = local.running_tasks_metric.namespace
      metric_name = local.running_tasks_metric.metric_name
      dimensions  = local.running_tasks_metric.dimensions
      period      = 60
      stat        = "Maximum"
    }
  }

  metric_query {
    id          = "waiting_without_tasks"
    expression  = "IF(FILL(tasks, 0) == 0, visible, 0)"
    label       = "Messages waiting while no task runs"
    return_data = true
  }

  tags = var.tags
}
