//! The manifest schema: which keys exist, what each must hold, and the checks that need only
//! the manifest itself. Cross-field checks that depend on profile values live in the model.

use std::collections::BTreeMap;

use toml_edit::Document;

use crate::diagnostic::Diagnostic;
use crate::fargate;
use crate::naming::{self, is_key};
use crate::net;
use crate::read::{closest, Sink, TableReader};
use crate::secret::{self, SecretError};
use crate::types::*;
use wharf_secrets::Certainty;

/// CloudWatch Logs accepts only these retention periods.
/// <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html>
pub const LOG_RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub fn read(doc: &Document<&str>, sink: &mut Sink) -> Option<Manifest> {
    let root_table = doc.as_table();
    let mut root = TableReader::new(root_table, "", 0..0);

    let app_table = root.table(sink, "app");
    root.require(
        sink,
        "app",
        &app_table,
        "add an `[app]` section with `name` and `region`",
    );
    let app = app_table.and_then(|t| read_app(t, sink));

    let network = root
        .table(sink, "network")
        .map(|t| read_network(t, sink))
        .unwrap_or_default();

    let service_tables = root.tables(sink, "services");
    root.require(
        sink,
        "services",
        &service_tables,
        "add at least one service, e.g. `[services.web]` with `port = 8080`",
    );
    let service_tables = service_tables.unwrap_or_default();
    let declared: Vec<String> = service_tables
        .iter()
        .map(|(k, _)| k.value.clone())
        .collect();
    let mut services = BTreeMap::new();
    for (key, table) in service_tables {
        if let Some(s) = read_service(key.clone(), table, sink) {
            services.insert(key.value.clone(), s);
        }
    }

    let env_tables = root.tables(sink, "environments");
    root.require(
        sink,
        "environments",
        &env_tables,
        "add at least one environment, e.g. `[environments.dev]` with `profile = \"dev\"`",
    );
    let mut environments = BTreeMap::new();
    for (key, table) in env_tables.unwrap_or_default() {
        if let Some(e) = read_environment(key.clone(), table, &declared, sink) {
            environments.insert(key.value.clone(), e);
        }
    }
    root.finish(sink);

    let app = app?;
    // Names derive from the app name; when it is invalid, they would only repeat that error.
    if is_key(&app.name) {
        check_names(&app, &services, &environments, sink);
    }
    check_grants(&app, &services, sink);
    let zone_lists = network.zone_ids.iter().chain(
        environments
            .values()
            .filter_map(|e| e.overrides.zone_ids.as_ref()),
    );
    if let Some(prefix) = net::zone_id_prefix(&app.region) {
        for list in zone_lists {
            for id in &list.value {
                if !id.starts_with(&format!("{prefix}-az")) {
                    sink.push(
                        Diagnostic::new(
                            format!("`{id}` is not an AZ of {}", app.region.value),
                            list.span.clone(),
                        )
                        .with_help(format!(
                            "AZ IDs of {} start with `{prefix}-az`",
                            app.region.value
                        )),
                    );
                }
            }
        }
    }
    for env in environments.values() {
        check_certificate_region(&app, env, sink);
    }
    Some(Manifest {
        app,
        network,
        services,
        environments,
    })
}

fn key_rule_help(what: &str) -> String {
    format!("{what} use lower-case letters, digits and single hyphens, and start with a letter")
}

fn read_app(mut t: TableReader, sink: &mut Sink) -> Option<App> {
    let name = t.string(sink, "name");
    t.require(
        sink,
        "name",
        &name,
        "name the application, e.g. `name = \"shop\"`",
    );
    let region = t.string(sink, "region");
    t.require(
        sink,
        "region",
        &region,
        "set the AWS region, e.g. `region = \"us-east-1\"`",
    );
    let domain = t.string(sink, "domain");
    let state_bucket = t.string(sink, "state_bucket");
    t.finish(sink);

    let name = name?;
    if !is_key(&name) || name.len() > 24 {
        sink.push(
            Diagnostic::new(
                format!("`{}` is not a valid app name", name.value),
                name.span.clone(),
            )
            .with_help(key_rule_help("app names") + ", at most 24 characters"),
        );
    }
    let region = region?;
    if !net::REGIONS.contains(&region.value.as_str()) {
        let mut d = Diagnostic::new(
            format!("`{}` is not an AWS region wharf knows", region.value),
            region.span.clone(),
        );
        d = match closest(&region.value, &net::REGIONS) {
            Some(c) => d.with_label(format!("did you mean `{c}`?")),
            None => d,
        };
        sink.push(d.with_help(format!("use one of: {}", net::REGIONS.join(", "))));
    }
    if let Some(d) = &domain {
        if !net::is_domain(d) {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not a domain name", d.value),
                    d.span.clone(),
                )
                .with_help("write the bare domain in lower case, e.g. `example.com`"),
            );
        }
    }
    if let Some(b) = &state_bucket {
        if !naming::is_bucket_name(b) {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not a valid S3 bucket name", b.value),
                    b.span.clone(),
                )
                .with_help("S3 bucket names are 3–63 lower-case letters, digits, hyphens and dots"),
            );
        }
    }
    Some(App {
        name,
        region,
        domain,
        state_bucket,
    })
}

