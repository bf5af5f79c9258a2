//! WH308: an API Gateway stage that does not write access logs.

use crate::rule::{named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH308",
    name: "api-gateway-access-logs-disabled",
    pillar: Pillar::OperationalExcellence,
    severity: Severity::Medium,
    checkov: &["CKV_AWS_76"],
    fix: "Add an `access_log_settings` block with a log group's `destination_arn` and a `format`",
    doc: r#"## What it does
Reports an `aws_api_gateway_stage` (REST API) or `aws_apigatewayv2_stage` (HTTP and
WebSocket APIs) without an `access_log_settings` block, or whose `destination_arn` is empty.

## Why is this bad?
Without access logs there is no record of who called the API, which route they called,
what status code they got and how long it took. A spike of 4XX or 5XX responses, throttled
clients or an abusive caller cannot be investigated after the fact, and the integration's
own logs do not show requests that API Gateway rejected before reaching it. Checkov's
CKV_AWS_76 checks both stage types in Terraform (its CKV_AWS_95 is the CloudFormation check
for HTTP APIs).

## Example
```hcl
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.main.id
  name        = "$default"
  auto_deploy = true
}
```

## Use instead
```hcl
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.main.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId = "$context.requestId"
      ip        = "$context.identity.sourceIp"
      route     = "$context.routeKey"
      status    = "$context.status"
      latency   = "$context.responseLatency"
    })
  }
}
```

## References
- Set up CloudWatch logging for REST APIs in API Gateway: <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>
- Configure logging for HTTP APIs in API Gateway: <https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html>
- Checkov: `CKV_AWS_76`
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    let root = cx.root;
    for stage in root
        .resources_of("aws_api_gateway_stage")
        .chain(root.resources_of("aws_apigatewayv2_stage"))
    {
        let Some(settings) = stage.body.block("access_log_settings") else {
            cx.fail(
                stage,
                stage.location.span.clone(),
                format!("{} does not write access logs", named(stage)),
            );
            continue;
        };
        // `destination_arn` is required inside the block, so a value not known before apply
        // (a log group's ARN) is still a destination; only a known empty one is missing.
        let arn = settings.get("destination_arn");
        let ok = !(arn.is_null() || arn.as_str() == Some(""));
        cx.expect(Some(ok), stage, settings.span_of("destination_arn"), || {
            format!("{} has no destination for its access logs", named(stage))
        });
    }
}
