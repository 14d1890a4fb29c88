//! From a scenario file to a validated [`Scenario`]: paths resolved, defaults applied,
//! every cross-field rule checked before a run starts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::model::{Action, DerivedMetric, MetricOutage, MetricSourceKind, ScenarioFile};
use crate::core::Time;
use crate::core::api::{HorizontalPodAutoscaler, MetricSourceType};
use crate::core::snapshot::ControllerFlags;
use crate::error::Error;
use crate::load::Load;

/// A scenario ready to run.
#[derive(Debug)]
pub struct Scenario {
    /// The file it came from.
    pub path: PathBuf,
    /// The file's text as read: what reports show and what errors point into, so no later
    /// layer reads the file again.
    pub source: String,
    /// As written (defaults applied by serde).
    pub file: ScenarioFile,
    /// The HPA at the start.
    pub hpa: HorizontalPodAutoscaler,
    /// The load.
    pub load: Load,
    /// Simulated start, on the scenario's clock (ms from its midnight).
    pub start: Time,
    /// Simulated end.
    pub end: Time,
    /// The seed in use.
    pub seed: u64,
    /// Actions in time order.
    pub actions: Vec<Action>,
    /// Each `metrics:` entry given by a `shape`, built as a load is (its rate is the value).
    pub metric_shapes: BTreeMap<String, Load>,
    /// The pod: its containers and pod-level resources, resolved.
    pub pod: super::pod_spec::PodSpec,
    /// `kind: Custom`: the operator's delay, none for `never`; absent for a Deployment.
    pub operator: Option<Option<crate::core::Span>>,
    /// The HPA scales a StatefulSet: its name, pod management policy and minReadySeconds;
    /// absent for a Deployment or a custom resource.
    pub stateful: Option<super::scale_target::StatefulSetTarget>,
    /// What the run will show that the user may not expect (an HPA metric nothing serves):
    /// simulated, not refused; `simulate` prints them.
    pub warnings: Vec<String>,
    /// The ScaledObject, when KEDA scales the workload: then `hpa` is the one it generates.
    pub keda: Option<super::scaled_object::ScenarioKeda>,
}

impl Scenario {
    /// The controller flags as the core takes them.
    pub fn controller_flags(&self) -> ControllerFlags {
        let c = &self.file.controller;
        ControllerFlags {
            tolerance: c.tolerance,
            cpu_initialization_period: c.cpu_initialization_period.span(),
            initial_readiness_delay: c.initial_readiness_delay.span(),
            downscale_stabilization: c.downscale_stabilization.span(),
            behavior_defaults: false,
        }
    }
}

/// The largest scenario, HPA or snapshot file read: 16 MiB (a snapshot of 10,000 pods is
/// about 2 MiB). Larger files, and endless ones, are refused by name.
pub const MAX_MANIFEST_BYTES: u64 = 16 << 20;
/// The most pods a scenario may ask for: `initialReplicas`, `minReplicas`, `maxReplicas`,
/// an action's `scale` or patch, and `capacity.nodes`/`maxNodes`, each at most 10,000.
pub const MAX_PODS: i64 = 10_000;
/// The most consecutive results a probe's `successThreshold` or `failureThreshold`, or a
/// ScaledObject's `fallback.failureThreshold`, may ask for. Kubernetes and KEDA set none;
/// this one makes the time to a probe's verdict at most 10,000 periods.
pub const MAX_THRESHOLD: u32 = 10_000;
/// The most runs of one scenario: `simulate --runs`, `check --runs` and `seeds:` (each
/// run keeps its figures for the spread).
pub const MAX_RUNS: u32 = 100_000;
/// The most requests a pod works on at once (`workload.pod.concurrency`): the latency
/// model's work grows with it.
pub const MAX_CONCURRENCY: u32 = 10_000;

/// Reads a scenario, HPA or snapshot file: UTF-8 text of at most [`MAX_MANIFEST_BYTES`].
pub fn read_manifest(path: &Path) -> Result<String, Error> {
    crate::load::read_input(path, MAX_MANIFEST_BYTES)
}

