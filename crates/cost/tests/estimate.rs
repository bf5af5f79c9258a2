//! Estimates worked out by hand from prices.toml: each test writes the arithmetic next to
//! the expectation. A month is 730 hours.

use std::fs;

use wharf_cost::{estimate, Estimate, Options, PriceTable, Status, Usage};
use wharf_terraform::{LoadOptions, Project};

const PROVIDER: &str = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";

fn run(tf: &str, usage: &str) -> Estimate {
    try_run(tf, usage, None).unwrap()
}

fn try_run(tf: &str, usage: &str, region: Option<&str>) -> Result<Estimate, String> {
    try_run_with(tf, usage, region, PriceTable::bundled())
}

fn try_run_with(
    tf: &str,
    usage: &str,
    region: Option<&str>,
    prices: &PriceTable,
) -> Result<Estimate, String> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("main.tf"), tf).unwrap();
    let project = Project::load(&[dir.path().to_path_buf()], &LoadOptions::default()).unwrap();
    assert!(
        project.parse_errors.is_empty(),
        "{:?}",
        project.parse_errors
    );
    let usage = Usage::parse("usage.toml", usage).unwrap();
    let mut estimates = estimate(
        &project,
        &Options {
            prices,
            usage: &usage,
            region,
        },
    )
    .map_err(|e| e.to_string())?;
    assert_eq!(estimates.len(), 1);
    Ok(estimates.remove(0))
}

/// The monthly cost of one component of one resource.
fn cost(e: &Estimate, address: &str, component: &str) -> f64 {
    let item = e
        .items
        .iter()
        .find(|i| i.address == address && i.component == component)
        .unwrap_or_else(|| panic!("no {address} {component}: {:#?}", e.items));
    item.monthly_usd
        .unwrap_or_else(|| panic!("{address} {component} is not priced: {item:#?}"))
}

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-6,
        "expected {expected}, got {actual}"
    );
}

fn service(task: &str, service: &str) -> String {
    format!(
        r#"{PROVIDER}
resource "aws_ecs_task_definition" "app" {{
  family = "app"
  {task}
}}
resource "aws_ecs_service" "app" {{
  name            = "app"
  task_definition = aws_ecs_task_definition.app.arn
  {service}
}}
"#
    )
}

#[test]
fn one_quarter_vcpu_half_gb_x86_task_in_us_east_1_is_9_01_a_month() {
    let e = run(
        &service(
            r#"cpu = "256"
  memory = "512""#,
            "launch_type = \"FARGATE\"\n  desired_count = 1",
        ),
        "",
    );
    let vcpu = cost(&e, "aws_ecs_service.app", "Fargate vCPU (x86, on-demand)");
    let memory = cost(&e, "aws_ecs_service.app", "Fargate memory (x86, on-demand)");
    close(vcpu, 0.25 * 0.04048 * 730.0); // 7.3876
    close(memory, 0.5 * 0.004445 * 730.0); // 1.622425
    close(e.total(), 9.010025);
    assert_eq!(format!("{:.2}", e.total()), "9.01");
}

#[test]
fn arm_tasks_use_the_arm_rates() {
    let e = run(
        &service(
            r#"cpu = 256
  memory = 512
  runtime_platform {
    cpu_architecture        = "ARM64"
    operating_system_family = "LINUX"
  }"#,
            "launch_type = \"FARGATE\"\n  desired_count = 1",
        ),
        "",
    );
    close(e.total(), 0.25 * 0.03238 * 730.0 + 0.5 * 0.00356 * 730.0); // 7.20875
}

#[test]
fn five_tasks_base_2_weight_60_on_demand_and_40_spot() {
    let e = run(
        &service(
            "cpu = 256\n  memory = 512",
            r#"desired_count = 5
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 2
    weight            = 60
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 40
  }"#,
        ),
        "",
    );
    let task = 0.25 * 0.04048 * 730.0 + 0.5 * 0.004445 * 730.0; // 9.010025 on-demand
                                                                // Base 2 on FARGATE, then the other 3 split 60/40: 2 + 1.8 = 3.8 on-demand, 1.2 Spot.
    let on_demand = cost(&e, "aws_ecs_service.app", "Fargate vCPU (x86, on-demand)")
        + cost(&e, "aws_ecs_service.app", "Fargate memory (x86, on-demand)");
    let spot = cost(&e, "aws_ecs_service.app", "Fargate vCPU (x86, Spot)")
        + cost(&e, "aws_ecs_service.app", "Fargate memory (x86, Spot)");
    close(on_demand, 3.8 * task); // 34.238095
    close(spot, 1.2 * task * (1.0 - 0.70)); // 3.2436090
    close(e.total(), 37.481704);
}

