//! Queue workers (issue 16): a hand-worked timeline of jobs with exact waits, Little's law
//! and Erlang C on an M/M/c-like run, a terminating worker finishing or abandoning its
//! jobs, the queue's metrics through the HPA, and bad worker fields refused by file, line
//! and field.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use hpasim::measure::judge_run;
use hpasim::scenario::load_scenario;
use hpasim::scenario::testing::TestScenario;
use hpasim::sim::{Event, Options, Record};

/// The HPA's one metric: the queue's depth, 50 jobs a pod.
const QUEUE_DEPTH: &str = "    - type: External
      external:
        metric: {name: queue_depth}
        target: {type: AverageValue, averageValue: \"50\"}";

/// A worker scenario: one HPA pinned at `replicas` (min = max) on a queue-depth metric,
/// `initial` pods at the start, `worker` the body of `workload.worker`, `more` the YAML
/// after it (a `termination` block, or top-level keys), `load` the load entries.
fn worker_scenario(
    replicas: u32,
    initial: u32,
    worker: &str,
    more: &str,
    load: &str,
) -> TestScenario {
    TestScenario::new("worker")
        .duration("2m")
        .top("seed: 11")
        .top("metrics:\n  queue_depth: {source: queueDepth}")
        .replicas(replicas, replicas)
        .metrics(QUEUE_DEPTH)
        .workload(&format!(
            "  initialReplicas: {initial}
  pod:
    requests: {{cpu: \"1\", memory: 1Gi}}
    cpuPerRequest: 200m
  worker:
{worker}
{more}"
        ))
        .load(load)
}

/// [`worker_scenario`] with `replicas` pods from the start, written to `dir/w.yaml`.
fn write(dir: &Path, replicas: u32, worker: &str, load: &str, more: &str) -> PathBuf {
    worker_scenario(replicas, replicas, worker, more, load).write(dir, "w.yaml")
}

fn run(path: &Path) -> Record {
    let sc = load_scenario(path).unwrap();
    let opts = Options {
        keep_snapshots: true,
        ..Options::default()
    };
    hpasim::sim::run(&sc, &opts)
}

#[test]
fn jobs_wait_for_a_free_slot_first_come_first_served_to_the_millisecond() {
    // One pod, one slot, 3 s a job. Two jobs in second 0 (at 0 ms and 500 ms), one at 4 s.
    // A: 0 -> 3 s (waits 0). B: waits 0.5 -> 3 s (2.5 s), runs to 6 s. C: waits 4 -> 6 s
    // (2 s), runs to 9 s.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        1,
        "    serviceTime: {fixed: 3s}\n    concurrency: 1",
        "- spike: {at: '00:00:00', duration: 1s, height: 2}\n- spike: {at: '00:00:04', duration: 1s, height: 1}",
        "",
    );
    let r = run(&path);
    let jobs = r.jobs.as_ref().unwrap();
    let waits: Vec<(u64, u64)> = jobs.taken.iter().map(|t| (t.at_ms, t.wait_ms)).collect();
    assert_eq!(waits, [(0, 0), (3000, 2500), (6000, 2000)]);
    let mut done = jobs.done_ms.clone();
    done.sort_unstable();
    // Arrival to completion: 3 s, 5.5 s, 5 s.
    assert_eq!(done, [3000, 5000, 5500]);
    // (second, waiting at its end, oldest waiting age ms, in flight, completed in it)
    let seconds: Vec<(usize, u32, u64, u32, u32)> = (jobs.seconds.iter().enumerate())
        .take(10)
        .map(|(k, s)| (k, s.depth, s.oldest_age_ms, s.in_flight, s.completed))
        .collect();
    assert_eq!(
        seconds,
        [
            (0, 1, 500, 1, 0),
            (1, 1, 1500, 1, 0),
            (2, 1, 2500, 1, 0),
            (3, 0, 0, 1, 1),
            (4, 1, 1000, 1, 0),
            (5, 1, 2000, 1, 0),
            (6, 0, 0, 1, 1),
            (7, 0, 0, 1, 0),
            (8, 0, 0, 1, 0),
            (9, 0, 0, 0, 1),
        ]
    );
    let q = judge_run(&r).queue.unwrap();
    // Nearest rank over (0, 2, 2.5) s.
    assert_eq!(
        (q.wait_p50_s, q.wait_p95_s, q.wait_max_s, q.wait_mean_s),
        (Some(2.0), Some(2.5), Some(2.5), Some(1.5))
    );
    assert_eq!((q.arrived, q.completed, q.backlog_at_end), (3, 3, 0));
    assert_eq!(q.peak_depth, 1);
    assert_eq!(q.peak_oldest_age_s, 2.5);
}

#[test]
fn job_wait_and_backlog_objectives_judge_the_jobs_each_second() {
    // The timeline above: B waits 2.5 s (taken in second 3), C 2 s (second 6), A 0 s;
    // jobs wait at the end of seconds 0, 1, 2, 4 and 5.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        1,
        "    serviceTime: {fixed: 3s}\n    concurrency: 1",
        "- spike: {at: '00:00:00', duration: 1s, height: 2}\n- spike: {at: '00:00:04', duration: 1s, height: 1}",
        "slo:\n  jobWait: {percentile: 50, below: 2s}\n  backlog: {below: 0}",
    );
    let j = judge_run(&run(&path));
    let slo = j.slo.unwrap();
    // jobWait: only second 3's job waited longer than 2 s (2 s is not longer); one job in
    // three missed, within the half allowed.
    assert_eq!(slo.violations_by_rule.latency, 1);
    let budget = slo.latency_budget.unwrap();
    assert!((budget.observed_fraction - 1.0 / 3.0).abs() < 1e-12);
    // backlog 0: five seconds ended with a job waiting, and any such second fails the run.
    assert_eq!(slo.violations_by_rule.backlog, Some(5));
    assert_eq!(slo.violation_seconds, 6);
    assert_eq!(format!("{:?}", slo.verdict), "Violated");
    // The timeline's slo_ok follows: seconds 0-5 fail, 6 on meets both.
    let ok: Vec<Option<bool>> = j.steps.iter().take(8).map(|s| s.slo_ok).collect();
    let f = Some(false);
    let t = Some(true);
    assert_eq!(ok, [f, f, f, f, f, f, t, t]);
}

#[test]
fn a_worker_run_writes_its_queue_columns_and_queue_figures() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        1,
        "    serviceTime: {fixed: 3s}\n    concurrency: 1\n    deadline: 5200ms",
        "- spike: {at: '00:00:00', duration: 1s, height: 2}\n- spike: {at: '00:00:04', duration: 1s, height: 1}",
        "",
    );
    let out = dir.path().join("out");
    Command::cargo_bin("hpasim")
        .unwrap()
        .args(["simulate", "--charts", "none", "--out"])
        .arg(&out)
        .arg(&path)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("timeline.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let cols = [
        "queue_depth",
        "oldest_age_s",
        "jobs_in_flight",
        "completed",
        "abandoned",
    ]
    .map(col);
    let rows: Vec<Vec<String>> = lines
        .take(7)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cols.iter().map(|&c| cells[c].to_string()).collect()
        })
        .collect();
    let want = [
        ["1", "0.5", "1", "0", "0"],
        ["1", "1.5", "1", "0", "0"],
        ["1", "2.5", "1", "0", "0"],
        ["0", "0", "1", "1", "0"],
        ["1", "1", "1", "0", "0"],
        ["1", "2", "1", "0", "0"],
        ["0", "0", "1", "1", "0"],
    ];
    assert_eq!(rows, want.map(|r| r.map(String::from)));
    // A worker's latency columns are its jobs' waits, of those taken in the step: A (0 s)
    // at 0 s, B (2.5 s) at 3 s, C (2 s) at 6 s.
    let p95 = col("latency_p95_ms");
    let waits: Vec<String> = (csv.lines().skip(1).take(7))
        .map(|l| l.split(',').nth(p95).unwrap().to_string())
        .collect();
    assert_eq!(waits, ["0", "", "", "2500", "", "", "2000"]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let q = &summary["queue"];
    assert_eq!(q["waitP95S"], 2.5);
    assert_eq!(q["completed"], 3);
    // B took 5.5 s from arrival to done, over the 5.2 s deadline.
    assert_eq!(q["overDeadline"], 1);
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue of offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    last / (sum + last)
}

