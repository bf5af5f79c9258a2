output "host" {
  description = "Where the services connect: the serverless cache's endpoint or the replication group's primary endpoint."
  value       = local.address
}

output "port" {
  description = "Port of that endpoint."
  value       = local.port
}

output "arn" {
  description = "ARN of the serverless cache or the replication group."
  value       = local.arn
}

output "user_id" {
  description = "The IAM user the services sign in as (its id is its name)."
  value       = aws_elasticache_user.app.user_id
}

output "user_arn" {
  description = "ARN of that user, which a task role may elasticache:Connect as."
  value       = aws_elasticache_user.app.arn
}

output "client_security_group_id" {
  description = "The cache's security group, which the services' egress rules point at."
  value       = aws_security_group.this.id
}
