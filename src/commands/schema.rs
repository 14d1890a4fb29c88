//! `hpasim schema`: the scenario format as a JSON Schema.

use crate::error::Error;
use crate::report::{self, Format};

/// `hpasim schema`: the scenario format as a JSON Schema, pretty-printed.
pub fn schema() -> Result<String, Error> {
    report::render(&crate::scenario::scenario_schema(), Format::Json)
}
