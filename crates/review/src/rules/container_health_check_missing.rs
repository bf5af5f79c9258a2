//! WH206: TODO(group C) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH206",
    name: "container-health-check-missing",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
