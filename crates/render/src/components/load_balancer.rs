//! The Application Load Balancer: listeners, one target group per service, access logs and
//! AWS WAF.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform};
use wharf_review::rules::{
    alb_listener_plain_http, alb_without_waf, load_balancer_deletion_protection_disabled,
};

use crate::component::{Call, Component, Readme, TradeOff};
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct LoadBalancer;

static PLAIN_HTTP: TradeOff = TradeOff {
    rule: &alb_listener_plain_http::RULE,
    reason: "no certificate is required here, so the load balancer serves plain HTTP; set \
             certificate_arn to serve HTTPS",
};
static NO_WAF: TradeOff = TradeOff {
    rule: &alb_without_waf::RULE,
    reason: "no AWS WAF web ACL (it costs $5/month plus $1 per rule and $0.60 per million \
             requests); set waf = true to add one",
};
static NO_DELETION_PROTECTION: TradeOff = TradeOff {
    rule: &load_balancer_deletion_protection_disabled::RULE,
    reason: "deletion protection is off so that `terraform destroy` can remove the environment \
             in one step",
};
static TRADE_OFFS: [&TradeOff; 3] = [&PLAIN_HTTP, &NO_WAF, &NO_DELETION_PROTECTION];

fn targets(env: &Environment) -> Expr {
    Expr::Object(
        env.load_balancer
            .targets
            .iter()
            .map(|t| {
                (
                    t.service.clone(),
                    Expr::Object(vec![
                        ("target_group_name".into(), Expr::str(&t.target_group_name)),
                        (
                            "second_target_group_name".into(),
                            t.second_target_group_name
                                .as_ref()
                                .map_or(Expr::Null, Expr::str),
                        ),
                        ("port".into(), Expr::int(t.port)),
                        ("health_check_path".into(), Expr::str(&t.health_check_path)),
                        ("paths".into(), Expr::strs(&t.paths)),
                        ("hosts".into(), Expr::strs(&t.hosts)),
                        ("priority".into(), Expr::int(t.priority)),
                        ("is_default".into(), Expr::Bool(t.is_default)),
                    ]),
                )
            })
            .collect(),
    )
}

impl Component for LoadBalancer {
    fn name(&self) -> &'static str {
        "load-balancer"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("load-balancer")
    }

    fn calls(&self, p: &Platform, env: &Environment) -> Vec<Call> {
        let lb = &env.load_balancer;
        let body = Body::new()
            .attr("name", Expr::str(&lb.name))
            .attr("region", Expr::str(&p.region))
            .attr("vpc_id", Expr::raw("module.network.vpc_id"))
            .attr("vpc_cidr_block", Expr::raw("module.network.vpc_cidr_block"))
            .attr(
                "public_subnet_ids",
                Expr::raw("module.network.public_subnet_ids"),
            )
            .attr(
                "certificate_arn",
                lb.certificate_arn
                    .as_ref()
                    .map(Expr::str)
                    .unwrap_or(Expr::Null),
            )
            .attr("deletion_protection", Expr::Bool(lb.deletion_protection))
            .attr(
                "access_logs_retention_days",
                Expr::int(lb.access_logs_retention_days),
            )
            .attr(
                "access_logs_force_destroy",
                Expr::Bool(lb.access_logs_force_destroy),
            )
            .attr("waf_enabled", Expr::Bool(lb.waf.is_some()))
            .attr_opt("waf_rate_limit", lb.waf.map(Expr::int))
            .attr_opt(
                "waf_log_retention_days",
                lb.waf.map(|_| Expr::int(env.cluster.log_retention_days)),
            )
            .attr_opt(
                "waf_log_kms_key_arn",
                lb.waf.map(|_| Expr::raw("module.cluster.kms_key_arn")),
            )
            .attr("targets", targets(env));
        let body = match &env.code_deploy {
            Some(cd) => body
                .attr("test_listener_port", Expr::int(cd.test_listener_port))
                .attr(
                    "test_listener_source_ips",
                    Expr::raw("module.network.nat_public_ips"),
                )
                .attr("test_listener_cidrs", Expr::strs(&cd.test_listener_cidrs)),
            None => body,
        };
        vec![Call::new(self, "load_balancer", body)
            .trade_off(lb.certificate_arn.is_none(), &PLAIN_HTTP)
            .trade_off(lb.waf.is_none(), &NO_WAF)
            .trade_off(!lb.deletion_protection, &NO_DELETION_PROTECTION)]
    }

    fn outputs(&self, _env: &Environment) -> Vec<Block> {
        vec![
            output("alb_dns_name", "DNS name of the load balancer; point the app's domain here.", Expr::raw("module.load_balancer.dns_name")),
            output("alb_arn_suffix", "ARN suffix of the load balancer, the `LoadBalancer` dimension of its CloudWatch metrics.", Expr::raw("module.load_balancer.arn_suffix")),
            output("target_group_arn_suffixes", "ARN suffix of each service's target group, the `TargetGroup` dimension of its CloudWatch metrics.", Expr::raw("module.load_balancer.target_group_arn_suffixes")),
        ]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        let o = &mut readme.choices;
        let lb = &env.load_balancer;
        match &lb.certificate_arn {
            Some(_) => {
                let _ = writeln!(o, "- **HTTPS** on port 443 with the `ELBSecurityPolicy-TLS13-1-2-2021-06` policy (TLS 1.3 and 1.2 only); HTTP on port 80 redirects to HTTPS.");
            }
            None => {
                let _ = writeln!(o, "- **Plain HTTP only.** This environment has no `certificate_arn`, so the load balancer forwards HTTP on port 80 and nothing is encrypted in transit. Set `certificate_arn` for this environment in the manifest to serve HTTPS and redirect HTTP.");
            }
        }
        match lb.waf {
            Some(limit) => {
                let _ = writeln!(o, "- **AWS WAF** in front of the load balancer: AWS managed rules (common, known bad inputs, IP reputation) and a limit of {limit} requests per IP address per 5 minutes.");
            }
            None => {
                let _ = writeln!(
                    o,
                    "- **No AWS WAF** in front of the load balancer (set `waf = true` to add one)."
                );
            }
        }
        let _ = writeln!(
            o,
            "- **Logs** kept {} days (service logs and VPC flow logs); ALB access logs kept {} days.",
            env.network.flow_log_retention_days, lb.access_logs_retention_days
        );
        let _ = writeln!(
            o,
            "- **Load balancer deletion protection** {}.",
            if lb.deletion_protection {
                "on: turn it off in the manifest before destroying"
            } else {
                "off"
            }
        );
    }

    fn trade_offs(&self) -> &'static [&'static TradeOff] {
        &TRADE_OFFS
    }
}
