//! The clock and the event queue: the run's set-up and what happens, in what order, each
//! simulated second. The rules of each step live in the sibling files (pods' lifecycle,
//! the ReplicaSet and nodes, CPU accounting, derived metrics, the core's snapshot,
//! observation, the second's serving in `second.rs`); this file only orders them.
//!
//! Each second, in this order: due events (pod transitions, probe ticks, node arrivals,
//! scheduled actions) in (time, insertion) order; a metrics-server scrape when one is due;
//! KEDA's poll when one is due; an HPA sync when one is due; then the second's serving. Ties are FIFO, so a seed gives
//! the same run everywhere.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::cpu::SettledGroup;
use super::derived::Series;
use super::observe::{RunTotals, StepTotals};
use super::pods::{Pod, Scrape, Stage};
use super::record::{Event, HpaEpoch, Marks, Record, RecordedSync, Row, RunWatch};
use super::replicaset::{Nodes, pods_per_node};
use super::second::ServingPass;
use super::serving::ServingModel;
use super::shared::{Draw, Shared};
use crate::core::api::MetricSpec;
use crate::core::snapshot::History;
use crate::core::{Reading, Snapshot, Span, Time};
use crate::scenario::Scenario;

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

pub(super) const SECOND: Span = Span::from_secs(1);

/// What the event queue holds: something due at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Due {
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
    /// A custom resource's operator makes the pods follow its replicas.
    Operator,
    /// The StatefulSet controller looks again: a pod's `minReadySeconds` have passed
    /// (the controller's `enqueueSSAfter`).
    StatefulSet,
}

/// The simulation's state between seconds. Fields are shared with the sibling files, each
/// of which owns the rules of some of them.
pub(super) struct Sim<'a> {
    pub(super) sc: &'a Scenario,
    pub(super) t: Time,
    /// What the core is handed at each sync, kept between syncs and brought up to date in
    /// place: the HPA as patched, the controller's memory, the settled pods' entry. A sync
    /// then allocates little beyond the decision it records.
    pub(super) core: Snapshot,
    /// The HPA's metrics as the controller reads them, and their names (kept in step with
    /// patches).
    pub(super) metric_specs: Vec<MetricSpec>,
    pub(super) metric_names: Vec<String>,
    /// The scale target's spec.replicas: what the HPA reads and writes.
    pub(super) spec: i32,
    /// The replicas the pods are kept at: `spec`, once the target's operator has acted on
    /// it (at once for a Deployment).
    pub(super) followed: i32,
    pub(super) pods: Vec<Pod>,
    /// Live pods followed one by one: all but the settled ones (and, until `forget_gone`,
    /// pods gone since it last ran).
    pub(super) tracked: Vec<usize>,
    /// Some pod of `tracked` is gone.
    pub(super) tracked_gone: bool,
    /// Pods looked at by the event-driven bookkeeping (binding, the ReplicaSet, dropping
    /// gone pods): what the tests hold to a linear growth, the per-second passes aside.
    pub(super) pod_visits: u64,
    /// Warm Ready pods that cost nothing per second and reach the core as one entry.
    pub(super) settled: SettledGroup,
    /// Live pods in each stage (indexed by `Stage as usize`).
    pub(super) stage_counts: [usize; 6],
    queue: BinaryHeap<Reverse<(Time, u64, Due)>>,
    seq: u64,
    rng_arrivals: ChaCha8Rng,
    pub(super) rng_startup: ChaCha8Rng,
    /// What the timeline shows of the last decision: the desired count and each metric's
    /// value as the HPA saw it.
    pub(super) last_desired: Option<i32>,
    pub(super) last_observed: Vec<Option<Reading>>,
    pub(super) serving: ServingModel,
    /// What a starting pod burns ([`Sim::startup_cpu`]), worked out once.
    pub(super) startup_cpu_milli: f64,
    pub(super) waiting_requests: f64,
    /// Memory with no load, and per request served per second (milli-bytes).
    pub(super) memory_base: f64,
    pub(super) memory_per_request: f64,
    pub(super) nodes: Nodes,
    /// Per-second history for derived metrics.
    pub(super) series: Series,
    pub(super) events: Vec<Event>,
    /// Where the events go instead of `events`, as they happen (a watched run).
    watch: Option<&'a mut dyn RunWatch>,
    /// The actions and rescales the charts mark, kept whatever happens to the events.
    pub(super) marks: Marks,
    pub(super) syncs: Vec<RecordedSync>,
    /// The last decision's lists, for the next sync to fill (when nothing kept it).
    pub(super) spare_decision: crate::core::Spare,
    pub(super) keep_snapshots: bool,
    pub(super) keep_events: bool,
    /// The HPA's limits and targets, from the start and after each patch.
    pub(super) hpa_epochs: Vec<HpaEpoch>,
    /// The metrics' names at the start: the timeline's columns, whatever patches do.
    pub(super) timeline_names: Vec<String>,
    /// KEDA's loop, for a scenario with a ScaledObject.
    pub(super) keda: Option<super::keda_loop::KedaRun>,
    /// A worker's queue and jobs (`workload.worker`); none for a server.
    pub(super) jobs: Option<super::queue::Jobs>,
    /// How often long-lived client connections are re-established (`traffic.rebalance`).
    pub(super) rebalance: Option<Span>,
    /// The StatefulSet's pods by ordinal, when the HPA scales one.
    pub(super) stateful: Option<super::statefulset::Ordinals>,
}

