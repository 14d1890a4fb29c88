//! A sweep's files from its trials: trials.csv, pareto.csv, best-hpa.yaml,
//! best-scenario.yaml, and the summary a person reads. Everything here depends only on the
//! journal's header and the set of trials, so a resumed or merged sweep writes the same
//! bytes as one uninterrupted run. Must not run anything.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::Header;
use super::figures::objective_value;
use super::front::{self, Point};
use super::trial::{Trial, feasibility};
use crate::error::Error;
use crate::report::write_atomically;

/// How `best` picks one configuration on the front.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    /// The knee: closest to the ideal point, objectives scaled over the front.
    Knee,
    /// The least weighted sum of scaled objectives; weights by objective (figure name or
    /// `stat(name)`), the others 0.
    Weights(Vec<(String, f64)>),
}

/// Parses `knee` or `weights:FIGURE=W,FIGURE=W`.
pub fn parse_pick(text: &str) -> Result<Pick, String> {
    if text == "knee" {
        return Ok(Pick::Knee);
    }
    let list = text
        .strip_prefix("weights:")
        .ok_or_else(|| format!("{text:?}: expected knee or weights:FIGURE=W,..."))?;
    list.split(',')
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("{kv:?}: expected FIGURE=WEIGHT"))?;
            let w: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| format!("{kv:?}: the weight must be a number, 0 or more"))?;
            Ok((k.trim().to_string(), w))
        })
        .collect::<Result<_, _>>()
        .map(Pick::Weights)
}

/// A number as every output writes it: shortest exact decimal; empty for no value.
pub fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// A figure's value for the printed summary, by its unit (the name's ending): dollars to
/// 4 decimals (`$0.1398`: configurations of a short run differ by fractions of a cent,
/// which `hpasim simulate`'s `$0.14` would hide); as `hpasim simulate` prints them, a
/// count of seconds whole (`12 s` in violation), a time in seconds to a tenth (`93.0 s`
/// job wait) and milliseconds whole (`180 ms`); else at most 4 decimals. The csv
/// files keep every digit ([`num`]), for a program to read.
fn shown(name: &str, x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    if name.ends_with("Usd") {
        format!("${x:.4}")
    } else if name.ends_with("Seconds") {
        format!("{x:.0} s")
    } else if name.ends_with('S') {
        format!("{x:.1} s")
    } else if name.ends_with("Ms") {
        format!("{x:.0} ms")
    } else {
        let text = format!("{x:.4}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        if text == "-0" {
            "0".into()
        } else {
            text.into()
        }
    }
}

/// The trials assessed: objectives, feasibility; the front and the pick.
pub struct Assessment {
    /// One point per trial, in the trials' order.
    pub points: Vec<Point>,
    /// The front (indices into the trials).
    pub front: Vec<usize>,
    /// The front holds feasible configurations (else the least violating).
    pub feasible_front: bool,
    /// The pick (index into the trials).
    pub pick: Option<usize>,
}

/// Assesses `trials` (in space order) under the header's objectives and constraints.
pub fn assess(header: &Header, trials: &[Trial], pick: &Pick) -> Result<Assessment, Error> {
    let points: Vec<Point> = trials
        .iter()
        .map(|t| {
            let (feasible, _, violation) = feasibility(t, &header.constraints);
            Point {
                objectives: match &t.result {
                    Ok(f) => header
                        .objectives
                        .iter()
                        .map(|o| objective_value(f, o))
                        .collect(),
                    Err(_) => vec![f64::INFINITY; header.objectives.len()],
                },
                feasible,
                violation,
                valid: t.result.is_ok(),
            }
        })
        .collect();
    let (front, feasible_front) = front::front(&points);
    let chosen = match pick {
        Pick::Knee => front::knee(&front, &points),
        Pick::Weights(ws) => {
            let mut weights = vec![0.0; header.objectives.len()];
            for (name, w) in ws {
                let k = header
                    .objectives
                    .iter()
                    .position(|o| o.name == *name || o.to_string() == *name)
                    .ok_or_else(|| {
                        let names: Vec<String> =
                            header.objectives.iter().map(|o| o.name.clone()).collect();
                        Error::Usage(format!(
                            "--pick: `{name}` is not an objective of this sweep (objectives: {}){}",
                            names.join(", "),
                            super::space::did_you_mean(name, names.iter().map(String::as_str))
                        ))
                    })?;
                weights[k] = *w;
            }
            front::weighted(&front, &points, &weights)
        }
    };
    Ok(Assessment {
        points,
        front,
        feasible_front,
        pick: chosen,
    })
}

