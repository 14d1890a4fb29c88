//! A ScaledObject checked (CRD schema and admission webhook) and turned into the HPA KEDA
//! generates (`controllers/keda/hpa.go` `newHPAForScaledObject`).

use std::collections::BTreeMap;

use serde_json::json;

use super::api::{Fallback, FallbackBehavior, ScaledObject};
use crate::core::api::{
    Behavior, ContainerResourceMetricSource, ExternalMetricSource, HorizontalPodAutoscaler,
    HpaSpec, MetricIdentifier, MetricSourceType, MetricSpec, MetricTarget, ResourceMetricSource,
    ScalingRules, SelectPolicy, TargetType,
};
use crate::core::{InvalidField, Quantity, Span};

/// The KEDA source these rules follow: the v2.20 line, main at commit 8b4f083 (2026-08-20).
pub const KEDA_VERSION: &str = "v2.20.1-117-g8b4f083";

/// `apis/keda/v1alpha1/scaledobject_types.go:96-97`.
const DEFAULT_HPA_MIN_REPLICAS: i32 = 1;
const DEFAULT_HPA_MAX_REPLICAS: i32 = 100;
/// `withtriggers_types.go:51` `defaultPollingInterval`.
const DEFAULT_POLLING_INTERVAL: i32 = 30;
/// `pkg/scaling/executor/scale_executor.go:36-37`.
const DEFAULT_INITIAL_COOLDOWN_PERIOD: i32 = 0;
const DEFAULT_COOLDOWN_PERIOD: i32 = 300;
/// `scaledobject_webhook.go:58` `maxK8sLabelValueLength`.
const MAX_LABEL_VALUE_LENGTH: usize = 63;

const PAUSED_SCALE_IN: &str = "autoscaling.keda.sh/paused-scale-in";
const PAUSED_SCALE_OUT: &str = "autoscaling.keda.sh/paused-scale-out";
const FORCE_ACTIVATION: &str = "autoscaling.keda.sh/force-activation";
const PAUSED: &str = "autoscaling.keda.sh/paused";
const PAUSED_REPLICAS: &str = "autoscaling.keda.sh/paused-replicas";
/// `ScaledObjectOwnerAnnotation`: the label selector of every External metric.
const OWNER_LABEL: &str = "scaledobject.keda.sh/name";

/// The trigger types hpasim models.
const MODELLED_TRIGGERS: [&str; 5] = ["prometheus", "rabbitmq", "aws-sqs-queue", "cpu", "memory"];

/// The metadata keys of the aws-sqs-queue scaler (`pkg/scalers/aws_sqs_queue_scaler.go:31-45`,
/// `pkg/scalers/aws/aws_common.go:107-137`).
const SQS_KEYS: [&str; 12] = [
    "queueLength",
    "activationQueueLength",
    "queueURL",
    "queueURLFromEnv",
    "awsRegion",
    "awsEndpoint",
    "scaleOnInFlight",
    "scaleOnDelayed",
    "identityOwner",
    "awsAccessKeyID",
    "awsAccessKeyIDFromEnv",
    "awsSecretAccessKeyFromEnv",
];

/// The metadata keys of the rabbitmq scaler (`pkg/scalers/rabbitmq_scaler.go:84-119`;
/// `host` may also come from the environment, `hostFromEnv`).
const RABBITMQ_KEYS: [&str; 15] = [
    "queueName",
    "mode",
    "queueLength",
    "value",
    "activationValue",
    "host",
    "hostFromEnv",
    "protocol",
    "vhostName",
    "useRegex",
    "excludeUnacknowledged",
    "pageSize",
    "operation",
    "timeout",
    "unsafeSsl",
];

/// The metadata keys of the prometheus scaler (`pkg/scalers/prometheus_scaler.go:45-60`).
const PROMETHEUS_KEYS: [&str; 13] = [
    "serverAddress",
    "query",
    "queryParameters",
    "threshold",
    "activationThreshold",
    "namespace",
    "customHeaders",
    "ignoreNullValues",
    "unsafeSsl",
    "awsRegion",
    "timeout",
    "identityOwner",
    "authModes",
];

/// One trigger that KEDA serves as an External metric.
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalTrigger {
    /// The trigger's index in `spec.triggers`.
    pub index: usize,
    /// The trigger's type (`prometheus`, `rabbitmq`).
    pub kind: String,
    /// The External metric's name, `s<index>-prometheus`, `s<index>-rabbitmq-<queue>`.
    pub metric_name: String,
    /// Active when the value is strictly above this (default 0).
    pub activation_threshold: f64,
    /// `AverageValue` or `Value`.
    pub target_type: TargetType,
    /// The target as the HPA holds it (KEDA's `%.3f` of the threshold).
    pub target: Quantity,
    /// The HPA reads KEDA's last poll instead of querying the scaler.
    pub use_cached_metrics: bool,
}

