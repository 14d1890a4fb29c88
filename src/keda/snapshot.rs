//! A ScaledObject snapshot (docs/keda-snapshot.md): what KEDA and the HPA controller see
//! at one instant, and both layers' decisions on it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api::ScaledObject;
use super::compile::Keda;
use super::state::{HpaRead, KedaState, Poll, Reading, TargetReplicas, externals_map};
use crate::core::snapshot::{ConditionStatus, ControllerFlags, History, Pod, PodPhase};
use crate::core::{Decision, InvalidField, Snapshot, Time};

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
    /// Whether the HPA controller syncs at `now`, after KEDA's poll (default true); false
    /// for a poll alone.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub hpa_sync: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
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
    /// The HPA controller's decision at `now`, on the replicas KEDA's write left (absent
    /// when `keda.hpaSync` is false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hpa: Option<Decision>,
}

/// A ScaledObject snapshot checked: its ScaledObject compiled, one reading per External
/// metric (in [`Keda::externals`] order), the HPA snapshot valid. [`Self::decide`] cannot fail.
#[derive(Clone, Debug)]
pub struct CheckedKedaSnapshot {
    snap: KedaSnapshot,
    keda: Keda,
    readings: Vec<Reading>,
    hpa_snapshot: Snapshot,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field: field.into(),
        message: message.into(),
    }
}

/// Checks a parsed ScaledObject snapshot; errors name the field from the file's root
/// (`scaledObject.spec.triggers[0].type`, `keda.readings.s0-prometheus`).
pub fn check_snapshot(snap: KedaSnapshot) -> Result<CheckedKedaSnapshot, InvalidField> {
    let keda = Keda::compile(&snap.scaled_object)
        .map_err(|e| invalid(format!("scaledObject.{}", e.field), e.message))?;
    let names: Vec<&str> = keda
        .externals
        .iter()
        .map(|e| e.metric_name.as_str())
        .collect();
    let mut readings = Vec::with_capacity(names.len());
    for name in &names {
        let reading = match snap.keda.readings.get(*name) {
            None => {
                return Err(invalid(
                    "keda.readings",
                    format!(
                        "no reading for {name}; give a number or \"failed\" for each of {}",
                        names.join(", ")
                    ),
                ));
            }
            Some(ReadingText::Value(v)) => Reading::Value(*v),
            Some(ReadingText::Word(w)) if w == "failed" => Reading::Failed,
            Some(ReadingText::Word(w)) => {
                return Err(invalid(
                    format!("keda.readings.{name}"),
                    format!("{w:?}; expected a number or \"failed\""),
                ));
            }
        };
        readings.push(reading);
    }
    for (section, keys) in [
        ("readings", snap.keda.readings.keys().collect::<Vec<_>>()),
        ("failures", snap.keda.failures.keys().collect()),
    ] {
        if let Some(unknown) = keys.into_iter().find(|k| !names.contains(&k.as_str())) {
            return Err(invalid(
                format!("keda.{section}.{unknown}"),
                format!(
                    "no such External metric; this ScaledObject's are {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        }
    }
    if let Some((name, n)) = snap.keda.failures.iter().find(|(_, n)| **n < 0) {
        return Err(invalid(
            format!("keda.failures.{name}"),
            format!("{n} is negative"),
        ));
    }
    let hpa_snapshot = Snapshot {
        now: snap.now,
        hpa: keda.hpa.clone(),
        current_replicas: snap.current_replicas,
        status_replicas: snap.status_replicas,
        pods: snap.pods.clone(),
        objects: BTreeMap::new(),
        externals: BTreeMap::new(),
        history: snap.history.clone(),
        controller: snap.controller.clone(),
        decision: None,
    };
    hpa_snapshot.validate()?;
    Ok(CheckedKedaSnapshot {
        snap,
        keda,
        readings,
        hpa_snapshot,
    })
}

/// `getReadyReplicasCount` (fallback.go:210): Running pods whose Ready condition is True.
pub fn ready_pods(pods: &[Pod]) -> i32 {
    pods.iter()
        .filter(|p| p.phase == PodPhase::Running && p.ready == Some(ConditionStatus::True))
        .map(|p| p.count.max(1) as i32)
        .sum()
}

impl CheckedKedaSnapshot {
    /// Both layers' decisions: KEDA's poll at `now` on `currentReplicas`, then (unless
    /// `keda.hpaSync` is false) the HPA's sync at `now` on the replicas KEDA's write left,
    /// reading the External metrics through KEDA's metrics server.
    pub fn decide(&self) -> KedaDecision {
        let snap = &self.snap;
        let keda = &self.keda;
        let mut state = KedaState::new(snap.keda.created_at);
        state.last_active_time = snap.keda.last_active_time;
        state.failures = snap.keda.failures.clone();
        let ready = ready_pods(&snap.pods);
        let target = TargetReplicas {
            current: snap.current_replicas,
            ready,
        };
        // KEDA's poll first: with useCachedMetrics the HPA then reads what it cached.
        let poll = state.poll(keda, snap.now, &self.readings, target);
        let (hpa_reads, hpa) = if snap.keda.hpa_sync {
            // The sync after the poll sees KEDA's write (the simulator's order).
            let current = poll.set_replicas.unwrap_or(snap.current_replicas);
            let target = TargetReplicas { current, ready };
            let reads = if keda.hpa_reads_metrics(current) {
                state.hpa_read(keda, &self.readings, target)
            } else {
                vec![]
            };
            let mut hpa_snapshot = self.hpa_snapshot.clone();
            hpa_snapshot.current_replicas = current;
            hpa_snapshot.externals = externals_map(&reads);
            (reads, Some(crate::core::decide_validated(&hpa_snapshot)))
        } else {
            (vec![], None)
        };
        KedaDecision {
            hpa_name: keda.hpa_name(),
            keda: poll,
            last_active_time: state.last_active_time,
            failures: state.failures,
            hpa_reads,
            hpa,
        }
    }
}
