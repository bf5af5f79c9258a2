//! The component registry: every platform component, in the order its module calls appear
//! in an environment root and its parts in the README. One file per component; adding one
//! is a file here, its module under `terraform/modules/`, and a line in [`COMPONENTS`]
//! (DEVELOPERS.md, "Adding a component"). `connections` is not a component: it gathers
//! what the data stores a task connects to over the network (databases, caches) give it.

use crate::component::Component;

/// A module's four files, included from `terraform/modules/<name>/`.
macro_rules! module_files {
    ($module:literal) => {
        &[
            (
                "main.tf",
                include_str!(concat!("../../terraform/modules/", $module, "/main.tf")),
            ),
            (
                "outputs.tf",
                include_str!(concat!("../../terraform/modules/", $module, "/outputs.tf")),
            ),
            (
                "variables.tf",
                include_str!(concat!(
                    "../../terraform/modules/",
                    $module,
                    "/variables.tf"
                )),
            ),
            (
                "versions.tf",
                include_str!(concat!("../../terraform/modules/", $module, "/versions.tf")),
            ),
        ]
    };
}

mod alarms;
mod bucket;
mod cache;
mod cluster;
mod codedeploy;
mod connections;
mod database;
mod delivery;
mod job;
mod load_balancer;
mod network;
mod queue;
mod registry;
pub(crate) mod service;
mod table;
mod topic;

/// Every component, in the order of its module calls in a root and its parts in the README.
pub static COMPONENTS: &[&dyn Component] = &[
    &network::Network,
    &registry::Registry,
    &cluster::Cluster,
    &load_balancer::LoadBalancer,
    &bucket::Buckets,
    &queue::Queues,
    &topic::Topics,
    &database::Databases,
    &table::Tables,
    &cache::Caches,
    &service::Service,
    &job::Jobs,
    &alarms::Alarms,
    &codedeploy::CodeDeploy,
    &delivery::Delivery,
];
