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
    /// Several inputs refused at once (`hpasim validate` on many files): each on its line.
    #[error("{} of the files {} not valid:\n{}", .0.len(), if .0.len() == 1 { "is" } else { "are" }, .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
    /// The input was good and the work was done, but what it was asked to hold does not
    /// (an expectation, a golden timeline): the one failure CI should read as "worse".
    #[error("{0}")]
    CheckFailed(String),
}

impl Error {
    /// The process exit code for this error: 1 for a failed check; 2 for bad input, bad
    /// usage, and files that cannot be read or written.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::CheckFailed(_) => 1,
            _ => 2,
        }
    }
}

/// A result with hpasim's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The candidate closest to `name` in spelling, if any is close enough to be what was
/// meant (for "unknown figure `cost.total`; did you mean `cost.totalUsd`?").
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_failed_check_exits_1() {
        assert_eq!(Error::CheckFailed("x".into()).exit_code(), 1);
        assert_eq!(Error::Usage("x".into()).exit_code(), 2);
        assert_eq!(Error::Output("x".into()).exit_code(), 2);
    }

    #[test]
    fn nearest_names_the_likely_typo_and_nothing_far() {
        let names = ["cost.totalUsd", "slo.violationSeconds", "scaleUps"];
        assert_eq!(nearest("cost.total", names), Some("cost.totalUsd"));
        assert_eq!(
            nearest("slo.violationSecs", names),
            Some("slo.violationSeconds")
        );
        assert_eq!(nearest("scaleups", names), Some("scaleUps"));
        assert_eq!(nearest("zzz", names), None);
    }
}
