//! `workload.deploymentFile`: the team's Deployment manifest gives the workload's replicas,
//! resources, probes and grace period, each defaulted as the API server defaults it; a
//! field read from it runs exactly as the same field written in the scenario; it is picked
//! by name from a `List` or from several documents; bad fields are refused at the
//! manifest's file, line and field (exit 2).

use std::path::{Path, PathBuf};

use crate::common::hpasim;
use hpasim::scenario::testing::TestScenario;
use hpasim::sim::{Event, Options, Record, run};
use predicates::prelude::*;

/// A scenario with `workload` given by `workload` (indented under `workload:`), a steady
/// load that needs more than the 2 pods it starts with.
fn scenario(dir: &Path, workload: &str) -> PathBuf {
    let startup = "    containerStart: {fixed: 1s}\n    appStart: {fixed: 12s}";
    let workload = match workload.contains("  startup:\n") {
        true => workload.replacen("  startup:\n", &format!("  startup:\n{startup}\n"), 1),
        false => format!("{workload}\n  startup:\n{startup}"),
    };
    TestScenario::new("test")
        .duration("20m")
        .top("seed: 1")
        .workload(&workload)
        .load("- step: {at: 10m, from: 150, to: 20}")
        .write(dir, "scenario.yaml")
}

/// A Deployment `web` with `spec` lines (under `spec:`), pod lines (under the template's
/// `spec:`) and lines of its one container `app`, among fields hpasim ignores.
fn deployment(spec: &str, pod: &str, container: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {{app: web}}
spec:
{spec}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
{pod}
      containers:
      - name: app
        image: web:1.2.3
        env: [{{name: MODE, value: prod}}]
        ports: [{{containerPort: 8080}}]
        livenessProbe: {{httpGet: {{path: /live, port: 8080}}, periodSeconds: 3}}
{container}
"#
    )
}

/// `hpasim validate` of the scenario whose workload is `workload`: refused (exit 2); the
/// outcome, for the caller to check what stderr names.
fn refused(dir: &Path, workload: &str) -> assert_cmd::assert::Assert {
    let path = scenario(dir, workload);
    hpasim()
        .args(["validate", path.to_str().unwrap()])
        .assert()
        .code(2)
}

fn run_of(path: &Path) -> Record {
    let sc = hpasim::scenario::load_scenario(path).unwrap_or_else(|e| panic!("{e}"));
    run(&sc, &Options::default())
}

/// What a run shows, to compare two runs: every row and every pod event.
fn shown(r: &Record) -> String {
    let pods: Vec<String> = (r.events.iter())
        .filter_map(|e| match e {
            Event::Pod { t, pod, stage } => Some(format!("{t} {pod} {stage:?}")),
            _ => None,
        })
        .collect();
    format!("{:?}\n{}", r.timeline, pods.join("\n"))
}

const COST: &str = "  pod:\n    cpuPerRequest: 5m\n    baseline: {cpu: 30m}";

