//! From the metrics' proposal to the replica count written: stabilization, rate limits,
//! min/max, and the controller's memory of recommendations and scale events.
//!
//! Two paths, as in `pkg/controller/podautoscaler/horizontal.go`: the legacy one for an
//! HPA without `behavior` (`normalizeDesiredReplicas`) and the behavior one
//! (`normalizeDesiredReplicasWithBehaviors`). Time comparisons keep Go's strictness.

use serde::Serialize;

use super::api::{PolicyType, SelectPolicy};
use super::snapshot::{History, Recommendation, ResolvedBehavior, Rules, ScaleEvent};
use super::time::{Span, Time};

/// The legacy scale-up cap: `scaleUpLimitFactor` and `scaleUpLimitMinimum`.
const SCALE_UP_LIMIT_FACTOR: f64 = 2.0;
const SCALE_UP_LIMIT_MINIMUM: f64 = 4.0;

/// What stabilization did.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stabilization {
    /// The scale-up window in seconds (behavior path only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_window_seconds: Option<i64>,
    /// The scale-down window in seconds.
    pub down_window_seconds: i64,
    /// The lowest recommendation in the scale-up window (behavior path only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_recommendation: Option<i32>,
    /// The highest recommendation in the scale-down window.
    pub down_recommendation: i32,
    /// The stabilized count.
    pub result: i32,
}

/// One policy's bound on this sync's rescale.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyBound {
    /// Pods or Percent.
    #[serde(rename = "type")]
    pub kind: PolicyType,
    /// The policy's value.
    pub value: i32,
    /// The policy's period.
    pub period_seconds: i32,
    /// Replicas at the period's start: current − added + removed within the period.
    pub period_start: i32,
    /// The count the policy allows.
    pub allows: i32,
}

/// The rate limit applied in the direction of travel.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// "up" or "down".
    pub direction: &'static str,
    /// How the policies were combined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// Each policy's bound (behavior path).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyBound>,
    /// The bound after combining (and after keeping it from passing current).
    pub limit: i32,
}

/// The outcome of normalization.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalized {
    /// The replica count to write.
    pub desired: i32,
    /// The stabilized count.
    pub stabilization: Stabilization,
    /// AbleToScale reason and message.
    pub able_reason: &'static str,
    pub able_message: &'static str,
    /// ScalingLimited reason and message; limited when `desired != stabilized`.
    pub limit_reason: &'static str,
    pub limit_message: &'static str,
    /// The rate limit in the direction of travel, if one applied.
    pub rate_limit: Option<RateLimit>,
}

const MSG_WITHIN: &str = "the desired count is within the acceptable range";
const MSG_TOO_MANY: &str = "the desired replica count is more than the maximum replica count";
const MSG_TOO_FEW: &str = "the desired replica count is less than the minimum replica count";
const MSG_UP_LIMIT: &str =
    "the desired replica count is increasing faster than the maximum scale rate";
const MSG_DOWN_LIMIT: &str =
    "the desired replica count is decreasing faster than the maximum scale rate";
const MSG_READY: &str = "recommended size matches current size";
const MSG_DOWN_STABILIZED: &str = "recent recommendations were higher than current one, applying the highest recent recommendation";
const MSG_UP_STABILIZED: &str =
    "recent recommendations were lower than current one, applying the lowest recent recommendation";

/// Replaces the entry at `index` or appends: how both stabilizers store a proposal.
fn store(recs: &mut Vec<Recommendation>, index: Option<usize>, rec: Recommendation) {
    match index {
        Some(i) => recs[i] = rec,
        None => recs.push(rec),
    }
}

