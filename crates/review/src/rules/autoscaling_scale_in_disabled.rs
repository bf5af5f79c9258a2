//! WH601: a target tracking scaling policy that never scales in.

use crate::rule::{known_true, named, Check, Pillar, Rule, Severity};

pub static RULE: Rule = Rule {
    code: "WH601",
    name: "autoscaling-scale-in-disabled",
    pillar: Pillar::Sustainability,
    severity: Severity::Low,
    checkov: &[],
    fix: "Remove `disable_scale_in = true` so the policy gives back capacity it no longer needs",
    doc: r#"## What it does
Reports an `aws_appautoscaling_policy` whose `target_tracking_scaling_policy_configuration`
sets `disable_scale_in = true`.

## Why is this bad?
With scale-in disabled, the policy adds tasks when load rises but never removes them when
it falls: after the first peak the service stays at its high-water mark, paying for and
powering capacity that does nothing until someone lowers it by hand. Scale-in that is too
eager is better tamed with `scale_in_cooldown` (or a higher `min_capacity`) than switched
off. Checkov has no check for this.

## Example
```hcl
resource "aws_appautoscaling_policy" "cpu" {
  name               = "api-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value     = 60
    disable_scale_in = true

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
```

## Use instead
```hcl
resource "aws_appautoscaling_policy" "cpu" {
  name               = "api-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value      = 60
    scale_in_cooldown = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
```

## References
- Target tracking scaling policies for Application Auto Scaling: <https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking.html>
- Sustainability pillar, SUS02-BP01 scale workload infrastructure dynamically: <https://docs.aws.amazon.com/wellarchitected/latest/framework/sus02-bp01.html>
"#,
    check,
};

fn check(cx: &mut Check<'_>) {
    for policy in cx.resources("aws_appautoscaling_policy") {
        for config in policy
            .body
            .blocks("target_tracking_scaling_policy_configuration")
        {
            let ok = known_true(config.get("disable_scale_in")).map(|disabled| !disabled);
            cx.expect(ok, policy, config.span_of("disable_scale_in"), || {
                format!(
                    "{} never scales in: `disable_scale_in` is true, so capacity added for a \
                     peak is never given back",
                    named(policy)
                )
            });
        }
    }
}
