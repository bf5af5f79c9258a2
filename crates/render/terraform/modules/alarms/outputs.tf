output "sns_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies."
  value       = aws_sns_topic.this.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topic."
  value       = aws_kms_key.this.arn
}

output "release_alarm_names" {
  description = "Names of the alarms a blue/green release of each service behind the load balancer rolls back on (HTTP 5XX, response time), by service key."
  value = {
    for key, alarm in aws_cloudwatch_metric_alarm.target_5xx : key => [
      alarm.alarm_name,
      aws_cloudwatch_metric_alarm.response_time[key].alarm_name,
    ]
  }
}
