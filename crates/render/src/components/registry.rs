//! The ECR repositories, one per service, and the policy that lets CI push to them.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform};

use crate::component::{Call, Component, Readme};
use crate::hcl::{Block, Body, Expr};
use crate::root::output;

pub struct Registry;

impl Component for Registry {
    fn name(&self) -> &'static str {
        "registry"
    }

    fn module(&self) -> &'static [(&'static str, &'static str)] {
        module_files!("registry")
    }

    fn calls(&self, _p: &Platform, env: &Environment) -> Vec<Call> {
        let r = &env.registry;
        let repositories = r
            .repositories
            .iter()
            .map(|(k, v)| (k.clone(), Expr::str(v)))
            .collect();
        let body = Body::new()
            .attr("name", Expr::str(&env.prefix))
            .attr("repositories", Expr::Object(repositories))
            .attr("encryption_type", Expr::str(r.encryption.as_str()))
            .attr("image_count_to_keep", Expr::int(r.images_to_keep))
            .attr("force_delete", Expr::Bool(r.force_delete));
        vec![Call::new(self, "registry", body)]
    }

    fn outputs(&self, _env: &Environment) -> Vec<Block> {
        vec![
            output(
                "repository_urls",
                "ECR repository URL of each service; push images here.",
                Expr::raw("module.registry.repository_urls"),
            ),
            output(
                "push_policy_arn",
                "IAM policy that allows pushing to this environment's repositories; attach it to the CI role.",
                Expr::raw("module.registry.push_policy_arn"),
            ),
        ]
    }

    fn readme(&self, _p: &Platform, env: &Environment, readme: &mut Readme) {
        let _ = writeln!(
            readme.choices,
            "- **ECR**: {} encryption, immutable tags, scan on push, the last {} images kept{}.",
            env.registry.encryption.as_str(),
            env.registry.images_to_keep,
            if env.registry.force_delete {
                "; `terraform destroy` deletes repositories with their images"
            } else {
                ""
            }
        );
    }
}
