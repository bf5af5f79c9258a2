//! The CloudWatch alarm thresholds of an environment and who is told.

use wharf_manifest as manifest;

use crate::profile::Profile;
use crate::resolve::pick;

#[derive(Debug, Clone)]
pub struct Alarms {
    pub alerts_email: Option<String>,
    pub cpu_percent: u32,
    pub memory_percent: u32,
    pub target_5xx_count: u32,
    pub response_time_seconds: f64,
}

pub(crate) fn resolve(env: &manifest::Environment, p: &Profile) -> Alarms {
    let o = &env.overrides;
    Alarms {
        alerts_email: env.alerts_email.as_ref().map(|e| e.value.clone()),
        cpu_percent: pick(&[o.cpu_alarm_percent.as_ref()], p.cpu_alarm_percent).value,
        memory_percent: pick(&[o.memory_alarm_percent.as_ref()], p.memory_alarm_percent).value,
        target_5xx_count: pick(
            &[o.target_5xx_alarm_count.as_ref()],
            p.target_5xx_alarm_count,
        )
        .value,
        response_time_seconds: o
            .response_time_alarm_seconds
            .as_ref()
            .map(|s| s.value)
            .unwrap_or(p.response_time_alarm_seconds),
    }
}
