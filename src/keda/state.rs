//! KEDA's loop for one ScaledObject as a pure state machine: the polling pass
//! (`pkg/scaling/scale_handler.go` `checkScalers` → `getScaledObjectState` →
//! `pkg/scaling/executor/scale_scaledobjects.go` `RequestScale`) and the External
//! metric reads the HPA makes through KEDA's metrics server (`GetScaledObjectMetrics`),
//! both through `pkg/fallback/fallback.go` `GetMetricsWithFallback`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api::FallbackBehavior;
use super::compile::{ExternalTrigger, Keda, quantity_from_f64};
use crate::core::api::TargetType;
use crate::core::{Quantity, Span, Time};

/// What one query of a trigger's source returned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    /// The value (a Prometheus query's result, a queue's depth).
    Value(f64),
    /// The query failed (the source is down or answered an error).
    Failed,
}

/// The scale target as KEDA reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetReplicas {
    /// `spec.replicas` of the scale subresource (`resolver.GetCurrentReplicas`).
    pub current: i32,
    /// Running and Ready pods (`getReadyReplicasCount`, fallback.go:210): used only by a
    /// fallback on a `Value` metric.
    pub ready: i32,
}

/// What the executor did at one poll, named for the branch of `RequestScale` taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Active at 0 (or idle below min): scaled to max(minReplicaCount, 1) (`scaleFromZeroOrIdle`).
    Activated,
    /// Active above 0: only lastActiveTime refreshed; the HPA scales.
    KeptActive,
    /// Active, but a trigger failed: nothing done, lastActiveTime not refreshed.
    PartialTriggerError,
    /// Activation wanted but `paused-scale-out` is set.
    ScaleOutPaused,
    /// Inactive with a failing trigger and `fallback.replicas` not 0: kept for the fallback.
    HeldForFallback,
    /// Inactive with a failing trigger and no fallback: nothing done.
    TriggerError,
    /// Inactive, cooldown not over yet (`ScalerCooldown`).
    CoolingDown,
    /// Inactive past the cooldown: set directly to idleReplicaCount or minReplicaCount (0).
    Deactivated,
    /// Deactivation wanted but `paused-scale-in` is set.
    ScaleInPaused,
    /// Inactive below minReplicaCount: raised to it.
    RaisedToMin,
    /// Inactive and nothing to do (already at zero or idle).
    NoChange,
}

/// The outcome of one poll.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Poll {
    /// The replicas KEDA writes to the scale target, if it writes.
    pub set_replicas: Option<i32>,
    /// Whether the ScaledObject is active (any trigger above its activation threshold,
    /// a fallback serving, or only cpu/memory triggers).
    pub active: bool,
    /// Whether a trigger failed without a fallback value.
    pub error: bool,
    /// Whether a fallback value was served for some trigger.
    pub fallback_active: bool,
    /// The executor's branch.
    pub action: Action,
    /// One line for a person: "KEDA: inactive for 240 s of 300 s cooldown".
    pub why: String,
}

/// What the HPA reads for one External metric at one of its syncs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaRead {
    /// The metric's name (`s0-prometheus`).
    pub metric: String,
    /// The value, or `None` when KEDA's metrics server answers an error.
    pub value: Option<Quantity>,
    /// The value is the fallback's, not the source's.
    pub fallback: bool,
}

/// The HPA's `externals` from its reads: a failed read is left out, which the core reads
/// as "no metrics returned".
pub fn externals_map(reads: &[HpaRead]) -> BTreeMap<String, Vec<Quantity>> {
    reads
        .iter()
        .filter_map(|r| r.value.clone().map(|v| (r.metric.clone(), vec![v])))
        .collect()
}

