//! WH116: TODO(group B) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH116",
    name: "rds-publicly-accessible",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
