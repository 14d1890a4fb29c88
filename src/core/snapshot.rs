//! A snapshot: everything the HPA controller sees at one sync (shared/specs/hpa-snapshot.md).
//!
//! These types are the file format itself (serde, unknown keys refused) and the core's
//! input. [`Snapshot::validate`] applies the checks the API server would have applied
//! to the HPA, plus the snapshot's own, so the core never meets input it cannot judge.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::api::{
    HorizontalPodAutoscaler, MetricSourceType, MetricSpec, MetricTarget, PolicyType, ScalingPolicy,
    ScalingRules, SelectPolicy, TargetType,
};
use super::quantity::Quantity;
use super::time::{Span, Time};

/// One controller decision's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// The decision's instant.
    pub now: Time,
    /// The HorizontalPodAutoscaler.
    pub hpa: HorizontalPodAutoscaler,
    /// The target's `spec.replicas` (its scale subresource).
    pub current_replicas: i32,
    /// The target's `status.replicas`; absent: `currentReplicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_replicas: Option<i32>,
    /// The pods the target's selector matches.
    #[serde(default)]
    pub pods: Vec<Pod>,
    /// Object metrics by metric name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objects: BTreeMap<String, Quantity>,
    /// External metrics by metric name: one value per series.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub externals: BTreeMap<String, Vec<Quantity>>,
    /// What the controller remembers of this HPA.
    #[serde(default)]
    pub history: History,
    /// kube-controller-manager flags.
    #[serde(default)]
    pub controller: ControllerFlags,
    /// A recorded decision (`simulate --snapshots`); ignored on input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub decision: Option<serde_json::Value>,
}

/// A pod as the controller's pod lister and the metrics APIs see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pod {
    /// Unique among the snapshot's pods.
    pub name: String,
    /// `status.phase`.
    #[serde(default)]
    pub phase: PodPhase,
    /// The Ready condition's status; absent: the pod has no Ready condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<ConditionStatus>,
    /// The Ready condition's lastTransitionTime; absent: long ago.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_since: Option<Time>,
    /// `status.startTime`; absent: not started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    /// `metadata.deletionTimestamp` is set.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deleting: bool,
    /// Resource requests per container: container name -> resource name -> quantity.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, BTreeMap<String, Quantity>>,
    /// Pod-level requests (`spec.resources.requests`, the PodLevelResources feature):
    /// resource name -> quantity. When they set cpu or memory, a Resource metric's
    /// utilization is a percentage of the pod-level request (a ContainerResource metric
    /// still reads its container's); absent: the containers' sum.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pod_requests: BTreeMap<String, Quantity>,
    /// Samples the metrics APIs return for this pod, by key (`cpu`, `app/cpu`, a metric name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, Sample>,
    /// How many alike pods this entry stands for: 1 in every file. The simulator hands the
    /// core one entry for its settled pods (Ready, past `cpuInitializationPeriod`, the same
    /// samples), which the controller's rules treat alike whatever their names and times;
    /// a recorded snapshot lists each of them.
    #[serde(skip, default = "one")]
    #[schemars(skip)]
    pub count: u32,
}

fn one() -> u32 {
    1
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `PodPhase`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PodPhase {
    /// Accepted, not all containers running yet.
    Pending,
    /// Bound and running.
    #[default]
    Running,
    /// All containers ended successfully.
    Succeeded,
    /// All containers ended, one or more in failure.
    Failed,
}

/// A condition's status: True, False or Unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionStatus {
    /// `True`.
    True,
    /// `False`.
    False,
    /// `Unknown`: neither true nor false.
    Unknown,
}

// Mirrors `Deserialize for ConditionStatus`.
impl JsonSchema for ConditionStatus {
    fn schema_name() -> Cow<'static, str> {
        "ConditionStatus".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "The Ready condition's status: true, false, or \"Unknown\" (\"True\" and \"False\" are read too).",
            "anyOf": [
                { "type": "boolean" },
                { "enum": ["True", "true", "False", "false", "Unknown"] }
            ]
        })
    }
}

impl Serialize for ConditionStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ConditionStatus::True => serializer.serialize_bool(true),
            ConditionStatus::False => serializer.serialize_bool(false),
            ConditionStatus::Unknown => serializer.serialize_str("Unknown"),
        }
    }
}

