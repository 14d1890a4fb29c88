//! One run judged: the record's per-second figures through the latency model, the SLOs,
//! the prices and the elasticity metrics, summed up for summary.json and spread over the
//! timeline's steps. It reads the record only (which carries the run's setting).

use serde::Serialize;

use super::cost::{self, Cost, CostReport, PodPrice};
use super::elasticity::{Elasticity, ElasticitySum};
use super::latency::{Latency, PodQueue, SecondLoad, fraction_slower, second_latency};
use super::slo::{self, SecondOutcome, Slo, SloReport};
use crate::sim::{Record, Row, RunSetting, SecondFigures};

/// What the run's requests met, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatencySummary {
    /// Servers of each pod's queue (requests worked on at once).
    pub servers_per_pod: u32,
    /// A request's time in an idle pod: one server's mean service time.
    pub idle_service_ms: f64,
    /// The request-weighted median over seconds of each second's p50, p95 and p99: what a
    /// typical request's second looked like.
    pub typical_p50_ms: Option<f64>,
    /// As `typical_p50_ms`, for p95.
    pub typical_p95_ms: Option<f64>,
    /// As `typical_p50_ms`, for p99.
    pub typical_p99_ms: Option<f64>,
    /// The worst second's p95, and when (seconds since the start).
    pub worst_p95_ms: Option<f64>,
    /// When the worst p95 happened, seconds since the start.
    pub worst_p95_at_s: Option<f64>,
    /// The worst second's p99.
    pub worst_p99_ms: Option<f64>,
    /// Seconds with arrivals and no pod serving (every request failed).
    pub seconds_without_service: usize,
}

/// A timeline step's measured columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepFigures {
    /// The step's worst second: p50, p95, p99 in ms (None: no pod served all step).
    pub p50_ms: Option<f64>,
    /// As `p50_ms`, for p95.
    pub p95_ms: Option<f64>,
    /// As `p50_ms`, for p99.
    pub p99_ms: Option<f64>,
    /// Every second of the step met the objectives (None: the scenario declares none).
    pub slo_ok: Option<bool>,
    /// Dollars spent from the start to the end of the step.
    pub cost_so_far_usd: f64,
}

/// A run judged.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Judgement {
    /// Latency figures.
    pub latency: LatencySummary,
    /// The objectives' verdict, when the scenario declares objectives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo: Option<SloReport>,
    /// What the run cost.
    pub cost: CostReport,
    /// SPEC Research Group elasticity metrics; demand is the load's pods at the HPA's
    /// target, rounded up; supply is the Ready pods.
    pub elasticity: Elasticity,
    /// A worker's jobs (`workload.worker`): waits, deadline, backlog, abandoned jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<super::queue::QueueReport>,
    /// One entry per timeline row.
    #[serde(skip)]
    pub steps: Vec<StepFigures>,
}

/// The queue each pod is: `workload.pod.concurrency` servers, else its cpu limit in whole
/// cores (at least 1); the rate comes from the serving model's capacity each second.
pub fn pod_queue(setting: &RunSetting) -> PodQueue {
    let serving = setting.serving;
    let servers = setting
        .concurrency
        .unwrap_or_else(|| (serving.limit_milli / 1000.0).ceil().max(1.0) as u32);
    PodQueue {
        servers,
        service_rate: serving.capacity(1.0) / f64::from(servers),
    }
}

/// Judges a run against the objectives and prices it was run with: it reads the record
/// only, never re-runs it.
pub fn judge_run(record: &Record) -> Judgement {
    judge_run_reusing(record, &mut Reuse::default())
}

/// Seconds from the start a [`Reuse::across_runs`] remembers (three days: about 60 MiB);
/// later ones are judged afresh.
const REMEMBERED_SECONDS: usize = 3 * 86_400;

/// Loads remembered per second: the last ones met there (a sweep's neighbouring
/// configurations mostly have the same few pod counts at a given second).
const LOADS_PER_SECOND: usize = 3;

/// A second's load as remembered: its four figures' bits.
type LoadBits = [u64; 4];

/// What a remembered load gave: its latency and the share slower than the threshold.
type Judged = (Option<Latency>, f64);

/// A place no load matches: serving pods are a count, never NaN.
const NEVER_MET: LoadBits = [0, f64::NAN.to_bits(), 0, 0];

/// What judging many runs of one scenario may share (a sweep's runs on one thread): the
/// latency and slow share of the loads met at each second, and the buffers of the last
/// run. A second's figures are a pure function of the pod's queue, the SLO's threshold
/// and the second's load (its bits), so reusing them changes no figure.
#[derive(Default)]
pub struct Reuse {
    /// Remember the loads met at each second, not just the previous second's.
    across_runs: bool,
    /// The queue and threshold (as bits) the remembered loads were judged with.
    judged_with: Option<(u32, u64, Option<u64>)>,
    /// By second: the last loads met there, newest first (unused ones never match: a
    /// load's serving pods are never NaN's bits). Kept by second rather than in a hash
    /// map: a run reads them in order, so the memory streams instead of missing the cache
    /// at every lookup; apart from what they gave, which is read only on a match.
    loads: Vec<[LoadBits; LOADS_PER_SECOND]>,
    /// What the loads of `loads` gave, in the same places.
    judged: Vec<[Judged; LOADS_PER_SECOND]>,
    orders: Orders,
    slo: slo::SloBuffers,
}

