//! A scenario's workload from the team's own Deployment manifest (`workload.deploymentFile:
//! FILE` or `FILE#NAME`): its `spec.replicas`, its containers' requests and limits, its
//! pod-level resources, its startup and readiness probes and its
//! `terminationGracePeriodSeconds`, each defaulted as the API server defaults it, merged
//! into `workload`. What a manifest cannot say (what a request costs, how long the app takes
//! to start) stays in the scenario; a field both give is refused, naming both places.
//!
//! Owns reading, checking and merging, and the errors (file, line, field of the manifest);
//! every other field of a real manifest (labels, env, volumes, image...) is ignored.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::manifest::{Origin, Wanted, shown_name};
use super::model::{Probe, ScenarioFile};
use super::pod_spec::{ContainerModel, PodResources};
use crate::core::Quantity;
use crate::error::Error;

/// What the scenario can take from a manifest: these resources (`IsSupportedPodLevelResource`
/// and what the simulator models); the others (`ephemeral-storage`, GPUs) are ignored.
const MODELLED_RESOURCES: [&str; 2] = ["cpu", "memory"];

/// The Deployment of a `deploymentFile`; a StatefulSet is refused saying why.
const DEPLOYMENT: Wanted = Wanted {
    kind: "Deployment",
    field: "deploymentFile",
    other_kind: |kind| {
        Some(match kind {
            // Same template, but not the same pods: created one at a time, each waiting for the
            // one before to be Ready (OrderedReady), and removed from the highest ordinal.
            "StatefulSet" => "a StatefulSet's pods start one at a time, each after the one before is Ready, \
                              and go from the highest ordinal: `deploymentFile` does not read its \
                              manifest yet. Name the StatefulSet in the HPA's scaleTargetRef and write \
                              the pod in the scenario (`initialReplicas`, `workload.pod`, \
                              `workload.podManagementPolicy`): the run follows the StatefulSet controller"
                .to_string(),
            other => format!(
                "{other:?} is not a Deployment (apps/v1); `deploymentFile` reads a Deployment"
            ),
        })
    },
};

/// A container of the manifest, its resources defaulted as the API server defaults them.
#[derive(Clone, Debug)]
struct Container {
    name: String,
    requests: BTreeMap<String, Quantity>,
    limits: BTreeMap<String, Quantity>,
}

/// What a Deployment manifest states that the simulator models.
#[derive(Clone, Debug)]
struct Manifest {
    name: String,
    origin: Origin,
    /// `spec.replicas`, when written.
    replicas: Option<i32>,
    containers: Vec<Container>,
    /// `spec.template.spec.resources`, when it sets cpu or memory.
    pod_resources: Option<PodResources>,
    /// Each probe with the index of the container it is on.
    startup_probe: Option<(Probe, usize)>,
    readiness_probe: Option<(Probe, usize)>,
    grace_period_seconds: Option<u32>,
    warnings: Vec<String>,
}

/// A Deployment merged into a scenario: where each merged field came from, for errors
/// found later, and what the run should warn about.
#[derive(Clone, Debug)]
pub(super) struct Merged {
    name: String,
    origin: Origin,
    /// (scenario field, manifest field) for each field the manifest gave.
    given: Vec<(String, String)>,
    /// For each merged container (the manifest's order), its index under the scenario's
    /// `workload.pod.containers`, if it is there.
    listed_at: Vec<Option<usize>>,
    /// Warnings for the run (a probe not simulated, a sidecar not modelled).
    pub warnings: Vec<String>,
}

type Bad = (String, String);

/// Requests or limits by resource.
type Resources = BTreeMap<String, Quantity>;

