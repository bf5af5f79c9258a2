//! WH001: a suppression that suppresses nothing.

use crate::rule::{Check, Pillar, Rule, Severity};
use crate::suppress::Suppression;
use crate::Selection;

pub static RULE: Rule = Rule {
    code: "WH001",
    name: "unused-suppression",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Low,
    checkov: &[],
    fix: "Remove the suppression, or correct the rule code it names",
    doc: r#"## What it does
Reports a `# wharf:ignore[CODE] reason` comment that covers no finding of the rules it names,
or that names a code no rule has.

## Why is this bad?
A suppression outlives the problem it excused. When the configuration is fixed, or the
comment drifts away from the block it was written for, it silently keeps hiding whatever
that rule would report there next. A code with a typo suppresses nothing at all.

## Example
```hcl
# wharf:ignore[WH203] dev has one NAT gateway   <- the VPC now has one per AZ
resource "aws_nat_gateway" "this" {
  count = 3
  # ...
}
```

## Use instead
```hcl
resource "aws_nat_gateway" "this" {
  count = 3
  # ...
}
```

## References
- `wharf explain` of the code the suppression names
- Ruff's equivalent, RUF100: <https://docs.astral.sh/ruff/rules/unused-noqa/>
"#,
    check,
};

/// Suppressions are matched after every rule has run, in `crate::review`; there is
/// nothing to look at per root module.
fn check(_: &mut Check<'_>) {}

/// The message for an unused suppression, or None when the rules it names did not run
/// (they were not selected), so that it cannot be judged.
pub(crate) fn message(s: &Suppression, selection: &Selection) -> Option<String> {
    let unknown: Vec<&str> = s
        .codes
        .iter()
        .filter(|c| super::find(c).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Some(format!(
            "the suppression names {}, which no rule has (`wharf rules` lists them)",
            unknown.join(", ")
        ));
    }
    let judged = s
        .codes
        .iter()
        .filter_map(|c| super::find(c))
        .any(|r| selection.includes(r));
    judged.then(|| {
        format!(
            "the suppression of {} covers no finding; remove it",
            s.codes.join(", ")
        )
    })
}
