//! What report.html shows beyond the headline tables: the surges, the SLO's budgets, burn
//! rates and episodes, what every figure means, and how the report was made.
//!
//! Owns those sections' rows and words; it renders a judged run and never measures,
//! and it takes the command line as given (the commands layer reads it).

use super::html::Grid;
use super::run_files::RunOutput;
use crate::core::Time;
use crate::measure::{SloReport, Verdict};
use crate::units::{ClockStyle, clock};

/// `t` seconds since the start on the scenario's clock (`start_s` at t = 0).
fn at(start_s: f64, t: f64) -> String {
    clock(
        Time::from_secs((start_s + t).round() as i64),
        ClockStyle::Timeline,
    )
}

fn pct(f: f64) -> String {
    format!("{:.3}%", f * 100.0)
}

/// Why the verdict is what it is, in a sentence: which budget decided it. Seconds in
/// violation are counted one by one, whatever the verdict; the verdict is over the run.
pub fn verdict_reason(slo: &SloReport) -> String {
    let spent = |name: &str, b: Option<&crate::measure::slo::Budget>| {
        b.map(|b| format!("{name} budget {:.0}% spent", b.consumed * 100.0))
    };
    let budgets: Vec<String> = [
        spent("latency", slo.latency_budget.as_ref()),
        spent("error", slo.error_budget.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let budgets = if budgets.is_empty() {
        "no latency or error objective".to_string()
    } else {
        budgets.join(", ")
    };
    let min_ready = slo.violations_by_rule.min_ready;
    match slo.verdict {
        Verdict::Met => format!(
            "met: {budgets} (at most 100% each) and never below minReady; the {} s in violation are single seconds that missed, within the run's budget",
            slo.violation_seconds
        ),
        Verdict::Violated if min_ready > 0 => {
            format!("violated: {budgets}; {min_ready} s with fewer Ready pods than minReady")
        }
        Verdict::Violated => format!("violated: {budgets} (over 100% is over the objective)"),
    }
}

/// The surges, the budgets, the burn-rate windows and the episodes, as tables; the ones
/// that have nothing to show are left out.
pub fn report_grids(run: &RunOutput, start_s: f64) -> Vec<Grid> {
    let mut grids = vec![];
    let summary = &run.record.summary;
    let surges = &summary.surges;
    let row = |label: String, s: &crate::sim::Surge| {
        (
            label,
            vec![
                at(start_s, s.start_s),
                s.end_s.map_or("not by the end".into(), |e| at(start_s, e)),
                s.seconds_to_enough
                    .map_or("-".into(), |d| format!("{d:.0} s")),
                format!("{} pods", s.worst_shortfall),
            ],
        )
    };
    if !surges.is_empty() || summary.short_at_start.is_some() {
        grids.push(Grid {
            title: "Surges".into(),
            columns: vec![
                "Ready fell short".into(),
                "enough Ready again".into(),
                "took".into(),
                "worst shortfall".into(),
            ],
            rows: (summary.short_at_start.iter())
                .map(|s| row("start (not a surge)".into(), s))
                .chain(
                    (surges.iter().enumerate()).map(|(k, s)| row(format!("{}", k + 1), s)),
                )
                .collect(),
            note: "A surge: Ready pods fell short of what the load needed at the HPA's target, until enough were Ready again. A shortfall the run starts with is the scenario's starting point, not a surge: it is shown apart and not counted.".into(),
        });
    }
    let Some(slo) = &run.judgement.slo else {
        return grids;
    };
    let unit = super::charts::LoadUnit::of(run.record).noun();
    let budget = |name: &str, b: &crate::measure::slo::Budget| {
        (
            name.to_string(),
            vec![
                pct(b.allowed_fraction),
                pct(b.observed_fraction),
                format!("{:.0}%", b.consumed * 100.0),
            ],
        )
    };
    let rows: Vec<(String, Vec<String>)> = [
        slo.latency_budget.as_ref().map(|b| budget("latency", b)),
        slo.error_budget.as_ref().map(|b| budget("errors", b)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !rows.is_empty() {
        grids.push(Grid {
            title: "SLO budgets".into(),
            columns: vec![
                format!("{unit} allowed to miss"),
                format!("{unit} that missed"),
                "budget spent".into(),
            ],
            rows,
            note: verdict_reason(slo),
        });
    }
    if !slo.windows.is_empty() {
        grids.push(Grid {
            title: "Burn rates".into(),
            columns: vec![
                "seconds burning faster than 1".into(),
                "peak burn rate".into(),
                "peak window ended at".into(),
            ],
            rows: slo
                .windows
                .iter()
                .map(|w| {
                    (
                        format!("{} window", crate::units::span_text(w.window_s as i64 * 1000)),
                        vec![
                            format!("{} s", w.seconds_over_budget),
                            format!("{:.2}", w.peak_burn_rate),
                            w.peak_at_s
                                .map_or("-".into(), |t| at(start_s, t as f64)),
                        ],
                    )
                })
                .collect(),
            note: format!("Burn rate: the share of {unit} that missed in the window over the share allowed; above 1 the budget is spent faster than the objective allows."),
        });
    }
    let e = &slo.episodes;
    if !e.list.is_empty() {
        grids.push(Grid {
            title: "SLO episodes".into(),
            columns: vec!["from".into(), "until".into(), "seconds".into()],
            rows: e
                .list
                .iter()
                .enumerate()
                .map(|(k, ep)| {
                    (
                        format!("{}", k + 1),
                        vec![
                            at(start_s, ep.start_s as f64),
                            at(start_s, ep.end_s as f64),
                            ep.seconds.to_string(),
                        ],
                    )
                })
                .collect(),
            note: if (e.list.len() as u64) < e.count {
                format!(
                    "The {} longest of {} episodes (stretches of consecutive seconds that missed an objective).",
                    e.list.len(),
                    e.count
                )
            } else {
                "Stretches of consecutive seconds that missed an objective, longest first.".into()
            },
        });
    }
    grids
}

/// What the figures mean: (term, explanation, the summary.json figures it explains, by
/// the dotted names `hpasim check` and `hpasim sweep` use). Every figure a run's
/// summary.json has is named by one entry (a test holds it to that); an object's name
/// covers its fields' when the object is absent (`null`).
const GLOSSARY: &[(&str, &str, &[&str])] = &[
    (
        "cost",
        "What the run's pods (or, when the scenario prices nodes, its nodes) cost at the scenario's prices; per hour is the total over the hours simulated.",
        &["cost.totalUsd", "cost.perHourUsd", "cost.podHours"],
    ),
    (
        "beyond what the load needed",
        "The part of the cost paid for capacity above the pods the load needed at the HPA's target (per second, paid pods minus needed pods, when positive).",
        &["cost.wasteUsd", "cost.wasteFraction"],
    ),
    (
        "nodes",
        "When the scenario prices nodes: the pods a node holds, the node-hours used, the most nodes at once, and what the nodes cost (the run's total).",
        &[
            "cost.nodes",
            "cost.nodes.podsPerNode",
            "cost.nodes.nodeHours",
            "cost.nodes.peakNodes",
            "cost.nodes.totalUsd",
        ],
    ),
    (
        "SLO verdict",
        "Met when, over the whole run, the share of requests that missed the latency threshold (failed requests count as missed) and the share that failed are within what the objective allows (no budget over 100% spent), and Ready pods never fell below minReady. It judges the run as a whole, so a met SLO can still have seconds in violation.",
        &["slo.seconds", "slo.requests", "slo.missedFraction"],
    ),
    (
        "seconds in violation, episodes",
        "Seconds that on their own missed an objective (their percentile over the threshold, too many failures, or too few Ready pods), counted whatever the verdict; an episode is a stretch of such seconds in a row.",
        &[
            "slo.violationSeconds",
            "slo.violationsByRule.latency",
            "slo.violationsByRule.errorRate",
            "slo.violationsByRule.minReady",
            "slo.violationsByRule.backlog",
            "slo.episodes.count",
            "slo.episodes.longestS",
        ],
    ),
    (
        "budget",
        "The share of requests an objective allows to miss (1 - percentile/100 for latency, errorRate.below for errors); spent is the share that missed over that allowance, 100% being all of it.",
        &[
            "slo.latencyBudget",
            "slo.latencyBudget.allowedFraction",
            "slo.latencyBudget.observedFraction",
            "slo.latencyBudget.consumed",
            "slo.errorBudget",
            "slo.errorBudget.allowedFraction",
            "slo.errorBudget.observedFraction",
            "slo.errorBudget.consumed",
        ],
    ),
    (
        "burn rate",
        "In a rolling window, the share of requests that missed over the share allowed: 1 spends the budget exactly at the objective's pace, above 1 faster (what multi-window SLO alerts watch).",
        &[],
    ),
    (
        "latency, typical second",
        "Each second's p50, p95 and p99 request latency, then the request-weighted median over the run's seconds: what a typical request's second looked like.",
        &[
            "latency.typicalP50Ms",
            "latency.typicalP95Ms",
            "latency.typicalP99Ms",
        ],
    ),
    (
        "latency, worst second",
        "The highest p95 of any single second, and when.",
        &[
            "latency.worstP95Ms",
            "latency.worstP95AtS",
            "latency.worstP99Ms",
        ],
    ),
    (
        "a pod's queue",
        "The servers of each pod's queue (requests worked on at once), a request's time in an idle pod (one server's mean service time), and the seconds with arrivals and no pod serving (every request failed).",
        &[
            "latency.serversPerPod",
            "latency.idleServiceMs",
            "latency.secondsWithoutService",
        ],
    ),
    (
        "replicas",
        "spec.replicas of the Deployment: its peak and time-weighted mean; Ready pods are those serving.",
        &["peakReplicas", "meanReplicas", "peakReady", "meanReady"],
    ),
    (
        "scale-ups, scale-downs",
        "Changes of the Deployment's replicas up or down: the HPA syncs that rescaled and, with a ScaledObject, KEDA's own writes (activation from 0, scale to zero); syncs counts the HPA's syncs.",
        &["scaleUps", "scaleDowns", "syncs"],
    ),
    (
        "pods created, pod-hours",
        "Pods the run created, and the pod-hours paid: from binding to a node until the end of termination.",
        &["podsCreated", "podHours"],
    ),
    (
        "failed requests",
        "Requests that timed out or found no pod to serve them.",
        &["requests", "failedRequests", "failedFraction"],
    ),
    (
        "the longest queue",
        "The most requests waiting at once, and the request-seconds spent waiting.",
        &["peakQueue", "queuedRequestSeconds"],
    ),
    (
        "under-/over-provisioned",
        "The share of the time Ready pods were fewer (more) than the pods the load needed at the HPA's target, rounded up, and by how much on average as a share of that need (SPEC Research Group elasticity metrics).",
        &[
            "elasticity.underTimesharePct",
            "elasticity.overTimesharePct",
            "elasticity.underAccuracyPct",
            "elasticity.overAccuracyPct",
            "elasticity.underMeanUnits",
            "elasticity.overMeanUnits",
        ],
    ),
    (
        "the HPA's 10% tolerance",
        "The HPA does not rescale while the metric is within 10% of its target. A pod count just under what the target asks for can then stay, which counts as under-provisioned time although the HPA is working as designed; read a large under-provisioned share with a small shortfall that way.",
        &[],
    ),
    (
        "instability k, k'",
        "k: the share of steps in which Ready pods moved against the load (rose while it held or fell, or held while it fell); k': the mirror image (did not follow a rise, or fell on their own). Lower is steadier.",
        &[
            "elasticity.instabilityPct",
            "elasticity.instabilityMirroredPct",
        ],
    ),
    (
        "jitter",
        "Pods changed per minute minus the changes in the pods the load needed: below 0 the replicas moved less than the load (sluggish), above 0 more (oscillating).",
        &[
            "elasticity.jitterPerMinute",
            "elasticity.supplyChanges",
            "elasticity.demandChanges",
            "elasticity.durationS",
        ],
    ),
    (
        "surges",
        "Times Ready pods fell short of what the load needed, with how long until enough were Ready and the largest shortfall; a shortfall already there at the start is shown apart, not counted.",
        &[],
    ),
    (
        "the run",
        "The seed it ran with, the seconds simulated, and where it starts on the scenario's clock (seconds from its midnight).",
        &["seed", "durationS", "startS"],
    ),
];

/// A worker's queue (`workload.worker`), as the README's "Measured" explains it; shown
/// only for runs that have one.
const QUEUE_GLOSSARY: &[(&str, &str, &[&str])] = &[
    (
        "jobs",
        "Jobs that arrived, that a pod took (once each, whatever redeliveries followed), and that were completed.",
        &["queue.arrived", "queue.taken", "queue.completed"],
    ),
    (
        "job wait",
        "Arrival to a pod first taking the job: nearest-rank percentiles over every job taken, no queueing formula, with the longest and the mean. For a worker the latency figures and the SLO's jobWait read these waits.",
        &[
            "queue.waitP50S",
            "queue.waitP95S",
            "queue.waitP99S",
            "queue.waitMaxS",
            "queue.waitMeanS",
        ],
    ),
    (
        "time in system",
        "Arrival to completion of the completed jobs: the 95th percentile.",
        &["queue.timeInSystemP95S"],
    ),
    (
        "over deadline",
        "Jobs done later than worker.deadline after they arrived, or unfinished and older than it at the end (absent without a deadline).",
        &["queue.overDeadline"],
    ),
    (
        "backlog, in flight at the end",
        "Jobs still waiting, and jobs still being worked on, when the run ends.",
        &["queue.backlogAtEnd", "queue.inFlightAtEnd"],
    ),
    (
        "abandoned jobs",
        "Jobs a pod was still working on when its termination grace period ended: each went back to the front of the queue to be done again (at-least-once delivery); a job abandoned twice counts twice.",
        &["queue.abandoned"],
    ),
    (
        "queue depth",
        "The most jobs waiting at the end of a second, and the oldest waiting job's largest age then.",
        &["queue.peakDepth", "queue.peakOldestAgeS"],
    ),
    (
        "mean depth, mean in flight",
        "Jobs waiting, and jobs being worked on, averaged over the run's time to the millisecond: Little's L.",
        &["queue.meanDepth", "queue.meanInFlight"],
    ),
];

/// What every figure in the report means, each entry naming the summary.json figures it
/// explains; the queue's entries when `worker` (a run of `workload.worker`).
pub fn glossary(worker: bool) -> Vec<(String, String)> {
    let queue: &[_] = if worker { QUEUE_GLOSSARY } else { &[] };
    (GLOSSARY.iter().chain(queue))
        .map(|(term, meaning, figures)| {
            let meaning = if figures.is_empty() {
                meaning.to_string()
            } else {
                format!("{meaning} summary.json: {}.", figures.join(", "))
            };
            (term.to_string(), meaning)
        })
        .collect()
}

/// How the report was made: the hpasim version and the command line.
pub fn provenance(command_line: &str) -> Vec<(String, String)> {
    let mut p = vec![("hpasim".to_string(), env!("CARGO_PKG_VERSION").to_string())];
    if !command_line.is_empty() {
        p.push(("command".into(), command_line.to_string()));
    }
    p
}
