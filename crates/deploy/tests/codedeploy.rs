//! Blue/green and canary releases through a fake CodeDeploy whose deployments follow a
//! virtual clock: a canary that succeeds, one that fails and is rolled back, an alarm in
//! the bake time, a release that outlasts the wait, throttling, and a deploy run again
//! after an interruption. moto cannot play these: its deployments never leave "Created".

// Each test binary uses part of the shared fake.
#[allow(dead_code)]
mod fake;

use std::time::Duration;

use fake::{captured, target, FakeAws, Release, WAIT};
use wharf_deploy::aws::ReleaseStatus;
use wharf_deploy::progress::duration;
use wharf_deploy::{
    deploy, rollback, status, verify, Clock, DeployRequest, Outcome, Retrying, Wait,
};

/// Deploys `tag` through the retry layer on the fake's clock, as the CLI does; returns
/// the outcome (or the error's text) and what was printed.
fn release(aws: &FakeAws, tag: &str, wait: Option<Wait>) -> (Result<Outcome, String>, String) {
    let retrying = Retrying::new(aws, &aws.clock, 7);
    let target = target();
    captured(|out| {
        deploy(
            &retrying,
            &aws.clock,
            out,
            &DeployRequest {
                target: &target,
                image_tag: tag,
                container: None,
                wait,
                dry_run: false,
            },
        )
    })
}

fn roll_back(aws: &FakeAws, to: Option<&str>) -> (Result<Outcome, String>, String) {
    let retrying = Retrying::new(aws, &aws.clock, 7);
    captured(|out| rollback(&retrying, &aws.clock, out, &target(), to, Some(WAIT)))
}

/// The fake's virtual time, as wharf prints durations.
fn minutes(aws: &FakeAws) -> String {
    duration(aws.clock.elapsed())
}

/// Where `needle` is in `text`, or a failure that shows the text.
fn position(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("no `{needle}` in:\n{text}"))
}