/// Each Deployment field runs as the scenario field it stands for, Kubernetes' defaults
/// included: (spec lines, pod lines, container lines, the same workload written inline).
#[test]
fn a_deployment_field_runs_as_the_scenario_field_it_stands_for() {
    let res = "        resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m}}";
    let inline_res = "    requests: {cpu: 250m, memory: 256Mi}\n    limits: {cpu: 500m}";
    let cases: Vec<(&str, &str, String, String)> = vec![
        // spec.replicas is initialReplicas.
        (
            "  replicas: 3",
            "",
            res.into(),
            format!("  initialReplicas: 3\n{COST}\n{inline_res}"),
        ),
        // No spec.replicas: 1, as the API server defaults it.
        (
            "",
            "",
            res.into(),
            format!("  initialReplicas: 1\n{COST}\n{inline_res}"),
        ),
        // A limit without a request is requested at the limit (SetDefaults_Pod); a GPU is
        // not modelled.
        (
            "  replicas: 2",
            "",
            "        resources: {limits: {cpu: 400m, nvidia.com/gpu: 1}}".into(),
            format!(
                "  initialReplicas: 2\n{COST}\n    requests: {{cpu: 400m}}\n    limits: {{cpu: 400m}}"
            ),
        ),
        // A readiness probe; 0 is a default (SetDefaults_Probe: period 10, failure 3).
        (
            "  replicas: 2",
            "",
            format!(
                "{res}\n        readinessProbe: {{httpGet: {{path: /ready, port: 8080}}, initialDelaySeconds: 4, periodSeconds: 5, timeoutSeconds: 2}}"
            ),
            format!(
                "  initialReplicas: 2\n{COST}\n{inline_res}\n  startup:\n    readinessProbe: {{initialDelaySeconds: 4, periodSeconds: 5}}"
            ),
        ),
        (
            "  replicas: 2",
            "",
            format!(
                "{res}\n        readinessProbe: {{exec: {{command: [true]}}, periodSeconds: 0, failureThreshold: 0}}"
            ),
            format!(
                "  initialReplicas: 2\n{COST}\n{inline_res}\n  startup:\n    readinessProbe: {{periodSeconds: 10, failureThreshold: 3}}"
            ),
        ),
        (
            "  replicas: 2",
            "",
            format!(
                "{res}\n        startupProbe: {{tcpSocket: {{port: 8080}}, periodSeconds: 7, failureThreshold: 30}}"
            ),
            format!(
                "  initialReplicas: 2\n{COST}\n{inline_res}\n  startup:\n    startupProbe: {{periodSeconds: 7, failureThreshold: 30}}"
            ),
        ),
        // terminationGracePeriodSeconds.
        (
            "  replicas: 2",
            "      terminationGracePeriodSeconds: 5",
            res.into(),
            format!(
                "  initialReplicas: 2\n{COST}\n{inline_res}\n  termination: {{gracePeriodSeconds: 5}}"
            ),
        ),
        // Pod-level resources.
        (
            "  replicas: 2",
            "      resources: {requests: {cpu: 300m}, limits: {cpu: 600m}}",
            res.into(),
            format!(
                "  initialReplicas: 2\n{COST}\n{inline_res}\n    resources: {{requests: {{cpu: 300m}}, limits: {{cpu: 600m}}}}"
            ),
        ),
    ];
    for (spec, pod, container, inline) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deploy.yaml"),
            deployment(spec, pod, &container),
        )
        .unwrap();
        let from_file = run_of(&scenario(
            dir.path(),
            &format!("  deploymentFile: deploy.yaml\n{COST}"),
        ));
        let written = run_of(&scenario(dir.path(), &inline));
        assert_eq!(
            shown(&from_file),
            shown(&written),
            "{spec} / {pod} / {container}"
        );
    }
}

