//! How long one controller decision takes: the simulator asks the core once per sync, so
//! a week at a 15 s sync period is 40 320 decisions.

use std::path::Path;

use hpasim::core::{Snapshot, decide};

/// The binary's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn bundled(name: &str) -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(name);
    hpasim::scenario::load_snapshot(&path).expect("bundled snapshot")
}

/// A deployment of `pods` pods on cpu utilization with a behavior and a full history.
fn wide(pods: usize) -> Snapshot {
    let mut snap = bundled("spywatcher-new-pods-unready.yaml");
    let template = snap.pods[0].clone();
    snap.pods = (0..pods)
        .map(|i| {
            let mut p = template.clone();
            p.name = format!("pod-{i}");
            p
        })
        .collect();
    snap.current_replicas = pods as i32;
    snap.hpa.spec.max_replicas = 2 * pods as i32;
    snap
}

#[divan::bench(args = ["feastflow-lunch-rush.yaml", "voiceassist-broken-metric-blocks-scale-down.yaml", "waddlebot-queue-per-pod.yaml"])]
fn bundled_snapshot(bencher: divan::Bencher, name: &str) {
    let snap = bundled(name);
    bencher.bench(|| decide(divan::black_box(&snap)).unwrap().desired_replicas);
}

#[divan::bench(args = [10, 200, 1000])]
fn cpu_utilization_over_pods(bencher: divan::Bencher, pods: usize) {
    let snap = wide(pods);
    bencher.bench(|| decide(divan::black_box(&snap)).unwrap().desired_replicas);
}

/// What the simulator hands the core at a sync of a 200-pod deployment: 197 settled pods
/// as one counted entry and 3 pods followed one by one, without the re-validation.
#[divan::bench]
fn simulator_sync_200_pods(bencher: divan::Bencher) {
    let mut snap = wide(4);
    snap.pods[0].count = 197;
    snap.current_replicas = 200;
    snap.hpa.spec.max_replicas = 400;
    bencher.bench(|| hpasim::core::decide_validated(divan::black_box(&snap)).desired_replicas);
}