impl Reuse {
    /// A reuse that remembers the loads met at each second, for the runs of one scenario
    /// that meet them again (a sweep's configurations share the trace). One run alone
    /// gains nothing from it: [`judge_run`] keeps only the previous second.
    pub fn across_runs() -> Reuse {
        Reuse {
            across_runs: true,
            ..Reuse::default()
        }
    }
}

/// As [`judge_run`], reusing what `reuse` kept from the runs judged before.
pub fn judge_run_reusing(record: &Record, reuse: &mut Reuse) -> Judgement {
    let setting = &record.setting;
    let queue = pod_queue(setting);
    if let Some(jobs) = &record.jobs {
        // A worker: its jobs, measured exactly (`queue.rs`), for the requests.
        let objectives = setting.slo.as_ref().map(super::queue::worker_slo);
        let (outcomes, latencies) = super::queue::outcomes(record, jobs, setting.slo.as_ref());
        let (prices, pod) = prices(setting);
        let mut judging = Judging::new(record, &queue, objectives.as_ref(), (&prices, &pod), reuse);
        for ((s, latency), outcome) in record.seconds.iter().zip(latencies).zip(&outcomes) {
            judging.add(s, latency, outcome);
        }
        let mut j = judging.finish();
        j.queue = Some(super::queue::judge_queue(jobs, record.summary.duration_s));
        return j;
    }
    let objectives = setting.slo.clone();
    let threshold_s = objectives
        .as_ref()
        .and_then(|s| s.latency.as_ref())
        .map(|l| l.threshold_s());
    let judged_with = Some((
        queue.servers,
        queue.service_rate.to_bits(),
        threshold_s.map(f64::to_bits),
    ));
    if reuse.judged_with != judged_with {
        reuse.loads.clear();
        reuse.judged.clear();
        reuse.judged_with = judged_with;
    }
    let wanted = record.seconds.len().min(REMEMBERED_SECONDS);
    if reuse.across_runs && reuse.loads.len() < wanted {
        reuse.loads.resize(wanted, [NEVER_MET; LOADS_PER_SECOND]);
        reuse.judged.resize(wanted, [(None, 0.0); LOADS_PER_SECOND]);
    }
    // Lent out while the rest of `reuse` is judged with, then kept for the next run.
    let (mut loads, mut judged) = (
        std::mem::take(&mut reuse.loads),
        std::mem::take(&mut reuse.judged),
    );
    let (prices, pod) = prices(setting);
    let mut judging = Judging::new(record, &queue, objectives.as_ref(), (&prices, &pod), reuse);
    // Seconds often repeat exactly (no noise, a flat trace): reuse the last answer.
    let mut last: Option<(SecondLoad, Option<Latency>, f64)> = None;
    for (i, s) in record.seconds.iter().enumerate() {
        let load = SecondLoad {
            arrivals: s.arrivals,
            serving_pods: f64::from(s.serving),
            capacity_per_pod: if s.serving > 0 {
                s.capacity_rps / f64::from(s.serving)
            } else {
                0.0
            },
            backlog: s.queued,
        };
        let judge = |load: &SecondLoad| {
            let lat = second_latency(&queue, load);
            let slow = threshold_s.map_or(0.0, |t| fraction_slower(&queue, load, t));
            (lat, slow)
        };
        let (latency, slow) = match &last {
            Some((l, lat, slow)) if *l == load => (*lat, *slow),
            _ => {
                let (lat, slow) = match (loads.get_mut(i), judged.get_mut(i)) {
                    (Some(met), Some(gave)) => {
                        let key = [
                            load.arrivals.to_bits(),
                            load.serving_pods.to_bits(),
                            load.capacity_per_pod.to_bits(),
                            load.backlog.to_bits(),
                        ];
                        match met.iter().position(|k| *k == key) {
                            Some(at) => gave[at],
                            None => {
                                let new = judge(&load);
                                met.rotate_right(1);
                                gave.rotate_right(1);
                                met[0] = key;
                                gave[0] = new;
                                new
                            }
                        }
                    }
                    _ => judge(&load),
                };
                last = Some((load, lat, slow));
                (lat, slow)
            }
        };
        let outcome = SecondOutcome {
            arrivals: s.arrivals,
            failed: s.failed,
            slow_fraction: slow,
            latency,
            ready: s.ready,
            backlog: 0.0,
        };
        judging.add(s, latency, &outcome);
    }
    let judgement = judging.finish();
    (reuse.loads, reuse.judged) = (loads, judged);
    judgement
}

