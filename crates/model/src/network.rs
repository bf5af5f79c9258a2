//! The VPC an environment runs in: its address block, zones, NAT gateways and interface
//! endpoints, resolved from the manifest and the profile.

use wharf_manifest::{self as manifest, Diagnostic, Manifest, SecretRef};

use crate::profile::{Endpoints, Profile};
use crate::resolve::pick;

#[derive(Debug, Clone)]
pub struct Network {
    pub cidr: String,
    /// The AZ IDs the VPC spans, at least two.
    pub zone_ids: Vec<String>,
    pub single_nat_gateway: bool,
    /// AWS services reached through interface endpoints instead of the NAT gateway (the
    /// part after `com.amazonaws.<region>.`), in the order of `net::INTERFACE_ENDPOINTS`.
    pub interface_endpoints: Vec<&'static str>,
    /// The endpoints for what the tasks use (image pulls, logs, the secret stores they
    /// read): what `interface_endpoints` would list to keep all of it off the NAT gateway.
    pub used_endpoints: Vec<&'static str>,
    pub flow_log_retention_days: u32,
}

impl Network {
    /// Whether image pulls go through the NAT gateway (no `ecr.api` or `ecr.dkr`
    /// endpoint): a trade-off wharf's own review reports (WH502).
    pub fn pulls_through_nat(&self) -> bool {
        !(self.interface_endpoints.contains(&"ecr.api")
            && self.interface_endpoints.contains(&"ecr.dkr"))
    }
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    p: &Profile,
    diags: &mut Vec<Diagnostic>,
) -> Network {
    let o = &env.overrides;
    let explicit = o.zone_ids.as_ref().or(m.network.zone_ids.as_ref());
    let count = pick(
        &[o.az_count.as_ref(), m.network.az_count.as_ref()],
        p.az_count,
    );
    let zone_ids = match explicit {
        Some(ids) => ids.value.clone(),
        None => {
            let known = manifest::net::default_zone_ids(&m.app.region);
            if count.value as usize > known.len() {
                diags.push(
                    Diagnostic::new(
                        format!(
                            "environment `{}` asks for {} Availability Zones; wharf knows {} in {}",
                            env.key.value,
                            count.value,
                            known.len(),
                            m.app.region.value
                        ),
                        count.span.cloned().unwrap_or(env.key.span.clone()),
                    )
                    .with_help(
                        "lower `az_count`, or list the zones with `zone_ids = [\"use1-az1\", …]`",
                    ),
                );
            }
            known.into_iter().take(count.value as usize).collect()
        }
    };
    let cidr = o
        .cidr
        .as_ref()
        .or(m.network.cidr.as_ref())
        .map(|c| c.value.to_string())
        .unwrap_or_else(|| "10.0.0.0/16".to_string());
    let used_endpoints = used_endpoints(m);
    let interface_endpoints = match (&o.interface_endpoints, p.interface_endpoints) {
        (Some(list), _) => known_order(list.value.iter().map(|e| e.value.as_str())),
        (None, Endpoints::None) => Vec::new(),
        (None, Endpoints::Used) => used_endpoints.clone(),
    };
    Network {
        cidr,
        zone_ids,
        single_nat_gateway: pick(&[o.single_nat_gateway.as_ref()], p.single_nat_gateway).value,
        interface_endpoints,
        used_endpoints,
        flow_log_retention_days: pick(&[o.log_retention_days.as_ref()], p.log_retention_days).value,
    }
}

/// The interface endpoints for what every task does (pull its image, send its logs) and for
/// the secret stores the services read from.
fn used_endpoints(m: &Manifest) -> Vec<&'static str> {
    let mut used = vec!["ecr.api", "ecr.dkr", "logs"];
    for s in m.services.values().flat_map(|s| s.secrets.values()) {
        used.push(match s.value {
            SecretRef::SecretsManager { .. } => "secretsmanager",
            SecretRef::SsmParameter { .. } => "ssm",
        });
    }
    known_order(used.into_iter())
}

/// `names` in the order of the known list, each once, as `&'static` names.
fn known_order<'n>(names: impl Iterator<Item = &'n str>) -> Vec<&'static str> {
    let names: Vec<&str> = names.collect();
    manifest::net::INTERFACE_ENDPOINTS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| names.contains(name))
        .collect()
}
