//! The three profiles and the values each gives an environment.
//!
//! The numbers come from the seed documents' per-environment choices: dev is small, Spot-heavy
//! and short-lived; staging is production-shaped at lower cost; prod is highly available,
//! on-demand at its base, and protected. Any value can be overridden per environment in the
//! manifest. Changing a value here changes every rendered environment: it is a breaking
//! change and goes in CHANGELOG.md.

use wharf_manifest::{DeployFrom, Deployment, EcrEncryption, ProfileName};

/// Everything a profile decides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Profile {
    /// Availability Zones the VPC spans.
    pub az_count: u32,
    /// One NAT gateway for the VPC instead of one per AZ (cheaper, not AZ-fault tolerant).
    pub single_nat_gateway: bool,
    /// Retention of the service log groups and the VPC flow logs.
    pub log_retention_days: u32,
    pub container_insights: bool,
    /// Tasks always placed on on-demand FARGATE before weights apply.
    pub fargate_base: u32,
    pub fargate_weight: u32,
    pub fargate_spot_weight: u32,
    /// Autoscaling bounds of every service.
    pub min_count: u32,
    pub max_count: u32,
    pub ecr_encryption: EcrEncryption,
    /// Let `terraform destroy` delete repositories that still hold images.
    pub ecr_force_delete: bool,
    pub images_to_keep: u32,
    /// Deletion protection of the load balancer and the tables.
    pub deletion_protection: bool,
    /// 35 days of continuous backups of every table.
    pub point_in_time_recovery: bool,
    /// Every version of every object of the application buckets kept (for
    /// `noncurrent_days`), so that an overwrite or a delete can be undone.
    pub bucket_versioning: bool,
    /// Let `terraform destroy` delete the application buckets with their objects.
    pub bucket_force_destroy: bool,
    /// A database's size: an RDS instance's class, Aurora's capacity range in ACUs (0 lets
    /// it pause when idle).
    pub database_instance_class: &'static str,
    pub database_min_capacity: f64,
    pub database_max_capacity: f64,
    /// A standby (RDS) or a reader (Aurora) in a second Availability Zone.
    pub multi_az: bool,
    /// Days of automated database backups.
    pub backup_retention_days: u32,
    /// A snapshot of a database when it is deleted.
    pub final_snapshot: bool,
    /// Average database CPU (percent) over 5 minutes above which it alarms.
    pub database_cpu_alarm_percent: u32,
    /// Caches on ElastiCache Serverless, or on nodes of `cache_node_type` (one, or a
    /// primary and a replica with `multi_az`). A node is a flat hourly price for up to its
    /// memory, where serverless bills the data held (Valkey at least 100 MB, Redis OSS at
    /// least 1 GB): a small cache in dev is cheaper on a node; staging and prod get
    /// serverless, which spreads over the zones and grows without resizing.
    pub cache_serverless: bool,
    pub cache_node_type: &'static str,
    pub access_logs_retention_days: u32,
    /// Let `terraform destroy` delete the access-log bucket with its logs.
    pub access_logs_force_destroy: bool,
    pub cpu_alarm_percent: u32,
    pub memory_alarm_percent: u32,
    pub target_5xx_alarm_count: u32,
    pub response_time_alarm_seconds: f64,
    /// Messages visible for 10 minutes above which a queue alarms (seed 003: 100), and the
    /// age in seconds of its oldest message above which it alarms (an hour: its consumers
    /// are down or falling behind).
    pub queue_depth_alarm_messages: u32,
    pub queue_age_alarm_seconds: u32,
    /// Whether the environment must serve HTTPS (a certificate is required).
    pub require_https: bool,
    /// An AWS WAF web ACL in front of the load balancer.
    pub waf: bool,
    /// Requests one IP address may send in 5 minutes before WAF blocks it.
    pub waf_rate_limit: u32,
    /// Interface VPC endpoints for what the environment's tasks use (image pulls, logs, the
    /// secret stores they read), or none, leaving that traffic to the NAT gateway.
    pub interface_endpoints: Endpoints,
    /// How a web service's new revision reaches its traffic when the manifest does not
    /// say. dev rolls: releases there are many and cheap to redo, and a rolling update
    /// needs no second target group or test listener. staging releases blue/green (all
    /// traffic at once, the old tasks kept 5 minutes), so the test listener and the
    /// instant rollback are rehearsed before prod. prod releases a canary, 10 % for 5
    /// minutes (`CodeDeployDefault.ECSCanary10Percent5Minutes`), so that
    /// a bad revision meets a tenth of the traffic, and its alarms stop it, before the rest.
    /// A worker, having no traffic, always rolls.
    pub deployment: Deployment,
    /// Minutes CodeDeploy keeps the old tasks after a release, during which a rollback
    /// moves traffic back at once instead of starting tasks again. The tasks run twice over
    /// meanwhile.
    pub bake_minutes: u32,
    /// Which push deploys the environment when the manifest has `[delivery]`: dev and
    /// staging follow the main branch, prod a version tag, so that production changes
    /// only when someone tags a release.
    pub deploy_from: DeployFrom,
    /// Whether a reviewer approves each deployment (GitHub environment protection): prod.
    pub approval: bool,
}

