//! Observation: what the run shows of itself. The timeline's rows, the surges (stretches
//! of too few Ready pods for the load), the running totals and the summary. It reads the
//! simulation's state and changes none of it.

use super::engine::Sim;
use super::pods::{Pod, Stage};
use super::record::{HpaEpoch, MetricValues, Row, RunSetting, Summary, Surge};
use super::serving::Second;
use crate::core::api::{MetricSourceType, MetricSpec, TargetType};
use crate::core::{Quantity, Time};
use crate::scenario::model::MetricSourceKind;

/// Requests of the current timeline step.
#[derive(Default)]
pub(super) struct StepTotals {
    pub(super) arrived: f64,
    pub(super) served: f64,
    pub(super) failed: f64,
}

impl StepTotals {
    pub(super) fn add(&mut self, arrived: f64, served: f64, failed: f64) {
        self.arrived += arrived;
        self.served += served;
        self.failed += failed;
    }

    /// The row opened at its second, closed at `end` with these requests and `queued`
    /// waiting at the end of its last second.
    pub(super) fn close(&self, mut row: Row, queued: f64, end: Time) -> Row {
        row.span_s = end.as_millis().saturating_sub(row.at.as_millis()) as f64 / 1000.0;
        row.arrived = self.arrived;
        row.served = self.served;
        row.failed = self.failed;
        row.queued = queued;
        row
    }
}

/// The run's totals so far, for the summary.
#[derive(Default)]
pub(super) struct RunTotals {
    pub(super) syncs: usize,
    pub(super) scale_ups: usize,
    pub(super) scale_downs: usize,
    requests: f64,
    failed: f64,
    peak_queue: f64,
    queued_request_seconds: f64,
    replica_seconds: f64,
    ready_seconds: f64,
    peak_replicas: i32,
    peak_ready: usize,
}

impl RunTotals {
    /// A second served with `spec` replicas asked for and `ready` Ready.
    pub(super) fn add_second(&mut self, arrivals: f64, second: &Second, spec: i32, ready: i64) {
        self.requests += arrivals;
        self.failed += second.failed;
        self.peak_queue = self.peak_queue.max(second.queued);
        self.queued_request_seconds += second.queued;
        self.replica_seconds += spec as f64;
        self.ready_seconds += ready as f64;
        self.peak_replicas = self.peak_replicas.max(spec);
        self.peak_ready = self.peak_ready.max(ready as usize);
    }
}

/// Surges: a surge opens at the first second with fewer Ready pods than the load needs
/// and closes at the first second with enough. A shortfall the run starts with is not a
/// surge (the load did not rise; the scenario began short): it is kept apart.
#[derive(Default)]
pub(super) struct SurgeTracker {
    open: Option<Surge>,
    closed: Vec<Surge>,
    /// Whether the run's first second has been seen.
    started: bool,
    /// Whether the open stretch began at the run's first second.
    open_at_start: bool,
    at_start: Option<Surge>,
}

/// What [`SurgeTracker::finish`] hands back.
pub(super) struct Surges {
    /// Every surge, the one still open at the end last.
    pub(super) surges: Vec<Surge>,
    /// The shortfall the run started with, if it did.
    pub(super) at_start: Option<Surge>,
}

impl SurgeTracker {
    /// Second `now_s` (since the start): `needed` pods (not rounded), `ready` Ready. The
    /// shortfall, ceil(needed) - ready, is above 0 exactly when `needed` is above `ready`.
    pub(super) fn second(&mut self, now_s: f64, needed: f64, ready: i64) {
        let short = needed > ready as f64;
        let shortfall = || needed.ceil() as i64 - ready;
        let first = !std::mem::replace(&mut self.started, true);
        match (&mut self.open, short) {
            (None, true) => {
                self.open_at_start = first;
                self.open = Some(Surge {
                    start_s: now_s,
                    end_s: None,
                    seconds_to_enough: None,
                    worst_shortfall: shortfall(),
                })
            }
            (Some(s), true) => s.worst_shortfall = s.worst_shortfall.max(shortfall()),
            (Some(s), false) => {
                s.end_s = Some(now_s);
                s.seconds_to_enough = Some(now_s - s.start_s);
                self.close();
            }
            (None, false) => {}
        }
    }

