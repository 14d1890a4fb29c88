//! The simulator, held to the rules the issue sets: probe-tick readiness, warm-up,
//! Pending on capacity, HPA patches, manual scaling, killed pods, determinism, snapshots
//! that replay through the core to the decision the run took, and bad scenarios refused.

use crate::common::{hpasim, root};

use std::path::{Path, PathBuf};

use hpasim::sim::{Event, Options, Record, run};
use predicates::prelude::*;

/// A small scenario: one Deployment of 250m pods on cpu at 70 %, a constant load; `extra`
/// is appended as YAML (top-level keys) and `startup` replaces the start-up block.
fn scenario(dir: &Path, rps: f64, startup: &str, extra: &str) -> PathBuf {
    let load = format!("- constant: {{rps: {rps}}}");
    crate::common::cpu_scenario(dir, "scenario.yaml", "test", startup, &load, extra)
}

const PROBED: &str = "    scheduling: {fixed: 2s}
    imagePull: {fixed: 5s}
    containerStart: {fixed: 1s}
    appStart: {fixed: 12s}
    readinessProbe: {initialDelaySeconds: 4, periodSeconds: 5}";

fn simulate(path: &Path) -> Record {
    let sc = hpasim::scenario::load_scenario(path).unwrap_or_else(|e| panic!("{e}"));
    run(
        &sc,
        &Options {
            keep_snapshots: true,
            ..Options::default()
        },
    )
}

fn pod_times(r: &Record, stage: &str) -> Vec<(String, f64)> {
    r.events
        .iter()
        .filter_map(|e| match e {
            Event::Pod { t, pod, stage: s } if format!("{s:?}") == stage => Some((pod.clone(), *t)),
            _ => None,
        })
        .collect()
}

/// A pod turns Ready on a readiness-probe tick (container start + initialDelaySeconds +
/// k x periodSeconds), the first one at or after its application is up; not before.
#[test]
fn pods_turn_ready_on_a_probe_tick() {
    let dir = tempfile::tempdir().unwrap();
    let r = simulate(&scenario(dir.path(), 150.0, PROBED, ""));
    let created = pod_times(&r, "Pending");
    let ready = pod_times(&r, "Ready");
    assert!(!created.is_empty(), "the load needs more than 2 pods");
    for (pod, t0) in &created {
        let (_, tr) = ready
            .iter()
            .find(|(p, _)| p == pod)
            .expect("each new pod turns Ready");
        // bound at t0+2, container up at t0+8, app up at t0+20; probes at t0+12, 17, 22...
        assert_eq!(tr - t0, 22.0, "{pod}: created {t0}, Ready {tr}");
    }
}

/// Without a readiness probe the kubelet marks the pod Ready when its container runs,
/// even before the application answers: that pod takes no load until it does.
#[test]
fn without_a_probe_a_pod_is_ready_when_its_container_starts() {
    let dir = tempfile::tempdir().unwrap();
    let startup = "    scheduling: {fixed: 2s}\n    imagePull: {fixed: 5s}\n    containerStart: {fixed: 1s}\n    appStart: {fixed: 12s}";
    let r = simulate(&scenario(dir.path(), 150.0, startup, ""));
    let created = pod_times(&r, "Pending");
    let ready = pod_times(&r, "Ready");
    for (pod, t0) in &created {
        let (_, tr) = ready.iter().find(|(p, _)| p == pod).unwrap();
        assert_eq!(tr - t0, 8.0);
    }
}

