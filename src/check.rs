//! `hpasim check`: a scenario's expectations and golden timeline judged on its runs.
//!
//! Owns reading a run's timeline.csv (as written) and summary figures against `expect:`
//! and `golden:`, combining runs, and the report formats. Must not re-run any rule of the
//! controller or the measurement: it reads the record and judgement the layers below make.
//! Imports only the layers below it: `core` to `sweep`.

mod condition;
mod golden;
mod output;
mod plan;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use condition::{Agg, Cond, Op, Outcome, Test, apply, num, parse, percentile};
pub use golden::{GoldenOutcome, accept_golden, compare_golden, golden_csv};
pub use output::{github, junit, markdown, text};
pub use plan::{Check, RunsStat, When, check_names, moment, plan};
pub use timeline::Timeline;

use crate::core::{Span, Time};
use crate::error::{Error, Location};
use crate::scenario::Scenario;

/// What one run shows a check: its timeline as timeline.csv has it, and summary.json's
/// figures by dotted name.
pub struct Observed {
    /// The seed of the run.
    pub seed: u64,
    /// timeline.csv, parsed.
    pub timeline: Timeline,
    /// summary.json's figures.
    pub figures: BTreeMap<String, f64>,
}

/// A run's record judged, and read as its files have it: the one place `check` calls the
/// measurement layer.
fn judged(scenario: &Scenario, seed: u64, record: &crate::sim::Record) -> Result<Observed, Error> {
    let judgement = &crate::measure::judge_run(record);
    let csv = crate::report::timeline_csv(record, &judgement.steps)?;
    let timeline = Timeline::parse(&csv, scenario.start)
        .map_err(|e| Error::Output(format!("timeline.csv: {e}")))?;
    let figures = crate::report::summary_figures(&record.summary, judgement)?;
    Ok(Observed {
        seed,
        timeline,
        figures,
    })
}

/// One check's result over the runs: one line of the report, one JUnit test case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// `name: field condition when`.
    pub title: String,
    /// Where it is written.
    pub location: Option<Location>,
    /// Whether its condition held on the runs (as combined).
    pub held: bool,
    /// Whether the check is satisfied: it held; or, in an `xfail` expectation, some
    /// condition of that expectation failed.
    pub passed: bool,
    /// The `xfail` reason, when marked.
    pub xfail: Option<String>,
    /// What was seen, e.g. `got 7` or `passed 19/20 runs`.
    pub observed: String,
    /// Why it failed (or, with `xfail`, how it fails): time, expected, got.
    pub failure: Option<Failure>,
}

/// A failure as CI prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The first time it failed (scenario clock), when there is one.
    pub time: Option<String>,
    /// What was expected.
    pub expected: String,
    /// What the run had.
    pub got: String,
    /// More lines (a golden's context rows, the seed of the failing run).
    pub detail: String,
}

impl Failure {
    /// `at 11:32: expected ready >= 6, got 4`.
    pub fn line(&self) -> String {
        let at = self
            .time
            .as_ref()
            .map(|t| format!("at {t}: "))
            .unwrap_or_default();
        format!("{at}expected {}, got {}", self.expected, self.got)
    }
}

/// A scenario's results.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    /// The scenario file.
    pub path: PathBuf,
    /// Its name.
    pub name: String,
    /// Runs made (0 when `--filter` chose none of its checks).
    pub runs: u32,
    /// One per check, in file order; the golden last.
    pub cases: Vec<CaseResult>,
}

impl ScenarioResult {
    /// Cases that failed the check.
    pub fn failures(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed).count()
    }
}

/// What the golden timeline is to do besides being compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoldenMode {
    /// Compare only.
    Compare,
    /// Also write `NAME.csv.new` with this run's columns.
    Update,
    /// First promote `NAME.csv.new` to `NAME.csv`, then compare.
    Accept,
}

