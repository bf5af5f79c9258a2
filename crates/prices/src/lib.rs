//! The price table: `prices.toml`, bundled into the binary, one entry per price and Region,
//! each with its unit, source URL and date.
//!
//! A fact with one home: `wharf cost` prices a tree with it, and `wharf render` quotes it in
//! the environment READMEs (what an interface endpoint costs a month), so the two never
//! disagree. The invariant it keeps: an entry without a source, a date or a unit is refused,
//! and a price the table does not have is absent, never guessed.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use toml_edit::{Document, Item};

/// Hours in a month, as AWS's pricing examples count them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The table as shipped.
pub const BUNDLED: &str = include_str!("../prices.toml");

/// A price table that is not valid, at a file, line and column, with what to do.
pub type PriceError = wharf_diagnostic::Error;

fn error_at(
    file: &str,
    text: &str,
    offset: usize,
    message: impl Into<String>,
    help: &str,
) -> PriceError {
    PriceError::at(file, text, offset, message).with_help(help)
}

/// One price.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    /// `fargate.x86.vcpu_hour`
    pub key: String,
    pub region: String,
    /// What one `usd` buys (`vCPU-hour`).
    pub unit: String,
    pub usd: f64,
    /// Where the figure was seen.
    pub source: String,
    /// `2024-07-01`, `2026-06` or `2026`: as precise as the source.
    pub as_of: String,
    /// `verified` (AWS) or `secondary` (a third party quoting AWS).
    pub confidence: String,
    pub note: Option<String>,
}

/// Every price, by Region and key.
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    prices: BTreeMap<(String, String), Price>,
}

impl PriceTable {
    /// The table bundled with wharf, parsed once.
    pub fn bundled() -> &'static PriceTable {
        static TABLE: OnceLock<PriceTable> = OnceLock::new();
        // The bundled table is checked by the crate's tests; it always parses.
        TABLE.get_or_init(|| PriceTable::parse("prices.toml", BUNDLED).unwrap_or_default())
    }

    /// Parses a table, refusing an entry without a source, date or unit, an unknown field,
    /// or the same key twice in one Region.
    pub fn parse(file: &str, text: &str) -> Result<PriceTable, PriceError> {
        let doc = Document::parse(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            error_at(
                file,
                text,
                at,
                format!("not valid TOML: {}", e.message()),
                "the table is TOML: one [[price]] table per price",
            )
        })?;
        let Some(entries) = doc.get("price").and_then(Item::as_array_of_tables) else {
            return Err(error_at(
                file,
                text,
                0,
                "the table has no [[price]] entries",
                "add one [[price]] table per price",
            ));
        };
        let mut prices = BTreeMap::new();
        for entry in entries.iter() {
            let at = entry.span().map_or(0, |s| s.start);
            let fail = |offset: usize, message: String, help: &str| {
                error_at(file, text, offset, message, help)
            };
            for (name, item) in entry.iter() {
                if !FIELDS.contains(&name) {
                    let offset = item.span().map_or(at, |s| s.start);
                    return Err(fail(
                        offset,
                        format!("unknown field `{name}`"),
                        "fields are key, region, unit, usd, source, as_of, confidence, note",
                    ));
                }
            }
            let text_field = |name: &str| -> Result<String, PriceError> {
                match entry.get(name).and_then(Item::as_str) {
                    Some(v) if !v.trim().is_empty() => Ok(v.to_string()),
                    _ => Err(fail(
                        at,
                        format!("a price has no `{name}`"),
                        "every price names its key, region, unit, source (a URL) and as_of date",
                    )),
                }
            };
            let key = text_field("key")?;
            let region = text_field("region")?;
            let source = text_field("source")?;
            if !source.starts_with("https://") {
                return Err(fail(
                    at,
                    format!("the source of `{key}` in {region} is not an https URL"),
                    "give the address of the page or file the price was read from",
                ));
            }
            let as_of = text_field("as_of")?;
            if !is_date(&as_of) {
                return Err(fail(
                    at,
                    format!("`as_of = \"{as_of}\"` of `{key}` in {region} is not a date"),
                    "write YYYY-MM-DD, YYYY-MM or YYYY, as precisely as the source dates it",
                ));
            }
            let confidence = text_field("confidence")?;
            if confidence != "verified" && confidence != "secondary" {
                return Err(fail(
                    at,
                    format!("`confidence = \"{confidence}\"` of `{key}` in {region}"),
                    "a price is `verified` (seen on AWS) or `secondary` (a third party quoting AWS); leave out what is neither",
                ));
            }
            let usd = match entry
                .get("usd")
                .and_then(|i| i.as_float().or_else(|| i.as_integer().map(|n| n as f64)))
            {
                Some(v) if v >= 0.0 && v.is_finite() => v,
                _ => {
                    return Err(fail(
                        at,
                        format!("`{key}` in {region} has no `usd` amount"),
                        "write the price as a number: usd = 0.045",
                    ))
                }
            };
            let price = Price {
                key: key.clone(),
                region: region.clone(),
                unit: text_field("unit")?,
                usd,
                source,
                as_of,
                confidence,
                note: entry.get("note").and_then(Item::as_str).map(str::to_string),
            };
            if prices
                .insert((region.clone(), key.clone()), price)
                .is_some()
            {
                return Err(fail(
                    at,
                    format!("`{key}` is priced twice in {region}"),
                    "keep one entry per key and Region",
                ));
            }
        }
        Ok(PriceTable { prices })
    }

    /// The price of `key` in `region`, if the table has it.
    pub fn get(&self, region: &str, key: &str) -> Option<&Price> {
        self.prices.get(&(region.to_string(), key.to_string()))
    }

    /// The Regions with at least one price.
    pub fn regions(&self) -> Vec<&str> {
        let mut regions: Vec<&str> = self.prices.keys().map(|(r, _)| r.as_str()).collect();
        regions.dedup();
        regions
    }

    /// Every price, by Region then key.
    pub fn iter(&self) -> impl Iterator<Item = &Price> {
        self.prices.values()
    }
}

const FIELDS: [&str; 8] = [
    "key",
    "region",
    "unit",
    "usd",
    "source",
    "as_of",
    "confidence",
    "note",
];

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let numeric = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => numeric(y, 4),
        [y, m] => numeric(y, 4) && numeric(m, 2) && ("01"..="12").contains(m),
        [y, m, d] => {
            numeric(y, 4)
                && numeric(m, 2)
                && ("01"..="12").contains(m)
                && numeric(d, 2)
                && ("01"..="31").contains(d)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_as_precise_as_their_source() {
        for ok in ["2026", "2026-06", "2024-07-01"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "26",
            "2026-6",
            "2026-13",
            "2024-07-32",
            "June 2026",
            "2024/07/01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn the_position_of_a_bad_entry_is_reported() {
        let text = "[[price]]\nkey = \"a\"\nregion = \"us-east-1\"\nunit = \"h\"\nusd = 1\nas_of = \"2026\"\nconfidence = \"verified\"\n";
        let e = PriceTable::parse("p.toml", text).unwrap_err();
        assert!(e.to_string().contains("p.toml:1:1"), "{e}");
        assert!(e.to_string().contains("no `source`"), "{e}");
    }
}
