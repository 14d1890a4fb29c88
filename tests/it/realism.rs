//! Metrics from elsewhere and metrics that fail (issue 15): each against a hand-worked
//! timeline (the sync at which the decision or the condition changes), and the runs'
//! recorded snapshots replayed through the core to the decisions the runs took.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use hpasim::scenario::testing::{TestScenario, cpu_metric};
use hpasim::scenario::{Scenario, load_scenario};
use hpasim::sim::{Options, Record};

/// The shared small scenario (two pods at 30 rps: 200m of a 500m request, 40 % cpu), a new
/// pod Ready 20 s after its creation, the HPA's `metrics` list, and more top-level YAML
/// (`metrics:`, `actions:`).
fn write(dir: &Path, hpa_metrics: &str, top: &str) -> PathBuf {
    scenario(hpa_metrics, top).write(dir, "s.yaml")
}

/// `write` with the body of `workload.pod` given.
fn write_pod(dir: &Path, hpa_metrics: &str, pod: &str, top: &str) -> PathBuf {
    scenario(hpa_metrics, top).pod(pod).write(dir, "s.yaml")
}

fn scenario(hpa_metrics: &str, top: &str) -> TestScenario {
    TestScenario::new("realism")
        .top(top)
        .metrics(hpa_metrics)
        .startup("    readinessProbe: {initialDelaySeconds: 20, periodSeconds: 5}")
}

fn run(sc: &Scenario) -> Record {
    let opts = Options {
        keep_snapshots: true,
        ..Options::default()
    };
    hpasim::sim::run(sc, &opts)
}

/// The (metrics' proposal, desired replicas) at each sync second.
fn desired(r: &Record) -> Vec<(i64, Option<i32>, i32)> {
    (r.syncs.iter())
        .map(|s| (s.second, s.decision.proposal, s.decision.desired_replicas))
        .collect()
}

/// `desired` at the sync at `second`.
fn at(d: &[(i64, Option<i32>, i32)], second: i64) -> (Option<i32>, i32) {
    let &(_, proposal, desired) = d.iter().find(|(s, ..)| *s == second).unwrap();
    (proposal, desired)
}

/// The ScalingActive condition's (status, reason) at a sync second.
fn scaling_active(r: &Record, second: i64) -> (&'static str, &'static str) {
    let s = r.syncs.iter().find(|s| s.second == second).unwrap();
    let c = (s.decision.conditions.iter())
        .find(|c| c.kind == "ScalingActive")
        .unwrap();
    (c.status, c.reason)
}

/// Every recorded snapshot, as `--snapshots` writes it, decides as the run did; what
/// `simulate` printed.
fn replays(file: &Path) -> String {
    let (printed, n) = crate::common::replay_snapshots(file);
    assert_eq!(n, 39, "a 10 min run syncs at 15 s, 30 s, ... 585 s");
    printed
}

const EXTERNAL: &str = "    - type: External
      external: {metric: {name: queue_depth}, target: {type: AverageValue, averageValue: \"10\"}}";

#[test]
fn an_external_metric_on_a_step_changes_the_decision_once_the_delay_has_passed() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        EXTERNAL,
        "metrics:\n  queue_depth: {shape: [{step: {at: 5m, from: 20, to: 60}}], delay: 30s}",
    );
    let sc = load_scenario(&file).unwrap();
    assert!(sc.warnings.is_empty(), "{:?}", sc.warnings);
    let r = run(&sc);
    let d = desired(&r);
    // 20 over 2 pods is the 10 a pod may have: hold. The step at 300 s is read at the
    // first sync 30 s later (330 s): 60 / 10 = 6 pods, limited to twice the current (the
    // controller's rule without `behavior`): 4, then 6 at the next sync.
    for (second, want) in [
        (15, (Some(2), 2)),
        (300, (Some(2), 2)),
        (315, (Some(2), 2)),
        (330, (Some(6), 4)),
        (345, (Some(6), 6)),
        (585, (Some(6), 6)),
    ] {
        assert_eq!(at(&d, second), want, "sync at {second} s: {d:?}");
    }
    let at_330 = &r.syncs.iter().find(|s| s.second == 330).unwrap().snapshot;
    assert_eq!(at_330.externals["queue_depth"][0].milli(), 60_000);
    replays(&file);
}

