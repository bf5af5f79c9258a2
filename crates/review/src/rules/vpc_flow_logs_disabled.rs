//! WH121: TODO(group B) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH121",
    name: "vpc-flow-logs-disabled",
    pillar: Pillar::Security,
    severity: Severity::Medium,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
