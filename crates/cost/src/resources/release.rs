//! Blue/green releases through CodeDeploy. CodeDeploy itself is free on ECS, and so are the
//! second target group and the test listener; but while a release shifts traffic and keeps
//! the old tasks for a rollback, the service runs a second set of tasks as large as the
//! first. With `releases_per_month` in the usage file, those task-hours are priced at
//! on-demand rates.
//! <https://aws.amazon.com/codedeploy/pricing/>

use wharf_aws::codedeploy::{Traffic, PREDEFINED};
use wharf_terraform::{Resource, Value};

use crate::pricer::{trim, Charge, Pricer};

/// Whether ECS leaves the service's releases to CodeDeploy.
pub(crate) fn is_blue_green(r: &Resource) -> bool {
    r.body
        .block("deployment_controller")
        .is_some_and(|b| b.get("type").as_str() == Some("CODE_DEPLOY"))
}

/// The extra tasks of the service's releases: `tasks` of `vcpu` and `gb` each, for the
/// minutes one release takes to shift its traffic and then keeps the old tasks.
pub(crate) fn extra_tasks(
    p: &mut Pricer<'_>,
    r: &Resource,
    arch: &str,
    tasks: f64,
    vcpu: f64,
    gb: f64,
) {
    let minutes = match release_minutes(p, r) {
        Ok(m) => m,
        Err(why) => return p.unpriced(r, "tasks during blue/green releases", &why),
    };
    let hours = minutes / 60.0;
    let arch_name = if arch == "arm" { "ARM" } else { "x86" };
    let note = format!(
        "each release runs {} more task{} for about {} min (traffic shift and old tasks kept), priced on-demand",
        trim(tasks),
        if tasks == 1.0 { "" } else { "s" },
        trim(minutes)
    );
    p.metered(
        r,
        Charge::new(
            &format!("Fargate vCPU during releases ({arch_name})"),
            "vCPU-hours",
            &format!("fargate.{arch}.vcpu_hour"),
        )
        .note(note),
        "releases_per_month",
        tasks * vcpu * hours,
    );
    p.metered(
        r,
        Charge::new(
            &format!("Fargate memory during releases ({arch_name})"),
            "GB-hours",
            &format!("fargate.{arch}.gb_hour"),
        ),
        "releases_per_month",
        tasks * gb * hours,
    );
}

/// Minutes a release of `service` keeps two task sets: its deployment group's traffic
/// steps and the wait before the old tasks stop.
fn release_minutes(p: &Pricer<'_>, service: &Resource) -> Result<f64, String> {
    let name = service
        .body
        .get("name")
        .as_str()
        .ok_or("the service's name is not known, so neither is its deployment group")?;
    let group = p
        .root
        .resources_of("aws_codedeploy_deployment_group")
        .find(|g| {
            g.body
                .block("ecs_service")
                .is_some_and(|e| e.get("service_name").as_str() == Some(name))
        })
        .ok_or_else(|| {
            format!("no `aws_codedeploy_deployment_group` of this root releases `{name}`")
        })?;
    let wait = group
        .body
        .block("blue_green_deployment_config")
        .and_then(|b| b.block("terminate_blue_instances_on_deployment_success"))
        .map_or(Some(0.0), |t| {
            match t.get("termination_wait_time_in_minutes") {
                Value::Null => Some(0.0),
                v => v.as_f64(),
            }
        })
        .ok_or("how long its deployment group keeps the old tasks is not known")?;
    let config = match group.body.get("deployment_config_name") {
        Value::Null => "CodeDeployDefault.ECSAllAtOnce",
        v => v
            .as_str()
            .ok_or("its deployment configuration is not known")?,
    };
    Ok(wait + f64::from(shift_minutes(p, config)?))
}

fn shift_minutes(p: &Pricer<'_>, config: &str) -> Result<u32, String> {
    if let Some((_, t)) = PREDEFINED.iter().find(|(n, _)| *n == config) {
        return Ok(t.shift_minutes());
    }
    let custom = p
        .root
        .resources_of("aws_codedeploy_deployment_config")
        .find(|c| c.body.get("deployment_config_name").as_str() == Some(config))
        .ok_or_else(|| {
            format!("deployment configuration `{config}` is neither predefined nor in this root")
        })?;
    let routing = custom.body.block("traffic_routing_config");
    let step = |kind: &str| {
        let b = routing?.block(kind)?;
        let percent = u32::try_from(b.get("percentage").as_f64()? as i64).ok()?;
        let interval = u32::try_from(b.get("interval").as_f64()? as i64).ok()?;
        Some((percent.max(1), interval))
    };
    let traffic = match routing.map(|r| r.get("type")) {
        Some(Value::String(t)) if t == "TimeBasedCanary" => {
            step("time_based_canary").map(|(percent, interval_minutes)| Traffic::Canary {
                percent,
                interval_minutes,
            })
        }
        Some(Value::String(t)) if t == "TimeBasedLinear" => {
            step("time_based_linear").map(|(percent, interval_minutes)| Traffic::Linear {
                percent,
                interval_minutes,
            })
        }
        None | Some(Value::Null) => Some(Traffic::AllAtOnce),
        Some(Value::String(t)) if t == "AllAtOnce" => Some(Traffic::AllAtOnce),
        _ => None,
    };
    traffic
        .map(Traffic::shift_minutes)
        .ok_or_else(|| format!("the traffic steps of `{config}` are not known"))
}