#[test]
fn a_canary_moves_ten_percent_then_all_and_succeeds_after_the_bake() {
    let aws = FakeAws::code_deploy();
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert_eq!(
        aws.changes(),
        ["ecs:RegisterTaskDefinition", "codedeploy:CreateDeployment"],
        "a CodeDeploy release never calls ecs:UpdateService"
    );
    // The timeline, in virtual time: 70 s for the new tasks, 5 min at 10 %, 15 min of bake.
    assert!(
        text.contains(
            "CodeDeploy deployment d-FAKE1 succeeded in 21m10s: all traffic is on the new tasks."
        ),
        "{text}"
    );
    let order = [
        "  traffic: CodeDeployDefault.ECSCanary10Percent5Minutes (10% of traffic, the rest 5 min later; the original tasks are kept 15 min after)",
        "Created CodeDeploy deployment d-FAKE1 of shop-prod-api:2.",
        "Waiting up to 30m00s: 10m00s for the new tasks, plus the 20m00s the traffic steps and bake take.",
        "  Install: InProgress",
        "  Install: Succeeded",
        "  AllowTraffic: InProgress",
        "d-FAKE1: InProgress, AllowTraffic, new tasks 2 of 2 running, 10% of traffic",
        "  AllowTraffic: Succeeded",
        "d-FAKE1: InProgress, new tasks 2 of 2 running, 100% of traffic",
        "succeeded in 21m10s",
    ];
    let at: Vec<usize> = order.iter().map(|l| position(&text, l)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "out of order:\n{text}");
    assert_eq!(minutes(&aws), "21m10s");
    assert_eq!(aws.service_task_definition(), "shop-prod-api:2");

    // The AppSpec names the new revision, the load balancer's container and port, and the
    // service's network, capacity providers and platform version.
    let cd = aws.cd();
    let spec: serde_json::Value = serde_json::from_str(&cd.releases[0].app_spec).unwrap();
    let properties = &spec["Resources"][0]["TargetService"]["Properties"];
    assert_eq!(
        spec["Resources"][0]["TargetService"]["Type"],
        "AWS::ECS::Service"
    );
    assert_eq!(
        properties["TaskDefinition"],
        "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:2"
    );
    assert_eq!(
        properties["LoadBalancerInfo"],
        serde_json::json!({"ContainerName": "api", "ContainerPort": 8000})
    );
    assert_eq!(
        properties["CapacityProviderStrategy"],
        serde_json::json!([{"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1}])
    );
    assert_eq!(
        properties["NetworkConfiguration"]["AwsvpcConfiguration"],
        serde_json::json!({"Subnets": ["subnet-a"], "SecurityGroups": ["sg-1"], "AssignPublicIp": "DISABLED"})
    );
    assert_eq!(properties["PlatformVersion"], "LATEST");
}

#[test]
fn a_failing_canary_is_rolled_back_by_codedeploy_and_exits_1() {
    let aws = FakeAws::code_deploy();
    aws.state
        .borrow_mut()
        .cd
        .as_mut()
        .unwrap()
        .scripts
        .insert("v2".into(), Release::FailsInstall);
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert_eq!(Outcome::Failed.exit_code(), 1);
    assert!(text.contains("  Install: Failed"), "{text}");
    assert!(
        text.contains("CodeDeploy deployment d-FAKE1 failed: ECS_UPDATE_ERROR: The ECS service cannot reach a steady state: tasks failed to start."),
        "{text}"
    );
    assert!(
        text.contains("CodeDeploy is rolling back in deployment d-ROLLBACK2; following it."),
        "{text}"
    );
    assert!(
        text.contains("Rolled back in 30s: production traffic is on the original tasks again."),
        "{text}"
    );
    // CodeDeploy rolled back by itself: wharf stopped nothing.
    assert_eq!(
        aws.changes(),
        ["ecs:RegisterTaskDefinition", "codedeploy:CreateDeployment"]
    );
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
    assert_eq!(minutes(&aws), "1m10s");
}

#[test]
fn an_alarm_during_the_bake_stops_the_release_and_traffic_goes_back() {
    let aws = FakeAws::code_deploy();
    aws.state
        .borrow_mut()
        .cd
        .as_mut()
        .unwrap()
        .scripts
        .insert("v2".into(), Release::AlarmInBake);
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert!(text.contains("  AllowTraffic: Succeeded"), "{text}");
    assert!(
        text.contains("CodeDeploy deployment d-FAKE1 was stopped: ALARM_ACTIVE: One or more alarms have been activated"),
        "{text}"
    );
    assert!(
        text.contains("Activated alarms: <shop-prod-api-5xx>"),
        "{text}"
    );
    assert!(text.contains("Rolled back in 30s"), "{text}");
    // 70 s + 5 min of steps + 3 min into the bake, then 30 s of rollback.
    assert_eq!(minutes(&aws), "9m40s");
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
}

#[test]
fn a_release_that_outlasts_the_wait_is_stopped_with_rollback_at_once() {
    let aws = FakeAws::code_deploy();
    aws.state
        .borrow_mut()
        .cd
        .as_mut()
        .unwrap()
        .scripts
        .insert("v2".into(), Release::Hangs);
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert!(
        text.contains("CodeDeploy deployment d-FAKE1 has not succeeded within 30m00s; stopping it, with rollback."),
        "{text}"
    );
    assert!(
        text.contains("CodeDeploy deployment d-FAKE1 did not succeed within 30m00s; wharf stopped it: MANUAL_STOP"),
        "{text}"
    );
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "codedeploy:CreateDeployment",
            "codedeploy:StopDeployment d-FAKE1"
        ]
    );
    // Stopped on the poll that reached the deadline (30 min), not one later; 30 s of
    // rollback after that.
    assert_eq!(minutes(&aws), "30m30s");
    let cd = aws.cd();
    assert_eq!(cd.releases[0].status, ReleaseStatus::Stopped);
    assert_eq!(cd.releases[1].status, ReleaseStatus::Succeeded);
}

#[test]
fn throttled_codedeploy_calls_during_a_release_are_retried() {
    let aws = FakeAws::code_deploy();
    for (op, n) in [
        ("codedeploy:CreateDeployment", 2),
        ("codedeploy:GetDeployment", 4),
        ("codedeploy:BatchGetDeploymentTargets", 3),
        ("codedeploy:GetDeploymentGroup", 2),
    ] {
        aws.state.borrow_mut().throttle_calls.insert(op.into(), n);
    }
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        aws.state.borrow().throttle_calls.values().all(|n| *n == 0),
        "every throttled call was retried"
    );
    assert_eq!(
        aws.changes(),
        ["ecs:RegisterTaskDefinition", "codedeploy:CreateDeployment"]
    );
    assert_eq!(aws.cd().releases.len(), 1);
}

