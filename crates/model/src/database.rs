//! The PostgreSQL databases of an environment: an RDS instance or an Aurora Serverless v2
//! cluster each, optionally behind RDS Proxy, with the profile's size, availability, backups
//! and protection, and the services that connect to it.

use wharf_aws::rds;
use wharf_manifest::{self as manifest, naming, Diagnostic, Manifest, ProfileName, Use};

use crate::profile::Profile;
use crate::resolve::{first_set, pick, services_using};

/// The newest PostgreSQL major version wharf offers: the default.
pub const DEFAULT_POSTGRES_VERSION: u32 =
    rds::POSTGRES_MAJOR_VERSIONS[rds::POSTGRES_MAJOR_VERSIONS.len() - 1];

#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    pub key: String,
    /// `{app}-{env}-{database}`: the instance or cluster identifier, and the proxy's name.
    pub name: String,
    pub engine: Engine,
    /// PostgreSQL major version.
    pub version: u32,
    /// The database created in it.
    pub database_name: String,
    /// The master user, whose password RDS keeps in Secrets Manager.
    pub username: String,
    /// RDS Proxy in front: TLS and IAM authentication required, the services connect to it.
    pub proxy: bool,
    /// A standby (RDS) or a reader (Aurora) in a second Availability Zone.
    pub multi_az: bool,
    pub backup_retention_days: u32,
    pub deletion_protection: bool,
    pub final_snapshot: bool,
    /// Of the PostgreSQL logs exported to CloudWatch.
    pub log_retention_days: u32,
    pub cpu_alarm_percent: u32,
    /// Keys of the services that connect to it.
    pub clients: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Engine {
    /// RDS for PostgreSQL on one instance (and its standby with Multi-AZ), gp3 storage that
    /// grows on its own up to `max_storage_gb`.
    Instance {
        instance_class: String,
        storage_gb: u32,
        max_storage_gb: u32,
    },
    /// Aurora PostgreSQL Serverless v2, between `min_capacity` and `max_capacity` ACUs; at 0
    /// it pauses after `auto_pause_seconds` without connections.
    Aurora {
        min_capacity: f64,
        max_capacity: f64,
        auto_pause_seconds: Option<u32>,
    },
}

impl Database {
    /// Whether it may pause (Aurora at 0 ACUs).
    pub fn pauses(&self) -> bool {
        matches!(
            self.engine,
            Engine::Aurora {
                auto_pause_seconds: Some(_),
                ..
            }
        )
    }
}

/// A database's storage when the manifest does not say, and how far it may grow: the
/// smallest gp3 volume RDS gives PostgreSQL, and five times the storage (within RDS's
/// largest).
const DEFAULT_STORAGE_GB: u32 = 20;
const STORAGE_GROWTH: u32 = 5;
/// Idle seconds before a database at 0 ACUs pauses: the least Aurora takes.
const DEFAULT_AUTO_PAUSE_SECONDS: u32 = 300;

fn engine(
    env: &manifest::Environment,
    db: &manifest::Database,
    p: &Profile,
    diags: &mut Vec<Diagnostic>,
) -> Engine {
    let o = &env.overrides;
    if !db.aurora.as_ref().is_some_and(|a| a.value) {
        let storage_gb = db
            .storage_gb
            .as_ref()
            .map_or(DEFAULT_STORAGE_GB, |s| s.value);
        let max_storage_gb = db.max_storage_gb.as_ref().map_or(
            (storage_gb * STORAGE_GROWTH).min(*rds::STORAGE_GB.end()),
            |m| m.value,
        );
        if let Some(m) = db.max_storage_gb.as_ref().filter(|m| m.value <= storage_gb) {
            diags.push(
                Diagnostic::new(
                    format!(
                        "database `{}` may grow to {} GiB, which is not above its {storage_gb} GiB",
                        db.key.value, m.value
                    ),
                    m.span.clone(),
                )
                .with_help(
                    "set `max_storage_gb` above `storage_gb` (20 by default) for storage to grow",
                ),
            );
        }
        return Engine::Instance {
            instance_class: o
                .database_instance_class
                .as_ref()
                .or(db.instance_class.as_ref())
                .map_or_else(
                    || p.database_instance_class.to_string(),
                    |c| c.value.clone(),
                ),
            storage_gb,
            max_storage_gb,
        };
    }
    let min = pick(
        &[o.database_min_capacity.as_ref(), db.min_capacity.as_ref()],
        p.database_min_capacity,
    );
    let max = pick(
        &[o.database_max_capacity.as_ref(), db.max_capacity.as_ref()],
        p.database_max_capacity,
    );
    let pauses = min.value == 0.0;
    check_capacity(env, db, (min.value, min.span), (max.value, max.span), diags);
    Engine::Aurora {
        min_capacity: min.value,
        max_capacity: max.value,
        auto_pause_seconds: pauses.then(|| {
            db.auto_pause_seconds
                .as_ref()
                .map_or(DEFAULT_AUTO_PAUSE_SECONDS, |s| s.value)
        }),
    }
}

