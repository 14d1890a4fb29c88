//! A scenario's KEDA ScaledObject (`scaledObject:` inline or `scaledObjectFile:`): read,
//! compiled by `keda`, each External trigger bound to the `metrics:` entry it reads.
//! Owns these checks and their errors (file, line, field); simulates nothing (`sim` runs
//! KEDA's loop).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::model::{MetricSourceKind, ScenarioFile};
use crate::error::Error;
use crate::keda::Keda;
use crate::keda::api::ScaledObject;

/// A scenario's ScaledObject, compiled, with the source of each External trigger.
#[derive(Clone, Debug)]
pub struct ScenarioKeda {
    /// The HPA KEDA generates and the settings of KEDA's loop.
    pub keda: Keda,
    /// For each External trigger (in [`Keda::externals`] order), the name of the
    /// `metrics:` entry its scaler reads.
    pub sources: Vec<String>,
    /// Trigger settings KEDA ignores ([`crate::keda::IGNORED_METADATA`]), each named with
    /// its file and field, for the scenario's warnings.
    pub warnings: Vec<String>,
}

/// Where the ScaledObject was written, for errors: the scenario (fields under
/// `scaledObject.`) or its `scaledObjectFile` (fields from its root; without a line when
/// picked from a `List` or from several documents).
struct Origin {
    path: PathBuf,
    text: String,
    prefix: &'static str,
    placed: bool,
}

impl Origin {
    fn fail(&self, field: &str, message: String) -> Error {
        let field = format!("{}{field}", self.prefix);
        Error::Input {
            path: self.path.clone(),
            location: if self.placed {
                super::snapshot_file::locate_field(&self.text, &field)
            } else {
                None
            },
            message: format!("{field}: {message}"),
        }
    }
}

/// The fields that say which autoscaler a scenario has; exactly one is given.
const AUTOSCALER_FIELDS: &str = "`hpa`, `hpaFile`, `scaledObject` and `scaledObjectFile`";

/// Reads and compiles the scenario's ScaledObject, if it has one; `fail` places an error
/// at a field of the scenario file.
pub(super) fn read_scaled_object(
    file: &ScenarioFile,
    path: &Path,
    text: &str,
    fail: &dyn Fn(&str, String) -> Error,
) -> Result<Option<ScenarioKeda>, Error> {
    let given = [
        ("hpa", file.hpa.is_some()),
        ("hpaFile", file.hpa_file.is_some()),
        ("scaledObject", file.scaled_object.is_some()),
        ("scaledObjectFile", file.scaled_object_file.is_some()),
    ];
    let keda_given = given[2].1 || given[3].1;
    if !keda_given {
        return Ok(None);
    }
    if given.iter().filter(|g| g.1).count() > 1 {
        let field = if given[3].1 {
            "scaledObjectFile"
        } else {
            "scaledObject"
        };
        return Err(fail(
            field,
            format!("give exactly one of {AUTOSCALER_FIELDS}"),
        ));
    }
    let (so, origin) = match (&file.scaled_object, &file.scaled_object_file) {
        (Some(so), _) => (
            so.clone(),
            Origin {
                path: path.to_path_buf(),
                text: text.to_string(),
                prefix: "scaledObject.",
                placed: true,
            },
        ),
        (None, Some(f)) => {
            let base = path.parent().unwrap_or(Path::new("."));
            let (so_path, pick) = super::load_scenario::split_pick(&base.join(f));
            let so_text = super::load_scenario::read_manifest(&so_path)?;
            let (so, picked) = parse_scaled_object(&so_text, &so_path, pick.as_deref())?;
            let placed = !picked;
            let origin = Origin {
                path: so_path,
                text: so_text,
                prefix: "",
                placed,
            };
            (so, origin)
        }
        (None, None) => return Ok(None),
    };
    let keda = Keda::compile(&so).map_err(|e| origin.fail(&e.field, e.message))?;
    check_counts(&so).map_err(|(f, m)| origin.fail(&f, m))?;
    let sources = bind_triggers(&keda, file).map_err(|(f, m)| origin.fail(&f, m))?;
    for (i, a) in file.actions.iter().enumerate() {
        if a.patch_hpa.is_some() {
            return Err(fail(
                &format!("actions[{i}].patchHpa"),
                "the HPA is the one KEDA generates from the ScaledObject (KEDA would undo a patch); patching it is not modelled".into(),
            ));
        }
    }
    let warnings = ignored_metadata(&so, &origin);
    Ok(Some(ScenarioKeda {
        keda,
        sources,
        warnings,
    }))
}

