//! NAT gateways, public IPv4 addresses, VPC endpoints, load balancers, Route 53 zones and
//! API Gateway APIs.

use wharf_terraform::{Resource, Value};

use crate::pricer::{plural, Charge, Pricer, HOURS_PER_MONTH};

/// Hours, the public IPv4 address of a public gateway, and the data it processes.
/// <https://aws.amazon.com/vpc/pricing/>
pub fn nat_gateway(p: &mut Pricer<'_>, r: &Resource) {
    p.fixed(
        r,
        Charge::new("NAT gateway hours", "hours", "nat_gateway.hour"),
        HOURS_PER_MONTH,
    );
    if r.body.get("connectivity_type").as_str() != Some("private") {
        p.fixed(
            r,
            Charge::new("public IPv4 address", "IP-hours", "public_ipv4.hour"),
            HOURS_PER_MONTH,
        );
    }
    p.metered(
        r,
        Charge::new("data processed", "GB", "nat_gateway.gb_processed"),
        "monthly_data_processed_gb",
        1.0,
    );
    if r.body.get("connectivity_type").as_str() != Some("private") {
        data_transfer_out(p, r);
    }
}

/// Data transfer out to the internet, in AWS's monthly tiers (10 TB, 40 TB, 100 TB, then
/// the rest; a TB is 1,024 GB in the Price List). The tiers and the first 100 GB a month,
/// which are free, count across the whole account, so a resource priced on its own is an
/// upper bound. <https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer>
fn data_transfer_out(p: &mut Pricer<'_>, r: &Resource) {
    const KEY: &str = "monthly_data_transfer_out_gb";
    const TIERS: [(&str, &str, f64); 4] = [
        ("first 10 TB", "data_transfer.out_gb.first_10tb", 10_240.0),
        ("next 40 TB", "data_transfer.out_gb.next_40tb", 40_960.0),
        ("next 100 TB", "data_transfer.out_gb.next_100tb", 102_400.0),
        (
            "over 150 TB",
            "data_transfer.out_gb.over_150tb",
            f64::INFINITY,
        ),
    ];
    const NOTE: &str = "tiers and the free 100 GB a month count across the account";
    let Some(mut left) = p.usage(r, KEY) else {
        let (tier, key, _) = TIERS[0];
        p.metered(
            r,
            Charge::new(&format!("data transfer out ({tier})"), "GB", key).note(NOTE),
            KEY,
            1.0,
        );
        return;
    };
    for (tier, key, size) in TIERS {
        if left <= 0.0 {
            break;
        }
        let gb = left.min(size);
        left -= gb;
        p.worked_out(
            r,
            Charge::new(&format!("data transfer out ({tier})"), "GB", key).note(NOTE),
            gb,
        );
    }
}

/// An Elastic IP is a public IPv4 address; one a NAT gateway uses is priced on the gateway.
pub fn elastic_ip(p: &mut Pricer<'_>, r: &Resource) {
    if !p
        .referring("aws_nat_gateway", "allocation_id", r)
        .is_empty()
    {
        return;
    }
    p.fixed(
        r,
        Charge::new("public IPv4 address", "IP-hours", "public_ipv4.hour"),
        HOURS_PER_MONTH,
    );
}

/// Interface endpoints: an hourly charge in each subnet's Availability Zone, and data.
/// Gateway endpoints (S3, DynamoDB) are free.
/// <https://aws.amazon.com/privatelink/pricing/>
pub fn vpc_endpoint(p: &mut Pricer<'_>, r: &Resource) {
    match r.body.get("vpc_endpoint_type") {
        Value::String(t) if t == "Interface" => {
            let Some(zones) = r.body.get("subnet_ids").as_list().map(<[Value]>::len) else {
                p.unpriced(
                    r,
                    "interface endpoint hours",
                    "how many subnets (Availability Zones) the endpoint is in is not known",
                );
                return;
            };
            p.fixed(
                r,
                Charge::new(
                    "interface endpoint hours",
                    "endpoint-AZ-hours",
                    "vpc_endpoint.interface.az_hour",
                )
                .note(format!("{zones} Availability Zone{}", plural(zones as f64))),
                zones as f64 * HOURS_PER_MONTH,
            );
            p.metered(
                r,
                Charge::new(
                    "data processed",
                    "GB",
                    "vpc_endpoint.interface.gb_processed",
                ),
                "monthly_data_processed_gb",
                1.0,
            );
        }
        // The provider's default type is Gateway.
        Value::String(t) if t == "Gateway" => p.fixed(
            r,
            Charge::new(
                "gateway endpoint",
                "endpoint-months",
                "vpc_endpoint.gateway.month",
            ),
            1.0,
        ),
        Value::Null => p.fixed(
            r,
            Charge::new(
                "gateway endpoint",
                "endpoint-months",
                "vpc_endpoint.gateway.month",
            ),
            1.0,
        ),
        Value::String(t) => p.unpriced(
            r,
            "endpoint hours",
            &format!("`{t}` endpoints are not in the price table"),
        ),
        _ => p.unpriced(r, "endpoint hours", "the endpoint type is not known"),
    }
}