    fn close(&mut self) {
        if std::mem::take(&mut self.open_at_start) {
            self.at_start = self.open.take();
        } else {
            self.closed.extend(self.open.take());
        }
    }

    /// Every surge, the one still open at the end last; and the shortfall at the start.
    pub(super) fn finish(mut self) -> Surges {
        self.close();
        Surges {
            surges: self.closed,
            at_start: self.at_start,
        }
    }
}

impl Sim<'_> {
    /// The timeline row opened now: the state now; its step's requests come when it
    /// closes ([`StepTotals::close`]).
    pub(super) fn row(&self, specs: &[MetricSpec]) -> Row {
        let now = self.t;
        let count = |st: Stage| self.count(st);
        let metrics = (specs.iter().enumerate())
            .map(|(k, m)| MetricValues {
                actual: self.actual(m),
                observed: self.last_observed.get(k).cloned().flatten(),
            })
            .collect();
        Row {
            time_s: self.secs(now),
            at: now,
            load_rps: self.sc.load.rate(now),
            spec: self.spec,
            desired: self.last_desired.unwrap_or(self.spec),
            ready: count(Stage::Ready),
            starting: count(Stage::Starting) + count(Stage::Running),
            pending: count(Stage::Pending),
            terminating: count(Stage::Terminating),
            metrics,
            span_s: 0.0,
            arrived: 0.0,
            served: 0.0,
            queued: 0.0,
            failed: 0.0,
            nodes: self.nodes.usable,
        }
    }

    /// A metric's true value now, in the unit of its target (percent for utilization).
    fn actual(&self, m: &MetricSpec) -> f64 {
        let now = self.t;
        let serving: Vec<&Pod> = self
            .tracked
            .iter()
            .map(|&i| &self.pods[i])
            .filter(|p| p.serves(now))
            .collect();
        // Settled pods all serve, with the warm pods' figures.
        let settled = self.settled.pods.len();
        let mean = |f: &dyn Fn(&Pod) -> f64| {
            let n = serving.len() + settled;
            match self.settled.pods.first() {
                _ if n == 0 => 0.0,
                Some(&k) => {
                    (serving.iter().map(|p| f(p)).sum::<f64>() + settled as f64 * f(&self.pods[k]))
                        / n as f64
                }
                None => serving.iter().map(|p| f(p)).sum::<f64>() / n as f64,
            }
        };
        match m.kind {
            MetricSourceType::Resource | MetricSourceType::ContainerResource => {
                let Some(source) = m.resource_source() else {
                    return 0.0;
                };
                let (name, target) = (source.name, source.target);
                let per_pod = if name == "cpu" {
                    mean(&|p: &Pod| self.last_second(p).0)
                } else {
                    mean(&|p: &Pod| self.memory_milli(self.last_second(p).1))
                };
                let request = self
                    .sc
                    .file
                    .workload
                    .pod
                    .requests
                    .get(name)
                    .map(|q| q.milli() as f64)
                    .unwrap_or(0.0);
                if target.kind == TargetType::Utilization && request > 0.0 {
                    per_pod * 100.0 / request
                } else {
                    per_pod / 1000.0
                }
            }
            _ => match self.metric_entry(&m.display_name()) {
                Some((_, d)) => self.series.latest(d.source),
                None => 0.0,
            },
        }
    }

    /// Requests per second one pod serves at its HPA's targets times `edge` (1 + tolerance
    /// is where the controller stops asking for more): the yardstick of "enough pods".
    /// Each metric the load drives gives a per-pod capacity (cpu utilization or average
    /// value; requests per second per pod, or of the service over an average-value
    /// target); the controller follows the metric asking for the most pods, so the
    /// smallest capacity counts. Without such a metric: the pod's capacity at its limit.
    pub(super) fn capacity_at_target(&self, edge: f64) -> f64 {
        if let Some(w) = &self.sc.file.workload.worker {
            // A worker keeps up with `concurrency / mean service time` jobs a second.
            let mean = super::queue::mean_secs(&w.service_time).max(1e-9);
            return (f64::from(w.concurrency) / mean * edge).max(1e-9);
        }
        let request = self.sc.file.workload.pod.requests.get("cpu");
        let request = request.map(|q| q.milli() as f64).unwrap_or(0.0);
        let at_cpu = |cpu: f64| {
            (cpu.min(self.serving.limit_milli) - self.serving.baseline_milli)
                / self.serving.cpu_per_request_milli
        };
        let rps_source = |name: &str, kind: MetricSourceKind| {
            self.sc
                .file
                .metrics
                .get(name)
                .is_some_and(|d| d.source == kind)
        };
        let capacities = self.metric_specs.iter().filter_map(|m| {
            let per_pod_rps = |t: &crate::core::api::MetricTarget| {
                t.average_value
                    .as_ref()
                    .map(|v| v.milli() as f64 / 1000.0 * edge)
            };
            match m.kind {
                MetricSourceType::Resource | MetricSourceType::ContainerResource => {
                    let source = m.resource_source()?;
                    let (name, target) = (source.name, source.target);
                    if name != "cpu" {
                        return None;
                    }
                    match (target.average_utilization, &target.average_value) {
                        (Some(u), _) => Some(at_cpu(request * f64::from(u) / 100.0 * edge)),
                        (None, Some(v)) => Some(at_cpu(v.milli() as f64 * edge)),
                        _ => None,
                    }
                }
                MetricSourceType::Pods => {
                    let p = m.pods.as_ref()?;
                    rps_source(&p.metric.name, MetricSourceKind::PodRequestsPerSecond)
                        .then(|| per_pod_rps(&p.target))
                        .flatten()
                }
                MetricSourceType::Object | MetricSourceType::External => {
                    let target = m.target()?;
                    let name = m.display_name();
                    rps_source(&name, MetricSourceKind::RequestsPerSecond)
                        .then(|| per_pod_rps(target))
                        .flatten()
                }
            }
        });
        capacities
            .fold(self.serving.capacity(1.0), f64::min)
            .max(1e-9)
    }

    /// The HPA's limits and the timeline metrics' targets as they stand now.
    pub(super) fn hpa_epoch(&self) -> HpaEpoch {
        let spec = &self.core.hpa.spec;
        HpaEpoch {
            from_s: self.secs(self.t),
            min_replicas: spec.min_replicas.unwrap_or(1),
            max_replicas: spec.max_replicas,
            // By name: a patch may reorder or replace the metrics.
            targets: (self.timeline_names.iter())
                .map(|n| {
                    (self.metric_specs.iter())
                        .find(|m| &m.display_name() == n)
                        .and_then(target_number)
                })
                .collect(),
        }
    }

    /// What the run was set up with, for the layers that judge it.
    pub(super) fn setting(&self) -> RunSetting {
        let file = &self.sc.file;
        RunSetting {
            serving: self.serving,
            concurrency: (file.workload.pod.concurrency).or(file
                .workload
                .worker
                .as_ref()
                .map(|w| w.concurrency)),
            requests: file.workload.pod.requests.clone(),
            slo: file.slo.clone(),
            cost: file.cost.clone(),
        }
    }

    /// The run's figures at its end.
    pub(super) fn summary(&self, totals: RunTotals, surges: Surges, seed: u64) -> Summary {
        let sc = self.sc;
        let start = sc.start.as_millis();
        let duration_s = self.secs(sc.end);
        let pod_hours: f64 = self
            .pods
            .iter()
            .filter_map(|p| {
                p.start_time.map(|s| {
                    (p.gone_at.unwrap_or(sc.end).as_millis() - s.as_millis().max(start)).max(0)
                })
            })
            .sum::<i64>() as f64
            / 3_600_000.0;
        Summary {
            scenario: sc.file.name.clone(),
            seed,
            duration_s,
            start_s: start as f64 / 1000.0,
            syncs: totals.syncs,
            scale_ups: totals.scale_ups,
            scale_downs: totals.scale_downs,
            peak_replicas: totals.peak_replicas,
            mean_replicas: totals.replica_seconds / duration_s,
            peak_ready: totals.peak_ready,
            mean_ready: totals.ready_seconds / duration_s,
            pod_hours,
            requests: totals.requests,
            failed_requests: totals.failed,
            failed_fraction: if totals.requests > 0.0 {
                totals.failed / totals.requests
            } else {
                0.0
            },
            peak_queue: totals.peak_queue,
            queued_request_seconds: totals.queued_request_seconds,
            pods_created: self.pods.len(),
            surges: surges.surges,
            short_at_start: surges.at_start,
        }
    }
}

