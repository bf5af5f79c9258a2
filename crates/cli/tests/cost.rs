//! `wharf cost` as a user runs it: an environment of a bundled example, a comparison of
//! two, JSON totals, and the errors a user can make.

use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::{wharf, Run};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

fn json(run: &Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn an_environment_is_priced_line_by_line() {
    let run = wharf(&example("messaging"), &["cost", "--env", "prod"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("environments/prod (us-east-1): $"),
        "{}",
        run.stdout
    );
    // Prod runs a NAT gateway in each of its two zones: 730 h × $0.045 each.
    assert!(run
        .stdout
        .contains("  module.network.aws_nat_gateway.this[1]\n    NAT gateway hours"));
    assert!(run
        .stdout
        .contains("depend on usage: give them in a usage file (--usage)"));
}

#[test]
fn json_has_a_top_level_monthly_total() {
    let report = json(&wharf(
        &example("messaging"),
        &["cost", "--env", "dev", "--format", "json"],
    ));
    let total = report["total"].as_f64().unwrap();
    let roots = report["roots"].as_array().unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0]["root"], "environments/dev");
    assert!((roots[0]["total"].as_f64().unwrap() - total).abs() < 1e-9);
    assert!(total > 0.0);
}

#[test]
fn dev_against_prod_shows_the_change_per_line_item() {
    let report = json(&wharf(
        &example("messaging"),
        &["cost", "--compare", "dev", "prod", "--format", "json"],
    ));
    let before = report["before_total"].as_f64().unwrap();
    let after = report["after_total"].as_f64().unwrap();
    assert!((report["total"].as_f64().unwrap() - (after - before)).abs() < 1e-3);
    // Dev has one NAT gateway, prod one per zone: the second adds 730 h × $0.045 = $32.85.
    let items = report["items"].as_array().unwrap();
    let second_nat = items
        .iter()
        .find(|i| {
            i["address"] == "module.network.aws_nat_gateway.this[1]"
                && i["component"] == "NAT gateway hours"
        })
        .unwrap();
    assert_eq!(second_nat["before_usd"], serde_json::Value::Null);
    assert!((second_nat["delta_usd"].as_f64().unwrap() - 32.85).abs() < 1e-9);
}

#[test]
fn a_usage_file_prices_traffic_and_its_mistakes_are_located() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_nat_gateway\" \"this\" {\n  connectivity_type = \"private\"\n  subnet_id = \"subnet-a\"\n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("usage.toml"),
        "version = 1\n[defaults.aws_nat_gateway]\nmonthly_data_processed_gb = 1000\n",
    )
    .unwrap();
    let report = json(&wharf(
        dir.path(),
        &["cost", ".", "--usage", "usage.toml", "--format", "json"],
    ));
    // A private gateway has no public IPv4: 730 × $0.045 + 1,000 GB × $0.045 = $77.85.
    assert!((report["total"].as_f64().unwrap() - 77.85).abs() < 1e-9);

    fs::write(
        dir.path().join("bad.toml"),
        "version = 1\n[defaults.aws_nat_gateway]\ndata_gb = 1000\n",
    )
    .unwrap();
    let run = wharf(dir.path(), &["cost", ".", "--usage", "bad.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "error: bad.toml:3:11: `data_gb` is not a usage quantity of `aws_nat_gateway`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_region_without_prices_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("main.tf"),
        "provider \"aws\" {\n  region = \"sa-east-1\"\n}\nresource \"aws_kms_key\" \"this\" {}\n",
    )
    .unwrap();
    let run = wharf(dir.path(), &["cost"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("the price table has no prices for Region `sa-east-1`"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("help: wharf prices ap-southeast-1, eu-west-1, us-east-1"));
    assert_eq!(run.stdout, "");
}

/// Exit code, stdout and stderr, as a snapshot shows them.
fn transcript(run: &Run) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
}

#[test]
fn reports_of_the_messaging_example_with_its_usage_file() {
    let dir = example("messaging");
    let usage = ["--usage", "usage.toml"];
    let text = wharf(&dir, &[&["cost", "--env", "prod"][..], &usage].concat());
    insta::assert_snapshot!("cost_prod_text", transcript(&text));
    let markdown = wharf(
        &dir,
        &[
            &["cost", "--env", "prod", "--format", "markdown"][..],
            &usage,
        ]
        .concat(),
    );
    insta::assert_snapshot!("cost_prod_markdown", transcript(&markdown));
    let compare = wharf(
        &dir,
        &[&["cost", "--compare", "dev", "prod"][..], &usage].concat(),
    );
    insta::assert_snapshot!("cost_compare_dev_prod", transcript(&compare));
}
