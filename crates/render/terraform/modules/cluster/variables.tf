variable "name" {
  description = "Environment prefix, \"{app}-{env}\"; the name of the cluster."
  type        = string
}

variable "region" {
  description = "AWS Region of the cluster; scopes the key policy to CloudWatch Logs in this Region."
  type        = string
}

variable "container_insights" {
  description = "Collect Container Insights metrics (required by the running-task alarms)."
  type        = bool
}

variable "fargate_base" {
  description = "Number of tasks that always run on on-demand FARGATE before the weights apply."
  type        = number

  validation {
    condition     = var.fargate_base >= 0 && var.fargate_base <= 100000
    error_message = "fargate_base must be between 0 and 100000."
  }
}

variable "fargate_weight" {
  description = "Relative share of tasks above the base placed on on-demand FARGATE."
  type        = number

  validation {
    condition     = var.fargate_weight >= 0 && var.fargate_weight <= 1000
    error_message = "fargate_weight must be between 0 and 1000."
  }
}

variable "fargate_spot_weight" {
  description = "Relative share of tasks above the base placed on FARGATE_SPOT."
  type        = number

  validation {
    condition     = var.fargate_spot_weight >= 0 && var.fargate_spot_weight <= 1000
    error_message = "fargate_spot_weight must be between 0 and 1000."
  }
}

variable "log_retention_days" {
  description = "Days to keep the ECS Exec session logs."
  type        = number
  default     = 90
}

variable "sns_topics_to_queues" {
  description = "Names of the environment's SNS topics that deliver to its queues, which the key then lets SNS use."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
