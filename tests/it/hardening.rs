//! Hostile and careless input, one test per class the fuzzing pass of issue 14 found:
//! panics, unbounded work or memory, invalid input accepted, errors without their line,
//! and temporary files left behind. Each input is refused with exit 2 and a message
//! naming the file, the line and the field, or runs to completion.

use crate::common::hpasim;

use std::path::Path;

use hpasim::Error;
use hpasim::scenario::load_scenario;

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
        "- trace: {file: one.csv, onEnd: hold, shift: 5m}",
        "- trace: {file: one.csv, onEnd: zero}",
        "- repeat: {every: 1h, shift: 2h, of: {trace: {file: one.csv, onEnd: hold}}}",
    ] {
        let scenario = edited("- constant: {rps: 10}", load);
        let dir = folder(&[("scenario.yaml", &scenario), ("one.csv", ONE_SAMPLE)]);
        load_in(dir.path()).unwrap_or_else(|e| panic!("{load}: {e}"));
    }
}

/// Every limit of the format, the field it names and the words of its message: each an
/// input that exhausted memory or time before it had a limit.
#[test]
fn every_duration_count_rate_and_price_has_a_limit_checked_at_load() {
    let metric = "metrics:\n  rps: {source: requestsPerSecond, window: WINDOW, delay: DELAY}\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "duration: 10m",
            "duration: 1000000000000h",
            "duration: \"1000000000000h\" is longer than any duration hpasim reads (about 1000 years)",
        ),
        (
            "duration: 10m",
            "duration: 1y",
            "duration: 365d 6h is longer than the limit of 31d",
        ),
        (
            "duration: 10m",
            "duration: 32d",
            "duration: 32d is longer than the limit of 31d",
        ),
        (
            "initialReplicas: 1",
            "initialReplicas: 10000000",
            "workload.initialReplicas: 10000000 is above the limit of 10000 pods",
        ),
        (
            "minReplicas: 1\n    maxReplicas: 5",
            "minReplicas: 10000000\n    maxReplicas: 20000000",
            "hpa.spec.minReplicas: 10000000 is above the limit",
        ),
        (
            "maxReplicas: 5",
            "maxReplicas: 10000000",
            "hpa.spec.maxReplicas: 10000000 is above the limit",
        ),
        (
            "cpuPerRequest: 5m",
            "cpuPerRequest: 5m\n    concurrency: 1000000000",
            "workload.pod.concurrency: 1000000000 is above the limit of 10000",
        ),
        (
            "- constant: {rps: 10}",
            "- constant: {rps: 1e12}",
            "is not a rate; expected requests per second, a number from 0 to 1e9",
        ),
        (
            "- constant: {rps: 10}",
            "- constant: {rps: 10, scale: 1e300}",
            "scale: 1e300 is above the limit of 1e6",
        ),
        (
            "- constant: {rps: 10}",
            "- product: [{constant: {rps: 1e9}}, {constant: {rps: 1e9}}]",
            "can reach 1e18 requests per second, above the limit of 1e9",
        ),
        (
            "\nload:",
            "\ncost: {cpuPerHour: 1e308}\nload:",
            "cost.cpuPerHour: 1e308 is above the limit of 1e6 $ per hour",
        ),
        (
            "\nload:",
            "\nmetricsServer: {window: 1h}\nload:",
            "metricsServer.window: 1h is longer than the limit of 10m",
        ),
        (
            "\nload:",
            "\ncontroller: {syncPeriod: 2h}\nload:",
            "controller.syncPeriod: 2h is longer than the limit of 10m",
        ),
        (
            "\nload:",
            "\ncapacity: {node: {cpu: '4'}, nodes: 20000}\nload:",
            "capacity.nodes: 20000 is above the limit",
        ),
        (
            "duration: 10m",
            "duration: 10m\nactions: [{at: 5m, scale: 20000}]",
            "actions[0].scale: 20000 is above the limit",
        ),
    ];
    for &(from, to, message) in cases {
        let e = refused(&edited(from, to), &[]);
        assert!(e.contains(message), "{to}: {e}");
        assert!(e.contains("scenario.yaml"), "{to}: {e}");
    }
    for (window, delay, message) in [
        (
            "99999999h",
            "30s",
            "window: \"99999999h\" is longer than any duration",
        ),
        (
            "48h",
            "30s",
            "metrics.rps.window: 2d is longer than the limit of 1d",
        ),
        (
            "1m",
            "25h",
            "metrics.rps.delay: 1d 1h is longer than the limit of 1d",
        ),
    ] {
        let text = edited(
            "\nload:",
            &format!(
                "\n{}load:",
                metric.replace("WINDOW", window).replace("DELAY", delay)
            ),
        );
        let e = refused(&text, &[]);
        assert!(e.contains(message), "{window} {delay}: {e}");
    }
}

