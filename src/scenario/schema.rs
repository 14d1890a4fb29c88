//! The scenario file's format as a JSON Schema (draft 2020-12), generated from the serde
//! types of [`super::model::ScenarioFile`]; their doc comments are its descriptions.
//!
//! Types with hand-written deserializers (quantities, durations, times, shifts, `sum` and
//! `product`) carry hand-written schemas next to them that mirror what they accept.

use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde_json::Value;

use super::model::ScenarioFile;

/// The JSON Schema of a scenario file (`docs/scenario.schema.json`), as a JSON value: the
/// same for every call.
pub fn scenario_schema() -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(tidy))
        .into_generator()
        .into_root_schema_for::<ScenarioFile>();
    state_scenario_limits(&mut schema);
    schema.insert("title".into(), "hpasim scenario".into());
    schema.insert(
        "description".into(),
        "A scenario for `hpasim simulate`: one Deployment under its HorizontalPodAutoscaler, \
         driven by a load, for a duration. Written in YAML (or JSON); the README's section \
         \"The scenario format\" shows a complete example."
            .into(),
    );
    schema.to_value()
}

/// The limits a scenario puts on fields of types it shares with snapshots and with KEDA's
/// own reader (the HPA's replicas, the ScaledObject's counts and periods): `decide` reads a
/// snapshot of any size, so the types carry none, and the scenario's schema states the
/// bounds its loader checks (`load_scenario`'s `check_limits`, `scaled_object`'s
/// `check_counts`), from the same constants.
fn state_scenario_limits(schema: &mut Schema) {
    use super::load_scenario::{MAX_PODS, MAX_THRESHOLD};
    use crate::units::MAX_DELAY_SECONDS;
    let limits: [(&str, &str, i64); 10] = [
        ("HpaSpec", "minReplicas", MAX_PODS),
        ("HpaSpec", "maxReplicas", MAX_PODS),
        ("ScaledObjectSpec", "minReplicaCount", MAX_PODS),
        ("ScaledObjectSpec", "maxReplicaCount", MAX_PODS),
        ("ScaledObjectSpec", "idleReplicaCount", MAX_PODS),
        ("ScaledObjectSpec", "pollingInterval", MAX_DELAY_SECONDS),
        ("ScaledObjectSpec", "cooldownPeriod", MAX_DELAY_SECONDS),
        (
            "ScaledObjectSpec",
            "initialCooldownPeriod",
            MAX_DELAY_SECONDS,
        ),
        ("Fallback", "replicas", MAX_PODS),
        ("Fallback", "failureThreshold", MAX_THRESHOLD.into()),
    ];
    for (def, property, max) in limits {
        let field = schema
            .get_mut("$defs")
            .and_then(|defs| defs.get_mut(def))
            .and_then(|d| d.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
            .and_then(Value::as_object_mut);
        // A field renamed since would go unbounded here: tests/it/schema.rs walks the
        // schema for any count without its `maximum` and fails on it.
        if let Some(field) = field {
            field.insert("maximum".into(), max.into());
        }
    }
}

/// The JSON Schema of a snapshot file (`docs/snapshot.schema.json`, the format of
/// `docs/hpa-snapshot.md`), as a JSON value: the same for every call.
pub fn snapshot_schema() -> Value {
    let mut schema = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(tidy))
        .into_generator()
        .into_root_schema_for::<crate::core::Snapshot>();
    schema.insert("title".into(), "hpasim snapshot".into());
    schema.insert(
        "description".into(),
        "One HPA controller decision's input for `hpasim decide`: the HPA, the target's \
         replicas, its pods with their metric samples, the controller's memory and flags \
         (docs/hpa-snapshot.md). YAML or JSON; times in seconds."
            .into(),
    );
    schema.to_value()
}

/// Makes one schema read well: descriptions as one line per paragraph (doc comments wrap at
/// 100 columns), no `default: null` (absent is absent; the description says what applies),
/// and durations in defaults as people write them (`15s`, not `15000ms` as a `Duration`
/// serializes).
fn tidy(schema: &mut Schema) {
    if let Some(Value::String(text)) = schema.get_mut("description") {
        *text = text
            .split("\n\n")
            .map(|paragraph| paragraph.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    match schema.get_mut("default") {
        Some(Value::Null) => {
            schema.remove("default");
        }
        Some(value) => readable_default(value),
        None => {}
    }
}

fn readable_default(value: &mut Value) {
    match value {
        Value::String(text) => {
            if let Some(ms) = text.strip_suffix("ms").and_then(|n| n.parse::<u64>().ok()) {
                *text =
                    humantime::format_duration(std::time::Duration::from_millis(ms)).to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(readable_default),
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(readable_default);
        }
        _ => {}
    }
}