/// During warm-up a request costs more CPU: with the same load per pod, utilization is
/// higher while new pods warm up than after.
#[test]
fn warm_up_raises_cpu_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let warm = format!("{PROBED}\n    warmup: {{duration: 3m, cpuFactor: 3.0}}");
    let with = simulate(&scenario(dir.path(), 150.0, &warm, ""));
    let without = simulate(&scenario(dir.path(), 150.0, PROBED, ""));
    let cpu_at = |r: &Record, t: f64| {
        r.timeline
            .iter()
            .find(|row| row.time_s == t)
            .unwrap()
            .metrics[0]
            .actual
    };
    // At 90 s the new pods are a minute into warm-up in one run, serving plainly in the other.
    assert!(
        cpu_at(&with, 90.0) > cpu_at(&without, 90.0) + 5.0,
        "{} vs {}",
        cpu_at(&with, 90.0),
        cpu_at(&without, 90.0)
    );
    // Long after, a request costs its plain 5 millicore-seconds again in both runs.
    for r in [&with, &without] {
        let row = r.timeline.iter().find(|row| row.time_s == 1100.0).unwrap();
        let plain = (30.0 + 150.0 / row.ready as f64 * 5.0) / 250.0 * 100.0;
        assert!(
            (row.metrics[0].actual - plain).abs() < 1e-6,
            "{} vs {plain}",
            row.metrics[0].actual
        );
    }
    assert!(with.summary.peak_replicas >= without.summary.peak_replicas);
}

/// Pods beyond the nodes' room stay Pending until the cluster autoscaler's node arrives.
#[test]
fn pods_beyond_capacity_stay_pending_until_a_node_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let capacity = "capacity:\n  node: {cpu: 500m, memory: 1Gi}\n  nodes: 2\n  maxNodes: 3\n  provisionDelay: 2m\n";
    let r = simulate(&scenario(dir.path(), 150.0, PROBED, capacity));
    // 2 pods a node: 4 fit; more wait for the third node, which arrives 2 minutes later.
    let first_pending = r
        .timeline
        .iter()
        .find(|row| row.pending > 0)
        .expect("some pods wait");
    let node = r.events.iter().find_map(|e| match e {
        Event::Node { t, nodes } => Some((*t, *nodes)),
        _ => None,
    });
    let (t_node, nodes) = node.expect("a node is added");
    assert_eq!(nodes, 3);
    assert!(
        t_node - first_pending.time_s >= 119.0,
        "node at {t_node}, pending from {}",
        first_pending.time_s
    );
    let max_bound = r
        .timeline
        .iter()
        .map(|row| row.ready + row.starting + row.terminating)
        .max()
        .unwrap();
    assert!(max_bound <= 6, "never more pods bound than 3 nodes hold");
    assert!(
        r.timeline
            .iter()
            .all(|row| row.time_s < t_node || row.pending == 0 || row.ready + row.starting <= 6)
    );
}

/// A scheduled patch of maxReplicas lets the HPA go past the old maximum, and only after.
#[test]
fn a_max_replicas_patch_takes_effect_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let patch = "actions:\n- at: 10m\n  patchHpa: {maxReplicas: 20}\n";
    let r = simulate(&scenario(dir.path(), 450.0, PROBED, patch).clone());
    let before = r
        .timeline
        .iter()
        .filter(|row| row.time_s < 600.0)
        .map(|row| row.spec)
        .max()
        .unwrap();
    let after = r
        .timeline
        .iter()
        .filter(|row| row.time_s >= 600.0)
        .map(|row| row.spec)
        .max()
        .unwrap();
    assert_eq!(before, 10);
    assert!(after > 10, "after the patch: {after}");
    assert!(r.events.iter().any(
        |e| matches!(e, Event::Action { action, .. } if action.contains("maxReplicas 10 -> 20"))
    ));
}

/// A manual scale sets spec.replicas at once (pre-scaling before a rush); the HPA then
/// works from there.
#[test]
fn a_manual_scale_sets_replicas_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let actions = "actions:\n- at: 5m\n  scale: 8\n";
    let r = simulate(&scenario(dir.path(), 60.0, PROBED, actions));
    let at = |t: f64| r.timeline.iter().find(|row| row.time_s == t).unwrap().spec;
    assert_eq!(at(299.0), 2);
    assert_eq!(at(300.0), 8);
    // The HPA brings it down once its 5-minute window passes, but not to 2: on 3 pods,
    // 60 rps is 52 % of request, ratio 0.743, and ceil(0.743 x 3) = 3 holds.
    assert_eq!(r.timeline.last().unwrap().spec, 3);
    assert!(r.summary.scale_downs >= 1);
}