/// Checks one loaded scenario. First every expectation and the golden are validated, the
/// names against the columns and figures a run of it has, known without running it
/// ([`crate::report::timeline_columns`], [`crate::sweep::trial::figure_names`]). Then the
/// checks whose `scenario name: title` `filter` matches (all, without one) are chosen: with
/// none, and no chosen golden, the scenario is not run and has no case. Otherwise it runs
/// `runs` times (seeds as `simulate --runs`); the chosen checks are judged on every run and
/// the golden, when chosen, on run 0.
pub fn check_scenario(
    scenario: Scenario,
    runs: Option<u32>,
    golden_mode: GoldenMode,
    filter: Option<&regex::Regex>,
) -> Result<ScenarioResult, Error> {
    let checks = validate_checks(&scenario)?;
    let text = scenario.source.clone();
    let name = scenario.file.name.clone();
    let chosen = |title: &str| filter.is_none_or(|re| re.is_match(&format!("{name}: {title}")));
    let keep: Vec<bool> = checks.iter().map(|c| chosen(&c.title())).collect();
    // An `xfail` is settled over its whole expectation (`settle_xfail`): every condition
    // of an expectation with a chosen one is judged, the others dropped after.
    let entries: BTreeSet<usize> = (checks.iter().zip(&keep))
        .filter(|(_, k)| **k)
        .map(|(c, _)| c.entry)
        .collect();
    let golden = (scenario.file.golden.as_ref()).filter(|g| chosen(&golden::title(g)));
    let n = runs.or(scenario.file.seeds).unwrap_or(1).max(1);
    let mut result = ScenarioResult {
        path: scenario.path.clone(),
        name: name.clone(),
        runs: n,
        cases: vec![],
    };
    if entries.is_empty() && golden.is_none() {
        // Nothing chosen: validated above, not run.
        result.runs = 0;
        return Ok(result);
    }
    let seeds: Vec<u64> = std::iter::once(scenario.seed)
        .chain((1..n).map(|k| crate::measure::derive_seed(scenario.seed, k)))
        .collect();
    let options = crate::sim::Options {
        step: Span::from_secs(1),
        seed: None,
        keep_snapshots: false,
        keep_events: true,
    };
    let observed: Vec<Observed> =
        crate::sim::run_seeds(&scenario, &options, &seeds, |seed, record| {
            judged(&scenario, seed, &record)
        })
        .into_iter()
        .collect::<Result<_, _>>()?;
    let (judged, keep): (Vec<Check>, Vec<bool>) = (checks.iter().zip(keep))
        .filter(|(c, _)| entries.contains(&c.entry))
        .map(|(c, k)| (c.clone(), k))
        .unzip();
    let mut cases: Vec<CaseResult> = judged.iter().map(|c| judge(c, &observed)).collect();
    settle_xfail(&judged, &mut cases);
    result.cases = (cases.into_iter().zip(keep))
        .filter(|(_, k)| *k)
        .map(|(c, _)| c)
        .collect();
    if let Some(g) = golden {
        result.cases.push(golden::judge(
            &scenario,
            &text,
            g,
            &observed[0].timeline,
            golden_mode,
        )?);
    }
    Ok(result)
}

/// Validates a scenario's `expect:` and `golden:` entries without running it, as
/// [`check_scenario`] does first (`hpasim validate` calls it, so both refuse the same
/// entries with the same message and place): each condition and time parsed, the names
/// against the columns and figures a run of it has. Returns the checks, in file order.
pub fn validate_checks(scenario: &Scenario) -> Result<Vec<Check>, Error> {
    let text = &scenario.source;
    let checks = plan(scenario, text)?;
    if let Some(g) = &scenario.file.golden {
        golden::validate(scenario, text, g)?;
    }
    let columns = crate::report::timeline_columns(scenario);
    let figures = crate::sweep::trial::figure_names(scenario)?;
    check_names(scenario, &checks, &columns, &figures)?;
    if let Some(g) = &scenario.file.golden {
        golden::check_columns(scenario, text, g, &columns)?;
    }
    Ok(checks)
}

/// One run's outcome of one check.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// Whether it holds.
    pub pass: bool,
    /// The value tested.
    pub observed: f64,
    /// When it failed (first failing moment), if it did and a moment says it.
    pub fail_at: Option<Time>,
    /// The value there.
    pub got: f64,
}