/// Runs a scenario to its end.
pub fn run(sc: &Scenario, opts: &Options) -> Record {
    let seed = opts.seed.unwrap_or(sc.seed);
    Sim::new(sc, opts, seed).run(opts.step, seed, None)
}

/// Runs a scenario to its end as [`run`] does, sharing with the thread's other runs what
/// they have in common (see [`Shared`]): the same record. Hand the record back with
/// [`Shared::keep`] once it is read.
pub fn run_sharing(sc: &Scenario, opts: &Options, shared: &mut Shared) -> Record {
    let seed = opts.seed.unwrap_or(sc.seed);
    Sim::new(sc, opts, seed).run(opts.step, seed, Some(shared))
}

/// Runs a scenario to its end, handing each event to `watch` as it happens instead of
/// keeping it (`opts.keep_events` is not read; the record's `events` stay empty), and
/// telling it how far the run has come: a long run's events never sit in memory.
pub fn run_watched<'a>(sc: &'a Scenario, opts: &Options, watch: &'a mut dyn RunWatch) -> Record {
    let seed = opts.seed.unwrap_or(sc.seed);
    let mut sim = Sim::new(sc, opts, seed);
    sim.watch = Some(watch);
    sim.run(opts.step, seed, None)
}

/// The names of a run's HPA metrics, in the record's order (`Record::metric_names`, the
/// timeline's `NAME_actual`/`NAME_observed` columns): the metrics as the run starts (a
/// patch later does not rename the columns), known without running it.
pub fn metric_names(sc: &Scenario) -> Vec<String> {
    (sc.hpa.spec.effective_metrics().iter())
        .map(MetricSpec::display_name)
        .collect()
}

pub(super) fn pod_name(i: usize) -> String {
    format!("pod-{:05}", i + 1)
}

/// The clock as a person reads it: HH:MM:SS, with a day prefix after the first day.
pub fn clock(t: Time) -> String {
    crate::units::clock(t, crate::units::ClockStyle::Timeline)
}

