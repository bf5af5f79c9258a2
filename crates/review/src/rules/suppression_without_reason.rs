//! WH002: a suppression that does not say why.

use crate::rule::{Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH002",
    name: "suppression-without-reason",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Low,
    checkov: &[],
    fix: "Write the reason after the bracket",
    doc: r#"## What it does
Reports a `# wharf:ignore[CODE]` comment with nothing after the closing bracket.

## Why is this bad?
A suppression is a decision to accept a risk or a cost. Without its reason, the next reader
cannot tell a deliberate trade-off from a shortcut, and nobody can say when it may go.

## Example
```hcl
# wharf:ignore[WH203]
resource "aws_nat_gateway" "this" {
```

## Use instead
```hcl
# wharf:ignore[WH203] dev: one NAT gateway saves ~$65/month; an AZ outage stops egress
resource "aws_nat_gateway" "this" {
```

## References
- Checkov's suppression comments also carry a reason: <https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html>
"#,
    check,
};

/// Suppressions are read once for the whole project, in `crate::review`.
fn check(_: &mut Check<'_>) {}
