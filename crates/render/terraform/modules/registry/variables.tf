variable "name" {
  description = "Environment prefix, \"{app}-{env}\"; names the push policy."
  type        = string
}

variable "repositories" {
  description = "ECR repositories to create: service key => repository name (for example \"hello/dev/web\")."
  type        = map(string)

  validation {
    condition     = length(var.repositories) > 0
    error_message = "repositories must name at least one repository."
  }
}

variable "encryption_type" {
  description = "Encryption at rest of the repositories: \"AES256\" (S3-managed keys) or \"KMS\"."
  type        = string

  validation {
    condition     = contains(["AES256", "KMS"], var.encryption_type)
    error_message = "encryption_type must be \"AES256\" or \"KMS\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key when encryption_type is \"KMS\". Null uses the AWS managed key aws/ecr."
  type        = string
  default     = null
}

variable "image_count_to_keep" {
  description = "Number of most recent images each repository keeps; older ones expire."
  type        = number
  default     = 10

  validation {
    condition     = var.image_count_to_keep >= 1
    error_message = "image_count_to_keep must be at least 1."
  }
}

variable "scan_on_push" {
  description = "Scan each image for known vulnerabilities when it is pushed."
  type        = bool
  default     = true
}

variable "force_delete" {
  description = "Let Terraform delete a repository that still holds images."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
