//! The scheduled jobs of an environment: an ECS task that EventBridge Scheduler runs on a
//! schedule, with the image of one of the services, its own task definition, roles and
//! security group, and what its failures are caught by.

use wharf_manifest::{self as manifest, Counts, Diagnostic, Manifest, Spanned};

use crate::cluster::Capacity;
use crate::profile::Profile;
use crate::service::Service;

#[derive(Debug, Clone)]
pub struct Job {
    pub key: String,
    /// The service whose image (repository and image tag) it runs.
    pub service: String,
    /// `rate(…)` or `cron(…)`.
    pub schedule: String,
    /// The time zone the schedule is read in.
    pub timezone: String,
    /// Retries of a run that fails to start, before it goes to the job's failure queue.
    pub retries: u32,
    /// The task: its name (`{app}-{env}-{job}`), size, command, environment, secrets, task
    /// role and log retention, resolved as a service's are. It has no port, no load
    /// balancer and no scaling; its counts are unused.
    pub task: Service,
}

/// Retries of a run that fails to start when the manifest does not say.
const DEFAULT_RETRIES: u32 = 2;

/// The job as a service of the manifest: the service's image, user and filesystem, the
/// job's command, size (else the service's), environment, secrets and uses. Jobs run to
/// completion, so no container health check: ECS records the exit code.
fn as_service(job: &manifest::Job, svc: &manifest::Service) -> manifest::Service {
    let one = Some(Spanned::new(1, job.key.span.clone()));
    manifest::Service {
        key: job.key.clone(),
        port: None,
        cpu: job.cpu.clone().or_else(|| svc.cpu.clone()),
        memory: job.memory.clone().or_else(|| svc.memory.clone()),
        paths: Vec::new(),
        hosts: Vec::new(),
        priority: None,
        health_check: None,
        command: Some(job.command.clone()),
        env: job.env.clone(),
        secrets: job.secrets.clone(),
        repository: svc.repository.clone(),
        counts: Counts {
            desired: one.clone(),
            min: one.clone(),
            max: one,
        },
        grants: Vec::new(),
        readonly_root_filesystem: svc.readonly_root_filesystem.clone(),
        user: svc.user.clone(),
        health_check_command: None,
        container_health_check: Some(Spanned::new(false, job.key.span.clone())),
        uses: job.uses.clone(),
        scale_on: None,
        messages_per_task: None,
        egress: Vec::new(),
        release: manifest::ServiceRelease::default(),
        build: svc.build.clone(),
    }
}

pub(crate) fn resolve(
    m: &Manifest,
    env: &manifest::Environment,
    job: &manifest::Job,
    p: &Profile,
    capacity: Capacity,
    diags: &mut Vec<Diagnostic>,
) -> Option<Job> {
    // The manifest has refused a job whose service is not declared.
    let svc = m.services.get(&job.service.value)?;
    let task = crate::service::resolve(m, env, &as_service(job, svc), p, capacity, diags);
    Some(Job {
        key: job.key.value.clone(),
        service: job.service.value.clone(),
        schedule: job.schedule.value.clone(),
        timezone: job
            .timezone
            .as_ref()
            .map_or_else(|| "UTC".to_string(), |t| t.value.clone()),
        retries: job.retries.as_ref().map_or(DEFAULT_RETRIES, |r| r.value),
        task,
    })
}
