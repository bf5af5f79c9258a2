output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "task_definition_arn" {
  description = "ARN (with revision) of the task definition Terraform registered."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the task definition."
  value       = aws_ecs_task_definition.this.family
}

output "task_role_arn" {
  description = "ARN of the task role the application runs as."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "ARN of the execution role ECS starts the tasks with."
  value       = aws_iam_role.execution.arn
}

output "log_group_name" {
  description = "Name of the log group of the container logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "security_group_id" {
  description = "ID of the tasks' security group."
  value       = aws_security_group.this.id
}
