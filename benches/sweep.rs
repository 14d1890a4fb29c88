//! What a sweep costs: 1,000 configurations (cpu target x scale-down window) of one day
//! of a 1-second trace (a daily cycle between about 10 and 200 pods' worth of load), on
//! one seed, two worker threads, as `hpasim sweep` runs them (journal and files written).
//! The issue's bound: under 10 s on the 2-core machine.

use std::io::Write;

use hpasim::sweep::space::{Origin, ParamSpec, SpaceSpec, range};
use hpasim::sweep::{Request, sweep};

/// The binary's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const DAY_S: i64 = 86_400;

/// The scenario of benches/simulate.rs, one day long, with an SLO.
fn day_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let trace = dir.join("day.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&trace).expect("create trace"));
    writeln!(f, "time_s,rps").expect("write");
    for s in 0..DAY_S {
        let day = s as f64 / 86_400.0;
        let shape = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * day).cos();
        let wobble = ((s * 7919) % 1000) as f64 / 1000.0 * 60.0;
        writeln!(f, "{s},{:.1}", 300.0 + 6_000.0 * shape + wobble).expect("write");
    }
    drop(f);
    let yaml = dir.join("day.yaml");
    std::fs::write(
        &yaml,
        r#"
name: day-200-pods
duration: 24h
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
- trace: {file: day.csv}
slo:
  latency: {percentile: 95, below: 300ms}
"#,
    )
    .expect("write scenario");
    yaml
}

fn param(name: &str, min: &str, max: &str, step: &str) -> ParamSpec {
    ParamSpec {
        name: name.into(),
        values: range(min, max, Some(step)).expect("range"),
        origin: Origin::Arg(name.into()),
    }
}

/// 50 cpu targets x 20 scale-down windows = 1,000 configurations, and the baseline.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn thousand_configurations_one_day_200_pods(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = day_scenario(dir.path());
    let request = |out: std::path::PathBuf| Request {
        scenario: scenario.clone(),
        space: SpaceSpec {
            params: vec![
                param("cpuTarget", "40", "89", "1"),
                param("downWindow", "0", "570", "30"),
            ],
            ..Default::default()
        },
        seeds: 1,
        minimize: vec![],
        constraints: vec![],
        jobs: Some(2),
        out: Some(out),
        shard: None,
    };
    let mut run = 0;
    bencher
        .with_inputs(|| {
            run += 1;
            request(dir.path().join(format!("out{run}")))
        })
        .bench_local_values(|req| {
            let done = sweep(&req, &|_, _| {}).expect("sweep");
            // 1,000 grid points and the baseline (the scenario sets no scale-down window).
            assert!(
                done.text.contains("swept 1001 configurations"),
                "{}",
                done.text
            );
        });
}
