//! One metric's replica proposal: kube-controller-manager's replica calculator.
//!
//! Mirrors `pkg/controller/podautoscaler/replica_calculator.go` and
//! `metrics/utilization.go` function by function, integer steps included: usages are
//! int64 thousandths, utilization an integer percentage, ratios float64, replica counts
//! the int32 of a float64 `ceil`. Go's wrapping integer arithmetic is kept (never a panic).

use std::borrow::Cow;

use serde::Serialize;

use super::api::{MetricSourceType, MetricSpec, MetricTarget};
use super::quantity::Quantity;
use super::snapshot::{ConditionStatus, Pod, PodPhase, Snapshot};
use super::time::Time;

/// The scale-down and scale-up tolerances (`Tolerances` in horizontal.go).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tolerances {
    /// A ratio down to `1 - scaleDown` is "close enough".
    pub scale_down: f64,
    /// A ratio up to `1 + scaleUp` is "close enough".
    pub scale_up: f64,
}

impl Tolerances {
    /// `Tolerances.isWithin`: both ends inclusive; NaN is never within.
    pub fn is_within(self, ratio: f64) -> bool {
        (1.0 - self.scale_down) <= ratio && ratio <= (1.0 + self.scale_up)
    }

    /// `tolerancesForHpa`: the controller flag, replaced per direction by the behavior's
    /// `tolerance` (HPAConfigurableTolerance, Kubernetes 1.33+).
    pub fn for_snapshot(snap: &Snapshot) -> Tolerances {
        let flag = snap.controller.tolerance;
        let mut t = Tolerances {
            scale_down: flag,
            scale_up: flag,
        };
        if let Some(b) = &snap.hpa.spec.behavior {
            if let Some(q) = b.scale_down.as_ref().and_then(|r| r.tolerance.as_ref()) {
                t.scale_down = q.approximate_f64();
            }
            if let Some(q) = b.scale_up.as_ref().and_then(|r| r.tolerance.as_ref()) {
                t.scale_up = q.approximate_f64();
            }
        }
        t
    }
}

/// How the controller sorted the pods for one metric (`groupPods`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodGroups {
    /// Counted with their own samples.
    pub ready: usize,
    /// Pending, or (cpu) not yet trusted: left out, or counted at 0 on a scale-up.
    pub unready: usize,
    /// No sample: counted at 0 on a scale-up, at 100 % / the target on a scale-down.
    pub missing: usize,
    /// Deleting, Failed or Succeeded: left out.
    pub ignored: usize,
}

/// One metric's outcome, as the decision reports it. Serialized with `target` and
/// `current` as the HPA status prints them ("70%", "350m") and, beside each, the same
/// reading as a number (`targetValue`, `currentValue`: a percentage for utilization,
/// else the quantity; per pod where the target is per pod).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricOutcome {
    /// `cpu`, `app/cpu`, or the custom/external metric's name.
    pub metric: String,
    /// The source type.
    pub source: MetricSourceType,
    /// The target as a person reads it: "70%", "100", "2k per pod".
    pub target: Reading,
    /// The replica count this metric asks for; absent when it failed.
    pub proposal: Option<i32>,
    /// The observed value as the HPA status shows it: "85%" or a quantity.
    pub current: Option<Reading>,
    /// Observed over target, before rebalancing missing and unready pods.
    pub usage_ratio: Option<f64>,
    /// After filling in missing and unready pods, when that happened.
    pub rebalanced_ratio: Option<f64>,
    /// The pod grouping, for pod-based metrics.
    pub pods: Option<PodGroups>,
    /// Why the proposal is current: "within tolerance", "direction flipped"...
    pub note: Option<&'static str>,
    /// The ScalingActive reason when the metric failed (`FailedGetResourceMetric`...).
    pub reason: Option<&'static str>,
    /// The controller's error message when the metric failed.
    pub error: Option<String>,
}

/// A target or an observed value as the HPA status shows it: "85%", "350m", "2k per pod".
/// Kept as a value and written out only when shown: the simulator decides every sync.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    /// An integer percentage of the request.
    Percent(i32),
    /// A quantity: a total, or an average over the pods.
    Quantity(Quantity),
    /// A per-pod target.
    PerPod(Quantity),
    /// A target with neither value set (refused by validation; shown as nothing).
    Unset,
}