#[test]
fn a_long_m_m_c_run_keeps_littles_law_and_meets_erlang_c() {
    // One pod of 4 slots, exponential service of mean 2 s, Poisson arrivals of 1.5 a
    // second: c = 4, a = 3 Erlangs, utilisation 0.75, over a day (about 130,000 jobs).
    let dir = tempfile::tempdir().unwrap();
    let path = worker_scenario(
        1,
        1,
        "    serviceTime: {exponential: {mean: 2s}}\n    concurrency: 4",
        "",
        "- constant: {rps: 1.5}\n- noise: {poisson: true}",
    )
    .duration("24h")
    .write(dir.path(), "w.yaml");
    let r = run(&path);
    let q = judge_run(&r).queue.unwrap();
    let lambda = q.arrived as f64 / r.summary.duration_s;
    let w = q.wait_mean_s.unwrap();
    // Little's law, L = lambda W: L the queue's time average (the area under the number
    // of jobs waiting, to the millisecond), W the mean of every taken job's own wait. On
    // a sample path that starts and ends empty the two are equal; what can part them is
    // the end: the jobs still waiting (their waits unrecorded) and the first jobs' ramp,
    // a few seconds' worth of jobs out of 130,000, under 0.1 %. 0.5 % leaves room for
    // that and fails on any job whose wait and queue time disagree by a second in 200.
    let l = q.mean_depth;
    assert!(
        (l - lambda * w).abs() <= 0.005 * l,
        "L {l} against lambda W {} (lambda {lambda}, W {w})",
        lambda * w
    );
    // In service: L = lambda x the mean service time (2 s), i.e. 3 jobs. Here W is the
    // draws' mean, not measured: the sample mean of 130,000 exponential draws is within
    // 0.3 % of 2 s (one standard error), so 2 % is more than six of those.
    let busy = q.mean_in_flight;
    assert!(
        (busy - lambda * 2.0).abs() <= 0.02 * busy,
        "in flight {busy} against {}",
        lambda * 2.0
    );
    // Erlang C's mean wait, C(c, a) / (c mu - lambda) = 0.509 / 0.5 = 1.02 s. A second's
    // arrivals are spread evenly over it rather than at Poisson instants (its count is
    // Poisson), smoother than M/M/c assumes: the simulated wait is a little shorter. 10 %.
    let wq = erlang_c(4, 3.0) / (4.0 * 0.5 - 1.5);
    assert!((w - wq).abs() <= 0.10 * wq, "W {w} against Erlang C {wq}");
}

