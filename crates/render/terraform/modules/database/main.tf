# A PostgreSQL database in the private subnets: an RDS instance or an Aurora Serverless v2
# cluster, encrypted with the environment's KMS key, TLS required, IAM authentication on,
# the master password generated and kept by RDS in Secrets Manager (never in Terraform or
# its state), Performance Insights, PostgreSQL logs in CloudWatch, automated backups and
# minor upgrades in fixed windows; optionally RDS Proxy in front, requiring TLS and IAM.
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  instance  = !var.aurora
  partition = data.aws_partition.current.partition
  port      = 5432
  actions   = [var.alarm_topic_arn]

  # Who may reach the database itself: its proxy alone when it has one.
  database_sources = var.proxy ? { proxy = aws_security_group.proxy[0].id } : var.client_security_group_ids

  master_user_secret_arn = local.instance ? aws_db_instance.this[0].master_user_secret[0].secret_arn : aws_rds_cluster.this[0].master_user_secret[0].secret_arn
  address                = local.instance ? aws_db_instance.this[0].address : aws_rds_cluster.this[0].endpoint

  # The logs exported to CloudWatch. RDS creates their groups itself, with no retention and
  # no key, unless they exist first.
  log_exports = local.instance ? ["postgresql", "upgrade"] : ["postgresql"]
  log_groups  = { for log in local.log_exports : log => local.instance ? "/aws/rds/instance/${var.name}/${log}" : "/aws/rds/cluster/${var.name}/${log}" }

  # A final snapshot is named after the database's security group too, which is new each
  # time the environment is made: deleting it again does not collide with the snapshot
  # of the first time.
  final_snapshot_identifier = var.final_snapshot ? "${var.name}-final-${trimprefix(aws_security_group.this.id, "sg-")}" : null

  # Backups, then maintenance, at night in UTC, apart so that neither waits for the other.
  backup_window      = "03:00-04:00"
  maintenance_window = "sun:04:30-sun:05:30"

  # Checkov and the RDS guidance agree on logging slow queries and schema changes.
  # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html
  parameters = {
    "rds.force_ssl"            = "1"
    log_min_duration_statement = "1000"
    log_statement              = "ddl"
  }
}

################################################################################
# Network: subnets of its own group, and a security group open only on the
# PostgreSQL port, only to the services that use it (or its proxy).
################################################################################

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of ${var.name}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-database"
  description = "PostgreSQL ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-database" })
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = var.proxy ? toset(["proxy"]) : toset(keys(var.client_security_group_ids))

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = local.database_sources[each.key]

  tags = var.tags
}

################################################################################
# Parameters: TLS required (rds.force_ssl), queries slower than a second and
# schema changes logged.
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html
################################################################################

# A new major version needs a group of its family: named by prefix, the new one is made
# before the old one, still in use until then, is deleted.
resource "aws_db_parameter_group" "this" {
  count = local.instance ? 1 : 0

  name_prefix = "${var.name}-pg${var.engine_version}-"
  family      = "postgres${var.engine_version}"
  description = "TLS required and queries logged for ${var.name}"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "log_min_duration_statement"
    value        = "1000"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "log_statement"
    value        = "ddl"
    apply_method = "pending-reboot"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster_parameter_group" "this" {
  count = var.aurora ? 1 : 0

  name_prefix = "${var.name}-pg${var.engine_version}-"
  family      = "aurora-postgresql${var.engine_version}"
  description = "TLS required and queries logged for ${var.name}"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "log_min_duration_statement"
    value        = "1000"
    apply_method = "pending-reboot"
  }

  parameter {
    name         = "log_statement"
    value        = "ddl"
    apply_method = "pending-reboot"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Logs and monitoring
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_groups

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# Enhanced Monitoring publishes OS metrics (processes, memory, I/O) every minute.
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.html
data "aws_iam_policy_document" "monitoring" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${var.name}-monitoring"
  description        = "Lets RDS publish the Enhanced Monitoring metrics of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.monitoring.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

################################################################################
# RDS for PostgreSQL instance
################################################################################

resource "aws_db_instance" "this" {
  count = local.instance ? 1 : 0

  identifier     = var.name
  engine         = "postgres"
  engine_version = var.engine_version
  # A new `version` in the manifest is a major upgrade, which RDS applies only when asked.
  allow_major_version_upgrade = true
  instance_class              = var.instance_class
  db_name                     = var.database_name
  username                    = var.username
  port                        = local.port

  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  storage_type          = "gp3"
  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.this.id]
  publicly_accessible                 = false
  multi_az                            = var.multi_az
  parameter_group_name                = aws_db_parameter_group.this[0].name
  iam_database_authentication_enabled = true

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
  enabled_cloudwatch_logs_exports       = local.log_exports

  auto_minor_version_upgrade = true
  backup_retention_period    = var.backup_retention_days
  backup_window              = local.backup_window
  maintenance_window         = local.maintenance_window
  copy_tags_to_snapshot      = true
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = !var.final_snapshot
  final_snapshot_identifier  = local.final_snapshot_identifier

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy_attachment.monitoring]
}