/// What KEDA keeps between polls for one ScaledObject (its `status` and its metrics cache).
///
/// How a simulator drives it, for a ScaledObject compiled once with [`Keda::compile`]:
/// - at creation `c`: `KedaState::new(c)`; the HPA is [`Keda::hpa`];
/// - at `c`, `c + pollingInterval`, ... ([`KedaState::next_poll`]): [`KedaState::poll`]
///   with each External trigger's reading at that instant (in [`Keda::externals`]
///   order) and the target's replicas; write `set_replicas` to the target when `Some`;
/// - at each HPA sync, when [`Keda::hpa_reads_metrics`] holds for the current replicas:
///   [`KedaState::hpa_read`] with the readings at that instant, and
///   [`externals_map`] of the result as the core snapshot's `externals`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KedaState {
    /// The ScaledObject's creationTimestamp.
    pub created_at: Time,
    /// `status.lastActiveTime`; `None` until a poll finds it active.
    pub last_active_time: Option<Time>,
    /// `status.health[metric].numberOfFailures` (kept only when a fallback is configured).
    pub failures: BTreeMap<String, i32>,
    /// The metrics cache of the last poll (`useCachedMetrics` triggers): the value, or
    /// `None` for an error.
    #[serde(skip)]
    cache: BTreeMap<String, Option<Quantity>>,
}

/// One trigger's state after a read with the fallback applied (`GetMetricsWithFallback`).
struct Served {
    value: Option<Quantity>,
    fallback: bool,
}

impl KedaState {
    /// A ScaledObject created at `created_at`: never active, no failures.
    pub fn new(created_at: Time) -> KedaState {
        KedaState {
            created_at,
            last_active_time: None,
            failures: BTreeMap::new(),
            cache: BTreeMap::new(),
        }
    }

    /// `GetMetricsWithFallback` (fallback.go:114) for one metric: success resets the
    /// failure count; a failure counts one, and past `failureThreshold` (strictly
    /// greater, fallback.go:144) serves target × replicas (`doFallback`, :242).
    fn serve(
        &mut self,
        keda: &Keda,
        trigger: &ExternalTrigger,
        raw: Option<Quantity>,
        target: TargetReplicas,
    ) -> Served {
        let Some(fallback) = &keda.fallback else {
            return Served {
                value: raw,
                fallback: false,
            };
        };
        if raw.is_some() {
            self.failures.insert(trigger.metric_name.clone(), 0);
            return Served {
                value: raw,
                fallback: false,
            };
        }
        let failures = self
            .failures
            .entry(trigger.metric_name.clone())
            .or_insert(0);
        *failures = failures.saturating_add(1);
        if *failures <= fallback.failure_threshold {
            return Served {
                value: None,
                fallback: false,
            };
        }
        let fixed = i64::from(fallback.replicas);
        let current = i64::from(target.current);
        let mut replicas = match fallback.behavior.unwrap_or(FallbackBehavior::Static) {
            FallbackBehavior::CurrentReplicas => current as f64,
            FallbackBehavior::CurrentReplicasIfHigher => current.max(fixed) as f64,
            FallbackBehavior::CurrentReplicasIfLower => current.min(fixed) as f64,
            FallbackBehavior::Static | FallbackBehavior::ScalingModifiers => fixed as f64,
        };
        if trigger.target_type == TargetType::Value {
            // fallback.go:274-285: a Value target is a total, divided by the ready pods;
            // none ready is an error ("error performing fallback").
            if target.ready == 0 {
                return Served {
                    value: None,
                    fallback: false,
                };
            }
            replicas /= f64::from(target.ready);
        }
        let normalisation = trigger.target.approximate_f64();
        // resource.NewMilliQuantity(int64(normalisationValue*1000*replicas)): Go's
        // conversion truncates toward zero, as `as` does.
        let milli = (normalisation * 1000.0 * replicas) as i64;
        Served {
            value: Some(Quantity::from_milli(milli)),
            fallback: true,
        }
    }