/// `normalizeDesiredReplicas`: the path for an HPA without behavior.
pub fn legacy(
    history: &mut History,
    now: Time,
    window: Span,
    current: i32,
    proposal: i32,
    min: i32,
    max: i32,
) -> Normalized {
    // stabilizeRecommendation: the highest recommendation not before the cutoff.
    let cutoff = now.minus(window);
    let mut highest = proposal;
    let mut old = None;
    for (i, rec) in history.recommendations.iter().enumerate() {
        if rec.time < cutoff {
            old = Some(i);
        } else if rec.replicas > highest {
            highest = rec.replicas;
        }
    }
    store(
        &mut history.recommendations,
        old,
        Recommendation {
            time: now,
            replicas: proposal,
        },
    );
    let stabilized = highest;
    let (able_reason, able_message) = if stabilized != proposal {
        ("ScaleDownStabilized", MSG_DOWN_STABILIZED)
    } else {
        ("ReadyForNewScale", MSG_READY)
    };

    // convertDesiredReplicasWithRules with calculateScaleUpLimit.
    let cap = (SCALE_UP_LIMIT_FACTOR * current as f64).max(SCALE_UP_LIMIT_MINIMUM) as i32;
    let (upper, upper_reason, upper_message) = if max > cap {
        (cap, "ScaleUpLimit", MSG_UP_LIMIT)
    } else {
        (max, "TooManyReplicas", MSG_TOO_MANY)
    };
    let (desired, limit_reason, limit_message) = if stabilized < min {
        (min, "TooFewReplicas", MSG_TOO_FEW)
    } else if stabilized > upper {
        (upper, upper_reason, upper_message)
    } else {
        (stabilized, "DesiredWithinRange", MSG_WITHIN)
    };
    let rate_limit = (stabilized > current).then_some(RateLimit {
        direction: "up",
        select_policy: None,
        policies: vec![],
        limit: cap,
    });
    Normalized {
        desired,
        stabilization: Stabilization {
            up_window_seconds: None,
            down_window_seconds: window.whole_secs(),
            up_recommendation: None,
            down_recommendation: highest,
            result: stabilized,
        },
        able_reason,
        able_message,
        limit_reason: if desired == stabilized {
            "DesiredWithinRange"
        } else {
            limit_reason
        },
        limit_message: if desired == stabilized {
            MSG_WITHIN
        } else {
            limit_message
        },
        rate_limit,
    }
}

/// `normalizeDesiredReplicasWithBehaviors`.
pub fn with_behavior(
    history: &mut History,
    behavior: &ResolvedBehavior,
    now: Time,
    current: i32,
    proposal: i32,
    min: i32,
    max: i32,
) -> Normalized {
    // stabilizeRecommendationWithBehaviors: clamp current into [lowest recent, highest
    // recent], each over its own window, counting entries strictly after the cutoff.
    let up_window = behavior.scale_up.stabilization_window_seconds;
    let down_window = behavior.scale_down.stabilization_window_seconds;
    let up_cutoff = now.minus(Span::from_secs(up_window));
    let down_cutoff = now.minus(Span::from_secs(down_window));
    let (mut up_rec, mut down_rec) = (proposal, proposal);
    let mut old = None;
    for (i, rec) in history.recommendations.iter().enumerate() {
        if rec.time > up_cutoff {
            up_rec = up_rec.min(rec.replicas);
        }
        if rec.time > down_cutoff {
            down_rec = down_rec.max(rec.replicas);
        }
        if rec.time < up_cutoff && rec.time < down_cutoff {
            old = Some(i);
        }
    }
    let stabilized = current.max(up_rec).min(down_rec);
    store(
        &mut history.recommendations,
        old,
        Recommendation {
            time: now,
            replicas: proposal,
        },
    );
    let (able_reason, able_message) = if stabilized == proposal {
        ("ReadyForNewScale", MSG_READY)
    } else if proposal >= current {
        ("ScaleUpStabilized", MSG_UP_STABILIZED)
    } else {
        ("ScaleDownStabilized", MSG_DOWN_STABILIZED)
    };

    // convertDesiredReplicasWithBehaviorRate.
    let (mut desired, mut limit_reason, mut limit_message) =
        (stabilized, "DesiredWithinRange", MSG_WITHIN);
    let mut rate_limit = None;
    if stabilized > current {
        let (limit, policies) = scale_up_limit(history, now, current, &behavior.scale_up);
        let limit = limit.max(current);
        let (bound, reason, message) = if max > limit {
            (limit, "ScaleUpLimit", MSG_UP_LIMIT)
        } else {
            (max, "TooManyReplicas", MSG_TOO_MANY)
        };
        if stabilized > bound {
            (desired, limit_reason, limit_message) = (bound, reason, message);
        }
        rate_limit = Some(RateLimit {
            direction: "up",
            select_policy: Some(behavior.scale_up.select_policy),
            policies,
            limit,
        });
    } else if stabilized < current {
        let (limit, policies) = scale_down_limit(history, now, current, &behavior.scale_down);
        let limit = limit.min(current);
        let (bound, reason, message) = if min < limit {
            (limit, "ScaleDownLimit", MSG_DOWN_LIMIT)
        } else {
            (min, "TooFewReplicas", MSG_TOO_FEW)
        };
        if stabilized < bound {
            (desired, limit_reason, limit_message) = (bound, reason, message);
        }
        rate_limit = Some(RateLimit {
            direction: "down",
            select_policy: Some(behavior.scale_down.select_policy),
            policies,
            limit,
        });
    }
    Normalized {
        desired,
        stabilization: Stabilization {
            up_window_seconds: Some(up_window),
            down_window_seconds: down_window,
            up_recommendation: Some(up_rec),
            down_recommendation: down_rec,
            result: stabilized,
        },
        able_reason,
        able_message,
        limit_reason,
        limit_message,
        rate_limit,
    }
}

