//! The autoscaling/v2 HorizontalPodAutoscaler, as `kubectl get hpa -o yaml` prints it.
//!
//! Our own serde structs (not k8s-openapi) so that a typo in a manifest is refused by
//! name instead of silently ignored. Shapes mirror the Kubernetes Go types field for
//! field; `metadata` and `status` are accepted and carried along but never read.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::quantity::Quantity;

/// An autoscaling/v2 HorizontalPodAutoscaler. Only `spec` is read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HorizontalPodAutoscaler {
    /// `autoscaling/v2` when given (the scenario layer converts v1, v2beta1 and v2beta2
    /// to this shape before the core reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["autoscaling/v2", null]))]
    pub api_version: Option<String>,
    /// `HorizontalPodAutoscaler` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["HorizontalPodAutoscaler", null]))]
    pub kind: Option<String>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// The part the controller acts on.
    pub spec: HpaSpec,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
}

/// `HorizontalPodAutoscalerSpec`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HpaSpec {
    /// The scaled workload; carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_target_ref: Option<serde_json::Value>,
    /// The fewest replicas the HPA scales to (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// The most replicas the HPA scales to (required).
    pub max_replicas: i32,
    /// What the HPA scales on; absent or empty: cpu at 80 % utilization (the API default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<MetricSpec>>,
    /// Scaling rules per direction; absent: the controller's legacy path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<Behavior>,
}

/// The five metric source types of autoscaling/v2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MetricSourceType {
    /// Per-pod resource usage (metrics.k8s.io), summed over the pod's containers.
    Resource,
    /// One container's resource usage.
    ContainerResource,
    /// A per-pod custom metric (custom.metrics.k8s.io).
    Pods,
    /// A metric describing one Kubernetes object.
    Object,
    /// A metric from outside the cluster (external.metrics.k8s.io).
    External,
}

/// `MetricSpec`: a `type` and the one source field it names. Modelled as Kubernetes
/// models it (not a tagged enum) so parse errors point at the right line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricSpec {
    /// Which source field applies.
    #[serde(rename = "type")]
    pub kind: MetricSourceType,
    /// For `Resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceMetricSource>,
    /// For `ContainerResource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_resource: Option<ContainerResourceMetricSource>,
    /// For `Pods`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsMetricSource>,
    /// For `Object`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectMetricSource>,
    /// For `External`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalMetricSource>,
}

/// `ResourceMetricSource`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceMetricSource {
    /// The resource: `cpu`, `memory`, ...
    pub name: String,
    /// The target value.
    pub target: MetricTarget,
}

/// `ContainerResourceMetricSource`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerResourceMetricSource {
    /// The resource: `cpu`, `memory`, ...
    pub name: String,
    /// The container whose usage counts.
    pub container: String,
    /// The target value.
    pub target: MetricTarget,
}

/// `PodsMetricSource`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodsMetricSource {
    /// The metric's name (and selector).
    pub metric: MetricIdentifier,
    /// The target value.
    pub target: MetricTarget,
}

/// `ObjectMetricSource`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMetricSource {
    /// The object the metric describes; carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub described_object: Option<serde_json::Value>,
    /// The metric's name (and selector).
    pub metric: MetricIdentifier,
    /// The target value.
    pub target: MetricTarget,
}

/// `ExternalMetricSource`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExternalMetricSource {
    /// The metric's name (and selector).
    pub metric: MetricIdentifier,
    /// The target value.
    pub target: MetricTarget,
}

/// `MetricIdentifier`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricIdentifier {
    /// The metric's name.
    pub name: String,
    /// A label selector; carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<serde_json::Value>,
}

/// `MetricTargetType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TargetType {
    /// A percentage of the pods' requests.
    Utilization,
    /// A total value.
    Value,
    /// A value per pod.
    AverageValue,
}

/// `MetricTarget`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricTarget {
    /// What kind of target this is.
    #[serde(rename = "type")]
    pub kind: TargetType,
    /// For `Value`: the target total, a quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Quantity>,
    /// For `AverageValue`: the target per pod, a quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_value: Option<Quantity>,
    /// For `Utilization`: the target in percent of the pods' requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i32>,
}

/// `HorizontalPodAutoscalerBehavior`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Behavior {
    /// Rules for scaling up; absent: the API defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<ScalingRules>,
    /// Rules for scaling down; absent: the API defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<ScalingRules>,
}

/// `HPAScalingRules`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingRules {
    /// The stabilization window, 0 to 3600 seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 3600))]
    pub stabilization_window_seconds: Option<i32>,
    /// `Max`, `Min` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// The policies that limit a change (at least one when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<ScalingPolicy>>,
    /// Per-direction tolerance, a quantity such as `"0.05"` (Kubernetes 1.33+, KEP-4951).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Quantity>,
}