    /// One pass of KEDA's polling loop at `now` (every `pollingInterval` from the
    /// ScaledObject's creation; `startScaleLoop`, scale_handler.go:268): reads every
    /// External trigger (`readings`, one per [`Keda::externals`] in order), decides
    /// activity (`getScaledObjectState`, :893) and acts (`RequestScale`,
    /// scale_scaledobjects.go:37). The caller writes `set_replicas` to the target.
    pub fn poll(
        &mut self,
        keda: &Keda,
        now: Time,
        readings: &[Reading],
        target: TargetReplicas,
    ) -> Poll {
        let mut active = false;
        let mut error = false;
        let mut fallback_active = false;
        let mut active_metrics = Vec::new();
        for (trigger, reading) in keda.externals.iter().zip(readings) {
            // getScalerState (scale_handler.go:1016): the scaler is queried live.
            let raw = match *reading {
                Reading::Value(v) => Some(quantity_from_f64(v)),
                Reading::Failed => None,
            };
            // prometheus_scaler.go:319: active when val > activationThreshold (strict).
            let metric_active =
                matches!(*reading, Reading::Value(v) if v > trigger.activation_threshold);
            let served = self.serve(keda, trigger, raw, target);
            if trigger.use_cached_metrics {
                self.cache
                    .insert(trigger.metric_name.clone(), served.value.clone());
            }
            fallback_active |= served.fallback;
            if served.value.is_none() {
                error = true;
            } else if served.fallback || metric_active {
                // scale_handler.go:1089: a fallback serving counts as active.
                active = true;
                active_metrics.push(trigger.metric_name.as_str());
            }
        }
        // scale_handler.go:1006: only cpu/memory triggers → always active.
        if keda.trigger_count <= keda.cpu_memory_count && !error {
            active = true;
        }
        let (set_replicas, action) = self.request_scale(keda, now, active, error, target.current);
        let why = self.explain(
            keda,
            now,
            action,
            set_replicas,
            target.current,
            &active_metrics,
        );
        Poll {
            set_replicas,
            active,
            error,
            fallback_active,
            action,
            why,
        }
    }

    /// `RequestScale` (scale_scaledobjects.go:37-118) after the pause check.
    fn request_scale(
        &mut self,
        keda: &Keda,
        now: Time,
        active: bool,
        error: bool,
        current: i32,
    ) -> (Option<i32>, Action) {
        // :58-61: an absent minReplicaCount is 0 here (the HPA's is 1).
        let min = keda.min_replica_count.unwrap_or(0);
        let idle = keda.idle_replica_count;
        if active || keda.force_activation {
            if (idle.is_some() && current < min) || current == 0 {
                // scaleFromZeroOrIdle (:240).
                if keda.pause_scale_out {
                    return (None, Action::ScaleOutPaused);
                }
                self.last_active_time = Some(status_time(now));
                return (Some(min.max(1)), Action::Activated);
            }
            if error {
                return (None, Action::PartialTriggerError);
            }
            self.last_active_time = Some(status_time(now));
            return (None, Action::KeptActive);
        }
        let fallback_replicas = keda.fallback.as_ref().map(|f| f.replicas);
        if error && fallback_replicas.is_some_and(|r| r != 0) {
            return (None, Action::HeldForFallback);
        }
        if error && fallback_replicas.is_none() {
            return (None, Action::TriggerError);
        }
        if idle.is_some_and(|i| current > i) || (current > 0 && min == 0) {
            // scaleToZeroOrIdle (:189).
            if keda.pause_scale_in {
                return (None, Action::ScaleInPaused);
            }
            // :212-213: time.Before is strict, so exactly at the end of the cooldown
            // KEDA still waits.
            let over = match self.last_active_time {
                None => self.created_at.plus(keda.initial_cooldown_period) < now,
                Some(last) => last.plus(keda.cooldown_period) < now,
            };
            if !over {
                return (None, Action::CoolingDown);
            }
            // getIdleOrMinimumReplicaCount (:321).
            let to = idle.or(keda.min_replica_count).unwrap_or(0);
            return (Some(to), Action::Deactivated);
        }
        if idle.is_none() && current < min {
            return (Some(min), Action::RaisedToMin);
        }
        (None, Action::NoChange)
    }

