//! What the loader is given besides the tree (`--var-file`, `--var`, `--budget`), for
//! `wharf review` and `wharf cost` alike.

use std::path::PathBuf;

use wharf_terraform::{Budget, Budgets, LoadOptions};

/// What the loader is given besides the tree, for `wharf review` and `wharf cost` alike.
#[derive(clap::Args)]
pub(crate) struct LoadArgs {
    /// A .tfvars file for the root modules, as `terraform plan -var-file` (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// A variable value for the root modules, as `terraform plan -var` (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Raise or lower an evaluation budget of each root module: instances, steps,
    /// value_bytes or total_bytes (repeatable; see README).
    #[arg(long = "budget", value_name = "NAME=N")]
    budgets: Vec<String>,
}

impl LoadArgs {
    /// `--var-file`, `--var` and `--budget` as the loader takes them, checked.
    pub(crate) fn load_options(&self) -> Result<LoadOptions, String> {
        let mut options = LoadOptions {
            var_files: self.var_files.clone(),
            ..LoadOptions::default()
        };
        for v in &self.vars {
            let (name, value) = v.split_once('=').ok_or_else(|| {
                format!("error: `--var {v}` has no `=`\nhelp: write --var NAME=VALUE")
            })?;
            options
                .vars
                .push((name.trim().to_string(), value.to_string()));
        }
        for f in &self.var_files {
            if !f.is_file() {
                return Err(format!(
                    "error: the variable file {} does not exist\nhelp: check the path given to --var-file",
                    f.display()
                ));
            }
        }
        let names = || {
            Budget::ALL
                .iter()
                .map(|b| format!("{} (default {})", b.name(), Budgets::default().get(*b)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for b in &self.budgets {
            let parsed = b.split_once('=').and_then(|(name, n)| {
                let budget = Budget::parse(name.trim())?;
                let n = n.trim().replace('_', "").parse::<u64>().ok()?;
                Some((budget, n))
            });
            let Some((budget, n)) = parsed else {
                return Err(format!(
                    "error: `--budget {b}` is not a budget and a whole number\nhelp: write --budget NAME=N with one of: {}",
                    names()
                ));
            };
            options.budgets.set(budget, n);
        }
        Ok(options)
    }
}