/// A checked ScaledObject: its HPA and the settings of KEDA's loop.
#[derive(Clone, Debug, PartialEq)]
pub struct Keda {
    /// The ScaledObject as given.
    pub scaled_object: ScaledObject,
    /// The HPA KEDA creates for it; passes [`crate::core::Snapshot::validate`].
    pub hpa: HorizontalPodAutoscaler,
    /// `pollingInterval`, default 30 s.
    pub polling_interval: Span,
    /// `cooldownPeriod`, default 300 s.
    pub cooldown_period: Span,
    /// `initialCooldownPeriod`, default 0 s.
    pub initial_cooldown_period: Span,
    /// `spec.minReplicaCount` as written (the executor reads 0 when absent).
    pub min_replica_count: Option<i32>,
    /// `spec.idleReplicaCount`.
    pub idle_replica_count: Option<i32>,
    /// `spec.fallback`, its behavior defaulted to `static`.
    pub fallback: Option<Fallback>,
    /// The triggers served as External metrics, in trigger order.
    pub externals: Vec<ExternalTrigger>,
    /// How many triggers there are.
    pub trigger_count: usize,
    /// How many of them are cpu or memory.
    pub cpu_memory_count: usize,
    /// `autoscaling.keda.sh/paused-scale-in` is true.
    pub pause_scale_in: bool,
    /// `autoscaling.keda.sh/paused-scale-out` is true.
    pub pause_scale_out: bool,
    /// `autoscaling.keda.sh/force-activation` is true.
    pub force_activation: bool,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> InvalidField {
    InvalidField {
        field: field.into(),
        message: message.into(),
    }
}

/// `getBoolAnnotation` (scaledobject_types.go:269): absent is false, a value that is not a
/// Go boolean is true.
fn bool_annotation(so: &ScaledObject, key: &str) -> bool {
    match so.metadata.annotations.get(key).map(String::as_str) {
        None => false,
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => false,
        Some(_) => true,
    }
}

/// KEDA's `quantityFromFloat64` (pkg/scalers/scaler.go:164): NaN, infinities and negative
/// values are 0, else the value printed with `%.3f` and parsed.
pub(crate) fn quantity_from_f64(value: f64) -> Quantity {
    if !value.is_finite() || value < 0.0 {
        return Quantity::from_milli(0);
    }
    let text = format!("{value:.3}");
    // A finite, non-negative number printed with three decimals always parses; one too
    // large for a quantity saturates as Kubernetes' int64 milli value does.
    Quantity::parse(&text)
        .map(|q| Quantity::from_milli(q.milli()))
        .unwrap_or_else(|_| Quantity::from_milli(i64::MAX))
}

/// `strconv.ParseFloat` as KEDA's typed config reads a number from trigger metadata.
fn metadata_float(
    metadata: &BTreeMap<String, String>,
    key: &str,
    path: &str,
) -> Result<Option<f64>, InvalidField> {
    match metadata.get(key) {
        None => Ok(None),
        Some(text) => match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(invalid(
                format!("{path}.metadata.{key}"),
                format!("{text:?} is not a number"),
            )),
        },
    }
}

