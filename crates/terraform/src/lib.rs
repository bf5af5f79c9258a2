//! The Terraform loader that `wharf review` and `wharf cost` stand on: it reads any tree of
//! `.tf` and `.tfvars` files, whether wharf rendered it or someone wrote it by hand.
//!
//! This first layer finds the files, on disk or in a tree held in memory, and parses them,
//! in parallel, into HCL syntax trees that keep every span. The invariant it keeps: no input panics, and a file that fails to
//! parse is reported with its path, line and column while every other file is still
//! loaded. Results are in path order whatever the thread timing, so everything built on the
//! loader is deterministic.

pub mod budget;
mod config;
mod cycles;
mod data_sources;
mod discover;
pub mod expr;
mod functions;
mod module;
pub mod parallel;
mod parse;
mod project;
mod source;
mod value;

pub use budget::{Budget, Budgets};
pub use config::{Attr, Block, Level, LoadProblem, Location, Mode, Resource, RootModule};
pub use discover::{discover, Kind};
pub use parse::{load, load_files, parse_text, Loaded, ParseError, SourceFile};
pub use project::{LoadOptions, Project};
pub use value::Value;
