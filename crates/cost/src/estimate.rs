//! Line items per resource address of each root module, priced from the table in the root's
//! Region, with traffic-driven quantities from the usage file.

use std::path::PathBuf;

use wharf_terraform::{Mode, Project, RootModule, Value};

use crate::error::CostError;
use crate::pricer::{LineItem, Pricer, Status};
use crate::prices::PriceTable;
use crate::resources;
use crate::usage::Usage;

/// The estimate of one root module.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub root: PathBuf,
    pub region: String,
    pub items: Vec<LineItem>,
}

impl Estimate {
    /// The monthly total of every priced item. Rust's float sum of nothing is -0.0, which
    /// a report would show as `-0.0`; adding 0.0 makes it 0.
    pub fn total(&self) -> f64 {
        self.items.iter().filter_map(|i| i.monthly_usd).sum::<f64>() + 0.0
    }

    /// The monthly total of what the configuration alone decides (no usage file).
    pub fn fixed(&self) -> f64 {
        self.items
            .iter()
            .filter(|i| !i.usage_based)
            .filter_map(|i| i.monthly_usd)
            .sum::<f64>()
            + 0.0
    }

    pub fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|i| i.status() == status).count()
    }
}

/// What an estimate needs besides the configuration.
pub struct Options<'a> {
    pub prices: &'a PriceTable,
    pub usage: &'a Usage,
    /// Overrides the Region of every root's `provider "aws"` block.
    pub region: Option<&'a str>,
}

/// Prices every root module of a project as it loaded; [`crate::estimate_paths`] and
/// [`crate::estimate_files`] load one and refuse it when it did not load whole.
pub fn estimate(project: &Project, options: &Options<'_>) -> Result<Vec<Estimate>, CostError> {
    project
        .roots
        .iter()
        .map(|root| estimate_root(root, options))
        .collect()
}
fn estimate_root(root: &RootModule, options: &Options<'_>) -> Result<Estimate, CostError> {
    let region = region_of(root, options)?;
    let mut pricer = Pricer::new(root, options.prices, options.usage, &region);
    for r in root.resources.iter().filter(|r| r.mode == Mode::Managed) {
        if r.instances_unknown() {
            pricer.unpriced(
                r,
                "every instance",
                "how many instances `count` or `for_each` makes is not known before apply",
            );
            continue;
        }
        resources::price(&mut pricer, r);
    }
    Ok(Estimate {
        root: root.dir.clone(),
        region: region.clone(),
        items: pricer.into_items(),
    })
}

/// The root's Region: `--region`, else its `provider "aws"` block's `region`.
fn region_of(root: &RootModule, options: &Options<'_>) -> Result<String, CostError> {
    let place = root.dir.display().to_string();
    let place = if place.is_empty() {
        ".".to_string()
    } else {
        place
    };
    let region = match options.region {
        Some(r) => r.to_string(),
        None => match root.provider("aws").map(|p| p.get("region")) {
            Some(Value::String(r)) => r.clone(),
            Some(Value::Null) | None => return Err(CostError::new(
                "the root module sets no AWS Region (no `region` in a `provider \"aws\"` block)",
            )
            .in_place(place)
            .with_help("pass --region REGION")),
            Some(_) => {
                return Err(CostError::new(
                    "the root module's AWS Region is not known before apply",
                )
                .in_place(place)
                .with_help(
                    "pass --region REGION, or give the variable it comes from a value with --var",
                ))
            }
        },
    };
    let known = options.prices.regions();
    if !known.contains(&region.as_str()) {
        return Err(CostError::new(format!(
            "the price table has no prices for Region `{region}`"
        ))
        .in_place(place)
        .with_help(format!(
            "wharf prices {}; prices are added to crates/prices/prices.toml with their sources",
            known.join(", ")
        )));
    }
    Ok(region)
}
