//! The clock and the event queue: what happens, in what order, each simulated second.
//!
//! Each second, in this order: due events (pod transitions, probe ticks, node arrivals,
//! scheduled actions) in (time, insertion) order; a metrics-server scrape when one is due;
//! an HPA sync when one is due; then the second's serving. Ties are FIFO, so a seed gives
//! the same run everywhere.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::pods::{self, Pod, Stage};
use super::record::{Event, Record, RecordedSync, Row, SecondFigures, Summary, Surge};
use super::serving::ServingModel;
use crate::core::api::{MetricSourceType, MetricSpec, TargetType};
use crate::core::snapshot::{ConditionStatus, History, PodPhase, Sample};
use crate::core::{Quantity, Reading, Snapshot, Span, Time};
use crate::scenario::Scenario;
use crate::scenario::model::{MetricSourceKind, Probe};

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Timeline resolution.
    pub step: Span,
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Keep every sync's snapshot in the record.
    pub keep_snapshots: bool,
    /// Keep the events (decisions, pod transitions, actions) in the record, for
    /// events.jsonl and the charts' markers. Runs that are only measured (`--runs`) skip
    /// them: a week's 40 320 decisions are much of a run's memory.
    pub keep_events: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            step: Span::from_secs(1),
            seed: None,
            keep_snapshots: false,
            keep_events: true,
        }
    }
}

/// RNG substreams: adding draws to one purpose never shifts another.
const STREAM_ARRIVALS: u64 = 1;
const STREAM_STARTUP: u64 = 2;

const SECOND: Span = Span::from_secs(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    /// Scheduled action i.
    Action(usize),
    /// A node becomes usable.
    NodeUp,
    /// The pod is bound to a node.
    Bind(usize),
    /// The pod's container starts (generation).
    ContainerUp(usize, u32),
    /// A startup-probe tick.
    StartupProbe(usize, u32),
    /// A readiness-probe tick.
    ReadinessProbe(usize, u32),
    /// The pod's process exits after deletion.
    Gone(usize),
}

struct Sim<'a> {
    sc: &'a Scenario,
    t: Time,
    /// What the core is handed at each sync, kept between syncs and brought up to date in
    /// place: the HPA as patched, the controller's memory, the settled pods' entry. A sync
    /// then allocates little beyond the decision it records.
    core: Snapshot,
    /// The HPA's metrics as the controller reads them, and their names (kept in step with
    /// patches).
    metric_specs: Vec<MetricSpec>,
    metric_names: Vec<String>,
    spec: i32,
    pods: Vec<Pod>,
    /// Live pods followed one by one: all but the settled ones.
    tracked: Vec<usize>,
    /// Settled pods: Ready, warm, past the controller's cpu initialization period, their
    /// samples those of the warm pods. Alike in every figure the controller reads, they
    /// cost nothing per second and reach the core as one entry.
    settled: Vec<usize>,
    /// Live pods in each stage (indexed by `Stage as usize`).
    stage_counts: [usize; 6],
    queue: BinaryHeap<Reverse<(Time, u64, Due)>>,
    seq: u64,
    rng_arrivals: ChaCha8Rng,
    rng_startup: ChaCha8Rng,
    /// What the timeline shows of the last decision: the desired count and each metric's
    /// value as the HPA saw it.
    last_desired: Option<i32>,
    last_observed: Vec<Option<Reading>>,
    serving: ServingModel,
    waiting_requests: f64,
    steady_integral: f64,
    /// CPU (millicores) and requests served by each warm Ready pod in the last second:
    /// warm pods are alike, so they are tracked once.
    steady_cpu: f64,
    steady_served: f64,
    /// (time, steady_integral) at each scrape, and the warm pods' latest sample.
    steady_scrapes: VecDeque<(Time, f64)>,
    steady_sample: Option<(Time, i64, i64)>,
    /// Memory with no load, and per request served per second (milli-bytes).
    memory_base: f64,
    memory_per_request: f64,
    nodes: Option<u32>,
    provisioning: u32,
    pods_per_node: u32,
    unbound: VecDeque<usize>,
    /// Per-second history for derived metrics: (arrivals, queue, served per serving pod).
    series: VecDeque<(f64, f64, f64)>,
    series_len: usize,
    events: Vec<Event>,
    syncs: Vec<RecordedSync>,
    keep_snapshots: bool,
    keep_events: bool,
    /// The settled pods' entry in the core's snapshot, kept between syncs.
    settled_entry: Option<crate::core::snapshot::Pod>,
}

