//! The errors a person sees, and the exit code each maps to.
//!
//! Library layers return these as values; `cli` renders them once. Bad input (a file
//! that cannot be read, parsed or validated) exits 2; a failed check exits 1.

use std::path::PathBuf;

/// Where in an input file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

/// Everything hpasim refuses or fails at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// An input file is not what it must be: names the file, the place, and what was expected.
    #[error("{}{}: {message}", path.display(), location.as_ref().map(|l| format!(":{}:{}", l.line, l.column)).unwrap_or_default())]
    Input {
        /// The file.
        path: PathBuf,
        /// Line and column, when known.
        location: Option<Location>,
        /// What is wrong (naming the field) and what was expected.
        message: String,
    },
    /// Output could not be produced.
    #[error("{0}")]
    Output(String),
    /// The command line asks for something that cannot be done together.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 2 for I/O.
    pub fn exit_code(&self) -> u8 {
        2
    }
}

/// A result with hpasim's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
