//! HPA manifests as people already have them: `autoscaling/v1`, `v2beta1` and `v2beta2`
//! objects, and `kubectl get hpa -o yaml`'s `List`, turned into the `autoscaling/v2` shape
//! the core reads, as the API server converts them. Works on untyped values; the typed
//! parse (and its errors) comes after.
//!
//! Also owns picking the object a scenario reads from a manifest file (`hpaFile`,
//! `scaledObjectFile`, `deploymentFile`, each `FILE` or `FILE#NAME`): every YAML document
//! and `List` item with its place ([`Origin`]), one rule and one set of messages for the
//! three. Must not check what the object says: each reader does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::hpa_patches::Doc;
use crate::error::{Error, Location};

/// `autoscaling.MetricSpecsAnnotation`: the v1 object's non-CPU metrics, v2beta1-shaped.
const METRIC_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";
/// `autoscaling.BehaviorSpecsAnnotation`: the v1/v2beta1 object's behavior, v2-shaped.
const BEHAVIOR_SPECS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/behavior";
/// `autoscaling.DefaultCPUUtilization`.
const DEFAULT_CPU_UTILIZATION: i64 = 80;

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

/// What a manifest file is read for: the `kind` of object wanted, and the scenario field
/// that names the file (for the suggestion to pick one).
pub(crate) struct Wanted {
    /// `HorizontalPodAutoscaler`, `ScaledObject`, `Deployment`.
    pub kind: &'static str,
    /// `hpaFile`, `scaledObjectFile`, `workload.deploymentFile`'s `deploymentFile`.
    pub field: &'static str,
    /// Why an object of another kind (given) cannot stand in, when there is more to say
    /// than that it is not of [`Wanted::kind`].
    pub other_kind: fn(&str) -> Option<String>,
}

impl Wanted {
    fn refuse(&self, object: &Value, origin: &Origin) -> Error {
        let other = kind_of(object);
        let why = (self.other_kind)(other).unwrap_or_else(|| {
            format!(
                "{other:?} is not a {0}; `{1}` reads a {0}",
                self.kind, self.field
            )
        });
        origin.error("kind", why)
    }
}

/// The HPA of an `hpaFile`.
pub(crate) const HPA: Wanted = Wanted {
    kind: "HorizontalPodAutoscaler",
    field: "hpaFile",
    other_kind: |_| None,
};

/// The ScaledObject of a `scaledObjectFile`.
pub(crate) const SCALED_OBJECT: Wanted = Wanted {
    kind: "ScaledObject",
    field: "scaledObjectFile",
    other_kind: |_| None,
};

/// Where an object of a manifest file was written: the file, the document it is in, and
/// the item of a `List` (`items[2].`), so that an error names its line.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub path: PathBuf,
    /// The document the object is in, shared by the items of a `List`: one copy of its
    /// text and one map of its fields' places, not one per item.
    doc: Arc<Document>,
    /// `items[k].` for an item of a `List` (or `scaledObject.` for an object written in
    /// the scenario), else empty.
    pub prefix: String,
}

/// One document of a manifest file: its text, the file's line it starts after, and the
/// places of the fields it writes, found on the first error to place: the items of a
/// `List` are placed from one parse of their document, not one parse each (thousands of
/// items, each an error, were thousands of parses of the whole document).
#[derive(Debug)]
struct Document {
    text: String,
    first_line: u64,
    places: std::sync::OnceLock<Option<HashMap<String, Location>>>,
}

impl Document {
    fn new(text: String, first_line: u64) -> Arc<Document> {
        Arc::new(Document {
            text,
            first_line,
            places: std::sync::OnceLock::new(),
        })
    }

    /// The place of the field at `path` in the file, or of its nearest written parent.
    fn locate(&self, path: &str) -> Option<Location> {
        let places = self
            .places
            .get_or_init(|| super::snapshot_file::field_places(&self.text))
            .as_ref()?;
        let at = super::snapshot_file::nearest_place(places, path)?;
        Some(Location {
            line: at.line + self.first_line,
            column: at.column,
        })
    }
}

impl Origin {
    /// An object written in a scenario under `key` (`scaledObject`).
    pub(crate) fn inline(path: &Path, text: &str, key: &str) -> Origin {
        Origin {
            path: path.to_path_buf(),
            doc: Document::new(text.to_string(), 0),
            prefix: format!("{key}."),
        }
    }

    /// The place of `field` (as the object nests it), when the text writes it or a parent.
    pub(crate) fn locate(&self, field: &str) -> Option<Location> {
        self.doc.locate(&format!("{}{field}", self.prefix))
    }

