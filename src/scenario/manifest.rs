//! HPA manifests as people already have them: `autoscaling/v1`, `v2beta1` and `v2beta2`
//! objects, and `kubectl get hpa -o yaml`'s `List`, turned into the `autoscaling/v2` shape
//! the core reads, as the API server converts them. Works on untyped values; the typed
//! parse (and its errors) comes after.

use serde_json::{Map, Value, json};

/// `autoscaling.MetricSpecsAnnotation`: the v1 object's non-CPU metrics, v2beta1-shaped.
const METRIC_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// `autoscaling.BehaviorSpecsAnnotation`: the v1/v2beta1 object's behavior, v2-shaped.
const BEHAVIOR_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/behavior";
/// `autoscaling.DefaultCPUUtilization`.
const DEFAULT_CPU_UTILIZATION: i64 = 80;

/// Whether `text` may hold something [`to_v2`] changes: the cheap test that keeps the
/// typed parse (with its line numbers) for everything already in v2.
pub(crate) fn may_need_conversion(text: &str) -> bool {
    [
        "autoscaling/v1",
        "autoscaling/v2beta",
        "targetCPUUtilizationPercentage",
        "items",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// The HPA in `value` as `autoscaling/v2`: a v1 or v2beta1 object converted as the API
/// server does, v2beta2 relabelled (its shape is v2's); anything else left as it is.
/// `Err` says what is wrong, for the caller to place.
pub(crate) fn to_v2(value: &mut Value) -> Result<(), String> {
    let version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match version.as_str() {
        "autoscaling/v1" => from_v1(value)?,
        "autoscaling/v2beta1" => from_v2beta1(value)?,
        "autoscaling/v2beta2" => {}
        _ => return Ok(()),
    }
    value["apiVersion"] = json!("autoscaling/v2");
    Ok(())
}

/// From a `List` (`kubectl get hpa -o yaml` with several, or none) the one HPA named
/// `pick`, or the only one; a value that is not a list is returned as it is.
pub(crate) fn pick_from_list(value: Value, pick: Option<&str>) -> Result<Value, String> {
    let is_list = value.get("kind").and_then(Value::as_str) == Some("List")
        || (value.get("items").is_some() && value.get("spec").is_none());
    if !is_list {
        return Ok(value);
    }
    let items = match value.get("items") {
        Some(Value::Array(items)) => items.clone(),
        _ => return Err("a List without `items`".into()),
    };
    let hpas: Vec<&Value> = items
        .iter()
        .filter(|i| i.get("kind").and_then(Value::as_str) == Some("HorizontalPodAutoscaler"))
        .collect();
    let name = |i: &Value| {
        i.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("(unnamed)")
            .to_string()
    };
    if let Some(wanted) = pick {
        return hpas
            .iter()
            .find(|h| name(h) == wanted)
            .map(|h| (*h).clone())
            .ok_or_else(|| {
                let names: Vec<String> = hpas.iter().map(|h| name(h)).collect();
                format!(
                    "the List holds no HorizontalPodAutoscaler named {wanted:?} (it holds: {})",
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                )
            });
    }
    match hpas.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let kinds: Vec<String> = items
                .iter()
                .map(|i| {
                    i.get("kind")
                        .and_then(Value::as_str)
                        .unwrap_or("?")
                        .to_string()
                })
                .collect();
            Err(format!(
                "the List holds no HorizontalPodAutoscaler (its items: {})",
                if kinds.is_empty() {
                    "none".into()
                } else {
                    kinds.join(", ")
                }
            ))
        }
        many => {
            let names: Vec<String> = many.iter().map(|h| name(h)).collect();
            Err(format!(
                "the List holds {} HorizontalPodAutoscalers ({}); pick one by adding `#NAME` to the file's name (`hpaFile: hpas.yaml#{}`)",
                many.len(),
                names.join(", "),
                names[0]
            ))
        }
    }
}

/// `Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler` and
/// `Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_HorizontalPodAutoscalerSpec`
/// (pkg/apis/autoscaling/v1/conversion.go): the annotation's metrics first, then the
/// `targetCPUUtilizationPercentage` one; none at all means cpu at 80 %; the behavior
/// annotation becomes `behavior`.
fn from_v1(value: &mut Value) -> Result<(), String> {
    let spec = spec_of(value)?;
    let cpu = match spec.remove("targetCPUUtilizationPercentage") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some() => Some(cpu_utilization(n.as_i64())),
        Some(other) => {
            return Err(format!(
                "spec.targetCPUUtilizationPercentage: {other} is not a whole number of percent"
            ));
        }
    };
    let mut metrics = annotation_metrics(value)?;
    metrics.extend(cpu);
    if metrics.is_empty() {
        metrics.push(cpu_utilization(Some(DEFAULT_CPU_UTILIZATION)));
    }
    spec_of(value)?.insert("metrics".into(), Value::Array(metrics));
    behavior_annotation(value)
}

