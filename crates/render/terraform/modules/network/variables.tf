variable "name" {
  description = "Environment prefix, \"{app}-{env}\"; names and tags every resource of the network."
  type        = string
}

variable "region" {
  description = "AWS Region the VPC is in; used to build the VPC endpoint service names."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC. Each subnet is a sixteenth of it (4 more prefix bits): public subnets in the first half, private in the second."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr))
    error_message = "cidr must be an IPv4 CIDR block such as \"10.0.0.0/16\"."
  }
}

variable "azs" {
  description = "Availability Zones to spread the subnets over; one public and one private subnet per zone."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 8
    error_message = "azs must list between 2 and 8 Availability Zones (an ALB needs at least two; the CIDR layout allows eight)."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all private subnets instead of one per Availability Zone. Cheaper, but egress stops if that zone fails."
  type        = bool
}

variable "interface_endpoints" {
  description = "AWS services to reach through interface VPC endpoints in the private subnets (the part after \"com.amazonaws.<region>.\")."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
}

variable "dynamodb_gateway_endpoint" {
  description = "Whether the private subnets reach DynamoDB through a gateway endpoint (when the environment has tables)."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs."
  type        = number
}

variable "flow_log_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the flow-log group. Null keeps CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