/// Killed pods are replaced by the ReplicaSet and start like any new pod.
#[test]
fn killed_pods_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let actions = "actions:\n- at: 5m\n  killPods: 2\n";
    let r = simulate(&scenario(dir.path(), 60.0, PROBED, actions));
    let row = |t: f64| {
        r.timeline
            .iter()
            .find(|row| row.time_s == t)
            .unwrap()
            .clone()
    };
    assert_eq!(row(300.0).ready, 0);
    assert_eq!(row(300.0).terminating, 2);
    assert_eq!(row(330.0).ready, 2);
    assert!(
        r.summary.failed_requests > 0.0,
        "with no Ready pod, requests fail"
    );
}

/// The same scenario and seed give byte-identical files; another seed does not.
#[test]
fn runs_are_deterministic_for_a_seed() {
    let file = root().join("scenarios/spywatcher-spikes.yaml");
    let sc = hpasim::scenario::load_scenario(&file).unwrap();
    let files = |seed| {
        let r = run(
            &sc,
            &Options {
                seed: Some(seed),
                ..Options::default()
            },
        );
        let judged = hpasim::measure::judge_run(&r);
        (
            hpasim::report::timeline_csv(&r, &judged.steps).unwrap(),
            hpasim::report::events_jsonl(&r).unwrap(),
        )
    };
    assert_eq!(files(3), files(3));
    assert_ne!(files(3).0, files(4).0);
}

/// A run that keeps no events (the measured-only runs of `--runs`) is the same run: the
/// same timeline, per-second figures and summary; it only leaves the events out.
#[test]
fn a_run_without_events_is_the_same_run() {
    for name in ["feastflow-flash-sale", "waddlebot-cluster-at-capacity"] {
        let file = root().join(format!("scenarios/{name}.yaml"));
        let sc = hpasim::scenario::load_scenario(&file).unwrap();
        let with = run(&sc, &Options::default());
        let without = run(
            &sc,
            &Options {
                keep_events: false,
                ..Options::default()
            },
        );
        assert!(
            with.events.len() > 100,
            "{name}: the full run keeps its events"
        );
        assert!(without.events.is_empty(), "{name}");
        let judged = hpasim::measure::judge_run(&with);
        assert_eq!(
            hpasim::report::timeline_csv(&with, &judged.steps).unwrap(),
            hpasim::report::timeline_csv(&without, &judged.steps).unwrap(),
            "{name}"
        );
        assert_eq!(
            format!("{:?}", with.seconds),
            format!("{:?}", without.seconds)
        );
        assert_eq!(
            serde_json::to_string(&with.summary).unwrap(),
            serde_json::to_string(&without.summary).unwrap()
        );
    }
}

