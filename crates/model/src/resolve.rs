//! Manifest + profile → platform: one resolver per component, in the component's own file
//! (`network::resolve`, `registry::resolve`, …), called here for each environment.
//!
//! Precedence for a value, most specific first: the environment's per-service override,
//! the environment's override, the service's own value, the profile.

use std::ops::Range;

use wharf_manifest::{self as manifest, naming, Diagnostic, Manifest, Spanned};

pub(crate) use crate::load_balancer::Route;
use crate::*;

/// A resolved value and, when the manifest set it, where.
#[derive(Clone, Copy)]
pub(crate) struct From<'a, T> {
    pub value: T,
    pub span: Option<&'a Range<usize>>,
}

pub(crate) fn pick<'a, T: Copy>(candidates: &[Option<&'a Spanned<T>>], default: T) -> From<'a, T> {
    candidates
        .iter()
        .flatten()
        .next()
        .map(|s| From {
            value: s.value,
            span: Some(&s.span),
        })
        .unwrap_or(From {
            value: default,
            span: None,
        })
}

/// Where the first of `spans` that the manifest set is, else `fallback`: the place to
/// report a problem with values that may come from several keys or from the profile.
pub(crate) fn first_set(spans: &[Option<&Range<usize>>], fallback: &Range<usize>) -> Range<usize> {
    spans
        .iter()
        .flatten()
        .next()
        .copied()
        .unwrap_or(fallback)
        .clone()
}

/// Keys of the services, then the jobs, with a `uses` entry that `wants`, each in key order:
/// who sends to a queue, who writes a table. (The manifest keeps job and service keys apart.)
pub(crate) fn services_using(m: &Manifest, wants: impl Fn(&manifest::Use) -> bool) -> Vec<String> {
    let services = m.services.values().map(|s| (&s.key, &s.uses));
    let jobs = m.jobs.values().map(|j| (&j.key, &j.uses));
    services
        .chain(jobs)
        .filter(|(_, uses)| uses.iter().any(|u| wants(&u.value)))
        .map(|(key, _)| key.value.clone())
        .collect()
}

pub fn resolve(m: &Manifest) -> Result<Platform, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let targets = load_balancer::routes(m, &mut diags);
    let mut environments = Vec::new();
    for env in m.environments.values() {
        environments.push(environment(m, env, &targets, &mut diags));
    }
    let pipeline = crate::delivery::pipeline(m, &mut environments, &mut diags);
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Platform {
        app: m.app.name.value.clone(),
        region: m.app.region.value.clone(),
        state_bucket: m
            .app
            .state_bucket
            .as_ref()
            .map(|b| b.value.clone())
            .unwrap_or_else(|| naming::state_bucket(&m.app.name)),
        pipeline,
        environments,
    })
}

fn environment(
    m: &Manifest,
    env: &manifest::Environment,
    routes: &[Route],
    diags: &mut Vec<Diagnostic>,
) -> Environment {
    let p = crate::profile::profile(env.profile.value);
    let prefix = naming::env_prefix(&m.app.name, &env.key);
    let require_https = pick(&[env.overrides.require_https.as_ref()], p.require_https).value;
    if require_https && env.certificate_arn.is_none() {
        diags.push(
            Diagnostic::new(
                format!("environment `{}` must serve HTTPS (`require_https`, on in the prod profile) and has no `certificate_arn`", env.key.value),
                env.key.span.clone(),
            )
            .with_help("request or import a certificate in ACM for the app's domain and set `certificate_arn` to its ARN (or, knowingly, `require_https = false`)"),
        );
    }
    let capacity = cluster::capacity(env, &p, diags);
    let services: Vec<Service> = m
        .services
        .values()
        .map(|svc| service::resolve(m, env, svc, &p, capacity, diags))
        .collect();
    let jobs = m
        .jobs
        .values()
        .filter_map(|j| job::resolve(m, env, j, &p, capacity, diags))
        .collect();
    let load_balancer = load_balancer::resolve(m, env, &p, &prefix, routes, &services);
    let code_deploy = release::resolve(
        env,
        &prefix,
        &services,
        load_balancer.certificate_arn.is_some(),
    );
    let cluster = cluster::resolve(env, &p, &prefix, capacity);
    service::check_queue_scaling(m, env, &cluster, diags);
    Environment {
        name: env.key.value.clone(),
        profile: env.profile.value,
        network: network::resolve(m, env, &p, diags),
        registry: registry::resolve(m, env, &p),
        cluster,
        load_balancer,
        buckets: m
            .buckets
            .values()
            .map(|b| bucket::resolve(m, env, &p, b))
            .collect(),
        queues: m
            .queues
            .values()
            .map(|q| queue::resolve(m, env, &p, q))
            .collect(),
        topics: m
            .topics
            .values()
            .map(|t| topic::resolve(m, env, t))
            .collect(),
        databases: m
            .databases
            .values()
            .map(|d| database::resolve(m, env, &p, d, diags))
            .collect(),
        tables: m
            .tables
            .values()
            .map(|t| table::resolve(m, env, &p, t))
            .collect(),
        caches: m
            .caches
            .values()
            .map(|c| cache::resolve(m, env, &p, c))
            .collect(),
        services,
        jobs,
        alarms: alarms::resolve(env, &p),
        code_deploy,
        delivery: crate::delivery::resolve(m, env, &p, &prefix),
        prefix,
    }
}
