output "repository_urls" {
  description = "Repository URLs by service key."
  value       = { for key, repository in aws_ecr_repository.this : key => repository.repository_url }
}

output "repository_arns" {
  description = "Repository ARNs by service key."
  value       = { for key, repository in aws_ecr_repository.this : key => repository.arn }
}

output "push_policy_arn" {
  description = "ARN of the IAM policy that allows pushing to and pulling from exactly these repositories."
  value       = aws_iam_policy.push.arn
}
