variable "name" {
  description = "Environment prefix, \"{app}-{env}\": the CodeDeploy application's name, and its service role's with \"-codedeploy\"."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster of the services."
  type        = string
}

variable "listener_arn" {
  description = "ARN of the production listener, whose rules CodeDeploy moves to a release's tasks."
  type        = string
}

variable "test_listener_arn" {
  description = "ARN of the test listener, which serves a release's tasks before production traffic moves."
  type        = string
}

variable "services" {
  description = "Services released blue/green, by service key: the ECS service name (also the deployment group's), its two target groups' names, the deployment configuration, minutes the old tasks are kept after a release, and the alarms that roll a release back."
  type = map(object({
    service_name           = string
    target_group_names     = list(string)
    deployment_config_name = string
    bake_minutes           = number
    alarm_names            = list(string)
    test = optional(object({
      path = string
      host = optional(string)
    }))
  }))

  validation {
    condition     = alltrue([for s in values(var.services) : length(s.target_group_names) == 2])
    error_message = "A blue/green release needs exactly two target groups."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.bake_minutes >= 0 && s.bake_minutes <= 2880])
    error_message = "CodeDeploy keeps the old tasks 0 to 2880 minutes."
  }
}

variable "custom_configs" {
  description = "Deployment configurations with steps CodeDeploy does not predefine, by name: a canary (percent first, the rest interval_minutes later) or linear (percent every interval_minutes)."
  type = map(object({
    canary           = bool
    percent          = number
    interval_minutes = number
  }))
  default = {}

  validation {
    condition     = alltrue([for c in values(var.custom_configs) : c.percent >= 1 && c.percent <= 99])
    error_message = "A step moves 1 to 99 percent of the traffic."
  }
}

variable "release_check" {
  description = "What checks a release's test path on the test listener before production traffic moves: the check image (pinned by digest), the test listener's port and protocol, the load balancer's DNS name, the VPC of the check task, minutes a release waits for the check, and the check's logs (retention, KMS key). Null when no service has a test path."
  type = object({
    image                  = string
    test_listener_port     = number
    test_listener_https    = bool
    load_balancer_dns_name = string
    vpc_id                 = string
    region                 = string
    wait_minutes           = number
    log_retention_days     = number
    kms_key_arn            = optional(string)
  })
  default = null

  validation {
    condition     = var.release_check == null || can(regex("@sha256:[0-9a-f]{64}$", var.release_check.image))
    error_message = "The check image is pinned by its digest (name@sha256:...)."
  }

  validation {
    # Terraform's || does not short-circuit: try() stands for "null passes".
    condition     = try(var.release_check.wait_minutes >= 1 && var.release_check.wait_minutes <= 2880, true)
    error_message = "A release waits 1 to 2880 minutes for its check."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module that takes tags."
  type        = map(string)
  default     = {}
}