#[test]
fn the_limits_themselves_are_accepted() {
    for (from, to) in [
        ("duration: 10m", "duration: 31d\nstart: \"00:00\""),
        ("maxReplicas: 5", "maxReplicas: 10000"),
        (
            "cpuPerRequest: 5m",
            "cpuPerRequest: 5m\n    concurrency: 10000",
        ),
        ("\nload:", "\ncost: {cpuPerHour: 1e6}\nload:"),
        ("- constant: {rps: 10}", "- constant: {rps: 1e9}"),
    ] {
        let dir = folder(&[("scenario.yaml", &edited(from, to))]);
        load_in(dir.path()).unwrap_or_else(|e| panic!("{to}: {e}"));
    }
}

#[test]
fn files_are_read_with_a_size_cap() {
    // An endless file is refused by name, after reading no more than the cap.
    if Path::new("/dev/zero").exists() {
        let scenario = edited(
            "- constant: {rps: 10}",
            "- trace: {file: /dev/zero, format: csv}",
        );
        let e = refused(&scenario, &[]);
        assert!(
            e.starts_with("/dev/zero: larger than the limit of 64 MiB"),
            "{e}"
        );
        let scenario = BASE.replace("hpa:\n", "hpaFile: /dev/zero\nunused:\n");
        let scenario = scenario.replace("unused:\n  spec:", "x:\n  spec:");
        let dir = folder(&[("scenario.yaml", &hpa_file_scenario("/dev/zero"))]);
        let e = load_in(dir.path()).unwrap_err().to_string();
        assert!(
            e.starts_with("/dev/zero: larger than the limit of 16 MiB"),
            "{e} {scenario}"
        );
    }
    let big = format!("time_s,rps\n{}", "0,1\n".repeat((64 << 20) / 4 + 1));
    let scenario = edited("- constant: {rps: 10}", "- trace: {file: big.csv}");
    let e = refused(&scenario, &[("big.csv", &big)]);
    assert!(
        e.contains("big.csv: larger than the limit of 64 MiB"),
        "{e}"
    );
}

/// The base scenario with its HPA read from `file`.
fn hpa_file_scenario(file: &str) -> String {
    let start = BASE.find("hpa:").unwrap();
    let end = BASE.find("workload:").unwrap();
    format!("{}hpaFile: {file}\n{}", &BASE[..start], &BASE[end..])
}

#[test]
fn a_bare_number_for_any_duration_is_refused_naming_its_field_and_line() {
    // (edit of the base scenario, the field path named, its line)
    for (from, to, field, line) in [
        ("duration: 10m", "duration: 2", "duration", 2),
        ("duration: 10m", "duration: 1.5", "duration", 2),
        (
            "    cpuPerRequest: 5m\n",
            "    cpuPerRequest: 5m\n    requestTimeout: 30\n",
            "workload.pod.requestTimeout",
            16,
        ),
        (
            "  initialReplicas: 1\n",
            "  initialReplicas: 1\n  startup:\n    appStart: {fixed: 20}\n",
            "workload.startup.appStart.fixed",
            14,
        ),
        (
            "  initialReplicas: 1\n",
            "  initialReplicas: 1\n  startup:\n    imagePull: {uniform: [1s, 7]}\n",
            "workload.startup.imagePull.uniform[1]",
            14,
        ),
        (
            "  initialReplicas: 1\n",
            "  initialReplicas: 1\n  termination:\n    exitAfter: 5\n",
            "workload.termination.exitAfter",
            14,
        ),
        (
            "\nload:\n",
            "\ncontroller:\n  syncPeriod: 15\nload:\n",
            "controller.syncPeriod",
            17,
        ),
        (
            "\nload:\n",
            "\nmetricsServer:\n  window: 30\nload:\n",
            "metricsServer.window",
            17,
        ),
        (
            "- constant: {rps: 10}",
            "- spike: {at: \"00:02\", duration: 60, height: 10}",
            "load[0].spike.duration",
            17,
        ),
    ] {
        let e = refused(&edited(from, to), &[]);
        let number = to
            .strip_prefix(from)
            .unwrap_or(to)
            .split([' ', ']', '}', ',', '\n'])
            .find(|w| w.parse::<f64>().is_ok())
            .unwrap_or_else(|| panic!("no number in {to:?}"));
        let hint = format!("write `{number}s`");
        assert!(
            e.contains(&format!("scenario.yaml:{line}:"))
                && e.contains(&format!("{field}: "))
                && e.contains("has no unit")
                && e.contains(&hint),
            "{field}: {e}"
        );
    }
    // With a unit, or quoted, the same length is accepted; Kubernetes' own integer
    // seconds stay numbers.
    for (from, to) in [
        ("duration: 10m", "duration: 2s"),
        ("duration: 10m", "duration: \"120\""),
        ("duration: 10m", "duration: 2m"),
        (
            "  initialReplicas: 1\n",
            "  initialReplicas: 1\n  startup:\n    readinessProbe: {initialDelaySeconds: 5, periodSeconds: 10}\n  termination:\n    gracePeriodSeconds: 30\n",
        ),
    ] {
        let dir = folder(&[("scenario.yaml", &edited(from, to))]);
        load_in(dir.path()).unwrap_or_else(|e| panic!("{to}: {e}"));
    }
}