################################################################################
# Aurora PostgreSQL Serverless v2 cluster: a writer, and a reader in another
# Availability Zone with Multi-AZ.
################################################################################

resource "aws_rds_cluster" "this" {
  count = var.aurora ? 1 : 0

  cluster_identifier = var.name
  engine             = "aurora-postgresql"
  engine_mode        = "provisioned"
  engine_version     = var.engine_version
  # A new `version` in the manifest is a major upgrade, which RDS applies only when asked.
  allow_major_version_upgrade = true
  database_name               = var.database_name
  master_username             = var.username
  port                        = local.port

  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  storage_encrypted = true
  kms_key_id        = var.kms_key_arn

  db_subnet_group_name                = aws_db_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.this.id]
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.this[0].name
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = local.log_exports

  serverlessv2_scaling_configuration {
    min_capacity             = var.min_capacity
    max_capacity             = var.max_capacity
    seconds_until_auto_pause = var.seconds_until_auto_pause
  }

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = local.backup_window
  preferred_maintenance_window = local.maintenance_window
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = !var.final_snapshot
  final_snapshot_identifier    = local.final_snapshot_identifier

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_rds_cluster_instance" "this" {
  count = var.aurora ? (var.multi_az ? 2 : 1) : 0

  identifier         = "${var.name}-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.this[0].id
  instance_class     = "db.serverless"
  engine             = aws_rds_cluster.this[0].engine
  engine_version     = aws_rds_cluster.this[0].engine_version

  db_subnet_group_name = aws_db_subnet_group.this.name
  publicly_accessible  = false

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.monitoring.arn

  auto_minor_version_upgrade   = true
  preferred_maintenance_window = local.maintenance_window
  copy_tags_to_snapshot        = true

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.monitoring]
}

################################################################################
# RDS Proxy: pools the services' connections, requires TLS and IAM authentication,
# and reads the master user's secret to reach the database, so tasks get no password.
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam.html
################################################################################