fn read_cidr(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<Cidr>> {
    let raw = t.string(sink, "cidr")?;
    match net::parse_cidr(&raw) {
        // 16 subnets per VPC: a /23 gives /27s, the smallest subnet an ALB accepts.
        Ok(c) if !(16..=23).contains(&c.prefix) => {
            sink.push(
                Diagnostic::new(
                    format!("the VPC block `{}` is a /{}; wharf needs /16 to /23", raw.value, c.prefix),
                    raw.span.clone(),
                )
                .with_help("wharf cuts the VPC into 16 equal subnets, so use a block from /16 to /23 (subnets of at least /27, as an ALB needs), e.g. `10.0.0.0/16`"),
            );
            None
        }
        Ok(c) if !net::is_private(&c) => {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not a private (RFC 1918) range", raw.value),
                    raw.span.clone(),
                )
                .with_help("use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"),
            );
            None
        }
        Ok(c) => Some(Spanned::new(c, raw.span)),
        Err(msg) => {
            sink.push(
                Diagnostic::new(msg, raw.span.clone())
                    .with_help("write an IPv4 block such as `10.0.0.0/16`"),
            );
            None
        }
    }
}

fn read_az_count(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<u32>> {
    t.integer_in(
        sink,
        "az_count",
        2..=6,
        "ECS services and load balancers need at least two Availability Zones; use 2 to 6",
    )
}

/// `zone_ids`: at least two distinct AZ IDs (`use1-az1`). Their region is checked once the
/// app's region is known.
fn read_zone_ids(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<Vec<String>>> {
    let list = t.string_list(sink, "zone_ids")?;
    let mut ids: Vec<String> = Vec::new();
    for z in &list.value {
        let ok = z.split_once("-az").is_some_and(|(p, n)| {
            !p.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
        });
        if !ok {
            sink.push(
                Diagnostic::new(format!("`{}` is not an AZ ID", z.value), z.span.clone())
                    .with_help(
                    "AZ IDs look like `use1-az1`; `aws ec2 describe-availability-zones` lists them",
                ),
            );
        } else if ids.contains(&z.value) {
            sink.push(
                Diagnostic::new(format!("`{}` is listed twice", z.value), z.span.clone())
                    .with_help("list each zone once"),
            );
        } else {
            ids.push(z.value.clone());
        }
    }
    if ids.len() < 2 && ids.len() == list.value.len() {
        sink.push(
            Diagnostic::new("`zone_ids` lists fewer than two zones", list.span.clone())
                .with_help("ECS services and load balancers need at least two Availability Zones"),
        );
    }
    (ids.len() == list.value.len()).then(|| Spanned::new(ids, list.span))
}

fn read_network(mut t: TableReader, sink: &mut Sink) -> Network {
    let cidr = read_cidr(&mut t, sink);
    let az_count = read_az_count(&mut t, sink);
    let zone_ids = read_zone_ids(&mut t, sink);
    t.finish(sink);
    Network {
        cidr,
        az_count,
        zone_ids,
    }
}

fn read_cpu_memory(
    t: &mut TableReader,
    sink: &mut Sink,
) -> (Option<Spanned<u32>>, Option<Spanned<u32>>) {
    let cpu = t.integer(sink, "cpu").and_then(|c| {
        let size = u32::try_from(c.value)
            .ok()
            .filter(|v| fargate::CPU_SIZES.contains(v));
        if let Some(size) = size {
            Some(Spanned::new(size, c.span))
        } else {
            sink.push(
                Diagnostic::new(
                    format!("`cpu = {}` is not a Fargate CPU size", c.value),
                    c.span.clone(),
                )
                .with_label("1024 units are one vCPU")
                .with_help("use one of 256, 512, 1024, 2048, 4096, 8192, 16384"),
            );
            None
        }
    });
    let memory = t
        .integer_in(
            sink,
            "memory",
            512..=122_880,
            "Fargate memory is 512 to 122880 MiB",
        )
        .map(|m| Spanned::new(m.value, m.span));
    (cpu, memory)
}

fn read_counts(t: &mut TableReader, sink: &mut Sink) -> Counts {
    let help = "task counts are 0 to 1000";
    Counts {
        desired: t.integer_in(sink, "desired_count", 0..=1000, help),
        min: read_min_count(t, sink),
        max: t.integer_in(
            sink,
            "max_count",
            1..=1000,
            "the maximum task count is 1 to 1000",
        ),
    }
}

/// `min_count`: at least 1, since services scale on CPU and memory, whose target tracking
/// cannot scale out from zero tasks (there is no utilization without a task), and whose
/// running-tasks alarm could never fire.
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-autoscaling-targettracking.html>
fn read_min_count(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<u32>> {
    let min = t.integer_in(sink, "min_count", 0..=1000, "task counts are 0 to 1000")?;
    if min.value == 0 {
        sink.push(
            Diagnostic::new(
                format!("`{}.min_count = 0` would let the service scale to no tasks, and scaling on CPU and memory cannot bring it back", t.path),
                min.span.clone(),
            )
            .with_help("use 1 or more: target tracking needs a running task to measure, and the running-tasks alarm could never fire; scaling to zero needs a signal that exists without tasks, such as a queue's depth"),
        );
        return None;
    }
    Some(min)
}

fn is_env_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn one_or_many(
    t: &mut TableReader,
    sink: &mut Sink,
    one: &'static str,
    many: &'static str,
) -> Vec<Spanned<String>> {
    let single = t.string(sink, one);
    let list = t.string_list(sink, many);
    match (single, list) {
        (Some(s), Some(l)) => {
            sink.push(
                Diagnostic::new(format!("both `{one}` and `{many}` are set"), l.span.clone())
                    .with_help(format!("keep one: put every value in `{many}`")),
            );
            let mut v = vec![s];
            v.extend(l.value);
            v
        }
        (Some(s), None) => vec![s],
        (None, Some(l)) => l.value,
        (None, None) => Vec::new(),
    }
}

fn read_service(key: Spanned<String>, mut t: TableReader, sink: &mut Sink) -> Option<Service> {
    if !is_key(&key) {
        sink.push(
            Diagnostic::new(
                format!("`{}` is not a valid service name", key.value),
                key.span.clone(),
            )
            .with_help(key_rule_help("service names")),
        );
    }
    let port = t.integer_in(sink, "port", 1..=65535, "ports are 1 to 65535");
    t.require(
        sink,
        "port",
        &port,
        "set the port the container listens on, e.g. `port = 8080`",
    );
    let (cpu, memory) = read_cpu_memory(&mut t, sink);
    let paths = one_or_many(&mut t, sink, "path", "paths");
    let hosts = one_or_many(&mut t, sink, "host", "hosts");
    let priority = t.integer_in(
        sink,
        "priority",
        1..=50000,
        "listener rule priorities are 1 to 50000; lower numbers are evaluated first",
    );
    let health_check = t.string(sink, "health_check");
    let command = t.string_list(sink, "command").map(|c| c.value);
    let env_raw = t.string_map(sink, "env").unwrap_or_default();
    let secrets_raw = t.string_map(sink, "secrets").unwrap_or_default();
    let repository = t.string(sink, "repository");
    let counts = read_counts(&mut t, sink);
    let grants_raw = t.string_list(sink, "grants");
    let readonly_root_filesystem = t.boolean(sink, "readonly_root_filesystem");
    let user = t.string(sink, "user");
    let health_check_command = t.string_list(sink, "health_check_command");
    let container_health_check = t.boolean(sink, "container_health_check");
    let not_secret = t.string_list(sink, "not_secret");
    t.finish(sink);
    check_health_check_command(&health_check_command, &container_health_check, sink);

    for p in &paths {
        if !net::is_path_pattern(p) {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not an ALB path pattern", p.value),
                    p.span.clone(),
                )
                .with_help("start it with `/`; `*` matches any characters, e.g. `/api/*`"),
            );
        }
    }
    for h in &hosts {
        if !net::is_host_pattern(h) {
            sink.push(
                Diagnostic::new(format!("`{}` is not a host name", h.value), h.span.clone())
                    .with_help(
                        "write a DNS name such as `api.example.com` (`*` wildcards allowed)",
                    ),
            );
        }
    }
    if paths.len() + hosts.len() > 5 {
        let span = paths
            .iter()
            .chain(&hosts)
            .nth(5)
            .map(|s| s.span.clone())
            .unwrap_or(t.span.clone());
        sink.push(
            Diagnostic::new(
                format!(
                    "service `{}` routes on {} paths and hosts; an ALB rule allows 5",
                    key.value,
                    paths.len() + hosts.len()
                ),
                span,
            )
            .with_help("use wildcards to cover several paths with one pattern"),
        );
    }
    if let Some(h) = &health_check {
        if !net::is_health_check_path(h) {
            sink.push(
                Diagnostic::new(format!("`{}` is not a health-check path wharf accepts", h.value), h.span.clone())
                    .with_help("write the path the container answers 2xx on, e.g. `/health`, with letters, digits and `_-.~/=?%&`"),
            );
        }
    }
    if let Some(c) = &command {
        if c.is_empty() {
            sink.push(
                Diagnostic::new("`command` is empty", t.key_span("command"))
                    .with_help("remove `command` to use the image's own, or list the program and its arguments"),
            );
        }
    }

    let env_names: Vec<String> = env_raw.keys().cloned().collect();
    let mut env = BTreeMap::new();
    for (name, (k, v)) in env_raw {
        if !is_env_name(&name) {
            sink.push(
                Diagnostic::new(
                    format!("`{name}` is not an environment variable name"),
                    k.span.clone(),
                )
                .with_help("use letters, digits and underscores, not starting with a digit"),
            );
        }
        if name == "AWS_REGION" {
            sink.push(
                Diagnostic::new("`AWS_REGION` is set by wharf", k.span.clone())
                    .with_help("remove it: every task gets AWS_REGION set to the app's region"),
            );
            continue;
        }
        let declared_plain = not_secret
            .as_ref()
            .is_some_and(|l| l.value.iter().any(|n| n.value == name));
        // A known kind of credential is refused whatever `not_secret` says; a value that only
        // looks random (base64 settings, ids) may be declared plain.
        match wharf_secrets::credential(&v) {
            Some(c) if c.certainty == Certainty::Certain || !declared_plain => {
                let way_out = match c.certainty {
                    Certainty::Certain => String::new(),
                    Certainty::Likely => format!("; if it is a plain setting that only looks random, list it in the service's `not_secret = [\"{name}\"]`"),
                };
                sink.push(
                    Diagnostic::new(format!("`env.{name}` looks like {}", c.what), v.span.clone())
                        .redacted()
                        .with_help(format!("store it in Secrets Manager and reference it from `secrets`, e.g. `{name} = \"my-app/secrets:{}\"`; then rotate it, since it has been in a file{way_out}", name.to_ascii_lowercase())),
                );
                continue;
            }
            _ => {}
        }
        // An ARN or a URL without credentials names something; it holds no secret.
        let reference = v.starts_with("arn:") || v.contains("://");
        if wharf_secrets::mentions_secret(&name) && !v.is_empty() && !reference && !declared_plain {
            sink.push(
                Diagnostic::new(
                    format!(
                        "`env.{name}` holds a literal value for what its name says is a secret"
                    ),
                    v.span.clone(),
                )
                .redacted()
                .with_help(format!(
                    "move it to `secrets`, e.g. `{name} = \"my-app/secrets:{}\"`; if it is a plain setting that only sounds secret (a name, a duration), list it in the service's `not_secret = [\"{name}\"]`",
                    name.to_ascii_lowercase()
                )),
            );
            continue;
        }
        env.insert(name, v);
    }

    for n in not_secret.iter().flat_map(|l| &l.value) {
        if !env_names.contains(&n.value) {
            sink.push(
                Diagnostic::new(
                    format!("`not_secret` names `{}`, which `env` does not set", n.value),
                    n.span.clone(),
                )
                .with_help("list only names of `env` whose values are plain settings"),
            );
        }
    }

    let mut secrets = BTreeMap::new();
    for (name, (k, v)) in secrets_raw {
        if !is_env_name(&name) {
            sink.push(
                Diagnostic::new(
                    format!("`{name}` is not an environment variable name"),
                    k.span.clone(),
                )
                .with_help("use letters, digits and underscores, not starting with a digit"),
            );
        }
        if env.contains_key(&name) {
            sink.push(
                Diagnostic::new(
                    format!("`{name}` is set in both `env` and `secrets`"),
                    k.span.clone(),
                )
                .with_help("keep it in one of them"),
            );
        }
        match secret::parse_secret_ref(&v) {
            Ok(r) => {
                secrets.insert(name, Spanned::new(r, v.span.clone()));
            }
            Err(SecretError::LooksLikeCredential(what)) => sink.push(
                Diagnostic::new(format!("`secrets.{name}` looks like {what}, not a reference to one"), v.span.clone())
                    .redacted()
                    .with_help("store the value in Secrets Manager and write its name and JSON key, e.g. `\"my-app/secrets:stripe_key\"`, or `\"ssm:/my-app/stripe_key\"`; then rotate it, since it has been in a file"),
            ),
            Err(SecretError::Malformed(why)) => sink.push(
                Diagnostic::new(format!("`secrets.{name}` is not a secret reference"), v.span.clone())
                    .with_help(format!("{why}; forms: `name:json_key`, `ssm:/parameter`, or an ARN")),
            ),
        }
    }

    if let Some(r) = &repository {
        // `{env}` stands for the environment's name; the rest must already be valid.
        if !naming::is_repository_name(&r.replace("{env}", "env")) {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not a valid ECR repository name", r.value),
                    r.span.clone(),
                )
                .with_help("use lower-case letters, digits, `.`, `_`, `-`, `/` between parts, and `{env}` for the environment's name"),
            );
        }
    }

    let mut grants = Vec::new();
    for g in grants_raw.map(|g| g.value).unwrap_or_default() {
        match parse_grant(&g) {
            Ok(grant) => {
                let same_target = |other: &Grant| match (other, &grant) {
                    (Grant::S3 { bucket: a, .. }, Grant::S3 { bucket: b, .. }) => a == b,
                    (a, b) => a == b,
                };
                if grants
                    .iter()
                    .any(|o: &Spanned<Grant>| same_target(&o.value))
                {
                    sink.push(
                        Diagnostic::new(format!("`{}` repeats a grant on the same target", g.value), g.span.clone())
                            .with_help("keep one grant per target; `s3:BUCKET` already includes `s3:BUCKET:read`"),
                    );
                } else {
                    grants.push(Spanned::new(grant, g.span.clone()));
                }
            }
            Err(help) => sink.push(
                Diagnostic::new(
                    format!("`{}` is not a grant wharf knows", g.value),
                    g.span.clone(),
                )
                .with_help(help),
            ),
        }
    }

    if let Some(u) = &user {
        if u.trim().is_empty() || u.contains(char::is_whitespace) {
            sink.push(
                Diagnostic::new(format!("`user = \"{}\"` is not a user", u.value), u.span.clone())
                    .with_help("name the image's non-root user or its uid, e.g. \"node\" or \"1000:1000\"; an empty user runs the container as root"),
            );
        } else if is_root_user(u) {
            sink.push(
                Diagnostic::new(format!("`user = \"{}\"` runs the container as root", u.value), u.span.clone())
                    .with_help("remove `user` to run as 1000:1000, or name the image's non-root user (e.g. \"node\" or \"1000:1000\")"),
            );
        }
    }
    if let Some(p) = &port {
        if p.value < 1024 {
            sink.push(
                Diagnostic::new(
                    format!(
                        "port {} is privileged, and wharf runs containers as a non-root user",
                        p.value
                    ),
                    p.span.clone(),
                )
                .with_help("make the application listen on a port from 1024 up, e.g. 8080"),
            );
        }
    }

    Some(Service {
        key,
        port: port?,
        cpu,
        memory,
        paths,
        hosts,
        priority,
        health_check,
        command,
        env,
        secrets,
        repository,
        counts,
        grants,
        readonly_root_filesystem,
        user,
        health_check_command,
        container_health_check,
    })
}

