//! A scenario's `expect:` list turned into checks, every one validated before a run:
//! times inside the run, conditions parsed, then names against the timeline's header and
//! the summary's figures. Errors name the file, the line and the field (exit 2).

use std::path::Path;

use super::condition::{self, Agg, Cond, Test};
use crate::core::Time;
use crate::error::{Error, Location};
use crate::scenario::Scenario;
use crate::scenario::expect::{Condition, Expectation, locate_expect};

/// When a check reads the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    /// The row at or before this moment.
    At(Time),
    /// The rows in force from the first moment to the second, both included.
    During(Time, Time),
    /// Some moment of the window from which the condition holds to the window's end.
    Eventually(Time, Time),
    /// summary.json.
    Summary,
}

/// How the runs of `--runs N` combine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RunsStat {
    /// Every run must pass (the default).
    Worst,
    /// The mean of the observed values must pass.
    Mean,
    /// The N-th percentile (nearest rank) of the observed values must pass.
    P(f64),
    /// The fraction of runs that pass must pass this test.
    PassRate(Test),
}

/// One condition of one expectation: what is reported as one line.
#[derive(Clone, Debug)]
pub struct Check {
    /// The expectation's name (or its conditions).
    pub name: String,
    /// The column or figure.
    pub field: String,
    /// Where in the file: `expect[2].ready`.
    pub key: String,
    /// When it reads.
    pub when: When,
    /// What must hold.
    pub cond: Cond,
    /// How the runs combine.
    pub runs: RunsStat,
    /// Known not to hold, and why.
    pub xfail: Option<String>,
    /// Where it is written.
    pub location: Option<Location>,
    /// The index of its expectation in `expect:`.
    pub entry: usize,
}

/// Every check of a scenario, in file order.
pub fn plan(scenario: &Scenario, text: &str) -> Result<Vec<Check>, Error> {
    let mut checks = vec![];
    for (index, e) in scenario.file.expect.iter().enumerate() {
        plan_one(scenario, text, index, e, &mut checks)?;
    }
    Ok(checks)
}

fn input_error(path: &Path, location: Option<Location>, field: &str, message: String) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        location,
        message: format!("{field}: {message}"),
    }
}

