//! Each subcommand as a library function that returns what it prints.

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

/// What `hpasim simulate` is asked to do.
#[derive(Clone, Debug)]
pub struct SimulateArgs {
    /// The scenario file.
    pub scenario: std::path::PathBuf,
    /// Output folder; default `out/<scenario name>`.
    pub out: Option<std::path::PathBuf>,
    /// Timeline resolution.
    pub step: crate::core::Span,
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Where to write every sync's snapshot.
    pub snapshots: Option<std::path::PathBuf>,
}

/// `hpasim simulate`: runs the scenario, writes its files, returns the printed summary.
pub fn simulate(args: &SimulateArgs) -> Result<(crate::sim::Record, String), Error> {
    let scenario = crate::scenario::load_scenario(&args.scenario)?;
    let options = crate::sim::Options {
        step: args.step,
        seed: args.seed,
        keep_snapshots: args.snapshots.is_some(),
    };
    let record = crate::sim::run(&scenario, &options);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&scenario.file.name));
    report::write_run(&record, &out, args.snapshots.as_deref())?;
    let text = report::summary_text(&record.summary, &out);
    Ok((record, text))
}
