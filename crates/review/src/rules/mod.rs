//! The rule registry: one file per rule, one table sorted by code. A code is never reused.

use wharf_terraform::{Location, Project};

use crate::rule::{Finding, Rule};
use crate::suppress::Suppression;
use crate::Selection;

pub mod alarm_without_actions;
pub mod alb_access_logs_disabled;
pub mod alb_forwards_invalid_headers;
pub mod alb_http2_disabled;
pub mod alb_listener_plain_http;
pub mod alb_outdated_tls_policy;
pub mod alb_without_waf;
pub mod api_gateway_access_logs_disabled;
pub mod api_gateway_tracing_disabled;
pub mod api_gateway_without_throttling;
pub mod autoscaling_scale_in_disabled;
pub mod cache_without_tls;
pub mod codedeploy_service_reverted_by_terraform;
pub mod codedeploy_without_auto_rollback;
pub mod container_adds_linux_capabilities;
pub mod container_health_check_missing;
pub mod container_insights_disabled;
pub mod container_logging_missing;
pub mod container_root_filesystem_writable;
pub mod container_runs_as_root;
pub mod database_deletion_protection_disabled;
pub mod database_open_to_world;
pub mod database_password_in_code;
pub mod database_without_final_snapshot;
pub mod db_proxy_without_tls;
pub mod deployment_allows_downtime;
pub mod dynamodb_point_in_time_recovery_disabled;
pub mod ecr_image_scanning_disabled;
pub mod ecr_lifecycle_policy_missing;
pub mod ecr_tags_mutable;
pub mod fargate_task_size_invalid;
pub mod github_oidc_trust_too_broad;
pub mod health_check_grace_period_missing;
pub mod iam_wildcard_permission;
pub mod image_tag_latest;
pub mod load_balancer_deletion_protection_disabled;
pub mod log_group_not_kms_encrypted;
pub mod log_group_without_retention;
pub mod private_tasks_without_vpc_endpoints;
pub mod privileged_container;
pub mod queue_without_dead_letter_queue;
pub mod rds_backup_retention_short;
pub mod rds_publicly_accessible;
pub mod rds_single_az;
pub mod rds_storage_not_encrypted;
pub mod resource_policy_public;
pub mod s3_bucket_public_access_not_blocked;
pub mod s3_bucket_without_lifecycle;
pub mod s3_gateway_endpoint_missing;
pub mod secret_in_environment_variable;
pub mod security_group_open_to_world;
pub mod service_in_single_az;
pub mod service_without_alarms;
pub mod service_without_autoscaling;
pub mod service_without_circuit_breaker;
pub mod single_nat_gateway;
pub mod sns_topic_not_encrypted;
pub mod spot_without_on_demand_base;
pub mod sqs_queue_not_encrypted;
pub mod suppression_without_reason;
pub mod task_public_ip_assigned;
pub mod unused_suppression;
pub mod vpc_flow_logs_disabled;

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &unused_suppression::RULE,
    &suppression_without_reason::RULE,
    &container_runs_as_root::RULE,
    &secret_in_environment_variable::RULE,
    &privileged_container::RULE,
    &container_root_filesystem_writable::RULE,
    &ecr_image_scanning_disabled::RULE,
    &ecr_tags_mutable::RULE,
    &iam_wildcard_permission::RULE,
    &security_group_open_to_world::RULE,
    &alb_listener_plain_http::RULE,
    &alb_outdated_tls_policy::RULE,
    &alb_forwards_invalid_headers::RULE,
    &task_public_ip_assigned::RULE,
    &s3_bucket_public_access_not_blocked::RULE,
    &alb_without_waf::RULE,
    &rds_storage_not_encrypted::RULE,
    &rds_publicly_accessible::RULE,
    &container_adds_linux_capabilities::RULE,
    &database_password_in_code::RULE,
    &log_group_not_kms_encrypted::RULE,
    &sns_topic_not_encrypted::RULE,
    &vpc_flow_logs_disabled::RULE,
    &sqs_queue_not_encrypted::RULE,
    &db_proxy_without_tls::RULE,
    &database_open_to_world::RULE,
    &cache_without_tls::RULE,
    &github_oidc_trust_too_broad::RULE,
    &resource_policy_public::RULE,
    &service_without_circuit_breaker::RULE,
    &service_without_autoscaling::RULE,
    &single_nat_gateway::RULE,
    &spot_without_on_demand_base::RULE,
    &service_in_single_az::RULE,
    &container_health_check_missing::RULE,
    &deployment_allows_downtime::RULE,
    &rds_single_az::RULE,
    &rds_backup_retention_short::RULE,
    &load_balancer_deletion_protection_disabled::RULE,
    &health_check_grace_period_missing::RULE,
    &dynamodb_point_in_time_recovery_disabled::RULE,
    &queue_without_dead_letter_queue::RULE,
    &database_deletion_protection_disabled::RULE,
    &database_without_final_snapshot::RULE,
    &codedeploy_without_auto_rollback::RULE,
    &codedeploy_service_reverted_by_terraform::RULE,
    &log_group_without_retention::RULE,
    &service_without_alarms::RULE,
    &container_insights_disabled::RULE,
    &alb_access_logs_disabled::RULE,
    &container_logging_missing::RULE,
    &alarm_without_actions::RULE,
    &image_tag_latest::RULE,
    &api_gateway_access_logs_disabled::RULE,
    &api_gateway_tracing_disabled::RULE,
    &api_gateway_without_throttling::RULE,
    &alb_http2_disabled::RULE,
    &fargate_task_size_invalid::RULE,
    &ecr_lifecycle_policy_missing::RULE,
    &private_tasks_without_vpc_endpoints::RULE,
    &s3_bucket_without_lifecycle::RULE,
    &autoscaling_scale_in_disabled::RULE,
    &s3_gateway_endpoint_missing::RULE,
];

/// Looks a rule up by code (any case) or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Rules about the suppressions themselves rather than about resources.
pub(crate) fn is_meta(rule: &Rule) -> bool {
    std::ptr::eq(rule, &unused_suppression::RULE)
        || std::ptr::eq(rule, &suppression_without_reason::RULE)
}

/// Findings of the meta rules: suppressions that cover nothing, name no rule, or give no
/// reason.
pub(crate) fn meta_findings(
    project: &Project,
    selection: &Selection,
    suppressions: &[Suppression],
    used: &[bool],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |s: &Suppression, rule: &'static Rule, message: String| Finding {
        rule,
        message,
        address: String::new(),
        root: project.files[s.file]
            .path
            .parent()
            .unwrap_or(std::path::Path::new(""))
            .into(),
        location: Location {
            file: s.file,
            span: s.span.clone(),
        },
        related: Vec::new(),
        call_sites: Vec::new(),
        suppressed: None,
        at: crate::rule::Lines::default(),
        related_at: Vec::new(),
        frame: None,
    };
    for (s, &was_used) in suppressions.iter().zip(used) {
        if selection.includes(&unused_suppression::RULE) && !was_used {
            if let Some(message) = unused_suppression::message(s, selection) {
                out.push(at(s, &unused_suppression::RULE, message));
            }
        }
        if selection.includes(&suppression_without_reason::RULE) && s.reason.is_empty() {
            out.push(at(
                s,
                &suppression_without_reason::RULE,
                format!("the suppression of {} gives no reason", s.codes.join(", ")),
            ));
        }
    }
    out
}
