//! One Terraform root per environment: the module calls with the environment's resolved
//! values written out literally, so that a reader sees every choice without chasing tfvars.

use std::collections::BTreeSet;

use wharf_model::{
    ContainerHealthCheck, Environment, Platform, Secret, Service, Statement, ACCOUNT,
};

use crate::hcl::{file, Block, Body, Expr, Part};

/// Terraform's own minimum: S3-native state locking (`use_lockfile`) arrived in 1.10.
pub const REQUIRED_TERRAFORM: &str = ">= 1.10";
/// v6 removed what v5 deprecates; the rendered code uses none of it, but is checked on 5.x.
pub const AWS_PROVIDER: &str = "~> 5.100";

/// The Terraform identifier of a service key: hyphens become underscores.
pub fn ident(key: &str) -> String {
    key.replace('-', "_")
}

pub fn image_tag_variable(service: &Service) -> String {
    format!("{}_image_tag", ident(&service.key))
}

/// Files of the environment root, by file name.
pub fn files(p: &Platform, env: &Environment, header: &str) -> Vec<(&'static str, String)> {
    vec![
        ("versions.tf", file(header, &[versions(p, env)])),
        ("providers.tf", file(header, &[provider(p, env)])),
        ("main.tf", file(header, &main(p, env))),
        ("variables.tf", file(header, &variables(env))),
        ("outputs.tf", file(header, &outputs(env))),
    ]
}

fn versions(p: &Platform, env: &Environment) -> Block {
    Block::new(
        "terraform",
        &[],
        Body::new()
            .attr("required_version", Expr::str(REQUIRED_TERRAFORM))
            .blank()
            .block(Block::new(
                "required_providers",
                &[],
                Body::new().attr(
                    "aws",
                    Expr::Object(vec![
                        ("source".into(), Expr::str("hashicorp/aws")),
                        ("version".into(), Expr::str(AWS_PROVIDER)),
                    ]),
                ),
            ))
            .blank()
            .comment("State lives in S3, encrypted, with S3-native locking (no DynamoDB table).\nhttps://developer.hashicorp.com/terraform/language/backend/s3")
            .block(Block::new(
                "backend",
                &["s3"],
                Body::new()
                    .attr("bucket", Expr::str(&p.state_bucket))
                    .attr("key", Expr::str(format!("{}/terraform.tfstate", env.name)))
                    .attr("region", Expr::str(&p.region))
                    .attr("encrypt", Expr::Bool(true))
                    .attr("use_lockfile", Expr::Bool(true)),
            )),
    )
}

fn provider(p: &Platform, env: &Environment) -> Block {
    Block::new(
        "provider",
        &["aws"],
        Body::new()
            .attr("region", Expr::str(&p.region))
            .blank()
            .block(Block::new(
                "default_tags",
                &[],
                Body::new().attr(
                    "tags",
                    Expr::Object(vec![
                        ("Environment".into(), Expr::str(&env.name)),
                        ("ManagedBy".into(), Expr::str("wharf")),
                        ("Project".into(), Expr::str(&p.app)),
                    ]),
                ),
            )),
    )
}

/// `"…{account}…"` → a template using `local.account_id`; other text stays literal.
fn arn(s: &str) -> Expr {
    if !s.contains(ACCOUNT) {
        return Expr::Str(s.to_string());
    }
    let mut parts = Vec::new();
    for (i, piece) in s.split(ACCOUNT).enumerate() {
        if i > 0 {
            parts.push(Part::Ref("local.account_id".to_string()));
        }
        if !piece.is_empty() {
            parts.push(Part::Lit(piece.to_string()));
        }
    }
    Expr::Template(parts)
}

