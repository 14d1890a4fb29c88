//! A worker's jobs judged (`workload.worker`): waiting times exact from the simulated jobs
//! (nearest-rank percentiles of every job's wait, no queueing formula), jobs over the
//! deadline, the backlog at the end, abandoned jobs, and each second as the SLO judge
//! takes it. Reads the run's record only; it simulates nothing.

use serde::Serialize;

use super::latency::Latency;
use super::slo::{SecondOutcome, Slo};
use crate::sim::{JobRecord, Record};

/// summary.json's `queue`: what a worker's jobs met. Times in seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueReport {
    /// Jobs that arrived.
    pub arrived: u64,
    /// Jobs a pod took (once each, whatever redeliveries followed).
    pub taken: u64,
    /// Jobs completed.
    pub completed: u64,
    /// Jobs abandoned mid-work by a pod whose grace period ended (each went back to the
    /// queue; a job abandoned twice counts twice).
    pub abandoned: u64,
    /// Jobs waiting at the end of the run.
    pub backlog_at_end: u64,
    /// Jobs being worked on at the end of the run.
    pub in_flight_at_end: u64,
    /// Jobs not completed more than `worker.deadline` after they arrived: completed late,
    /// or still unfinished and older than it at the end (absent without a deadline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_deadline: Option<u64>,
    /// Waiting time (arrival to first taken) of the jobs taken: the median.
    pub wait_p50_s: Option<f64>,
    /// As `wait_p50_s`, the 95th percentile.
    pub wait_p95_s: Option<f64>,
    /// As `wait_p50_s`, the 99th percentile.
    pub wait_p99_s: Option<f64>,
    /// The longest wait of a job taken.
    pub wait_max_s: Option<f64>,
    /// The mean wait of the jobs taken.
    pub wait_mean_s: Option<f64>,
    /// Time from arrival to completion of the completed jobs: the 95th percentile.
    pub time_in_system_p95_s: Option<f64>,
    /// The most jobs waiting at the end of a second.
    pub peak_depth: u64,
    /// Jobs waiting, averaged over the run's time (to the millisecond): Little's `L` of
    /// the queue.
    pub mean_depth: f64,
    /// Jobs in flight, averaged over the run's time.
    pub mean_in_flight: f64,
    /// The oldest waiting job's largest age at a second's end.
    pub peak_oldest_age_s: f64,
}

/// The nearest-rank percentile of sorted milliseconds, in seconds: the least value with at
/// least `p` % of them at or below it.
pub fn percentile_s(sorted_ms: &[u64], p: f64) -> Option<f64> {
    let n = sorted_ms.len();
    if n == 0 {
        return None;
    }
    let rank = ((p / 100.0 * n as f64).ceil() as usize).clamp(1, n);
    Some(sorted_ms[rank - 1] as f64 / 1000.0)
}

/// The queue's figures over the run.
pub fn judge_queue(jobs: &JobRecord, duration_s: f64) -> QueueReport {
    let mut waits: Vec<u64> = jobs.taken.iter().map(|t| t.wait_ms).collect();
    waits.sort_unstable();
    let mut done = jobs.done_ms.clone();
    done.sort_unstable();
    let secs = &jobs.seconds;
    let n = secs.len().max(1) as f64;
    let end_ms = (duration_s * 1000.0).round() as u64;
    let over_deadline = jobs.deadline_ms.map(|d| {
        let late_done = done.len() - done.partition_point(|&t| t <= d);
        let late_open = (jobs.unfinished_arrivals_ms.iter())
            .filter(|&&a| end_ms.saturating_sub(a) > d)
            .count();
        (late_done + late_open) as u64
    });
    let sum = |f: fn(&crate::sim::JobSecond) -> u64| secs.iter().map(f).sum::<u64>();
    QueueReport {
        arrived: sum(|s| s.arrived.into()),
        taken: waits.len() as u64,
        completed: done.len() as u64,
        abandoned: sum(|s| s.abandoned.into()),
        backlog_at_end: jobs.backlog_at_end,
        in_flight_at_end: jobs.unfinished_arrivals_ms.len() as u64 - jobs.backlog_at_end,
        over_deadline,
        wait_p50_s: percentile_s(&waits, 50.0),
        wait_p95_s: percentile_s(&waits, 95.0),
        wait_p99_s: percentile_s(&waits, 99.0),
        wait_max_s: waits.last().map(|&w| w as f64 / 1000.0),
        wait_mean_s: (!waits.is_empty())
            .then(|| waits.iter().sum::<u64>() as f64 / 1000.0 / waits.len() as f64),
        time_in_system_p95_s: percentile_s(&done, 95.0),
        peak_depth: secs.iter().map(|s| u64::from(s.depth)).max().unwrap_or(0),
        mean_depth: sum(|s| s.waiting_ms) as f64 / 1000.0 / n,
        mean_in_flight: sum(|s| s.in_flight_ms) as f64 / 1000.0 / n,
        peak_oldest_age_s: secs.iter().map(|s| s.oldest_age_ms).max().unwrap_or(0) as f64 / 1000.0,
    }
}

/// The objectives a worker is judged by: `jobWait` in the latency objective's place (the
/// judge's rules then read jobs for requests), `backlog` as written.
pub fn worker_slo(slo: &Slo) -> Slo {
    Slo {
        latency: slo.job_wait.clone(),
        ..slo.clone()
    }
}

