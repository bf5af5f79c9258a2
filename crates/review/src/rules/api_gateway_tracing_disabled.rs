//! WH309: a REST API stage without AWS X-Ray tracing.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH309",
    name: "api-gateway-tracing-disabled",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Low,
    checkov: &["CKV_AWS_73"],
    fix: "Set `xray_tracing_enabled = true` on the stage",
    doc: r#"## What it does
Reports an `aws_api_gateway_stage` whose `xray_tracing_enabled` is not `true` (it defaults to
`false`). HTTP and WebSocket APIs (`aws_apigatewayv2_stage`) do not support X-Ray tracing and
are not checked.

## Why is this bad?
Without active tracing, a slow or failing request cannot be followed from API Gateway
through the integration and the services behind it: the trace shows where the time went
(authorizer, integration latency, a downstream call) and which hop returned the error.
The default sampling rule records the first request each second and 5% of the rest, which
keeps the cost of tracing bounded.

## Example
```hcl
resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.main.id
  deployment_id = aws_api_gateway_deployment.main.id
  stage_name    = "prod"
}
```

## Use instead
```hcl
resource "aws_api_gateway_stage" "prod" {
  rest_api_id          = aws_api_gateway_rest_api.main.id
  deployment_id        = aws_api_gateway_deployment.main.id
  stage_name           = "prod"
  xray_tracing_enabled = true
}
```

## References
- Trace user requests to REST APIs using X-Ray: <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-xray.html>
- Checkov: `CKV_AWS_73`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for stage in cx.resources("aws_api_gateway_stage") {
        let ok = known_true(stage.body.get("xray_tracing_enabled"));
        cx.expect(
            ok,
            stage,
            stage.body.span_of("xray_tracing_enabled"),
            || format!("{} does not trace requests with AWS X-Ray", named(stage)),
        );
    }
}
