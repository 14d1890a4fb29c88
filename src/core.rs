//! The scaling core: what kube-controller-manager's HPA controller decides at one sync.
//!
//! Owns the decision rules, each mirroring a named function of
//! `pkg/controller/podautoscaler` (Kubernetes 1.35 line). Must not do I/O, read a clock,
//! or draw random numbers: the same [`Snapshot`] always gives the same [`Decision`].
//! Imports no other layer.

pub mod api;
mod decide;
mod normalize;
pub mod quantity;
mod replicas;
pub mod snapshot;
pub mod time;

pub use decide::{
    Condition, Decision, Path, Spare, decide, decide_validated, decide_validated_reusing,
};
pub use normalize::{PolicyBound, RateLimit, Stabilization};
pub use quantity::Quantity;
pub use replicas::{MetricOutcome, PodGroups, Reading, Tolerances};
pub use snapshot::{History, InvalidField, Snapshot};
pub use time::{Span, Time};
