//! WH303: TODO(group D) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH303",
    name: "container-insights-disabled",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Low,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