#[test]
fn a_create_whose_response_is_lost_follows_the_deployment_it_made() {
    let aws = FakeAws::code_deploy();
    aws.state.borrow_mut().lose_create_response = true;
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    // The retry met DeploymentLimitExceededException and followed the first deployment.
    assert_eq!(aws.cd().releases.len(), 1);
    assert!(
        text.contains("Created CodeDeploy deployment d-FAKE1 of shop-prod-api:2."),
        "{text}"
    );
}

#[test]
fn a_deploy_run_again_after_an_interruption_follows_the_release_in_progress() {
    let aws = FakeAws::code_deploy();
    let (started, text) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started), "{text}");
    assert!(
        text.contains("`wharf rollback` stops it and moves traffic back to shop-prod-api:1"),
        "{text}"
    );
    aws.clock.sleep(Duration::from_secs(120));
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        text.starts_with(
            "CodeDeploy deployment d-FAKE1 with tag `v2` is already InProgress; following it.\n"
        ),
        "{text}"
    );
    assert_eq!(
        aws.changes(),
        ["ecs:RegisterTaskDefinition", "codedeploy:CreateDeployment"],
        "one revision and one deployment, not two"
    );
    assert_eq!(minutes(&aws), "21m10s");
}

#[test]
fn a_deploy_of_another_tag_while_a_release_runs_changes_nothing() {
    let aws = FakeAws::code_deploy();
    aws.state.borrow_mut().tags.insert("v3".into());
    let (started, _) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started));
    let (result, _) = release(&aws, "v3", Some(WAIT));
    assert_eq!(
        result,
        Err("CodeDeploy deployment d-FAKE1 of shop-prod-api:2 is Created in deployment group `shop-prod-api`; CodeDeploy runs one at a time, and nothing was changed\nhelp: wait for it to end (`wharf status` shows it), or stop it and move traffic back with `wharf rollback`".to_string())
    );
    assert_eq!(
        aws.changes(),
        ["ecs:RegisterTaskDefinition", "codedeploy:CreateDeployment"]
    );
}

#[test]
fn the_tag_already_released_is_nothing_to_do() {
    let aws = FakeAws::code_deploy();
    let (result, text) = release(&aws, "v1", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Unchanged), "{text}");
    assert!(aws.changes().is_empty());
}

#[test]
fn rollback_stops_a_release_in_progress_and_follows_codedeploy_back() {
    let aws = FakeAws::code_deploy();
    let (started, _) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started));
    aws.clock.sleep(Duration::from_secs(200));
    let (result, text) = roll_back(&aws, None);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        text.starts_with("Stopping CodeDeploy deployment d-FAKE1 (shop-prod-api:2); CodeDeploy moves traffic back to the original tasks.\n"),
        "{text}"
    );
    assert!(text.contains("Rolled back in 30s"), "{text}");
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "codedeploy:CreateDeployment",
            "codedeploy:StopDeployment d-FAKE1"
        ]
    );
    // --to is refused while a release runs: the stop comes first.
    let (started, _) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started));
    let (refused, _) = roll_back(&aws, Some("1"));
    assert!(refused
        .unwrap_err()
        .contains("run `wharf rollback` without --to first"));
}

#[test]
fn rollback_during_codedeploys_own_rollback_follows_it_and_stops_nothing() {
    let aws = FakeAws::code_deploy();
    aws.state
        .borrow_mut()
        .cd
        .as_mut()
        .unwrap()
        .scripts
        .insert("v2".into(), Release::FailsInstall);
    let (started, _) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started));
    aws.clock.sleep(Duration::from_secs(45));
    let (result, text) = roll_back(&aws, None);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        text.starts_with(
            "CodeDeploy is already rolling back d-FAKE1 in deployment d-ROLLBACK2; following it.\n"
        ),
        "{text}"
    );
    assert_eq!(
        aws.changes(),
        ["ecs:RegisterTaskDefinition", "codedeploy:CreateDeployment"],
        "CodeDeploy's rollback is never stopped"
    );
}

