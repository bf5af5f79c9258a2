output "name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "arn" {
  description = "ARN of the queue."
  value       = aws_sqs_queue.this.arn
}

output "url" {
  description = "URL of the queue, which the SQS API takes."
  value       = aws_sqs_queue.this.url
}

output "dead_letter_arn" {
  description = "ARN of the dead-letter queue; null without one."
  value       = one(aws_sqs_queue.dead_letter[*].arn)
}
