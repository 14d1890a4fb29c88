//! `hpasim decide`: one controller decision on a snapshot file, explained.

use std::path::Path;

use crate::error::Error;
use crate::report::{self, Format};

/// `hpasim decide`: the core on one snapshot file, rendered as JSON, YAML or text.
pub fn decide(path: &Path, format: Format) -> Result<String, Error> {
    let snapshot = crate::scenario::load_snapshot(path)?;
    // load_snapshot validated it, so the core cannot refuse it.
    let decision = crate::core::decide(&snapshot).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: e.to_string(),
    })?;
    match format {
        Format::Text => Ok(report::explain_decision(&decision)),
        _ => report::render(&decision, format),
    }
}
