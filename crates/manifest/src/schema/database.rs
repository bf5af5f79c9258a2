//! `[databases.*]`: one PostgreSQL database per table, on an RDS instance or on Aurora
//! Serverless v2, optionally behind RDS Proxy; and the databases' keys an environment may
//! set.

use wharf_aws::rds;

use crate::naming::is_key;
use crate::read::{Sink, TableReader};
use crate::types::*;
use crate::Diagnostic;

use super::{key_rule_help, quoted_or, refuse_keys, KeyAt};

/// PostgreSQL identifiers wharf writes for the database and its user: a letter, then
/// letters, digits and underscores, 63 bytes at most.
/// <https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS>
fn is_identifier(s: &str) -> bool {
    s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Names RDS keeps for itself, which it refuses as the master user.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints>
const RESERVED_USERS: [&str; 4] = ["rdsadmin", "rdsrepladmin", "postgres_fdw", "pg_monitor"];

pub(super) fn read_database(key: Spanned<String>, mut t: TableReader, sink: &mut Sink) -> Database {
    sink.check(
        is_key(&key) && key.len() <= 24,
        &key.span,
        format!("`{}` is not a valid database name", key.value),
        key_rule_help("database names") + ", at most 24 characters",
    );
    let aurora = t.boolean(sink, "aurora");
    let version = read_version(&mut t, sink);
    let instance_class = read_instance_class(&mut t, sink, "instance_class");
    let storage_gb = t.integer_in(
        sink,
        "storage_gb",
        i64::from(*rds::STORAGE_GB.start())..=i64::from(*rds::STORAGE_GB.end()),
        "gp3 storage for PostgreSQL is 20 to 65536 GiB",
    );
    let max_storage_gb = t.integer_in(
        sink,
        "max_storage_gb",
        i64::from(*rds::STORAGE_GB.start())..=i64::from(*rds::STORAGE_GB.end()),
        "storage autoscaling grows up to 20 to 65536 GiB",
    );
    let min_capacity = read_capacity(&mut t, sink, "min_capacity");
    let max_capacity = read_capacity(&mut t, sink, "max_capacity");
    let auto_pause_seconds = t.integer_in(
        sink,
        "auto_pause_seconds",
        i64::from(*rds::AUTO_PAUSE_SECONDS.start())..=i64::from(*rds::AUTO_PAUSE_SECONDS.end()),
        "Aurora pauses after 300 seconds (five minutes) to 86400 seconds (a day) without connections",
    );
    let proxy = t.boolean(sink, "proxy");
    let database_name = read_identifier(&mut t, sink, "database_name");
    let username = read_identifier(&mut t, sink, "username");
    t.finish(sink);
    if let Some(u) = &username {
        check_username(u, aurora.as_ref().is_some_and(|a| a.value), sink);
    }
    let db = Database {
        key,
        aurora,
        version,
        instance_class,
        storage_gb,
        max_storage_gb,
        min_capacity,
        max_capacity,
        auto_pause_seconds,
        proxy,
        database_name,
        username,
    };
    check_kind(&db, sink);
    db
}

/// RDS's master user: 1 to 16 letters, digits or (on an RDS instance) underscores, not one
/// of the names RDS keeps.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html>
/// <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html>
fn check_username(u: &Spanned<String>, aurora: bool, sink: &mut Sink) {
    let ok = u.len() <= 16 && (!aurora || !u.contains('_'));
    sink.check(
        ok,
        &u.span,
        format!("`{}` is not a user name RDS accepts", u.value),
        if aurora {
            "Aurora's master user is 1 to 16 letters or digits, starting with a letter"
        } else {
            "the master user is 1 to 16 letters, digits or underscores, starting with a letter"
        },
    );
    sink.check(
        !RESERVED_USERS.contains(&u.value.as_str()),
        &u.span,
        format!("`{}` is a user name RDS keeps for itself", u.value),
        "pick another name for the database's user, e.g. `app`",
    );
}

/// `version`: a PostgreSQL major version in standard support on RDS and Aurora, as a
/// string (`"17"`); minor versions are RDS's to apply.
fn read_version(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<u32>> {
    let v = t.string(sink, "version")?;
    let accepted = rds::POSTGRES_MAJOR_VERSIONS.map(|v| v.to_string());
    let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
    let major = v.value.parse::<u32>().ok();
    match major.filter(|m| rds::POSTGRES_MAJOR_VERSIONS.contains(m)) {
        Some(m) => Some(Spanned::new(m, v.span)),
        None => {
            let minor = v.value.split_once('.').map(|(m, _)| m.to_string());
            let help = match minor {
                Some(m) if accepted.contains(&m.as_str()) => format!(
                    "write the major version alone, `version = \"{m}\"`: RDS applies minor versions in the maintenance window"
                ),
                _ => format!(
                    "write a PostgreSQL major version in standard support on RDS and Aurora: {}",
                    quoted_or(&accepted, "\"", "\"")
                ),
            };
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not a PostgreSQL version wharf offers", v.value),
                    v.span.clone(),
                )
                .with_help(help),
            );
            None
        }
    }
}