/// Whether a container `user` (`user`, `uid`, `user:group`, `uid:gid`) runs as root: the
/// user part empty (the image's default, root), `root`, or uid 0 however it is spelled
/// (`0`, `00`, `+0`, `000:1000`), as the container runtime parses it. A named user stays
/// allowed: its uid is not known before the image runs. The service module's validation and
/// review rule WH101 decide the same way.
pub fn is_root_user(user: &str) -> bool {
    let who = user.split(':').next().unwrap_or_default().trim();
    let digits = who.strip_prefix(['+', '-']).unwrap_or(who);
    who.is_empty() || who == "root" || (!digits.is_empty() && digits.bytes().all(|b| b == b'0'))
}

/// `health_check_command` is ECS's form of a health check command: `CMD` then the program
/// and its arguments, or `CMD-SHELL` then one shell command line.
/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html>
fn check_health_check_command(
    command: &Option<Spanned<Vec<Spanned<String>>>>,
    enabled: &Option<Spanned<bool>>,
    sink: &mut Sink,
) {
    let Some(command) = command else { return };
    if enabled.as_ref().is_some_and(|e| !e.value) {
        sink.push(
            Diagnostic::new(
                "`health_check_command` is set, but `container_health_check = false` turns the check off",
                command.span.clone(),
            )
            .with_help("remove one of them"),
        );
        return;
    }
    let first = command.value.first().map(|c| c.value.as_str());
    let ok = match first {
        Some("CMD") => command.value.len() >= 2,
        Some("CMD-SHELL") => command.value.len() == 2,
        _ => false,
    };
    if !ok {
        sink.push(
            Diagnostic::new(
                "`health_check_command` is not in ECS's form",
                command.span.clone(),
            )
            .with_help("write `[\"CMD\", \"program\", \"arg\", …]` to run a program, or `[\"CMD-SHELL\", \"one shell command\"]`; exit code 0 means healthy, e.g. [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/health\"]"),
        );
    }
}

