//! Judging runs, held to issue 4: every bundled scenario reports latency, SLO, cost and
//! elasticity; the figures agree with the simulator's own; `--runs` spreads them over
//! seeds identically whatever the thread count; objectives that cannot be judged are
//! refused before the run, naming the field.

use crate::common::{hpasim, root};

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

fn bundled() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    all.sort();
    all
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// A small scenario (the shape of tests/simulate.rs) with `extra` appended at top level.
fn small(dir: &Path, rps: f64, extra: &str) -> PathBuf {
    let startup = "    scheduling: {fixed: 2s}
    appStart: {fixed: 12s}
    readinessProbe: {initialDelaySeconds: 4, periodSeconds: 5}";
    let load = format!(
        "- step: {{from: {rps}, to: {}, at: 5m}}\n- noise: {{poisson: true}}",
        rps * 4.0
    );
    crate::common::cpu_scenario(dir, "small.yaml", "small", startup, &load, extra)
}

#[test]
fn every_bundled_scenario_reports_latency_slo_cost_and_elasticity() {
    for file in bundled() {
        let out = tempfile::tempdir().unwrap();
        hpasim()
            .arg("simulate")
            .arg(&file)
            .args(["--step", "60s", "--out"])
            .arg(out.path())
            .assert()
            .success()
            .stdout(predicate::str::contains("SLO "))
            .stdout(predicate::str::contains("latency ").or(predicate::str::contains("job wait ")))
            .stdout(predicate::str::contains("elasticity "));
        let s = summary(out.path());
        let name = file.display();
        if s.get("queue").is_some() {
            // A worker (issue 16): its jobs' waits stand for the requests' latency.
            let q = &s["queue"];
            assert!(q["waitP95S"].as_f64().unwrap() > 0.0, "{name}");
            assert!(
                q["waitMaxS"].as_f64().unwrap() >= q["waitP95S"].as_f64().unwrap(),
                "{name}"
            );
        } else {
            assert!(
                s["latency"]["typicalP95Ms"].as_f64().unwrap() > 0.0,
                "{name}"
            );
            assert!(
                s["latency"]["worstP95Ms"].as_f64().unwrap()
                    >= s["latency"]["typicalP95Ms"].as_f64().unwrap(),
                "{name}"
            );
        }
        assert!(s["cost"]["totalUsd"].as_f64().unwrap() > 0.0, "{name}");
        assert!(
            matches!(s["slo"]["verdict"].as_str(), Some("met" | "violated")),
            "{name}: every bundled scenario declares objectives"
        );
        let e = &s["elasticity"];
        let shares =
            e["underTimesharePct"].as_f64().unwrap() + e["overTimesharePct"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&shares), "{name}: {shares}");
        // The cost's pod-hours are the simulator's, second by second.
        let (a, b) = (
            s["cost"]["podHours"].as_f64().unwrap(),
            s["podHours"].as_f64().unwrap(),
        );
        assert!((a - b).abs() <= b * 0.01 + 0.01, "{name}: {a} vs {b}");
        // Issue 5: the charts and the report beside every run.
        for f in ["timeline.png", "report.html"] {
            let len = out.path().join(f).metadata().map(|m| m.len()).unwrap_or(0);
            assert!(len > 1000, "{name}: {f} is {len} bytes");
        }
        let csv = std::fs::read_to_string(out.path().join("timeline.csv")).unwrap();
        let header = csv.lines().next().unwrap();
        for col in ["latency_p95_ms", "slo_ok", "cost_usd"] {
            assert!(header.contains(col), "{name}: {header}");
        }
    }
}