#[test]
fn a_pods_metric_per_pod_is_exported_by_ready_pods_only() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "    - type: Pods
      pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: \"10\"}}",
        "metrics:\n  jobs: {shape: [{step: {at: 5m, from: 10, to: 30}}], perPod: true}",
    );
    let sc = load_scenario(&file).unwrap();
    let r = run(&sc);
    let d = desired(&r);
    // 10 a pod: hold at 2; from 330 s each Ready pod reports 30: 2 x 30 / 10 = 6, limited
    // to 4. At 345 s the two new pods are not Ready (20 s to start) and export nothing:
    // on a scale-up the controller counts them at 0, (30 + 30 + 0 + 0) / 4 / 10 = 1.5 of
    // the 4 pods: 6.
    for (second, want) in [
        (315, (Some(2), 2)),
        (330, (Some(6), 4)),
        (345, (Some(6), 6)),
    ] {
        assert_eq!(at(&d, second), want, "sync at {second} s: {d:?}");
    }
    // Each Ready pod exports 30 (a quantity in thousandths); the pods not Ready yet none.
    for s in r.syncs.iter().filter(|s| s.second >= 330) {
        for p in &s.snapshot.pods {
            let sample = p.metrics.get("jobs").map(|x| x.value.milli());
            let ready = p.ready == Some(hpasim::core::snapshot::ConditionStatus::True);
            assert_eq!(
                sample,
                ready.then_some(30_000),
                "{} at {}",
                p.name,
                s.second
            );
        }
    }
    replays(&file);
}

#[test]
fn an_external_metric_per_pod_is_the_sum_over_the_ready_pods() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "    - type: External
      external: {metric: {name: connections}, target: {type: Value, value: \"100\"}}",
        "metrics:\n  connections: {value: 25, perPod: true}",
    );
    let r = run(&load_scenario(&file).unwrap());
    // Two Ready pods export 25 each: 50 against a total of 100 is half, so one pod will do
    // (after the 5 min stabilization window); every sync sees 25 times the Ready pods.
    for s in &r.syncs {
        let ready = (s.snapshot.pods.iter())
            .filter(|p| p.ready == Some(hpasim::core::snapshot::ConditionStatus::True))
            .count() as i64;
        assert_eq!(
            s.snapshot.externals["connections"][0].milli(),
            25_000 * ready
        );
    }
    assert_eq!(desired(&r).last().unwrap().2, 1);
}

#[test]
fn a_set_metric_action_is_seen_once_the_metric_delay_has_passed() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        EXTERNAL,
        "metrics:\n  queue_depth: {value: 20}\nactions:\n- {at: 5m, setMetric: {queue_depth: 60}}\n- {at: 8m, setMetric: {queue_depth: 0}}",
    );
    let r = run(&load_scenario(&file).unwrap());
    let d = desired(&r);
    // Set at 300 s, read 30 s later: the same timeline as a step.
    assert_eq!(at(&d, 315), (Some(2), 2), "{d:?}");
    assert_eq!(at(&d, 330), (Some(6), 4), "{d:?}");
    // Set to 0 at 480 s: the adapter serves it from 510 s; the metric proposes 0 pods
    // (minReplicas applies after), and the scale-down waits out the 5 min stabilization.
    for (second, want) in [(495, 60_000), (510, 0)] {
        let s = r.syncs.iter().find(|s| s.second == second).unwrap();
        assert_eq!(
            s.snapshot.externals["queue_depth"][0].milli(),
            want,
            "{second}"
        );
    }
    assert_eq!(at(&d, 510), (Some(0), 6), "{d:?}");
    let set = (r.events.iter())
        .filter(|e| matches!(e, hpasim::sim::Event::Action { action, .. } if action == "set metric queue_depth = 60"))
        .count();
    assert_eq!(set, 1);
    replays(&file);
}

const CPU: &str = "    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}";