impl Merged {
    /// An error found in the merged workload at scenario field `field`: at the manifest's
    /// line when the manifest gave it; `None` when the scenario's own place is right, or
    /// `Some(Err(field))` with the scenario field renumbered (its containers are merged in
    /// the manifest's order).
    pub(super) fn blame(&self, field: &str, message: &str) -> Result<Error, String> {
        let under = |p: &str| {
            field == p
                || field
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        };
        if let Some((p, d)) = (self.given.iter())
            .filter(|(p, _)| under(p))
            .max_by_key(|(p, _)| p.len())
        {
            let inner = format!("{d}{}", &field[p.len()..]);
            return Ok(self.origin.error(&inner, message.to_string()));
        }
        // `workload.pod.containers[i]...` of the merged list: the scenario's own index.
        let prefix = "workload.pod.containers[";
        if let Some(rest) = field.strip_prefix(prefix)
            && let Some((i, tail)) = rest.split_once(']')
            && let Ok(i) = i.parse::<usize>()
        {
            return match self.listed_at.get(i).copied().flatten() {
                Some(j) => Err(format!("{prefix}{j}]{tail}")),
                None => Ok(self.origin.error(
                    &format!("spec.template.spec.containers[{i}]{tail}"),
                    message.to_string(),
                )),
            };
        }
        Err(field.to_string())
    }

    /// A warning when the HPA scales another object than this Deployment (its
    /// `scaleTargetRef`), which on a cluster would leave this one's pods alone.
    /// `field` names the HPA's `scaleTargetRef` (with its file and line).
    pub(super) fn target_warning(&self, target: Option<&Value>, field: &str) -> Option<String> {
        let target = target?;
        let kind = target.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = target.get("name").and_then(Value::as_str).unwrap_or("");
        (kind != "Deployment" || name != self.name).then(|| {
            format!(
                "{field} is {kind}/{name}, but the workload is Deployment/{} ({}): \
                 simulated as if the HPA scaled it, which on a cluster it would not",
                self.name,
                self.origin.place("metadata.name")
            )
        })
    }
}

