//! The Terraform modules wharf ships, one per platform component.
//!
//! They are generic (everything environment-specific comes in through variables) and are
//! written to `modules/` of every rendered tree, so the tree stands on its own: delete wharf
//! and the Terraform is still complete.

macro_rules! module_file {
    ($module:literal, $file:literal) => {
        (
            $module,
            $file,
            include_str!(concat!("../terraform/modules/", $module, "/", $file)),
        )
    };
}

/// `(module directory, file name, contents)` for every module file.
pub const MODULES: &[(&str, &str, &str)] = &[
    module_file!("alarms", "main.tf"),
    module_file!("alarms", "outputs.tf"),
    module_file!("alarms", "variables.tf"),
    module_file!("alarms", "versions.tf"),
    module_file!("cluster", "main.tf"),
    module_file!("cluster", "outputs.tf"),
    module_file!("cluster", "variables.tf"),
    module_file!("cluster", "versions.tf"),
    module_file!("load-balancer", "main.tf"),
    module_file!("load-balancer", "outputs.tf"),
    module_file!("load-balancer", "variables.tf"),
    module_file!("load-balancer", "versions.tf"),
    module_file!("network", "main.tf"),
    module_file!("network", "outputs.tf"),
    module_file!("network", "variables.tf"),
    module_file!("network", "versions.tf"),
    module_file!("registry", "main.tf"),
    module_file!("registry", "outputs.tf"),
    module_file!("registry", "variables.tf"),
    module_file!("registry", "versions.tf"),
    module_file!("service", "main.tf"),
    module_file!("service", "outputs.tf"),
    module_file!("service", "variables.tf"),
    module_file!("service", "versions.tf"),
];