#[test]
fn a_load_entry_entirely_after_the_run_is_refused() {
    for (entry, at) in [
        (
            "- spike: {at: \"11:00\", duration: 5m, height: 100}",
            "starts at 11:00",
        ),
        (
            "- flashSale: {at: 10m, peak: 100, decay: 1m}",
            "starts at 00:10",
        ),
        (
            "- lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400}",
            "starts at 11:30",
        ),
        (
            "- spike: {at: 1m, duration: 5m, height: 100, shift: 1h}",
            "starts at 01:01",
        ),
        ("- trace: {file: two.csv, shift: 2h}", "starts at 02:00"),
    ] {
        let scenario = edited(
            "- constant: {rps: 10}",
            &format!("- constant: {{rps: 10}}\n{entry}"),
        );
        let e = refused(&scenario, &[("two.csv", "time_s,rps\n0,1\n60,2\n")]);
        assert!(
            e.contains("load[1]: ")
                && e.contains(at)
                && e.contains("when the run has ended (00:10)"),
            "{entry}: {e}"
        );
    }
    // One that starts inside the run, or that gives a rate from the start, is kept.
    for entry in [
        "- spike: {at: 9m, duration: 5m, height: 100}",
        "- step: {at: \"11:00\", from: 5, to: 100}",
    ] {
        let scenario = edited(
            "- constant: {rps: 10}",
            &format!("- constant: {{rps: 10}}\n{entry}"),
        );
        let dir = folder(&[("scenario.yaml", &scenario)]);
        load_in(dir.path()).unwrap_or_else(|e| panic!("{entry}: {e}"));
    }
}

#[test]
fn an_action_after_the_run_is_refused() {
    let e = refused(
        &edited(
            "duration: 10m",
            "duration: 10m\nactions: [{at: 20m, scale: 2}]",
        ),
        &[],
    );
    assert!(
        e.contains("actions[0].at") && e.contains("outside the simulated time"),
        "{e}"
    );
}

/// A snapshot with one pod; `pod` is appended to its entry (indented four spaces).
fn snapshot(pod: &str) -> String {
    format!(
        r#"now: 600
hpa:
  spec:
    scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: d}}
    minReplicas: 1
    maxReplicas: 10
    metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 50}}}}
currentReplicas: 1
pods:
  - name: web-1
{pod}"#
    )
}