/// Application Load Balancers: hours, load balancer capacity units, and the public IPv4
/// address of each Availability Zone node of an internet-facing one.
/// <https://aws.amazon.com/elasticloadbalancing/pricing/>
pub fn load_balancer(p: &mut Pricer<'_>, r: &Resource) {
    match r.body.get("load_balancer_type") {
        Value::Null => {}
        Value::String(t) if t == "application" => {}
        Value::String(t) => {
            p.unpriced(
                r,
                "load balancer hours",
                &format!("`{t}` load balancers are not in the price table"),
            );
            return;
        }
        _ => {
            p.unpriced(
                r,
                "load balancer hours",
                "the load balancer type is not known",
            );
            return;
        }
    }
    p.fixed(
        r,
        Charge::new("load balancer hours", "hours", "alb.hour"),
        HOURS_PER_MONTH,
    );
    let lcu = Charge::new("capacity units (LCU)", "LCU-hours", "alb.lcu_hour");
    match lcus(p, r) {
        Some((lcus, how)) => {
            let quantity = lcus * HOURS_PER_MONTH;
            p.worked_out(r, lcu.note(how), quantity);
        }
        None => p.metered(r, lcu, "average_lcus", HOURS_PER_MONTH),
    }
    if r.body.get("internal").as_bool() == Some(true) {
        return;
    }
    data_transfer_out(p, r);
    let zones = match (
        r.body.get("subnets"),
        r.body.blocks("subnet_mapping").count(),
    ) {
        (Value::List(items), _) => Some(items.len()),
        (Value::Null, n) if n > 0 => Some(n),
        _ => None,
    };
    match zones {
        Some(n) => p.fixed(
            r,
            Charge::new("public IPv4 addresses", "IP-hours", "public_ipv4.hour").note(format!(
                "one per Availability Zone ({n}); more while scaled out"
            )),
            n as f64 * HOURS_PER_MONTH,
        ),
        None => p.unpriced(
            r,
            "public IPv4 addresses",
            "how many subnets (Availability Zones) the load balancer is in is not known",
        ),
    }
}

/// Average LCUs from the usage file: given directly, or the highest of the four
/// dimensions (25 new connections a second, 3,000 active connections a minute, 1 GB an
/// hour, 1,000 rule evaluations a second), as AWS bills them.
fn lcus(p: &Pricer<'_>, r: &Resource) -> Option<(f64, String)> {
    if let Some(n) = p.usage(r, "average_lcus") {
        return Some((n, format!("{n} LCU on average (usage file)")));
    }
    let dimensions = [
        ("new_connections_per_second", 25.0),
        ("active_connections_per_minute", 3000.0),
        ("processed_gb_per_hour", 1.0),
        ("rule_evaluations_per_second", 1000.0),
    ];
    let given: Vec<(&str, f64)> = dimensions
        .iter()
        .filter_map(|(key, per_lcu)| p.usage(r, key).map(|v| (*key, v / per_lcu)))
        .collect();
    let (key, most) = given.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some((most, format!("{most:.2} LCU on average, set by {key}")))
}

/// A hosted zone's monthly charge (queries are not priced).
pub fn hosted_zone(p: &mut Pricer<'_>, r: &Resource) {
    p.fixed(
        r,
        Charge::new("hosted zone", "zone-months", "route53.hosted_zone_month"),
        1.0,
    );
}

/// API Gateway requests: HTTP APIs and REST APIs (WebSocket APIs are not priced).
pub fn api(p: &mut Pricer<'_>, r: &Resource) {
    let key = match (r.kind.as_str(), r.body.get("protocol_type").as_str()) {
        ("aws_api_gateway_rest_api", _) => "apigateway.rest.requests_million",
        (_, Some("HTTP")) => "apigateway.http.requests_million",
        (_, Some(other)) => {
            p.unpriced(
                r,
                "requests",
                &format!("`{other}` APIs are not in the price table"),
            );
            return;
        }
        _ => {
            p.unpriced(r, "requests", "the API's protocol type is not known");
            return;
        }
    };
    p.metered(
        r,
        Charge::new("requests", "1M requests", key),
        "monthly_requests",
        1e-6,
    );
}