/// The scenario file as an untyped value (for `hpasim sweep`, which sets fields in it): an
/// `hpaFile` read into `hpa` (`FILE#NAME` picked from a `List`), a `scaledObjectFile` into
/// `scaledObject`, a `workload.deploymentFile` into `workload`, and the HPA in the
/// `autoscaling/v2` shape, as [`load_scenario`] would read them.
pub fn scenario_value(path: &Path) -> Result<serde_json::Value, Error> {
    let mut v: serde_json::Value = super::snapshot_file::parse_yaml(&read_manifest(path)?, path)?;
    if let Some(f) = v.get("hpaFile").and_then(serde_json::Value::as_str) {
        let (hpa_path, pick) = split_pick(&path.parent().unwrap_or(Path::new(".")).join(f));
        let (hpa, _) = super::manifest::pick(
            &read_manifest(&hpa_path)?,
            &hpa_path,
            &super::manifest::HPA,
            pick.as_deref(),
        )?;
        if let Some(map) = v.as_object_mut() {
            map.remove("hpaFile");
            map.insert("hpa".into(), hpa);
        }
    }
    if let Some(f) = v
        .get("scaledObjectFile")
        .and_then(serde_json::Value::as_str)
    {
        let (so_path, pick) = split_pick(&path.parent().unwrap_or(Path::new(".")).join(f));
        let (so, _) = super::scaled_object::scaled_object_value(
            &read_manifest(&so_path)?,
            &so_path,
            pick.as_deref(),
        )?;
        if let Some(map) = v.as_object_mut() {
            map.remove("scaledObjectFile");
            map.insert("scaledObject".into(), so);
        }
    }
    if let Some(hpa) = v.get_mut("hpa") {
        super::manifest::to_v2(hpa).map_err(|message| Error::Input {
            path: path.to_path_buf(),
            location: None,
            message: format!("hpa: {message}"),
        })?;
    }
    super::hpa_patches::patch_scenario_value(&mut v, path)?;
    super::deployment::inline(&mut v, path)?;
    Ok(v)
}

/// Reads, parses and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, Error> {
    parse_scenario(&read_manifest(path)?, path)
}

/// Parses and validates scenario text as if read from `path` (which names it in errors
/// and resolves its relative trace and HPA files).
pub fn parse_scenario(text: &str, path: &Path) -> Result<Scenario, Error> {
    scenario_from_text(text, path, &Load::build)
}

/// How [`scenario_from_text`] gets the load: [`Load::build`], or a sweep's copy of a load
/// already built (its trace read once for every configuration).
pub type BuildLoad<'a> =
    dyn Fn(&[crate::load::LoadSpec], &Path, crate::core::Span) -> Result<Load, Error> + Sync + 'a;

