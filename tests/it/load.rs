//! The `load:` section from YAML to rates: every shape against values worked out by hand,
//! combinators, both trace readers, the bundled NASA trace, bad input, and noise.

use std::path::{Path, PathBuf};

use hpasim::Error;
use hpasim::core::{Span, Time};
use hpasim::load::{Load, LoadSpec};
use hpasim::units::{parse_at, parse_duration};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load")
}

fn specs(yaml: &str) -> Vec<LoadSpec> {
    serde_saphyr::from_str::<Vec<LoadSpec>>(yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"))
}

fn span(text: &str) -> Span {
    parse_duration(text).unwrap()
}

fn at(text: &str) -> Time {
    parse_at(text).unwrap()
}

/// Builds a load from YAML, trace paths relative to the fixtures, for a scenario of `duration`.
fn try_load(yaml: &str, duration: &str) -> Result<Load, Error> {
    Load::build(&specs(yaml), &fixtures(), span(duration))
}

fn load(yaml: &str) -> Load {
    try_load(yaml, "24h").unwrap_or_else(|e| panic!("{yaml}: {e}"))
}

#[track_caller]
fn close(actual: f64, expected: f64) {
    let tolerance = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "got {actual}, expected {expected}"
    );
}

/// `(time, rate)` pairs checked against `load.rate`.
#[track_caller]
fn rates(load: &Load, expected: &[(&str, f64)]) {
    for &(t, rps) in expected {
        let actual = load.rate(at(t));
        assert!(
            (actual - rps).abs() <= 1e-9 * rps.abs().max(1.0),
            "rate at {t}: got {actual}, expected {rps}"
        );
    }
}

fn requests(load: &Load, from: &str, length: &str) -> f64 {
    load.requests(at(from), span(length))
}

// ---- shapes, each at a few times worked out by hand ----

#[test]
fn constant() {
    let l = load("- constant: {rps: 100}");
    rates(&l, &[("0s", 100.0), ("13:37", 100.0), ("30h", 100.0)]);
    close(requests(&l, "10:00", "1m"), 6000.0);
}

#[test]
fn ramp_is_linear_between_start_and_end() {
    let l = load("- ramp: {from: 50, to: 400, start: \"11:00\", end: \"12:00\"}");
    rates(
        &l,
        &[
            ("10:00", 50.0),
            ("11:00", 50.0),
            ("11:30", 225.0),
            ("11:45", 312.5),
            ("12:00", 400.0),
            ("13:00", 400.0),
        ],
    );
    // The mean over the ramp is the mean of its ends.
    close(requests(&l, "11:00", "1h"), 225.0 * 3600.0);
    close(
        requests(&l, "10:00", "3h"),
        50.0 * 3600.0 + 225.0 * 3600.0 + 400.0 * 3600.0,
    );
}

#[test]
fn step_jumps_at_its_instant() {
    let l = load("- step: {at: \"12:00\", from: 50, to: 200}");
    rates(
        &l,
        &[("11:59:59", 50.0), ("12:00", 200.0), ("20:00", 200.0)],
    );
    close(requests(&l, "11:59:30", "1m"), 50.0 * 30.0 + 200.0 * 30.0);
}

#[test]
fn spike_adds_its_height_for_its_duration() {
    let l = load("- spike: {at: \"12:00\", duration: 5m, height: 300}");
    rates(
        &l,
        &[
            ("11:59:59", 0.0),
            ("12:00", 300.0),
            ("12:04:59", 300.0),
            ("12:05", 0.0),
        ],
    );
    close(requests(&l, "11:00", "2h"), 300.0 * 300.0);
}