fn plan_one(
    sc: &Scenario,
    text: &str,
    index: usize,
    e: &Expectation,
    out: &mut Vec<Check>,
) -> Result<(), Error> {
    let at_key = |key: &str| locate_expect(text, index, Some(key));
    let fail = |key: &str, message: String| {
        let field = format!("expect[{index}].{key}");
        input_error(&sc.path, at_key(key), &field, message)
    };
    let kinds: Vec<&str> = [
        ("at", e.at.is_some()),
        ("during", e.during.is_some()),
        ("eventually", e.eventually.is_some()),
        ("summary", e.summary.is_some()),
    ]
    .iter()
    .filter(|(_, present)| *present)
    .map(|(k, _)| *k)
    .collect();
    let when = match kinds.as_slice() {
        ["at"] => {
            let text = e.at.as_deref().unwrap_or_default();
            When::At(moment(sc, text).map_err(|m| fail("at", m))?)
        }
        ["during"] => {
            let [a, b] = e.during.clone().unwrap_or_default();
            let from = moment(sc, &a).map_err(|m| fail("during", m))?;
            let to = moment(sc, &b).map_err(|m| fail("during", m))?;
            if to < from {
                return Err(fail(
                    "during",
                    format!("[{a:?}, {b:?}] ends before it starts"),
                ));
            }
            When::During(from, to)
        }
        ["eventually"] => {
            let ev = e
                .eventually
                .clone()
                .ok_or_else(|| fail("eventually", "missing".into()))?;
            let from = moment(sc, &ev.after).map_err(|m| fail("eventually", m))?;
            let to = from.plus(ev.within.span());
            if to > sc.end {
                return Err(fail(
                    "eventually",
                    format!(
                        "the window {}..{} ends after the run ({})",
                        clock(from),
                        clock(to),
                        clock(sc.end)
                    ),
                ));
            }
            When::Eventually(from, to)
        }
        ["summary"] => When::Summary,
        [] => {
            let kinds = ["at", "during", "eventually", "summary"];
            let hint = e
                .columns
                .keys()
                .find_map(|k| crate::error::nearest(k, kinds).map(|n| (k, n)))
                .map(|(k, n)| format!("; did you mean `{n}` for `{k}`?"))
                .unwrap_or_default();
            return Err(input_error(
                &sc.path,
                locate_expect(text, index, None),
                &format!("expect[{index}]"),
                format!("needs one of `at`, `during`, `eventually`, `summary`{hint}"),
            ));
        }
        several => {
            return Err(fail(
                several[1],
                format!("give one of {}, not several", several.join(", ")),
            ));
        }
    };
    let runs = match e.runs.as_deref() {
        None => RunsStat::Worst,
        Some(t) => parse_runs(t).map_err(|m| fail("runs", m))?,
    };
    let conditions: Vec<(&String, &serde_json::Value)> = match when {
        When::Summary => {
            if !e.columns.is_empty() {
                let first = e.columns.keys().next().map(String::as_str).unwrap_or("");
                return Err(fail(
                    first,
                    "a `summary` expectation holds figures only (put columns in an `at`, `during` or `eventually` one)".into(),
                ));
            }
            e.summary.iter().flatten().collect()
        }
        _ => e.columns.iter().collect(),
    };
    // Reported in the order written (the map holds them by name).
    let mut conditions = conditions;
    conditions.sort_by_key(|(f, _)| at_key(f).map(|l| (l.line, l.column)));
    if conditions.is_empty() {
        return Err(input_error(
            &sc.path,
            locate_expect(text, index, None),
            &format!("expect[{index}]"),
            "states no condition: add a timeline column (`ready: \">= 2\"`) or summary figures"
                .into(),
        ));
    }
    let name = e.name.clone().unwrap_or_else(|| {
        if when == When::Summary {
            return "summary".into();
        }
        conditions
            .iter()
            .map(|(f, _)| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    });
    for (field, written) in conditions {
        let written = Condition::from_value(written).map_err(|m| fail(field, m))?;
        let mut cond = condition::parse(&written).map_err(|m| fail(field, m))?;
        match (when, cond.agg) {
            (When::At(_) | When::Summary, Agg::Each) => {}
            (When::At(_), _) | (When::Summary, _) => {
                return Err(fail(
                    field,
                    format!(
                        "`{}` aggregates a span: use it under `during` (a moment has one value)",
                        cond.agg.to_string().trim()
                    ),
                ));
            }
            (When::Eventually(..), Agg::Each) => {}
            (When::Eventually(..), _) => {
                return Err(fail(
                    field,
                    "`eventually` tests each moment: write only `OP NUMBER`".into(),
                ));
            }
            (When::During(..), Agg::Each) => cond.agg = Agg::All,
            (When::During(..), _) => {}
        }
        if matches!(when, When::Eventually(..))
            && !matches!(runs, RunsStat::Worst | RunsStat::PassRate(_))
        {
            return Err(fail(
                "runs",
                "`eventually` combines runs by `worst` or `pass_rate` only".into(),
            ));
        }
        out.push(Check {
            name: name.clone(),
            field: field.clone(),
            key: format!("expect[{index}].{field}"),
            when,
            cond,
            runs,
            xfail: e.xfail.clone(),
            location: at_key(field),
            entry: index,
        });
    }
    Ok(())
}

/// `worst`, `mean`, `p95`, `p(95)`, `pass_rate >= 0.95`.
pub fn parse_runs(text: &str) -> Result<RunsStat, String> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix("pass_rate") {
        let cond = condition::parse(&Condition::Text(rest.into()))?;
        return match cond {
            Cond {
                agg: Agg::Each,
                test: test @ Test::Compare(..),
            } => Ok(RunsStat::PassRate(test)),
            _ => Err(format!("{text:?}: expected e.g. \"pass_rate >= 0.95\"")),
        };
    }
    let p = t
        .strip_prefix("p(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| t.strip_prefix('p'));
    match (t, p.map(|n| n.trim().parse::<f64>())) {
        ("worst", _) => Ok(RunsStat::Worst),
        ("mean", _) => Ok(RunsStat::Mean),
        (_, Some(Ok(n))) if (0.0..=100.0).contains(&n) => Ok(RunsStat::P(n)),
        _ => {
            let hint = crate::error::nearest(t, ["worst", "mean", "p95", "pass_rate"])
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            Err(format!(
                "{text:?}: one of worst, mean, p95 (or p(N)), \"pass_rate OP X\"{hint}"
            ))
        }
    }
}

/// A moment as written: `"11:32"` on the scenario clock, or `"+90s"` from the start; it
/// must lie within the run (start to end, both included).
pub fn moment(sc: &Scenario, text: &str) -> Result<Time, String> {
    let t = match text.trim().strip_prefix('+') {
        Some(rest) => sc.start.plus(crate::units::parse_duration(rest)?),
        None => crate::units::parse_at(text)?,
    };
    if t < sc.start || t > sc.end {
        return Err(format!(
            "{text:?} ({}) is outside the run, {} to {}",
            clock(t),
            clock(sc.start),
            clock(sc.end)
        ));
    }
    Ok(t)
}

/// Refuses a check whose column (timeline.csv's header) or figure (summary.json's, by
/// dotted name) the run does not have, naming the nearest.
pub fn check_names(
    sc: &Scenario,
    checks: &[Check],
    columns: &[String],
    figures: &[String],
) -> Result<(), Error> {
    for c in checks {
        let (known, what): (Vec<&str>, &str) = match c.when {
            When::Summary => (
                figures.iter().map(String::as_str).collect(),
                "summary figure",
            ),
            _ => (
                columns.iter().map(String::as_str).collect(),
                "timeline column",
            ),
        };
        if !known.contains(&c.field.as_str()) {
            let hint = crate::error::nearest(&c.field, known.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| format!(" (known: {})", known.join(", ")));
            return Err(input_error(
                &sc.path,
                c.location.clone(),
                &c.key,
                format!("unknown {what} `{}`{hint}", c.field),
            ));
        }
    }
    Ok(())
}

/// `11:32`, `11:32:15`: the scenario's clock.
pub fn clock(t: Time) -> String {
    crate::units::clock(t, crate::units::ClockStyle::Scenario)
}
