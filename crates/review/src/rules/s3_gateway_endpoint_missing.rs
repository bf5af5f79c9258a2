//! WH602: TODO(group D) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH602",
    name: "s3-gateway-endpoint-missing",
    pillar: Pillar::Sustainability,
    severity: Severity::Low,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