/// Parses and validates a scenario's text as [`load_scenario`] does a file's, as if read
/// from `path` (relative files are found beside it, errors name it), the load made by
/// `build_load`. For `hpasim sweep`, which sets values in the scenario and checks each.
pub fn scenario_from_text(
    source: &str,
    path: &Path,
    build_load: &BuildLoad,
) -> Result<Scenario, Error> {
    // Owned, as the file's text was: the checks below read it by reference.
    let text = source.to_owned();
    let mut file: ScenarioFile = super::snapshot_file::parse_with_hpa_at(&text, path, "hpa")?;
    let fail = |field: &str, message: String| Error::Input {
        path: path.to_path_buf(),
        location: super::snapshot_file::locate_field(&text, field),
        message: format!("{field}: {message}"),
    };
    let base = path.parent().unwrap_or(Path::new("."));
    // The team's Deployment, merged into `workload` before anything reads it.
    let deployment = match file.workload.deployment_file {
        Some(_) => {
            let written: serde_json::Value = super::snapshot_file::parse_yaml(&text, path)?;
            super::deployment::merge(&mut file, &written, base, &fail)?
        }
        None => None,
    };
    if file.workload.initial_replicas.is_none() {
        return Err(fail(
            "workload.initialReplicas",
            "missing: give `initialReplicas:` (the replicas at the start), or a `deploymentFile:`"
                .into(),
        ));
    }
    let keda = super::scaled_object::read_scaled_object(&file, path, &text, &fail)?;

    // An HPA read from `hpaFile`: its errors name that file, at the field's line there.
    let mut hpa_file: Option<super::manifest::Origin> = None;
    let hpa = match (&file.hpa, &file.hpa_file) {
        _ if let Some(k) = &keda => k.keda.hpa.clone(),
        (Some(h), None) => h.clone(),
        (None, Some(f)) => {
            let (hpa_path, pick) = split_pick(&base.join(f));
            let hpa_text = read_manifest(&hpa_path)?;
            let (hpa, origin) =
                super::snapshot_file::parse_hpa_manifest(&hpa_text, &hpa_path, pick.as_deref())?;
            hpa_file = Some(origin);
            hpa
        }
        (Some(_), Some(_)) => {
            return Err(fail(
                "hpaFile",
                "give the HPA inline under `hpa` or by `hpaFile`, not both".into(),
            ));
        }
        (None, None) => {
            // Nothing to point at: the place is the file's first top-level key, where an
            // `hpa:` entry can go.
            return Err(Error::Input {
                path: path.to_path_buf(),
                location: first_key(&text),
                message: "hpa: missing: the scenario needs an autoscaler; add at the top level \
                          `hpa:` with the manifest (`apiVersion: autoscaling/v2`, `kind: \
                          HorizontalPodAutoscaler`, `spec: {maxReplicas: 10, metrics: [...]}`), \
                          or `hpaFile: hpa.yaml`, or a KEDA `scaledObject:` or \
                          `scaledObjectFile:`"
                    .into(),
            });
        }
    };
    if keda.is_some() && !file.hpa_patches.is_empty() {
        // KEDA owns the HPA it generates and writes it over on every reconcile: a patch
        // to that HPA would not last on a cluster.
        return Err(fail(
            "hpaPatches",
            "a ScaledObject's HPA is KEDA's own and is rewritten by KEDA; change the ScaledObject instead".into(),
        ));
    }
    let patched = super::hpa_patches::apply_patches(&hpa, &file.hpa_patches, base)?;
    let hpa = patched.hpa.clone();
    let start = file.start.map(|a| a.0).unwrap_or(Time::from_secs(0));
    let duration = file.duration.span();
    if duration.as_millis() < 1000 {
        return Err(fail("duration", "must be at least 1s".into()));
    }
    let end = start.plus(duration);

    let fail = |field: &str, message: String| match (&hpa_file, field.strip_prefix("hpa.")) {
        (_, Some(inner)) if patched.blame(inner, &message).is_some() => patched
            .blame(inner, &message)
            .unwrap_or_else(|| fail(field, message)),
        (Some(origin), Some(inner)) => origin.error(inner, message),
        // A field the Deployment gave: at its line in the manifest.
        _ => match deployment.as_ref().map(|d| d.blame(field, &message)) {
            Some(Ok(e)) => e,
            Some(Err(f)) => fail(&f, message),
            None => fail(field, message),
        },
    };
    check_hpa(&hpa).map_err(|e| fail(&e.field, e.message))?;
    let w = &file.workload;
    if w.replicas() < 0 {
        return Err(fail(
            "workload.initialReplicas",
            format!("{} is negative", w.replicas()),
        ));
    }
    let operator =
        super::scale_target::check(w.kind, w.operator_delay).map_err(|(f, m)| fail(&f, m))?;
    let stateful = super::scale_target::check_stateful(
        hpa.spec.scale_target_ref.as_ref(),
        w.kind,
        w.pod_management_policy,
        w.min_ready_seconds,
    )
    .map_err(|(f, m)| fail(&f, m))?;
    let pod = &w.pod;
    let node_cpu = (file.capacity.as_ref()).and_then(|c| c.node.get("cpu").map(|q| q.milli()));
    let pod_spec =
        super::pod_spec::PodSpec::resolve(pod, node_cpu).map_err(|(f, m)| fail(&f, m))?;
    if pod.concurrency == Some(0) {
        return Err(fail(
            "workload.pod.concurrency",
            "must be 1 or more (requests a pod works on at once)".into(),
        ));
    }
    if let Some(slo) = &file.slo {
        slo.validate().map_err(|e| fail(&e.field, e.message))?;
    }
    if let Some(cost) = &file.cost {
        cost.validate().map_err(|e| fail(&e.field, e.message))?;
        cost.validate_pod(&super::prices::PodPrice::from_requests(
            pod_spec.requests.get("cpu"),
            pod_spec.requests.get("memory"),
        ))
        .map_err(|e| fail(&e.field, e.message))?;
    }
    for (name, probe) in [
        ("startupProbe", &w.startup.startup_probe),
        ("readinessProbe", &w.startup.readiness_probe),
    ] {
        if let Some(p) = probe
            && (p.period_seconds == 0 || p.success_threshold == 0 || p.failure_threshold == 0)
        {
            return Err(fail(
                &format!("workload.startup.{name}"),
                "periodSeconds, successThreshold and failureThreshold must be at least 1".into(),
            ));
        }
    }
    if let Some(wu) = &w.startup.warmup
        && !(wu.cpu_factor.is_finite() && wu.cpu_factor >= 1.0)
    {
        return Err(fail(
            "workload.startup.warmup.cpuFactor",
            format!("{} must be 1 or more", wu.cpu_factor),
        ));
    }
    check_delays(&file).map_err(|(f, m)| fail(&f, m))?;
    super::worker::check_worker(&file).map_err(|(f, m)| fail(&f, m))?;
    check_limits(&file, &hpa).map_err(|(f, m)| fail(&f, m))?;
    if let Some(c) = &file.capacity {
        for (res, q) in &pod_spec.requests {
            if let Some(node) = c.node.get(res)
                && node.milli() < q.milli()
            {
                return Err(fail(
                    "capacity.node",
                    format!("a node's {res} {node} cannot hold one pod's request {q}"),
                ));
            }
        }
        if c.max_nodes.is_some_and(|m| m < c.nodes) {
            return Err(fail("capacity.maxNodes", "is below `nodes`".into()));
        }
    }
    if let Some(r) = file.traffic.as_ref().and_then(|t| t.rebalance) {
        r.check().map_err(|(f, m)| fail(&f, m))?;
    }
    let ms = &file.metrics_server;
    if ms.resolution.span().as_millis() < 1000 || ms.window.span().as_millis() < 1000 {
        return Err(fail(
            "metricsServer",
            "resolution and window must be at least 1s".into(),
        ));
    }
    let c = &file.controller;
    if c.sync_period.span().as_millis() < 1000 {
        return Err(fail("controller.syncPeriod", "must be at least 1s".into()));
    }
    if !(c.tolerance.is_finite() && c.tolerance >= 0.0) {
        return Err(fail(
            "controller.tolerance",
            format!("{} must be 0 or more", c.tolerance),
        ));
    }
    let mut warnings: Vec<String> = keda.iter().flat_map(|k| k.warnings.clone()).collect();
    if let Some(d) = &deployment {
        warnings.extend(d.warnings.iter().cloned());
        let hpa_place = match (&keda, &hpa_file) {
            (Some(_), _) => "the ScaledObject's spec.scaleTargetRef".to_string(),
            (None, Some(origin)) => origin.place("spec.scaleTargetRef"),
            (None, None) => "hpa.spec.scaleTargetRef".to_string(),
        };
        warnings.extend(d.target_warning(hpa.spec.scale_target_ref.as_ref(), &hpa_place));
    }
    let mut metric_shapes = BTreeMap::new();
    for (name, d) in &file.metrics {
        let field = format!("metrics.{name}");
        if let Some(shape) = check_metric(d).map_err(|m| fail(&field, m))? {
            let load = Load::build(shape, base, duration)?;
            if load.is_noisy() {
                return Err(fail(
                    &field,
                    "`noise` draws arrivals; a metric's shape has no arrivals to draw".into(),
                ));
            }
            metric_shapes.insert(name.clone(), load);
        }
    }
    if keda.is_none() {
        // A ScaledObject's triggers were bound to their entries as it was read.
        check_metrics_produced(&hpa, &file, &pod_spec, "hpa.spec.metrics", &mut warnings)
            .map_err(|(f, m)| fail(&f, m))?;
    }
    let mut outage_names: Vec<String> = OUTAGE_GROUPS.iter().map(|s| s.to_string()).collect();
    outage_names.extend(file.metrics.keys().cloned());
    outage_names.extend(metric_names(&hpa));

    // Patches apply one after another, in time order (ties in file order, as the run
    // applies them): each is checked on the HPA as the earlier ones left it.
    let mut order: Vec<usize> = (0..file.actions.len()).collect();
    order.sort_by_key(|&i| file.actions[i].at.0);
    let mut patched = hpa.clone();
    for i in order {
        let a = &file.actions[i];
        let field = format!("actions[{i}]");
        let set = [
            a.scale.is_some(),
            a.patch_hpa.is_some(),
            a.kill_pods.is_some(),
            a.set_metric.is_some(),
            a.metric_outage.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if set != 1 {
            return Err(fail(
                &field,
                "give exactly one of `scale`, `patchHpa`, `killPods`, `setMetric`, `metricOutage`"
                    .into(),
            ));
        }
        if a.at.0 < start || a.at.0 > end {
            return Err(fail(
                &format!("{field}.at"),
                format!("{} is outside the simulated time", a.at.0),
            ));
        }
        if a.scale.is_some_and(|n| n < 0) {
            return Err(fail(&format!("{field}.scale"), "is negative".into()));
        }
        if let Some(n) = a.scale {
            pods(&format!("{field}.scale"), n.into()).map_err(|(f, m)| fail(&f, m))?;
        }
        if let Some(n) = a.kill_pods {
            pods(&format!("{field}.killPods"), n.into()).map_err(|(f, m)| fail(&f, m))?;
        }
        if let Some(p) = &a.patch_hpa {
            apply_patch(&mut patched, p);
            check_hpa(&patched).map_err(|e| {
                fail(
                    &format!("{field}.patchHpa"),
                    format!("the patched HPA is invalid: {e}"),
                )
            })?;
            check_metrics_produced(
                &patched,
                &file,
                &pod_spec,
                &format!("{field}.patchHpa.metrics"),
                &mut warnings,
            )
            .map_err(|(f, m)| fail(&f, m))?;
            outage_names.extend(metric_names(&patched));
            for (name, n) in [
                ("minReplicas", p.min_replicas),
                ("maxReplicas", p.max_replicas),
            ] {
                if let Some(n) = n {
                    pods(&format!("{field}.patchHpa.{name}"), n.into())
                        .map_err(|(f, m)| fail(&f, m))?;
                }
            }
        }
        if let Some(set) = &a.set_metric {
            check_set_metric(set, &file)
                .map_err(|(f, m)| fail(&format!("{field}.setMetric{f}"), m))?;
        }
    }
    // Checked once every patch is known: an outage may name a metric a later patch adds.
    for (i, a) in file.actions.iter().enumerate() {
        if let Some(o) = &a.metric_outage {
            check_outage(o, &outage_names)
                .map_err(|(f, m)| fail(&format!("actions[{i}].metricOutage.{f}"), m))?;
        }
    }
    let mut actions = file.actions.clone();
    actions.sort_by_key(|a| a.at.0);
    let load = build_load(&file.load, base, duration)?;
    let peak = load.peak();
    if peak.is_nan() || peak > crate::load::MAX_RPS {
        return Err(fail(
            "load",
            format!(
                "its entries together can reach {peak:e} requests per second, above the limit of {:e}; lower a rate or a `scale`",
                crate::load::MAX_RPS
            ),
        ));
    }
    for (i, spec) in file.load.iter().enumerate() {
        if let Some(from) = spec.first_effect()
            && from >= end
        {
            return Err(fail(
                &format!("load[{i}]"),
                format!(
                    "starts at {}, when the run has ended ({}); move it inside the run, or lengthen `duration`",
                    crate::units::clock(from, crate::units::ClockStyle::Scenario),
                    crate::units::clock(end, crate::units::ClockStyle::Scenario),
                ),
            ));
        }
    }
    let seed = file.seed;
    Ok(Scenario {
        path: path.to_path_buf(),
        source: text.clone(),
        hpa,
        load,
        start,
        end,
        seed,
        actions,
        metric_shapes,
        warnings,
        keda,
        pod: pod_spec,
        operator,
        stateful,
        file,
    })
}

/// Applies an action's HPA patch.
pub fn apply_patch(hpa: &mut HorizontalPodAutoscaler, p: &super::model::HpaPatch) {
    if let Some(m) = p.min_replicas {
        hpa.spec.min_replicas = Some(m);
    }
    if let Some(m) = p.max_replicas {
        hpa.spec.max_replicas = m;
    }
    if let Some(m) = &p.metrics {
        hpa.spec.metrics = Some(m.clone());
    }
    if let Some(b) = &p.behavior {
        hpa.spec.behavior = Some(b.clone());
    }
}

/// Reads an HPA manifest file (`path`, or `path#name` for one of a `List`) and checks it
/// as the API server would.
pub fn load_hpa(path: &Path) -> Result<HorizontalPodAutoscaler, Error> {
    let hpa = read_hpa(path)?;
    check_hpa(&hpa).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: e.to_string(),
    })?;
    Ok(hpa)
}

