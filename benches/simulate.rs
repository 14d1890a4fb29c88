//! What a simulated week costs: one week of a 1-second trace (a daily cycle between about
//! 10 and 200 pods' worth of load), a 15 s sync, a 60 s timeline. The issue's benchmark
//! replays the trace as recorded; the variants add Poisson arrivals on top, keep no events
//! (the measured-only runs of `--runs`), or never sync. The per-second cost must not grow
//! with the number of alike pods.

use std::io::Write;

use hpasim::scenario::{Scenario, load_scenario};
use hpasim::sim::{Options, run};

/// The binary's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const WEEK_S: i64 = 7 * 86_400;

/// A pod serves 30 rps at the HPA's 70 % target (50m baseline + 30 x 10m = 350m of 500m).
/// `extra` is added to the scenario's top level and `load` to its load list.
fn week_scenario(dir: &std::path::Path, extra: &str, load: &str) -> Scenario {
    let trace = dir.join("week.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&trace).expect("create trace"));
    writeln!(f, "time_s,rps").expect("write");
    for s in 0..WEEK_S {
        let day = (s % 86_400) as f64 / 86_400.0;
        // Quiet at night, a peak at noon of about 6 300 rps: near 200 pods.
        let shape = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * day).cos();
        let wobble = ((s * 7919) % 1000) as f64 / 1000.0 * 60.0;
        writeln!(f, "{s},{:.1}", 300.0 + 6_000.0 * shape + wobble).expect("write");
    }
    drop(f);
    let yaml = dir.join("week.yaml");
    std::fs::write(
        &yaml,
        r#"
name: week-200-pods
duration: 168h
{EXTRA}
hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {name: web}
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    minReplicas: 10
    maxReplicas: 250
    metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
workload:
  initialReplicas: 12
  pod:
    requests: {cpu: 500m, memory: 512Mi}
    limits: {cpu: "1", memory: 1Gi}
    cpuPerRequest: 10m
    baseline: {cpu: 50m, memory: 200Mi}
  startup:
    scheduling: {uniform: [1s, 3s]}
    imagePull: {lognormal: {median: 5s, p99: 20s}}
    containerStart: {fixed: 1s}
    appStart: {fixed: 8s}
    readinessProbe: {initialDelaySeconds: 5, periodSeconds: 5}
    warmup: {duration: 60s, cpuFactor: 1.5}
load:
- trace: {file: week.csv}
{LOAD}
"#
        .replace("{EXTRA}", extra)
        .replace("{LOAD}", load),
    )
    .expect("write scenario");
    load_scenario(&yaml).expect("scenario loads")
}

const POISSON: &str = "- noise: {poisson: true}";

fn week_options(keep_events: bool) -> Options {
    Options {
        step: hpasim::core::Span::from_secs(60),
        keep_events,
        ..Options::default()
    }
}

/// The issue's benchmark, as `hpasim simulate` runs it: events kept for events.jsonl.
#[divan::bench(sample_count = 5)]
fn one_week_200_pods(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sc = week_scenario(dir.path(), "", "");
    let opts = week_options(true);
    let peak = run(&sc, &opts).summary.peak_replicas;
    assert!(
        peak >= 190,
        "the benchmark must reach about 200 pods, got {peak}"
    );
    bencher.bench(|| run(divan::black_box(&sc), &opts));
}

/// The same with a Poisson draw of each second's arrivals on top of the trace.
#[divan::bench(sample_count = 5)]
fn one_week_200_pods_poisson(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sc = week_scenario(dir.path(), "", POISSON);
    let opts = week_options(true);
    bencher.bench(|| run(divan::black_box(&sc), &opts));
}

/// Poisson arrivals, no events kept: a measured-only run of `--runs`.
#[divan::bench(sample_count = 5)]
fn one_week_200_pods_poisson_without_events(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sc = week_scenario(dir.path(), "", POISSON);
    let opts = week_options(false);
    bencher.bench(|| run(divan::black_box(&sc), &opts));
}

/// Poisson arrivals with the controller syncing only every 10 minutes (the longest sync
/// period a scenario may ask for; 1 008 syncs, about a millisecond in all): what the
/// per-second pass (load, serving, CPU accounting, scrapes, timeline) costs on its own.
#[divan::bench(sample_count = 5)]
fn one_week_poisson_per_second_pass_only(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sc = week_scenario(dir.path(), "controller: {syncPeriod: 10m}", POISSON);
    let opts = week_options(true);
    bencher.bench(|| run(divan::black_box(&sc), &opts));
}
