//! The pod as its spec has it: one container (the one-container fields) or several
//! (`containers:`), and pod-level resources, resolved once into what the simulator serves
//! with and the controller reads. Owns the pod's sums and CPU bounds; it runs nothing.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::model::PodModel;
use crate::core::Quantity;
use crate::core::api::{HorizontalPodAutoscaler, MetricSourceType};

/// One container of `workload.pod.containers`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerModel {
    /// Its name, unique in the pod: a ContainerResource metric names it.
    pub name: String,
    /// Its resource requests, e.g. `{cpu: 50m, memory: 64Mi}`; without a `cpu` request, an
    /// HPA on the pod's cpu utilization fails as on a cluster.
    #[serde(default)]
    pub requests: BTreeMap<String, Quantity>,
    /// Its limits: its CPU is capped at the cpu limit (default: its cpu request; without
    /// either, only the pod-level cpu limit or request, else a node's cpu, bounds it).
    #[serde(default)]
    pub limits: BTreeMap<String, Quantity>,
    /// What it uses with no load, e.g. `{cpu: 10m, memory: 40Mi}` (default 0).
    #[serde(default)]
    pub baseline: BTreeMap<String, Quantity>,
    /// CPU every request costs this container, in core-seconds as a quantity (default 0:
    /// its CPU does not grow with traffic). A mesh proxy's is a fraction of the app's.
    #[serde(default)]
    pub cpu_per_request: Option<Quantity>,
    /// Memory it holds per request per second the pod serves (default 0).
    #[serde(default)]
    pub memory_per_request: Option<Quantity>,
}

/// Pod-level resources, as `spec.resources` of a pod (PodLevelResources).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodResources {
    /// Requests for the pod as a whole, e.g. `{cpu: "1"}`: a Resource metric's utilization
    /// is a percentage of it (cpu and memory).
    #[serde(default)]
    pub requests: BTreeMap<String, Quantity>,
    /// Limits for the pod as a whole: its containers' CPU together stays under the cpu
    /// limit.
    #[serde(default)]
    pub limits: BTreeMap<String, Quantity>,
}

/// The name of the one container a pod written without `containers:` has, unless
/// `workload.pod.name` gives another.
pub const SINGLE_CONTAINER: &str = "app";

/// The resources pod-level requests may set (`IsSupportedPodLevelResource`).
const POD_LEVEL_RESOURCES: [&str; 2] = ["cpu", "memory"];

/// A container with its figures in thousandths.
#[derive(Clone, Debug)]
pub struct Container {
    /// Its name.
    pub name: String,
    /// Its requests as written.
    pub requests: BTreeMap<String, Quantity>,
    /// The most CPU it may use, millicores: its cpu limit, else its cpu request; none when
    /// it has neither (the pod's bound holds it).
    pub cpu_cap: Option<i64>,
    /// CPU with no load, millicores.
    pub baseline_cpu: i64,
    /// Memory with no load, milli-bytes.
    pub baseline_memory: i64,
    /// CPU one request costs it, millicore-seconds.
    pub cpu_per_request: i64,
    /// Memory per request per second served, milli-bytes.
    pub memory_per_request: i64,
    /// The keys of its samples in the core's snapshot: `NAME/cpu`, `NAME/memory`.
    pub cpu_key: String,
    /// See `cpu_key`.
    pub memory_key: String,
}

/// The pod resolved: its containers in the order written, its pod-level resources.
#[derive(Clone, Debug)]
pub struct PodSpec {
    /// Written with `containers:` (else the one-container fields, one container `app` or
    /// `workload.pod.name`).
    pub listed: bool,
    /// The containers; the first is the application (a starting pod's `startupCpu` is its).
    pub containers: Vec<Container>,
    /// Pod-level requests, when they set cpu or memory (`IsPodLevelRequestsSet`).
    pub pod_requests: Option<BTreeMap<String, Quantity>>,
    /// The pod-level cpu limit, millicores.
    pub pod_cpu_limit: Option<i64>,
    /// The pod's requests as the scheduler packs and the bill prices them
    /// (`PodRequests`: the containers' sums, pod-level values in their place).
    pub requests: BTreeMap<String, Quantity>,
    /// The CPU the pod may use at most, millicores: for one container its cpu limit (else
    /// request); else its baselines plus what the tightest bound leaves per request times
    /// the per-request CPU.
    pub cpu_limit: f64,
}