/// The trigger settings KEDA reads past in silence (`metricName` since v2.12), each
/// named with the file and field, so a team sees that its setting does nothing.
fn ignored_metadata(so: &ScaledObject, origin: &Origin) -> Vec<String> {
    let mut warnings = vec![];
    for (i, trigger) in so.spec.triggers.iter().enumerate() {
        for key in crate::keda::IGNORED_METADATA {
            if let Some(value) = trigger.metadata.get(key) {
                warnings.push(format!(
                    "{}: {}spec.triggers[{i}].metadata.{key} ({value:?}) is ignored, as KEDA has ignored it since v2.12 (kedacore/keda#4899); the HPA's metric is named by KEDA",
                    origin.path.display(),
                    origin.prefix
                ));
            }
        }
    }
    warnings
}

/// The pod counts a ScaledObject asks for, within the format's limit.
fn check_counts(so: &ScaledObject) -> Result<(), (String, String)> {
    let spec = &so.spec;
    for (name, n) in [
        ("minReplicaCount", spec.min_replica_count),
        ("maxReplicaCount", spec.max_replica_count),
        ("idleReplicaCount", spec.idle_replica_count),
        (
            "fallback.replicas",
            spec.fallback.as_ref().map(|f| f.replicas),
        ),
    ] {
        if let Some(n) = n
            && i64::from(n) > super::load_scenario::MAX_PODS
        {
            return Err((
                format!("spec.{name}"),
                format!(
                    "{n} is above the limit of {} pods (the README's `Limits`)",
                    super::load_scenario::MAX_PODS
                ),
            ));
        }
    }
    // Periods in seconds, within the longest delay of a scenario (KEDA sets no bound).
    for (name, n) in [
        ("pollingInterval", spec.polling_interval),
        ("cooldownPeriod", spec.cooldown_period),
        ("initialCooldownPeriod", spec.initial_cooldown_period),
    ] {
        if let Some(n) = n {
            crate::units::at_most(
                &format!("spec.{name}"),
                crate::core::Span::from_secs(n.into()),
                crate::units::MAX_DELAY_SECONDS,
            )?;
        }
    }
    let most = super::load_scenario::MAX_THRESHOLD;
    if let Some(f) = &spec.fallback
        && i64::from(f.failure_threshold) > i64::from(most)
    {
        return Err((
            "spec.fallback.failureThreshold".into(),
            format!(
                "{} is above the limit of {most} failed polls (the README's `Limits`)",
                f.failure_threshold
            ),
        ));
    }
    Ok(())
}

/// Each External trigger's source: the `metrics:` entry named as its External metric
/// (`s0-prometheus`) or as the trigger (`name`). The error's field is relative to the
/// ScaledObject.
fn bind_triggers(keda: &Keda, file: &ScenarioFile) -> Result<Vec<String>, (String, String)> {
    let triggers = &keda.scaled_object.spec.triggers;
    let mut sources = Vec::with_capacity(keda.externals.len());
    for ext in &keda.externals {
        let field = format!("spec.triggers[{}]", ext.index);
        let own = (triggers.get(ext.index))
            .and_then(|t| t.name.clone())
            .filter(|n| !n.is_empty());
        let by_metric = file.metrics.contains_key(&ext.metric_name);
        let by_name = own.as_ref().filter(|n| file.metrics.contains_key(*n));
        let entry = match (by_metric, by_name) {
            (true, Some(n)) if *n != ext.metric_name => {
                return Err((
                    field,
                    format!(
                        "both `metrics:` entries {:?} and {n:?} name this trigger; keep one",
                        ext.metric_name
                    ),
                ));
            }
            (true, _) => ext.metric_name.clone(),
            (false, Some(n)) => n.clone(),
            (false, None) => {
                let names: Vec<&str> = file.metrics.keys().map(String::as_str).collect();
                let wanted = own.as_deref().unwrap_or(&ext.metric_name);
                let hint = crate::error::nearest(wanted, names.iter().copied())
                    .map(|n| format!("; did you mean {n:?}?"))
                    .unwrap_or_default();
                let called = match &own {
                    Some(n) => format!("{:?} or {n:?}", ext.metric_name),
                    None => format!("{:?}", ext.metric_name),
                };
                return Err((
                    field,
                    format!(
                        "the {} trigger reads the `metrics:` entry named {called}, and the scenario has none (its entries: {}){hint}; \
                         give one with a `value`, a `shape` (or trace), or `source: requestsPerSecond` for the run's request rate",
                        ext.kind,
                        if names.is_empty() {
                            "none".into()
                        } else {
                            names.join(", ")
                        }
                    ),
                ));
            }
        };
        if file.metrics[&entry].source == MetricSourceKind::PodRequestsPerSecond {
            return Err((
                field,
                format!(
                    "its `metrics:` entry {entry:?} is per pod (podRequestsPerSecond); a scaler reads one value for the whole workload: \
                     use `source: requestsPerSecond`, a `value` or a `shape`"
                ),
            ));
        }
        sources.push(entry);
    }
    Ok(sources)
}