#[test]
fn negative_requests_and_usage_in_a_snapshot_are_refused_at_their_line() {
    for (pod, line, message) in [
        (
            "    requests:\n      app: {cpu: \"-500m\"}\n    metrics:\n      cpu: {value: 250m}\n",
            14,
            "pods[0].requests.app.cpu: -500m is negative",
        ),
        (
            "    requests:\n      app: {cpu: 500m}\n    metrics:\n      cpu: {value: \"-250m\"}\n",
            16,
            "pods[0].metrics.cpu.value: -250m is negative",
        ),
        (
            "    requests:\n      app: {cpu: 500m, memory: -1Mi}\n",
            14,
            "pods[0].requests.app.memory: -1Mi is negative",
        ),
    ] {
        let text = snapshot(pod);
        let e = hpasim::scenario::parse_snapshot(&text, Path::new("snap.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("snap.yaml:{line}:")) && e.contains(message),
            "{e}\n{text}"
        );
    }
    // A custom metric may be negative, as the custom metrics API allows.
    let text = snapshot("    metrics:\n      temperature_delta: {value: \"-3\"}\n");
    hpasim::scenario::parse_snapshot(&text, Path::new("snap.yaml")).unwrap();
}

/// A snapshot whose HPA reads a Pods metric: its `pods:` key comes before the pod list.
fn pods_metric_snapshot(pods: &str) -> String {
    format!(
        r#"now: 600
hpa:
  spec:
    scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: d}}
    maxReplicas: 10
    metrics:
    - type: Pods
      pods:
        metric: {{name: rps}}
        target: {{type: AverageValue, averageValue: "10"}}
currentReplicas: 2
pods:
{pods}"#
    )
}

#[test]
fn a_snapshot_error_names_the_line_of_its_own_field() {
    for (pods, want, message) in [
        (
            "  - name: \"\"\n    metrics: {rps: {value: \"5\"}}\n",
            "snap.yaml:13:5:",
            "pods[0].name: is empty",
        ),
        (
            "  - name: a\n  - name: b\n  - name: a\n",
            "snap.yaml:15:5:",
            "pods[2].name: \"a\" appears twice",
        ),
    ] {
        let e =
            hpasim::scenario::parse_snapshot(&pods_metric_snapshot(pods), Path::new("snap.yaml"))
                .unwrap_err()
                .to_string();
        assert!(e.starts_with(want) && e.contains(message), "{e}");
    }
}

/// A time or length in seconds beyond the format's limit (about 1000 years) is named as
/// too far, in a short form, at its line: not as "not a number", nor in 301 digits.
#[test]
fn a_time_beyond_its_limit_is_refused_as_too_far_in_a_short_form() {
    let base = pods_metric_snapshot(
        "  - name: a\n    metrics: {cpu: {value: 1, timestamp: 590, window: 30}}\n",
    );
    // (from, to, where, message)
    for (from, to, at, want) in [
        (
            "now: 600",
            "now: 1e300",
            "snap.yaml:1:6:",
            "now: 1e300 is beyond the limit of 3.2e10 seconds",
        ),
        (
            "now: 600",
            "now: -9223372036854775808",
            "snap.yaml:1:6:",
            "now: -9.223372036854776e18 is beyond the limit",
        ),
        (
            "window: 30",
            "window: 4e10",
            "snap.yaml:14:",
            "pods[0].metrics.cpu.window: 4e10 is beyond the limit",
        ),
        (
            "timestamp: 590",
            "timestamp: .inf",
            "snap.yaml:14:",
            "pods[0].metrics.cpu.timestamp: non-finite float `.inf` rejected",
        ),
    ] {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let e = hpasim::scenario::parse_snapshot(&text, Path::new("snap.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(at) && e.contains(want) && e.len() < 300,
            "{to}: {e}"
        );
    }
}

#[test]
fn files_that_are_not_what_they_must_be_are_refused_by_name_and_place() {
    let with_trace = |entry: &str| edited("- constant: {rps: 10}", entry);
    let prometheus_one = r#"{"status": "success", "data": {"resultType": "matrix", "result": [
  {"metric": {}, "values": [[0, "5"]]}]}}"#;
    type Files<'a> = Vec<(&'a str, &'a [u8])>;
    let cases: Vec<(String, Files, &str)> = vec![
        (
            BASE.into(),
            vec![("scenario.yaml", b"name: x\nduration: 10m\x80\n")],
            "scenario.yaml:2:14: not UTF-8 text",
        ),
        (
            with_trace("- trace: {file: t.csv}"),
            vec![("t.csv", b"time_s,rps\n0,\xff\n")],
            "t.csv:2:3: not UTF-8 text",
        ),
        (
            with_trace("- trace: {file: t.csv}"),
            vec![("t.csv", b"")],
            "t.csv: the file is empty",
        ),
        (
            with_trace("- trace: {file: t.csv}"),
            vec![("t.csv", b"time_s,rps\n")],
            "t.csv:1:1: no samples after the header",
        ),
        (
            with_trace("- trace: {file: t.txt}"),
            vec![("t.txt", b"time_s,rps\n0,1\n60,1\n")],
            "t.txt: cannot tell the trace's format from its name",
        ),
        (
            with_trace("- trace: {file: p.json}"),
            vec![("p.json", prometheus_one.as_bytes())],
            "p.json:2:18: values: one sample",
        ),
        (
            hpa_file_scenario("hpa.yaml"),
            vec![("hpa.yaml", b"spec:\n  minReplicas: -1\n  maxReplicas: 3\n")],
            "hpa.yaml:2:3: spec.minReplicas: -1 is negative",
        ),
    ];
    for (scenario, files, want) in cases {
        let dir = folder(&[("scenario.yaml", &scenario)]);
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let e = load_in(dir.path()).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let e = e.to_string();
        let file = want.split(':').next().unwrap();
        let shown = e.split_once(file).map_or("", |(_, rest)| rest);
        assert!(
            e.contains(want) || (want.ends_with(':') && !shown.is_empty()),
            "{want}: {e}"
        );
    }
    let mut no_hpa = BASE.to_string();
    let start = no_hpa.find("hpa:").unwrap();
    let end = no_hpa.find("workload:").unwrap();
    no_hpa.replace_range(start..end, "");
    // Nothing to point at: the place is the first top-level key, where `hpa:` can go,
    // and the message says what to write there.
    let e = refused(&no_hpa, &[]);
    assert!(e.contains("scenario.yaml:1:1: hpa: missing"), "{e}");
    for what in [
        "`hpa:`",
        "autoscaling/v2",
        "maxReplicas",
        "`hpaFile:",
        "`scaledObject:`",
    ] {
        assert!(e.contains(what), "{what}: {e}");
    }
    // After comments and blank lines, at the first key's own line.
    let e = refused(&format!("# a team's scenario\n\n{no_hpa}"), &[]);
    assert!(e.contains("scenario.yaml:3:1: hpa: missing"), "{e}");
    // JSON: at its first key.
    let e = refused(
        r#"{"name": "j", "duration": "10m", "workload": {"initialReplicas": 1, "pod": {"requests": {"cpu": "100m"}, "cpuPerRequest": "5m"}}, "load": [{"constant": {"rps": 10}}]}"#,
        &[],
    );
    assert!(e.contains("scenario.yaml:1:2: hpa: missing"), "{e}");
}

