//! How profiles, overrides and derived defaults combine: the values a user would see in the
//! rendered Terraform.

use wharf_model::{load, Platform};

const BASE: &str = r#"
[app]
name   = "shop"
region = "us-east-1"
domain = "example.com"

[services.web]
port = 8080

[services.api]
port      = 8080
path      = "/api/*"
max_count = 6

[environments.dev]

[environments.prod]
certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
"#;

fn platform(extra: &str) -> Platform {
    let text = format!("{BASE}{extra}");
    load("wharf.toml", &text).unwrap_or_else(|d| panic!("{}", d.render()))
}

fn errors(text: &str) -> String {
    match load("wharf.toml", text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(d) => d.render(),
    }
}

#[test]
fn profile_values_reach_each_environment() {
    let p = platform("");
    let dev = &p.environments[0];
    let prod = &p.environments[1];
    assert_eq!((dev.name.as_str(), prod.name.as_str()), ("dev", "prod"));
    assert!(dev.network.single_nat_gateway && !prod.network.single_nat_gateway);
    assert_eq!(dev.network.zone_ids, ["use1-az1", "use1-az2"]);
    assert_eq!(dev.services[1].log_retention_days, 7);
    assert_eq!(prod.services[1].log_retention_days, 90);
    assert_eq!(prod.cluster.capacity.fargate_base, 2);
    assert_eq!(prod.cluster.capacity.fargate_weight, 60);
    assert_eq!(prod.cluster.capacity.fargate_spot_weight, 40);
    assert_eq!(dev.cluster.capacity.fargate_spot_weight, 70);
    assert!(prod.load_balancer.deletion_protection && prod.load_balancer.waf.is_some());
    assert!(dev.load_balancer.waf.is_none() && dev.load_balancer.certificate_arn.is_none());
    assert_eq!(p.state_bucket, "shop-terraform-state");
}

#[test]
fn most_specific_value_wins() {
    let p = platform(
        r#"
[environments.staging]
max_count = 3

[environments.staging.services.api]
max_count = 12
cpu       = 1024
"#,
    );
    let staging = p.environments.iter().find(|e| e.name == "staging").unwrap();
    let api = staging.services.iter().find(|s| s.key == "api").unwrap();
    let web = staging.services.iter().find(|s| s.key == "web").unwrap();
    // per-service override > environment override > service > profile
    assert_eq!(api.max_count, 12);
    assert_eq!(web.max_count, 3);
    assert_eq!(
        (api.cpu, api.memory_mib),
        (1024, 2048),
        "memory defaults to the smallest Fargate allows"
    );
    let prod = p.environments.iter().find(|e| e.name == "prod").unwrap();
    assert_eq!(
        prod.services
            .iter()
            .find(|s| s.key == "api")
            .unwrap()
            .max_count,
        6
    );
    assert_eq!(
        prod.services
            .iter()
            .find(|s| s.key == "web")
            .unwrap()
            .max_count,
        10
    );
    assert_eq!(
        prod.services[0].desired_count, 2,
        "desired starts at the minimum"
    );
}

#[test]
fn catch_all_service_is_the_default_target_and_others_get_rules() {
    let p = platform("");
    let targets = &p.environments[0].load_balancer.targets;
    let api = targets.iter().find(|t| t.service == "api").unwrap();
    let web = targets.iter().find(|t| t.service == "web").unwrap();
    assert!(web.is_default && !api.is_default);
    assert_eq!(
        (api.priority, api.paths.as_slice()),
        (10, ["/api/*".to_string()].as_slice())
    );
    assert_eq!(web.target_group_name, "shop-dev-web");
}

#[test]
fn grants_become_scoped_statements() {
    let text = BASE.replace(
        "max_count = 6",
        "max_count = 6\ngrants = [\"ses:send\", \"s3:shop-uploads:read\"]",
    );
    let p = load("wharf.toml", &text).unwrap();
    let api = &p.environments[0].services[0];
    let sids: Vec<&str> = api
        .task_role_statements
        .iter()
        .map(|s| s.sid.as_str())
        .collect();
    assert_eq!(
        sids,
        [
            "SendEmailFromDomain",
            "ListBucketShopUploads",
            "ReadObjectsShopUploads"
        ]
    );
    let ses = &api.task_role_statements[0];
    assert_eq!(
        ses.resources,
        ["arn:aws:ses:us-east-1:{account}:identity/example.com"]
    );
    assert_eq!(ses.conditions[0].values, ["*@example.com"]);
    assert_eq!(
        api.task_role_statements[2].actions,
        ["s3:GetObject"],
        "read grants never write"
    );
}