impl<'de> Deserialize<'de> for ConditionStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ConditionStatus;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true, false or \"Unknown\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ConditionStatus, E> {
                Ok(if v {
                    ConditionStatus::True
                } else {
                    ConditionStatus::False
                })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ConditionStatus, E> {
                match v {
                    "True" | "true" => Ok(ConditionStatus::True),
                    "False" | "false" => Ok(ConditionStatus::False),
                    "Unknown" => Ok(ConditionStatus::Unknown),
                    _ => Err(E::custom(format!(
                        "{v:?} is not a condition status; expected true, false or \"Unknown\""
                    ))),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One sample from a metrics API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Sample {
    /// The value.
    pub value: Quantity,
    /// When it was taken; absent: `now`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Time>,
    /// The window it was averaged over; absent: 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Span>,
}

/// The controller's memory of one HPA (kept in kube-controller-manager, not in the API).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct History {
    /// Stored recommendations; empty: the controller's first sync for this HPA.
    #[serde(default)]
    pub recommendations: Vec<Recommendation>,
    /// Stored scale-up events (behavior path only).
    #[serde(default)]
    pub scale_up_events: Vec<ScaleEvent>,
    /// Stored scale-down events (behavior path only).
    #[serde(default)]
    pub scale_down_events: Vec<ScaleEvent>,
}

/// `timestampedRecommendation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recommendation {
    /// When it was recorded.
    pub time: Time,
    /// The unstabilized proposal.
    pub replicas: i32,
}

/// `timestampedScaleEvent`: a rescale the controller made, by how many replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScaleEvent {
    /// When it happened.
    pub time: Time,
    /// How many replicas were added (up list) or removed (down list); positive.
    pub change: i32,
}

