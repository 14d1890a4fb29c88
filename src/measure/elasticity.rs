//! How closely supply followed demand: the SPEC Research Group's elasticity metrics.
//!
//! Sources: Herbst, Kounev, Reussner, "Elasticity in Cloud Computing: What It Is, and
//! What It Is Not", ICAC 2013 (the definitions of under- and over-provisioning);
//! Herbst, Kounev, Weber, Groenda, "BUNGEE: An Elasticity Benchmark for Self-Adaptive
//! IaaS Cloud Environments", SEAMS 2015 (accuracy and timeshare); Herbst et al., "Ready
//! for Rain? A View from SPEC Research on the Future of Cloud Metrics", SPEC-RG-2016-01
//! (accuracy normalised by demand, instability, jitter); Ilyushkin et al., "An
//! Experimental Performance Evaluation of Autoscalers for Complex Workflows", ACM TOMPECS,
//! 2018, which applies the same set to autoscalers.
//!
//! With demand `d_t` and supply `s_t` sampled every `dt` over `T = n dt`, `x^+ = max(x, 0)`
//! and `sgn` the sign:
//!
//! | metric | formula | unit |
//! |---|---|---|
//! | under-provisioning accuracy `θ_U` | `100/T Σ (d_t - s_t)^+ / max(d_t, 1) dt` | % of demand |
//! | over-provisioning accuracy `θ_O` | `100/T Σ (s_t - d_t)^+ / max(d_t, 1) dt` | % of demand |
//! | mean under-provisioning `a_U` | `1/T Σ (d_t - s_t)^+ dt` | resource units |
//! | mean over-provisioning `a_O` | `1/T Σ (s_t - d_t)^+ dt` | resource units |
//! | under-provisioning timeshare `τ_U` | `100/T Σ sgn(d_t - s_t)^+ dt` | % of time |
//! | over-provisioning timeshare `τ_O` | `100/T Σ sgn(s_t - d_t)^+ dt` | % of time |
//! | instability `k` | `100/(T - dt) Σ_{t≥2} min((sgn Δs_t - sgn Δd_t)^+, 1) dt` | % of time |
//! | mirrored instability `k'` | `100/(T - dt) Σ_{t≥2} min((sgn Δd_t - sgn Δs_t)^+, 1) dt` | % of time |
//! | jitter `j` | `(Σ abs(Δs_t) - Σ abs(Δd_t)) / T` | resource units changed per minute |
//!
//! `Δx_t = x_t - x_(t-1)`. `k` counts the steps in which supply moved up against demand
//! (rose while demand held or fell, or held while demand fell); `k'` the mirror image
//! (supply did not follow a rise, or fell on its own). Jitter below 0 means supply
//! changed by fewer units than demand did (sluggish), above 0 by more (oscillating).
//!
//! Provenance. The papers' formula text was not at hand; these follow the authors' own
//! code: BUNGEE (github.com/NikolasHerbst/BUNGEE, `tools.descartes.bungee.metric`:
//! `UnderprovisionAccuracy` = our `a_U`, `UnderprovisionTimeshare` = `τ_U` as a fraction,
//! `Instability` = `k` with the one-sided, clipped term above and `T - dt`, `Jitter`
//! counting resource units changed, per minute), and the AtLarge group's autoscaler
//! simulator (github.com/atlarge-research/opendc-autoscaling-prototype, the set of
//! Ilyushkin et al.: `k` and `k'`, and accuracy normalised by demand with
//! `max(d_t, 1)`, so a second of zero demand still counts). That simulator normalises
//! over-provisioning by supply; we keep demand, so both accuracies read "percent of
//! what was needed".
//!
//! Pass demand in whole resource units (pods, rounded up): BUNGEE's demand is the least
//! number of units that meets the objective, and with fractional demand supply is almost
//! never equal to it, so the timeshares and jitter would count every sample.

use serde::Serialize;

/// The elasticity metrics of one run (module doc for the formulas).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Elasticity {
    /// `θ_U`: mean relative shortfall, % of demand.
    pub under_accuracy_pct: f64,
    /// `θ_O`: mean relative surplus, % of demand.
    pub over_accuracy_pct: f64,
    /// `a_U`: mean shortfall, resource units.
    pub under_mean_units: f64,
    /// `a_O`: mean surplus, resource units.
    pub over_mean_units: f64,
    /// `τ_U`: % of time under-provisioned.
    pub under_timeshare_pct: f64,
    /// `τ_O`: % of time over-provisioned.
    pub over_timeshare_pct: f64,
    /// `k`: % of steps in which supply moved up against demand.
    pub instability_pct: f64,
    /// `k'`: % of steps in which supply moved down against demand.
    pub instability_mirrored_pct: f64,
    /// `j`: resource units supply changed by, minus those demand changed by, per minute.
    pub jitter_per_minute: f64,
    /// Resource units supply changed by, in all.
    pub supply_changes: f64,
    /// Resource units demand changed by, in all.
    pub demand_changes: f64,
    /// `T`, seconds.
    pub duration_s: f64,
}

