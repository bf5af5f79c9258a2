//! The ECS cluster, its Fargate capacity providers, the KMS key and the ECS Exec audit log.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform};

use crate::component::{Call, Component, Readme};
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct Cluster;

impl Component for Cluster {
    fn name(&self) -> &'static str {
        "cluster"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("cluster")
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        let wharf_model::Cluster {
            name,
            log_retention_days,
            container_insights,
            capacity,
        } = &env.cluster;
        let body = Body::new()
            .attr("name", Expr::str(name))
            .attr("region", Expr::str(&p.region))
            .attr("container_insights", Expr::Bool(*container_insights))
            .attr("fargate_base", Expr::int(capacity.fargate_base))
            .attr("fargate_weight", Expr::int(capacity.fargate_weight))
            .attr(
                "fargate_spot_weight",
                Expr::int(capacity.fargate_spot_weight),
            )
            .attr("log_retention_days", Expr::int(*log_retention_days));
        // The key encrypts the queues; SNS may use it for the topics that deliver to them.
        let feeding: Vec<&str> = env
            .topics
            .iter()
            .filter(|t| !t.queues.is_empty())
            .map(|t| t.name.as_str())
            .collect();
        let body = body.attr_opt(
            "sns_topics_to_queues",
            (!feeding.is_empty()).then(|| Expr::strs(feeding)),
        );
        vec![Call::new(self, "cluster", body)]
    }

    fn outputs(&self, _env: &Environment) -> Vec<Block> {
        vec![output(
            "cluster_name",
            "Name of the ECS cluster.",
            Expr::raw("module.cluster.cluster_name"),
        )]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        let c = env.cluster.capacity;
        let base = match c.fargate_base {
            0 => "no task is guaranteed on-demand capacity: each service's tasks".to_string(),
            1 => "the first task of each service runs on on-demand FARGATE; the rest".to_string(),
            n => format!("the first {n} tasks of each service run on on-demand FARGATE; the rest"),
        };
        let _ = writeln!(
            readme.choices,
            "- **Capacity**: {base} are split FARGATE {} : FARGATE_SPOT {}. Spot tasks cost up to 70% less and can be stopped with two minutes' notice.",
            c.fargate_weight, c.fargate_spot_weight
        );
    }
}