impl Keda {
    /// Checks a ScaledObject as KEDA's CRD schema and admission webhook do, refuses what
    /// hpasim does not model (naming it), and builds the HPA KEDA would create. Field
    /// paths in errors are relative to the ScaledObject (`spec.triggers[0].metadata`).
    pub fn compile(so: &ScaledObject) -> Result<Keda, InvalidField> {
        check_object(so)?;
        let spec = &so.spec;
        let mut metrics = Vec::with_capacity(spec.triggers.len());
        let mut externals = Vec::new();
        let mut cpu_memory_count = 0;
        let mut names = std::collections::BTreeSet::new();
        for (i, trigger) in spec.triggers.iter().enumerate() {
            let path = format!("spec.triggers[{i}]");
            // ValidateTriggers (apis/keda/v1alpha1/scaletriggers_types.go:56).
            if let Some(name) = &trigger.name
                && !name.is_empty()
                && !names.insert(name.as_str())
            {
                return Err(invalid(
                    format!("{path}.name"),
                    format!("triggerName {name:?} is defined multiple times; it must be unique"),
                ));
            }
            match trigger.kind.as_str() {
                "cpu" | "memory" => {
                    cpu_memory_count += 1;
                    if trigger.use_cached_metrics {
                        return Err(invalid(
                            format!("{path}.useCachedMetrics"),
                            format!(
                                "property \"useCachedMetrics\" is not supported for {:?} scaler",
                                trigger.kind
                            ),
                        ));
                    }
                    metrics.push(resource_metric(trigger, &path)?);
                }
                "prometheus" | "rabbitmq" | "aws-sqs-queue" => {
                    let external = match trigger.kind.as_str() {
                        "prometheus" => prometheus_trigger(trigger, i, &path)?,
                        "rabbitmq" => rabbitmq_trigger(trigger, i, &path)?,
                        _ => sqs_trigger(trigger, i, &path)?,
                    };
                    metrics.push(MetricSpec {
                        kind: MetricSourceType::External,
                        resource: None,
                        container_resource: None,
                        pods: None,
                        object: None,
                        external: Some(ExternalMetricSource {
                            metric: MetricIdentifier {
                                name: external.metric_name.clone(),
                                // getScaledObjectMetricSpecs (hpa.go:292-293).
                                selector: Some(
                                    json!({"matchLabels": {OWNER_LABEL: so.metadata.name}}),
                                ),
                            },
                            target: external_target(&external),
                        }),
                    });
                    externals.push(external);
                }
                other => {
                    let hint = crate::error::nearest(other, MODELLED_TRIGGERS)
                        .map(|n| format!("; did you mean {n:?}?"))
                        .unwrap_or_default();
                    return Err(invalid(
                        format!("{path}.type"),
                        format!(
                            "trigger type {other:?} is not modelled by hpasim (modelled: {}){hint}",
                            MODELLED_TRIGGERS.join(", ")
                        ),
                    ));
                }
            }
        }
        check_fallback(so)?;
        // getScaledObjectMetricSpecs sorts by metric type (hpa.go:300): Go's sort.Slice
        // is an insertion sort, hence stable, for up to 12 elements (check_object refuses
        // more), so a stable sort reproduces its order.
        metrics.sort_by(|a, b| type_name(a.kind).cmp(type_name(b.kind)));
        let hpa = generate_hpa(so, metrics);
        let fallback = spec.fallback.clone().map(|mut f| {
            f.behavior.get_or_insert(FallbackBehavior::Static);
            f
        });
        let secs = |v: Option<i32>, d: i32| Span::from_secs(i64::from(v.unwrap_or(d)));
        Ok(Keda {
            hpa,
            polling_interval: secs(spec.polling_interval, DEFAULT_POLLING_INTERVAL),
            cooldown_period: secs(spec.cooldown_period, DEFAULT_COOLDOWN_PERIOD),
            initial_cooldown_period: secs(
                spec.initial_cooldown_period,
                DEFAULT_INITIAL_COOLDOWN_PERIOD,
            ),
            min_replica_count: spec.min_replica_count,
            idle_replica_count: spec.idle_replica_count,
            fallback,
            externals,
            trigger_count: spec.triggers.len(),
            cpu_memory_count,
            pause_scale_in: bool_annotation(so, PAUSED_SCALE_IN),
            pause_scale_out: bool_annotation(so, PAUSED_SCALE_OUT),
            force_activation: bool_annotation(so, FORCE_ACTIVATION),
            scaled_object: so.clone(),
        })
    }

    /// The HPA's name: `advanced.horizontalPodAutoscalerConfig.name`, else
    /// `keda-hpa-<name>` (hpa.go:394 `getHPAName`, :401 `getDefaultHpaName`).
    pub fn hpa_name(&self) -> String {
        hpa_name(&self.scaled_object)
    }

    /// `GetHPAMinReplicas` (scaledobject_types.go:303): `minReplicaCount` when above 0, else 1.
    pub fn hpa_min_replicas(&self) -> i32 {
        self.hpa
            .spec
            .min_replicas
            .unwrap_or(DEFAULT_HPA_MIN_REPLICAS)
    }

    /// Whether the HPA controller reads metrics at a sync with `current` replicas: not at
    /// 0 (scaling disabled), above max or below min (its short-cuts). KEDA's metrics server
    /// counts a failure only when it is asked, so the simulator calls
    /// [`super::KedaState::hpa_read`] only when this is true.
    pub fn hpa_reads_metrics(&self, current: i32) -> bool {
        current != 0 && current <= self.hpa.spec.max_replicas && current >= self.hpa_min_replicas()
    }
}

fn hpa_name(so: &ScaledObject) -> String {
    so.spec
        .advanced
        .as_ref()
        .and_then(|a| a.horizontal_pod_autoscaler_config.as_ref())
        .and_then(|c| c.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("keda-hpa-{}", so.metadata.name))
}

fn type_name(kind: MetricSourceType) -> &'static str {
    match kind {
        MetricSourceType::Resource => "Resource",
        MetricSourceType::ContainerResource => "ContainerResource",
        MetricSourceType::Pods => "Pods",
        MetricSourceType::Object => "Object",
        MetricSourceType::External => "External",
    }
}

