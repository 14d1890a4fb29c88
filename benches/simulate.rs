//! What a simulated week costs: one week of a 1-second trace (a daily cycle between about
//! 10 and 200 pods' worth of load), a 15 s sync, a 60 s timeline. The issue's benchmark
//! replays the trace as recorded; the variants add Poisson arrivals on top, keep no events
//! (the measured-only runs of `--runs`), or never sync. The per-second cost must not grow
//! with the number of alike pods.

mod common;

use hpasim::scenario::testing::TestScenario;
use hpasim::scenario::{Scenario, load_scenario};
use hpasim::sim::{Options, run};

/// The binary's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const WEEK_S: i64 = 7 * 86_400;

/// The shared daily cycle, a week long; `extra` at the scenario's top level, `load` in
/// its load list.
fn week_scenario(dir: &std::path::Path, extra: &str, load: &str) -> Scenario {
    let yaml = common::daily_cycle(dir, "week-200-pods", WEEK_S, extra, load);
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

/// Two hours of a Deployment asking for `n` pods on a full cluster (3 nodes of 4 pods, no
/// autoscaler): all but 12 wait Pending the whole run. Creating and binding them must cost
/// in proportion to `n` (the README's "Limits": per pod a second), not `n²`.
#[divan::bench(sample_count = 3, args = [1_000, 3_000, 10_000])]
fn two_hours_pods_pending_on_a_full_cluster(bencher: divan::Bencher, n: u32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = TestScenario::new("pending")
        .duration("2h")
        .top(r#"capacity: {node: {cpu: "2", memory: 8Gi}, nodes: 3}"#)
        .replicas(n, n)
        .cpu_target(60)
        .initial_replicas(4)
        .pod("    requests: {cpu: 500m, memory: 256Mi}\n    cpuPerRequest: 20m")
        .load("- constant: {rps: 100}")
        .write(dir.path(), "pending.yaml");
    let sc = load_scenario(&path).expect("scenario loads");
    let opts = Options::default();
    bencher.bench(|| run(divan::black_box(&sc), &opts));
}
