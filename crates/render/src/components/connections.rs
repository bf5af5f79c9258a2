//! What a task is given by the data stores it connects to over the network (databases and
//! caches): the variables that say where each is, the task role's statements its component
//! writes itself, and the egress rules to each store's security group. Each store's
//! component adds its part.

use wharf_model::{Environment, Platform, Service};

use crate::hcl::Expr;

#[derive(Default)]
pub(crate) struct Connections {
    pub environment: Vec<(String, Expr)>,
    pub statements: Vec<Expr>,
    /// Keyed by the store's module call.
    pub egress: Vec<(String, Expr)>,
}

pub(crate) fn connections(p: &Platform, env: &Environment, s: &Service) -> Connections {
    let mut c = Connections::default();
    super::database::connect(p, env, s, &mut c);
    super::cache::connect(env, s, &mut c);
    c
}

/// An egress rule on `ports` to the security group a store's module call outputs.
pub(crate) fn egress_to(module: &str, ports: std::ops::RangeInclusive<u32>) -> Expr {
    let mut rule = vec![("port".into(), Expr::int(*ports.start()))];
    if ports.end() != ports.start() {
        rule.push(("to_port".into(), Expr::int(*ports.end())));
    }
    rule.push((
        "security_group_id".into(),
        Expr::Raw(format!("module.{module}.client_security_group_id")),
    ));
    Expr::Object(rule)
}

/// `{ client = module.<its call>.security_group_id }` for each service or job that connects
/// to a store (the manifest keeps their keys apart).
pub(crate) fn client_security_groups(env: &Environment, clients: &[String]) -> Expr {
    Expr::Object(
        clients
            .iter()
            .map(|c| {
                let module = if env.jobs.iter().any(|j| &j.key == c) {
                    super::job::label(c)
                } else {
                    super::service::label_of(c)
                };
                (
                    c.clone(),
                    Expr::Raw(format!("module.{module}.security_group_id")),
                )
            })
            .collect(),
    )
}