#[test]
fn the_autoscaling_minimum_counts_when_desired_count_is_ignored() {
    let tf = service(
        "cpu = 512\n  memory = 1024\n  ephemeral_storage {\n    size_in_gib = 50\n  }",
        r#"launch_type   = "FARGATE"
  desired_count = 10
  lifecycle {
    ignore_changes = [desired_count]
  }"#,
    ) + r#"
resource "aws_appautoscaling_target" "app" {
  service_namespace  = "ecs"
  resource_id        = "service/cluster/${aws_ecs_service.app.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 2
  max_capacity       = 6
}
"#;
    let e = run(&tf, "");
    let task = 0.5 * 0.04048 * 730.0 + 1.0 * 0.004445 * 730.0; // 18.02005
    close(
        cost(&e, "aws_ecs_service.app", "Fargate vCPU (x86, on-demand)")
            + cost(&e, "aws_ecs_service.app", "Fargate memory (x86, on-demand)"),
        2.0 * task,
    );
    // 50 GB a task, 20 included: 2 tasks × 30 GB × 730 h × $0.000111.
    close(
        cost(&e, "aws_ecs_service.app", "ephemeral storage beyond 20 GB"),
        2.0 * 30.0 * 730.0 * 0.000111,
    );
}

const NAT_PER_AZ: &str = r#"
resource "aws_eip" "nat" {
  count  = 3
  domain = "vpc"
}
resource "aws_nat_gateway" "this" {
  count         = 3
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = "subnet-${count.index}"
}
"#;

const SINGLE_NAT: &str = r#"
resource "aws_eip" "nat" {
  domain = "vpc"
}
resource "aws_nat_gateway" "this" {
  allocation_id = aws_eip.nat.id
  subnet_id     = "subnet-a"
}
"#;

#[test]
fn a_nat_gateway_per_az_against_a_single_one() {
    // Each gateway: 730 h × $0.045 = $32.85, and its public IPv4 730 h × $0.005 = $3.65.
    let one = 730.0 * 0.045 + 730.0 * 0.005; // 36.50
    let per_az = run(&format!("{PROVIDER}{NAT_PER_AZ}"), "");
    let single = run(&format!("{PROVIDER}{SINGLE_NAT}"), "");
    close(per_az.total(), 3.0 * one); // 109.50: the EIPs are priced on their gateways
    close(single.total(), one);
    // Data processed and data sent to the internet, for each gateway.
    assert_eq!(per_az.count(Status::DependsOnUsage), 6);

    // With a usage file, 100 GB through each: + 100 × $0.045 = $4.50 a gateway.
    let usage = "[defaults.aws_nat_gateway]\nmonthly_data_processed_gb = 100\n";
    let per_az = run(&format!("{PROVIDER}{NAT_PER_AZ}"), usage);
    close(per_az.total(), 3.0 * (one + 4.5));
    // What the gateways send to the internet is still not given.
    assert_eq!(per_az.count(Status::DependsOnUsage), 3);
    close(
        cost(&per_az, "aws_nat_gateway.this[1]", "data processed"),
        4.5,
    );
}

#[test]
fn nat_gateways_in_eu_west_1_use_its_price() {
    let e = run(
        &format!("provider \"aws\" {{\n  region = \"eu-west-1\"\n}}\n{SINGLE_NAT}"),
        "",
    );
    close(
        cost(&e, "aws_nat_gateway.this", "NAT gateway hours"),
        730.0 * 0.048,
    ); // 35.04
}

