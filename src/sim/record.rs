//! The record of a run: the timeline, the events, the snapshots handed to the core, and
//! the summary. `measure`, `report` and `check` read it; none of them re-run the run.

use serde::Serialize;

use std::collections::BTreeMap;

use crate::core::api::MetricSpec;
use crate::core::{Decision, Quantity, Reading, Snapshot, Time};
use crate::scenario::objectives::Slo;
use crate::scenario::prices::Cost;
use crate::sim::ServingModel;

/// One timeline row (one `--step`): the state at its second and the requests of its
/// step, `[time_s, time_s + span_s)`.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Seconds since the start of the run.
    pub time_s: f64,
    /// The row's instant on the scenario's clock (printed as HH:MM:SS when written).
    pub at: Time,
    /// The mean request rate at this instant.
    pub load_rps: f64,
    /// The Deployment's spec.replicas.
    pub spec: i32,
    /// The last decision's desiredReplicas.
    pub desired: i32,
    /// Ready pods.
    pub ready: usize,
    /// Bound pods not yet Ready (image pull, container start, probes).
    pub starting: usize,
    /// Pods waiting for a node or the scheduler.
    pub pending: usize,
    /// Pods being deleted.
    pub terminating: usize,
    /// Per HPA metric (in the order of [`Record::metric_names`]): the actual value now and
    /// the value the HPA last observed.
    pub metrics: Vec<MetricValues>,
    /// Seconds the row's step covers, from `time_s` on: the step, less for the last row
    /// when the run ends within a step. The rows' steps tile the run.
    pub span_s: f64,
    /// Requests arrived in the step.
    pub arrived: f64,
    /// Requests served in the step.
    pub served: f64,
    /// Requests waiting at the end of the step.
    pub queued: f64,
    /// Requests failed in the step.
    pub failed: f64,
    /// Nodes usable.
    pub nodes: Option<u32>,
}

/// One HPA metric in a timeline row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricValues {
    /// The metric's true value now, in the unit of its target (percent for utilization).
    pub actual: f64,
    /// The value the controller reported at its last sync, as it reports it ("85%",
    /// "1500m"); none before the first sync or when it could not read the metric.
    pub observed: Option<Reading>,
}

impl MetricValues {
    /// The observed value as a number in the metric's unit: a percentage is its number,
    /// a quantity its value; a per-pod target or an unset reading gives none.
    pub fn observed_number(&self) -> Option<f64> {
        match self.observed.as_ref()? {
            Reading::PerPod(_) => None,
            reading => reading.number().filter(|v| v.is_finite()),
        }
    }
}

/// Something that happened.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Event {
    /// A controller sync: the core's full output.
    Decision {
        /// Seconds since the start.
        t: f64,
        /// The decision.
        decision: Box<Decision>,
    },
    /// A pod changed stage.
    Pod {
        /// Seconds since the start.
        t: f64,
        /// The pod.
        pod: String,
        /// Its new stage.
        stage: crate::sim::pods::Stage,
    },
    /// A scheduled action ran.
    Action {
        /// Seconds since the start.
        t: f64,
        /// What it did.
        action: String,
    },
    /// A pass of KEDA's polling loop (a ScaledObject scenario).
    Keda {
        /// Seconds since the start.
        t: f64,
        /// The executor's branch (`RequestScale`).
        action: crate::keda::Action,
        /// spec.replicas before the poll.
        from: i32,
        /// What KEDA wrote to the Deployment, if it wrote.
        #[serde(rename = "setReplicas", skip_serializing_if = "Option::is_none")]
        set_replicas: Option<i32>,
        /// Whether the ScaledObject was active.
        active: bool,
        /// The poll, for a person.
        why: String,
    },
    /// A worker pod's grace period ended with jobs in flight: they went back to the queue.
    JobsAbandoned {
        /// Seconds since the start.
        t: f64,
        /// The pod.
        pod: String,
        /// Jobs abandoned.
        jobs: u32,
    },
    /// The cluster gained a node.
    Node {
        /// Seconds since the start.
        t: f64,
        /// Nodes now.
        nodes: u32,
    },
}

