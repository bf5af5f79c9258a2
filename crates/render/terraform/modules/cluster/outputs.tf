# Both cluster outputs wait for the capacity providers: a service that names FARGATE or
# FARGATE_SPOT fails to create until they are attached to the cluster.

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster_capacity_providers.this.cluster_name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

output "kms_key_arn" {
  description = "ARN of the KMS key for ECS Exec sessions and the environment's CloudWatch log groups."
  value       = aws_kms_key.this.arn
}

output "exec_log_group_name" {
  description = "Name of the log group that records ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.name
}

output "exec_log_group_arn" {
  description = "ARN of the log group that records ECS Exec sessions."
  value       = aws_cloudwatch_log_group.exec.arn
}
