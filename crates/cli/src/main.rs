//! The `wharf` command. It parses arguments, calls the library crates and prints; the domain
//! logic lives in `wharf-manifest`, `wharf-model`, `wharf-render`, `wharf-terraform`,
//! `wharf-review`, `wharf-cost` and `wharf-deploy`.
//!
//! Exit codes: 0 success; 1 `render --check` found stale files, `review` found problems at
//! or above `--fail-on`, a deployment failed or timed out (and was rolled back), or `verify`
//! found a failed check; `run` exits with the task's exit code; 2 usage, input, I/O or AWS
//! error.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wharf_manifest::examples::EXAMPLES;
use wharf_manifest::Diagnostics;
use wharf_model::Platform;

mod cost;
mod release;
mod review;

// Loading a Terraform tree allocates millions of small syntax and value nodes across
// threads; mimalloc makes `wharf review` about a third faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "wharf",
    version,
    about = "A production-ready AWS container platform on ECS Fargate, as plain Terraform, from one short manifest."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a commented wharf.toml to start from.
    Init {
        /// Bundled example to start from: minimal, messaging or publishing.
        #[arg(long, default_value = "minimal")]
        example: String,
        /// Where to write the manifest.
        #[arg(long, short, default_value = "wharf.toml")]
        manifest: PathBuf,
        /// Overwrite an existing manifest.
        #[arg(long)]
        force: bool,
    },
    /// Write the Terraform tree: modules/ and one root per environment.
    Render {
        /// The manifest to read.
        #[arg(long, short, default_value = "wharf.toml")]
        manifest: PathBuf,
        /// Render only this environment (repeatable). Modules are always rendered.
        #[arg(long = "env", value_name = "NAME")]
        envs: Vec<String>,
        /// Directory to write the tree into.
        #[arg(long, default_value = "infra")]
        out: PathBuf,
        /// Write nothing; print a diff and exit 1 when the files on disk are stale.
        #[arg(long)]
        check: bool,
        /// Delete the roots of environments no longer in the manifest (destroy them first).
        #[arg(long)]
        prune: bool,
        /// Overwrite files that were edited since wharf wrote them, or not written by wharf.
        #[arg(long)]
        force: bool,
    },
    /// Review Terraform against the AWS Well-Architected pillars.
    Review(review::Args),
    /// Estimate the monthly cost of a Terraform tree or an environment, line by line.
    Cost(cost::Args),
    /// Ship an image tag to an ECS service, wait for the rollout, roll back on failure.
    Deploy(release::DeployArgs),
    /// Put a service back on an earlier task definition revision.
    Rollback(release::RollbackArgs),
    /// Deployments, task counts, recent events and alarms in ALARM.
    Status(release::StatusArgs),
    /// Preflight checks: cluster, service, image tag, roles, target group ports.
    Verify(release::VerifyArgs),
    /// Run a one-off task (a migration) with a service's network and roles; exits with its code.
    Run(release::RunArgs),
    /// Print one rule's documentation.
    Explain {
        /// The rule's code (WH201) or name (service-without-circuit-breaker).
        rule: String,
    },
    /// List every rule.
    Rules {
        /// The list's format.
        #[arg(long, value_enum, default_value_t = review::ListFormat::Text)]
        format: review::ListFormat,
    },
}

/// An error worth exit code 2, already phrased for the user.
struct Failure(String);

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure(d.render())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init {
            example,
            manifest,
            force,
        } => init(&example, &manifest, force),
        Command::Render {
            manifest,
            envs,
            out,
            check,
            prune,
            force,
        } => {
            let opts = wharf_render::WriteOptions {
                filtered: !envs.is_empty(),
                prune,
                force,
            };
            render(&manifest, &envs, &out, check, opts)
        }
        Command::Review(args) => review::run(&args).map_err(Failure),
        Command::Cost(args) => cost::run(&args).map_err(Failure),
        Command::Deploy(args) => release::deploy(&args).map_err(Failure),
        Command::Rollback(args) => release::rollback(&args).map_err(Failure),
        Command::Status(args) => release::status(&args).map_err(Failure),
        Command::Verify(args) => release::verify(&args).map_err(Failure),
        Command::Run(args) => release::run(&args).map_err(Failure),
        Command::Explain { rule } => review::explain(&rule).map_err(Failure),
        Command::Rules { format } => review::rules(format).map_err(Failure),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprint!("{message}");
            if !message.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(2)
        }
    }
}