impl Reading {
    /// A quantity of `milli` thousandths, printed canonically.
    fn milli(milli: i64) -> Reading {
        Reading::Quantity(Quantity::from_milli(milli))
    }
}

impl std::fmt::Display for Reading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reading::Percent(p) => write!(f, "{p}%"),
            Reading::Quantity(q) => write!(f, "{q}"),
            Reading::PerPod(q) => write!(f, "{q} per pod"),
            Reading::Unset => Ok(()),
        }
    }
}

impl Serialize for Reading {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Reading {
    /// The reading as a number: the percentage, or the quantity (`350m` is 0.35); `None`
    /// when unset.
    pub fn number(&self) -> Option<f64> {
        match self {
            Reading::Percent(p) => Some(f64::from(*p)),
            Reading::Quantity(q) | Reading::PerPod(q) => Some(q.approximate_f64()),
            Reading::Unset => None,
        }
    }
}

impl Serialize for MetricOutcome {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = serializer.serialize_map(None)?;
        m.serialize_entry("metric", &self.metric)?;
        m.serialize_entry("type", &self.source)?;
        m.serialize_entry("target", &self.target)?;
        if let Some(v) = self.target.number() {
            m.serialize_entry("targetValue", &v)?;
        }
        if let Some(p) = &self.proposal {
            m.serialize_entry("proposal", p)?;
        }
        if let Some(c) = &self.current {
            m.serialize_entry("current", c)?;
            if let Some(v) = c.number() {
                m.serialize_entry("currentValue", &v)?;
            }
        }
        if let Some(r) = &self.usage_ratio {
            m.serialize_entry("usageRatio", r)?;
        }
        if let Some(r) = &self.rebalanced_ratio {
            m.serialize_entry("rebalancedRatio", r)?;
        }
        if let Some(p) = &self.pods {
            m.serialize_entry("pods", p)?;
        }
        if let Some(n) = &self.note {
            m.serialize_entry("note", n)?;
        }
        if let Some(r) = &self.reason {
            m.serialize_entry("reason", r)?;
        }
        if let Some(e) = &self.error {
            m.serialize_entry("error", e)?;
        }
        m.end()
    }
}

/// The metric names `computeStatusFor*Metric` hand to the ValidMetricFound message,
/// written straight into it.
pub(crate) struct ControllerName<'a>(pub &'a MetricSpec);

impl std::fmt::Display for ControllerName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let spec = self.0;
        let selector = |f: &mut std::fmt::Formatter<'_>, s: &Option<serde_json::Value>| match s {
            None => f.write_str("(nil)"),
            Some(v) => write!(f, "({v})"),
        };
        match spec.kind {
            MetricSourceType::Resource | MetricSourceType::ContainerResource => {
                let Some(source) = spec.resource_source() else {
                    return Ok(());
                };
                let (name, target) = (source.name, source.target);
                let container = source.container.map_or("", |_| " container");
                if target.average_value.is_some() {
                    write!(f, "{name} resource")
                } else {
                    write!(
                        f,
                        "{name}{container} resource utilization (percentage of request)"
                    )
                }
            }
            MetricSourceType::Pods => write!(f, "pods metric {}", spec.display_name()),
            MetricSourceType::Object => {
                let Some(o) = &spec.object else {
                    return Ok(());
                };
                if o.target.kind == super::api::TargetType::Value {
                    let kind = o
                        .described_object
                        .as_ref()
                        .and_then(|d| d.get("kind"))
                        .and_then(|k| k.as_str())
                        .unwrap_or("");
                    write!(f, "{kind} metric {}", o.metric.name)
                } else {
                    write!(f, "external metric {}", o.metric.name)?;
                    selector(f, &o.metric.selector)
                }
            }
            MetricSourceType::External => {
                let Some(e) = &spec.external else {
                    return Ok(());
                };
                write!(f, "external metric {}", e.metric.name)?;
                selector(f, &e.metric.selector)
            }
        }
    }
}

/// What a calculator returns: a proposal with its status figures, or an error message.
struct Calc {
    proposal: i32,
    current: Reading,
    ratio: f64,
    rebalanced: Option<f64>,
    pods: Option<PodGroups>,
    note: Option<&'static str>,
}

type CalcResult = Result<Calc, (String, Option<Reading>)>;