/// Two pods of one slot, each given a 20 s job at the start (0 and 0.5 s); the HPA (min =
/// max = 1) deletes one at its first sync, 15 s, with the given grace period.
fn two_workers_one_deleted(grace: u32) -> Record {
    let dir = tempfile::tempdir().unwrap();
    let path = worker_scenario(
        1,
        2,
        "    serviceTime: {fixed: 20s}\n    concurrency: 1",
        &format!("  termination: {{gracePeriodSeconds: {grace}}}"),
        "- spike: {at: '00:00:00', duration: 1s, height: 2}",
    )
    .write(dir.path(), "w.yaml");
    run(&path)
}

/// (second, pod) of a pod's Gone.
type Exit = (f64, String);
/// (second, pod, jobs) of an abandonment.
type Abandon = (f64, String, u32);

/// Each pod's Gone, and each abandonment.
fn exits(r: &Record) -> (Vec<Exit>, Vec<Abandon>) {
    let mut gone = vec![];
    let mut abandoned = vec![];
    for e in &r.events {
        match e {
            Event::Pod { t, pod, stage } if format!("{stage:?}") == "Gone" => {
                gone.push((*t, pod.clone()))
            }
            Event::JobsAbandoned { t, pod, jobs } => abandoned.push((*t, pod.clone(), *jobs)),
            _ => {}
        }
    }
    (gone, abandoned)
}

