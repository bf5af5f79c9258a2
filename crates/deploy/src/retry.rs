//! Retries of throttled and transient AWS calls, with capped exponential backoff and jitter.
//!
//! The SDK's own retries are turned off (see `sdk/mod.rs`), so this is the one retry policy:
//! one place to test, and no retries multiplied by retries. AWS's guidance:
//! <https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>

use std::cell::Cell;
use std::time::Duration;

use crate::aws::*;
use crate::clock::Clock;

/// Attempts per call, the first included. With the delays below a call is given up after
/// 15 to 30 seconds of throttling.
pub const MAX_ATTEMPTS: u32 = 8;
/// Attempts after a 5xx or a connection error: a blip passes within a second or two, and an
/// endpoint that refuses connections should be reported, not waited on.
pub const MAX_TRANSIENT_ATTEMPTS: u32 = 4;
const BASE_DELAY: Duration = Duration::from_millis(250);
const MAX_DELAY: Duration = Duration::from_secs(20);

/// An [`Aws`] whose calls are retried while AWS throttles them or fails with a 5xx.
pub struct Retrying<'a, A: Aws, C: Clock> {
    inner: &'a A,
    clock: &'a C,
    /// xorshift state for the jitter; seeded so that a run can be repeated.
    seed: Cell<u64>,
    retries: Cell<u32>,
}

impl<'a, A: Aws, C: Clock> Retrying<'a, A, C> {
    pub fn new(inner: &'a A, clock: &'a C, seed: u64) -> Self {
        Retrying {
            inner,
            clock,
            seed: Cell::new(seed | 1),
            retries: Cell::new(0),
        }
    }

    /// How many calls were retried so far.
    pub fn retries(&self) -> u32 {
        self.retries.get()
    }

    fn jitter(&self) -> f64 {
        let mut x = self.seed.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.seed.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    fn call<T>(&self, mut f: impl FnMut() -> Result<T, AwsError>) -> Result<T, AwsError> {
        let mut attempt = 1;
        loop {
            match f() {
                Err(e) if e.is_retryable() && attempt < max_attempts(&e) => {
                    // "Full jitter": a random delay up to the exponential bound.
                    let bound = BASE_DELAY
                        .saturating_mul(1 << (attempt - 1).min(16))
                        .min(MAX_DELAY);
                    let delay = bound.mul_f64(0.5 + 0.5 * self.jitter());
                    self.retries.set(self.retries.get() + 1);
                    self.clock.sleep(delay);
                    attempt += 1;
                }
                Err(mut e) if e.is_retryable() => {
                    e.message = format!("{} (gave up after {attempt} attempts)", e.message);
                    return Err(e);
                }
                other => return other,
            }
        }
    }
}

fn max_attempts(e: &AwsError) -> u32 {
    match e.kind {
        ErrorKind::Throttling => MAX_ATTEMPTS,
        _ => MAX_TRANSIENT_ATTEMPTS,
    }
}

impl<A: Aws, C: Clock> Aws for Retrying<'_, A, C> {
    fn describe_service(&self, cluster: &str, service: &str) -> Result<Option<Service>, AwsError> {
        self.call(|| self.inner.describe_service(cluster, service))
    }

    fn describe_cluster(&self, cluster: &str) -> Result<Option<Cluster>, AwsError> {
        self.call(|| self.inner.describe_cluster(cluster))
    }

    fn list_services(&self, cluster: &str) -> Result<Vec<String>, AwsError> {
        self.call(|| self.inner.list_services(cluster))
    }

    fn describe_task_definition(&self, task_definition: &str) -> Result<TaskDefinition, AwsError> {
        self.call(|| self.inner.describe_task_definition(task_definition))
    }

    fn register_task_definition(
        &self,
        base: &TaskDefinition,
        images: &[(String, String)],
    ) -> Result<TaskDefinition, AwsError> {
        // A retried registration after a lost response makes one spare revision, which is
        // harmless: the service only runs the one it is updated to.
        self.call(|| self.inner.register_task_definition(base, images))
    }

    fn list_task_definitions(&self, family: &str) -> Result<Vec<String>, AwsError> {
        self.call(|| self.inner.list_task_definitions(family))
    }

    fn update_service(
        &self,
        cluster: &str,
        service: &str,
        task_definition: &str,
    ) -> Result<Service, AwsError> {
        // Idempotent: updating a service to the task definition it already has is a no-op.
        self.call(|| self.inner.update_service(cluster, service, task_definition))
    }

    fn image_exists(
        &self,
        registry_id: &str,
        repository: &str,
        tag: &str,
    ) -> Result<ImageCheck, AwsError> {
        self.call(|| self.inner.image_exists(registry_id, repository, tag))
    }

    fn alarms_in_alarm(&self, prefix: &str) -> Result<Vec<Alarm>, AwsError> {
        self.call(|| self.inner.alarms_in_alarm(prefix))
    }

    fn describe_target_group(&self, arn: &str) -> Result<Option<TargetGroup>, AwsError> {
        self.call(|| self.inner.describe_target_group(arn))
    }

    fn role_trust_policy(&self, role_name: &str) -> Result<Option<String>, AwsError> {
        self.call(|| self.inner.role_trust_policy(role_name))
    }

    fn run_task(&self, request: &RunTask) -> Result<String, AwsError> {
        // Safe to retry: the request's client token makes ECS start one task for it.
        self.call(|| self.inner.run_task(request))
    }

    fn describe_task(&self, cluster: &str, task: &str) -> Result<Option<Task>, AwsError> {
        self.call(|| self.inner.describe_task(cluster, task))
    }

    fn describe_target_group_named(&self, name: &str) -> Result<Option<TargetGroup>, AwsError> {
        self.call(|| self.inner.describe_target_group_named(name))
    }

    fn describe_listener(&self, arn: &str) -> Result<Option<Listener>, AwsError> {
        self.call(|| self.inner.describe_listener(arn))
    }

    fn get_deployment_group(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Option<DeploymentGroup>, AwsError> {
        self.call(|| self.inner.get_deployment_group(application, group))
    }

    fn get_deployment_config(
        &self,
        name: &str,
    ) -> Result<Option<wharf_aws::codedeploy::Traffic>, AwsError> {
        self.call(|| self.inner.get_deployment_config(name))
    }

    fn list_active_deployments(
        &self,
        application: &str,
        group: &str,
    ) -> Result<Vec<String>, AwsError> {
        self.call(|| self.inner.list_active_deployments(application, group))
    }

    fn get_deployment(&self, id: &str) -> Result<Release, AwsError> {
        self.call(|| self.inner.get_deployment(id))
    }

    fn create_deployment(&self, release: &NewRelease) -> Result<String, AwsError> {
        // A retry after a lost response cannot start a second release: CodeDeploy allows
        // one active deployment per group and answers DeploymentLimitExceededException,
        // which the release follows as the deployment in progress.
        self.call(|| self.inner.create_deployment(release))
    }

    fn stop_deployment(&self, id: &str, auto_rollback: bool) -> Result<(), AwsError> {
        self.call(|| self.inner.stop_deployment(id, auto_rollback))
    }

    fn continue_deployment(&self, id: &str) -> Result<(), AwsError> {
        self.call(|| self.inner.continue_deployment(id))
    }

    fn list_deployment_targets(&self, id: &str) -> Result<Vec<String>, AwsError> {
        self.call(|| self.inner.list_deployment_targets(id))
    }

    fn get_deployment_target(
        &self,
        id: &str,
        target_id: &str,
    ) -> Result<Option<ReleaseTarget>, AwsError> {
        self.call(|| self.inner.get_deployment_target(id, target_id))
    }
}