fn init(example: &str, path: &Path, force: bool) -> Result<ExitCode, Failure> {
    let Some(text) = wharf_manifest::examples::example(example) else {
        let names: Vec<String> = EXAMPLES
            .iter()
            .map(|(n, what, _)| format!("  {n:<12} {what}"))
            .collect();
        return Err(Failure(format!(
            "error: there is no example called `{example}`\nhelp: choose one of:\n{}",
            names.join("\n")
        )));
    };
    if path.exists() && !force {
        return Err(Failure(format!(
            "error: {} already exists\nhelp: edit it, or pass --force to replace it with the `{example}` example",
            path.display()
        )));
    }
    fs::write(path, text)
        .map_err(|e| Failure(format!("error: could not write {}: {e}", path.display())))?;
    println!(
        "Wrote {} (example `{example}`). Next: edit it, then run `wharf render`.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a report to `--output`, or prints it.
fn emit(output: Option<&Path>, text: &str) -> Result<(), String> {
    match output {
        Some(path) => fs::write(path, text).map_err(|e| {
            format!(
                "error: cannot write {}: {e}\nhelp: check that the directory exists and is writable",
                path.display()
            )
        }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The manifest's environment called `name`, or an error listing the ones it has.
fn environment<'p>(
    platform: &'p Platform,
    manifest: &Path,
    name: &str,
) -> Result<&'p wharf_model::Environment, String> {
    platform
        .environments
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| {
            format!(
                "error: {} has no environment `{name}`\nhelp: environments are: {}",
                manifest.display(),
                platform
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// Reads, validates and resolves the manifest, reporting every problem at once.
fn load(path: &Path) -> Result<Platform, Failure> {
    let file = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| {
        let help = if e.kind() == std::io::ErrorKind::NotFound {
            "run `wharf init` to write one, or pass --manifest PATH"
        } else {
            "check the path and its permissions"
        };
        Failure(format!("error: cannot read {file}: {e}\nhelp: {help}"))
    })?;
    let source = wharf_manifest::decode(&file, bytes)?;
    Ok(wharf_model::load(&file, &source)?)
}

fn render(
    manifest: &Path,
    envs: &[String],
    out: &Path,
    check: bool,
    opts: wharf_render::WriteOptions,
) -> Result<ExitCode, Failure> {
    let platform = load(manifest)?;
    for e in envs {
        environment(&platform, manifest, e).map_err(Failure)?;
    }
    let manifest_name = manifest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "wharf.toml".to_string());
    let tree = wharf_render::render(&platform, &manifest_name, envs);
    let io = |e: wharf_render::TreeError| Failure(format!("error: {e}"));

    if check {
        let drift = wharf_render::check(out, &tree, opts.filtered).map_err(io)?;
        if drift.is_empty() {
            println!(
                "{} is up to date with {}.",
                out.display(),
                manifest.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        let mut text = String::new();
        for d in &drift {
            match d {
                wharf_render::Drift::Changed(_, diff) => text.push_str(diff),
                wharf_render::Drift::Missing(rel) => {
                    let _ = writeln!(text, "missing: {}", out.join(rel).display());
                }
                wharf_render::Drift::Stale(rel) => {
                    let _ = writeln!(text, "no longer generated: {}", out.join(rel).display());
                }
            }
        }
        print!("{text}");
        eprintln!(
            "error: {} file{} in {} {} from what {} renders\nhelp: run `wharf render` to bring them up to date",
            drift.len(),
            if drift.len() == 1 { "" } else { "s" },
            out.display(),
            if drift.len() == 1 { "differs" } else { "differ" },
            manifest.display()
        );
        return Ok(ExitCode::from(1));
    }

    let report = wharf_render::write(out, &tree, opts).map_err(io)?;
    print!("{}", summary(&platform, &tree, out, &report));
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
    Ok(ExitCode::SUCCESS)
}

fn summary(
    platform: &Platform,
    tree: &wharf_render::Tree,
    out: &Path,
    report: &wharf_render::WriteReport,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Rendered {} ({}) into {}/",
        platform.app,
        platform.region,
        out.display()
    );
    let _ = writeln!(
        s,
        "  {:<14} {:<8} {:>7} {:>15} {:>5} {:>12}",
        "environment", "profile", "modules", "resource blocks", "files", "fixed/month"
    );
    let mut notes = Vec::new();
    let prices = wharf_cost::PriceTable::bundled();
    for e in &tree.environments {
        let fixed = match cost::fixed_monthly(prices, &tree.files, &e.name) {
            Ok(fixed) => {
                if fixed.not_priced > 0 {
                    notes.push(format!(
                        "{}: {} item{} not priced in {} (`wharf cost --env {}` lists them).",
                        e.name,
                        fixed.not_priced,
                        if fixed.not_priced == 1 { "" } else { "s" },
                        fixed.region,
                        e.name
                    ));
                }
                wharf_cost::report::money(fixed.usd)
            }
            Err(why) => {
                let note = format!("Not priced: {why}.");
                if !notes.contains(&note) {
                    notes.push(note);
                }
                "-".to_string()
            }
        };
        let _ = writeln!(
            s,
            "  {:<14} {:<8} {:>7} {:>15} {:>5} {:>12}",
            e.name, e.profile, e.modules, e.resource_blocks, e.files, fixed
        );
    }
    let _ = writeln!(
        s,
        "  {:<14} {:<8} {:>7} {:>15} {:>5}",
        "modules/",
        "",
        wharf_render::MODULES
            .iter()
            .map(|(m, _, _)| *m)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        "",
        wharf_render::MODULES.len()
    );
    let _ = writeln!(
        s,
        "{} file{} written, {} unchanged, {} removed.",
        report.written.len(),
        if report.written.len() == 1 { "" } else { "s" },
        report.unchanged,
        report.removed.len()
    );
    let _ = writeln!(
        s,
        "Fixed monthly cost at list prices, before traffic-driven items; `wharf cost --env NAME` itemises it."
    );
    let endpoints: Vec<String> = platform
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
    let _ = writeln!(s, "Interface endpoints: {}.", endpoints.join("; "));
    for note in notes {
        let _ = writeln!(s, "{note}");
    }
    s
}
