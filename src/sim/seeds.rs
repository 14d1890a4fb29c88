//! One scenario run on many seeds, in parallel: the fan-out `--runs` and sweeps share.

use rayon::prelude::*;

use super::{Options, Record};
use crate::scenario::Scenario;

/// Runs `scenario` once per seed (each with `options` and its own seed), in parallel,
/// and returns `each(seed, record)` in the order of `seeds`: the thread count changes
/// nothing but the time taken.
pub fn run_seeds<T, F>(scenario: &Scenario, options: &Options, seeds: &[u64], each: F) -> Vec<T>
where
    T: Send,
    F: Fn(u64, Record) -> T + Sync,
{
    seeds
        .par_iter()
        .map(|&seed| {
            let options = Options {
                seed: Some(seed),
                ..options.clone()
            };
            each(seed, super::run(scenario, &options))
        })
        .collect()
}