#[test]
fn interface_endpoints_are_priced_per_availability_zone_and_gateways_are_free() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_vpc_endpoint" "ecr_api" {{
  vpc_id              = "vpc-1"
  service_name        = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ["subnet-a", "subnet-b"]
}}
resource "aws_vpc_endpoint" "s3" {{
  vpc_id            = "vpc-1"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
}}
"#
    );
    let usage = "[resources.'aws_vpc_endpoint.ecr_api']\nmonthly_data_processed_gb = 50\n";
    let e = run(&tf, usage);
    close(
        cost(&e, "aws_vpc_endpoint.ecr_api", "interface endpoint hours"),
        2.0 * 730.0 * 0.01, // 14.60
    );
    close(
        cost(&e, "aws_vpc_endpoint.ecr_api", "data processed"),
        50.0 * 0.01,
    );
    close(cost(&e, "aws_vpc_endpoint.s3", "gateway endpoint"), 0.0);
    close(e.total(), 15.10);
}

#[test]
fn an_application_load_balancer_with_and_without_usage() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_lb" "web" {{
  name    = "web"
  subnets = ["subnet-a", "subnet-b"]
}}
"#
    );
    let without = run(&tf, "");
    // 730 h × $0.0225 = $16.425; two AZ nodes' public IPv4: 2 × 730 × $0.005 = $7.30.
    close(without.total(), 16.425 + 7.30);
    // Capacity units and data sent to clients.
    assert_eq!(without.count(Status::DependsOnUsage), 2);

    // 50 new connections a second is 2 LCU (25 a second each): 2 × 730 × $0.008 = $11.68.
    let with = run(
        &tf,
        "[defaults.aws_lb]\nnew_connections_per_second = 50\nprocessed_gb_per_hour = 0.5\n",
    );
    close(
        cost(&with, "aws_lb.web", "capacity units (LCU)"),
        2.0 * 730.0 * 0.008,
    );
    close(with.total(), 16.425 + 7.30 + 11.68);
}

#[test]
fn data_sent_to_the_internet_is_priced_in_tiers() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_lb" "public" {{
  name    = "public"
  subnets = ["subnet-a", "subnet-b"]
}}
resource "aws_lb" "private" {{
  name     = "private"
  internal = true
  subnets  = ["subnet-a", "subnet-b"]
}}
"#
    );
    // 12,000 GB: the first 10 TB (10,240 GB) at $0.09 = $921.60, the other 1,760 GB at
    // $0.085 = $149.60.
    let usage = "[defaults.aws_lb]\nmonthly_data_transfer_out_gb = 12000\n";
    let e = run(&tf, usage);
    close(
        cost(&e, "aws_lb.public", "data transfer out (first 10 TB)"),
        10_240.0 * 0.09,
    );
    close(
        cost(&e, "aws_lb.public", "data transfer out (next 40 TB)"),
        1_760.0 * 0.085,
    );
    // An internal load balancer sends nothing to the internet.
    assert!(!e
        .items
        .iter()
        .any(|i| i.address == "aws_lb.private" && i.component.starts_with("data transfer")));

    // ap-southeast-1's first tier is $0.12: 500 GB = $60.
    let ap = try_run(
        &tf,
        "[resources.'aws_lb.public']\nmonthly_data_transfer_out_gb = 500\n",
        Some("ap-southeast-1"),
    )
    .unwrap();
    close(
        cost(&ap, "aws_lb.public", "data transfer out (first 10 TB)"),
        500.0 * 0.12,
    );
}

