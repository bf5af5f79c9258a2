variable "name" {
  description = "Name of the serverless cache or id of the replication group, and of its user group, IAM user and security group."
  type        = string
}

variable "engine" {
  description = "valkey or redis (Redis OSS)."
  type        = string
}

variable "engine_version" {
  description = "Engine version of a node-based cache (\"8.0\"); a serverless cache takes its major version. ElastiCache applies minor versions itself."
  type        = string
}

variable "serverless" {
  description = "ElastiCache Serverless instead of a replication group on nodes."
  type        = bool
}

variable "node_type" {
  description = "Node type of a node-based cache (unused by a serverless one)."
  type        = string
  default     = null
}

variable "multi_az" {
  description = "A node-based cache has a replica in another zone that takes over when the primary fails (two nodes instead of one)."
  type        = bool
  default     = true
}

variable "max_storage_gb" {
  description = "Most data a serverless cache may hold, in GB; null for no ceiling."
  type        = number
  default     = null
}

variable "max_ecpu_per_second" {
  description = "Most ElastiCache Processing Units a serverless cache may use a second; null for no ceiling."
  type        = number
  default     = null
}

variable "vpc_id" {
  description = "VPC of the cache's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the cache is in."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security group of each service that connects to the cache, by service."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the cache, its snapshots and its logs."
  type        = string
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots kept (0 for none)."
  type        = number
}

variable "final_snapshot" {
  description = "Snapshot a node-based cache when it is deleted."
  type        = bool
}

variable "log_retention_days" {
  description = "Days a node-based cache's engine and slow logs are kept."
  type        = number
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarms notify."
  type        = string
}

variable "cpu_alarm_threshold" {
  description = "A node's engine CPU (percent) over 5 minutes above which it alarms."
  type        = number
  default     = 80
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