/// `computeReplicasForMetric`: dispatch one metric spec to its calculator.
pub fn evaluate(snap: &Snapshot, spec: &MetricSpec, tol: Tolerances) -> MetricOutcome {
    let current = snap.current_replicas;
    let status = snap.status_replicas();
    let (reason, target_text, result): (&'static str, Reading, CalcResult) = match spec.kind {
        MetricSourceType::Resource | MetricSourceType::ContainerResource => {
            let Some(source) = spec.resource_source() else {
                unreachable!("validated: the field matching the type is set")
            };
            let (resource, container, target) = (source.name, source.container, source.target);
            let reason = match container {
                None => "FailedGetResourceMetric",
                Some(_) => "FailedGetContainerResourceMetric",
            };
            let key: Cow<str> = match container {
                Some(c) => format!("{c}/{resource}").into(),
                None => resource.into(),
            };
            // computeStatusForResourceMetricGeneric: averageValue first, then averageUtilization.
            if let Some(avg) = &target.average_value {
                let result = raw_resource_replicas(snap, &key, resource, avg.milli(), tol)
                    .map_err(|(e, c)| (format!("failed to get {resource} usage: {e}"), c));
                (reason, Reading::Quantity(avg.clone()), result)
            } else {
                let util = target
                    .average_utilization
                    .expect("validated: a resource target sets one of the two");
                let result = resource_replicas(snap, &key, resource, container, util, tol)
                    .map_err(|(e, c)| (format!("failed to get {resource} utilization: {e}"), c));
                (reason, Reading::Percent(util), result)
            }
        }
        MetricSourceType::Pods => {
            let p = spec.pods.as_ref().expect("validated");
            let avg = p
                .target
                .average_value
                .as_ref()
                .expect("validated: Pods targets set averageValue");
            let result = if snap
                .pods
                .iter()
                .any(|pod| pod.metrics.contains_key(&p.metric.name))
            {
                plain_metric_replicas(snap, &p.metric.name, "", avg.milli(), tol)
            } else {
                Err((
                    format!(
                        "unable to get metric {}: no metrics returned from custom metrics API",
                        p.metric.name
                    ),
                    None,
                ))
            };
            ("FailedGetPodsMetric", Reading::PerPod(avg.clone()), result)
        }
        MetricSourceType::Object => {
            let o = spec.object.as_ref().expect("validated");
            let name = &o.metric.name;
            let t = &o.target;
            let text = target_text(t);
            let result = match snap.objects.get(name) {
                None => Err((format!("unable to get metric {name}: the snapshot has no value for it under `objects`"), None)),
                Some(usage) => match (t.kind, &t.value, &t.average_value) {
                    (super::api::TargetType::Value, Some(v), _) => object_replicas(snap, usage.milli(), v.milli(), current, tol),
                    (super::api::TargetType::AverageValue, _, Some(a)) => Ok(per_pod_replicas(usage.milli(), a.milli(), status, tol)),
                    _ => Err((
                        "invalid object metric source: neither a value target nor an average value target was set".into(),
                        None,
                    )),
                },
            };
            ("FailedGetObjectMetric", text, result)
        }
        MetricSourceType::External => {
            let e = spec.external.as_ref().expect("validated");
            let name = &e.metric.name;
            let t = &e.target;
            let result = match snap.externals.get(name).filter(|v| !v.is_empty()) {
                None => Err((
                    format!(
                        "unable to get external metric {name}: no metrics returned from external metrics API"
                    ),
                    None,
                )),
                Some(values) => {
                    let usage = external_sum(values);
                    // computeStatusForExternalMetric: averageValue wins whatever `type` says.
                    if let Some(a) = &t.average_value {
                        Ok(per_pod_replicas(usage, a.milli(), status, tol))
                    } else {
                        let v = t.value.as_ref().expect("validated: value or averageValue");
                        object_replicas(snap, usage, v.milli(), current, tol)
                    }
                }
            };
            ("FailedGetExternalMetric", target_text(t), result)
        }
    };
    let metric = spec.display_name();
    match result {
        Ok(c) => MetricOutcome {
            metric,
            source: spec.kind,
            target: target_text,
            proposal: Some(c.proposal),
            current: Some(c.current),
            usage_ratio: Some(c.ratio),
            rebalanced_ratio: c.rebalanced,
            pods: c.pods,
            note: c.note,
            reason: None,
            error: None,
        },
        Err((message, current)) => MetricOutcome {
            metric,
            source: spec.kind,
            target: target_text,
            proposal: None,
            current,
            usage_ratio: None,
            rebalanced_ratio: None,
            pods: None,
            note: None,
            reason: Some(reason),
            error: Some(message),
        },
    }
}