fn is_list_value(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("List")
        || (v.get("items").is_some() && v.get("spec").is_none())
}

/// The documents of a YAML stream holding several (`---` between a ScaledObject and the
/// Deployment it scales, say); empty for one document, JSON, or text that does not parse.
fn documents(text: &str) -> Vec<Value> {
    if text.trim_start().starts_with('{') {
        return vec![];
    }
    match serde_saphyr::from_multiple::<Value>(text) {
        Ok(docs) if docs.len() > 1 => docs,
        _ => vec![],
    }
}

/// A ScaledObject file's object as a value, and whether it was picked from a `List` or
/// from several YAML documents (`file#name`, or the only ScaledObject there).
pub(super) fn scaled_object_value(
    text: &str,
    path: &Path,
    pick: Option<&str>,
) -> Result<(Value, bool), Error> {
    let unplaced = |message: String| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message,
    };
    let docs = documents(text);
    let value = if docs.is_empty() {
        super::snapshot_file::parse_yaml(text, path)?
    } else {
        serde_json::json!({"kind": "List", "items": docs})
    };
    if pick.is_none() && !is_list_value(&value) {
        return Ok((value, false));
    }
    Ok((pick_scaled_object(value, pick).map_err(unplaced)?, true))
}

/// A ScaledObject file: the object itself (errors at their line), or one picked by name
/// from a `List` or from several YAML documents (`file#name`; the only one without a name).
fn parse_scaled_object(
    text: &str,
    path: &Path,
    pick: Option<&str>,
) -> Result<(ScaledObject, bool), Error> {
    let (value, picked) = scaled_object_value(text, path, pick)?;
    if !picked {
        return Ok((super::snapshot_file::parse_yaml(text, path)?, false));
    }
    let so = serde_json::from_value(value).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: format!("the picked ScaledObject: {e}"),
    })?;
    Ok((so, true))
}

/// From a `List`, the ScaledObject named `pick`, or the only one; anything else as it is.
fn pick_scaled_object(value: Value, pick: Option<&str>) -> Result<Value, String> {
    if !is_list_value(&value) {
        return Ok(value);
    }
    let Some(Value::Array(items)) = value.get("items") else {
        return Err("a List without `items`".into());
    };
    let name = |i: &Value| {
        (i.pointer("/metadata/name").and_then(Value::as_str))
            .unwrap_or("(unnamed)")
            .to_string()
    };
    let found: Vec<&Value> = (items.iter())
        .filter(|i| i.get("kind").and_then(Value::as_str) == Some("ScaledObject"))
        .filter(|i| pick.is_none_or(|p| name(i) == p))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        _ => {
            let all: Vec<String> = (items.iter())
                .filter(|i| i.get("kind").and_then(Value::as_str) == Some("ScaledObject"))
                .map(name)
                .collect();
            let holds = if all.is_empty() {
                "none".to_string()
            } else {
                all.join(", ")
            };
            Err(match pick {
                Some(p) => {
                    format!("the file holds no ScaledObject named {p:?} (it holds: {holds})")
                }
                None => format!(
                    "the file holds {} ScaledObjects ({holds}); pick one with `file#name`",
                    all.len()
                ),
            })
        }
    }
}