fn milli(m: &BTreeMap<String, Quantity>, k: &str) -> i64 {
    m.get(k).map(Quantity::milli).unwrap_or(0)
}

/// A bad pod: the field (under `workload.pod`) and what is wrong.
type Bad = (String, String);

impl PodSpec {
    /// Resolves and checks `workload.pod`; `node_cpu` is a node's allocatable cpu when the
    /// scenario has nodes (the last bound of a pod nothing else bounds).
    pub fn resolve(pod: &PodModel, node_cpu: Option<i64>) -> Result<PodSpec, Bad> {
        let field = |f: &str| format!("workload.pod.{f}");
        let containers: Vec<ContainerModel> = match &pod.containers {
            None => {
                let Some(cpu_per_request) = pod.cpu_per_request.clone() else {
                    return Err((
                        "workload.pod".into(),
                        "missing field `cpuPerRequest`; add `cpuPerRequest:` under `workload.pod` (or list the pod's `containers:`)".into(),
                    ));
                };
                vec![ContainerModel {
                    name: (pod.name.as_deref()).unwrap_or(SINGLE_CONTAINER).into(),
                    requests: pod.requests.clone(),
                    limits: pod.limits.clone(),
                    baseline: pod.baseline.clone(),
                    cpu_per_request: Some(cpu_per_request),
                    memory_per_request: pod.memory_per_request.clone(),
                }]
            }
            Some(list) => {
                let given = [
                    ("name", pod.name.is_some()),
                    ("requests", !pod.requests.is_empty()),
                    ("limits", !pod.limits.is_empty()),
                    ("baseline", !pod.baseline.is_empty()),
                    ("cpuPerRequest", pod.cpu_per_request.is_some()),
                    ("memoryPerRequest", pod.memory_per_request.is_some()),
                ];
                if let Some((name, _)) = given.iter().find(|(_, set)| *set) {
                    return Err((
                        field(name),
                        "goes under each of `containers:` when the pod lists its containers".into(),
                    ));
                }
                if list.is_empty() {
                    return Err((field("containers"), "lists no container".into()));
                }
                list.clone()
            }
        };
        let listed = pod.containers.is_some();
        let mut resolved: Vec<Container> = Vec::with_capacity(containers.len());
        for (i, c) in containers.iter().enumerate() {
            let at = |f: &str| match listed {
                true => field(&format!("containers[{i}].{f}")),
                false => field(f),
            };
            // `/` would split its sample keys (`NAME/cpu`).
            if c.name.is_empty() || c.name.contains('/') {
                return Err((at("name"), format!("{:?} is not a container name", c.name)));
            }
            if resolved.iter().any(|r| r.name == c.name) {
                return Err((at("name"), format!("{:?} appears twice in the pod", c.name)));
            }
            for (what, map) in [
                ("requests", &c.requests),
                ("limits", &c.limits),
                ("baseline", &c.baseline),
            ] {
                if let Some((res, q)) = map.iter().find(|(_, q)| q.milli() < 0) {
                    return Err((at(what), format!("{res} {q} is negative")));
                }
            }
            let cpu_per_request = c.cpu_per_request.as_ref().map_or(0, Quantity::milli);
            if cpu_per_request < 0 || (!listed && cpu_per_request == 0) {
                return Err((
                    at("cpuPerRequest"),
                    match &c.cpu_per_request {
                        Some(q) => format!("{q} must be positive"),
                        None => "is 0; it must be positive".into(),
                    },
                ));
            }
            let memory_per_request = c.memory_per_request.as_ref().map_or(0, Quantity::milli);
            if memory_per_request < 0 {
                return Err((at("memoryPerRequest"), "is negative".into()));
            }
            resolved.push(Container {
                name: c.name.clone(),
                requests: c.requests.clone(),
                cpu_cap: c
                    .limits
                    .get("cpu")
                    .or(c.requests.get("cpu"))
                    .map(Quantity::milli),
                baseline_cpu: milli(&c.baseline, "cpu"),
                baseline_memory: milli(&c.baseline, "memory"),
                cpu_per_request,
                memory_per_request,
                cpu_key: format!("{}/cpu", c.name),
                memory_key: format!("{}/memory", c.name),
            });
        }
        if resolved.iter().all(|c| c.cpu_per_request == 0) {
            return Err((
                field("containers"),
                "no container has a `cpuPerRequest`: a request must cost some CPU".into(),
            ));
        }
        let resources = pod.resources.clone().unwrap_or_default();
        for (what, map) in [
            ("requests", &resources.requests),
            ("limits", &resources.limits),
        ] {
            if let Some((res, q)) = map.iter().find(|(_, q)| q.milli() < 0) {
                return Err((
                    field(&format!("resources.{what}")),
                    format!("{res} {q} is negative"),
                ));
            }
            if let Some(res) = map
                .keys()
                .find(|r| !POD_LEVEL_RESOURCES.contains(&r.as_str()))
            {
                return Err((
                    field(&format!("resources.{what}")),
                    format!("{res:?} cannot be set at pod level; expected cpu or memory"),
                ));
            }
        }
        let pod_requests = (!resources.requests.is_empty()).then(|| resources.requests.clone());
        let pod_cpu_limit = resources.limits.get("cpu").map(Quantity::milli);
        // The pod's own bound on its CPU: its pod-level limit; else, for containers that
        // have none of their own, its pod-level request, else a whole node.
        let uncapped = resolved.iter().any(|c| c.cpu_cap.is_none());
        let pod_bound = pod_cpu_limit.or_else(|| {
            uncapped
                .then(|| {
                    resources
                        .requests
                        .get("cpu")
                        .map(Quantity::milli)
                        .or(node_cpu)
                })
                .flatten()
        });
        let single_plain = !listed && pod.resources.is_none();
        let baselines: i64 = resolved.iter().map(|c| c.baseline_cpu).sum();
        let per_request: i64 = resolved.iter().map(|c| c.cpu_per_request).sum();
        // Requests a second each bound leaves room for; the tightest one holds.
        let mut rps = f64::INFINITY;
        for (i, c) in resolved.iter().enumerate() {
            let at = |f: &str| match listed {
                true => field(&format!("containers[{i}].{f}")),
                false => field(f),
            };
            match (c.cpu_cap, pod_bound) {
                (Some(cap), _) => {
                    if c.baseline_cpu > cap || (c.cpu_per_request > 0 && c.baseline_cpu >= cap) {
                        return Err((
                            at("baseline"),
                            format!(
                                "cpu {}m leaves nothing to serve with under the cpu limit {cap}m",
                                c.baseline_cpu
                            ),
                        ));
                    }
                    if c.cpu_per_request > 0 {
                        rps = rps.min((cap - c.baseline_cpu) as f64 / c.cpu_per_request as f64);
                    }
                }
                (None, Some(_)) => {}
                (None, None) => {
                    return Err((
                        at("limits"),
                        format!(
                            "container {:?} has no cpu limit nor request, and nothing else bounds its CPU: \
                             give it a cpu limit, a pod-level cpu limit (`workload.pod.resources`), or `capacity.node`",
                            c.name
                        ),
                    ));
                }
            }
        }
        if let Some(bound) = pod_bound {
            if baselines >= bound {
                return Err((
                    field("resources.limits"),
                    format!(
                        "the containers' cpu baselines, {baselines}m, leave nothing to serve with under the pod's {bound}m"
                    ),
                ));
            }
            rps = rps.min((bound - baselines) as f64 / per_request as f64);
        }
        let cpu_limit = match (single_plain, resolved[0].cpu_cap) {
            // One container: its limit, exactly as it always was.
            (true, Some(cap)) => cap as f64,
            _ => baselines as f64 + rps * per_request as f64,
        };
        // PodRequests: the containers' sums by resource, pod-level values in their place.
        let requests = if single_plain {
            resolved[0].requests.clone()
        } else {
            let mut sums: BTreeMap<String, i64> = BTreeMap::new();
            for c in &resolved {
                for (res, q) in &c.requests {
                    *sums.entry(res.clone()).or_default() += q.milli();
                }
            }
            let mut requests: BTreeMap<String, Quantity> = (sums.into_iter())
                .map(|(r, m)| (r, Quantity::from_milli(m)))
                .collect();
            for (res, q) in &resources.requests {
                requests.insert(res.clone(), q.clone());
            }
            requests
        };
        Ok(PodSpec {
            listed,
            containers: resolved,
            pod_requests,
            pod_cpu_limit,
            requests,
            cpu_limit,
        })
    }

