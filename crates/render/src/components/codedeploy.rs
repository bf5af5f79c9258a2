//! CodeDeploy blue/green releases: the environment's application and service role, a
//! deployment group per service that releases blue/green, canary or linear, and the
//! configurations for steps CodeDeploy does not predefine. The second target groups and the
//! test listener are the load balancer's; the `CODE_DEPLOY` controller is the service's.

use std::fmt::Write as _;

use wharf_model::{BlueGreen, Environment, Platform, ReleaseTest, Traffic, TEST_WAIT_MINUTES};

use crate::component::{Call, Component, Readme};
use crate::components::service::label;
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct CodeDeploy;

fn blue_green(env: &Environment) -> impl Iterator<Item = (&wharf_model::Service, &BlueGreen)> {
    env.services
        .iter()
        .filter_map(|s| Some((s, s.release.blue_green()?)))
}

fn services(env: &Environment) -> Expr {
    Expr::Object(
        blue_green(env)
            .map(|(s, b)| {
                let key = &s.key;
                (
                    key.clone(),
                    Expr::Object(
                        vec![
                            (
                                "service_name".into(),
                                Expr::raw(format!("module.{}.service_name", label(s))),
                            ),
                            (
                                "target_group_names".into(),
                                Expr::List(vec![
                                    Expr::raw(format!(
                                        "module.load_balancer.target_group_names[\"{key}\"]"
                                    )),
                                    Expr::raw(format!(
                                        "module.load_balancer.second_target_group_names[\"{key}\"]"
                                    )),
                                ]),
                            ),
                            (
                                "deployment_config_name".into(),
                                Expr::str(&b.deployment_config),
                            ),
                            ("bake_minutes".into(), Expr::int(b.bake_minutes)),
                            (
                                "alarm_names".into(),
                                Expr::raw(format!("module.alarms.release_alarm_names[\"{key}\"]")),
                            ),
                        ]
                        .into_iter()
                        .chain(b.test.as_ref().map(|t| ("test".into(), test(t))))
                        .collect(),
                    ),
                )
            })
            .collect(),
    )
}

/// A service's test path and the host name its request carries.
fn test(t: &ReleaseTest) -> Expr {
    Expr::Object(
        [("path".to_string(), Expr::str(&t.path))]
            .into_iter()
            .chain(t.host.as_ref().map(|h| ("host".to_string(), Expr::str(h))))
            .collect(),
    )
}

/// The check task's settings, when any service has a test path.
fn release_check(env: &Environment, cd: &wharf_model::CodeDeploy, region: &str) -> Option<Expr> {
    let image = cd.check_image?;
    Some(Expr::Object(vec![
        ("image".into(), Expr::str(image)),
        (
            "test_listener_port".into(),
            Expr::int(cd.test_listener_port),
        ),
        (
            "test_listener_https".into(),
            Expr::Bool(cd.test_listener_https),
        ),
        (
            "load_balancer_dns_name".into(),
            Expr::raw("module.load_balancer.dns_name"),
        ),
        ("vpc_id".into(), Expr::raw("module.network.vpc_id")),
        ("region".into(), Expr::str(region)),
        ("wait_minutes".into(), Expr::int(TEST_WAIT_MINUTES)),
        (
            "log_retention_days".into(),
            Expr::int(env.cluster.log_retention_days),
        ),
        (
            "kms_key_arn".into(),
            Expr::raw("module.cluster.kms_key_arn"),
        ),
    ]))
}

fn custom_configs(cd: &wharf_model::CodeDeploy) -> Option<Expr> {
    if cd.custom_configs.is_empty() {
        return None;
    }
    let configs = cd
        .custom_configs
        .iter()
        .filter_map(|(name, traffic)| {
            let (canary, percent, interval) = match *traffic {
                Traffic::AllAtOnce => return None,
                Traffic::Canary {
                    percent,
                    interval_minutes,
                } => (true, percent, interval_minutes),
                Traffic::Linear {
                    percent,
                    interval_minutes,
                } => (false, percent, interval_minutes),
            };
            Some((
                name.clone(),
                Expr::Object(vec![
                    ("canary".into(), Expr::Bool(canary)),
                    ("percent".into(), Expr::int(percent)),
                    ("interval_minutes".into(), Expr::int(interval)),
                ]),
            ))
        })
        .collect();
    Some(Expr::Object(configs))
}

impl Component for CodeDeploy {
    fn name(&self) -> &'static str {
        "codedeploy"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("codedeploy")
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        let Some(cd) = &env.code_deploy else {
            return Vec::new();
        };
        let body = Body::new()
            .attr("name", Expr::str(&cd.application))
            .attr("cluster_name", Expr::raw("module.cluster.cluster_name"))
            .attr(
                "listener_arn",
                Expr::raw("module.load_balancer.listener_arn"),
            )
            .attr(
                "test_listener_arn",
                Expr::raw("module.load_balancer.test_listener_arn"),
            )
            .attr("services", services(env))
            .attr_opt("custom_configs", custom_configs(cd))
            .attr_opt("release_check", release_check(env, cd, &p.region));
        vec![Call::new(self, "codedeploy", body)]
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.code_deploy.is_none() {
            return Vec::new();
        }
        vec![
            output(
                "codedeploy_application_name",
                "CodeDeploy application of the services released blue/green.",
                Expr::raw("module.codedeploy.application_name"),
            ),
            output(
                "codedeploy_deployment_group_names",
                "CodeDeploy deployment group of each service released blue/green.",
                Expr::raw("module.codedeploy.deployment_group_names"),
            ),
        ]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        releases(&mut readme.details, env);
    }
}

