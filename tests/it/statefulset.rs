//! An HPA scaling a StatefulSet (`scaleTargetRef.kind: StatefulSet`): pods named by
//! ordinal, created one at a time under `OrderedReady` (each once the ones below are
//! Ready) and deleted from the highest ordinal, each once the previous one is gone; all at
//! once under `Parallel`. Hand-worked timelines, the snapshots replayed through the core,
//! and the refusals.

use std::path::{Path, PathBuf};

use hpasim::scenario::load_scenario;
use hpasim::sim::pods::Stage;
use hpasim::sim::{Event, Options, Record};

use crate::common::hpasim;

/// A scenario whose HPA holds its desired replicas on an External metric of `value`
/// against a per-pod target of 10 (so `value / 10` pods), scaling down without
/// stabilization; a new pod is Ready 20 s after its creation (its container takes 20 s,
/// no probe), a deleted one exits 10 s after SIGTERM. `kind` is the scaleTargetRef's kind,
/// `more` further `workload` YAML.
fn write(dir: &Path, kind: &str, initial: i32, value: i32, more: &str) -> PathBuf {
    let path = dir.join("s.yaml");
    let yaml = format!(
        r#"name: sts
duration: 10m
hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {{name: consumer}}
  spec:
    scaleTargetRef: {{apiVersion: apps/v1, kind: {kind}, name: consumer}}
    minReplicas: 1
    maxReplicas: 10
    metrics:
    - type: External
      external: {{metric: {{name: queue_depth}}, target: {{type: AverageValue, averageValue: "10"}}}}
    behavior:
      scaleDown: {{stabilizationWindowSeconds: 0}}
metrics:
  queue_depth: {{value: {value}}}
workload:
  initialReplicas: {initial}
{more}  pod:
    requests: {{cpu: 500m, memory: 512Mi}}
    cpuPerRequest: 10m
    baseline: {{cpu: 50m, memory: 200Mi}}
  startup: {{containerStart: {{fixed: 20s}}}}
  termination: {{gracePeriodSeconds: 30, exitAfter: 10s}}
load:
- constant: {{rps: 5}}
"#
    );
    std::fs::write(&path, yaml).unwrap();
    path
}

fn run(file: &Path) -> Record {
    let opts = Options {
        keep_snapshots: true,
        keep_events: true,
        ..Options::default()
    };
    hpasim::sim::run(&load_scenario(file).unwrap(), &opts)
}

/// The (second, pod) of every pod event into `stage`, in order.
fn entered(r: &Record, stage: Stage) -> Vec<(i64, String)> {
    (r.events.iter())
        .filter_map(|e| match e {
            Event::Pod { t, pod, stage: s } if *s == stage => Some((*t as i64, pod.clone())),
            _ => None,
        })
        .collect()
}

fn pods(list: &[(i64, &str)]) -> Vec<(i64, String)> {
    list.iter().map(|&(t, p)| (t, p.to_string())).collect()
}

#[test]
fn ordered_ready_creates_one_pod_at_a_time_parallel_all_at_once() {
    // 40 waiting over 10 a pod: the sync at 15 s asks 4 of 1. OrderedReady creates
    // consumer-1 then, Ready at 35 s; consumer-2 at 35 s, Ready at 55 s; consumer-3 at
    // 55 s, Ready at 75 s: 3 x 20 s. Parallel creates the three at 15 s, Ready at 35 s.
    // (policy YAML, creations, the first second with 4 Ready pods)
    let ordered = pods(&[(15, "consumer-1"), (35, "consumer-2"), (55, "consumer-3")]);
    let parallel = pods(&[(15, "consumer-1"), (15, "consumer-2"), (15, "consumer-3")]);
    for (policy, created, all_ready) in [
        ("", &ordered, 75),
        ("  podManagementPolicy: OrderedReady\n", &ordered, 75),
        ("  podManagementPolicy: Parallel\n", &parallel, 35),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "StatefulSet", 1, 40, policy);
        let r = run(&file);
        assert_eq!(&entered(&r, Stage::Pending), created, "{policy:?}");
        assert!(r.seconds[all_ready - 1].ready < 4, "{policy:?}");
        assert_eq!(r.seconds[all_ready].ready, 4, "{policy:?}");
        // The timeline shows the one pod starting at a time.
        let starting = r.timeline.iter().find(|row| row.time_s == 40.0).unwrap();
        let want = if all_ready == 75 { 1 } else { 0 };
        assert_eq!(starting.starting, want, "{policy:?} starting at 40 s");
    }
}