/// Pausing is for dev alone (the first connection after a pause waits about 15 seconds),
/// and never behind RDS Proxy, whose open connections would keep it from pausing; a range
/// is a range.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html>
fn check_capacity(
    env: &manifest::Environment,
    db: &manifest::Database,
    (min, min_span): (f64, Option<&std::ops::Range<usize>>),
    (max, max_span): (f64, Option<&std::ops::Range<usize>>),
    diags: &mut Vec<Diagnostic>,
) {
    let at = |spans: &[Option<&std::ops::Range<usize>>]| first_set(spans, &db.key.span);
    if min == 0.0 && env.profile.value != ProfileName::Dev {
        diags.push(
            Diagnostic::new(
                format!(
                    "database `{}` would pause in environment `{}` (`min_capacity = 0`), which only the dev profile allows",
                    db.key.value, env.key.value
                ),
                at(&[min_span]),
            )
            .with_help("the first connection after a pause waits about 15 seconds; set `database_min_capacity = 0.5` or more on this environment"),
        );
    } else if min == 0.0 && db.proxy.as_ref().is_some_and(|p| p.value) {
        diags.push(
            Diagnostic::new(
                format!(
                    "database `{}` would pause in environment `{}` behind RDS Proxy, whose connections keep Aurora from pausing",
                    db.key.value, env.key.value
                ),
                at(&[min_span, db.proxy.as_ref().map(|p| &p.span)]),
            )
            .with_help("set `min_capacity` to 0.5 or more, or `proxy = false` in a database that pauses"),
        );
    }
    if max < min.max(1.0) {
        diags.push(
            Diagnostic::new(
                format!(
                    "database `{}` in environment `{}` would scale between {min} and {max} ACUs",
                    db.key.value, env.key.value
                ),
                at(&[max_span, min_span]),
            )
            .with_help("set `max_capacity` to at least 1 and at least `min_capacity`"),
        );
    }
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    db: &manifest::Database,
    diags: &mut Vec<Diagnostic>,
) -> Database {
    let o = &env.overrides;
    Database {
        key: db.key.value.clone(),
        name: naming::service_name(&m.app.name, &env.key, &db.key),
        engine: engine(env, db, p, diags),
        version: db
            .version
            .as_ref()
            .map_or(DEFAULT_POSTGRES_VERSION, |v| v.value),
        database_name: db
            .database_name
            .as_ref()
            .map_or_else(|| db.key.value.replace('-', "_"), |n| n.value.clone()),
        username: db
            .username
            .as_ref()
            .map_or_else(|| "app".to_string(), |u| u.value.clone()),
        proxy: db.proxy.as_ref().is_some_and(|p| p.value),
        multi_az: pick(&[o.multi_az.as_ref()], p.multi_az).value,
        backup_retention_days: pick(&[o.backup_retention_days.as_ref()], p.backup_retention_days)
            .value,
        deletion_protection: pick(&[o.deletion_protection.as_ref()], p.deletion_protection).value,
        final_snapshot: pick(&[o.final_snapshot.as_ref()], p.final_snapshot).value,
        log_retention_days: pick(&[o.log_retention_days.as_ref()], p.log_retention_days).value,
        cpu_alarm_percent: pick(
            &[o.database_cpu_alarm_percent.as_ref()],
            p.database_cpu_alarm_percent,
        )
        .value,
        clients: services_using(
            m,
            |u| matches!(u, Use::Database { database } if database.value == db.key.value),
        ),
    }
}