/// `path#name`: the file, and the name of the object to pick from a `List` in it.
pub(super) fn split_pick(path: &Path) -> (PathBuf, Option<String>) {
    let text = path.to_string_lossy();
    match text.rsplit_once('#') {
        Some((file, name)) if !name.contains(['/', '\\']) => {
            (PathBuf::from(file), Some(name.to_string()))
        }
        _ => (path.to_path_buf(), None),
    }
}

/// An HPA file, `path` or `path#name` (the HPA of that name in a `List`).
fn read_hpa(path: &Path) -> Result<HorizontalPodAutoscaler, Error> {
    let (file, pick) = split_pick(path);
    let file = file.as_path();
    let pick = pick.as_deref();
    let (hpa, _) = super::snapshot_file::parse_hpa_manifest(&read_manifest(file)?, file, pick)?;
    Ok(hpa)
}

/// Checks every HPA of a manifest file (`hpasim validate`), each as `hpaFile: FILE#NAME`
/// reads it: one line for each, or the first error at its file, line and field.
pub fn describe_hpas(text: &str, path: &Path) -> Result<Vec<String>, Error> {
    describe_hpa_docs(super::hpa_patches::split_documents(text, path)?, path)
}

/// `hpasim validate` of a file that names HorizontalPodAutoscaler: each HPA in a line (as
/// [`describe_hpas`]), or, when they do not all read as whole HPAs and the file is a patch
/// of one (a kustomize overlay's), the patch checked as such. The documents are parsed
/// once: whether they are a patch is read from them before they are described (which
/// takes a `List`'s items apart), not by parsing again a file that failed (a `List` of
/// 40,000 HPAs with one bad, never a patch: 1.8 s, 1.3 s without the second parse).
pub(crate) fn validate_hpa_file(text: &str, path: &Path) -> Result<String, Error> {
    let docs = super::hpa_patches::split_documents(text, path)?;
    let patch = super::hpa_patches::is_patch(&docs);
    match describe_hpa_docs(docs, path) {
        Ok(lines) => Ok(lines.join("; ")),
        Err(_) if patch => super::hpa_patches::check_patch_file(path),
        Err(e) => Err(e),
    }
}

