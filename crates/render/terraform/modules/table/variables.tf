variable "name" {
  description = "Table name, \"{app}-{env}-{table}\"."
  type        = string
}

variable "partition_key" {
  description = "The partition key attribute: its name and type (\"S\", \"N\" or \"B\")."
  type = object({
    name = string
    type = string
  })
}

variable "sort_key" {
  description = "The sort key attribute, or null for none."
  type = object({
    name = string
    type = string
  })
  default = null
}

variable "ttl_attribute" {
  description = "The attribute holding each item's expiry time in epoch seconds, or null for no TTL."
  type        = string
  default     = null
}

variable "indexes" {
  description = "Global secondary indexes, each projecting every attribute."
  type = list(object({
    name          = string
    partition_key = object({ name = string, type = string })
    sort_key      = optional(object({ name = string, type = string }))
  }))
  default = []
}

variable "point_in_time_recovery" {
  description = "Whether the table keeps 35 days of continuous backups."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Whether the table refuses to be deleted until this is turned off."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the table."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic the table's alarms notify."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
