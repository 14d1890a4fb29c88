//! A run's charts and report.html: the timeline (with the measured latency against the
//! SLO), the band over `--runs`, the comparison of variants; the summary tables beside
//! them. Renders what it is given; never simulates or judges.

use std::path::{Path, PathBuf};

use super::charts::{
    Band, BandData, ChartOptions, CompareData, LatencySeries, LoadUnit, TimelineData, Variant,
    band_chart, band_svg, compare_chart, compare_svg, timeline_chart, timeline_svg,
};
use super::comparison::{comparison_grid, scenario_diff};
use super::html::{ReportData, Table, report_html};
use super::output::write_atomically;
use super::run_files::{RunOutput, SpreadReport};
use super::run_report::{glossary, provenance, report_grids, verdict_reason};
use crate::error::Error;
use crate::measure::{Judgement, Verdict};
use crate::scenario::Scenario;
use crate::sim::Record;

/// One run's series across `--runs`: its Ready pods and worst-second p95 per row.
#[derive(Clone, Debug)]
pub struct RunSeries {
    /// The run's seed.
    pub seed: u64,
    /// Ready pods per timeline row.
    pub ready: Vec<f64>,
    /// The row's worst-second p95 latency, ms.
    pub p95_ms: Vec<Option<f64>>,
}

/// The timeline chart's data, with the judged latency, the SLO threshold and the spans
/// of steps that missed the objectives.
pub fn timeline_with_latency(record: &Record, j: &Judgement, sc: &Scenario) -> TimelineData {
    let mut d = super::chart_data::timeline_data(record);
    let slo_ms = sc
        .file
        .slo
        .as_ref()
        // A worker's "latency" is its jobs' wait (`measure::queue`).
        .and_then(|s| s.latency.as_ref().or(s.job_wait.as_ref()))
        .map(|l| l.threshold_s() * 1000.0);
    // A row covers its step, from its second on; shade those that missed.
    let mut violations: Vec<(f64, f64)> = vec![];
    for (row, step) in record.timeline.iter().zip(&j.steps) {
        let (from, to) = (row.time_s, row.time_s + row.span_s);
        if step.slo_ok == Some(false) {
            match violations.last_mut() {
                Some(last) if last.1 >= from => last.1 = to,
                _ => violations.push((from, to)),
            }
        }
    }
    d.latency = Some(LatencySeries {
        p50_ms: j.steps.iter().map(|s| s.p50_ms).collect(),
        p95_ms: j.steps.iter().map(|s| s.p95_ms).collect(),
        p99_ms: j.steps.iter().map(|s| s.p99_ms).collect(),
        slo_ms,
        violations,
    });
    d.nodes = record
        .timeline
        .iter()
        .map(|r| r.nodes.map(f64::from))
        .collect();
    d.max_nodes = sc
        .file
        .capacity
        .as_ref()
        .and_then(|c| c.max_nodes)
        .map(f64::from);
    if let Some(jobs) = &record.jobs {
        d.queue_depth = (record.timeline.iter())
            .map(|r| {
                let to = (r.time_s + r.span_s) as usize;
                f64::from(crate::measure::queue::step(jobs, r.time_s as usize, to).depth)
            })
            .collect();
    }
    d.failed_rps = per_second(
        &d.times_s,
        &record.timeline.iter().map(|r| r.failed).collect::<Vec<_>>(),
    );
    d
}

/// Counts per row as rates: each row's count over the seconds since the previous row
/// (the first row over the next row's span, or one second).
fn per_second(times_s: &[f64], counts: &[f64]) -> Vec<f64> {
    counts
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let span = match i {
                0 => times_s.get(1).zip(times_s.first()).map(|(b, a)| b - a),
                _ => times_s.get(i).zip(times_s.get(i - 1)).map(|(b, a)| b - a),
            };
            n / span.filter(|s| *s > 0.0).unwrap_or(1.0)
        })
        .collect()
}

/// The chart title for one run: its name and seed, the SLO verdict and the cost, so a
/// chart seen alone still says how the run went.
pub fn run_title(base: &str, j: &Judgement) -> String {
    let verdict = match j.slo.as_ref().map(|s| &s.verdict) {
        Some(Verdict::Met) => " · SLO met",
        Some(Verdict::Violated) => " · SLO VIOLATED",
        None => "",
    };
    format!("{base}{verdict} · ${:.2}", j.cost.total_usd)
}