fn describe_hpa_docs(
    docs: Vec<super::hpa_patches::Doc>,
    path: &Path,
) -> Result<Vec<String>, Error> {
    let mut lines = vec![];
    for (value, origin) in super::manifest::all_of_docs(docs, path, &super::manifest::HPA)? {
        let name = (super::manifest::name_of(&value))
            .map(|n| format!(" {n:?}"))
            .unwrap_or_default();
        let hpa: HorizontalPodAutoscaler = super::snapshot_file::typed_hpa(value, &origin)?;
        check_hpa(&hpa).map_err(|e| {
            origin.error(e.field.strip_prefix("hpa.").unwrap_or(&e.field), e.message)
        })?;
        lines.push(format!(
            "HorizontalPodAutoscaler{name}, {} to {} replicas on {} metric(s)",
            hpa.spec.min_replicas.unwrap_or(1),
            hpa.spec.max_replicas,
            hpa.spec.metrics.as_ref().map_or(1, Vec::len),
        ));
    }
    Ok(lines)
}

/// The place of the first top-level key of a YAML or JSON mapping (`name:` in most
/// scenarios), where a missing top-level entry can be added; `None` when the text does
/// not parse that far.
fn first_key(text: &str) -> Option<crate::error::Location> {
    let places = super::snapshot_file::field_places(text)?;
    places
        .into_iter()
        .filter(|(path, _)| !path.is_empty() && !path.contains(['.', '[']))
        .map(|(_, at)| at)
        .min_by_key(|at| (at.line, at.column))
}

