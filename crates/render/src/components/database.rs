//! A PostgreSQL database, one module call per `[databases.*]` table: an RDS instance or an
//! Aurora Serverless v2 cluster, its proxy, its security groups and its alarms; and what the
//! services that use it are told and allowed.

use std::fmt::Write as _;

use wharf_model::{database_variable, Database, Engine, Environment, Platform};
use wharf_review::rules::{
    database_deletion_protection_disabled, database_without_final_snapshot,
    rds_backup_retention_short, rds_single_az,
};

use crate::component::{Call, Component, Readme, TradeOff};
use crate::components::connections::{client_security_groups, egress_to, Connections};
use crate::hcl::{Block, Body, Expr};
use crate::root::{by_key, code_list, ident, output};

pub struct Databases;

static SINGLE_AZ: TradeOff = TradeOff {
    rule: &rds_single_az::RULE,
    reason: "no standby in a second Availability Zone (`multi_az = false`): if the \
             database's zone or host fails, it is down until RDS replaces it, for half the \
             price",
};
static SHORT_BACKUPS: TradeOff = TradeOff {
    rule: &rds_backup_retention_short::RULE,
    reason: "automated backups kept less than a week (`backup_retention_days`): a mistake \
             noticed later cannot be undone by a point-in-time restore",
};
static UNPROTECTED: TradeOff = TradeOff {
    rule: &database_deletion_protection_disabled::RULE,
    reason: "no deletion protection (`deletion_protection = false`): `terraform destroy` \
             deletes the database, so that a short-lived environment can go away whole",
};
static NO_FINAL_SNAPSHOT: TradeOff = TradeOff {
    rule: &database_without_final_snapshot::RULE,
    reason: "no final snapshot (`final_snapshot = false`): deleting the database deletes \
             its data, which a short-lived environment does not keep",
};
static TRADE_OFFS: [&TradeOff; 4] = [&SINGLE_AZ, &SHORT_BACKUPS, &UNPROTECTED, &NO_FINAL_SNAPSHOT];

/// Days of backups below which review reports them (WH209).
const WEEK: u32 = 7;

/// `database_<key>`: the module call of a database, which the services refer to.
pub(crate) fn label(key: &str) -> String {
    format!("database_{}", ident(key))
}

impl Component for Databases {
    fn name(&self) -> &'static str {
        "database"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("database")
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        env.databases
            .iter()
            .map(|d| call(self, p, env, d))
            .collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.databases.is_empty() {
            return Vec::new();
        }
        let per_database = |attr: &str| by_key(env.databases.iter().map(|d| &d.key), label, attr);
        vec![
            output(
                "database_hosts",
                "Where the services connect to each database (its proxy's endpoint when it has one).",
                per_database("host"),
            ),
            output(
                "database_arns",
                "ARN of each database instance or cluster.",
                per_database("arn"),
            ),
            output(
                "database_secret_arns",
                "Secrets Manager secret in which RDS keeps each database's master user and password.",
                per_database("master_user_secret_arn"),
            ),
        ]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.databases.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Databases\n");
        let _ = writeln!(o, "PostgreSQL in the private subnets, encrypted with the environment's KMS key, TLS required (`rds.force_ssl`), IAM authentication on, Performance Insights and Enhanced Monitoring on, its PostgreSQL log in CloudWatch (kept as long as the service logs), minor versions applied in the Sunday 04:30–05:30 UTC window and backups taken 03:00–04:00 UTC. RDS generates the master user's password and keeps it in Secrets Manager: it never passes through Terraform or its state. Only the services that use a database (or its proxy) may reach its port. Alarms fire on CPU above the threshold for 5 minutes, on low free storage (an instance) or capacity near its maximum (Aurora), and on a proxy's pool nearly used up.\n");
        let _ = writeln!(o, "| database | engine | size | Multi-AZ | backups | deletion | connect through | used by |");
        let _ = writeln!(o, "|---|---|---|---|---|---|---|---|");
        for d in &env.databases {
            let _ = writeln!(o, "{}", row(d));
        }
        let _ = writeln!(o, "\nA service that uses a database finds it in `DATABASE_<NAME>_HOST`, `_PORT`, `_NAME` and `_USER`, and how to sign in from `DATABASE_<NAME>_IAM`:\n");
        let _ = writeln!(o, "- `true` (through RDS Proxy): connect with TLS (`sslmode=verify-full` with the Amazon root CA) and an IAM authentication token as the password, made by the AWS SDK (`rds generate-db-auth-token` for the host, port and user) with the task role, which may `rds-db:connect` to that proxy as that user alone. The task has no password; the proxy reads the secret to reach the database.");
        let _ = writeln!(o, "- `false` (no proxy): the task role may read the secret RDS keeps the user and password in, whose ARN is `DATABASE_<NAME>_SECRET_ARN` (and decrypt it through Secrets Manager alone). RDS rotates that password every 7 days, so read the secret when connecting, and again when a connection is refused (the AWS SDKs' secret caches do), rather than once at start; connect with TLS (`sslmode=require` or stricter).");
        let _ = writeln!(o, "\nThe services sign in as the master user. To use a role with fewer privileges, create it in a migration (`wharf run`) and keep its password in a secret of your own.");
        let _ = writeln!(o, "\nRestore a backup with `aws rds restore-db-instance-to-point-in-time` (or `restore-db-cluster-to-point-in-time` for Aurora) into a new identifier, then point the manifest's database at it; deletion protection and the final snapshot are what stand between `terraform destroy` and the data.");
    }

    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &TRADE_OFFS
    }
}

