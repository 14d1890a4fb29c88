//! The scenario file: one Deployment under its HPA, driven by a load, for a duration.
//!
//! Field names follow Kubernetes' (camelCase, quantity strings, probe fields as in a pod
//! spec); hpasim's own durations read `30s` / `5m`. Every struct refuses unknown keys.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::Quantity;
use crate::core::api::HorizontalPodAutoscaler;
use crate::core::snapshot::ControllerFlags;
use crate::load::LoadSpec;
use crate::units::{At, Duration};

/// A scenario as written.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioFile {
    /// The run's name; also the name of its default output folder.
    pub name: String,
    /// What the scenario is about, for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// How long to simulate, from 1s to 31d, with a unit: `"4h"`, `"90m"`, `"600s"` (a
    /// bare number is refused: `duration: 2` would be 2 seconds).
    #[schemars(extend("not" = { "type": "number" }))]
    pub duration: Duration,
    /// The time of day the simulation starts at, e.g. `"10:00"` (default 00:00). Every time in
    /// the file counts from the same midnight.
    #[serde(default)]
    pub start: Option<At>,
    /// The seed every random draw derives from (default 0); `--seed` overrides it.
    #[serde(default)]
    pub seed: u64,
    /// The HPA manifest, inline, as `kubectl get hpa NAME -o yaml` prints it
    /// (`autoscaling/v2`; v1, v2beta1 and v2beta2 are converted as the API server does).
    /// Give exactly one of `hpa`, `hpaFile`, `scaledObject` and `scaledObjectFile`.
    #[serde(default)]
    pub hpa: Option<HorizontalPodAutoscaler>,
    /// The path of a file holding the HPA manifest (YAML or JSON), relative to the scenario
    /// file's folder; `hpas.yaml#web` for the HPA named `web` in a `List` (as `kubectl get
    /// hpa -o yaml` prints several). Give exactly one of `hpa`, `hpaFile`, `scaledObject`
    /// and `scaledObjectFile`.
    #[serde(default)]
    pub hpa_file: Option<String>,
    /// A KEDA ScaledObject (`keda.sh/v1alpha1`), inline, as applied, instead of an HPA:
    /// KEDA's HPA (`keda-hpa-<name>`) and KEDA's polling loop run on the workload (see the
    /// README's "KEDA ScaledObjects"). Each prometheus, rabbitmq or aws-sqs-queue trigger
    /// reads the `metrics:` entry named as its External metric (`s0-prometheus`) or as the
    /// trigger (`name`); cpu and memory triggers read the pods' usage. Give exactly one of
    /// `hpa`, `hpaFile`, `scaledObject` and `scaledObjectFile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled_object: Option<crate::keda::api::ScaledObject>,
    /// The path of a file holding the ScaledObject (YAML or JSON), relative to the scenario
    /// file's folder; `so.yaml#worker` for the one named `worker` in a `List` or among
    /// several YAML documents (`---`). Give exactly one of `hpa`, `hpaFile`, `scaledObject`
    /// and `scaledObjectFile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaled_object_file: Option<String>,
    /// Patch files applied to the HPA in order, as kustomize applies an overlay's
    /// (`[overlays/prod/hpa-patch.yaml]`, relative to the scenario's folder): a file of
    /// mappings is a strategic merge patch (each document naming its target by `kind` and
    /// `metadata.name`; documents for other objects are skipped), a list of operations a
    /// JSON patch (RFC 6902); `{path: FILE, type: strategic|merge|json}` says which.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hpa_patches: Vec<super::hpa_patches::PatchRef>,
    /// The Deployment and its pods.
    pub workload: Workload,
    /// Nodes the pods must fit on; absent: unlimited room.
    #[serde(default)]
    pub capacity: Option<Capacity>,
    /// metrics-server: how often it samples pod usage, and over what window.
    #[serde(default)]
    pub metrics_server: MetricsServer,
    /// Custom and external metrics the HPA reads, by metric name: what each one follows in
    /// the simulation.
    #[serde(default)]
    pub metrics: BTreeMap<String, DerivedMetric>,
    /// kube-controller-manager's HPA flags; each defaults to Kubernetes' default.
    #[serde(default)]
    pub controller: Controller,
    /// How requests reach the pods (default: a pod takes its share the second it is Ready).
    #[serde(default)]
    pub traffic: Option<Traffic>,
    /// The request rate: a list of load entries, added up (a `noise` entry applies to their
    /// sum).
    pub load: Vec<LoadSpec>,
    /// Things that happen at set times: scaling by hand, patching the HPA, deleting pods.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The objectives the run is judged against (latency, errors, Ready pods).
    #[serde(default)]
    pub slo: Option<super::objectives::Slo>,
    /// Prices the run's cost is computed with (absent: AWS Fargate's, by requested CPU and
    /// memory).
    #[serde(default)]
    pub cost: Option<super::prices::Cost>,
    /// `hpasim check`: what the run must show (see the README's "CI: hpasim check").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<super::expect::Expectation>,
    /// `hpasim check`: a stored timeline the run must match within tolerances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub golden: Option<super::expect::Golden>,
    /// `hpasim check`: runs to judge every expectation on (seeds derived from `seed`, as
    /// `simulate --runs`); `--runs` overrides it (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = super::load_scenario::MAX_RUNS))]
    pub seeds: Option<u32>,
}