/// kube-controller-manager's HPA flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControllerFlags {
    /// `--horizontal-pod-autoscaler-tolerance`.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period`, seconds.
    #[serde(default = "default_cpu_initialization_period")]
    pub cpu_initialization_period: Span,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay`, seconds.
    #[serde(default = "default_initial_readiness_delay")]
    pub initial_readiness_delay: Span,
    /// `--horizontal-pod-autoscaler-downscale-stabilization`, seconds.
    #[serde(default = "default_downscale_stabilization")]
    pub downscale_stabilization: Span,
    /// A what-if: treat an absent behavior as `behavior: {}`. Kubernetes does not.
    #[serde(default)]
    pub behavior_defaults: bool,
}

fn default_tolerance() -> f64 {
    0.1
}
fn default_cpu_initialization_period() -> Span {
    Span::from_secs(300)
}
fn default_initial_readiness_delay() -> Span {
    Span::from_secs(30)
}
fn default_downscale_stabilization() -> Span {
    Span::from_secs(300)
}

impl Default for ControllerFlags {
    fn default() -> Self {
        ControllerFlags {
            tolerance: default_tolerance(),
            cpu_initialization_period: default_cpu_initialization_period(),
            initial_readiness_delay: default_initial_readiness_delay(),
            downscale_stabilization: default_downscale_stabilization(),
            behavior_defaults: false,
        }
    }
}

/// A snapshot field that does not hold what it must.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidField {
    /// The field's path, e.g. `hpa.spec.metrics[1].resource.target.averageUtilization`.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field: field.into(),
        message: message.into(),
    }
}

/// The resolved scaling rules of one direction (`HPAScalingRules` after API defaulting).
#[derive(Clone, Debug, PartialEq)]
pub struct Rules<'a> {
    /// Stabilization window, whole seconds.
    pub stabilization_window_seconds: i64,
    /// How the policies combine.
    pub select_policy: SelectPolicy,
    /// The rate limits: the HPA's own, or the API's defaults (borrowed: resolved at
    /// every sync, they are not copied).
    pub policies: &'a [ScalingPolicy],
}

/// The two directions' rules of an HPA that has a behavior.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedBehavior<'a> {
    /// Scale up.
    pub scale_up: Rules<'a>,
    /// Scale down.
    pub scale_down: Rules<'a>,
}

/// The API's scale-up policies: Pods 4 and Percent 100, each per 15 s.
const DEFAULT_SCALE_UP_POLICIES: [ScalingPolicy; 2] = [
    ScalingPolicy {
        kind: PolicyType::Pods,
        value: 4,
        period_seconds: 15,
    },
    ScalingPolicy {
        kind: PolicyType::Percent,
        value: 100,
        period_seconds: 15,
    },
];

/// The API's scale-down policy: Percent 100 per 15 s.
const DEFAULT_SCALE_DOWN_POLICIES: [ScalingPolicy; 1] = [ScalingPolicy {
    kind: PolicyType::Percent,
    value: 100,
    period_seconds: 15,
}];

/// `GenerateHPAScaleUpRules` (pkg/apis/autoscaling/v2/defaults.go): what the user gave,
/// field by field, over Pods 4 / 15 s and Percent 100 / 15 s, Max, window 0.
fn scale_up_rules(given: Option<&ScalingRules>) -> Rules<'_> {
    Rules {
        stabilization_window_seconds: given
            .and_then(|g| g.stabilization_window_seconds)
            .unwrap_or(0) as i64,
        select_policy: given
            .and_then(|g| g.select_policy)
            .unwrap_or(SelectPolicy::Max),
        policies: given
            .and_then(|g| g.policies.as_deref())
            .unwrap_or(&DEFAULT_SCALE_UP_POLICIES),
    }
}

/// `GenerateHPAScaleDownRules` then `maybeInitScaleDownStabilizationWindow`: Percent 100
/// / 15 s, Max, and a window taken from the controller's downscale-stabilization flag.
fn scale_down_rules(given: Option<&ScalingRules>, flag: Span) -> Rules<'_> {
    Rules {
        stabilization_window_seconds: given
            .and_then(|g| g.stabilization_window_seconds)
            .map(i64::from)
            .unwrap_or(flag.whole_secs()),
        select_policy: given
            .and_then(|g| g.select_policy)
            .unwrap_or(SelectPolicy::Max),
        policies: given
            .and_then(|g| g.policies.as_deref())
            .unwrap_or(&DEFAULT_SCALE_DOWN_POLICIES),
    }
}

impl Snapshot {
    /// `minReplicas`, defaulted to 1.
    pub fn min_replicas(&self) -> i32 {
        self.hpa.spec.min_replicas.unwrap_or(1)
    }

    /// `status.replicas` of the target, defaulted to `currentReplicas`.
    pub fn status_replicas(&self) -> i32 {
        self.status_replicas.unwrap_or(self.current_replicas)
    }

    /// The metrics the controller evaluates: the spec's, or cpu at 80 % when absent or empty.
    pub fn metric_specs(&self) -> std::borrow::Cow<'_, [MetricSpec]> {
        self.hpa.spec.effective_metrics()
    }

    /// The behavior with the API defaults filled in, or `None` for the legacy path.
    pub fn behavior(&self) -> Option<ResolvedBehavior<'_>> {
        // Without a behavior, the API's defaults are those of a behavior with no rules.
        let given = match (&self.hpa.spec.behavior, self.controller.behavior_defaults) {
            (Some(b), _) => Some(b),
            (None, true) => None,
            (None, false) => return None,
        };
        Some(ResolvedBehavior {
            scale_up: scale_up_rules(given.and_then(|b| b.scale_up.as_ref())),
            scale_down: scale_down_rules(
                given.and_then(|b| b.scale_down.as_ref()),
                self.controller.downscale_stabilization,
            ),
        })
    }

    /// Checks what the API server validates on an HPA (`ValidateHorizontalPodAutoscaler`)
    /// and what the snapshot format requires; the first problem found is returned.
    pub fn validate(&self) -> Result<(), InvalidField> {
        let spec = &self.hpa.spec;
        if let Some(v) = &self.hpa.api_version
            && v != "autoscaling/v2"
        {
            return Err(invalid(
                "hpa.apiVersion",
                format!("{v:?} is not supported; expected \"autoscaling/v2\""),
            ));
        }
        if let Some(k) = &self.hpa.kind
            && k != "HorizontalPodAutoscaler"
        {
            return Err(invalid(
                "hpa.kind",
                format!("{k:?}; expected \"HorizontalPodAutoscaler\""),
            ));
        }
        let min = self.min_replicas();
        if min < 0 {
            return Err(invalid(
                "hpa.spec.minReplicas",
                format!("{min} is negative; expected 1 or more"),
            ));
        }
        if spec.max_replicas < 1 {
            return Err(invalid(
                "hpa.spec.maxReplicas",
                format!("{} must be at least 1", spec.max_replicas),
            ));
        }
        if spec.max_replicas < min {
            return Err(invalid(
                "hpa.spec.maxReplicas",
                format!(
                    "{} is below minReplicas {min}; expected a value >= minReplicas",
                    spec.max_replicas
                ),
            ));
        }
        if min == 0 {
            let has_object_or_external = self.metric_specs().iter().any(|m| {
                matches!(
                    m.kind,
                    MetricSourceType::Object | MetricSourceType::External
                )
            });
            if !has_object_or_external {
                return Err(invalid(
                    "hpa.spec.minReplicas",
                    "0 is allowed only with at least one Object or External metric (the HPAScaleToZero feature)",
                ));
            }
        }
        for (i, metric) in self.metric_specs().iter().enumerate() {
            validate_metric(metric, &format!("hpa.spec.metrics[{i}]"))?;
        }
        if let Some(b) = &spec.behavior {
            for (name, rules) in [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)] {
                if let Some(r) = rules {
                    validate_rules(r, &format!("hpa.spec.behavior.{name}"))?;
                }
            }
        }
        if self.current_replicas < 0 {
            return Err(invalid(
                "currentReplicas",
                format!("{} is negative", self.current_replicas),
            ));
        }
        if self.status_replicas() < 0 {
            return Err(invalid(
                "statusReplicas",
                format!("{} is negative", self.status_replicas()),
            ));
        }
        let c = &self.controller;
        if !(c.tolerance.is_finite() && c.tolerance >= 0.0) {
            return Err(invalid(
                "controller.tolerance",
                format!("{} must be a number, 0 or more", c.tolerance),
            ));
        }
        let mut names = BTreeSet::new();
        for (i, pod) in self.pods.iter().enumerate() {
            if pod.name.is_empty() {
                return Err(invalid(
                    format!("pods[{i}].name"),
                    "is empty; expected the pod's name",
                ));
            }
            if !names.insert(pod.name.as_str()) {
                return Err(invalid(
                    format!("pods[{i}].name"),
                    format!("{:?} appears twice; pod names are unique", pod.name),
                ));
            }
            // The API server refuses a negative request ("must be greater than or equal
            // to 0", ValidateNonnegativeQuantity on every container's resources).
            for (container, resources) in &pod.requests {
                if let Some((resource, q)) = resources.iter().find(|(_, q)| q.milli() < 0) {
                    return Err(invalid(
                        format!("pods[{i}].requests.{container}.{resource}"),
                        format!("{q} is negative; a request must be greater than or equal to 0"),
                    ));
                }
            }
            if let Some((resource, q)) = pod.pod_requests.iter().find(|(_, q)| q.milli() < 0) {
                return Err(invalid(
                    format!("pods[{i}].podRequests.{resource}"),
                    format!("{q} is negative; a request must be greater than or equal to 0"),
                ));
            }
            // metrics-server reports usage, never below 0; custom metrics may be negative.
            for (key, sample) in &pod.metrics {
                let resource = key.rsplit('/').next().unwrap_or(key);
                if matches!(resource, "cpu" | "memory") && sample.value.milli() < 0 {
                    return Err(invalid(
                        format!("pods[{i}].metrics.{key}.value"),
                        format!(
                            "{} is negative; {resource} usage is 0 or more",
                            sample.value
                        ),
                    ));
                }
            }
        }
        for (name, rec) in [
            ("scaleUpEvents", &self.history.scale_up_events),
            ("scaleDownEvents", &self.history.scale_down_events),
        ] {
            if let Some((i, e)) = rec.iter().enumerate().find(|(_, e)| e.change <= 0) {
                return Err(invalid(
                    format!("history.{name}[{i}].change"),
                    format!("{} must be positive", e.change),
                ));
            }
        }
        if let Some((i, r)) = self
            .history
            .recommendations
            .iter()
            .enumerate()
            .find(|(_, r)| r.replicas < 0)
        {
            return Err(invalid(
                format!("history.recommendations[{i}].replicas"),
                format!("{} is negative", r.replicas),
            ));
        }
        Ok(())
    }
}

/// `validateMetricSpec` and `validateMetricTarget` (pkg/apis/autoscaling/validation).
fn validate_metric(metric: &MetricSpec, path: &str) -> Result<(), InvalidField> {
    let filled: Vec<&str> = [
        ("resource", metric.resource.is_some()),
        ("containerResource", metric.container_resource.is_some()),
        ("pods", metric.pods.is_some()),
        ("object", metric.object.is_some()),
        ("external", metric.external.is_some()),
    ]
    .iter()
    .filter(|(_, set)| *set)
    .map(|(name, _)| *name)
    .collect();
    let expected = match metric.kind {
        MetricSourceType::Resource => "resource",
        MetricSourceType::ContainerResource => "containerResource",
        MetricSourceType::Pods => "pods",
        MetricSourceType::Object => "object",
        MetricSourceType::External => "external",
    };
    if filled != [expected] {
        return Err(invalid(
            path,
            format!(
                "type {:?} needs exactly the field `{expected}` set (found: {})",
                metric.kind,
                listing(&filled)
            ),
        ));
    }
    let target_path = format!("{path}.{expected}.target");
    match metric.kind {
        MetricSourceType::Resource | MetricSourceType::ContainerResource => {
            let Some(source) = metric.resource_source() else {
                unreachable!("checked above: the field matching the type is set")
            };
            if source.container == Some("") {
                return Err(invalid(
                    format!("{path}.containerResource.container"),
                    "is empty; expected a container name",
                ));
            }
            let (name, target) = (source.name, source.target);
            if name.is_empty() {
                return Err(invalid(
                    format!("{path}.{expected}.name"),
                    "is empty; expected a resource name such as cpu",
                ));
            }
            validate_target(target, &target_path)?;
            match (target.average_utilization, &target.average_value) {
                (None, None) => Err(invalid(
                    &target_path,
                    "must set either averageUtilization or averageValue",
                )),
                (Some(_), Some(_)) => Err(invalid(
                    &target_path,
                    "may not set both averageUtilization and averageValue",
                )),
                _ => Ok(()),
            }
        }
        MetricSourceType::Pods => {
            let target = &metric.pods.as_ref().expect("checked above").target;
            validate_target(target, &target_path)?;
            if target.average_value.is_none() {
                return Err(invalid(
                    format!("{target_path}.averageValue"),
                    "is required for a Pods metric",
                ));
            }
            Ok(())
        }
        MetricSourceType::Object | MetricSourceType::External => {
            let Some(target) = metric.target() else {
                unreachable!("checked above: the field matching the type is set")
            };
            validate_target(target, &target_path)?;
            if target.value.is_none() && target.average_value.is_none() {
                return Err(invalid(
                    &target_path,
                    "must set either value or averageValue",
                ));
            }
            if target.kind == TargetType::Utilization {
                return Err(invalid(
                    format!("{target_path}.type"),
                    "Utilization is only for Resource metrics",
                ));
            }
            Ok(())
        }
    }
}

fn validate_target(target: &MetricTarget, path: &str) -> Result<(), InvalidField> {
    for (name, q) in [
        ("value", &target.value),
        ("averageValue", &target.average_value),
    ] {
        if let Some(q) = q
            && q.milli() <= 0
        {
            return Err(invalid(
                format!("{path}.{name}"),
                format!("{q} must be positive"),
            ));
        }
    }
    if let Some(u) = target.average_utilization
        && u < 1
    {
        return Err(invalid(
            format!("{path}.averageUtilization"),
            format!("{u} must be greater than 0"),
        ));
    }
    Ok(())
}

/// `validateScalingRules` and `validateScalingPolicy`.
fn validate_rules(rules: &ScalingRules, path: &str) -> Result<(), InvalidField> {
    if let Some(w) = rules.stabilization_window_seconds
        && !(0..=3600).contains(&w)
    {
        return Err(invalid(
            format!("{path}.stabilizationWindowSeconds"),
            format!("{w} is outside 0..=3600"),
        ));
    }
    if let Some(p) = &rules.policies {
        if p.is_empty() {
            return Err(invalid(
                format!("{path}.policies"),
                "is empty; give at least one policy, or leave it out for the defaults",
            ));
        }
        for (i, policy) in p.iter().enumerate() {
            if policy.value <= 0 {
                return Err(invalid(
                    format!("{path}.policies[{i}].value"),
                    format!("{} must be greater than 0", policy.value),
                ));
            }
            if !(1..=1800).contains(&policy.period_seconds) {
                return Err(invalid(
                    format!("{path}.policies[{i}].periodSeconds"),
                    format!("{} is outside 1..=1800", policy.period_seconds),
                ));
            }
        }
    }
    if let Some(t) = &rules.tolerance
        && t.milli() < 0
    {
        return Err(invalid(
            format!("{path}.tolerance"),
            format!("{t} must be 0 or more"),
        ));
    }
    Ok(())
}

fn listing(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}