/// A run's seconds judged one at a time, in time order, in one pass: the objectives,
/// cost and elasticity summed, each timeline row's figures closed as its last second
/// passes, the latency summary's worst seconds and the seconds its typical figures are
/// drawn from. Nothing per second is kept beyond those seconds and the SLO's verdicts: a
/// day's run is read once, not once per figure.
struct Judging<'a> {
    queue: &'a PodQueue,
    slo: Option<slo::SloJudging<'a>>,
    cost: cost::CostSum<'a>,
    elasticity: ElasticitySum,
    /// The timeline's rows: `[from, to)` second ranges, in time order.
    rows: &'a [Row],
    seconds: usize,
    /// The next row to close, its seconds, and the figures of those added so far.
    next_row: usize,
    open_span: (usize, usize),
    step: OpenStep,
    steps: Vec<StepFigures>,
    /// The seconds added so far.
    at: usize,
    worst_p95: Option<(usize, f64)>,
    worst_p99: Option<(usize, f64)>,
    without_service: usize,
    orders: &'a mut Orders,
}

/// The maxima of a row's seconds' percentiles (ms), and whether one of its seconds failed
/// the objectives.
#[derive(Clone, Copy, Default)]
struct OpenStep {
    max_ms: [Option<f64>; 3],
    bad: bool,
}

impl<'a> Judging<'a> {
    fn new(
        record: &'a Record,
        queue: &'a PodQueue,
        objectives: Option<&'a Slo>,
        (prices, pod): (&'a Cost, &'a PodPrice),
        reuse: &'a mut Reuse,
    ) -> Judging<'a> {
        let Reuse {
            orders,
            slo: slo_buffers,
            ..
        } = reuse;
        orders.seconds.clear();
        orders.total = 0.0;
        let mut judging = Judging {
            queue,
            slo: objectives.map(|o| slo::SloJudging::new(o, slo_buffers)),
            // Supply is the Ready pods, demand the load's pods at the target, rounded up
            // (module doc of `elasticity`).
            cost: cost::CostSum::new(prices, pod, 1.0),
            elasticity: ElasticitySum::default(),
            rows: &record.timeline,
            seconds: record.seconds.len(),
            next_row: 0,
            open_span: (0, 0),
            step: OpenStep::default(),
            steps: Vec::with_capacity(record.timeline.len()),
            at: 0,
            worst_p95: None,
            worst_p99: None,
            without_service: 0,
            orders,
        };
        judging.open_span = judging.row_span(0);
        judging
    }

    /// Row `k`'s seconds, `[from, to)`, within the run's (none past the last row).
    fn row_span(&self, k: usize) -> (usize, usize) {
        let Some(row) = self.rows.get(k) else {
            return (usize::MAX, usize::MAX);
        };
        let from = (row.time_s as usize).min(self.seconds);
        let to = ((row.time_s + row.span_s) as usize).min(self.seconds);
        (from, to.max(from))
    }

    /// Closes the rows that end before second `i`: their seconds are all added.
    fn close_rows_before(&mut self, i: usize) {
        while self.next_row < self.rows.len() {
            let (from, to) = self.open_span;
            if to > i {
                break;
            }
            let step = std::mem::take(&mut self.step);
            let [p50_ms, p95_ms, p99_ms] = step.max_ms;
            self.steps.push(StepFigures {
                p50_ms,
                p95_ms,
                p99_ms,
                slo_ok: self.slo.as_ref().map(|_| !step.bad),
                // The dollars of the seconds before `to`: all added, no more.
                cost_so_far_usd: if to > 0 { self.cost.total_usd() } else { 0.0 },
            });
            self.next_row += 1;
            self.open_span = self.row_span(self.next_row);
            debug_assert!(
                self.open_span.0 >= from,
                "the timeline's rows are in time order"
            );
        }
    }

    /// The next second: its figures, its latency and its outcome as the SLO takes it.
    #[inline]
    fn add(&mut self, s: &SecondFigures, latency: Option<Latency>, outcome: &SecondOutcome) {
        let i = self.at;
        if self.open_span.1 <= i {
            self.close_rows_before(i);
        }
        let bad = self.slo.as_mut().is_some_and(|slo| slo.add(outcome));
        self.cost.add(f64::from(s.paid), s.demand_pods);
        self.elasticity.add(ceil(s.demand_pods), f64::from(s.ready));
        // The open row takes the second when it is one of its own.
        if self.open_span.0 <= i {
            let max = |m: Option<f64>, x: f64| Some(m.map_or(x, |m| m.max(x)));
            let step = &mut self.step;
            if let Some(l) = latency {
                let [a, b, c] = step.max_ms;
                step.max_ms = [
                    max(a, l.p50_s * 1000.0),
                    max(b, l.p95_s * 1000.0),
                    max(c, l.p99_s * 1000.0),
                ];
            }
            step.bad |= bad;
        }
        // The worst p95 and p99: the first second of each maximum.
        let worse = |m: Option<(usize, f64)>, x: f64| match m {
            Some((_, best)) if best >= x => m,
            _ => Some((i, x)),
        };
        match latency {
            Some(l) => {
                self.worst_p95 = worse(self.worst_p95, l.p95_s * 1000.0);
                self.worst_p99 = worse(self.worst_p99, l.p99_s * 1000.0);
                if let Some(r) = ranked(&l, outcome.arrivals) {
                    self.orders.seconds.push(r);
                    self.orders.total += r.arrivals;
                }
            }
            None => self.without_service += usize::from(outcome.arrivals > 0.0),
        }
        self.at += 1;
    }

    fn finish(mut self) -> Judgement {
        self.close_rows_before(usize::MAX);
        let queue = self.queue;
        let [typical_p50_ms, typical_p95_ms, typical_p99_ms] = typical(self.orders);
        let (p95, p99) = (self.worst_p95, self.worst_p99);
        Judgement {
            latency: LatencySummary {
                servers_per_pod: queue.servers,
                idle_service_ms: if queue.service_rate > 0.0 {
                    1000.0 / queue.service_rate
                } else {
                    0.0
                },
                typical_p50_ms,
                typical_p95_ms,
                typical_p99_ms,
                worst_p95_ms: p95.map(|(_, v)| v),
                worst_p95_at_s: p95.map(|(i, _)| i as f64),
                worst_p99_ms: p99.map(|(_, v)| v),
                seconds_without_service: self.without_service,
            },
            slo: self.slo.map(slo::SloJudging::finish),
            cost: self.cost.report(),
            elasticity: self.elasticity.finish(1.0),
            queue: None,
            steps: self.steps,
        }
    }
}

