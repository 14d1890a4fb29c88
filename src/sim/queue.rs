//! A queue worker's jobs (`workload.worker`): one FIFO queue; each Ready pod works on up to
//! `concurrency` jobs at once, each for a service time drawn from the job stream. An exact
//! discrete-event simulation at 1 ms resolution inside the engine's seconds (arrivals,
//! takes and completions in time order; pods change stage only at whole seconds). Owns
//! the jobs and their record; a pod's stage is `lifecycle.rs`'s, its deletion the
//! ReplicaSet's.
//!
//! Rules: a second's `n` jobs arrive at `t + k*1000/n` ms (k = 0..n; fractional rates carry
//! over to the next second); a job freed slot and an arrival at the same millisecond: the
//! completion comes first. A free slot takes the oldest waiting job; among the Ready pods
//! the one with the fewest jobs in flight (then the first created) takes it. A deleted
//! pod takes no new job and exits when its last job is done (a warm shutdown, as Celery's
//! on SIGTERM); at the end of its grace period the jobs it still runs are abandoned and
//! go back to the front of the queue in arrival order: redelivered, as an unacknowledged
//! SQS message is once its visibility timeout lapses (taken here as lapsing at once) and
//! as RabbitMQ requeues a Celery `acks_late` task when the worker's connection closes.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal};

use super::engine::{Due, Sim};
use super::pods::Stage;
use super::record::Event;
use super::serving::Second;
use crate::core::{Span, Time};
use crate::scenario::model::{ServiceTime, Worker};

/// The job stream's substream: server scenarios never draw from it.
const STREAM_JOBS: u64 = 3;

/// One simulated second of the queue, as the record keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobSecond {
    /// Jobs that arrived in the second.
    pub arrived: u32,
    /// Jobs a pod took for the first time in the second.
    pub taken: u32,
    /// Jobs completed in the second.
    pub completed: u32,
    /// Jobs abandoned by a pod whose grace period ended (back in the queue).
    pub abandoned: u32,
    /// Jobs waiting at the end of the second.
    pub depth: u32,
    /// Jobs being worked on at the end of the second.
    pub in_flight: u32,
    /// The oldest waiting job's age at the end of the second, ms (0 when none waits).
    pub oldest_age_ms: u64,
    /// Jobs waiting, integrated over the second: job-milliseconds (its mean queue is
    /// this over 1000).
    pub waiting_ms: u64,
    /// Jobs in flight, integrated over the second: job-milliseconds.
    pub in_flight_ms: u64,
}

/// A job's first take: when (ms since the start) and how long it had waited (ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobTaken {
    /// When a pod first took the job, ms since the start of the run.
    pub at_ms: u64,
    /// From its arrival to that moment, ms.
    pub wait_ms: u64,
}

/// The queue's record: every job's waiting time, every completed job's time in the
/// system, and each second's figures.
#[derive(Clone, Debug, Default)]
pub struct JobRecord {
    /// Jobs one pod works on at once.
    pub concurrency: u32,
    /// `worker.deadline`, ms.
    pub deadline_ms: Option<u64>,
    /// Every job's first take, in time order.
    pub taken: Vec<JobTaken>,
    /// Each completed job's time from arrival to completion, ms, in completion order.
    pub done_ms: Vec<u64>,
    /// The arrival (ms since the start) of each job not done at the end: waiting or running.
    pub unfinished_arrivals_ms: Vec<u64>,
    /// Jobs waiting at the end.
    pub backlog_at_end: u64,
    /// Each second's figures.
    pub seconds: Vec<JobSecond>,
}

#[derive(Clone, Copy, Debug)]
struct Job {
    /// Arrival, ms since the start.
    arrived: i64,
    /// A pod has taken it before (its waiting time is recorded once).
    taken: bool,
}

#[derive(Clone, Copy, Debug)]
struct Running {
    job: Job,
    pod: usize,
    seq: u64,
}