/// Every figure name any trial has, sorted.
fn figure_names(trials: &[Trial]) -> Vec<String> {
    let mut names: std::collections::BTreeSet<String> = Default::default();
    for t in trials {
        if let Ok(f) = &t.result {
            names.extend(f.keys().cloned());
        }
    }
    names.into_iter().collect()
}

/// trials.csv (all trials) or pareto.csv (`only`: the front, with the pick marked).
pub fn trials_csv(
    header: &Header,
    trials: &[Trial],
    a: &Assessment,
    only: Option<&[usize]>,
) -> Result<Vec<u8>, Error> {
    let names = figure_names(trials);
    let mut w = csv::Writer::from_writer(vec![]);
    let csv_err = |e: csv::Error| Error::Output(format!("trials.csv: {e}"));
    let mut head: Vec<String> = vec!["id".into(), "baseline".into()];
    head.extend(header.params.iter().map(|p| p.name.clone()));
    head.extend(["valid", "feasible", "violation", "reason"].map(String::from));
    if only.is_some() {
        head.push("pick".into());
    }
    head.extend(header.objectives.iter().map(|o| o.to_string()));
    head.extend(header.constraints.iter().map(|c| c.figure.to_string()));
    head.extend(names.iter().map(|n| format!("mean({n})")));
    w.write_record(&head).map_err(csv_err)?;
    let rows: Vec<usize> = match only {
        Some(front) => front.to_vec(),
        None => (0..trials.len()).collect(),
    };
    for i in rows {
        let t = &trials[i];
        let (feasible, broken, violation) = feasibility(t, &header.constraints);
        let mut row = vec![t.id.clone(), t.baseline.to_string()];
        row.extend(t.values.iter().map(value_text));
        row.push(t.result.is_ok().to_string());
        row.push(feasible.to_string());
        row.push(num(violation));
        row.push(match &t.result {
            Err(reason) => reason.clone(),
            Ok(_) => broken.join("; "),
        });
        if only.is_some() {
            row.push((a.pick == Some(i)).to_string());
        }
        match &t.result {
            Ok(f) => {
                row.extend(a.points[i].objectives.iter().map(|x| num(*x)));
                row.extend(header.constraints.iter().map(|c| num(c.value(f))));
                row.extend(names.iter().map(|n| {
                    f.get(n)
                        .map(|v| {
                            num(super::figures::statistic(
                                v,
                                super::figures::Stat::Mean,
                                crate::measure::Worse::Higher,
                            ))
                        })
                        .unwrap_or_default()
                }));
            }
            Err(_) => row.extend(std::iter::repeat_n(
                String::new(),
                header.objectives.len() + header.constraints.len() + names.len(),
            )),
        }
        w.write_record(&row).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Output(format!("trials.csv: {e}")))
}