    /// `path:line: field: message`, the field as the object nests it.
    pub(crate) fn error(&self, field: &str, message: String) -> Error {
        Error::Input {
            path: self.path.clone(),
            location: self.locate(field),
            message: format!("{field}: {message}"),
        }
    }

    /// `path:line field`, for a message written elsewhere.
    pub(crate) fn place(&self, field: &str) -> String {
        match self.locate(field) {
            Some(at) => format!("{}:{} {field}", self.path.display(), at.line),
            None => format!("{} {field}", self.path.display()),
        }
    }

    /// The object typed: parsed from its document's text when it is a whole document (so
    /// that an error has its line), else from `value` (an item of a `List`: at its line).
    pub(crate) fn parse<T: serde::de::DeserializeOwned>(&self, value: Value) -> Result<T, Error> {
        if self.prefix.is_empty() {
            return super::snapshot_file::parse_yaml(&self.doc.text, &self.path)
                .map_err(|e| super::hpa_patches::lines_down(e, self.doc.first_line));
        }
        serde_json::from_value(value).map_err(|e| Error::Input {
            path: self.path.clone(),
            location: self.locate(""),
            message: format!("{}: {e}", self.prefix.trim_end_matches('.')),
        })
    }
}

fn kind_of(v: &Value) -> &str {
    v.get("kind").and_then(Value::as_str).unwrap_or("(no kind)")
}

/// The object's `metadata.name`, when it has one.
pub(crate) fn name_of(v: &Value) -> Option<&str> {
    v.pointer("/metadata/name").and_then(Value::as_str)
}

/// The object's name for a message: `(unnamed)` when it has none.
pub(crate) fn shown_name(v: &Value) -> &str {
    name_of(v).unwrap_or("(unnamed)")
}

/// Whether `v` is a `List` (`kubectl get ... -o yaml` of several): `kind: List`, or
/// `items` without a `spec`.
fn is_list(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("List")
        || (v.get("items").is_some() && v.get("spec").is_none())
}

/// The objects of a manifest file, each with its place: every YAML document (`---`
/// between them), and every item of a document that is a `List`.
pub(crate) fn objects(text: &str, path: &Path) -> Result<Vec<(Value, Origin)>, Error> {
    objects_of(super::hpa_patches::split_documents(text, path)?, path)
}

/// [`objects`] of documents already parsed.
fn objects_of(docs: Vec<Doc>, path: &Path) -> Result<Vec<(Value, Origin)>, Error> {
    let mut out = vec![];
    for mut doc in docs {
        let shared = Document::new(std::mem::take(&mut doc.text), doc.first_line);
        let origin = |prefix: String| Origin {
            path: path.to_path_buf(),
            doc: Arc::clone(&shared),
            prefix,
        };
        if !is_list(&doc.value) {
            out.push((doc.value, origin(String::new())));
            continue;
        }
        // The items moved out, not copied: a `List` may be most of a 16 MiB file.
        match doc.value.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) => {
                for (k, item) in items.into_iter().enumerate() {
                    out.push((item, origin(format!("items[{k}]."))));
                }
            }
            _ => {
                return Err(origin(String::new()).error("items", "a List without `items`".into()));
            }
        }
    }
    Ok(out)
}

/// The objects of `wanted.kind` in a manifest file (`hpasim validate` checks each), or why
/// there is none.
pub(crate) fn all_of(
    text: &str,
    path: &Path,
    wanted: &Wanted,
) -> Result<Vec<(Value, Origin)>, Error> {
    all_of_docs(
        super::hpa_patches::split_documents(text, path)?,
        path,
        wanted,
    )
}

/// [`all_of`] of documents already parsed.
pub(super) fn all_of_docs(
    docs: Vec<Doc>,
    path: &Path,
    wanted: &Wanted,
) -> Result<Vec<(Value, Origin)>, Error> {
    let objects = objects_of(docs, path)?;
    let of_kind = |(v, _): &(Value, Origin)| kind_of(v) == wanted.kind;
    if !objects.iter().any(of_kind) {
        return Err(none_of_kind(objects, path, wanted));
    }
    Ok(objects.into_iter().filter(of_kind).collect())
}

/// The one object of a file holding none of `wanted.kind`: refused at its `kind`; for
/// several, or none, the file's objects named.
fn none_of_kind(objects: Vec<(Value, Origin)>, path: &Path, wanted: &Wanted) -> Error {
    if let [(v, o)] = objects.as_slice() {
        return wanted.refuse(v, o);
    }
    let held = (objects.iter()).map(|(v, _)| format!("{} {}", kind_of(v), shown_name(v)));
    unplaced(
        path,
        format!(
            "the file holds no {} (it holds: {})",
            wanted.kind,
            listed(held, "nothing")
        ),
    )
}