fn read_instance_class(
    t: &mut TableReader,
    sink: &mut Sink,
    key: &'static str,
) -> Option<Spanned<String>> {
    let c = t.string(sink, key)?;
    let ok = sink.check(
        rds::is_instance_class(&c),
        &c.span,
        format!("`{}` is not an RDS instance class", c.value),
        "write a class such as \"db.t4g.micro\" or \"db.r7g.large\"; Aurora Serverless v2 takes `min_capacity` and `max_capacity` instead",
    );
    ok.then_some(c)
}

/// Aurora capacity units, 0 to 256 in half steps.
fn read_capacity(t: &mut TableReader, sink: &mut Sink, key: &'static str) -> Option<Spanned<f64>> {
    let c = t.number(sink, key)?;
    let ok = sink.check(
        (0.0..=rds::MAX_ACU).contains(&c.value) && (c.value * 2.0).fract() == 0.0,
        &c.span,
        format!("`{key} = {}` is not an Aurora capacity", c.value),
        "capacity is 0 to 256 ACUs in half steps (0.5, 1, 1.5, …); 0 lets the database pause",
    );
    ok.then_some(c)
}

fn read_identifier(
    t: &mut TableReader,
    sink: &mut Sink,
    key: &'static str,
) -> Option<Spanned<String>> {
    let v = t.string(sink, key)?;
    let ok = sink.check(
        is_identifier(&v),
        &v.span,
        format!("`{}` is not a PostgreSQL name wharf writes", v.value),
        "use lower-case letters, digits and underscores, starting with a letter, 63 at most",
    );
    ok.then_some(v)
}

/// The keys of one kind of database are refused on the other, and a capacity range is a
/// range.
fn check_kind(db: &Database, sink: &mut Sink) {
    let aurora = db.aurora.as_ref().is_some_and(|a| a.value);
    let (theirs, kind, instead): (&[KeyAt], _, _) = if aurora {
        (
            &[
                ("instance_class", db.instance_class.as_ref().map(|v| &v.span)),
                ("storage_gb", db.storage_gb.as_ref().map(|v| &v.span)),
                ("max_storage_gb", db.max_storage_gb.as_ref().map(|v| &v.span)),
            ],
            "an Aurora Serverless v2 database",
            "Aurora sizes itself between `min_capacity` and `max_capacity` ACUs, and its storage grows on its own",
        )
    } else {
        (
            &[
                ("min_capacity", db.min_capacity.as_ref().map(|v| &v.span)),
                ("max_capacity", db.max_capacity.as_ref().map(|v| &v.span)),
                ("auto_pause_seconds", db.auto_pause_seconds.as_ref().map(|v| &v.span)),
            ],
            "an RDS instance",
            "set `aurora = true` for Aurora Serverless v2, or size the instance with `instance_class` and `storage_gb`",
        )
    };
    refuse_keys(
        &format!("database `{}`", db.key.value),
        kind,
        theirs,
        instead,
        sink,
    );
    if let (Some(min), Some(max)) = (&db.min_capacity, &db.max_capacity) {
        sink.check(
            min.value <= max.value && max.value >= 1.0,
            &max.span,
            format!(
                "database `{}` would scale between {} and {} ACUs",
                db.key.value, min.value, max.value
            ),
            "set `max_capacity` to at least 1 and at least `min_capacity`",
        );
    }
}

/// The databases' keys an environment may set: `multi_az`, `backup_retention_days`,
/// `final_snapshot`, and the sizes `database_instance_class`, `database_min_capacity` and
/// `database_max_capacity`, which apply to every database of its kind.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.multi_az = t.boolean(sink, "multi_az");
    o.backup_retention_days = t.integer_in(
        sink,
        "backup_retention_days",
        i64::from(*rds::BACKUP_RETENTION_DAYS.start())
            ..=i64::from(*rds::BACKUP_RETENTION_DAYS.end()),
        "RDS and Aurora keep automated backups 1 to 35 days",
    );
    o.final_snapshot = t.boolean(sink, "final_snapshot");
    o.database_instance_class = read_instance_class(t, sink, "database_instance_class");
    o.database_min_capacity = read_capacity(t, sink, "database_min_capacity");
    o.database_max_capacity = read_capacity(t, sink, "database_max_capacity");
}

/// A database's names, `{app}-{env}-{database}` and the roles named after it, fit AWS's
/// limits in every environment: the longest is the Enhanced Monitoring role,
/// `{name}-monitoring`, and IAM allows 64.
pub(super) fn check_names(manifest: &Manifest, sink: &mut Sink) {
    const LONGEST_SUFFIX: &str = "-monitoring";
    for db in manifest.databases.values() {
        for env in manifest.environments.values() {
            let name = crate::naming::service_name(&manifest.app.name, &env.key, &db.key);
            let len = name.len() + LONGEST_SUFFIX.len();
            sink.check(
                len <= crate::naming::IAM_ROLE_NAME_MAX,
                &db.key.span,
                format!(
                    "database `{}` in environment `{}` would have a role named `{name}{LONGEST_SUFFIX}` ({len} characters); IAM allows {}",
                    db.key.value,
                    env.key.value,
                    crate::naming::IAM_ROLE_NAME_MAX
                ),
                "shorten the database, environment or app name",
            );
        }
    }
}
