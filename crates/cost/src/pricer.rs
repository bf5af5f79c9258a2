//! The line items of one root module and the pricer that makes them: a charge (what, in
//! which unit, at which price of the table), its quantity from the configuration or the
//! usage file, and the price of the root's Region. The price models in `resources/` price
//! through it.

use serde::Serialize;
use wharf_terraform::{Mode, Resource, RootModule};

use crate::prices::PriceTable;
use crate::usage::Usage;

pub use wharf_prices::HOURS_PER_MONTH;

/// One charge of one resource: a quantity, a unit price and their product a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineItem {
    /// `module.network.aws_nat_gateway.this["use1-az1"]`
    pub address: String,
    pub resource_type: String,
    /// What is charged: `NAT gateway hours`, `Fargate vCPU (x86, Spot)`.
    pub component: String,
    /// How much a month, in `unit`; None when it depends on usage the usage file does not give.
    pub quantity: Option<f64>,
    pub unit: String,
    /// USD per `unit`; None when the table has no price for it in this Region.
    pub unit_usd: Option<f64>,
    /// `quantity × unit_usd`, when both are known.
    pub monthly_usd: Option<f64>,
    /// The quantity comes (or would come) from the usage file, not the configuration.
    pub usage_based: bool,
    /// The price table entry used, with its source.
    pub price: Option<PriceRef>,
    /// Why the item is what it is (the task split, an assumption), or why it is not priced.
    pub note: Option<String>,
}

/// Which entry of the price table a line item uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceRef {
    pub key: String,
    pub source: String,
    pub as_of: String,
}

/// What a line item adds to the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Priced,
    /// Priced per unit; the quantity comes from a usage file.
    DependsOnUsage,
    /// The table has no price for it (or the configuration does not say enough).
    NotPriced,
}

impl LineItem {
    pub fn status(&self) -> Status {
        match (self.unit_usd, self.quantity) {
            (None, _) => Status::NotPriced,
            (Some(_), None) => Status::DependsOnUsage,
            (Some(_), Some(_)) => Status::Priced,
        }
    }
}
/// Gathers the line items of one root.
pub(crate) struct Pricer<'a> {
    pub root: &'a RootModule,
    prices: &'a PriceTable,
    usage: &'a Usage,
    pub region: &'a str,
    items: Vec<LineItem>,
}

impl<'a> Pricer<'a> {
    pub fn new(
        root: &'a RootModule,
        prices: &'a PriceTable,
        usage: &'a Usage,
        region: &'a str,
    ) -> Pricer<'a> {
        Pricer {
            root,
            prices,
            usage,
            region,
            items: Vec::new(),
        }
    }

    /// The line items, in the order they were added.
    pub fn into_items(self) -> Vec<LineItem> {
        self.items
    }

    /// The first resource or data source of `kind` that `r`'s argument `arg` refers to.
    pub fn referenced(&self, r: &Resource, arg: &str, kind: &str) -> Option<&'a Resource> {
        self.root.referenced(r, arg).find(|t| t.kind == kind)
    }

    /// Every managed resource of `kind` whose argument `arg` refers to `r`.
    pub fn referring(&self, kind: &str, arg: &str, r: &Resource) -> Vec<&'a Resource> {
        self.root
            .referring(arg, r)
            .filter(|t| t.kind == kind && t.mode == Mode::Managed)
            .collect()
    }

    /// A quantity from the usage file.
    pub fn usage(&self, r: &Resource, key: &str) -> Option<f64> {
        self.usage.get(&r.address, &r.kind, key)
    }

    /// A price of this Region, times `factor` (a discount, Multi-AZ doubling).
    fn unit_price(&self, key: &str, factor: f64) -> (Option<f64>, Option<PriceRef>) {
        match self.prices.get(self.region, key) {
            Some(p) => (
                Some(p.usd * factor),
                Some(PriceRef {
                    key: p.key.clone(),
                    source: p.source.clone(),
                    as_of: p.as_of.clone(),
                }),
            ),
            None => (None, None),
        }
    }

    /// The price of `key` in this Region, if the table has it.
    pub fn price(&self, key: &str) -> Option<f64> {
        self.prices.get(self.region, key).map(|p| p.usd)
    }

    /// A charge whose quantity the configuration decides.
    pub fn fixed(&mut self, r: &Resource, charge: Charge<'_>, quantity: f64) {
        self.push(r, charge, Some(quantity), false);
    }

    /// A charge whose quantity is `usage_key` of the usage file times `scale` (1e-6 to
    /// count millions).
    pub fn metered(&mut self, r: &Resource, charge: Charge<'_>, usage_key: &str, scale: f64) {
        let quantity = self.usage(r, usage_key).map(|q| q * scale);
        self.push(r, charge, quantity, true);
    }

    /// A charge whose quantity was worked out from the usage file.
    pub fn worked_out(&mut self, r: &Resource, charge: Charge<'_>, quantity: f64) {
        self.push(r, charge, Some(quantity), true);
    }

    /// A charge wharf cannot price, and why.
    pub fn unpriced(&mut self, r: &Resource, component: &str, why: &str) {
        self.items.push(LineItem {
            address: r.address.clone(),
            resource_type: r.kind.clone(),
            component: component.to_string(),
            quantity: None,
            unit: String::new(),
            unit_usd: None,
            monthly_usd: None,
            usage_based: false,
            price: None,
            note: Some(why.to_string()),
        });
    }

    fn push(&mut self, r: &Resource, charge: Charge<'_>, quantity: Option<f64>, usage: bool) {
        let (unit_usd, price) = self.unit_price(charge.key, charge.factor);
        let note = match (&unit_usd, charge.note) {
            (None, _) => Some(format!(
                "the price table has no `{}` price in {}",
                charge.key, self.region
            )),
            (Some(_), note) => note,
        };
        self.items.push(LineItem {
            address: r.address.clone(),
            resource_type: r.kind.clone(),
            component: charge.component.to_string(),
            quantity,
            unit: charge.unit.to_string(),
            unit_usd,
            monthly_usd: match (quantity, unit_usd) {
                (Some(q), Some(p)) => Some(q * p),
                _ => None,
            },
            usage_based: usage,
            price,
            note,
        });
    }
}

/// What is charged, in which unit, at which price of the table.
pub(crate) struct Charge<'n> {
    pub component: &'n str,
    pub unit: &'n str,
    pub key: &'n str,
    /// Applied to the table's price: `1 - discount` for Spot, 2 for Multi-AZ.
    pub factor: f64,
    pub note: Option<String>,
}

impl<'n> Charge<'n> {
    pub fn new(component: &'n str, unit: &'n str, key: &'n str) -> Charge<'n> {
        Charge {
            component,
            unit,
            key,
            factor: 1.0,
            note: None,
        }
    }

    pub fn times(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

pub(crate) fn plural(n: f64) -> &'static str {
    if n == 1.0 {
        ""
    } else {
        "s"
    }
}

/// A number as people write it: `0.25`, `2`, `1.2`.
pub(crate) fn trim(n: f64) -> String {
    let s = format!("{n:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