impl<'a> Sim<'a> {
    /// The run set up at the scenario's start: the initial pods Ready and settled in, the
    /// actions scheduled.
    pub(super) fn new(sc: &'a Scenario, opts: &Options, seed: u64) -> Sim<'a> {
        let stream = |k| {
            let mut r = ChaCha8Rng::seed_from_u64(seed);
            r.set_stream(k);
            r
        };
        let serving = ServingModel::for_scenario(sc);
        let metric_specs = sc.hpa.spec.effective_metrics().into_owned();
        let mut sim = Sim {
            sc,
            t: sc.start,
            core: Snapshot {
                now: sc.start,
                hpa: sc.hpa.clone(),
                current_replicas: sc.file.workload.replicas(),
                status_replicas: None,
                pods: vec![],
                objects: BTreeMap::new(),
                externals: BTreeMap::new(),
                history: History::default(),
                controller: sc.controller_flags(),
                decision: None,
            },
            metric_names: metric_names(sc),
            metric_specs,
            spec: sc.file.workload.replicas(),
            followed: sc.file.workload.replicas(),
            pods: vec![],
            tracked: vec![],
            tracked_gone: false,
            pod_visits: 0,
            settled: SettledGroup::new(serving.baseline_milli),
            stage_counts: [0; 6],
            queue: BinaryHeap::new(),
            seq: 0,
            rng_arrivals: stream(STREAM_ARRIVALS),
            rng_startup: stream(STREAM_STARTUP),
            last_desired: None,
            last_observed: vec![],
            serving,
            startup_cpu_milli: 0.0,
            waiting_requests: 0.0,
            memory_base: sc.pod.baseline_memory() as f64,
            memory_per_request: sc.pod.memory_per_request() as f64,
            nodes: Nodes {
                usable: sc.file.capacity.as_ref().map(|c| c.nodes),
                provisioning: 0,
                pods_per_node: pods_per_node(sc),
                unbound: VecDeque::new(),
                bound: 0,
                waiting: 0,
            },
            series: Series::for_metrics(&sc.file.metrics),
            events: vec![],
            watch: None,
            marks: Marks::default(),
            syncs: vec![],
            spare_decision: crate::core::Spare::default(),
            keep_snapshots: opts.keep_snapshots,
            keep_events: opts.keep_events,
            hpa_epochs: vec![],
            timeline_names: vec![],
            keda: super::keda_loop::KedaRun::for_scenario(sc),
            jobs: (sc.file.workload.worker.as_ref()).map(|w| super::queue::Jobs::new(w, seed)),
            rebalance: (sc.file.traffic.as_ref())
                .and_then(|t| t.rebalance)
                .map(|r| r.every.span()),
            stateful: sc.stateful.as_ref().map(|_| Default::default()),
        };
        sim.startup_cpu_milli = sim.startup_cpu();
        sim.timeline_names.clone_from(&sim.metric_names);
        sim.hpa_epochs.push(sim.hpa_epoch());
        // The initial pods ran before the start, serving the load as it was then: give
        // them a metrics-server history, so the first sync sees them as a cluster would.
        let n = sim.spec.max(1) as f64;
        let served0 = (sc.load.rate(sc.start) / n).min(serving.capacity(1.0));
        let cpu0 = serving.cpu(served0, 1.0);
        let window = sc.file.metrics_server.window.span();
        let w = window.as_millis() as f64;
        let before = Scrape {
            at: sc.start.minus(window),
            integral: -w * cpu0,
            parts: [-w, -w * served0, 0.0],
        };
        sim.settled.scrapes.push_back(before);
        for _ in 0..sim.spec {
            let i = sim.pods.len();
            let mut p = Pod::steady(sim.new_pod_name(i as u32), sc.start);
            p.steady_offset = Some(0.0);
            p.steady_from = Some(before.at);
            p.scrapes.push(before);
            let i = sim.add_pod(p);
            sim.ordinal_created(i as u32, i);
        }
        for (i, a) in sc.actions.iter().enumerate() {
            sim.schedule(a.at.0, Due::Action(i));
        }
        sim
    }

    pub(super) fn schedule(&mut self, at: Time, due: Due) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, due)));
    }

    /// Seconds since the start of the run.
    pub(super) fn secs(&self, t: Time) -> f64 {
        (t.as_millis() - self.sc.start.as_millis()) as f64 / 1000.0
    }

    /// A new pod, followed one by one.
    pub(super) fn add_pod(&mut self, p: Pod) -> usize {
        let i = self.pods.len();
        self.stage_counts[p.stage as usize] += 1;
        if p.holds_node() {
            self.nodes.bound += 1;
        }
        self.pods.push(p);
        self.tracked.push(i);
        i
    }

    /// Every live pod, tracked or settled.
    pub(super) fn live(&self) -> impl Iterator<Item = usize> + '_ {
        self.tracked.iter().chain(&self.settled.pods).copied()
    }

    pub(super) fn count(&self, stage: Stage) -> usize {
        self.stage_counts[stage as usize]
    }

    pub(super) fn pod_event(&mut self, i: usize, stage: Stage) {
        self.nodes.stage_changes(&self.pods[i], stage);
        self.stage_counts[self.pods[i].stage as usize] -= 1;
        self.stage_counts[stage as usize] += 1;
        self.pods[i].stage = stage;
        self.record(|sim| Event::Pod {
            t: sim.secs(sim.t),
            pod: sim.pods[i].name.clone(),
            stage,
        });
    }

    /// Whether events are kept or watched: when not, none is built.
    pub(super) fn takes_events(&self) -> bool {
        self.keep_events || self.watch.is_some()
    }

    /// Keeps an event, or hands it to the watch, when the run takes them (built only then).
    pub(super) fn record(&mut self, event: impl FnOnce(&Self) -> Event) {
        if self.takes_events() {
            let e = event(self);
            self.emit(e);
        }
    }

    /// An event built: to the watch when there is one, else kept.
    pub(super) fn emit(&mut self, event: Event) {
        match &mut self.watch {
            Some(watch) => watch.event(&event),
            None => self.events.push(event),
        }
    }

    /// Handles every event due by now, in (time, insertion) order.
    pub(super) fn handle_due(&mut self) {
        let now = self.t;
        while let Some(Reverse((at, _, due))) = self.queue.peek().copied() {
            if at > now {
                break;
            }
            self.queue.pop();
            self.handle(at, due);
        }
        self.forget_gone();
    }

    /// Pods gone since the last call leave `tracked`, the others keeping their order (as
    /// if each had left when it went): one pass, whatever the number gone. Run before
    /// anything that reads `tracked` by position (the scrape, the snapshot, the serving).
    pub(super) fn forget_gone(&mut self) {
        if !std::mem::take(&mut self.tracked_gone) {
            return;
        }
        self.pod_visits += self.tracked.len() as u64;
        let pods = &self.pods;
        self.tracked.retain(|&i| pods[i].stage != Stage::Gone);
    }

    fn run(mut self, step: Span, seed: u64, mut shared: Option<&mut Shared>) -> Record {
        let sc = self.sc;
        let start = sc.start.as_millis();
        let mut scrapes = Every::from(sc.file.metrics_server.resolution.span().as_millis(), 0);
        let sync = sc.file.controller.sync_period.span().as_millis();
        let mut syncs = Every::from(sync, sync);
        let mut rows = Every::from(step.as_millis().max(1000), 0);
        let metric_specs = self.metric_specs.clone();
        let metric_names = self.metric_names.clone();

        let mut timeline = vec![];
        let length_s = ((sc.end.as_millis() - start) / 1000) as usize;
        let mut seconds = match &mut shared {
            Some(shared) => shared.seconds(length_s),
            None => Vec::with_capacity(length_s),
        };
        // The seconds' rates and arrivals: remembered from a run of the same load and
        // seed, else drawn (and remembered when shared).
        let mut draws = match &shared {
            Some(shared) => shared.draws(&sc.load, seed, sc.start, sc.end),
            None => Draw::Drawing(Vec::new()),
        };
        let mut acc = StepTotals::default();
        let mut open: Option<Row> = None;
        let mut last_queued = 0.0;
        let mut totals = RunTotals::default();
        let mut pass = ServingPass::new(&self);
        let total = crate::core::Span::from_millis(sc.end.as_millis() - start);
        let mut minutes = Every::from(60_000, 0);
        let mut reconnections = self
            .rebalance
            .map(|every| Every::from(every.as_millis(), 0));
        // The first time one of the periodic steps is due: most seconds come before it,
        // and need not ask each (`Every::due` is false, and changes nothing, until then).
        let mut next_periodic = i64::MIN;

        while self.t < sc.end {
            let now = self.t;
            let elapsed = now.as_millis() - start;
            let periodic = elapsed >= next_periodic;
            if periodic
                && minutes.due(elapsed)
                && let Some(watch) = &mut self.watch
            {
                watch.progress(crate::core::Span::from_millis(elapsed), total);
            }
            self.handle_due();
            if periodic && scrapes.due(elapsed) {
                self.scrape();
            }
            let sync_due = periodic && syncs.due(elapsed);
            self.keda_poll_if_due(sync_due, &mut totals);
            if sync_due {
                self.sync(&mut totals);
            }

            if let Some(r) = &mut reconnections {
                if periodic && r.due(elapsed) {
                    self.reconnect();
                }
                self.reconnect_if_stranded();
            }

            // Serving for [now, now + 1s).
            let (rate, arrivals) = match &mut draws {
                Draw::Remembered(seconds) => seconds[(elapsed / 1000) as usize],
                Draw::Drawing(drawn) => {
                    let d = sc
                        .load
                        .rate_and_arrivals(now, SECOND, &mut self.rng_arrivals);
                    if shared.is_some() {
                        drawn.push(d);
                    }
                    d
                }
            };
            let (figures, second) = self.serve_second(&mut pass, rate, arrivals);
            seconds.push(figures);
            totals.add_second(
                figures.arrivals,
                &second,
                self.spec,
                i64::from(figures.ready),
            );

            // A row shows the state at its second and the requests of its whole step, from
            // its second to the next row's: it is written when the next one opens.
            if periodic && rows.due(elapsed) {
                timeline.extend(open.take().map(|r| acc.close(r, last_queued, now)));
                open = Some(self.row(&metric_specs));
                acc = StepTotals::default();
            }
            acc.add(figures.arrivals, second.served, second.failed);
            last_queued = second.queued;
            if periodic {
                next_periodic = [&minutes, &scrapes, &syncs, &rows]
                    .into_iter()
                    .chain(&reconnections)
                    .map(Every::next)
                    .min()
                    .unwrap_or(i64::MAX);
            }
            self.t = now.plus(SECOND);
        }
        // The last step, whole or cut short by the run's end.
        timeline.extend(open.map(|r| acc.close(r, last_queued, sc.end)));
        if let Some(watch) = &mut self.watch {
            watch.progress(total, total);
        }

        let drawn = match draws {
            Draw::Drawing(drawn) => Some(drawn),
            Draw::Remembered(_) => None,
        };
        if let (Some(shared), Some(drawn)) = (shared, drawn) {
            shared.remember(&sc.load, seed, sc.start, sc.end, drawn);
        }
        let summary = self.summary(totals, pass.surges.finish(), seed);
        Record {
            timeline,
            seconds,
            metric_names,
            metric_specs,
            hpa_epochs: std::mem::take(&mut self.hpa_epochs),
            setting: self.setting(),
            events: self.events,
            marks: self.marks,
            syncs: self.syncs,
            keda_polls: self.keda.map(|k| k.recorded).unwrap_or_default(),
            summary,
            jobs: self.jobs.map(super::queue::Jobs::finish),
        }
    }
}

