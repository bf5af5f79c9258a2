//! WH503: TODO(group D) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH503",
    name: "s3-bucket-without-lifecycle",
    pillar: Pillar::CostOptimization,
    severity: Severity::Low,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
