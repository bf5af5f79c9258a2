//! The README of each environment root: its title, what each component says about what runs
//! there and the choices it makes, and how to apply it.

use std::fmt::Write as _;

use wharf_model::{Environment, Platform};

use crate::component::{Component, Readme};
use crate::root::image_tag_variable;

pub fn readme(
    p: &Platform,
    env: &Environment,
    header: &str,
    components: &[&dyn Component],
) -> String {
    let mut parts = Readme::default();
    for c in components {
        c.readme(p, env, &mut parts);
    }
    let mut o = String::new();
    let _ = writeln!(o, "<!-- {header} -->");
    let _ = writeln!(o, "# {} — {}\n", p.app, env.name);
    let _ = writeln!(
        o,
        "Profile **{}** in `{}`. Terraform state: `s3://{}/{}/terraform.tfstate`, encrypted, with S3-native locking.\n",
        env.profile.as_str(),
        p.region,
        p.state_bucket,
        env.name
    );
    o.push_str(&parts.overview);
    let _ = writeln!(o, "\n## Choices this environment makes\n");
    o.push_str(&parts.choices);
    o.push_str(&parts.details);
    apply(&mut o, p, env);
    releases(&mut o, env);
    o
}

fn apply(o: &mut String, p: &Platform, env: &Environment) {
    let _ = writeln!(o, "\n## Apply\n");
    let _ = writeln!(
        o,
        "The state bucket `{}` must exist (versioned, encrypted) before `terraform init`.\n",
        p.state_bucket
    );
    let _ = writeln!(o, "```sh");
    let _ = writeln!(o, "terraform init");
    let vars: Vec<String> = env
        .services
        .iter()
        .map(|s| format!("-var {}=<tag>", image_tag_variable(&s.key)))
        .collect();
    let _ = writeln!(o, "terraform apply {}", vars.join(" "));
    let _ = writeln!(o, "```");
}

fn releases(o: &mut String, env: &Environment) {
    let first = env.services.first().map_or("SERVICE", |s| s.key.as_str());
    let _ = writeln!(o, "\n## Releases: `terraform apply` and `wharf deploy`\n");
    let _ = writeln!(
        o,
        "Terraform builds the platform and owns each task definition's shape: CPU, memory, environment, secrets, roles, ports. The image tag variables above give the first release only. After that, `wharf deploy` ships images:\n"
    );
    let _ = writeln!(o, "```sh");
    let _ = writeln!(
        o,
        "wharf deploy --env {} --service {first} --image-tag <tag>   # waits; rolls back on failure",
        env.name
    );
    let _ = writeln!(o, "wharf status --env {}", env.name);
    let _ = writeln!(o, "wharf rollback --env {} --service {first}", env.name);
    let _ = writeln!(o, "```\n");
    let _ = writeln!(
        o,
        "It registers a revision that differs from the newest one only in the image, points the service at it and follows the rollout. The services ignore changes to `task_definition`, so a later `terraform apply` never puts an old revision back. When you change the task definition's shape in the manifest, `terraform apply` registers a new revision without deploying it; the next `wharf deploy` takes it as its base and rolls it out with the new image."
    );
}
