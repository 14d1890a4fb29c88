//! What the HPA scales (`workload.kind`): a Deployment, whose pods follow its replicas at
//! once, or a custom resource with a scale subresource, whose operator makes the pods
//! follow after a delay, or never. The shape and its checks; the simulator applies it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::units::Duration;

/// The kind of the HPA's scale target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WorkloadKind {
    /// A Deployment: its ReplicaSet creates and deletes pods as soon as the HPA (or an
    /// action) changes its replicas.
    #[default]
    Deployment,
    /// A custom resource with a scale subresource: the HPA writes its `spec.replicas` and
    /// reads `status.replicas` and the selector, and an operator makes the pods follow
    /// after `operatorDelay` (or never).
    Custom,
}

/// The word `never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Never {
    /// Nothing acts on the scale.
    Never,
}

/// How long an operator takes to make the pods follow its resource's replicas: a duration
/// (`30s`), or `never` (a scale subresource nothing backs).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OperatorDelay {
    /// `never`: the pods never follow; the HPA writes replicas no one reads.
    Never(Never),
    /// The time from a change of the scale's replicas to the pods following it.
    After(Duration),
}

/// `workload.kind` and `workload.operatorDelay` together: the field and what is wrong.
pub fn check(
    kind: WorkloadKind,
    delay: Option<OperatorDelay>,
) -> Result<Option<Option<crate::core::Span>>, (String, String)> {
    match (kind, delay) {
        (WorkloadKind::Deployment, None) => Ok(None),
        (WorkloadKind::Deployment, Some(_)) => Err((
            "workload.operatorDelay".into(),
            "goes with `kind: Custom`: a Deployment's pods follow its replicas at once".into(),
        )),
        (WorkloadKind::Custom, None) => Ok(Some(Some(crate::core::Span::default()))),
        (WorkloadKind::Custom, Some(OperatorDelay::Never(_))) => Ok(Some(None)),
        (WorkloadKind::Custom, Some(OperatorDelay::After(d))) => {
            crate::units::at_most(
                "workload.operatorDelay",
                d.span(),
                crate::units::MAX_DELAY_SECONDS,
            )?;
            Ok(Some(Some(d.span())))
        }
    }
}

/// How a StatefulSet creates and deletes its pods (`spec.podManagementPolicy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PodManagementPolicy {
    /// One pod at a time, in ordinal order, each once every lower ordinal is Running and
    /// Ready (and available for `minReadySeconds`); scale-down from the highest ordinal,
    /// each deletion once the previous pod is gone. Kubernetes' default.
    #[default]
    OrderedReady,
    /// Every missing ordinal created at once; the ordinals above the replicas deleted at
    /// once (highest first), as a Deployment would.
    Parallel,
}

/// A StatefulSet target: what its controller needs from the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatefulSetTarget {
    /// `scaleTargetRef.name`: the pods are `NAME-0`, `NAME-1`…
    pub name: String,
    /// `workload.podManagementPolicy`.
    pub policy: PodManagementPolicy,
    /// `workload.minReadySeconds`: how long a pod must have been Ready to count as
    /// available (OrderedReady waits for it).
    pub min_ready: crate::core::Span,
}

/// The HPA's `scaleTargetRef` (kind and name), `workload.kind`, `podManagementPolicy` and
/// `minReadySeconds` together: the StatefulSet target, if the HPA scales one, or the
/// field and what is wrong.
pub fn check_stateful(
    target_ref: Option<&serde_json::Value>,
    kind: WorkloadKind,
    policy: Option<PodManagementPolicy>,
    min_ready_seconds: Option<u32>,
) -> Result<Option<StatefulSetTarget>, (String, String)> {
    let field = |k: &str| target_ref.and_then(|r| r.get(k)).and_then(|v| v.as_str());
    let target_kind = field("kind").unwrap_or("Deployment");
    if target_kind != "StatefulSet" {
        for (name, given) in [
            ("podManagementPolicy", policy.is_some()),
            ("minReadySeconds", min_ready_seconds.is_some()),
        ] {
            if given {
                return Err((
                    format!("workload.{name}"),
                    format!(
                        "goes with a StatefulSet (`scaleTargetRef.kind: StatefulSet` in the HPA); the HPA here scales a {target_kind}"
                    ),
                ));
            }
        }
        return Ok(None);
    }
    if kind == WorkloadKind::Custom {
        return Err((
            "workload.kind".into(),
            "`Custom` is a custom resource, but the HPA's scaleTargetRef names a StatefulSet, whose controller hpasim simulates: drop `kind: Custom`".into(),
        ));
    }
    let min_ready = crate::core::Span::from_secs(min_ready_seconds.unwrap_or(0).into());
    crate::units::at_most(
        "workload.minReadySeconds",
        min_ready,
        crate::units::MAX_DELAY_SECONDS,
    )?;
    Ok(Some(StatefulSetTarget {
        name: field("name").unwrap_or("statefulset").to_string(),
        policy: policy.unwrap_or_default(),
        min_ready,
    }))
}