/// What the run shows of the manifest: its replicas as the first row's count, its probe's
/// period in when new pods turn Ready (container up at +1 s, app at +13 s: Ready on the
/// first probe tick after), its grace period in how long deleted pods take to go.
#[test]
fn the_run_shows_the_manifests_replicas_probe_period_and_grace_period() {
    // (replicas, readiness period, grace, seconds from creation to Ready, Terminating to Gone)
    let cases = [(3, 5, 12, 16.0, 12.0), (2, 7, 40, 15.0, 40.0)];
    for (replicas, period, grace, to_ready, to_gone) in cases {
        let dir = tempfile::tempdir().unwrap();
        let container = format!(
            "        resources: {{requests: {{cpu: 250m}}, limits: {{cpu: 500m}}}}\n        readinessProbe: {{httpGet: {{path: /, port: 8080}}, periodSeconds: {period}}}"
        );
        std::fs::write(
            dir.path().join("deploy.yaml"),
            deployment(
                &format!("  replicas: {replicas}"),
                &format!("      terminationGracePeriodSeconds: {grace}"),
                &container,
            ),
        )
        .unwrap();
        let r = run_of(&scenario(
            dir.path(),
            &format!("  deploymentFile: deploy.yaml\n{COST}"),
        ));
        assert_eq!(r.timeline[0].spec, replicas);
        assert_eq!(r.timeline[0].ready, replicas as usize);
        let at = |pod: &str, stage: &str| {
            r.events.iter().find_map(|e| match e {
                Event::Pod {
                    t,
                    pod: p,
                    stage: s,
                } if p == pod && format!("{s:?}") == stage => Some(*t),
                _ => None,
            })
        };
        let mut saw_ready = false;
        let mut saw_gone = false;
        for e in &r.events {
            let Event::Pod { t, pod, stage } = e else {
                continue;
            };
            match format!("{stage:?}").as_str() {
                "Ready" if *t > 0.0 => {
                    let created = at(pod, "Pending").expect("a new pod was created");
                    assert_eq!(t - created, to_ready, "{pod}, period {period}");
                    saw_ready = true;
                }
                "Gone" => {
                    let deleted = at(pod, "Terminating").expect("deleted first");
                    assert_eq!(t - deleted, to_gone, "{pod}, grace {grace}");
                    saw_gone = true;
                }
                _ => {}
            }
        }
        assert!(saw_ready && saw_gone, "the load scales up, then down");
    }
}

/// Several containers: the scenario lists each one's costs by name; one it does not list
/// costs nothing per request (a sidecar), exactly as if written with no cost.
#[test]
fn several_containers_take_their_costs_from_the_scenario_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = deployment(
        "  replicas: 2",
        "",
        "        resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}\n      - name: proxy\n        image: envoy\n        resources: {requests: {cpu: 50m}}\n      - name: logs\n        image: fluent-bit\n        resources: {requests: {cpu: 10m, memory: 32Mi}}",
    );
    std::fs::write(dir.path().join("deploy.yaml"), text).unwrap();
    // Listed out of the manifest's order: the pod keeps the manifest's.
    let from_file = run_of(&scenario(
        dir.path(),
        "  deploymentFile: deploy.yaml\n  pod:\n    containers:\n    - {name: proxy, cpuPerRequest: 1m, baseline: {cpu: 5m}}\n    - {name: app, cpuPerRequest: 5m, baseline: {cpu: 30m}}",
    ));
    let written = run_of(&scenario(
        dir.path(),
        "  initialReplicas: 2\n  pod:\n    containers:\n    - {name: app, requests: {cpu: 250m}, limits: {cpu: 500m}, cpuPerRequest: 5m, baseline: {cpu: 30m}}\n    - {name: proxy, requests: {cpu: 50m}, cpuPerRequest: 1m, baseline: {cpu: 5m}}\n    - {name: logs, requests: {cpu: 10m, memory: 32Mi}}",
    ));
    assert_eq!(shown(&from_file), shown(&written));
    // The one-container fields with three containers: refused, naming them.
    refused(
        dir.path(),
        &format!("  deploymentFile: deploy.yaml\n{COST}"),
    )
    .stderr(predicate::str::contains("3 containers (app, proxy, logs)"));
}

const TWO: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 4
  template:
    spec:
      containers:
      - {name: api, resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - {name: app, resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}}
";

