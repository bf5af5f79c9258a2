//! CloudWatch alarms on the services and the load balancer, and the encrypted SNS topic
//! they notify.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform};

use crate::component::{Call, Component, Readme};
use crate::components::service::label;
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct Alarms;

fn services(env: &Environment) -> Expr {
    Expr::Object(
        env.services
            .iter()
            .map(|s| {
                // A worker has no target group; its load balancer alarms are not made. A
                // service released blue/green serves from either of two.
                let mut suffixes = Vec::new();
                if s.port.is_some() {
                    suffixes.push(Expr::raw(format!(
                        "module.load_balancer.target_group_arn_suffixes[\"{}\"]",
                        s.key
                    )));
                }
                if s.release.blue_green().is_some() {
                    suffixes.push(Expr::raw(format!(
                        "module.load_balancer.second_target_group_arn_suffixes[\"{}\"]",
                        s.key
                    )));
                }
                (
                    s.key.clone(),
                    Expr::Object(vec![
                        (
                            "service_name".into(),
                            Expr::raw(format!("module.{}.service_name", label(s))),
                        ),
                        ("load_balanced".into(), Expr::Bool(s.port.is_some())),
                        ("target_group_arn_suffixes".into(), Expr::List(suffixes)),
                        ("min_tasks".into(), Expr::int(s.min_count)),
                    ]),
                )
            })
            .collect(),
    )
}

impl Component for Alarms {
    fn name(&self) -> &'static str {
        "alarms"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("alarms")
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        let a = &env.alarms;
        let body = Body::new()
            .attr("name", Expr::str(&env.prefix))
            .attr("region", Expr::str(&p.region))
            .attr(
                "alerts_email",
                a.alerts_email.as_ref().map(Expr::str).unwrap_or(Expr::Null),
            )
            .attr("cluster_name", Expr::raw("module.cluster.cluster_name"))
            .attr(
                "container_insights",
                Expr::Bool(env.cluster.container_insights),
            )
            .attr(
                "alb_arn_suffix",
                Expr::raw("module.load_balancer.arn_suffix"),
            )
            .attr("cpu_threshold", Expr::int(a.cpu_percent))
            .attr("memory_threshold", Expr::int(a.memory_percent))
            .attr("target_5xx_threshold", Expr::int(a.target_5xx_count))
            .attr(
                "response_time_threshold_seconds",
                Expr::Float(a.response_time_seconds),
            )
            .attr("services", services(env));
        vec![Call::new(self, "alarms", body)]
    }

    fn outputs(&self, _env: &Environment) -> Vec<Block> {
        vec![output(
            "alarm_topic_arn",
            "SNS topic that every alarm notifies.",
            Expr::raw("module.alarms.sns_topic_arn"),
        )]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        let a = &env.alarms;
        let _ = writeln!(
            readme.choices,
            "- **Alarms** on CPU above {}%, memory above {}%, running tasks below the minimum, unhealthy targets, more than {} target 5XX responses in 5 minutes, and p95 response time above {} s; they notify an encrypted SNS topic{}.",
            a.cpu_percent,
            a.memory_percent,
            a.target_5xx_count,
            a.response_time_seconds,
            match &a.alerts_email {
                Some(e) => format!(" that emails `{e}` (confirm the subscription email AWS sends)"),
                None => " with no subscriber: set `alerts_email` to be told".to_string(),
            }
        );
    }
}
