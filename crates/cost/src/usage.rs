//! The usage file: the quantities Terraform cannot say (traffic, data stored), per resource
//! address or as defaults for every resource of a type.
//!
//! ```toml
//! version = 1
//!
//! [defaults.aws_nat_gateway]          # every NAT gateway
//! monthly_data_processed_gb = 100
//!
//! [resources.'module.network.aws_nat_gateway.this["use1-az1"]']   # one, by address
//! monthly_data_processed_gb = 250
//! ```

use std::collections::BTreeMap;

use toml_edit::{Document, Item, TableLike};

use crate::error::CostError;

/// What drives an Application Load Balancer's capacity units (`aws_lb` and `aws_alb`).
const LOAD_BALANCER: &[(&str, &str)] = &[
    (
        "average_lcus",
        "average load balancer capacity units in use each hour",
    ),
    (
        "new_connections_per_second",
        "average new connections a second",
    ),
    (
        "active_connections_per_minute",
        "average active connections a minute",
    ),
    ("processed_gb_per_hour", "average GB processed an hour"),
    (
        "rule_evaluations_per_second",
        "average listener rule evaluations a second",
    ),
    (
        "monthly_data_transfer_out_gb",
        "GB sent to clients on the internet a month",
    ),
];

/// Every quantity a usage file may give, by resource type: (key, what it is).
pub const KEYS: &[(&str, &[(&str, &str)])] = &[
    ("aws_alb", LOAD_BALANCER),
    (
        "aws_api_gateway_rest_api",
        &[("monthly_requests", "API requests a month")],
    ),
    (
        "aws_apigatewayv2_api",
        &[("monthly_requests", "API requests a month")],
    ),
    (
        "aws_cloudwatch_log_group",
        &[
            ("monthly_ingested_gb", "GB of log events ingested a month"),
            (
                "stored_gb",
                "GB stored (without it: a month's ingestion kept for the retention period)",
            ),
        ],
    ),
    (
        "aws_dynamodb_table",
        &[
            (
                "monthly_write_request_units",
                "on-demand write request units a month",
            ),
            (
                "monthly_read_request_units",
                "on-demand read request units a month",
            ),
            (
                "storage_gb",
                "GB stored in the table (and kept by point-in-time recovery when it is on)",
            ),
        ],
    ),
    (
        "aws_ecr_repository",
        &[("stored_gb", "GB of images stored")],
    ),
    (
        "aws_ecs_cluster",
        &[
            (
                "container_insights_metrics",
                "Container Insights metrics (billed as custom metrics)",
            ),
            (
                "container_insights_ingested_gb",
                "GB of Container Insights performance log events a month",
            ),
        ],
    ),
    (
        "aws_elasticache_cluster",
        &[("snapshot_gb", "GB of snapshots kept")],
    ),
    (
        "aws_elasticache_replication_group",
        &[("snapshot_gb", "GB of snapshots kept")],
    ),
    (
        "aws_elasticache_serverless_cache",
        &[
            ("average_stored_gb", "average GB of data stored"),
            ("monthly_ecpus", "ElastiCache Processing Units a month"),
            ("snapshot_gb", "GB of snapshots kept"),
        ],
    ),
    (
        "aws_kms_key",
        &[(
            "monthly_requests",
            "symmetric cryptographic requests a month",
        )],
    ),
    ("aws_lb", LOAD_BALANCER),
    (
        "aws_nat_gateway",
        &[
            (
                "monthly_data_processed_gb",
                "GB through the gateway a month",
            ),
            (
                "monthly_data_transfer_out_gb",
                "GB the gateway sends to the internet a month",
            ),
        ],
    ),
    (
        "aws_rds_cluster",
        &[
            ("storage_gb", "GB stored in the Aurora cluster"),
            ("monthly_io_requests", "Aurora I/O requests a month"),
        ],
    ),
    (
        "aws_rds_cluster_instance",
        &[(
            "acu_hours",
            "Aurora Serverless v2 ACU-hours a month (average capacity × hours it runs; 0 while paused)",
        )],
    ),
    (
        "aws_s3_bucket",
        &[
            ("stored_gb", "GB stored in S3 Standard"),
            (
                "monthly_write_requests",
                "PUT, COPY, POST and LIST requests a month",
            ),
            (
                "monthly_read_requests",
                "GET, SELECT and other requests a month",
            ),
        ],
    ),
    (
        "aws_secretsmanager_secret",
        &[("monthly_api_calls", "API calls a month")],
    ),
    (
        "aws_scheduler_schedule",
        &[(
            "monthly_invocations",
            "scheduled invocations a month (a cron schedule's; a rate's is worked out)",
        )],
    ),
    (
        "aws_sns_topic",
        &[
            ("monthly_publishes", "messages published a month"),
            (
                "monthly_email_deliveries",
                "email notifications delivered a month",
            ),
        ],
    ),
    (
        "aws_sqs_queue",
        &[(
            "monthly_requests",
            "requests a month (each 64 KB chunk is one)",
        )],
    ),
    (
        "aws_vpc_endpoint",
        &[(
            "monthly_data_processed_gb",
            "GB through an interface endpoint a month",
        )],
    ),
    (
        "aws_wafv2_web_acl",
        &[("monthly_requests", "web requests inspected a month")],
    ),
];