    fn explain(
        &self,
        keda: &Keda,
        now: Time,
        action: Action,
        set: Option<i32>,
        current: i32,
        active_metrics: &[&str],
    ) -> String {
        let secs = |s: Span| s.as_millis() as f64 / 1000.0;
        let since = |t: Time| secs(Span::from_millis(now.as_millis() - t.as_millis()));
        let cooldown = match self.last_active_time {
            Some(last) => format!(
                "inactive for {} s of {} s cooldown",
                since(last),
                secs(keda.cooldown_period)
            ),
            None => format!(
                "never active; {} s since creation of {} s initial cooldown",
                since(self.created_at),
                secs(keda.initial_cooldown_period)
            ),
        };
        let to = set.map(|s| format!("{current} -> {s}")).unwrap_or_default();
        let which = if active_metrics.is_empty() {
            "only cpu/memory triggers, or forced".to_string()
        } else {
            active_metrics.join(", ")
        };
        let text = match action {
            Action::Activated => {
                format!("active ({which}); activated {to} (max(minReplicaCount, 1))")
            }
            Action::KeptActive => format!("active ({which}); the HPA scales"),
            Action::PartialTriggerError => {
                "active, but a trigger failed: no change, lastActiveTime not refreshed".into()
            }
            Action::ScaleOutPaused => "active at 0, but scale-out is paused by annotation".into(),
            Action::HeldForFallback => {
                "inactive with a failing trigger: kept for the fallback".into()
            }
            Action::TriggerError => {
                "inactive with a failing trigger and no fallback: no change".into()
            }
            Action::CoolingDown => cooldown,
            Action::Deactivated => format!("{cooldown}: over; deactivated {to}"),
            Action::ScaleInPaused => format!("{cooldown}; scale-in is paused by annotation"),
            Action::RaisedToMin => format!("inactive below minReplicaCount: raised {to}"),
            Action::NoChange => format!("inactive at {current}: no change"),
        };
        format!("KEDA: {text}")
    }

    /// The HPA's read of every External metric at one of its syncs, through KEDA's metrics
    /// server (`GetScaledObjectMetrics`, scale_handler.go:677): a live query (counting a
    /// failure towards the fallback, as the poll does) or, for `useCachedMetrics`, the
    /// last poll's record (:774). Call it only when [`Keda::hpa_reads_metrics`] holds.
    pub fn hpa_read(
        &mut self,
        keda: &Keda,
        readings: &[Reading],
        target: TargetReplicas,
    ) -> Vec<HpaRead> {
        let mut out = Vec::with_capacity(keda.externals.len());
        for (trigger, reading) in keda.externals.iter().zip(readings) {
            let cached = trigger
                .use_cached_metrics
                .then(|| self.cache.get(&trigger.metric_name).cloned())
                .flatten();
            let raw = match cached {
                Some(record) => record,
                None => match *reading {
                    Reading::Value(v) => Some(quantity_from_f64(v)),
                    Reading::Failed => None,
                },
            };
            let served = self.serve(keda, trigger, raw, target);
            out.push(HpaRead {
                metric: trigger.metric_name.clone(),
                value: served.value,
                fallback: served.fallback,
            });
        }
        out
    }

    /// The next poll time after `last`: KEDA polls every `pollingInterval`.
    pub fn next_poll(keda: &Keda, last: Time) -> Time {
        last.plus(keda.polling_interval)
    }
}

/// `status.lastActiveTime` is a `metav1.Time`, stored with whole seconds (RFC 3339), and
/// the next poll reads it back from the API: the fraction is dropped.
fn status_time(now: Time) -> Time {
    Time::from_millis(now.as_millis().div_euclid(1000) * 1000)
}