/// The Deployment.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
// `initialReplicas`, or a Deployment manifest that gives (or defaults) it.
#[schemars(extend("anyOf" = [{"required": ["initialReplicas"]}, {"required": ["deploymentFile"]}]))]
pub struct Workload {
    /// The team's Deployment manifest (`apps/v1`, YAML or JSON), relative to the scenario
    /// file's folder; `deploy.yaml#web` for the one named `web` in a `List` or among
    /// several YAML documents (`---`). It gives `initialReplicas` (`spec.replicas`), the
    /// containers' requests and limits, pod-level resources, the startup and readiness
    /// probes and `terminationGracePeriodSeconds`; the scenario gives what a manifest
    /// cannot say (what a request costs, start-up times). A field both give is refused
    /// (see the README's "Workloads from a Deployment manifest").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_file: Option<String>,
    /// Replicas (`spec.replicas`) at the start, all of them Ready; at most 10,000.
    /// Required unless `deploymentFile` is given (then its `spec.replicas`, else 1, as the
    /// API server defaults it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub initial_replicas: Option<i32>,
    /// One pod: its resources and what a request costs it.
    pub pod: PodModel,
    /// How a new pod comes up.
    #[serde(default)]
    pub startup: Startup,
    /// How a pod goes away.
    #[serde(default)]
    pub termination: Termination,
    /// What the HPA scales: `Deployment` (default), or `Custom`, a custom resource with a
    /// scale subresource whose operator makes the pods follow its replicas.
    #[serde(default)]
    pub kind: super::scale_target::WorkloadKind,
    /// For `kind: Custom`: from a change of the resource's replicas to the pods following
    /// it, e.g. `30s` (default 0s), or `never` for a scale nothing backs. The HPA reads
    /// the scale's `status.replicas`: the pods the operator keeps.
    #[serde(default)]
    pub operator_delay: Option<super::scale_target::OperatorDelay>,
    /// When the HPA scales a StatefulSet (`scaleTargetRef.kind: StatefulSet`): how its
    /// controller creates and deletes pods, `OrderedReady` (default: one at a time, in
    /// ordinal order, each once the ones below are Ready; scale-down from the highest
    /// ordinal, each once the previous is gone) or `Parallel` (all at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_management_policy: Option<super::scale_target::PodManagementPolicy>,
    /// For a StatefulSet: seconds a pod must have been Ready to be available (default 0);
    /// `OrderedReady` creates the next pod, or deletes the next, only then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = crate::units::MAX_DELAY_SECONDS))]
    pub min_ready_seconds: Option<u32>,
    /// The pods are queue workers, not servers: the `load` is jobs per second put on a
    /// queue, and each Ready pod takes jobs from it (absent: the pods serve requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<Worker>,
}

impl Workload {
    /// The replicas at the start: `initialReplicas` as the scenario was loaded (from the
    /// Deployment when it gives them, else 1, when a `deploymentFile` is given).
    pub fn replicas(&self) -> i32 {
        self.initial_replicas.unwrap_or(1)
    }
}

