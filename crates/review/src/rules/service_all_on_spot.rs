//! WH204: TODO(group C) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH204",
    name: "service-all-on-spot",
    pillar: Pillar::Reliability,
    severity: Severity::Medium,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
