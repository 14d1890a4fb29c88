//! The spread of one figure over runs with different seeds, and the seeds themselves.
//!
//! Percentiles are nearest-rank and taken in the direction of "worse": with `n` runs
//! ordered from best to worst (ties: the lower seed first), the `p`-th percentile is the
//! value at rank `ceil(p/100 n)`, so p95 is the figure 95% of runs do no worse than. The
//! mean is summed in that order too: the result does not depend on the input's order.

use std::cmp::Ordering;

use serde::Serialize;

/// Which direction of a figure is worse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worse {
    /// Higher is worse (latency, cost, violation seconds).
    Higher,
    /// Lower is worse (headroom, met fraction).
    Lower,
}

/// One figure over runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Spread {
    /// Runs counted (NaN figures are left out).
    pub runs: usize,
    /// The mean.
    pub mean: f64,
    /// The median, nearest rank.
    pub p50: f64,
    /// The 95th percentile towards worse, nearest rank.
    pub p95: f64,
    /// The worst figure.
    pub worst: f64,
    /// The seed of the worst run (the lowest of equally bad ones).
    pub worst_seed: u64,
}

/// The spread of `(seed, figure)` pairs. NaN figures are left out; with none left every
/// field is 0 (and `runs` says so).
pub fn spread(values: &[(u64, f64)], worse: Worse) -> Spread {
    let badness = |x: f64| match worse {
        Worse::Higher => x,
        Worse::Lower => -x,
    };
    let mut runs: Vec<(u64, f64)> = values.iter().copied().filter(|v| !v.1.is_nan()).collect();
    if runs.is_empty() {
        return Spread::default();
    }
    // Best to worst, the lower seed first among equals (no NaN is left to compare).
    runs.sort_by(|a, b| {
        badness(a.1)
            .partial_cmp(&badness(b.1))
            .unwrap_or(Ordering::Equal)
            .then(a.0.cmp(&b.0))
    });
    let n = runs.len();
    let at = |p: f64| runs[((p * n as f64).ceil() as usize).clamp(1, n) - 1].1;
    let worst = runs[n - 1].1;
    let worst_seed = runs
        .iter()
        .find(|r| r.1 == worst)
        .map_or(runs[n - 1].0, |r| r.0);
    Spread {
        runs: n,
        mean: runs.iter().map(|r| r.1).sum::<f64>() / n as f64,
        p50: at(0.50),
        p95: at(0.95),
        worst,
        worst_seed,
    }
}

/// SplitMix64's increment (the golden ratio in 64 bits).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The seed of run `run` of a set derived from `base`: run 0 is `base` itself (so one run
/// is the plain run), run `r > 0` the `r`-th output of SplitMix64 seeded with `base`
/// (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
/// constants of Vigna's `splitmix64.c`). Well mixed, and distinct for distinct runs.
pub fn derive_seed(base: u64, run: u32) -> u64 {
    if run == 0 {
        return base;
    }
    let mut z = base.wrapping_add(u64::from(run).wrapping_mul(GOLDEN_GAMMA));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_towards_worse() {
        // 20 runs with figures 1..=20: p50 is rank 10, p95 rank 19.
        let v: Vec<(u64, f64)> = (1..=20).map(|i| (100 + i, i as f64)).collect();
        let s = spread(&v, Worse::Higher);
        assert_eq!((s.runs, s.mean, s.p50, s.p95), (20, 10.5, 10.0, 19.0));
        assert_eq!((s.worst, s.worst_seed), (20.0, 120));
        // Lower is worse: the order turns round.
        let s = spread(&v, Worse::Lower);
        assert_eq!((s.p50, s.p95, s.worst, s.worst_seed), (11.0, 2.0, 1.0, 101));
        // Small sets: rank ceil(p n), at least 1.
        let s = spread(&[(7, 3.0)], Worse::Higher);
        assert_eq!((s.p50, s.p95, s.worst, s.worst_seed), (3.0, 3.0, 3.0, 7));
        let s = spread(&[(1, 1.0), (2, 2.0), (3, 3.0)], Worse::Higher);
        assert_eq!((s.p50, s.p95), (2.0, 3.0));
    }

    #[test]
    fn ties_for_worst_go_to_the_lower_seed() {
        let v = [(9, 5.0), (4, 5.0), (6, 1.0), (5, 5.0)];
        assert_eq!(spread(&v, Worse::Higher).worst_seed, 4);
        let v = [(9, 0.0), (4, 2.0), (3, -0.0)];
        assert_eq!(spread(&v, Worse::Lower).worst_seed, 3, "0 and -0 are equal");
    }

    #[test]
    fn spread_does_not_depend_on_input_order() {
        let v: Vec<(u64, f64)> = (0..50u64)
            .map(|s| {
                (
                    derive_seed(1, s as u32),
                    (s as f64 * 0.37).sin() * 1e3 + 0.1,
                )
            })
            .collect();
        let mut reversed = v.clone();
        reversed.reverse();
        let mut rotated = v.clone();
        rotated.rotate_left(17);
        for worse in [Worse::Higher, Worse::Lower] {
            let want = spread(&v, worse);
            assert_eq!(spread(&reversed, worse), want);
            assert_eq!(spread(&rotated, worse), want);
        }
    }

    #[test]
    fn nan_figures_are_left_out() {
        let s = spread(&[(1, f64::NAN), (2, 4.0)], Worse::Higher);
        assert_eq!((s.runs, s.mean, s.worst_seed), (1, 4.0, 2));
        assert_eq!(spread(&[], Worse::Higher), Spread::default());
        assert_eq!(spread(&[(1, f64::NAN)], Worse::Lower), Spread::default());
        // Infinity is a figure (a run that never served): it is the worst.
        let s = spread(&[(1, f64::INFINITY), (2, 4.0)], Worse::Higher);
        assert_eq!((s.worst, s.worst_seed), (f64::INFINITY, 1));
    }

    #[test]
    fn run_zero_is_the_base_seed() {
        for base in [0, 42, u64::MAX] {
            assert_eq!(derive_seed(base, 0), base);
        }
    }

    #[test]
    fn later_runs_are_splitmix64_outputs() {
        // Reference outputs of splitmix64.c seeded with 1234567.
        let want = [
            6457827717110365317,
            3203168211198807973,
            9817491932198370423,
            4593380528125082431,
            16408922859458223821,
        ];
        for (run, w) in (1..).zip(want) {
            assert_eq!(derive_seed(1234567, run), w);
        }
        assert_eq!(derive_seed(0, 1), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn derived_seeds_are_distinct() {
        let mut seen: Vec<u64> = (0..10_000).map(|r| derive_seed(7, r)).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 10_000);
    }
}
