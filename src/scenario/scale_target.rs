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