#[test]
fn status_right_after_a_deploy_that_has_not_started_says_so() {
    let aws = FakeAws::code_deploy();
    let (started, _) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started));
    let report = status(&aws, &[target()], None).unwrap();
    assert!(
        report.contains("  release          d-FAKE1: Created of shop-prod-api:2\n"),
        "{report}"
    );
}

#[test]
fn rollback_after_a_release_deploys_the_previous_revision_all_at_once() {
    let aws = FakeAws::code_deploy();
    let (done, _) = release(&aws, "v2", Some(WAIT));
    assert_eq!(done, Ok(Outcome::Completed));
    let before = aws.clock.elapsed();
    let (result, text) = roll_back(&aws, None);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        text.starts_with("Rolling shop-prod-api back from shop-prod-api:2 to shop-prod-api:1 through CodeDeploy, CodeDeployDefault.ECSAllAtOnce (all traffic at once; the original tasks are kept 15 min after).\n"),
        "{text}"
    );
    let cd = aws.cd();
    let back = cd.releases.last().unwrap();
    assert_eq!(back.config, "CodeDeployDefault.ECSAllAtOnce");
    assert!(back.task_definition.ends_with("shop-prod-api:1"));
    drop(cd);
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
    // 70 s for the tasks, no steps, the 15 minutes of bake.
    assert_eq!((aws.clock.elapsed() - before).as_secs(), 70 + 15 * 60);
}

#[test]
fn status_shows_the_release_in_progress_and_the_last_ones() {
    let aws = FakeAws::code_deploy();
    let (started, _) = release(&aws, "v2", None);
    assert_eq!(started, Ok(Outcome::Started));
    aws.clock.sleep(Duration::from_secs(100));
    let report = status(&aws, &[target()], None).unwrap();
    assert!(
        report.contains("  released by      CodeDeploy shop-prod/shop-prod-api: CodeDeployDefault.ECSCanary10Percent5Minutes (10% of traffic, the rest 5 min later; the original tasks are kept 15 min after)\n  release          d-FAKE1: InProgress, AllowTraffic, new tasks 2 of 2 running, 10% of traffic of shop-prod-api:2\n  last attempted   d-FAKE1 InProgress"),
        "{report}"
    );
}

#[test]
fn verify_checks_the_group_both_target_groups_and_the_listeners() {
    let aws = FakeAws::code_deploy();
    let checks = verify(&aws, &target(), Some("v2"), None).unwrap();
    let passed: Vec<&str> = checks
        .iter()
        .filter(|c| c.ok)
        .map(|c| c.what.as_str())
        .collect();
    assert!(checks.iter().all(|c| c.ok), "{checks:#?}");
    for expected in [
        "CodeDeploy deployment group shop-prod/shop-prod-api releases the service",
        "the deployment group rolls back automatically on DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST",
        "the deployment group stops a release on shop-prod-api-5xx, shop-prod-api-response-time",
        "deployment configuration CodeDeployDefault.ECSCanary10Percent5Minutes exists",
        "target group shop-prod-api exists",
        "target group shop-prod-api-2 exists",
        "production listener on port 443 exists",
        "test listener on port 8443 exists",
    ] {
        assert!(passed.contains(&expected), "no `{expected}` in {passed:#?}");
    }

    // A hand-made group: no rollback, no alarms, the test listener on the production port.
    {
        let mut s = aws.state.borrow_mut();
        let group = &mut s.cd.as_mut().unwrap().group;
        group.auto_rollback = false;
        group.alarms.clear();
        group.test_listeners = group.prod_listeners.clone();
    }
    let failed: Vec<String> = verify(&aws, &target(), None, None)
        .unwrap()
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| c.what)
        .collect();
    assert_eq!(
        failed,
        [
            "the deployment group does not roll back a failed release, or one its alarms stop",
            "the deployment group watches no alarms",
            "the test listener uses port 443, as the production one does",
        ]
    );
}

#[test]
fn a_missing_deployment_group_is_refused_with_what_to_do() {
    let aws = FakeAws::code_deploy();
    aws.state.borrow_mut().cd.as_mut().unwrap().group.name = "other".into();
    let (result, _) = release(&aws, "v2", Some(WAIT));
    assert_eq!(
        result,
        Err("service `shop-prod-api` is released by CodeDeploy, but CodeDeploy has no deployment group `shop-prod-api` in application `shop-prod` (codedeploy:GetDeploymentGroup); nothing was changed\nhelp: run `terraform apply` for the environment (it creates the group), or name the group with --codedeploy-application and --deployment-group".to_string())
    );
    assert!(aws.changes().is_empty());
}