#[test]
fn log_groups_alarms_dashboards_keys_secrets_and_waf() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_cloudwatch_log_group" "app" {{
  name              = "/ecs/app"
  retention_in_days = 30
}}
resource "aws_cloudwatch_metric_alarm" "cpu" {{
  alarm_name          = "cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = 80
}}
resource "aws_cloudwatch_dashboard" "main" {{
  dashboard_name = "main"
  dashboard_body = "{{}}"
}}
resource "aws_kms_key" "logs" {{}}
resource "aws_secretsmanager_secret" "app" {{
  name = "app"
}}
resource "aws_wafv2_web_acl" "web" {{
  name  = "web"
  scope = "REGIONAL"
  rule {{
    name     = "common"
    priority = 1
  }}
  rule {{
    name     = "bad-inputs"
    priority = 2
  }}
  rule {{
    name     = "rate"
    priority = 3
  }}
}}
"#
    );
    let usage = "[defaults.aws_cloudwatch_log_group]\nmonthly_ingested_gb = 10\n\n[defaults.aws_wafv2_web_acl]\nmonthly_requests = 10000000\n";
    let e = run(&tf, usage);
    close(
        cost(&e, "aws_cloudwatch_log_group.app", "log ingestion"),
        10.0 * 0.50,
    );
    // Kept 30 days: 10 GB a month / (730 / 24) days × 30 days × $0.03.
    close(
        cost(&e, "aws_cloudwatch_log_group.app", "log storage"),
        10.0 / (730.0 / 24.0) * 30.0 * 0.03,
    );
    close(
        cost(&e, "aws_cloudwatch_metric_alarm.cpu", "alarm metrics"),
        0.10,
    );
    close(cost(&e, "aws_cloudwatch_dashboard.main", "dashboard"), 3.00);
    close(cost(&e, "aws_kms_key.logs", "customer managed key"), 1.00);
    close(cost(&e, "aws_secretsmanager_secret.app", "secret"), 0.40);
    close(cost(&e, "aws_wafv2_web_acl.web", "web ACL"), 5.00);
    close(
        cost(&e, "aws_wafv2_web_acl.web", "rules and rule groups"),
        3.0 * 1.00,
    );
    close(cost(&e, "aws_wafv2_web_acl.web", "requests"), 10.0 * 0.60);
}

#[test]
fn storage_messaging_and_data_tier() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_ecr_repository" "app" {{
  name = "app"
}}
resource "aws_s3_bucket" "assets" {{
  bucket = "assets"
}}
resource "aws_sns_topic" "alerts" {{
  name = "alerts"
}}
resource "aws_sqs_queue" "jobs" {{
  name       = "jobs.fifo"
  fifo_queue = true
}}
resource "aws_db_instance" "db" {{
  engine            = "postgres"
  instance_class    = "db.t4g.micro"
  allocated_storage = 20
  storage_type      = "gp3"
  multi_az          = true
}}
resource "aws_dynamodb_table" "sessions" {{
  name         = "sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  point_in_time_recovery {{
    enabled = true
  }}
}}
resource "aws_dynamodb_table" "cache" {{
  name         = "cache"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
}}
resource "aws_elasticache_serverless_cache" "cache" {{
  name   = "cache"
  engine = "valkey"
}}
resource "aws_route53_zone" "main" {{
  name = "example.com"
}}
resource "aws_apigatewayv2_api" "api" {{
  name          = "api"
  protocol_type = "HTTP"
}}
"#
    );
    let usage = r#"version = 1
[defaults.aws_ecr_repository]
stored_gb = 5
[defaults.aws_s3_bucket]
stored_gb = 100
monthly_write_requests = 20000
monthly_read_requests = 1000000
[defaults.aws_sns_topic]
monthly_publishes = 2000000
[defaults.aws_sqs_queue]
monthly_requests = 3000000
[defaults.aws_dynamodb_table]
monthly_write_request_units = 4000000
monthly_read_request_units = 8000000
storage_gb = 40
[defaults.aws_apigatewayv2_api]
monthly_requests = 5000000
"#;
    let e = run(&tf, usage);
    close(
        cost(&e, "aws_ecr_repository.app", "image storage"),
        5.0 * 0.10,
    );
    close(
        cost(&e, "aws_s3_bucket.assets", "S3 Standard storage"),
        100.0 * 0.023,
    );
    close(
        cost(&e, "aws_s3_bucket.assets", "PUT, COPY, POST, LIST requests"),
        20.0 * 0.005,
    );
    close(
        cost(&e, "aws_s3_bucket.assets", "GET and other requests"),
        1000.0 * 0.0004,
    );
    close(cost(&e, "aws_sns_topic.alerts", "publishes"), 2.0 * 0.50);
    close(cost(&e, "aws_sqs_queue.jobs", "requests"), 3.0 * 0.50);
    // Multi-AZ doubles instance hours and storage: 730 × $0.016 × 2, 20 GB × $0.115 × 2.
    close(
        cost(
            &e,
            "aws_db_instance.db",
            "db.t4g.micro instance hours (Multi-AZ)",
        ),
        730.0 * 0.016 * 2.0,
    );
    close(
        cost(&e, "aws_db_instance.db", "gp3 storage (Multi-AZ)"),
        20.0 * 0.115 * 2.0,
    );
    close(
        cost(&e, "aws_dynamodb_table.sessions", "write request units"),
        4.0 * 0.625,
    );
    close(
        cost(&e, "aws_dynamodb_table.sessions", "read request units"),
        8.0 * 0.125,
    );
    // Valkey meters at least 100 MB: 0.1 GB × 730 h × $0.084.
    close(
        cost(&e, "aws_elasticache_serverless_cache.cache", "data stored"),
        0.1 * 730.0 * 0.084,
    );
    close(cost(&e, "aws_route53_zone.main", "hosted zone"), 0.50);
    close(cost(&e, "aws_apigatewayv2_api.api", "requests"), 5.0 * 1.00);
    // Storage, and point-in-time recovery on the same GB where it is on.
    close(
        cost(&e, "aws_dynamodb_table.sessions", "storage"),
        40.0 * 0.25,
    );
    close(
        cost(&e, "aws_dynamodb_table.sessions", "point-in-time recovery"),
        40.0 * 0.20,
    );
    assert!(!e.items.iter().any(
        |i| i.address == "aws_dynamodb_table.cache" && i.component == "point-in-time recovery"
    ));
}