/// What the CRD schema, the webhook (`validateWorkload`) and hpasim's scope require of the
/// object as a whole.
fn check_object(so: &ScaledObject) -> Result<(), InvalidField> {
    if let Some(v) = &so.api_version
        && v != "keda.sh/v1alpha1"
    {
        return Err(invalid(
            "apiVersion",
            format!("{v:?} is not supported; expected \"keda.sh/v1alpha1\""),
        ));
    }
    if let Some(k) = &so.kind
        && k != "ScaledObject"
    {
        return Err(invalid("kind", format!("{k:?}; expected \"ScaledObject\"")));
    }
    let name = &so.metadata.name;
    if name.is_empty() {
        return Err(invalid(
            "metadata.name",
            "is empty; expected the ScaledObject's name",
        ));
    }
    // verifyName (scaledobject_webhook.go:244).
    if name.len() > MAX_LABEL_VALUE_LENGTH {
        return Err(invalid(
            "metadata.name",
            format!(
                "{name:?} is {} characters long; must be no more than 63 (it is the {OWNER_LABEL:?} label value)",
                name.len()
            ),
        ));
    }
    let hpa = hpa_name(so);
    if hpa.len() > MAX_LABEL_VALUE_LENGTH {
        return Err(invalid(
            "metadata.name",
            format!(
                "HPA name {hpa:?} is {} characters long; must be no more than 63; set spec.advanced.horizontalPodAutoscalerConfig.name",
                hpa.len()
            ),
        ));
    }
    for key in [PAUSED, PAUSED_REPLICAS] {
        if so.metadata.annotations.contains_key(key) {
            return Err(invalid(
                format!("metadata.annotations.{key}"),
                "a paused ScaledObject is not modelled by hpasim (KEDA removes its HPA); remove the annotation",
            ));
        }
    }
    let spec = &so.spec;
    if spec.scale_target_ref.name.is_empty() {
        return Err(invalid("spec.scaleTargetRef.name", "is empty"));
    }
    // CRD minimums (scaledobject_types.go:105-121).
    for (field, value, least) in [
        ("pollingInterval", spec.polling_interval, 1),
        ("initialCooldownPeriod", spec.initial_cooldown_period, 0),
        ("cooldownPeriod", spec.cooldown_period, 0),
        ("idleReplicaCount", spec.idle_replica_count, 0),
        ("minReplicaCount", spec.min_replica_count, 0),
        ("maxReplicaCount", spec.max_replica_count, 1),
    ] {
        if let Some(v) = value
            && v < least
        {
            return Err(invalid(
                format!("spec.{field}"),
                format!("{v} is below the minimum {least}"),
            ));
        }
    }
    let max = spec.max_replica_count.unwrap_or(DEFAULT_HPA_MAX_REPLICAS);
    // The CRD's XValidation rule (scaledobject_types.go:101) then
    // CheckReplicaCountBoundsAreValid (:353), which compares idle with GetHPAMinReplicas:
    // with minReplicaCount 0 that is 1, so idleReplicaCount 0 passes.
    if let Some(min) = spec.min_replica_count
        && min > max
    {
        return Err(invalid(
            "spec.minReplicaCount",
            format!("{min} must be less than or equal to maxReplicaCount {max}"),
        ));
    }
    let min_for_idle = match spec.min_replica_count {
        Some(m) if m > 0 => m,
        Some(_) => DEFAULT_HPA_MIN_REPLICAS,
        None => 0,
    };
    if let Some(idle) = spec.idle_replica_count
        && idle >= min_for_idle
    {
        return Err(invalid(
            "spec.idleReplicaCount",
            format!("IdleReplicaCount={idle} must be less than MinReplicaCount={min_for_idle}"),
        ));
    }
    if spec.triggers.is_empty() {
        return Err(invalid(
            "spec.triggers",
            "no triggers defined; give at least one",
        ));
    }
    if spec.triggers.len() > 12 {
        return Err(invalid(
            "spec.triggers",
            format!(
                "{} triggers: hpasim models at most 12 (beyond that KEDA's metric order is not specified)",
                spec.triggers.len()
            ),
        ));
    }
    // verifyCPUMemoryScalers (scaledobject_webhook.go:566-583).
    let only_cpu_memory = spec
        .triggers
        .iter()
        .all(|t| t.kind == "cpu" || t.kind == "memory");
    if only_cpu_memory && spec.min_replica_count.unwrap_or(0) == 0 {
        return Err(invalid(
            "spec.minReplicaCount",
            "the ScaledObject has only cpu/memory triggers and minReplicaCount 0 (scale to zero doesn't work in this case); set minReplicaCount to 1 or more",
        ));
    }
    if let Some(advanced) = &spec.advanced
        && advanced.scaling_modifiers.is_some()
    {
        return Err(invalid(
            "spec.advanced.scalingModifiers",
            "scalingModifiers (a formula over the triggers) is not modelled by hpasim",
        ));
    }
    Ok(())
}

