//! A queue worker's rules as a scenario writes them (`workload.worker`): its own fields,
//! and the fields of the rest of the file that mean something else, or nothing, for a
//! worker. Checks only; what a worker does is `sim::queue`'s to say.

use super::load_scenario::MAX_CONCURRENCY;
use super::model::{MetricSourceKind, ScenarioFile, ServiceTime, Worker};
use crate::units::{MAX_DELAY_SECONDS, at_most};

/// The metric sources only a worker produces.
pub fn worker_only(kind: MetricSourceKind) -> bool {
    matches!(
        kind,
        MetricSourceKind::OldestJobAge
            | MetricSourceKind::JobsInFlight
            | MetricSourceKind::JobsCompletedPerSecond
    )
}

/// Every worker rule of the file: `Err((field, message))` for the first broken one.
pub fn check_worker(file: &ScenarioFile) -> Result<(), (String, String)> {
    let w = &file.workload;
    let Some(worker) = &w.worker else {
        return check_server(file);
    };
    check_fields(worker)?;
    let refuse = |field: &str, why: &str| Err((field.to_string(), why.to_string()));
    if w.pod.concurrency.is_some() {
        return refuse(
            "workload.pod.concurrency",
            "a worker takes `workload.worker.concurrency` jobs at once; `pod.concurrency` is a server's",
        );
    }
    if w.pod.request_timeout.is_some() {
        return refuse(
            "workload.pod.requestTimeout",
            "a worker's jobs wait in the queue until a pod takes them: no request times out (see `worker.deadline`)",
        );
    }
    if (file.traffic.as_ref()).is_some_and(|t| t.endpoint_delay.is_some()) {
        return refuse(
            "traffic.endpointDelay",
            "a worker pulls its jobs from the queue: it has no endpoint to wait for",
        );
    }
    if w.termination.exit_after.is_some() {
        return refuse(
            "workload.termination.exitAfter",
            "a worker exits when its jobs are done, or at `gracePeriodSeconds`: leave `exitAfter` out",
        );
    }
    if let Some(w) = file.slo.as_ref().and_then(|s| s.job_wait.as_ref()) {
        at_most("slo.jobWait.below", w.below.span(), MAX_DELAY_SECONDS)?;
    }
    if let Some(slo) = &file.slo
        && slo.latency.is_some()
    {
        return refuse(
            "slo.latency",
            "a worker serves no requests: judge its jobs with `slo.jobWait` (and `slo.backlog`)",
        );
    }
    Ok(())
}

/// A server (no `worker`) may not ask for what only a worker has.
fn check_server(file: &ScenarioFile) -> Result<(), (String, String)> {
    for (name, d) in &file.metrics {
        if worker_only(d.source) {
            return Err((
                format!("metrics.{name}.source"),
                "follows a job queue: it needs `workload.worker` (the pods serve requests here)"
                    .into(),
            ));
        }
    }
    if let Some(slo) = &file.slo {
        for (field, set) in [
            ("slo.jobWait", slo.job_wait.is_some()),
            ("slo.backlog", slo.backlog.is_some()),
        ] {
            if set {
                return Err((
                    field.into(),
                    "judges a job queue: it needs `workload.worker`".into(),
                ));
            }
        }
    }
    Ok(())
}

fn check_fields(worker: &Worker) -> Result<(), (String, String)> {
    let field = |f: &str| format!("workload.worker.{f}");
    if worker.concurrency == 0 {
        return Err((
            field("concurrency"),
            "must be 1 or more (jobs a pod works on at once)".into(),
        ));
    }
    if worker.concurrency > MAX_CONCURRENCY {
        return Err((
            field("concurrency"),
            format!(
                "{} is above the limit of {MAX_CONCURRENCY} jobs at once",
                worker.concurrency
            ),
        ));
    }
    let st = field("serviceTime");
    let positive = |d: &crate::units::Duration| d.span().as_millis() > 0;
    let (ok, spans, rule) = match &worker.service_time {
        ServiceTime::Fixed(d) => (positive(d), vec![*d], "must be longer than 0"),
        ServiceTime::Exponential { mean } => (positive(mean), vec![*mean], "needs a mean above 0"),
        ServiceTime::Lognormal { median, p99 } => (
            positive(median) && p99 >= median,
            vec![*median, *p99],
            "needs 0 < median <= p99",
        ),
        ServiceTime::Uniform([a, b]) => (
            a <= b && positive(b) && a.span().as_millis() >= 0,
            vec![*a, *b],
            "needs 0 <= first <= second, the second above 0",
        ),
    };
    if !ok {
        return Err((st, rule.into()));
    }
    for d in spans {
        at_most(&st, d.span(), MAX_DELAY_SECONDS)?;
    }
    if let Some(d) = worker.deadline {
        if !positive(&d) {
            return Err((field("deadline"), "must be longer than 0".into()));
        }
        at_most(&field("deadline"), d.span(), MAX_DELAY_SECONDS)?;
    }
    Ok(())
}
