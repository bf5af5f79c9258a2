//! WH401: an API Gateway stage whose requests are limited only by the account's quota.

use wharf_terraform::{Block, Resource, Value};

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH401",
    name: "api-gateway-without-throttling",
    pillar: Pillar::PerformanceEfficiency,
    severity: Severity::Medium,
    checkov: &[],
    fix: "Set a throttling rate and burst limit for the stage",
    doc: r#"## What it does
Reports an API Gateway stage with no throttling limits of its own:
- a REST API stage (`aws_api_gateway_stage`) that no `aws_api_gateway_method_settings`
  (same `rest_api_id` and `stage_name`) gives a `throttling_rate_limit` and a
  `throttling_burst_limit` above 0 (the provider's default, -1, means unset), and that no
  `aws_api_gateway_usage_plan` throttles through `throttle_settings` or its `api_stages`
  entry for the stage;
- an HTTP or WebSocket API stage (`aws_apigatewayv2_stage`) whose `default_route_settings`
  do not set both `throttling_rate_limit` and `throttling_burst_limit` above 0.

## Why is this bad?
Without stage limits, a stage can take requests up to the account's quota for the Region
(10,000 requests per second with bursts of 5,000 in most Regions), which every API of the
account in that Region shares. One client's loop, a retry storm or a scraper can then use it all:
the other APIs get `429 Too Many Requests`, and the backend behind this one receives far
more traffic than it was sized for, which is usually what fails first. Stage limits set
to what the backend can serve turn that overload into fast `429`s for the excess only.
Checkov has no check for this.

## Example
```hcl
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.orders.id
  name        = "$default"
  auto_deploy = true
}
```

## Use instead
```hcl
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.orders.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = 500
    throttling_burst_limit = 1000
  }
}
```

## References
- Throttle requests to your REST APIs: <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html>
- Throttling requests to your HTTP API: <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html>
- Amazon API Gateway quotas, account-level throttling per Region: <https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    // (rest_api_id, stage_name, limits) of each method setting and usage plan stage.
    let mut limits: Vec<(&Value, &Value, Option<bool>)> = Vec::new();
    for m in root.resources_of("aws_api_gateway_method_settings") {
        let throttled = m.body.block("settings").map_or(Some(false), |s| {
            both_above_zero(s, "throttling_rate_limit", "throttling_burst_limit")
        });
        limits.push((
            m.body.get("rest_api_id"),
            m.body.get("stage_name"),
            throttled,
        ));
    }
    for plan in root.resources_of("aws_api_gateway_usage_plan") {
        let plan_wide = plan
            .body
            .block("throttle_settings")
            .map_or(Some(false), |t| {
                both_above_zero(t, "rate_limit", "burst_limit")
            });
        for stage in plan.body.blocks("api_stages") {
            let per_stage = stage
                .blocks("throttle")
                .map(|t| both_above_zero(t, "rate_limit", "burst_limit"))
                .fold(plan_wide, any);
            limits.push((stage.get("api_id"), stage.get("stage"), per_stage));
        }
    }

    for stage in root.resources_of("aws_api_gateway_stage") {
        let api = stage.body.get("rest_api_id");
        let name = stage.body.get("stage_name");
        let mut ok = Some(false);
        for (other_api, other_name, throttled) in &limits {
            let applies = all(same(api, other_api), same(name, other_name));
            ok = any(ok, all(applies, *throttled));
        }
        cx.expect(ok, stage, stage.location.span.clone(), || message(stage));
    }

    for stage in root.resources_of("aws_apigatewayv2_stage") {
        let (ok, span) = match stage.body.block("default_route_settings") {
            Some(s) => (
                both_above_zero(s, "throttling_rate_limit", "throttling_burst_limit"),
                s.span.clone(),
            ),
            None => (Some(false), stage.location.span.clone()),
        };
        cx.expect(ok, stage, span, || message(stage));
    }
}

fn message(stage: &Resource) -> String {
    format!(
        "{} has no throttling limits; it can take the account's whole Regional quota",
        named(stage)
    )
}

/// Whether both limits are set above 0 (unset, or the provider's -1, means no limit).
fn both_above_zero(block: &Block, rate: &str, burst: &str) -> Option<bool> {
    let above_zero = |arg: &str| match block.get(arg) {
        Value::Null => Some(false),
        v => v.as_f64().map(|n| n > 0.0),
    };
    all(above_zero(rate), above_zero(burst))
}

/// Whether two configured values are the same: None when either is not known.
fn same(a: &Value, b: &Value) -> Option<bool> {
    if a.is_null() || b.is_null() {
        return Some(false);
    }
    match (a.to_template_string(), b.to_template_string()) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    }
}

/// Three-valued "and": false wins over unknown.
fn all(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Three-valued "or": true wins over unknown.
fn any(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}
