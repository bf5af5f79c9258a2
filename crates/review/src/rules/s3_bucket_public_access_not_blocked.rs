//! WH113: TODO(group B) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH113",
    name: "s3-bucket-public-access-not-blocked",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