/// `ScalingPolicySelect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SelectPolicy {
    /// The policy that allows the largest change.
    Max,
    /// The policy that allows the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// `HPAScalingPolicyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PolicyType {
    /// An absolute number of pods.
    Pods,
    /// A percentage of the replicas at the period's start.
    Percent,
}

/// `HPAScalingPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingPolicy {
    /// Pods or Percent.
    #[serde(rename = "type")]
    pub kind: PolicyType,
    /// How many pods, or what percentage; more than 0.
    pub value: i32,
    /// The period the change is measured over, 1 to 1800 seconds.
    #[schemars(range(min = 1, max = 1800))]
    pub period_seconds: i32,
}

impl HpaSpec {
    /// The metrics the controller evaluates: the spec's, or cpu at 80 % utilization when
    /// absent or empty (the autoscaling/v2 API default). Borrowed when the spec has them:
    /// the core asks at every sync.
    pub fn effective_metrics(&self) -> Cow<'_, [MetricSpec]> {
        match &self.metrics {
            Some(m) if !m.is_empty() => Cow::Borrowed(m),
            _ => Cow::Owned(vec![MetricSpec {
                kind: MetricSourceType::Resource,
                resource: Some(ResourceMetricSource {
                    name: "cpu".into(),
                    target: MetricTarget {
                        kind: TargetType::Utilization,
                        value: None,
                        average_value: None,
                        average_utilization: Some(80),
                    },
                }),
                container_resource: None,
                pods: None,
                object: None,
                external: None,
            }]),
        }
    }
}

/// The resource a `Resource` or `ContainerResource` metric reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResourceSource<'a> {
    /// The resource: `cpu`, `memory`, ...
    pub name: &'a str,
    /// The container whose usage counts (a `ContainerResource` metric), else none.
    pub container: Option<&'a str>,
    /// The target value.
    pub target: &'a MetricTarget,
}

impl MetricSpec {
    /// The resource source: the `resource` field when set, else the `containerResource`
    /// field; none when neither is (validation lets only the field of the type be set).
    pub fn resource_source(&self) -> Option<ResourceSource<'_>> {
        match (&self.resource, &self.container_resource) {
            (Some(r), _) => Some(ResourceSource {
                name: &r.name,
                container: None,
                target: &r.target,
            }),
            (_, Some(c)) => Some(ResourceSource {
                name: &c.name,
                container: Some(&c.container),
                target: &c.target,
            }),
            _ => None,
        }
    }

    /// The target of the source the type names; none when that field is not set.
    pub fn target(&self) -> Option<&MetricTarget> {
        match self.kind {
            MetricSourceType::Resource => self.resource.as_ref().map(|r| &r.target),
            MetricSourceType::ContainerResource => {
                self.container_resource.as_ref().map(|c| &c.target)
            }
            MetricSourceType::Pods => self.pods.as_ref().map(|p| &p.target),
            MetricSourceType::Object => self.object.as_ref().map(|o| &o.target),
            MetricSourceType::External => self.external.as_ref().map(|e| &e.target),
        }
    }

    /// The name a person knows the metric by: `cpu`, `app/cpu` for a container's
    /// resource, or the custom/external metric's name.
    pub fn display_name(&self) -> String {
        match self.kind {
            MetricSourceType::Resource => self.resource.as_ref().map(|r| r.name.clone()),
            MetricSourceType::ContainerResource => self
                .container_resource
                .as_ref()
                .map(|c| format!("{}/{}", c.container, c.name)),
            MetricSourceType::Pods => self.pods.as_ref().map(|p| p.metric.name.clone()),
            MetricSourceType::Object => self.object.as_ref().map(|o| o.metric.name.clone()),
            MetricSourceType::External => self.external.as_ref().map(|e| e.metric.name.clone()),
        }
        .unwrap_or_default()
    }
}

#[cfg(test)]
mod source_tests {
    use super::*;

    fn target() -> MetricTarget {
        MetricTarget {
            kind: TargetType::Utilization,
            value: None,
            average_value: None,
            average_utilization: Some(70),
        }
    }

    #[test]
    fn a_resource_source_names_its_container_only_for_a_container_resource() {
        let mut m = MetricSpec {
            kind: MetricSourceType::Resource,
            resource: Some(ResourceMetricSource {
                name: "cpu".into(),
                target: target(),
            }),
            container_resource: None,
            pods: None,
            object: None,
            external: None,
        };
        let s = m.resource_source().expect("a resource");
        assert_eq!((s.name, s.container), ("cpu", None));
        assert_eq!(m.target(), Some(&target()));
        m.kind = MetricSourceType::ContainerResource;
        m.resource = None;
        assert_eq!(m.target(), None);
        m.container_resource = Some(ContainerResourceMetricSource {
            name: "memory".into(),
            container: "app".into(),
            target: target(),
        });
        let s = m.resource_source().expect("a container resource");
        assert_eq!((s.name, s.container), ("memory", Some("app")));
        m.container_resource = None;
        assert_eq!(m.resource_source(), None);
    }
}
