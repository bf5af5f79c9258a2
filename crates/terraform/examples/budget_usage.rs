//! How much of each evaluation budget the root modules under the given paths use: the
//! largest use of any root, next to the default budget. `scripts/bench-review` runs it on
//! its corpus, so that the defaults are seen to leave every real tree far inside them.
//!
//! `cargo run --release -p wharf-terraform --example budget_usage -- DIR...`

use std::path::PathBuf;

use wharf_terraform::{Budget, Budgets, LoadOptions, Project};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let project = match Project::load(&paths, &LoadOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let defaults = Budgets::default();
    println!("{} root modules", project.roots.len());
    println!(
        "{:<12} {:>14} {:>14} {:>9}  largest root",
        "budget", "largest use", "default", "headroom"
    );
    for budget in Budget::ALL {
        let used = |r: &wharf_terraform::RootModule| match budget {
            Budget::Instances => r.usage.instances,
            Budget::Steps => r.usage.steps,
            Budget::ValueBytes => r.usage.value_bytes,
            Budget::TotalBytes => r.usage.total_bytes,
        };
        let Some(root) = project.roots.iter().max_by_key(|r| used(r)) else {
            continue;
        };
        let (max, limit) = (used(root), defaults.get(budget));
        println!(
            "{:<12} {:>14} {:>14} {:>8.0}x  {}",
            budget.name(),
            max,
            limit,
            limit as f64 / max.max(1) as f64,
            root.dir.display()
        );
    }
    let exhausted = project
        .roots
        .iter()
        .filter(|r| r.problems.iter().any(|p| p.message.contains("budget")))
        .count();
    println!("roots that ran out of a budget: {exhausted}");
    std::mem::forget(project);
}
