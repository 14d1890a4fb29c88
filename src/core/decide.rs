//! One sync of one HPA (`reconcileAutoscaler`): short-cuts, metrics, normalization,
//! the scale event, and the conditions the controller sets.

use std::borrow::Cow;
use std::fmt::Write;

use serde::Serialize;

use super::normalize::{self, RateLimit, Stabilization};
use super::replicas::{self, MetricOutcome, Tolerances};
use super::snapshot::{History, InvalidField, Recommendation, Snapshot};
use super::time::Span;

/// What the controller does at one sync.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The replica count the controller leaves the target at (written if it differs).
    pub desired_replicas: i32,
    /// The target's replicas before the sync.
    pub current_replicas: i32,
    /// Whether the controller writes a new scale.
    pub rescale: bool,
    /// Which path ran: "legacy", "behavior", or the short-cut taken.
    pub path: Path,
    /// Each metric's outcome, in spec order.
    pub metrics: Vec<MetricOutcome>,
    /// The largest valid metric proposal, when metrics were read and usable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<i32>,
    /// The stabilized count (before rate limits and min/max).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stabilized: Option<i32>,
    /// Stabilization details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stabilization: Option<Stabilization>,
    /// The rate limit in the direction of travel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The ScalingLimited reason when a bound changed the count, else null.
    pub limited_by: Option<&'static str>,
    /// The conditions set in this sync, in the controller's order.
    pub conditions: Vec<Condition>,
    /// The controller's memory after the sync.
    pub history: History,
}

/// How the sync went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Path {
    /// The target is at 0 replicas and minReplicas is above 0: autoscaling is off.
    ScalingDisabled,
    /// The target is above maxReplicas: set to maxReplicas without reading metrics.
    AboveMax,
    /// The target is below minReplicas: set to minReplicas without reading metrics.
    BelowMin,
    /// No usable proposal: the metrics failed (or one failed on a scale-down).
    MetricsFailed,
    /// No behavior: the legacy normalisation.
    Legacy,
    /// The behavior normalisation.
    Behavior,
}

/// An HPA status condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// AbleToScale, ScalingActive or ScalingLimited.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// "True" or "False".
    pub status: &'static str,
    /// The machine-readable reason.
    pub reason: &'static str,
    /// The controller's message (most are fixed text: borrowed, not built at every sync).
    pub message: Cow<'static, str>,
}

/// `setCondition` on an initially empty list: a type set again keeps its position.
fn set_condition(
    list: &mut Vec<Condition>,
    kind: &'static str,
    status: bool,
    reason: &'static str,
    message: impl Into<Cow<'static, str>>,
) {
    let c = Condition {
        kind,
        status: if status { "True" } else { "False" },
        reason,
        message: message.into(),
    };
    match list.iter_mut().find(|x| x.kind == kind) {
        Some(existing) => *existing = c,
        None => list.push(c),
    }
}

/// How long before `now` the first sync's seed recommendation is stamped: the controller
/// records it at the very start of the sync, a moment before the cutoffs are taken.
const SEED_OFFSET: Span = Span::from_millis(1);

/// The controller's decision on one snapshot (`reconcileAutoscaler`).
///
/// Fails only on input the API server would refuse (see [`Snapshot::validate`]); a
/// snapshot the controller cannot act on still gets a decision with its conditions.
pub fn decide(snap: &Snapshot) -> Result<Decision, InvalidField> {
    snap.validate()?;
    Ok(decide_validated(snap))
}

/// [`decide`] on a snapshot already known to pass [`Snapshot::validate`]: the simulator
/// builds every sync's snapshot from a validated scenario and skips the re-check, which
/// would cost as much as the rest of a small decision. Its recorded snapshots are
/// validated when they are replayed (`tests/it/simulate.rs`).
pub fn decide_validated(snap: &Snapshot) -> Decision {
    decide_validated_reusing(snap, Spare::default())
}

/// The buffers of a decision no longer read, for the next one to fill: a simulator
/// deciding every sync allocates its lists once instead of at each sync. Only their room
/// is kept; what they held is cleared first.
#[derive(Debug, Default)]
pub struct Spare {
    history: History,
    conditions: Vec<Condition>,
    metrics: Vec<MetricOutcome>,
}

impl From<Decision> for Spare {
    /// The lists of `decision`, a decision no longer read.
    fn from(decision: Decision) -> Spare {
        Spare {
            history: decision.history,
            conditions: decision.conditions,
            metrics: decision.metrics,
        }
    }
}

