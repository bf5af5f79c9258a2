//! `wharf render`: writes the Terraform tree, or checks it, and prints what it holds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Value};
use wharf_cost::Fixed;
use wharf_model::Platform;
use wharf_render::{Drift, Tree, WriteOptions, WriteReport, PROJECT, TERRAFORM};

use crate::{environment, load, Failure};

#[derive(clap::Args)]
pub struct Args {
    /// The manifest to read.
    #[arg(long, short, default_value = "wharf.toml")]
    manifest: PathBuf,
    /// Render only this environment (repeatable). Modules are always rendered.
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// Directory to write the Terraform tree into.
    #[arg(long, default_value = "infra")]
    out: PathBuf,
    /// The project root (the repository's root), where the workflows of `[delivery]` go,
    /// in `.github/workflows/`; the manifest and --out must be inside it.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Write nothing; print a diff and exit 1 when the files on disk are stale.
    #[arg(long)]
    check: bool,
    /// Delete the roots of environments no longer in the manifest (destroy them first).
    #[arg(long)]
    prune: bool,
    /// Overwrite files that were edited since wharf wrote them, or not written by wharf.
    #[arg(long)]
    force: bool,
    /// How to print the summary: text, or json (with the trade-offs each root documents).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run(args: &Args) -> Result<ExitCode, Failure> {
    let platform = load(&args.manifest)?;
    for e in &args.envs {
        environment(&platform, &args.manifest, e).map_err(Failure)?;
    }
    let manifest_name = args
        .manifest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "wharf.toml".to_string());
    let tree = wharf_render::render(&platform, &manifest_name, &args.envs);
    let project = project(args, &platform, &manifest_name)?;
    let io = |e: wharf_render::TreeError| Failure(format!("error: {e}"));
    let filtered = !args.envs.is_empty();
    if args.check {
        let mut drift: Vec<(&Path, Drift)> =
            wharf_render::check(&args.out, &tree, filtered, TERRAFORM)
                .map_err(io)?
                .into_iter()
                .map(|d| (args.out.as_path(), d))
                .collect();
        if let Some(p) = &project {
            let more = wharf_render::check(&args.root, p, false, PROJECT).map_err(io)?;
            drift.extend(more.into_iter().map(|d| (args.root.as_path(), d)));
        }
        return Ok(report_drift(args, &drift, project.is_some()));
    }
    let options = WriteOptions {
        filtered,
        prune: args.prune,
        force: args.force,
    };
    // Both directories are checked before either is written: a conflict in one leaves both
    // as they were.
    let terraform = wharf_render::prepare(&args.out, &tree, options, TERRAFORM).map_err(io)?;
    let workflows = match &project {
        Some(p) => Some(wharf_render::prepare(&args.root, p, options, PROJECT).map_err(io)?),
        None => None,
    };
    let report = terraform.apply().map_err(io)?;
    let workflows = match workflows {
        Some(w) => Some(w.apply().map_err(io)?),
        None => None,
    };
    let priced = price(&tree);
    let summary = Summary {
        platform: &platform,
        tree: &tree,
        out: &args.out,
        report: &report,
        priced: &priced,
        root: &args.root,
        workflows: workflows.as_ref(),
    };
    match args.format {
        Format::Text => print!("{}", text(&summary)),
        Format::Json => println!("{:#}", json(&summary)),
    }
    warn_kept(&args.out, &report);
    if let Some(w) = &workflows {
        warn_kept(&args.root, w);
    }
    Ok(ExitCode::SUCCESS)
}

/// The workflows' tree for the project root: with `[delivery]`, or without it when the
/// root's ledger lists workflows wharf wrote before, which are then removed.
fn project(args: &Args, platform: &Platform, manifest_name: &str) -> Result<Option<Tree>, Failure> {
    let ledger = args.root.join(wharf_render::PROJECT_LEDGER);
    if platform.pipeline.is_none() {
        let listed = std::fs::symlink_metadata(&ledger).is_ok();
        if !listed || wharf_render::out_in_github_dir(&args.root, &args.out) {
            return Ok(None);
        }
        // Another app's workflows (the app of this repository that has `[delivery]`) are
        // not this app's to remove.
        let owner = wharf_render::ledger_app(&args.root, PROJECT)
            .map_err(|e| Failure(format!("error: {e}")))?;
        if owner.is_some_and(|app| app != platform.app) {
            return Ok(None);
        }
        let layout = wharf_render::workflows::Layout {
            manifest: String::new(),
            infra: String::new(),
        };
        return Ok(Some(wharf_render::project_tree(
            platform,
            &layout,
            manifest_name,
        )));
    }
    let layout = wharf_render::layout(&args.root, &args.manifest, &args.out)
        .map_err(|e| Failure(format!("error: {e}")))?;
    if std::fs::symlink_metadata(args.root.join(".git")).is_err() && !args.check {
        eprintln!(
            "warning: {} has no .git: GitHub reads workflows only from .github/workflows at the repository's root; if this is not it, render again with --root naming it",
            args.root.display()
        );
    }
    Ok(Some(wharf_render::project_tree(
        platform,
        &layout,
        manifest_name,
    )))
}

