//! WH102: TODO(group A) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH102",
    name: "secret-in-environment-variable",
    pillar: Pillar::Security,
    severity: Severity::Critical,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