/// The queue and the jobs in flight.
pub(super) struct Jobs {
    service: ServiceTime,
    concurrency: u32,
    rng: ChaCha8Rng,
    carry: f64,
    waiting: VecDeque<Job>,
    /// Jobs in flight, by slot; freed slots are reused.
    running: Vec<Option<Running>>,
    free: Vec<usize>,
    /// (finish ms, start order, slot): the next completion first.
    finishing: BinaryHeap<Reverse<(i64, u64, usize)>>,
    seq: u64,
    /// Jobs in flight per pod (by pod index).
    busy: Vec<u32>,
    /// Pods that may take jobs this second (Ready), by pod index.
    takes: Vec<bool>,
    /// Jobs in flight on all pods.
    in_flight: u32,
    abandoned: u32,
    record: JobRecord,
}

/// The mean of a service time, seconds.
pub(super) fn mean_secs(s: &ServiceTime) -> f64 {
    match s {
        ServiceTime::Fixed(d) => d.as_secs_f64(),
        ServiceTime::Exponential { mean } => mean.as_secs_f64(),
        ServiceTime::Lognormal { median, p99 } => {
            let (mu, sigma) = lognormal(median.as_secs_f64(), p99.as_secs_f64());
            (mu + sigma * sigma / 2.0).exp()
        }
        ServiceTime::Uniform([a, b]) => (a.as_secs_f64() + b.as_secs_f64()) / 2.0,
    }
}

/// mu and sigma of a log-normal with this median and 99th percentile (p99 = median x
/// exp(2.326 sigma), 2.326 the 99th percentile of a standard normal).
fn lognormal(median: f64, p99: f64) -> (f64, f64) {
    let mu = median.ln();
    (mu, ((p99.ln() - mu) / 2.326_347_874_040_841).max(0.0))
}

impl Jobs {
    pub(super) fn new(worker: &Worker, seed: u64) -> Jobs {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(STREAM_JOBS);
        Jobs {
            service: worker.service_time.clone(),
            concurrency: worker.concurrency.max(1),
            rng,
            carry: 0.0,
            waiting: VecDeque::new(),
            running: vec![],
            free: vec![],
            finishing: BinaryHeap::new(),
            seq: 0,
            busy: vec![],
            takes: vec![],
            in_flight: 0,
            abandoned: 0,
            record: JobRecord {
                concurrency: worker.concurrency,
                deadline_ms: worker.deadline.map(|d| d.span().as_millis().max(0) as u64),
                ..JobRecord::default()
            },
        }
    }

    /// Jobs in flight on pod `i`.
    pub(super) fn busy(&self, i: usize) -> u32 {
        self.busy.get(i).copied().unwrap_or(0)
    }

    fn draw_ms(&mut self) -> i64 {
        let secs = |d: &crate::units::Duration| d.as_secs_f64();
        let s = match &self.service {
            ServiceTime::Fixed(d) => secs(d),
            ServiceTime::Exponential { mean } => match Exp::new(1.0 / secs(mean)) {
                Ok(e) => e.sample(&mut self.rng),
                Err(_) => secs(mean),
            },
            ServiceTime::Lognormal { median, p99 } => {
                let (mu, sigma) = lognormal(secs(median), secs(p99));
                match LogNormal::new(mu, sigma) {
                    Ok(l) => l.sample(&mut self.rng),
                    Err(_) => secs(median),
                }
            }
            ServiceTime::Uniform([a, b]) => {
                let u: f64 = rand::RngExt::random(&mut self.rng);
                secs(a) + (secs(b) - secs(a)) * u
            }
        };
        (s.max(0.0) * 1000.0).round() as i64
    }

    /// The Ready pod with the fewest jobs in flight and a free slot (then the first
    /// created).
    fn pick(&self, ready: &[usize]) -> Option<usize> {
        (ready.iter().copied())
            .filter(|&i| self.busy(i) < self.concurrency)
            .min_by_key(|&i| (self.busy(i), i))
    }

    /// Free slots take waiting jobs at `t`.
    fn dispatch(&mut self, t: i64, ready: &[usize], free_slots: &mut u64, sec: &mut JobSecond) {
        while *free_slots > 0 && !self.waiting.is_empty() {
            let Some(pod) = self.pick(ready) else { break };
            let Some(mut job) = self.waiting.pop_front() else {
                break;
            };
            if !job.taken {
                job.taken = true;
                sec.taken += 1;
                self.record.taken.push(JobTaken {
                    at_ms: t.max(0) as u64,
                    wait_ms: (t - job.arrived).max(0) as u64,
                });
            }
            let finish = t + self.draw_ms();
            self.seq += 1;
            let r = Running {
                job,
                pod,
                seq: self.seq,
            };
            let slot = match self.free.pop() {
                Some(s) => {
                    self.running[s] = Some(r);
                    s
                }
                None => {
                    self.running.push(Some(r));
                    self.running.len() - 1
                }
            };
            self.finishing.push(Reverse((finish, self.seq, slot)));
            self.busy[pod] += 1;
            self.in_flight += 1;
            *free_slots -= 1;
        }
    }

