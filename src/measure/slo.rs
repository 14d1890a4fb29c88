//! How a run is judged against its service level objectives ([`Slo`], which the scenario
//! layer reads and checks).
//!
//! The objectives, as a scenario writes them:
//! ```yaml
//! slo:
//!   latency: { percentile: 95, below: 300ms }  # p95 at most 300 ms
//!   errorRate: { below: 0.001 }                # at most 0.1% of requests fail
//!   minReady: 2                                # never fewer than 2 Ready pods
//!   windows: [5m, 1h]                          # rolling windows for burn rates
//! ```
//!
//! Definitions (`arrivals_i`, `failed_i` and `slow_i` of second `i`; `slow_i` is the share
//! of the second's served requests slower than the latency threshold):
//! - **missed** requests of a second: `m_i = failed_i + slow_i (arrivals_i - failed_i)`.
//!   A failed request never completes under the threshold, so it misses the latency
//!   objective too: "p95 at most 300 ms" means 95% of requests succeed within 300 ms.
//! - **allowed fraction**: `1 - percentile/100` of requests may miss the latency
//!   objective; `errorRate.below` of requests may fail.
//! - **per-second verdict** ([`second_ok`]): the second's share missed is at most the
//!   latency allowance (equivalently, its `percentile`-th latency is at most the
//!   threshold), its failed share at most the error allowance, and `ready >= minReady`.
//!   A second without arrivals meets the latency and error objectives.
//! - **budget consumed**: the run's observed fraction over the allowed fraction
//!   (latency: `sum m / sum arrivals`; errors: `sum failed / sum arrivals`). 1 means the
//!   whole budget is spent.
//! - **verdict**: met when both budgets are at most 1 (over the whole run, the
//!   percentile is at most the threshold and the error rate at most the objective) and
//!   no second has fewer than `minReady` Ready pods. Seconds that failed on their own are
//!   counted in `violationSeconds` and `episodes`, whatever the verdict.
//! - **burn rate** of a rolling window ending at second `t` (the last `w` seconds, fewer
//!   at the start of the run): the window's observed fraction over the allowed fraction,
//!   the larger of latency's and errors'. Above 1 the budget is being spent faster than
//!   the objective allows, the signal of multi-window burn-rate alerts (Google SRE
//!   Workbook, "Alerting on SLOs"). Windows are whole seconds.
//! - **a worker** (`workload.worker`): its jobs stand for the requests and `slo.jobWait`
//!   for the latency objective (`arrivals_i` the jobs first taken in second `i`, `slow_i`
//!   the share of them that waited longer than the threshold; nothing fails); a second
//!   with more than `slo.backlog.below` jobs waiting at its end misses too, and any such
//!   second violates the run, as `minReady` does.

use serde::Serialize;

use super::latency::Latency;
pub use crate::scenario::objectives::{ErrorRateObjective, InvalidSlo, LatencyObjective, Slo};

/// How many episodes a report lists (the longest, then the earliest).
pub const MAX_EPISODES: usize = 20;

/// One second's requests, as the judge needs them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SecondOutcome {
    /// Requests that arrived.
    pub arrivals: f64,
    /// Requests that failed.
    pub failed: f64,
    /// The share of the non-failed requests slower than the latency threshold.
    pub slow_fraction: f64,
    /// The second's latency percentiles (None when no pod served).
    pub latency: Option<Latency>,
    /// Ready pods.
    pub ready: u32,
    /// A worker's jobs waiting at the end of the second (0 for a server).
    pub backlog: f64,
}

/// A second's request counts, made safe: NaN, negatives and infinities are 0, failures at most
/// arrivals, the slow share within [0, 1] (NaN: all slow).
struct Counts {
    arrivals: f64,
    failed: f64,
    missed: f64,
}

