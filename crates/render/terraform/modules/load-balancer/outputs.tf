output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 hosted zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "ID of the load balancer's security group."
  value       = aws_security_group.this.id
}

output "listener_arn" {
  description = "ARN of the listener that serves traffic: HTTPS with a certificate, HTTP without."
  value       = aws_lb_listener.this.arn
}

# ECS refuses to create a service whose target group is not yet attached to a load
# balancer through a listener or rule, so consumers wait for those.
output "target_group_arns" {
  description = "Target group ARNs by service key."
  value       = { for key, target_group in aws_lb_target_group.this : key => target_group.arn }

  depends_on = [
    aws_lb_listener.this,
    aws_lb_listener_rule.this,
    aws_lb_listener_rule.blue_green,
    aws_lb_listener_rule.test,
  ]
}

output "target_group_arn_suffixes" {
  description = "Target group ARN suffixes by service key, the TargetGroup dimension of their CloudWatch metrics."
  value       = { for key, target_group in aws_lb_target_group.this : key => target_group.arn_suffix }
}

output "test_listener_arn" {
  description = "ARN of the test listener of blue/green releases; null without one."
  value       = one(aws_lb_listener.test[*].arn)
}

output "second_target_group_names" {
  description = "Second target group names of the targets released blue/green, by service key."
  value       = { for key, target_group in aws_lb_target_group.second : key => target_group.name }
}

output "second_target_group_arn_suffixes" {
  description = "Second target group ARN suffixes of the targets released blue/green, by service key, the TargetGroup dimension of their CloudWatch metrics."
  value       = { for key, target_group in aws_lb_target_group.second : key => target_group.arn_suffix }
}

output "target_group_names" {
  description = "Target group names by service key."
  value       = { for key, target_group in aws_lb_target_group.this : key => target_group.name }
}

output "access_logs_bucket" {
  description = "Name of the S3 bucket that receives the access logs."
  value       = aws_s3_bucket.access_logs.id
}