/// A file of several documents, or a `kubectl get -o yaml` List: `FILE#NAME` picks one;
/// without a name, more than one Deployment is refused with their names.
#[test]
fn a_deployment_is_picked_by_name_from_documents_or_a_list() {
    let dir = tempfile::tempdir().unwrap();
    // The same two Deployments as a List.
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        TWO.split("---\n")
            .map(|doc| {
                let mut lines = doc.lines();
                let first = lines.next().unwrap();
                let rest: Vec<String> = lines.map(|l| format!("  {l}")).collect();
                format!("- {first}\n{}\n", rest.join("\n"))
            })
            .collect::<String>()
    );
    std::fs::write(dir.path().join("docs.yaml"), TWO).unwrap();
    std::fs::write(dir.path().join("list.yaml"), &list).unwrap();
    // (deploymentFile, the first row's replicas or the error's words)
    let cases: [(&str, Result<i32, &str>); 8] = [
        ("docs.yaml#web", Ok(3)),
        ("docs.yaml#api", Ok(4)),
        ("list.yaml#web", Ok(3)),
        ("list.yaml#api", Ok(4)),
        (
            "docs.yaml",
            Err("holds 2 Deployments (api, web); pick one by adding `#NAME`"),
        ),
        (
            "list.yaml",
            Err("holds 2 Deployments (api, web); pick one by adding `#NAME`"),
        ),
        (
            "docs.yaml#db",
            Err("no Deployment named \"db\" (its Deployments: api, web)"),
        ),
        ("list.yaml#web2", Err("its Deployments: api, web")),
    ];
    for (file, want) in cases {
        let path = scenario(
            dir.path(),
            &format!("  deploymentFile: {file}\n  pod: {{cpuPerRequest: 5m}}"),
        );
        match want {
            Ok(n) => assert_eq!(run_of(&path).timeline[0].spec, n, "{file}"),
            Err(words) => {
                let err = hpasim::scenario::load_scenario(&path).unwrap_err();
                assert!(err.to_string().contains(words), "{file}: {err}");
            }
        }
    }
    // A name that is not a Deployment's: its kind is refused.
    let path = scenario(
        dir.path(),
        "  deploymentFile: docs.yaml#web\n  pod: {cpuPerRequest: 5m}",
    );
    assert!(hpasim::scenario::load_scenario(&path).is_ok());
    std::fs::write(
        dir.path().join("docs.yaml"),
        TWO.replace(
            "metadata: {name: web}\nspec:\n  replicas",
            "metadata: {name: x}\nspec:\n  replicas",
        ),
    )
    .unwrap();
    let err = hpasim::scenario::load_scenario(&path)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("docs.yaml:12:") && err.contains("kind: \"Service\" is not a Deployment"),
        "{err}"
    );
}

