//! `hpasim schema`: the scenario and snapshot formats as JSON Schemas.

use crate::error::Error;
use crate::report::{self, Format};

/// `hpasim schema`: the scenario format as a JSON Schema, pretty-printed.
pub fn schema() -> Result<String, Error> {
    report::render(&crate::scenario::scenario_schema(), Format::Json)
}

/// `hpasim schema snapshot`: the snapshot format as a JSON Schema, pretty-printed.
pub fn snapshot_schema() -> Result<String, Error> {
    report::render(&crate::scenario::snapshot_schema(), Format::Json)
}