/// [`decide_validated`], filling the lists of `spare` instead of new ones: the same
/// decision.
pub fn decide_validated_reusing(snap: &Snapshot, spare: Spare) -> Decision {
    let Spare {
        history: room,
        mut conditions,
        metrics: mut outcomes,
    } = spare;
    let now = snap.now;
    let current = snap.current_replicas;
    let min = snap.min_replicas();
    let max = snap.hpa.spec.max_replicas;
    let behavior = snap.behavior();
    // A copy with room for what this sync may add (a recommendation, a scale event):
    // it never reallocates.
    let mut history = History {
        recommendations: with_room(&snap.history.recommendations, room.recommendations),
        scale_up_events: with_room(&snap.history.scale_up_events, room.scale_up_events),
        scale_down_events: with_room(&snap.history.scale_down_events, room.scale_down_events),
    };
    conditions.clear();
    conditions.reserve(3);
    set_condition(
        &mut conditions,
        "AbleToScale",
        true,
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale",
    );

    // recordInitialRecommendation: a controller with no memory of this HPA seeds it.
    if history.recommendations.is_empty() {
        history.recommendations.push(Recommendation {
            time: now.minus(SEED_OFFSET),
            replicas: current,
        });
    }

    let mut decision = Decision {
        desired_replicas: current,
        current_replicas: current,
        rescale: false,
        path: Path::ScalingDisabled,
        metrics: vec![],
        proposal: None,
        stabilized: None,
        stabilization: None,
        rate_limit: None,
        limited_by: None,
        conditions: vec![],
        history: History::default(),
    };

    let desired = if current == 0 && min != 0 {
        set_condition(
            &mut conditions,
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        );
        decision.path = Path::ScalingDisabled;
        0
    } else if current > max {
        decision.path = Path::AboveMax;
        max
    } else if current < min {
        decision.path = Path::BelowMin;
        min
    } else {
        // computeReplicasForMetrics.
        let tol = Tolerances::for_snapshot(snap);
        let specs = snap.metric_specs();
        outcomes.clear();
        outcomes.extend(specs.iter().map(|m| replicas::evaluate(snap, m, tol)));
        decision.metrics = outcomes;
        let mut proposal = 0;
        let mut best_metric = None;
        let mut invalid = 0;
        let mut first_invalid = None;
        for (k, m) in decision.metrics.iter().enumerate() {
            match m.proposal {
                Some(p) => {
                    if proposal == 0 || p > proposal {
                        proposal = p;
                        best_metric = Some(k);
                    }
                }
                None => {
                    invalid += 1;
                    first_invalid.get_or_insert(m);
                }
            }
        }
        if invalid >= specs.len() || (invalid > 0 && proposal < current) {
            let failed = first_invalid.expect("at least one metric is invalid");
            set_condition(
                &mut conditions,
                "ScalingActive",
                false,
                failed.reason.unwrap_or("FailedGetResourceMetric"),
                format!(
                    "the HPA was unable to compute the replica count: {}",
                    failed.error.as_deref().unwrap_or_default()
                ),
            );
            decision.path = Path::MetricsFailed;
            decision.conditions = conditions;
            decision.history = history;
            return decision;
        }
        // Written into one buffer of a size that holds the usual names: no regrowth.
        let mut message = String::with_capacity(128);
        message.push_str("the HPA was able to successfully calculate a replica count from ");
        if let Some(k) = best_metric {
            let _ = write!(message, "{}", replicas::ControllerName(&specs[k]));
        }
        set_condition(
            &mut conditions,
            "ScalingActive",
            true,
            "ValidMetricFound",
            message,
        );
        let proposal = proposal.max(0);
        decision.proposal = Some(proposal);
        let normalized = match &behavior {
            None => {
                decision.path = Path::Legacy;
                normalize::legacy(
                    &mut history,
                    now,
                    snap.controller.downscale_stabilization,
                    current,
                    proposal,
                    min,
                    max,
                )
            }
            Some(b) => {
                decision.path = Path::Behavior;
                normalize::with_behavior(&mut history, b, now, current, proposal, min, max)
            }
        };
        set_condition(
            &mut conditions,
            "AbleToScale",
            true,
            normalized.able_reason,
            normalized.able_message,
        );
        let stabilized = normalized.stabilization.result;
        let limited = normalized.desired != stabilized;
        set_condition(
            &mut conditions,
            "ScalingLimited",
            limited,
            normalized.limit_reason,
            normalized.limit_message,
        );
        decision.limited_by = limited.then_some(normalized.limit_reason);
        decision.stabilized = Some(stabilized);
        decision.stabilization = Some(normalized.stabilization);
        decision.rate_limit = normalized.rate_limit;
        normalized.desired
    };

    if desired != current {
        set_condition(
            &mut conditions,
            "AbleToScale",
            true,
            "SucceededRescale",
            format!("the HPA controller was able to update the target scale to {desired}"),
        );
        if let Some(b) = &behavior {
            normalize::store_scale_event(&mut history, b, now, current, desired);
        }
        decision.rescale = true;
        decision.desired_replicas = desired;
    }
    decision.conditions = conditions;
    decision.history = history;
    decision
}

/// A copy of `items` with room for one more, in `room`'s memory.
fn with_room<T: Clone>(items: &[T], mut room: Vec<T>) -> Vec<T> {
    room.clear();
    room.reserve(items.len() + 1);
    room.extend_from_slice(items);
    room
}