/// `x.ceil()`, to the bit, without the call into libm it compiles to on the baseline
/// x86-64 target (no SSE4.1 rounding instruction): once a second of every run.
#[inline]
fn ceil(x: f64) -> f64 {
    // Every float at least 2^52 in size is whole, and NaN is left to libm.
    if x.is_nan() || x.abs() >= 4_503_599_627_370_496.0 {
        return x.ceil();
    }
    let whole = x as i64 as f64;
    let up = if whole < x { whole + 1.0 } else { whole };
    // (-1, 0) rounds up to -0, as ceil does.
    if up == 0.0 { up.copysign(x) } else { up }
}

/// The run's prices (Fargate's by default) and its pod's requests as priced.
fn prices(setting: &RunSetting) -> (Cost, PodPrice) {
    let prices = setting.cost.clone().unwrap_or_else(default_cost);
    let pod = PodPrice::from_requests(setting.requests.get("cpu"), setting.requests.get("memory"));
    (prices, pod)
}

fn default_cost() -> Cost {
    Cost {
        cpu_per_hour: cost::FARGATE_CPU_PER_HOUR,
        memory_gib_per_hour: cost::FARGATE_MEMORY_GIB_PER_HOUR,
        node: None,
    }
}

/// `x`'s place in [`f64::total_cmp`]'s order, as an integer (the same transformation).
fn total_order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The value whose [`total_order_key`] is `key`: the transformation is its own inverse
/// (it flips the low 63 bits of negative values and keeps the sign bit).
fn from_total_order_key(key: i64) -> f64 {
    f64::from_bits(total_order_key(f64::from_bits(key as u64)) as u64)
}

/// A value's [`total_order_key`] and the arrivals of its second: what [`typical`]'s
/// search sorts (sixteen bytes, so sorting moves little memory).
#[derive(Clone, Copy, Debug)]
struct Weighted {
    key: i64,
    arrivals: f64,
}

/// A second with a latency and arrivals: its p50's, p95's and p99's keys, its arrivals.
#[derive(Clone, Copy, Debug)]
struct Ranked {
    keys: [i64; 3],
    arrivals: f64,
}

/// A second [`typical`] ranks: one with a latency and arrivals.
fn ranked(l: &Latency, arrivals: f64) -> Option<Ranked> {
    let key = |s: f64| total_order_key(s * 1000.0);
    (arrivals > 0.0).then_some(Ranked {
        keys: [key(l.p50_s), key(l.p95_s), key(l.p99_s)],
        arrivals,
    })
}

/// [`typical`]'s buffers, kept across a thread's runs.
#[derive(Default)]
struct Orders {
    /// The seconds with a latency and arrivals, in time order, and their arrivals summed
    /// in that order.
    seconds: Vec<Ranked>,
    total: f64,
    /// A sample of them, then, for each percentile, the seconds near the median (or all,
    /// to sort them).
    sample: Vec<Weighted>,
    bands: [Vec<Weighted>; 3],
}

/// Seconds a sample for [`weighted_medians_in_bands`] takes, about.
const SAMPLE: usize = 4096;

/// The share of the sample's arrivals either side of its weighted median that the band
/// spans. It need only hold the run's median, and a band that misses costs a sort, never
/// a different answer: on the sweep bench's day (41 runs, three percentiles each) none
/// missed, and the band's sorts cost about as much as the sample's.
const BAND_HALF_WIDTH: f64 = 0.03;

/// The request-weighted medians (ms) of the seconds' p50, p95 and p99: for each, the
/// first value at which the seconds taken in increasing order (ties in time order) carry
/// half the arrivals, the sums added in that order.
///
/// [`weighted_medians_in_bands`] finds it from a few thousand seconds when rounding cannot
/// change the answer, which it proves; otherwise (the half within rounding of a value's
/// edge, sums out of range, a sample that misled) all the seconds are sorted and summed
/// as the rule says ([`weighted_median_by_sort`]). Either way the answer is the rule's, to
/// the bit.
fn typical(orders: &mut Orders) -> [Option<f64>; 3] {
    let Orders {
        seconds,
        total,
        sample,
        bands,
    } = orders;
    let found = weighted_medians_in_bands(seconds, *total, sample, bands);
    let mut k = 0;
    found.map(|found| {
        let band = &mut bands[k];
        let at = k;
        k += 1;
        found.or_else(|| {
            band.clear();
            band.extend(seconds.iter().map(|s| Weighted {
                key: s.keys[at],
                arrivals: s.arrivals,
            }));
            weighted_median_by_sort(band)
        })
    })
}

