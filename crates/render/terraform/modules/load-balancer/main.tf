data "aws_caller_identity" "current" {}

locals {
  # At most one target is the default (validated); it receives whatever no rule matches.
  default_target = one([for key, target in var.targets : key if target.is_default])
  rule_targets   = { for key, target in var.targets : key => target if !target.is_default }
  target_ports   = toset([for target in values(var.targets) : tostring(target.port)])

  # Targets released blue/green by CodeDeploy: a second target group each, and their rules
  # again on the test listener.
  blue_green_targets = { for key, target in var.targets : key => target if target.second_target_group_name != null }
  rolling_rules      = { for key, target in local.rule_targets : key => target if target.second_target_group_name == null }
  blue_green_rules   = { for key, target in local.rule_targets : key => target if target.second_target_group_name != null }
  test_listener      = var.test_listener_port != null && length(local.blue_green_targets) > 0
  test_sources       = concat([for ip in var.test_listener_source_ips : "${ip}/32"], var.test_listener_cidrs)
}

################################################################################
# Access logs bucket
################################################################################

resource "aws_s3_bucket" "access_logs" {
  bucket        = "${var.name}-alb-logs-${data.aws_caller_identity.current.account_id}"
  force_destroy = var.access_logs_force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs are disabled: the bucket owner owns every log object.
resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# ALB access logs can only be delivered to buckets encrypted with SSE-S3; SSE-KMS is not
# supported.
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_logs_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.access_logs_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

locals {
  # Regions opened before August 2022 deliver ALB logs as a per-Region ELB account; newer
  # ones as the log delivery service principal. The policy grants both where both exist,
  # so delivery works whichever the Region uses. (data.aws_elb_service_account errors in
  # the newer Regions, hence the table.)
  # https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html#attach-bucket-policy
  elb_account_ids = {
    "af-south-1"     = "098369216593"
    "ap-east-1"      = "754344448648"
    "ap-northeast-1" = "582318560864"
    "ap-northeast-2" = "600734575887"
    "ap-northeast-3" = "383597477331"
    "ap-south-1"     = "718504428378"
    "ap-southeast-1" = "114774131450"
    "ap-southeast-2" = "783225319266"
    "ap-southeast-3" = "589379963580"
    "ca-central-1"   = "985666609251"
    "eu-central-1"   = "054676820928"
    "eu-north-1"     = "897822967062"
    "eu-south-1"     = "635631232127"
    "eu-west-1"      = "156460612806"
    "eu-west-2"      = "652711504416"
    "eu-west-3"      = "009996457667"
    "me-south-1"     = "076674570225"
    "sa-east-1"      = "507241528517"
    "us-east-1"      = "127311923021"
    "us-east-2"      = "033677994240"
    "us-west-1"      = "027434742980"
    "us-west-2"      = "797873946194"
  }
  elb_account_id = lookup(local.elb_account_ids, var.region, null)
}

data "aws_iam_policy_document" "access_logs" {
  statement {
    sid       = "AllowLoadBalancerLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = local.elb_account_id == null ? [] : [local.elb_account_id]

    content {
      sid       = "AllowRegionalLoadBalancerAccount"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.access_logs.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*"]

      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${statement.value}:root"]
      }
    }
  }

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.access_logs.arn,
      "${aws_s3_bucket.access_logs.arn}/*",
    ]

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
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

################################################################################
# Security group: HTTP(S) in from anywhere, out only to the targets' ports
# inside the VPC.
################################################################################

resource "aws_security_group" "this" {
  name        = "${var.name}-alb"
  description = "Load balancer of ${var.name}"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-alb" })
}

# Port 443 is open only when a listener serves HTTPS on it.
resource "aws_vpc_security_group_ingress_rule" "https" {
  count = var.certificate_arn != null ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "HTTPS from the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

# Trees rendered before the rule took `count` hold it without an index: it moves to its
# first instance rather than being destroyed and created again.
moved {
  from = aws_vpc_security_group_ingress_rule.https
  to   = aws_vpc_security_group_ingress_rule.https[0]
}

# With a certificate, port 80 only answers with a redirect to HTTPS.
resource "aws_vpc_security_group_ingress_rule" "http" {
  security_group_id = aws_security_group.this.id
  description       = "HTTP from the internet"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

# The test listener serves a release's new tasks before they take production traffic: only
# the VPC's own NAT addresses and the manifest's blocks may reach it.
resource "aws_vpc_security_group_ingress_rule" "test_listener" {
  count = local.test_listener ? length(local.test_sources) : 0

  security_group_id = aws_security_group.this.id
  description       = "Test listener from ${local.test_sources[count.index]}"
  ip_protocol       = "tcp"
  from_port         = var.test_listener_port
  to_port           = var.test_listener_port
  cidr_ipv4         = local.test_sources[count.index]

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  for_each = local.target_ports

  security_group_id = aws_security_group.this.id
  description       = "Targets on port ${each.value} inside the VPC"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value)
  to_port           = tonumber(each.value)
  cidr_ipv4         = var.vpc_cidr_block

  tags = var.tags
}

################################################################################
# Load balancer
################################################################################

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.this.id]
  subnets            = var.public_subnet_ids
  idle_timeout       = var.idle_timeout

  enable_deletion_protection = var.deletion_protection

  # Drop requests with header names that are not valid HTTP, a request-smuggling vector.
  # https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes
  drop_invalid_header_fields = true

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    enabled = true
  }

  tags = var.tags

  # ELB checks that it may write to the bucket when access logs are enabled.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_lb_target_group" "this" {
  for_each = var.targets

  name                 = each.value.target_group_name
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }

  tags = var.tags
}