fn parse_grant(raw: &str) -> Result<Grant, String> {
    const KNOWN: &str = "known grants: `ses:send`, `s3:BUCKET` (read and write), `s3:BUCKET:read`";
    let parts: Vec<&str> = raw.split(':').collect();
    match parts.as_slice() {
        ["ses", "send"] => Ok(Grant::SesSend),
        ["s3", bucket] | ["s3", bucket, "read-write"] if naming::is_bucket_name(bucket) => {
            Ok(Grant::S3 {
                bucket: bucket.to_string(),
                write: true,
            })
        }
        ["s3", bucket, "read"] if naming::is_bucket_name(bucket) => Ok(Grant::S3 {
            bucket: bucket.to_string(),
            write: false,
        }),
        ["s3", ..] => Err(format!("name an existing bucket by its S3 name; {KNOWN}")),
        _ => Err(KNOWN.to_string()),
    }
}

fn read_overrides(t: &mut TableReader, sink: &mut Sink) -> Overrides {
    let retention = |t: &mut TableReader, sink: &mut Sink, key: &'static str| {
        let v = t.integer(sink, key)?;
        let days = u32::try_from(v.value)
            .ok()
            .filter(|d| LOG_RETENTION_DAYS.contains(d));
        if let Some(days) = days {
            Some(Spanned::new(days, v.span))
        } else {
            sink.push(
                Diagnostic::new(format!("`{key} = {}` is not a retention CloudWatch Logs accepts", v.value), v.span.clone())
                    .with_help("use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"),
            );
            None
        }
    };
    let percent = "a percentage is 1 to 100";
    Overrides {
        az_count: read_az_count(t, sink),
        zone_ids: read_zone_ids(t, sink),
        cidr: read_cidr(t, sink),
        single_nat_gateway: t.boolean(sink, "single_nat_gateway"),
        log_retention_days: retention(t, sink, "log_retention_days"),
        container_insights: t.boolean(sink, "container_insights"),
        fargate_base: t.integer_in(
            sink,
            "fargate_base",
            0..=100_000,
            "the FARGATE base is 0 to 100000 tasks",
        ),
        fargate_weight: t.integer_in(
            sink,
            "fargate_weight",
            0..=1000,
            "capacity provider weights are 0 to 1000",
        ),
        fargate_spot_weight: t.integer_in(
            sink,
            "fargate_spot_weight",
            0..=1000,
            "capacity provider weights are 0 to 1000",
        ),
        min_count: read_min_count(t, sink),
        max_count: t.integer_in(
            sink,
            "max_count",
            1..=1000,
            "the maximum task count is 1 to 1000",
        ),
        ecr_encryption: t
            .string(sink, "ecr_encryption")
            .and_then(|s| match s.value.as_str() {
                "AES256" => Some(Spanned::new(EcrEncryption::Aes256, s.span)),
                "KMS" => Some(Spanned::new(EcrEncryption::Kms, s.span)),
                other => {
                    sink.push(
                        Diagnostic::new(
                            format!("`ecr_encryption = \"{other}\"` is not an ECR encryption type"),
                            s.span.clone(),
                        )
                        .with_help("use \"AES256\" or \"KMS\""),
                    );
                    None
                }
            }),
        ecr_force_delete: t.boolean(sink, "ecr_force_delete"),
        images_to_keep: t.integer_in(sink, "images_to_keep", 1..=10_000, "keep 1 to 10000 images"),
        deletion_protection: t.boolean(sink, "deletion_protection"),
        access_logs_retention_days: t.integer_in(
            sink,
            "access_logs_retention_days",
            1..=3653,
            "keep access logs 1 to 3653 days",
        ),
        cpu_alarm_percent: t.integer_in(sink, "cpu_alarm_percent", 1..=100, percent),
        memory_alarm_percent: t.integer_in(sink, "memory_alarm_percent", 1..=100, percent),
        target_5xx_alarm_count: t.integer_in(
            sink,
            "target_5xx_alarm_count",
            1..=1_000_000,
            "a count of 5XX responses in five minutes, 1 or more",
        ),
        response_time_alarm_seconds: t.number(sink, "response_time_alarm_seconds").and_then(|s| {
            if s.value > 0.0 && s.value <= 600.0 {
                Some(s)
            } else {
                sink.push(
                    Diagnostic::new(
                        "`response_time_alarm_seconds` must be above 0 and at most 600",
                        s.span.clone(),
                    )
                    .with_help("the p95 target response time that raises the alarm, e.g. 2"),
                );
                None
            }
        }),
        access_logs_force_destroy: t.boolean(sink, "access_logs_force_destroy"),
        require_https: t.boolean(sink, "require_https"),
        waf: t.boolean(sink, "waf"),
        // AWS WAF rate-based rules accept 10 to 2,000,000,000 requests per 5 minutes.
        waf_rate_limit: t.integer_in(
            sink,
            "waf_rate_limit",
            10..=2_000_000_000,
            "a WAF rate limit is 10 to 2000000000 requests per 5 minutes",
        ),
        interface_endpoints: read_interface_endpoints(t, sink),
    }
}