/// `CheckFallbackValid` (scaledobject_types.go:373) and hpasim's scope.
fn check_fallback(so: &ScaledObject) -> Result<(), InvalidField> {
    let Some(f) = &so.spec.fallback else {
        return Ok(());
    };
    if f.failure_threshold < 0 || f.replicas < 0 {
        return Err(invalid(
            "spec.fallback",
            format!(
                "FailureThreshold={} & Replicas={} must both be greater than or equal to 0",
                f.failure_threshold, f.replicas
            ),
        ));
    }
    if f.behavior == Some(FallbackBehavior::ScalingModifiers) {
        return Err(invalid(
            "spec.fallback.behavior",
            "scalingModifiers is not modelled by hpasim (it needs spec.advanced.scalingModifiers)",
        ));
    }
    if so
        .spec
        .triggers
        .iter()
        .all(|t| t.kind == "cpu" || t.kind == "memory")
    {
        return Err(invalid(
            "spec.fallback",
            "at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled",
        ));
    }
    Ok(())
}

/// `NewCPUMemoryScaler` + `GetMetricSpecForScaling` (pkg/scalers/cpu_memory_scaler.go:51-124):
/// a Resource metric, or ContainerResource with `containerName`.
fn resource_metric(
    trigger: &super::api::ScaleTrigger,
    path: &str,
) -> Result<MetricSpec, InvalidField> {
    for key in trigger.metadata.keys() {
        match key.as_str() {
            "value" | "containerName" => {}
            "type" => {
                return Err(invalid(
                    format!("{path}.metadata.type"),
                    "the 'type' setting was removed in KEDA v2.18; use the trigger's metricType",
                ));
            }
            other => {
                return Err(invalid(
                    format!("{path}.metadata.{other}"),
                    format!(
                        "unknown {} trigger setting; expected value or containerName",
                        trigger.kind
                    ),
                ));
            }
        }
    }
    let value = trigger
        .metadata
        .get("value")
        .ok_or_else(|| invalid(format!("{path}.metadata"), "missing required setting value"))?;
    let target = match trigger.metric_type {
        Some(TargetType::Utilization) => {
            // parseUtilization: strconv.ParseInt(value, 10, 32).
            let u: i32 = value.parse().map_err(|_| {
                invalid(
                    format!("{path}.metadata.value"),
                    format!("{value:?} is not a whole number (a percentage for Utilization)"),
                )
            })?;
            MetricTarget {
                kind: TargetType::Utilization,
                value: None,
                average_value: None,
                average_utilization: Some(u),
            }
        }
        Some(TargetType::AverageValue) => {
            let q = Quantity::parse(value)
                .map_err(|e| invalid(format!("{path}.metadata.value"), e.to_string()))?;
            MetricTarget {
                kind: TargetType::AverageValue,
                value: None,
                average_value: Some(q),
                average_utilization: None,
            }
        }
        other => {
            return Err(invalid(
                format!("{path}.metricType"),
                format!(
                    "unknown metric type: {}, allowed values are 'Utilization' or 'AverageValue'",
                    other.map(|t| format!("{t:?}")).unwrap_or_default()
                ),
            ));
        }
    };
    let name = trigger.kind.clone();
    Ok(match trigger.metadata.get("containerName") {
        Some(container) if !container.is_empty() => MetricSpec {
            kind: MetricSourceType::ContainerResource,
            resource: None,
            container_resource: Some(ContainerResourceMetricSource {
                name,
                container: container.clone(),
                target,
            }),
            pods: None,
            object: None,
            external: None,
        },
        _ => MetricSpec {
            kind: MetricSourceType::Resource,
            resource: Some(ResourceMetricSource { name, target }),
            container_resource: None,
            pods: None,
            object: None,
            external: None,
        },
    })
}

/// `NewPrometheusScaler` and its `GetMetricSpecForScaling` (prometheus_scaler.go:76, 190):
/// metric `s<i>-prometheus` (`GenerateMetricNameWithIndex`, scaler.go:77), target
/// `GetMetricTargetMili(metricType, threshold)` with `GetMetricTargetType` (scaler.go:101).
fn prometheus_trigger(
    trigger: &super::api::ScaleTrigger,
    index: usize,
    path: &str,
) -> Result<ExternalTrigger, InvalidField> {
    known_keys(trigger, &PROMETHEUS_KEYS, path)?;
    for key in ["serverAddress", "query"] {
        if trigger.metadata.get(key).is_none_or(|v| v.is_empty()) {
            return Err(invalid(
                format!("{path}.metadata"),
                format!("missing required setting {key}"),
            ));
        }
    }
    let threshold = metadata_float(&trigger.metadata, "threshold", path)?.ok_or_else(|| {
        invalid(
            format!("{path}.metadata"),
            "missing required setting threshold",
        )
    })?;
    let activation_threshold =
        metadata_float(&trigger.metadata, "activationThreshold", path)?.unwrap_or(0.0);
    external_trigger(
        trigger,
        index,
        path,
        "prometheus".into(),
        ("threshold", threshold),
        activation_threshold,
    )
}