/// The quantities of one usage file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    defaults: BTreeMap<String, BTreeMap<String, f64>>,
    resources: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Usage {
    /// Parses a usage file; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Usage, CostError> {
        let doc = Document::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            CostError::at(file, text, at, format!("not valid TOML: {}", e.message()))
                .with_help("a usage file is TOML; `wharf cost --help` shows its layout")
        })?;
        let mut usage = Usage::default();
        for (name, item) in doc.iter() {
            let at = item.span().map_or(0, |s| s.start);
            match name {
                "version" => {
                    if item.as_integer() != Some(1) {
                        return Err(CostError::at(file, text, at, "unknown usage file version")
                            .with_help("write `version = 1`"));
                    }
                }
                "defaults" | "resources" => {
                    let Some(table) = item.as_table_like() else {
                        return Err(CostError::at(
                            file,
                            text,
                            at,
                            format!("`{name}` must be a table"),
                        )
                        .with_help(format!("write [{name}.TYPE_OR_ADDRESS] tables")));
                    };
                    for (key, values) in table.iter() {
                        let kind = if name == "defaults" {
                            key.to_string()
                        } else {
                            resource_type(key).to_string()
                        };
                        let at = values.span().or_else(|| item.span()).map_or(0, |s| s.start);
                        let Some(keys) = keys_of(&kind) else {
                            return Err(CostError::at(
                                file,
                                text,
                                at,
                                format!("wharf prices no usage of `{kind}` (in `{name}.{key}`)"),
                            )
                            .with_help(format!(
                                "resource types with usage: {}",
                                KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                            )));
                        };
                        let values = values.as_table_like().ok_or_else(|| {
                            CostError::at(file, text, at, format!("`{name}.{key}` must be a table"))
                                .with_help("write one `quantity = number` per line under it")
                        })?;
                        let parsed = quantities(file, text, values, keys, &kind)?;
                        let target = if name == "defaults" {
                            &mut usage.defaults
                        } else {
                            &mut usage.resources
                        };
                        target.insert(key.to_string(), parsed);
                    }
                }
                other => return Err(CostError::at(
                    file,
                    text,
                    at,
                    format!("unknown table `{other}`"),
                )
                .with_help(
                    "a usage file has `version`, [defaults.TYPE] and [resources.'ADDRESS'] tables",
                )),
            }
        }
        Ok(usage)
    }

    /// A quantity for the resource at `address`: its own value, or its type's default.
    pub fn get(&self, address: &str, kind: &str, key: &str) -> Option<f64> {
        self.resources
            .get(address)
            .and_then(|q| q.get(key))
            .or_else(|| self.defaults.get(kind).and_then(|q| q.get(key)))
            .copied()
    }

    /// Whether the file gives anything at all.
    pub fn is_empty(&self) -> bool {
        self.defaults.is_empty() && self.resources.is_empty()
    }
}