/// A bad field read from the manifest is refused at its file, line and field (exit 2);
/// so are other kinds, a missing file, and a field given in both places.
#[test]
fn bad_manifests_are_refused_at_their_file_line_and_field() {
    let res = "        resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}\n        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 5}";
    let good = deployment(
        "  replicas: 2",
        "      terminationGracePeriodSeconds: 30",
        res,
    );
    // (what to replace in the manifest, with what, the words of the error)
    let cases = [
        (
            "replicas: 2",
            "replicas: -1",
            "deploy.yaml:7:3: spec.replicas: -1 is negative",
        ),
        (
            "replicas: 2",
            "replicas: two",
            "deploy.yaml:7:3: spec.replicas: \"two\" is not a whole number",
        ),
        (
            "replicas: 2",
            "replicas: 20000",
            "spec.replicas: 20000 is above the limit of 10000 pods",
        ),
        (
            "cpu: 250m",
            "cpu: 250x",
            "deploy.yaml:19:32: spec.template.spec.containers[0].resources.requests.cpu: invalid quantity \"250x\"",
        ),
        (
            "cpu: 250m",
            "cpu: -1",
            "resources.requests.cpu: -1 is negative",
        ),
        (
            "cpu: 250m",
            "cpu: 600m",
            "resources.requests.cpu: 600m is above the cpu limit 500m",
        ),
        ("periodSeconds: 5}", "periodSeconds: -5}", "deploy.yaml:20:"),
        (
            "periodSeconds: 5}",
            "periodSeconds: -5}",
            "containers[0].readinessProbe.periodSeconds: -5 is negative",
        ),
        (
            "readinessProbe",
            "startupProbe",
            "startupProbe.successThreshold: 2: must be 1",
        ),
        (
            "GracePeriodSeconds: 30",
            "GracePeriodSeconds: -1",
            "deploy.yaml:12:7: spec.template.spec.terminationGracePeriodSeconds: -1 is negative",
        ),
        (
            "kind: Deployment",
            "kind: StatefulSet",
            "deploy.yaml:2:1: kind: a StatefulSet's pods start one at a time",
        ),
        (
            "kind: Deployment",
            "kind: DaemonSet",
            "kind: \"DaemonSet\" is not a Deployment",
        ),
        (
            "apiVersion: apps/v1",
            "apiVersion: extensions/v1beta1",
            "deploy.yaml:1:1: apiVersion: \"extensions/v1beta1\": expected apps/v1",
        ),
        (
            "      containers:",
            "      containers: []\n      x:",
            "spec.template.spec.containers: lists no container",
        ),
        ("- name: app", "- args: [x]", "containers[0].name: missing"),
    ];
    for (from, to, words) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = if from == "readinessProbe" {
            // A startupProbe whose successThreshold is not 1.
            good.replace(
                "periodSeconds: 5}",
                "periodSeconds: 5, successThreshold: 2}",
            )
            .replace(from, to)
        } else {
            assert!(good.contains(from), "{from}");
            good.replacen(from, to, 1)
        };
        std::fs::write(dir.path().join("deploy.yaml"), text).unwrap();
        refused(
            dir.path(),
            &format!("  deploymentFile: deploy.yaml\n{COST}"),
        )
        .stderr(predicate::str::contains(words));
    }
    // A missing file, named; a field given in both places, named in both.
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path(), &format!("  deploymentFile: nope.yaml\n{COST}"))
        .stderr(predicate::str::contains("nope.yaml"));
    std::fs::write(dir.path().join("deploy.yaml"), &good).unwrap();
    let both = [
        (
            "  initialReplicas: 2",
            "workload.initialReplicas",
            "deploy.yaml:7 spec.replicas",
        ),
        (
            "  termination: {gracePeriodSeconds: 9}",
            "workload.termination.gracePeriodSeconds",
            "deploy.yaml:12 spec.template.spec.terminationGracePeriodSeconds",
        ),
        (
            "  startup:\n    readinessProbe: {periodSeconds: 1}",
            "workload.startup.readinessProbe",
            "deploy.yaml:20 spec.template.spec.containers[0].readinessProbe",
        ),
        (
            "  pod:\n    cpuPerRequest: 5m\n    limits: {cpu: 1}",
            "workload.pod.limits",
            "deploy.yaml:19 spec.template.spec.containers[0].resources.limits",
        ),
        (
            "  pod:\n    name: web\n    cpuPerRequest: 5m",
            "workload.pod.name",
            "deploy.yaml:14 spec.template.spec.containers[0].name",
        ),
    ];
    for (extra, ours, theirs) in both {
        let cost = if extra.contains("pod:") { "" } else { COST };
        let text = format!("  deploymentFile: deploy.yaml\n{cost}\n{extra}");
        let text = text.replace("\n\n", "\n");
        refused(dir.path(), text.trim_start_matches('\n'))
            .stderr(predicate::str::contains(format!(
                "{ours}: given here and by the Deployment \"web\" ("
            )))
            .stderr(predicate::str::contains(format!(
                "{theirs}); give it in one place"
            )));
    }
}

/// The HPA scaling another Deployment than the manifest's is simulated, with a warning.
#[test]
fn an_hpa_that_targets_another_deployment_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let text = deployment(
        "  replicas: 2",
        "",
        "        resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}",
    );
    std::fs::write(
        dir.path().join("deploy.yaml"),
        text.replace("name: web", "name: web-v2"),
    )
    .unwrap();
    let path = scenario(
        dir.path(),
        &format!("  deploymentFile: deploy.yaml\n{COST}"),
    );
    hpasim()
        .args(["validate", path.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "warning: hpa.spec.scaleTargetRef is Deployment/web, but the workload is Deployment/web-v2 (",
        ));
    // The bundled Deployment file validates on its own.
    hpasim()
        .args(["validate", "scenarios/seeds/spywatcher/deployments.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Deployment \"spywatcher-backend\", 2 replica(s), container(s) backend, probes: startup, readiness",
        ));
}

