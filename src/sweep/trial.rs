//! One configuration's trial: its id, how it is set in the scenario, simulated and judged
//! on the sweep's seeds, and its line in the journal (trials.jsonl). Owns the id's hash and
//! the journal's format; must not choose among trials.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::figures::{Constraint, Stat, statistic};
use super::path;
use super::space::{Config, Param};
use crate::error::Error;
use crate::measure::Worse;
use crate::scenario::Scenario;

/// A configuration's figures: summary.json's numbers by dotted name, one value per seed
/// in the seeds' order (NaN: the run has no value for it).
pub type Figures = BTreeMap<String, Vec<f64>>;

/// A configuration run (or refused) in a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// The configuration's id (see [`trial_id`]).
    pub id: String,
    /// Its place in the space's order (the baseline is 0).
    pub index: usize,
    /// The baseline.
    pub baseline: bool,
    /// A value per parameter, in the parameters' order.
    pub values: Vec<Value>,
    /// Its figures, or why the configuration is not a valid scenario.
    pub result: Result<Figures, String>,
}

/// 64-bit FNV-1a (Fowler, Noll, Vo): small, stable across platforms and versions, and
/// enough to tell a few million configurations apart.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A configuration's id: FNV-1a (16 hex digits) of the scenario's hash, each parameter's
/// path and value (compact JSON) and the seeds, in that order, separated by NUL bytes.
pub fn trial_id(scenario_hash: u64, params: &[Param], values: &[Value], seeds: &[u64]) -> String {
    let mut text = format!("hpasim-sweep-1\0{scenario_hash:016x}\0");
    for (p, v) in params.iter().zip(values) {
        text.push_str(&format!("{}={v}\0", p.path));
    }
    for s in seeds {
        text.push_str(&format!("{s},"));
    }
    format!("{:016x}", fnv1a(text.as_bytes()))
}

/// The scenario as a value with a configuration's values set (a null value leaves the
/// scenario's as it is).
pub fn configured(base: &Value, params: &[Param], config: &Config) -> Result<Value, String> {
    let mut v = base.clone();
    for (p, x) in params.iter().zip(&config.values) {
        if !x.is_null() {
            path::set(&mut v, &p.steps, x.clone()).map_err(|e| format!("{}: {e}", p.name))?;
        }
    }
    Ok(v)
}

/// The configured scenario read and checked as `hpasim simulate` would read it from
/// `path`; `load` is the sweep's load, shared when the configuration leaves the load and
/// duration as they are. A refusal is the reason without file and line (the text is made).
pub fn scenario_of(
    value: &Value,
    base: &Value,
    path: &Path,
    load: &crate::load::Load,
) -> Result<Scenario, String> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    let shared =
        value.get("load") == base.get("load") && value.get("duration") == base.get("duration");
    let build = |specs: &[crate::load::LoadSpec], dir: &Path, duration| {
        if shared {
            Ok(load.clone())
        } else {
            crate::load::Load::build(specs, dir, duration)
        }
    };
    crate::scenario::scenario_from_text(&text, path, &build).map_err(|e| match e {
        Error::Input { message, .. } => message,
        other => other.to_string(),
    })
}

/// The names of the figures a run of `scenario` has (summary.json's numbers by dotted
/// name), without running it: an empty second judged with the scenario's setting (the
/// objectives and prices decide which names there are, not what the run did).
pub fn figure_names(scenario: &Scenario) -> Result<Vec<String>, Error> {
    let file = &scenario.file;
    let record = crate::sim::Record {
        timeline: vec![],
        seconds: vec![crate::sim::SecondFigures::default()],
        metric_names: vec![],
        metric_specs: vec![],
        hpa_epochs: vec![],
        setting: crate::sim::RunSetting::for_scenario(scenario),
        events: vec![],
        marks: Default::default(),
        syncs: vec![],
        keda_polls: vec![],
        // A worker's figures (`queue.*`): one job, taken and done at once, so that every
        // figure its jobs may give has a value (the waits are none without a job).
        jobs: file
            .workload
            .worker
            .as_ref()
            .map(|w| crate::sim::JobRecord {
                concurrency: w.concurrency,
                deadline_ms: w.deadline.map(|d| d.span().as_millis() as u64),
                taken: vec![crate::sim::JobTaken {
                    at_ms: 0,
                    wait_ms: 0,
                }],
                done_ms: vec![0],
                unfinished_arrivals_ms: vec![],
                backlog_at_end: 0,
                seconds: vec![crate::sim::JobSecond {
                    arrived: 1,
                    taken: 1,
                    completed: 1,
                    ..Default::default()
                }],
            }),
        summary: crate::sim::Summary {
            scenario: file.name.clone(),
            seed: scenario.seed,
            duration_s: 1.0,
            start_s: 0.0,
            syncs: 0,
            scale_ups: 0,
            scale_downs: 0,
            peak_replicas: 0,
            mean_replicas: 0.0,
            peak_ready: 0,
            mean_ready: 0.0,
            pod_hours: 0.0,
            requests: 0.0,
            failed_requests: 0.0,
            failed_fraction: 0.0,
            peak_queue: 0.0,
            queued_request_seconds: 0.0,
            pods_created: 0,
            surges: vec![],
            short_at_start: None,
        },
    };
    let judgement = crate::measure::judge_run(&record);
    Ok(crate::report::summary_figures(&record.summary, &judgement)?
        .into_keys()
        .collect())
}