/// Which interface endpoints a profile gives an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoints {
    /// None: every endpoint costs about $7.30 a month in each zone, more than the NAT data
    /// processing it saves while few tasks start.
    None,
    /// `ecr.api`, `ecr.dkr` and `logs`, and `secretsmanager` or `ssm` when a service reads
    /// secrets from them.
    Used,
}

pub(crate) fn profile(name: ProfileName) -> Profile {
    match name {
        ProfileName::Dev => dev(),
        ProfileName::Staging => staging(),
        ProfileName::Prod => prod(),
    }
}

fn dev() -> Profile {
    Profile {
        az_count: 2,
        single_nat_gateway: true,
        log_retention_days: 7,
        container_insights: true,
        fargate_base: 0,
        fargate_weight: 30,
        fargate_spot_weight: 70,
        min_count: 1,
        max_count: 4,
        ecr_encryption: EcrEncryption::Aes256,
        ecr_force_delete: true,
        images_to_keep: 10,
        deletion_protection: false,
        point_in_time_recovery: false,
        bucket_versioning: false,
        bucket_force_destroy: true,
        database_instance_class: "db.t4g.micro",
        database_min_capacity: 0.0,
        database_max_capacity: 2.0,
        multi_az: false,
        backup_retention_days: 1,
        final_snapshot: false,
        database_cpu_alarm_percent: 80,
        cache_serverless: false,
        cache_node_type: "cache.t4g.micro",
        access_logs_retention_days: 90,
        access_logs_force_destroy: true,
        cpu_alarm_percent: 90,
        memory_alarm_percent: 90,
        target_5xx_alarm_count: 25,
        response_time_alarm_seconds: 5.0,
        queue_depth_alarm_messages: 100,
        queue_age_alarm_seconds: 3600,
        require_https: false,
        waf: false,
        waf_rate_limit: 2000,
        interface_endpoints: Endpoints::None,
        deployment: Deployment::Rolling,
        bake_minutes: 0,
        deploy_from: DeployFrom::Branch("main".to_string()),
        approval: false,
    }
}

fn staging() -> Profile {
    Profile {
        az_count: 2,
        single_nat_gateway: false,
        log_retention_days: 30,
        container_insights: true,
        fargate_base: 1,
        fargate_weight: 70,
        fargate_spot_weight: 30,
        min_count: 2,
        max_count: 8,
        ecr_encryption: EcrEncryption::Aes256,
        ecr_force_delete: false,
        images_to_keep: 10,
        deletion_protection: false,
        point_in_time_recovery: true,
        bucket_versioning: true,
        bucket_force_destroy: false,
        database_instance_class: "db.t4g.small",
        database_min_capacity: 0.5,
        database_max_capacity: 4.0,
        multi_az: false,
        backup_retention_days: 7,
        final_snapshot: true,
        database_cpu_alarm_percent: 80,
        cache_serverless: true,
        cache_node_type: "cache.t4g.small",
        access_logs_retention_days: 90,
        access_logs_force_destroy: false,
        cpu_alarm_percent: 85,
        memory_alarm_percent: 90,
        target_5xx_alarm_count: 10,
        response_time_alarm_seconds: 2.0,
        queue_depth_alarm_messages: 100,
        queue_age_alarm_seconds: 3600,
        require_https: false,
        waf: true,
        waf_rate_limit: 2000,
        interface_endpoints: Endpoints::Used,
        deployment: Deployment::BlueGreen,
        bake_minutes: 5,
        deploy_from: DeployFrom::Branch("main".to_string()),
        approval: false,
    }
}

fn prod() -> Profile {
    Profile {
        az_count: 2,
        single_nat_gateway: false,
        log_retention_days: 90,
        container_insights: true,
        fargate_base: 2,
        fargate_weight: 60,
        fargate_spot_weight: 40,
        min_count: 2,
        max_count: 10,
        ecr_encryption: EcrEncryption::Kms,
        ecr_force_delete: false,
        images_to_keep: 10,
        deletion_protection: true,
        point_in_time_recovery: true,
        bucket_versioning: true,
        bucket_force_destroy: false,
        database_instance_class: "db.t4g.medium",
        database_min_capacity: 0.5,
        database_max_capacity: 8.0,
        multi_az: true,
        backup_retention_days: 14,
        final_snapshot: true,
        database_cpu_alarm_percent: 80,
        cache_serverless: true,
        cache_node_type: "cache.t4g.small",
        access_logs_retention_days: 90,
        access_logs_force_destroy: false,
        cpu_alarm_percent: 80,
        memory_alarm_percent: 80,
        target_5xx_alarm_count: 10,
        response_time_alarm_seconds: 2.0,
        queue_depth_alarm_messages: 100,
        queue_age_alarm_seconds: 3600,
        require_https: true,
        waf: true,
        waf_rate_limit: 2000,
        interface_endpoints: Endpoints::Used,
        deployment: Deployment::Canary,
        bake_minutes: 15,
        deploy_from: DeployFrom::Tag("v*".to_string()),
        approval: true,
    }
}