/// Metadata keys KEDA once read and now ignores without a word: `metricName`, removed in
/// v2.12 (kedacore/keda#4899). `ScalerConfig::TypedConfig` parses only the scaler's tagged
/// fields, and `checkUnexpectedParameterExist` (pkg/scalers/scalersconfig/typed_config.go)
/// reports the others only under `KEDA_CHECK_UNEXPECTED_SCALERS_PARAMS=enabled`. Manifests
/// written for older KEDA carry it, so hpasim accepts it too (a scenario warns).
pub const IGNORED_METADATA: [&str; 1] = ["metricName"];

/// Refuses metadata keys the scaler does not read (KEDA ignores them; a typo is more
/// likely than intent), with a did-you-mean; [`IGNORED_METADATA`] passes.
fn known_keys(
    trigger: &super::api::ScaleTrigger,
    keys: &[&str],
    path: &str,
) -> Result<(), InvalidField> {
    for key in trigger.metadata.keys() {
        if !keys.contains(&key.as_str()) && !IGNORED_METADATA.contains(&key.as_str()) {
            let hint = crate::error::nearest(key, keys.iter().copied())
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            return Err(invalid(
                format!("{path}.metadata.{key}"),
                format!("unknown {} trigger setting{hint}", trigger.kind),
            ));
        }
    }
    Ok(())
}

/// What every External scaler shares: `GetMetricTargetType` (scaler.go:101),
/// `GenerateMetricNameWithIndex` (scaler.go:77) and `GetMetricTargetMili` (scaler.go:131).
fn external_trigger(
    trigger: &super::api::ScaleTrigger,
    index: usize,
    path: &str,
    scaler_metric: String,
    (target_key, target_value): (&str, f64),
    activation_threshold: f64,
) -> Result<ExternalTrigger, InvalidField> {
    let target_type = match trigger.metric_type {
        None => TargetType::AverageValue,
        Some(TargetType::Utilization) => {
            return Err(invalid(
                format!("{path}.metricType"),
                "'Utilization' metric type is unsupported for external metrics, allowed values are 'Value' or 'AverageValue'",
            ));
        }
        Some(t) => t,
    };
    let target = quantity_from_f64(target_value);
    if target.milli() <= 0 {
        return Err(invalid(
            format!("{path}.metadata.{target_key}"),
            format!(
                // 1e-300 in full is 300 zeros: the exponent form for what is that small.
                "{} makes a target of {target} (KEDA keeps 3 decimals), which the API server refuses in the HPA; expected 0.001 or more",
                if target_value != 0.0 && target_value.abs() < 1e-6 {
                    format!("{target_value:e}")
                } else {
                    target_value.to_string()
                }
            ),
        ));
    }
    Ok(ExternalTrigger {
        index,
        kind: trigger.kind.clone(),
        metric_name: format!("s{index}-{scaler_metric}"),
        activation_threshold,
        target_type,
        target,
        use_cached_metrics: trigger.use_cached_metrics,
    })
}

/// The rabbitmq scaler in its QueueLength mode (`pkg/scalers/rabbitmq_scaler.go`):
/// `validateTrigger` (:226) for mode and value (nothing given: QueueLength 20; the
/// deprecated `queueLength` alone), the metric `s<i>-rabbitmq-<queue>` with the queue
/// name URL-escaped and normalized (:680), active when the message count is strictly
/// above `activationValue` (:704). The reading is the queue's message count.
fn rabbitmq_trigger(
    trigger: &super::api::ScaleTrigger,
    index: usize,
    path: &str,
) -> Result<ExternalTrigger, InvalidField> {
    known_keys(trigger, &RABBITMQ_KEYS, path)?;
    let m = &trigger.metadata;
    let queue = m
        .get("queueName")
        .filter(|q| !q.is_empty())
        .ok_or_else(|| {
            invalid(
                format!("{path}.metadata"),
                "missing required setting queueName",
            )
        })?;
    if m.get("useRegex").is_some_and(|v| v == "true") {
        return Err(invalid(
            format!("{path}.metadata.useRegex"),
            "queues chosen by a regular expression are not modelled by hpasim",
        ));
    }
    let queue_length = metadata_float(m, "queueLength", path)?.unwrap_or(0.0);
    let value = metadata_float(m, "value", path)?.unwrap_or(0.0);
    let mode = m.get("mode").map(String::as_str);
    let (mode, value) = if queue_length == 0.0 && mode.is_none() && value == 0.0 {
        ("QueueLength", 20.0)
    } else if queue_length != 0.0 {
        if mode.is_some() || value != 0.0 {
            return Err(invalid(
                format!("{path}.metadata.queueLength"),
                "queueLength is deprecated; use mode and value",
            ));
        }
        ("QueueLength", queue_length)
    } else {
        let Some(mode) = mode else {
            return Err(invalid(
                format!("{path}.metadata"),
                "mode must be specified",
            ));
        };
        if value == 0.0 {
            return Err(invalid(
                format!("{path}.metadata"),
                "value must be specified",
            ));
        }
        (mode, value)
    };
    if mode != "QueueLength" {
        return Err(invalid(
            format!("{path}.metadata.mode"),
            format!(
                "mode {mode:?} is not modelled by hpasim (only QueueLength: the queue's message count)"
            ),
        ));
    }
    let activation = metadata_float(m, "activationValue", path)?.unwrap_or(0.0);
    let metric = normalize_string(&format!("rabbitmq-{}", query_escape(queue)));
    external_trigger(trigger, index, path, metric, ("value", value), activation)
}

