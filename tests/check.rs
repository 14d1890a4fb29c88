//! `hpasim check` driven as CI drives it: expectations on the bundled lunch rush, exit
//! codes, the place of every refusal, golden files, JUnit and GitHub output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn hpasim() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("hpasim"));
    c.env_remove("CI").env_remove("GITHUB_STEP_SUMMARY");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled lunch rush without its own `expect:`/`golden:` (they come last).
fn lunch_rush() -> String {
    let text = std::fs::read_to_string(root().join("scenarios/feastflow-lunch-rush.yaml")).unwrap();
    let cut = ["\nexpect:", "\ngolden:", "\nseeds:"]
        .iter()
        .filter_map(|k| text.find(k))
        .min()
        .unwrap_or(text.len());
    format!("{}\n", text[..cut].trim_end())
}

/// Writes the lunch rush with `extra` appended into `dir`; returns its path and the line
/// `extra` starts on.
fn scenario_with(dir: &Path, name: &str, extra: &str) -> (PathBuf, usize) {
    let base = lunch_rush();
    let first_line = base.lines().count() + 1;
    let path = dir.join(name);
    std::fs::write(&path, format!("{base}{extra}")).unwrap();
    (path, first_line)
}

const GOOD: &str = r#"expect:
- name: holds 2 Ready before the rush
  during: ["10:00", "11:30"]
  ready: "all == 2"
- name: scales out during the rush
  at: "12:10"
  spec_replicas: {eq: 8, abs: 1}
  ready: ">= 6"
- name: never fewer than 2 Ready
  during: ["11:30", "13:00"]
  ready: "min >= 2"
  latency_p95_ms: "p(95) < 300"
- name: steps down after the rush
  eventually: {after: "13:00", within: 30m}
  spec_replicas: "<= 3"
- summary:
    slo.violationSeconds: "<= 60"
"#;

#[test]
fn expectations_that_hold_exit_0_with_one_pass_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "good.yaml", GOOD);
    let out = hpasim().arg("check").arg(&path).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(text.matches("  PASS ").count(), 7, "{text}");
    assert!(
        text.contains("7 checks in 1 scenario: 7 passed, 0 failed"),
        "{text}"
    );
}

#[test]
fn a_failing_expectation_exits_1_with_its_time_expected_and_got() {
    let dir = tempfile::tempdir().unwrap();
    let extra = "expect:\n- name: scales out early\n  at: \"11:32\"\n  ready: \">= 6\"\n";
    let (path, line) = scenario_with(dir.path(), "fail.yaml", extra);
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAIL   scales out early: ready >= 6 at 11:32: got 2",
        ))
        .stdout(predicate::str::contains(format!(
            "line {}: at 11:32: expected ready >= 6, got 2",
            line + 3
        )));
    // A span reports the first moment it failed.
    let extra = "expect:\n- during: [\"11:30\", \"13:00\"]\n  spec_replicas: \"all <= 5\"\n";
    let (path, _) = scenario_with(dir.path(), "span.yaml", extra);
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "at 11:54:30: expected spec_replicas all <= 5, got 6",
        ));
}

#[test]
fn every_bad_expectation_exits_2_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    // (what is written, its line within it, what the error must say)
    let cases: [(&str, usize, &str); 12] = [
        (
            "- at: \"11:32\"\n  ready: \"=> 6\"\n",
            2,
            "expect[0].ready: \"=> 6\": expected an operator",
        ),
        (
            "- at: \"11:32\"\n  raedy: \">= 6\"\n",
            2,
            "expect[0].raedy: unknown timeline column `raedy`; did you mean `ready`?",
        ),
        (
            "- summary:\n    cost.total: \"< 1\"\n",
            2,
            "unknown summary figure `cost.total`; did you mean `cost.totalUsd`?",
        ),
        (
            "- at: \"09:59\"\n  ready: \">= 6\"\n",
            1,
            "expect[0].at: \"09:59\" (09:59) is outside the run, 10:00 to 14:00",
        ),
        (
            "- at: \"+5h\"\n  ready: \">= 6\"\n",
            1,
            "is outside the run",
        ),
        (
            "- during: [\"12:00\", \"15:00\"]\n  ready: \"min >= 2\"\n",
            1,
            "expect[0].during: \"15:00\" (15:00) is outside the run",
        ),
        (
            "- eventually: {after: \"13:50\", within: 20m}\n  ready: \"== 2\"\n",
            1,
            "ends after the run (14:00)",
        ),
        (
            "- at: \"12:00\"\n  during: [\"12:00\", \"13:00\"]\n  ready: \">= 2\"\n",
            2,
            "give one of at, during, not several",
        ),
        (
            "- name: nothing\n  at: \"12:00\"\n",
            1,
            "expect[0]: states no condition",
        ),
        (
            "- at: \"12:00\"\n  ready: \"min >= 2\"\n",
            2,
            "`min` aggregates a span: use it under `during`",
        ),
        (
            "- during: [\"12:00\", \"13:00\"]\n  ready: \"min >= 2\"\n  runs: wrost\n",
            3,
            "did you mean `worst`?",
        ),
        (
            "- during: [\"12:00\", \"11:00\"]\n  ready: \"min >= 2\"\n",
            1,
            "ends before it starts",
        ),
    ];
    for (k, (entry, line, message)) in cases.iter().enumerate() {
        let (path, first) = scenario_with(
            dir.path(),
            &format!("bad{k}.yaml"),
            &format!("expect:\n{entry}"),
        );
        let where_ = format!("{}:{}:", path.display(), first + line);
        hpasim()
            .arg("check")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(where_).and(predicate::str::contains(*message)));
    }
}