/// `hpasim sweep` sets fields in the scenario: the manifest's are read into `workload`.
#[test]
fn a_sweep_sees_the_manifests_fields_in_the_workload() {
    let v = hpasim::scenario::scenario_value(Path::new(
        "scenarios/seeds/spywatcher/traffic-spike.yaml",
    ))
    .unwrap();
    let w = &v["workload"];
    assert!(w.get("deploymentFile").is_none());
    assert_eq!(w["initialReplicas"], 2);
    assert_eq!(w["pod"]["requests"]["cpu"], "500m");
    assert_eq!(w["startup"]["startupProbe"]["failureThreshold"], 30);
}

/// A sweep reads the manifest into `workload` and keeps its one container's name: each
/// trial, and best-scenario.yaml re-simulated, read a ContainerResource metric on that
/// container (a container lost to `app` would leave the HPA without its metric, never
/// scaling), and the pick's figures in pareto.csv are the re-simulated run's.
#[test]
fn a_sweep_keeps_the_deployments_container_name() {
    let path = "hpa.spec.metrics[0].containerResource.target.averageUtilization";
    // (the container's name)
    for name in ["web-server", "app"] {
        let dir = tempfile::tempdir().unwrap();
        let container = "        resources: {requests: {cpu: 250m}, limits: {cpu: 500m}}";
        let manifest = deployment("  replicas: 2", "", container)
            .replace("- name: app", &format!("- name: {name}"));
        std::fs::write(dir.path().join("deploy.yaml"), manifest).unwrap();
        let sc = scenario(
            dir.path(),
            &format!("  deploymentFile: deploy.yaml\n{COST}"),
        );
        let metric = format!(
            "- type: ContainerResource\n      containerResource: {{name: cpu, container: {name}, target: {{type: Utilization, averageUtilization: 70}}}}"
        );
        let text = std::fs::read_to_string(&sc).unwrap();
        let from = "- type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}";
        assert!(text.contains(from));
        // A sweep judges by the SLO.
        let text = format!("{}slo:\n  minReady: 2\n", text.replace(from, &metric));
        std::fs::write(&sc, text).unwrap();
        let out = dir.path().join("sweep");
        hpasim()
            .args(["sweep", "--jobs", "1", "-L", path, "50,80", "--out"])
            .arg(&out)
            .arg(&sc)
            .assert()
            .success();
        let best = hpasim::scenario::load_scenario(&out.join("best-scenario.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(best.pod.containers[0].name, name);
        let sim = dir.path().join("sim");
        hpasim()
            .args(["simulate", "--charts", "none", "--out"])
            .arg(&sim)
            .arg(out.join("best-scenario.yaml"))
            .assert()
            .success();
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(sim.join("summary.json")).unwrap()).unwrap();
        let mut r = csv::Reader::from_path(out.join("pareto.csv")).unwrap();
        let head = r.headers().unwrap().clone();
        let pick = (r.records().map(Result::unwrap))
            .find(|row| {
                head.iter()
                    .zip(row.iter())
                    .any(|(h, c)| h == "pick" && c == "true")
            })
            .expect("a pick");
        let mut compared = 0;
        for (col, cell) in head.iter().zip(pick.iter()) {
            let Some(figure) = col.strip_prefix("mean(").and_then(|c| c.strip_suffix(')')) else {
                continue;
            };
            let want = summary
                .pointer(&format!("/{}", figure.replace('.', "/")))
                .and_then(serde_json::Value::as_f64);
            assert_eq!(cell.parse::<f64>().ok(), want, "{name}: {figure}");
            compared += 1;
        }
        assert!(compared > 30, "only {compared} figures compared");
        // The load needs more than the 2 pods: the HPA read its container and scaled up.
        let ups = summary
            .pointer("/scaleUps")
            .and_then(serde_json::Value::as_u64);
        assert!(ups.is_some_and(|n| n > 0), "{name}: scaleUps {ups:?}");
    }
}