/// A metric's target as a number in its unit: percent for utilization, else the
/// quantity's value.
fn target_number(m: &MetricSpec) -> Option<f64> {
    let t = m.target()?;
    match t.kind {
        TargetType::Utilization => t.average_utilization.map(f64::from),
        TargetType::AverageValue => t.average_value.as_ref().map(Quantity::approximate_f64),
        TargetType::Value => t.value.as_ref().map(Quantity::approximate_f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;
    use crate::sim::engine::Options;
    use crate::sim::testing;

    #[test]
    fn timeline_rows_tile_the_run_and_their_requests_add_up_to_the_summary() {
        // Ten minutes with noise, scaled by a hand-made surge so requests queue and fail.
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}",
            "actions:\n- {at: '00:02:00', killPods: 2}",
        );
        // (step, rows, the last row's span)
        for (step, rows, last) in [
            (1, 600, 1.0),
            (7, 86, 5.0),
            (60, 10, 60.0),
            (3600, 1, 600.0),
        ] {
            let opts = Options {
                step: Span::from_secs(step),
                ..Options::default()
            };
            let r = crate::sim::run(&sc, &opts);
            let t = &r.timeline;
            assert_eq!(t.len(), rows, "step {step}s");
            assert_eq!(t[0].time_s, 0.0);
            for w in t.windows(2) {
                assert_eq!(w[0].time_s + w[0].span_s, w[1].time_s, "step {step}s");
            }
            for row in &t[..t.len() - 1] {
                assert_eq!(row.span_s, step as f64, "step {step}s at {}", row.time_s);
            }
            let end = t[t.len() - 1].time_s + t[t.len() - 1].span_s;
            assert_eq!((t[t.len() - 1].span_s, end), (last, 600.0), "step {step}s");
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
            let sum = |f: fn(&Row) -> f64| t.iter().map(f).sum::<f64>();
            let s = &r.summary;
            assert!(
                close(sum(|x| x.arrived), s.requests),
                "step {step}s arrived"
            );
            assert!(
                close(sum(|x| x.failed), s.failed_requests),
                "step {step}s failed"
            );
            let served: f64 = r.seconds.iter().map(|x| x.arrivals - x.failed).sum::<f64>()
                - r.seconds.last().map_or(0.0, |x| x.queued);
            assert!(close(sum(|x| x.served), served), "step {step}s served");
            assert_eq!(t[t.len() - 1].queued, r.seconds[599].queued);
        }
    }

    #[test]
    fn the_record_follows_the_hpas_limits_and_targets_through_patches() {
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}",
            "actions:\n- {at: '00:01:00', patchHpa: {maxReplicas: 20}}\n- at: '00:02:30'\n  patchHpa:\n    minReplicas: 3\n    metrics:\n    - type: Resource\n      resource: {name: memory, target: {type: AverageValue, averageValue: 300Mi}}",
        );
        let r = crate::sim::run(&sc, &Options::default());
        let epochs: Vec<(f64, i32, i32, Vec<Option<f64>>)> = (r.hpa_epochs.iter())
            .map(|e| (e.from_s, e.min_replicas, e.max_replicas, e.targets.clone()))
            .collect();
        assert_eq!(r.metric_names, ["cpu"]);
        assert_eq!(
            epochs,
            vec![
                (0.0, 1, 10, vec![Some(70.0)]),
                (60.0, 1, 20, vec![Some(70.0)]),
                // cpu is no longer a metric of the HPA: no target.
                (150.0, 3, 20, vec![None]),
            ]
        );
    }

    #[test]
    fn a_surge_runs_from_the_first_short_second_to_the_first_with_enough_pods() {
        let mut s = SurgeTracker::default();
        // (second, pods needed, Ready)
        for (t, needed, ready) in [
            (0.0, 2.0, 2),
            (1.0, 2.5, 2),
            (2.0, 4.2, 2),
            (3.0, 3.0, 3),
            (4.0, 3.1, 3),
        ] {
            s.second(t, needed, ready);
        }
        let Surges { surges, at_start } = s.finish();
        assert_eq!(at_start, None);
        assert_eq!(surges.len(), 2);
        assert_eq!(
            (
                surges[0].start_s,
                surges[0].end_s,
                surges[0].seconds_to_enough
            ),
            (1.0, Some(3.0), Some(2.0))
        );
        // ceil(4.2) - 2.
        assert_eq!(surges[0].worst_shortfall, 3);
        // Still open at the end: no end, no time to enough.
        assert_eq!((surges[1].start_s, surges[1].end_s), (4.0, None));
        assert_eq!(surges[1].worst_shortfall, 1);
    }

    #[test]
    fn a_shortfall_the_run_starts_with_is_not_a_surge() {
        /// A case: each second's pods needed and Ready, the start shortfall's end and
        /// worst (when there is one), the surges counted.
        type Case = (&'static [(f64, i64)], Option<(Option<f64>, i64)>, usize);
        let cases: [Case; 4] = [
            // Short from second 0 to 2: kept apart; the later one is a surge.
            (
                &[(3.0, 2), (4.5, 2), (3.0, 3), (4.0, 3), (3.0, 3)],
                Some((Some(2.0), 3)),
                1,
            ),
            // Short from second 0 to the end: still only the start's.
            (&[(3.0, 2), (3.0, 2)], Some((None, 1)), 0),
            // Enough at second 0: a shortfall from second 1 is a surge.
            (&[(2.0, 2), (3.0, 2), (2.0, 2)], None, 1),
            // Never short.
            (&[(1.0, 2), (2.0, 2)], None, 0),
        ];
        for (k, (seconds, start, n)) in cases.into_iter().enumerate() {
            let mut s = SurgeTracker::default();
            for (t, &(needed, ready)) in seconds.iter().enumerate() {
                s.second(t as f64, needed, ready);
            }
            let Surges { surges, at_start } = s.finish();
            let got = at_start.map(|a| {
                assert_eq!(a.start_s, 0.0);
                (a.end_s, a.worst_shortfall)
            });
            assert_eq!(got, start, "case {k}");
            assert_eq!(surges.len(), n, "case {k}");
            assert!(surges.iter().all(|x| x.start_s > 0.0), "case {k}");
        }
    }

    #[test]
    fn a_pod_at_the_cpu_target_serves_what_the_target_leaves_above_the_baseline() {
        // 70 % of 500m is 350m; less the 50m baseline, at 10m a request: 30 rps.
        let sc = testing::scenario("    appStart: {fixed: 1s}", "");
        let sim = crate::sim::engine::Sim::new(&sc, &Options::default(), 1);
        assert!((sim.capacity_at_target(1.0) - 30.0).abs() < 1e-9);
        // At the tolerance's edge: 385m, 33.5 rps.
        assert!((sim.capacity_at_target(1.1) - 33.5).abs() < 1e-9);
    }

    #[test]
    fn the_cpu_metric_reads_the_mean_of_the_serving_pods_as_a_percent_of_the_request() {
        let sc = testing::scenario("    appStart: {fixed: 1s}", "");
        let mut sim = crate::sim::engine::Sim::new(&sc, &Options::default(), 1);
        sim.pods[0].cpu_milli = 100.0;
        sim.pods[1].cpu_milli = 300.0;
        for p in &mut sim.pods {
            p.steady_offset = None;
        }
        let spec = sim.metric_specs[0].clone();
        assert_eq!(sim.actual(&spec), 40.0);
        let row = sim.row(&[spec]);
        assert_eq!((row.ready, row.spec, row.desired), (2, 2, 2));
        assert_eq!(row.metrics[0].actual, 40.0);
        assert_eq!(row.metrics[0].observed, None);
    }
}