    /// Several containers or pod-level requests: samples per container, requests per
    /// container (else the one container `app`, as a one-container pod always was).
    pub fn is_plain(&self) -> bool {
        !self.listed && self.pod_requests.is_none() && self.pod_cpu_limit.is_none()
    }

    /// CPU with no load, millicores, all containers together.
    pub fn baseline_cpu(&self) -> i64 {
        self.containers.iter().map(|c| c.baseline_cpu).sum()
    }

    /// Memory with no load, milli-bytes, all containers together.
    pub fn baseline_memory(&self) -> i64 {
        self.containers.iter().map(|c| c.baseline_memory).sum()
    }

    /// CPU one request costs the pod, millicore-seconds, all containers together.
    pub fn cpu_per_request(&self) -> i64 {
        self.containers.iter().map(|c| c.cpu_per_request).sum()
    }

    /// Memory per request per second, milli-bytes, all containers together.
    pub fn memory_per_request(&self) -> i64 {
        self.containers.iter().map(|c| c.memory_per_request).sum()
    }

    /// The request a Resource metric's utilization is a percentage of, as the controller
    /// reads it (`calculateRequests`): the pod-level request when pod-level requests are
    /// set, else the containers' sum; none when that fails.
    pub fn utilization_request(&self, resource: &str) -> Option<i64> {
        if let Some(p) = &self.pod_requests {
            return p.get(resource).map(Quantity::milli).or_else(|| {
                let of: Vec<i64> = (self.containers.iter())
                    .filter_map(|c| c.requests.get(resource).map(Quantity::milli))
                    .collect();
                (!of.is_empty()).then(|| of.iter().sum())
            });
        }
        self.containers
            .iter()
            .map(|c| c.requests.get(resource).map(Quantity::milli))
            .sum()
    }