/// A parameter's value as a cell: strings bare, the rest as JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as YAML, checked to read back the same (else as JSON, which YAML also reads).
pub fn yaml_of(value: &Value) -> String {
    if let Ok(text) = serde_saphyr::to_string(value)
        && serde_saphyr::from_str::<Value>(&text).ok().as_ref() == Some(value)
    {
        return text;
    }
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// `to` relative to the folder `from` (both made absolute; `..` where they part).
fn relative_to(to: &Path, from: &Path) -> PathBuf {
    let abs = |p: &Path| {
        std::path::absolute(p)
            .map(|a| {
                a.components().fold(PathBuf::new(), |mut acc, c| {
                    match c {
                        Component::ParentDir => {
                            acc.pop();
                        }
                        Component::CurDir => {}
                        other => acc.push(other),
                    }
                    acc
                })
            })
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (to, from) = (abs(to), abs(from));
    let common = to
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    out
}

/// Every relative `file:` under `load` made relative to `out` instead of `scenario_dir`,
/// so the written scenario finds its traces.
fn relocate(v: &mut Value, scenario_dir: &Path, out: &Path) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                match x {
                    Value::String(f) if k == "file" && Path::new(f.as_str()).is_relative() => {
                        *f = relative_to(&scenario_dir.join(&*f), out)
                            .to_string_lossy()
                            .into_owned();
                    }
                    _ => relocate(x, scenario_dir, out),
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|x| relocate(x, scenario_dir, out)),
        _ => {}
    }
}

/// The scenario with a trial's values, its traces found from `out`.
pub fn best_scenario(header: &Header, trial: &Trial, out: &Path) -> Result<Value, Error> {
    let config = super::space::Config {
        values: trial.values.clone(),
        baseline: trial.baseline,
    };
    let mut v =
        super::trial::configured(&header.base, &header.params, &config).map_err(Error::Output)?;
    if let Some(load) = v.get_mut("load") {
        relocate(load, &header.scenario_dir, out);
    }
    Ok(v)
}