#[test]
fn minready_seconds_holds_the_next_ordinal_until_the_previous_is_available() {
    // minReadySeconds 10: each pod is available 10 s after it is Ready, so each step
    // takes 30 s: consumer-2 created at 45 s, consumer-3 at 75 s.
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "StatefulSet", 1, 40, "  minReadySeconds: 10\n");
    let r = run(&file);
    assert_eq!(
        entered(&r, Stage::Pending),
        pods(&[(15, "consumer-1"), (45, "consumer-2"), (75, "consumer-3")])
    );
}

#[test]
fn a_scale_down_deletes_the_highest_ordinal_first_each_once_the_previous_is_gone() {
    // 10 waiting over 10 a pod: the sync at 15 s asks 1 of 4. OrderedReady deletes
    // consumer-3 at 15 s (gone at 25 s, exitAfter 10 s), consumer-2 at 25 s (gone 35 s),
    // consumer-1 at 35 s (gone 45 s). Parallel deletes the three at 15 s, highest first.
    // (policy YAML, deletions, departures)
    let ordered = (
        pods(&[(15, "consumer-3"), (25, "consumer-2"), (35, "consumer-1")]),
        pods(&[(25, "consumer-3"), (35, "consumer-2"), (45, "consumer-1")]),
    );
    let parallel = (
        pods(&[(15, "consumer-3"), (15, "consumer-2"), (15, "consumer-1")]),
        pods(&[(25, "consumer-3"), (25, "consumer-2"), (25, "consumer-1")]),
    );
    for (policy, (deleted, gone)) in [
        ("", &ordered),
        ("  podManagementPolicy: Parallel\n", &parallel),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "StatefulSet", 4, 10, policy);
        let r = run(&file);
        assert_eq!(&entered(&r, Stage::Terminating), deleted, "{policy:?}");
        assert_eq!(&entered(&r, Stage::Gone), gone, "{policy:?}");
    }
}

#[test]
fn a_deployment_target_keeps_the_replicaset_s_names_and_all_at_once_creation() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "Deployment", 1, 40, "");
    let r = run(&file);
    assert_eq!(
        entered(&r, Stage::Pending),
        pods(&[(15, "pod-00002"), (15, "pod-00003"), (15, "pod-00004")])
    );
}

#[test]
fn a_stateful_set_run_s_snapshots_replay_to_the_decisions_it_took() {
    for (initial, value) in [(1, 40), (4, 10)] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "StatefulSet", initial, value, "");
        let (_, n) = crate::common::replay_snapshots(&file);
        assert_eq!(n, 39, "a 10 min run syncs at 15 s, 30 s, ... 585 s");
    }
}

#[test]
fn a_bad_or_misplaced_stateful_set_field_exits_2_naming_file_line_and_field() {
    // (scaleTargetRef kind, workload YAML, what the message says)
    for (kind, more, says) in [
        (
            "StatefulSet",
            "  podManagementPolicy: Sequential\n",
            "workload.podManagementPolicy",
        ),
        (
            "Deployment",
            "  podManagementPolicy: Parallel\n",
            "workload.podManagementPolicy: goes with a StatefulSet",
        ),
        (
            "Deployment",
            "  minReadySeconds: 5\n",
            "workload.minReadySeconds: goes with a StatefulSet",
        ),
        (
            "StatefulSet",
            "  kind: Custom\n",
            "workload.kind: `Custom` is a custom resource",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), kind, 1, 40, more);
        let out = hpasim()
            .arg("simulate")
            .arg(&file)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        // The field is on the line after `initialReplicas` (line 19).
        let place = format!("{}:20:", file.display());
        assert!(
            err.contains(&place) && err.contains(says),
            "{more:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
