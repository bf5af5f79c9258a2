//! The `wharf` command. It parses arguments, calls the library crates and prints; the domain
//! logic lives in `wharf-manifest`, `wharf-model`, `wharf-render`, `wharf-terraform`,
//! `wharf-review`, `wharf-cost` and `wharf-deploy`. One module per command family:
//! `render`, `review`, `cost`, `release` (deploy, rollback, status, verify, run).
//!
//! Exit codes: 0 success; 1 `render --check` found stale files, `review` found problems at
//! or above `--fail-on`, a deployment failed or timed out (and was rolled back), or `verify`
//! found a failed check; `run` exits with the task's exit code; 2 usage, input, I/O or AWS
//! error.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wharf_manifest::examples::EXAMPLES;
use wharf_manifest::Diagnostics;
use wharf_model::Platform;

mod cost;
mod load_args;
mod release;
mod render;
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
    Render(render::Args),
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
        Command::Render(args) => render::run(&args),
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

/// Writes a report to `--output`, or prints it, as `write` makes it.
fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), String> {
    use std::io::Write;
    let written = match output {
        Some(path) => fs::File::create(path).and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            write(&mut out)?;
            out.flush()
        }),
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut out).and_then(|()| out.flush())
        }
    };
    written.map_err(|e| match output {
        Some(path) => format!(
            "error: cannot write {}: {e}\nhelp: check that the directory exists and is writable",
            path.display()
        ),
        None => format!("error: cannot write the report: {e}"),
    })
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