#[test]
fn parse_errors_name_the_field_path_and_what_to_write() {
    let cases = [
        (
            edited("initialReplicas: 1", "initialReplicas: 1.5"),
            "scenario.yaml:12:20: workload.initialReplicas: 1.5 is not a whole number; expected a whole number such as 3",
        ),
        (
            edited("    cpuPerRequest: 5m\n", ""),
            "workload.pod: missing field `cpuPerRequest`; add `cpuPerRequest:` under `workload.pod`",
        ),
        (
            edited(
                "    minReplicas: 1\n",
                "    minReplicas: 1\n      maxReplicas: 5\n",
            ),
            "hpa.spec.minReplicas: 1 is not a whole number; expected a whole number such as 3; line 7 is indented further than `hpa.spec.minReplicas`",
        ),
        (
            edited(
                "- constant: {rps: 10}",
                "- constant: {rps: 10}\n  - step: {at: 1m, from: 1, to: 2}",
            ),
            "did not find expected key (after `load[0].constant.rps`): check the indentation",
        ),
        (
            edited("duration: 10m", "duration: 10m\nstart: \"11am\""),
            "scenario.yaml:3:8: start: \"11am\" is not a time; expected a time of day \"11:30\"",
        ),
        (
            edited(
                "cpuPerRequest: 5m",
                "cpuPerRequest: 5m\n    concurrency: -2",
            ),
            "workload.pod.concurrency: -2 is not a whole number; expected a whole number, 0 or more",
        ),
        // A whole number its field's type cannot hold is out of range, not "not whole".
        // A field of several forms names the forms, not the Rust enum behind them.
        (
            edited(
                "cpuPerRequest: 5m",
                "cpuPerRequest: 5m\n  kind: Custom\n  operatorDelay: soon",
            ),
            "scenario.yaml:17:18: workload.operatorDelay: soon is not any form this field takes; expected a duration with its unit",
        ),
        (
            format!("{BASE}hpaPatches:\n- {{type: json, patch: []}}\n"),
            "hpaPatches[0]: not any form this field takes; expected a patch file's path, or {path: FILE, type: strategic|merge|json}",
        ),
        (
            edited("minReplicas: 1", "minReplicas: 3000000000"),
            "scenario.yaml:6:18: hpa.spec.minReplicas: 3000000000 is out of range; expected a whole number from -2147483648 to 2147483647",
        ),
        (
            edited("minReplicas: 1", "minReplicas: -3000000000"),
            "hpa.spec.minReplicas: -3000000000 is out of range; expected a whole number from -2147483648 to 2147483647",
        ),
        (
            edited("duration: 10m", "duration: 10m\nseed: 18446744073709551616"),
            "scenario.yaml:3:7: seed: 18446744073709551616 is out of range; expected a whole number from 0 to 18446744073709551615",
        ),
        (
            edited(
                "initialReplicas: 1",
                "initialReplicas: 99999999999999999999999999999999999999999",
            ),
            "workload.initialReplicas: 99999999999999999999999999999999999999999 is out of range; expected a whole number from -2147483648 to 2147483647",
        ),
    ];
    for (scenario, want) in cases {
        let e = refused(&scenario, &[]);
        assert!(e.contains(want), "want {want}\n got {e}");
        assert!(!e.contains("i32") && !e.contains("u32"), "{e}");
    }
}
#[test]
fn a_new_run_removes_the_temporary_files_a_killed_run_left() {
    let dir = folder(&[("scenario.yaml", BASE)]);
    let out = dir.path().join("out");
    let snaps = dir.path().join("snaps");
    // No process has this id (Linux pids stay below 2^22): its files are stale.
    let stale = [
        out.join(".hpasim-tmp-999999999-a1b2-summary.tmp"),
        out.join(".timeline.999999999-3.png"),
        snaps.join(".000004275.999999999-287.tmp"),
        snaps.join(".hpasim-tmp-999999999-c3d4-000000015.tmp"),
    ];
    // Our own process runs: a file of a running process is kept.
    let running = out.join(format!(".hpasim-tmp-{}-e5f6-x.tmp", std::process::id()));
    for path in stale.iter().chain([&running]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "partial").unwrap();
    }
    hpasim()
        .args([
            "simulate",
            "scenario.yaml",
            "--out",
            "out",
            "--charts",
            "png",
        ])
        .args(["--snapshots", "snaps"])
        .current_dir(dir.path())
        .assert()
        .success();
    for path in &stale {
        assert!(!path.exists(), "{} was left", path.display());
    }
    assert!(running.exists(), "a running process' file was removed");
    std::fs::remove_file(&running).unwrap();
    // And the run leaves none of its own: only complete files under their names.
    for d in [&out, &snaps] {
        let hidden: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(hidden.is_empty(), "{}: {hidden:?}", d.display());
    }
    assert!(snaps.join("000000015.json").exists());
    assert!(out.join("timeline.png").exists());
}