#[test]
fn cross_field_problems_are_located() {
    let text = format!("{BASE}\n[environments.qa]\nprofile = \"dev\"\nmin_count = 8\n");
    let out = errors(&text);
    assert!(out.contains("would scale between 8 and 4 tasks"), "{out}");
    assert!(out.contains("--> wharf.toml:"), "{out}");

    let no_cert = BASE.replace(
        "certificate_arn = \"arn:aws:acm:us-east-1:123456789012:certificate/abc\"",
        "",
    );
    let out = errors(&no_cert);
    assert!(out.contains("must serve HTTPS"), "{out}");
    let allowed = format!("{no_cert}require_https = false\n");
    assert!(load("wharf.toml", &allowed).is_ok());

    let two_defaults = BASE.replace("path      = \"/api/*\"\n", "");
    assert!(errors(&two_defaults).contains("both take every request"));

    let too_many_zones = format!(
        "{}\n[network]\naz_count = 3\n",
        BASE.replace("us-east-1\"", "us-west-1\"")
            .replace("acm:us-east-1", "acm:us-west-1")
    );
    assert!(errors(&too_many_zones).contains("wharf knows 2 in us-west-1"));
}

#[test]
fn a_rule_with_a_broad_pattern_goes_after_narrower_rules() {
    let text = r#"
[app]
name   = "shop"
region = "us-east-1"

[services.api]
port  = 8080
paths = ["/api/*", "/some/really/long/legacy/path"]

[services.admin]
port = 8080
path = "/api/admin/*"

[services.web]
port = 3000

[environments.dev]
"#;
    let p = load("wharf.toml", text).unwrap_or_else(|d| panic!("{}", d.render()));
    let priority = |name: &str| {
        p.environments[0]
            .load_balancer
            .targets
            .iter()
            .find(|t| t.service == name)
            .unwrap()
            .priority
    };
    assert!(
        priority("admin") < priority("api"),
        "/api/admin/* must be evaluated before /api/*"
    );
}

#[test]
fn a_named_repository_needs_env_when_there_are_several_environments() {
    let shared = BASE.replace("max_count = 6", "max_count = 6\nrepository = \"shop/api\"");
    assert!(errors(&shared).contains("every environment would create the repository `shop/api`"));
    let per_env = BASE.replace(
        "max_count = 6",
        "max_count = 6\nrepository = \"shop/{env}/api\"",
    );
    let p = load("wharf.toml", &per_env).unwrap();
    assert_eq!(
        p.environments[1].registry.repositories["api"],
        "shop/prod/api"
    );
}

#[test]
fn interface_endpoints_follow_what_the_environment_uses() {
    let p = platform("");
    let (dev, prod) = (&p.environments[0], &p.environments[1]);
    // dev: none, through the NAT gateway; prod: image pulls and logs, no secret store unused.
    assert!(dev.network.interface_endpoints.is_empty() && dev.network.pulls_through_nat());
    assert_eq!(
        prod.network.interface_endpoints,
        ["ecr.api", "ecr.dkr", "logs"]
    );
    assert!(!prod.network.pulls_through_nat());

    let with_secrets = platform(
        r#"
[services.worker]
port    = 9000
path    = "/w/*"
secrets = { A = "shop/app:a", B = "ssm:/shop/b" }
"#,
    );
    assert_eq!(
        with_secrets.environments[1].network.interface_endpoints,
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]
    );
    assert_eq!(
        with_secrets.environments[0].network.used_endpoints,
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"]
    );

    // An environment's own list wins, in the known order.
    let chosen = load(
        "wharf.toml",
        &BASE.replace(
            "[environments.dev]\n",
            "[environments.dev]\ninterface_endpoints = [\"logs\", \"ecr.api\"]\n",
        ),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()));
    let dev = &chosen.environments[0].network;
    assert_eq!(dev.interface_endpoints, ["ecr.api", "logs"]);
    assert!(
        dev.pulls_through_nat(),
        "without ecr.dkr, layers come through the NAT"
    );
}

#[test]
fn container_health_checks_are_chosen_per_service() {
    use wharf_model::ContainerHealthCheck;
    let p = platform(
        r#"
[services.py]
port                 = 8000
path                 = "/py/*"
health_check_command = ["CMD-SHELL", "python -c 'print(1)'"]

[services.distroless]
port                   = 8001
path                   = "/d/*"
container_health_check = false
"#,
    );
    let check = |key: &str| {
        p.environments[0]
            .services
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.container_health_check.clone())
            .unwrap()
    };
    assert_eq!(check("web"), ContainerHealthCheck::Wget);
    assert_eq!(
        check("py"),
        ContainerHealthCheck::Command(vec!["CMD-SHELL".into(), "python -c 'print(1)'".into()])
    );
    assert_eq!(check("distroless"), ContainerHealthCheck::Off);
}

#[test]
fn two_services_on_one_pattern_are_refused_naming_both() {
    let text = format!("{BASE}\n[services.admin]\nport = 8081\npath = \"/api/*\"\n");
    let e = errors(&text);
    assert!(
        e.contains("services `admin` and `api` both route `/api/*`"),
        "{e}"
    );
}
