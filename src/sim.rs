//! The simulator: one Deployment under its HPA, driven by a load, second by second.
//!
//! Owns simulated time (integer milliseconds), pods and their lifecycle, the metrics
//! pipeline, the serving model and scheduled actions. At each HPA sync it builds the
//! snapshot the controller would see and applies what `core::decide` returns: it never
//! re-implements a controller rule. Randomness: ChaCha8 substreams of the seed, one per
//! purpose. It must not read the wall clock or write files (the record goes to `report`).
//! Imports only the layers below it: `core`, `keda`, `units`, `load`, `scenario`.

mod core_view;
mod cpu;
mod derived;
mod engine;
mod external;
mod keda_loop;
mod lifecycle;
mod observe;
pub mod pods;
mod queue;
pub mod record;
mod replicaset;
mod scale_target;
mod second;
mod seeds;
pub mod serving;
mod shared;
mod statefulset;
#[cfg(test)]
mod testing;
mod traffic;

pub use engine::{Options, clock, metric_names, run, run_sharing, run_watched};
pub use queue::{JobRecord, JobSecond, JobTaken};
pub use record::{
    Event, HpaEpoch, Marks, MetricValues, Record, RecordedPoll, RecordedSync, Row, RunSetting,
    RunWatch, SecondFigures, Summary, Surge,
};
pub use seeds::run_seeds;
pub use serving::ServingModel;
pub use shared::Shared;
