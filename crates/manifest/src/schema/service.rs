//! `[services.*]`: one table per service: its port, size, routes, container settings,
//! environment, secrets, repository, counts and grants.

use std::collections::BTreeMap;

use wharf_aws::fargate;

use crate::diagnostic::Diagnostic;
use crate::naming::{self, is_key};
use crate::net;
use crate::read::{Sink, StringMap, TableReader};
use crate::secret::{self, SecretError};
use crate::types::*;
use wharf_secrets::Certainty;

use super::key_rule_help;

pub(super) fn read_cpu_memory(
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
                .with_help(format!(
                    "use one of {}",
                    fargate::CPU_SIZES.map(|c| c.to_string()).join(", ")
                )),
            );
            None
        }
    });
    let (low, high) = fargate::MEMORY_MIB.into_inner();
    let memory = t
        .integer_in(
            sink,
            "memory",
            i64::from(low)..=i64::from(high),
            &format!("Fargate memory is {low} to {high} MiB"),
        )
        .map(|m| Spanned::new(m.value, m.span));
    (cpu, memory)
}

/// The task counts an environment may set for every service.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.min_count = read_min_count(t, sink);
    o.max_count = t.integer_in(
        sink,
        "max_count",
        1..=1000,
        "the maximum task count is 1 to 1000",
    );
}