/// NaN, negatives and infinities read as 0.
fn units(x: f64) -> f64 {
    if x > 0.0 && x.is_finite() { x } else { 0.0 }
}

fn sgn(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// The metrics of `supply` against `demand`, sampled every `dt_s` seconds. Uses the
/// shorter of the two series; an empty series or a `dt_s` that is not a positive number
/// gives all zeros. Bad samples (NaN, negative) read as 0.
pub fn elasticity(demand: &[f64], supply: &[f64], dt_s: f64) -> Elasticity {
    let mut sum = ElasticitySum::default();
    for (&d, &s) in demand.iter().zip(supply) {
        sum.add(d, s);
    }
    sum.finish(dt_s)
}

/// [`elasticity`] one sample at a time, in time order: a run's judgement adds its
/// seconds as it reads them. Each sum is added in time order, as the formulas read.
#[derive(Default)]
pub struct ElasticitySum {
    samples: usize,
    rel_under: f64,
    rel_over: f64,
    under: f64,
    over: f64,
    under_n: u64,
    over_n: u64,
    up: u64,
    down: u64,
    supply_changes: f64,
    demand_changes: f64,
    previous: Option<(f64, f64)>,
}

impl ElasticitySum {
    /// The next sample: `demand` and `supply` in resource units.
    #[inline]
    pub fn add(&mut self, demand: f64, supply: f64) {
        let (dt, st) = (units(demand), units(supply));
        self.samples += 1;
        let short = (dt - st).max(0.0);
        let surplus = (st - dt).max(0.0);
        self.under += short;
        self.over += surplus;
        // A relative term of 0 is not added: the sums start at +0 and only grow, so
        // adding +0 would change no bit.
        if short > 0.0 {
            self.rel_under += short / dt.max(1.0);
        }
        if surplus > 0.0 {
            self.rel_over += surplus / dt.max(1.0);
        }
        self.under_n += u64::from(sgn(dt - st) > 0);
        self.over_n += u64::from(sgn(st - dt) > 0);
        if let Some((d0, s0)) = self.previous {
            let ds = sgn(st - s0);
            let dd = sgn(dt - d0);
            self.up += u64::from(ds > dd);
            self.down += u64::from(dd > ds);
            self.supply_changes += (st - s0).abs();
            self.demand_changes += (dt - d0).abs();
        }
        self.previous = Some((dt, st));
    }

    /// The metrics of the samples added, each lasting `dt_s` seconds: all zeros without
    /// samples or when `dt_s` is not a positive number.
    pub fn finish(&self, dt_s: f64) -> Elasticity {
        let n = self.samples;
        if n == 0 || !(dt_s > 0.0 && dt_s.is_finite()) {
            return Elasticity::default();
        }
        // Each sample weighs dt, so 1/T Σ x dt is the mean over n.
        let nf = n as f64;
        let duration_s = nf * dt_s;
        let share = |count: u64, of: usize| {
            if of > 0 {
                100.0 * count as f64 / of as f64
            } else {
                0.0
            }
        };
        Elasticity {
            under_accuracy_pct: 100.0 * self.rel_under / nf,
            over_accuracy_pct: 100.0 * self.rel_over / nf,
            under_mean_units: self.under / nf,
            over_mean_units: self.over / nf,
            under_timeshare_pct: 100.0 * self.under_n as f64 / nf,
            over_timeshare_pct: 100.0 * self.over_n as f64 / nf,
            instability_pct: share(self.up, n - 1),
            instability_mirrored_pct: share(self.down, n - 1),
            jitter_per_minute: (self.supply_changes - self.demand_changes) / duration_s * 60.0,
            supply_changes: self.supply_changes,
            demand_changes: self.demand_changes,
            duration_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Demand 2 3 3 1 against supply 2 2 4 3, one second apart (T = 4 s).
    fn four_seconds() -> Elasticity {
        elasticity(&[2.0, 3.0, 3.0, 1.0], &[2.0, 2.0, 4.0, 3.0], 1.0)
    }

    #[test]
    fn accuracy_is_the_mean_relative_shortfall_and_surplus() {
        // θ_U: only t1 is short, by 1 of 3: 100/4 x 1/3.
        // θ_O: t2 over by 1 of 3, t3 by 2 of 1: 100/4 x (1/3 + 2).
        let m = four_seconds();
        assert!(close(m.under_accuracy_pct, 100.0 / 4.0 / 3.0));
        assert!(close(m.over_accuracy_pct, 100.0 / 4.0 * (1.0 / 3.0 + 2.0)));
    }

    #[test]
    fn mean_provisioning_error_is_in_resource_units() {
        // a_U = (0 + 1 + 0 + 0) / 4; a_O = (0 + 0 + 1 + 2) / 4 (BUNGEE's accuracy).
        let m = four_seconds();
        assert!(close(m.under_mean_units, 0.25));
        assert!(close(m.over_mean_units, 0.75));
    }

    #[test]
    fn timeshare_is_the_share_of_time_under_or_over() {
        // Under at t1; over at t2 and t3; exact at t0.
        let m = four_seconds();
        assert!(close(m.under_timeshare_pct, 25.0));
        assert!(close(m.over_timeshare_pct, 50.0));
    }

    #[test]
    fn instability_counts_steps_where_supply_moves_against_demand_one_side_each() {
        // Steps: demand +, 0, -; supply 0, +, -. Step 2 (supply up, demand flat) is k;
        // step 1 (demand up, supply flat) is k'; step 3 moves together.
        let m = four_seconds();
        assert!(close(m.instability_pct, 100.0 / 3.0));
        assert!(close(m.instability_mirrored_pct, 100.0 / 3.0));
        // Moving together, at any size, is stable both ways.
        let m = elasticity(&[1.0, 2.0, 4.0, 3.0], &[1.0, 3.0, 5.0, 2.0], 1.0);
        assert_eq!((m.instability_pct, m.instability_mirrored_pct), (0.0, 0.0));
        // Supply flapping under flat demand: up at steps 1 and 3 (k), down at step 2 (k').
        let m = elasticity(&[1.0; 4], &[1.0, 2.0, 1.0, 2.0], 1.0);
        assert!(close(m.instability_pct, 200.0 / 3.0));
        assert!(close(m.instability_mirrored_pct, 100.0 / 3.0));
    }

    #[test]
    fn jitter_is_extra_units_changed_per_minute() {
        // Supply changes by 3 units, demand by none, over 4 samples of a minute.
        let m = elasticity(&[1.0; 4], &[1.0, 2.0, 1.0, 2.0], 60.0);
        assert_eq!((m.supply_changes, m.demand_changes), (3.0, 0.0));
        assert!(close(m.jitter_per_minute, 3.0 / 4.0));
        // Demand moves 1 + 0 + 2 units, supply 0 + 2 + 1: j = 0.
        assert_eq!(four_seconds().jitter_per_minute, 0.0);
        // Supply that never moves while demand does is negative: sluggish (3 units, 4 s).
        let m = elasticity(&[1.0, 2.0, 3.0, 4.0], &[2.0; 4], 1.0);
        assert!(close(m.jitter_per_minute, -3.0 / 4.0 * 60.0));
    }

    #[test]
    fn perfect_supply_scores_zero_everywhere() {
        let d = [1.0, 3.0, 3.0, 2.0, 5.0];
        let m = elasticity(&d, &d, 1.0);
        let zeros = [
            m.under_accuracy_pct,
            m.over_accuracy_pct,
            m.under_mean_units,
            m.over_mean_units,
            m.under_timeshare_pct,
            m.over_timeshare_pct,
            m.instability_pct,
            m.instability_mirrored_pct,
            m.jitter_per_minute,
        ];
        assert_eq!(zeros, [0.0; 9]);
        assert_eq!(m.duration_s, 5.0);
    }

    #[test]
    fn zero_demand_is_normalised_by_one_unit() {
        // t0 demand 0, supply 2: 2 units over one unit, 200 %; none at t1. Mean 100 %.
        let m = elasticity(&[0.0, 2.0], &[2.0, 2.0], 1.0);
        assert!(close(m.over_accuracy_pct, 100.0));
        assert!(close(m.over_mean_units, 1.0));
        assert!(close(m.over_timeshare_pct, 50.0));
    }

    #[test]
    fn degenerate_input_gives_zeros() {
        assert_eq!(elasticity(&[], &[], 1.0), Elasticity::default());
        assert_eq!(elasticity(&[1.0], &[2.0], 0.0), Elasticity::default());
        assert_eq!(elasticity(&[1.0], &[2.0], f64::NAN), Elasticity::default());
        // One sample: no steps, so no instability.
        assert_eq!(elasticity(&[1.0], &[2.0], 1.0).instability_pct, 0.0);
        // Uneven lengths: the shorter decides.
        assert_eq!(
            elasticity(&[1.0, 1.0, 9.0], &[1.0, 1.0], 1.0).duration_s,
            2.0
        );
        // NaN samples read as 0 units.
        let m = elasticity(&[f64::NAN, 1.0], &[1.0, f64::NAN], 1.0);
        assert!(close(m.over_mean_units, 0.5) && close(m.under_mean_units, 0.5));
    }
}
