//! What can stop an estimate: a price table or usage file that is not valid (with the file,
//! line and column), or a root module whose Region is unknown or not in the table.

use std::fmt;

use wharf_prices::line_col;

/// An error, phrased for the user: what happened, where, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostError {
    /// `usage.toml:3:5`, or a root module's directory, or nothing.
    pub place: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl CostError {
    pub fn new(message: impl Into<String>) -> CostError {
        CostError {
            place: None,
            message: message.into(),
            help: None,
        }
    }

    /// An error at a byte offset of a file's text.
    pub fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> CostError {
        let (line, column) = line_col(text, offset);
        CostError {
            place: Some(format!("{file}:{line}:{column}")),
            ..CostError::new(message)
        }
    }

    pub fn in_place(mut self, place: impl Into<String>) -> CostError {
        self.place = Some(place.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> CostError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for CostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(place) => write!(f, "{place}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CostError {}