/// The multiples of a period, met in increasing time: `due(t)` is `t % period == 0` (for
/// `t` from `first` on) without a division every simulated second.
pub(super) struct Every {
    period: i64,
    next: i64,
}

impl Every {
    pub(super) fn from(period: i64, first: i64) -> Every {
        Every {
            period: period.max(1),
            next: first,
        }
    }

    /// The first time from which `due` may be true.
    pub(super) fn next(&self) -> i64 {
        self.next
    }

    pub(super) fn due(&mut self, t: i64) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing;

    #[test]
    fn every_is_due_at_each_multiple_of_its_period_from_its_first() {
        // (period, first, the times asked, the times due)
        let cases: [(i64, i64, &[i64], &[i64]); 3] = [
            (
                15_000,
                15_000,
                &[0, 1000, 15_000, 16_000, 30_000],
                &[15_000, 30_000],
            ),
            (1000, 0, &[0, 1000, 2000], &[0, 1000, 2000]),
            // A period that is not whole seconds: due at the first second at or past
            // each multiple... only when exactly met.
            (1500, 0, &[0, 1000, 2000, 3000], &[0, 3000]),
        ];
        for (period, first, asked, due) in cases {
            let mut e = Every::from(period, first);
            let got: Vec<i64> = asked.iter().copied().filter(|&t| e.due(t)).collect();
            assert_eq!(got, due, "period {period}, first {first}");
        }
    }