fn describe(header: &Header, t: &Trial) -> String {
    header
        .params
        .iter()
        .zip(&t.values)
        .map(|(p, v)| format!("{}={}", p.name, value_text(v)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How the pick compares with the baseline, objective by objective: "$0.41/day cheaper,
/// 0 s more violation, worst(queue.waitP95S) 35.2 s less". Cost is per day for runs of a
/// day or more; a shorter run's difference is the run's own ("$0.02 cheaper over the 4h
/// run"), not scaled up to a day the run does not show. Every other difference is rounded
/// by its unit as the printed front rounds its figures ([`shown`]).
fn versus(header: &Header, trials: &[Trial], a: &Assessment, pick: usize) -> Option<String> {
    let base = trials.iter().position(|t| t.baseline)?;
    if !a.points[base].valid {
        return None;
    }
    let duration_s = trials[pick]
        .result
        .as_ref()
        .ok()
        .and_then(|f| f.get("durationS"))
        .and_then(|v| v.first())
        .copied()
        .filter(|d| *d > 0.0);
    let parts: Vec<String> = header
        .objectives
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let d = a.points[pick].objectives[k] - a.points[base].objectives[k];
            difference(o, d, duration_s)
        })
        .collect();
    Some(parts.join(", "))
}

/// Objective `o`'s difference `d` (the pick's less the baseline's) as [`versus`] words it.
fn difference(o: &super::figures::Figure, d: f64, duration_s: Option<f64>) -> String {
    let shown = shown(&o.name, d.abs());
    match o.name.as_str() {
        "cost.totalUsd" => cost_versus(d, duration_s),
        // `shown` says "0 s": no difference is "0 s more violation", as it always read.
        "slo.violationSeconds" => {
            format!(
                "{shown} {} violation",
                if d < 0.0 { "less" } else { "more" }
            )
        }
        _ => format!("{o} {shown} {}", if d <= 0.0 { "less" } else { "more" }),
    }
}

/// A cost difference `d` (dollars over a run of `duration_s`) as [`versus`] words it.
fn cost_versus(d: f64, duration_s: Option<f64>) -> String {
    let way = if d <= 0.0 { "cheaper" } else { "dearer" };
    match duration_s {
        Some(s) if s >= 86_400.0 => format!("{}/day {way}", usd(d.abs() * 86_400.0 / s)),
        Some(s) => format!(
            "{} {way} over the {} run",
            usd(d.abs()),
            crate::units::span_text((s * 1000.0).round() as i64)
        ),
        None => format!("{} {way}", usd(d.abs())),
    }
}

/// Dollars as a person reads them: cents from ten cents up, three significant digits
/// below (a short run's difference is often a fraction of a cent).
fn usd(x: f64) -> String {
    if x == 0.0 || x.abs() >= 0.095 {
        format!("${x:.2}")
    } else {
        let decimals = (2 - x.abs().log10().floor() as i32).clamp(2, 12) as usize;
        format!("${x:.decimals$}")
    }
}

/// What the pictures show: the first two objectives of every configuration that ran,
/// and for each pair of parameters the least first objective among feasible ones.
fn picture(header: &Header, trials: &[Trial], a: &Assessment) -> super::chart::SweepPicture {
    let objective = |k: usize| {
        header
            .objectives
            .get(k)
            .map(|o| o.to_string())
            .unwrap_or_default()
    };
    let dots = trials
        .iter()
        .enumerate()
        .filter(|(i, _)| a.points[*i].valid)
        .map(|(i, t)| super::chart::Dot {
            x: a.points[i].objectives.first().copied().unwrap_or(f64::NAN),
            y: a.points[i].objectives.get(1).copied().unwrap_or(0.0),
            feasible: a.points[i].feasible,
            front: a.front.contains(&i),
            baseline: t.baseline,
            pick: a.pick == Some(i),
        })
        .collect();
    let mut heatmaps = vec![];
    let ps = &header.params;
    for i in 0..ps.len() {
        for j in i + 1..ps.len() {
            if ps[i].values.len() > 60 || ps[j].values.len() > 60 {
                continue;
            }
            let mut cells = vec![vec![None; ps[i].values.len()]; ps[j].values.len()];
            for (k, t) in trials.iter().enumerate() {
                let (Some(x), Some(y)) = (
                    ps[i].values.iter().position(|v| *v == t.values[i]),
                    ps[j].values.iter().position(|v| *v == t.values[j]),
                ) else {
                    continue;
                };
                let v = a.points[k].objectives.first().copied().unwrap_or(f64::NAN);
                if a.points[k].feasible && v.is_finite() {
                    let cell: &mut Option<f64> = &mut cells[y][x];
                    *cell = Some(cell.map_or(v, |c: f64| c.min(v)));
                }
            }
            let labels = |k: usize| ps[k].values.iter().map(value_text).collect();
            heatmaps.push(super::chart::Heatmap {
                x: (ps[i].name.clone(), labels(i)),
                y: (ps[j].name.clone(), labels(j)),
                cells,
            });
        }
    }
    super::chart::SweepPicture {
        title: format!("{}: {} configurations", header.name, trials.len()),
        axes: (objective(0), objective(1)),
        dots,
        heatmaps,
    }
}

/// The files a sweep writes from its trials (`trials` in space order), and the summary.
pub fn write_outputs(
    header: &Header,
    trials: &[Trial],
    out: &Path,
    pick: &Pick,
) -> Result<String, Error> {
    let a = assess(header, trials, pick)?;
    write_atomically(
        &out.join("trials.csv"),
        &trials_csv(header, trials, &a, None)?,
    )?;
    write_atomically(
        &out.join("pareto.csv"),
        &trials_csv(header, trials, &a, Some(&a.front))?,
    )?;
    let mut files = vec!["trials.jsonl", "trials.csv", "pareto.csv"];
    let picture = picture(header, trials, &a);
    super::chart::write_png(&picture, out)?;
    let front_csv = trials_csv(header, trials, &a, Some(&a.front))?;
    let mut table = csv::Reader::from_reader(front_csv.as_slice());
    let head: Vec<String> = table
        .headers()
        .map(|h| h.iter().take(12).map(String::from).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = table
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().take(12).map(String::from).collect())
        .collect();
    write_atomically(
        &out.join("report.html"),
        super::chart::report_html(&picture, &head, &rows)?.as_bytes(),
    )?;
    files.extend(["sweep.png", "report.html"]);
    let mut text = String::new();
    let valid = trials.iter().filter(|t| t.result.is_ok()).count();
    let feasible = a.points.iter().filter(|p| p.feasible).count();
    let _ = writeln!(
        text,
        "swept {} configurations of {} on {} seed{} ({} invalid{}), {} feasible",
        trials.len(),
        header.name,
        header.seeds.len(),
        if header.seeds.len() == 1 { "" } else { "s" },
        trials.len() - valid,
        if header.excluded > 0 {
            format!(", {} left out by rules between parameters", header.excluded)
        } else {
            String::new()
        },
        feasible
    );
    let objectives: Vec<String> = header.objectives.iter().map(|o| o.to_string()).collect();
    let _ = writeln!(text, "  minimize   {}", objectives.join(", "));
    for c in &header.constraints {
        let _ = writeln!(text, "  subject to {c}");
    }
    if !a.feasible_front && !a.front.is_empty() {
        let _ = writeln!(
            text,
            "  no configuration keeps every constraint: the front below holds the least violating"
        );
    }
    let _ = writeln!(text, "front ({}):", a.front.len());
    for &i in a.front.iter().take(20) {
        let t = &trials[i];
        let values: Vec<String> = (header.objectives.iter())
            .zip(&a.points[i].objectives)
            .map(|(o, x)| shown(&o.name, *x))
            .collect();
        let _ = writeln!(
            text,
            "  {}{} {}  ->  {}",
            t.id,
            if t.baseline { " (baseline)" } else { "" },
            describe(header, t),
            values.join(", ")
        );
    }
    if a.front.len() > 20 {
        let _ = writeln!(text, "  ... {} more in pareto.csv", a.front.len() - 20);
    }
    if let Some(p) = a.pick {
        let t = &trials[p];
        let scenario = best_scenario(header, t, out)?;
        if let Some(hpa) = scenario.get("hpa") {
            let head = format!(
                "# hpasim sweep's pick ({}): {}\n",
                t.id,
                describe(header, t)
            );
            write_atomically(
                &out.join("best-hpa.yaml"),
                (head.clone() + &yaml_of(hpa)).as_bytes(),
            )?;
            write_atomically(
                &out.join("best-scenario.yaml"),
                (head + &yaml_of(&scenario)).as_bytes(),
            )?;
            files.extend(["best-hpa.yaml", "best-scenario.yaml"]);
        }
        let how = match pick {
            Pick::Knee => "knee".to_string(),
            Pick::Weights(_) => "weights".to_string(),
        };
        let _ = write!(
            text,
            "pick ({how}): {}{} {}",
            t.id,
            if t.baseline { " (baseline)" } else { "" },
            describe(header, t)
        );
        match versus(header, trials, &a, p) {
            Some(v) => {
                let _ = writeln!(text, ": {v} than the baseline");
            }
            None => text.push('\n'),
        }
    } else {
        let first = trials.iter().find_map(|t| t.result.as_ref().err());
        let _ = writeln!(
            text,
            "no configuration ran: every one is invalid{}",
            first.map(|r| format!(" (first: {r})")).unwrap_or_default()
        );
    }
    let _ = writeln!(
        text,
        "  files      {}/{{{}}}",
        out.display(),
        files.join(", ")
    );
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_out_of_the_output_folder() {
        assert_eq!(
            relative_to(Path::new("/a/b/traces/t.csv"), Path::new("/a/out/x-sweep")),
            PathBuf::from("../../b/traces/t.csv")
        );
        assert_eq!(
            relative_to(Path::new("/a/b/../c.csv"), Path::new("/a")),
            PathBuf::from("c.csv")
        );
    }

    #[test]
    fn cost_is_per_day_only_for_runs_of_a_day_or_more() {
        // (difference in dollars over the run, run's seconds, words)
        let cases = [
            (-0.41, Some(86_400.0), "$0.41/day cheaper"),
            (-1.23, Some(3.0 * 86_400.0), "$0.41/day cheaper"),
            (0.5, Some(2.0 * 86_400.0), "$0.25/day dearer"),
            (
                -0.0233,
                Some(4.0 * 3600.0),
                "$0.0233 cheaper over the 4h run",
            ),
            (0.004567, Some(600.0), "$0.00457 dearer over the 10m run"),
            (-2.5, Some(90.0 * 60.0), "$2.50 cheaper over the 1h 30m run"),
            (0.0, Some(3600.0), "$0.00 cheaper over the 1h run"),
            (-0.3, None, "$0.30 cheaper"),
        ];
        for (d, duration_s, words) in cases {
            assert_eq!(cost_versus(d, duration_s), words, "{d} over {duration_s:?}");
        }
    }

    /// The pick's sentence rounds each difference by its unit, as the printed front does
    /// (trials.csv keeps every digit); cost keeps its per-day words.
    #[test]
    fn the_pick_sentence_rounds_each_difference_by_its_unit() {
        use super::super::figures::{Figure, Stat};
        // (figure, the pick's less the baseline's, run's seconds, words)
        let cases = [
            ("cost.totalUsd", -0.41, Some(86_400.0), "$0.41/day cheaper"),
            ("slo.violationSeconds", 0.0, None, "0 s more violation"),
            ("slo.violationSeconds", -12.4, None, "12 s less violation"),
            (
                "queue.waitP95S",
                -35.187999999999995,
                None,
                "worst(queue.waitP95S) 35.2 s less",
            ),
            (
                "queue.waitP95S",
                194.19899999999998,
                None,
                "worst(queue.waitP95S) 194.2 s more",
            ),
            (
                "latency.worstP95Ms",
                -182.4371,
                None,
                "worst(latency.worstP95Ms) 182 ms less",
            ),
            ("scaleUps", -52.0, None, "worst(scaleUps) 52 less"),
            (
                "cost.wasteUsd",
                0.01234567,
                None,
                "worst(cost.wasteUsd) $0.0123 more",
            ),
            (
                "slo.missedFraction",
                -0.0012345678,
                None,
                "worst(slo.missedFraction) 0.0012 less",
            ),
        ];
        for (name, d, duration_s, words) in cases {
            let o = Figure {
                stat: Stat::Worst,
                name: name.into(),
            };
            assert_eq!(difference(&o, d, duration_s), words, "{name} {d}");
        }
    }

    #[test]
    fn picks_parse_knee_and_weights_and_refuse_the_rest() {
        assert_eq!(parse_pick("knee"), Ok(Pick::Knee));
        assert_eq!(
            parse_pick("weights:cost.totalUsd=2,slo.violationSeconds=0.5"),
            Ok(Pick::Weights(vec![
                ("cost.totalUsd".into(), 2.0),
                ("slo.violationSeconds".into(), 0.5)
            ]))
        );
        for bad in ["elbow", "weights:", "weights:a=-1", "weights:a"] {
            assert!(parse_pick(bad).is_err(), "{bad}");
        }
    }

    /// The printed front says each objective in its unit, as `hpasim simulate` does; the
    /// csv files keep every digit.
    #[test]
    fn the_printed_front_rounds_each_figure_by_its_unit() {
        // (figure, value, as printed)
        let cases = [
            ("cost.totalUsd", 0.1398134635416493, "$0.1398"),
            ("cost.wasteUsd", 12.0, "$12.0000"),
            ("slo.violationSeconds", 37.0, "37 s"),
            ("slo.violationSeconds", 36.6, "37 s"),
            ("durationS", 14400.0, "14400.0 s"),
            ("queue.waitP95S", 93.035, "93.0 s"),
            ("latency.worstP95Ms", 182.4371, "182 ms"),
            ("scaling.scaleUps", 6.0, "6"),
            ("slo.missedFraction", 0.0012345678, "0.0012"),
            ("pods.meanReady", 3.25, "3.25"),
            ("cost.totalUsd", f64::NAN, "-"),
        ];
        for (name, x, want) in cases {
            assert_eq!(shown(name, x), want, "{name} {x}");
        }
        assert_eq!(num(0.1398134635416493), "0.1398134635416493");
    }

    #[test]
    fn numbers_are_written_shortest_and_exact() {
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(60.0), "60");
        assert_eq!(num(f64::NAN), "");
        assert_eq!(num(f64::INFINITY), "");
    }
}