/// The cluster at capacity cannot serve its load: the verdict is "violated", the
/// timeline marks the steps, and the worst episode is printed.
#[test]
fn a_cluster_at_capacity_violates_its_slo_and_says_when() {
    let out = tempfile::tempdir().unwrap();
    hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/waddlebot-cluster-at-capacity.yaml"))
        .args(["--step", "60s", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("SLO        VIOLATED"))
        .stdout(predicate::str::contains("worst episode"));
    let s = summary(out.path());
    assert_eq!(s["slo"]["verdict"], "violated");
    assert!(s["slo"]["episodes"]["longestS"].as_u64().unwrap() > 60);
    assert!(
        s["cost"]["nodes"]["nodeHours"].as_f64().unwrap() > 0.0,
        "priced by nodes"
    );
    let csv = std::fs::read_to_string(out.path().join("timeline.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "slo_ok").unwrap();
    let cost = headers.iter().position(|h| h == "cost_usd").unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert!(records.iter().any(|r| &r[col] == "false"));
    assert!(records.iter().any(|r| &r[col] == "true"));
    let costs: Vec<f64> = records.iter().map(|r| r[cost].parse().unwrap()).collect();
    assert!(
        costs.windows(2).all(|w| w[0] <= w[1]),
        "cost so far never falls"
    );
    let total = s["cost"]["totalUsd"].as_f64().unwrap();
    assert!(
        (costs.last().unwrap() - total).abs() < 0.01,
        "the last step's cost is the total"
    );
}

/// `--runs N`: run 0 is the plain run; the spread is the same whatever the thread
/// count; the worst seed replays to the worst figure.
#[test]
fn runs_spread_the_figures_and_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = small(
        dir.path(),
        40.0,
        "slo: {latency: {percentile: 95, below: 200ms}}",
    );
    let go = |args: &[&str], out: &str, threads: &str| {
        hpasim()
            .env("RAYON_NUM_THREADS", threads)
            .arg("simulate")
            .arg(&path)
            .args(args)
            .arg("--out")
            .arg(dir.path().join(out))
            .assert()
            .success();
        std::fs::read_to_string(dir.path().join(out).join("summary.json")).unwrap()
    };
    let one = go(&["--runs", "12"], "one", "1");
    let two = go(&["--runs", "12"], "two", "2");
    assert_eq!(
        one, two,
        "summary.json is byte-identical with 1 and 2 threads"
    );
    let spread: Value = serde_json::from_str(&one).unwrap();
    let plain: Value = serde_json::from_str(&go(&[], "plain", "2")).unwrap();
    assert_eq!(
        spread["podHours"], plain["podHours"],
        "run 0 is the plain run"
    );
    let f = &spread["spread"]["figures"]["podHours"];
    assert_eq!(spread["spread"]["runs"], 12);
    let (mean, worst) = (f["mean"].as_f64().unwrap(), f["worst"].as_f64().unwrap());
    assert!(f["p50"].as_f64().unwrap() <= worst && mean <= worst);
    // The worst seed, replayed alone, gives the worst figure.
    let seed = f["worstSeed"].as_u64().unwrap().to_string();
    let replay: Value = serde_json::from_str(&go(&["--seed", &seed], "replay", "1")).unwrap();
    assert_eq!(replay["cost"]["podHours"].as_f64().unwrap(), worst);
}

#[test]
fn objectives_and_prices_that_cannot_be_judged_are_refused_naming_the_field() {
    let cases = [
        (
            "slo: {latency: {percentile: 150, below: 300ms}}",
            "slo.latency.percentile",
        ),
        (
            "slo: {latency: {percentile: 95, below: 0s}}",
            "slo.latency.below",
        ),
        ("slo: {errorRate: {below: 2}}", "slo.errorRate.below"),
        ("slo: {windows: [0s]}", "slo.windows[0]"),
        ("slo: {latncy: {percentile: 95}}", "unknown field `latncy`"),
        ("cost: {cpuPerHour: -1}", "cost.cpuPerHour"),
        (
            "cost: {node: {cpu: 100m, memory: 1Gi, hourly: 0.1}}",
            "cost.node",
        ),
    ];
    for (extra, field) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = small(dir.path(), 40.0, extra);
        hpasim()
            .arg("simulate")
            .arg(&path)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("small.yaml"))
            .stderr(predicate::str::contains(field));
        assert!(!dir.path().join("out").exists(), "{extra}: nothing written");
    }
}