/// The API server's checks on the HPA, through the snapshot validator.
fn check_hpa(hpa: &HorizontalPodAutoscaler) -> Result<(), crate::core::InvalidField> {
    let snap = crate::core::Snapshot {
        now: Time::from_secs(0),
        hpa: hpa.clone(),
        current_replicas: 1,
        status_replicas: None,
        pods: vec![],
        objects: Default::default(),
        externals: Default::default(),
        history: Default::default(),
        controller: Default::default(),
        decision: None,
    };
    snap.validate()
}

fn pods(field: &str, n: i64) -> Result<(), (String, String)> {
    if n > MAX_PODS {
        Err((
            field.to_string(),
            format!("{n} is above the limit of {MAX_PODS} pods (the README's `Limits`)"),
        ))
    } else {
        Ok(())
    }
}

/// The limits of the format (the README's `Limits`): every count, duration and window
/// bounded, so that a run's work and memory are bounded by what the scenario asks for.
fn check_limits(
    file: &ScenarioFile,
    hpa: &HorizontalPodAutoscaler,
) -> Result<(), (String, String)> {
    use super::model::Delay;
    use crate::units::{
        MAX_DELAY_SECONDS, MAX_METRIC_WINDOW_SECONDS, MAX_RUN_SECONDS, MAX_SCRAPE_SECONDS, at_most,
    };
    let span_of = |seconds: u32| crate::core::Span::from_secs(i64::from(seconds));
    at_most("duration", file.duration.span(), MAX_RUN_SECONDS)?;
    if let Some(n) = file.seeds
        && n > MAX_RUNS
    {
        return Err((
            "seeds".into(),
            format!("{n} is above the limit of {MAX_RUNS} runs (the README's `Limits`)"),
        ));
    }
    let w = &file.workload;
    pods("workload.initialReplicas", w.replicas().into())?;
    pods(
        "hpa.spec.minReplicas",
        hpa.spec.min_replicas.unwrap_or(1).into(),
    )?;
    pods("hpa.spec.maxReplicas", hpa.spec.max_replicas.into())?;
    if let Some(c) = w.pod.concurrency
        && c > MAX_CONCURRENCY
    {
        return Err((
            "workload.pod.concurrency".into(),
            format!("{c} is above the limit of {MAX_CONCURRENCY} requests at once"),
        ));
    }
    if let Some(t) = w.pod.request_timeout {
        at_most("workload.pod.requestTimeout", t.span(), MAX_DELAY_SECONDS)?;
    }
    let s = &w.startup;
    for (name, d) in [
        ("scheduling", &s.scheduling),
        ("imagePull", &s.image_pull),
        ("containerStart", &s.container_start),
        ("appStart", &s.app_start),
    ] {
        let field = format!("workload.startup.{name}");
        let spans: Vec<crate::units::Duration> = match d {
            Delay::Fixed(a) => vec![*a],
            Delay::Uniform(ab) => ab.to_vec(),
            Delay::Normal { mean, stddev } => vec![*mean, *stddev],
            Delay::Lognormal { median, p99 } => vec![*median, *p99],
            Delay::Gamma { mean, .. } => vec![*mean],
            Delay::Empirical(v) => v.clone(),
        };
        for d in spans {
            at_most(&field, d.span(), MAX_DELAY_SECONDS)?;
        }
    }
    for (name, probe) in [
        ("startupProbe", &s.startup_probe),
        ("readinessProbe", &s.readiness_probe),
    ] {
        if let Some(p) = probe {
            let field = format!("workload.startup.{name}");
            at_most(&field, span_of(p.initial_delay_seconds), MAX_DELAY_SECONDS)?;
            at_most(&field, span_of(p.period_seconds), MAX_DELAY_SECONDS)?;
            for (key, n) in [
                ("successThreshold", p.success_threshold),
                ("failureThreshold", p.failure_threshold),
            ] {
                if n > MAX_THRESHOLD {
                    return Err((
                        format!("{field}.{key}"),
                        format!(
                            "{n} is above the limit of {MAX_THRESHOLD} (the README's `Limits`)"
                        ),
                    ));
                }
            }
        }
    }
    if let Some(wu) = &s.warmup {
        at_most(
            "workload.startup.warmup.duration",
            wu.duration.span(),
            MAX_DELAY_SECONDS,
        )?;
    }
    let t = &w.termination;
    at_most(
        "workload.termination.gracePeriodSeconds",
        span_of(t.grace_period_seconds),
        MAX_DELAY_SECONDS,
    )?;
    if let Some(e) = t.exit_after {
        at_most(
            "workload.termination.exitAfter",
            e.span(),
            MAX_DELAY_SECONDS,
        )?;
    }
    if let Some(c) = &file.capacity {
        pods("capacity.nodes", c.nodes.into())?;
        if let Some(m) = c.max_nodes {
            pods("capacity.maxNodes", m.into())?;
        }
        if let Some(d) = c.provision_delay {
            at_most("capacity.provisionDelay", d.span(), MAX_DELAY_SECONDS)?;
        }
    }
    let ms = &file.metrics_server;
    at_most(
        "metricsServer.resolution",
        ms.resolution.span(),
        MAX_SCRAPE_SECONDS,
    )?;
    at_most("metricsServer.window", ms.window.span(), MAX_SCRAPE_SECONDS)?;
    for (name, m) in &file.metrics {
        if let Some(d) = m.window {
            at_most(
                &format!("metrics.{name}.window"),
                d.span(),
                MAX_METRIC_WINDOW_SECONDS,
            )?;
        }
        if let Some(d) = m.delay {
            at_most(
                &format!("metrics.{name}.delay"),
                d.span(),
                MAX_METRIC_WINDOW_SECONDS,
            )?;
        }
    }
    let c = &file.controller;
    at_most(
        "controller.syncPeriod",
        c.sync_period.span(),
        MAX_SCRAPE_SECONDS,
    )?;
    for (name, d) in [
        ("cpuInitializationPeriod", c.cpu_initialization_period),
        ("initialReadinessDelay", c.initial_readiness_delay),
        ("downscaleStabilization", c.downscale_stabilization),
    ] {
        at_most(&format!("controller.{name}"), d.span(), MAX_DELAY_SECONDS)?;
    }
    if let Some(slo) = &file.slo {
        if let Some(l) = &slo.latency {
            at_most("slo.latency.below", l.below.span(), MAX_DELAY_SECONDS)?;
        }
        if let Some(n) = slo.min_ready {
            pods("slo.minReady", n.into())?;
        }
        for (i, w) in slo.windows.iter().enumerate() {
            at_most(&format!("slo.windows[{i}]"), w.span(), MAX_RUN_SECONDS)?;
        }
    }
    Ok(())
}