#[test]
fn aurora_serverless_v2_and_rds_proxy() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_db_instance" "db" {{
  identifier        = "db"
  engine            = "postgres"
  instance_class    = "db.t4g.small"
  storage_type      = "gp3"
  allocated_storage = 20
}}
resource "aws_db_proxy" "db" {{
  name           = "db"
  engine_family  = "POSTGRESQL"
  role_arn       = "arn:aws:iam::123456789012:role/proxy"
  vpc_subnet_ids = ["subnet-1", "subnet-2"]
  require_tls    = true
  auth {{
    auth_scheme = "SECRETS"
    secret_arn  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"
  }}
}}
resource "aws_db_proxy_default_target_group" "db" {{
  db_proxy_name = aws_db_proxy.db.name
}}
resource "aws_db_proxy_target" "db" {{
  db_proxy_name          = aws_db_proxy.db.name
  target_group_name      = aws_db_proxy_default_target_group.db.name
  db_instance_identifier = aws_db_instance.db.identifier
}}
resource "aws_rds_cluster" "steady" {{
  cluster_identifier = "steady"
  engine             = "aurora-postgresql"
  serverlessv2_scaling_configuration {{
    min_capacity = 0.5
    max_capacity = 4
  }}
}}
resource "aws_rds_cluster_instance" "steady" {{
  cluster_identifier = aws_rds_cluster.steady.id
  instance_class     = "db.serverless"
  engine             = "aurora-postgresql"
}}
resource "aws_rds_cluster" "pausing" {{
  cluster_identifier = "pausing"
  engine             = "aurora-postgresql"
  serverlessv2_scaling_configuration {{
    min_capacity             = 0
    max_capacity             = 2
    seconds_until_auto_pause = 300
  }}
}}
resource "aws_rds_cluster_instance" "pausing" {{
  cluster_identifier = aws_rds_cluster.pausing.id
  instance_class     = "db.serverless"
  engine             = "aurora-postgresql"
}}
resource "aws_rds_cluster_instance" "measured" {{
  cluster_identifier = aws_rds_cluster.pausing.id
  instance_class     = "db.serverless"
  engine             = "aurora-postgresql"
}}
"#
    );
    let usage = r#"version = 1
