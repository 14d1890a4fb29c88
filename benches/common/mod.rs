//! The workload the simulate and sweep benches share: a daily cycle between about 10 and
//! 200 pods' worth of load, as a 1-second trace, under one Deployment and HPA. A pod
//! serves 30 rps at the HPA's 70 % target (50m baseline + 30 x 10m = 350m of 500m).

use std::io::Write;
use std::path::{Path, PathBuf};

use hpasim::scenario::testing::TestScenario;

/// Writes `seconds` of the daily cycle to `dir/<name>.csv` and a scenario around it to
/// `dir/<name>.yaml` (its path returned): `extra` is added to the top level and `load`
/// to the load list.
pub fn daily_cycle(dir: &Path, name: &str, seconds: i64, extra: &str, load: &str) -> PathBuf {
    let trace = dir.join(format!("{name}.csv"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&trace).expect("create trace"));
    writeln!(f, "time_s,rps").expect("write");
    for s in 0..seconds {
        let day = (s % 86_400) as f64 / 86_400.0;
        // Quiet at night, a peak at noon of about 6 300 rps: near 200 pods.
        let shape = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * day).cos();
        let wobble = ((s * 7919) % 1000) as f64 / 1000.0 * 60.0;
        writeln!(f, "{s},{:.1}", 300.0 + 6_000.0 * shape + wobble).expect("write");
    }
    drop(f);
    let startup = "    scheduling: {uniform: [1s, 3s]}
    imagePull: {lognormal: {median: 5s, p99: 20s}}
    containerStart: {fixed: 1s}
    appStart: {fixed: 8s}
    readinessProbe: {initialDelaySeconds: 5, periodSeconds: 5}
    warmup: {duration: 60s, cpuFactor: 1.5}";
    TestScenario::new(name)
        .duration(&format!("{seconds}s"))
        .top(extra)
        .replicas(10, 250)
        .initial_replicas(12)
        .pod(
            "    requests: {cpu: 500m, memory: 512Mi}
    limits: {cpu: \"1\", memory: 1Gi}
    cpuPerRequest: 10m
    baseline: {cpu: 50m, memory: 200Mi}",
        )
        .startup(startup)
        .load(&format!("- trace: {{file: {name}.csv}}\n{load}"))
        .write(dir, &format!("{name}.yaml"))
}
