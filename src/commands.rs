//! Each subcommand as a library function that returns what it prints: load, run, judge,
//! write. Owns no rule of its own: it wires the layers below in the order a command needs
//! them. Must not know argv, stdout or exit codes (those are `cli`'s).
//! Imports every layer below it; nothing imports it but `cli`.

mod check;
mod compare;
mod decide;
mod schema;
mod simulate;
mod sweep;
mod validate;

pub use check::{CheckArgs, CheckFormat, Checked, check};
pub use compare::compare;
pub use decide::decide;
pub use schema::{schema, snapshot_schema};
pub use simulate::{SimulateArgs, Simulated, simulate};
pub use sweep::{SweepArgs, sweep, sweep_best, sweep_merge};
pub use validate::{Validated, validate};
