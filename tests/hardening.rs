//! Hostile and careless input, one test per class the fuzzing pass of issue 14 found:
//! panics, unbounded work or memory, invalid input accepted, errors without their line,
//! and temporary files left behind. Each input is refused with exit 2 and a message
//! naming the file, the line and the field, or runs to completion.

use std::path::Path;

use assert_cmd::Command;
use hpasim::Error;
use hpasim::scenario::load_scenario;

fn hpasim() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("hpasim"))
}

/// A small valid scenario; `load` replaces its `load:` list and `extra` is appended as
/// top-level YAML (or replaces a key set in the text by `replace`).
const BASE: &str = r#"name: hardening
duration: 10m
hpa:
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
    minReplicas: 1
    maxReplicas: 5
    metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
workload:
  initialReplicas: 1
  pod:
    requests: {cpu: 100m}
    cpuPerRequest: 5m
load:
- constant: {rps: 10}
"#;

/// Writes `files` (name, text) into a fresh folder and returns it.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// The base scenario with `from` replaced by `to` (which must occur).
fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} not in the base scenario");
    BASE.replacen(from, to, 1)
}

/// Loads `scenario.yaml` from `dir`.
fn load_in(dir: &Path) -> Result<hpasim::scenario::Scenario, Error> {
    load_scenario(&dir.join("scenario.yaml"))
}

/// The refusal of a scenario, as printed: `path:line:col: message`.
#[track_caller]
#[allow(dead_code)] // used by the classes that follow
fn refused(scenario: &str, others: &[(&str, &str)]) -> String {
    let mut files = vec![("scenario.yaml", scenario)];
    files.extend_from_slice(others);
    let dir = folder(&files);
    match load_in(dir.path()) {
        Ok(_) => panic!("accepted:\n{scenario}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            e.to_string()
        }
    }
}

/// Runs `simulate` on the scenario (and its files) and returns (exit code, stderr).
fn simulate(scenario: &str, others: &[(&str, &str)]) -> (i32, String) {
    let mut files = vec![("scenario.yaml", scenario)];
    files.extend_from_slice(others);
    let dir = folder(&files);
    let out = hpasim()
        .args([
            "simulate",
            "scenario.yaml",
            "--out",
            "out",
            "--charts",
            "none",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const ONE_SAMPLE: &str = "time_s,rps\n0,5\n";

#[test]
fn a_one_sample_trace_cannot_loop_even_when_no_sample_is_needed() {
    for load in [
        "- trace: {file: one.csv, onEnd: loop, shift: 10m}",
        "- trace: {file: one.csv, onEnd: loop, shift: 1h}",
        "- repeat: {every: 1h, shift: 2h, of: {trace: {file: one.csv, onEnd: loop}}}",
        "- sum: {of: [{trace: {file: one.csv, onEnd: loop}}], shift: 20m}",
    ] {
        let scenario = edited("- constant: {rps: 10}", load);
        let (code, stderr) = simulate(&scenario, &[("one.csv", ONE_SAMPLE)]);
        assert_eq!(code, 2, "{load}: {stderr}");
        assert!(
            stderr.contains("one.csv:2:1:") && stderr.contains("cannot loop"),
            "{load}: {stderr}"
        );
    }
}

#[test]
fn a_one_sample_trace_holds_or_drops_wherever_it_is_shifted() {
    for load in [
        "- trace: {file: one.csv, onEnd: hold, shift: 10m}",
        "- trace: {file: one.csv, onEnd: zero}",
        "- repeat: {every: 1h, shift: 2h, of: {trace: {file: one.csv, onEnd: hold}}}",
    ] {
        let scenario = edited("- constant: {rps: 10}", load);
        let dir = folder(&[("scenario.yaml", &scenario), ("one.csv", ONE_SAMPLE)]);
        load_in(dir.path()).unwrap_or_else(|e| panic!("{load}: {e}"));
    }
}