fn row(d: &Database) -> String {
    let (engine, size) = match &d.engine {
        Engine::Instance {
            instance_class,
            storage_gb,
            max_storage_gb,
        } => (
            format!("RDS for PostgreSQL {}", d.version),
            format!("`{instance_class}`, {storage_gb} GiB gp3 growing to {max_storage_gb} GiB"),
        ),
        Engine::Aurora {
            min_capacity,
            max_capacity,
            auto_pause_seconds,
        } => (
            format!("Aurora PostgreSQL {} Serverless v2", d.version),
            match auto_pause_seconds {
                Some(s) => format!(
                    "0–{max_capacity} ACUs, pauses after {s} s without connections (the first connection then waits about 15 s)"
                ),
                None => format!("{min_capacity}–{max_capacity} ACUs"),
            },
        ),
    };
    let deletion = match (d.deletion_protection, d.final_snapshot) {
        (true, true) => "protected; a final snapshot is taken",
        (true, false) => "protected; no final snapshot",
        (false, true) => "`terraform destroy` deletes it after a final snapshot",
        (false, false) => "`terraform destroy` deletes it and its data",
    };
    format!(
        "| `{}` (database `{}`, user `{}`) | {engine} | {size} | {} | {} days | {deletion} | {} | {} |",
        d.name,
        d.database_name,
        d.username,
        if d.multi_az { "yes" } else { "no" },
        d.backup_retention_days,
        if d.proxy { "RDS Proxy (TLS, IAM)" } else { "the database (TLS, password)" },
        code_list(&d.clients),
    )
}

fn call(component: &Databases, p: &Platform, env: &Environment, d: &Database) -> Call {
    let mut body = Body::new()
        .attr("name", Expr::str(&d.name))
        .attr("region", Expr::str(&p.region))
        .attr_opt(
            "aurora",
            matches!(d.engine, Engine::Aurora { .. }).then_some(Expr::Bool(true)),
        )
        .attr("engine_version", Expr::str(d.version.to_string()));
    body = match &d.engine {
        Engine::Instance {
            instance_class,
            storage_gb,
            max_storage_gb,
        } => body
            .attr("instance_class", Expr::str(instance_class))
            .attr("allocated_storage", Expr::int(*storage_gb))
            .attr("max_allocated_storage", Expr::int(*max_storage_gb)),
        Engine::Aurora {
            min_capacity,
            max_capacity,
            auto_pause_seconds,
        } => body
            .attr("min_capacity", Expr::Float(*min_capacity))
            .attr("max_capacity", Expr::Float(*max_capacity))
            .attr_opt(
                "seconds_until_auto_pause",
                auto_pause_seconds.map(Expr::int),
            ),
    };
    let body = body
        .attr("multi_az", Expr::Bool(d.multi_az))
        .attr("database_name", Expr::str(&d.database_name))
        .attr("username", Expr::str(&d.username))
        .attr("proxy", Expr::Bool(d.proxy))
        .blank()
        .attr("vpc_id", Expr::raw("module.network.vpc_id"))
        .attr("subnet_ids", Expr::raw("module.network.private_subnet_ids"))
        .attr(
            "client_security_group_ids",
            client_security_groups(env, &d.clients),
        )
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .blank()
        .attr("backup_retention_days", Expr::int(d.backup_retention_days))
        .attr("deletion_protection", Expr::Bool(d.deletion_protection))
        .attr("final_snapshot", Expr::Bool(d.final_snapshot))
        .attr("log_retention_days", Expr::int(d.log_retention_days))
        .attr("alarm_topic_arn", Expr::raw("module.alarms.sns_topic_arn"))
        .attr("cpu_alarm_threshold", Expr::int(d.cpu_alarm_percent));
    let instance = matches!(d.engine, Engine::Instance { .. });
    Call::new(component, &label(&d.key), body)
        .trade_off(instance && !d.multi_az, &SINGLE_AZ)
        .trade_off(d.backup_retention_days < WEEK, &SHORT_BACKUPS)
        .trade_off(!d.deletion_protection, &UNPROTECTED)
        .trade_off(!d.final_snapshot, &NO_FINAL_SNAPSHOT)
}

