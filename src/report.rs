//! Turning a run's results into what people and programs read.
//!
//! Owns formats (JSON, YAML, text explanations) and writing files safely (temporary
//! name, then rename). Must not decide or simulate: it only renders values it is given.

mod explain;
mod output;

pub use explain::explain_decision;
pub use output::{Format, render, write_atomically};