#[test]
fn an_outage_fails_the_metric_for_its_span_and_the_replicas_hold() {
    let external = "metrics:\n  queue_depth: {value: 20}";
    // (the HPA's metric, `metrics:`, what fails, the reason while it fails)
    for (metric, top, outage, reason) in [
        (CPU, "", "cpu", "FailedGetResourceMetric"),
        (CPU, "", "metricsServer", "FailedGetResourceMetric"),
        (CPU, "", "all", "FailedGetResourceMetric"),
        (EXTERNAL, external, "queue_depth", "FailedGetExternalMetric"),
        (EXTERNAL, external, "adapter", "FailedGetExternalMetric"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let top =
            format!("{top}\nactions:\n- {{at: 2m, metricOutage: {{metric: {outage}, for: 3m}}}}");
        let file = write(dir.path(), metric, &top);
        let r = run(&load_scenario(&file).unwrap());
        // From the sync at 120 s to the last one before 300 s the metrics API returns
        // nothing; at 300 s it serves again.
        for (second, want) in [
            (105, ("True", "ValidMetricFound")),
            (120, ("False", reason)),
            (285, ("False", reason)),
            (300, ("True", "ValidMetricFound")),
        ] {
            assert_eq!(scaling_active(&r, second), want, "{outage} at {second} s");
        }
        assert!(
            desired(&r).iter().all(|&(.., d)| d == 2),
            "{outage}: {:?}",
            desired(&r)
        );
    }
    for (metric, top) in [
        (
            EXTERNAL,
            "metrics:\n  queue_depth: {value: 20}\nactions:\n- {at: 2m, metricOutage: {metric: queue_depth, for: 3m}}",
        ),
        (
            CPU,
            "actions:\n- {at: 2m, metricOutage: {metric: cpu, for: 3m}}",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        replays(&write(dir.path(), metric, top));
    }
}

#[test]
fn a_metric_nothing_serves_is_simulated_stuck_and_simulate_warns_why() {
    let pods = "    - type: Pods
      pods: {metric: {name: jobs}, target: {type: AverageValue, averageValue: \"10\"}}";
    let sidecar = "    - type: ContainerResource
      containerResource: {name: cpu, container: envoy, target: {type: Utilization, averageUtilization: 70}}";
    // (the HPA's metric, the reason, a word the warning says)
    for (metric, reason, says) in [
        (pods, "FailedGetPodsMetric", "\"jobs\""),
        (EXTERNAL, "FailedGetExternalMetric", "\"queue_depth\""),
        (sidecar, "FailedGetContainerResourceMetric", "\"envoy\""),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), metric, "");
        let sc = load_scenario(&file).unwrap();
        assert_eq!(sc.warnings.len(), 1, "{:?}", sc.warnings);
        assert!(
            sc.warnings[0].contains(reason) && sc.warnings[0].contains(says),
            "{:?}",
            sc.warnings
        );
        let r = run(&sc);
        for s in &r.syncs {
            assert_eq!(scaling_active(&r, s.second), ("False", reason));
            assert_eq!(s.decision.desired_replicas, 2);
        }
        let printed = replays(&file);
        assert!(
            printed.starts_with("warning: hpa.spec.metrics[0]: "),
            "{printed}"
        );
        let validated = Command::cargo_bin("hpasim")
            .unwrap()
            .arg("validate")
            .arg(&file)
            .assert()
            .success();
        let validated = String::from_utf8_lossy(&validated.get_output().stdout).into_owned();
        assert!(
            validated.contains("\n    warning: hpa.spec.metrics[0]: "),
            "{validated}"
        );
    }
}

#[test]
fn bad_metric_entries_and_actions_are_refused_naming_file_line_and_field() {
    // (top-level YAML, the line of the fault, the field and what the message says)
    for (top, line, says) in [
        (
            "metrics:\n  queue_depth: {source: queueDepth, value: 3}",
            4,
            "metrics.queue_depth: give one of",
        ),
        (
            "metrics:\n  queue_depth: {}",
            4,
            "metrics.queue_depth: give one of",
        ),
        (
            "metrics:\n  queue_depth: {source: queueDepth, perPod: true}",
            4,
            "`perPod` goes with",
        ),
        (
            "metrics:\n  queue_depth: {shape: [{constant: {rps: 3}}, {noise: {poisson: true}}]}",
            4,
            "metrics.queue_depth: `noise`",
        ),
        (
            "metrics:\n  queue_depth: {value: 3}\nactions:\n- {at: 1m, setMetric: {queue_dept: 4}}",
            6,
            "actions[0].setMetric.queue_dept: no metric \"queue_dept\" under `metrics:` to set; did you mean \"queue_depth\"?",
        ),
        (
            "metrics:\n  queue_depth: {value: 3}\nactions:\n- {at: 1m, metricOutage: {metric: cpus, for: 1m}}",
            6,
            "actions[0].metricOutage.metric: \"cpus\" is neither",
        ),
        (
            "metrics:\n  queue_depth: {value: 3}\nactions:\n- {at: 1m, metricOutage: {metric: cpu, for: 0s}}",
            6,
            "actions[0].metricOutage.for: must be at least 1s",
        ),
        (
            "metrics:\n  queue_depth: {value: 3}\nactions:\n- {at: 1m, scale: 3, setMetric: {queue_depth: 4}}",
            6,
            "actions[0]: give exactly one of",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), EXTERNAL, top);
        let err = load_scenario(&file).unwrap_err().to_string();
        let place = format!("{}:{line}:", file.display());
        assert!(
            err.starts_with(&place) && err.contains(says),
            "{top}\n{err}"
        );
    }
}

#[test]
fn a_ready_pod_takes_its_share_only_once_its_endpoint_reached_the_clients() {
    // 30 waiting over 10 a pod: the sync at 15 s asks for a third pod; its first readiness
    // probe passes 20 s after its start (35 s); with a 10 s endpoint delay it serves from
    // 45 s on, Ready but idle until then.
    for (traffic, serving_from) in [("", 35), ("traffic: {endpointDelay: 10s}", 45)] {
        let dir = tempfile::tempdir().unwrap();
        let top = format!("{traffic}\nmetrics:\n  queue_depth: {{value: 30}}");
        let r = run(&load_scenario(&write(dir.path(), EXTERNAL, &top)).unwrap());
        for (second, ready, serving) in [
            (34, 2, 2),
            (35, 3, if serving_from == 35 { 3 } else { 2 }),
            (44, 3, if serving_from == 35 { 3 } else { 2 }),
            (45, 3, 3),
        ] {
            let s = &r.seconds[second];
            assert_eq!(
                (s.ready, s.serving),
                (ready, serving),
                "{traffic:?} at {second} s"
            );
        }
    }
}

/// An app container (500m request, 50m + 10m a request) and an Envoy-like proxy (20m
/// request, 200m limit, 10m + 2m a request): at 15 rps a pod the app uses 200m (40 % of
/// its request), the proxy 40m (200 %), the pod 240m of 520m (46 %).
const SIDECAR_POD: &str = "    containers:
    - {name: app, requests: {cpu: 500m, memory: 512Mi}, baseline: {cpu: 50m, memory: 200Mi}, cpuPerRequest: 10m}
    - {name: envoy, requests: {cpu: 20m, memory: 64Mi}, limits: {cpu: 200m}, baseline: {cpu: 10m, memory: 40Mi}, cpuPerRequest: 2m}";

fn app_cpu_target(percent: u32) -> String {
    format!(
        "    - type: ContainerResource
      containerResource: {{name: cpu, container: app, target: {{type: Utilization, averageUtilization: {percent}}}}}"
    )
}

/// The decision at the sync at `second`: (proposal, desired, the metric's value as seen).
fn seen(r: &Record, second: i64) -> (Option<i32>, i32, String) {
    let s = r.syncs.iter().find(|s| s.second == second).unwrap();
    let current = (s.decision.metrics.first())
        .and_then(|m| m.current.as_ref())
        .map(|c| c.to_string())
        .unwrap_or_default();
    (s.decision.proposal, s.decision.desired_replicas, current)
}

#[test]
fn pod_cpu_utilization_sums_the_containers_and_a_container_resource_reads_one() {
    // (the HPA's metric, the first sync's (proposal, desired, utilization seen))
    // Pod: 240m x 100 / 520m = 46 % (integer), over a 40 % target 1.15: ceil(2 x 1.15) =
    // 3. App: 200m x 100 / 500m = 40 %, exactly its target: hold at 2.
    for (metric, want) in [
        (cpu_metric(40), (Some(3), 3, "46%")),
        (app_cpu_target(40), (Some(2), 2, "40%")),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write_pod(dir.path(), &metric, SIDECAR_POD, "");
        let sc = load_scenario(&file).unwrap();
        assert!(sc.warnings.is_empty(), "{:?}", sc.warnings);
        let r = run(&sc);
        let (proposal, desired, current) = seen(&r, 15);
        assert_eq!((proposal, desired, current.as_str()), want, "{metric}");
        // The snapshot holds each container's requests and usage, and the pod's sum.
        let snap = &r.syncs[0].snapshot;
        let pod = &snap.pods[0];
        assert_eq!(pod.requests["app"]["cpu"].milli(), 500);
        assert_eq!(pod.requests["envoy"]["cpu"].milli(), 20);
        let usage = |k: &str| pod.metrics[k].value.milli();
        assert_eq!(
            (usage("app/cpu"), usage("envoy/cpu"), usage("cpu")),
            (200, 40, 240)
        );
        replays(&file);
    }
}

#[test]
fn a_container_without_a_cpu_request_fails_cpu_utilization_as_kubernetes_does() {
    let no_request = "    containers:
    - {name: app, requests: {cpu: 500m}, cpuPerRequest: 10m}
    - {name: envoy, requests: {memory: 64Mi}, limits: {cpu: 200m}, cpuPerRequest: 2m}";
    let one_container = "    requests: {memory: 512Mi}
    limits: {cpu: 500m}
    cpuPerRequest: 10m";
    // (the pod, the HPA's metric, the condition's reason and message; None: it scales)
    for (pod, metric, failure) in [
        (
            no_request,
            cpu_metric(40),
            Some((
                "FailedGetResourceMetric",
                "missing request for cpu in container envoy of Pod pod-00001",
            )),
        ),
        (no_request, app_cpu_target(40), None),
        (
            one_container,
            cpu_metric(40),
            Some((
                "FailedGetResourceMetric",
                "missing request for cpu in container app of Pod pod-00001",
            )),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write_pod(dir.path(), &metric, pod, "");
        let sc = load_scenario(&file).unwrap();
        let r = run(&sc);
        match failure {
            Some((reason, message)) => {
                assert_eq!(sc.warnings.len(), 1, "{:?}", sc.warnings);
                // The warning cannot name a pod: the controller's message up to it.
                let unnamed = message.split(" of Pod").next().unwrap();
                assert!(sc.warnings[0].contains(unnamed), "{:?}", sc.warnings);
                for s in &r.syncs {
                    assert_eq!(scaling_active(&r, s.second), ("False", reason));
                    assert_eq!(s.decision.desired_replicas, 2);
                    let c = (s.decision.conditions.iter())
                        .find(|c| c.kind == "ScalingActive")
                        .unwrap();
                    assert!(c.message.contains(message), "{}", c.message);
                }
                let printed = replays(&file);
                assert!(
                    printed.starts_with("warning: hpa.spec.metrics[0]: "),
                    "{printed}"
                );
            }
            None => {
                assert!(sc.warnings.is_empty(), "{:?}", sc.warnings);
                assert_eq!(scaling_active(&r, 15), ("True", "ValidMetricFound"));
                replays(&file);
            }
        }
    }
}

#[test]
fn bad_containers_are_refused_naming_file_line_and_field() {
    // (the body of workload.pod, the line of the fault, what the message says)
    for (pod, line, says) in [
        (
            "    requests: {cpu: 1}\n    containers: [{name: app, cpuPerRequest: 1m}]",
            17,
            "workload.pod.requests: goes under each of `containers:`",
        ),
        (
            "    containers:\n    - {name: app, requests: {cpu: 1}, cpuPerRequest: 1m}\n    - {name: app, requests: {cpu: 1}}",
            19,
            "workload.pod.containers[1].name: \"app\" appears twice in the pod",
        ),
        (
            "    containers:\n    - {name: app, requests: {cpu: 1}}",
            17,
            "workload.pod.containers: no container has a `cpuPerRequest`",
        ),
        (
            "    containers:\n    - {name: app, requests: {cpu: 1}, cpuPerRequest: 1m}\n    - {name: envoy, cpuPerRequest: 1m}",
            19,
            "workload.pod.containers[1].limits: container \"envoy\" has no cpu limit nor request",
        ),
        (
            "    containers: []",
            17,
            "workload.pod.containers: lists no container",
        ),
        (
            "    requests: {cpu: 1}\n    cpuPerRequest: 1m\n    resources: {requests: {ephemeral-storage: 1Gi}}",
            19,
            "workload.pod.resources.requests: \"ephemeral-storage\" cannot be set at pod level",
        ),
        (
            "    requests: {cpu: 500m}",
            16,
            "workload.pod: missing field `cpuPerRequest`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write_pod(dir.path(), &cpu_metric(70), pod, "");
        let err = load_scenario(&file).unwrap_err().to_string();
        let place = format!("{}:{line}:", file.display());
        assert!(
            err.starts_with(&place) && err.contains(says),
            "{pod}\n{err}"
        );
    }
}

#[test]
fn pod_level_requests_are_what_pod_cpu_utilization_is_a_percentage_of() {
    // The sidecar pod at 240m: of the containers' 520m, 46 % (under 70 %: hold); of a
    // pod-level 300m request, 80 % (over 70 % by 14 %: ceil(2 x 80 / 70) = 3 at the first
    // sync). A ContainerResource metric still reads its container: 40 % of 500m.
    let pod_level = format!("{SIDECAR_POD}\n    resources: {{requests: {{cpu: 300m}}}}");
    for (pod, metric, want) in [
        (SIDECAR_POD.to_string(), cpu_metric(70), (Some(2), 2, "46%")),
        (pod_level.clone(), cpu_metric(70), (Some(3), 3, "80%")),
        (pod_level, app_cpu_target(40), (Some(2), 2, "40%")),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write_pod(dir.path(), &metric, &pod, "");
        let sc = load_scenario(&file).unwrap();
        assert!(sc.warnings.is_empty(), "{:?}", sc.warnings);
        let r = run(&sc);
        let (proposal, desired, current) = seen(&r, 15);
        assert_eq!(
            (proposal, desired, current.as_str()),
            want,
            "{pod}\n{metric}"
        );
        replays(&file);
    }
}

#[test]
fn with_long_lived_connections_a_new_pod_serves_from_the_next_reconnection() {
    // 30 waiting over 10 a pod: the sync at 15 s asks for a third pod, Ready at 35 s. The
    // clients reconnect every 60 s (at 0 s, 60 s, ...): the new pod sits Ready and idle
    // until 60 s; without `rebalance` it serves from 35 s.
    for (traffic, serving_from) in [("", 35), ("traffic: {rebalance: {every: 60s}}", 60)] {
        let dir = tempfile::tempdir().unwrap();
        let top = format!("{traffic}\nmetrics:\n  queue_depth: {{value: 30}}");
        let file = write(dir.path(), EXTERNAL, &top);
        let r = run(&load_scenario(&file).unwrap());
        for second in [34, 35, 59, 60, 61] {
            let s = &r.seconds[second];
            let serving = if second >= serving_from { 3 } else { 2 };
            let ready = if second >= 35 { 3 } else { 2 };
            assert_eq!(
                (s.ready, s.serving),
                (ready, serving),
                "{traffic:?} at {second} s"
            );
        }
        replays(&file);
    }
}

#[test]
fn the_grpc_scale_up_holds_while_the_new_pods_sit_idle_until_the_clients_reconnect() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/grpc-long-lived-connections.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    // Syncs by their second on the scenario clock: 10:00 is 36 000.
    let t = |s: i64| 36_000 + s;
    // With rebalance: 4 pods held by the clients at their 1000m limit, 3 new ones Ready and
    // idle at their 50m baseline: (4 x 1000 + 3 x 50) x 100 / 7000 = 59 %, within the
    // tolerance of 60 %: hold at 7 (ValidMetricFound) until the reconnection at 10:15.
    let without = text.replace("traffic: {rebalance: {every: 5m}}\n", "");
    assert_ne!(without, text);
    let sc = hpasim::scenario::parse_scenario(&text, &file).unwrap();
    let r = run(&sc);
    assert_eq!(seen(&r, t(705)), (Some(7), 7, "59%".to_string()));
    assert_eq!(scaling_active(&r, t(705)), ("True", "ValidMetricFound"));
    for second in (675..900).step_by(15) {
        assert_eq!(seen(&r, t(second)).1, 7, "sync at {second} s");
    }
    assert!(
        seen(&r, t(915)).1 > 7,
        "the reconnection at 900 s spreads the load"
    );
    // Without it every Ready pod serves: the 7 pods share 600 rps (86 each, 907m: 90 %)
    // and the HPA goes on scaling before 10:12.
    let r = run(&hpasim::scenario::parse_scenario(&without, &file).unwrap());
    assert!(r.seconds.iter().all(|s| s.serving == s.ready));
    assert!(seen(&r, t(705)).1 > 7, "{:?}", seen(&r, t(705)));
}

#[test]
fn a_rebalance_of_less_than_a_second_is_refused_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        &cpu_metric(70),
        "traffic: {rebalance: {every: 0s}}",
    );
    let err = load_scenario(&file).unwrap_err().to_string();
    let place = format!("{}:3:", file.display());
    assert!(
        err.starts_with(&place) && err.contains("traffic.rebalance.every: must be at least 1s"),
        "{err}"
    );
}

