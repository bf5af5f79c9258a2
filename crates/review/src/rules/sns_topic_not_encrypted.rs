//! WH120: TODO(group B) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH120",
    name: "sns-topic-not-encrypted",
    pillar: Pillar::Security,
    severity: Severity::Low,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
