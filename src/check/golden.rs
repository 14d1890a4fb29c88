//! Golden timelines: chosen timeline.csv columns stored in a file, and a run compared with
//! them within an absolute/relative tolerance and a time-shift window. Owns the file's
//! shape, the comparison and `.new`/accept; must not decide when writing is allowed (CI).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::condition::num;
use super::plan::clock;
use super::{CaseResult, Failure, GoldenMode, Timeline};
use crate::core::Span;
use crate::error::Error;
use crate::scenario::Scenario;
use crate::scenario::expect::{Golden, locate_golden};

/// Divergences printed in full; the rest are counted.
const SHOWN: usize = 5;
/// Rows of context either side of the first divergence.
const CONTEXT: usize = 2;

fn bad(sc: &Scenario, text: &str, message: String) -> Error {
    Error::Input {
        path: sc.path.clone(),
        location: locate_golden(text),
        message: format!("golden: {message}"),
    }
}

/// Refuses a golden entry that cannot be compared (before any run).
pub fn validate(sc: &Scenario, text: &str, g: &Golden) -> Result<(), Error> {
    if g.file.trim().is_empty() {
        return Err(bad(sc, text, "`file` is empty".into()));
    }
    if g.columns.is_empty() {
        return Err(bad(
            sc,
            text,
            "`columns` lists none; name at least one".into(),
        ));
    }
    if !(g.abs >= 0.0 && g.rel >= 0.0) {
        return Err(bad(sc, text, "`abs` and `rel` are 0 or more".into()));
    }
    if g.every
        .is_some_and(|e| e.span().as_millis() < 1000 || e.span().as_millis() % 1000 != 0)
    {
        return Err(bad(
            sc,
            text,
            "`every` is a whole number of seconds, at least 1s".into(),
        ));
    }
    Ok(())
}

/// Refuses a golden column the timeline does not have, naming the nearest.
pub fn check_columns(
    sc: &Scenario,
    text: &str,
    g: &Golden,
    columns: &[String],
) -> Result<(), Error> {
    for c in &g.columns {
        if !columns.contains(c) {
            let hint = crate::error::nearest(c, columns.iter().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(bad(
                sc,
                text,
                format!("unknown timeline column `{c}`{hint}"),
            ));
        }
    }
    Ok(())
}

/// The golden's case title (what `--filter` matches after `scenario name: `).
pub fn title(g: &Golden) -> String {
    format!("golden {} ({})", g.file, g.columns.join(", "))
}

fn every_ms(g: &Golden) -> i64 {
    g.every
        .map(|e| e.span().as_millis())
        .unwrap_or(1000)
        .max(1000)
}

/// The golden file for this run: `time_s`, `clock`, then the chosen columns as timeline.csv
/// writes them, one row every `every`.
pub fn golden_csv(g: &Golden, tl: &Timeline) -> Result<Vec<u8>, Error> {
    let err = |e: csv::Error| Error::Output(format!("golden file: {e}"));
    let mut w = csv::Writer::from_writer(vec![]);
    let mut header = vec!["time_s".to_string(), "clock".to_string()];
    header.extend(g.columns.iter().cloned());
    w.write_record(&header).map_err(err)?;
    let pick: Vec<Option<usize>> = header.iter().map(|h| tl.column(h)).collect();
    let time_col = tl.column("time_s");
    for (k, row) in tl.cells.iter().enumerate() {
        let secs: f64 = time_col
            .and_then(|c| row.get(c))
            .and_then(|t| t.parse().ok())
            .unwrap_or(0.0);
        if (secs * 1000.0).round() as i64 % every_ms(g) != 0 {
            continue;
        }
        let cells: Vec<&str> = pick
            .iter()
            .map(|c| {
                c.and_then(|c| tl.cells[k].get(c))
                    .map(String::as_str)
                    .unwrap_or("")
            })
            .collect();
        w.write_record(&cells).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Output(format!("golden file: {e}")))
}

/// A golden comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldenOutcome {
    /// Stored values compared.
    pub compared: usize,
    /// Stored values the run did not meet.
    pub diverged: usize,
    /// The first divergence, with context, when there is one.
    pub failure: Option<Failure>,
}