#[test]
fn a_custom_target_s_pods_follow_its_replicas_after_the_operator_delay_or_never() {
    // 30 waiting over a per-pod target of 10 and 2 status replicas: the sync at 15 s writes
    // 3 to the scale. A Deployment's third pod is created then and Ready 20 s later (35 s);
    // an operator 60 s slow creates it at 75 s (Ready at 95 s); with `never` no pod follows
    // and the HPA keeps reading 2 status replicas, its scale at 3.
    // (workload YAML, the first second with 3 Ready pods, if any)
    for (kind, ready_from) in [
        ("", Some(35)),
        ("  kind: Custom\n  operatorDelay: 60s\n", Some(95)),
        ("  kind: Custom\n  operatorDelay: never\n", None),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), EXTERNAL, "metrics:\n  queue_depth: {value: 30}");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(
            &file,
            text.replace("workload:\n", &format!("workload:\n{kind}")),
        )
        .unwrap();
        let r = run(&load_scenario(&file).unwrap());
        assert_eq!(at(&desired(&r), 15), (Some(3), 3), "{kind:?}");
        for second in [34, 35, 94, 95, 599] {
            let ready = match ready_from {
                Some(from) if second >= from => 3,
                _ => 2,
            };
            assert_eq!(r.seconds[second].ready, ready, "{kind:?} at {second} s");
        }
        let at_30 = &r.syncs.iter().find(|s| s.second == 30).unwrap().snapshot;
        assert_eq!(at_30.current_replicas, 3, "the scale's spec.replicas");
        let status = if kind.is_empty() { 3 } else { 2 };
        assert_eq!(at_30.status_replicas, Some(status), "{kind:?}");
        replays(&file);
    }
}

#[test]
fn an_operator_delay_on_a_deployment_is_refused_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), &cpu_metric(70), "");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("workload:\n", "workload:\n  operatorDelay: 30s\n"),
    )
    .unwrap();
    let err = load_scenario(&file).unwrap_err().to_string();
    let place = format!("{}:15:", file.display());
    assert!(
        err.starts_with(&place) && err.contains("workload.operatorDelay: goes with `kind: Custom`"),
        "{err}"
    );
}