[defaults.aws_rds_cluster]
storage_gb = 50
monthly_io_requests = 30000000
[resources."aws_rds_cluster_instance.measured"]
acu_hours = 120
"#;
    let e = run(&tf, usage);
    // The proxy: 2 vCPUs of db.t4g.small × 730 h × $0.015.
    close(
        cost(&e, "aws_db_proxy.db", "proxy vCPU-hours"),
        2.0 * 730.0 * 0.015,
    );
    // At its minimum all month: 0.5 ACU × 730 h × $0.12 = $43.80.
    close(
        cost(
            &e,
            "aws_rds_cluster_instance.steady",
            "Serverless v2 capacity",
        ),
        0.5 * 730.0 * 0.12,
    );
    // Minimum 0: nothing while paused, unless the usage file says how long it runs.
    close(
        cost(
            &e,
            "aws_rds_cluster_instance.pausing",
            "Serverless v2 capacity",
        ),
        0.0,
    );
    close(
        cost(
            &e,
            "aws_rds_cluster_instance.measured",
            "Serverless v2 capacity",
        ),
        120.0 * 0.12,
    );
    // Storage and I/O from the usage file: 50 GB × $0.10, 30 M requests × $0.20.
    close(cost(&e, "aws_rds_cluster.steady", "storage"), 50.0 * 0.10);
    close(
        cost(&e, "aws_rds_cluster.steady", "I/O requests"),
        30.0 * 0.20,
    );
    for free in [
        "aws_db_proxy_target.db",
        "aws_db_proxy_default_target_group.db",
    ] {
        assert!(
            !e.items.iter().any(|i| i.address == free),
            "{free} is priced"
        );
    }
}

#[test]
fn scheduled_invocations_of_a_rate_are_worked_out_and_of_a_cron_read_from_usage() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_scheduler_schedule" "every_minute" {{
  name                = "every-minute"
  schedule_expression = "rate(1 minute)"
  flexible_time_window {{
    mode = "OFF"
  }}
  target {{
    arn      = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
    role_arn = "arn:aws:iam::123456789012:role/scheduler"
  }}
}}
resource "aws_scheduler_schedule" "nightly" {{
  name                = "nightly"
  schedule_expression = "cron(0 3 * * ? *)"
  flexible_time_window {{
    mode = "OFF"
  }}
  target {{
    arn      = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
    role_arn = "arn:aws:iam::123456789012:role/scheduler"
  }}
}}
resource "aws_cloudwatch_event_rule" "failed" {{
  name          = "failed"
  event_pattern = jsonencode({{ source = ["aws.ecs"] }})
}}
"#
    );
    let e = run(
        &tf,
        "version = 1\n[resources.'aws_scheduler_schedule.nightly']\nmonthly_invocations = 31\n",
    );
    // rate(1 minute): 730 h × 60 = 43,800 invocations, × $1.00 per million.
    close(
        cost(
            &e,
            "aws_scheduler_schedule.every_minute",
            "scheduled invocations",
        ),
        730.0 * 60.0 / 1e6 * 1.00,
    );
    close(
        cost(
            &e,
            "aws_scheduler_schedule.nightly",
            "scheduled invocations",
        ),
        31.0 / 1e6 * 1.00,
    );
    // Rules on AWS services' own events are free: no line at all.
    assert!(!e
        .items
        .iter()
        .any(|i| i.address == "aws_cloudwatch_event_rule.failed"));
}

#[test]
fn without_a_usage_file_traffic_items_show_their_unit_price_only() {
    let e = run(&format!("{PROVIDER}{SINGLE_NAT}"), "");
    let data = e
        .items
        .iter()
        .find(|i| i.component == "data processed")
        .unwrap();
    assert_eq!(data.status(), Status::DependsOnUsage);
    assert_eq!(data.unit_usd, Some(0.045));
    assert_eq!(data.monthly_usd, None);
}

#[test]
fn an_unknown_region_is_a_clear_error() {
    let tf = format!("provider \"aws\" {{\n  region = \"us-west-2\"\n}}\n{SINGLE_NAT}");
    let err = try_run(&tf, "", None).unwrap_err();
    assert!(
        err.contains("the price table has no prices for Region `us-west-2`"),
        "{err}"
    );
    assert!(
        err.contains("help: wharf prices ap-southeast-1, eu-west-1, us-east-1"),
        "{err}"
    );

    let tf = format!(
        "variable \"region\" {{}}\nprovider \"aws\" {{\n  region = var.region\n}}\n{SINGLE_NAT}"
    );
    let err = try_run(&tf, "", None).unwrap_err();
    assert!(err.contains("Region is not known before apply"), "{err}");
    assert!(err.contains("help: pass --region REGION"), "{err}");
    // --region answers it.
    let e = try_run(&tf, "", Some("us-east-1")).unwrap();
    close(e.total(), 36.50);
}