#[test]
fn a_deleted_worker_finishes_its_job_within_the_grace_period() {
    // Grace 30 s from 15 s: its job ends at 20 or 20.5 s, and the pod exits then.
    let r = two_workers_one_deleted(30);
    let (gone, abandoned) = exits(&r);
    assert_eq!(gone.len(), 1);
    // Its job ends at 20 s or 20.5 s (pods change stage at whole seconds: the event is at
    // the next, 21 s).
    assert_eq!(gone[0].0, 21.0);
    assert!(abandoned.is_empty());
    let q = judge_run(&r).queue.unwrap();
    assert_eq!((q.completed, q.abandoned), (2, 0));
    // Both done 20 s after arrival.
    assert_eq!(r.jobs.as_ref().unwrap().done_ms, [20_000, 20_000]);
    // The timeline shows it Terminating from 15 s to its exit.
    assert_eq!(r.timeline[15].terminating, 1);
    assert_eq!(r.timeline[21].terminating, 0);
}

#[test]
fn a_deleted_worker_abandons_its_job_when_the_grace_period_ends_and_it_is_redelivered() {
    // Grace 3 s from 15 s: at 18 s its job goes back to the queue; the other pod takes it
    // when its own ends (20 or 20.5 s) and runs it 20 s more.
    let r = two_workers_one_deleted(3);
    let (gone, abandoned) = exits(&r);
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].0, 18.0);
    assert_eq!(abandoned, [(18.0, gone[0].1.clone(), 1)]);
    let jobs = r.jobs.as_ref().unwrap();
    assert_eq!(jobs.seconds[18].abandoned, 1);
    assert_eq!(jobs.seconds[18].depth, 1);
    let q = judge_run(&r).queue.unwrap();
    assert_eq!((q.completed, q.abandoned), (2, 1));
    // Taken once each (a redelivery is no new wait). The redelivered job is taken when the
    // other pod's job ends and runs 20 s: arrived at 0.5 s, done at 40 s (39.5 s), or
    // arrived at 0 s, done at 40.5 s.
    assert_eq!(jobs.taken.len(), 2);
    let mut done = jobs.done_ms.clone();
    done.sort_unstable();
    assert_eq!(done[0], 20_000);
    assert!(done[1] == 39_500 || done[1] == 40_500, "{done:?}");
}

#[test]
fn an_idle_worker_exits_as_soon_as_it_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = worker_scenario(
        1,
        2,
        "    serviceTime: {fixed: 1s}",
        "  termination: {gracePeriodSeconds: 30}",
        "- constant: {rps: 0}",
    )
    .write(dir.path(), "w.yaml");
    let (gone, _) = exits(&run(&path));
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0].0, 15.0);
}

#[test]
fn the_hpa_reads_the_queue_through_its_metrics_entries() {
    // A backlog of 300 jobs that one slow pod cannot drain: queueDepth (External,
    // AverageValue 50 per pod) asks for more pods, up to maxReplicas 4.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.yaml");
    std::fs::write(
        &path,
        r#"name: scale
duration: 5m
hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {name: worker}
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
    minReplicas: 1
    maxReplicas: 4
    metrics:
    - type: External
      external:
        metric: {name: queue_depth}
        target: {type: AverageValue, averageValue: "50"}
    - type: External
      external:
        metric: {name: queue_age}
        target: {type: Value, value: "60"}
metrics:
  queue_depth: {source: queueDepth, window: 1s, delay: 0s}
  queue_age: {source: oldestJobAge, window: 1s, delay: 0s}
  in_flight: {source: jobsInFlight, window: 1s, delay: 0s}
  done: {source: jobsCompletedPerSecond, window: 10s, delay: 0s}
workload:
  initialReplicas: 1
  pod:
    requests: {cpu: "1", memory: 1Gi}
    cpuPerRequest: 200m
  worker: {serviceTime: {fixed: 10s}, concurrency: 2}
load:
- spike: {at: "00:00:00", duration: 1s, height: 300}
"#,
    )
    .unwrap();
    let r = run(&path);
    let first = &r.syncs[0];
    // At the 15 s sync (the queue at the end of second 14): 300 - 2 taken at 0 s - 2 at
    // 10 s = 296 waiting, ceil(296 / 50) = 6 pods, held at maxReplicas 4; the oldest
    // waiting job (the fifth, arrived at 13 ms) 14.987 s old, under its 60 s target.
    assert_eq!(first.second, 15);
    assert_eq!(first.decision.desired_replicas, 4);
    // The timeline's row at 15 s shows the queue at that second's end.
    let metric_values: Vec<f64> = r.timeline[15].metrics.iter().map(|m| m.actual).collect();
    assert_eq!(metric_values, [296.0, 15.987]);
}

