//! `hpasim simulate`: one scenario run (or `--runs N` of it), judged and written out.

use std::path::Path;

use crate::error::Error;
use crate::report;

/// What `hpasim simulate` is asked to do.
#[derive(Clone, Debug)]
pub struct SimulateArgs {
    /// The scenario file.
    pub scenario: std::path::PathBuf,
    /// Output folder; default `out/<scenario name>`.
    pub out: Option<std::path::PathBuf>,
    /// Timeline resolution.
    pub step: crate::core::Span,
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Where to write every sync's snapshot.
    pub snapshots: Option<std::path::PathBuf>,
    /// Runs with derived seeds (1: the one run).
    pub runs: u32,
    /// Chart files, their size and theme.
    pub charts: report::ChartOptions,
}

/// What `hpasim simulate` produced: the first run in full, the others by their figures.
pub struct Simulated {
    /// The scenario as loaded.
    pub scenario: crate::scenario::Scenario,
    /// Run 0 (the base seed): its record.
    pub record: crate::sim::Record,
    /// Run 0, judged.
    pub judgement: crate::measure::Judgement,
    /// With `runs > 1`, the spread of every figure over the runs.
    pub spread: Option<report::SpreadReport>,
    /// Each run's seed, with its timeline's Ready pods and p95 latency (ms) per row.
    pub runs: Vec<report::RunSeries>,
    /// The summary a person reads.
    pub text: String,
}

/// `hpasim simulate`: runs the scenario (`runs` times, in parallel, with derived seeds),
/// judges it, writes run 0's files with the spread, and returns what it printed.
pub fn simulate(args: &SimulateArgs) -> Result<Simulated, Error> {
    simulate_loaded(args, crate::scenario::load_scenario(&args.scenario)?)
}

/// [`simulate`] on a scenario already loaded (and so already validated).
pub(super) fn simulate_loaded(
    args: &SimulateArgs,
    scenario: crate::scenario::Scenario,
) -> Result<Simulated, Error> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&scenario.file.name));
    // Refused before anything runs: a folder holding files that are not a run's.
    report::claim_run_dir(&out)?;
    if let Some(dir) = &args.snapshots {
        report::claim_snapshot_dir(dir)?;
    }
    let base_seed = args.seed.unwrap_or(scenario.seed);
    let runs = args.runs.max(1);
    // The first run is written out in full; the others are only measured.
    let options = |seed, first: bool| crate::sim::Options {
        step: args.step,
        seed: Some(seed),
        keep_snapshots: first && args.snapshots.is_some(),
        keep_events: first,
    };
    let record = crate::sim::run(&scenario, &options(base_seed, true));
    let judgement = crate::measure::judge_run(&record);
    let series = |seed, r: &crate::sim::Record, j: &crate::measure::Judgement| report::RunSeries {
        seed,
        ready: r.timeline.iter().map(|row| row.ready as f64).collect(),
        p95_ms: j.steps.iter().map(|s| s.p95_ms).collect(),
    };
    let first = (
        series(base_seed, &record, &judgement),
        crate::measure::run::figures(&record.summary, &judgement),
    );
    let seeds: Vec<u64> = (1..runs)
        .map(|k| crate::measure::derive_seed(base_seed, k))
        .collect();
    let others = crate::sim::run_seeds(&scenario, &options(base_seed, false), &seeds, |seed, r| {
        let j = crate::measure::judge_run(&r);
        (
            series(seed, &r, &j),
            crate::measure::run::figures(&r.summary, &j),
        )
    });
    let all: Vec<_> = std::iter::once(first).chain(others).collect();
    let spread = (runs > 1).then(|| {
        let mut figures = std::collections::BTreeMap::new();
        for (name, _) in &all[0].1 {
            let values: Vec<(u64, f64)> = all
                .iter()
                .filter_map(|(s, f)| f.iter().find(|(n, _)| n == name).map(|(_, v)| (s.seed, *v)))
                .collect();
            figures.insert(
                name.to_string(),
                crate::measure::spread(&values, crate::measure::Worse::Higher),
            );
        }
        report::SpreadReport {
            runs: runs as usize,
            base_seed,
            figures,
        }
    });
    let output = report::RunOutput {
        record: &record,
        judgement: &judgement,
        spread: spread.as_ref(),
    };
    report::write_run(&output, &out, args.snapshots.as_deref())?;
    let runs_series: Vec<report::RunSeries> = all.iter().map(|(s, _)| s.clone()).collect();
    let charts = report::write_charts_and_report(
        &output,
        &scenario,
        &runs_series,
        &args.charts,
        &out,
        &command_line(),
    )?;
    // The folder holds exactly this run's files.
    let written: Vec<std::path::PathBuf> = ["timeline.csv", "events.jsonl", "summary.json"]
        .iter()
        .map(|n| out.join(n))
        .chain(charts.iter().cloned())
        .collect();
    report::remove_stale_run_files(&out, &written)?;
    if let Some(dir) = &args.snapshots {
        let kept: Vec<std::path::PathBuf> = record
            .syncs
            .iter()
            .map(|s| dir.join(format!("{:09}.json", s.second)))
            .chain(
                (record.keda_polls.iter()).map(|p| dir.join(format!("{:09}-keda.json", p.second))),
            )
            .collect();
        report::remove_stale_snapshots(dir, &kept)?;
    }
    // What the run shows that the user may not expect (an HPA metric nothing serves) comes
    // first, so it is read before the figures it explains.
    let mut text: String = (scenario.warnings.iter())
        .map(|w| format!("warning: {w}\n"))
        .collect();
    text.push_str(&report::summary_text(&output, &out));
    text.push_str(&written_line(&charts, &out));
    Ok(Simulated {
        runs: runs_series,
        scenario,
        record,
        judgement,
        spread,
        text,
    })
}

/// "  charts     DIR/{timeline.png, report.html}".
pub(super) fn written_line(files: &[std::path::PathBuf], dir: &Path) -> String {
    let names: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    format!("  charts     {}/{{{}}}\n", dir.display(), names.join(", "))
}

/// The command line as typed, for report.html: `hpasim` and the arguments (the binary's
/// own path left out, so the report is the same wherever hpasim is installed), an
/// argument with spaces or quotes in single quotes.
pub(super) fn command_line() -> String {
    let quote = |a: String| {
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
            format!("'{}'", a.replace('\'', "'\\''"))
        } else {
            a
        }
    };
    std::iter::once("hpasim".to_string())
        .chain(std::env::args().skip(1).map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}