/// Secrets Manager secrets referenced by name anywhere in the environment.
fn secret_names(env: &Environment) -> BTreeSet<&str> {
    env.services
        .iter()
        .flat_map(|s| s.secrets.values())
        .filter_map(|s| match s {
            Secret::SecretsManagerName { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

fn secret_arn_expr(secret: &Secret) -> Option<Expr> {
    match secret {
        Secret::SecretsManagerName { name, .. } => Some(Expr::Raw(secret_by_name(name))),
        Secret::SecretsManagerArn { arn: a, .. } => Some(arn(a)),
        Secret::SsmParameter { .. } => None,
    }
}

/// The ARN of a secret the root looks up by name.
fn secret_by_name(name: &str) -> String {
    format!(
        "data.aws_secretsmanager_secret.this[{}].arn",
        crate::hcl::quote(name)
    )
}

fn value_from(secret: &Secret) -> Expr {
    // A JSON key is selected with `ARN:key::` (empty version stage and id = current).
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
    let suffix = |key: &Option<String>| key.as_ref().map(|k| format!(":{k}::"));
    match secret {
        Secret::SecretsManagerName { name, json_key } => {
            let mut parts = vec![Part::Ref(secret_by_name(name))];
            parts.extend(suffix(json_key).map(Part::Lit));
            Expr::Template(parts)
        }
        Secret::SecretsManagerArn { arn: a, json_key } => {
            arn(&format!("{a}{}", suffix(json_key).unwrap_or_default()))
        }
        Secret::SsmParameter { arn: a } => arn(a),
    }
}

fn statement(s: &Statement) -> Expr {
    let mut entries = vec![
        ("sid".to_string(), Expr::str(&s.sid)),
        ("actions".to_string(), Expr::strs(&s.actions)),
        (
            "resources".to_string(),
            Expr::List(s.resources.iter().map(|r| arn(r)).collect()),
        ),
    ];
    if !s.conditions.is_empty() {
        entries.push((
            "conditions".to_string(),
            Expr::List(
                s.conditions
                    .iter()
                    .map(|c| {
                        Expr::Object(vec![
                            ("test".into(), Expr::str(&c.test)),
                            ("variable".into(), Expr::str(&c.variable)),
                            ("values".into(), Expr::strs(&c.values)),
                        ])
                    })
                    .collect(),
            ),
        ));
    }
    Expr::Object(entries)
}

fn module(name: &str, source: &str, body: Body) -> Block {
    let mut b = Body::new()
        .attr("source", Expr::str(format!("../../modules/{source}")))
        .blank();
    b.items.extend(body.items);
    Block::new("module", &[name], b)
}

/// Whether any ARN of the environment needs the deploying account's id.
fn uses_account_id(env: &Environment) -> bool {
    env.services.iter().any(|s| {
        s.task_role_statements
            .iter()
            .flat_map(|st| &st.resources)
            .any(|r| r.contains(ACCOUNT))
            || s.secrets.values().any(|v| match v {
                Secret::SsmParameter { arn } | Secret::SecretsManagerArn { arn, .. } => {
                    arn.contains(ACCOUNT)
                }
                Secret::SecretsManagerName { .. } => false,
            })
    })
}

fn main(p: &Platform, env: &Environment) -> Vec<Block> {
    let mut blocks = Vec::new();
    if uses_account_id(env) {
        blocks.push(Block::new(
            "data",
            &["aws_caller_identity", "current"],
            Body::new(),
        ));
    }
    blocks.push(Block::new(
        "data",
        &["aws_availability_zones", "this"],
        Body::new()
            .comment("Zones are chosen by zone ID, which names the same physical zone in every account;\nzone names (us-east-1a) are mapped differently per account in older regions.\nhttps://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html")
            .block(Block::new(
                "filter",
                &[],
                Body::new()
                    .attr("name", Expr::str("zone-id"))
                    .attr("values", Expr::strs(&env.network.zone_ids)),
            )),
    ));
    let secrets = secret_names(env);
    if !secrets.is_empty() {
        blocks.push(Block::new(
            "data",
            &["aws_secretsmanager_secret", "this"],
            Body::new()
                .comment("Looked up by name so that tasks and IAM get the full ARN, random suffix included.")
                .attr("for_each", Expr::Call("toset".into(), vec![Expr::strs(secrets)]))
                .blank()
                .attr("name", Expr::raw("each.key")),
        ));
    }
    if uses_account_id(env) {
        blocks.push(Block::new(
            "locals",
            &[],
            Body::new().attr(
                "account_id",
                Expr::raw("data.aws_caller_identity.current.account_id"),
            ),
        ));
    }

    // Exhaustive destructuring: a model field that is not rendered fails to compile.
    let wharf_model::Network {
        cidr,
        zone_ids: _, // rendered in data.aws_availability_zones.this
        single_nat_gateway,
        interface_endpoints,
        used_endpoints: _, // said in the README
        flow_log_retention_days,
    } = &env.network;
    let network = module(
        "network",
        "network",
        Body::new()
            .attr("name", Expr::str(&env.prefix))
            .attr("region", Expr::str(&p.region))
            .attr("cidr", Expr::str(cidr))
            .attr("azs", Expr::raw("data.aws_availability_zones.this.names"))
            .attr("single_nat_gateway", Expr::Bool(*single_nat_gateway))
            .attr(
                "interface_endpoints",
                Expr::strs(interface_endpoints.iter().copied()),
            )
            .attr(
                "flow_log_retention_days",
                Expr::int(*flow_log_retention_days),
            )
            .attr(
                "flow_log_kms_key_arn",
                Expr::raw("module.cluster.kms_key_arn"),
            ),
    );
    // A trade-off the manifest chose, said where `wharf review` will see it.
    blocks.push(if *single_nat_gateway {
        network.comment(
            "wharf:ignore[WH203] chosen in wharf.toml: one NAT gateway serves every zone, saving the hourly \
             charge of one per zone; if its zone fails, tasks in the other zones lose outbound access",
        )
    } else {
        network
    });

    let r = &env.registry;
    blocks.push(module(
        "registry",
        "registry",
        Body::new()
            .attr("name", Expr::str(&env.prefix))
            .attr(
                "repositories",
                Expr::Object(
                    r.repositories
                        .iter()
                        .map(|(k, v)| (k.clone(), Expr::str(v)))
                        .collect(),
                ),
            )
            .attr("encryption_type", Expr::str(r.encryption.as_str()))
            .attr("image_count_to_keep", Expr::int(r.images_to_keep))
            .attr("force_delete", Expr::Bool(r.force_delete)),
    ));

    let wharf_model::Cluster {
        name: cluster_name,
        log_retention_days: cluster_log_retention_days,
        container_insights,
        capacity,
    } = &env.cluster;
    blocks.push(module(
        "cluster",
        "cluster",
        Body::new()
            .attr("name", Expr::str(cluster_name))
            .attr("region", Expr::str(&p.region))
            .attr("container_insights", Expr::Bool(*container_insights))
            .attr("fargate_base", Expr::int(capacity.fargate_base))
            .attr("fargate_weight", Expr::int(capacity.fargate_weight))
            .attr(
                "fargate_spot_weight",
                Expr::int(capacity.fargate_spot_weight),
            )
            .attr("log_retention_days", Expr::int(*cluster_log_retention_days)),
    ));

    let lb = &env.load_balancer;
    let targets = Expr::Object(
        lb.targets
            .iter()
            .map(|t| {
                (
                    t.service.clone(),
                    Expr::Object(vec![
                        ("target_group_name".into(), Expr::str(&t.target_group_name)),
                        ("port".into(), Expr::int(t.port)),
                        ("health_check_path".into(), Expr::str(&t.health_check_path)),
                        ("paths".into(), Expr::strs(&t.paths)),
                        ("hosts".into(), Expr::strs(&t.hosts)),
                        ("priority".into(), Expr::int(t.priority)),
                        ("is_default".into(), Expr::Bool(t.is_default)),
                    ]),
                )
            })
            .collect(),
    );
    let mut load_balancer = module(
        "load_balancer",
        "load-balancer",
        Body::new()
            .attr("name", Expr::str(&lb.name))
            .attr("region", Expr::str(&p.region))
            .attr("vpc_id", Expr::raw("module.network.vpc_id"))
            .attr("vpc_cidr_block", Expr::raw("module.network.vpc_cidr_block"))
            .attr(
                "public_subnet_ids",
                Expr::raw("module.network.public_subnet_ids"),
            )
            .attr(
                "certificate_arn",
                lb.certificate_arn
                    .as_ref()
                    .map(Expr::str)
                    .unwrap_or(Expr::Null),
            )
            .attr("deletion_protection", Expr::Bool(lb.deletion_protection))
            .attr(
                "access_logs_retention_days",
                Expr::int(lb.access_logs_retention_days),
            )
            .attr(
                "access_logs_force_destroy",
                Expr::Bool(lb.access_logs_force_destroy),
            )
            .attr("waf_enabled", Expr::Bool(lb.waf.is_some()))
            .attr_opt("waf_rate_limit", lb.waf.map(Expr::int))
            .attr_opt(
                "waf_log_retention_days",
                lb.waf.map(|_| Expr::int(*cluster_log_retention_days)),
            )
            .attr_opt(
                "waf_log_kms_key_arn",
                lb.waf.map(|_| Expr::raw("module.cluster.kms_key_arn")),
            )
            .attr("targets", targets),
    );
    // Trade-offs the manifest chose (its profile or overrides), each said where `wharf
    // review` will see it, with its reason.
    if lb.certificate_arn.is_none() {
        load_balancer = load_balancer.comment(
            "wharf:ignore[WH109] chosen in wharf.toml: no certificate is required here, so the \
             load balancer serves plain HTTP; set certificate_arn to serve HTTPS",
        );
    }
    if lb.waf.is_none() {
        load_balancer = load_balancer.comment(
            "wharf:ignore[WH114] chosen in wharf.toml: no AWS WAF web ACL (it costs $5/month plus \
             $1 per rule and $0.60 per million requests); set waf = true to add one",
        );
    }
    if !lb.deletion_protection {
        load_balancer = load_balancer.comment(
            "wharf:ignore[WH210] chosen in wharf.toml: deletion protection is off so that \
             `terraform destroy` can remove the environment in one step",
        );
    }
    blocks.push(load_balancer);

    for s in &env.services {
        blocks.push(service_module(p, env, s));
    }

    let a = &env.alarms;
    let services = Expr::Object(
        env.services
            .iter()
            .map(|s| {
                (
                    s.key.clone(),
                    Expr::Object(vec![
                        (
                            "service_name".into(),
                            Expr::raw(format!("module.service_{}.service_name", ident(&s.key))),
                        ),
                        (
                            "target_group_arn_suffix".into(),
                            Expr::raw(format!(
                                "module.load_balancer.target_group_arn_suffixes[\"{}\"]",
                                s.key
                            )),
                        ),
                        ("min_tasks".into(), Expr::int(s.min_count)),
                    ]),
                )
            })
            .collect(),
    );
    blocks.push(module(
        "alarms",
        "alarms",
        Body::new()
            .attr("name", Expr::str(&env.prefix))
            .attr("region", Expr::str(&p.region))
            .attr(
                "alerts_email",
                a.alerts_email.as_ref().map(Expr::str).unwrap_or(Expr::Null),
            )
            .attr("cluster_name", Expr::raw("module.cluster.cluster_name"))
            .attr("container_insights", Expr::Bool(*container_insights))
            .attr(
                "alb_arn_suffix",
                Expr::raw("module.load_balancer.arn_suffix"),
            )
            .attr("cpu_threshold", Expr::int(a.cpu_percent))
            .attr("memory_threshold", Expr::int(a.memory_percent))
            .attr("target_5xx_threshold", Expr::int(a.target_5xx_count))
            .attr(
                "response_time_threshold_seconds",
                Expr::Float(a.response_time_seconds),
            )
            .attr("services", services),
    ));
    blocks
}

fn service_module(p: &Platform, env: &Environment, s: &Service) -> Block {
    let key = &s.key;
    let mut environment: Vec<(String, Expr)> = s
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), Expr::str(v)))
        .collect();
    environment.sort_by(|a, b| a.0.cmp(&b.0));
    let secrets = Expr::Object(
        s.secrets
            .iter()
            .map(|(k, v)| (k.clone(), value_from(v)))
            .collect(),
    );
    let mut secret_arns: Vec<Expr> = Vec::new();
    for e in s.secrets.values().filter_map(secret_arn_expr) {
        if !secret_arns.contains(&e) {
            secret_arns.push(e);
        }
    }
    let ssm: Vec<Expr> = s
        .secrets
        .values()
        .filter_map(|v| match v {
            Secret::SsmParameter { arn: a } => Some(arn(a)),
            _ => None,
        })
        .collect();
    let c = s.capacity;
    let strategy = Expr::List(vec![
        Expr::Object(vec![
            ("capacity_provider".into(), Expr::str("FARGATE")),
            ("base".into(), Expr::int(c.fargate_base)),
            ("weight".into(), Expr::int(c.fargate_weight)),
        ]),
        Expr::Object(vec![
            ("capacity_provider".into(), Expr::str("FARGATE_SPOT")),
            ("base".into(), Expr::int(0)),
            ("weight".into(), Expr::int(c.fargate_spot_weight)),
        ]),
    ]);
    let body = Body::new()
        .attr("name", Expr::str(&s.name))
        .attr("container_name", Expr::str(key))
        .attr("region", Expr::str(&p.region))
        .attr("cluster_arn", Expr::raw("module.cluster.cluster_arn"))
        .attr("cluster_name", Expr::raw("module.cluster.cluster_name"))
        .attr("vpc_id", Expr::raw("module.network.vpc_id"))
        .attr("subnet_ids", Expr::raw("module.network.private_subnet_ids"))
        .attr(
            "alb_security_group_id",
            Expr::raw("module.load_balancer.security_group_id"),
        )
        .attr(
            "target_group_arn",
            Expr::raw(format!("module.load_balancer.target_group_arns[\"{key}\"]")),
        )
        .attr(
            "repository_arn",
            Expr::raw(format!("module.registry.repository_arns[\"{key}\"]")),
        )
        .attr(
            "repository_url",
            Expr::raw(format!("module.registry.repository_urls[\"{key}\"]")),
        )
        .attr(
            "image_tag",
            Expr::raw(format!("var.{}", image_tag_variable(s))),
        )
        .blank()
        .attr("port", Expr::int(s.port))
        .attr("cpu", Expr::int(s.cpu))
        .attr("memory", Expr::int(s.memory_mib))
        .attr_opt("command", s.command.as_ref().map(Expr::strs))
        .attr("environment", Expr::Object(environment))
        .attr("secrets", secrets)
        .attr("secret_arns", Expr::List(secret_arns))
        .attr("ssm_parameter_arns", Expr::List(ssm))
        .attr(
            "readonly_root_filesystem",
            Expr::Bool(s.readonly_root_filesystem),
        )
        .attr("user", Expr::str(&s.user))
        .attr("health_check_path", Expr::str(&s.health_check_path))
        .attr_opt(
            "health_check_command",
            match &s.container_health_check {
                ContainerHealthCheck::Command(c) => Some(Expr::strs(c)),
                _ => None,
            },
        )
        .attr_opt(
            "container_health_check",
            (s.container_health_check == ContainerHealthCheck::Off).then_some(Expr::Bool(false)),
        )
        .attr("log_retention_days", Expr::int(s.log_retention_days))
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .attr(
            "exec_log_group_arn",
            Expr::raw("module.cluster.exec_log_group_arn"),
        )
        .blank()
        .attr("desired_count", Expr::int(s.desired_count))
        .attr("min_count", Expr::int(s.min_count))
        .attr("max_count", Expr::int(s.max_count))
        .attr("capacity_provider_strategy", strategy)
        .attr(
            "task_role_statements",
            Expr::List(s.task_role_statements.iter().map(statement).collect()),
        );
    // Trade-offs the manifest chose, said where `wharf review` will see them.
    let mut block = module(&format!("service_{}", ident(key)), "service", body);
    if c.fargate_base == 0 && c.fargate_spot_weight > 0 {
        block = block.comment(
            "wharf:ignore[WH204] chosen in wharf.toml: no task is guaranteed on on-demand Fargate \
             (FARGATE base 0), for Spot's lower price; a Spot reclaim can stop every task at once",
        );
    }
    if s.container_health_check == ContainerHealthCheck::Off {
        block = block.comment(
            "wharf:ignore[WH206] chosen in wharf.toml: no container health check (the image has no \
             wget, or no way to check itself); the load balancer's check on the health path alone \
             replaces a task that stops answering",
        );
    }
    if env.network.pulls_through_nat() {
        block = block.comment(
            "wharf:ignore[WH502] chosen in wharf.toml: no ECR interface endpoints, so image pulls \
             go through the NAT gateway, which charges per GB processed; while few tasks start, \
             that costs less than endpoints charged by the hour in every zone",
        );
    }
    block
}

fn variables(env: &Environment) -> Vec<Block> {
    env.services
        .iter()
        .map(|s| {
            let name = image_tag_variable(s);
            Block::new(
                "variable",
                &[&name],
                Body::new()
                    .attr(
                        "description",
                        Expr::str(format!(
                            "Image tag of the {} service to run: an immutable tag such as a git SHA or a version, never `latest`.",
                            s.key
                        )),
                    )
                    .attr("type", Expr::raw("string"))
                    .blank()
                    .block(Block::new(
                        "validation",
                        &[],
                        Body::new()
                            .attr(
                                "condition",
                                Expr::raw(format!("var.{name} != \"\" && var.{name} != \"latest\"")),
                            )
                            .attr(
                                "error_message",
                                Expr::str("Set an immutable image tag (a git SHA or a version); `latest` hides which code runs."),
                            ),
                    )),
            )
        })
        .collect()
}

fn output(name: &str, description: &str, value: Expr) -> Block {
    Block::new(
        "output",
        &[name],
        Body::new()
            .attr("description", Expr::str(description))
            .attr("value", value),
    )
}

fn outputs(env: &Environment) -> Vec<Block> {
    let per_service = |f: &dyn Fn(&Service) -> String| {
        Expr::Object(
            env.services
                .iter()
                .map(|s| (s.key.clone(), Expr::Raw(f(s))))
                .collect(),
        )
    };
    vec![
        output("vpc_id", "ID of the VPC.", Expr::raw("module.network.vpc_id")),
        output("alb_dns_name", "DNS name of the load balancer; point the app's domain here.", Expr::raw("module.load_balancer.dns_name")),
        output("alb_arn_suffix", "ARN suffix of the load balancer, the `LoadBalancer` dimension of its CloudWatch metrics.", Expr::raw("module.load_balancer.arn_suffix")),
        output("target_group_arn_suffixes", "ARN suffix of each service's target group, the `TargetGroup` dimension of its CloudWatch metrics.", Expr::raw("module.load_balancer.target_group_arn_suffixes")),
        output("cluster_name", "Name of the ECS cluster.", Expr::raw("module.cluster.cluster_name")),
        output(
            "service_names",
            "ECS service name of each service.",
            per_service(&|s| format!("module.service_{}.service_name", ident(&s.key))),
        ),
        output("repository_urls", "ECR repository URL of each service; push images here.", Expr::raw("module.registry.repository_urls")),
        output("push_policy_arn", "IAM policy that allows pushing to this environment's repositories; attach it to the CI role.", Expr::raw("module.registry.push_policy_arn")),
        output("alarm_topic_arn", "SNS topic that every alarm notifies.", Expr::raw("module.alarms.sns_topic_arn")),
    ]
}