/// Reads `workload.deploymentFile` (relative to `base`) and merges it into `file.workload`;
/// `written` is the scenario as written (to tell a field it gives from a default), `fail`
/// places an error at a field of the scenario.
pub(super) fn merge(
    file: &mut ScenarioFile,
    written: &Value,
    base: &Path,
    fail: &dyn Fn(&str, String) -> Error,
) -> Result<Option<Merged>, Error> {
    let Some(f) = file.workload.deployment_file.clone() else {
        return Ok(None);
    };
    let (path, pick) = super::load_scenario::split_pick(&base.join(&f));
    let text = super::load_scenario::read_manifest(&path)?;
    let m = read(&text, &path, pick.as_deref())?;
    let w = &mut file.workload;
    if w.kind == super::scale_target::WorkloadKind::Custom {
        return Err(fail(
            "workload.kind",
            "`deploymentFile` reads a Deployment; `kind: Custom` is a custom resource's scale: give one or the other".into(),
        ));
    }
    let mut given: Vec<(String, String)> = vec![];
    // The manifest and the scenario both give `field`: refused, naming both places.
    let both = |field: &str, inner: &str| {
        fail(
            field,
            format!(
                "given here and by the Deployment {:?} ({}); give it in one place \
                 (the manifest's is what the cluster runs)",
                m.name,
                m.origin.place(inner)
            ),
        )
    };
    if let Some(n) = m.replicas {
        if w.initial_replicas.is_some() {
            return Err(both("workload.initialReplicas", "spec.replicas"));
        }
        w.initial_replicas = Some(n);
        given.push(("workload.initialReplicas".into(), "spec.replicas".into()));
    } else if w.initial_replicas.is_none() {
        // The API server's default (`SetDefaults_Deployment`).
        w.initial_replicas = Some(1);
    }
    let resources_at =
        |i: usize, what: &str| format!("spec.template.spec.containers[{i}].resources.{what}");
    let pod = &mut w.pod;
    let mut listed_at = vec![];
    match &pod.containers {
        None => {
            let [c] = m.containers.as_slice() else {
                let names: Vec<&str> = m.containers.iter().map(|c| c.name.as_str()).collect();
                return Err(fail(
                    "workload.pod",
                    format!(
                        "the Deployment {:?} has {} containers ({}): give each one's costs under \
                         `workload.pod.containers`, by name (`- {{name: {}, cpuPerRequest: 5m}}`)",
                        m.name,
                        names.len(),
                        names.join(", "),
                        names[0]
                    ),
                ));
            };
            for (what, theirs, ours) in [
                ("requests", &c.requests, &mut pod.requests),
                ("limits", &c.limits, &mut pod.limits),
            ] {
                if theirs.is_empty() {
                    continue;
                }
                if !ours.is_empty() {
                    return Err(both(
                        &format!("workload.pod.{what}"),
                        &resources_at(0, what),
                    ));
                }
                *ours = theirs.clone();
                given.push((format!("workload.pod.{what}"), resources_at(0, what)));
            }
            // The container keeps its name (a ContainerResource metric names it), also in
            // the workload `inline` writes back for a sweep.
            if pod.name.is_some() {
                return Err(both(
                    "workload.pod.name",
                    "spec.template.spec.containers[0].name",
                ));
            }
            pod.name = Some(c.name.clone());
            given.push((
                "workload.pod.name".into(),
                "spec.template.spec.containers[0].name".into(),
            ));
        }
        Some(list) => {
            let names: Vec<&str> = m.containers.iter().map(|c| c.name.as_str()).collect();
            for (j, e) in list.iter().enumerate() {
                let field = format!("workload.pod.containers[{j}].name");
                if !names.contains(&e.name.as_str()) {
                    return Err(fail(
                        &field,
                        format!(
                            "{:?} is not a container of the Deployment {:?} (its containers: {})",
                            e.name,
                            m.name,
                            names.join(", ")
                        ),
                    ));
                }
                if list[..j].iter().any(|o| o.name == e.name) {
                    return Err(fail(
                        &field,
                        format!("{:?} appears twice in the pod", e.name),
                    ));
                }
            }
            let mut merged = Vec::with_capacity(m.containers.len());
            for (i, c) in m.containers.iter().enumerate() {
                let j = list.iter().position(|e| e.name == c.name);
                // A container the scenario does not list costs nothing per request and
                // uses nothing at rest (a sidecar whose CPU does not follow traffic).
                let mut one = j.map(|j| list[j].clone()).unwrap_or(ContainerModel {
                    name: c.name.clone(),
                    requests: BTreeMap::new(),
                    limits: BTreeMap::new(),
                    baseline: BTreeMap::new(),
                    cpu_per_request: None,
                    memory_per_request: None,
                });
                for (what, theirs, ours) in [
                    ("requests", &c.requests, &mut one.requests),
                    ("limits", &c.limits, &mut one.limits),
                ] {
                    if theirs.is_empty() {
                        continue;
                    }
                    if !ours.is_empty() {
                        let j = j.unwrap_or(i);
                        return Err(both(
                            &format!("workload.pod.containers[{j}].{what}"),
                            &resources_at(i, what),
                        ));
                    }
                    *ours = theirs.clone();
                    given.push((
                        format!("workload.pod.containers[{i}].{what}"),
                        resources_at(i, what),
                    ));
                }
                merged.push(one);
                listed_at.push(j);
            }
            pod.containers = Some(merged);
        }
    }
    if let Some(r) = &m.pod_resources {
        if pod.resources.is_some() {
            return Err(both(
                "workload.pod.resources",
                "spec.template.spec.resources",
            ));
        }
        pod.resources = Some(r.clone());
        given.push((
            "workload.pod.resources".into(),
            "spec.template.spec.resources".into(),
        ));
    }
    let s = &mut w.startup;
    for (name, theirs, ours) in [
        ("startupProbe", m.startup_probe, &mut s.startup_probe),
        ("readinessProbe", m.readiness_probe, &mut s.readiness_probe),
    ] {
        let Some((probe, i)) = theirs else { continue };
        let inner = format!("spec.template.spec.containers[{i}].{name}");
        let field = format!("workload.startup.{name}");
        if ours.is_some() {
            return Err(both(&field, &inner));
        }
        *ours = Some(probe);
        given.push((field, inner));
    }
    if let Some(g) = m.grace_period_seconds {
        let field = "workload.termination.gracePeriodSeconds";
        let inner = "spec.template.spec.terminationGracePeriodSeconds";
        if written
            .pointer("/workload/termination/gracePeriodSeconds")
            .is_some()
        {
            return Err(both(field, inner));
        }
        w.termination.grace_period_seconds = g;
        given.push((field.into(), inner.into()));
    }
    Ok(Some(Merged {
        name: m.name,
        origin: m.origin,
        given,
        listed_at,
        warnings: m.warnings,
    }))
}

/// The Deployment of a manifest file: the one named `pick`, or the only one.
fn read(text: &str, path: &Path, pick: Option<&str>) -> Result<Manifest, Error> {
    let (value, origin) = super::manifest::pick(text, path, &DEPLOYMENT, pick)?;
    read_object(&value, &origin)
}

