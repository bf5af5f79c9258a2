//! A DynamoDB table, one module call per `[tables.*]` table: on-demand billing, the
//! environment's KMS key, point-in-time recovery and deletion protection from the profile,
//! and alarms on throttled requests.

use std::fmt::Write as _;

use wharf_model::{Environment, KeyAttribute, Platform, Table};
use wharf_review::rules::dynamodb_point_in_time_recovery_disabled;

use crate::component::{Call, Component, Readme, TradeOff};
use crate::hcl::{Block, Body, Expr};
use crate::root::{by_key, code_list, ident, output};

pub struct Tables;

static NO_POINT_IN_TIME_RECOVERY: TradeOff = TradeOff {
    rule: &dynamodb_point_in_time_recovery_disabled::RULE,
    reason: "no point-in-time recovery (the dev profile, or point_in_time_recovery = false): \
             a table deleted or overwritten by mistake cannot be restored",
};
static TRADE_OFFS: [&TradeOff; 1] = [&NO_POINT_IN_TIME_RECOVERY];

/// `table_<key>`: the module call of a table, which the services refer to.
pub(crate) fn label(key: &str) -> String {
    format!("table_{}", ident(key))
}

fn key(k: &KeyAttribute) -> Expr {
    Expr::Object(vec![
        ("name".into(), Expr::str(&k.name)),
        ("type".into(), Expr::str(k.kind)),
    ])
}

impl Component for Tables {
    fn name(&self) -> &'static str {
        "table"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("table")
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        env.tables.iter().map(|t| call(self, t)).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.tables.is_empty() {
            return Vec::new();
        }
        let entries = by_key(env.tables.iter().map(|t| &t.key), label, "arn");
        vec![output("table_arns", "ARN of each DynamoDB table.", entries)]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.tables.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Tables\n");
        let _ = writeln!(o, "DynamoDB tables billed per request and encrypted with the environment's KMS key, reached through the VPC's gateway endpoint. A service that uses one finds its name in `TABLE_<NAME>_NAME`; its task role may read (and, unless it asked for `:read`, write) that table and its indexes alone. Alarms fire on throttled requests. Deleting a table deletes its items: with deletion protection on, turn it off in the manifest first.\n");
        let _ = writeln!(o, "| table | key | indexes | TTL | point-in-time recovery | deletion protection | read by | written by | variable |");
        let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|");
        for t in &env.tables {
            let _ = writeln!(o, "{}", row(t));
        }
    }

    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &TRADE_OFFS
    }
}

fn row(t: &Table) -> String {
    let keys = |p: &KeyAttribute, s: &Option<KeyAttribute>| match s {
        Some(s) => format!("`{}` ({}), `{}` ({})", p.name, p.kind, s.name, s.kind),
        None => format!("`{}` ({})", p.name, p.kind),
    };
    let yes = |b: bool| if b { "on" } else { "off" };
    let readers: Vec<String> = t
        .readers
        .iter()
        .filter(|r| !t.writers.contains(r))
        .cloned()
        .collect();
    format!(
        "| `{}` | {} | {} | {} | {} | {} | {} | {} | `{}` |",
        t.name,
        keys(&t.partition_key, &t.sort_key),
        if t.indexes.is_empty() {
            "—".to_string()
        } else {
            t.indexes
                .iter()
                .map(|i| format!("`{}`: {}", i.name, keys(&i.partition_key, &i.sort_key)))
                .collect::<Vec<_>>()
                .join("; ")
        },
        t.ttl_attribute
            .as_ref()
            .map_or("—".to_string(), |a| format!("`{a}`")),
        yes(t.point_in_time_recovery),
        yes(t.deletion_protection),
        code_list(&readers),
        code_list(&t.writers),
        wharf_model::table_name_variable(&t.key),
    )
}

fn call(component: &Tables, t: &Table) -> Call {
    let indexes = t
        .indexes
        .iter()
        .map(|i| {
            let mut entries = vec![
                ("name".to_string(), Expr::str(&i.name)),
                ("partition_key".to_string(), key(&i.partition_key)),
            ];
            if let Some(s) = &i.sort_key {
                entries.push(("sort_key".to_string(), key(s)));
            }
            Expr::Object(entries)
        })
        .collect();
    let body = Body::new()
        .attr("name", Expr::str(&t.name))
        .attr("partition_key", key(&t.partition_key))
        .attr_opt("sort_key", t.sort_key.as_ref().map(key))
        .attr_opt("ttl_attribute", t.ttl_attribute.as_ref().map(Expr::str))
        .attr("indexes", Expr::List(indexes))
        .attr(
            "point_in_time_recovery",
            Expr::Bool(t.point_in_time_recovery),
        )
        .attr("deletion_protection", Expr::Bool(t.deletion_protection))
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .attr("alarm_topic_arn", Expr::raw("module.alarms.sns_topic_arn"));
    Call::new(component, &label(&t.key), body)
        .trade_off(!t.point_in_time_recovery, &NO_POINT_IN_TIME_RECOVERY)
}
