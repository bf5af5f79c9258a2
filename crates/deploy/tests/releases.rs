//! Releases against a fake AWS: the failures moto cannot play (a tripped circuit breaker,
//! tasks failing health checks, a rollout that never ends, throttling storms). Time is
//! virtual, so a 15-minute timeout takes no time.

// Each test binary uses part of the shared fake.
#[allow(dead_code)]
mod fake;

use fake::{captured, target, Buffer, FakeAws, Script, CLUSTER, SERVICE, WAIT};
use wharf_deploy::{
    deploy, rollback, run, status, verify, DeployRequest, Outcome, Progress, Retrying, RunRequest,
    Target, VirtualClock,
};

/// A deploy of `tag` that waits.
fn request<'a>(target: &'a Target, tag: &'a str) -> DeployRequest<'a> {
    DeployRequest {
        target,
        image_tag: tag,
        container: None,
        wait: Some(WAIT),
        dry_run: false,
    }
}

/// Deploys `tag` through the retry layer, as the CLI does; returns the outcome (or the
/// error's text) and what was printed.
fn release(
    aws: &FakeAws,
    clock: &VirtualClock,
    tag: &str,
    dry_run: bool,
) -> (Result<Outcome, String>, String) {
    let retrying = Retrying::new(aws, clock, 7);
    let target = target();
    captured(|out| {
        deploy(
            &retrying,
            clock,
            out,
            &DeployRequest {
                dry_run,
                ..request(&target, tag)
            },
        )
    })
}

#[test]
fn a_new_tag_registers_a_revision_that_differs_only_in_the_image_and_completes() {
    let aws = FakeAws::new();
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", false);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "ecs:UpdateService shop-prod-api:2"
        ]
    );
    let s = aws.state.borrow();
    let (old, new) = (&s.task_definitions[0], &s.task_definitions[1]);
    assert_eq!(new.containers[0].image, fake::REPO.to_string() + ":v2");
    // The sidecar, the roles and everything else are the same.
    assert_eq!(new.containers[1], old.containers[1]);
    assert_eq!(new.task_role_arn, old.task_role_arn);
    assert_eq!(aws.service_task_definition(), "shop-prod-api:2");
    assert!(text.contains("-   image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v1\n+   image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v2\n"), "{text}");
    assert!(text.contains("has reached a steady state."), "{text}");
    assert!(
        text.contains("Deployment of shop-prod-api:2 completed in 5s."),
        "{text}"
    );
}

#[test]
fn a_service_under_an_external_controller_is_refused_before_anything_changes() {
    let aws = FakeAws::new();
    aws.state.borrow_mut().controller = wharf_deploy::aws::DeploymentController::External;
    let clock = VirtualClock::default();
    let (result, _) = release(&aws, &clock, "v2", false);
    let error = result.unwrap_err();
    assert!(
        error
            == "service `shop-prod-api` is released by its EXTERNAL deployment controller, which wharf does not drive (ecs:DescribeServices); nothing was changed\nhelp: release it with the tool that owns its task sets",
        "{error}"
    );
    assert!(aws.changes().is_empty());
    let buffer = Buffer::default();
    let mut out = Progress::new(Box::new(buffer.clone()), false);
    let back = rollback(&aws, &clock, &mut out, &target(), None, Some(WAIT));
    assert!(back.is_err());
    assert!(aws.changes().is_empty());
}

#[test]
fn a_tag_missing_from_ecr_is_refused_before_anything_changes() {
    let aws = FakeAws::new();
    let clock = VirtualClock::default();
    let (result, _) = release(&aws, &clock, "v3", false);
    let error = result.unwrap_err();
    assert!(error.starts_with("ECR repository `shop-prod-api` has no image tagged `v3` (ecr:DescribeImages); nothing was changed\nhelp: push it first (docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v3)"), "{error}");
    assert!(aws.changes().is_empty());
}

#[test]
fn a_tripped_circuit_breaker_is_left_to_roll_back_and_exits_1() {
    let aws = FakeAws::new();
    aws.state
        .borrow_mut()
        .scripts
        .insert("v2".into(), Script::TripsBreaker(3));
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", false);
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert_eq!(result.unwrap().exit_code(), 1);
    // ECS rolled back; wharf did not update the service a second time.
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "ecs:UpdateService shop-prod-api:2"
        ]
    );
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
    assert!(text.contains("Deployment of shop-prod-api:2 failed: ECS deployment circuit breaker: tasks failed to start.\nThe deployment circuit breaker is rolling back; wharf waits for it.\n"), "{text}");
    assert!(
        text.contains("Rolled back: the service runs shop-prod-api:1 again."),
        "{text}"
    );
}