/// One Deployment object, checked.
fn read_object(value: &Value, origin: &Origin) -> Result<Manifest, Error> {
    let version = value.get("apiVersion").and_then(Value::as_str);
    if let Some(v) = version
        && v != "apps/v1"
    {
        return Err(origin.error(
            "apiVersion",
            format!("{v:?}: expected apps/v1 (older Deployment versions are no longer served since Kubernetes 1.16)"),
        ));
    }
    manifest(value, origin).map_err(|(field, message)| origin.error(&field, message))
}

/// A whole number at `field`, when written (`null` is not written).
fn whole(v: Option<&Value>, field: &str) -> Result<Option<i64>, Bad> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
        Some(other) => Err((field.into(), format!("{other} is not a whole number"))),
    }
}

/// A whole number of 0 or more, at most `max`.
fn count(v: Option<&Value>, field: &str, max: i64, unit: &str) -> Result<Option<u32>, Bad> {
    let Some(n) = whole(v, field)? else {
        return Ok(None);
    };
    if n < 0 {
        return Err((
            field.into(),
            format!("{n} is negative; it must be 0 or more"),
        ));
    }
    if n > max {
        return Err((
            field.into(),
            format!("{n} is above the limit of {max} {unit} (the README's `Limits`)"),
        ));
    }
    u32::try_from(n)
        .map(Some)
        .map_err(|_| (field.into(), format!("{n} is too large")))
}

/// A resource list (`requests`, `limits`): every quantity checked, cpu and memory kept.
fn resource_list(v: Option<&Value>, field: &str) -> Result<BTreeMap<String, Quantity>, Bad> {
    let map = match v {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err((
                field.into(),
                format!("{other} is not a map of quantities (`{{cpu: 500m, memory: 256Mi}}`)"),
            ));
        }
    };
    let mut out = BTreeMap::new();
    for (res, q) in map {
        let at = format!("{field}.{res}");
        let q: Quantity =
            serde_json::from_value(q.clone()).map_err(|e| (at.clone(), e.to_string()))?;
        if q.milli() < 0 {
            return Err((at, format!("{q} is negative; it must be 0 or more")));
        }
        if MODELLED_RESOURCES.contains(&res.as_str()) {
            out.insert(res.clone(), q);
        }
    }
    Ok(out)
}

/// A container's (or the pod's) requests and limits, defaulted and checked as the API
/// server does: a resource limited but not requested is requested at its limit
/// (`SetDefaults_Pod`), and a request above its limit is refused.
fn requests_and_limits(
    resources: Option<&Value>,
    field: &str,
) -> Result<(Resources, Resources), Bad> {
    let get = |k: &str| resources.and_then(|r| r.get(k));
    let mut requests = resource_list(get("requests"), &format!("{field}.requests"))?;
    let limits = resource_list(get("limits"), &format!("{field}.limits"))?;
    for (res, limit) in &limits {
        match requests.get(res) {
            None => {
                requests.insert(res.clone(), limit.clone());
            }
            Some(r) if r.milli() > limit.milli() => {
                return Err((
                    format!("{field}.requests.{res}"),
                    format!("{r} is above the {res} limit {limit}; the API server refuses it"),
                ));
            }
            Some(_) => {}
        }
    }
    Ok((requests, limits))
}

/// A probe, each figure defaulted as `SetDefaults_Probe` does (0 or absent: period 10,
/// success 1, failure 3; initial delay 0) and checked as `validateProbe` does (none
/// negative; a startupProbe's successThreshold is 1).
fn probe(v: &Value, field: &str, startup: bool) -> Result<Probe, Bad> {
    let max = crate::units::MAX_DELAY_SECONDS;
    let figure = |key: &str, default: u32, max: i64, unit: &str| -> Result<u32, Bad> {
        let n = count(v.get(key), &format!("{field}.{key}"), max, unit)?;
        Ok(n.filter(|n| *n != 0).unwrap_or(default))
    };
    let initial_delay_seconds = count(
        v.get("initialDelaySeconds"),
        &format!("{field}.initialDelaySeconds"),
        max,
        "seconds",
    )?
    .unwrap_or(0);
    let period_seconds = figure("periodSeconds", 10, max, "seconds")?;
    let most = i64::from(super::load_scenario::MAX_THRESHOLD);
    let success_threshold = figure("successThreshold", 1, most, "")?;
    let failure_threshold = figure("failureThreshold", 3, most, "")?;
    if startup && success_threshold != 1 {
        return Err((
            format!("{field}.successThreshold"),
            format!(
                "{success_threshold}: must be 1 for a startupProbe (the API server refuses any other)"
            ),
        ));
    }
    Ok(Probe {
        initial_delay_seconds,
        period_seconds,
        success_threshold,
        failure_threshold,
    })
}

