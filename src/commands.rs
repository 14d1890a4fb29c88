//! Each subcommand as a library function that returns what it prints: load, run, judge,
//! write. Owns no rule of its own: it wires the layers below in the order a command needs
//! them. Must not know argv, stdout or exit codes (those are `cli`'s).

mod compare;
mod decide;
mod schema;
mod simulate;
mod sweep;

pub use compare::compare;
pub use decide::decide;
pub use schema::schema;
pub use simulate::{SimulateArgs, Simulated, simulate};
pub use sweep::{SweepArgs, sweep, sweep_best, sweep_merge};