#[test]
fn tasks_failing_health_checks_without_a_circuit_breaker_are_rolled_back_by_wharf() {
    let aws = FakeAws::new();
    {
        let mut s = aws.state.borrow_mut();
        s.breaker = None;
        s.scripts.insert("v2".into(), Script::FailsHealthChecks);
    }
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", false);
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    // 2 desired tasks: the circuit breaker's threshold is at least 3 failed tasks.
    assert!(text.contains("Deployment of shop-prod-api:2 failed: 3 tasks failed to start or to pass health checks\nRolling back to shop-prod-api:1.\n"), "{text}");
    assert!(text.contains("failed ELB health checks"), "{text}");
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "ecs:UpdateService shop-prod-api:2",
            "ecs:UpdateService shop-prod-api:1"
        ]
    );
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
}

#[test]
fn a_rollout_that_does_not_finish_times_out_and_is_rolled_back() {
    let aws = FakeAws::new();
    aws.state
        .borrow_mut()
        .scripts
        .insert("v2".into(), Script::Hangs);
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", false);
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert!(text.contains("Deployment of shop-prod-api:2 did not complete within 10m00s.\nRolling back to shop-prod-api:1.\n"), "{text}");
    assert!(
        text.contains("Rolled back: the service runs shop-prod-api:1 again."),
        "{text}"
    );
    assert_eq!(
        aws.changes().last().unwrap(),
        "ecs:UpdateService shop-prod-api:1"
    );
    // The wait ended at the timeout, not a poll later.
    assert!(clock_seconds(&clock) >= 600 && clock_seconds(&clock) < 600 + 30);
}

fn clock_seconds(clock: &VirtualClock) -> u64 {
    use wharf_deploy::Clock;
    clock.elapsed().as_secs()
}

#[test]
fn a_storm_of_throttling_is_retried_to_success() {
    let aws = FakeAws::new();
    aws.state.borrow_mut().throttle_next = 7;
    let clock = VirtualClock::default();
    let buffer = Buffer::default();
    let mut out = Progress::new(Box::new(buffer.clone()), false);
    let retrying = Retrying::new(&aws, &clock, 7);
    let result = deploy(&retrying, &clock, &mut out, &request(&target(), "v2"));
    assert_eq!(result, Ok(Outcome::Completed));
    assert_eq!(retrying.retries(), 7);
    // Then 5xx errors, on the calls that change things too.
    aws.state.borrow_mut().fail_5xx_next = 3;
    let result = deploy(&retrying, &clock, &mut out, &request(&target(), "v1"));
    assert_eq!(result, Ok(Outcome::Completed));
    assert_eq!(retrying.retries(), 10);
}

#[test]
fn throttling_that_does_not_stop_is_an_aws_error_naming_the_call() {
    let aws = FakeAws::new();
    aws.state.borrow_mut().throttle_next = 100;
    let clock = VirtualClock::default();
    let (result, _) = release(&aws, &clock, "v2", false);
    let error = result.unwrap_err();
    assert!(
        error.starts_with("ecs:DescribeServices failed: ThrottlingException: Rate exceeded (gave up after 8 attempts)\nhelp: AWS (or the endpoint in AWS_ENDPOINT_URL, if set) kept failing this call; run the command again in a minute"),
        "{error}"
    );
    assert!(aws.changes().is_empty());
}

