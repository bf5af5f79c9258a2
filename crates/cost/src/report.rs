//! Estimates for people (a text table per root module), scripts (JSON with a top-level
//! monthly `total`) and pull requests (Markdown), and the difference between two estimates.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::estimate::Estimate;
use crate::pricer::{LineItem, Status, HOURS_PER_MONTH};

/// `$1,234.56`
pub fn money(usd: f64) -> String {
    let cents = (usd * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    format!("{sign}${}.{:02}", thousands(cents / 100), cents % 100)
}

/// `+$65.70`, `-$3.65`, `$0.00`
pub fn signed_money(usd: f64) -> String {
    if (usd * 100.0).round() as i64 > 0 {
        format!("+{}", money(usd))
    } else {
        money(usd)
    }
}

fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A quantity with at most three decimals and thousands separators: `1,460`, `0.5`.
fn quantity(q: f64) -> String {
    let whole = q.trunc() as i64;
    let fraction = format!("{:.3}", q.fract().abs());
    let fraction = fraction.trim_start_matches('0').trim_end_matches('0');
    let fraction = if fraction == "." { "" } else { fraction };
    format!("{}{fraction}", thousands(whole))
}

/// A unit price, with as many decimals as the table gives: `$0.04048`.
fn unit_price(usd: f64) -> String {
    let s = format!("{usd:.6}");
    let s = s.trim_end_matches('0');
    let s = if s.ends_with('.') {
        format!("{s}00")
    } else {
        s.to_string()
    };
    let decimals = s.split('.').nth(1).map_or(0, str::len);
    if decimals < 2 {
        format!("${s}0")
    } else {
        format!("${s}")
    }
}

/// An item's quantity, unit price and monthly cost as shown; `dash` where there is none.
fn cells(item: &LineItem, dash: &str) -> [String; 3] {
    let rate = item.unit_usd.map(unit_price);
    match item.status() {
        Status::Priced => [
            // "20 × 10k requests" rather than "20 10k requests".
            format!(
                "{}{}{}",
                quantity(item.quantity.unwrap_or_default()),
                if item.unit.starts_with(|c: char| c.is_ascii_digit()) {
                    " × "
                } else {
                    " "
                },
                item.unit
            ),
            rate.unwrap_or_default(),
            money(item.monthly_usd.unwrap_or_default()),
        ],
        Status::DependsOnUsage => [
            "depends on usage".to_string(),
            format!("{} per {}", rate.unwrap_or_default(), singular(&item.unit)),
            dash.to_string(),
        ],
        Status::NotPriced => ["not priced".to_string(), String::new(), dash.to_string()],
    }
}

fn root_name(e: &Estimate) -> String {
    let s = e.root.display().to_string();
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// The text report: one table per root module, items grouped by resource address.
pub fn text(estimates: &[Estimate]) -> String {
    let mut out = String::new();
    for e in estimates {
        let _ = writeln!(
            out,
            "{} ({}): {} a month",
            root_name(e),
            e.region,
            money(e.total())
        );
        let mut last = "";
        for item in &e.items {
            if item.address != last {
                let _ = writeln!(out, "  {}", item.address);
                last = &item.address;
            }
            let [amount, rate, monthly] = cells(item, "-");
            let _ = writeln!(
                out,
                "    {:<38} {:>24} {:>24} {:>11}",
                item.component, amount, rate, monthly
            );
            if let Some(note) = &item.note {
                let _ = writeln!(out, "      {note}");
            }
        }
        let _ = writeln!(out, "  {}", summary(e));
        out.push('\n');
    }
    if estimates.len() > 1 {
        let total: f64 = estimates.iter().map(Estimate::total).sum();
        let _ = writeln!(
            out,
            "Total of {} root modules: {} a month",
            estimates.len(),
            money(total)
        );
    }
    out
}

/// `vCPU-hours` → `vCPU-hour`, for "$0.04 per vCPU-hour"; counted units (`1M requests`)
/// stay as they are.
fn singular(unit: &str) -> String {
    if unit.starts_with(|c: char| c.is_ascii_digit()) {
        return unit.to_string();
    }
    match unit.strip_suffix('s') {
        Some(s) if !unit.ends_with("ss") => s.to_string(),
        _ => unit.to_string(),
    }
}

fn summary(e: &Estimate) -> String {
    let depends = e.count(Status::DependsOnUsage);
    let unpriced = e.count(Status::NotPriced);
    let mut s = format!(
        "total {} a month ({} fixed by the configuration)",
        money(e.total()),
        money(e.fixed())
    );
    if depends > 0 {
        let _ = write!(
            s,
            "; {depends} {} on usage: give {} in a usage file (--usage)",
            if depends == 1 {
                "item depends"
            } else {
                "items depend"
            },
            if depends == 1 { "it" } else { "them" }
        );
    }
    if unpriced > 0 {
        let _ = write!(s, "; {unpriced} not priced");
    }
    s
}

/// Money in JSON: rounded to a hundredth of a cent, so that sums read cleanly.
fn round(usd: f64) -> f64 {
    (usd * 10_000.0).round() / 10_000.0
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    currency: &'static str,
    hours_per_month: f64,
    /// Monthly, every root module together.
    total: f64,
    roots: Vec<JsonRoot<'a>>,
}

#[derive(Serialize)]
struct JsonRoot<'a> {
    root: String,
    region: &'a str,
    total: f64,
    fixed: f64,
    depends_on_usage: usize,
    not_priced: usize,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    #[serde(flatten)]
    item: &'a LineItem,
    status: &'static str,
}

/// The JSON report, with a top-level monthly `total`.
pub fn json(estimates: &[Estimate]) -> String {
    let roots: Vec<JsonRoot<'_>> = estimates
        .iter()
        .map(|e| JsonRoot {
            root: root_name(e),
            region: &e.region,
            total: round(e.total()),
            fixed: round(e.fixed()),
            depends_on_usage: e.count(Status::DependsOnUsage),
            not_priced: e.count(Status::NotPriced),
            items: e
                .items
                .iter()
                .map(|item| JsonItem {
                    item,
                    status: match item.status() {
                        Status::Priced => "priced",
                        Status::DependsOnUsage => "depends_on_usage",
                        Status::NotPriced => "not_priced",
                    },
                })
                .collect(),
        })
        .collect();
    let report = JsonReport {
        version: 1,
        currency: "USD",
        hours_per_month: HOURS_PER_MONTH,
        total: round(estimates.iter().map(Estimate::total).sum()),
        roots,
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

/// The Markdown report: a table per root module.
pub fn markdown(estimates: &[Estimate]) -> String {
    let mut out = String::new();
    for e in estimates {
        let _ = writeln!(
            out,
            "### `{}` ({}): {} a month\n",
            root_name(e),
            e.region,
            money(e.total())
        );
        out.push_str("| Resource | Component | Quantity | Unit price | Monthly |\n");
        out.push_str("|---|---|---:|---:|---:|\n");
        for item in &e.items {
            let [amount, rate, monthly] = cells(item, "–");
            let _ = writeln!(
                out,
                "| `{}` | {} | {amount} | {rate} | {monthly} |",
                item.address.replace('|', "\\|"),
                item.component
            );
        }
        let _ = writeln!(out, "\n{}.\n", capitalize(&summary(e)));
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

/// One line of a comparison: a component of a resource in either estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    pub address: String,
    pub component: String,
    pub before_usd: Option<f64>,
    pub after_usd: Option<f64>,
    pub delta_usd: f64,
}

/// What changes a month from `before` to `after`, per line item (matched by address and
/// component), and in total.
pub fn compare(before: &[Estimate], after: &[Estimate]) -> (Vec<Delta>, f64, f64) {
    let mut rows: BTreeMap<(String, String), (Option<f64>, Option<f64>)> = BTreeMap::new();
    for (side, estimates) in [(0, before), (1, after)] {
        for e in estimates {
            for item in &e.items {
                let entry = rows
                    .entry((item.address.clone(), item.component.clone()))
                    .or_default();
                let slot = if side == 0 {
                    &mut entry.0
                } else {
                    &mut entry.1
                };
                *slot = Some(slot.unwrap_or_default() + item.monthly_usd.unwrap_or_default());
            }
        }
    }
    let deltas = rows
        .into_iter()
        .map(|((address, component), (b, a))| Delta {
            delta_usd: a.unwrap_or_default() - b.unwrap_or_default(),
            address,
            component,
            before_usd: b,
            after_usd: a,
        })
        .collect();
    (
        deltas,
        before.iter().map(Estimate::total).sum(),
        after.iter().map(Estimate::total).sum(),
    )
}

/// The comparison as text: the items whose monthly cost changes, and the totals.
pub fn compare_text(
    before_name: &str,
    after_name: &str,
    before: &[Estimate],
    after: &[Estimate],
) -> String {
    let (deltas, b, a) = compare(before, after);
    let shown: Vec<&Delta> = deltas
        .iter()
        .filter(|d| (d.delta_usd * 100.0).round() != 0.0)
        .collect();
    let labels: Vec<String> = shown
        .iter()
        .map(|d| format!("{} {}", d.address, d.component))
        .collect();
    // As wide as the longest line item, so that the figures stay in their columns.
    let w = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(70);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<w$} {:>12} {:>12} {:>12}",
        "monthly", before_name, after_name, "change"
    );
    let cell = |v: Option<f64>| v.map_or("-".to_string(), money);
    for (d, label) in shown.iter().zip(&labels) {
        let _ = writeln!(
            out,
            "{label:<w$} {:>12} {:>12} {:>12}",
            cell(d.before_usd),
            cell(d.after_usd),
            signed_money(d.delta_usd)
        );
    }
    let _ = writeln!(
        out,
        "{:<w$} {:>12} {:>12} {:>12}",
        "total",
        money(b),
        money(a),
        signed_money(a - b)
    );
    out
}

#[derive(Serialize)]
struct JsonComparison<'a> {
    version: u32,
    currency: &'static str,
    before: &'a str,
    after: &'a str,
    before_total: f64,
    after_total: f64,
    /// Monthly change, after minus before.
    total: f64,
    items: Vec<Delta>,
}

/// The comparison as JSON; `total` is the monthly change.
pub fn compare_json(
    before_name: &str,
    after_name: &str,
    before: &[Estimate],
    after: &[Estimate],
) -> String {
    let (deltas, b, a) = compare(before, after);
    let report = JsonComparison {
        version: 1,
        currency: "USD",
        before: before_name,
        after: after_name,
        before_total: round(b),
        after_total: round(a),
        total: round(a - b),
        items: deltas
            .into_iter()
            .map(|d| Delta {
                before_usd: d.before_usd.map(round),
                after_usd: d.after_usd.map(round),
                delta_usd: round(d.delta_usd),
                ..d
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

/// The comparison as a Markdown table.
pub fn compare_markdown(
    before_name: &str,
    after_name: &str,
    before: &[Estimate],
    after: &[Estimate],
) -> String {
    let (deltas, b, a) = compare(before, after);
    let mut out = format!(
        "| Resource | Component | {before_name} | {after_name} | Change |\n|---|---|---:|---:|---:|\n"
    );
    let cell = |v: Option<f64>| v.map_or("–".to_string(), money);
    for d in deltas
        .iter()
        .filter(|d| (d.delta_usd * 100.0).round() != 0.0)
    {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            d.address.replace('|', "\\|"),
            d.component,
            cell(d.before_usd),
            cell(d.after_usd),
            signed_money(d.delta_usd)
        );
    }
    let _ = writeln!(
        out,
        "| **Total** | | **{}** | **{}** | **{}** |",
        money(b),
        money(a),
        signed_money(a - b)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_quantities_read_as_people_write_them() {
        assert_eq!(money(9.010025), "$9.01");
        assert_eq!(money(1234.5), "$1,234.50");
        assert_eq!(signed_money(65.7), "+$65.70");
        assert_eq!(signed_money(-3.65), "-$3.65");
        assert_eq!(quantity(1460.0), "1,460");
        assert_eq!(quantity(0.5), "0.5");
        assert_eq!(quantity(2774.0), "2,774");
        assert_eq!(unit_price(0.04048), "$0.04048");
        assert_eq!(unit_price(5.0), "$5.00");
        assert_eq!(unit_price(0.1), "$0.10");
    }
}