fn target_text(t: &MetricTarget) -> Reading {
    match (&t.average_value, &t.value) {
        (Some(a), _) => Reading::PerPod(a.clone()),
        (None, Some(v)) => Reading::Quantity(v.clone()),
        (None, None) => Reading::Unset,
    }
}

/// The External sum: stops at MaxInt64 once the running sum overflows
/// (`GetExternalMetricReplicas` / `GetExternalPerPodMetricReplicas`).
fn external_sum(values: &[Quantity]) -> i64 {
    let mut sum: i64 = 0;
    for v in values {
        sum = sum.checked_add(v.milli()).unwrap_or(i64::MAX);
    }
    sum
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Group {
    Ignored,
    Unready,
    Missing,
    /// With its sample, in thousandths.
    Ready(i64),
}

/// `groupPods`: ignored (deleting, Failed, Succeeded), unready (Pending, or cpu samples the
/// controller does not trust yet), missing (no sample), or ready.
fn group_pod(pod: &Pod, sample_key: &str, resource: &str, snap: &Snapshot) -> Group {
    if pod.deleting || matches!(pod.phase, PodPhase::Failed | PodPhase::Succeeded) {
        return Group::Ignored;
    }
    if pod.phase == PodPhase::Pending {
        return Group::Unready;
    }
    let Some(sample) = pod.metrics.get(sample_key) else {
        return Group::Missing;
    };
    if resource == "cpu" {
        let now = snap.now;
        let flags = &snap.controller;
        let unready = match (pod.ready, pod.start_time) {
            (None, _) | (_, None) => true,
            (Some(status), Some(start)) => {
                let transition = pod.ready_since.unwrap_or(Time::LONG_AGO);
                if start.plus(flags.cpu_initialization_period) > now {
                    // Still initialising: trust only a Ready pod whose sample covers a full
                    // window since its last readiness change.
                    let sample_time = sample.timestamp.unwrap_or(now);
                    let window = sample.window.unwrap_or_default();
                    status == ConditionStatus::False || sample_time < transition.plus(window)
                } else {
                    // Past initialisation: ignore only a pod that has never been ready.
                    status == ConditionStatus::False
                        && start.plus(flags.initial_readiness_delay) > transition
                }
            }
        };
        if unready {
            return Group::Unready;
        }
    }
    Group::Ready(sample.value.milli())
}

/// The pods' samples after grouping: ready pods' samples, and the missing and unready pods
/// (ignored and unready samples are removed, `removeMetricsForPods`). Pods are indices
/// into the snapshot's list; an entry standing for `count` alike pods counts `count` times.
struct Grouped {
    samples: Vec<(usize, i64)>,
    missing: Vec<usize>,
    unready: Vec<usize>,
    groups: PodGroups,
}

fn group_pods(snap: &Snapshot, sample_key: &str, resource: &str) -> Grouped {
    let mut g = Grouped {
        samples: Vec::with_capacity(snap.pods.len()),
        missing: vec![],
        unready: vec![],
        groups: PodGroups::default(),
    };
    for (i, pod) in snap.pods.iter().enumerate() {
        let n = pod.count as usize;
        match group_pod(pod, sample_key, resource, snap) {
            Group::Ignored => g.groups.ignored += n,
            Group::Unready => {
                g.groups.unready += n;
                g.unready.push(i);
            }
            Group::Missing => {
                g.groups.missing += n;
                g.missing.push(i);
            }
            Group::Ready(value) => {
                g.groups.ready += n;
                g.samples.push((i, value));
            }
        }
    }
    g
}

/// Pods a list of samples stands for.
fn counted(snap: &Snapshot, samples: &[(usize, i64)]) -> usize {
    samples
        .iter()
        .map(|&(i, _)| snap.pods[i].count as usize)
        .sum()
}

/// `calculateRequests`: every listed pod's request for the resource (ignored pods
/// included), by pod index: the pod-level request when the pod sets pod-level requests
/// and no container is named (`calculatePodLevelRequests`, PodLevelResources, on by
/// default since 1.34), else summed over its containers, or that one container's
/// (`calculatePodRequestsFromContainers`).
fn pod_requests(
    snap: &Snapshot,
    resource: &str,
    container: Option<&str>,
) -> Result<Vec<i64>, String> {
    let mut requests = Vec::with_capacity(snap.pods.len());
    for pod in &snap.pods {
        if container.is_none() && is_pod_level_requests_set(pod) {
            requests.push(pod_level_request(pod, resource)?);
            continue;
        }
        let mut sum: i64 = 0;
        if pod.requests.is_empty() && container.is_none() {
            return Err(format!(
                "missing request for {resource} in Pod {}",
                pod.name
            ));
        }
        match container {
            Some(c) => match pod.requests.get(c).map(|r| r.get(resource)) {
                Some(Some(q)) => sum = q.milli(),
                Some(None) => {
                    return Err(format!(
                        "missing request for {resource} in container {c} of Pod {}",
                        pod.name
                    ));
                }
                None => return Err(format!("container {c} not found in Pod {}", pod.name)),
            },
            None => {
                for (name, reqs) in &pod.requests {
                    match reqs.get(resource) {
                        Some(q) => sum = sum.wrapping_add(q.milli()),
                        None => {
                            return Err(format!(
                                "missing request for {resource} in container {name} of Pod {}",
                                pod.name
                            ));
                        }
                    }
                }
            }
        }
        requests.push(sum);
    }
    Ok(requests)
}

/// The resources pod-level requests may set (`IsSupportedPodLevelResource`).
const POD_LEVEL_RESOURCES: [&str; 2] = ["cpu", "memory"];

/// `IsPodLevelRequestsSet`: pod-level requests name a resource they may set.
fn is_pod_level_requests_set(pod: &crate::core::snapshot::Pod) -> bool {
    (pod.pod_requests.keys()).any(|r| POD_LEVEL_RESOURCES.contains(&r.as_str()))
}

/// `calculatePodLevelRequests`, through `PodRequests`: the pod-level value of a resource
/// it may set, else the sum over the containers that request the resource; a resource
/// neither has is "missing".
fn pod_level_request(pod: &crate::core::snapshot::Pod, resource: &str) -> Result<i64, String> {
    let pod_level = (pod.pod_requests.get(resource))
        .filter(|_| POD_LEVEL_RESOURCES.contains(&resource))
        .map(|q| q.milli());
    let from_containers = || {
        let mut of = pod
            .requests
            .values()
            .filter_map(|r| r.get(resource))
            .peekable();
        of.peek()
            .is_some()
            .then(|| of.fold(0i64, |sum, q| sum.wrapping_add(q.milli())))
    };
    pod_level.or_else(from_containers).ok_or_else(|| {
        format!(
            "missing pod-level request for {resource} in Pod {}",
            pod.name
        )
    })
}

/// `GetResourceUtilizationRatio`: an integer percentage (int64 truncating division, then
/// int32), its ratio to the target, and the raw average usage. Go sums pod by pod with
/// wrapping int64 adds; adding `value x count` once wraps to the same result.
fn utilization_ratio(
    snap: &Snapshot,
    samples: &[(usize, i64)],
    requests: &[i64],
    target: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut usage, mut request, mut entries) = (0i64, 0i64, 0i64);
    for &(i, value) in samples {
        let n = i64::from(snap.pods[i].count);
        usage = usage.wrapping_add(value.wrapping_mul(n));
        request = request.wrapping_add(requests[i].wrapping_mul(n));
        entries += n;
    }
    if request == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let utilization = (usage.wrapping_mul(100) / request) as i32;
    Ok((
        utilization as f64 / target as f64,
        utilization,
        usage / entries,
    ))
}