/// `Convert_v2beta1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler`: each
/// metric from the v2beta1 shape; the behavior annotation becomes `behavior`.
fn from_v2beta1(value: &mut Value) -> Result<(), String> {
    let spec = spec_of(value)?;
    if let Some(Value::Array(metrics)) = spec.get("metrics").cloned() {
        let converted = metrics
            .iter()
            .enumerate()
            .map(|(i, m)| metric_from_v2beta1(m).map_err(|e| format!("spec.metrics[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        spec.insert("metrics".into(), Value::Array(converted));
    }
    behavior_annotation(value)
}

fn spec_of(value: &mut Value) -> Result<&mut Map<String, Value>, String> {
    value
        .get_mut("spec")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| "the HorizontalPodAutoscaler has no `spec`".to_string())
}

fn cpu_utilization(percent: Option<i64>) -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu",
        "target": {"type": "Utilization", "averageUtilization": percent}}})
}

fn annotation(value: &Value, key: &str) -> Option<String> {
    value
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn remove_annotation(value: &mut Value, key: &str) {
    if let Some(a) = value
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.remove(key);
    }
}

fn annotation_metrics(value: &mut Value) -> Result<Vec<Value>, String> {
    let Some(text) = annotation(value, METRIC_SPECS_ANNOTATION) else {
        return Ok(vec![]);
    };
    let parsed: Value = serde_json::from_str(&text)
        .map_err(|e| format!("annotation {METRIC_SPECS_ANNOTATION}: not JSON ({e})"))?;
    let Value::Array(list) = parsed else {
        return Err(format!(
            "annotation {METRIC_SPECS_ANNOTATION}: not a list of metrics"
        ));
    };
    remove_annotation(value, METRIC_SPECS_ANNOTATION);
    list.iter()
        .enumerate()
        .map(|(i, m)| {
            metric_from_v2beta1(m)
                .map_err(|e| format!("annotation {METRIC_SPECS_ANNOTATION}[{i}]: {e}"))
        })
        .collect()
}

fn behavior_annotation(value: &mut Value) -> Result<(), String> {
    let Some(text) = annotation(value, BEHAVIOR_SPECS_ANNOTATION) else {
        return Ok(());
    };
    let behavior: Value = serde_json::from_str(&text)
        .map_err(|e| format!("annotation {BEHAVIOR_SPECS_ANNOTATION}: not JSON ({e})"))?;
    remove_annotation(value, BEHAVIOR_SPECS_ANNOTATION);
    spec_of(value)?.insert("behavior".into(), behavior);
    Ok(())
}