/// The aws-sqs-queue scaler (`pkg/scalers/aws_sqs_queue_scaler.go`): `queueLength`
/// (a whole number, default 5) as the target through `GetMetricTarget` (:158), the metric
/// `s<i>-aws-sqs-<queue>` with the queue name taken from the URL's path (:103-114) and
/// normalized (:156), active when the length is strictly above `activationQueueLength`
/// (default 0, :175). The reading is the queue length as the scaler sums it (visible
/// messages, plus in flight unless `scaleOnInFlight` is false, plus delayed with
/// `scaleOnDelayed`).
fn sqs_trigger(
    trigger: &super::api::ScaleTrigger,
    index: usize,
    path: &str,
) -> Result<ExternalTrigger, InvalidField> {
    known_keys(trigger, &SQS_KEYS, path)?;
    let m = &trigger.metadata;
    if m.contains_key("queueURLFromEnv") {
        return Err(invalid(
            format!("{path}.metadata.queueURLFromEnv"),
            "give queueURL itself: the metric's name is made from the queue's name",
        ));
    }
    let url = m.get("queueURL").filter(|u| !u.is_empty()).ok_or_else(|| {
        invalid(
            format!("{path}.metadata"),
            "missing required setting queueURL",
        )
    })?;
    let queue = sqs_queue_name(url).ok_or_else(|| {
        invalid(
            format!("{path}.metadata.queueURL"),
            format!("cannot get queueName from queueURL {url:?} (expected https://sqs.<region>.amazonaws.com/<account>/<queue> or a queue name)"),
        )
    })?;
    let whole = |key: &str, default: i64| -> Result<i64, InvalidField> {
        m.get(key).map_or(Ok(default), |v| {
            v.trim().parse::<i64>().map_err(|_| {
                invalid(
                    format!("{path}.metadata.{key}"),
                    format!("{v:?} is not a whole number"),
                )
            })
        })
    };
    let target = whole("queueLength", 5)?;
    let activation = whole("activationQueueLength", 0)?;
    let metric = normalize_string(&format!("aws-sqs-{queue}"));
    // GetMetricTarget builds resource.NewQuantity(value): a whole number, exactly what
    // GetMetricTargetMili makes of it too.
    external_trigger(
        trigger,
        index,
        path,
        metric,
        ("queueLength", target as f64),
        activation as f64,
    )
}