/// `--check`: the diff on standard output, the count on standard error, exit 1 when stale.
fn report_drift(args: &Args, drift: &[(&Path, Drift)], workflows: bool) -> ExitCode {
    let terraform = args.out.display().to_string();
    let project = args
        .root
        .join(wharf_render::workflows::DIR)
        .display()
        .to_string();
    if drift.is_empty() {
        let checked = if workflows {
            format!("{terraform} and {project} are")
        } else {
            format!("{terraform} is")
        };
        println!("{checked} up to date with {}.", args.manifest.display());
        return ExitCode::SUCCESS;
    }
    let mut stale_in: Vec<&str> = Vec::new();
    for (dir, _) in drift {
        let name = if *dir == args.out.as_path() {
            terraform.as_str()
        } else {
            project.as_str()
        };
        if !stale_in.contains(&name) {
            stale_in.push(name);
        }
    }
    let mut text = String::new();
    for (dir, d) in drift {
        match d {
            Drift::Changed(_, diff) => text.push_str(diff),
            Drift::Missing(rel) => {
                let _ = writeln!(text, "missing: {}", dir.join(rel).display());
            }
            Drift::Stale(rel) => {
                let _ = writeln!(text, "no longer generated: {}", dir.join(rel).display());
            }
        }
    }
    print!("{text}");
    eprintln!(
        "error: {} file{} in {} {} from what {} renders\nhelp: run `wharf render` to bring them up to date",
        drift.len(),
        if drift.len() == 1 { "" } else { "s" },
        stale_in.join(" and "),
        if drift.len() == 1 { "differs" } else { "differ" },
        args.manifest.display()
    );
    ExitCode::from(1)
}

/// Files render kept although it no longer generates them.
fn warn_kept(out: &Path, report: &WriteReport) {
    for rel in &report.kept_edited {
        eprintln!(
            "warning: kept {}: wharf no longer generates it, and it is not unchanged since wharf wrote it (edited, or listed by an earlier wharf whose hashes prove nothing)",
            out.join(rel).display()
        );
    }
    let unpruned: std::collections::BTreeSet<&str> = report
        .unpruned
        .iter()
        .filter_map(|r| r.strip_prefix("environments/")?.split('/').next())
        .collect();
    for env in unpruned {
        eprintln!(
            "warning: kept {}: the manifest has no environment `{env}` any more; run `terraform destroy` there if it is still deployed, then `wharf render --prune`",
            out.join("environments").join(env).display()
        );
    }
    if report.unpruned.iter().any(|r| r.starts_with("bootstrap/")) {
        eprintln!(
            "warning: kept {}: the manifest has no `[delivery]` any more; destroy the account's GitHub OIDC provider there only if no other app's deploy role trusts it, then `wharf render --prune`",
            out.join("bootstrap").display()
        );
    }
}