/// A queue worker, as a Celery, RQ or SQS consumer Deployment runs: jobs wait in one FIFO
/// queue; each Ready pod works on up to `concurrency` of them at once, each for a service
/// time. A deleted pod takes no new job and exits once its jobs are done; jobs still
/// running when its `terminationGracePeriodSeconds` ends are abandoned and go back to the
/// queue (redelivered, as an unacknowledged SQS message or a Celery `acks_late` task is).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Worker {
    /// How long one job takes a worker slot: `{fixed: 2s}`, `{exponential: {mean: 2s}}`,
    /// `{lognormal: {median: 2s, p99: 10s}}` or `{uniform: [1s, 3s]}`; drawn per job.
    pub service_time: ServiceTime,
    /// Jobs one pod works on at once (Celery's `--concurrency`, a consumer's prefetch);
    /// default 1, at most 10,000.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = super::load_scenario::MAX_CONCURRENCY))]
    pub concurrency: u32,
    /// A job should be done within this of its arrival, e.g. `60s`: later ones are counted
    /// (summary `queue.overDeadline`); absent: none is late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Duration>,
}

/// A job's service time, drawn per job from the run's own job stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum ServiceTime {
    /// `{fixed: 2s}`: every job takes this long (more than 0).
    Fixed(Duration),
    /// `{exponential: {mean: 2s}}`: memoryless, as M/M/c queues assume.
    Exponential {
        /// The mean (more than 0).
        mean: Duration,
    },
    /// Log-normal, given its median and 99th percentile (0 < median <= p99).
    Lognormal {
        /// Half of the jobs are shorter.
        median: Duration,
        /// 99 % of the jobs are shorter.
        p99: Duration,
    },
    /// `{uniform: [1s, 3s]}`: evenly between two durations, the first at most the second,
    /// the second more than 0.
    Uniform([Duration; 2]),
}

/// Resources and what one request costs: one container by the fields below (named `app`
/// unless `name` says otherwise), or several under `containers:` (then give none of `name`,
/// `requests`, `limits`, `baseline`, `cpuPerRequest` and `memoryPerRequest` here).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodModel {
    /// The one container's name (default `app`): a ContainerResource metric names it. With a
    /// `deploymentFile`, its container's name (`hpasim sweep` writes it here when it reads
    /// the manifest into `workload`).
    #[serde(default)]
    pub name: Option<String>,
    /// The container's resource requests, e.g. `{cpu: 250m, memory: 256Mi}`: utilization is
    /// a percentage of them. Without a `cpu` request the pod runs, and an HPA on cpu
    /// utilization fails as on a cluster ("missing request for cpu").
    #[serde(default)]
    pub requests: BTreeMap<String, Quantity>,
    /// The container's limits, e.g. `{cpu: 500m}`: CPU use is capped at the cpu limit
    /// (default: the cpu request; without either, the pod-level cpu limit or request, else a
    /// node's cpu).
    #[serde(default)]
    pub limits: BTreeMap<String, Quantity>,
    /// CPU one request costs, in core-seconds written as a quantity: `"4m"` is 4
    /// millicore-seconds, so one free core serves 250 requests a second. Required unless
    /// `containers:` is given.
    #[serde(default)]
    pub cpu_per_request: Option<Quantity>,
    /// Memory a pod holds per request per second it serves (default 0): its memory is its
    /// `baseline` memory plus this times its requests per second.
    #[serde(default)]
    pub memory_per_request: Option<Quantity>,
    /// What a pod uses with no load, e.g. `{cpu: 30m, memory: 150Mi}` (default 0); the cpu
    /// baseline must stay below the cpu limit.
    #[serde(default)]
    pub baseline: BTreeMap<String, Quantity>,
    /// The pod's containers, each with its own resources and per-request costs (a service
    /// mesh proxy's CPU grows with traffic, a log shipper's less), e.g.
    /// `[{name: app, requests: {cpu: 500m}, cpuPerRequest: 5m}, {name: envoy, requests:
    /// {cpu: 50m}, cpuPerRequest: 1m}]`. A request costs every container its
    /// `cpuPerRequest`; Resource metrics sum the containers, ContainerResource reads one.
    #[serde(default)]
    pub containers: Option<Vec<super::pod_spec::ContainerModel>>,
    /// Pod-level resources (`spec.resources`, the PodLevelResources feature): when it
    /// requests cpu or memory, a Resource metric's utilization is a percentage of that
    /// request instead of the containers' sum (ContainerResource still reads its
    /// container's), and its cpu limit caps the containers together.
    #[serde(default)]
    pub resources: Option<super::pod_spec::PodResources>,
    /// How long a request may wait for a pod before it fails (default 30s).
    #[serde(default)]
    pub request_timeout: Option<Duration>,
    /// Requests a pod works on at once: the servers of its latency queue (default: its
    /// cpu limit in whole cores, at least 1); at most 10,000.
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_CONCURRENCY))]
    pub concurrency: Option<u32>,
}