/// Names for a message: the first ten, then how many more (a `List` may hold thousands).
fn listed(names: impl ExactSizeIterator<Item = String>, none: &str) -> String {
    const SHOWN: usize = 10;
    let more = names.len().saturating_sub(SHOWN);
    let mut text = names.take(SHOWN).collect::<Vec<_>>().join(", ");
    if text.is_empty() {
        text = none.to_string();
    }
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// The object of a manifest file a scenario reads (`FILE` or `FILE#NAME`): the one of
/// `wanted.kind` named `pick`, or the only one. The file's only object is taken whatever
/// its kind when it writes none (the typed parse then says what is wrong with it).
pub(crate) fn pick(
    text: &str,
    path: &Path,
    wanted: &Wanted,
    pick: Option<&str>,
) -> Result<(Value, Origin), Error> {
    let mut objects = objects(text, path)?;
    let of_kind: Vec<usize> = (0..objects.len())
        .filter(|&i| kind_of(&objects[i].0) == wanted.kind)
        .collect();
    let names = |list: &[usize]| {
        listed(
            list.iter().map(|&i| shown_name(&objects[i].0).to_string()),
            "none",
        )
    };
    let chosen = match pick {
        Some(p) => {
            let named = (0..objects.len()).filter(|&i| name_of(&objects[i].0) == Some(p));
            let named: Vec<usize> = named.collect();
            match named.iter().find(|i| of_kind.contains(i)) {
                Some(&i) => i,
                None => match named.first() {
                    Some(&i) => return Err(wanted.refuse(&objects[i].0, &objects[i].1)),
                    None => {
                        return Err(unplaced(
                            path,
                            format!(
                                "the file holds no {} named {p:?} (its {}s: {})",
                                wanted.kind,
                                wanted.kind,
                                names(&of_kind)
                            ),
                        ));
                    }
                },
            }
        }
        None => match of_kind.as_slice() {
            [one] => *one,
            [] if objects.len() == 1 && objects[0].0.get("kind").is_none() => 0,
            [] => return Err(none_of_kind(objects, path, wanted)),
            many => {
                return Err(unplaced(
                    path,
                    format!(
                        "the file holds {} {}s ({}); pick one by adding `#NAME` to the file's name (`{}: {}#{}`)",
                        many.len(),
                        wanted.kind,
                        names(many),
                        wanted.field,
                        path.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default(),
                        shown_name(&objects[many[0]].0)
                    ),
                ));
            }
        },
    };
    Ok(objects.swap_remove(chosen))
}

fn unplaced(path: &Path, message: String) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        location: None,
        message,
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
}

#[cfg(test)]
mod list_places {
    use super::*;

    /// Every item of a `List` is placed at its own lines, from the one map of places its
    /// document shares (thousands of items: the map is built once, not once per item).
    #[test]
    fn every_item_of_a_list_is_placed_at_its_own_line() {
        const ITEMS: usize = 3000;
        let mut text = String::from("# a kubectl List\napiVersion: v1\nkind: List\nitems:\n");
        let mut lines = vec![];
        for k in 0..ITEMS {
            // Items of two and of three lines, so that a place off by an item shows.
            lines.push(text.lines().count() + 1);
            text.push_str(&format!(
                "- kind: HorizontalPodAutoscaler\n  metadata: {{name: h{k}}}\n"
            ));
            if k % 2 == 0 {
                text.push_str("  spec: {minReplicas: 0}\n");
            }
        }
        let objects = objects(&format!("other: doc\n---\n{text}"), Path::new("l.yaml")).unwrap();
        assert_eq!(objects.len(), ITEMS + 1);
        for (k, (_, origin)) in objects[1..].iter().enumerate() {
            // Two lines down: the first document and its `---`.
            let (kind, name, spec) = (lines[k] + 2, lines[k] + 3, lines[k] + 4);
            // (field, the line it is at: its own, or its nearest written parent's)
            let want = [
                ("kind", kind),
                ("metadata.name", name),
                ("spec.minReplicas", if k % 2 == 0 { spec } else { kind }),
                ("spec.scaleTargetRef", if k % 2 == 0 { spec } else { kind }),
            ];
            for (field, line) in want {
                let place = origin.place(field);
                assert_eq!(
                    place,
                    format!("l.yaml:{line} {field}"),
                    "items[{k}].{field}"
                );
            }
        }
    }
}
