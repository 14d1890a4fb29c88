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
    /// Which events events.jsonl holds (`--events`).
    pub events: report::EventsKept,
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
        keep_events: false,
    };
    // Run 0's events go to events.jsonl as they happen; progress goes to stderr.
    let mut watch = Watch {
        events: report::EventsFile::create(&out, args.events)?,
        progress: Progress::new(&scenario.file.name, SHOW_AFTER),
    };
    let record = crate::sim::run_watched(&scenario, &options(base_seed, true), &mut watch);
    let Watch {
        events: streamed,
        progress,
    } = watch;
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
    progress.other_runs(seeds.len());
    let others = crate::sim::run_seeds(&scenario, &options(base_seed, false), &seeds, |seed, r| {
        let j = crate::measure::judge_run(&r);
        progress.run_done();
        (
            series(seed, &r, &j),
            crate::measure::run::figures(&r.summary, &j),
        )
    });
    progress.finish();
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
        events: args.events,
    };
    report::write_run(&output, &out, args.snapshots.as_deref(), streamed)?;
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
    let events_file = (args.events != report::EventsKept::None).then_some("events.jsonl");
    let written: Vec<std::path::PathBuf> = ["timeline.csv", "summary.json"]
        .into_iter()
        .chain(events_file)
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

/// How long a run goes before its progress bar shows: a short run never draws one.
const SHOW_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Run 0's watch: its events into events.jsonl, its progress onto stderr.
struct Watch {
    events: Option<report::EventsFile>,
    progress: Progress,
}

impl crate::sim::RunWatch for Watch {
    fn event(&mut self, event: &crate::sim::Event) {
        if let Some(file) = &mut self.events {
            file.write(event);
        }
    }

    fn progress(&mut self, done: crate::core::Span, total: crate::core::Span) {
        self.progress.simulated(done, total);
    }
}

/// A progress bar on stderr for a long run: simulated time of run 0, then the other
/// `--runs`. It stays hidden until the run has taken `show_after` of wall time, and
/// always when stderr is not a terminal (indicatif's stderr target hides itself); it
/// writes nothing to any output file.
struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    show_after: std::time::Duration,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn new(name: &str, show_after: std::time::Duration) -> Progress {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:30} {percent:>3}%  elapsed {elapsed}, ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(format!("simulating {name}"));
        Progress {
            bar,
            started: std::time::Instant::now(),
            show_after,
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Draws the bar (on stderr, if a terminal) once the run has gone on long enough.
    fn show_if_long(&self) {
        use std::sync::atomic::Ordering;
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= self.show_after
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    /// Run 0 has simulated `done` of `total`.
    fn simulated(&self, done: crate::core::Span, total: crate::core::Span) {
        self.bar.set_length(total.whole_secs().max(1) as u64);
        self.bar.set_position(done.whole_secs().max(0) as u64);
        self.show_if_long();
    }

    /// `n` more runs to go (`--runs`), counted by [`Progress::run_done`].
    fn other_runs(&self, n: usize) {
        if n > 0 {
            self.bar.set_message(format!("{n} more seeds"));
            self.bar.set_length(n as u64);
            self.bar.set_position(0);
        }
    }

    /// One of the other runs is done (called from rayon's threads).
    fn run_done(&self) {
        self.bar.inc(1);
        self.show_if_long();
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;
    use std::io::IsTerminal;

    #[test]
    fn the_progress_bar_shows_only_after_its_delay_and_only_on_a_terminal() {
        let total = Span::from_secs(600);
        // (show after, drawn once a minute is simulated)
        for (after, drawn) in [
            (std::time::Duration::from_secs(3600), false),
            (std::time::Duration::ZERO, std::io::stderr().is_terminal()),
        ] {
            let p = Progress::new("unit", after);
            assert!(p.bar.is_hidden(), "hidden before any progress");
            p.simulated(Span::from_secs(60), total);
            assert_eq!(!p.bar.is_hidden(), drawn, "show after {after:?}");
            assert_eq!((p.bar.position(), p.bar.length()), (60, Some(600)));
            p.finish();
        }
    }
}
