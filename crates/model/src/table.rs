//! The DynamoDB tables of an environment, and what each service may do with them.

use wharf_manifest::{self as manifest, naming, KeyAttribute, Manifest, Use};

use crate::profile::Profile;
use crate::resolve::{pick, services_using};
use crate::service::{Statement, ACCOUNT};

/// A table, billed on demand and encrypted with the environment's KMS key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub key: String,
    /// `{app}-{env}-{table}`.
    pub name: String,
    pub partition_key: KeyAttribute,
    pub sort_key: Option<KeyAttribute>,
    pub ttl_attribute: Option<String>,
    pub indexes: Vec<Index>,
    /// 35 days of continuous backups (the profile's choice: staging and prod).
    pub point_in_time_recovery: bool,
    /// The profile's deletion protection (prod).
    pub deletion_protection: bool,
    /// Keys of the services that read it.
    pub readers: Vec<String>,
    /// Keys of the services that write it (they may read it too).
    pub writers: Vec<String>,
}

/// A global secondary index, projecting every attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub partition_key: KeyAttribute,
    pub sort_key: Option<KeyAttribute>,
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    t: &manifest::Table,
) -> Table {
    let o = &env.overrides;
    let users = |write: bool| {
        services_using(
            m,
            |u| matches!(u, Use::Table { table, write: w } if table.value == t.key.value && (*w || !write)),
        )
    };
    Table {
        key: t.key.value.clone(),
        name: naming::service_name(&m.app.name, &env.key, &t.key),
        partition_key: t.partition_key.value.clone(),
        sort_key: t.sort_key.as_ref().map(|k| k.value.clone()),
        ttl_attribute: t.ttl_attribute.as_ref().map(|a| a.value.clone()),
        indexes: t
            .indexes
            .iter()
            .map(|i| Index {
                name: i.key.value.clone(),
                partition_key: i.partition_key.value.clone(),
                sort_key: i.sort_key.as_ref().map(|k| k.value.clone()),
            })
            .collect(),
        point_in_time_recovery: pick(
            &[o.point_in_time_recovery.as_ref()],
            p.point_in_time_recovery,
        )
        .value,
        deletion_protection: pick(&[o.deletion_protection.as_ref()], p.deletion_protection).value,
        readers: users(false),
        writers: users(true),
    }
}

/// The task role statements for the tables a service uses: the item actions of its access,
/// on the table and its indexes only. DynamoDB uses the table's KMS key through a grant of
/// its own, so the task needs no key permission.
/// <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html>
pub(crate) fn statements(
    m: &Manifest,
    env: &manifest::Environment,
    svc: &manifest::Service,
) -> Vec<Statement> {
    let region = &m.app.region.value;
    let mut out = Vec::new();
    for u in &svc.uses {
        let Use::Table { table, write } = &u.value else {
            continue;
        };
        let name = naming::service_name(&m.app.name, &env.key, table);
        let arn = format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}");
        let mut actions: Vec<String> = [
            "dynamodb:BatchGetItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
        ]
        .map(String::from)
        .to_vec();
        if *write {
            actions.extend(
                [
                    "dynamodb:BatchWriteItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                ]
                .map(String::from),
            );
            actions.sort();
        }
        out.push(Statement {
            sid: format!("Table{}", crate::service::camel(&table.value)),
            actions,
            resources: vec![arn.clone(), format!("{arn}/index/*")],
            conditions: vec![],
        });
    }
    out
}
