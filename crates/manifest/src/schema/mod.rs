//! The manifest schema. `app` reads `[app]`, `environment` the frame of each
//! `[environments.*]` table (profile, certificate, alerts email), and each platform component
//! its own keys, in a file of its name: `network` (`[network]` and an environment's network
//! keys), `registry`, `cluster`, `load_balancer`, `service` (`[services.*]`, and the task
//! counts an environment sets) and `alarms`. `names` holds the checks across tables. Which keys exist, what each must hold, and the checks
//! that need only the manifest itself; cross-field checks that depend on profile values
//! live in the model.

use std::collections::BTreeMap;

use toml_edit::Document;

use crate::naming::is_key;
use crate::read::{self, Sink, TableReader};
use crate::types::*;

mod alarms;
mod app;
mod bucket;
mod cache;
mod cluster;
mod database;
mod delivery;
mod environment;
mod job;
mod load_balancer;
mod names;
mod network;
mod queue;
mod registry;
mod release;
mod service;
mod table;
mod topic;
mod uses;

pub use service::is_root_user;

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
    let app = app_table.and_then(|t| app::read_app(t, sink));

    let delivery = root
        .table(sink, "delivery")
        .and_then(|t| delivery::read_delivery(t, sink));
    let network = root
        .table(sink, "network")
        .map(|t| network::read_network(t, sink))
        .unwrap_or_default();

    let (declared, services) = read_services(&mut root, sink);
    let (data, declared_data) = read_data(&mut root, sink);
    let jobs = root
        .tables(sink, "jobs")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(key, table)| {
            Some((
                key.value.clone(),
                job::read_job(key, table, &declared, sink)?,
            ))
        })
        .collect();
    let environments = read_environments(&mut root, &declared, sink);
    root.finish(sink);

    let app = app?;
    // Names derive from the app name; when it is invalid, they would only repeat that error.
    if is_key(&app.name) {
        names::check_names(&app, &services, &environments, sink);
    }
    names::check_grants(&app, &services, sink);
    network::check_zone_regions(&app, &network, &environments, sink);
    for env in environments.values() {
        environment::check_certificate_region(&app, env, sink);
    }
    let manifest = Manifest {
        app,
        delivery,
        network,
        services,
        buckets: data.buckets,
        queues: data.queues,
        jobs,
        topics: data.topics,
        databases: data.databases,
        tables: data.tables,
        caches: data.caches,
        environments,
    };
    uses::check_uses(&manifest, &declared_data, sink);
    topic::check_topics(&manifest, sink);
    job::check_jobs(&manifest, sink);
    bucket::check_names(&manifest, sink);
    database::check_names(&manifest, sink);
    cache::check_names(&manifest, sink);
    delivery::check_environments(&manifest, sink);
    Some(manifest)
}

/// The data resources' tables, each kind by key.
struct Data {
    buckets: BTreeMap<String, Bucket>,
    queues: BTreeMap<String, Queue>,
    topics: BTreeMap<String, Topic>,
    databases: BTreeMap<String, Database>,
    tables: BTreeMap<String, Table>,
    caches: BTreeMap<String, Cache>,
}