/// What a run hands out as it goes, for a caller that will not hold a long run's events
/// in memory: each event as it happens and, now and then, how far the run has come.
/// A watched run ([`crate::sim::run_watched`]) keeps no events in its record.
pub trait RunWatch {
    /// One event, in the order they happen.
    fn event(&mut self, event: &Event);
    /// The run has simulated `done` of its `total` (every simulated minute, and at the
    /// end): for a progress bar.
    fn progress(&mut self, _done: crate::core::Span, _total: crate::core::Span) {}
}

/// What the charts mark on the time axis, kept whatever happens to the events: the
/// scheduled actions and the syncs that rescaled, in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks {
    /// Each action run: seconds since the start, what it did.
    pub actions: Vec<(f64, String)>,
    /// Each rescale: seconds since the start, replicas before, replicas after.
    pub rescales: Vec<(f64, i32, i32)>,
}

/// A snapshot exactly as the core received it, with the decision it gave.
#[derive(Clone, Debug)]
pub struct RecordedSync {
    /// The sync's second on the scenario clock.
    pub second: i64,
    /// What the core saw.
    pub snapshot: Snapshot,
    /// What it decided.
    pub decision: Decision,
}

/// A stretch of time when fewer pods were Ready than the load needed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Surge {
    /// When Ready pods first fell short, seconds since the start.
    pub start_s: f64,
    /// When enough pods were Ready again (absent: not by the end).
    pub end_s: Option<f64>,
    /// How long that took, seconds.
    pub seconds_to_enough: Option<f64>,
    /// The largest shortfall, pods.
    pub worst_shortfall: i64,
}

/// The figures of a run.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// The seed used.
    pub seed: u64,
    /// Simulated seconds.
    pub duration_s: f64,
    /// Where the run starts on the scenario's clock, seconds from its midnight.
    pub start_s: f64,
    /// Controller syncs.
    pub syncs: usize,
    /// Changes of the Deployment's replicas upwards: HPA syncs that scaled up, and KEDA's
    /// writes that raised them (activation from zero, up to minReplicaCount).
    pub scale_ups: usize,
    /// Changes downwards: HPA syncs that scaled down, and KEDA's writes that lowered them
    /// (to zero or idleReplicaCount).
    pub scale_downs: usize,
    /// Highest spec.replicas.
    pub peak_replicas: i32,
    /// Time-weighted mean of spec.replicas.
    pub mean_replicas: f64,
    /// Highest number of Ready pods.
    pub peak_ready: usize,
    /// Time-weighted mean of Ready pods.
    pub mean_ready: f64,
    /// Pod-hours paid: from binding to a node until the end of termination.
    pub pod_hours: f64,
    /// Requests that arrived.
    pub requests: f64,
    /// Requests that failed.
    pub failed_requests: f64,
    /// Failed over arrived.
    pub failed_fraction: f64,
    /// The longest queue, requests.
    pub peak_queue: f64,
    /// Request-seconds spent waiting in the queue.
    pub queued_request_seconds: f64,
    /// Pods created.
    pub pods_created: usize,
    /// Each stretch of too few Ready pods: the load needed more at the HPA's target.
    /// A shortfall already there at the run's first second is not one of them.
    pub surges: Vec<Surge>,
    /// The shortfall the run started with (its initial pods too few for the load at its
    /// first second), until enough pods were Ready: the scenario's start, not a surge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_at_start: Option<Surge>,
}

/// One of KEDA's polls as a ScaledObject snapshot (docs/keda-snapshot.md), its
/// `decision` the one the run took.
#[derive(Clone, Debug)]
pub struct RecordedPoll {
    /// The poll's second on the scenario clock.
    pub second: i64,
    /// What KEDA (and the HPA sync of the same second) saw, and decided.
    pub snapshot: crate::keda::KedaSnapshot,
}

/// One simulated second, as the measurement layer reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SecondFigures {
    /// Requests that arrived.
    pub arrivals: f64,
    /// Requests that failed.
    pub failed: f64,
    /// Requests waiting at the end of the second.
    pub queued: f64,
    /// Requests per second the serving pods could serve at most (warm-up included).
    pub capacity_rps: f64,
    /// Pods serving (Ready, application up).
    pub serving: u32,
    /// Ready pods.
    pub ready: u32,
    /// Pods paid for: bound to a node, until the end of their termination.
    pub paid: u32,
    /// Pods the load needed at the HPA's target (the surge yardstick), not rounded.
    pub demand_pods: f64,
}

