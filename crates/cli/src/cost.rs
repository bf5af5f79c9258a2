//! `wharf cost`: the monthly estimate of a Terraform tree or of a manifest's environment,
//! and the change between two of them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wharf_cost::{report, Estimate, Options, PriceTable, Usage};
use wharf_terraform::{LoadOptions, Project};

use crate::review::load_options;

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
    /// text, json or markdown.
    #[arg(long, default_value = "text")]
    format: String,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
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

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &Args) -> Result<ExitCode, String> {
    let format = match args.format.as_str() {
        "text" => Format::Text,
        "json" => Format::Json,
        "markdown" | "md" => Format::Markdown,
        other => {
            return Err(format!(
                "error: `--format {other}` is not a cost report format\nhelp: use text, json or markdown"
            ))
        }
    };
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
    let vars = load_options(&args.var_files, &args.vars, &args.budgets)?;
    let prices = PriceTable::bundled();
    let options = Options {
        prices,
        usage: &usage,
        region: args.region.as_deref(),
    };
    // Rendered environments are written here, and removed when it is dropped.
    let scratch = tempfile::tempdir().map_err(|e| {
        format!("error: cannot create a temporary directory: {e}\nhelp: check TMPDIR")
    })?;

    let text = if let [a, b] = args.compare.as_slice() {
        let mut before = price(&target(args, a, scratch.path())?, &vars, &options)?;
        let mut after = price(&target(args, b, scratch.path())?, &vars, &options)?;
        shown_relative_to(&mut before, scratch.path());
        shown_relative_to(&mut after, scratch.path());
        match format {
            Format::Text => report::compare_text(a, b, &before, &after),
            Format::Json => report::compare_json(a, b, &before, &after),
            Format::Markdown => report::compare_markdown(a, b, &before, &after),
        }
    } else {
        let paths = match &args.env {
            Some(env) => vec![render_env(&args.manifest, env, scratch.path())?],
            None if args.paths.is_empty() => vec![PathBuf::from(".")],
            None => args.paths.clone(),
        };
        let mut estimates = price(&paths, &vars, &options)?;
        shown_relative_to(&mut estimates, scratch.path());
        match format {
            Format::Text => report::text(&estimates),
            Format::Json => report::json(&estimates),
            Format::Markdown => report::markdown(&estimates),
        }
    };
    crate::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// A rendered environment is shown as `environments/prod`, not under the temporary
/// directory it was rendered into.
fn shown_relative_to(estimates: &mut [Estimate], scratch: &Path) {
    for e in estimates {
        if let Ok(rel) = e.root.strip_prefix(scratch) {
            // `--compare` renders each side into its own subdirectory.
            let rel: PathBuf = rel
                .components()
                .skip_while(|c| c.as_os_str() != "environments")
                .collect();
            e.root = rel;
        }
    }
}

/// What one side of `--compare` names: a directory, or else an environment.
fn target(args: &Args, name: &str, scratch: &Path) -> Result<Vec<PathBuf>, String> {
    let path = PathBuf::from(name);
    if path.exists() {
        return Ok(vec![path]);
    }
    let dir = scratch.join(name);
    Ok(vec![render_env(&args.manifest, name, &dir).map_err(
        |e| format!("{e}\nnote: `{name}` is not a directory either"),
    )?])
}

/// Renders the manifest into `out` and returns the environment's root.
fn render_env(manifest: &Path, env: &str, out: &Path) -> Result<PathBuf, String> {
    let platform = crate::load(manifest).map_err(|f| f.0)?;
    crate::environment(&platform, manifest, env)?;
    let tree = wharf_render::render(&platform, "wharf.toml", &[env.to_string()]);
    let options = wharf_render::WriteOptions {
        filtered: true,
        prune: false,
        force: true,
    };
    wharf_render::write(out, &tree, options).map_err(|e| format!("error: {e}"))?;
    Ok(out.join("environments").join(env))
}

fn price(
    paths: &[PathBuf],
    vars: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, String> {
    let project = Project::load(paths, vars).map_err(|e| {
        format!(
            "error: cannot read {e}\nhelp: give a directory or file that exists and can be read"
        )
    })?;
    if let Some(e) = project.parse_errors.first() {
        return Err(format!(
            "error: {e}\nhelp: fix the file; nothing is priced from a tree that does not parse"
        ));
    }
    // A tree that could not be evaluated whole would be priced short.
    if let Some(p) = project.all_problems().find(|p| p.is_error()) {
        let at = match project.place_of(p) {
            (path, Some((line, column))) => format!("{}:{line}:{column}", path.display()),
            (path, None) => path.display().to_string(),
        };
        let others = project.all_problems().filter(|p| p.is_error()).count() - 1;
        return Err(format!(
            "error: {at}: {}{}\nhelp: {}; nothing is priced from a tree that cannot be evaluated whole",
            p.message,
            match others {
                0 => String::new(),
                1 => " (and 1 more error; `wharf review` lists them)".to_string(),
                n => format!(" (and {n} more errors; `wharf review` lists them)"),
            },
            p.help.as_deref().unwrap_or("fix it")
        ));
    }
    if project.roots.is_empty() {
        return Err(format!(
            "error: no .tf files found in {}\nhelp: give the directory of a Terraform configuration",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    wharf_cost::estimate(&project, options).map_err(|e| format!("error: {e}"))
}

/// What `wharf render`'s summary shows of a rendered environment's cost.
pub struct Fixed {
    pub usd: f64,
    pub region: String,
    pub not_priced: usize,
}

/// The fixed monthly cost of a rendered environment root at the bundled list prices,
/// without a usage file. The error is one line, for a note under the summary.
pub fn fixed_monthly(prices: &PriceTable, root: &Path) -> Result<Fixed, String> {
    let usage = Usage::default();
    let options = Options {
        prices,
        usage: &usage,
        region: None,
    };
    let project = Project::load(&[root.to_path_buf()], &LoadOptions::default())
        .map_err(|e| format!("cannot read {e}"))?;
    // What `wharf render` just wrote parses; a cost error here is about the Region.
    let estimates = wharf_cost::estimate(&project, &options).map_err(|e| match e.help {
        Some(help) => format!("{}; {help}", e.message),
        None => e.message,
    })?;
    Ok(Fixed {
        usd: estimates.iter().map(Estimate::fixed).sum(),
        region: estimates
            .first()
            .map(|e| e.region.clone())
            .unwrap_or_default(),
        not_priced: estimates
            .iter()
            .map(|e| e.count(wharf_cost::Status::NotPriced))
            .sum(),
    })
}