#[test]
fn a_deploy_run_again_after_an_interruption_follows_the_deployment_in_progress() {
    let aws = FakeAws::new();
    aws.state
        .borrow_mut()
        .scripts
        .insert("v2".into(), Script::Completes(4));
    // The first run registered and updated, then was interrupted.
    {
        use wharf_deploy::Aws;
        let base = aws.describe_task_definition("shop-prod-api:1").unwrap();
        let new = aws
            .register_task_definition(&base, &[("api".into(), fake::REPO.to_string() + ":v2")])
            .unwrap();
        aws.update_service(CLUSTER, SERVICE, &new.arn).unwrap();
    }
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", false);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        text.starts_with(
            "A deployment of shop-prod-api:2 with tag `v2` is already in progress; following it.\n"
        ),
        "{text}"
    );
    // No second revision, no second update.
    assert_eq!(aws.changes().len(), 2);

    let (again, text) = release(&aws, &clock, "v2", false);
    assert_eq!(again, Ok(Outcome::Unchanged));
    assert_eq!(
        text,
        "shop-prod-api already runs shop-prod-api:2 with tag `v2`; nothing to do.\n"
    );
}

#[test]
fn a_dry_run_prints_the_revision_diff_and_changes_nothing() {
    let aws = FakeAws::new();
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", true);
    assert_eq!(result, Ok(Outcome::DryRun));
    assert_eq!(
        text,
        "shop-prod-api in cluster shop-prod: shop-prod-api:1 → a new revision of shop-prod-api\n  container api\n-   image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v1\n+   image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v2\nDry run: nothing was registered or changed.\n"
    );
    assert!(aws.changes().is_empty());
}

#[test]
fn an_invalid_tag_or_an_unknown_container_is_a_usage_error() {
    let aws = FakeAws::new();
    let clock = VirtualClock::default();
    let (result, _) = release(&aws, &clock, "a/b", false);
    assert!(result
        .unwrap_err()
        .starts_with("`a/b` is not a valid image tag"));
    let mut out = Progress::new(Box::new(Buffer::default()), false);
    let error = deploy(
        &aws,
        &clock,
        &mut out,
        &DeployRequest {
            target: &target(),
            image_tag: "v2",
            container: Some("web"),
            wait: None,
            dry_run: false,
        },
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "task definition shop-prod-api:1 has no container `web`\nhelp: its containers are: api, log-router"
    );
    assert!(aws.changes().is_empty());
}

#[test]
fn rollback_restores_the_previous_revision_or_the_one_asked_for() {
    let aws = FakeAws::new();
    let clock = VirtualClock::default();
    release(&aws, &clock, "v2", false).0.unwrap();
    let buffer = Buffer::default();
    let mut out = Progress::new(Box::new(buffer.clone()), false);
    let outcome = rollback(&aws, &clock, &mut out, &target(), None, Some(WAIT)).unwrap();
    assert_eq!(outcome, Outcome::Completed);
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
    assert!(buffer.text().starts_with("Rolling shop-prod-api back from shop-prod-api:2 to shop-prod-api:1.\n  container api\n-   image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v2\n+   image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v1\n"), "{}", buffer.text());

    let outcome = rollback(&aws, &clock, &mut out, &target(), Some("2"), Some(WAIT)).unwrap();
    assert_eq!(outcome, Outcome::Completed);
    assert_eq!(aws.service_task_definition(), "shop-prod-api:2");
    let error = rollback(&aws, &clock, &mut out, &target(), Some("9"), Some(WAIT)).unwrap_err();
    assert!(error.to_string().starts_with(
        "ecs:DescribeTaskDefinition failed: ClientException: Unable to describe task definition."
    ));
}

#[test]
fn run_waits_for_the_task_and_returns_its_exit_code() {
    let aws = FakeAws::new();
    aws.state.borrow_mut().run_exit_code = Some(3);
    let clock = VirtualClock::default();
    let buffer = Buffer::default();
    let mut out = Progress::new(Box::new(buffer.clone()), false);
    let command = vec!["./migrate".to_string(), "up".to_string()];
    let code = run(
        &aws,
        &clock,
        &mut out,
        &RunRequest {
            target: &target(),
            container: None,
            command: &command,
            wait: Some(WAIT),
            client_token: "t-1".to_string(),
        },
    )
    .unwrap();
    assert_eq!(code, 3);
    assert_eq!(aws.changes(), ["ecs:RunTask ./migrate up"]);
    drop(out);
    assert_eq!(
        buffer.text(),
        "Started task t-1 of shop-prod-api:1 in cluster shop-prod (container api).\n  task t-1: PROVISIONING  (0s)\n  task t-1: PENDING  (5s)\n  task t-1: RUNNING  (10s)\n  task t-1: STOPPED  (15s)\nTask t-1 stopped after 15s: `./migrate up` exited with 3.\n"
    );

    aws.state.borrow_mut().run_exit_code = None;
    let mut out = Progress::new(Box::new(buffer.clone()), false);
    let code = run(
        &aws,
        &clock,
        &mut out,
        &RunRequest {
            target: &target(),
            container: None,
            command: &command,
            wait: Some(WAIT),
            client_token: "t-2".to_string(),
        },
    )
    .unwrap();
    assert_eq!(code, 1);
    assert!(buffer.text().ends_with("Task t-2 stopped before `./migrate up` ran to an end: CannotPullContainerError: pull image manifest has been retried 5 time(s)\n"));
}

