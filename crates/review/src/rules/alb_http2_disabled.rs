//! WH402: TODO(group C) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH402",
    name: "alb-http2-disabled",
    pillar: Pillar::PerformanceEfficiency,
    severity: Severity::Low,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