/// `interface_endpoints`: AWS services the environment reaches through interface VPC
/// endpoints instead of the NAT gateway, each at most once.
fn read_interface_endpoints(
    t: &mut TableReader,
    sink: &mut Sink,
) -> Option<Spanned<Vec<Spanned<String>>>> {
    let list = t.string_list(sink, "interface_endpoints")?;
    let mut seen: Vec<&str> = Vec::new();
    let mut ok = true;
    for e in &list.value {
        if !net::INTERFACE_ENDPOINTS
            .iter()
            .any(|(name, _)| *name == e.value)
        {
            let names: Vec<&str> = net::INTERFACE_ENDPOINTS.iter().map(|(n, _)| *n).collect();
            let mut d = Diagnostic::new(
                format!("`{}` is not an interface endpoint wharf knows", e.value),
                e.span.clone(),
            );
            if let Some(c) = closest(&e.value, &names) {
                d = d.with_label(format!("did you mean `{c}`?"));
            }
            sink.push(d.with_help(format!("use any of: {}", names.join(", "))));
            ok = false;
        } else if seen.contains(&e.value.as_str()) {
            sink.push(
                Diagnostic::new(format!("`{}` is listed twice", e.value), e.span.clone())
                    .with_help("list each endpoint once"),
            );
            ok = false;
        } else {
            seen.push(&e.value);
        }
    }
    ok.then_some(list)
}