/// How a release moves traffic, in words.
fn steps(t: Traffic) -> String {
    match t {
        Traffic::AllAtOnce => "all traffic at once".to_string(),
        Traffic::Canary {
            percent,
            interval_minutes,
        } => format!("{percent} % for {interval_minutes} min, then the rest"),
        Traffic::Linear {
            percent,
            interval_minutes,
        } => format!(
            "{percent} % more every {interval_minutes} min ({} min in all)",
            t.shift_minutes()
        ),
    }
}

/// `## Blue/green releases`: which services release how, how a release flows, how
/// `wharf deploy` starts and follows one, and how to stop one.
fn releases(o: &mut String, env: &Environment) {
    let Some(cd) = &env.code_deploy else {
        return;
    };
    let _ = writeln!(o, "\n## Blue/green releases\n");
    let _ = writeln!(o, "These services are released by CodeDeploy, in the application `{}` (one deployment group per service, named as the service); the others roll, task by task.\n", cd.application);
    let _ = writeln!(o, "| service | release | traffic | old tasks kept |");
    let _ = writeln!(o, "|---|---|---|---|");
    for (s, b) in blue_green(env) {
        let kind = match b.traffic {
            Traffic::AllAtOnce => "blue/green",
            Traffic::Canary { .. } => "canary",
            Traffic::Linear { .. } => "linear",
        };
        let _ = writeln!(
            o,
            "| `{}` | {kind} (`{}`) | {} | {} min |",
            s.name,
            b.deployment_config,
            steps(b.traffic),
            b.bake_minutes
        );
    }
    let _ = writeln!(o, "\nA release:\n");
    let _ = writeln!(o, "1. CodeDeploy starts a second set of tasks of the new task definition, as many as run now, in the service's target group that is not serving (each has two: its own and its `-2`).");
    let checked: Vec<String> = blue_green(env)
        .filter_map(|(s, b)| Some(format!("`{}` (`{}`)", s.name, b.test.as_ref()?.path)))
        .collect();
    let sources = if cd.test_listener_cidrs.is_empty() {
        String::new()
    } else {
        format!(" and {}", crate::root::code_list(&cd.test_listener_cidrs))
    };
    let _ = writeln!(o, "2. Once they pass the health check, the **test listener** on port {} sends its requests to them while production traffic still goes to the old tasks. It answers only the environment's own NAT addresses (a client inside the VPC, such as a task started with `wharf run`){sources}.", cd.test_listener_port);
    if checked.is_empty() {
        let _ = writeln!(
            o,
            "   No service here has a `test_path`, so CodeDeploy goes straight on."
        );
    } else {
        let _ = writeln!(o, "   The releases of {} wait there, up to {TEST_WAIT_MINUTES} min (the group's ready option `STOP_DEPLOYMENT`): `wharf deploy` runs the service's check task (`SERVICE-test`, curl's image pinned by digest, in the service's subnets and its own security group, logs in `/ecs/{}-release-check`), which asks the test listener for the path and fails on an answer of 400 or more, a timeout or a refused connection after about 90 s of retries. On success wharf continues the release (`codedeploy:ContinueDeployment`); otherwise it stops it with rollback before any production traffic moved, and exits 1. A release started some other way waits for `aws deploy continue-deployment --deployment-id ID --deployment-wait-type READY_WAIT`, or is stopped after the wait. The check task costs a fraction of a cent per release.", checked.join(", "), cd.application);
    }
    let _ = writeln!(o, "3. CodeDeploy moves the production listener's rules to the new tasks in the configuration's steps.");
    let _ = writeln!(o, "4. It keeps the old tasks for the minutes in the table, during which a rollback moves traffic back at once, then stops them. Meanwhile the service runs twice its tasks: `wharf cost` prices them from `releases_per_month` in the usage file.\n");
    let _ = writeln!(o, "CodeDeploy rolls a release back by itself when a step fails, when the deployment is stopped, or when the service's `-target-5xx` or `-response-time` alarm goes into ALARM during it.\n");
    let _ = writeln!(o, "**Starting a release.** `wharf deploy --env {} --service KEY --image-tag TAG` registers a revision of the newest task definition with the new image (as for a rolling service), creates the CodeDeploy deployment (its AppSpec names the revision, the load balancer's container and port, and the service's network, capacity providers and platform version, which CodeDeploy would otherwise not carry over), and follows its lifecycle events and traffic weight to the end. It waits for the new tasks as long as `--timeout` (15 minutes by default) plus the traffic steps and the bake time in the table. When CodeDeploy rolls back, or wharf stops a release that outlasts its wait (with rollback), it follows the rollback and exits 1. Run it again after an interruption and it follows the release in progress instead of starting another; `wharf status` shows where a release is, and `wharf verify` checks the deployment group, both target groups and the listeners.\n", env.name);
    let _ = writeln!(o, "**Stopping a release** and moving traffic back: `wharf rollback --env {} --service KEY` stops the release in progress with rollback and follows it; with none in progress, it releases the previous revision through CodeDeploy all at once (`CodeDeployDefault.ECSAllAtOnce`). Without wharf: `aws deploy stop-deployment --deployment-id ID --auto-rollback-enabled` (`aws deploy list-deployments --application-name {} --deployment-group-name SERVICE --include-only-statuses InProgress` lists it).\n", env.name, cd.application);
    let _ = writeln!(o, "Terraform ignores what a release changes (the service's task definition and target group, and the forward actions of the listeners' rules), so `terraform apply` after a release changes nothing. Changing a service between rolling and blue/green replaces its ECS service, since version 5 of the AWS provider cannot change the controller in place: its tasks stop and start again, so do it outside busy hours. Before moving a service back to rolling, release it so that traffic is on its own target group (not `-2`), or the second target group cannot be deleted. ECS changes a blue/green service's network, capacity providers and ECS Exec setting only through a release, so `terraform apply` of such a change fails until a release carries it.");
}