#[test]
fn lunch_rush_is_a_smooth_bump() {
    let l = load("- lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400, base: 50}");
    // Without rise and fall: a raised cosine over the 90 minutes, peak at 12:15.
    // A quarter in, 50 + 350 * (1 - cos(pi/2)) / 2 = 225.
    rates(
        &l,
        &[
            ("11:00", 50.0),
            ("11:30", 50.0),
            ("11:52:30", 225.0),
            ("12:15", 400.0),
            ("12:37:30", 225.0),
            ("13:00", 50.0),
            ("15:00", 50.0),
        ],
    );
    // The bump's mean over its window is half its height: 50 + 175 over 5400 s.
    close(requests(&l, "11:30", "90m"), 225.0 * 5400.0);

    let plateau = load(
        "- lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400, base: 50, rise: 15m, fall: 30m}",
    );
    rates(
        &plateau,
        &[
            ("11:37:30", 225.0),
            ("11:45", 400.0),
            ("12:30", 400.0),
            ("12:45", 225.0),
            ("13:00", 50.0),
        ],
    );
    // 50 over 90 min, plus 350 x (7.5 min rise + 45 min top + 15 min fall).
    close(
        requests(&plateau, "11:00", "3h"),
        50.0 * 10800.0 + 350.0 * 67.5 * 60.0,
    );
}

#[test]
fn flash_sale_rises_then_decays() {
    let l = load("- flashSale: {at: \"20:00\", peak: 2000, rise: 2m, decay: 30m, base: 100}");
    let e = (-1.0f64).exp();
    rates(
        &l,
        &[
            ("19:59", 100.0),
            ("20:00", 100.0),
            ("20:01", 1050.0),
            ("20:02", 2000.0),
            ("20:32", 100.0 + 1900.0 * e),
            ("21:02", 100.0 + 1900.0 * e * e),
        ],
    );
    // The excess integrates to half the rise plus the time constant, 60 s + 1800 s,
    // less the tail past 23:02 (1900 * 1800 * e^-6).
    close(
        requests(&l, "20:00", "3h2m"),
        100.0 * 10920.0 + 1900.0 * (60.0 + 1800.0 * (1.0 - (-6.0f64).exp())),
    );
    let jump = load("- flashSale: {at: \"20:00\", peak: 500, decay: 10m}");
    rates(
        &jump,
        &[("19:59:59", 0.0), ("20:00", 500.0), ("20:10", 500.0 * e)],
    );
}

#[test]
fn daily_is_a_24h_cosine() {
    let l = load("- daily: {min: 20, max: 300, peakAt: \"14:00\"}");
    rates(
        &l,
        &[
            ("14:00", 300.0),
            ("02:00", 20.0),
            ("08:00", 160.0),
            ("20:00", 160.0),
            ("38:00", 300.0),
        ],
    );
    close(requests(&l, "0s", "24h"), 160.0 * 86400.0);
    let weekly = load("- daily: {min: 0, max: 10, peakAt: \"12:00\", period: 168h}");
    rates(&weekly, &[("12:00", 10.0), ("96h", 0.0)]);
}

#[test]
fn weekly_gives_a_value_per_day() {
    let l = load("- weekly: {days: [1, 1, 1, 1, 1, 0.6, 0.5]}");
    let day = |d: i64, h: i64| Time::from_secs(d * 86400 + h * 3600);
    for (t, v) in [
        (day(0, 0), 1.0),
        (day(5, 12), 0.6),
        (day(6, 23), 0.5),
        (day(7, 0), 1.0),
        (day(12, 1), 0.6),
    ] {
        close(l.rate(t), v);
    }
    close(l.requests(day(0, 0), span("168h")), 86400.0 * 6.1);
}

// ---- combinations ----

#[test]
fn entries_of_the_list_are_summed() {
    let l = load("- constant: {rps: 10}\n- step: {at: \"12:00\", from: 0, to: 5}\n");
    rates(&l, &[("11:00", 10.0), ("12:00", 15.0)]);
    close(requests(&l, "11:00", "2h"), 10.0 * 7200.0 + 5.0 * 3600.0);
}

