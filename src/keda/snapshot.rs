//! A ScaledObject snapshot (docs/keda-snapshot.md): what KEDA and the HPA controller see
//! at one instant, and both layers' decisions on it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::api::ScaledObject;
use super::compile::Keda;
use super::state::{HpaRead, KedaState, Poll, Reading, TargetReplicas, externals_map};
use crate::core::snapshot::{ConditionStatus, ControllerFlags, History, Pod, PodPhase};
use crate::core::{Decision, InvalidField, Snapshot, Time};
use crate::error::Error;

/// A ScaledObject snapshot file: an HPA snapshot with `scaledObject` instead of `hpa`
/// and `keda` for what KEDA remembers and reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KedaSnapshot {
    /// The instant of KEDA's poll and of the HPA's sync.
    pub now: Time,
    /// The ScaledObject, as applied.
    pub scaled_object: ScaledObject,
    /// The target's `spec.replicas`.
    pub current_replicas: i32,
    /// The target's `status.replicas`; absent: `currentReplicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_replicas: Option<i32>,
    /// The pods the target's selector matches.
    #[serde(default)]
    pub pods: Vec<Pod>,
    /// What the HPA controller remembers of the generated HPA.
    #[serde(default)]
    pub history: History,
    /// kube-controller-manager flags.
    #[serde(default)]
    pub controller: ControllerFlags,
    /// What KEDA remembers and what the triggers read now.
    pub keda: KedaSection,
    /// A recorded outcome; ignored on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<serde_json::Value>,
}

/// The `keda` section of a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KedaSection {
    /// The ScaledObject's creationTimestamp (for `initialCooldownPeriod`); default 0.
    #[serde(default = "time_zero")]
    pub created_at: Time,
    /// `status.lastActiveTime`; absent: never active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active_time: Option<Time>,
    /// Failed reads so far per External metric (`status.health`); absent: 0.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failures: BTreeMap<String, i32>,
    /// What each External metric's source returns now: a number, or `failed`.
    #[serde(default)]
    pub readings: BTreeMap<String, ReadingText>,
}

fn time_zero() -> Time {
    Time::from_millis(0)
}

/// A reading as written: a number, or the word `failed`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ReadingText {
    /// The source's value.
    Value(f64),
    /// `failed`: the query fails.
    Word(String),
}

/// Both layers' decisions on one ScaledObject snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KedaDecision {
    /// The generated HPA's name.
    pub hpa_name: String,
    /// KEDA's poll at `now`.
    pub keda: Poll,
    /// `status.lastActiveTime` after the poll.
    pub last_active_time: Option<Time>,
    /// The failure counts after the poll and the HPA's reads.
    pub failures: BTreeMap<String, i32>,
    /// What the HPA read for each External metric (empty when it read no metrics).
    pub hpa_reads: Vec<HpaRead>,
    /// The HPA controller's decision at `now`, on the replicas before KEDA's write.
    pub hpa: Decision,
}

fn input_error(path: &Path, text: &str, field: String, message: String) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        location: crate::scenario::locate_field(text, &field),
        message: format!("{field}: {message}"),
    }
}

/// Parses, checks and decides a ScaledObject snapshot; `path` names it in errors, which
/// carry the line of the field at fault.
pub fn decide_scaled_object(text: &str, path: &Path) -> Result<KedaDecision, Error> {
    let snap: KedaSnapshot = crate::scenario::parse_yaml(text, path)?;
    let at = |e: InvalidField| input_error(path, text, e.field, e.message);
    let keda = Keda::compile(&snap.scaled_object).map_err(|e| {
        at(InvalidField {
            field: format!("scaledObject.{}", e.field),
            message: e.message,
        })
    })?;
    let names: Vec<&str> = keda
        .externals
        .iter()
        .map(|e| e.metric_name.as_str())
        .collect();
    let mut readings = Vec::with_capacity(names.len());
    for name in &names {
        let reading = match snap.keda.readings.get(*name) {
            None => {
                return Err(at(InvalidField {
                    field: "keda.readings".into(),
                    message: format!(
                        "no reading for {name}; give a number or \"failed\" for each of {}",
                        names.join(", ")
                    ),
                }));
            }
            Some(ReadingText::Value(v)) => Reading::Value(*v),
            Some(ReadingText::Word(w)) if w == "failed" => Reading::Failed,
            Some(ReadingText::Word(w)) => {
                return Err(at(InvalidField {
                    field: format!("keda.readings.{name}"),
                    message: format!("{w:?}; expected a number or \"failed\""),
                }));
            }
        };
        readings.push(reading);
    }
    for (section, keys) in [
        ("readings", snap.keda.readings.keys().collect::<Vec<_>>()),
        ("failures", snap.keda.failures.keys().collect()),
    ] {
        if let Some(unknown) = keys.into_iter().find(|k| !names.contains(&k.as_str())) {
            return Err(at(InvalidField {
                field: format!("keda.{section}.{unknown}"),
                message: format!(
                    "no such External metric; this ScaledObject's are {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            }));
        }
    }
    if let Some((name, n)) = snap.keda.failures.iter().find(|(_, n)| **n < 0) {
        return Err(at(InvalidField {
            field: format!("keda.failures.{name}"),
            message: format!("{n} is negative"),
        }));
    }
    let mut state = KedaState::new(snap.keda.created_at);
    state.last_active_time = snap.keda.last_active_time;
    state.failures = snap.keda.failures.clone();
    // getReadyReplicasCount (fallback.go:210): Running pods whose Ready condition is True.
    let ready = snap
        .pods
        .iter()
        .filter(|p| p.phase == PodPhase::Running && p.ready == Some(ConditionStatus::True))
        .count() as i32;
    let target = TargetReplicas {
        current: snap.current_replicas,
        ready,
    };
    let mut hpa_snapshot = Snapshot {
        now: snap.now,
        hpa: keda.hpa.clone(),
        current_replicas: snap.current_replicas,
        status_replicas: snap.status_replicas,
        pods: snap.pods,
        objects: BTreeMap::new(),
        externals: BTreeMap::new(),
        history: snap.history,
        controller: snap.controller,
        decision: None,
    };
    hpa_snapshot.validate().map_err(at)?;
    // KEDA's poll first: with useCachedMetrics the HPA then reads what it cached.
    let poll = state.poll(&keda, snap.now, &readings, target);
    let hpa_reads = if keda.hpa_reads_metrics(snap.current_replicas) {
        state.hpa_read(&keda, &readings, target)
    } else {
        vec![]
    };
    hpa_snapshot.externals = externals_map(&hpa_reads);
    let hpa = crate::core::decide_validated(&hpa_snapshot);
    Ok(KedaDecision {
        hpa_name: keda.hpa_name(),
        keda: poll,
        last_active_time: state.last_active_time,
        failures: state.failures,
        hpa_reads,
        hpa,
    })
}