/// The rule of [`typical`] as written: a stable sort by value (ties keep time order),
/// the total and the running sum added in that order. `seconds` in time order.
fn weighted_median_by_sort(seconds: &mut [Weighted]) -> Option<f64> {
    seconds.sort_by_key(|s| s.key);
    let total: f64 = seconds.iter().map(|s| s.arrivals).sum();
    let mut seen = 0.0;
    seconds.iter().find_map(|s| {
        seen += s.arrivals;
        (seen >= total / 2.0).then_some(from_total_order_key(s.key))
    })
}

/// The rule's answer for each percentile of `seconds` (their arrivals summing to
/// `total`), found by sorting only the seconds near the weighted median; None where
/// rounding might make the rule's sums answer otherwise, or the band missed: the caller
/// then sorts them all. Arrivals are positive (the seconds without are left out).
///
/// For each percentile a sample (every `n / SAMPLE`-th second) gives two values
/// bracketing the weighted median; one pass over the seconds, for all three, sums the
/// arrivals under the lower and collects the seconds between the two (the band), which
/// are sorted and summed on from there.
///
/// Why it is the rule's answer: the search ends on a value `v` with `under`, the
/// arrivals of the seconds under `v`, and `upto`, those at or under `v`, both summed in
/// some order. The rule's sums (in sorted order, up to the last second under `v` and up
/// to the last second at `v`, against half its total) are the same sets of terms summed
/// in another order. Any order of adding `n` non-negative terms is within
/// `(n-1)u / (1-(n-1)u)` of their exact sum, relative to the total, `u = 2^-53` (Higham,
/// *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §4.2); the running sum
/// only grows (rounding is monotonic). So if `under` is short of half the total by more
/// than a few such bounds, the rule's running sum is still under half before `v`; if
/// `upto` passes half by as much, it reaches half within `v`'s seconds: the rule's answer
/// is `v`. Halving is exact for totals far from the subnormal range, which is checked.
fn weighted_medians_in_bands(
    seconds: &[Ranked],
    total: f64,
    sample: &mut Vec<Weighted>,
    bands: &mut [Vec<Weighted>; 3],
) -> [Option<f64>; 3] {
    let n = seconds.len();
    if n == 0 || !total.is_finite() || total < f64::MIN_POSITIVE * 4.0 {
        return [None; 3];
    }
    let half = total / 2.0;
    // 4(n+1) ulps of the total: over twice the error of any of the four sums compared
    // (`under`, `upto`, the rule's running sums and totals), each at most (n-1)u of it.
    let margin = total * (n as f64 + 1.0) * f64::EPSILON * 2.0;

    let edges = [0, 1, 2].map(|k| {
        sample.clear();
        sample.extend(
            (seconds.iter().step_by((n / SAMPLE).max(1))).map(|s| Weighted {
                key: s.keys[k],
                arrivals: s.arrivals,
            }),
        );
        sample.sort_unstable_by_key(|s| s.key);
        let sample_total: f64 = sample.iter().map(|s| s.arrivals).sum();
        let quantile = |q: f64| {
            let mut seen = 0.0;
            let i = sample.iter().position(|s| {
                seen += s.arrivals;
                seen >= sample_total * q
            });
            sample[i.unwrap_or(sample.len() - 1)].key
        };
        (
            quantile(0.5 - BAND_HALF_WIDTH),
            quantile(0.5 + BAND_HALF_WIDTH),
        )
    });

    bands.iter_mut().for_each(Vec::clear);
    let mut unders = [0.0; 3];
    for s in seconds {
        for k in 0..3 {
            let key = s.keys[k];
            let (low, high) = edges[k];
            if key < low {
                unders[k] += s.arrivals;
            } else if key <= high {
                bands[k].push(Weighted {
                    key,
                    arrivals: s.arrivals,
                });
            }
        }
    }
    let mut k = 0;
    [(); 3].map(|()| {
        let (band, mut under) = (&mut bands[k], unders[k]);
        k += 1;
        band.sort_unstable_by_key(|s| s.key);
        let mut i = 0;
        while i < band.len() {
            if under + margin >= half {
                // The half lies under the band, or too near this value's lower edge.
                return None;
            }
            let key = band[i].key;
            let mut upto = under;
            while i < band.len() && band[i].key == key {
                upto += band[i].arrivals;
                i += 1;
            }
            if upto >= half {
                return (upto >= half + margin).then_some(from_total_order_key(key));
            }
            under = upto;
        }
        // The half lies over the band.
        None
    })
}

