//! WH308: TODO(group D) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH308",
    name: "api-gateway-access-logs-disabled",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