/// Each second as the SLO judge takes it: the jobs first taken in it for its requests,
/// the share of them that waited longer than `jobWait.below` for its slow share, nothing
/// failed, its backlog at its end; and its "latency": the nearest-rank p50, p95 and p99
/// of those jobs' waits (none when no job was taken), which the timeline's latency
/// columns and chart then show.
pub fn outcomes(
    record: &Record,
    jobs: &JobRecord,
    slo: Option<&Slo>,
) -> (Vec<SecondOutcome>, Vec<Option<Latency>>) {
    let threshold_ms =
        (slo.and_then(|s| s.job_wait.as_ref())).map(|w| w.below.span().as_millis().max(0) as u64);
    let n = record.seconds.len();
    let mut taken = vec![0u64; n];
    let mut slow = vec![0u64; n];
    let mut latencies: Vec<Option<Latency>> = vec![None; n];
    // `taken` is in time order: each second's jobs are one run of it.
    let mut waits: Vec<u64> = vec![];
    let mut open: Option<usize> = None;
    let close = |k: Option<usize>, waits: &mut Vec<u64>, lat: &mut [Option<Latency>]| {
        if let Some(k) = k {
            waits.sort_unstable();
            let p = |q| percentile_s(waits, q).unwrap_or(0.0);
            lat[k] = Some(Latency {
                p50_s: p(50.0),
                p95_s: p(95.0),
                p99_s: p(99.0),
            });
            waits.clear();
        }
    };
    for t in &jobs.taken {
        let k = ((t.at_ms / 1000) as usize).min(n.saturating_sub(1));
        if let Some(c) = taken.get_mut(k) {
            *c += 1;
            slow[k] += u64::from(threshold_ms.is_some_and(|th| t.wait_ms > th));
            if open != Some(k) {
                close(open, &mut waits, &mut latencies);
                open = Some(k);
            }
            waits.push(t.wait_ms);
        }
    }
    close(open, &mut waits, &mut latencies);
    let outcomes = (record.seconds.iter().enumerate())
        .map(|(k, s)| SecondOutcome {
            arrivals: taken[k] as f64,
            failed: 0.0,
            slow_fraction: if taken[k] > 0 {
                slow[k] as f64 / taken[k] as f64
            } else {
                0.0
            },
            latency: latencies[k],
            ready: s.ready,
            backlog: jobs.seconds.get(k).map_or(0.0, |j| f64::from(j.depth)),
        })
        .collect();
    (outcomes, latencies)
}

/// A timeline step's queue columns: the queue at the end of the step's last second, and
/// the jobs completed and abandoned over the step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepJobs {
    /// Jobs waiting.
    pub depth: u32,
    /// The oldest waiting job's age, seconds.
    pub oldest_age_s: f64,
    /// Jobs being worked on.
    pub in_flight: u32,
    /// Jobs completed in the step.
    pub completed: u64,
    /// Jobs abandoned in the step.
    pub abandoned: u64,
}

/// The queue columns of the step covering seconds `from..to` (since the start).
pub fn step(jobs: &JobRecord, from: usize, to: usize) -> StepJobs {
    let to = to.min(jobs.seconds.len());
    let span = &jobs.seconds[from.min(to)..to];
    let last = span.last().copied().unwrap_or_default();
    StepJobs {
        depth: last.depth,
        oldest_age_s: last.oldest_age_ms as f64 / 1000.0,
        in_flight: last.in_flight,
        completed: span.iter().map(|s| u64::from(s.completed)).sum(),
        abandoned: span.iter().map(|s| u64::from(s.abandoned)).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{JobSecond, JobTaken};

    #[test]
    fn a_percentile_is_the_least_value_with_that_share_at_or_below_it() {
        let ms = [1000, 2000, 3000, 4000, 10_000];
        // (p, value s): rank ceil(p/100 x 5).
        for (p, want) in [
            (20.0, 1.0),
            (50.0, 3.0),
            (80.0, 4.0),
            (95.0, 10.0),
            (99.0, 10.0),
        ] {
            assert_eq!(percentile_s(&ms, p), Some(want), "p{p}");
        }
        assert_eq!(percentile_s(&[], 50.0), None);
    }

    #[test]
    fn jobs_over_the_deadline_are_the_late_done_and_the_old_unfinished() {
        let jobs = JobRecord {
            concurrency: 1,
            deadline_ms: Some(60_000),
            taken: vec![JobTaken {
                at_ms: 0,
                wait_ms: 0,
            }],
            // Done in 30 s, exactly 60 s (on time), 61 s (late).
            done_ms: vec![30_000, 60_000, 61_000],
            // At the end (100 s): arrived at 10 s (90 s old: late), 50 s (50 s: not yet).
            unfinished_arrivals_ms: vec![10_000, 50_000],
            backlog_at_end: 1,
            seconds: vec![JobSecond::default(); 100],
        };
        let q = judge_queue(&jobs, 100.0);
        assert_eq!(q.over_deadline, Some(2));
        assert_eq!(
            (q.completed, q.backlog_at_end, q.in_flight_at_end),
            (3, 1, 1)
        );
        let none = JobRecord {
            deadline_ms: None,
            ..jobs
        };
        assert_eq!(judge_queue(&none, 100.0).over_deadline, None);
    }
}