/// A probe as in a pod spec.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// Seconds after the container starts before the first probe (default 0).
    #[serde(default)]
    #[schemars(range(max = crate::units::MAX_DELAY_SECONDS))]
    pub initial_delay_seconds: u32,
    /// Seconds between probes (default 10).
    #[serde(default = "ten")]
    #[schemars(range(max = crate::units::MAX_DELAY_SECONDS))]
    pub period_seconds: u32,
    /// Consecutive successes to pass (default 1, at most 10,000).
    #[serde(default = "one")]
    #[schemars(range(max = super::load_scenario::MAX_THRESHOLD))]
    pub success_threshold: u32,
    /// Consecutive failures to fail (default 3, at most 10,000).
    #[serde(default = "three")]
    #[schemars(range(max = super::load_scenario::MAX_THRESHOLD))]
    pub failure_threshold: u32,
}

fn ten() -> u32 {
    10
}
fn one() -> u32 {
    1
}
fn three() -> u32 {
    3
}

/// A random delay: `{fixed: 8s}`, `{uniform: [1s, 3s]}`, `{normal: {mean: 5s, stddev: 1s}}`,
/// `{lognormal: {median: 1s, p99: 4s}}`, `{gamma: {shape: 2, mean: 5s}}` or
/// `{empirical: [5s, 7s, 12s]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Delay {
    /// `{fixed: 8s}`: always this long.
    Fixed(Duration),
    /// `{uniform: [1s, 3s]}`: evenly between two durations, the first at most the second.
    Uniform([Duration; 2]),
    /// Normal with a mean and a standard deviation, truncated at 0.
    Normal {
        /// The mean.
        mean: Duration,
        /// The standard deviation.
        stddev: Duration,
    },
    /// Log-normal, given its median and 99th percentile (0 < median <= p99).
    Lognormal {
        /// The median: half of the draws are shorter.
        median: Duration,
        /// The 99th percentile: 99 % of the draws are shorter.
        p99: Duration,
    },
    /// Gamma with a shape and a mean.
    Gamma {
        /// The shape k, more than 0.
        shape: f64,
        /// The mean (k x scale).
        mean: Duration,
    },
    /// One of these durations, each equally likely (e.g. measured start-up times); at least
    /// one.
    Empirical(Vec<Duration>),
}

/// Pod start-up: a chain of delays, then probes.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Startup {
    /// From creation until the pod is bound to a node, counted once a node has room
    /// (default `{fixed: 0s}`).
    #[serde(default = "zero_delay")]
    pub scheduling: Delay,
    /// Pulling the image (default `{fixed: 0s}`).
    #[serde(default = "zero_delay")]
    pub image_pull: Delay,
    /// Creating and starting the container (default `{fixed: 0s}`).
    #[serde(default = "zero_delay")]
    pub container_start: Delay,
    /// From container start until the application answers its probes (default
    /// `{fixed: 0s}`).
    #[serde(default = "zero_delay")]
    pub app_start: Delay,
    /// The startupProbe, if any: readiness probing waits until it passes.
    #[serde(default)]
    pub startup_probe: Option<Probe>,
    /// The readinessProbe; absent: the pod is Ready as soon as the application answers.
    #[serde(default)]
    pub readiness_probe: Option<Probe>,
    /// Extra CPU per request for a while after Ready (JIT, caches).
    #[serde(default)]
    pub warmup: Option<Warmup>,
    /// CPU a starting pod burns before it is Ready (default: its `baseline` cpu).
    #[serde(default)]
    pub startup_cpu: Option<Quantity>,
}

fn zero_delay() -> Delay {
    Delay::Fixed(Duration::default())
}

impl Default for Startup {
    fn default() -> Self {
        Startup {
            scheduling: zero_delay(),
            image_pull: zero_delay(),
            container_start: zero_delay(),
            app_start: zero_delay(),
            startup_probe: None,
            readiness_probe: None,
            warmup: None,
            startup_cpu: None,
        }
    }
}

/// A warm-up period.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Warmup {
    /// How long the warm-up lasts after Ready.
    pub duration: Duration,
    /// CPU per request is multiplied by this (1 or more) at Ready, easing linearly to 1
    /// over `duration`.
    pub cpu_factor: f64,
}

/// Pod termination.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Termination {
    /// `terminationGracePeriodSeconds` (default 30): the pod is not Ready, and still costs,
    /// until it ends.
    #[serde(default = "thirty")]
    #[schemars(range(max = crate::units::MAX_DELAY_SECONDS))]
    pub grace_period_seconds: u32,
    /// How long the process takes to exit after SIGTERM (at most the grace period);
    /// default: the whole grace period.
    #[serde(default)]
    pub exit_after: Option<Duration>,
}