#[test]
fn json_errors_name_the_field_path_without_rust_types() {
    let text =
        "{\"now\": 600, \"hpa\": {\"spec\": {\"maxReplicas\": 3}},\n \"currentReplicas\": 1.5}";
    let e = hpasim::scenario::parse_snapshot(text, Path::new("snap.json"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("snap.json:2:")
            && e.contains("currentReplicas: ")
            && e.contains("expected a whole number"),
        "{e}"
    );
    assert!(!e.contains("i32"), "{e}");
}

/// A JSON snapshot without a required field names the object that lacks it, as a YAML one
/// does (serde_json reports only the position of the object's closing brace).
#[test]
fn a_json_snapshot_missing_a_field_names_the_object_that_lacks_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let yaml = std::fs::read_to_string(root.join("snapshots/feastflow-lunch-rush.yaml")).unwrap();
    let snapshot: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // (the object, the field taken out of it, what the error must say)
    let cases = [
        (
            "/hpa/spec",
            "maxReplicas",
            "hpa.spec: missing field `maxReplicas`",
        ),
        ("", "hpa", "missing field `hpa` at the top level"),
    ];
    for (object, field, want) in cases {
        let mut s = snapshot.clone();
        s.pointer_mut(object)
            .and_then(|o| o.as_object_mut())
            .unwrap()
            .remove(field);
        let file = dir.path().join("snapshot.json");
        std::fs::write(&file, serde_json::to_string_pretty(&s).unwrap()).unwrap();
        let out = hpasim()
            .args(["decide", file.to_str().unwrap()])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(stderr.contains(want), "{field}: {stderr}");
    }
}