pub(super) fn read_counts(t: &mut TableReader, sink: &mut Sink) -> Counts {
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

/// `min_count`: 0 only for a worker that scales on a queue, which the model checks, since an
/// environment's `min_count` applies to services of either kind.
fn read_min_count(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<u32>> {
    t.integer_in(sink, "min_count", 0..=1000, "task counts are 0 to 1000")
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

pub(super) fn read_service(
    key: Spanned<String>,
    mut t: TableReader,
    sink: &mut Sink,
) -> Option<Service> {
    sink.check(
        is_key(&key),
        &key.span,
        format!("`{}` is not a valid service name", key.value),
        key_rule_help("service names"),
    );
    let port = t.integer_in(sink, "port", 1..=65535, "ports are 1 to 65535");
    let (cpu, memory) = read_cpu_memory(&mut t, sink);
    let (paths, hosts) = read_routes(&mut t, &key, sink);
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
    let uses = read_uses(&mut t, sink);
    let (scale_on, messages_per_task) = read_scale_on(&mut t, sink);
    let egress = read_egress(&mut t, sink);
    let release = super::release::read_service(&mut t, sink, &key, &port, &paths);
    let build = super::delivery::read_service_build(&mut t, sink);
    t.finish(sink);
    check_kind(
        &t,
        &key,
        &port,
        &container_health_check,
        &health_check_command,
        &scale_on,
        sink,
    );
    check_health_check_command(&health_check_command, &container_health_check, sink);
    check_container(&t, &health_check, &command, &user, &port, sink);
    let env = read_env(env_raw, &not_secret, sink);
    let secrets = read_secrets(secrets_raw, &env, sink);
    check_repository(&repository, sink);
    let grants = read_grants(grants_raw, sink);
    Some(Service {
        key,
        port,
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
        uses,
        scale_on,
        messages_per_task,
        egress,
        release,
        build,
    })
}

/// A worker (no port) checks itself and may scale on a queue; a service with a port is
/// checked by the load balancer and scales on CPU and memory.
fn check_kind(
    t: &TableReader,
    key: &Spanned<String>,
    port: &Option<Spanned<u32>>,
    container_health_check: &Option<Spanned<bool>>,
    health_check_command: &Option<Spanned<Vec<Spanned<String>>>>,
    scale_on: &Option<Spanned<String>>,
    sink: &mut Sink,
) {
    if port.is_none() {
        check_worker(t, key, sink);
        if let Some(on) = container_health_check.as_ref().filter(|on| on.value) {
            sink.check(
                health_check_command.is_some(),
                &on.span,
                format!("worker `{}` has no port for the default health check (wget on `health_check`)", key.value),
                "set `health_check_command` (ECS's form, e.g. [\"CMD\", \"/app/healthy\"]) for the worker to check itself",
            );
        }
    } else if let Some(s) = &scale_on {
        sink.push(
            Diagnostic::new(
                format!("service `{}` has a `port`, and only a worker scales on a queue", key.value),
                s.span.clone(),
            )
            .with_help("remove `scale_on` to scale on CPU and memory, or remove `port` to make the service a worker"),
        );
    }
}

/// `egress`: `tcp:587:0.0.0.0/0`, `udp:53:10.0.0.2/32`, `tcp:8000-8100:203.0.113.0/24`.
fn read_egress(t: &mut TableReader, sink: &mut Sink) -> Vec<Spanned<Egress>> {
    let raw = t
        .string_list(sink, "egress")
        .map(|l| l.value)
        .unwrap_or_default();
    let mut out = Vec::new();
    for r in raw {
        match parse_egress(&r) {
            Ok(e)
                if e.protocol == "tcp"
                    && e.from_port == 443
                    && e.to_port == 443
                    && e.cidr.prefix == 0 =>
            {
                sink.push(
                    Diagnostic::new(format!("`{}` is allowed already", r.value), r.span.clone())
                        .with_help("every task may reach TCP 443 anywhere (AWS APIs and HTTPS services); remove it"),
                );
            }
            Ok(e) if out.iter().any(|o: &Spanned<Egress>| o.value == e) => sink.push(
                Diagnostic::new(format!("`{}` is listed twice", r.value), r.span.clone())
                    .with_help("keep one"),
            ),
            Ok(e) => out.push(Spanned::new(e, r.span.clone())),
            Err(help) => sink.push(
                Diagnostic::new(
                    format!("`{}` is not an egress rule", r.value),
                    r.span.clone(),
                )
                .with_help(help),
            ),
        }
    }
    out
}

fn parse_egress(raw: &str) -> Result<Egress, String> {
    const FORM: &str = "write `PROTOCOL:PORT:CIDR` with tcp or udp, a port or a range (`8000-8100`) and an IPv4 CIDR block, e.g. \"tcp:587:0.0.0.0/0\" for SMTP submission";
    let mut parts = raw.splitn(3, ':');
    let (Some(protocol), Some(ports), Some(cidr)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(FORM.to_string());
    };
    let protocol = match protocol {
        "tcp" => "tcp",
        "udp" => "udp",
        _ => return Err(FORM.to_string()),
    };
    let port = |p: &str| p.parse::<u32>().ok().filter(|p| (1..=65535).contains(p));
    let (from, to) = match ports.split_once('-') {
        Some((a, b)) => (port(a), port(b)),
        None => (port(ports), port(ports)),
    };
    let (Some(from_port), Some(to_port)) = (from, to) else {
        return Err(format!("ports are 1 to 65535; {FORM}"));
    };
    if from_port > to_port {
        return Err(format!("the range {from_port}-{to_port} runs backwards"));
    }
    let cidr = net::parse_cidr(cidr)?;
    Ok(Egress {
        protocol,
        from_port,
        to_port,
        cidr,
    })
}

/// `scale_on = "queue:NAME"` and `messages_per_task`; whether the queue is one the service
/// receives from is checked once every table is read.
fn read_scale_on(
    t: &mut TableReader,
    sink: &mut Sink,
) -> (Option<Spanned<String>>, Option<Spanned<u32>>) {
    let raw = t.string(sink, "scale_on");
    let per_task = t.integer_in(
        sink,
        "messages_per_task",
        1..=100_000,
        "messages per task are 1 to 100000: the acceptable latency divided by the time one message takes",
    );
    let scale_on = raw.and_then(|r| match r.value.split_once(':') {
        Some(("queue", q)) if !q.is_empty() => Some(Spanned::new(q.to_string(), r.span.clone())),
        _ => {
            sink.push(
                Diagnostic::new(format!("`scale_on = \"{}\"` is not a queue", r.value), r.span.clone())
                    .with_help("write `scale_on = \"queue:NAME\"` with a queue the worker receives from; without `scale_on` it scales on CPU and memory"),
            );
            None
        }
    });
    if let (None, Some(p)) = (&scale_on, &per_task) {
        sink.push(
            Diagnostic::new(
                "`messages_per_task` is set without `scale_on`",
                p.span.clone(),
            )
            .with_help("add `scale_on = \"queue:NAME\"`, or remove `messages_per_task`"),
        );
    }
    (scale_on, per_task)
}

/// A service without `port` is a worker: nothing routes to it, so route and load balancer
/// health-check keys have nothing to act on.
fn check_worker(t: &TableReader, key: &Spanned<String>, sink: &mut Sink) {
    for k in ["path", "paths", "host", "hosts", "priority", "health_check"] {
        if t.has(k) {
            sink.push(
                Diagnostic::new(
                    format!("service `{}` has no `port`, so it is a worker, which no load balancer routes to; `{k}` does nothing", key.value),
                    t.key_span(k),
                )
                .with_help(format!("remove `{k}`, or set `port` to the port the container listens on to make it a web service")),
            );
        }
    }
}

/// `uses`: the manifest's data resources the service reaches, each parsed; whether each is
/// declared is checked once every table is read.
pub(super) fn read_uses(t: &mut TableReader, sink: &mut Sink) -> Vec<Spanned<Use>> {
    let mut uses = Vec::new();
    for raw in t
        .string_list(sink, "uses")
        .map(|l| l.value)
        .unwrap_or_default()
    {
        match super::uses::parse_use(&raw) {
            Ok(u) => uses.push(Spanned::new(u, raw.span.clone())),
            Err(help) => sink.push(
                Diagnostic::new(
                    format!("`{}` is not something a service can use", raw.value),
                    raw.span.clone(),
                )
                .with_help(help),
            ),
        }
    }
    uses
}

/// `path`/`paths` and `host`/`hosts`: the ALB rule's conditions, five at most.
fn read_routes(
    t: &mut TableReader,
    key: &Spanned<String>,
    sink: &mut Sink,
) -> (Vec<Spanned<String>>, Vec<Spanned<String>>) {
    let paths = one_or_many(t, sink, "path", "paths");
    let hosts = one_or_many(t, sink, "host", "hosts");
    for p in &paths {
        sink.check(
            net::is_path_pattern(p),
            &p.span,
            format!("`{}` is not an ALB path pattern", p.value),
            "start it with `/`; `*` matches any characters, e.g. `/api/*`",
        );
    }
    for h in &hosts {
        sink.check(
            net::is_host_pattern(h),
            &h.span,
            format!("`{}` is not a host name", h.value),
            "write a DNS name such as `api.example.com` (`*` wildcards allowed)",
        );
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
    (paths, hosts)
}

/// The container's health check path, command, user and port.
fn check_container(
    t: &TableReader,
    health_check: &Option<Spanned<String>>,
    command: &Option<Vec<Spanned<String>>>,
    user: &Option<Spanned<String>>,
    port: &Option<Spanned<u32>>,
    sink: &mut Sink,
) {
    if let Some(h) = &health_check {
        sink.check(
            net::is_health_check_path(h),
            &h.span,
            format!("`{}` is not a health-check path wharf accepts", h.value),
            "write the path the container answers 2xx on, e.g. `/health`, with letters, digits and `_-.~/=?%&`",
        );
    }
    if let Some(c) = &command {
        sink.check(
            !c.is_empty(),
            &t.key_span("command"),
            "`command` is empty",
            "remove `command` to use the image's own, or list the program and its arguments",
        );
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
        sink.check(
            p.value >= 1024,
            &p.span,
            format!(
                "port {} is privileged, and wharf runs containers as a non-root user",
                p.value
            ),
            "make the application listen on a port from 1024 up, e.g. 8080",
        );
    }
}

/// `env`: plain settings only; a value that is, or by its name should be, a secret is
/// refused, unless `not_secret` declares a random-looking value plain.
pub(super) fn read_env(
    env_raw: StringMap,
    not_secret: &Option<Spanned<Vec<Spanned<String>>>>,
    sink: &mut Sink,
) -> BTreeMap<String, Spanned<String>> {
    let env_names: Vec<String> = env_raw.keys().cloned().collect();
    let mut env = BTreeMap::new();
    for (name, (k, v)) in env_raw {
        sink.check(
            is_env_name(&name),
            &k.span,
            format!("`{name}` is not an environment variable name"),
            "use letters, digits and underscores, not starting with a digit",
        );
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
        sink.check(
            env_names.contains(&n.value),
            &n.span,
            format!("`not_secret` names `{}`, which `env` does not set", n.value),
            "list only names of `env` whose values are plain settings",
        );
    }
    env
}

/// `secrets`: references to Secrets Manager or SSM, never values.
pub(super) fn read_secrets(
    secrets_raw: StringMap,
    env: &BTreeMap<String, Spanned<String>>,
    sink: &mut Sink,
) -> BTreeMap<String, Spanned<SecretRef>> {
    let mut secrets = BTreeMap::new();
    for (name, (k, v)) in secrets_raw {
        sink.check(
            is_env_name(&name),
            &k.span,
            format!("`{name}` is not an environment variable name"),
            "use letters, digits and underscores, not starting with a digit",
        );
        sink.check(
            !(env.contains_key(&name)),
            &k.span,
            format!("`{name}` is set in both `env` and `secrets`"),
            "keep it in one of them",
        );
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
    secrets
}

fn check_repository(repository: &Option<Spanned<String>>, sink: &mut Sink) {
    if let Some(r) = &repository {
        // `{env}` stands for the environment's name; the rest must already be valid.
        sink.check(
            naming::is_repository_name(&r.replace("{env}", "env")),
            &r.span,
            format!("`{}` is not a valid ECR repository name", r.value),
            "use lower-case letters, digits, `.`, `_`, `-`, `/` between parts, and `{env}` for the environment's name",
        );
    }
}

/// `grants`: each known, and one per target.
fn read_grants(
    grants_raw: Option<Spanned<Vec<Spanned<String>>>>,
    sink: &mut Sink,
) -> Vec<Spanned<Grant>> {
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
    grants
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
    sink.check(
        ok,
        &command.span,
        "`health_check_command` is not in ECS's form",
        "write `[\"CMD\", \"program\", \"arg\", …]` to run a program, or `[\"CMD-SHELL\", \"one shell command\"]`; exit code 0 means healthy, e.g. [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/health\"]",
    );
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