fn thirty() -> u32 {
    30
}

impl Default for Termination {
    fn default() -> Self {
        Termination {
            grace_period_seconds: 30,
            exit_after: None,
        }
    }
}

/// Nodes: pods beyond their room stay Pending until a node is added.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Capacity {
    /// Allocatable resources of one node, e.g. `{cpu: "2", memory: 8Gi}`; pods pack by their
    /// requests.
    pub node: BTreeMap<String, Quantity>,
    /// Nodes at the start; at most 10,000.
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub nodes: u32,
    /// The cluster autoscaler's ceiling (default: `nodes`, no autoscaling).
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub max_nodes: Option<u32>,
    /// From a Pending pod to a new node being usable (default 2m).
    #[serde(default)]
    pub provision_delay: Option<Duration>,
}

/// metrics-server: how pod usage is sampled for Resource metrics.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsServer {
    /// How often it scrapes (`--metric-resolution`, default 15s).
    #[serde(default = "fifteen_s")]
    pub resolution: Duration,
    /// The window usage is averaged over (default 30s).
    #[serde(default = "thirty_s")]
    pub window: Duration,
}

fn fifteen_s() -> Duration {
    Duration(crate::core::Span::from_secs(15))
}
fn thirty_s() -> Duration {
    Duration(crate::core::Span::from_secs(30))
}

impl Default for MetricsServer {
    fn default() -> Self {
        MetricsServer {
            resolution: fifteen_s(),
            window: thirty_s(),
        }
    }
}

/// A custom or external metric the HPA reads: derived from the simulation (`source`), or
/// given (`value`, `shape`) as a metric from elsewhere (a queue in Prometheus, an exporter
/// sidecar). Give one of `source`, `value` and `shape`; actions may set it later
/// (`setMetric`) or make it unavailable (`metricOutage`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DerivedMetric {
    /// What it follows in the simulation; `given` (implied by `value` or `shape`): the
    /// value written in the scenario.
    #[serde(default)]
    pub source: MetricSourceKind,
    /// A constant value, e.g. `40` (a queue that holds steady until an action sets it).
    #[serde(default)]
    pub value: Option<f64>,
    /// The value over time, written as `load:` entries are (summed; `step`, `ramp`,
    /// `spike`, `daily`, ..., or a `trace` of a CSV or a Prometheus `query_range` JSON):
    /// `[{step: {at: "12:00", from: 10, to: 80}}]`. Each entry's number (`rps`, `from`,
    /// `peak`...) is the metric's value; `noise` is refused.
    #[serde(default)]
    pub shape: Option<Vec<LoadSpec>>,
    /// Each Ready pod exports the value, as an exporter sidecar does (with `value` or
    /// `shape`): a Pods metric reads it on every Ready pod (the others have no sample); an
    /// External or Object metric is its sum over the Ready pods (the value times their
    /// number now).
    #[serde(default)]
    pub per_pod: bool,
    /// The rate window of the adapter's query (default 60s, at most 1d); for `value` and `shape`, the
    /// value is averaged over it when given, else read at one instant.
    #[serde(default)]
    pub window: Option<Duration>,
    /// How stale the value is when the HPA reads it (default 30s, at most 1d), set values
    /// included.
    #[serde(default)]
    pub delay: Option<Duration>,
}

/// The quantities a derived metric can follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum MetricSourceKind {
    /// Requests per second served by each pod (a Pods metric).
    PodRequestsPerSecond,
    /// Requests per second arriving at the service (Object or External).
    RequestsPerSecond,
    /// Requests waiting in the queue; for a worker, jobs waiting (Object or External).
    QueueDepth,
    /// A worker's oldest waiting job's age, seconds (0 when none waits), as SQS's
    /// `ApproximateAgeOfOldestMessage` (Object or External).
    OldestJobAge,
    /// Jobs a worker's pods are working on (Object or External).
    JobsInFlight,
    /// Jobs completed per second (Object or External).
    JobsCompletedPerSecond,
    /// The value written under `value` or `shape` (the default: implied by either).
    #[default]
    Given,
}