/// `hpasim validate` on a worker scenario with `worker` and `more` as written: stderr, and
/// the line of the file's first line holding `key`.
fn refused(worker: &str, more: &str, key: &str) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), 1, worker, "- constant: {rps: 1}", more);
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().position(|l| l.contains(key)).unwrap() + 1;
    let out = Command::cargo_bin("hpasim")
        .unwrap()
        .arg("validate")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{worker} / {more}");
    (String::from_utf8_lossy(&out.stderr).into_owned(), line)
}

#[test]
fn bad_worker_fields_are_refused_by_file_line_and_field() {
    // (workload.worker body, more YAML, the text on the line it names, what the message names)
    let cases = [
        (
            "    serviceTime: {fixed: 1s}\n    concurrency: 0",
            "",
            "concurrency: 0",
            "workload.worker.concurrency",
        ),
        (
            "    serviceTime: {uniform: [3s, 1s]}",
            "",
            "uniform",
            "workload.worker.serviceTime",
        ),
        (
            "    serviceTime: {exponential: {mean: 0s}}",
            "",
            "exponential",
            "workload.worker.serviceTime",
        ),
        (
            "    serviceTime: {lognormal: {median: 5s, p99: 1s}}",
            "",
            "lognormal",
            "workload.worker.serviceTime",
        ),
        (
            "    serviceTime: {fixed: 1s}\n    deadline: 0s",
            "",
            "deadline",
            "workload.worker.deadline",
        ),
        (
            "    serviceTime: {fixed: 1s}\n    concurency: 2",
            "",
            "concurency",
            "concurency",
        ),
        (
            "    serviceTime: {weibull: {shape: 2}}",
            "",
            "weibull",
            "weibull",
        ),
        (
            "    serviceTime: {fixed: 1s}",
            "  termination: {gracePeriodSeconds: 30, exitAfter: 5s}",
            "exitAfter",
            "workload.termination.exitAfter",
        ),
        (
            "    serviceTime: {fixed: 1s}",
            "slo: {latency: {percentile: 95, below: 1s}}",
            "slo:",
            "slo.latency",
        ),
        (
            "    serviceTime: {fixed: 1s}",
            "slo: {jobWait: {percentile: 100, below: 1s}}",
            "slo:",
            "slo.jobWait.percentile",
        ),
    ];
    for (worker, more, key, field) in cases {
        let (err, line) = refused(worker, more, key);
        assert!(
            err.contains(&format!("w.yaml:{line}:")) && err.contains(field),
            "{worker} / {more}: {err}"
        );
    }
}

#[test]
fn queue_sources_and_objectives_need_a_worker() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        1,
        "    serviceTime: {fixed: 1s}",
        "- constant: {rps: 1}",
        "",
    );
    let text = std::fs::read_to_string(&path).unwrap();
    // The same file as a server: no `worker:` block, `cpuPerRequest` kept.
    let server = text.replace("  worker:\n    serviceTime: {fixed: 1s}\n", "");
    for (more, field) in [
        ("  age: {source: oldestJobAge}", "metrics.age.source"),
        ("slo: {backlog: {below: 10}}", "slo.backlog"),
    ] {
        let yaml = if more.starts_with("slo") {
            format!("{server}{more}\n")
        } else {
            server.replace("\nmetrics:\n", &format!("\nmetrics:\n{more}\n"))
        };
        std::fs::write(&path, yaml).unwrap();
        let out = Command::cargo_bin("hpasim")
            .unwrap()
            .arg("validate")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{more}: {err}");
        assert!(
            err.contains("w.yaml:") && err.contains(field),
            "{more}: {err}"
        );
    }
}
