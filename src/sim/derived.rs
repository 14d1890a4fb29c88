//! Derived metrics: the custom and external metrics an adapter would serve, computed from
//! the simulation's per-second history (arrivals, queue, requests served per pod),
//! averaged over the metric's window and `delay` seconds stale. Owns that history only.

use std::collections::{BTreeMap, VecDeque};

use crate::core::Span;
use crate::scenario::model::{DerivedMetric, MetricSourceKind};

/// One second as derived metrics read it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct SecondSeries {
    /// Requests that arrived.
    pub(super) arrivals: f64,
    /// Requests waiting at the end of the second.
    pub(super) queued: f64,
    /// Requests served per serving pod.
    pub(super) served_per_pod: f64,
    /// A worker's queue in the second.
    pub(super) jobs: Option<crate::sim::JobSecond>,
}

impl SecondSeries {
    /// The figure a metric of this source follows.
    pub(super) fn of(&self, source: MetricSourceKind) -> f64 {
        match source {
            MetricSourceKind::RequestsPerSecond => self.arrivals,
            MetricSourceKind::QueueDepth => self.queued,
            MetricSourceKind::PodRequestsPerSecond => self.served_per_pod,
            MetricSourceKind::OldestJobAge => {
                self.jobs.map_or(0.0, |j| j.oldest_age_ms as f64 / 1000.0)
            }
            MetricSourceKind::JobsInFlight => self.jobs.map_or(0.0, |j| f64::from(j.in_flight)),
            MetricSourceKind::JobsCompletedPerSecond => {
                self.jobs.map_or(0.0, |j| f64::from(j.completed))
            }
            // Not derived from the run: `sim/external.rs` serves it.
            MetricSourceKind::Given => 0.0,
        }
    }
}

/// The rate window of a metric's query (default 60 s).
pub(super) fn window_of(d: &DerivedMetric) -> Span {
    d.window.map(|w| w.span()).unwrap_or(Span::from_secs(60))
}

/// How stale a metric is when the HPA reads it (default 30 s).
pub(super) fn delay_of(d: &DerivedMetric) -> Span {
    d.delay.map(|w| w.span()).unwrap_or(Span::from_secs(30))
}

/// The last seconds, as many as the longest window and delay need.
pub(super) struct Series {
    seconds: VecDeque<SecondSeries>,
    len: usize,
}

impl Series {
    /// Room for the scenario's derived metrics.
    pub(super) fn for_metrics(metrics: &BTreeMap<String, DerivedMetric>) -> Series {
        let len = metrics
            .values()
            .map(|d| (window_of(d).as_millis() + delay_of(d).as_millis()) / 1000 + 2)
            .max()
            .unwrap_or(1) as usize;
        Series {
            seconds: VecDeque::with_capacity(len + 1),
            len,
        }
    }

    /// Adds the second just served, forgetting what no metric reads any more.
    pub(super) fn push(&mut self, s: SecondSeries) {
        // Room is made first: the queue never grows past its capacity (`len` is at
        // least 1).
        while self.seconds.len() >= self.len.max(1) {
            self.seconds.pop_front();
        }
        self.seconds.push_back(s);
    }

    /// The last second's figure for `source` (0 before the first second).
    pub(super) fn latest(&self, source: MetricSourceKind) -> f64 {
        self.seconds.back().copied().unwrap_or_default().of(source)
    }

    /// A derived metric's value as the adapter serves it: averaged over its window,
    /// `delay` seconds stale; 0 while no second is that old.
    pub(super) fn value(&self, d: &DerivedMetric) -> f64 {
        let delay = (delay_of(d).as_millis() / 1000) as usize;
        let window = ((window_of(d).as_millis() / 1000) as usize).max(1);
        let n = self.seconds.len();
        let end = n.saturating_sub(delay);
        let begin = end.saturating_sub(window);
        if end == begin {
            return 0.0;
        }
        self.seconds
            .range(begin..end)
            .map(|s| s.of(d.source))
            .sum::<f64>()
            / (end - begin) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(source: MetricSourceKind, window: u64, delay: u64) -> DerivedMetric {
        let d = |s: u64| serde_json::from_value(serde_json::json!(format!("{s}s"))).ok();
        DerivedMetric {
            source,
            window: d(window),
            delay: d(delay),
            ..DerivedMetric::default()
        }
    }

    fn series_of(metrics: &[DerivedMetric], arrivals: &[f64]) -> Series {
        let map = (metrics.iter().enumerate())
            .map(|(k, m)| (format!("m{k}"), m.clone()))
            .collect();
        let mut s = Series::for_metrics(&map);
        for (k, &a) in arrivals.iter().enumerate() {
            s.push(SecondSeries {
                arrivals: a,
                queued: 100.0 + k as f64,
                served_per_pod: 0.5,
                jobs: None,
            });
        }
        s
    }

    #[test]
    fn a_derived_value_averages_its_window_delay_seconds_ago() {
        let rps = |w, d| metric(MetricSourceKind::RequestsPerSecond, w, d);
        let arrivals = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        // (window, delay, value): the last `window` seconds, ending `delay` seconds ago.
        for (w, d, want) in [
            (1, 0, 8.0),
            (2, 0, 7.5),
            (2, 3, 4.5),
            (3, 1, 6.0),
            // Fewer seconds than the window: the mean of those there are.
            (60, 5, 2.0),
            // Nothing that old yet.
            (1, 8, 0.0),
        ] {
            let m = rps(w, d);
            let s = series_of(&[m.clone(), rps(60, 30)], &arrivals);
            assert_eq!(s.value(&m), want, "window {w}s, delay {d}s");
        }
    }

    #[test]
    fn each_source_follows_its_own_figure() {
        let s = series_of(&[], &[10.0, 20.0]);
        assert_eq!(s.latest(MetricSourceKind::RequestsPerSecond), 20.0);
        assert_eq!(s.latest(MetricSourceKind::QueueDepth), 101.0);
        assert_eq!(s.latest(MetricSourceKind::PodRequestsPerSecond), 0.5);
        let empty = series_of(&[], &[]);
        assert_eq!(empty.latest(MetricSourceKind::QueueDepth), 0.0);
    }

    #[test]
    fn the_series_keeps_only_what_the_longest_window_and_delay_read() {
        let m = metric(MetricSourceKind::QueueDepth, 3, 2);
        let s = series_of(std::slice::from_ref(&m), &[0.0; 50]);
        // 3 + 2 seconds, and two more.
        assert_eq!(s.seconds.len(), 7);
        // Seconds 43..=49 kept; delayed 2, the window is 45..=47: (145 + 146 + 147) / 3.
        assert_eq!(s.value(&m), 146.0);
    }
}
