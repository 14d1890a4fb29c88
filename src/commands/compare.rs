//! `hpasim simulate A B ... --compare`: variants run one by one, then drawn together.

use std::path::Path;

use super::simulate::{SimulateArgs, Simulated, simulate_loaded, written_line};
use crate::error::Error;
use crate::report;

/// `hpasim simulate A B ... --compare`: every scenario is loaded and checked first; then
/// each runs as `simulate` would, into `DIR/<name>/` (snapshots into
/// `SNAPSHOTS/<name>/`); then one chart and compare.html put them side by side in `DIR`
/// (default `out/compare`).
pub fn compare(args: &SimulateArgs, scenarios: &[std::path::PathBuf]) -> Result<String, Error> {
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join("compare"));
    report::claim_run_dir(&dir)?;
    let loaded = scenarios
        .iter()
        .map(|p| crate::scenario::load_scenario(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut done: Vec<Simulated> = vec![];
    let mut names: Vec<String> = vec![];
    for scenario in loaded {
        let name = scenario.file.name.clone();
        // Two variants of one name (a file copied and edited) stay apart.
        let mut unique = name.clone();
        let mut k = 2;
        while names.contains(&unique) {
            unique = format!("{name}-{k}");
            k += 1;
        }
        let one = SimulateArgs {
            scenario: scenario.path.clone(),
            out: Some(dir.join(&unique)),
            snapshots: args.snapshots.as_ref().map(|s| s.join(&unique)),
            ..args.clone()
        };
        done.push(simulate_loaded(&one, scenario)?);
        names.push(unique);
    }
    let variants: Vec<report::Compared> = done
        .iter()
        .zip(&names)
        .map(|(d, name)| report::Compared {
            name: name.clone(),
            scenario: &d.scenario,
            record: &d.record,
            judgement: &d.judgement,
        })
        .collect();
    let files = report::write_comparison(
        &variants,
        &args.charts,
        &dir,
        &super::simulate::command_line(),
    )?;
    // One table for all, not a full summary each: each variant's own summary is in its
    // folder (summary.json, report.html).
    let mut text = String::new();
    for (d, name) in done.iter().zip(&names) {
        text.push_str(&format!(
            "{name}: {} (seed {}), files in {}\n",
            d.scenario.path.display(),
            d.record.summary.seed,
            dir.join(name).display()
        ));
    }
    text.push('\n');
    text.push_str(&report::grid_text(&report::comparison_grid(&variants)?));
    text.push('\n');
    text.push_str(&report::grid_text(&report::scenario_diff(&variants)?));
    if variants
        .iter()
        .any(|v| v.scenario.start != variants[0].scenario.start)
    {
        text.push_str(
            "\nThe scenarios start at different times of day: compare.png draws them on time since each one's start.\n",
        );
    }
    text.push_str("compared:\n");
    text.push_str(&written_line(&files, &dir));
    Ok(text)
}