/// The release check task wharf started, if any.
fn check_runs(aws: &FakeAws) -> Vec<wharf_deploy::aws::RunTask> {
    aws.state
        .borrow()
        .runs
        .iter()
        .filter(|r| r.started_by == "wharf-release-check")
        .cloned()
        .collect()
}

#[test]
fn a_release_with_a_test_path_moves_traffic_only_after_its_check_passes() {
    let aws = FakeAws::code_deploy_checked();
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "codedeploy:CreateDeployment",
            "ecs:RunTask shop-prod-api-test:1",
            "codedeploy:ContinueDeployment d-FAKE1",
        ]
    );
    // The check runs in the service's subnets, in the check's own security group, on
    // Fargate, with the task definition's own command.
    let runs = check_runs(&aws);
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(
        run.task_definition,
        "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api-test:1"
    );
    assert_eq!(run.container, "check");
    assert!(run.command.is_empty());
    let network = run.network.as_ref().unwrap();
    assert_eq!(network.subnets, ["subnet-a"]);
    assert_eq!(network.security_groups, ["sg-check"]);
    assert_eq!(run.launch_type.as_deref(), Some("FARGATE"));
    assert_eq!(run.client_token, "d-FAKE1-check");

    let order = [
        &format!(
            "  before traffic moves: {} (task definition shop-prod-api-test:1)",
            fake::CHECK_URL
        ),
        "Created CodeDeploy deployment d-FAKE1 of shop-prod-api:2.",
        "  Install: Succeeded",
        &format!(
            "  checking the new tasks on the test listener: {}",
            fake::CHECK_URL
        ),
        "  the check passed in 15s; production traffic moves to the new tasks.",
        "  AllowTraffic: InProgress",
        "d-FAKE1: InProgress, AllowTraffic, new tasks 2 of 2 running, 10% of traffic",
        "  AllowTraffic: Succeeded",
        // 70 s for the new tasks, then the check, 5 min at 10 % and 15 min of bake.
        "CodeDeploy deployment d-FAKE1 succeeded in 21m",
    ];
    let at: Vec<usize> = order.iter().map(|l| position(&text, l)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "out of order:\n{text}");
    assert_eq!(aws.service_task_definition(), "shop-prod-api:2");
}

#[test]
fn a_failed_check_stops_the_release_before_any_traffic_moves_and_exits_1() {
    let aws = FakeAws::code_deploy_checked();
    aws.state.borrow_mut().check = fake::Check::Exits(22);
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert_eq!(
        aws.changes(),
        [
            "ecs:RegisterTaskDefinition",
            "codedeploy:CreateDeployment",
            "ecs:RunTask shop-prod-api-test:1",
            "codedeploy:StopDeployment d-FAKE1",
        ],
        "a failed check never continues the release"
    );
    assert!(
        text.contains("  the check failed: the test listener answered with an HTTP status of 400 or more (curl exit code 22; the check's log group has its output). Stopping CodeDeploy deployment d-FAKE1, with rollback; no production traffic moved."),
        "{text}"
    );
    assert!(
        !text.contains("AllowTraffic: InProgress"),
        "traffic moved:\n{text}"
    );
    assert!(
        text.contains("d-FAKE1: Stopped, new tasks 2 of 2 running, 0% of traffic"),
        "{text}"
    );
    assert!(
        text.contains("CodeDeploy is rolling back in deployment"),
        "{text}"
    );
    assert!(
        text.contains("production traffic is on the original tasks again"),
        "{text}"
    );
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
}