/// `[buckets.*]`, `[queues.*]`, `[topics.*]`, `[databases.*]`, `[tables.*]` and `[caches.*]`, and the keys declared (those
/// whose table did not read whole included: using one is no second error).
fn read_data(root: &mut TableReader, sink: &mut Sink) -> (Data, uses::Declared) {
    let buckets = root
        .tables(sink, "buckets")
        .unwrap_or_default()
        .into_iter()
        .map(|(key, table)| (key.value.clone(), bucket::read_bucket(key, table, sink)))
        .collect();
    let queues = root
        .tables(sink, "queues")
        .unwrap_or_default()
        .into_iter()
        .map(|(key, table)| (key.value.clone(), queue::read_queue(key, table, sink)))
        .collect();
    let topics = root
        .tables(sink, "topics")
        .unwrap_or_default()
        .into_iter()
        .map(|(key, table)| (key.value.clone(), topic::read_topic(key, table, sink)))
        .collect();
    let database_tables = root.tables(sink, "databases").unwrap_or_default();
    let keys =
        |t: &[(Spanned<String>, TableReader)]| t.iter().map(|(k, _)| k.value.clone()).collect();
    let declared_databases = keys(&database_tables);
    let databases = database_tables
        .into_iter()
        .map(|(key, table)| (key.value.clone(), database::read_database(key, table, sink)))
        .collect();
    let table_tables = root.tables(sink, "tables").unwrap_or_default();
    let declared_tables = keys(&table_tables);
    let tables = table_tables
        .into_iter()
        .filter_map(|(key, table)| Some((key.value.clone(), table::read_table(key, table, sink)?)))
        .collect();
    let caches = root
        .tables(sink, "caches")
        .unwrap_or_default()
        .into_iter()
        .map(|(key, table)| (key.value.clone(), cache::read_cache(key, table, sink)))
        .collect();
    let data = Data {
        buckets,
        queues,
        topics,
        databases,
        tables,
        caches,
    };
    let declared = uses::Declared {
        tables: declared_tables,
        databases: declared_databases,
    };
    (data, declared)
}

/// `[services.*]`: every service, and the keys declared (those whose table did not read
/// whole included, so that an environment's override of one is not called undeclared).
fn read_services(
    root: &mut TableReader,
    sink: &mut Sink,
) -> (Vec<String>, BTreeMap<String, Service>) {
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
        if let Some(s) = service::read_service(key.clone(), table, sink) {
            services.insert(key.value.clone(), s);
        }
    }
    (declared, services)
}

fn read_environments(
    root: &mut TableReader,
    services: &[String],
    sink: &mut Sink,
) -> BTreeMap<String, Environment> {
    let env_tables = root.tables(sink, "environments");
    root.require(
        sink,
        "environments",
        &env_tables,
        "add at least one environment, e.g. `[environments.dev]` with `profile = \"dev\"`",
    );
    let mut environments = BTreeMap::new();
    for (key, table) in env_tables.unwrap_or_default() {
        if let Some(e) = environment::read_environment(key.clone(), table, services, sink) {
            environments.insert(key.value.clone(), e);
        }
    }
    environments
}

fn key_rule_help(what: &str) -> String {
    format!("{what} use lower-case letters, digits and single hyphens, and start with a letter")
}

/// A key and where it is written, if it is.
type KeyAt<'a> = (&'static str, Option<&'a std::ops::Range<usize>>);

/// Refuses each of `keys` that is written: `what` (``database `main` ``) is `kind` (`an RDS
/// instance`), which has none of them, and `instead` says what it takes.
fn refuse_keys(what: &str, kind: &str, keys: &[KeyAt], instead: &str, sink: &mut Sink) {
    for (k, span) in keys {
        if let Some(span) = span {
            sink.push(
                crate::Diagnostic::new(
                    format!("{what} is {kind}, which has no `{k}`"),
                    (*span).clone(),
                )
                .with_help(instead),
            );
        }
    }
}

/// `"a", "b" or "c"`: the accepted values of a key, each between `open` and `close`, for a
/// help text that lists them from their table instead of typing them again.
/// `value` as the one of `all` that `name` spells so, or a diagnostic that it is not
/// `what` ("a cache engine"), naming the closest and giving `help` of the quoted names.
fn one_of<T: Copy>(
    value: Spanned<String>,
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
    help: impl FnOnce(&str) -> String,
    sink: &mut Sink,
) -> Option<Spanned<T>> {
    if let Some(x) = all.iter().find(|x| name(**x) == value.value) {
        return Some(Spanned::new(*x, value.span));
    }
    let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
    let mut d = crate::Diagnostic::new(
        format!("`{}` is not {what} wharf offers", value.value),
        value.span.clone(),
    );
    if let Some(c) = read::closest(&value.value, &names) {
        d = d.with_label(format!("did you mean `{c}`?"));
    }
    sink.push(d.with_help(help(&quoted_or(&names, "\"", "\""))));
    None
}

fn quoted_or(values: &[&str], open: &str, close: &str) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{open}{v}{close}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
