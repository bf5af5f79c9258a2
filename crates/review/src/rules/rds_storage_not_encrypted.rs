//! WH115: TODO(group B) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH115",
    name: "rds-storage-not-encrypted",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
