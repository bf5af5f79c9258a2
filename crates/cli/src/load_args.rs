//! What the loader is given besides the tree (`--var-file`, `--var`, `--budget`), for
//! `wharf review` and `wharf cost` alike.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use wharf_terraform::{Budget, Budgets, LoadOptions, VarArg};

/// What the loader is given besides the tree, for `wharf review` and `wharf cost` alike.
/// `--var-file` and `--var` keep the order they were given in, since a later one wins
/// whichever flag it is (as with `terraform plan`); clap's derive keeps one order per
/// flag, so these are read from the matches by hand.
pub(crate) struct LoadArgs {
    /// `--var-file` and `--var`, in command-line order (`--var` not yet split).
    var_args: Vec<(usize, Given)>,
    budgets: Vec<String>,
}

enum Given {
    File(PathBuf),
    Var(String),
}

const VAR_FILE: &str = "var_file";
const VAR: &str = "var";
const BUDGET: &str = "budget";

impl clap::Args for LoadArgs {
    fn augment_args(cmd: Command) -> Command {
        cmd.arg(
            Arg::new(VAR_FILE)
                .long("var-file")
                .value_name("FILE")
                .action(ArgAction::Append)
                .value_parser(clap::value_parser!(PathBuf))
                .help("A .tfvars (or .tfvars.json) file for the root modules, as `terraform plan -var-file` (repeatable; with --var, later ones win)"),
        )
        .arg(
            Arg::new(VAR)
                .long("var")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help("A variable value for the root modules, as `terraform plan -var` (repeatable; with --var-file, later ones win)"),
        )
        .arg(
            Arg::new(BUDGET)
                .long("budget")
                .value_name("NAME=N")
                .action(ArgAction::Append)
                .help("Raise or lower an evaluation budget of each root module: instances, steps, value_bytes or total_bytes (repeatable; see README)"),
        )
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl clap::FromArgMatches for LoadArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut var_args: Vec<(usize, Given)> = Vec::new();
        if let (Some(at), Some(files)) = (m.indices_of(VAR_FILE), m.get_many::<PathBuf>(VAR_FILE)) {
            var_args.extend(at.zip(files.map(|f| Given::File(f.clone()))));
        }
        if let (Some(at), Some(vars)) = (m.indices_of(VAR), m.get_many::<String>(VAR)) {
            var_args.extend(at.zip(vars.map(|v| Given::Var(v.clone()))));
        }
        var_args.sort_by_key(|(at, _)| *at);
        let budgets = m
            .get_many::<String>(BUDGET)
            .map(|b| b.cloned().collect())
            .unwrap_or_default();
        Ok(LoadArgs { var_args, budgets })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl LoadArgs {
    /// `--var-file`, `--var` and `--budget` as the loader takes them, checked.
    pub(crate) fn load_options(&self) -> Result<LoadOptions, String> {
        let mut options = LoadOptions::default();
        for (_, given) in &self.var_args {
            let arg = match given {
                Given::File(f) if !f.is_file() => {
                    return Err(format!(
                        "error: the variable file {} does not exist\nhelp: check the path given to --var-file",
                        f.display()
                    ));
                }
                Given::File(f) => VarArg::File(f.clone()),
                Given::Var(v) => {
                    let (name, value) = v.split_once('=').ok_or_else(|| {
                        format!("error: `--var {v}` has no `=`\nhelp: write --var NAME=VALUE")
                    })?;
                    VarArg::Value(name.trim().to_string(), value.to_string())
                }
            };
            options.var_args.push(arg);
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