/// `parseAwsSqsQueueMetadata` (aws_sqs_queue_scaler.go:103-114): a URL that
/// `url.ParseRequestURI` accepts (absolute, or a path starting with `/`) must have the
/// path `/<account>/<queue>`; anything else is the queue's name itself. Percent-escapes
/// (which Go would decode) are refused.
fn sqs_queue_name(text: &str) -> Option<String> {
    let scheme_len = text.find(':').filter(|&i| {
        let scheme = &text[..i];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let path = if text.starts_with('/') {
        text
    } else if let Some(i) = scheme_len {
        let rest = &text[i + 1..];
        match rest.strip_prefix("//") {
            Some(authority_and_path) => authority_and_path
                .find('/')
                .map_or("", |p| &authority_and_path[p..]),
            None if rest.starts_with('/') => rest,
            None => "",
        }
    } else {
        return (!text.contains('%')).then(|| text.to_string());
    };
    let path = path.split('?').next().unwrap_or("");
    if path.contains('%') {
        return None;
    }
    let parts: Vec<&str> = path.split('/').collect();
    (parts.len() == 3 && !parts[2].is_empty()).then(|| parts[2].to_string())
}

/// Go's `url.QueryEscape`: letters, digits and `-_.~` kept, space as `+`, every other
/// byte as `%XX`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `kedautil.NormalizeString` (pkg/util/normalize_string.go:33): `/ . : % ( )` become `-`.
fn normalize_string(s: &str) -> String {
    s.chars()
        .map(|c| if "/.:%()".contains(c) { '-' } else { c })
        .collect()
}

/// `GetMetricTargetMili` (scaler.go:131): AverageValue sets averageValue, else value.
fn external_target(e: &ExternalTrigger) -> MetricTarget {
    let average = e.target_type == TargetType::AverageValue;
    MetricTarget {
        kind: e.target_type,
        value: (!average).then(|| e.target.clone()),
        average_value: average.then(|| e.target.clone()),
        average_utilization: None,
    }
}

/// `newHPAForScaledObject` (controllers/keda/hpa.go:75-192).
fn generate_hpa(so: &ScaledObject, metrics: Vec<MetricSpec>) -> HorizontalPodAutoscaler {
    let spec = &so.spec;
    // hpa.go:79: the behavior verbatim.
    let mut behavior: Option<Behavior> = spec
        .advanced
        .as_ref()
        .and_then(|a| a.horizontal_pod_autoscaler_config.as_ref())
        .and_then(|c| c.behavior.clone());
    // hpa.go:84-133: a paused direction gets selectPolicy Disabled.
    for (annotation, up) in [(PAUSED_SCALE_IN, false), (PAUSED_SCALE_OUT, true)] {
        if bool_annotation(so, annotation) {
            let b = behavior.get_or_insert_with(Behavior::default);
            let rules = if up {
                &mut b.scale_up
            } else {
                &mut b.scale_down
            };
            rules
                .get_or_insert_with(ScalingRules::default)
                .select_policy = Some(SelectPolicy::Disabled);
        }
    }
    let name = hpa_name(so);
    // hpa.go:136-159. The 63-character cut of the name label never applies: verifyName
    // refuses longer HPA names. `app.kubernetes.io/version` is KEDA's build version
    // (`version.Version`, "main" in the source tree).
    let mut labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), name.clone()),
        ("app.kubernetes.io/version".to_string(), "main".to_string()),
        (
            "app.kubernetes.io/part-of".to_string(),
            so.metadata.name.clone(),
        ),
        (
            "app.kubernetes.io/managed-by".to_string(),
            "keda-operator".to_string(),
        ),
    ]);
    let excluded: Vec<&str> = so
        .metadata
        .annotations
        .get("scaledobject.keda.sh/hpa-excluded-labels")
        .map(|l| l.split(',').collect())
        .unwrap_or_default();
    for (k, v) in &so.metadata.labels {
        if !excluded.contains(&k.as_str()) {
            labels.insert(k.clone(), v.clone());
        }
    }
    let mut metadata = json!({"name": name, "labels": labels});
    if let Some(ns) = &so.metadata.namespace {
        metadata["namespace"] = json!(ns);
    }
    if !so.metadata.annotations.is_empty() {
        metadata["annotations"] = json!(so.metadata.annotations);
    }
    let target = &spec.scale_target_ref;
    HorizontalPodAutoscaler {
        api_version: Some("autoscaling/v2".into()),
        kind: Some("HorizontalPodAutoscaler".into()),
        metadata: Some(metadata),
        spec: HpaSpec {
            scale_target_ref: Some(json!({
                "apiVersion": target.api_version.as_deref().unwrap_or("apps/v1"),
                "kind": target.kind.as_deref().unwrap_or("Deployment"),
                "name": target.name,
            })),
            // GetHPAMinReplicas / GetHPAMaxReplicas (scaledobject_types.go:303, 312).
            min_replicas: Some(match spec.min_replica_count {
                Some(m) if m > 0 => m,
                _ => DEFAULT_HPA_MIN_REPLICAS,
            }),
            max_replicas: spec.max_replica_count.unwrap_or(DEFAULT_HPA_MAX_REPLICAS),
            metrics: Some(metrics),
            behavior,
        },
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{normalize_string, query_escape, sqs_queue_name};

    #[test]
    fn sqs_queue_name_is_the_third_path_part_or_the_text_itself() {
        let cases = [
            (
                "https://sqs.eu-west-1.amazonaws.com/1234/jobs",
                Some("jobs"),
            ),
            (
                "https://sqs.eu-west-1.amazonaws.com/1234/jobs?x=1",
                Some("jobs"),
            ),
            ("/1234/jobs", Some("jobs")),
            ("jobs", Some("jobs")),
            ("https://sqs.eu-west-1.amazonaws.com/jobs", None),
            ("https://sqs.eu-west-1.amazonaws.com/1/2/jobs", None),
            ("https://sqs.eu-west-1.amazonaws.com/1234/", None),
            ("sqs:jobs", None),
        ];
        for (url, name) in cases {
            assert_eq!(sqs_queue_name(url).as_deref(), name, "{url}");
        }
    }

    #[test]
    fn metric_names_escape_and_normalize_as_go_does() {
        assert_eq!(query_escape("a b/c.d~e(f)"), "a+b%2Fc.d~e%28f%29");
        assert_eq!(
            normalize_string("rabbitmq-a%2Fb.c:d(e)"),
            "rabbitmq-a-2Fb-c-d-e-"
        );
    }
}