/// Reads one check on one run.
pub fn evaluate(check: &Check, run: &Observed) -> RunOutcome {
    let tl = &run.timeline;
    let col = tl.column(&check.field);
    let values = |rows: std::ops::Range<usize>| -> Vec<f64> {
        rows.map(|r| col.map(|c| tl.value(r, c)).unwrap_or(f64::NAN))
            .collect()
    };
    match check.when {
        When::Summary => {
            let v = run.figures.get(&check.field).copied().unwrap_or(f64::NAN);
            let o = apply(&check.cond, &[v]);
            RunOutcome {
                pass: o.pass,
                observed: v,
                fail_at: None,
                got: v,
            }
        }
        When::At(t) => {
            let v = tl
                .row_at(t)
                .map(|r| values(r..r + 1)[0])
                .unwrap_or(f64::NAN);
            let o = apply(&check.cond, &[v]);
            RunOutcome {
                pass: o.pass,
                observed: v,
                fail_at: (!o.pass).then_some(t),
                got: v,
            }
        }
        When::During(from, to) => {
            let rows = tl.rows_during(from, to);
            let vs = values(rows.clone());
            let o = apply(&check.cond, &vs);
            let fail_at = match (o.pass, o.first_fail) {
                (false, Some(k)) => Some(tl.times[rows.start + k].max(from)),
                _ => None,
            };
            let got = o.first_fail.map(|k| vs[k]).unwrap_or(o.observed);
            RunOutcome {
                pass: o.pass,
                observed: o.observed,
                fail_at,
                got,
            }
        }
        When::Eventually(from, to) => {
            let rows = tl.rows_during(from, to);
            let vs = values(rows.clone());
            let last_fail = vs.iter().rposition(|v| !check.cond.test.holds(*v));
            let last = vs.last().copied().unwrap_or(f64::NAN);
            match last_fail {
                Some(k) if k + 1 == vs.len() => RunOutcome {
                    pass: false,
                    observed: last,
                    fail_at: Some(to),
                    got: last,
                },
                other => {
                    let since = other
                        .map(|k| tl.times[rows.start + k + 1])
                        .unwrap_or(from)
                        .max(from);
                    RunOutcome {
                        pass: true,
                        observed: (since.as_millis() - from.as_millis()) as f64 / 1000.0,
                        fail_at: None,
                        got: last,
                    }
                }
            }
        }
    }
}

fn when_text(w: When) -> String {
    use plan::clock;
    match w {
        When::At(t) => format!("at {}", clock(t)),
        When::During(a, b) => format!("during {}..{}", clock(a), clock(b)),
        When::Eventually(a, b) => format!("eventually in {}..{}", clock(a), clock(b)),
        When::Summary => String::new(),
    }
}

impl Check {
    /// `name: field condition when`: the report's line, the JUnit case and what
    /// `--filter` matches (after `scenario name: `).
    pub fn title(&self) -> String {
        format!(
            "{}: {} {} {}",
            self.name,
            self.field,
            self.cond,
            when_text(self.when)
        )
        .trim_end()
        .to_string()
    }
}

/// Judges one check on every run and combines the runs.
pub fn judge(check: &Check, runs: &[Observed]) -> CaseResult {
    let outcomes: Vec<RunOutcome> = runs.iter().map(|r| evaluate(check, r)).collect();
    let passes = outcomes.iter().filter(|o| o.pass).count();
    let n = outcomes.len();
    let expected = format!("{} {}", check.field, check.cond);
    let title = check.title();
    let rate = format!("passed {passes}/{n} runs");
    let seen = |o: &RunOutcome| match check.when {
        When::Eventually(a, _) if o.pass => {
            format!(
                "holds from {}",
                plan::clock(a.plus(Span::from_millis((o.observed * 1000.0) as i64)))
            )
        }
        _ => format!("got {}", num(o.observed)),
    };
    let failure_of = |o: &RunOutcome, seed: u64| Failure {
        time: o.fail_at.map(plan::clock),
        expected: expected.clone(),
        got: num(o.got),
        detail: if n > 1 {
            format!("run with seed {seed}")
        } else {
            String::new()
        },
    };
    let first_fail = outcomes.iter().zip(runs).find(|(o, _)| !o.pass);
    let (held, observed, failure) = match check.runs {
        RunsStat::Worst => {
            let observed = match (n, first_fail) {
                (1, _) => seen(&outcomes[0]),
                (_, Some((o, _))) => format!("{rate}; first failing run {}", seen(o)),
                (_, None) => rate.clone(),
            };
            (
                first_fail.is_none(),
                observed,
                first_fail.map(|(o, r)| failure_of(o, r.seed)),
            )
        }
        RunsStat::Mean | RunsStat::P(_) => {
            let values: Vec<f64> = outcomes.iter().map(|o| o.observed).collect();
            let (label, v) = match check.runs {
                RunsStat::P(p) => (format!("p{}", num(p)), percentile(&values, p)),
                _ => (
                    "mean".to_string(),
                    values.iter().sum::<f64>() / values.len().max(1) as f64,
                ),
            };
            let ok = check.cond.test.holds(v);
            let observed = format!("{label} over {n} runs {}; {rate}", num(v));
            let failure = (!ok).then(|| Failure {
                time: None,
                expected: format!("{label} of {expected}"),
                got: num(v),
                detail: String::new(),
            });
            (ok, observed, failure)
        }
        RunsStat::PassRate(test) => {
            let r = passes as f64 / n.max(1) as f64;
            let ok = test.holds(r);
            let failure = (!ok).then(|| {
                let mut f = first_fail
                    .map(|(o, run)| failure_of(o, run.seed))
                    .unwrap_or(Failure {
                        time: None,
                        expected: String::new(),
                        got: String::new(),
                        detail: String::new(),
                    });
                f.detail = format!("pass rate {} (want {test}); {}", num(r), f.detail);
                f
            });
            (ok, format!("{rate} (pass rate {})", num(r)), failure)
        }
    };
    CaseResult {
        title,
        location: check.location.clone(),
        held,
        passed: held,
        xfail: check.xfail.clone(),
        observed,
        failure,
    }
}