fn check_delays(file: &ScenarioFile) -> Result<(), (String, String)> {
    use super::model::Delay;
    let s = &file.workload.startup;
    for (name, d) in [
        ("scheduling", &s.scheduling),
        ("imagePull", &s.image_pull),
        ("containerStart", &s.container_start),
        ("appStart", &s.app_start),
    ] {
        let field = format!("workload.startup.{name}");
        match d {
            Delay::Uniform([a, b]) if a > b => {
                return Err((field, "the first bound is above the second".into()));
            }
            Delay::Lognormal { median, p99 } if median.span().as_millis() <= 0 || p99 < median => {
                return Err((field, "needs 0 < median <= p99".into()));
            }
            Delay::Gamma { shape, .. } if !(shape.is_finite() && *shape > 0.0) => {
                return Err((field, format!("shape {shape} must be positive")));
            }
            Delay::Empirical(v) if v.is_empty() => return Err((field, "the list is empty".into())),
            _ => {}
        }
    }
    Ok(())
}

/// The names `metricOutage` takes for a group of metrics.
const OUTAGE_GROUPS: [&str; 5] = ["cpu", "memory", "metricsServer", "adapter", "all"];

/// The names of the HPA's metrics (custom and external ones by metric name).
fn metric_names(hpa: &HorizontalPodAutoscaler) -> Vec<String> {
    (hpa.spec.metrics.iter().flatten())
        .map(crate::core::api::MetricSpec::display_name)
        .collect()
}

/// A `metrics:` entry's own rules; its shape, when it has one, to build.
fn check_metric(d: &DerivedMetric) -> Result<Option<&Vec<crate::load::LoadSpec>>, String> {
    let given = usize::from(d.value.is_some()) + usize::from(d.shape.is_some());
    let derived = d.source != MetricSourceKind::Given;
    if given + usize::from(derived) != 1 {
        return Err(
            "give one of `source` (derived from the run), `value` (a constant) and `shape` (a load shape or trace)"
                .into(),
        );
    }
    if d.per_pod && derived {
        return Err("`perPod` goes with `value` or `shape`: a derived metric is already what the run makes it".into());
    }
    if let Some(v) = d.value
        && !v.is_finite()
    {
        return Err(format!("value {v} is not a number"));
    }
    Ok(d.shape.as_ref())
}