#[test]
fn resources_without_a_price_model_are_listed_not_dropped() {
    let e = run(
        &format!(
            "{PROVIDER}resource \"aws_instance\" \"web\" {{\n  instance_type = \"t3.micro\"\n}}\n"
        ),
        "",
    );
    let item = &e.items[0];
    assert_eq!(item.status(), Status::NotPriced);
    assert_eq!(
        item.note.as_deref(),
        Some("wharf has no price model for `aws_instance`")
    );
}

/// An environment root calling a module, as `wharf render` lays a tree out.
fn rendered_tree() -> std::collections::BTreeMap<String, String> {
    [
        (
            "environments/prod/main.tf",
            format!(
                "{PROVIDER}module \"network\" {{\n  source = \"../../modules/network\"\n}}\nresource \"aws_instance\" \"bastion\" {{}}\n"
            ),
        ),
        (
            "modules/network/main.tf",
            "resource \"aws_nat_gateway\" \"this\" {\n  count             = 2\n  connectivity_type = \"private\"\n}\n"
                .to_string(),
        ),
        ("environments/prod/README.md", "Not Terraform.\n".to_string()),
    ]
    .into_iter()
    .map(|(path, text)| (path.to_string(), text))
    .collect()
}

#[test]
fn a_tree_in_memory_is_priced_as_the_same_tree_on_disk() {
    let files = rendered_tree();
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in &files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let usage = Usage::default();
    let options = Options {
        prices: PriceTable::bundled(),
        usage: &usage,
        region: None,
    };
    let load = LoadOptions::default();
    let in_memory =
        wharf_cost::estimate_files(&files, &["environments/prod"], &load, &options).unwrap();
    let on_disk =
        wharf_cost::estimate_paths(&[dir.path().join("environments/prod")], &load, &options)
            .unwrap();
    assert_eq!(in_memory.len(), 1);
    assert_eq!(in_memory[0].root, std::path::Path::new("environments/prod"));
    assert_eq!(in_memory[0].items, on_disk[0].items);
    // Two private NAT gateways: 2 × 730 h × $0.045 = $65.70; the instance is not priced.
    close(in_memory[0].fixed(), 65.70);

    let fixed =
        wharf_cost::fixed_monthly(&files, "environments/prod", PriceTable::bundled()).unwrap();
    close(fixed.usd, 65.70);
    assert_eq!(fixed.region, "us-east-1");
    assert_eq!(fixed.not_priced, 1);
}

#[test]
fn a_tree_that_does_not_load_whole_is_not_priced() {
    let mut files = rendered_tree();
    files.insert(
        "modules/network/broken.tf".to_string(),
        "resource \"aws_eip\" \"this\" {\n  domain = \n}\n".to_string(),
    );
    let err =
        wharf_cost::fixed_monthly(&files, "environments/prod", PriceTable::bundled()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("modules/network/broken.tf:2:12: "),
        "{err}"
    );
    assert_eq!(
        err.help.as_deref(),
        Some("fix the file; nothing is priced from a tree that does not parse")
    );
}

