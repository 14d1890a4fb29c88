//! CPU accounting, metrics-server scrapes and the settled group.
//!
//! Each second adds each pod's CPU to its integral; a scrape averages the integral over
//! the metrics-server window. Warm Ready pods are alike, so they share one integral and one
//! sample (the settled group); this file owns who joins and leaves that group. It reads the
//! serving model's figures and never decides anything the controller decides.

use std::collections::VecDeque;

use super::engine::{SECOND, Sim};
use super::pods::{CpuParts, Pod, PodSample, Scrape, Stage, add_parts, sub_parts};
use crate::core::Time;

/// The warm Ready pods, tracked once: they are alike in every figure the controller
/// reads, so they cost nothing per second and reach the core as one counted entry.
pub(super) struct SettledGroup {
    /// Settled pods: Ready, warm, past the controller's cpu initialization period, their
    /// samples those of the warm pods. Changed only by `join` and `leave`.
    pub(super) pods: Vec<usize>,
    /// Each pod's place in `pods` (by pod index; `NOT_SETTLED` when it is not there), so
    /// that a pod leaves without a search: deleting n settled pods costs n, not n².
    slot: Vec<usize>,
    /// The CPU integral shared by every warm pod (millicore-milliseconds); a pod's own
    /// integral is this plus its offset.
    pub(super) integral: f64,
    /// The shared integral's parts.
    pub(super) parts: CpuParts,
    /// CPU (millicores) and requests served by each warm Ready pod in the last second.
    pub(super) cpu_milli: f64,
    pub(super) served: f64,
    /// The shared integral at each scrape, a window's worth kept.
    pub(super) scrapes: VecDeque<Scrape>,
    /// The warm pods' latest sample.
    pub(super) sample: Option<PodSample>,
    /// The settled pods' entry in the core's snapshot, kept between syncs.
    pub(super) entry: Option<crate::core::snapshot::Pod>,
}

impl SettledGroup {
    /// No pod yet; a warm pod's CPU starts at the baseline.
    pub(super) fn new(baseline_milli: f64) -> SettledGroup {
        SettledGroup {
            pods: vec![],
            slot: vec![],
            integral: 0.0,
            parts: [0.0; 3],
            cpu_milli: baseline_milli,
            served: 0.0,
            scrapes: VecDeque::new(),
            sample: None,
            entry: None,
        }
    }

    /// Pod `i` joins the group, last.
    pub(super) fn join(&mut self, i: usize) {
        if self.slot.len() <= i {
            self.slot.resize(i + 1, NOT_SETTLED);
        }
        self.slot[i] = self.pods.len();
        self.pods.push(i);
    }

    /// Pod `i` leaves the group, the last one taking its place (as `swap_remove` does);
    /// false when it was not in it.
    pub(super) fn leave(&mut self, i: usize) -> bool {
        let Some(k) = self.slot.get(i).copied().filter(|&k| k != NOT_SETTLED) else {
            return false;
        };
        self.slot[i] = NOT_SETTLED;
        self.pods.swap_remove(k);
        if let Some(&moved) = self.pods.get(k) {
            self.slot[moved] = k;
        }
        true
    }
}

/// A pod's slot when it is not settled.
const NOT_SETTLED: usize = usize::MAX;

/// The scrape a window ending at `now` starts from: the newest one at least `window`
/// before `now`.
fn window_start<'a>(
    scrapes: impl DoubleEndedIterator<Item = &'a Scrape>,
    now: Time,
    window: crate::core::Span,
) -> Option<Scrape> {
    scrapes
        .rev()
        .find(|s| s.at.as_millis() <= now.as_millis() - window.as_millis())
        .copied()
}

/// CPU (millicores) averaged from the scrape `from` to `now`, when the integral is
/// `integral`; none for a window of no time.
fn mean_cpu(from: Scrape, now: Time, integral: f64) -> Option<f64> {
    (now > from.at)
        .then(|| (integral - from.integral) / (now.as_millis() - from.at.as_millis()) as f64)
}

/// The CPU parts averaged from the scrape `from` to `now` (`now` after `from`).
fn mean_parts(from: Scrape, now: Time, parts: CpuParts) -> CpuParts {
    let span = (now.as_millis() - from.at.as_millis()).max(1) as f64;
    sub_parts(parts, from.parts).map(|x| x / span)
}

/// One second's CPU parts: the baselines burnt, `work` requests (times warm-up) served,
/// `extra` millicores of start-up beyond the baselines.
fn second_parts(work: f64, extra: f64) -> CpuParts {
    [1000.0, work * 1000.0, extra * 1000.0]
}

