//! `[network]` and the network keys an environment may override: the VPC's address block
//! and its Availability Zones; and `interface_endpoints`.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::net;
use crate::read::{closest, Sink, TableReader};
use crate::types::*;

fn read_cidr(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<Cidr>> {
    let raw = t.string(sink, "cidr")?;
    match net::parse_cidr(&raw) {
        // 16 subnets per VPC: a /23 gives /27s, the smallest subnet an ALB accepts.
        Ok(c) if !(16..=23).contains(&c.prefix) => {
            sink.push(
                Diagnostic::new(
                    format!("the VPC block `{}` is a /{}; wharf needs /16 to /23", raw.value, c.prefix),
                    raw.span.clone(),
                )
                .with_help("wharf cuts the VPC into 16 equal subnets, so use a block from /16 to /23 (subnets of at least /27, as an ALB needs), e.g. `10.0.0.0/16`"),
            );
            None
        }
        Ok(c) if !net::is_private(&c) => {
            sink.push(
                Diagnostic::new(
                    format!("`{}` is not a private (RFC 1918) range", raw.value),
                    raw.span.clone(),
                )
                .with_help("use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"),
            );
            None
        }
        Ok(c) => Some(Spanned::new(c, raw.span)),
        Err(msg) => {
            sink.push(
                Diagnostic::new(msg, raw.span.clone())
                    .with_help("write an IPv4 block such as `10.0.0.0/16`"),
            );
            None
        }
    }
}

fn read_az_count(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<u32>> {
    t.integer_in(
        sink,
        "az_count",
        2..=6,
        "ECS services and load balancers need at least two Availability Zones; use 2 to 6",
    )
}

/// `zone_ids`: at least two distinct AZ IDs (`use1-az1`). Their region is checked once the
/// app's region is known.
fn read_zone_ids(t: &mut TableReader, sink: &mut Sink) -> Option<Spanned<Vec<String>>> {
    let list = t.string_list(sink, "zone_ids")?;
    let mut ids: Vec<String> = Vec::new();
    for z in &list.value {
        let ok = z.split_once("-az").is_some_and(|(p, n)| {
            !p.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
        });
        if !ok {
            sink.push(
                Diagnostic::new(format!("`{}` is not an AZ ID", z.value), z.span.clone())
                    .with_help(
                    "AZ IDs look like `use1-az1`; `aws ec2 describe-availability-zones` lists them",
                ),
            );
        } else if ids.contains(&z.value) {
            sink.push(
                Diagnostic::new(format!("`{}` is listed twice", z.value), z.span.clone())
                    .with_help("list each zone once"),
            );
        } else {
            ids.push(z.value.clone());
        }
    }
    sink.check(
        !(ids.len() < 2 && ids.len() == list.value.len()),
        &list.span,
        "`zone_ids` lists fewer than two zones",
        "ECS services and load balancers need at least two Availability Zones",
    );
    (ids.len() == list.value.len()).then(|| Spanned::new(ids, list.span))
}

/// The network keys an environment may override.
pub(super) fn read_overrides(t: &mut TableReader, sink: &mut Sink, o: &mut Overrides) {
    o.az_count = read_az_count(t, sink);
    o.zone_ids = read_zone_ids(t, sink);
    o.cidr = read_cidr(t, sink);
    o.single_nat_gateway = t.boolean(sink, "single_nat_gateway");
    o.interface_endpoints = read_interface_endpoints(t, sink);
}

pub(super) fn read_network(mut t: TableReader, sink: &mut Sink) -> Network {
    let cidr = read_cidr(&mut t, sink);
    let az_count = read_az_count(&mut t, sink);
    let zone_ids = read_zone_ids(&mut t, sink);
    t.finish(sink);
    Network {
        cidr,
        az_count,
        zone_ids,
    }
}

/// `interface_endpoints`: AWS services the environment reaches through interface VPC
/// endpoints instead of the NAT gateway, each at most once.
fn read_interface_endpoints(
    t: &mut TableReader,
    sink: &mut Sink,
) -> Option<Spanned<Vec<Spanned<String>>>> {
    let list = t.string_list(sink, "interface_endpoints")?;
    let mut seen: Vec<&str> = Vec::new();
    let mut ok = true;
    for e in &list.value {
        if !net::INTERFACE_ENDPOINTS
            .iter()
            .any(|(name, _)| *name == e.value)
        {
            let names: Vec<&str> = net::INTERFACE_ENDPOINTS.iter().map(|(n, _)| *n).collect();
            let mut d = Diagnostic::new(
                format!("`{}` is not an interface endpoint wharf knows", e.value),
                e.span.clone(),
            );
            if let Some(c) = closest(&e.value, &names) {
                d = d.with_label(format!("did you mean `{c}`?"));
            }
            sink.push(d.with_help(format!("use any of: {}", names.join(", "))));
            ok = false;
        } else if seen.contains(&e.value.as_str()) {
            sink.push(
                Diagnostic::new(format!("`{}` is listed twice", e.value), e.span.clone())
                    .with_help("list each endpoint once"),
            );
            ok = false;
        } else {
            seen.push(&e.value);
        }
    }
    ok.then_some(list)
}

/// AZ IDs belong to the app's Region: `use1-az1` in us-east-1.
pub(super) fn check_zone_regions(
    app: &App,
    network: &Network,
    environments: &BTreeMap<String, Environment>,
    sink: &mut Sink,
) {
    let zone_lists = network.zone_ids.iter().chain(
        environments
            .values()
            .filter_map(|e| e.overrides.zone_ids.as_ref()),
    );
    if let Some(prefix) = net::zone_id_prefix(&app.region) {
        for list in zone_lists {
            for id in &list.value {
                sink.check(
                    id.starts_with(&format!("{prefix}-az")),
                    &list.span,
                    format!("`{id}` is not an AZ of {}", app.region.value),
                    format!("AZ IDs of {} start with `{prefix}-az`", app.region.value),
                );
            }
        }
    }
}
