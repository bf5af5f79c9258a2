//! `wharf review`, `wharf explain` and `wharf rules`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use wharf_review::report::{self, Format};
use wharf_review::{rules, Selection, Severity, RULES};

use crate::load_args::LoadArgs;

#[derive(clap::Args)]
pub struct Args {
    /// Files or directories to review (default: the current directory). Every directory
    /// of .tf files that no other calls as a module is reviewed as a root module.
    paths: Vec<PathBuf>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity, or never.
    #[arg(long, value_enum, default_value_t = FailOn::Low, ignore_case = true)]
    fail_on: FailOn,
    /// Run only these rules: codes (WH201), code prefixes (WH2), names or pillars
    /// (security). Repeatable or comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (same forms as --select).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    #[command(flatten)]
    load: LoadArgs,
    /// Never colour the text report.
    #[arg(long)]
    no_color: bool,
}

/// `wharf review --format`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Sarif,
    #[value(alias = "md")]
    Markdown,
}

impl From<ReportFormat> for Format {
    fn from(format: ReportFormat) -> Format {
        match format {
            ReportFormat::Text => Format::Text,
            ReportFormat::Json => Format::Json,
            ReportFormat::Sarif => Format::Sarif,
            ReportFormat::Markdown => Format::Markdown,
        }
    }
}

/// `wharf review --fail-on`: a severity, or never.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Low,
    Medium,
    High,
    Critical,
    Never,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
            FailOn::Never => None,
        }
    }
}

pub fn run(args: &Args) -> Result<ExitCode, String> {
    let format = Format::from(args.format);
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    if let Some(p) = selection.unknown_patterns().first() {
        return Err(format!(
            "error: `{p}` matches no rule\nhelp: give a code (WH201), a code prefix (WH2), a rule name or a pillar; `wharf rules` lists them"
        ));
    }
    let options = args.load.load_options()?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // A part of the tree at a time: memory grows with the largest part, not the tree.
    let (outline, review) =
        wharf_review::review_tree(&paths, &options, &selection).map_err(|e| {
            format!(
                "error: cannot read {e}\nhelp: give a directory or file that exists and can be read"
            )
        })?;
    if outline.files == 0 && outline.parse_errors.is_empty() {
        return Err(format!(
            "error: no .tf files found in {}\nhelp: give the directory of a Terraform configuration",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let color = format == Format::Text
        && args.output.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let input = report::Input {
        outline: &outline,
        review: &review,
        color,
    };
    crate::emit_with(args.output.as_deref(), |out| {
        report::write(format, &input, out)
    })?;
    // `--fail-on` governs findings; a tree that could not be reviewed whole is exit 2.
    let code = if outline.has_errors() {
        ExitCode::from(2)
    } else {
        match args.fail_on.severity() {
            Some(severity) if review.fails(severity) => ExitCode::from(1),
            _ => ExitCode::SUCCESS,
        }
    };
    // The process is about to exit: freeing every finding one by one would only delay it.
    std::mem::forget(review);
    Ok(code)
}

pub fn explain(code: &str) -> Result<ExitCode, String> {
    let rule = rules::find(code).ok_or_else(|| {
        format!("error: there is no rule `{code}`\nhelp: `wharf rules` lists every rule")
    })?;
    print!("{}", wharf_review::docs::page(rule));
    Ok(ExitCode::SUCCESS)
}

/// `wharf rules --format`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

pub fn rules(format: ListFormat) -> Result<ExitCode, String> {
    match format {
        ListFormat::Text => {
            for r in RULES {
                println!(
                    "{}  {:<44} {:<24} {}",
                    r.code,
                    r.name,
                    r.pillar.id(),
                    r.severity
                );
            }
        }
        ListFormat::Json => print!("{}", wharf_review::docs::rules_json()),
    }
    Ok(ExitCode::SUCCESS)
}