    /// Why the HPA's Resource and ContainerResource utilization metrics cannot be read on
    /// this pod, each a warning naming the metric at `path[i]` and the controller's
    /// condition and message: a container without the resource's request, a container the
    /// pod does not have.
    pub fn unreadable_metrics(&self, hpa: &HorizontalPodAutoscaler, path: &str) -> Vec<String> {
        let mut warnings = vec![];
        let names = || {
            let n: Vec<String> = self
                .containers
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect();
            n.join(", ")
        };
        for (i, m) in hpa.spec.effective_metrics().iter().enumerate() {
            let field = match &hpa.spec.metrics {
                Some(list) if !list.is_empty() => format!("{path}[{i}]"),
                _ => format!("{path} (none: cpu at 80 %)"),
            };
            let Some(source) = m.resource_source() else {
                continue;
            };
            let utilization = source.target.average_value.is_none()
                && source.target.average_utilization.is_some();
            let res = source.name;
            match (m.kind, source.container) {
                (MetricSourceType::ContainerResource, Some(c)) => {
                    match self.containers.iter().find(|k| k.name == c) {
                        None => warnings.push(format!(
                            "{field}: container {c:?} is not in the pod (its containers: {}): the HPA will not be able to read it \
                             (ScalingActive False FailedGetContainerResourceMetric)",
                            names()
                        )),
                        Some(k) if utilization && !k.requests.contains_key(res) => warnings.push(format!(
                            "{field}: container {c:?} has no {res} request, so the HPA cannot compute its {res} utilization \
                             (ScalingActive False FailedGetContainerResourceMetric: missing request for {res} in container {c})"
                        )),
                        Some(_) => {}
                    }
                }
                (MetricSourceType::Resource, _) if utilization => {
                    if self.pod_requests.is_some() {
                        if self.utilization_request(res).is_none() {
                            warnings.push(format!(
                                "{field}: the pod-level requests have no {res} and no container requests it, so the HPA cannot \
                                 compute {res} utilization (ScalingActive False FailedGetResourceMetric: missing pod-level request for {res})"
                            ));
                        }
                    } else if let Some(k) = self
                        .containers
                        .iter()
                        .find(|k| !k.requests.contains_key(res))
                    {
                        warnings.push(format!(
                            "{field}: container {:?} has no {res} request, so the HPA cannot compute {res} utilization \
                             (ScalingActive False FailedGetResourceMetric: missing request for {res} in container {})",
                            k.name, k.name
                        ));
                    }
                }
                _ => {}
            }
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(yaml: &str, node_cpu: Option<i64>) -> Result<PodSpec, Bad> {
        let pod: PodModel =
            crate::scenario::parse_yaml(yaml, std::path::Path::new("pod.yaml")).unwrap();
        PodSpec::resolve(&pod, node_cpu)
    }

    const SIDECAR: &str = "containers:
- {name: app, requests: {cpu: 500m}, baseline: {cpu: 50m}, cpuPerRequest: 10m}
- {name: envoy, requests: {cpu: 20m}, limits: {cpu: 200m}, baseline: {cpu: 10m}, cpuPerRequest: 2m}
";

    #[test]
    fn the_pods_cpu_is_bounded_by_its_tightest_container_or_its_pod_level_limit() {
        // (pod, node cpu, the pod's CPU bound in millicores)
        let cases = [
            // One container: its limit, else its request.
            (
                "requests: {cpu: 500m}\nlimits: {cpu: 800m}\ncpuPerRequest: 5m",
                None,
                800.0,
            ),
            ("requests: {cpu: 500m}\ncpuPerRequest: 5m", None, 500.0),
            // No limit nor request: a node's cpu.
            (
                "requests: {memory: 1Gi}\ncpuPerRequest: 5m",
                Some(2000),
                2000.0,
            ),
            // App (500m - 50m) / 10m = 45 rps, proxy (200m - 10m) / 2m = 95: the app
            // bounds the pod at 60m + 45 x 12m = 600m.
            (SIDECAR, None, 600.0),
        ];
        for (yaml, node, want) in cases {
            assert_eq!(resolve(yaml, node).unwrap().cpu_limit, want, "{yaml}");
        }
        // A pod-level limit of 400m: (400m - 60m) / 12m = 28.3 rps, 400m in all.
        let limited = format!("{SIDECAR}resources: {{limits: {{cpu: 400m}}}}");
        let spec = resolve(&limited, None).unwrap();
        assert!((spec.cpu_limit - 400.0).abs() < 1e-9, "{}", spec.cpu_limit);
        assert!(resolve("requests: {memory: 1Gi}\ncpuPerRequest: 5m", None).is_err());
    }

    #[test]
    fn the_one_container_is_app_unless_named_and_its_samples_carry_its_name() {
        // (pod, the container's name and cpu sample key, or the field refused)
        let cases = [
            (
                "requests: {cpu: 500m}\ncpuPerRequest: 5m",
                Ok(("app", "app/cpu")),
            ),
            (
                "name: web-server\nrequests: {cpu: 500m}\ncpuPerRequest: 5m",
                Ok(("web-server", "web-server/cpu")),
            ),
            // A `/` would split the sample key.
            (
                "name: a/b\nrequests: {cpu: 500m}\ncpuPerRequest: 5m",
                Err("workload.pod.name"),
            ),
            (
                "name: ''\nrequests: {cpu: 500m}\ncpuPerRequest: 5m",
                Err("workload.pod.name"),
            ),
            // With `containers:`, each names itself.
            (&format!("name: web\n{SIDECAR}"), Err("workload.pod.name")),
        ];
        for (yaml, want) in cases {
            let got = resolve(yaml, None).map(|p| p.containers[0].clone());
            match (got, want) {
                (Ok(c), Ok((name, key))) => {
                    assert_eq!((c.name.as_str(), c.cpu_key.as_str()), (name, key), "{yaml}")
                }
                (Err((field, _)), Err(want)) => assert_eq!(field, want, "{yaml}"),
                (got, want) => panic!("{yaml}: {got:?}, expected {want:?}"),
            }
        }
    }

    #[test]
    fn utilization_is_of_the_pod_level_request_when_set_else_of_the_containers_sum() {
        let plain = resolve(SIDECAR, None).unwrap();
        assert_eq!(plain.utilization_request("cpu"), Some(520));
        assert_eq!(plain.utilization_request("memory"), None);
        let pod_level = resolve(
            &format!("{SIDECAR}resources: {{requests: {{cpu: 300m}}}}"),
            None,
        )
        .unwrap();
        assert_eq!(pod_level.utilization_request("cpu"), Some(300));
        // What the pod level does not set comes from the containers that request it.
        assert_eq!(pod_level.utilization_request("memory"), None);
        assert_eq!(pod_level.requests["cpu"].milli(), 300);
        assert!(!pod_level.is_plain());
    }
}
