//! What can stop an estimate: a price table or usage file that is not valid (with the file,
//! line and column), or a root module whose Region is unknown or not in the table.

/// An error, phrased for the user: where (`usage.toml:3:5`, a root module's directory, or
/// nothing), what happened, and what to do.
pub use wharf_diagnostic::Error as CostError;
