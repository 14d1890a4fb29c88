//! KEDA ScaledObjects: the HPA KEDA generates from one, and KEDA's own polling loop.
//!
//! Owns KEDA's rules, each mirroring a named function of kedacore/keda (v2.20, main at
//! 8b4f083): [`Keda::compile`] checks a ScaledObject and builds its HPA for the core;
//! [`KedaState`] is the operator's loop as a pure state machine. Must not read a clock,
//! do I/O or draw random numbers: the simulator calls it at the times it chooses. Imports
//! only `core` (and `error`): `scenario` reads ScaledObjects into it, `sim` drives it.

pub mod api;
mod compile;
mod snapshot;
mod state;

pub use compile::{ExternalTrigger, IGNORED_METADATA, KEDA_VERSION, Keda};
pub use snapshot::{
    CheckedKedaSnapshot, KedaDecision, KedaSection, KedaSnapshot, ReadingText, check_snapshot,
    ready_pods,
};
pub use state::{Action, HpaRead, KedaState, Poll, Reading, TargetReplicas, externals_map};
