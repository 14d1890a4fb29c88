//! A run's files: timeline.csv, events.jsonl, summary.json and recorded snapshots, each
//! written atomically; and the summary a person reads in the terminal.

use std::fmt::Write as _;
use std::path::Path;

use std::collections::BTreeMap;

use serde::Serialize;

use super::output::{AtomicFile, write_atomically};
use crate::error::Error;
use crate::measure::{Judgement, Spread, StepFigures, Verdict};
use crate::sim::{Event, Record, Summary};

/// The spread of a run's figures over `--runs` seeds.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpreadReport {
    /// Runs made.
    pub runs: usize,
    /// The seed each run derives from (`--seed`, else the scenario's); run 0 uses it as is.
    pub base_seed: u64,
    /// Each figure's spread, by name.
    pub figures: BTreeMap<String, Spread>,
}

/// summary.json: the simulator's figures and the measurement's, side by side.
#[derive(Serialize)]
pub(super) struct RunReport<'a> {
    #[serde(flatten)]
    pub(super) summary: &'a Summary,
    #[serde(flatten)]
    pub(super) judgement: &'a Judgement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) spread: Option<&'a SpreadReport>,
}

/// One run's results as the report files take them.
pub struct RunOutput<'a> {
    /// What the simulator recorded.
    pub record: &'a Record,
    /// What the measurement layer made of it.
    pub judgement: &'a Judgement,
    /// With `--runs`, the spread over seeds.
    pub spread: Option<&'a SpreadReport>,
    /// Which events events.jsonl holds (`EventsKept::None`: there is no events.jsonl).
    pub events: EventsKept,
}

/// Which events a run writes to events.jsonl (`simulate --events`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventsKept {
    /// No events.jsonl.
    None,
    /// Only the controller's decisions.
    Decisions,
    /// Every decision, pod transition, action and node.
    #[default]
    All,
}

impl EventsKept {
    /// Whether `event` goes to the file.
    pub fn keeps(self, event: &Event) -> bool {
        match self {
            EventsKept::None => false,
            EventsKept::Decisions => matches!(event, Event::Decision { .. }),
            EventsKept::All => true,
        }
    }
}

/// events.jsonl written while the run goes, one JSON object a line, each event as it
/// happens (a 20-day run's events never sit in memory); complete under its name only
/// once [`EventsFile::commit`] renames it into place.
pub struct EventsFile {
    file: AtomicFile,
    kept: EventsKept,
    line: Vec<u8>,
    /// The first failure, reported by `commit` (the run cannot stop for it).
    failed: Option<Error>,
}

impl EventsFile {
    /// events.jsonl in `dir`, holding the `kept` events; none for `EventsKept::None`.
    pub fn create(dir: &Path, kept: EventsKept) -> Result<Option<EventsFile>, Error> {
        if kept == EventsKept::None {
            return Ok(None);
        }
        Ok(Some(EventsFile {
            file: AtomicFile::create(&dir.join("events.jsonl"))?,
            kept,
            line: Vec::with_capacity(4096),
            failed: None,
        }))
    }

    /// Appends `event` if the file keeps its kind.
    pub fn write(&mut self, event: &Event) {
        if self.failed.is_some() || !self.kept.keeps(event) {
            return;
        }
        self.line.clear();
        let written = serde_json::to_writer(&mut self.line, event)
            .map_err(|e| Error::Output(format!("events.jsonl: {e}")))
            .and_then(|()| {
                self.line.push(b'\n');
                self.file.write_all(&self.line)
            });
        self.failed = written.err();
    }

    /// Syncs the file and renames it into place; the first write that failed, if any.
    pub fn commit(self) -> Result<(), Error> {
        match self.failed {
            Some(e) => Err(e),
            None => self.file.commit(),
        }
    }
}

/// The timeline as CSV: one row per step, with the step's measured columns; `span_s` is
/// the seconds the row's step covers (short only for a last step cut by the run's end).
pub fn timeline_csv(record: &Record, steps: &[StepFigures]) -> Result<Vec<u8>, Error> {
    let mut out = vec![];
    write_timeline_csv(record, steps, &mut out)?;
    Ok(out)
}