    /// A watch that keeps what it is handed.
    #[derive(Default)]
    struct Kept {
        events: Vec<String>,
        progress: Vec<(i64, i64)>,
    }

    impl RunWatch for Kept {
        fn event(&mut self, event: &Event) {
            self.events.push(format!("{event:?}"));
        }
        fn progress(&mut self, done: Span, total: Span) {
            self.progress.push((done.whole_secs(), total.whole_secs()));
        }
    }

    #[test]
    fn a_watched_run_hands_out_the_events_a_kept_run_holds_and_records_the_same_run() {
        let sc = testing::scenario(
            "    appStart: {fixed: 20s}",
            "actions:\n- {at: 00:01:00, scale: 5}\n- {at: 00:04:00, killPods: 2}",
        );
        let kept = run(&sc, &Options::default());
        let mut watch = Kept::default();
        let watched = run_watched(&sc, &Options::default(), &mut watch);
        let kept_events: Vec<String> = kept.events.iter().map(|e| format!("{e:?}")).collect();
        assert!(kept_events.len() > 20, "the run has events to hand out");
        assert_eq!(
            watch.events, kept_events,
            "the same events, in the same order"
        );
        assert!(watched.events.is_empty(), "a watched run keeps none itself");
        assert_eq!(
            format!("{:?}", watched.timeline),
            format!("{:?}", kept.timeline)
        );
        assert_eq!(
            format!("{:?}", watched.summary),
            format!("{:?}", kept.summary)
        );
        // The charts' marks do not depend on the events being kept.
        let without = run(
            &sc,
            &Options {
                keep_events: false,
                ..Options::default()
            },
        );
        for r in [&watched, &without] {
            assert_eq!(r.marks, kept.marks);
        }
        assert_eq!(kept.marks.actions.len(), 2);
        assert!(!kept.marks.rescales.is_empty());
        // Progress every simulated minute of the ten, then the end.
        let done: Vec<i64> = watch.progress.iter().map(|p| p.0).collect();
        assert_eq!(done, (0..=10).map(|m| m * 60).collect::<Vec<_>>());
        assert!(watch.progress.iter().all(|p| p.1 == 600));
    }

    #[test]
    fn the_initial_pods_start_ready_and_tracked_with_the_actions_scheduled() {
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}",
            "actions:\n- {at: 00:01:00, scale: 3}",
        );
        let sim = Sim::new(&sc, &Options::default(), 1);
        assert_eq!(sim.count(Stage::Ready), 2);
        assert_eq!(sim.tracked.len(), 2);
        assert_eq!(sim.queue.len(), 1);
        assert_eq!(sim.settled.scrapes.len(), 1);
    }
}