/// Runs a scenario to its end.
pub fn run(sc: &Scenario, opts: &Options) -> Record {
    let seed = opts.seed.unwrap_or(sc.seed);
    let stream = |k| {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(k);
        r
    };
    let pod_model = &sc.file.workload.pod;
    let milli =
        |m: &BTreeMap<String, Quantity>, k: &str| m.get(k).map(|q| q.milli()).unwrap_or(0) as f64;
    let serving = ServingModel::for_scenario(sc);
    let pods_per_node = sc
        .file
        .capacity
        .as_ref()
        .map(|c| {
            pod_model
                .requests
                .iter()
                .filter_map(|(res, q)| {
                    c.node
                        .get(res)
                        .map(|n| (n.milli() / q.milli().max(1)) as u32)
                })
                .min()
                .unwrap_or(u32::MAX)
        })
        .unwrap_or(u32::MAX);
    let series_len = sc
        .file
        .metrics
        .values()
        .map(|d| (window_of(d).as_millis() + delay_of(d).as_millis()) / 1000 + 2)
        .max()
        .unwrap_or(1) as usize;
    let metric_specs = sc.hpa.spec.effective_metrics().into_owned();
    let mut sim = Sim {
        sc,
        t: sc.start,
        core: Snapshot {
            now: sc.start,
            hpa: sc.hpa.clone(),
            current_replicas: sc.file.workload.initial_replicas,
            status_replicas: None,
            pods: vec![],
            objects: BTreeMap::new(),
            externals: BTreeMap::new(),
            history: History::default(),
            controller: sc.controller_flags(),
            decision: None,
        },
        metric_names: metric_specs.iter().map(MetricSpec::display_name).collect(),
        metric_specs,
        spec: sc.file.workload.initial_replicas,
        pods: vec![],
        tracked: vec![],
        settled: vec![],
        stage_counts: [0; 6],
        queue: BinaryHeap::new(),
        seq: 0,
        rng_arrivals: stream(STREAM_ARRIVALS),
        rng_startup: stream(STREAM_STARTUP),
        last_desired: None,
        last_observed: vec![],
        serving,
        waiting_requests: 0.0,
        steady_integral: 0.0,
        steady_cpu: serving.baseline_milli,
        steady_served: 0.0,
        steady_scrapes: VecDeque::new(),
        steady_sample: None,
        memory_base: milli(&pod_model.baseline, "memory"),
        memory_per_request: pod_model
            .memory_per_request
            .as_ref()
            .map(|q| q.milli())
            .unwrap_or(0) as f64,
        nodes: sc.file.capacity.as_ref().map(|c| c.nodes),
        provisioning: 0,
        pods_per_node,
        unbound: VecDeque::new(),
        series: VecDeque::with_capacity(series_len + 1),
        series_len,
        events: vec![],
        syncs: vec![],
        keep_snapshots: opts.keep_snapshots,
        keep_events: opts.keep_events,
        settled_entry: None,
    };
    // The initial pods ran before the start, serving the load as it was then: give them a
    // metrics-server history, so the first sync sees them as a cluster would.
    let n = sim.spec.max(1) as f64;
    let cpu0 = serving.cpu((sc.load.rate(sc.start) / n).min(serving.capacity(1.0)), 1.0);
    let window = sc.file.metrics_server.window.span();
    let before = (sc.start.minus(window), -(window.as_millis() as f64) * cpu0);
    sim.steady_scrapes.push_back(before);
    for _ in 0..sim.spec {
        let i = sim.pods.len();
        let mut p = Pod::steady(pod_name(i), sc.start);
        p.steady_offset = Some(0.0);
        p.steady_from = Some(before.0);
        p.scrapes.push(before);
        sim.add_pod(p);
    }
    for (i, a) in sc.actions.iter().enumerate() {
        sim.schedule(a.at.0, Due::Action(i));
    }
    sim.run(opts.step, seed)
}

fn pod_name(i: usize) -> String {
    format!("pod-{:05}", i + 1)
}

fn window_of(d: &crate::scenario::model::DerivedMetric) -> Span {
    d.window.map(|w| w.span()).unwrap_or(Span::from_secs(60))
}

fn delay_of(d: &crate::scenario::model::DerivedMetric) -> Span {
    d.delay.map(|w| w.span()).unwrap_or(Span::from_secs(30))
}

/// The clock as a person reads it: HH:MM:SS, with a day prefix after the first day.
pub fn clock(t: Time) -> String {
    crate::units::clock(t, crate::units::ClockStyle::Timeline)
}