#[test]
fn verify_reports_each_check_and_what_to_do() {
    let aws = FakeAws::new();
    let checks = verify(&aws, &target(), Some("v2"), None).unwrap();
    let lines: Vec<String> = checks
        .iter()
        .map(|c| format!("{} {}", if c.ok { "ok  " } else { "FAIL" }, c.what))
        .collect();
    assert_eq!(
        lines,
        [
            "ok   cluster shop-prod is ACTIVE",
            "ok   service shop-prod-api is ACTIVE",
            "ok   image shop-prod-api:v2 is in ECR",
            "ok   task role shop-prod-api-task can be assumed by ecs-tasks.amazonaws.com",
            "ok   execution role shop-prod-api-execution can be assumed by ecs-tasks.amazonaws.com",
            "ok   target group shop-prod-api and container api use port 8000",
        ]
    );
    {
        let mut s = aws.state.borrow_mut();
        s.task_role_trust = s.task_role_trust.replace("ecs-tasks", "ec2");
        s.target_group_port = 80;
    }
    let failed: Vec<String> = verify(&aws, &target(), Some("v9"), None)
        .unwrap()
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| c.what)
        .collect();
    assert_eq!(
        failed,
        [
            "ECR repository shop-prod-api has no image tagged v9",
            "task role shop-prod-api-task cannot be assumed by ecs-tasks.amazonaws.com",
            "target group shop-prod-api uses port 80, container api listens on 8000",
        ]
    );
    let missing = Target {
        cluster: "nope".into(),
        service: SERVICE.into(),
        code_deploy: None,
    };
    let checks = verify(&aws, &missing, None, None).unwrap();
    assert_eq!(checks.len(), 1);
    assert!(!checks[0].ok);
}

#[test]
fn status_shows_deployments_events_and_alarms() {
    let aws = FakeAws::new();
    let report = status(&aws, &[target()], Some("shop-prod")).unwrap();
    assert_eq!(
        report,
        "shop-prod-api (cluster shop-prod)\n  task definition  shop-prod-api:1\n  image            api: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:v1\n  image            log-router: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable\n  tasks            2 running, 0 pending, 2 desired\n  deployments\n    PRIMARY  shop-prod-api:1          COMPLETED    2 of 2 running, 0 pending, 0 failed\n  recent events\n    2026-11-22T09:00:00Z  (service shop-prod-api) has reached a steady state.\n\nAlarms in ALARM (shop-prod*): 1\n  shop-prod-api-cpu-high  Threshold Crossed: 3 datapoints were greater than 80.0\n"
    );
}

#[test]
fn a_revision_terraform_registered_since_is_the_base_of_the_release() {
    let aws = FakeAws::new();
    {
        // `terraform apply` changed the port and registered revision 2 with its image_tag.
        use wharf_deploy::Aws;
        let base = aws.describe_task_definition("shop-prod-api:1").unwrap();
        let mut s = aws.state.borrow_mut();
        let mut newer = base.clone();
        newer.revision = 2;
        newer.arn = base.arn.replace(":1", ":2");
        newer.containers[0].container_ports = vec![9000];
        s.task_definitions.push(newer);
    }
    let clock = VirtualClock::default();
    let (result, text) = release(&aws, &clock, "v2", false);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(text.starts_with("note: shop-prod-api:2 is newer than the running shop-prod-api:1 (registered by `terraform apply`); its changes roll out with this image\n"), "{text}");
    let s = aws.state.borrow();
    let released = s.task_definitions.last().unwrap();
    assert_eq!(released.revision, 3);
    assert_eq!(released.containers[0].container_ports, [9000]);
    assert!(released.containers[0].image.ends_with(":v2"));
}