data "aws_iam_policy_document" "proxy_assume" {
  count = var.proxy ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "proxy" {
  count = var.proxy ? 1 : 0

  name               = "${var.name}-proxy"
  description        = "Lets RDS Proxy read the master user's secret of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume[0].json

  tags = var.tags
}

data "aws_iam_policy_document" "proxy" {
  count = var.proxy ? 1 : 0

  statement {
    sid       = "ReadMasterUserSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.master_user_secret_arn]
  }

  statement {
    sid       = "DecryptMasterUserSecret"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "proxy" {
  count = var.proxy ? 1 : 0

  name   = "read-master-user-secret"
  role   = aws_iam_role.proxy[0].id
  policy = data.aws_iam_policy_document.proxy[0].json
}

# Checkov's list of resources that attach a security group has no aws_db_proxy, whose
# vpc_security_group_ids below attaches this one.
resource "aws_security_group" "proxy" {
  #checkov:skip=CKV2_AWS_5:attached to the aws_db_proxy below, which Checkov's check does not know
  count = var.proxy ? 1 : 0

  name        = "${var.name}-proxy"
  description = "RDS Proxy of ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-proxy" })
}

resource "aws_vpc_security_group_ingress_rule" "proxy" {
  for_each = var.proxy ? toset(keys(var.client_security_group_ids)) : toset([])

  security_group_id            = aws_security_group.proxy[0].id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = var.client_security_group_ids[each.key]

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "proxy" {
  count = var.proxy ? 1 : 0

  security_group_id            = aws_security_group.proxy[0].id
  description                  = "PostgreSQL to the database"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.this.id

  tags = var.tags
}

resource "aws_db_proxy" "this" {
  count = var.proxy ? 1 : 0

  name                   = var.name
  engine_family          = "POSTGRESQL"
  role_arn               = aws_iam_role.proxy[0].arn
  vpc_subnet_ids         = var.subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy[0].id]
  require_tls            = true
  idle_client_timeout    = 1800
  debug_logging          = false

  auth {
    auth_scheme = "SECRETS"
    description = "Master user of ${var.name}"
    iam_auth    = "REQUIRED"
    secret_arn  = local.master_user_secret_arn
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.proxy]
}

# The pool may use every connection the database allows, keeps half of them idle at most,
# and makes a client wait up to 2 minutes for one.
resource "aws_db_proxy_default_target_group" "this" {
  count = var.proxy ? 1 : 0

  db_proxy_name = aws_db_proxy.this[0].name

  connection_pool_config {
    max_connections_percent      = 100
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 120
  }
}

resource "aws_db_proxy_target" "this" {
  count = var.proxy ? 1 : 0

  db_proxy_name          = aws_db_proxy.this[0].name
  target_group_name      = aws_db_proxy_default_target_group.this[0].name
  db_instance_identifier = local.instance ? aws_db_instance.this[0].identifier : null
  db_cluster_identifier  = var.aurora ? aws_rds_cluster.this[0].cluster_identifier : null
}

################################################################################
# Alarms
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html
################################################################################

resource "aws_cloudwatch_metric_alarm" "cpu_high" {
  alarm_name          = "${var.name}-cpu-high"
  alarm_description   = "${var.name}: average CPU above ${var.cpu_alarm_threshold}% for 5 minutes."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.cpu_alarm_threshold
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = local.instance ? { DBInstanceIdentifier = var.name } : { DBClusterIdentifier = var.name }

  tags = var.tags
}

# Storage autoscaling grows the volume when it is 90% full, at most every 6 hours and up to
# max_allocated_storage; this tells a person when that does not keep up.
resource "aws_cloudwatch_metric_alarm" "free_storage_low" {
  count = local.instance ? 1 : 0

  alarm_name          = "${var.name}-free-storage-low"
  alarm_description   = "${var.name}: less than 10% of ${var.allocated_storage} GiB free for 15 minutes."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = var.allocated_storage * 0.1 * 1073741824
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = { DBInstanceIdentifier = var.name }

  tags = var.tags
}

# At its maximum capacity, Aurora can only queue what more load arrives.
resource "aws_cloudwatch_metric_alarm" "capacity_high" {
  count = var.aurora ? 1 : 0

  alarm_name          = "${var.name}-capacity-high"
  alarm_description   = "${var.name}: above 90% of its ${var.max_capacity} ACUs for 15 minutes; raise max_capacity."
  namespace           = "AWS/RDS"
  metric_name         = "ACUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 90
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  dimensions = { DBClusterIdentifier = var.name }

  tags = var.tags
}

# The pool is nearly all in use: clients start to wait for connections.
resource "aws_cloudwatch_metric_alarm" "proxy_connections_high" {
  count = var.proxy ? 1 : 0

  alarm_name          = "${var.name}-proxy-connections-high"
  alarm_description   = "${var.name}: the proxy holds more than 90% of the connections the database allows, for 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 90
  evaluation_periods  = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id = "used"

    metric {
      namespace   = "AWS/RDS"
      metric_name = "DatabaseConnections"
      period      = 60
      stat        = "Maximum"
      dimensions  = { ProxyName = var.name }
    }
  }

  metric_query {
    id = "allowed"

    metric {
      namespace   = "AWS/RDS"
      metric_name = "MaxDatabaseConnectionsAllowed"
      period      = 60
      stat        = "Minimum"
      dimensions  = { ProxyName = var.name }
    }
  }

  metric_query {
    id          = "percent"
    expression  = "100 * used / allowed"
    label       = "Connections in use, percent of those allowed"
    return_data = true
  }

  tags = var.tags
}