impl Sim<'_> {
    fn schedule(&mut self, at: Time, due: Due) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, due)));
    }

    fn secs(&self, t: Time) -> f64 {
        (t.as_millis() - self.sc.start.as_millis()) as f64 / 1000.0
    }

    /// A new pod, followed one by one.
    fn add_pod(&mut self, p: Pod) -> usize {
        let i = self.pods.len();
        self.stage_counts[p.stage as usize] += 1;
        self.pods.push(p);
        self.tracked.push(i);
        i
    }

    /// Every live pod, tracked or settled.
    fn live(&self) -> impl Iterator<Item = usize> + '_ {
        self.tracked.iter().chain(&self.settled).copied()
    }

    fn count(&self, stage: Stage) -> usize {
        self.stage_counts[stage as usize]
    }

    fn pod_event(&mut self, i: usize, stage: Stage) {
        self.stage_counts[self.pods[i].stage as usize] -= 1;
        self.stage_counts[stage as usize] += 1;
        self.pods[i].stage = stage;
        self.record(|sim| Event::Pod {
            t: sim.secs(sim.t),
            pod: sim.pods[i].name.clone(),
            stage,
        });
    }

    fn run(mut self, step: Span, seed: u64) -> Record {
        let sc = self.sc;
        let start = sc.start.as_millis();
        let mut scrapes = Every::from(sc.file.metrics_server.resolution.span().as_millis(), 0);
        let sync = sc.file.controller.sync_period.span().as_millis();
        let mut syncs = Every::from(sync, sync);
        let mut rows = Every::from(step.as_millis().max(1000), 0);
        let metric_specs = self.metric_specs.clone();
        let metric_names = self.metric_names.clone();
        // "Enough pods" for surges: at the tolerance's edge, where the controller stops
        // asking for more; demand (cost waste, elasticity): at the target itself.
        let capacity_at_edge = self.capacity_at_target(1.0 + sc.file.controller.tolerance);
        let capacity_at_target = self.capacity_at_target(1.0);

        let mut timeline = vec![];
        let mut seconds = Vec::with_capacity(((sc.end.as_millis() - start) / 1000) as usize);
        let mut acc = StepTotals::default();
        let mut totals = RunTotals::default();
        let mut served_warming = vec![];
        let mut warming_pods = vec![];
        let mut warming_factors = vec![];
        let mut surge: Option<Surge> = None;

        while self.t < sc.end {
            let now = self.t;
            let elapsed = now.as_millis() - start;
            while let Some(Reverse((at, _, due))) = self.queue.peek().copied() {
                if at > now {
                    break;
                }
                self.queue.pop();
                self.handle(at, due);
            }
            if scrapes.due(elapsed) {
                self.scrape();
            }
            if syncs.due(elapsed) {
                self.sync(&mut totals);
            }

            // Serving for [now, now + 1s).
            let (rate, arrivals) = sc
                .load
                .rate_and_arrivals(now, SECOND, &mut self.rng_arrivals);
            let mut steady = self.settled.len();
            let ready = self.count(Stage::Ready) as i64;
            warming_pods.clear();
            warming_factors.clear();
            for &i in &self.tracked {
                let p = &self.pods[i];
                if p.serves(now) {
                    let f = self.warm_factor(p, now);
                    if f > 1.0 {
                        warming_pods.push(i);
                        warming_factors.push(f);
                    } else {
                        steady += 1;
                    }
                }
            }
            let second = self.serving.second(
                self.waiting_requests,
                arrivals,
                steady,
                &warming_factors,
                &mut served_warming,
            );
            self.waiting_requests = second.queued;
            self.steady_cpu = self.serving.cpu(second.served_per_steady_pod, 1.0);
            self.steady_served = second.served_per_steady_pod;
            let serving_pods = steady + warming_pods.len();
            let per_pod = if serving_pods > 0 {
                second.served / serving_pods as f64
            } else {
                0.0
            };
            self.series.push_back((arrivals, second.queued, per_pod));
            while self.series.len() > self.series_len {
                self.series.pop_front();
            }
            self.account_cpu(
                &warming_pods,
                &warming_factors,
                &served_warming,
                second.served_per_steady_pod,
            );

            // Surges: too few Ready pods for the load at the HPA's target. The shortfall,
            // ceil(pods needed) - ready, is above 0 exactly when the pods needed are.
            let demand_pods = rate / capacity_at_target;
            let needed = rate / capacity_at_edge;
            let short = needed > ready as f64;
            let shortfall = || needed.ceil() as i64 - ready;
            match (&mut surge, short) {
                (None, true) => {
                    surge = Some(Surge {
                        start_s: self.secs(now),
                        end_s: None,
                        seconds_to_enough: None,
                        worst_shortfall: shortfall(),
                    })
                }
                (Some(s), true) => s.worst_shortfall = s.worst_shortfall.max(shortfall()),
                (Some(s), false) => {
                    s.end_s = Some(self.secs(now));
                    s.seconds_to_enough = Some(self.secs(now) - s.start_s);
                    totals.surges.push(s.clone());
                    surge = None;
                }
                (None, false) => {}
            }

            let capacity_rps = steady as f64 * self.serving.capacity(1.0)
                + warming_factors
                    .iter()
                    .map(|&f| self.serving.capacity(f))
                    .sum::<f64>();
            let paid = [
                Stage::Starting,
                Stage::Running,
                Stage::Ready,
                Stage::Terminating,
            ]
            .map(|st| self.count(st))
            .iter()
            .sum::<usize>();
            seconds.push(SecondFigures {
                arrivals,
                failed: second.failed,
                queued: second.queued,
                capacity_rps,
                serving: serving_pods as u32,
                ready: ready as u32,
                paid: paid as u32,
                demand_pods,
            });
            acc.add(arrivals, second.served, second.failed);
            totals.requests += arrivals;
            totals.failed += second.failed;
            totals.peak_queue = totals.peak_queue.max(second.queued);
            totals.queued_request_seconds += second.queued;
            totals.replica_seconds += self.spec as f64;
            totals.ready_seconds += ready as f64;
            totals.peak_replicas = totals.peak_replicas.max(self.spec);
            totals.peak_ready = totals.peak_ready.max(ready as usize);

            if rows.due(elapsed) {
                timeline.push(self.row(&metric_specs, &acc, second.queued));
                acc = StepTotals::default();
            }
            self.t = now.plus(SECOND);
        }
        if let Some(s) = surge {
            totals.surges.push(s);
        }

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
        let summary = Summary {
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
            surges: totals.surges,
        };
        Record {
            timeline,
            seconds,
            metric_names,
            events: self.events,
            syncs: self.syncs,
            summary,
        }
    }

    /// Requests per second one pod serves at its HPA's targets times `edge` (1 + tolerance
    /// is where the controller stops asking for more): the yardstick of "enough pods".
    /// Each metric the load drives gives a per-pod capacity (cpu utilization or average
    /// value; requests per second per pod, or of the service over an average-value
    /// target); the controller follows the metric asking for the most pods, so the
    /// smallest capacity counts. Without such a metric: the pod's capacity at its limit.
    fn capacity_at_target(&self, edge: f64) -> f64 {
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
                    let (name, target) = match (&m.resource, &m.container_resource) {
                        (Some(r), _) => (&r.name, &r.target),
                        (_, Some(c)) => (&c.name, &c.target),
                        _ => return None,
                    };
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
                    let (name, target) = match (&m.object, &m.external) {
                        (Some(o), _) => (&o.metric.name, &o.target),
                        (_, Some(e)) => (&e.metric.name, &e.target),
                        _ => return None,
                    };
                    rps_source(name, MetricSourceKind::RequestsPerSecond)
                        .then(|| per_pod_rps(target))
                        .flatten()
                }
            }
        });
        capacities
            .fold(self.serving.capacity(1.0), f64::min)
            .max(1e-9)
    }

    fn warm_factor(&self, p: &Pod, t: Time) -> f64 {
        let Some(w) = &self.sc.file.workload.startup.warmup else {
            return 1.0;
        };
        let Some(ready_at) = p.ready_at else {
            return 1.0;
        };
        let elapsed = (t.as_millis() - ready_at.as_millis()) as f64;
        let total = w.duration.span().as_millis() as f64;
        if elapsed >= total || total <= 0.0 {
            1.0
        } else {
            w.cpu_factor - (w.cpu_factor - 1.0) * elapsed / total
        }
    }

    /// Adds this second's CPU to each pod's integral; warm Ready pods share one integral.
    fn account_cpu(
        &mut self,
        warming: &[usize],
        factors: &[f64],
        served: &[f64],
        steady_served: f64,
    ) {
        let now = self.t;
        let startup_cpu = self
            .sc
            .file
            .workload
            .startup
            .startup_cpu
            .as_ref()
            .map(|q| q.milli() as f64)
            .unwrap_or(self.serving.baseline_milli);
        self.steady_integral += self.steady_cpu * 1000.0;
        for (k, &i) in warming.iter().enumerate() {
            let cpu = self.serving.cpu(served[k], factors[k]);
            let p = &mut self.pods[i];
            p.cpu_milli = cpu;
            p.served = served[k];
            p.cpu_integral += cpu * 1000.0;
        }
        let steady_integral = self.steady_integral;
        let steady_cpu = self.steady_cpu;
        for idx in 0..self.tracked.len() {
            let i = self.tracked[idx];
            let serves = self.pods[i].serves(now);
            let warm = serves && self.warm_factor(&self.pods[i], now) <= 1.0;
            let p = &mut self.pods[i];
            match (p.steady_offset, warm) {
                (Some(_), true) => {}
                (None, true) => {
                    // Joins the warm pods: from now on its integral follows theirs.
                    p.cpu_integral += steady_cpu * 1000.0;
                    p.steady_offset = Some(p.cpu_integral - steady_integral);
                    p.steady_from = Some(now.plus(SECOND));
                    p.cpu_milli = steady_cpu;
                    p.served = steady_served;
                }
                (Some(off), false) => {
                    p.cpu_integral = steady_integral + off;
                    p.steady_offset = None;
                    p.steady_from = None;
                }
                (None, false) if serves => {}
                (None, false) => {
                    let cpu = match p.stage {
                        Stage::Running | Stage::Terminating => {
                            startup_cpu.min(self.serving.limit_milli)
                        }
                        Stage::Ready => self.serving.baseline_milli,
                        _ => 0.0,
                    };
                    p.cpu_milli = cpu;
                    p.served = 0.0;
                    p.cpu_integral += cpu * 1000.0;
                }
            }
        }
    }

    /// A pod's CPU (millicores) and requests served in the last second; warm Ready pods
    /// share the figures kept once for all of them.
    fn last_second(&self, p: &Pod) -> (f64, f64) {
        match p.steady_offset {
            Some(_) => (self.steady_cpu, self.steady_served),
            None => (p.cpu_milli, p.served),
        }
    }

    /// Memory a pod holds serving `served` requests a second, milli-bytes.
    fn memory_milli(&self, served: f64) -> f64 {
        self.memory_base + self.memory_per_request * served
    }

    fn integral(&self, p: &Pod) -> f64 {
        match p.steady_offset {
            Some(off) => self.steady_integral + off,
            None => p.cpu_integral,
        }
    }

    /// metrics-server: each running container's CPU averaged over the window, stamped now.
    /// Warm pods whose window lies wholly in their warm stretch share one sample; such a
    /// pod past the cpu initialization period settles.
    fn scrape(&mut self) {
        let now = self.t;
        let window = self.sc.file.metrics_server.window.span();
        let keep = (window.as_millis() / self.sc.file.metrics_server.resolution.span().as_millis())
            as usize
            + 2;
        let window_start = |t: Time| t.as_millis() <= now.as_millis() - window.as_millis();
        let from = self
            .steady_scrapes
            .iter()
            .rev()
            .find(|(t, _)| window_start(*t));
        let steady_from = from.map(|&(t, _)| t);
        self.steady_sample = from.filter(|(t, _)| now > *t).map(|&(t0, i0)| {
            let cpu = (self.steady_integral - i0) / (now.as_millis() - t0.as_millis()) as f64;
            (
                now,
                cpu.round() as i64,
                self.memory_milli(self.steady_served).round() as i64,
            )
        });
        self.steady_scrapes.push_back((now, self.steady_integral));
        if self.steady_scrapes.len() > keep {
            self.steady_scrapes.pop_front();
        }
        let settle_started_by = now.minus(self.sc.controller_flags().cpu_initialization_period);
        let mut idx = 0;
        while idx < self.tracked.len() {
            let i = self.tracked[idx];
            let integral = self.integral(&self.pods[i]);
            let p = &self.pods[i];
            let Some(started) = p.container_started else {
                idx += 1;
                continue;
            };
            let warm_all_window = p.steady_offset.is_some()
                && p.steady_from.zip(steady_from).is_some_and(|(f, t)| f <= t);
            let sample = if warm_all_window {
                self.steady_sample
            } else {
                // The window's start: the scrape `window` ago, else the container's start.
                let from = p
                    .scrapes
                    .iter()
                    .rev()
                    .find(|(t, _)| window_start(*t))
                    .copied()
                    .filter(|(t, _)| *t >= started);
                match from {
                    Some((t0, i0)) if now > t0 => {
                        let cpu = (integral - i0) / (now.as_millis() - t0.as_millis()) as f64;
                        let (_, served) = self.last_second(p);
                        Some((
                            now,
                            cpu.round() as i64,
                            self.memory_milli(served).round() as i64,
                        ))
                    }
                    // metrics-server needs two points a window apart before it reports a pod.
                    _ => None,
                }
            };
            let settles = warm_all_window
                && sample.is_some()
                && p.stage == Stage::Ready
                && p.start_time.is_some_and(|s| s <= settle_started_by);
            let p = &mut self.pods[i];
            if sample.is_some() {
                p.sample = sample;
            }
            if settles {
                p.scrapes.clear();
                self.tracked.swap_remove(idx);
                self.settled.push(i);
                continue;
            }
            p.scrapes.push((now, integral));
            if p.scrapes.len() > keep {
                p.scrapes.remove(0);
            }
            idx += 1;
        }
    }

    /// A settled pod leaves the group (it is being deleted): its own scrape history and
    /// sample are the warm pods' ones, from when it joined them.
    fn unsettle(&mut self, i: usize) {
        let Some(k) = self.settled.iter().position(|&j| j == i) else {
            return;
        };
        self.settled.swap_remove(k);
        let p = &mut self.pods[i];
        let (off, from) = (p.steady_offset.unwrap_or(0.0), p.steady_from);
        p.scrapes = self
            .steady_scrapes
            .iter()
            .filter(|(t, _)| from.is_some_and(|f| f <= *t))
            .map(|&(t, integral)| (t, integral + off))
            .collect();
        p.sample = self.steady_sample;
        self.tracked.push(i);
    }

    /// One HPA sync: the snapshot, the core's decision, and the Deployment following it.
    fn sync(&mut self, totals: &mut RunTotals) {
        self.refresh_snapshot();
        let recorded = self.keep_snapshots.then(|| self.expanded_snapshot());
        // The scenario, its patches in the order they apply, and the pods the engine lists
        // are valid by construction: the core need not re-check them at every sync.
        let decision = crate::core::decide_validated(&self.core);
        self.return_entries();
        totals.syncs += 1;
        if decision.desired_replicas > self.spec {
            totals.scale_ups += 1;
        } else if decision.desired_replicas < self.spec {
            totals.scale_downs += 1;
        }
        self.core.history.clone_from(&decision.history);
        if let Some(snapshot) = recorded {
            self.syncs.push(RecordedSync {
                second: self.t.as_millis().div_euclid(1000),
                snapshot,
                decision: decision.clone(),
            });
        }
        let (rescale, desired) = (decision.rescale, decision.desired_replicas);
        self.last_desired = Some(desired);
        self.last_observed.clear();
        (self.last_observed).extend(decision.metrics.iter().map(|m| m.current.clone()));
        if self.keep_events {
            self.events.push(Event::Decision {
                t: self.secs(self.t),
                decision: Box::new(decision),
            });
        }
        if rescale {
            self.spec = desired;
            self.reconcile();
        }
    }

    /// Keeps an event when the run keeps them (built only then).
    fn record(&mut self, event: impl FnOnce(&Self) -> Event) {
        if self.keep_events {
            let e = event(self);
            self.events.push(e);
        }
    }

    /// Brings the core's snapshot up to this sync: the tracked pods one by one (their
    /// entries, kept on the pods between syncs, lent to the snapshot until
    /// [`Sim::return_entries`]) and the settled ones as one counted entry.
    fn refresh_snapshot(&mut self) {
        let now = self.t;
        let mut core = std::mem::take(&mut self.core.pods);
        core.clear();
        for idx in 0..self.tracked.len() {
            let i = self.tracked[idx];
            let entry = self.pods[i].entry.take();
            core.push(entry.unwrap_or_else(|| self.new_entry(i)));
        }
        // Any settled pod stands for them all (the rules read nothing that differs).
        let first = self.settled.first().copied();
        if let Some(first) = first {
            core.push(match self.settled_entry.take() {
                Some(e) if e.name == self.pods[first].name => e,
                _ => self.new_entry(first),
            });
        }
        let pod_metrics = self.pod_metric_values();
        for (entry, &i) in core.iter_mut().zip(&self.tracked) {
            self.fill_entry(entry, i, self.pods[i].sample, &pod_metrics);
        }
        if let (Some(first), Some(group)) = (first, core.last_mut()) {
            self.fill_entry(group, first, self.steady_sample, &pod_metrics);
            group.count = self.settled.len() as u32;
        }
        let active = (self.tracked.iter())
            .filter(|&&i| self.pods[i].is_active())
            .count()
            + self.settled.len();
        for (k, m) in self.metric_specs.iter().enumerate() {
            let name = &self.metric_names[k];
            let Some(d) = self.sc.file.metrics.get(name) else {
                continue;
            };
            let value = milli_quantity(self.derived(d));
            match m.kind {
                MetricSourceType::Object => set_value(&mut self.core.objects, name, value),
                MetricSourceType::External => {
                    set_value(&mut self.core.externals, name, vec![value]);
                }
                _ => {}
            }
        }
        self.core.pods = core;
        self.core.now = now;
        self.core.current_replicas = self.spec;
        self.core.status_replicas = Some(active as i32);
    }

    /// Gives the tracked pods and the settled group their entries back after the sync (the
    /// list keeps its room for the next one).
    fn return_entries(&mut self) {
        let mut entries = self.core.pods.drain(..);
        for &i in &self.tracked {
            self.pods[i].entry = entries.next();
        }
        self.settled_entry = entries.next();
    }

    /// The recorded snapshot (`--snapshots`): the core's, with every pod listed on its own,
    /// sorted by pod. The core decides it alike: `tests/simulate.rs` replays it.
    fn expanded_snapshot(&self) -> Snapshot {
        let pod_metrics = self.pod_metric_values();
        let mut all: Vec<_> = (self.tracked.iter().map(|&i| (i, self.pods[i].sample)))
            .chain(self.settled.iter().map(|&i| (i, self.steady_sample)))
            .collect();
        all.sort_unstable_by_key(|&(i, _)| i);
        let pods = all
            .into_iter()
            .map(|(i, sample)| {
                let mut entry = self.new_entry(i);
                self.fill_entry(&mut entry, i, sample, &pod_metrics);
                entry
            })
            .collect();
        // Field by field: `..self.core.clone()` would also copy the entries lent to it.
        let core = &self.core;
        Snapshot {
            now: core.now,
            hpa: core.hpa.clone(),
            current_replicas: core.current_replicas,
            status_replicas: core.status_replicas,
            pods,
            objects: core.objects.clone(),
            externals: core.externals.clone(),
            history: core.history.clone(),
            controller: core.controller.clone(),
            decision: None,
        }
    }

    /// Each Pods metric the load drives, with its value per Ready pod now.
    fn pod_metric_values(&self) -> Vec<(&str, f64)> {
        (self.metric_specs.iter().zip(&self.metric_names))
            .filter(|(m, _)| m.kind == MetricSourceType::Pods)
            .filter_map(|(_, name)| {
                let d = self.sc.file.metrics.get(name)?;
                Some((name.as_str(), self.derived(d)))
            })
            .collect()
    }

    /// A pod's entry with what never changes: its name and requests.
    fn new_entry(&self, i: usize) -> crate::core::snapshot::Pod {
        crate::core::snapshot::Pod {
            name: self.pods[i].name.clone(),
            phase: PodPhase::Pending,
            ready: None,
            ready_since: None,
            start_time: None,
            deleting: false,
            requests: BTreeMap::from([(
                "app".to_string(),
                self.sc.file.workload.pod.requests.clone(),
            )]),
            metrics: BTreeMap::new(),
            count: 1,
        }
    }

    /// One pod as the controller's listers and metrics APIs show it now, written over its
    /// entry (the maps' keys are kept: no allocation once a pod has had its samples).
    fn fill_entry(
        &self,
        entry: &mut crate::core::snapshot::Pod,
        i: usize,
        sample: Option<(Time, i64, i64)>,
        pod_metrics: &[(&str, f64)],
    ) {
        let p = &self.pods[i];
        let window = self.sc.file.metrics_server.window.span();
        let scraped = |milli, timestamp| Sample {
            value: Quantity::from_milli(milli),
            timestamp: Some(timestamp),
            window: Some(window),
        };
        let (cpu, memory) = match sample {
            Some((ts, cpu, mem)) => (Some(scraped(cpu, ts)), Some(scraped(mem, ts))),
            None => (None, None),
        };
        let metrics = &mut entry.metrics;
        set_sample(metrics, "cpu", cpu.clone());
        set_sample(metrics, "app/cpu", cpu);
        set_sample(metrics, "memory", memory.clone());
        set_sample(metrics, "app/memory", memory);
        for &(name, per_pod) in pod_metrics {
            let sample = p.container_started.map(|_| {
                let v = if p.stage == Stage::Ready {
                    per_pod
                } else {
                    0.0
                };
                Sample {
                    value: milli_quantity(v),
                    timestamp: Some(self.t),
                    window: None,
                }
            });
            set_sample(metrics, name, sample);
        }
        entry.phase = if p.container_started.is_some() {
            PodPhase::Running
        } else {
            PodPhase::Pending
        };
        entry.ready = p.ready.map(|r| {
            if r {
                ConditionStatus::True
            } else {
                ConditionStatus::False
            }
        });
        entry.ready_since = p.ready_since;
        entry.start_time = p.start_time;
        entry.deleting = p.deleting_since.is_some();
        entry.count = 1;
    }

    /// A derived metric's value as the adapter serves it: averaged over its window,
    /// `delay` seconds stale.
    fn derived(&self, d: &crate::scenario::model::DerivedMetric) -> f64 {
        let delay = (delay_of(d).as_millis() / 1000) as usize;
        let window = ((window_of(d).as_millis() / 1000) as usize).max(1);
        let n = self.series.len();
        let end = n.saturating_sub(delay);
        let begin = end.saturating_sub(window);
        if end == begin {
            return 0.0;
        }
        let pick = |s: &(f64, f64, f64)| match d.source {
            MetricSourceKind::RequestsPerSecond => s.0,
            MetricSourceKind::QueueDepth => s.1,
            MetricSourceKind::PodRequestsPerSecond => s.2,
        };
        self.series.range(begin..end).map(pick).sum::<f64>() / (end - begin) as f64
    }

    fn row(&self, specs: &[MetricSpec], acc: &StepTotals, queued: f64) -> Row {
        let now = self.t;
        let count = |st: Stage| self.count(st);
        let metrics = specs
            .iter()
            .enumerate()
            .map(|(k, m)| {
                let observed = (self.last_observed.get(k))
                    .and_then(Option::as_ref)
                    .map(|c| c.to_string());
                (self.actual(m), observed)
            })
            .collect();
        Row {
            time_s: self.secs(now),
            clock: clock(now),
            load_rps: self.sc.load.rate(now),
            spec: self.spec,
            desired: self.last_desired.unwrap_or(self.spec),
            ready: count(Stage::Ready),
            starting: count(Stage::Starting) + count(Stage::Running),
            pending: count(Stage::Pending),
            terminating: count(Stage::Terminating),
            metrics,
            arrived: acc.arrived,
            served: acc.served,
            queued,
            failed: acc.failed,
            nodes: self.nodes,
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
        let settled = self.settled.len();
        let mean = |f: &dyn Fn(&Pod) -> f64| {
            let n = serving.len() + settled;
            match self.settled.first() {
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
                let (name, target) = match (&m.resource, &m.container_resource) {
                    (Some(r), _) => (&r.name, &r.target),
                    (_, Some(c)) => (&c.name, &c.target),
                    _ => return 0.0,
                };
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
            _ => {
                let name = m.display_name();
                match self.sc.file.metrics.get(&name) {
                    Some(d) => {
                        let last = self.series.back().copied().unwrap_or_default();
                        match d.source {
                            MetricSourceKind::RequestsPerSecond => last.0,
                            MetricSourceKind::QueueDepth => last.1,
                            MetricSourceKind::PodRequestsPerSecond => last.2,
                        }
                    }
                    None => 0.0,
                }
            }
        }
    }

    fn handle(&mut self, at: Time, due: Due) {
        let startup = &self.sc.file.workload.startup;
        let (startup_probe, readiness_probe) = (startup.startup_probe, startup.readiness_probe);
        match due {
            Due::Action(k) => self.action(k),
            Due::NodeUp => {
                self.provisioning = self.provisioning.saturating_sub(1);
                let n = self.nodes.unwrap_or(0) + 1;
                self.nodes = Some(n);
                self.record(|sim| Event::Node {
                    t: sim.secs(at),
                    nodes: n,
                });
                self.bind_waiting();
            }
            Due::Bind(i) => {
                if self.pods[i].stage != Stage::Pending {
                    return;
                }
                self.pods[i].start_time = Some(at);
                self.pod_event(i, Stage::Starting);
                let d = self.pods[i].delays;
                self.schedule(
                    at.plus(d[1]).plus(d[2]),
                    Due::ContainerUp(i, self.pods[i].generation),
                );
            }
            Due::ContainerUp(i, g) => {
                if self.pods[i].stage != Stage::Starting || self.pods[i].generation != g {
                    return;
                }
                let app_start = self.pods[i].delays[3];
                let p = &mut self.pods[i];
                p.container_started = Some(at);
                p.app_up = Some(at.plus(app_start));
                p.ready = Some(false);
                p.ready_since = p.start_time;
                self.pod_event(i, Stage::Running);
                self.begin_probing(i, at, &startup_probe, &readiness_probe);
            }
            Due::StartupProbe(i, g) => {
                let Some(probe) = startup_probe else { return };
                let Some(up) = self.probe_answer(i, g, at) else {
                    return;
                };
                let p = &mut self.pods[i];
                if up {
                    p.probe_successes += 1;
                    p.probe_failures = 0;
                    if p.probe_successes >= probe.success_threshold {
                        p.started = true;
                        p.probe_successes = 0;
                        match readiness_probe {
                            Some(r) => {
                                let first =
                                    pods::first_probe(p.container_started.unwrap_or(at), &r)
                                        .max(at);
                                self.schedule(first, Due::ReadinessProbe(i, g));
                            }
                            None => self.become_ready(i, at),
                        }
                        return;
                    }
                } else {
                    p.probe_successes = 0;
                    p.probe_failures += 1;
                    if p.probe_failures >= probe.failure_threshold {
                        // The kubelet kills and restarts the container.
                        let app_start = pods::draw(
                            &self.sc.file.workload.startup.app_start,
                            &mut self.rng_startup,
                        );
                        let p = &mut self.pods[i];
                        p.generation += 1;
                        p.probe_failures = 0;
                        p.container_started = Some(at);
                        p.app_up = Some(at.plus(app_start));
                        let g = p.generation;
                        self.record(|sim| Event::Pod {
                            t: sim.secs(at),
                            pod: sim.pods[i].name.clone(),
                            stage: Stage::Running,
                        });
                        self.schedule(pods::first_probe(at, &probe), Due::StartupProbe(i, g));
                        return;
                    }
                }
                self.schedule(pods::next_probe(at, &probe), Due::StartupProbe(i, g));
            }
            Due::ReadinessProbe(i, g) => {
                let Some(probe) = readiness_probe else { return };
                let Some(up) = self.probe_answer(i, g, at) else {
                    return;
                };
                let p = &mut self.pods[i];
                if up {
                    p.probe_successes += 1;
                    if p.probe_successes >= probe.success_threshold {
                        self.become_ready(i, at);
                        // The application stays up, so later ticks change nothing: stop.
                        return;
                    }
                } else {
                    p.probe_successes = 0;
                }
                self.schedule(pods::next_probe(at, &probe), Due::ReadinessProbe(i, g));
            }
            Due::Gone(i) => self.gone(i, at),
        }
    }

    /// A probe tick's result (is the application up?), or `None` for a stale tick: the
    /// pod left Running, or its container restarted since the tick was scheduled.
    fn probe_answer(&self, i: usize, generation: u32, at: Time) -> Option<bool> {
        let p = &self.pods[i];
        (p.stage == Stage::Running && p.generation == generation)
            .then(|| p.app_up.is_some_and(|u| u <= at))
    }

    fn begin_probing(
        &mut self,
        i: usize,
        at: Time,
        startup: &Option<Probe>,
        readiness: &Option<Probe>,
    ) {
        let g = self.pods[i].generation;
        match (startup, readiness) {
            (Some(s), _) => self.schedule(pods::first_probe(at, s), Due::StartupProbe(i, g)),
            (None, Some(r)) => self.schedule(pods::first_probe(at, r), Due::ReadinessProbe(i, g)),
            // No probe: the kubelet reports Ready as soon as the container runs.
            (None, None) => self.become_ready(i, at),
        }
    }

    fn become_ready(&mut self, i: usize, at: Time) {
        let p = &mut self.pods[i];
        p.ready = Some(true);
        p.ready_since = Some(at);
        p.ready_at = Some(at);
        self.pod_event(i, Stage::Ready);
    }

    fn gone(&mut self, i: usize, at: Time) {
        if self.pods[i].stage == Stage::Gone {
            return;
        }
        let integral = self.integral(&self.pods[i]);
        let p = &mut self.pods[i];
        p.cpu_integral = integral;
        p.steady_offset = None;
        p.gone_at = Some(at);
        p.entry = None;
        self.pod_event(i, Stage::Gone);
        self.tracked.retain(|&k| k != i);
        self.bind_waiting();
    }

    fn action(&mut self, k: usize) {
        let a = self.sc.actions[k].clone();
        let t = self.secs(self.t);
        let text = if let Some(n) = a.scale {
            let text = format!("scale the Deployment {} -> {n}", self.spec);
            self.spec = n;
            self.reconcile();
            text
        } else if let Some(p) = &a.patch_hpa {
            let mut parts = vec![];
            if let Some(m) = p.min_replicas {
                parts.push(format!(
                    "minReplicas {} -> {m}",
                    self.core.hpa.spec.min_replicas.unwrap_or(1)
                ));
            }
            if let Some(m) = p.max_replicas {
                parts.push(format!(
                    "maxReplicas {} -> {m}",
                    self.core.hpa.spec.max_replicas
                ));
            }
            if p.metrics.is_some() {
                parts.push("metrics replaced".into());
            }
            if p.behavior.is_some() {
                parts.push("behavior replaced".into());
            }
            crate::scenario::apply_patch(&mut self.core.hpa, p);
            if p.metrics.is_some() {
                // Values of metrics no longer in the spec are not served any more.
                self.core.objects.clear();
                self.core.externals.clear();
            }
            self.metric_specs = self.core.hpa.spec.effective_metrics().into_owned();
            self.metric_names = (self.metric_specs.iter())
                .map(MetricSpec::display_name)
                .collect();
            format!("patch the HPA: {}", parts.join(", "))
        } else if let Some(n) = a.kill_pods {
            let mut victims: Vec<usize> = self
                .live()
                .filter(|&i| self.pods[i].stage == Stage::Ready)
                .collect();
            victims.sort_by_key(|&i| (self.pods[i].created, i));
            victims.truncate(n as usize);
            for &i in &victims {
                self.delete(i);
            }
            self.reconcile();
            format!("kill {} Ready pods", victims.len())
        } else {
            String::new()
        };
        self.record(|_| Event::Action { t, action: text });
    }

    /// The ReplicaSet: create or delete pods until the active ones match spec.replicas.
    fn reconcile(&mut self) {
        let active: Vec<usize> = self.live().filter(|&i| self.pods[i].is_active()).collect();
        let n = active.len() as i32;
        if n < self.spec {
            for _ in n..self.spec {
                self.create_pod();
            }
        } else if n > self.spec {
            // getPodsToDelete: unbound first, then not Ready, then Ready the shortest
            // time; the newest first within each.
            let mut ranked = active;
            ranked.sort_by_key(|&i| {
                let p = &self.pods[i];
                let class = match p.stage {
                    Stage::Pending => 0,
                    Stage::Starting | Stage::Running => 1,
                    _ => 2,
                };
                (class, Reverse(p.ready_at), Reverse(p.created), Reverse(i))
            });
            for &i in ranked.iter().take((n - self.spec) as usize) {
                self.delete(i);
            }
        }
    }

    fn create_pod(&mut self) {
        let mut p = Pod::new(pod_name(self.pods.len()), self.t);
        let s = &self.sc.file.workload.startup;
        for (k, d) in [
            &s.scheduling,
            &s.image_pull,
            &s.container_start,
            &s.app_start,
        ]
        .into_iter()
        .enumerate()
        {
            p.delays[k] = pods::draw(d, &mut self.rng_startup);
        }
        let i = self.add_pod(p);
        self.pod_event(i, Stage::Pending);
        self.unbound.push_back(i);
        self.bind_waiting();
        self.maybe_provision();
    }

    fn bound_pods(&self) -> u64 {
        (self
            .tracked
            .iter()
            .filter(|&&i| self.pods[i].holds_node())
            .count()
            + self.settled.len()) as u64
    }

    /// Binds waiting pods while nodes have room (FIFO).
    fn bind_waiting(&mut self) {
        while let Some(&i) = self.unbound.front() {
            if self.pods[i].stage != Stage::Pending {
                self.unbound.pop_front();
                continue;
            }
            let room = match self.nodes {
                None => true,
                Some(n) => self.bound_pods() < n as u64 * self.pods_per_node as u64,
            };
            if !room {
                break;
            }
            self.unbound.pop_front();
            let at = self.t.plus(self.pods[i].delays[0]);
            self.pods[i].reserved = true;
            self.schedule(at, Due::Bind(i));
        }
    }

    /// The cluster autoscaler: add nodes for pods that have no room, up to maxNodes.
    fn maybe_provision(&mut self) {
        let Some(c) = &self.sc.file.capacity else {
            return;
        };
        let waiting = self
            .unbound
            .iter()
            .filter(|&&i| self.pods[i].stage == Stage::Pending)
            .count() as u64;
        if waiting == 0 {
            return;
        }
        let ppn = self.pods_per_node.max(1) as u64;
        let needed = waiting.div_ceil(ppn) as u32;
        let max = c.max_nodes.unwrap_or(c.nodes);
        let have = self.nodes.unwrap_or(0) + self.provisioning;
        let add = needed
            .saturating_sub(self.provisioning)
            .min(max.saturating_sub(have));
        let delay = c
            .provision_delay
            .map(|d| d.span())
            .unwrap_or(Span::from_secs(120));
        for _ in 0..add {
            self.provisioning += 1;
            self.schedule(self.t.plus(delay), Due::NodeUp);
        }
    }

    fn delete(&mut self, i: usize) {
        self.unsettle(i);
        let now = self.t;
        let integral = self.integral(&self.pods[i]);
        let p = &mut self.pods[i];
        p.cpu_integral = integral;
        p.steady_offset = None;
        p.deleting_since = Some(now);
        if p.ready == Some(true) {
            p.ready = Some(false);
            p.ready_since = Some(now);
        }
        if p.container_started.is_none() {
            // Nothing runs yet: the pod is removed at once.
            self.gone(i, now);
            return;
        }
        self.pod_event(i, Stage::Terminating);
        let t = &self.sc.file.workload.termination;
        let grace = Span::from_secs(t.grace_period_seconds.into());
        let exit = t.exit_after.map(|d| d.span().min(grace)).unwrap_or(grace);
        self.schedule(now.plus(exit), Due::Gone(i));
    }
}

/// Sets or removes a pod's sample under `key`, allocating the key only when it is new.
fn set_sample(metrics: &mut BTreeMap<String, Sample>, key: &str, sample: Option<Sample>) {
    match sample {
        Some(s) => set_value(metrics, key, s),
        None => {
            metrics.remove(key);
        }
    }
}

/// Sets a metric's value by name, allocating the name only when it is new.
fn set_value<V>(map: &mut BTreeMap<String, V>, key: &str, value: V) {
    match map.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            map.insert(key.to_string(), value);
        }
    }
}