    /// The second `[t0, t0 + 1000)` (ms since the start): `arrivals` jobs (a rate; its
    /// fraction carries over), `ready` the pods that take jobs. Returns the second's
    /// figures, the busy job-milliseconds of the Ready pods, and the deleted pods whose
    /// last job ended, with when.
    pub(super) fn second(
        &mut self,
        t0: i64,
        arrivals: f64,
        ready: &[usize],
    ) -> (JobSecond, f64, Vec<(usize, i64)>) {
        let mut sec = JobSecond {
            abandoned: std::mem::take(&mut self.abandoned),
            ..JobSecond::default()
        };
        let top = ready.iter().copied().max().map_or(0, |m| m + 1);
        if self.busy.len() < top {
            self.busy.resize(top, 0);
        }
        self.takes.iter_mut().for_each(|x| *x = false);
        if self.takes.len() < top {
            self.takes.resize(top, false);
        }
        for &i in ready {
            self.takes[i] = true;
        }
        let mut free_slots: u64 = ready
            .iter()
            .map(|&i| u64::from(self.concurrency - self.busy(i).min(self.concurrency)))
            .sum();
        let mut on_ready = ready.iter().map(|&i| u64::from(self.busy(i))).sum::<u64>();
        self.carry += if arrivals.is_finite() {
            arrivals.max(0.0)
        } else {
            0.0
        };
        // A hair over: a rate of 0.1 adds up to 1 in ten seconds, not eleven.
        let n = (self.carry + 1e-9).floor();
        self.carry = (self.carry - n).max(0.0);
        let n = n as i64;
        sec.arrived = n as u32;
        let end = t0 + 1000;
        let mut drained = vec![];
        let (mut busy_ms, mut last) = (0.0, t0);
        let mut k = 0;
        let before = free_slots;
        self.dispatch(t0, ready, &mut free_slots, &mut sec);
        on_ready += before - free_slots;
        loop {
            let next_arrival = (k < n).then(|| t0 + k * 1000 / n);
            let next_done = (self.finishing.peek())
                .map(|Reverse((f, _, _))| *f)
                .filter(|&f| f < end);
            let t = match (next_done, next_arrival) {
                (None, None) => break,
                (Some(d), Some(a)) => d.min(a),
                (Some(d), None) => d,
                (None, Some(a)) => a,
            };
            busy_ms += on_ready as f64 * (t - last) as f64;
            sec.waiting_ms += self.waiting.len() as u64 * (t - last) as u64;
            sec.in_flight_ms += u64::from(self.in_flight) * (t - last) as u64;
            last = t;
            if next_done == Some(t) {
                let Some(Reverse((_, seq, slot))) = self.finishing.pop() else {
                    break;
                };
                let Some(r) = self.running[slot].filter(|r| r.seq == seq) else {
                    continue; // abandoned
                };
                self.running[slot] = None;
                self.free.push(slot);
                self.busy[r.pod] = self.busy[r.pod].saturating_sub(1);
                self.in_flight -= 1;
                sec.completed += 1;
                self.record.done_ms.push((t - r.job.arrived).max(0) as u64);
                if self.takes.get(r.pod).copied().unwrap_or(false) {
                    free_slots += 1;
                    on_ready -= 1;
                } else if self.busy[r.pod] == 0 {
                    drained.push((r.pod, t));
                }
            } else {
                k += 1;
                self.waiting.push_back(Job {
                    arrived: t,
                    taken: false,
                });
            }
            let before = free_slots;
            self.dispatch(t, ready, &mut free_slots, &mut sec);
            on_ready += before - free_slots;
        }
        busy_ms += on_ready as f64 * (end - last) as f64;
        sec.waiting_ms += self.waiting.len() as u64 * (end - last) as u64;
        sec.in_flight_ms += u64::from(self.in_flight) * (end - last) as u64;
        sec.depth = self.waiting.len() as u32;
        sec.in_flight = self.in_flight;
        sec.oldest_age_ms = self.waiting.front().map_or(0, |j| (end - j.arrived) as u64);
        self.record.seconds.push(sec);
        (sec, busy_ms, drained)
    }