/// `getReplicasChangePerPeriod`: the changes of events strictly after now − period.
fn change_in_period(events: &[ScaleEvent], now: Time, period_seconds: i32) -> i32 {
    let cutoff = now.minus(Span::from_secs(period_seconds.into()));
    events
        .iter()
        .filter(|e| e.time > cutoff)
        .fold(0i32, |sum, e| sum.wrapping_add(e.change))
}

/// Replicas at the start of a policy's period: both event lists count for both directions.
fn period_start(history: &History, now: Time, current: i32, period_seconds: i32) -> i32 {
    let added = change_in_period(&history.scale_up_events, now, period_seconds);
    let removed = change_in_period(&history.scale_down_events, now, period_seconds);
    current.wrapping_sub(added).wrapping_add(removed)
}

/// `calculateScaleUpLimitWithScalingRules`.
fn scale_up_limit(
    history: &History,
    now: Time,
    current: i32,
    rules: &Rules,
) -> (i32, Vec<PolicyBound>) {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select_policy {
        SelectPolicy::Disabled => return (current, vec![]),
        SelectPolicy::Min => (i32::MAX, std::cmp::min),
        SelectPolicy::Max => (i32::MIN, std::cmp::max),
    };
    let mut bounds = vec![];
    for p in rules.policies {
        let start = period_start(history, now, current, p.period_seconds);
        let allows = match p.kind {
            PolicyType::Pods => start.wrapping_add(p.value),
            // Rounded up, or a small percentage would never add a pod.
            PolicyType::Percent => (start as f64 * (1.0 + p.value as f64 / 100.0)).ceil() as i32,
        };
        result = pick(result, allows);
        bounds.push(PolicyBound {
            kind: p.kind,
            value: p.value,
            period_seconds: p.period_seconds,
            period_start: start,
            allows,
        });
    }
    (result, bounds)
}

/// `calculateScaleDownLimitWithBehaviors`: Max means the largest change, the lowest bound.
fn scale_down_limit(
    history: &History,
    now: Time,
    current: i32,
    rules: &Rules,
) -> (i32, Vec<PolicyBound>) {
    let (mut result, pick): (i32, fn(i32, i32) -> i32) = match rules.select_policy {
        SelectPolicy::Disabled => return (current, vec![]),
        SelectPolicy::Min => (i32::MIN, std::cmp::max),
        SelectPolicy::Max => (i32::MAX, std::cmp::min),
    };
    let mut bounds = vec![];
    for p in rules.policies {
        let start = period_start(history, now, current, p.period_seconds);
        let allows = match p.kind {
            PolicyType::Pods => start.wrapping_sub(p.value),
            // Truncated toward zero.
            PolicyType::Percent => (start as f64 * (1.0 - p.value as f64 / 100.0)) as i32,
        };
        result = pick(result, allows);
        bounds.push(PolicyBound {
            kind: p.kind,
            value: p.value,
            period_seconds: p.period_seconds,
            period_start: start,
            allows,
        });
    }
    (result, bounds)
}

/// `storeScaleEvent` with `markScaleEventsOutdated` and `getLongestPolicyPeriod`: the new
/// event overwrites the last event older than the direction's longest period, or is appended.
pub fn store_scale_event(
    history: &mut History,
    behavior: &ResolvedBehavior,
    now: Time,
    previous: i32,
    new: i32,
) {
    let (events, rules, change) = if new > previous {
        (
            &mut history.scale_up_events,
            &behavior.scale_up,
            new - previous,
        )
    } else {
        (
            &mut history.scale_down_events,
            &behavior.scale_down,
            previous - new,
        )
    };
    let longest = rules
        .policies
        .iter()
        .map(|p| p.period_seconds)
        .max()
        .unwrap_or(0)
        .max(0);
    let cutoff = now.minus(Span::from_secs(longest.into()));
    let outdated = events.iter().rposition(|e| e.time < cutoff);
    let event = ScaleEvent { time: now, change };
    match outdated {
        Some(i) => events[i] = event,
        None => events.push(event),
    }
}
