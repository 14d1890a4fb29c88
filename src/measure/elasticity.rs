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
//! | under-provisioning accuracy `θ_U` | `100/T Σ (d_t - s_t)^+ / d_t dt` | % of demand |
//! | over-provisioning accuracy `θ_O` | `100/T Σ (s_t - d_t)^+ / d_t dt` | % of demand |
//! | mean under-provisioning `a_U` | `1/T Σ (d_t - s_t)^+ dt` | resource units |
//! | mean over-provisioning `a_O` | `1/T Σ (s_t - d_t)^+ dt` | resource units |
//! | under-provisioning timeshare `τ_U` | `100/T Σ sgn(d_t - s_t)^+ dt` | % of time |
//! | over-provisioning timeshare `τ_O` | `100/T Σ sgn(s_t - d_t)^+ dt` | % of time |
//! | instability `k` | `100/(T - dt) Σ_{t≥2} min(abs(sgn Δs_t - sgn Δd_t), 1) dt` | % of time |
//! | jitter `j` | `(E_S - E_D) / T`, `E` the number of changes of a curve | adaptations/hour |
//!
//! `Δx_t = x_t - x_(t-1)`. Instability is the share of steps in which supply did not move
//! the way demand did (one moved, the other stood or went the other way). Jitter below 0
//! means supply adapted less often than demand changed (too sluggish), above 0 more
//! often (oscillating).
//!
//! The normalised accuracies skip samples where demand is 0 (the ratio is undefined
//! there; the papers assume demand is positive); the unnormalised `a_U`, `a_O` and the
//! timeshares count them. Provenance: the papers' own text was not at hand when this was
//! written; the formulas are those of the SPEC RG report as recalled, and the
//! demand-normalised accuracy and the timeshares agree with a public Kubernetes
//! implementation of these metrics that was checked.
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
    /// `k`: % of steps in which supply did not follow demand's direction.
    pub instability_pct: f64,
    /// `j`: supply adaptations minus demand changes, per hour.
    pub jitter_per_hour: f64,
    /// `E_S`: times supply changed.
    pub supply_adaptations: u64,
    /// `E_D`: times demand changed.
    pub demand_adaptations: u64,
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
    let n = demand.len().min(supply.len());
    if n == 0 || !(dt_s > 0.0 && dt_s.is_finite()) {
        return Elasticity::default();
    }
    let (d, s): (Vec<f64>, Vec<f64>) = (0..n).map(|i| (units(demand[i]), units(supply[i]))).unzip();
    let mut m = Elasticity {
        duration_s: n as f64 * dt_s,
        ..Elasticity::default()
    };
    // Sums over samples; each sample weighs dt, so 1/T Σ x dt is the mean over n.
    let (mut rel_under, mut rel_over, mut under, mut over) = (0.0, 0.0, 0.0, 0.0);
    let (mut under_n, mut over_n) = (0u64, 0u64);
    for (&dt, &st) in d.iter().zip(&s) {
        let short = (dt - st).max(0.0);
        let surplus = (st - dt).max(0.0);
        under += short;
        over += surplus;
        if dt > 0.0 {
            rel_under += short / dt;
            rel_over += surplus / dt;
        }
        under_n += u64::from(sgn(dt - st) > 0);
        over_n += u64::from(sgn(st - dt) > 0);
    }
    let nf = n as f64;
    m.under_accuracy_pct = 100.0 * rel_under / nf;
    m.over_accuracy_pct = 100.0 * rel_over / nf;
    m.under_mean_units = under / nf;
    m.over_mean_units = over / nf;
    m.under_timeshare_pct = 100.0 * under_n as f64 / nf;
    m.over_timeshare_pct = 100.0 * over_n as f64 / nf;
    let mut unstable = 0u64;
    for t in 1..n {
        let ds = sgn(s[t] - s[t - 1]);
        let dd = sgn(d[t] - d[t - 1]);
        unstable += u64::from(ds != dd);
        m.supply_adaptations += u64::from(ds != 0);
        m.demand_adaptations += u64::from(dd != 0);
    }
    if n > 1 {
        m.instability_pct = 100.0 * unstable as f64 / (n - 1) as f64;
    }
    let changes = m.supply_adaptations as f64 - m.demand_adaptations as f64;
    m.jitter_per_hour = changes / m.duration_s * 3600.0;
    m
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
    fn instability_counts_steps_where_supply_does_not_follow_demand() {
        // Steps: demand +, 0, -; supply 0, +, -. The first two disagree: 2 of 3 steps.
        assert!(close(four_seconds().instability_pct, 200.0 / 3.0));
        // Moving together, at any size, is stable.
        let m = elasticity(&[1.0, 2.0, 4.0, 3.0], &[1.0, 3.0, 5.0, 2.0], 1.0);
        assert_eq!(m.instability_pct, 0.0);
        // Supply flapping under flat demand is unstable at every step.
        let m = elasticity(&[1.0; 4], &[1.0, 2.0, 1.0, 2.0], 1.0);
        assert_eq!(m.instability_pct, 100.0);
    }

    #[test]
    fn jitter_is_extra_adaptations_per_hour() {
        // Supply changes 3 times, demand never, over 4 samples of a minute: 3 / 240 s.
        let m = elasticity(&[1.0; 4], &[1.0, 2.0, 1.0, 2.0], 60.0);
        assert_eq!((m.supply_adaptations, m.demand_adaptations), (3, 0));
        assert!(close(m.jitter_per_hour, 3.0 / 240.0 * 3600.0));
        // A step demand followed by one step of supply: j = 0.
        assert_eq!(four_seconds().jitter_per_hour, 0.0);
        // Supply that never moves while demand does is negative: sluggish.
        let m = elasticity(&[1.0, 2.0, 3.0, 4.0], &[2.0; 4], 1.0);
        assert!(close(m.jitter_per_hour, -3.0 / 4.0 * 3600.0));
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
            m.jitter_per_hour,
        ];
        assert_eq!(zeros, [0.0; 8]);
        assert_eq!(m.duration_s, 5.0);
    }

    #[test]
    fn zero_demand_is_skipped_by_the_normalised_accuracy_only() {
        // t0 demand 0, supply 2: no ratio, but 2 units over for half the time.
        let m = elasticity(&[0.0, 2.0], &[2.0, 2.0], 1.0);
        assert_eq!(m.over_accuracy_pct, 0.0);
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