    /// Pod `i`'s process ended at `at` (ms since the start): the jobs it still ran go back
    /// to the front of the queue, oldest first. Returns how many.
    pub(super) fn abandon(&mut self, i: usize) -> u32 {
        let mut back: Vec<(i64, u64, Job)> = vec![];
        for slot in 0..self.running.len() {
            if let Some(r) = self.running[slot].filter(|r| r.pod == i) {
                back.push((r.job.arrived, r.seq, r.job));
                self.running[slot] = None;
                self.free.push(slot);
            }
        }
        back.sort_by_key(|&(a, s, _)| (a, s));
        for &(_, _, job) in back.iter().rev() {
            self.waiting.push_front(job);
        }
        if let Some(b) = self.busy.get_mut(i) {
            *b = 0;
        }
        self.in_flight -= back.len() as u32;
        self.abandoned += back.len() as u32;
        back.len() as u32
    }

    /// The record at the end of the run.
    pub(super) fn finish(mut self) -> JobRecord {
        let mut unfinished: Vec<u64> = (self.waiting.iter())
            .chain(self.running.iter().flatten().map(|r| &r.job))
            .map(|j| j.arrived.max(0) as u64)
            .collect();
        unfinished.sort_unstable();
        self.record.backlog_at_end = self.waiting.len() as u64;
        self.record.unfinished_arrivals_ms = unfinished;
        self.record
    }
}

impl Sim<'_> {
    /// A worker's second: the Ready pods take jobs. Returns the second as the serving
    /// model's (jobs for requests: served = completed, queued = waiting, none failed) and
    /// the queue's figures; `arrivals` becomes the whole jobs that arrived, and each of the
    /// `warming` pods' work a Ready pod's busy job-seconds (its CPU: `cpuPerRequest` per
    /// job in progress). None for a server.
    pub(super) fn work_second(
        &mut self,
        arrivals: &mut f64,
        warming: usize,
        served_warming: &mut Vec<f64>,
    ) -> Option<(Second, JobSecond)> {
        let now = self.t;
        let t0 = now.as_millis() - self.sc.start.as_millis();
        self.jobs.as_ref()?;
        let mut ready: Vec<usize> = self
            .live()
            .filter(|&i| self.pods[i].stage == Stage::Ready)
            .collect();
        ready.sort_unstable();
        let jobs = self.jobs.as_mut()?;
        let (sec, busy_ms, drained) = jobs.second(t0, *arrivals, &ready);
        for (pod, at) in drained {
            // Its last job is done: the worker exits (before its grace period ends).
            self.schedule(self.sc.start.plus(Span::from_millis(at)), Due::Gone(pod));
        }
        let per_pod = if ready.is_empty() {
            0.0
        } else {
            busy_ms / 1000.0 / ready.len() as f64
        };
        served_warming.clear();
        served_warming.resize(warming, per_pod);
        *arrivals = f64::from(sec.arrived);
        let second = Second {
            served_per_steady_pod: per_pod,
            served: f64::from(sec.completed),
            failed: 0.0,
            queued: f64::from(sec.depth),
        };
        Some((second, sec))
    }

    /// A worker pod being deleted with no job in flight exits at once.
    pub(super) fn worker_idle(&self, i: usize) -> bool {
        self.jobs.as_ref().is_some_and(|j| j.busy(i) == 0)
    }

    /// A worker pod's process ended at `at`: its jobs still in flight are abandoned.
    pub(super) fn abandon_jobs(&mut self, i: usize, at: Time) {
        let Some(jobs) = self.jobs.as_mut() else {
            return;
        };
        let n = jobs.abandon(i);
        if n > 0 {
            self.record(|sim| Event::JobsAbandoned {
                t: sim.secs(at),
                pod: sim.pods[i].name.clone(),
                jobs: n,
            });
        }
    }
}