fn counts(s: &SecondOutcome) -> Counts {
    let nonneg = |x: f64| if x > 0.0 && x.is_finite() { x } else { 0.0 };
    let arrivals = nonneg(s.arrivals);
    let failed = nonneg(s.failed).min(arrivals);
    let slow = if s.slow_fraction.is_nan() {
        1.0
    } else {
        s.slow_fraction.clamp(0.0, 1.0)
    };
    Counts {
        arrivals,
        failed,
        // At most the arrivals, even after rounding.
        missed: (failed + slow * (arrivals - failed)).min(arrivals),
    }
}

/// Which of a second's objectives held.
struct Verdicts {
    latency: bool,
    errors: bool,
    ready: bool,
    backlog: bool,
}

fn verdicts(slo: &Slo, s: &SecondOutcome) -> Verdicts {
    let latency_allowed = slo.latency.as_ref().map(|l| l.allowed_fraction());
    verdicts_of(slo, latency_allowed, s, &counts(s))
}

/// As [`verdicts`], with the second's [`counts`] and the latency objective's allowed
/// fraction already worked out.
fn verdicts_of(slo: &Slo, latency_allowed: Option<f64>, s: &SecondOutcome, c: &Counts) -> Verdicts {
    let share = |x: f64| {
        if c.arrivals > 0.0 {
            x / c.arrivals
        } else {
            0.0
        }
    };
    Verdicts {
        latency: latency_allowed.is_none_or(|allowed| share(c.missed) <= allowed),
        errors: slo
            .error_rate
            .as_ref()
            .is_none_or(|e| share(c.failed) <= e.below),
        ready: slo.min_ready.is_none_or(|m| s.ready >= m),
        backlog: slo.backlog.as_ref().is_none_or(|b| s.backlog <= b.below),
    }
}

/// The per-second verdict: the second's percentile at most the threshold (failed requests
/// count as slow), its error rate at most the objective, and at least `minReady` Ready
/// pods. Without arrivals the latency and error objectives hold.
pub fn second_ok(slo: &Slo, s: &SecondOutcome) -> bool {
    let v = verdicts(slo, s);
    v.latency && v.errors && v.ready && v.backlog
}

/// Whether the run met its objectives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Both budgets at most 1 and never too few Ready pods.
    Met,
    /// Otherwise.
    Violated,
}

/// Seconds that failed each rule (a second may fail several).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSeconds {
    /// Seconds whose percentile was above the threshold.
    pub latency: u64,
    /// Seconds whose error rate was above the objective.
    pub error_rate: u64,
    /// Seconds with fewer Ready pods than `minReady`.
    pub min_ready: u64,
    /// A worker's seconds with more jobs waiting than `slo.backlog` (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlog: Option<u64>,
}

/// A run of consecutive violating seconds, `[start_s, end_s)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Episode {
    /// The first violating second.
    pub start_s: u64,
    /// The first second after it that met the objectives (or the run's end).
    pub end_s: u64,
    /// `end_s - start_s`.
    pub seconds: u64,
}

/// The stretches of violation.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Episodes {
    /// How many there were.
    pub count: u64,
    /// The longest, seconds (0 without any).
    pub longest_s: u64,
    /// At most [`MAX_EPISODES`], longest first, then earliest.
    pub list: Vec<Episode>,
}

/// How much of one objective's budget the run spent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// The fraction of requests allowed to miss.
    pub allowed_fraction: f64,
    /// The fraction that did.
    pub observed_fraction: f64,
    /// `observed / allowed`: above 1, the objective was missed over the run.
    pub consumed: f64,
}

/// Burn rates over one rolling window.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowBurn {
    /// The window, whole seconds.
    pub window_s: u64,
    /// Seconds at which the window ending there burned faster than 1.
    pub seconds_over_budget: u64,
    /// The highest burn rate (0 when nothing arrived).
    pub peak_burn_rate: f64,
    /// The second the window of the peak ended at (None when no window burned).
    pub peak_at_s: Option<u64>,
}