/// How requests reach the pods.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Traffic {
    /// From a pod's Ready to its endpoint reaching the clients (EndpointSlice propagation,
    /// kube-proxy, load balancers), e.g. `2s` (default 0): until then it is Ready but
    /// receives nothing.
    #[serde(default)]
    pub endpoint_delay: Option<Duration>,
    /// Long-lived client connections, re-established every so often, e.g. `{every: 30s}`
    /// (default: none, every request is spread over the serving pods): a pod that starts
    /// serving gets nothing until the next reconnection, while the pods the clients are
    /// connected to take it all. If none of those serves any more, clients reconnect at once.
    #[serde(default)]
    pub rebalance: Option<super::traffic::Rebalance>,
}

/// kube-controller-manager flags for the HPA controller.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Controller {
    /// `--horizontal-pod-autoscaler-sync-period` (default 15s).
    #[serde(default = "fifteen_s")]
    pub sync_period: Duration,
    /// `--horizontal-pod-autoscaler-tolerance` (default 0.1).
    #[serde(default = "flag_tolerance")]
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (default 5m).
    #[serde(default = "flag_cpu_initialization_period")]
    pub cpu_initialization_period: Duration,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (default 30s).
    #[serde(default = "flag_initial_readiness_delay")]
    pub initial_readiness_delay: Duration,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (default 5m).
    #[serde(default = "flag_downscale_stabilization")]
    pub downscale_stabilization: Duration,
}

// The controller flags' defaults live once, in the core's `ControllerFlags`.
fn flag_tolerance() -> f64 {
    ControllerFlags::default().tolerance
}
fn flag_cpu_initialization_period() -> Duration {
    Duration(ControllerFlags::default().cpu_initialization_period)
}
fn flag_initial_readiness_delay() -> Duration {
    Duration(ControllerFlags::default().initial_readiness_delay)
}
fn flag_downscale_stabilization() -> Duration {
    Duration(ControllerFlags::default().downscale_stabilization)
}

impl Default for Controller {
    fn default() -> Self {
        Controller {
            sync_period: fifteen_s(),
            tolerance: flag_tolerance(),
            cpu_initialization_period: flag_cpu_initialization_period(),
            initial_readiness_delay: flag_initial_readiness_delay(),
            downscale_stabilization: flag_downscale_stabilization(),
        }
    }
}

/// Something that happens at a set time: `at`, and exactly one of `scale`, `patchHpa`,
/// `killPods`, `setMetric` and `metricOutage`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Action {
    /// When: a time of day (`"11:30"`) or a duration from the scenario's midnight; within
    /// the simulated time.
    pub at: At,
    /// Set the Deployment's replicas by hand, as `kubectl scale --replicas` does (0 or more).
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub scale: Option<i32>,
    /// Patch the HPA's spec: `minReplicas`, `maxReplicas`, `metrics`, `behavior`.
    #[serde(default)]
    pub patch_hpa: Option<HpaPatch>,
    /// Delete this many Ready pods (oldest first); the ReplicaSet replaces them. At most
    /// 10,000.
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub kill_pods: Option<u32>,
    /// Set metrics of `metrics:` to values from now on, e.g. `{queue_depth: 40}` (as a test
    /// or an incident would); the HPA sees each after its metric's `delay`.
    #[serde(default)]
    pub set_metric: Option<BTreeMap<String, f64>>,
    /// Make a metric unavailable for a while: `{metric: cpu, for: 10m}`.
    #[serde(default)]
    pub metric_outage: Option<MetricOutage>,
}

/// A span during which the metrics API serves no value for a metric: the controller gets
/// an error, as when metrics-server or a custom-metrics adapter is down.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricOutage {
    /// What fails: `cpu` or `memory` (Resource and ContainerResource metrics), a metric's
    /// name (Pods, Object, External), `metricsServer` (cpu and memory), `adapter` (every
    /// custom and external metric) or `all`.
    pub metric: String,
    /// How long, from `at` (at least 1s).
    #[serde(rename = "for")]
    pub duration: Duration,
}

/// A merge patch on the HPA's spec.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HpaPatch {
    /// New minReplicas (at most 10,000).
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub min_replicas: Option<i32>,
    /// New maxReplicas (at most 10,000).
    #[serde(default)]
    #[schemars(range(max = super::load_scenario::MAX_PODS))]
    pub max_replicas: Option<i32>,
    /// New metrics (replaces the list).
    #[serde(default)]
    pub metrics: Option<Vec<crate::core::api::MetricSpec>>,
    /// New behavior (replaces it).
    #[serde(default)]
    pub behavior: Option<crate::core::api::Behavior>,
}