/// `GetMetricUsageRatio`: the truncated average over the samples, and its ratio to the target.
fn usage_ratio(snap: &Snapshot, samples: &[(usize, i64)], target: i64) -> (f64, i64) {
    let (mut total, mut n) = (0i64, 0i64);
    for &(i, value) in samples {
        let count = i64::from(snap.pods[i].count);
        total = total.wrapping_add(value.wrapping_mul(count));
        n += count;
    }
    let average = total / n;
    (average as f64 / target as f64, average)
}

/// `int32(math.Ceil(x))`.
fn ceil_i32(x: f64) -> i32 {
    x.ceil() as i32
}

/// `GetResourceReplicas`: a Resource or ContainerResource metric with a Utilization target.
fn resource_replicas(
    snap: &Snapshot,
    key: &str,
    resource: &str,
    container: Option<&str>,
    target: i32,
    tol: Tolerances,
) -> CalcResult {
    let current = snap.current_replicas;
    if !snap.pods.iter().any(|p| p.metrics.contains_key(key)) {
        return Err((
            format!(
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ),
            None,
        ));
    }
    if snap.pods.is_empty() {
        return Err((
            "no pods returned by selector while calculating replica count".into(),
            None,
        ));
    }
    let mut g = group_pods(snap, key, resource);
    if g.samples.is_empty() {
        return Err((
            "did not receive metrics for targeted pods (pods might be unready)".into(),
            None,
        ));
    }
    let requests = pod_requests(snap, resource, container).map_err(|e| (e, None))?;
    let (ratio, utilization, _raw) =
        utilization_ratio(snap, &g.samples, &requests, target).map_err(|e| (e, None))?;
    let current_text = Reading::Percent(utilization);
    let calc = |proposal, rebalanced, note| Calc {
        proposal,
        current: current_text.clone(),
        ratio,
        rebalanced,
        pods: Some(g.groups),
        note,
    };

    let scale_up_with_unready = !g.unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && g.missing.is_empty() {
        if tol.is_within(ratio) {
            return Ok(calc(current, None, Some("within tolerance")));
        }
        return Ok(calc(ceil_i32(ratio * g.groups.ready as f64), None, None));
    }

    if !g.missing.is_empty() {
        // A missing pod is assumed at 100 % of its request (or at the target when that is
        // higher) on a scale-down, and at 0 on a scale-up; at exactly 1.0, left out.
        if ratio < 1.0 {
            let fallback = i64::from(target.max(100));
            for &i in &g.missing {
                g.samples
                    .push((i, requests[i].wrapping_mul(fallback) / 100));
            }
        } else if ratio > 1.0 {
            g.samples.extend(g.missing.iter().map(|&i| (i, 0)));
        }
    }
    if scale_up_with_unready {
        g.samples.extend(g.unready.iter().map(|&i| (i, 0)));
    }
    let (new_ratio, _, _) = utilization_ratio(snap, &g.samples, &requests, target)
        .map_err(|e| (e, Some(current_text.clone())))?;
    Ok(rebalanced_proposal(
        current,
        ratio,
        new_ratio,
        counted(snap, &g.samples),
        tol,
        calc,
    ))
}

