variable "name" {
  description = "Name of the deploy role."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the account's IAM OIDC provider for token.actions.githubusercontent.com (made once per account by the bootstrap root)."
  type        = string
}

variable "subject" {
  description = "The one token subject the role trusts: repo:OWNER/NAME:environment:ENV."
  type        = string

  validation {
    condition     = can(regex("^repo:[A-Za-z0-9-]+/[A-Za-z0-9._-]+:environment:[A-Za-z0-9._-]+$", var.subject))
    error_message = "The subject names one repository and one GitHub environment, without wildcards."
  }
}

variable "session_seconds" {
  description = "Longest session of the role, in seconds: long enough for a release to finish and roll back."
  type        = number
}

variable "ecr_push_policy_arn" {
  description = "ARN of the policy that lets CI push to the environment's ECR repositories."
  type        = string
}

variable "services" {
  description = "The services the role may release, by service key: the ECS service's ARN, its task definition family, and the task and execution roles its task definitions name."
  type = map(object({
    service_arn            = string
    task_definition_family = string
    task_role_arn          = string
    execution_role_arn     = string
  }))
}

variable "codedeploy" {
  description = "The CodeDeploy application and the deployment groups the role may release through, and their configurations; and the release checks it may run (the cluster, the check task definitions' families and their execution role), when a service has a test path. Null when no service releases blue/green."
  type = object({
    application_arn         = string
    deployment_group_arns   = list(string)
    deployment_config_names = list(string)
    release_check = optional(object({
      cluster_arn              = string
      cluster_name             = string
      task_definition_families = list(string)
      execution_role_arn       = string
    }))
  })
  default = null
}

variable "promote_from_repositories" {
  description = "Names of the ECR repositories, in this account and region, of the environment before this one in the pipeline: the role copies the images it deploys from them, by digest. Empty for the first environment, which builds."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
