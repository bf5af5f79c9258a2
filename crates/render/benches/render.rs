//! Render speed: each bundled example, every environment, from manifest text to the full
//! tree in memory (parse, validate, resolve, render). Run with `cargo bench -p wharf-render`.
//!
//! Target (design.md): a three-environment platform in milliseconds.

use std::time::{Duration, Instant};

use wharf_manifest::examples::EXAMPLES;

fn main() {
    const RUNS: usize = 200;
    println!(
        "{:<12} {:>5} {:>6} {:>10} {:>10} {:>10}",
        "example", "envs", "files", "median", "p95", "max"
    );
    let mut total = Duration::ZERO;
    for (name, _, text) in EXAMPLES {
        let mut times = Vec::with_capacity(RUNS);
        let mut files = 0;
        let mut envs = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let platform =
                wharf_model::load("wharf.toml", text).expect("bundled examples are valid");
            let tree = wharf_render::render(&platform, "wharf.toml", &[]);
            times.push(start.elapsed());
            files = tree.files.len();
            envs = tree.environments.len();
            std::hint::black_box(tree);
        }
        times.sort();
        let median = times[RUNS / 2];
        total += median;
        println!(
            "{name:<12} {envs:>5} {files:>6} {:>10.3?} {:>10.3?} {:>10.3?}",
            median,
            times[RUNS * 95 / 100],
            times[RUNS - 1]
        );
    }
    println!("all examples, all environments (sum of medians): {total:.3?}");
}