/// Compares the run's timeline with the stored file: each stored value of each chosen
/// column is met if the run has a value within `max(abs, rel * |stored|)` of it at some
/// moment from `shift` before to `shift` after the stored row's time (missing matches
/// missing).
pub fn compare_golden(
    g: &Golden,
    stored: &[u8],
    tl: &Timeline,
    start: crate::core::Time,
) -> Result<GoldenOutcome, String> {
    let golden = Timeline::parse(stored, start)?;
    let shift = g.shift.span();
    let mut compared = 0;
    let mut diverged: Vec<(usize, usize, f64, f64)> = vec![];
    let last = tl.times.last().copied();
    for col_name in &g.columns {
        let gc = golden
            .column(col_name)
            .ok_or_else(|| format!("the stored file has no column `{col_name}`"))?;
        let rc = tl.column(col_name);
        for (row, &t) in golden.times.iter().enumerate() {
            compared += 1;
            let want = golden.value(row, gc);
            let at = tl.row_at(t).filter(|_| last.is_some_and(|l| t <= l));
            let got = match (at, rc) {
                (Some(r), Some(c)) => tl.value(r, c),
                _ => f64::NAN,
            };
            let window = tl.rows_during(t.minus(shift), t.plus(shift));
            let met = at.is_some()
                && rc.is_some_and(|c| {
                    window.clone().any(|r| {
                        let v = tl.value(r, c);
                        (v.is_nan() && want.is_nan())
                            || (v - want).abs() <= g.abs.max(g.rel * want.abs())
                    })
                });
            if !met {
                diverged.push((row, gc, want, got));
            }
        }
    }
    diverged.sort_by_key(|d| (d.0, d.1));
    let failure = diverged.first().map(|&(row, gc, want, got)| {
        let col = &golden.columns[gc];
        let mut detail = String::new();
        let tol = if g.shift.span() > Span::from_millis(0) {
            format!(
                " (±{} abs, {} rel, ±{} shift)",
                num(g.abs),
                num(g.rel),
                crate::units::span_text(shift.as_millis())
            )
        } else {
            format!(" (±{} abs, {} rel)", num(g.abs), num(g.rel))
        };
        let _ = writeln!(
            detail,
            "{} of {compared} stored values diverge{tol}; first:",
            diverged.len()
        );
        for &(r, c, w, gt) in diverged.iter().take(SHOWN) {
            let _ = writeln!(
                detail,
                "  {} {}: expected {}, got {}",
                clock(golden.times[r]),
                golden.columns[c],
                num(w),
                num(gt)
            );
        }
        if diverged.len() > SHOWN {
            let _ = writeln!(detail, "  ... and {} more", diverged.len() - SHOWN);
        }
        let _ = writeln!(detail, "  context ({col}):");
        let _ = writeln!(detail, "  {:>10}  {:>8}  {:>8}", "time", "expected", "got");
        let rc = tl.column(col);
        for r in row.saturating_sub(CONTEXT)..(row + CONTEXT + 1).min(golden.times.len()) {
            let t = golden.times[r];
            let got = match (tl.row_at(t), rc) {
                (Some(k), Some(c)) => num(tl.value(k, c)),
                _ => "none".into(),
            };
            let mark = if r == row { "  <" } else { "" };
            let _ = writeln!(
                detail,
                "  {:>10}  {:>8}  {:>8}{mark}",
                clock(t),
                num(golden.value(r, gc)),
                got
            );
        }
        Failure {
            time: Some(clock(golden.times[row])),
            expected: format!("{col} {}", num(want)),
            got: num(got),
            detail,
        }
    });
    Ok(GoldenOutcome {
        compared,
        diverged: diverged.len(),
        failure,
    })
}

/// The golden file's path (relative to the scenario's folder) and its `.new` beside it.
pub fn golden_paths(sc: &Scenario, g: &Golden) -> (PathBuf, PathBuf) {
    let base = sc.path.parent().unwrap_or(Path::new("."));
    let file = base.join(&g.file);
    let mut new = file.clone().into_os_string();
    new.push(".new");
    (file, PathBuf::from(new))
}

/// Promotes `NAME.csv.new` to `NAME.csv`; false when there is no `.new`.
pub fn accept_golden(file: &Path, new: &Path) -> Result<bool, Error> {
    if !new.exists() {
        return Ok(false);
    }
    std::fs::rename(new, file).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    Ok(true)
}

/// The golden's case: accept or update as asked, then compare run 0 with the stored file.
pub fn judge(
    sc: &Scenario,
    text: &str,
    g: &Golden,
    tl: &Timeline,
    mode: GoldenMode,
) -> Result<CaseResult, Error> {
    let (file, new) = golden_paths(sc, g);
    let mut notes = vec![];
    match mode {
        GoldenMode::Accept => {
            if accept_golden(&file, &new)? {
                notes.push(format!("accepted {}", new.display()));
            }
        }
        GoldenMode::Update => {
            if let Some(dir) = new.parent() {
                std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            crate::report::write_atomically(&new, &golden_csv(g, tl)?)?;
            notes.push(format!("wrote {}", new.display()));
        }
        GoldenMode::Compare => {}
    }
    let title = title(g);
    let location = locate_golden(text);
    let note = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join("; "))
    };
    let stored = match std::fs::read(&file) {
        Ok(bytes) => bytes,
        Err(_) => {
            return Ok(CaseResult {
                title,
                location,
                held: false,
                passed: false,
                xfail: None,
                observed: format!("no stored file{note}"),
                failure: Some(Failure {
                    time: None,
                    expected: format!("a stored timeline at {}", file.display()),
                    got: "none".into(),
                    detail: "write it with `hpasim check --update`, review the .new, then `hpasim check --accept`\n".into(),
                }),
            });
        }
    };
    let outcome = compare_golden(g, &stored, tl, sc.start).map_err(|m| Error::Input {
        path: file.clone(),
        location: None,
        message: m,
    })?;
    Ok(CaseResult {
        title,
        location,
        held: outcome.failure.is_none(),
        passed: outcome.failure.is_none(),
        xfail: None,
        observed: format!(
            "{}/{} stored values met{note}",
            outcome.compared - outcome.diverged,
            outcome.compared
        ),
        failure: outcome.failure,
    })
}
