//! `hpasim check`: scenarios' expectations and golden timelines judged, in parallel, and
//! reported as text, GitHub annotations or Markdown (and JUnit XML to a file).

use std::path::PathBuf;

use rayon::prelude::*;

use crate::check::{self, GoldenMode, ScenarioResult};
use crate::error::Error;

/// How `hpasim check` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// One line per check.
    Text,
    /// GitHub Actions annotations, then the text; the table to `$GITHUB_STEP_SUMMARY`.
    Github,
    /// A Markdown table for a pull-request comment.
    Markdown,
}

/// What `hpasim check` is asked to do.
#[derive(Clone, Debug)]
pub struct CheckArgs {
    /// Scenario files and folders.
    pub paths: Vec<PathBuf>,
    /// Runs per scenario (overrides `seeds:`).
    pub runs: Option<u32>,
    /// Only checks whose `scenario: title` matches.
    pub filter: Option<String>,
    /// The printed report's form.
    pub format: CheckFormat,
    /// Also write JUnit XML here.
    pub junit: Option<PathBuf>,
    /// Golden files: compare, write `.new`, or accept `.new`.
    pub golden: GoldenMode,
    /// `$CI` is set: nothing may be written but the report files asked for.
    pub in_ci: bool,
    /// `$GITHUB_STEP_SUMMARY`, where `--format github` appends its table.
    pub step_summary: Option<PathBuf>,
}

/// What `hpasim check` found.
pub struct Checked {
    /// Every scenario's results, in the order given (folders sorted by file name).
    pub results: Vec<ScenarioResult>,
    /// The report to print.
    pub text: String,
    /// Whether any check failed (exit 1).
    pub failed: bool,
}

/// GitHub caps a step summary at 1 MiB.
const STEP_SUMMARY_MAX: usize = 1 << 20;

/// `hpasim check`.
pub fn check(args: &CheckArgs) -> Result<Checked, Error> {
    if args.in_ci && args.golden != GoldenMode::Compare {
        return Err(Error::Usage(
            "CI is set: `hpasim check` writes no golden file in CI (--update / --accept)".into(),
        ));
    }
    let filter = args
        .filter
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| Error::Usage(format!("--filter: {e}")))?;
    let mut files = vec![];
    for p in &args.paths {
        let found = check::scenario_files(p)?;
        if found.is_empty() {
            return Err(Error::Usage(format!(
                "{}: no scenario with `expect:` or `golden:` in it",
                p.display()
            )));
        }
        files.extend(found);
    }
    let results: Vec<Result<ScenarioResult, Error>> = files
        .par_iter()
        .map(|f| {
            let scenario = crate::scenario::load_scenario(f)?;
            if scenario.file.expect.is_empty() && scenario.file.golden.is_none() {
                return Err(Error::Input {
                    path: f.clone(),
                    location: None,
                    message: "has no `expect:` or `golden:` to check".into(),
                });
            }
            // The filter is applied before the runs: a scenario with no matching check
            // is validated, not run.
            check::check_scenario(scenario, args.runs, args.golden, filter.as_ref())
        })
        .collect();
    let mut results: Vec<ScenarioResult> = results.into_iter().collect::<Result<_, _>>()?;
    results.retain(|r| !r.cases.is_empty());
    let failed = results.iter().any(|r| r.failures() > 0);
    if let Some(path) = &args.junit {
        crate::report::write_atomically(path, check::junit(&results).as_bytes())?;
    }
    let text = match args.format {
        CheckFormat::Text => check::text(&results),
        CheckFormat::Markdown => check::markdown(&results),
        CheckFormat::Github => {
            let (text, table) = check::github(&results);
            if let Some(path) = &args.step_summary {
                append(path, &table)?;
            }
            text
        }
    };
    Ok(Checked {
        results,
        text,
        failed,
    })
}

/// Appends to the step summary (GitHub's file: appended to, never replaced).
fn append(path: &std::path::Path, table: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut table = table.to_string();
    if table.len() > STEP_SUMMARY_MAX {
        let cut = table[..STEP_SUMMARY_MAX - 200].rfind('\n').unwrap_or(0);
        let more = table[cut..].lines().count();
        table.truncate(cut);
        table.push_str(&format!("\n\n... and {more} more rows (see the job log)\n"));
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(table.as_bytes()))
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
}