/// Each rendered environment's fixed monthly cost, or why it is not priced (one line).
fn price(tree: &Tree) -> Vec<Result<Fixed, String>> {
    let prices = wharf_cost::PriceTable::bundled();
    tree.environments
        .iter()
        .map(|e| crate::cost::fixed_monthly(prices, &tree.files, &e.name))
        .collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Notes under the summary: items not priced, and why an environment has no price.
fn notes(tree: &Tree, priced: &[Result<Fixed, String>]) -> Vec<String> {
    let mut notes = Vec::new();
    for (e, fixed) in tree.environments.iter().zip(priced) {
        let note = match fixed {
            Ok(f) if f.not_priced > 0 => format!(
                "{}: {} not priced in {} (`wharf cost --env {}` lists them).",
                e.name,
                plural(f.not_priced, "item", "items"),
                f.region,
                e.name
            ),
            Ok(_) => continue,
            Err(why) => format!("Not priced: {why}."),
        };
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    notes
}

fn endpoints(platform: &Platform, tree: &Tree) -> String {
    let shown: Vec<String> = platform
        .environments
        .iter()
        .filter(|e| tree.environments.iter().any(|t| t.name == e.name))
        .map(|e| {
            let list = &e.network.interface_endpoints;
            if list.is_empty() {
                format!("{} none (through the NAT gateway)", e.name)
            } else {
                format!("{} {}", e.name, list.join(", "))
            }
        })
        .collect();
    shown.join("; ")
}

fn module_files(tree: &Tree) -> usize {
    tree.files
        .keys()
        .filter(|p| p.starts_with("modules/"))
        .count()
}

/// What `render` wrote, for the summary.
struct Summary<'a> {
    platform: &'a Platform,
    tree: &'a Tree,
    out: &'a Path,
    report: &'a WriteReport,
    priced: &'a [Result<Fixed, String>],
    root: &'a Path,
    /// What was written into the project root, when the workflows were rendered or removed.
    workflows: Option<&'a WriteReport>,
}

/// The workflows' line of the summary.
fn workflows_line(root: &Path, w: &WriteReport, rendered: bool) -> String {
    let dir = root.join(wharf_render::workflows::DIR);
    let counts = format!(
        "{} written, {} unchanged, {} removed",
        w.written.len(),
        w.unchanged,
        w.removed.len()
    );
    if rendered {
        format!("Workflows in {}/: wharf-checks.yml (pull requests) and wharf-deploy.yml (releases); {counts}.", dir.display())
    } else {
        format!(
            "Workflows in {}/: none, since the manifest has no `[delivery]`; {counts}.",
            dir.display()
        )
    }
}

fn text(summary: &Summary) -> String {
    let Summary {
        platform,
        tree,
        out,
        report,
        priced,
        ..
    } = *summary;
    let mut s = String::new();
    let row = |s: &mut String, cells: [&str; 6]| {
        let [a, b, c, d, e, f] = cells;
        let line = format!("  {a:<14} {b:<8} {c:>7} {d:>15} {e:>5} {f:>12}");
        let _ = writeln!(s, "{}", line.trim_end());
    };
    let _ = writeln!(
        s,
        "Rendered {} ({}) into {}/",
        platform.app,
        platform.region,
        out.display()
    );
    row(
        &mut s,
        [
            "environment",
            "profile",
            "modules",
            "resource blocks",
            "files",
            "fixed/month",
        ],
    );
    for (e, fixed) in tree.environments.iter().zip(priced) {
        let fixed = match fixed {
            Ok(f) => wharf_cost::report::money(f.usd),
            Err(_) => "-".to_string(),
        };
        let (m, r, f) = (
            e.modules.to_string(),
            e.resource_blocks.to_string(),
            e.files.to_string(),
        );
        row(&mut s, [&e.name, e.profile, &m, &r, &f, &fixed]);
    }
    let (m, f) = (
        tree.modules.len().to_string(),
        module_files(tree).to_string(),
    );
    row(&mut s, ["modules/", "", &m, "", &f, ""]);
    let _ = writeln!(
        s,
        "{} written, {} unchanged, {} removed.",
        plural(report.written.len(), "file", "files"),
        report.unchanged,
        report.removed.len()
    );
    let _ = writeln!(
        s,
        "Fixed monthly cost at list prices, before traffic-driven items; `wharf cost --env NAME` itemises it."
    );
    if let Some(w) = summary.workflows {
        let _ = writeln!(
            s,
            "{}",
            workflows_line(summary.root, w, platform.pipeline.is_some())
        );
    }
    let _ = writeln!(s, "Interface endpoints: {}.", endpoints(platform, tree));
    for note in notes(tree, priced) {
        let _ = writeln!(s, "{note}");
    }
    s
}

/// The summary as JSON: what `--format json` prints, and what the platform tests read to
/// know which review findings each root documents as trade-offs.
fn json(summary: &Summary) -> Value {
    let Summary {
        platform,
        tree,
        out,
        report,
        priced,
        ..
    } = *summary;
    let workflows = summary.workflows.map(|w| {
        json!({
            "root": summary.root.display().to_string(),
            "written": w.written,
            "unchanged": w.unchanged,
            "removed": w.removed,
        })
    });
    let environments: Vec<Value> = tree
        .environments
        .iter()
        .zip(priced)
        .map(|(e, fixed)| {
            let endpoints = platform
                .environments
                .iter()
                .find(|p| p.name == e.name)
                .map(|p| p.network.interface_endpoints.clone())
                .unwrap_or_default();
            let trade_offs: Vec<Value> = e
                .trade_offs
                .iter()
                .map(|d| {
                    json!({
                        "code": d.trade_off.rule.code,
                        "rule": d.trade_off.rule.name,
                        "module": d.address,
                        "component": d.component,
                        "reason": d.trade_off.reason,
                    })
                })
                .collect();
            json!({
                "name": e.name,
                "profile": e.profile,
                "root": format!("environments/{}", e.name),
                "modules": e.modules,
                "resource_blocks": e.resource_blocks,
                "files": e.files,
                "fixed_monthly_usd": fixed.as_ref().ok().map(|f| f.usd),
                "not_priced": fixed.as_ref().ok().map(|f| f.not_priced),
                "interface_endpoints": endpoints,
                "trade_offs": trade_offs,
            })
        })
        .collect();
    json!({
        "app": platform.app,
        "region": platform.region,
        "out": out.display().to_string(),
        "environments": environments,
        "modules": { "directories": tree.modules, "files": module_files(tree) },
        "components": components(),
        "written": report.written.len(),
        "unchanged": report.unchanged,
        "removed": report.removed.len(),
        "workflows": workflows,
        "notes": notes(tree, priced),
    })
}

/// Every component and the trade-offs it may document.
fn components() -> Vec<Value> {
    wharf_render::COMPONENTS
        .iter()
        .map(|c| {
            let codes: Vec<&str> = c.trade_offs().iter().map(|t| t.rule.code).collect();
            json!({ "name": c.name(), "trade_offs": codes })
        })
        .collect()
}