#[test]
fn product_multiplies_a_daily_cycle_by_a_weekly_factor() {
    let l = load(
        "- product:\n    - daily: {min: 20, max: 300, peakAt: \"14:00\"}\n    - weekly: {days: [1, 1, 1, 1, 1, 0.6, 0.5]}\n",
    );
    let day = |d: i64, h: i64| Time::from_secs(d * 86400 + h * 3600);
    close(l.rate(day(0, 14)), 300.0);
    close(l.rate(day(5, 14)), 180.0);
    close(l.rate(day(6, 2)), 10.0);
    // Integrated on 1 s steps: a day of the cycle is 160 rps on average, times 0.6 on day 5.
    let got = l.requests(day(5, 0), span("24h"));
    assert!((got / (160.0 * 0.6 * 86400.0) - 1.0).abs() < 1e-6, "{got}");
}

#[test]
fn sum_with_scale_and_shift() {
    let l = load(
        "- sum:\n    of:\n      - constant: {rps: 10}\n      - spike: {at: \"09:00\", duration: 1m, height: 50}\n    scale: 2\n    shift: 1h\n",
    );
    rates(&l, &[("09:00", 20.0), ("10:00", 120.0), ("10:01", 20.0)]);
    close(
        requests(&l, "09:30", "1h"),
        2.0 * (10.0 * 3600.0 + 50.0 * 60.0),
    );
}

#[test]
fn scale_and_shift_on_a_shape() {
    let later = load("- lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400, shift: 1h}");
    rates(&later, &[("12:15", 0.0), ("13:15", 400.0)]);
    let earlier = load(
        "- lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400, shift: \"-45m\", scale: 0.5}",
    );
    rates(&earlier, &[("11:30", 200.0), ("12:15", 0.0)]);
    let scaled = load("- constant: {rps: 10, scale: 3}");
    rates(&scaled, &[("0s", 30.0)]);
}

#[test]
fn repeat_makes_a_lunch_rush_every_day() {
    let l = load(
        "- repeat: {every: 24h, of: {lunchRush: {start: \"11:30\", end: \"13:00\", peak: 400, base: 50}}}",
    );
    let day = |d: i64, t: &str| at(t).plus(Span::from_secs(d * 86400));
    for d in 0..4 {
        close(l.rate(day(d, "12:15")), 400.0);
        close(l.rate(day(d, "10:00")), 50.0);
    }
    // Three days: three bumps of 350 * 2700 s over a base of 50.
    close(
        l.requests(Time::from_secs(0), span("72h")),
        3.0 * (50.0 * 86400.0 + 350.0 * 2700.0),
    );
    close(
        l.requests(day(1, "12:00"), span("30m")),
        requests(&l, "12:00", "30m"),
    );
}

