//! The `keda.sh/v1alpha1` ScaledObject, as users write it (KEDA 2.20, `apis/keda/v1alpha1`).
//!
//! Our own serde structs, unknown keys refused by name. Shapes mirror KEDA's Go types
//! field for field; what hpasim does not model is accepted here and refused with a named
//! error by [`super::Keda::compile`], so the message can say why.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::api::{Behavior, TargetType};

/// A ScaledObject (`scaledobject_types.go` `ScaledObject`). `status` is carried, not read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScaledObject {
    /// `keda.sh/v1alpha1` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `ScaledObject` when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name, labels and annotations (the rest of `ObjectMeta` is carried).
    pub metadata: ObjectMeta,
    /// The part KEDA acts on.
    pub spec: ScaledObjectSpec,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
}

/// The `ObjectMeta` fields a ScaledObject's behaviour depends on, plus those
/// `kubectl get -o yaml` prints (carried, not read).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMeta {
    /// The ScaledObject's name: the HPA is `keda-hpa-<name>`.
    pub name: String,
    /// Carried into the HPA's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Carried into the HPA's labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// KEDA's annotations (`autoscaling.keda.sh/paused-scale-in`, ...); all are copied to
    /// the HPA.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<serde_json::Value>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<serde_json::Value>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<serde_json::Value>,
    /// Carried, not read (the simulation's own clock says when the object was created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<serde_json::Value>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalizers: Option<serde_json::Value>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_fields: Option<serde_json::Value>,
}

/// `ScaledObjectSpec`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScaledObjectSpec {
    /// The scaled workload.
    pub scale_target_ref: ScaleTarget,
    /// Seconds between two passes of KEDA's loop (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling_interval: Option<i32>,
    /// Seconds after creation before a never-active target may go to zero (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_cooldown_period: Option<i32>,
    /// Seconds after the last active poll before scaling to zero or idle (default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_period: Option<i32>,
    /// Replicas while inactive (below `minReplicaCount`); absent: 0 when min is 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_replica_count: Option<i32>,
    /// The HPA's minReplicas (1 when 0 or absent); 0 or absent allows scale to zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replica_count: Option<i32>,
    /// The HPA's maxReplicas (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replica_count: Option<i32>,
    /// HPA settings passed through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<AdvancedConfig>,
    /// What to scale on; at least one.
    pub triggers: Vec<ScaleTrigger>,
    /// What the metrics read as after repeated failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
}

/// `ScaleTarget`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScaleTarget {
    /// The workload's name.
    pub name: String,
    /// Default `apps/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Default `Deployment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Carried, not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_source_container_name: Option<String>,
}

/// `AdvancedConfig`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdvancedConfig {
    /// The HPA's name and behavior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizontal_pod_autoscaler_config: Option<HorizontalPodAutoscalerConfig>,
    /// What happens when the ScaledObject is deleted: outside a run, carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_to_original_replica_count: Option<bool>,
    /// A formula over the triggers: not modelled, refused when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_modifiers: Option<serde_json::Value>,
}

/// `HorizontalPodAutoscalerConfig`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HorizontalPodAutoscalerConfig {
    /// Copied verbatim into the HPA's `spec.behavior`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<Behavior>,
    /// The HPA's name instead of `keda-hpa-<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `ScaleTriggers`: one scaler.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScaleTrigger {
    /// The scaler: `prometheus`, `rabbitmq` (QueueLength), `aws-sqs-queue`, `cpu` and
    /// `memory` are modelled.
    #[serde(rename = "type")]
    pub kind: String,
    /// Unique among the triggers when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The HPA reads the value of KEDA's last poll instead of querying the scaler.
    #[serde(default, skip_serializing_if = "is_false")]
    pub use_cached_metrics: bool,
    /// The scaler's settings, strings as in the API (`threshold: "1000"`).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Carried, not read (credentials are outside a simulation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_ref: Option<serde_json::Value>,
    /// `AverageValue` (default) or `Value`; `Utilization` only for cpu and memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<TargetType>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `Fallback`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fallback {
    /// Failed reads tolerated before the fallback value is served.
    pub failure_threshold: i32,
    /// The replicas the fallback value makes the HPA land on.
    pub replicas: i32,
    /// How `replicas` combines with the current count (default `static`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<FallbackBehavior>,
}

/// `Fallback.Behavior`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum FallbackBehavior {
    /// `fallback.replicas`.
    Static,
    /// The target's current replicas.
    CurrentReplicas,
    /// The larger of current and `fallback.replicas`.
    CurrentReplicasIfHigher,
    /// The smaller of current and `fallback.replicas`.
    CurrentReplicasIfLower,
    /// For `scalingModifiers` formulas: not modelled, refused.
    ScalingModifiers,
}