/// The p5-p95 band of Ready pods and of p95 latency over runs, with the median.
pub fn band_over_runs(base: &TimelineData, runs: &[RunSeries], slo_ms: Option<f64>) -> BandData {
    let rows = base.times_s.len();
    let band = |value: &dyn Fn(&RunSeries, usize) -> Option<f64>| {
        let mut b = Band::default();
        for i in 0..rows {
            let mut v: Vec<f64> = runs.iter().filter_map(|r| value(r, i)).collect();
            v.sort_by(f64::total_cmp);
            // Nearest rank; an empty row (no pod served in any run) draws nothing.
            let at = |p: f64| {
                v.get(((p * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1)) - 1)
                    .copied()
                    .unwrap_or(f64::NAN)
            };
            b.p5.push(at(0.05));
            b.p50.push(at(0.50));
            b.p95.push(at(0.95));
        }
        b
    };
    let has_latency = runs.iter().any(|r| r.p95_ms.iter().any(Option::is_some));
    BandData {
        title: base.title.clone(),
        clock_offset_s: base.clock_offset_s,
        times_s: base.times_s.clone(),
        runs: runs.len(),
        replicas: band(&|r, i| r.ready.get(i).copied()),
        latency_p95_ms: has_latency.then(|| band(&|r, i| r.p95_ms.get(i).copied().flatten())),
        slo_ms,
        actions: base.actions.clone(),
    }
}

/// The tables of report.html: what a person looks for first.
pub fn report_tables(run: &RunOutput) -> Vec<Table> {
    let s = &run.record.summary;
    let j = run.judgement;
    let row = |k: &str, v: String| (k.to_string(), v);
    let ms = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.0} ms"));
    let unit = LoadUnit::of(run.record).noun();
    let mut tables = vec![Table {
        title: "Cost".into(),
        rows: vec![
            row("total", format!("${:.2}", j.cost.total_usd)),
            row("per hour", format!("${:.2}", j.cost.per_hour_usd)),
            row("pod-hours", format!("{:.2}", j.cost.pod_hours)),
            row(
                "beyond what the load needed",
                format!(
                    "${:.2} ({:.0}%)",
                    j.cost.waste_usd,
                    j.cost.waste_fraction * 100.0
                ),
            ),
        ],
    }];
    if let Some(slo) = &j.slo {
        tables.push(Table {
            title: "SLO".into(),
            rows: vec![
                row(
                    "verdict",
                    match slo.verdict {
                        Verdict::Met => "met".into(),
                        Verdict::Violated => "VIOLATED".into(),
                    },
                ),
                row("why", verdict_reason(slo)),
                row("seconds in violation", slo.violation_seconds.to_string()),
                row("episodes", slo.episodes.count.to_string()),
                row("longest episode", format!("{} s", slo.episodes.longest_s)),
                row(
                    &format!("{unit} that missed"),
                    format!("{:.3}%", slo.missed_fraction * 100.0),
                ),
            ],
        });
    }
    tables.push(Table {
        title: "Latency".into(),
        rows: vec![
            row("typical second p50", ms(j.latency.typical_p50_ms)),
            row("typical second p95", ms(j.latency.typical_p95_ms)),
            row("typical second p99", ms(j.latency.typical_p99_ms)),
            row("worst second p95", ms(j.latency.worst_p95_ms)),
        ],
    });
    let mut replicas = vec![
        row("peak", s.peak_replicas.to_string()),
        row("mean", format!("{:.1}", s.mean_replicas)),
        row("scale-ups", s.scale_ups.to_string()),
        row("scale-downs", s.scale_downs.to_string()),
        row("pods created", s.pods_created.to_string()),
    ];
    // A worker serves no requests: none fail (its jobs' fate is in `queue`).
    if run.record.jobs.is_none() {
        replicas.push(row("failed requests", format!("{:.0}", s.failed_requests)));
    }
    tables.push(Table {
        title: "Replicas".into(),
        rows: replicas,
    });
    let e = &j.elasticity;
    tables.push(Table {
        title: "Elasticity".into(),
        rows: vec![
            row(
                "under-provisioned",
                format!("{:.1}% of the time", e.under_timeshare_pct),
            ),
            row(
                "over-provisioned",
                format!("{:.1}% of the time", e.over_timeshare_pct),
            ),
            row(
                "instability k / k'",
                format!(
                    "{:.1}% / {:.1}%",
                    e.instability_pct, e.instability_mirrored_pct
                ),
            ),
            row("jitter", format!("{:+.2} pods/min", e.jitter_per_minute)),
        ],
    });
    if let Some(sp) = run.spread {
        tables.push(spread_table(sp));
    }
    tables
}

fn spread_table(sp: &SpreadReport) -> Table {
    Table {
        title: format!(
            "Spread over {} runs (mean / p95 / worst, worst seed)",
            sp.runs
        ),
        rows: sp
            .figures
            .iter()
            .map(|(name, f)| {
                (
                    name.clone(),
                    format!(
                        "{:.4} / {:.4} / {:.4}, seed {}",
                        f.mean, f.p95, f.worst, f.worst_seed
                    ),
                )
            })
            .collect(),
    }
}

