variable "name" {
  description = "Name of the job: its task family, roles, log group, security group and schedule."
  type        = string
}

variable "container_name" {
  description = "Name of the job's container in its task definition."
  type        = string
}

variable "region" {
  description = "AWS Region of the job."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the job's tasks run in."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the job's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the job's tasks run in."
  type        = list(string)
}

variable "repository_arn" {
  description = "ARN of the ECR repository of the image (the service's whose image the job runs)."
  type        = string
}

variable "repository_url" {
  description = "URL of the ECR repository of the image."
  type        = string
}

variable "image_tag" {
  description = "Tag of the image to run, such as a git SHA or a release version."
  type        = string

  validation {
    condition     = length(var.image_tag) > 0 && var.image_tag != "latest"
    error_message = "image_tag must name an immutable image (a git SHA or a version), not be empty or \"latest\"."
  }
}

variable "cpu" {
  description = "CPU units of the task (1024 = 1 vCPU)."
  type        = number
}

variable "memory" {
  description = "Memory of the task in MiB."
  type        = number
}

variable "command" {
  description = "What the job runs in the image."
  type        = list(string)
}

variable "environment" {
  description = "Plain environment variables of the container. AWS_REGION is always added."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables filled from Secrets Manager or SSM Parameter Store at start: name => full valueFrom ARN."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "Secrets Manager secrets the execution role may read."
  type        = list(string)
  default     = []
}

variable "ssm_parameter_arns" {
  description = "SSM parameters the execution role may read."
  type        = list(string)
  default     = []
}

variable "readonly_root_filesystem" {
  description = "Mount the container's root filesystem read-only (/tmp stays writable)."
  type        = bool
  default     = true
}

variable "user" {
  description = "User (and group) the container runs as; never root."
  type        = string
  default     = "1000:1000"

  validation {
    condition     = !(trimspace(split(":", var.user)[0]) == "" || trimspace(split(":", var.user)[0]) == "root" || can(regex("^[+-]?0+$", trimspace(split(":", var.user)[0]))))
    error_message = "user must not be root: not empty, not \"root\", and not uid 0 however written (0, 00, +0)."
  }
}

variable "log_retention_days" {
  description = "Days to keep the job's logs."
  type        = number
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the job's log group and its schedule."
  type        = string
}

variable "task_role_statements" {
  description = "IAM policy statements of the task role: what the job may do."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []
}

variable "egress_security_groups" {
  description = "What the tasks may reach inside the VPC besides HTTPS, by a name known when planning: the port (up to to_port, when set) and the security group."
  type = map(object({
    port              = number
    to_port           = optional(number)
    security_group_id = string
  }))
  default = {}
}

variable "capacity_provider_strategy" {
  description = "How runs are split between FARGATE and FARGATE_SPOT."
  type = list(object({
    capacity_provider = string
    base              = number
    weight            = number
  }))
}

variable "schedule_expression" {
  description = "When the job runs: rate(…) or cron(…), as EventBridge Scheduler takes it."
  type        = string
}

variable "schedule_timezone" {
  description = "Time zone the schedule is read in."
  type        = string
  default     = "UTC"
}

variable "retries" {
  description = "Times EventBridge Scheduler retries a run that fails to start, within an hour, before sending it to the failure queue."
  type        = number
  default     = 2
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarm on failed runs notifies."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