/// The judgement of a run against its SLO.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SloReport {
    /// Met or violated (definition in the module doc).
    pub verdict: Verdict,
    /// Seconds judged.
    pub seconds: u64,
    /// Seconds that failed [`second_ok`].
    pub violation_seconds: u64,
    /// Those seconds by rule.
    pub violations_by_rule: RuleSeconds,
    /// Consecutive violating seconds.
    pub episodes: Episodes,
    /// Requests that arrived.
    pub requests: f64,
    /// Requests failed or slower than the threshold, over all requests (failed only
    /// without a latency objective; 0 without requests).
    pub missed_fraction: f64,
    /// The latency budget, when there is a latency objective.
    pub latency_budget: Option<Budget>,
    /// The error budget, when there is an error-rate objective.
    pub error_budget: Option<Budget>,
    /// One per window, in the order written; empty without latency or error objectives.
    pub windows: Vec<WindowBurn>,
}

/// Observed over allowed; an SLO that allows nothing (not a valid one) is burned
/// infinitely fast by any miss, and not at all without one.
fn burn_rate(observed: f64, allowed: f64) -> f64 {
    if allowed > 0.0 {
        observed / allowed
    } else if observed > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

fn budget(allowed: f64, bad: f64, requests: f64) -> Budget {
    let observed = if requests > 0.0 { bad / requests } else { 0.0 };
    Budget {
        allowed_fraction: allowed,
        observed_fraction: observed,
        consumed: burn_rate(observed, allowed),
    }
}

fn episodes(bad: &[bool]) -> Episodes {
    let mut all = Vec::new();
    let mut start = None;
    for (i, &b) in bad.iter().chain(std::iter::once(&false)).enumerate() {
        match (b, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                all.push(Episode {
                    start_s: s as u64,
                    end_s: i as u64,
                    seconds: (i - s) as u64,
                });
                start = None;
            }
            _ => {}
        }
    }
    let count = all.len() as u64;
    let longest_s = all.iter().map(|e| e.seconds).max().unwrap_or(0);
    all.sort_by_key(|e| (std::cmp::Reverse(e.seconds), e.start_s));
    all.truncate(MAX_EPISODES);
    Episodes {
        count,
        longest_s,
        list: all,
    }
}

/// [`SloJudging`]'s memory, kept across a thread's runs: the per-second verdicts (after a
/// judgement, [`SloBuffers::bad`] holds them) and each window's recent running sums.
#[derive(Default)]
pub struct SloBuffers {
    bad: Vec<bool>,
    rings: Vec<Ring>,
}

/// A window's running sums (arrivals, missed, failed) after each of its last `window_s`
/// seconds; those after second `t` at `t % window_s`, `at` being the next second's place.
#[derive(Default)]
struct Ring {
    sums: Vec<Sums>,
    at: usize,
}

impl SloBuffers {
    /// The last judged run's seconds: true where [`second_ok`] failed.
    pub fn bad(&self) -> &[bool] {
        &self.bad
    }
}

/// Running sums of arrivals, missed and failed requests.
type Sums = (f64, f64, f64);

/// Judges a run, one [`SecondOutcome`] per simulated second (definitions in the module
/// doc). An empty run meets every objective.
pub fn judge(slo: &Slo, seconds: &[SecondOutcome]) -> SloReport {
    judge_reusing(slo, seconds, &mut SloBuffers::default())
}

/// As [`judge`], in `buffers`' memory; leaves the per-second verdicts there.
pub fn judge_reusing(slo: &Slo, seconds: &[SecondOutcome], buffers: &mut SloBuffers) -> SloReport {
    let mut judging = SloJudging::new(slo, buffers);
    for s in seconds {
        judging.add(s);
    }
    judging.finish()
}