/// The shared ending of `GetResourceReplicas` and `calcPlainMetricReplicas` after the
/// missing and unready pods were filled in: keep current when the new ratio is within
/// tolerance or the direction flipped, or when the count would move the other way.
fn rebalanced_proposal(
    current: i32,
    ratio: f64,
    new_ratio: f64,
    counted: usize,
    tol: Tolerances,
    calc: impl Fn(i32, Option<f64>, Option<&'static str>) -> Calc,
) -> Calc {
    if tol.is_within(new_ratio) {
        return calc(
            current,
            Some(new_ratio),
            Some("within tolerance after counting missing and unready pods"),
        );
    }
    if (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return calc(
            current,
            Some(new_ratio),
            Some("direction flipped after counting missing and unready pods"),
        );
    }
    let proposal = ceil_i32(new_ratio * counted as f64);
    if (new_ratio < 1.0 && proposal > current) || (new_ratio > 1.0 && proposal < current) {
        return calc(
            current,
            Some(new_ratio),
            Some("pod count would move against the ratio"),
        );
    }
    calc(proposal, Some(new_ratio), None)
}

/// `GetRawResourceReplicas`: a Resource metric with an AverageValue target.
fn raw_resource_replicas(
    snap: &Snapshot,
    key: &str,
    resource: &str,
    target: i64,
    tol: Tolerances,
) -> CalcResult {
    if !snap.pods.iter().any(|p| p.metrics.contains_key(key)) {
        return Err((
            format!(
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ),
            None,
        ));
    }
    plain_metric_replicas(snap, key, resource, target, tol)
}

/// `calcPlainMetricReplicas`: the average of the pods' samples against an average target
/// (Pods metrics, Resource AverageValue).
fn plain_metric_replicas(
    snap: &Snapshot,
    key: &str,
    resource: &str,
    target: i64,
    tol: Tolerances,
) -> CalcResult {
    let current = snap.current_replicas;
    if snap.pods.is_empty() {
        return Err((
            "no pods returned by selector while calculating replica count".into(),
            None,
        ));
    }
    let mut g = group_pods(snap, key, resource);
    if g.samples.is_empty() {
        return Err((
            "did not receive metrics for targeted pods (pods might be unready)".into(),
            None,
        ));
    }
    let (ratio, usage) = usage_ratio(snap, &g.samples, target);
    let current_text = Reading::milli(usage);
    let calc = |proposal, rebalanced, note| Calc {
        proposal,
        current: current_text.clone(),
        ratio,
        rebalanced,
        pods: Some(g.groups),
        note,
    };

    let scale_up_with_unready = !g.unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && g.missing.is_empty() {
        if tol.is_within(ratio) {
            return Ok(calc(current, None, Some("within tolerance")));
        }
        return Ok(calc(ceil_i32(ratio * g.groups.ready as f64), None, None));
    }
    if !g.missing.is_empty() {
        // A missing pod is assumed exactly at the target on a scale-down, at 0 on a
        // scale-up, and left out at a ratio of exactly 1 (older releases filled 0).
        let fill = if ratio < 1.0 {
            Some(target)
        } else if ratio > 1.0 {
            Some(0)
        } else {
            None
        };
        if let Some(fill) = fill {
            g.samples.extend(g.missing.iter().map(|&i| (i, fill)));
        }
    }
    if scale_up_with_unready {
        g.samples.extend(g.unready.iter().map(|&i| (i, 0)));
    }
    let (new_ratio, _) = usage_ratio(snap, &g.samples, target);
    Ok(rebalanced_proposal(
        current,
        ratio,
        new_ratio,
        counted(snap, &g.samples),
        tol,
        calc,
    ))
}

/// `GetObjectMetricReplicas` / `GetExternalMetricReplicas` via `getUsageRatioReplicaCount`:
/// a total against a total target, times the Running and Ready pods.
fn object_replicas(
    snap: &Snapshot,
    usage: i64,
    target: i64,
    current: i32,
    tol: Tolerances,
) -> CalcResult {
    let ratio = usage as f64 / target as f64;
    let calc = |proposal, note| Calc {
        proposal,
        current: Reading::milli(usage),
        ratio,
        rebalanced: None,
        pods: None,
        note,
    };
    if current == 0 {
        // Scaling from zero ignores the tolerance.
        return Ok(calc(ceil_i32(ratio), None));
    }
    if tol.is_within(ratio) {
        return Ok(calc(current, Some("within tolerance")));
    }
    if snap.pods.is_empty() {
        return Err((
            "unable to calculate ready pods: no pods returned by selector while calculating replica count".into(),
            Some(Reading::milli(usage)),
        ));
    }
    // getReadyPodsCount: phase Running and Ready True; deleting pods still count.
    let ready = snap
        .pods
        .iter()
        .filter(|p| p.phase == PodPhase::Running && p.ready == Some(ConditionStatus::True))
        .map(|p| p.count as usize)
        .sum::<usize>();
    Ok(calc(ceil_i32(ratio * ready as f64), None))
}

/// `GetObjectPerPodMetricReplicas` / `GetExternalPerPodMetricReplicas`: a total against a
/// per-pod target; the tolerance compares against target x status replicas.
fn per_pod_replicas(usage: i64, target: i64, status_replicas: i32, tol: Tolerances) -> Calc {
    let ratio = usage as f64 / (target as f64 * status_replicas as f64);
    let within = tol.is_within(ratio);
    let proposal = if within {
        status_replicas
    } else {
        ceil_i32(usage as f64 / target as f64)
    };
    let per_pod = if status_replicas == 0 {
        0
    } else {
        (usage as f64 / status_replicas as f64).ceil() as i64
    };
    Calc {
        proposal,
        current: Reading::milli(per_pod),
        ratio,
        rebalanced: None,
        pods: None,
        note: within.then_some("within tolerance"),
    }
}
