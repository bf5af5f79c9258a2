//! WH109: TODO(group A) one line saying what this rule reports.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH109",
    name: "alb-listener-plain-http",
    pillar: Pillar::Security,
    severity: Severity::High,
    checkov: &[],
    fix: "TODO",
    doc: "TODO",
    check,
};

fn check(_cx: &mut Check<'_>) {}
