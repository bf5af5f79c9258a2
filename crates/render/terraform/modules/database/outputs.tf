output "host" {
  description = "Where the services connect: the proxy's endpoint with a proxy, else the instance's address or the cluster's writer endpoint."
  value       = var.proxy ? aws_db_proxy.this[0].endpoint : local.address
}

output "port" {
  description = "PostgreSQL port."
  value       = local.port
}

output "address" {
  description = "The database's own address (the cluster's writer endpoint for Aurora), which only its proxy may reach when it has one."
  value       = local.address
}

output "reader_endpoint" {
  description = "Aurora's reader endpoint; null for an RDS instance."
  value       = var.aurora ? aws_rds_cluster.this[0].reader_endpoint : null
}

output "arn" {
  description = "ARN of the instance or cluster."
  value       = local.instance ? aws_db_instance.this[0].arn : aws_rds_cluster.this[0].arn
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret in which RDS keeps the master user's name and password."
  value       = local.master_user_secret_arn
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "client_security_group_id" {
  description = "Security group the services connect to: the proxy's with a proxy, else the database's."
  value       = var.proxy ? aws_security_group.proxy[0].id : aws_security_group.this.id
}

output "proxy_arn" {
  description = "ARN of the proxy; null without one."
  value       = one(aws_db_proxy.this[*].arn)
}

# rds-db:connect names the proxy by its resource id, the last part of its ARN.
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-connecting.html#rds-proxy-connecting-iam
output "connect_arn" {
  description = "The rds-db:connect resource of the master user through the proxy; null without one."
  value       = var.proxy ? "arn:${local.partition}:rds-db:${var.region}:${data.aws_caller_identity.current.account_id}:dbuser:${element(split(":", aws_db_proxy.this[0].arn), 6)}/${var.username}" : null
}