/// What a service that uses databases is given: its `DATABASE_*` variables, the task role's
/// statements (`rds-db:connect` through a proxy, reading the managed secret without one)
/// and the egress to the database's or proxy's security group.
pub(crate) fn connect(
    p: &Platform,
    env: &Environment,
    s: &wharf_model::Service,
    c: &mut Connections,
) {
    for d in env
        .databases
        .iter()
        .filter(|d| s.databases.contains(&d.key))
    {
        let module = format!("module.{}", label(&d.key));
        let var = |a: &str| database_variable(&d.key, a);
        c.environment.extend([
            (var("HOST"), Expr::Raw(format!("{module}.host"))),
            (
                var("PORT"),
                Expr::str(wharf_aws::rds::POSTGRES_PORT.to_string()),
            ),
            (var("NAME"), Expr::str(&d.database_name)),
            (var("USER"), Expr::str(&d.username)),
            (
                var("IAM"),
                Expr::str(if d.proxy { "true" } else { "false" }),
            ),
        ]);
        if d.proxy {
            c.statements.push(Expr::Object(vec![
                (
                    "sid".into(),
                    Expr::str(format!("ConnectDatabase{}", wharf_model::camel(&d.key))),
                ),
                ("actions".into(), Expr::strs(["rds-db:connect"])),
                (
                    "resources".into(),
                    Expr::List(vec![Expr::Raw(format!("{module}.connect_arn"))]),
                ),
            ]));
        } else {
            // The managed secret rotates every 7 days: a password read once at start would
            // stop working, so the task reads the secret itself when it connects.
            // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html
            let secret = format!("{module}.master_user_secret_arn");
            c.environment
                .push((var("SECRET_ARN"), Expr::Raw(secret.clone())));
            c.statements.extend(read_secret(&p.region, &d.key, &secret));
        }
        c.egress.push((
            label(&d.key),
            egress_to(
                &label(&d.key),
                wharf_aws::rds::POSTGRES_PORT..=wharf_aws::rds::POSTGRES_PORT,
            ),
        ));
    }
}

/// `secretsmanager:GetSecretValue` on the database's managed secret, and `kms:Decrypt` on
/// the environment's key, which encrypts it, only through Secrets Manager.
fn read_secret(region: &str, key: &str, secret: &str) -> [Expr; 2] {
    let camel = wharf_model::camel(key);
    let read = Expr::Object(vec![
        (
            "sid".into(),
            Expr::str(format!("ReadDatabase{camel}Secret")),
        ),
        (
            "actions".into(),
            Expr::strs(["secretsmanager:GetSecretValue"]),
        ),
        ("resources".into(), Expr::List(vec![Expr::raw(secret)])),
    ]);
    let decrypt = Expr::Object(vec![
        (
            "sid".into(),
            Expr::str(format!("DecryptDatabase{camel}Secret")),
        ),
        ("actions".into(), Expr::strs(["kms:Decrypt"])),
        (
            "resources".into(),
            Expr::List(vec![Expr::raw("module.cluster.kms_key_arn")]),
        ),
        (
            "conditions".into(),
            Expr::List(vec![Expr::Object(vec![
                ("test".into(), Expr::str("StringEquals")),
                ("variable".into(), Expr::str("kms:ViaService")),
                (
                    "values".into(),
                    Expr::strs([format!("secretsmanager.{region}.amazonaws.com")]),
                ),
            ])]),
        ),
    ]);
    [read, decrypt]
}
