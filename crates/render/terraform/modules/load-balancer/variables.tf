variable "name" {
  description = "Environment prefix, \"{app}-{env}\"; the name of the load balancer (at most 32 characters)."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "name must be at most 32 characters (the ALB name limit)."
  }
}

variable "region" {
  description = "AWS Region of the load balancer; selects the principal that delivers its access logs."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC of the load balancer and its target groups."
  type        = string
}

variable "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC; the only destination the load balancer may send traffic to."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer, at least two in different Availability Zones."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "public_subnet_ids must list at least two subnets."
  }
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate of the HTTPS listener. Null serves plain HTTP only (development)."
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "Security policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer until this is turned off."
  type        = bool
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle."
  type        = number
  default     = 60
}

variable "access_logs_retention_days" {
  description = "Days to keep access logs (current and noncurrent versions) in the bucket."
  type        = number
  default     = 90
}

variable "access_logs_force_destroy" {
  description = "Let Terraform delete the access-log bucket while it still holds logs."
  type        = bool
  default     = false
}

variable "deregistration_delay" {
  description = "Seconds a deregistering target keeps serving in-flight requests."
  type        = number
  default     = 30
}

variable "targets" {
  description = "Target groups by service key. The one target with is_default receives requests no rule matches; every other target gets a listener rule at its priority on its paths and/or hosts (priority is ignored for the default target). A target with second_target_group_name is released blue/green by CodeDeploy: it gets that second target group and the same rule on the test listener, and cannot be the default."
  type = map(object({
    target_group_name        = string
    second_target_group_name = optional(string)
    port                     = number
    health_check_path        = string
    paths                    = list(string)
    hosts                    = list(string)
    priority                 = number
    is_default               = bool
  }))

  validation {
    condition     = alltrue([for target in values(var.targets) : !(target.is_default && target.second_target_group_name != null)])
    error_message = "A target released blue/green cannot be the listener's default action, which CodeDeploy does not rewrite: give it a catch-all rule instead."
  }

  validation {
    condition     = alltrue([for target in values(var.targets) : target.second_target_group_name == null || length(coalesce(target.second_target_group_name, "-")) <= 32])
    error_message = "Target group names must be at most 32 characters."
  }

  validation {
    condition     = length([for target in values(var.targets) : target if target.is_default]) <= 1
    error_message = "At most one target may have is_default = true."
  }

  validation {
    condition     = alltrue([for target in values(var.targets) : target.is_default || length(target.paths) + length(target.hosts) > 0])
    error_message = "Every target that is not the default needs at least one path or host."
  }

  validation {
    condition     = alltrue([for target in values(var.targets) : target.is_default || (target.priority >= 1 && target.priority <= 50000)])
    error_message = "Listener rule priorities must be between 1 and 50000."
  }

  validation {
    condition     = alltrue([for target in values(var.targets) : length(target.target_group_name) <= 32])
    error_message = "Target group names must be at most 32 characters."
  }
}

variable "test_listener_port" {
  description = "Port of the test listener, on which CodeDeploy serves a release's new tasks before production traffic moves to them. Null (no target released blue/green) makes none."
  type        = number
  default     = null

  validation {
    condition     = var.test_listener_port == null || !contains([80, 443], coalesce(var.test_listener_port, 0))
    error_message = "The test listener needs a port other than the production listeners' 80 and 443."
  }
}

variable "test_listener_source_ips" {
  description = "Public IP addresses the tasks' own traffic leaves the VPC from (its NAT gateways), allowed to the test listener: a client inside the VPC reaches an internet-facing load balancer from them."
  type        = list(string)
  default     = []
}

variable "test_listener_cidrs" {
  description = "Further IPv4 blocks allowed to the test listener (an office, a VPN)."
  type        = list(string)
  default     = []
}

variable "waf_enabled" {
  description = "Put an AWS WAF web ACL (AWS managed rule groups and a per-IP rate limit) in front of the load balancer."
  type        = bool
  default     = false
}

variable "waf_rate_limit" {
  description = "Requests one IP address may send in any 5-minute window before WAF blocks it."
  type        = number
  default     = 2000
}

variable "waf_log_retention_days" {
  description = "Days to keep WAF logs."
  type        = number
  default     = 90
}

variable "waf_log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the WAF log group. Null keeps CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