/// The figures `--runs` spreads over seeds: name, value, and which way is worse.
pub fn figures(summary: &crate::sim::Summary, j: &Judgement) -> Vec<(&'static str, f64)> {
    let slo = j.slo.as_ref();
    let mut f = vec![
        ("costUsd", j.cost.total_usd),
        ("podHours", j.cost.pod_hours),
        ("wasteUsd", j.cost.waste_usd),
        ("peakReplicas", f64::from(summary.peak_replicas)),
        ("meanReplicas", summary.mean_replicas),
        (
            "scaleEvents",
            (summary.scale_ups + summary.scale_downs) as f64,
        ),
        ("failedFraction", summary.failed_fraction),
        ("typicalP95Ms", j.latency.typical_p95_ms.unwrap_or(f64::NAN)),
        ("worstP95Ms", j.latency.worst_p95_ms.unwrap_or(f64::NAN)),
        ("underProvisionedPct", j.elasticity.under_timeshare_pct),
        ("overProvisionedPct", j.elasticity.over_timeshare_pct),
        ("instabilityPct", j.elasticity.instability_pct),
    ];
    if let Some(s) = slo {
        f.push(("sloViolationSeconds", s.violation_seconds as f64));
        f.push(("sloMissedFraction", s.missed_fraction));
        f.push(("sloLongestEpisodeS", s.episodes.longest_s as f64));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(scenario: &str, seeds: &[u64]) -> Vec<Record> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(scenario);
        let scenario = crate::scenario::load_scenario(&path).expect("bundled scenario");
        let options = crate::sim::Options {
            step: crate::core::Span::from_secs(60),
            seed: None,
            keep_snapshots: false,
            keep_events: false,
        };
        crate::sim::run_seeds(&scenario, &options, seeds, |_, record| record)
    }

    /// Every figure, to the last bit (Debug prints each f64 so that it reads back).
    fn exactly(j: &Judgement) -> String {
        format!("{j:?}")
    }

    /// The rule of [`typical`] as it was first written (and ran until the search in a band):
    /// each percentile's seconds sorted by (value, second) with their figures, the total
    /// and the running sum added in that order.
    fn typical_by_full_sort(
        latencies: &[Option<Latency>],
        outcomes: &[SecondOutcome],
    ) -> [Option<f64>; 3] {
        let mut order: Vec<((i64, usize), f64, [f64; 3])> = (0..latencies.len())
            .filter_map(|i| {
                let l = latencies.get(i)?.as_ref()?;
                let arrivals = outcomes.get(i)?.arrivals;
                let ms = [l.p50_s * 1000.0, l.p95_s * 1000.0, l.p99_s * 1000.0];
                (arrivals > 0.0).then_some(((0, i), arrivals, ms))
            })
            .collect();
        [0, 1, 2].map(|k| {
            for r in order.iter_mut() {
                r.0.0 = total_order_key(r.2[k]);
            }
            order.sort_by_key(|r| r.0);
            let total: f64 = order.iter().map(|r| r.1).sum();
            let mut seen = 0.0;
            order.iter().find_map(|r| {
                seen += r.1;
                (seen >= total / 2.0).then_some(r.2[k])
            })
        })
    }

    /// A second's arrivals, drawn from `pick`: whole, fractional, zero, tiny, huge.
    fn arrivals_of(kind: u8, x: f64) -> f64 {
        match kind % 8 {
            0 => (x * 1000.0).floor(),
            1 | 2 => x * 6000.0,
            3 => 0.0,
            4 => x * 1e-300,
            5 => 5e-324,
            6 => 1.0 + x * 1e-12,
            _ => (x * 10.0).floor() / 10.0 + 0.1,
        }
    }

    /// A second's latency (ms) from `value`: from a few values (ties), or any, with
    /// zeros of both signs and infinities.
    fn ms_of(kind: u8, value: f64) -> f64 {
        match kind % 6 {
            0 => (value * 4.0).floor(),
            1 => value * 500.0,
            2 => [0.0, -0.0, f64::INFINITY, f64::MAX, 5e-324][(value * 5.0) as usize % 5],
            _ => 10.0 + (value * 3.0).floor() * 0.1,
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The band gives the full sort's answer to the bit, whatever the seconds:
        /// ties in value, seconds without latency or arrivals, whole and fractional
        /// arrivals, tiny and huge ones (sums that overflow), extreme values.
        #[test]
        fn typical_is_the_full_sorts_answer(
            seconds in proptest::collection::vec(
                (0u8..255, 0.0f64..1.0, 0u8..255, 0.0f64..1.0, 0.0f64..1.0, 0.0f64..1.0),
                0..400,
            ),
            arrival_kinds in 0u8..255,
            // Runs longer than the sample, some with the heavy seconds off its stride.
            repeat in proptest::prop_oneof![3 => proptest::strategy::Just(1usize), 1 => 2usize..40],
        ) {
            let seconds: Vec<_> = seconds
                .iter()
                .cycle()
                .take(seconds.len() * repeat)
                .enumerate()
                .map(|(i, &(kind, value, a_kind, x, d95, d99))| {
                    let off_stride = repeat > 1 && i % 3 != 0 && arrival_kinds % 3 == 0;
                    (kind, value, a_kind, if off_stride { x * 0.5 + 0.5 } else { x }, d95, d99)
                })
                .collect();
            let mut latencies = vec![];
            let mut outcomes = vec![];
            for (i, &(kind, value, a_kind, x, d95, d99)) in seconds.iter().enumerate() {
                let p50 = ms_of(kind, value) / 1000.0;
                latencies.push((kind % 11 != 0).then_some(Latency {
                    p50_s: p50,
                    p95_s: p50 + ms_of(kind / 3, d95) / 1000.0,
                    p99_s: p50 + ms_of(kind / 5, d99) / 1000.0,
                }));
                // One kind of arrivals for a whole run, or a mix.
                let kind = if arrival_kinds % 2 == 0 { arrival_kinds / 2 } else { a_kind };
                outcomes.push(SecondOutcome {
                    arrivals: arrivals_of(kind, x) * if i % 7 == 0 { 1e300 } else { 1.0 },
                    ..SecondOutcome::default()
                });
            }
            let bits = |a: [Option<f64>; 3]| a.map(|v| v.map(f64::to_bits));
            let expected = bits(typical_by_full_sort(&latencies, &outcomes));
            let mut orders = Orders::default();
            for (l, o) in latencies.iter().zip(&outcomes) {
                if let Some(r) = l.as_ref().and_then(|l| ranked(l, o.arrivals)) {
                    orders.seconds.push(r);
                    orders.total += r.arrivals;
                }
            }
            let got = bits(typical(&mut orders));
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn the_band_answers_when_sure_and_leaves_the_edge_to_the_sort() {
        let at = |value: f64, arrivals: f64| Ranked {
            keys: [total_order_key(value); 3],
            arrivals,
        };
        // (seconds, the band's answer): None where the half falls on a value's edge
        // (within rounding of the running sum there), so the sort decides.
        let cases: Vec<(Vec<Ranked>, Option<f64>)> = vec![
            (vec![], None),
            (vec![at(3.0, 1.0)], Some(3.0)),
            // Half of 2 reached exactly at the first value's end: the sort's to say.
            (vec![at(2.0, 1.0), at(1.0, 1.0)], None),
            (vec![at(2.0, 1.0), at(1.0, 1.5)], Some(1.0)),
            (vec![at(2.0, 1.5), at(1.0, 1.0)], Some(2.0)),
            // A sum that overflows.
            (vec![at(1.0, f64::MAX), at(2.0, f64::MAX)], None),
            // A total in the subnormal range.
            (vec![at(1.0, 5e-324)], None),
            // The sample (every 4th second) sees only the light low seconds: the band
            // sits under the half.
            (
                (0..4 * SAMPLE)
                    .map(|i| {
                        if i % 4 == 0 {
                            at(1.0, 1.0)
                        } else {
                            at(2.0 + i as f64, 100.0)
                        }
                    })
                    .collect(),
                None,
            ),
        ];
        for (seconds, want) in cases {
            let total: f64 = seconds.iter().map(|s| s.arrivals).sum();
            let (mut sample, mut bands) = (vec![], Default::default());
            // The three percentiles' seconds are alike here: so are their answers.
            let [got, p95, p99] =
                weighted_medians_in_bands(&seconds, total, &mut sample, &mut bands);
            for got in [got, p95, p99] {
                assert_eq!(
                    got.map(f64::to_bits),
                    want.map(f64::to_bits),
                    "{:?}",
                    &seconds[..seconds.len().min(4)]
                );
            }
            let mut all: Vec<Weighted> = seconds
                .iter()
                .map(|s| Weighted {
                    key: s.keys[1],
                    arrivals: s.arrivals,
                })
                .collect();
            if let Some(got) = got {
                assert_eq!(
                    Some(got.to_bits()),
                    weighted_median_by_sort(&mut all).map(f64::to_bits)
                );
            }
        }
    }

    #[test]
    fn ceil_is_libms_to_the_bit() {
        let big = 4_503_599_627_370_496.0;
        for x in [
            0.0,
            -0.0,
            0.3,
            -0.3,
            1.0,
            -1.0,
            1.5,
            -1.5,
            2.0 - 1e-16,
            199.000001,
            1e-300,
            -1e-300,
            big - 0.5,
            big,
            -big + 0.5,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            f64::MAX,
        ] {
            let (got, want) = (ceil(x), x.ceil());
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "ceil({x:e}): {got:e}, libm {want:e}"
            );
        }
    }

    #[test]
    fn total_order_keys_read_back_to_the_same_bits() {
        for x in [
            0.0,
            -0.0,
            1.5,
            -1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5e-324,
            -5e-324,
            f64::NAN,
            -f64::NAN,
        ] {
            assert_eq!(
                from_total_order_key(total_order_key(x)).to_bits(),
                x.to_bits()
            );
        }
    }

    #[test]
    fn judging_with_a_reuse_across_runs_changes_no_figure() {
        // Runs of one scenario on several seeds meet many of the same seconds; a second
        // scenario after them changes the queue (the remembered seconds are dropped).
        let mut reuse = Reuse::across_runs();
        for (scenario, seeds) in [
            ("feastflow-lunch-rush.yaml", &[1, 2, 1][..]),
            ("spywatcher-spikes.yaml", &[7, 8][..]),
            ("feastflow-lunch-rush.yaml", &[2][..]),
        ] {
            for record in records(scenario, seeds) {
                let alone = exactly(&judge_run(&record));
                assert_eq!(exactly(&judge_run_reusing(&record, &mut reuse)), alone);
                // Judged again, every second is remembered: still the same figures.
                assert_eq!(exactly(&judge_run_reusing(&record, &mut reuse)), alone);
            }
        }
    }

    #[test]
    fn each_row_holds_the_worst_of_its_seconds_and_the_cost_before_its_end() {
        // The judgement closes each row as its seconds pass; here each is worked out the
        // long way from its second range: the seconds' latencies and verdicts one by one,
        // the cost so far of every second.
        let mut missed_rows = 0;
        for (scenario, seed) in [
            ("feastflow-lunch-rush.yaml", 3),
            ("spywatcher-spikes.yaml", 4),
        ] {
            for record in records(scenario, &[seed]) {
                let j = judge_run(&record);
                let queue = pod_queue(&record.setting);
                let slo = record
                    .setting
                    .slo
                    .as_ref()
                    .expect("the scenario has objectives");
                let threshold_s = slo.latency.as_ref().map(|l| l.threshold_s());
                let (prices, pod) = prices(&record.setting);
                let paid: Vec<f64> = record.seconds.iter().map(|s| f64::from(s.paid)).collect();
                let so_far = cost::cost_so_far(&prices, &pod, &paid, 1.0);
                let second = |s: &SecondFigures| {
                    let load = SecondLoad {
                        arrivals: s.arrivals,
                        serving_pods: f64::from(s.serving),
                        capacity_per_pod: if s.serving > 0 {
                            s.capacity_rps / f64::from(s.serving)
                        } else {
                            0.0
                        },
                        backlog: s.queued,
                    };
                    let latency = second_latency(&queue, &load);
                    let outcome = SecondOutcome {
                        arrivals: s.arrivals,
                        failed: s.failed,
                        slow_fraction: threshold_s
                            .map_or(0.0, |t| fraction_slower(&queue, &load, t)),
                        latency,
                        ready: s.ready,
                        backlog: 0.0,
                    };
                    (latency, slo::second_ok(slo, &outcome))
                };
                assert_eq!(j.steps.len(), record.timeline.len());
                missed_rows += j.steps.iter().filter(|s| s.slo_ok == Some(false)).count();
                for (row, step) in record.timeline.iter().zip(&j.steps) {
                    let n = record.seconds.len();
                    let from = (row.time_s as usize).min(n);
                    let to = ((row.time_s + row.span_s) as usize).min(n).max(from);
                    let seconds: Vec<_> = record.seconds[from..to].iter().map(second).collect();
                    let worst = |f: fn(&Latency) -> f64| {
                        (seconds.iter().filter_map(|(l, _)| l.as_ref()))
                            .map(|l| f(l) * 1000.0)
                            .reduce(f64::max)
                    };
                    let want = StepFigures {
                        p50_ms: worst(|l| l.p50_s),
                        p95_ms: worst(|l| l.p95_s),
                        p99_ms: worst(|l| l.p99_s),
                        slo_ok: Some(seconds.iter().all(|(_, ok)| *ok)),
                        cost_so_far_usd: to.checked_sub(1).map_or(0.0, |i| so_far[i]),
                    };
                    assert_eq!(
                        format!("{step:?}"),
                        format!("{want:?}"),
                        "{scenario} row at {}",
                        row.time_s
                    );
                }
            }
        }
        assert!(
            missed_rows > 0,
            "some row has a second that missed the objectives"
        );
    }

    #[test]
    fn a_runs_cost_and_elasticity_are_the_formulas_over_its_seconds() {
        // The judgement adds cost and elasticity in one pass over the seconds; the
        // formulas read whole series (`cost::judge`, `elasticity`): the same figures, to
        // the bit, from the series the module docs name.
        for scenario in ["feastflow-lunch-rush.yaml", "spywatcher-spikes.yaml"] {
            for record in records(scenario, &[3]) {
                let j = judge_run(&record);
                let paid: Vec<f64> = record.seconds.iter().map(|s| f64::from(s.paid)).collect();
                let demand: Vec<f64> = record.seconds.iter().map(|s| s.demand_pods).collect();
                let whole: Vec<f64> = demand.iter().map(|d| d.ceil()).collect();
                let ready: Vec<f64> = record.seconds.iter().map(|s| f64::from(s.ready)).collect();
                let pod = PodPrice::from_requests(
                    record.setting.requests.get("cpu"),
                    record.setting.requests.get("memory"),
                );
                let prices = record.setting.cost.clone().unwrap_or_else(default_cost);
                assert_eq!(
                    format!("{:?}", j.cost),
                    format!("{:?}", cost::judge(&prices, &pod, &paid, &demand, 1.0))
                );
                assert_eq!(
                    format!("{:?}", j.elasticity),
                    format!(
                        "{:?}",
                        super::super::elasticity::elasticity(&whole, &ready, 1.0)
                    )
                );
                // The last row ends with the run: its cost so far is the total.
                let last = j.steps.last().expect("rows");
                assert_eq!(last.cost_so_far_usd.to_bits(), j.cost.total_usd.to_bits());
            }
        }
    }
}
