//! The Terraform loader that `wharf review` and `wharf cost` stand on: it reads any tree of
//! `.tf` and `.tfvars` files, whether wharf rendered it or someone wrote it by hand, from
//! disk or from a tree held in memory (`source`), parses the files in parallel into HCL
//! syntax trees that keep every span (`parse`), and evaluates each root module with its
//! local module calls, variables, locals, `count`, `for_each` and the common functions
//! (`project`, `module`, `expr`, `functions`). What cannot be known statically is Unknown.
//!
//! The invariants it keeps: no input panics; a file that fails to parse is reported with its
//! path, line and column while every other file is still loaded; a module call that leads
//! back to its own directory is an error at the call (`cycles`); every expansion is counted
//! against a per-root budget, and running out is a located error (`budget`). Results are in
//! path order whatever the thread timing, so everything built on the loader is
//! deterministic.

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
mod stream;
mod value;

pub use budget::{Budget, Budgets};
pub use config::{Attr, Block, Level, LoadProblem, Location, Mode, Resource, RootModule};
pub use discover::Kind;
pub use parse::{load, parse_text, Loaded, ParseError, SourceFile};
pub use project::{LoadOptions, Project, VarArg};
pub use stream::{in_parts, Outline, PART_BYTES};
pub use value::Value;