/// What the simulator models of a Deployment object; the error's field is the manifest's.
fn manifest(v: &Value, origin: &Origin) -> Result<Manifest, Bad> {
    let name = shown_name(v).to_string();
    let replicas = count(
        v.pointer("/spec/replicas"),
        "spec.replicas",
        super::load_scenario::MAX_PODS,
        "pods",
    )?
    .map(|n| n as i32);
    let pod = v.pointer("/spec/template/spec").ok_or((
        "spec.template.spec".to_string(),
        "missing: the Deployment has no pod template".to_string(),
    ))?;
    let Some(Value::Array(list)) = pod.get("containers") else {
        return Err((
            "spec.template.spec.containers".into(),
            "missing: a pod template lists its containers".into(),
        ));
    };
    if list.is_empty() {
        return Err((
            "spec.template.spec.containers".into(),
            "lists no container".into(),
        ));
    }
    let mut containers: Vec<Container> = vec![];
    let (mut startup_probe, mut readiness_probe) = (None, None);
    let mut warnings = vec![];
    for (i, c) in list.iter().enumerate() {
        let field = format!("spec.template.spec.containers[{i}]");
        let Some(cname) = c
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        else {
            return Err((
                format!("{field}.name"),
                "missing: every container has a name".into(),
            ));
        };
        if containers.iter().any(|o| o.name == cname) {
            return Err((
                format!("{field}.name"),
                format!("{cname:?} appears twice in the pod"),
            ));
        }
        let (requests, limits) =
            requests_and_limits(c.get("resources"), &format!("{field}.resources"))?;
        for (key, startup, slot) in [
            ("startupProbe", true, &mut startup_probe),
            ("readinessProbe", false, &mut readiness_probe),
        ] {
            let Some(p) = c.get(key).filter(|p| !p.is_null()) else {
                continue;
            };
            let read = probe(p, &format!("{field}.{key}"), startup)?;
            match slot {
                None => *slot = Some((read, i)),
                // The simulator's pod has one chain of probes: the first container's.
                Some((_, first)) => warnings.push(format!(
                    "{}: not simulated; the pod's {key} is container {:?}'s",
                    origin.place(&format!("{field}.{key}")),
                    list[*first]
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                )),
            }
        }
        containers.push(Container {
            name: cname.to_string(),
            requests,
            limits,
        });
    }
    if let Some(Value::Array(inits)) = pod.get("initContainers") {
        for (i, c) in inits.iter().enumerate() {
            if c.get("restartPolicy").and_then(Value::as_str) == Some("Always") {
                warnings.push(format!(
                    "{}: a sidecar (restartPolicy: Always) is not simulated: its requests do not count \
                     in the pod's; list it under `containers` to simulate it",
                    origin.place(&format!("spec.template.spec.initContainers[{i}]"))
                ));
            }
        }
    }
    let (requests, limits) =
        requests_and_limits(pod.get("resources"), "spec.template.spec.resources")?;
    let pod_resources =
        (!requests.is_empty() || !limits.is_empty()).then_some(PodResources { requests, limits });
    let grace_period_seconds = count(
        pod.get("terminationGracePeriodSeconds"),
        "spec.template.spec.terminationGracePeriodSeconds",
        crate::units::MAX_DELAY_SECONDS,
        "seconds",
    )?;
    Ok(Manifest {
        name,
        origin: origin.clone(),
        replicas,
        containers,
        pod_resources,
        startup_probe,
        readiness_probe,
        grace_period_seconds,
        warnings,
    })
}