/// Every bundled scenario runs with --snapshots, and every recorded snapshot replays
/// through `hpasim decide` to the decision the run took (a ScaledObject scenario's KEDA
/// polls too, `<second>-keda.json`); the next snapshot's currentReplicas is that
/// decision's desiredReplicas unless an action or a write of KEDA's came between.
#[test]
fn every_bundled_scenario_runs_and_its_snapshots_replay_to_the_same_decision() {
    // The top folder's scenarios, and Kubernetes' end-to-end tests transcribed (short runs
    // that step through every behavior rule).
    let mut scenarios: Vec<PathBuf> = ["scenarios", "scenarios/e2e"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 30);
    for file in scenarios {
        let out = tempfile::tempdir().unwrap();
        let snaps = out.path().join("snapshots");
        hpasim()
            .arg("simulate")
            .arg(&file)
            .args(["--step", "60s", "--out"])
            .arg(out.path())
            .arg("--snapshots")
            .arg(&snaps)
            .assert()
            .success()
            .stdout(predicate::str::contains("pod-hours"));
        for name in ["timeline.csv", "events.jsonl", "summary.json"] {
            assert!(
                out.path().join(name).metadata().unwrap().len() > 0,
                "{name}"
            );
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&snaps)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty());
        let actions: Vec<f64> = {
            let sc = hpasim::scenario::load_scenario(&file).unwrap();
            sc.actions
                .iter()
                .map(|a| a.at.0.as_millis() as f64 / 1000.0)
                .collect()
        };
        let mut previous: Option<(f64, i64)> = None;
        // KEDA's writes (a ScaledObject scenario) change the replicas as actions do.
        let mut actions = actions;
        // All of them through the library; about fifteen through the binary as well.
        for (k, f) in files.iter().enumerate() {
            let text = std::fs::read_to_string(f).unwrap();
            let recorded: serde_json::Value = serde_json::from_str(&text).unwrap();
            if f.to_string_lossy().ends_with("-keda.json") {
                // A KEDA poll (and the HPA sync of its second): both layers decide again
                // as the run did.
                let both = hpasim::scenario::parse_scaled_object_snapshot(&text, f).unwrap();
                let decision = serde_json::to_value(both.decide()).unwrap();
                assert_eq!(decision, recorded["decision"], "{}", f.display());
                if k % (files.len() / 15).max(1) == 0 {
                    let out = hpasim().arg("decide").arg(f).output().unwrap();
                    let from_cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    assert_eq!(from_cli, recorded["decision"], "{}", f.display());
                }
                if !recorded["decision"]["keda"]["setReplicas"].is_null() {
                    actions.push(recorded["now"].as_f64().unwrap());
                }
                continue;
            }
            let snap = hpasim::scenario::parse_snapshot(&text, f).unwrap();
            let decision = serde_json::to_value(hpasim::core::decide(&snap).unwrap()).unwrap();
            assert_eq!(decision, recorded["decision"], "{}", f.display());
            if k % (files.len() / 15).max(1) == 0 {
                let out = hpasim().arg("decide").arg(f).output().unwrap();
                let from_cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(from_cli, recorded["decision"], "{}", f.display());
            }
            let now = recorded["now"].as_f64().unwrap();
            if let Some((t, desired)) = previous
                && !actions.iter().any(|a| *a > t && *a <= now)
            {
                assert_eq!(
                    recorded["currentReplicas"].as_i64().unwrap(),
                    desired,
                    "{}",
                    f.display()
                );
            }
            previous = Some((
                now,
                recorded["decision"]["desiredReplicas"].as_i64().unwrap(),
            ));
        }
    }
}

#[test]
fn bad_scenarios_are_refused_before_the_run_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("duration: 20m", "duration: -5m", "duration"),
        ("duration: 20m", "duraton: 20m", "unknown field `duraton`"),
        (
            "cpuPerRequest: 5m",
            "cpuPerRequest: 0",
            "workload.pod.cpuPerRequest",
        ),
        (
            "readinessProbe: {initialDelaySeconds: 4, periodSeconds: 5}",
            "readinessProbe: {initialDelaySeconds: 4, periodSeconds: 0}",
            "readinessProbe",
        ),
        (
            "averageUtilization: 70",
            "averageUtilization: 0",
            "averageUtilization: 0 must be greater than 0",
        ),
        (
            "name: cpu",
            "name: gpu",
            "resource \"gpu\" is not simulated",
        ),
        (
            "seed: 1",
            "seed: 1\nactions:\n- at: 2h\n  scale: 3",
            "actions[0].at",
        ),
        (
            "seed: 1",
            "seed: 1\nactions:\n- at: 1m\n  scale: 3\n  killPods: 1",
            "exactly one of",
        ),
        (
            "appStart: {fixed: 12s}",
            "appStart: {uniform: [12s, 2s]}",
            "workload.startup.appStart",
        ),
        // Each patch is fine on the original HPA; the second breaks the first's result.
        (
            "seed: 1",
            "seed: 1\nactions:\n- at: 2m\n  patchHpa: {maxReplicas: 5}\n- at: 1m\n  patchHpa: {minReplicas: 8}",
            "actions[0].patchHpa: the patched HPA is invalid",
        ),
    ];
    let good = std::fs::read_to_string(scenario(dir.path(), 100.0, PROBED, "")).unwrap();
    for (from, to, message) in cases {
        assert!(good.contains(from), "{from}");
        let path = dir.path().join("bad.yaml");
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        hpasim()
            .arg("simulate")
            .arg(&path)
            .args(["--out"])
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bad.yaml"))
            .stderr(predicate::str::contains(*message));
        assert!(
            !dir.path().join("out").exists(),
            "nothing is written for a refused scenario"
        );
    }
}