fn read_environment(
    key: Spanned<String>,
    mut t: TableReader,
    services: &[String],
    sink: &mut Sink,
) -> Option<Environment> {
    if !is_key(&key) || key.len() > 12 {
        sink.push(
            Diagnostic::new(
                format!("`{}` is not a valid environment name", key.value),
                key.span.clone(),
            )
            .with_help(key_rule_help("environment names") + ", at most 12 characters"),
        );
    }
    let names: Vec<&str> = ProfileName::ALL.iter().map(|(n, _)| *n).collect();
    let profile = match t.string(sink, "profile") {
        Some(p) => match ProfileName::ALL.iter().find(|(n, _)| *n == p.value) {
            Some((_, v)) => Some(Spanned::new(*v, p.span)),
            None => {
                let mut d =
                    Diagnostic::new(format!("`{}` is not a profile", p.value), p.span.clone());
                if let Some(c) = closest(&p.value, &names) {
                    d = d.with_label(format!("did you mean `{c}`?"));
                }
                sink.push(d.with_help("use \"dev\", \"staging\" or \"prod\""));
                None
            }
        },
        None => match ProfileName::ALL.iter().find(|(n, _)| *n == key.value) {
            Some((_, v)) => Some(Spanned::new(*v, key.span.clone())),
            None => {
                t.require(sink, "profile", &None::<()>, "set `profile = \"dev\"`, `\"staging\"` or `\"prod\"`; an environment named after a profile uses it by default");
                None
            }
        },
    };
    let certificate_arn = t.string(sink, "certificate_arn");
    let alerts_email = t.string(sink, "alerts_email");
    let overrides = read_overrides(&mut t, sink);
    let mut service_overrides = BTreeMap::new();
    for (skey, mut st) in t.tables(sink, "services").unwrap_or_default() {
        if !services.contains(&skey.value) {
            let known: Vec<&str> = services.iter().map(String::as_str).collect();
            let mut d = Diagnostic::new(
                format!(
                    "environment `{}` overrides service `{}`, which is not declared",
                    key.value, skey.value
                ),
                skey.span.clone(),
            );
            if let Some(c) = closest(&skey.value, &known) {
                d = d.with_label(format!("did you mean `{c}`?"));
            }
            sink.push(d.with_help("declare it under `[services]`, or fix the name"));
        }
        let (cpu, memory) = read_cpu_memory(&mut st, sink);
        let counts = read_counts(&mut st, sink);
        st.finish(sink);
        service_overrides.insert(
            skey.value.clone(),
            ServiceOverrides {
                key: skey,
                cpu,
                memory,
                counts,
            },
        );
    }
    t.finish(sink);

    if let Some(c) = &certificate_arn {
        let ok = c.starts_with("arn:aws:acm:")
            && c.split(':').count() == 6
            && c.split(':')
                .nth(5)
                .is_some_and(|r| r.starts_with("certificate/"));
        if !ok {
            sink.push(
                Diagnostic::new(
                    "`certificate_arn` is not an ACM certificate ARN",
                    c.span.clone(),
                )
                .with_help("copy the ARN from ACM: `arn:aws:acm:REGION:ACCOUNT:certificate/ID`"),
            );
        }
    }
    if let Some(e) = &alerts_email {
        if !net::is_email(e) {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not an email address", e.value),
                    e.span.clone(),
                )
                .with_help("alarms are emailed here, e.g. `ops@example.com`"),
            );
        }
    }
    Some(Environment {
        key,
        profile: profile?,
        certificate_arn,
        alerts_email,
        overrides,
        services: service_overrides,
    })
}

