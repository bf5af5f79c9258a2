//! `wharf status`: each service's deployments, task counts and recent events (and, for a
//! service released by CodeDeploy, its release in progress and the last ones), and the
//! environment's alarms in ALARM.

use std::fmt::Write as _;

use crate::aws::{Aws, DeploymentController};
use crate::codedeploy;
use crate::deploy::short;
use crate::{Error, Target};

/// Service events shown per service, newest last.
const EVENTS: usize = 5;

/// The report. `alarm_prefix` selects the alarms (wharf names them after the environment).
pub fn status(
    aws: &dyn Aws,
    targets: &[Target],
    alarm_prefix: Option<&str>,
) -> Result<String, Error> {
    let mut s = String::new();
    for target in targets {
        let Some(svc) = aws.describe_service(&target.cluster, &target.service)? else {
            let _ = writeln!(
                s,
                "{}: not found in cluster {} (has `terraform apply` created it?)\n",
                target.service, target.cluster
            );
            continue;
        };
        let _ = writeln!(s, "{} (cluster {})", svc.name, target.cluster);
        let td = aws.describe_task_definition(&svc.task_definition)?;
        let _ = writeln!(s, "  task definition  {}", td.name());
        for c in &td.containers {
            let _ = writeln!(s, "  image            {}: {}", c.name, c.image);
        }
        let _ = writeln!(
            s,
            "  tasks            {} running, {} pending, {} desired",
            svc.running, svc.pending, svc.desired
        );
        let _ = writeln!(s, "  deployments");
        for d in &svc.deployments {
            let _ = writeln!(
                s,
                "    {:<8} {:<24} {:<12} {} of {} running, {} pending, {} failed",
                d.status.as_str(),
                short(&d.task_definition),
                d.rollout.map(|r| r.as_str()).unwrap_or("-"),
                d.running,
                d.desired,
                d.pending,
                d.failed_tasks
            );
            if let Some(reason) = d.rollout_reason.as_deref().filter(|r| !r.is_empty()) {
                let _ = writeln!(s, "             {reason}");
            }
        }
        if svc.deployment_controller == DeploymentController::CodeDeploy {
            for line in codedeploy::status_lines(aws, target)? {
                let _ = writeln!(s, "{line}");
            }
        }
        if !svc.events.is_empty() {
            let _ = writeln!(s, "  recent events");
            for e in svc.events.iter().take(EVENTS).rev() {
                let _ = writeln!(s, "    {}  {}", e.created_at, e.message);
            }
        }
        s.push('\n');
    }
    if let Some(prefix) = alarm_prefix {
        // The alarms are one part of the report: when they cannot be read (a missing
        // permission, an endpoint without CloudWatch), the rest is still worth showing.
        let alarms = match aws.alarms_in_alarm(prefix) {
            Ok(alarms) => alarms,
            Err(e) => {
                let _ = writeln!(s, "Alarms in ALARM ({prefix}*): not read: {e}");
                return Ok(s);
            }
        };
        if alarms.is_empty() {
            let _ = writeln!(s, "Alarms in ALARM ({prefix}*): none");
        } else {
            let _ = writeln!(s, "Alarms in ALARM ({prefix}*): {}", alarms.len());
            for a in &alarms {
                let _ = writeln!(s, "  {}  {}", a.name, a.reason);
            }
        }
    }
    Ok(s)
}