/// [`timeline_csv`] written into `out` as the rows come (a long run's timeline is not
/// built in memory first).
fn write_timeline_csv(
    record: &Record,
    steps: &[StepFigures],
    out: &mut dyn std::io::Write,
) -> Result<(), Error> {
    let mut w = csv::Writer::from_writer(out);
    let header = timeline_header(&record.metric_names, record.jobs.is_some());
    let csv_err = |e: csv::Error| Error::Output(format!("timeline.csv: {e}"));
    w.write_record(&header).map_err(csv_err)?;
    let none = StepFigures::default();
    for (k, r) in record.timeline.iter().enumerate() {
        let m = steps.get(k).unwrap_or(&none);
        let ms = |x: Option<f64>| x.map(fmt).unwrap_or_default();
        let mut row = vec![
            fmt(r.time_s),
            crate::sim::clock(r.at),
            fmt(r.load_rps),
            r.spec.to_string(),
            r.desired.to_string(),
            r.ready.to_string(),
            r.starting.to_string(),
            r.pending.to_string(),
            r.terminating.to_string(),
        ];
        for m in &r.metrics {
            row.push(fmt(m.actual));
            // A number in the same unit as `_actual` (percent of the request for a
            // utilization target), as programs read it; empty before the first sync.
            row.push(m.observed_number().map(fmt).unwrap_or_default());
        }
        if let Some(jobs) = &record.jobs {
            let from = r.time_s as usize;
            let q = crate::measure::queue::step(jobs, from, (r.time_s + r.span_s) as usize);
            row.extend([
                q.depth.to_string(),
                fmt(q.oldest_age_s),
                q.in_flight.to_string(),
                q.completed.to_string(),
                q.abandoned.to_string(),
            ]);
        }
        row.extend([
            fmt(r.arrived),
            fmt(r.served),
            fmt(r.queued),
            fmt(r.failed),
            r.nodes.map(|n| n.to_string()).unwrap_or_default(),
            ms(m.p50_ms),
            ms(m.p95_ms),
            ms(m.p99_ms),
            m.slo_ok.map(|ok| ok.to_string()).unwrap_or_default(),
            format!("{:.4}", m.cost_so_far_usd),
            fmt(r.span_s),
        ]);
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()
        .map_err(|e| Error::Output(format!("timeline.csv: {e}")))
}

/// timeline.csv's header for a run with these HPA metrics (`Record::metric_names`) and,
/// with `worker`, a worker's queue columns: the one list [`timeline_csv`] writes and
/// [`timeline_columns`] gives before a run.
pub fn timeline_header(metric_names: &[String], worker: bool) -> Vec<String> {
    let mut header: Vec<String> = [
        "time_s",
        "clock",
        "load_rps",
        "spec_replicas",
        "desired_replicas",
        "ready",
        "starting",
        "pending",
        "terminating",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for name in metric_names {
        let col = name.replace('/', "_");
        header.push(format!("{col}_actual"));
        header.push(format!("{col}_observed"));
    }
    if worker {
        header.extend(WORKER_COLUMNS.iter().map(|s| s.to_string()));
    }
    header.extend(
        [
            "arrived",
            "served",
            "queued",
            "failed",
            "nodes",
            "latency_p50_ms",
            "latency_p95_ms",
            "latency_p99_ms",
            "slo_ok",
            "cost_usd",
            "span_s",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    header
}

/// The columns a run of `sc` writes to timeline.csv, without running it: the header
/// depends only on the HPA's metrics at the start and on `workload.worker`.
pub fn timeline_columns(sc: &crate::scenario::Scenario) -> Vec<String> {
    timeline_header(
        &crate::sim::metric_names(sc),
        sc.file.workload.worker.is_some(),
    )
}

/// A worker's timeline columns (`workload.worker`): jobs waiting, the oldest waiting
/// job's age (s) and jobs in flight at the end of the step; jobs completed and abandoned
/// (back to the queue at a pod's grace period's end) in the step.
pub const WORKER_COLUMNS: [&str; 5] = [
    "queue_depth",
    "oldest_age_s",
    "jobs_in_flight",
    "completed",
    "abandoned",
];

/// Three decimals, trailing zeros dropped: stable, compact numbers.
fn fmt(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The events, one JSON object a line.
pub fn events_jsonl(record: &Record) -> Result<Vec<u8>, Error> {
    let mut out = vec![];
    for e in &record.events {
        serde_json::to_writer(&mut out, e).map_err(|e| Error::Output(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// summary.json's numbers by their dotted names, as sweeps and checks name them
/// (`cost.totalUsd`, `slo.violationSeconds`, `latency.worstP95Ms`, `scaleUps`): every
/// number outside a list; a `null` (a figure the run has no value for, such as the worst
/// p95 of a run that served nothing) reads as NaN. The spread over seeds and the
/// shortfall at the start are left out.
pub fn summary_figures(
    summary: &Summary,
    judgement: &Judgement,
) -> Result<BTreeMap<String, f64>, Error> {
    let report = RunReport {
        summary,
        judgement,
        spread: None,
    };
    // The shortfall a run starts with goes with the surges, not the figures: some runs
    // have it and some not, and every run must name the same figures (sweeps and --runs
    // line them up by name).
    super::figure_names::figures_by_name(&report, "shortAtStart")
        .map_err(|e| Error::Output(e.to_string()))
}

/// Writes timeline.csv, events.jsonl and summary.json into `dir`, and with `snapshots`
/// one file per sync, `<second, 9 digits>.json`, holding the snapshot and its decision
/// (and per KEDA poll, `<second>-keda.json`, a ScaledObject snapshot).
/// events.jsonl is `streamed`'s when the run wrote its events as it went (committed
/// here), else the record's events, filtered by `run.events`.
pub fn write_run(
    run: &RunOutput,
    dir: &Path,
    snapshots: Option<&Path>,
    streamed: Option<EventsFile>,
) -> Result<(), Error> {
    let record = run.record;
    let mut timeline = AtomicFile::create(&dir.join("timeline.csv"))?;
    write_timeline_csv(record, &run.judgement.steps, &mut timeline)?;
    timeline.commit()?;
    match streamed {
        Some(file) => file.commit()?,
        None if run.events != EventsKept::None => {
            let mut out = vec![];
            for e in record.events.iter().filter(|e| run.events.keeps(e)) {
                serde_json::to_writer(&mut out, e).map_err(|e| Error::Output(e.to_string()))?;
                out.push(b'\n');
            }
            write_atomically(&dir.join("events.jsonl"), &out)?;
        }
        None => {}
    }
    let report = RunReport {
        summary: &record.summary,
        judgement: run.judgement,
        spread: run.spread,
    };
    let mut summary =
        serde_json::to_vec_pretty(&report).map_err(|e| Error::Output(e.to_string()))?;
    summary.push(b'\n');
    write_atomically(&dir.join("summary.json"), &summary)?;
    if let Some(sdir) = snapshots {
        let mut folder = super::output::AtomicFolder::new(sdir)?;
        for s in &record.syncs {
            let mut snap = s.snapshot.clone();
            snap.decision =
                Some(serde_json::to_value(&s.decision).map_err(|e| Error::Output(e.to_string()))?);
            let mut text =
                serde_json::to_vec_pretty(&snap).map_err(|e| Error::Output(e.to_string()))?;
            text.push(b'\n');
            folder.write(&format!("{:09}.json", s.second), &text)?;
        }
        // KEDA's polls (a ScaledObject scenario), as ScaledObject snapshots.
        for p in &record.keda_polls {
            let mut text =
                serde_json::to_vec_pretty(&p.snapshot).map_err(|e| Error::Output(e.to_string()))?;
            text.push(b'\n');
            folder.write(&format!("{:09}-keda.json", p.second), &text)?;
        }
        folder.commit()?;
    }
    Ok(())
}

/// The summary as a short table a person scans: cost, the SLO verdict and its worst
/// episode first.
pub fn summary_text(run: &RunOutput, out_dir: &Path) -> String {
    let s = &run.record.summary;
    let j = run.judgement;
    let mut t = String::new();
    let hours = s.duration_s / 3600.0;
    let _ = writeln!(
        t,
        "{} (seed {}): {:.1} h simulated, {} HPA syncs",
        s.scenario, s.seed, hours, s.syncs
    );
    let _ = writeln!(
        t,
        "  cost       ${:.2} (${:.2}/h), {:.2} pod-hours; ${:.2} ({:.0}%) beyond what the load needed at the target",
        j.cost.total_usd,
        j.cost.per_hour_usd,
        j.cost.pod_hours,
        j.cost.waste_usd,
        j.cost.waste_fraction * 100.0
    );
    match &j.slo {
        None => {
            let _ = writeln!(t, "  SLO        none declared (add `slo:` to the scenario)");
        }
        Some(r) => {
            let verdict = match r.verdict {
                Verdict::Met => "MET",
                Verdict::Violated => "VIOLATED",
            };
            let worst = r
                .episodes
                .list
                .first()
                .map(|e| {
                    format!(
                        "; worst episode {}s from {}",
                        e.seconds,
                        clock_at(s, e.start_s as f64)
                    )
                })
                .unwrap_or_default();
            let budget = r
                .latency_budget
                .iter()
                .chain(&r.error_budget)
                .map(|b| b.consumed)
                .fold(0.0f64, f64::max);
            let _ = writeln!(
                t,
                "  SLO        {verdict}: {} s in violation over {} episodes{worst}; {:.3}% of {} missed, {:.0}% of the budget spent",
                r.violation_seconds,
                r.episodes.count,
                r.missed_fraction * 100.0,
                if j.queue.is_some() {
                    "jobs"
                } else {
                    "requests"
                },
                budget * 100.0
            );
        }
    }
    let ms = |x: Option<f64>| x.map(|v| format!("{v:.0} ms")).unwrap_or("-".into());
    if let Some(q) = &j.queue {
        let sec = |x: Option<f64>| x.map(|v| format!("{v:.1} s")).unwrap_or("-".into());
        let late = q
            .over_deadline
            .map(|n| format!("; {n} over the deadline"))
            .unwrap_or_default();
        let _ = writeln!(
            t,
            "  jobs       {} arrived, {} completed, {} abandoned; {} waiting and {} in flight at the end{late}",
            q.arrived, q.completed, q.abandoned, q.backlog_at_end, q.in_flight_at_end
        );
        let _ = writeln!(
            t,
            "  job wait   p50 {}, p95 {}, p99 {}, max {}; queue peak {} jobs, oldest {:.0} s",
            sec(q.wait_p50_s),
            sec(q.wait_p95_s),
            sec(q.wait_p99_s),
            sec(q.wait_max_s),
            q.peak_depth,
            q.peak_oldest_age_s
        );
    } else {
        let _ = writeln!(
            t,
            "  latency    typical second p50 {}, p95 {}, p99 {}; worst p95 {}{}",
            ms(j.latency.typical_p50_ms),
            ms(j.latency.typical_p95_ms),
            ms(j.latency.typical_p99_ms),
            ms(j.latency.worst_p95_ms),
            j.latency
                .worst_p95_at_s
                .map(|at| format!(" at {}", clock_at(s, at)))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        t,
        "  replicas   peak {}, mean {:.1}; Ready peak {}, mean {:.1}",
        s.peak_replicas, s.mean_replicas, s.peak_ready, s.mean_ready
    );
    let _ = writeln!(
        t,
        "  scaling    {} scale-ups, {} scale-downs; {} pods created",
        s.scale_ups, s.scale_downs, s.pods_created
    );
    let e = &j.elasticity;
    let _ = writeln!(
        t,
        "  elasticity under-provisioned {:.1}% of the time (by {:.1}% of demand), over-provisioned {:.1}% (by {:.1}%); instability k {:.1}%, k' {:.1}%; jitter {:+.2} pods/min",
        e.under_timeshare_pct,
        e.under_accuracy_pct,
        e.over_timeshare_pct,
        e.over_accuracy_pct,
        e.instability_pct,
        e.instability_mirrored_pct,
        e.jitter_per_minute
    );
    if j.queue.is_none() {
        let _ = writeln!(
            t,
            "  requests   {:.0} arrived, {:.0} failed ({:.3}%), peak queue {:.0}",
            s.requests,
            s.failed_requests,
            s.failed_fraction * 100.0,
            s.peak_queue
        );
    }
    if s.surges.is_empty() {
        let _ = writeln!(
            t,
            "  surges     none: Ready pods kept up with the load at the HPA's target"
        );
    } else {
        let times: Vec<String> = s
            .surges
            .iter()
            .map(|x| {
                x.seconds_to_enough
                    .map(|d| format!("{d:.0}s"))
                    .unwrap_or_else(|| "never".into())
            })
            .collect();
        let worst = s
            .surges
            .iter()
            .map(|x| x.worst_shortfall)
            .max()
            .unwrap_or(0);
        let shown = if times.len() > 8 {
            format!("{} ...", times[..8].join(", "))
        } else {
            times.join(", ")
        };
        let _ = writeln!(
            t,
            "  surges     {} until enough pods were Ready: {shown} (worst short {worst} pods)",
            s.surges.len()
        );
    }
    if let Some(a) = &s.short_at_start {
        let until = a
            .seconds_to_enough
            .map_or("not enough by the end".into(), |d| {
                format!("enough after {d:.0}s")
            });
        let pods = if a.worst_shortfall == 1 {
            "pod"
        } else {
            "pods"
        };
        let _ = writeln!(
            t,
            "             (not a surge: the run started {} {pods} short of the load, {until})",
            a.worst_shortfall
        );
    }
    if let Some(sp) = run.spread {
        let _ = writeln!(
            t,
            "  spread over {} runs (seeds derived from {}):",
            sp.runs, sp.base_seed
        );
        let _ = writeln!(
            t,
            "    {:<22} {:>12} {:>12} {:>12} {:>12}  worst seed",
            "figure", "mean", "p50", "p95", "worst"
        );
        for (name, f) in &sp.figures {
            let _ = writeln!(
                t,
                "    {name:<22} {:>12} {:>12} {:>12} {:>12}  {}",
                fig(f.mean),
                fig(f.p50),
                fig(f.p95),
                fig(f.worst),
                f.worst_seed
            );
        }
    }
    let events = if run.events == EventsKept::None {
        ""
    } else {
        "events.jsonl, "
    };
    let _ = writeln!(
        t,
        "  written    {}/{{timeline.csv, {events}summary.json}}",
        out_dir.display()
    );
    t
}

/// The scenario's clock `at_s` seconds into the run.
fn clock_at(s: &Summary, at_s: f64) -> String {
    crate::sim::clock(crate::core::Time::from_millis(
        ((s.start_s + at_s) * 1000.0) as i64,
    ))
}

/// A figure in a table column: four significant digits or so.
fn fig(x: f64) -> String {
    if x.abs() >= 1000.0 || x == 0.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}