impl Sim<'_> {
    /// The CPU factor of a pod warming up: `cpuFactor` when it becomes Ready, falling
    /// linearly to 1 over the warm-up.
    pub(super) fn warm_factor(&self, p: &Pod, t: Time) -> f64 {
        let Some(w) = &self.sc.file.workload.startup.warmup else {
            return 1.0;
        };
        let Some(ready_at) = p.ready_at else {
            return 1.0;
        };
        let elapsed = (t.as_millis() - ready_at.as_millis()) as f64;
        let total = w.duration.span().as_millis() as f64;
        if elapsed >= total || total <= 0.0 {
            1.0
        } else {
            w.cpu_factor - (w.cpu_factor - 1.0) * elapsed / total
        }
    }

    /// Adds this second's CPU to each pod's integral; warm Ready pods share one integral.
    pub(super) fn account_cpu(
        &mut self,
        warming: &[usize],
        factors: &[f64],
        served: &[f64],
        steady_served: f64,
    ) {
        let now = self.t;
        let startup_cpu = self.startup_cpu_milli;
        // A starting pod's CPU beyond its containers' baselines (the application's).
        let startup_extra = startup_cpu.min(self.serving.limit_milli) - self.serving.baseline_milli;
        self.settled.integral += self.settled.cpu_milli * 1000.0;
        self.settled.parts = add_parts(self.settled.parts, second_parts(self.settled.served, 0.0));
        for (k, &i) in warming.iter().enumerate() {
            let cpu = self.serving.cpu(served[k], factors[k]);
            let p = &mut self.pods[i];
            p.cpu_milli = cpu;
            p.served = served[k];
            p.cpu_integral += cpu * 1000.0;
            p.parts = add_parts(p.parts, second_parts(served[k] * factors[k], 0.0));
        }
        let steady_integral = self.settled.integral;
        let steady_parts = self.settled.parts;
        let steady_cpu = self.settled.cpu_milli;
        for idx in 0..self.tracked.len() {
            let i = self.tracked[idx];
            let serves = self.pods[i].serves(now);
            let warm = serves && self.warm_factor(&self.pods[i], now) <= 1.0;
            let p = &mut self.pods[i];
            match (p.steady_offset, warm) {
                (Some(_), true) => {}
                (None, true) => {
                    // Joins the warm pods: from now on its integral follows theirs.
                    p.cpu_integral += steady_cpu * 1000.0;
                    p.parts = add_parts(p.parts, second_parts(steady_served, 0.0));
                    p.steady_offset = Some(p.cpu_integral - steady_integral);
                    p.steady_parts_offset = sub_parts(p.parts, steady_parts);
                    p.steady_from = Some(now.plus(SECOND));
                    p.cpu_milli = steady_cpu;
                    p.served = steady_served;
                }
                (Some(off), false) => {
                    p.cpu_integral = steady_integral + off;
                    p.parts = add_parts(steady_parts, p.steady_parts_offset);
                    p.steady_offset = None;
                    p.steady_from = None;
                }
                (None, false) if serves => {}
                (None, false) => {
                    let (cpu, parts) = match p.stage {
                        Stage::Running | Stage::Terminating => (
                            startup_cpu.min(self.serving.limit_milli),
                            second_parts(0.0, startup_extra),
                        ),
                        Stage::Ready => (self.serving.baseline_milli, second_parts(0.0, 0.0)),
                        _ => (0.0, [0.0; 3]),
                    };
                    p.cpu_milli = cpu;
                    p.served = 0.0;
                    p.cpu_integral += cpu * 1000.0;
                    p.parts = add_parts(p.parts, parts);
                }
            }
        }
    }

    /// A pod's CPU (millicores) and requests served in the last second; warm Ready pods
    /// share the figures kept once for all of them.
    pub(super) fn last_second(&self, p: &Pod) -> (f64, f64) {
        match p.steady_offset {
            Some(_) => (self.settled.cpu_milli, self.settled.served),
            None => (p.cpu_milli, p.served),
        }
    }

    /// Memory a pod holds serving `served` requests a second, milli-bytes.
    pub(super) fn memory_milli(&self, served: f64) -> f64 {
        self.memory_base + self.memory_per_request * served
    }

    /// A pod's CPU integral, its own or the warm pods' plus its offset.
    pub(super) fn integral(&self, p: &Pod) -> f64 {
        match p.steady_offset {
            Some(off) => self.settled.integral + off,
            None => p.cpu_integral,
        }
    }

    /// The pod's CPU integral and parts become its own again (it is being deleted): they
    /// no longer follow the warm pods'.
    pub(super) fn detach_cpu(&mut self, i: usize) {
        let (integral, parts) = (self.integral(&self.pods[i]), self.parts(&self.pods[i]));
        let p = &mut self.pods[i];
        p.cpu_integral = integral;
        p.parts = parts;
        p.steady_offset = None;
    }

    /// CPU a starting pod burns, millicores: `startupCpu` for the application while the
    /// other containers burn their baselines; without it, the containers' baselines.
    pub(super) fn startup_cpu(&self) -> f64 {
        (self.sc.file.workload.startup.startup_cpu.as_ref())
            .map(|q| q.milli() as f64 + self.sidecar_baselines())
            .unwrap_or(self.serving.baseline_milli)
    }

    /// CPU the containers after the first (the application) burn with no load, millicores.
    fn sidecar_baselines(&self) -> f64 {
        (self.sc.pod.containers.iter().skip(1))
            .map(|c| c.baseline_cpu)
            .sum::<i64>() as f64
    }

    /// A pod's CPU parts, its own or the warm pods' plus its offset.
    pub(super) fn parts(&self, p: &Pod) -> CpuParts {
        match p.steady_offset {
            Some(_) => add_parts(self.settled.parts, p.steady_parts_offset),
            None => p.parts,
        }
    }

    /// A sample of `cpu` millicores (its `parts` averaged) and the memory of a pod serving
    /// `served`, stamped now.
    fn sample(&self, cpu: f64, parts: CpuParts, served: f64) -> PodSample {
        PodSample {
            at: self.t,
            cpu_milli: cpu.round() as i64,
            memory_milli: self.memory_milli(served).round() as i64,
            parts,
            served,
        }
    }

    /// metrics-server: each running container's CPU averaged over the window, stamped now.
    /// Warm pods whose window lies wholly in their warm stretch share one sample; such a
    /// pod past the cpu initialization period settles.
    pub(super) fn scrape(&mut self) {
        let now = self.t;
        let window = self.sc.file.metrics_server.window.span();
        let keep = (window.as_millis() / self.sc.file.metrics_server.resolution.span().as_millis())
            as usize
            + 2;
        let from = window_start(self.settled.scrapes.iter(), now, window);
        let steady_from = from.map(|s| s.at);
        self.settled.sample = from.and_then(|f| {
            let cpu = mean_cpu(f, now, self.settled.integral)?;
            let parts = mean_parts(f, now, self.settled.parts);
            Some(self.sample(cpu, parts, self.settled.served))
        });
        self.settled.scrapes.push_back(Scrape {
            at: now,
            integral: self.settled.integral,
            parts: self.settled.parts,
        });
        if self.settled.scrapes.len() > keep {
            self.settled.scrapes.pop_front();
        }
        let settle_started_by = now.minus(self.sc.controller_flags().cpu_initialization_period);
        let mut idx = 0;
        while idx < self.tracked.len() {
            let i = self.tracked[idx];
            let integral = self.integral(&self.pods[i]);
            let parts = self.parts(&self.pods[i]);
            let p = &self.pods[i];
            let Some(started) = p.container_started else {
                idx += 1;
                continue;
            };
            let warm_all_window = p.steady_offset.is_some()
                && p.steady_from.zip(steady_from).is_some_and(|(f, t)| f <= t);
            let sample = if warm_all_window {
                self.settled.sample
            } else {
                // The window's start: the scrape `window` ago, else the container's start.
                // metrics-server needs two points a window apart before it reports a pod.
                window_start(p.scrapes.iter(), now, window)
                    .filter(|s| s.at >= started)
                    .and_then(|f| {
                        let cpu = mean_cpu(f, now, integral)?;
                        let parts = mean_parts(f, now, parts);
                        Some(self.sample(cpu, parts, self.last_second(p).1))
                    })
            };
            let settles = warm_all_window
                && sample.is_some()
                && p.stage == Stage::Ready
                && p.start_time.is_some_and(|s| s <= settle_started_by);
            let p = &mut self.pods[i];
            if sample.is_some() {
                p.sample = sample;
            }
            if settles {
                p.scrapes.clear();
                self.tracked.swap_remove(idx);
                self.settled.join(i);
                continue;
            }
            p.scrapes.push(Scrape {
                at: now,
                integral,
                parts,
            });
            if p.scrapes.len() > keep {
                p.scrapes.remove(0);
            }
            idx += 1;
        }
    }

    /// A settled pod leaves the group (it is being deleted): its own scrape history and
    /// sample are the warm pods' ones, from when it joined them.
    pub(super) fn unsettle(&mut self, i: usize) {
        if !self.settled.leave(i) {
            return;
        }
        let p = &mut self.pods[i];
        let (off, from) = (p.steady_offset.unwrap_or(0.0), p.steady_from);
        let parts_off = p.steady_parts_offset;
        p.scrapes = (self.settled.scrapes.iter())
            .filter(|s| from.is_some_and(|f| f <= s.at))
            .map(|s| Scrape {
                at: s.at,
                integral: s.integral + off,
                parts: add_parts(s.parts, parts_off),
            })
            .collect();
        p.sample = self.settled.sample;
        self.tracked.push(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;
    use crate::sim::engine::{Options, Sim};
    use crate::sim::testing;

    fn at(s: i64) -> Time {
        Time::from_millis(s * 1000)
    }

    #[test]
    fn a_window_starts_at_the_newest_scrape_a_window_old() {
        let scrapes: Vec<Scrape> = [0, 15, 30, 45]
            .map(|s| Scrape {
                at: at(s),
                integral: s as f64,
                parts: [0.0; 3],
            })
            .to_vec();
        let w = Span::from_secs(30);
        // (now, the scrape the window starts at)
        for (now, start) in [(60, Some(30)), (59, Some(15)), (45, Some(15)), (29, None)] {
            let got = window_start(scrapes.iter(), at(now), w).map(|s| s.at);
            assert_eq!(got, start.map(at), "now {now}");
        }
    }

    #[test]
    fn mean_cpu_is_the_integral_over_the_window_and_none_for_no_time() {
        let from = Scrape {
            at: at(10),
            integral: 1_000_000.0,
            parts: [0.0; 3],
        };
        // 300m for 30 s is 9 000 000 millicore-ms.
        assert_eq!(mean_cpu(from, at(40), 10_000_000.0), Some(300.0));
        assert_eq!(mean_cpu(from, at(10), 10_000_000.0), None);
    }

    #[test]
    fn the_settled_group_takes_warm_pods_past_the_cpu_initialization_period_and_gives_them_back() {
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}",
            "controller: {cpuInitializationPeriod: 0s}",
        );
        let mut sim = Sim::new(&sc, &Options::default(), 1);
        let steady = sim.settled.cpu_milli;
        // Two seconds of steady CPU, scraped every 15 s as metrics-server does.
        for s in 0..=60 {
            sim.t = sc.start.plus(Span::from_secs(s));
            if s % 15 == 0 {
                sim.scrape();
            }
            sim.account_cpu(&[], &[], &[], 0.0);
        }
        assert_eq!(sim.settled.pods.len(), 2, "both initial pods settle");
        assert!(sim.tracked.is_empty());
        // The shared integral holds one pod's CPU: 61 seconds at the baseline.
        assert_eq!(sim.settled.integral, steady * 1000.0 * 61.0);
        let sample = sim.settled.sample.expect("the warm pods have a sample");
        assert_eq!(sample.cpu_milli, steady.round() as i64);
        // Leaving the group, a pod takes the warm pods' history and sample with it.
        let leaving = sim.settled.pods[0];
        sim.unsettle(leaving);
        assert_eq!(sim.settled.pods.len(), 1);
        assert_eq!(sim.tracked, vec![leaving]);
        assert_eq!(sim.pods[leaving].sample, Some(sample));
        assert!(!sim.pods[leaving].scrapes.is_empty());
        // An initial pod's integral was the warm pods' all along.
        assert_eq!(sim.integral(&sim.pods[leaving]), sim.settled.integral);
    }

    #[test]
    fn warm_up_falls_linearly_from_the_cpu_factor_to_one() {
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}\n    warmup: {duration: 60s, cpuFactor: 2}",
            "",
        );
        let sim = Sim::new(&sc, &Options::default(), 1);
        let mut p = Pod::new("p".into(), at(0));
        assert_eq!(sim.warm_factor(&p, at(10)), 1.0, "never Ready: no warm-up");
        p.ready_at = Some(at(100));
        for (t, f) in [(100, 2.0), (130, 1.5), (160, 1.0), (1000, 1.0)] {
            assert_eq!(sim.warm_factor(&p, at(t)), f, "at {t}");
        }
    }

    #[test]
    fn the_settled_group_knows_each_pods_place_after_any_leaves() {
        let mut group = SettledGroup::new(0.0);
        for i in [4, 7, 1, 9, 3] {
            group.join(i);
        }
        // (pod leaving, in the group, the group after, as `swap_remove` leaves it)
        let cases: [(usize, bool, &[usize]); 5] = [
            (7, true, &[4, 3, 1, 9]),
            (7, false, &[4, 3, 1, 9]),
            (9, true, &[4, 3, 1]),
            (4, true, &[1, 3]),
            (0, false, &[1, 3]),
        ];
        for (i, was, after) in cases {
            assert_eq!(group.leave(i), was, "pod {i}");
            assert_eq!(group.pods, after, "after pod {i} left");
        }
        group.join(7);
        assert!(group.leave(3) && group.leave(1) && group.leave(7));
        assert!(group.pods.is_empty());
    }
}
