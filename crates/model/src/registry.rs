//! The ECR repositories of an environment, one per service.

use std::collections::BTreeMap;

use wharf_manifest::{self as manifest, naming, EcrEncryption, Manifest};

use crate::profile::Profile;
use crate::resolve::pick;

#[derive(Debug, Clone)]
pub struct Registry {
    /// Repository name by service key.
    pub repositories: BTreeMap<String, String>,
    pub encryption: EcrEncryption,
    pub images_to_keep: u32,
    pub force_delete: bool,
}

pub(crate) fn resolve(m: &Manifest, env: &manifest::Environment, p: &Profile) -> Registry {
    let o = &env.overrides;
    Registry {
        repositories: m
            .services
            .values()
            .map(|s| {
                let name = naming::repository(
                    &m.app.name,
                    &env.key,
                    &s.key,
                    s.repository.as_ref().map(|r| r.value.as_str()),
                );
                (s.key.value.clone(), name)
            })
            .collect(),
        encryption: pick(&[o.ecr_encryption.as_ref()], p.ecr_encryption).value,
        images_to_keep: pick(&[o.images_to_keep.as_ref()], p.images_to_keep).value,
        force_delete: pick(&[o.ecr_force_delete.as_ref()], p.ecr_force_delete).value,
    }
}
