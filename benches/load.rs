//! What one load lookup costs: the simulator asks for the rate and the arrivals every
//! simulated second, so a week is 604 800 calls. The cost must not grow with the trace.

use std::io::Write;
use std::path::{Path, PathBuf};

use hpasim::core::{Span, Time};
use hpasim::load::{Load, LoadSpec};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

/// The binary's allocator, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// Times spread over `[0, length)` seconds in a scrambled order, so lookups jump about.
fn times(length_secs: i64) -> Vec<Time> {
    let n = 4096;
    (0..n)
        .map(|i| Time::from_millis((i * 7919 % n) * length_secs * 1000 / n + 500))
        .collect()
}

/// A `samples`-line CSV trace (60 s bins) in a temporary folder, loaded with `onEnd: loop`.
fn synthetic_trace(samples: i64) -> (Load, i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("trace.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    writeln!(file, "time_s,rps").unwrap();
    for i in 0..samples {
        writeln!(file, "{},{}", i * 60, (i * 37 % 1000) as f64 / 10.0).unwrap();
    }
    drop(file);
    let load = build(
        "- trace: {file: trace.csv, onEnd: loop}",
        dir.path(),
        samples * 60,
    );
    (load, samples * 60)
}

fn build(yaml: &str, dir: &Path, length_secs: i64) -> Load {
    let specs: Vec<LoadSpec> = serde_saphyr::from_str(yaml).expect("spec");
    Load::build(&specs, dir, Span::from_secs(length_secs)).expect("load")
}

fn traces() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("traces")
}

#[divan::bench(args = [1_000, 100_000, 1_000_000], sample_size = 1000)]
fn rate_by_trace_length(bencher: divan::Bencher, samples: i64) {
    let (load, length) = synthetic_trace(samples);
    let ts = times(length);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % ts.len();
        load.rate(divan::black_box(ts[i]))
    });
}

/// As the simulator calls it: one simulated second after the other.
#[divan::bench(args = [1_000, 100_000, 1_000_000], sample_size = 1000)]
fn rate_in_time_order_by_trace_length(bencher: divan::Bencher, samples: i64) {
    let (load, length) = synthetic_trace(samples);
    let mut t = 0;
    bencher.bench_local(|| {
        t = (t + 1) % length;
        load.rate(divan::black_box(Time::from_secs(t)))
    });
}

#[divan::bench(args = [1_000, 100_000, 1_000_000], sample_size = 1000)]
fn arrivals_1s_by_trace_length(bencher: divan::Bencher, samples: i64) {
    let (load, length) = synthetic_trace(samples);
    let ts = times(length);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % ts.len();
        load.arrivals(divan::black_box(ts[i]), Span::from_secs(1), &mut rng)
    });
}

/// FeastFlow-like: a NASA trace as the base, a daily lunch rush on top, a weekly factor,
/// Poisson arrivals.
const COMPOSED: &str = "
- product:
    - trace: {file: nasa_http_1995-07_60s.csv, scale: 100, onEnd: loop}
    - weekly: {days: [1, 1, 1, 1, 1, 0.6, 0.5]}
- repeat: {every: 24h, of: {lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400, base: 0}}}
- noise: {poisson: true}
";

#[divan::bench(sample_size = 1000)]
fn composed_rate(bencher: divan::Bencher) {
    let load = build(COMPOSED, &traces(), 7 * 86_400);
    let ts = times(7 * 86_400);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % ts.len();
        load.rate(divan::black_box(ts[i]))
    });
}

#[divan::bench(sample_size = 1000)]
fn composed_arrivals_1s_poisson(bencher: divan::Bencher) {
    let load = build(COMPOSED, &traces(), 7 * 86_400);
    let ts = times(7 * 86_400);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % ts.len();
        load.arrivals(divan::black_box(ts[i]), Span::from_secs(1), &mut rng)
    });
}

/// Reading and indexing the 39 692-line NASA trace, once per scenario (or sweep variant).
#[divan::bench(sample_count = 20)]
fn build_nasa_trace() -> Load {
    build(
        "- trace: {file: nasa_http_1995-07_60s.csv}",
        &traces(),
        2_381_520,
    )
}