/// Derived AWS names must fit AWS's limits; the key that makes one too long is the one to
/// shorten.
fn check_names(
    app: &App,
    services: &BTreeMap<String, Service>,
    environments: &BTreeMap<String, Environment>,
    sink: &mut Sink,
) {
    for env in environments.values() {
        let prefix = naming::env_prefix(&app.name, &env.key);
        if prefix.len() > naming::ALB_NAME_MAX {
            sink.push(
                Diagnostic::new(
                    format!("the load balancer would be named `{prefix}` ({} characters); AWS allows {}", prefix.len(), naming::ALB_NAME_MAX),
                    env.key.span.clone(),
                )
                .with_help("shorten the environment or app name"),
            );
        }
        let bucket = naming::access_logs_bucket_len(&app.name, &env.key);
        if bucket > naming::S3_BUCKET_NAME_MAX && prefix.len() <= naming::ALB_NAME_MAX {
            sink.push(
                Diagnostic::new(
                    format!(
                        "the access-log bucket name would be {bucket} characters; S3 allows {}",
                        naming::S3_BUCKET_NAME_MAX
                    ),
                    env.key.span.clone(),
                )
                .with_help("shorten the environment or app name"),
            );
        }
        for svc in services.values() {
            let name = naming::service_name(&app.name, &env.key, &svc.key);
            if name.len() > naming::TARGET_GROUP_NAME_MAX {
                sink.push(
                    Diagnostic::new(
                        format!(
                            "in environment `{}`, the target group would be named `{name}` ({} characters); AWS allows {}",
                            env.key.value,
                            name.len(),
                            naming::TARGET_GROUP_NAME_MAX
                        ),
                        svc.key.span.clone(),
                    )
                    .with_help("shorten the service, environment or app name"),
                );
            } else if name.len() + naming::ROLE_SUFFIX_MAX.len() > naming::IAM_ROLE_NAME_MAX {
                // Unreachable while the target group limit is the stricter one; kept so that a
                // change to either limit cannot let an invalid role name through.
                sink.push(
                    Diagnostic::new(
                        format!(
                            "the IAM role name for `{name}` would exceed {} characters",
                            naming::IAM_ROLE_NAME_MAX
                        ),
                        svc.key.span.clone(),
                    )
                    .with_help("shorten the service, environment or app name"),
                );
            }
            let repo = naming::repository(
                &app.name,
                &env.key,
                &svc.key,
                svc.repository.as_ref().map(|r| r.value.as_str()),
            );
            if svc.repository.is_none() && !naming::is_repository_name(&repo) {
                sink.push(
                    Diagnostic::new(
                        format!("the ECR repository name `{repo}` is not valid"),
                        svc.key.span.clone(),
                    )
                    .with_help("set `repository` on the service"),
                );
            }
        }
    }
    // Each environment root creates its repositories: two roots, or two services, creating
    // the same one would fail at apply with RepositoryAlreadyExistsException.
    let mut taken: BTreeMap<String, &str> = BTreeMap::new();
    for svc in services.values() {
        let Some(r) = &svc.repository else { continue };
        if environments.len() > 1 && !r.contains("{env}") {
            sink.push(
                Diagnostic::new(format!("every environment would create the repository `{}`", r.value), r.span.clone())
                    .with_help("put `{env}` in the name, e.g. `\"shop/{env}/web\"`, so each environment gets its own"),
            );
        }
        for env in environments.keys() {
            let name = naming::repository(&app.name, env, &svc.key, Some(&r.value));
            if let Some(other) = taken.insert(name.clone(), &svc.key.value) {
                if other != svc.key.value {
                    sink.push(
                        Diagnostic::new(
                            format!(
                                "services `{other}` and `{}` both use the repository `{name}`",
                                svc.key.value
                            ),
                            r.span.clone(),
                        )
                        .with_help("give each service its own repository"),
                    );
                }
            }
        }
    }
}

fn check_grants(app: &App, services: &BTreeMap<String, Service>, sink: &mut Sink) {
    for svc in services.values() {
        for g in &svc.grants {
            if g.value == Grant::SesSend && app.domain.is_none() {
                sink.push(
                    Diagnostic::new("`ses:send` needs the app's domain", g.span.clone())
                        .with_help("set `domain` in `[app]`: tasks may then send only from addresses at that domain"),
                );
            }
        }
    }
}

fn check_certificate_region(app: &App, env: &Environment, sink: &mut Sink) {
    if let Some(c) = &env.certificate_arn {
        if let Some(region) = c.split(':').nth(3) {
            if c.starts_with("arn:aws:acm:") && region != app.region.value {
                sink.push(
                    Diagnostic::new(
                        format!("the certificate is in `{region}`, the load balancer in `{}`", app.region.value),
                        c.span.clone(),
                    )
                    .with_help("an ALB can only use an ACM certificate from its own region; request or import one there"),
                );
            }
        }
    }
}