#[test]
fn a_check_that_cannot_run_or_never_ends_stops_the_release() {
    let aws = FakeAws::code_deploy_checked();
    aws.state.borrow_mut().check = fake::Check::NeverRuns(
        "CannotPullContainerError: toomanyrequests: You have reached your pull rate limit",
    );
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert!(
        text.contains(
            "the check failed: the check did not run: CannotPullContainerError: toomanyrequests"
        ),
        "{text}"
    );

    // A check that hangs is given up when CodeDeploy would stop holding the release, and
    // the release is stopped within one poll of it.
    let aws = FakeAws::code_deploy_checked();
    aws.state.borrow_mut().check = fake::Check::Hangs;
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert!(
        text.contains("the check failed: the check did not end within 9m00s (CodeDeploy holds the release 10m00s)"),
        "{text}"
    );
    let changes = aws.changes();
    assert_eq!(
        changes.last().map(String::as_str),
        Some("codedeploy:StopDeployment d-FAKE1"),
        "{changes:?}"
    );
    let cd = aws.cd();
    assert_eq!(
        cd.releases[0].error.as_deref(),
        Some("MANUAL_STOP: The deployment was stopped by the user."),
        "wharf stopped it before CodeDeploy's own timeout did"
    );
}

#[test]
fn a_rerun_after_an_interruption_checks_and_continues_the_release_in_progress() {
    let aws = FakeAws::code_deploy_checked();
    // The first run ends once the deployment is created (as an interrupted one does),
    // and the new tasks come up and wait, held, on the test listener.
    let (first, _) = release(&aws, "v2", None);
    assert_eq!(first, Ok(Outcome::Started));
    aws.clock.sleep(Duration::from_secs(120));
    let held = wharf_deploy::aws::Aws::get_deployment(&aws, "d-FAKE1").unwrap();
    assert_eq!(held.status, ReleaseStatus::Ready);
    let (again, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(again, Ok(Outcome::Completed), "{text}");
    assert!(
        text.contains("with tag `v2` is already Ready; following it."),
        "{text}"
    );
    assert!(text.contains("the check passed"), "{text}");
    assert_eq!(check_runs(&aws).len(), 1, "one check per release");
    assert!(aws
        .changes()
        .contains(&"codedeploy:ContinueDeployment d-FAKE1".to_string()));
}

#[test]
fn a_group_that_holds_releases_without_a_check_says_who_must_continue() {
    let aws = FakeAws::code_deploy();
    aws.state
        .borrow_mut()
        .cd
        .as_mut()
        .unwrap()
        .group
        .ready_wait_minutes = Some(10);
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Failed), "{text}");
    assert!(
        text.contains("before traffic moves: the new tasks wait up to 10 min for someone to continue the release"),
        "{text}"
    );
    assert!(
        text.contains("is Ready: its new tasks wait for `aws deploy continue-deployment --deployment-id d-FAKE1 --deployment-wait-type READY_WAIT`"),
        "{text}"
    );
    assert!(
        !aws.changes()
            .iter()
            .any(|c| c.starts_with("codedeploy:ContinueDeployment")),
        "wharf does not continue a release it has not checked"
    );
}

#[test]
fn a_rollback_release_is_continued_at_once_in_a_group_that_holds_releases() {
    let aws = FakeAws::code_deploy_checked();
    let (result, text) = release(&aws, "v2", Some(WAIT));
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    let (result, text) = roll_back(&aws, None);
    assert_eq!(result, Ok(Outcome::Completed), "{text}");
    assert!(
        text.contains("is Ready; continuing it, since it puts back what production ran."),
        "{text}"
    );
    assert_eq!(check_runs(&aws).len(), 1, "a rollback runs no check");
    assert_eq!(aws.service_task_definition(), "shop-prod-api:1");
}

#[test]
fn verify_checks_that_a_group_holding_releases_has_their_check() {
    let aws = FakeAws::code_deploy_checked();
    let checks = verify(&aws, &target(), None, None).unwrap();
    assert!(checks.iter().all(|c| c.ok), "{checks:#?}");
    let expected = format!(
        "a release waits up to 10 min on the test listener for its check: {} (task definition shop-prod-api-test:1)",
        fake::CHECK_URL
    );
    assert!(checks.iter().any(|c| c.what == expected), "{checks:#?}");

    // Without the check task definition, each release would wait for someone.
    aws.state
        .borrow_mut()
        .task_definitions
        .retain(|t| t.family != "shop-prod-api-test");
    let failed: Vec<String> = verify(&aws, &target(), None, None)
        .unwrap()
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| c.what)
        .collect();
    assert_eq!(
        failed,
        ["a release waits up to 10 min on the test listener, and the service has no check task definition (`shop-prod-api-test`): someone must continue each release, or CodeDeploy stops it"]
    );
}