/// An `xfail` expectation is met while any of its conditions fails (those that hold still
/// read PASS); once all of them hold, each fails the check, asking for the mark's removal.
pub fn settle_xfail(checks: &[Check], cases: &mut [CaseResult]) {
    for (k, c) in checks.iter().enumerate() {
        if c.xfail.is_none() {
            continue;
        }
        let entry = checks
            .iter()
            .zip(cases.iter())
            .filter(|(o, _)| o.entry == c.entry);
        let some_fail = entry.clone().any(|(_, r)| !r.held);
        let case = &mut cases[k];
        case.passed = some_fail;
        if !some_fail {
            case.failure = Some(Failure {
                time: None,
                expected: "a failure (the expectation is marked xfail)".into(),
                got: "every condition holds: remove `xfail`".into(),
                detail: String::new(),
            });
        }
    }
}

/// Every scenario file a path names: the file itself, or the `.yaml`/`.yml` files in a
/// folder and its subfolders (`scenarios/seeds/<team>/`) that carry `expect:` or
/// `golden:` (sorted by path; other YAML, such as the HPA manifests beside them, skipped).
pub fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = vec![];
    collect_scenarios(path, &mut files)?;
    files.sort();
    Ok(files)
}

fn collect_scenarios(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(path).map_err(io)? {
        let p = entry.map_err(io)?.path();
        if p.is_dir() {
            collect_scenarios(&p, files)?;
            continue;
        }
        let yaml = p.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if yaml && p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })?;
            if text
                .lines()
                .any(|l| l.starts_with("expect:") || l.starts_with("golden:"))
            {
                files.push(p);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_searched_with_its_subfolders_for_scenarios_only() {
        let dir = tempfile::tempdir().unwrap();
        let team = dir.path().join("seeds").join("team");
        std::fs::create_dir_all(&team).unwrap();
        let write = |p: &Path, text: &str| std::fs::write(p, text).unwrap();
        write(&dir.path().join("a.yaml"), "name: a\nexpect:\n");
        write(&team.join("b.yml"), "name: b\ngolden: {file: x.csv}\n");
        write(&team.join("hpa.yaml"), "kind: HorizontalPodAutoscaler\n");
        write(&team.join("notes.txt"), "expect:\n");
        let found = scenario_files(dir.path()).unwrap();
        assert_eq!(found, vec![dir.path().join("a.yaml"), team.join("b.yml")]);
    }

    const CSV: &str = "time_s,clock,ready,latency_p95_ms\n\
        0,10:00:00,2,10\n\
        10,10:00:10,4,\n\
        20,10:00:20,6,30\n\
        30,10:00:30,3,20\n\
        40,10:00:40,2,20\n";

    fn run() -> Observed {
        Observed {
            seed: 0,
            timeline: Timeline::parse(CSV.as_bytes(), Time::from_secs(36_000)).unwrap(),
            figures: BTreeMap::from([("scaleUps".to_string(), 2.0)]),
        }
    }

    fn t(s: i64) -> Time {
        Time::from_secs(36_000 + s)
    }

    fn check(field: &str, when: When, cond: &str) -> Check {
        Check {
            name: "x".into(),
            field: field.into(),
            key: format!("expect[0].{field}"),
            when,
            cond: parse(&crate::scenario::expect::Condition::Text(cond.into())).unwrap(),
            runs: RunsStat::Worst,
            xfail: None,
            location: None,
            entry: 0,
        }
    }

    #[test]
    fn the_value_at_a_time_is_the_row_at_or_before_it() {
        // (at, condition, pass)
        let cases = [
            (0, "== 2", true),
            (9, "== 2", true),
            (10, "== 4", true),
            (19, "== 4", true),
            (45, "== 2", true),
            (25, "> 6", false),
        ];
        for (at, cond, pass) in cases {
            let o = evaluate(&check("ready", When::At(t(at)), cond), &run());
            assert_eq!(o.pass, pass, "at +{at}s {cond}");
        }
        let o = evaluate(&check("ready", When::At(t(25)), "> 6"), &run());
        assert_eq!((o.fail_at, o.got), (Some(t(25)), 6.0));
    }

    #[test]
    fn a_span_includes_the_row_in_force_at_its_start() {
        let mut c = check("ready", When::During(t(15), t(35)), "min >= 3");
        assert!(evaluate(&c, &run()).pass, "rows 4, 6, 3");
        c.when = When::During(t(15), t(40));
        let o = evaluate(&c, &run());
        assert!(!o.pass);
        assert_eq!(o.observed, 2.0);
        // `all` reports the first failing moment, never before the span's start.
        let mut all = check("ready", When::During(t(5), t(35)), "all >= 3");
        let o = evaluate(&all, &run());
        assert_eq!((o.pass, o.fail_at, o.got), (false, Some(t(5)), 2.0));
        all.cond.agg = Agg::All;
        all.when = When::During(t(10), t(25));
        assert!(evaluate(&all, &run()).pass);
        // Aggregators skip a missing cell.
        let p = check("latency_p95_ms", When::During(t(0), t(40)), "max == 30");
        assert!(evaluate(&p, &run()).pass);
    }

    #[test]
    fn eventually_needs_a_moment_from_which_it_holds_to_the_window_end() {
        // (window, condition, pass)
        let cases = [
            ((0, 40), "<= 3", true),  // from 30 s on
            ((0, 25), "<= 3", false), // 6 at the window's end
            ((30, 40), "== 2", true), // from 40 s
            ((0, 40), ">= 2", true),  // from the start
            ((0, 35), "== 2", false), // 3 at the end
        ];
        for ((a, b), cond, pass) in cases {
            let o = evaluate(&check("ready", When::Eventually(t(a), t(b)), cond), &run());
            assert_eq!(o.pass, pass, "{a}..{b} {cond}");
        }
        let o = evaluate(
            &check("ready", When::Eventually(t(0), t(40)), "<= 3"),
            &run(),
        );
        assert_eq!(o.observed, 30.0, "holds from 30 s after the window opens");
    }

    #[test]
    fn runs_combine_by_the_named_statistic() {
        let mut other = run();
        other.timeline.cells[2][2] = "1".into(); // ready 1 at 20 s in the second run
        let runs = [run(), other];
        let mut c = check("ready", When::During(t(0), t(40)), "min >= 2");
        let worst = judge(&c, &runs);
        assert!(!worst.passed);
        assert_eq!(worst.observed, "passed 1/2 runs; first failing run got 1");
        c.runs = plan::parse_runs("pass_rate >= 0.5").unwrap();
        assert!(judge(&c, &runs).passed);
        c.runs = plan::parse_runs("pass_rate > 0.5").unwrap();
        assert!(!judge(&c, &runs).passed);
        c.runs = plan::parse_runs("mean").unwrap();
        assert!(!judge(&c, &runs).passed, "mean of 2 and 1 is 1.5");
        c.cond = parse(&crate::scenario::expect::Condition::Text(
            "min >= 1.5".into(),
        ))
        .unwrap();
        assert!(judge(&c, &runs).passed);
        c.runs = plan::parse_runs("p95").unwrap();
        assert!(judge(&c, &runs).passed, "p95 of [2, 1] is 2");
        assert!(
            plan::parse_runs("wrost")
                .unwrap_err()
                .contains("did you mean `worst`")
        );
    }

    #[test]
    fn an_xfail_passes_while_any_condition_fails_and_fails_once_all_hold() {
        let mut a = check("ready", When::At(t(20)), "< 6");
        a.xfail = Some("known".into());
        let mut b = check("ready", When::At(t(20)), "== 6");
        b.xfail = Some("known".into());
        let checks = [a.clone(), b.clone()];
        let mut cases: Vec<CaseResult> = checks.iter().map(|c| judge(c, &[run()])).collect();
        settle_xfail(&checks, &mut cases);
        // The failing one is the expected failure; the one that holds passes.
        assert!(cases[0].passed && !cases[0].held && cases[0].failure.is_some());
        assert!(cases[1].passed && cases[1].held);
        // Once every condition holds, both fail the check.
        a.cond = b.cond;
        let checks = [a, b];
        let mut cases: Vec<CaseResult> = checks.iter().map(|c| judge(c, &[run()])).collect();
        settle_xfail(&checks, &mut cases);
        assert!(cases.iter().all(|c| !c.passed && c.held));
    }

    #[test]
    fn summary_figures_are_read_by_name() {
        let c = check("scaleUps", When::Summary, "<= 2");
        assert!(evaluate(&c, &run()).pass);
        let c = check("scaleUps", When::Summary, "< 2");
        assert!(!evaluate(&c, &run()).pass);
    }
}
