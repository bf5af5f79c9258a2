variable "name" {
  description = "Identifier of the instance or cluster, and name of its proxy and security groups."
  type        = string
}

variable "region" {
  description = "AWS Region of the database."
  type        = string
}

variable "aurora" {
  description = "Aurora PostgreSQL Serverless v2 instead of an RDS for PostgreSQL instance."
  type        = bool
  default     = false
}

variable "engine_version" {
  description = "PostgreSQL major version; RDS applies minor versions in the maintenance window."
  type        = string
}

variable "instance_class" {
  description = "Class of the RDS instance (unused by Aurora)."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage" {
  description = "gp3 storage of the RDS instance in GiB (Aurora's storage grows on its own)."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "GiB up to which RDS storage autoscaling may grow the instance's storage."
  type        = number
  default     = 100
}

variable "min_capacity" {
  description = "Fewest Aurora capacity units; 0 lets the database pause when idle."
  type        = number
  default     = 0.5
}

variable "max_capacity" {
  description = "Most Aurora capacity units."
  type        = number
  default     = 2
}

variable "seconds_until_auto_pause" {
  description = "Seconds without connections before an Aurora database at 0 ACUs pauses; null when it does not pause."
  type        = number
  default     = null
}

variable "multi_az" {
  description = "A standby (RDS) or a reader (Aurora) in a second Availability Zone, which takes over if the first fails."
  type        = bool
}

variable "database_name" {
  description = "Name of the database created in it."
  type        = string
}

variable "username" {
  description = "Master user; RDS generates its password and keeps it in Secrets Manager."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, in at least two Availability Zones, the database and its proxy run in."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups of the services that connect, by service key: the only sources allowed to reach the database (or its proxy)."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the storage, the master user's secret, Performance Insights and the logs."
  type        = string
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time restore within them)."
  type        = number

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1 to 35."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the database until this is turned off."
  type        = bool
}

variable "final_snapshot" {
  description = "Take a snapshot when the database is deleted."
  type        = bool
}

variable "log_retention_days" {
  description = "Days to keep the PostgreSQL logs exported to CloudWatch."
  type        = number
}

variable "proxy" {
  description = "RDS Proxy in front, requiring TLS and IAM authentication; the services then connect to it, and only it reaches the database."
  type        = bool
  default     = false
}

variable "alarm_topic_arn" {
  description = "SNS topic the database's alarms notify."
  type        = string
}

variable "cpu_alarm_threshold" {
  description = "Average CPU (percent) over 5 minutes above which an alarm fires."
  type        = number
  default     = 80
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
