variable "name" {
  description = "Name of the bucket (S3 names are global)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the objects (with an S3 Bucket Key, so that KMS is asked once per bucket key, not per object)."
  type        = string
}

variable "versioning" {
  description = "Keep every version of every object, so that an overwrite or a delete can be undone for noncurrent_days."
  type        = bool
}

variable "noncurrent_days" {
  description = "Days replaced and deleted versions are kept, with versioning."
  type        = number
  default     = 30
}

variable "expire_days" {
  description = "Days after which objects are deleted; null keeps them."
  type        = number
  default     = null
}

variable "cors_origins" {
  description = "Origins browsers may upload from and download to (GET, PUT, POST, HEAD); none by default."
  type        = list(string)
  default     = []
}

variable "force_destroy" {
  description = "Let terraform destroy delete the bucket with every object in it."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