/// Checks every Deployment of a manifest file (`hpasim validate`): one line for each, or
/// the first error at its file, line and field.
pub fn describe_file(text: &str, path: &Path) -> Result<Vec<String>, Error> {
    let mut lines = vec![];
    for (v, origin) in super::manifest::all_of(text, path, &DEPLOYMENT)? {
        let m = read_object(&v, &origin)?;
        let names: Vec<&str> = m.containers.iter().map(|c| c.name.as_str()).collect();
        let probes: Vec<&str> = [
            ("startup", m.startup_probe.is_some()),
            ("readiness", m.readiness_probe.is_some()),
        ]
        .iter()
        .filter(|p| p.1)
        .map(|p| p.0)
        .collect();
        lines.push(format!(
            "Deployment {:?}, {} replica(s), container(s) {}, probes: {}",
            m.name,
            m.replicas
                .map_or("1 (default)".to_string(), |n| n.to_string()),
            names.join(", "),
            if probes.is_empty() {
                "none".to_string()
            } else {
                probes.join(", ")
            }
        ));
    }
    Ok(lines)
}

/// `workload.deploymentFile` read into the scenario's value (for `hpasim sweep`, which sets
/// fields in it): the merged `workload` in its place, the file's name removed.
pub(super) fn inline(value: &mut Value, path: &Path) -> Result<(), Error> {
    if value.pointer("/workload/deploymentFile").is_none() {
        return Ok(());
    }
    let text = serde_json::to_string(value).map_err(|e| Error::Output(e.to_string()))?;
    let mut file: ScenarioFile = super::snapshot_file::parse_yaml(&text, path)?;
    let fail = |field: &str, message: String| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: format!("{field}: {message}"),
    };
    merge(
        &mut file,
        value,
        path.parent().unwrap_or(Path::new(".")),
        &fail,
    )?;
    file.workload.deployment_file = None;
    let workload =
        serde_json::to_value(&file.workload).map_err(|e| Error::Output(e.to_string()))?;
    if let Some(map) = value.as_object_mut() {
        map.insert("workload".into(), workload);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(yaml: &str, pick: Option<&str>) -> Result<Manifest, String> {
        read(yaml, Path::new("deploy.yaml"), pick).map_err(|e| e.to_string())
    }

    const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app
        image: web:1
        resources: {limits: {cpu: 500m, memory: 1Gi, nvidia.com/gpu: 1}}
        readinessProbe: {httpGet: {path: /ready, port: 80}, periodSeconds: 0}
";

    #[test]
    fn kubernetes_defaults_fill_what_the_manifest_leaves_out() {
        let m = read_one(WEB, None).unwrap();
        // No replicas written: the scenario's, else 1.
        assert_eq!(m.replicas, None);
        // Requested at the limit (`SetDefaults_Pod`); a GPU is not modelled.
        let c = &m.containers[0];
        assert_eq!(c.requests["cpu"].milli(), 500);
        assert_eq!(c.requests["memory"], c.limits["memory"]);
        assert!(!c.limits.contains_key("nvidia.com/gpu"));
        // periodSeconds 0 is 10 (`SetDefaults_Probe`).
        let (p, i) = m.readiness_probe.unwrap();
        assert_eq!(
            (
                i,
                p.initial_delay_seconds,
                p.period_seconds,
                p.success_threshold,
                p.failure_threshold
            ),
            (0, 0, 10, 1, 3)
        );
        assert!(m.grace_period_seconds.is_none() && m.startup_probe.is_none());
    }

    #[test]
    fn a_bad_field_is_named_at_its_line() {
        // (replacement in WEB, the error's line and field)
        let cases = [
            (
                "periodSeconds: 0",
                "periodSeconds: -5",
                ":11:",
                "readinessProbe.periodSeconds",
            ),
            ("cpu: 500m", "cpu: 5x", ":10:", "resources.limits.cpu"),
            (
                "  template:",
                "  replicas: -1\n  template:",
                ":5:",
                "spec.replicas",
            ),
            ("kind: Deployment", "kind: StatefulSet", ":2:", "kind"),
            ("apps/v1", "apps/v1beta2", ":1:", "apiVersion"),
        ];
        for (from, to, line, field) in cases {
            let err = read_one(&WEB.replace(from, to), None).unwrap_err();
            assert!(err.contains(line) && err.contains(field), "{to}: {err}");
        }
    }
}
