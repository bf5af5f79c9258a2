//! An SNS topic, one module call per `[topics.*]` table: the topic, its TLS-only policy, its
//! email and queue subscriptions and an alarm on failed deliveries.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform, Topic};

use crate::component::{Call, Component, Readme};
use crate::hcl::{Block, Body, Expr};
use crate::root::{by_key, code_list, ident, output};

pub struct Topics;

/// `topic_<key>`: the module call of a topic, which the services and queues refer to.
pub(crate) fn label(key: &str) -> String {
    format!("topic_{}", ident(key))
}

impl Component for Topics {
    fn name(&self) -> &'static str {
        "topic"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("topic")
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        env.topics.iter().map(|t| call(self, t)).collect()
    }

    fn outputs(&self, env: &Environment) -> Vec<Block> {
        if env.topics.is_empty() {
            return Vec::new();
        }
        let arns = by_key(env.topics.iter().map(|t| &t.key), label, "arn");
        vec![output("topic_arns", "ARN of each topic.", arns)]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        if env.topics.is_empty() {
            return;
        }
        let o = &mut readme.details;
        let _ = writeln!(o, "\n## Topics\n");
        let _ = writeln!(o, "SNS topics encrypted with the environment's KMS key and reachable only over TLS. A service that publishes to one finds its ARN in `TOPIC_<NAME>_ARN`; its task role may publish to that topic alone. A subscribed queue gets each message as it was published, and its policy lets only its topics send to it. Each email address must confirm the subscription from the message AWS sends it before it gets anything. An alarm fires when a delivery fails.\n");
        let _ = writeln!(o, "| topic | published by | emails | queues |");
        let _ = writeln!(o, "|---|---|---|---|");
        for t in &env.topics {
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} |",
                t.name,
                code_list(&t.publishers),
                code_list(&t.emails),
                code_list(&t.queues),
            );
        }
    }
}

fn call(component: &Topics, t: &Topic) -> Call {
    let queues = t
        .queues
        .iter()
        .map(|q| {
            let arn = format!("module.{}.arn", crate::components::queue::label(q));
            (q.clone(), Expr::Raw(arn))
        })
        .collect();
    let body = Body::new()
        .attr("name", Expr::str(&t.name))
        .attr("kms_key_arn", Expr::raw("module.cluster.kms_key_arn"))
        .attr("emails", Expr::strs(&t.emails))
        .attr("queue_arns", Expr::Object(queues))
        .attr("alarm_topic_arn", Expr::raw("module.alarms.sns_topic_arn"));
    Call::new(component, &label(&t.key), body)
}