#[test]
fn cache_nodes_are_priced_per_node_hour_by_engine_and_snapshots_from_usage() {
    let tf = format!(
        r#"{PROVIDER}
resource "aws_elasticache_replication_group" "valkey_pair" {{
  replication_group_id = "valkey-pair"
  description          = "a primary and a replica"
  engine               = "valkey"
  node_type            = "cache.t4g.small"
  num_cache_clusters   = 2
}}
resource "aws_elasticache_replication_group" "redis_sharded" {{
  replication_group_id    = "redis-sharded"
  description             = "cluster mode: 3 shards of a primary and 2 replicas"
  node_type               = "cache.r7g.large"
  num_node_groups         = 3
  replicas_per_node_group = 2
}}
resource "aws_elasticache_cluster" "single" {{
  cluster_id      = "single"
  engine          = "redis"
  node_type       = "cache.t4g.micro"
  num_cache_nodes = 1
}}
resource "aws_elasticache_replication_group" "shards_without_replicas_set" {{
  replication_group_id = "shards"
  description          = "cluster mode, replicas left to ElastiCache"
  node_type            = "cache.r7g.large"
  num_node_groups      = 2
}}
resource "aws_elasticache_cluster" "member" {{
  cluster_id           = "member"
  replication_group_id = aws_elasticache_replication_group.valkey_pair.id
}}
resource "aws_elasticache_user" "app" {{
  user_id       = "app"
  user_name     = "app"
  engine        = "redis"
  access_string = "on ~* +@all"
  authentication_mode {{
    type = "iam"
  }}
}}
resource "aws_elasticache_user_group" "app" {{
  user_group_id = "app"
  engine        = "redis"
  user_ids      = [aws_elasticache_user.app.user_id]
}}
"#
    );
    let usage = r#"version = 1
[resources."aws_elasticache_replication_group.valkey_pair"]
snapshot_gb = 4
"#;
    // The bundled table has no sourced node prices: node hours are listed, not priced.
    let bundled = run(&tf, usage);
    let hours = bundled
        .items
        .iter()
        .find(|i| {
            i.address == "aws_elasticache_replication_group.valkey_pair"
                && i.component == "cache.t4g.small node hours"
        })
        .expect("node hours are listed");
    assert_eq!(hours.monthly_usd, None);
    assert!(
        hours
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("elasticache.node.valkey.cache.t4g.small.hour"),
        "{hours:#?}"
    );
    // With node prices in a table of one's own (figures for the arithmetic only).
    let table = r#"
[[price]]
key = "elasticache.node.valkey.cache.t4g.small.hour"
region = "us-east-1"
unit = "node-hour"
usd = 0.0256
source = "https://example.com/test"
as_of = "2026-12-02"
confidence = "secondary"

[[price]]
key = "elasticache.node.redis.cache.r7g.large.hour"
region = "us-east-1"
unit = "node-hour"
usd = 0.219
source = "https://example.com/test"
as_of = "2026-12-02"
confidence = "secondary"

[[price]]
key = "elasticache.node.redis.cache.t4g.micro.hour"
region = "us-east-1"
unit = "node-hour"
usd = 0.016
source = "https://example.com/test"
as_of = "2026-12-02"
confidence = "secondary"

[[price]]
key = "elasticache.backup.gb_month"
region = "us-east-1"
unit = "GB-month"
usd = 0.085
source = "https://example.com/test"
as_of = "2026-12-02"
confidence = "secondary"
"#;
    let prices = PriceTable::parse("prices.toml", table).unwrap();
    let e = try_run_with(&tf, usage, None, &prices).unwrap();
    // Valkey, 2 nodes × 730 h × $0.0256.
    close(
        cost(
            &e,
            "aws_elasticache_replication_group.valkey_pair",
            "cache.t4g.small node hours",
        ),
        2.0 * 730.0 * 0.0256,
    );
    // Redis OSS by default, 3 shards × (1 + 2 replicas) = 9 nodes × 730 h × $0.219.
    close(
        cost(
            &e,
            "aws_elasticache_replication_group.redis_sharded",
            "cache.r7g.large node hours",
        ),
        9.0 * 730.0 * 0.219,
    );
    close(
        cost(
            &e,
            "aws_elasticache_cluster.single",
            "cache.t4g.micro node hours",
        ),
        730.0 * 0.016,
    );
    // Snapshots: 4 GB × $0.085.
    close(
        cost(
            &e,
            "aws_elasticache_replication_group.valkey_pair",
            "snapshot storage",
        ),
        4.0 * 0.085,
    );
    // Shards without a replica count: how many nodes is not known.
    let shards = e
        .items
        .iter()
        .find(|i| i.address == "aws_elasticache_replication_group.shards_without_replicas_set")
        .expect("listed");
    assert_eq!(shards.monthly_usd, None);
    // A group's member is priced with its group; users and groups are free.
    for free in [
        "aws_elasticache_cluster.member",
        "aws_elasticache_user.app",
        "aws_elasticache_user_group.app",
    ] {
        assert!(
            !e.items.iter().any(|i| i.address == free),
            "{free} is priced"
        );
    }
}