#[test]
fn runs_judge_every_expectation_on_every_seed_with_its_pass_rate() {
    let dir = tempfile::tempdir().unwrap();
    let extra = "expect:\n- during: [\"11:30\", \"13:00\"]\n  ready: \"min >= 2\"\n- at: \"12:10\"\n  spec_replicas: \">= 8\"\n  runs: \"pass_rate >= 0.2\"\n";
    let (path, _) = scenario_with(dir.path(), "runs.yaml", extra);
    let out = hpasim()
        .args(["check", "--runs", "5"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(5 runs)"), "{text}");
    assert!(
        text.contains("ready min >= 2 during 11:30..13:00: passed 5/5 runs"),
        "{text}"
    );
    assert!(text.contains("(pass rate "), "{text}");
}

#[test]
fn a_folder_checks_its_scenarios_with_expectations_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    scenario_with(dir.path(), "b.yaml", GOOD);
    scenario_with(dir.path(), "a.yaml", GOOD);
    scenario_with(dir.path(), "c-no-expectations.yaml", "");
    let out = hpasim().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let (a, b) = (text.find("a.yaml").unwrap(), text.find("b.yaml").unwrap());
    assert!(a < b, "{text}");
    assert!(!text.contains("c-no-expectations"), "{text}");
    // --filter keeps the matching checks only.
    hpasim()
        .args(["check", "--filter", "never fewer"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("4 checks in 2 scenarios"));
}

const GOLDEN: &str =
    "golden: {file: golden/lunch.csv, columns: [spec_replicas, ready], every: 60s}\n";

#[test]
fn update_then_accept_round_trips_a_golden_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "lunch.yaml", GOLDEN);
    let golden = dir.path().join("golden/lunch.csv");
    let new = dir.path().join("golden/lunch.csv.new");
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no stored file"));
    // In CI nothing is written.
    hpasim()
        .env("CI", "true")
        .args(["check", "--update"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("writes no golden file in CI"));
    assert!(!new.exists());
    hpasim()
        .args(["check", "--update"])
        .arg(&path)
        .assert()
        .code(1);
    assert!(new.exists() && !golden.exists());
    let written = std::fs::read_to_string(&new).unwrap();
    assert!(
        written.starts_with("time_s,clock,spec_replicas,ready\n0,10:00:00,2,2\n60,10:01:00,2,2\n")
    );
    assert_eq!(
        written.lines().count(),
        1 + 240,
        "one row a minute over 4 hours"
    );
    hpasim()
        .args(["check", "--accept"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("480/480 stored values met"));
    assert!(golden.exists() && !new.exists());
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), written);
    hpasim().arg("check").arg(&path).assert().code(0);
}

#[test]
fn a_golden_divergence_prints_time_expected_got_and_context_and_tolerances_absorb_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario_with(dir.path(), "lunch.yaml", GOLDEN);
    hpasim()
        .args(["check", "--update"])
        .arg(&path)
        .assert()
        .code(1);
    hpasim()
        .args(["check", "--accept"])
        .arg(&path)
        .assert()
        .code(0);
    let golden = dir.path().join("golden/lunch.csv");
    // The run reaches 3 replicas at 11:38:00; a stored 3 a minute earlier diverges.
    let text = std::fs::read_to_string(&golden).unwrap();
    let edited = text.replace("5820,11:37:00,2,2", "5820,11:37:00,3,2");
    assert_ne!(text, edited);
    std::fs::write(&golden, &edited).unwrap();
    hpasim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("479/480 stored values met"))
        .stdout(predicate::str::contains(
            "at 11:37: expected spec_replicas 3, got 2",
        ))
        .stdout(predicate::str::contains(
            "     11:37         3         2  <",
        ));
    // Within a minute's shift the run has the 3 (at 11:38:00): it passes.
    for (tolerance, code) in [("shift: 60s", 0), ("shift: 59s", 1), ("abs: 1", 0)] {
        let (path, _) = scenario_with(
            dir.path(),
            "lunch.yaml",
            &GOLDEN.replace("every: 60s", &format!("every: 60s, {tolerance}")),
        );
        hpasim().arg("check").arg(&path).assert().code(code);
    }
}