thread_local! {
    /// What a worker thread's judgements share (see [`crate::measure::run::Reuse`]).
    static REUSE: std::cell::RefCell<crate::measure::run::Reuse> =
        std::cell::RefCell::new(crate::measure::run::Reuse::across_runs());
    /// What a worker thread's runs share (see [`crate::sim::Shared`]).
    static SHARED: std::cell::RefCell<crate::sim::Shared> =
        std::cell::RefCell::new(crate::sim::Shared::default());
}

/// Simulates a scenario on each seed and judges each run: the one place a sweep runs
/// the simulator and the measurement. Runs keep no events and write nothing.
pub fn evaluate(scenario: &Scenario, seeds: &[u64]) -> Result<Figures, Error> {
    use rayon::prelude::*;
    let options = crate::sim::Options {
        // The timeline is not written, and the summary's figures come from every second
        // whatever the step: an hour's rows instead of a second's spare their memory.
        step: crate::core::Span::from_secs(3600),
        seed: None,
        keep_snapshots: false,
        keep_events: false,
    };
    // As `crate::sim::run_seeds`, each run sharing its thread's draws and buffers.
    let runs: Vec<_> = seeds
        .par_iter()
        .map(|&seed| {
            let options = crate::sim::Options {
                seed: Some(seed),
                ..options.clone()
            };
            SHARED.with(|shared| {
                let mut fresh = crate::sim::Shared::default();
                let mut borrowed = shared.try_borrow_mut();
                let shared = match &mut borrowed {
                    Ok(shared) => &mut **shared,
                    Err(_) => &mut fresh,
                };
                let record = crate::sim::run_sharing(scenario, &options, shared);
                // Each worker thread judges with its own reuse: the configurations it runs
                // meet the same seconds of the shared trace again, and their latency is
                // remembered.
                let judgement = REUSE.with(|reuse| match reuse.try_borrow_mut() {
                    Ok(mut reuse) => crate::measure::run::judge_run_reusing(&record, &mut reuse),
                    Err(_) => crate::measure::judge_run(&record),
                });
                let figures = crate::report::summary_figures(&record.summary, &judgement);
                shared.keep(record);
                figures
            })
        })
        .collect();
    let mut figures = Figures::new();
    for (k, run) in runs.into_iter().enumerate() {
        for (name, v) in run? {
            figures
                .entry(name)
                .or_insert_with(|| vec![f64::NAN; seeds.len()])[k] = v;
        }
    }
    Ok(figures)
}

/// A figure in the journal: its statistics across seeds (worst and p95 towards higher)
/// and each seed's value.
#[derive(Debug, Serialize, Deserialize)]
struct JournalFigure {
    mean: Option<f64>,
    p95: Option<f64>,
    worst: Option<f64>,
    values: Vec<Option<f64>>,
}

/// A journal line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JournalLine {
    id: String,
    index: usize,
    baseline: bool,
    parameters: serde_json::Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    invalid: Option<String>,
    #[serde(default)]
    feasible: bool,
    #[serde(default)]
    violated: Vec<String>,
    #[serde(default)]
    figures: BTreeMap<String, JournalFigure>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Whether a trial keeps every constraint, and the ones it breaks with their values.
pub fn feasibility(trial: &Trial, constraints: &[Constraint]) -> (bool, Vec<String>, f64) {
    match &trial.result {
        Err(_) => (false, vec!["invalid".into()], f64::INFINITY),
        Ok(figures) => {
            let mut broken = vec![];
            let mut total = 0.0;
            for c in constraints {
                let v = c.value(figures);
                let d = c.violation(v);
                if d > 0.0 {
                    broken.push(format!("{c} (got {})", super::output::num(v)));
                    total += d;
                }
            }
            (broken.is_empty(), broken, total)
        }
    }
}

