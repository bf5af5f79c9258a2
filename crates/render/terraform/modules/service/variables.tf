variable "name" {
  description = "Full service name, \"{app}-{env}-{service}\"; names the ECS service, task family, roles, log group and security group."
  type        = string
}

variable "container_name" {
  description = "Name of the container in the task definition (the service key)."
  type        = string
}

variable "region" {
  description = "AWS Region of the service; used by the awslogs driver, AWS_REGION and IAM conditions."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster that runs the service."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster; part of the Application Auto Scaling resource ID."
  type        = string
}

variable "vpc_id" {
  description = "ID of the VPC of the tasks' security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer; the only source allowed to reach the container port. Required with a port; null for a worker."
  type        = string
  default     = null
}

variable "target_group_arn" {
  description = "ARN of the load balancer target group the tasks register with. Required with a port; null for a worker, which no load balancer routes to."
  type        = string
  default     = null
}

variable "repository_arn" {
  description = "ARN of the ECR repository the execution role may pull from."
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

variable "port" {
  description = "Port the container listens on. Null for a worker, which listens on none."
  type        = number
  default     = null

  validation {
    condition     = var.port == null || (coalesce(var.port, 1) >= 1 && coalesce(var.port, 1) <= 65535)
    error_message = "port must be between 1 and 65535."
  }
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU); must form a valid Fargate pair with memory."
  type        = number
}

variable "memory" {
  description = "Task memory in MiB; must form a valid Fargate pair with cpu."
  type        = number
}

variable "command" {
  description = "Command that overrides the image's CMD. Null keeps the image's."
  type        = list(string)
  default     = null
}

variable "environment" {
  description = "Plain environment variables of the container. AWS_REGION is always added."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables filled from Secrets Manager or SSM Parameter Store at start: name => full valueFrom ARN (for a JSON key: \"<secret-arn>:<key>::\")."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the execution role may read (those referenced by secrets)."
  type        = list(string)
  default     = []
}

variable "ssm_parameter_arns" {
  description = "ARNs of the SSM parameters the execution role may read (those referenced by secrets)."
  type        = list(string)
  default     = []
}

variable "readonly_root_filesystem" {
  description = "Mount the container's root filesystem read-only; /tmp stays writable."
  type        = bool
  default     = true
}

variable "user" {
  description = "User (and group) the container process runs as, \"uid:gid\". Must not be root."
  type        = string
  default     = "1000:1000"

  validation {
    # Root however it is written: no user part, `root`, or uid 0 with any number of zeros
    # or a sign (`0`, `00`, `+0:1000`), as the container runtime reads it.
    condition     = !(trimspace(split(":", var.user)[0]) == "" || trimspace(split(":", var.user)[0]) == "root" || can(regex("^[+-]?0+$", trimspace(split(":", var.user)[0]))))
    error_message = "user must not be root: not empty, not \"root\", and not uid 0 however written (0, 00, +0)."
  }
}

variable "health_check_path" {
  description = "HTTP path the container health check requests on the container port; a worker has none."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with \"/\"."
  }
}

variable "health_check_command" {
  description = "Container health check command in ECS's form (\"CMD\" then a program and its arguments, or \"CMD-SHELL\" then one shell command); empty runs wget on health_check_path."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.health_check_command) == 0 || contains(["CMD", "CMD-SHELL"], try(var.health_check_command[0], ""))
    error_message = "health_check_command must start with \"CMD\" or \"CMD-SHELL\"."
  }
}

variable "container_health_check" {
  description = "Whether ECS runs a health check inside the container; without one, only the load balancer's check on health_check_path decides a task's health."
  type        = bool
  default     = true
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ECS ignores failing load balancer health checks after a task starts."
  type        = number
  default     = 60
}

variable "log_retention_days" {
  description = "Days to keep the container logs."
  type        = number
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the log group; also the cluster's ECS Exec key, which the task role may then decrypt with. Null keeps CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "exec_log_group_arn" {
  description = "ARN of the cluster's ECS Exec session log group the task role may write to. Null when the cluster keeps no session log."
  type        = string
  default     = null
}

variable "desired_count" {
  description = "Number of tasks when the service is created; auto scaling owns it afterwards."
  type        = number
}

variable "min_count" {
  description = "Fewest tasks auto scaling keeps."
  type        = number
}

variable "max_count" {
  description = "Most tasks auto scaling starts."
  type        = number

  validation {
    condition     = var.max_count >= var.min_count
    error_message = "max_count must be at least min_count."
  }
}

variable "cpu_target" {
  description = "Average CPU utilization (percent) auto scaling keeps the service at."
  type        = number
  default     = 70
}

variable "memory_target" {
  description = "Average memory utilization (percent) auto scaling keeps the service at."
  type        = number
  default     = 80
}

variable "egress_security_groups" {
  description = "What the tasks may reach inside the VPC besides HTTPS, by a name known when planning (such as database_main): the port (up to to_port, when set) and the security group (a database's, its proxy's or a cache's)."
  type = map(object({
    port              = number
    to_port           = optional(number)
    security_group_id = string
  }))
  default = {}
}

variable "egress_cidrs" {
  description = "What the tasks may reach outside the VPC besides TCP 443, by a name known when planning: the protocol, the ports and the IPv4 addresses."
  type = map(object({
    protocol  = string
    from_port = number
    to_port   = number
    cidr_ipv4 = string
  }))
  default = {}
}

variable "queue_scaling" {
  description = "Scale on an SQS queue's backlog instead of CPU and memory: the queue's name and the messages each task may have waiting (acceptable latency divided by the time one message takes). Null scales on CPU and memory."
  type = object({
    queue_name        = string
    messages_per_task = number
  })
  default = null
}

variable "scale_in_cooldown" {
  description = "Seconds after a scale-in before another scale-in."
  type        = number
  default     = 300
}

variable "scale_out_cooldown" {
  description = "Seconds after a scale-out before another scale-out."
  type        = number
  default     = 60
}

variable "capacity_provider_strategy" {
  description = "How tasks are spread over FARGATE and FARGATE_SPOT."
  type = list(object({
    capacity_provider = string
    base              = number
    weight            = number
  }))
}

variable "deployment_controller" {
  description = "Who releases new revisions: ECS (rolling, with the circuit breaker) or CODE_DEPLOY (blue/green between two target groups)."
  type        = string
  default     = "ECS"

  validation {
    condition     = contains(["ECS", "CODE_DEPLOY"], var.deployment_controller)
    error_message = "deployment_controller is ECS or CODE_DEPLOY."
  }
}

variable "enable_execute_command" {
  description = "Allow ECS Exec sessions into the running containers."
  type        = bool
  default     = true
}

variable "task_role_statements" {
  description = "IAM policy statements of the task role: what the application itself may do."
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

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
