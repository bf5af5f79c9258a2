output "task_definition_family" {
  description = "Family of the job's task definition."
  value       = aws_ecs_task_definition.this.family
}

output "schedule_arn" {
  description = "ARN of the job's EventBridge Scheduler schedule."
  value       = aws_scheduler_schedule.this.arn
}

output "failure_queue_url" {
  description = "URL of the queue that holds the job's failed runs."
  value       = aws_sqs_queue.failures.url
}

output "security_group_id" {
  description = "Security group of the job's tasks."
  value       = aws_security_group.this.id
}

output "task_role_arn" {
  description = "ARN of the role the job runs as."
  value       = aws_iam_role.task.arn
}
