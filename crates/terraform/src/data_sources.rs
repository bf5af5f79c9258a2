//! What is known of some data sources before apply, from their own arguments.
//!
//! A data source's results are Unknown until Terraform reads them, but some follow from
//! what the configuration asks: `aws_availability_zones` filtered by zone ID returns one
//! zone per ID given. Knowing how many zones there are tells how many subnets, NAT
//! gateways and endpoint interfaces a module makes, which review and cost both need.

use crate::config::{Attr, Block};
use crate::value::Value;

/// Adds the attributes of a data source of `kind` that its arguments decide.
pub(crate) fn derive(kind: &str, body: &mut Block) {
    if kind == "aws_availability_zones" {
        availability_zones(body);
    }
}

/// `filter { name = "zone-id", values = [...] }`: `zone_ids` are those IDs and `names` as
/// many zones whose names are not known; `zone-name` the other way round.
/// <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/availability_zones>
fn availability_zones(body: &mut Block) {
    let mut derived = Vec::new();
    for filter in body.blocks("filter") {
        let Some(values) = filter.get("values").as_list() else {
            continue;
        };
        if values.iter().any(|v| v.as_str().is_none()) {
            continue;
        }
        let unknown = Value::List(vec![Value::Unknown; values.len()]);
        match filter.get("name").as_str() {
            Some("zone-id") => {
                derived.push(("zone_ids", Value::List(values.to_vec())));
                derived.push(("names", unknown));
            }
            Some("zone-name") => {
                derived.push(("names", Value::List(values.to_vec())));
                derived.push(("zone_ids", unknown));
            }
            _ => {}
        }
    }
    for (name, value) in derived {
        if !body.has(name) {
            let span = body.span.clone();
            body.set(
                name,
                Attr {
                    value,
                    span,
                    encoded: None,
                    refs: Vec::new(),
                    origin: None,
                },
            );
        }
    }
}
