//! Prices any Terraform tree before apply: a monthly estimate per root module, line by line
//! per resource address, from the bundled price table (`prices.toml`, every figure with its
//! source and date) and an optional usage file for traffic-driven quantities.
//!
//! The invariant: nothing is guessed. A price the table does not have makes a "not priced"
//! line, a quantity only traffic decides makes a "depends on usage" line showing its unit
//! price, and neither adds to a total. A tree is priced from disk or from memory (as
//! `wharf render` builds it), and one that did not load whole (a file that does not parse,
//! a root module that could not be evaluated) is refused rather than priced short.

mod error;
mod estimate;
mod load;
mod pricer;
pub mod report;
mod resources;
pub mod usage;

pub use error::CostError;
pub use estimate::{estimate, Estimate, Options};
pub use load::{estimate_files, estimate_paths, fixed_monthly, Fixed};
pub use pricer::{LineItem, PriceRef, Status, HOURS_PER_MONTH};
pub use usage::Usage;
pub use wharf_prices::{self as prices, Price, PriceTable};
