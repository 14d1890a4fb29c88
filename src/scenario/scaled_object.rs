//! A scenario's KEDA ScaledObject (`scaledObject:` inline or `scaledObjectFile:`): read,
//! compiled by `keda`, each External trigger bound to the `metrics:` entry it reads.
//! Owns these checks and their errors (file, line, field); simulates nothing (`sim` runs
//! KEDA's loop).

use std::path::Path;

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

/// Where the ScaledObject was written, for errors: the scenario (fields shown under
/// `scaledObject.`) or its `scaledObjectFile` (fields shown from the object's root).
struct Origin {
    at: super::manifest::Origin,
    shown: &'static str,
}

impl Origin {
    fn fail(&self, field: &str, message: String) -> Error {
        Error::Input {
            path: self.at.path.clone(),
            location: self.at.locate(field),
            message: format!("{}{field}: {message}", self.shown),
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
                at: super::manifest::Origin::inline(path, text, "scaledObject"),
                shown: "scaledObject.",
            },
        ),
        (None, Some(f)) => {
            let base = path.parent().unwrap_or(Path::new("."));
            let (so_path, pick) = super::load_scenario::split_pick(&base.join(f));
            let so_text = super::load_scenario::read_manifest(&so_path)?;
            let (value, at) = scaled_object_value(&so_text, &so_path, pick.as_deref())?;
            (at.parse(value)?, Origin { at, shown: "" })
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
                    origin.at.path.display(),
                    origin.shown
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

/// A ScaledObject file's object as a value, with its place: the file's ScaledObject, or
/// the one named `pick` among several YAML documents or the items of a `List`.
pub(super) fn scaled_object_value(
    text: &str,
    path: &Path,
    pick: Option<&str>,
) -> Result<(Value, super::manifest::Origin), Error> {
    super::manifest::pick(text, path, &super::manifest::SCALED_OBJECT, pick)
}

/// Checks every ScaledObject of a file (`hpasim validate`): one line for each and the
/// warnings a scenario reading it would show, or the first error at its file, line and
/// field.
pub fn describe_file(text: &str, path: &Path) -> Result<(Vec<String>, Vec<String>), Error> {
    let (mut lines, mut warnings) = (vec![], vec![]);
    for (value, at) in super::manifest::all_of(text, path, &super::manifest::SCALED_OBJECT)? {
        let so: ScaledObject = at.parse(value)?;
        let origin = Origin { at, shown: "" };
        let keda = Keda::compile(&so).map_err(|e| origin.fail(&e.field, e.message))?;
        check_counts(&so).map_err(|(f, m)| origin.fail(&f, m))?;
        warnings.extend(ignored_metadata(&so, &origin));
        let triggers: Vec<&str> = (so.spec.triggers.iter()).map(|t| t.kind.as_str()).collect();
        lines.push(format!(
            "ScaledObject {:?}, HPA {}, {} trigger(s): {}",
            so.metadata.name,
            keda.hpa_name(),
            triggers.len(),
            triggers.join(", ")
        ));
    }
    Ok((lines, warnings))
}