fn keys_of(kind: &str) -> Option<&'static [(&'static str, &'static str)]> {
    KEYS.iter().find(|(k, _)| *k == kind).map(|(_, keys)| *keys)
}

fn quantities(
    file: &str,
    text: &str,
    values: &dyn TableLike,
    keys: &[(&str, &str)],
    kind: &str,
) -> Result<BTreeMap<String, f64>, CostError> {
    let mut out = BTreeMap::new();
    for (key, item) in values.iter() {
        let at = item.span().map_or(0, |s| s.start);
        if !keys.iter().any(|(k, _)| *k == key) {
            return Err(CostError::at(
                file,
                text,
                at,
                format!("`{key}` is not a usage quantity of `{kind}`"),
            )
            .with_help(format!(
                "`{kind}` takes: {}",
                keys.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )));
        }
        let value = match item {
            Item::Value(v) => v.as_float().or_else(|| v.as_integer().map(|n| n as f64)),
            _ => None,
        };
        match value {
            Some(v) if v >= 0.0 && v.is_finite() => {
                out.insert(key.to_string(), v);
            }
            _ => {
                return Err(CostError::at(
                    file,
                    text,
                    at,
                    format!("`{key}` must be a number of zero or more"),
                )
                .with_help(format!("write `{key} = 100`")))
            }
        }
    }
    Ok(out)
}

/// The resource type of an address: `aws_nat_gateway` of
/// `module.network.aws_nat_gateway.this["a"]`.
pub fn resource_type(address: &str) -> &str {
    let mut rest = address;
    loop {
        if let Some(after) = rest.strip_prefix("module.") {
            // `module.NAME` or `module.NAME[key]`, then a dot.
            match after.find('.') {
                Some(dot) if !after[..dot].contains('"') => rest = &after[dot + 1..],
                _ => match after.find("].") {
                    Some(end) => rest = &after[end + 2..],
                    None => return "",
                },
            }
        } else if let Some(after) = rest.strip_prefix("data.") {
            rest = after;
        } else {
            return rest.split('.').next().unwrap_or("");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_come_from_addresses() {
        assert_eq!(resource_type("aws_nat_gateway.this"), "aws_nat_gateway");
        assert_eq!(
            resource_type("module.network.aws_nat_gateway.this[\"use1-az1\"]"),
            "aws_nat_gateway"
        );
        assert_eq!(
            resource_type("module.svc[\"a.b\"].module.x.aws_lb.this[0]"),
            "aws_lb"
        );
    }

    #[test]
    fn a_resource_value_wins_over_its_type_default() {
        let u = Usage::parse(
            "usage.toml",
            "version = 1\n[defaults.aws_nat_gateway]\nmonthly_data_processed_gb = 100\n[resources.'aws_nat_gateway.b']\nmonthly_data_processed_gb = 7\n",
        )
        .unwrap();
        let get = |a| u.get(a, "aws_nat_gateway", "monthly_data_processed_gb");
        assert_eq!(get("aws_nat_gateway.a"), Some(100.0));
        assert_eq!(get("aws_nat_gateway.b"), Some(7.0));
        assert_eq!(u.get("aws_lb.x", "aws_lb", "average_lcus"), None);
    }

    #[test]
    fn mistakes_are_located_and_explained() {
        let e = Usage::parse(
            "usage.toml",
            "version = 1\n[defaults.aws_nat_gateway]\nmonthly_data_gb = 100\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "usage.toml:3:19: `monthly_data_gb` is not a usage quantity of `aws_nat_gateway`"
            ),
            "{e}"
        );
        assert!(
            e.contains("help: `aws_nat_gateway` takes: monthly_data_processed_gb"),
            "{e}"
        );

        let e = Usage::parse("u.toml", "[defaults.aws_iam_role]\nx = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("wharf prices no usage of `aws_iam_role`"), "{e}");

        let e = Usage::parse(
            "u.toml",
            "[defaults.aws_sqs_queue]\nmonthly_requests = -5\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("u.toml:2:20:"), "{e}");
    }
}
