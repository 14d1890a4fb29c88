//! Judging a run: latency, service level objectives, cost, elasticity, spread over seeds.
//! Must not simulate: it reads only a run's record and the figures it is given, draws no
//! random number, and does no I/O.
//! Imports only the layers below it: `core` to `sim`.

pub mod cost;
pub mod elasticity;
pub mod latency;
pub mod queue;
pub mod run;
pub mod slo;
pub mod spread;

pub use cost::{Cost, CostReport, NodePrice, PodPrice};
pub use elasticity::{Elasticity, elasticity};
pub use latency::{Latency, PodQueue, SecondLoad, second_latency};
pub use run::{Judgement, LatencySummary, StepFigures, judge_run};
pub use slo::{SecondOutcome, Slo, SloReport, Verdict};
pub use spread::{Spread, Worse, derive_seed, spread};