# A target released blue/green has two target groups; CodeDeploy starts each release's
# tasks in the one not serving, and moves the listener rules to it.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-bluegreen.html
resource "aws_lb_target_group" "second" {
  for_each = local.blue_green_targets

  name                 = each.value.second_target_group_name
  port                 = each.value.port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }

  tags = var.tags
}

################################################################################
# Listeners: with a certificate, HTTPS on 443 serves and port 80 only redirects
# to it; without one (development), plain HTTP on 80 serves.
################################################################################

resource "aws_lb_listener" "this" {
  load_balancer_arn = aws_lb.this.arn
  port              = var.certificate_arn != null ? 443 : 80
  protocol          = var.certificate_arn != null ? "HTTPS" : "HTTP"
  ssl_policy        = var.certificate_arn != null ? var.ssl_policy : null
  certificate_arn   = var.certificate_arn

  dynamic "default_action" {
    for_each = local.default_target != null ? [local.default_target] : []

    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.this[default_action.value].arn
    }
  }

  dynamic "default_action" {
    for_each = local.default_target == null ? [1] : []

    content {
      type = "fixed-response"

      fixed_response {
        content_type = "text/plain"
        message_body = "Not Found"
        status_code  = "404"
      }
    }
  }

  tags = var.tags
}

resource "aws_lb_listener" "http_redirect" {
  count = var.certificate_arn != null ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags

  # Adding a certificate to a running environment moves the serving listener from port 80
  # to 443; only then is port 80 free for the redirect.
  depends_on = [aws_lb_listener.this]
}

resource "aws_lb_listener_rule" "this" {
  for_each = local.rolling_rules

  listener_arn = aws_lb_listener.this.arn
  priority     = each.value.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  dynamic "condition" {
    for_each = length(each.value.paths) > 0 ? [each.value.paths] : []

    content {
      path_pattern {
        values = condition.value
      }
    }
  }

  dynamic "condition" {
    for_each = length(each.value.hosts) > 0 ? [each.value.hosts] : []

    content {
      host_header {
        values = condition.value
      }
    }
  }

  tags = var.tags
}

# A blue/green target's rule: a release moves its traffic to the other target group, which
# CodeDeploy writes into the rule as weighted forwards, so Terraform leaves the action alone.
# Switching a target back to rolling deletes this rule and creates its rolling one.
resource "aws_lb_listener_rule" "blue_green" {
  for_each = local.blue_green_rules

  listener_arn = aws_lb_listener.this.arn
  priority     = each.value.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  dynamic "condition" {
    for_each = length(each.value.paths) > 0 ? [each.value.paths] : []

    content {
      path_pattern {
        values = condition.value
      }
    }
  }

  dynamic "condition" {
    for_each = length(each.value.hosts) > 0 ? [each.value.hosts] : []

    content {
      host_header {
        values = condition.value
      }
    }
  }

  tags = var.tags

  lifecycle {
    ignore_changes = [action]
  }
}

################################################################################
# Test listener (blue/green releases only): CodeDeploy sends it to a release's new tasks
# first, so that they can be tried on their own before production traffic moves; it
# answers 404 to whatever no blue/green target's rule matches.
# https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html
################################################################################

resource "aws_lb_listener" "test" {
  count = local.test_listener ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = var.test_listener_port
  protocol          = var.certificate_arn != null ? "HTTPS" : "HTTP"
  ssl_policy        = var.certificate_arn != null ? var.ssl_policy : null
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "test" {
  for_each = local.test_listener ? local.blue_green_targets : {}

  listener_arn = aws_lb_listener.test[0].arn
  priority     = each.value.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  dynamic "condition" {
    for_each = length(each.value.paths) > 0 ? [each.value.paths] : []

    content {
      path_pattern {
        values = condition.value
      }
    }
  }

  dynamic "condition" {
    for_each = length(each.value.hosts) > 0 ? [each.value.hosts] : []

    content {
      host_header {
        values = condition.value
      }
    }
  }

  tags = var.tags

  # CodeDeploy moves the rule to the release's target group.
  lifecycle {
    ignore_changes = [action]
  }
}

################################################################################
# WAF (optional): AWS managed rule groups and a per-IP rate limit in front of
# the load balancer.
# https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
################################################################################

resource "aws_wafv2_web_acl" "this" {
  count = var.waf_enabled ? 1 : 0

  name        = var.name
  description = "Protects the ${var.name} load balancer"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"

        # The rule set blocks request bodies over 8 KB, which ordinary API writes and
        # uploads exceed; count them instead of blocking.
        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  # Includes the Log4j (CVE-2021-44228) signatures.
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesAmazonIpReputationList"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesAmazonIpReputationList"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "RateLimitPerIp"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  count = var.waf_enabled ? 1 : 0

  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this[0].arn
}

# WAF only delivers to log groups whose name starts with "aws-waf-logs-".
# https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
resource "aws_cloudwatch_log_group" "waf" {
  count = var.waf_enabled ? 1 : 0

  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.waf_log_retention_days
  kms_key_id        = var.waf_log_kms_key_arn

  tags = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  count = var.waf_enabled ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.this[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[0].arn]
}