/// summary.json's numbers, by the dotted names sweeps and checks use, are the file's own.
#[test]
fn summary_figures_are_summary_json_by_dotted_name() {
    let scenario = hpasim::scenario::load_scenario(std::path::Path::new(
        "scenarios/feastflow-lunch-rush.yaml",
    ))
    .unwrap();
    let options = hpasim::sim::Options {
        step: hpasim::core::Span::from_secs(60),
        seed: None,
        keep_snapshots: false,
        keep_events: false,
    };
    let record = hpasim::sim::run(&scenario, &options);
    let judgement = hpasim::measure::judge_run(&record);
    let figures = hpasim::report::summary_figures(&record.summary, &judgement).unwrap();
    assert_eq!(figures["scaleUps"], record.summary.scale_ups as f64);
    assert_eq!(figures["cost.totalUsd"], judgement.cost.total_usd);
    let slo = judgement.slo.as_ref().unwrap();
    assert_eq!(
        figures["slo.violationSeconds"],
        slo.violation_seconds as f64
    );
    assert_eq!(
        figures["latency.worstP95Ms"],
        judgement.latency.worst_p95_ms.unwrap()
    );
    // Lists (surges, episodes) and strings (the verdict) are not figures.
    assert!(
        !figures.keys().any(|k| k.starts_with("surges")
            || k.starts_with("shortAtStart")
            || k == "slo.verdict")
    );
}

/// A run's folder holds exactly that run's files: re-running into it removes what the
/// earlier run wrote and this one does not; a folder with someone else's files is refused
/// before anything runs (issue: stale charts after `--charts none`, mixed snapshots).
#[test]
fn a_rerun_leaves_only_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let snaps = dir.path().join("snaps");
    let run = |charts: &str, duration_step: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin!("hpasim"))
            .args([
                "simulate",
                "scenarios/feastflow-lunch-rush.yaml",
                "--step",
                duration_step,
            ])
            .arg("--out")
            .arg(&out)
            .arg("--snapshots")
            .arg(&snaps)
            .args(["--charts", charts])
            .output()
            .unwrap()
    };
    assert!(run("both", "60s").status.success());
    assert!(out.join("timeline.png").exists() && out.join("timeline.svg").exists());
    let first: Vec<_> = std::fs::read_dir(&snaps).unwrap().collect();
    // A stale snapshot an earlier, longer run would have left.
    std::fs::write(snaps.join("999999999.json"), "{}").unwrap();
    assert!(run("none", "60s").status.success());
    assert!(!out.join("timeline.png").exists() && !out.join("timeline.svg").exists());
    assert!(out.join("report.html").exists() && out.join("summary.json").exists());
    assert!(!snaps.join("999999999.json").exists());
    assert_eq!(std::fs::read_dir(&snaps).unwrap().count(), first.len());

    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let refused = run("none", "60s");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("notes.md"));
    assert!(out.join("notes.md").exists());
}

/// The t=0 shortfall is not a surge (issue 13, item 8): the cluster-at-capacity scenario
/// starts with fewer Ready pods than its load needs; that stretch is reported apart, from
/// second 0, and every counted surge begins later; no figure names it.
#[test]
fn a_shortfall_at_the_start_is_not_counted_as_a_surge() {
    let file = root().join("scenarios/waddlebot-cluster-at-capacity.yaml");
    let sc = hpasim::scenario::load_scenario(&file).unwrap();
    let r = run(
        &sc,
        &Options {
            keep_events: false,
            ..Options::default()
        },
    );
    let s = &r.summary;
    let start = s
        .short_at_start
        .as_ref()
        .expect("the scenario starts short");
    assert_eq!(start.start_s, 0.0);
    assert!(start.worst_shortfall > 0);
    assert!(!s.surges.is_empty(), "later surges are still counted");
    assert!(s.surges.iter().all(|x| x.start_s > 0.0), "{:?}", s.surges);
    let judged = hpasim::measure::judge_run(&r);
    let figures = hpasim::report::summary_figures(s, &judged).unwrap();
    assert!(!figures.keys().any(|k| k.starts_with("shortAtStart")));
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(json["shortAtStart"]["startS"], 0.0);
}