/// [`judge`] one second at a time, in time order: a run's judgement adds each second as
/// it reads it, and learns its verdict at once. Rolling windows keep only their last
/// `window_s` running sums, so nothing grows with the run but one verdict a second.
pub struct SloJudging<'a> {
    slo: &'a Slo,
    by_rule: RuleSeconds,
    /// Running sums after the seconds added so far.
    sums: Sums,
    latency_allowed: Option<f64>,
    error_allowed: Option<f64>,
    /// One per window, in the order written (none without latency or error objectives).
    windows: Vec<WindowBurn>,
    bad: &'a mut Vec<bool>,
    rings: &'a mut Vec<Ring>,
}

impl<'a> SloJudging<'a> {
    /// Nothing added yet.
    pub fn new(slo: &'a Slo, buffers: &'a mut SloBuffers) -> SloJudging<'a> {
        let SloBuffers { bad, rings } = buffers;
        bad.clear();
        let latency_allowed = slo.latency.as_ref().map(|l| l.allowed_fraction());
        let error_allowed = slo.error_rate.as_ref().map(|e| e.below);
        let windows: Vec<WindowBurn> = if latency_allowed.is_none() && error_allowed.is_none() {
            Vec::new()
        } else {
            (slo.windows.iter())
                .map(|w| WindowBurn {
                    window_s: (w.span().as_millis().max(0) as u64).div_ceil(1000).max(1),
                    seconds_over_budget: 0,
                    peak_burn_rate: 0.0,
                    peak_at_s: None,
                })
                .collect()
        };
        rings.resize_with(windows.len(), Ring::default);
        for ring in rings.iter_mut() {
            ring.sums.clear();
            ring.at = 0;
        }
        SloJudging {
            slo,
            by_rule: RuleSeconds {
                backlog: slo.backlog.as_ref().map(|_| 0),
                ..RuleSeconds::default()
            },
            sums: (0.0, 0.0, 0.0),
            latency_allowed,
            error_allowed,
            windows,
            bad,
            rings,
        }
    }

    /// The next second; true when it failed [`second_ok`].
    #[inline]
    pub fn add(&mut self, s: &SecondOutcome) -> bool {
        let c = counts(s);
        let v = verdicts_of(self.slo, self.latency_allowed, s, &c);
        let by_rule = &mut self.by_rule;
        by_rule.latency += u64::from(!v.latency);
        by_rule.error_rate += u64::from(!v.errors);
        by_rule.min_ready += u64::from(!v.ready);
        if let Some(b) = &mut by_rule.backlog {
            *b += u64::from(!v.backlog);
        }
        let bad = !(v.latency && v.errors && v.ready && v.backlog);
        // The second's index, counted from 0.
        let t = self.bad.len();
        self.bad.push(bad);
        let (requests, missed, failed) = &mut self.sums;
        *requests += c.arrivals;
        *missed += c.missed;
        *failed += c.failed;
        let to = self.sums;
        let (latency_allowed, error_allowed) = (self.latency_allowed, self.error_allowed);
        let burn = |(a0, m0, f0): Sums, (a1, m1, f1): Sums| {
            let requests = a1 - a0;
            if requests <= 0.0 {
                return 0.0;
            }
            let latency = latency_allowed.map_or(0.0, |a| burn_rate((m1 - m0) / requests, a));
            let errors = error_allowed.map_or(0.0, |a| burn_rate((f1 - f0) / requests, a));
            latency.max(errors)
        };
        for (out, ring) in self.windows.iter_mut().zip(self.rings.iter_mut()) {
            // The window ending at second t runs from the sums before second
            // t + 1 - window_s (the run's start for the first ones) to those after t.
            let width = out.window_s as usize;
            let from = if t < width {
                (0.0, 0.0, 0.0)
            } else {
                ring.sums[ring.at]
            };
            let rate = burn(from, to);
            out.seconds_over_budget += u64::from(rate > 1.0);
            if rate > out.peak_burn_rate {
                out.peak_burn_rate = rate;
                out.peak_at_s = Some(t as u64);
            }
            // The sums after second t sit where the window ending at t + width needs them.
            if t < width {
                ring.sums.push(to);
            } else {
                ring.sums[ring.at] = to;
            }
            ring.at = if ring.at + 1 == width { 0 } else { ring.at + 1 };
        }
        bad
    }

    /// The report over the seconds added.
    pub fn finish(self) -> SloReport {
        let slo = self.slo;
        let (requests, missed, failed) = self.sums;
        let by_rule = self.by_rule;
        let latency_budget = (self.latency_allowed).map(|a| budget(a, missed, requests));
        let error_budget = (self.error_allowed).map(|a| budget(a, failed, requests));
        let spent = |b: Option<Budget>| b.is_some_and(|b| b.consumed > 1.0);
        let verdict = if spent(latency_budget)
            || spent(error_budget)
            || by_rule.min_ready > 0
            || by_rule.backlog.is_some_and(|b| b > 0)
        {
            Verdict::Violated
        } else {
            Verdict::Met
        };
        let missed_share = if slo.latency.is_some() {
            missed
        } else {
            failed
        };
        let bad: &[bool] = self.bad;
        SloReport {
            verdict,
            seconds: bad.len() as u64,
            violation_seconds: bad.iter().filter(|b| **b).count() as u64,
            violations_by_rule: by_rule,
            episodes: episodes(bad),
            requests,
            missed_fraction: if requests > 0.0 {
                missed_share / requests
            } else {
                0.0
            },
            latency_budget,
            error_budget,
            windows: self.windows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Duration;

    fn secs(s: f64) -> Duration {
        Duration(crate::core::Span::from_millis((s * 1000.0) as i64))
    }

    /// p90 at most 200 ms, at most 10% failed, at least 2 Ready.
    fn slo() -> Slo {
        Slo {
            latency: Some(LatencyObjective {
                percentile: 90.0,
                below: secs(0.2),
            }),
            error_rate: Some(ErrorRateObjective { below: 0.1 }),
            min_ready: Some(2),
            windows: vec![secs(2.0)],
            ..Slo::default()
        }
    }

    fn second(arrivals: f64, failed: f64, slow_fraction: f64, ready: u32) -> SecondOutcome {
        SecondOutcome {
            arrivals,
            failed,
            slow_fraction,
            latency: None,
            ready,
            backlog: 0.0,
        }
    }

    #[test]
    fn a_second_is_judged_by_each_rule() {
        #[rustfmt::skip]
        let cases = [
            ("all fast, none failed, enough Ready",   second(100.0, 0.0, 0.0, 2), true),
            ("slow share at the allowance holds",     second(100.0, 0.0, 0.1, 2), true),
            ("slow share above the allowance fails",  second(100.0, 0.0, 0.11, 2), false),
            ("failed requests count as slow",         second(100.0, 6.0, 0.05, 2), false),
            ("error rate at the objective holds",     second(100.0, 10.0, 0.0, 2), true),
            ("error rate above the objective fails",  second(100.0, 11.0, 0.0, 9), false),
            ("too few Ready pods fail",               second(100.0, 0.0, 0.0, 1), false),
            ("no arrivals: latency and errors hold",  second(0.0, 0.0, 1.0, 2), true),
            ("no arrivals still need Ready pods",     second(0.0, 0.0, 0.0, 0), false),
            ("NaN slow share counts as all slow",     second(10.0, 0.0, f64::NAN, 2), false),
            ("NaN arrivals count as none",            second(f64::NAN, 3.0, 1.0, 2), true),
        ];
        for (rule, s, want) in cases {
            assert_eq!(second_ok(&slo(), &s), want, "{rule}");
        }
        // Without objectives every second is fine.
        assert!(second_ok(&Slo::default(), &second(10.0, 10.0, 1.0, 0)));
    }

    #[test]
    fn episodes_are_runs_of_violating_seconds_longest_first() {
        // ok bad bad ok bad ok bad bad  (seconds 0..8)
        let pattern = [true, false, false, true, false, true, false, false];
        let run: Vec<_> = pattern
            .iter()
            .map(|&ok| second(100.0, 0.0, if ok { 0.0 } else { 0.5 }, 2))
            .collect();
        let r = judge(&slo(), &run);
        assert_eq!(r.violation_seconds, 5);
        assert_eq!(r.violations_by_rule.latency, 5);
        assert_eq!(r.episodes.count, 3);
        assert_eq!(r.episodes.longest_s, 2);
        let spans: Vec<_> = r
            .episodes
            .list
            .iter()
            .map(|e| (e.start_s, e.end_s, e.seconds))
            .collect();
        assert_eq!(spans, [(1, 3, 2), (6, 8, 2), (4, 5, 1)]);
    }

    #[test]
    fn episode_list_keeps_the_longest_twenty() {
        // 30 one-second episodes, then one of 3 seconds: the 3-second one leads, then
        // the 19 earliest one-second ones.
        let mut run = Vec::new();
        for _ in 0..30 {
            run.push(second(1.0, 0.0, 0.0, 0));
            run.push(second(1.0, 0.0, 0.0, 2));
        }
        run.extend([second(1.0, 0.0, 0.0, 0); 3]);
        let e = judge(&slo(), &run).episodes;
        assert_eq!((e.count, e.longest_s, e.list.len()), (31, 3, MAX_EPISODES));
        assert_eq!(e.list[0].start_s, 60);
        assert_eq!(e.list[1].start_s, 0);
        assert_eq!(e.list[19].start_s, 36);
    }

    #[test]
    fn budgets_are_observed_over_allowed_fractions() {
        // 100 + 300 requests. Missed: 10 failed + 0.5 x 90 slow = 55, and 0.
        // Latency: 55/400 = 0.1375 over 0.1 -> 1.375. Errors: 10/400 = 0.025 -> 0.25.
        let run = [second(100.0, 10.0, 0.5, 2), second(300.0, 0.0, 0.0, 2)];
        let r = judge(&slo(), &run);
        assert_eq!(r.requests, 400.0);
        assert!((r.missed_fraction - 0.1375).abs() < 1e-12);
        let l = r.latency_budget.unwrap();
        assert!((l.allowed_fraction - 0.1).abs() < 1e-12);
        assert!((l.consumed - 1.375).abs() < 1e-12);
        let e = r.error_budget.unwrap();
        assert!((e.observed_fraction - 0.025).abs() < 1e-12);
        assert!((e.consumed - 0.25).abs() < 1e-12);
        assert_eq!(
            r.verdict,
            Verdict::Violated,
            "the latency budget is overspent"
        );
    }

    #[test]
    fn verdict_is_met_when_budgets_hold_even_with_bad_seconds() {
        // One bad second (30% slow) among nine clean ones: 30/1000 = 3% missed, within
        // the 10% allowance, so the run meets its objective over the whole.
        let mut run = vec![second(100.0, 0.0, 0.0, 2); 10];
        run[4] = second(100.0, 0.0, 0.3, 2);
        let r = judge(&slo(), &run);
        assert_eq!(r.violation_seconds, 1);
        assert_eq!(r.verdict, Verdict::Met);
        // But a single second below minReady violates it.
        run[7].ready = 1;
        assert_eq!(judge(&slo(), &run).verdict, Verdict::Violated);
    }

    #[test]
    fn burn_rate_is_the_windows_miss_share_over_the_allowance() {
        // Window 2 s, allowances 10% (latency) and 10% (errors).
        // t0: 100 req, 20 slow             -> window {t0}:    20/100 / 0.1 = 2.0
        // t1: 100 req, none missed         -> window {t0,t1}: 20/200 / 0.1 = 1.0 (not > 1)
        // t2: 100 req, none missed         -> window {t1,t2}: 0
        // t3: 200 req, 30 failed (= missed) -> window {t2,t3}: 30/300 / 0.1 = 1.0 for both
        // t4: 100 req, 25 failed            -> window {t3,t4}: 55/300 / 0.1 = 1.8333
        let run = [
            second(100.0, 0.0, 0.2, 2),
            second(100.0, 0.0, 0.0, 2),
            second(100.0, 0.0, 0.0, 2),
            second(200.0, 30.0, 0.0, 2),
            second(100.0, 25.0, 0.0, 2),
        ];
        let w = judge(&slo(), &run).windows;
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].window_s, 2);
        assert_eq!(w[0].seconds_over_budget, 2, "t0 and t4");
        assert!((w[0].peak_burn_rate - 2.0).abs() < 1e-12);
        assert_eq!(w[0].peak_at_s, Some(0));
    }

    #[test]
    fn windows_round_up_to_whole_seconds_and_need_an_objective() {
        let mut s = slo();
        s.windows = vec![secs(1.5)];
        let run = [second(10.0, 0.0, 0.0, 2)];
        assert_eq!(judge(&s, &run).windows[0].window_s, 2);
        s.latency = None;
        s.error_rate = None;
        assert!(judge(&s, &run).windows.is_empty());
    }

    #[test]
    fn an_empty_run_meets_every_objective() {
        let r = judge(&slo(), &[]);
        assert_eq!(r.verdict, Verdict::Met);
        assert_eq!(
            (r.seconds, r.violation_seconds, r.episodes.count),
            (0, 0, 0)
        );
        assert_eq!(r.missed_fraction, 0.0);
        assert_eq!(r.latency_budget.unwrap().consumed, 0.0);
        assert_eq!(r.windows[0].peak_at_s, None);
    }

    #[test]
    fn validation_names_the_bad_field() {
        type Edit = fn(&mut Slo);
        let with = |f: Edit| {
            let mut s = slo();
            f(&mut s);
            s.validate().map_err(|e| e.field)
        };
        assert_eq!(with(|_| {}), Ok(()));
        assert_eq!(with(|s| *s = Slo::default()), Ok(()));
        #[rustfmt::skip]
        let cases: [(Edit, &str); 7] = [
            (|s| s.latency.as_mut().unwrap().percentile = 0.0,      "slo.latency.percentile"),
            (|s| s.latency.as_mut().unwrap().percentile = 100.0,    "slo.latency.percentile"),
            (|s| s.latency.as_mut().unwrap().percentile = f64::NAN, "slo.latency.percentile"),
            (|s| s.latency.as_mut().unwrap().below = secs(0.0),     "slo.latency.below"),
            (|s| s.error_rate.as_mut().unwrap().below = 0.0,        "slo.errorRate.below"),
            (|s| s.error_rate.as_mut().unwrap().below = 1.0,        "slo.errorRate.below"),
            (|s| s.windows.push(secs(0.0)),                         "slo.windows[1]"),
        ];
        for (f, field) in cases {
            assert_eq!(with(f), Err(field.to_string()));
        }
    }

    proptest::proptest! {
        #[test]
        fn judge_never_panics_and_keeps_fractions_in_range(
            raw in proptest::collection::vec(
                (proptest::num::f64::ANY, proptest::num::f64::ANY, proptest::num::f64::ANY, 0u32..4),
                0..40,
            ),
        ) {
            let run: Vec<_> = raw.iter().map(|&(a, f, slow, r)| second(a, f, slow, r)).collect();
            let r = judge(&slo(), &run);
            proptest::prop_assert!((0.0..=1.0).contains(&r.missed_fraction));
            proptest::prop_assert!(r.windows[0].peak_burn_rate >= 0.0);
            proptest::prop_assert_eq!(r.seconds, run.len() as u64);
        }

        /// The burn rates are those of every window, each worked out afresh, to the bit:
        /// reading the running sums in one pass changes nothing.
        #[test]
        fn window_burn_rates_are_every_windows_own(
            raw in proptest::collection::vec(
                (0.0..50.0f64, 0.0..3.0f64, proptest::prop_oneof![3 => proptest::strategy::Just(0.0), 1 => 0.0..1.0f64]),
                0..120,
            ),
            widths in proptest::collection::vec(1u64..30, 1..3),
        ) {
            let run: Vec<_> = raw
                .iter()
                .map(|&(a, f, slow)| second(a, if f < 2.5 { 0.0 } else { f }, slow, 3))
                .collect();
            let slo = Slo {
                windows: widths.iter().map(|&w| secs(w as f64)).collect(),
                ..slo()
            };
            let r = judge(&slo, &run);
            let c: Vec<Counts> = run.iter().map(counts).collect();
            for (k, &w) in widths.iter().enumerate() {
                let mut want = WindowBurn {
                    window_s: w,
                    seconds_over_budget: 0,
                    peak_burn_rate: 0.0,
                    peak_at_s: None,
                };
                for t in 0..run.len() {
                    let from = (t + 1).saturating_sub(w as usize);
                    // Sums as the judgement adds them: from the run's start, then the
                    // difference.
                    let upto = |end: usize| {
                        c[..end].iter().fold((0.0, 0.0, 0.0), |(a, m, f), x| {
                            (a + x.arrivals, m + x.missed, f + x.failed)
                        })
                    };
                    let ((a0, m0, f0), (a1, m1, f1)) = (upto(from), upto(t + 1));
                    let requests = a1 - a0;
                    let rate = if requests <= 0.0 {
                        0.0
                    } else {
                        let l = burn_rate((m1 - m0) / requests, 0.1);
                        let e = burn_rate((f1 - f0) / requests, 0.1);
                        l.max(e)
                    };
                    want.seconds_over_budget += u64::from(rate > 1.0);
                    if rate > want.peak_burn_rate {
                        want.peak_burn_rate = rate;
                        want.peak_at_s = Some(t as u64);
                    }
                }
                proptest::prop_assert_eq!(r.windows[k].seconds_over_budget, want.seconds_over_budget);
                proptest::prop_assert_eq!(r.windows[k].peak_burn_rate.to_bits(), want.peak_burn_rate.to_bits());
                proptest::prop_assert_eq!(r.windows[k].peak_at_s, want.peak_at_s);
            }
        }
    }

    #[test]
    fn yaml_reads_as_written_with_default_windows() {
        let yaml = "latency: { percentile: 95, below: 300ms }\n\
                    errorRate: { below: 0.001 }\n\
                    minReady: 2\n";
        let s: Slo = serde_saphyr::from_str(yaml).unwrap();
        let l = s.latency.as_ref().unwrap();
        assert_eq!((l.percentile, l.threshold_s()), (95.0, 0.3));
        assert_eq!(s.error_rate.as_ref().unwrap().below, 0.001);
        assert_eq!(s.min_ready, Some(2));
        assert_eq!(s.windows, [secs(300.0), secs(3600.0)]);
        let s: Slo = serde_saphyr::from_str("latency: { percentile: 99, below: 1.5s }\n").unwrap();
        assert_eq!(s.latency.unwrap().threshold_s(), 1.5);
        let bare = serde_saphyr::from_str::<Slo>("latency: { percentile: 99, below: 1.5 }\n");
        assert!(
            bare.is_err_and(|e| e.to_string().contains("write `1.5s`")),
            "a bare number is refused"
        );
        let s: Slo = serde_saphyr::from_str("windows: [30s]\n").unwrap();
        assert_eq!(s.windows, [secs(30.0)]);
        assert!(serde_saphyr::from_str::<Slo>("latncy: {}\n").is_err());
        assert!(serde_saphyr::from_str::<Slo>("errorRate: { below: 0.1, x: 1 }\n").is_err());
    }
}
