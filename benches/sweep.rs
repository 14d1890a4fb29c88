//! What a sweep costs: 1,000 configurations (cpu target x scale-down window) of one day
//! of a 1-second trace (a daily cycle between about 10 and 200 pods' worth of load), on
//! one seed, two worker threads, as `hpasim sweep` runs them (journal and files written).
//! The bound: under 10 s on the 2-core machine.

mod common;

use hpasim::sweep::space::{Origin, ParamSpec, SpaceSpec, range};
use hpasim::sweep::{Request, sweep};

/// The binary's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const DAY_S: i64 = 86_400;

/// The shared daily cycle of benches/simulate.rs, one day long, with an SLO.
fn day_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let slo = "slo:\n  latency: {percentile: 95, below: 300ms}";
    common::daily_cycle(dir, "day-200-pods", DAY_S, slo, "")
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
