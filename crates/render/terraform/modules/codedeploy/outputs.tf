output "application_name" {
  description = "Name of the CodeDeploy application."
  value       = aws_codedeploy_app.this.name
}

output "deployment_group_names" {
  description = "Deployment group names by service key."
  value       = { for key, group in aws_codedeploy_deployment_group.this : key => group.deployment_group_name }
}

output "service_role_arn" {
  description = "ARN of the role CodeDeploy releases as."
  value       = aws_iam_role.this.arn
}

output "application_arn" {
  description = "ARN of the CodeDeploy application."
  value       = aws_codedeploy_app.this.arn
}

output "deployment_group_arns" {
  description = "Deployment group ARNs by service key."
  value       = { for key, group in aws_codedeploy_deployment_group.this : key => group.arn }
}

output "deployment_config_names" {
  description = "The deployment configuration of each deployment group, by service key."
  value       = { for key, group in aws_codedeploy_deployment_group.this : key => group.deployment_config_name }
}

output "release_check" {
  description = "The release checks, for the deploy role: the check task definitions' families by service key and their execution role; null without a test path."
  value = local.check ? {
    task_definition_families = { for key, td in aws_ecs_task_definition.check : key => td.family }
    execution_role_arn       = aws_iam_role.check_execution[0].arn
  } : null
}