#[test]
fn specs_round_trip_through_serde() {
    let yaml = "
- trace: {file: small.csv, scale: 2, shift: \"-30s\", onEnd: loop}
- product: [{daily: {min: 1, max: 2, peakAt: \"14:00\"}}, {weekly: {days: [1, 1, 1, 1, 1, 0.5, 0.5]}}]
- sum: {of: [{constant: {rps: 1}}], scale: 2, shift: 1h}
- repeat: {every: 24h, of: {flashSale: {at: \"20:00\", peak: 10, decay: 5m}}}
- ramp: {from: 1, to: 2, start: \"1:00\", end: \"2:00\"}
- step: {at: 90, from: 1, to: 2}
- spike: {at: \"2h\", duration: 10s, height: 3}
- lunchRush: {start: \"11:30\", end: \"13:00\", peak: 4, rise: 10m}
- noise: {poisson: true, lognormal: {sigma: 0.2}}
";
    let parsed = specs(yaml);
    let json = serde_json::to_string(&parsed).unwrap();
    let again: Vec<LoadSpec> = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, again, "{json}");
    assert!(
        Load::build(&again, &fixtures(), span("1h"))
            .unwrap()
            .is_noisy()
    );
}

// ---- traces ----

#[test]
fn csv_trace_is_a_step_function_of_its_samples() {
    let l = load("- trace: {file: small.csv, onEnd: zero}");
    rates(
        &l,
        &[
            ("0s", 1.5),
            ("59", 1.5),
            ("60", 2.0),
            ("120", 0.0),
            ("180", 4.25),
            ("239.999", 4.25),
            ("240", 0.0),
        ],
    );
    close(requests(&l, "0s", "1h"), 60.0 * (1.5 + 2.0 + 0.0 + 4.25));
    close(requests(&l, "30", "60"), 30.0 * 1.5 + 30.0 * 2.0);
}

#[test]
fn trace_scale_shift_and_what_follows_its_end() {
    let shifted = load("- trace: {file: small.csv, scale: 10, shift: 1m, onEnd: hold}");
    rates(
        &shifted,
        &[
            ("0s", 0.0),
            ("60", 15.0),
            ("120", 20.0),
            ("299", 42.5),
            ("5h", 42.5),
        ],
    );
    let skipped = load("- trace: {file: small.csv, shift: \"-2m\", onEnd: zero}");
    rates(&skipped, &[("0s", 0.0), ("60", 4.25), ("120", 0.0)]);
    let looped = load("- trace: {file: small.csv, onEnd: loop}");
    rates(
        &looped,
        &[("240", 1.5), ("300", 2.0), ("1h", 1.5), ("3h3m", 4.25)],
    );
    close(requests(&looped, "0s", "1h"), 15.0 * 60.0 * 7.75);
}

#[test]
fn prometheus_series_are_summed_from_their_first_sample() {
    let l = load("- trace: {file: two_series.json, onEnd: hold}");
    rates(
        &l,
        &[
            ("0s", 11.0),
            ("14.999", 11.0),
            ("15", 22.0),
            ("30", 33.5),
            ("1h", 33.5),
        ],
    );
    // Named by its format instead of its extension, the same file reads the same.
    let explicit = load("- trace: {file: two_series.json, format: prometheus, onEnd: hold}");
    close(
        explicit.requests(Time::from_secs(0), span("45s")),
        15.0 * (11.0 + 22.0 + 33.5),
    );
}

#[test]
fn nasa_trace_mean_matches_its_readme() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("traces");
    let length = Span::from_secs(2_381_520);
    let spec = specs("- trace: {file: nasa_http_1995-07_60s.csv}");
    let l = Load::build(&spec, &dir, length).unwrap();
    let total = l.requests(Time::from_secs(0), length);
    let mean = total / 2_381_520.0;
    assert_eq!(format!("{mean:.3}"), "0.794", "mean {mean}");
    // rps x 60 rounds back to each bin's count: the file's 1,891,672 requests.
    assert!((total - 1_891_672.0).abs() < 1.0, "total {total}");
    // The peak minute, 09:49 on 13 July (README): 6.75 rps.
    close(l.rate(Time::from_secs(1_072_140)), 6.75);
    // One second longer than the file is refused without onEnd.
    let e = Load::build(&spec, &dir, Span::from_secs(2_381_521))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("nasa_http_1995-07_60s.csv:39693:1: time_s: the trace lasts"),
        "{e}"
    );
}

#[test]
fn worldcup_trace_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("traces");
    let length = Span::from_secs(1_814_400);
    let spec = specs("- trace: {file: worldcup98_1998-06-22_to_07-12_60s.csv}");
    let l = Load::build(&spec, &dir, length).unwrap();
    let mean = l.requests(Time::from_secs(0), length) / 1_814_400.0;
    assert_eq!(format!("{mean:.1}"), "384.7", "mean {mean}");
    let peak = l.rate(Time::from_secs(1_374_060));
    assert_eq!(format!("{peak:.1}"), "3823.8", "peak {peak}");
}

// ---- bad input, refused before the run with file, line and field ----

#[track_caller]
fn refused(yaml: &str, duration: &str, expected: &[&str]) {
    let e = match try_load(yaml, duration) {
        Ok(_) => panic!("{yaml} was accepted"),
        Err(e) => e,
    };
    assert!(matches!(e, Error::Input { .. }), "{e:?}");
    let text = e.to_string();
    for part in expected {
        assert!(text.contains(part), "{text:?} lacks {part:?}");
    }
}

#[test]
fn nan_rate_is_refused() {
    refused(
        "- trace: {file: nan.csv}",
        "1m",
        &["nan.csv:4:5: rps: NaN (not a number); expected requests per second, 0 or more"],
    );
    refused(
        "- trace: {file: nan.json}",
        "1m",
        &[
            "nan.json:10:29: ",
            "data.result[0].values[1]: value NaN (not a number)",
        ],
    );
}

#[test]
fn negative_rate_is_refused() {
    refused(
        "- trace: {file: negative.csv}",
        "1m",
        &["negative.csv:4:5: rps: -3 is negative; expected requests per second, 0 or more"],
    );
}

#[test]
fn unsorted_times_are_refused() {
    refused(
        "- trace: {file: unsorted.csv}",
        "1m",
        &[
            "unsorted.csv:4:1: time_s: 60 s comes after 120 s (line 3); expected times in increasing order",
        ],
    );
}

#[test]
fn duplicate_time_is_refused() {
    refused(
        "- trace: {file: duplicate.csv}",
        "1m",
        &["duplicate.csv:4:1: time_s: 60 s repeats the time of line 3"],
    );
}

#[test]
fn trace_shorter_than_the_scenario_is_refused_unless_on_end_says() {
    refused(
        "- trace: {file: small.csv}",
        "5m",
        &[
            "small.csv:5:1: time_s: the trace lasts 4m (4 samples, the last one's bin included) but the scenario needs 5m of it",
            "onEnd: hold`, `loop` or `zero`",
        ],
    );
    // A trace shifted later needs less of itself; one shifted earlier needs more.
    assert!(try_load("- trace: {file: small.csv, shift: 1m}", "5m").is_ok());
    refused(
        "- trace: {file: small.csv, shift: \"-1m\"}",
        "4m",
        &["needs 5m of it"],
    );
    assert!(try_load("- trace: {file: small.csv}", "4m").is_ok());
    for on_end in ["hold", "loop", "zero"] {
        assert!(
            try_load(
                &format!("- trace: {{file: small.csv, onEnd: {on_end}}}"),
                "5m"
            )
            .is_ok()
        );
    }
    // Inside a daily repeat, a trace needs to cover one period only.
    assert!(
        try_load(
            "- repeat: {every: 4m, of: {trace: {file: small.csv}}}",
            "1h"
        )
        .is_ok()
    );
}

#[test]
fn other_bad_traces_are_refused() {
    refused(
        "- trace: {file: header.csv}",
        "1m",
        &["header.csv:1:1: the header is `time,requests`; expected the columns `time_s,rps`"],
    );
    refused(
        "- trace: {file: error.json}",
        "1m",
        &[
            "error.json:1:2: status: \"error\" (bad_data: 1:6: parse error: unexpected end of input)",
        ],
    );
    refused(
        "- trace: {file: vector.json}",
        "1m",
        &["vector.json:1:", "expected \"matrix\""],
    );
    refused(
        "- trace: {file: small.txt}",
        "1m",
        &["small.txt", "add `format: csv`"],
    );
    let missing = try_load("- trace: {file: missing.csv}", "1m").unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing:?}");
    assert!(missing.to_string().contains("missing.csv"), "{missing}");
}

#[test]
fn unknown_keys_in_the_spec_are_refused_with_their_line() {
    let yaml = "- constant: {rps: 5}\n- lunchRush:\n    start: \"11:30\"\n    end: \"13:00\"\n    peek: 400\n";
    let e = serde_saphyr::from_str::<Vec<LoadSpec>>(yaml).unwrap_err();
    let location = e.location().expect("a location");
    assert_eq!((location.line(), location.column()), (5, 5), "{e}");
    assert!(e.to_string().contains("unknown field `peek`"), "{e}");

    let e =
        serde_saphyr::from_str::<Vec<LoadSpec>>("- lunchrush: {start: \"11:30\"}\n").unwrap_err();
    assert!(e.to_string().contains("unknown variant `lunchrush`"), "{e}");
    assert_eq!(e.location().map(|l| l.line()), Some(1));

    let e = serde_saphyr::from_str::<Vec<LoadSpec>>("- trace: {file: x.csv, onEnd: repeat}\n")
        .unwrap_err();
    assert!(e.to_string().contains("unknown variant `repeat`"), "{e}");
}

#[test]
fn specs_made_in_code_are_checked_too() {
    let mut bad = specs("- constant: {rps: 1}");
    if let LoadSpec::Constant(c) = &mut bad[0] {
        c.rps = -1.0;
    }
    let e = Load::build(&bad, &fixtures(), span("1h"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("load[0]: rps: -1 is not a rate"), "{e}");
}

// ---- noise ----

#[test]
fn without_noise_arrivals_are_the_integral_and_the_rng_is_untouched() {
    let l = load("- trace: {file: small.csv, onEnd: loop}");
    assert!(!l.is_noisy());
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut untouched = ChaCha8Rng::seed_from_u64(3);
    close(
        l.arrivals(Time::from_secs(30), span("60s"), &mut rng),
        30.0 * 1.5 + 30.0 * 2.0,
    );
    assert_eq!(rng.random::<u64>(), untouched.random::<u64>());
}

#[test]
fn poisson_arrivals_repeat_with_the_seed_and_average_to_the_rate() {
    let l = load("- constant: {rps: 50}\n- noise: {poisson: true}\n");
    assert!(l.is_noisy());
    let draw = |seed: u64| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..20_000)
            .map(|s| l.arrivals(Time::from_secs(s), span("1s"), &mut rng))
            .collect::<Vec<f64>>()
    };
    let a = draw(7);
    assert_eq!(a, draw(7));
    assert_ne!(a, draw(8));
    assert!(a.iter().all(|&x| x >= 0.0 && x.fract() == 0.0));
    let n = a.len() as f64;
    let mean = a.iter().sum::<f64>() / n;
    let variance = a.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    // Standard error of the mean: sqrt(50 / 20000) = 0.05; allow 5 of them.
    assert!((mean - 50.0).abs() < 0.25, "mean {mean}");
    // A Poisson count's variance is its mean; the estimate's standard error is about 0.5.
    assert!((variance - 50.0).abs() < 2.5, "variance {variance}");
}

#[test]
fn lognormal_jitter_has_mean_one() {
    let l = load("- constant: {rps: 100}\n- noise: {lognormal: {sigma: 0.1}}\n");
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let n = 20_000;
    let a: Vec<f64> = (0..n)
        .map(|s| l.arrivals(Time::from_secs(s), span("1s"), &mut rng))
        .collect();
    let mean = a.iter().sum::<f64>() / n as f64;
    // sd of one draw is about 10; of the mean, 0.07; allow 5 of them.
    assert!((mean - 100.0).abs() < 0.35, "mean {mean}");
    assert!(a.iter().any(|&x| x > 110.0) && a.iter().any(|&x| x < 90.0));
}

#[test]
fn unquoted_times_of_day_read_as_times() {
    // YAML 1.1 would read 11:30 as the base-60 number 690; it must be 11:30.
    let step = load("- step: {at: 11:30, from: 1, to: 2}");
    rates(&step, &[("11:29:59", 1.0), ("11:30", 2.0)]);
    let daily = load("- daily: {min: 0, max: 10, peakAt: 14:00}");
    rates(&daily, &[("14:00", 10.0), ("02:00", 0.0)]);
}

#[test]
fn a_load_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<Load>();
}

/// The simulator asks for the rate and the arrivals of each second at once; the pair is
/// bit for bit the two asked apart (traces, their scale and shift, each way a trace ends,
/// a sum, noise), from before the first sample to past the last, on and off sample edges.
#[test]
fn rate_and_arrivals_together_equal_them_apart() {
    let same = |l: &Load, what: &str| {
        for from_ms in (-3_000..420_000).step_by(250) {
            for length in ["1s", "750ms", "3s", "60s"] {
                let (t, dt) = (Time::from_millis(from_ms), span(length));
                let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(5), ChaCha8Rng::seed_from_u64(5));
                let together = l.rate_and_arrivals(t, dt, &mut a);
                let apart = (l.rate(t), l.arrivals(t, dt, &mut b));
                assert_eq!(
                    (together.0.to_bits(), together.1.to_bits()),
                    (apart.0.to_bits(), apart.1.to_bits()),
                    "{what} at {from_ms} ms over {length}"
                );
            }
        }
    };
    // A second-by-second trace with values whose sums round: the pair must round alike.
    let dir = tempfile::tempdir().expect("temp dir");
    let rows: String = (0..400)
        .map(|s| format!("{s},{}\n", 0.1 + (s * 37 % 101) as f64 * 0.73))
        .collect();
    std::fs::write(dir.path().join("odd.csv"), format!("time_s,rps\n{rows}")).expect("write");
    for yaml in [
        "- trace: {file: odd.csv, onEnd: hold}",
        "- trace: {file: odd.csv, scale: 1.7, shift: \"-2500ms\", onEnd: zero}",
    ] {
        let l = Load::build(&specs(yaml), dir.path(), span("1h")).expect("loads");
        same(&l, yaml);
    }
    for yaml in [
        "- trace: {file: small.csv, onEnd: hold}",
        "- trace: {file: small.csv, onEnd: zero}",
        "- trace: {file: small.csv, onEnd: loop}",
        "- trace: {file: small.csv, scale: 2.5, shift: \"-30s\", onEnd: hold}",
        "- trace: {file: small.csv, shift: 90s, onEnd: zero}\n- constant: {rps: 3}",
        "- trace: {file: small.csv, onEnd: hold}\n- noise: {poisson: true}",
    ] {
        same(&load(yaml), yaml);
    }
}

/// Two loads are the same only when every number is the same to the bit: a rate of -0.0
/// is not one of 0.0, nor a jitter of another sigma; the same entries are.
#[test]
fn loads_are_the_same_only_when_every_number_is_the_same_to_the_bit() {
    // (one load, the other, the same?)
    let cases = [
        ("- constant: {rps: 0.0}", "- constant: {rps: 0.0}", true),
        ("- constant: {rps: 0.0}", "- constant: {rps: -0.0}", false),
        (
            "- step: {at: 10m, from: 0.0, to: 5}",
            "- step: {at: 10m, from: -0.0, to: 5}",
            false,
        ),
        (
            "- step: {at: 10m, from: 1, to: 5}",
            "- step: {at: 10m, from: 1, to: 5}",
            true,
        ),
        (
            "- constant: {rps: 5}\n- noise: {lognormal: {sigma: 0.1}}",
            "- constant: {rps: 5}\n- noise: {lognormal: {sigma: 0.1}}",
            true,
        ),
        (
            "- constant: {rps: 5}\n- noise: {lognormal: {sigma: 0.1}}",
            "- constant: {rps: 5}\n- noise: {lognormal: {sigma: 0.2}}",
            false,
        ),
        (
            "- constant: {rps: 5}\n- noise: {poisson: true}",
            "- constant: {rps: 5}",
            false,
        ),
    ];
    for (a, b, same) in cases {
        let (x, y) = (try_load(a, "1h").unwrap(), try_load(b, "1h").unwrap());
        assert_eq!(x.is_same(&y), same, "{a} / {b}");
        assert_eq!(y.is_same(&x), same, "{b} / {a}");
    }
}

/// A rate out of range is named as a person writes it: plain (`-125`), or in exponent
/// form when that is shorter (`1e12`).
#[test]
fn a_bad_rate_is_printed_as_written() {
    // (the rate, the error's words)
    let cases = [
        ("-125", "-125 is not a rate"),
        ("-0.5", "-0.5 is not a rate"),
        ("2000000001", "2000000001 is not a rate"),
        ("1e12", "1e12 is not a rate"),
        ("-1e300", "-1e300 is not a rate"),
    ];
    for (rate, words) in cases {
        let yaml = format!("- constant: {{rps: {rate}}}");
        let e = serde_saphyr::from_str::<Vec<LoadSpec>>(&yaml)
            .unwrap_err()
            .to_string();
        assert!(e.contains(words), "{rate}: {e}");
    }
}
