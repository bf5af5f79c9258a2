//! Pricing a tree as the loader reads it: directories on disk, or a tree held in memory
//! (what `wharf render` builds, priced without writing it anywhere). A tree that did not
//! load whole is refused: with a file that does not parse, or a root module that could not
//! be evaluated, the total would be short.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use wharf_terraform::{LoadOptions, Project};

use crate::error::CostError;
use crate::estimate::{estimate, Estimate, Options};
use crate::pricer::Status;
use crate::prices::PriceTable;
use crate::usage::Usage;

/// Loads the Terraform at or below `paths` and prices each root module.
pub fn estimate_paths(
    paths: &[PathBuf],
    load: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, CostError> {
    let project = Project::load(paths, load).map_err(unreadable)?;
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    estimate_whole(&project, &shown.join(", "), options)
}

/// Prices each root module at or below `roots` of a tree held in memory, by relative path
/// (`environments/prod`), as [`estimate_paths`] prices one on disk; estimates name their
/// roots as the tree does.
pub fn estimate_files(
    files: &BTreeMap<String, String>,
    roots: &[&str],
    load: &LoadOptions,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, CostError> {
    let project = Project::load_in_memory(files, roots, load).map_err(unreadable)?;
    estimate_whole(&project, &roots.join(", "), options)
}

/// What a root costs a month before traffic, as `wharf render`'s summary shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    /// The monthly total of what the configuration alone decides, at list prices.
    pub usd: f64,
    /// The Region it is priced in.
    pub region: String,
    /// Line items the table has no price for, left out of `usd`.
    pub not_priced: usize,
}

/// The fixed monthly cost of the root module at `root` of a tree held in memory: no usage
/// file, no variables given, priced in the Region its `provider "aws"` block names.
pub fn fixed_monthly(
    files: &BTreeMap<String, String>,
    root: &str,
    prices: &PriceTable,
) -> Result<Fixed, CostError> {
    let usage = Usage::default();
    let options = Options {
        prices,
        usage: &usage,
        region: None,
    };
    let estimates = estimate_files(files, &[root], &LoadOptions::default(), &options)?;
    Ok(Fixed {
        usd: estimates.iter().map(Estimate::fixed).sum(),
        region: estimates
            .first()
            .map(|e| e.region.clone())
            .unwrap_or_default(),
        not_priced: estimates.iter().map(|e| e.count(Status::NotPriced)).sum(),
    })
}

fn unreadable(e: io::Error) -> CostError {
    CostError::new(format!("cannot read {e}"))
        .with_help("give a directory or file that exists and can be read")
}

/// Prices a project that loaded whole. `shown` names what was loaded, for the error when
/// it holds no root module.
fn estimate_whole(
    project: &Project,
    shown: &str,
    options: &Options<'_>,
) -> Result<Vec<Estimate>, CostError> {
    if let Some(e) = project.parse_errors.first() {
        return Err(CostError::new(e.to_string())
            .with_help("fix the file; nothing is priced from a tree that does not parse"));
    }
    let mut errors = project.all_problems().filter(|p| p.is_error());
    if let Some(p) = errors.next() {
        let at = match project.place_of(p) {
            (path, Some((line, column))) => format!("{}:{line}:{column}", path.display()),
            (path, None) => path.display().to_string(),
        };
        let others = match errors.count() {
            0 => String::new(),
            1 => " (and 1 more error; `wharf review` lists them)".to_string(),
            n => format!(" (and {n} more errors; `wharf review` lists them)"),
        };
        return Err(CostError::new(format!("{}{others}", p.message))
            .in_place(at)
            .with_help(format!(
                "{}; nothing is priced from a tree that cannot be evaluated whole",
                p.help.as_deref().unwrap_or("fix it")
            )));
    }
    if project.roots.is_empty() {
        return Err(CostError::new(format!("no .tf files found in {shown}"))
            .with_help("give the directory of a Terraform configuration"));
    }
    estimate(project, options)
}