fn milli_quantity(v: f64) -> Quantity {
    Quantity::from_milli((v * 1000.0).round() as i64)
}

/// The multiples of a period, met in increasing time: `due(t)` is `t % period == 0` (for
/// `t` from `first` on) without a division every simulated second.
struct Every {
    period: i64,
    next: i64,
}

impl Every {
    fn from(period: i64, first: i64) -> Every {
        Every {
            period: period.max(1),
            next: first,
        }
    }

    fn due(&mut self, t: i64) -> bool {
        if self.next < t {
            // Behind only when the period is not a whole number of seconds.
            self.next += (t - self.next + self.period - 1) / self.period * self.period;
        }
        if self.next == t {
            self.next += self.period;
            true
        } else {
            false
        }
    }
}

#[derive(Default)]
struct StepTotals {
    arrived: f64,
    served: f64,
    failed: f64,
}

impl StepTotals {
    fn add(&mut self, arrived: f64, served: f64, failed: f64) {
        self.arrived += arrived;
        self.served += served;
        self.failed += failed;
    }
}

#[derive(Default)]
struct RunTotals {
    syncs: usize,
    scale_ups: usize,
    scale_downs: usize,
    requests: f64,
    failed: f64,
    peak_queue: f64,
    queued_request_seconds: f64,
    replica_seconds: f64,
    ready_seconds: f64,
    peak_replicas: i32,
    peak_ready: usize,
    surges: Vec<Surge>,
}
