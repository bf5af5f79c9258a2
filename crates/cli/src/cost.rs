//! `wharf cost`: the monthly estimate of a Terraform tree or of a manifest's environment,
//! and the change between two of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wharf_cost::{report, Estimate, Fixed, Options, PriceTable, Usage};
use wharf_terraform::LoadOptions;

use crate::load_args::LoadArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Terraform directories to price (default: the current directory). Each root module
    /// is priced on its own.
    paths: Vec<PathBuf>,
    /// Price this environment of the manifest: render it, then price its root module.
    #[arg(long = "env", value_name = "NAME", conflicts_with = "paths")]
    env: Option<String>,
    /// The manifest for --env and --compare.
    #[arg(long, short, default_value = "wharf.toml")]
    manifest: PathBuf,
    /// Show the monthly change from A to B, per line item. Each is an environment of the
    /// manifest or a Terraform directory (a tree before and after a change).
    #[arg(long, num_args = 2, value_names = ["A", "B"], conflicts_with_all = ["paths", "env"])]
    compare: Vec<String>,
    /// A usage file (TOML) with the quantities Terraform cannot say: data processed,
    /// requests, GB stored. Without one, those items show their unit price only.
    #[arg(long, value_name = "FILE")]
    usage: Option<PathBuf>,
    /// The AWS Region to price in, instead of each root's `provider "aws"` region.
    #[arg(long)]
    region: Option<String>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    load: LoadArgs,
}

/// `wharf cost --format`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    #[value(alias = "md")]
    Markdown,
}

pub fn run(args: &Args) -> Result<ExitCode, String> {
    let usage = match &args.usage {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "error: cannot read the usage file {}: {e}\nhelp: check the path given to --usage",
                    path.display()
                )
            })?;
            Usage::parse(&path.display().to_string(), &text).map_err(|e| format!("error: {e}"))?
        }
        None => Usage::default(),
    };
    let load = args.load.load_options()?;
    let prices = PriceTable::bundled();
    let options = Options {
        prices,
        usage: &usage,
        region: args.region.as_deref(),
    };

    let text = if let [a, b] = args.compare.as_slice() {
        let before = compared(args, a, &load, &options)?;
        let after = compared(args, b, &load, &options)?;
        match args.format {
            Format::Text => report::compare_text(a, b, &before, &after),
            Format::Json => report::compare_json(a, b, &before, &after),
            Format::Markdown => report::compare_markdown(a, b, &before, &after),
        }
    } else {
        let estimates = match &args.env {
            Some(env) => environment(&args.manifest, env, &load, &options)?,
            None if args.paths.is_empty() => directories(&[PathBuf::from(".")], &load, &options)?,
            None => directories(&args.paths, &load, &options)?,
        };
        match args.format {
            Format::Text => report::text(&estimates),
            Format::Json => report::json(&estimates),
            Format::Markdown => report::markdown(&estimates),
        }
    };
    crate::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// What one side of `--compare` names: a directory, or else an environment.
fn compared(
    args: &Args,
    name: &str,
    load: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, String> {
    let path = PathBuf::from(name);
    if path.exists() {
        return directories(&[path], load, options);
    }
    let tree = render(&args.manifest, name)
        .map_err(|e| format!("{e}\nnote: `{name}` is not a directory either"))?;
    priced_tree(&tree, name, load, options)
}

fn directories(
    paths: &[PathBuf],
    load: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, String> {
    wharf_cost::estimate_paths(paths, load, options).map_err(|e| format!("error: {e}"))
}

/// Renders the environment and prices its root, shown as `environments/NAME`.
fn environment(
    manifest: &Path,
    env: &str,
    load: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, String> {
    let tree = render(manifest, env)?;
    priced_tree(&tree, env, load, options)
}

/// The manifest's tree with only `env`'s root, in memory.
fn render(manifest: &Path, env: &str) -> Result<wharf_render::Tree, String> {
    let platform = crate::load(manifest).map_err(|f| f.0)?;
    crate::environment(&platform, manifest, env)?;
    Ok(wharf_render::render(
        &platform,
        "wharf.toml",
        &[env.to_string()],
    ))
}

fn priced_tree(
    tree: &wharf_render::Tree,
    env: &str,
    load: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, String> {
    let root = env_root(env);
    wharf_cost::estimate_files(&tree.files, &[&root], load, options)
        .map_err(|e| format!("error: {e}"))
}

/// Where a rendered tree keeps an environment's root module.
fn env_root(env: &str) -> String {
    format!("environments/{env}")
}

/// The fixed monthly cost of environment `env` of a rendered tree at the bundled list
/// prices, for `wharf render`'s summary. The error is one line, for a note under it.
pub fn fixed_monthly(
    prices: &PriceTable,
    files: &BTreeMap<String, String>,
    env: &str,
) -> Result<Fixed, String> {
    wharf_cost::fixed_monthly(files, &env_root(env), prices).map_err(|e| match e.help {
        Some(help) => format!("{}; {help}", e.message),
        None => e.message,
    })
}