/// The trial's journal line (no newline).
pub fn journal_line(
    trial: &Trial,
    params: &[Param],
    constraints: &[Constraint],
) -> Result<String, Error> {
    let (feasible, violated, _) = feasibility(trial, constraints);
    let line = JournalLine {
        id: trial.id.clone(),
        index: trial.index,
        baseline: trial.baseline,
        parameters: params
            .iter()
            .zip(&trial.values)
            .map(|(p, v)| (p.name.clone(), v.clone()))
            .collect(),
        invalid: trial.result.as_ref().err().cloned(),
        feasible,
        violated: if trial.result.is_ok() {
            violated
        } else {
            vec![]
        },
        figures: match &trial.result {
            Err(_) => BTreeMap::new(),
            Ok(figures) => figures
                .iter()
                .map(|(name, values)| {
                    let stat = |s| finite(statistic(values, s, Worse::Higher));
                    (
                        name.clone(),
                        JournalFigure {
                            mean: stat(Stat::Mean),
                            p95: stat(Stat::P95),
                            worst: stat(Stat::Worst),
                            values: values.iter().map(|v| finite(*v)).collect(),
                        },
                    )
                })
                .collect(),
        },
    };
    serde_json::to_string(&line).map_err(|e| Error::Output(format!("trials.jsonl: {e}")))
}

/// A trial from its journal line (`None` for a line that is not one: a torn last line).
pub fn parse_journal_line(line: &str, params: &[Param]) -> Option<Trial> {
    let l: JournalLine = serde_json::from_str(line).ok()?;
    let values = params
        .iter()
        .map(|p| l.parameters.get(&p.name).cloned())
        .collect::<Option<Vec<Value>>>()?;
    Some(Trial {
        id: l.id,
        index: l.index,
        baseline: l.baseline,
        values,
        result: match l.invalid {
            Some(reason) => Err(reason),
            None => Ok(l
                .figures
                .into_iter()
                .map(|(k, f)| {
                    (
                        k,
                        f.values
                            .into_iter()
                            .map(|v| v.unwrap_or(f64::NAN))
                            .collect(),
                    )
                })
                .collect()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_names_without_a_run_are_a_runs_figures() {
        // With and without objectives (which add the slo.* names), with and without prices.
        let quiet = "name: q\nduration: 2m\nhpa:\n  spec:\n    minReplicas: 1\n    maxReplicas: 3\n    metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\nworkload:\n  initialReplicas: 1\n  pod:\n    requests: {cpu: 500m}\n    cpuPerRequest: 10m\nload:\n- constant: {rps: 5}\n";
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("no-objectives.yaml", quiet.to_string()),
            (
                "objectives.yaml",
                format!(
                    "{quiet}slo:\n  minReady: 1\n  latency: {{percentile: 95, below: 300ms}}\n"
                ),
            ),
            (
                "prices.yaml",
                format!("{quiet}cost: {{cpuPerHour: 0.04, memoryGiBPerHour: 0.004}}\n"),
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let scenario = crate::scenario::load_scenario(&path).unwrap();
            let ran: Vec<String> = evaluate(&scenario, &[1]).unwrap().into_keys().collect();
            assert_eq!(figure_names(&scenario).unwrap(), ran, "{name}");
        }
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_journal_line_reads_back_as_the_same_trial() {
        let params = vec![Param {
            name: "minReplicas".into(),
            path: "hpa.spec.minReplicas".into(),
            steps: path::parse("hpa.spec.minReplicas").unwrap(),
            values: vec![Value::from(2)],
        }];
        let mut figures = Figures::new();
        figures.insert("cost.totalUsd".into(), vec![0.1, 0.30000000000000004]);
        figures.insert("latency.worstP95Ms".into(), vec![f64::NAN, 12.5]);
        let trial = Trial {
            id: trial_id(1, &params, &[Value::from(2)], &[7, 8]),
            index: 3,
            baseline: false,
            values: vec![Value::from(2)],
            result: Ok(figures),
        };
        let line = journal_line(&trial, &params, &[]).unwrap();
        let back = parse_journal_line(&line, &params).unwrap();
        assert_eq!(back.id, trial.id);
        assert_eq!(journal_line(&back, &params, &[]).unwrap(), line);
        assert!(parse_journal_line(&line[..line.len() - 3], &params).is_none());
    }
}
