//! Parse-only baseline for `scripts/bench-review`: finds and parses every .tf/.tfvars file
//! under the given paths with the loader's parser, on every core, and nothing more.
//!
//! `cargo run --release -p wharf-terraform --example parse_only -- DIR...`

use std::path::PathBuf;

// The allocator the `wharf` binary uses, so that the comparison is parser to parser.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    match wharf_terraform::load(&paths) {
        Ok(loaded) => {
            let bytes: usize = loaded.files.iter().map(|(f, _)| f.text.len()).sum();
            println!(
                "parsed {} files ({} bytes), {} errors",
                loaded.files.len(),
                bytes,
                loaded.errors.len()
            );
            // As `wharf review` does: no time spent freeing what the exit frees.
            std::mem::forget(loaded);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
