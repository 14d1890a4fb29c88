//! Turning a run's results into what people and programs read.
//!
//! Owns formats (JSON, YAML, text explanations) and writing files safely (temporary
//! name, then rename). Must not decide or simulate: it only renders values it is given.

mod explain;
mod output;
mod run_files;

pub use explain::explain_decision;
pub use output::{Format, render, write_atomically};
pub use run_files::{RunOutput, SpreadReport, events_jsonl, summary_text, timeline_csv, write_run};