/// `setMetric`: names of `metrics:` entries, finite values. The error's field is relative
/// to the action's `setMetric`.
fn check_set_metric(
    set: &BTreeMap<String, f64>,
    file: &ScenarioFile,
) -> Result<(), (String, String)> {
    if set.is_empty() {
        return Err((String::new(), "names no metric".into()));
    }
    for (name, v) in set {
        if !file.metrics.contains_key(name) {
            let hint = crate::error::nearest(name, file.metrics.keys().map(String::as_str))
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            return Err((
                format!(".{name}"),
                format!("no metric {name:?} under `metrics:` to set{hint}"),
            ));
        }
        if !v.is_finite() {
            return Err((format!(".{name}"), format!("{v} is not a number")));
        }
    }
    Ok(())
}

/// `metricOutage`: a metric (or group) the scenario has, for at least a second. The error's
/// field is relative to the action's `metricOutage`.
fn check_outage(o: &MetricOutage, names: &[String]) -> Result<(), (String, String)> {
    if !names.contains(&o.metric) {
        let hint = crate::error::nearest(&o.metric, names.iter().map(String::as_str))
            .map(|n| format!("; did you mean {n:?}?"))
            .unwrap_or_default();
        return Err((
            "metric".into(),
            format!(
                "{:?} is neither one of the HPA's metrics nor cpu, memory, metricsServer, adapter or all{hint}",
                o.metric
            ),
        ));
    }
    if o.duration.span().as_millis() < 1000 {
        return Err(("for".into(), "must be at least 1s".into()));
    }
    Ok(())
}

/// Every metric the HPA reads must be one the simulation can serve, or be one nothing
/// serves: that one is simulated as the controller meets it (no samples, its condition)
/// and a warning says why.
fn check_metrics_produced(
    hpa: &HorizontalPodAutoscaler,
    file: &ScenarioFile,
    pod: &super::pod_spec::PodSpec,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<(), (String, String)> {
    let mut warn = |w: String| {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    };
    // Utilization of a request the pod lacks, a container it does not have.
    for w in pod.unreadable_metrics(hpa, path) {
        warn(w);
    }
    let Some(metrics) = &hpa.spec.metrics else {
        return Ok(());
    };
    for (i, m) in metrics.iter().enumerate() {
        let field = format!("{path}[{i}]");
        let entry = |name: &str| file.metrics.get(name);
        let unserved = |name: &str, what: &str, reason: &str| {
            let hint = crate::error::nearest(name, file.metrics.keys().map(String::as_str))
                .map(|n| format!(" (did you mean {n:?}?)"))
                .unwrap_or_default();
            format!(
                "{field}: {what} metric {name:?} has no entry under `metrics:`{hint}, so nothing serves it: \
                 the HPA will not be able to read it ({reason}), as on a cluster where no one exports it"
            )
        };
        match m.kind {
            MetricSourceType::Resource | MetricSourceType::ContainerResource => {
                let name = m
                    .resource
                    .as_ref()
                    .map(|r| &r.name)
                    .or(m.container_resource.as_ref().map(|c| &c.name));
                let name = name.map(String::as_str).unwrap_or_default();
                if name != "cpu" && name != "memory" {
                    return Err((
                        field,
                        format!("resource {name:?} is not simulated; expected cpu or memory"),
                    ));
                }
            }
            MetricSourceType::Pods => {
                let name = &m.pods.as_ref().expect("validated").metric.name;
                match entry(name) {
                    None => warn(unserved(
                        name,
                        "Pods",
                        "ScalingActive False FailedGetPodsMetric",
                    )),
                    Some(d)
                        if d.source == MetricSourceKind::PodRequestsPerSecond
                            || (d.source == MetricSourceKind::Given && d.per_pod) => {}
                    Some(_) => {
                        return Err((
                            field,
                            format!(
                                "Pods metric {name:?} is per pod: its entry needs `source: podRequestsPerSecond`, \
                                 or `perPod: true` with a `value` or `shape`"
                            ),
                        ));
                    }
                }
            }
            MetricSourceType::Object | MetricSourceType::External => {
                let (name, what, reason) = match (&m.object, &m.external) {
                    (Some(o), _) => (
                        &o.metric.name,
                        "Object",
                        "ScalingActive False FailedGetObjectMetric",
                    ),
                    (_, Some(e)) => (
                        &e.metric.name,
                        "External",
                        "ScalingActive False FailedGetExternalMetric",
                    ),
                    _ => continue,
                };
                match entry(name).map(|d| d.source) {
                    None => warn(unserved(name, what, reason)),
                    Some(MetricSourceKind::PodRequestsPerSecond) => {
                        return Err((
                            field,
                            format!(
                                "metric {name:?} is read for the whole service: its entry needs `source: requestsPerSecond` \
                                 (or queueDepth), a `value` or a `shape` (with `perPod: true` for a sum over the pods)"
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Ok(())
}
