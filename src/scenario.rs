//! Reading the user's files: snapshots and scenarios into typed, validated values.
//!
//! Owns parsing, defaults and validation, with errors that name file, line and field.
//! Must not simulate or decide anything: it hands checked values to `core` and `sim`.
//! Imports only `core`, `keda`, `units` and `load` (and `error`, which every layer shares).

mod deployment;
pub mod expect;
pub mod hpa_patches;
mod load_scenario;
mod manifest;
pub mod model;
pub mod objectives;
pub mod pod_spec;
pub mod prices;
pub mod scale_target;
mod scaled_object;
mod schema;
mod snapshot_file;
#[doc(hidden)]
pub mod testing;
pub mod traffic;
pub mod worker;

pub use deployment::describe_file as describe_deployments;
pub(crate) use hpa_patches::{check_patch_file, is_patch_file};
pub(crate) use load_scenario::validate_hpa_file;
pub use load_scenario::{
    BuildLoad, MAX_MANIFEST_BYTES, MAX_RUNS, Scenario, apply_patch, describe_hpas, load_hpa,
    load_scenario, parse_scenario, read_manifest, scenario_from_text, scenario_value,
};
pub use scaled_object::ScenarioKeda;
pub use scaled_object::describe_file as describe_scaled_objects;
pub use schema::{scenario_schema, snapshot_schema};
pub(crate) use snapshot_file::parse_yaml;
pub use snapshot_file::{load_snapshot, parse_scaled_object_snapshot, parse_snapshot};
