variable "name" {
  description = "Environment prefix, \"{app}-{env}\"; names the topic, its key and the load balancer alarm."
  type        = string
}

variable "region" {
  description = "AWS Region the alarms are in; the key policy lets only their ARNs use the topic's key."
  type        = string
}

variable "alerts_email" {
  description = "Email address subscribed to the alarm topic. Null subscribes nobody."
  type        = string
  default     = null
}

variable "cluster_name" {
  description = "Name of the ECS cluster of the services, the ClusterName dimension of their metrics."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer, the LoadBalancer dimension of its metrics."
  type        = string
}

variable "services" {
  description = "Services to watch by service key: the ECS service name, whether a load balancer routes to it (false for a worker), the ARN suffixes of its target groups (none for a worker; two for a service released blue/green, which serves from either), and the fewest tasks it should run."
  type = map(object({
    service_name              = string
    load_balanced             = bool
    target_group_arn_suffixes = list(string)
    min_tasks                 = number
  }))
}

variable "cpu_threshold" {
  description = "Average CPU utilization (percent) above which a service alarms."
  type        = number
}

variable "memory_threshold" {
  description = "Average memory utilization (percent) above which a service alarms."
  type        = number
}

variable "target_5xx_threshold" {
  description = "Number of HTTP 5XX responses in 5 minutes above which a service (or the load balancer itself) alarms."
  type        = number
}

variable "response_time_threshold_seconds" {
  description = "95th percentile target response time (seconds) above which a service alarms."
  type        = number
}

variable "container_insights" {
  description = "Whether the cluster has Container Insights on; the running-task alarms need its RunningTaskCount metric."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource of the module."
  type        = map(string)
  default     = {}
}
