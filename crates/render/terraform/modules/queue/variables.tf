variable "name" {
  description = "Queue name, \"{app}-{env}-{queue}\", ending in \".fifo\" for a FIFO queue."
  type        = string
}

variable "fifo" {
  description = "Whether the queue is FIFO, with content-based deduplication."
  type        = bool
  default     = false
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden from other consumers, in seconds: longer than a consumer takes to handle one."
  type        = number
  default     = 30

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be 0 to 43200."
  }
}

variable "message_retention_seconds" {
  description = "How long a message is kept, in seconds (60 to 1209600)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be 60 to 1209600."
  }
}

variable "max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue; null for no dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count == null || (coalesce(var.max_receive_count, 1) >= 1 && coalesce(var.max_receive_count, 1) <= 1000)
    error_message = "max_receive_count must be 1 to 1000, or null."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the queue and its dead-letter queue."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic the queue's alarms notify."
  type        = string
}

variable "sns_topic_arns" {
  description = "SNS topics subscribed to the queue, the only ones whose messages SNS may send to it."
  type        = list(string)
  default     = []
}

variable "depth_alarm_threshold" {
  description = "Messages waiting for 10 minutes above which an alarm fires."
  type        = number
  default     = 100
}

variable "age_alarm_threshold_seconds" {
  description = "Age in seconds of the oldest message above which an alarm fires."
  type        = number
  default     = 3600
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
