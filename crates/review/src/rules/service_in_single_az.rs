//! WH205: TODO(group C) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH205",
    name: "service-in-single-az",
    pillar: Pillar::Reliability,
    severity: Severity::High,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
