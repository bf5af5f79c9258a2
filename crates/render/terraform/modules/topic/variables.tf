variable "name" {
  description = "Name of the topic."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topic's messages at rest."
  type        = string
}

variable "emails" {
  description = "Addresses subscribed by email; each must confirm the subscription from the message SNS sends."
  type        = list(string)
  default     = []
}

variable "queue_arns" {
  description = "SQS queues subscribed, by a key known when planning: each gets every message as published (raw delivery). Each queue's policy must let this topic send to it."
  type        = map(string)
  default     = {}
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarm on failed deliveries notifies."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
