//! One price model per AWS service, each in its own file; `price` sends a resource to its
//! model. A type AWS does not charge for is listed in `FREE`; any other type without a
//! model gets a "not priced" line, so that nothing is silently left out of a total.

mod aurora;
mod data;
mod fargate;
mod messaging;
mod network;
mod observability;
mod release;
mod security;
mod storage;

use wharf_terraform::Resource;

use crate::pricer::Pricer;

/// Resource types with no charge of their own (configuration, attachments, permissions).
const FREE: &[&str] = &[
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_appautoscaling_policy",
    "aws_appautoscaling_target",
    // CodeDeploy charges nothing for ECS releases; the extra tasks of a release are the
    // service's (release.rs).
    // https://aws.amazon.com/codedeploy/pricing/
    "aws_codedeploy_app",
    "aws_codedeploy_deployment_config",
    "aws_codedeploy_deployment_group",
    // Rules and targets on AWS services' own events (the default bus) are free.
    // https://aws.amazon.com/eventbridge/pricing/
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_log_resource_policy",
    "aws_db_parameter_group",
    "aws_db_proxy_default_target_group",
    "aws_db_proxy_target",
    "aws_db_subnet_group",
    "aws_default_network_acl",
    "aws_default_route_table",
    "aws_default_security_group",
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy",
    "aws_ecs_cluster_capacity_providers",
    "aws_ecs_task_definition",
    "aws_elasticache_subnet_group",
    "aws_elasticache_user",
    "aws_elasticache_user_group",
    "aws_flow_log",
    "aws_iam_instance_profile",
    "aws_iam_openid_connect_provider",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_internet_gateway",
    "aws_kms_alias",
    "aws_lb_listener",
    "aws_lb_listener_certificate",
    "aws_lb_listener_rule",
    "aws_lb_target_group",
    "aws_lb_target_group_attachment",
    "aws_main_route_table_association",
    "aws_network_acl",
    "aws_route",
    "aws_route_table",
    "aws_rds_cluster_parameter_group",
    "aws_route_table_association",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_secretsmanager_secret_version",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_sns_topic_policy",
    "aws_sns_topic_subscription",
    "aws_sqs_queue_policy",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_wafv2_web_acl_association",
    "aws_wafv2_web_acl_logging_configuration",
];

/// Adds the line items of one managed resource instance.
pub(crate) fn price(p: &mut Pricer<'_>, r: &Resource) {
    match r.kind.as_str() {
        "aws_ecs_service" => fargate::service(p, r),
        "aws_nat_gateway" => network::nat_gateway(p, r),
        "aws_eip" => network::elastic_ip(p, r),
        "aws_vpc_endpoint" => network::vpc_endpoint(p, r),
        "aws_lb" | "aws_alb" => network::load_balancer(p, r),
        "aws_route53_zone" => network::hosted_zone(p, r),
        "aws_apigatewayv2_api" | "aws_api_gateway_rest_api" => network::api(p, r),
        "aws_cloudwatch_log_group" => observability::log_group(p, r),
        "aws_cloudwatch_metric_alarm" => observability::alarm(p, r),
        "aws_cloudwatch_dashboard" => observability::dashboard(p, r),
        "aws_ecs_cluster" => observability::container_insights(p, r),
        "aws_ecr_repository" => storage::ecr_repository(p, r),
        "aws_s3_bucket" => storage::s3_bucket(p, r),
        "aws_sns_topic" => messaging::sns_topic(p, r),
        "aws_sqs_queue" => messaging::sqs_queue(p, r),
        "aws_scheduler_schedule" => messaging::schedule(p, r),
        "aws_kms_key" => security::kms_key(p, r),
        "aws_secretsmanager_secret" => security::secret(p, r),
        "aws_wafv2_web_acl" => security::web_acl(p, r),
        "aws_db_instance" => data::db_instance(p, r),
        "aws_rds_cluster" => aurora::cluster(p, r),
        "aws_rds_cluster_instance" => aurora::cluster_instance(p, r),
        "aws_db_proxy" => aurora::proxy(p, r),
        "aws_dynamodb_table" => data::dynamodb_table(p, r),
        "aws_elasticache_serverless_cache" => data::serverless_cache(p, r),
        "aws_elasticache_replication_group" | "aws_elasticache_cluster" => data::cache_nodes(p, r),
        kind if FREE.contains(&kind) => {}
        kind => p.unpriced(
            r,
            "every charge",
            &format!("wharf has no price model for `{kind}`"),
        ),
    }
}