/// Writes the chart files `--charts` asks for (timeline, and the band with `runs`) and
/// report.html (always, its charts inline as SVG; `command_line` as the commands layer
/// read it, shown at its foot). Returns the files written.
pub fn write_charts_and_report(
    run: &RunOutput,
    sc: &Scenario,
    runs: &[RunSeries],
    options: &ChartOptions,
    dir: &Path,
    command_line: &str,
) -> Result<Vec<PathBuf>, Error> {
    let mut timeline = timeline_with_latency(run.record, run.judgement, sc);
    // The band's title stays the scenario's: the verdict and cost are run 0's alone.
    let band = (runs.len() > 1).then(|| {
        let slo_ms = timeline.latency.as_ref().and_then(|l| l.slo_ms);
        band_over_runs(&timeline, runs, slo_ms)
    });
    timeline.title = run_title(&timeline.title, run.judgement);
    let mut written = timeline_chart(&timeline, options, dir, "timeline")?;
    let mut charts = vec![(
        "The run: load; replicas against the HPA's limits, with its scale events and the scheduled actions; each metric as the HPA saw it against its target; latency against the SLO (shaded: steps that missed).".to_string(),
        timeline_svg(&timeline, options)?,
    )];
    if let Some(band) = band {
        written.extend(band_chart(&band, options, dir, "runs")?);
        charts.push((
            format!(
                "{} runs: Ready pods and p95 latency, the median line within the p5-p95 band.",
                runs.len()
            ),
            band_svg(&band, options)?,
        ));
    }
    let report = ReportData {
        title: format!("hpasim: {}", sc.file.name),
        subtitle: format!(
            "{} · seed {} · {:.1} h simulated",
            sc.file.description.clone().unwrap_or_default(),
            run.record.summary.seed,
            run.record.summary.duration_s / 3600.0
        ),
        tables: report_tables(run),
        charts,
        scenario_yaml: sc.source.clone(),
        grids: report_grids(run, sc.start.as_secs_f64()),
        glossary: glossary(run.record.jobs.is_some()),
        provenance: provenance(command_line),
    };
    let path = dir.join("report.html");
    write_atomically(&path, report_html(&report).as_bytes())?;
    written.push(path);
    Ok(written)
}

/// One variant of a comparison: its name, scenario, record and judgement.
pub struct Compared<'a> {
    /// Shown in the legend.
    pub name: String,
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Its run.
    pub record: &'a Record,
    /// Its judgement.
    pub judgement: &'a Judgement,
}

/// The comparison chart (as `--charts` asks) and compare.html: each variant's Ready pods
/// and p95 latency on one time axis, and each one's figures side by side.
pub fn write_comparison(
    variants: &[Compared],
    options: &ChartOptions,
    dir: &Path,
    command_line: &str,
) -> Result<Vec<PathBuf>, Error> {
    let first = variants
        .first()
        .ok_or_else(|| Error::Output("nothing to compare".into()))?;
    let since_start = variants
        .iter()
        .any(|v| v.scenario.start != first.scenario.start);
    let data = CompareData {
        title: variants
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>()
            .join(" vs "),
        // Scenarios that start at different times of day are not drawn on one's clock.
        clock_offset_s: if since_start {
            0.0
        } else {
            first.scenario.start.as_secs_f64()
        },
        since_start,
        variants: variants
            .iter()
            .map(|v| Variant {
                name: v.name.clone(),
                times_s: v.record.timeline.iter().map(|r| r.time_s).collect(),
                load_rps: v.record.timeline.iter().map(|r| r.load_rps).collect(),
                ready: v.record.timeline.iter().map(|r| r.ready as f64).collect(),
                spec: v
                    .record
                    .timeline
                    .iter()
                    .map(|r| f64::from(r.spec))
                    .collect(),
                latency_p95_ms: Some(v.judgement.steps.iter().map(|s| s.p95_ms).collect()),
                slo_ms: v
                    .scenario
                    .file
                    .slo
                    .as_ref()
                    .and_then(|s| s.latency.as_ref())
                    .map(|l| l.threshold_s() * 1000.0),
            })
            .collect(),
        load_unit: if variants.iter().all(|v| v.record.jobs.is_some()) {
            LoadUnit::Jobs
        } else {
            LoadUnit::Requests
        },
    };
    let mut written = compare_chart(&data, options, dir, "compare")?;
    let axis = if data.since_start {
        "time since each one's start (they start at different times of day)"
    } else {
        "the scenarios' clock"
    };
    let report = ReportData {
        title: format!("hpasim: {}", data.title),
        subtitle: format!("variants on one time axis: {axis}"),
        grids: vec![comparison_grid(variants)?, scenario_diff(variants)?],
        charts: vec![(
            format!(
                "Each variant's load, Ready pods (spec thinner) and p95 latency against its SLO, on {axis}."
            ),
            compare_svg(&data, options)?,
        )],
        glossary: glossary(variants.iter().any(|v| v.record.jobs.is_some())),
        provenance: provenance(command_line),
        ..Default::default()
    };
    let report = ReportData {
        scenario_yaml: variants
            .iter()
            .map(|v| format!("# {}\n{}", v.scenario.path.display(), v.scenario.source))
            .collect::<Vec<_>>()
            .join("\n"),
        ..report
    };
    let path = dir.join("compare.html");
    write_atomically(&path, report_html(&report).as_bytes())?;
    written.push(path);
    Ok(written)
}