/// The HPA's limits and metric targets from a moment of the run on: the run's start, then
/// each patch of the HPA.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaEpoch {
    /// From when, seconds since the start of the run.
    pub from_s: f64,
    /// minReplicas (1 when unset).
    pub min_replicas: i32,
    /// maxReplicas.
    pub max_replicas: i32,
    /// Each timeline metric's target (in the order of [`Record::metric_names`]) as a
    /// number in the metric's unit (percent for utilization); none when the HPA no longer
    /// has that metric.
    pub targets: Vec<Option<f64>>,
}

/// What the run was set up with that later layers judge it by: the serving model the
/// pods served with, the pod's requests, and the scenario's objectives and prices.
#[derive(Clone, Debug)]
pub struct RunSetting {
    /// How a pod serves (capacity, CPU per request).
    pub serving: ServingModel,
    /// `workload.pod.concurrency`: requests one pod works on at once, when set.
    pub concurrency: Option<u32>,
    /// The pod's resource requests.
    pub requests: BTreeMap<String, Quantity>,
    /// The objectives, when the scenario declares them.
    pub slo: Option<Slo>,
    /// The prices, when the scenario sets them.
    pub cost: Option<Cost>,
}

impl RunSetting {
    /// What a run of `sc` is set up with (known before it runs: `sweep` names the
    /// figures a run will have from it).
    pub fn for_scenario(sc: &crate::scenario::Scenario) -> RunSetting {
        let file = &sc.file;
        let worker = file.workload.worker.as_ref();
        RunSetting {
            serving: super::ServingModel::for_scenario(sc),
            concurrency: (file.workload.pod.concurrency).or(worker.map(|w| w.concurrency)),
            requests: sc.pod.requests.clone(),
            slo: file.slo.clone(),
            cost: file.cost.clone(),
        }
    }
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct Record {
    /// One row per step.
    pub timeline: Vec<Row>,
    /// Every second's figures, whatever the step.
    pub seconds: Vec<SecondFigures>,
    /// Column names of the per-metric values.
    pub metric_names: Vec<String>,
    /// The HPA's metrics at the start, which the names are of.
    pub metric_specs: Vec<MetricSpec>,
    /// The HPA's limits and targets over the run, oldest first.
    pub hpa_epochs: Vec<HpaEpoch>,
    /// What the run was set up with.
    pub setting: RunSetting,
    /// What happened, in order (none when the run was watched: its watch took them).
    pub events: Vec<Event>,
    /// The actions and rescales, for the charts: kept even when the events are not.
    pub marks: Marks,
    /// Each sync's snapshot and decision (kept when asked for).
    pub syncs: Vec<RecordedSync>,
    /// Each KEDA poll as a ScaledObject snapshot (kept when asked for).
    pub keda_polls: Vec<RecordedPoll>,
    /// The figures.
    pub summary: Summary,
    /// A worker's jobs (`workload.worker`); none for a server.
    pub jobs: Option<crate::sim::JobRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Quantity;

    #[test]
    fn an_observed_reading_is_the_number_the_controller_printed() {
        let q = |s: &str| Reading::Quantity(Quantity::parse(s).expect("a quantity"));
        // (reading, its number): what parsing the printed reading back gives.
        for (reading, want) in [
            (Reading::Percent(85), Some(85.0)),
            (q("1500m"), Some(1.5)),
            (q("2k"), Some(2000.0)),
            (q("53360m"), Some(53.36)),
            (q("1Mi"), Some(1_048_576.0)),
            (Reading::Quantity(Quantity::from_milli(53_360)), Some(53.36)),
            (
                Reading::Quantity(Quantity::from_milli(2_000_000)),
                Some(2000.0),
            ),
            (Reading::PerPod(Quantity::from_milli(5000)), None),
            (Reading::Unset, None),
        ] {
            let m = MetricValues {
                actual: 0.0,
                observed: Some(reading.clone()),
            };
            assert_eq!(m.observed_number(), want, "{reading}");
            if let Reading::Quantity(_) = reading {
                let printed = Quantity::parse(&reading.to_string()).expect("prints a quantity");
                assert_eq!(Some(printed.approximate_f64()), want, "{reading} printed");
            }
        }
        let none = MetricValues {
            actual: 0.0,
            observed: None,
        };
        assert_eq!(none.observed_number(), None);
    }
}
