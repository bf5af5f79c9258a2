//! The VPC: subnets in each zone, NAT gateways, VPC endpoints and flow logs.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform};
use wharf_prices::{PriceTable, HOURS_PER_MONTH};
use wharf_review::rules::single_nat_gateway;

use crate::component::{Call, Component, Readme, TradeOff};
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct Network;

static SINGLE_NAT_GATEWAY: TradeOff = TradeOff {
    rule: &single_nat_gateway::RULE,
    reason: "one NAT gateway serves every zone, saving the hourly charge of one per zone; if \
             its zone fails, tasks in the other zones lose outbound access",
};

static TRADE_OFFS: [&TradeOff; 1] = [&SINGLE_NAT_GATEWAY];

impl Component for Network {
    fn name(&self) -> &'static str {
        "network"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("network")
    }

    fn data(&self, _p: &Platform, env: &Environment) -> Vec<Block> {
        vec![Block::new(
            "data",
            &["aws_availability_zones", "this"],
            Body::new()
                .comment("Zones are chosen by zone ID, which names the same physical zone in every account;\nzone names (us-east-1a) are mapped differently per account in older regions.\nhttps://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html")
                .block(Block::new(
                    "filter",
                    &[],
                    Body::new()
                        .attr("name", Expr::str("zone-id"))
                        .attr("values", Expr::strs(&env.network.zone_ids)),
                )),
        )]
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        // Exhaustive destructuring: a model field that is not rendered fails to compile.
        let wharf_model::Network {
            cidr,
            zone_ids: _, // rendered in data.aws_availability_zones.this
            single_nat_gateway,
            interface_endpoints,
            used_endpoints: _, // said in the README
            flow_log_retention_days,
        } = &env.network;
        let body = Body::new()
            .attr("name", Expr::str(&env.prefix))
            .attr("region", Expr::str(&p.region))
            .attr("cidr", Expr::str(cidr))
            .attr("azs", Expr::raw("data.aws_availability_zones.this.names"))
            .attr("single_nat_gateway", Expr::Bool(*single_nat_gateway))
            .attr(
                "interface_endpoints",
                Expr::strs(interface_endpoints.iter().copied()),
            )
            .attr_opt(
                "dynamodb_gateway_endpoint",
                (!env.tables.is_empty()).then_some(Expr::Bool(true)),
            )
            .attr(
                "flow_log_retention_days",
                Expr::int(*flow_log_retention_days),
            )
            .attr(
                "flow_log_kms_key_arn",
                Expr::raw("module.cluster.kms_key_arn"),
            );
        vec![Call::new(self, "network", body).trade_off(*single_nat_gateway, &SINGLE_NAT_GATEWAY)]
    }

    fn outputs(&self, _env: &Environment) -> Vec<Block> {
        vec![output(
            "vpc_id",
            "ID of the VPC.",
            Expr::raw("module.network.vpc_id"),
        )]
    }

    fn readme(&self, p: &Platform, env: &Environment, readme: &mut Readme) {
        let o = &mut readme.choices;
        let n = &env.network;
        if n.single_nat_gateway {
            let _ = writeln!(
                o,
                "- **One NAT gateway** for the {} Availability Zones ({}). Cheaper, but if its AZ fails, tasks in the other AZs lose outbound internet access{}.",
                n.zone_ids.len(),
                n.zone_ids.join(", "),
                if n.interface_endpoints.is_empty() {
                    ", and with it their image pulls and logs"
                } else {
                    " (AWS APIs they reach through VPC endpoints keep working)"
                }
            );
        } else {
            let _ = writeln!(o, "- **A NAT gateway in each of the {} Availability Zones** ({}), so an AZ failure does not cut the others off.", n.zone_ids.len(), n.zone_ids.join(", "));
        }
        endpoints(o, p, env);
    }

    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &TRADE_OFFS
    }
}

/// Dollars as the READMEs show them: cents, or the price's own precision when it is a
/// fraction of a cent more (`$0.045`).
fn usd(x: f64) -> String {
    let cents = format!("{x:.2}");
    if (cents.parse::<f64>().unwrap_or(x) - x).abs() < 1e-9 {
        return format!("${cents}");
    }
    let fine = format!("{x:.4}");
    format!("${}", fine.trim_end_matches('0'))
}

/// What an interface endpoint costs a month in the environment's zones, and how much
/// traffic to its service makes it cheaper than the NAT gateway. Prices come from the
/// bundled table; in a Region it does not price, the README says so.
fn economics(p: &Platform, env: &Environment) -> (String, Option<f64>) {
    let zones = env.network.zone_ids.len();
    let prices = PriceTable::bundled();
    let rate = |key: &str| prices.get(&p.region, key).map(|x| x.usd);
    let (hour, gb, nat_gb) = (
        rate("vpc_endpoint.interface.az_hour"),
        rate("vpc_endpoint.interface.gb_processed"),
        rate("nat_gateway.gb_processed"),
    );
    let month = hour.map(|h| h * HOURS_PER_MONTH * zones as f64);
    let text = match (month, gb, nat_gb) {
        (Some(m), Some(gb), Some(nat)) if nat > gb => format!(
            "Each endpoint costs {} a month in the {zones} zones ({} per zone-hour) plus {} per GB; the NAT gateway charges {} per GB it processes, so an endpoint is cheaper once its service's traffic passes about {:.0} GB a month (list prices in {}).",
            usd(m),
            usd(m / HOURS_PER_MONTH / zones as f64),
            usd(gb),
            usd(nat),
            m / (nat - gb),
            p.region
        ),
        _ => format!(
            "wharf's price table has no endpoint or NAT prices for {}; `wharf cost --env {}` lists what it prices.",
            p.region, env.name
        ),
    };
    (text, month)
}

/// Which interface endpoints the environment has, and what they cost.
fn endpoints(o: &mut String, p: &Platform, env: &Environment) {
    let n = &env.network;
    let (economics, month) = economics(p, env);
    if n.interface_endpoints.is_empty() {
        let _ = writeln!(
            o,
            "- **No interface VPC endpoints**: image pulls, logs and secrets reach AWS through the NAT gateway (S3, and so ECR's image layers, through the free gateway endpoint). {economics} Add them with `interface_endpoints = [{}]` on this environment.",
            n.used_endpoints
                .iter()
                .map(|e| format!("\"{e}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return;
    }
    let names: Vec<String> = n
        .interface_endpoints
        .iter()
        .map(|e| format!("`{e}`"))
        .collect();
    let _ = writeln!(
        o,
        "- **Interface VPC endpoints** for {} keep that traffic off the NAT gateway and on the AWS network. {economics}{}",
        names.join(", "),
        match month {
            Some(m) => format!(
                " These {} cost {} a month together.",
                n.interface_endpoints.len(),
                usd(m * n.interface_endpoints.len() as f64)
            ),
            None => String::new(),
        }
    );
    if n.pulls_through_nat() {
        let _ = writeln!(
            o,
            "  Image pulls still go through the NAT gateway: `ecr.api` and `ecr.dkr` are not both listed."
        );
    }
}