/// One metric of the v2beta1 shape (also v1's annotation) in the v2 shape, as the
/// `Convert_v1_*MetricSource_To_autoscaling_*MetricSource` functions do.
fn metric_from_v2beta1(m: &Value) -> Result<Value, String> {
    let kind = m
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a metric without `type`")?;
    let field = |name: &str| -> Result<&Value, String> {
        m.get(name)
            .ok_or_else(|| format!("a {kind} metric without `{name}`"))
    };
    let get = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let identifier = |v: &Value, selector: &str| {
        let mut id = json!({"name": get(v, "metricName")});
        if let Some(s) = v.get(selector) {
            id["selector"] = s.clone();
        }
        id
    };
    let prune = |mut target: Value| {
        if let Some(t) = target.as_object_mut() {
            t.retain(|_, v| !v.is_null());
        }
        target
    };
    Ok(match kind {
        // Convert_v1_ResourceMetricSource_To_autoscaling_ResourceMetricSource (and the
        // container variant): Utilization when a utilization is given, else AverageValue.
        "Resource" | "ContainerResource" => {
            let key = if kind == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let r = field(key)?;
            let utilization = get(r, "targetAverageUtilization");
            let target = prune(json!({
                "type": if utilization.is_null() { "AverageValue" } else { "Utilization" },
                "averageUtilization": utilization,
                "averageValue": get(r, "targetAverageValue"),
            }));
            let mut source = json!({"name": get(r, "name"), "target": target});
            if kind == "ContainerResource" {
                source["container"] = get(r, "container");
            }
            json!({"type": kind, key: source})
        }
        // Convert_v1_PodsMetricSource_To_autoscaling_PodsMetricSource: always AverageValue.
        "Pods" => {
            let p = field("pods")?;
            json!({"type": "Pods", "pods": {
                "metric": identifier(p, "selector"),
                "target": {"type": "AverageValue", "averageValue": get(p, "targetAverageValue")},
            }})
        }
        // Convert_v1_ObjectMetricSource_To_autoscaling_ObjectMetricSource: Value unless an
        // averageValue is given; `target` (the described object) becomes describedObject.
        "Object" => {
            let o = field("object")?;
            let average = get(o, "averageValue");
            let target = prune(json!({
                "type": if average.is_null() { "Value" } else { "AverageValue" },
                "value": get(o, "targetValue"),
                "averageValue": average,
            }));
            json!({"type": "Object", "object": {
                "describedObject": get(o, "target"),
                "metric": identifier(o, "selector"),
                "target": target,
            }})
        }
        // Convert_v1_ExternalMetricSource_To_autoscaling_ExternalMetricSource: AverageValue
        // unless a value is given.
        "External" => {
            let e = field("external")?;
            let value = get(e, "targetValue");
            let target = prune(json!({
                "type": if value.is_null() { "AverageValue" } else { "Value" },
                "value": value,
                "averageValue": get(e, "targetAverageValue"),
            }));
            json!({"type": "External", "external": {
                "metric": identifier(e, "metricSelector"),
                "target": target,
            }})
        }
        other => return Err(format!("unknown metric type {other:?}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2(mut v: Value) -> Value {
        to_v2(&mut v).unwrap();
        v
    }

    #[test]
    fn v1_cpu_percentage_becomes_a_utilization_metric() {
        // Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_HorizontalPodAutoscalerSpec.
        let out = v2(
            json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "spec": {"maxReplicas": 10, "minReplicas": 2, "targetCPUUtilizationPercentage": 65}}),
        );
        assert_eq!(out["apiVersion"], "autoscaling/v2");
        assert_eq!(out["spec"]["metrics"], json!([cpu_utilization(Some(65))]));
        assert!(out["spec"].get("targetCPUUtilizationPercentage").is_none());
    }

    #[test]
    fn v1_without_metrics_defaults_to_cpu_80() {
        let out = v2(json!({"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 3}}));
        assert_eq!(out["spec"]["metrics"], json!([cpu_utilization(Some(80))]));
    }

    #[test]
    fn v1_annotation_metrics_come_before_the_cpu_one() {
        let annotation = r#"[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}},
            {"type":"External","external":{"metricName":"queue","targetValue":"50"}},
            {"type":"Object","object":{"target":{"kind":"Ingress","name":"web"},"metricName":"rps","targetValue":"2k"}}]"#;
        let out = v2(json!({"apiVersion": "autoscaling/v1",
            "metadata": {"annotations": {METRIC_SPECS_ANNOTATION: annotation}},
            "spec": {"maxReplicas": 5, "targetCPUUtilizationPercentage": 50}}));
        let m = &out["spec"]["metrics"];
        assert_eq!(
            m[0]["pods"]["target"],
            json!({"type": "AverageValue", "averageValue": "10"})
        );
        assert_eq!(
            m[1]["external"]["target"],
            json!({"type": "Value", "value": "50"})
        );
        assert_eq!(
            m[2]["object"]["target"],
            json!({"type": "Value", "value": "2k"})
        );
        assert_eq!(m[2]["object"]["describedObject"]["kind"], "Ingress");
        assert_eq!(m[3], cpu_utilization(Some(50)));
        assert!(
            out.pointer("/metadata/annotations")
                .unwrap()
                .as_object()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn v2beta1_targets_take_their_v2_types() {
        let out = v2(
            json!({"apiVersion": "autoscaling/v2beta1", "spec": {"maxReplicas": 5,
            "metrics": [
                {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "512Mi"}},
                {"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 70}},
                {"type": "External", "external": {"metricName": "q", "targetAverageValue": "30"}}]}}),
        );
        let m = &out["spec"]["metrics"];
        assert_eq!(
            m[0]["resource"]["target"],
            json!({"type": "AverageValue", "averageValue": "512Mi"})
        );
        assert_eq!(
            m[1]["resource"]["target"],
            json!({"type": "Utilization", "averageUtilization": 70})
        );
        assert_eq!(
            m[2]["external"]["target"],
            json!({"type": "AverageValue", "averageValue": "30"})
        );
    }

    #[test]
    fn a_list_gives_its_one_hpa_or_names_them_all() {
        let hpa = |n: &str| json!({"kind": "HorizontalPodAutoscaler", "metadata": {"name": n}, "spec": {}});
        let one = json!({"kind": "List", "items": [hpa("api")]});
        assert_eq!(
            pick_from_list(one, None).unwrap()["metadata"]["name"],
            "api"
        );
        let two = json!({"kind": "List", "items": [hpa("api"), hpa("worker")]});
        let err = pick_from_list(two.clone(), None).unwrap_err();
        assert!(err.contains("api, worker") && err.contains("#api"), "{err}");
        assert_eq!(
            pick_from_list(two.clone(), Some("worker")).unwrap()["metadata"]["name"],
            "worker"
        );
        assert!(
            pick_from_list(two, Some("web"))
                .unwrap_err()
                .contains("api, worker")
        );
        let none = json!({"kind": "List", "items": [{"kind": "Deployment"}]});
        assert!(
            pick_from_list(none, None)
                .unwrap_err()
                .contains("Deployment")
        );
    }
}
