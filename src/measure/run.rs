//! One run judged: the record's per-second figures through the latency model, the SLOs,
//! the prices and the elasticity metrics, summed up for summary.json and spread over the
//! timeline's steps. It reads the record only (which carries the run's setting).

use serde::Serialize;

use super::cost::{self, Cost, CostReport, PodPrice};
use super::elasticity::{Elasticity, elasticity};
use super::latency::{Latency, PodQueue, SecondLoad, fraction_slower, second_latency};
use super::slo::{self, SecondOutcome, Slo, SloReport};
use crate::sim::{Record, RunSetting};

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
    let setting = &record.setting;
    let queue = pod_queue(setting);
    if let Some(jobs) = &record.jobs {
        // A worker: its jobs, measured exactly (`queue.rs`), for the requests.
        let objectives = setting.slo.as_ref().map(super::queue::worker_slo);
        let (outcomes, latencies) = super::queue::outcomes(record, jobs, setting.slo.as_ref());
        let mut j = judge_outcomes(record, &queue, objectives, &latencies, &outcomes);
        j.queue = Some(super::queue::judge_queue(jobs, record.summary.duration_s));
        return j;
    }
    let objectives = setting.slo.clone();
    let threshold_s = objectives
        .as_ref()
        .and_then(|s| s.latency.as_ref())
        .map(|l| l.threshold_s());

    let mut latencies: Vec<Option<Latency>> = Vec::with_capacity(record.seconds.len());
    let mut outcomes = Vec::with_capacity(record.seconds.len());
    // Seconds often repeat exactly (no noise, a flat trace): reuse the last answer.
    let mut last: Option<(SecondLoad, Option<Latency>, f64)> = None;
    for s in &record.seconds {
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
        let (latency, slow) = match &last {
            Some((l, lat, slow)) if *l == load => (*lat, *slow),
            _ => {
                let lat = second_latency(&queue, &load);
                let slow = threshold_s.map_or(0.0, |t| fraction_slower(&queue, &load, t));
                last = Some((load, lat, slow));
                (lat, slow)
            }
        };
        latencies.push(latency);
        outcomes.push(SecondOutcome {
            arrivals: s.arrivals,
            failed: s.failed,
            slow_fraction: slow,
            latency,
            ready: s.ready,
            backlog: 0.0,
        });
    }
    judge_outcomes(record, &queue, objectives, &latencies, &outcomes)
}

/// The judgement of the run's seconds: objectives, cost, elasticity, the steps.
fn judge_outcomes(
    record: &Record,
    queue: &PodQueue,
    objectives: Option<Slo>,
    latencies: &[Option<Latency>],
    outcomes: &[SecondOutcome],
) -> Judgement {
    let setting = &record.setting;
    let slo = objectives.as_ref().map(|o| slo::judge(o, outcomes));
    let prices = setting.cost.clone().unwrap_or_else(default_cost);
    let pod = PodPrice::from_requests(setting.requests.get("cpu"), setting.requests.get("memory"));
    let paid: Vec<f64> = record.seconds.iter().map(|s| f64::from(s.paid)).collect();
    let demand: Vec<f64> = record.seconds.iter().map(|s| s.demand_pods).collect();
    let cost = cost::judge(&prices, &pod, &paid, &demand, 1.0);
    let so_far = cost::cost_so_far(&prices, &pod, &paid, 1.0);
    let whole_demand: Vec<f64> = demand.iter().map(|d| d.ceil()).collect();
    let ready: Vec<f64> = record.seconds.iter().map(|s| f64::from(s.ready)).collect();
    let elasticity = elasticity(&whole_demand, &ready, 1.0);

    let steps = steps(record, latencies, outcomes, objectives.as_ref(), &so_far);
    Judgement {
        latency: summarize_latency(queue, latencies, outcomes),
        slo,
        cost,
        elasticity,
        queue: None,
        steps,
    }
}

fn default_cost() -> Cost {
    Cost {
        cpu_per_hour: cost::FARGATE_CPU_PER_HOUR,
        memory_gib_per_hour: cost::FARGATE_MEMORY_GIB_PER_HOUR,
        node: None,
    }
}

/// The timeline's rows: each covers the seconds of its step, from its second on.
fn steps(
    record: &Record,
    latencies: &[Option<Latency>],
    outcomes: &[SecondOutcome],
    objectives: Option<&Slo>,
    so_far: &[f64],
) -> Vec<StepFigures> {
    record
        .timeline
        .iter()
        .map(|row| {
            let from = (row.time_s as usize).min(latencies.len());
            let to = ((row.time_s + row.span_s) as usize).min(latencies.len());
            let span = from..to.max(from);
            let worst = |f: fn(&Latency) -> f64| {
                latencies[span.clone()]
                    .iter()
                    .flatten()
                    .map(|l| f(l) * 1000.0)
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
            };
            StepFigures {
                p50_ms: worst(|l| l.p50_s),
                p95_ms: worst(|l| l.p95_s),
                p99_ms: worst(|l| l.p99_s),
                slo_ok: objectives
                    .map(|o| outcomes[span.clone()].iter().all(|s| slo::second_ok(o, s))),
                cost_so_far_usd: span
                    .end
                    .checked_sub(1)
                    .and_then(|i| so_far.get(i))
                    .copied()
                    .unwrap_or(0.0),
            }
        })
        .collect()
}

fn summarize_latency(
    queue: &PodQueue,
    latencies: &[Option<Latency>],
    outcomes: &[SecondOutcome],
) -> LatencySummary {
    let typical = |f: fn(&Latency) -> f64| {
        let mut weighted: Vec<(f64, f64)> = latencies
            .iter()
            .zip(outcomes)
            .filter_map(|(l, o)| l.map(|l| (f(&l) * 1000.0, o.arrivals)))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        let mut seen = 0.0;
        weighted.into_iter().find_map(|(v, w)| {
            seen += w;
            (seen >= total / 2.0).then_some(v)
        })
    };
    let worst = |f: fn(&Latency) -> f64| {
        latencies
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.map(|l| (i, f(&l) * 1000.0)))
            .fold(None, |m: Option<(usize, f64)>, (i, x)| match m {
                Some((_, best)) if best >= x => m,
                _ => Some((i, x)),
            })
    };
    let p95 = worst(|l| l.p95_s);
    LatencySummary {
        servers_per_pod: queue.servers,
        idle_service_ms: if queue.service_rate > 0.0 {
            1000.0 / queue.service_rate
        } else {
            0.0
        },
        typical_p50_ms: typical(|l| l.p50_s),
        typical_p95_ms: typical(|l| l.p95_s),
        typical_p99_ms: typical(|l| l.p99_s),
        worst_p95_ms: p95.map(|(_, v)| v),
        worst_p95_at_s: p95.map(|(i, _)| i as f64),
        worst_p99_ms: worst(|l| l.p99_s).map(|(_, v)| v),
        seconds_without_service: latencies
            .iter()
            .zip(outcomes)
            .filter(|(l, o)| l.is_none() && o.arrivals > 0.0)
            .count(),
    }
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
