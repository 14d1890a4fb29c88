//! The scenario file: one Deployment under its HPA, driven by a load, for a duration.
//!
//! Field names follow Kubernetes' (camelCase, quantity strings, probe fields as in a pod
//! spec); hpasim's own durations read `30s` / `5m`. Every struct refuses unknown keys.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::units::{At, Duration};
use crate::core::Quantity;
use crate::core::api::HorizontalPodAutoscaler;
use crate::core::snapshot::ControllerFlags;
use crate::load::LoadSpec;

/// A scenario as written.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioFile {
    /// Names the run and its default output folder.
    pub name: String,
    /// What the scenario is about, for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// How long to simulate.
    pub duration: Duration,
    /// The time of day the simulation starts at (times of day in the file count from
    /// midnight); default 00:00.
    #[serde(default)]
    pub start: Option<At>,
    /// Every random draw derives from it; `--seed` overrides.
    #[serde(default)]
    pub seed: u64,
    /// The HPA manifest, inline (`kubectl get hpa X -o yaml` as is).
    #[serde(default)]
    pub hpa: Option<HorizontalPodAutoscaler>,
    /// Or the path of a file holding it, relative to the scenario.
    #[serde(default)]
    pub hpa_file: Option<String>,
    /// The Deployment and its pods.
    pub workload: Workload,
    /// Nodes; absent: unlimited room.
    #[serde(default)]
    pub capacity: Option<Capacity>,
    /// metrics-server.
    #[serde(default)]
    pub metrics_server: MetricsServer,
    /// Custom and external metrics the HPA reads, by metric name.
    #[serde(default)]
    pub metrics: BTreeMap<String, DerivedMetric>,
    /// kube-controller-manager's HPA flags.
    #[serde(default)]
    pub controller: Controller,
    /// The request rate: entries are summed.
    pub load: Vec<LoadSpec>,
    /// Things that happen at set times.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// The objectives the run is judged against (latency, errors, Ready pods).
    #[serde(default)]
    pub slo: Option<crate::measure::Slo>,
    /// Prices (default: AWS Fargate's, by requested CPU and memory).
    #[serde(default)]
    pub cost: Option<crate::measure::Cost>,
}

/// The Deployment.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    /// spec.replicas at the start; all start Ready.
    pub initial_replicas: i32,
    /// One pod.
    pub pod: PodModel,
    /// How a new pod comes up.
    #[serde(default)]
    pub startup: Startup,
    /// How a pod goes away.
    #[serde(default)]
    pub termination: Termination,
}

/// Resources and what one request costs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodModel {
    /// The container's requests (`cpu`, `memory`), what utilization is a percentage of.
    pub requests: BTreeMap<String, Quantity>,
    /// The container's limits; CPU use is capped at the cpu limit (default: the request).
    #[serde(default)]
    pub limits: BTreeMap<String, Quantity>,
    /// CPU one request costs, in cores x seconds as a quantity ("4m": 4 millicore-seconds).
    pub cpu_per_request: Quantity,
    /// Memory each request in flight holds (default 0).
    #[serde(default)]
    pub memory_per_request: Option<Quantity>,
    /// Use with no load (`cpu`, `memory`).
    #[serde(default)]
    pub baseline: BTreeMap<String, Quantity>,
    /// Requests a pod may hold waiting before they time out.
    #[serde(default)]
    pub request_timeout: Option<Duration>,
    /// Requests a pod works on at once: the servers of its latency queue (default: its
    /// cpu limit in whole cores, at least 1).
    #[serde(default)]
    pub concurrency: Option<u32>,
}

/// A probe as in a pod spec.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    /// Seconds after the container starts before the first probe.
    #[serde(default)]
    pub initial_delay_seconds: u32,
    /// Seconds between probes (default 10).
    #[serde(default = "ten")]
    pub period_seconds: u32,
    /// Consecutive successes to pass (default 1).
    #[serde(default = "one")]
    pub success_threshold: u32,
    /// Consecutive failures to fail (default 3).
    #[serde(default = "three")]
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

/// A random delay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Delay {
    /// Always this long.
    Fixed(Duration),
    /// Evenly between two durations.
    Uniform([Duration; 2]),
    /// Normal, truncated at 0.
    Normal {
        /// Mean.
        mean: Duration,
        /// Standard deviation.
        stddev: Duration,
    },
    /// Log-normal, given its median and 99th percentile.
    Lognormal {
        /// Half of the draws are shorter.
        median: Duration,
        /// 99 % of the draws are shorter.
        p99: Duration,
    },
    /// Gamma with a shape and a mean.
    Gamma {
        /// Shape k (> 0).
        shape: f64,
        /// Mean (k x scale).
        mean: Duration,
    },
    /// One of these, each equally likely (e.g. measured start-up times).
    Empirical(Vec<Duration>),
}

/// Pod start-up: a chain of delays, then probes.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Startup {
    /// From creation to bound to a node (once a node has room).
    #[serde(default = "zero_delay")]
    pub scheduling: Delay,
    /// Image pull.
    #[serde(default = "zero_delay")]
    pub image_pull: Delay,
    /// Container creation and start.
    #[serde(default = "zero_delay")]
    pub container_start: Delay,
    /// From container start until the application answers its probes.
    #[serde(default = "zero_delay")]
    pub app_start: Delay,
    /// startupProbe, if any: readiness probing waits for it.
    #[serde(default)]
    pub startup_probe: Option<Probe>,
    /// readinessProbe; absent: Ready as soon as the application answers.
    #[serde(default)]
    pub readiness_probe: Option<Probe>,
    /// Extra CPU per request for a while after Ready (JIT, caches).
    #[serde(default)]
    pub warmup: Option<Warmup>,
    /// CPU a starting pod burns before it is Ready.
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
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Warmup {
    /// How long after Ready.
    pub duration: Duration,
    /// CPU per request is multiplied by this at Ready, easing linearly to 1.
    pub cpu_factor: f64,
}

/// Pod termination.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Termination {
    /// terminationGracePeriodSeconds: the pod is not Ready and still costs until it ends.
    #[serde(default = "thirty")]
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
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Capacity {
    /// Allocatable resources of one node (`cpu`, `memory`).
    pub node: BTreeMap<String, Quantity>,
    /// Nodes at the start.
    pub nodes: u32,
    /// The cluster autoscaler's ceiling (default: `nodes`, no autoscaling).
    #[serde(default)]
    pub max_nodes: Option<u32>,
    /// From a Pending pod to a new node being usable.
    #[serde(default)]
    pub provision_delay: Option<Duration>,
}

/// metrics-server.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
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

/// A custom or external metric derived from the simulation.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DerivedMetric {
    /// What it measures.
    pub source: MetricSourceKind,
    /// The rate window of the adapter's query (default 60s).
    #[serde(default)]
    pub window: Option<Duration>,
    /// How stale the value is when the HPA reads it (default 30s).
    #[serde(default)]
    pub delay: Option<Duration>,
}

/// The quantities a derived metric can follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MetricSourceKind {
    /// Requests per second served by each pod (a Pods metric).
    PodRequestsPerSecond,
    /// Requests per second arriving at the service (Object or External).
    RequestsPerSecond,
    /// Requests waiting in the queue (Object or External).
    QueueDepth,
}

/// kube-controller-manager flags for the HPA controller.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
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

/// Something that happens at a set time: exactly one of the optional fields.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Action {
    /// When (time of day, or a duration from the start).
    pub at: At,
    /// Scale the Deployment by hand (`kubectl scale --replicas`).
    #[serde(default)]
    pub scale: Option<i32>,
    /// Patch the HPA: minReplicas, maxReplicas, metrics, behavior.
    #[serde(default)]
    pub patch_hpa: Option<HpaPatch>,
    /// Delete this many Ready pods (oldest first).
    #[serde(default)]
    pub kill_pods: Option<u32>,
}

/// A merge patch on the HPA's spec.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HpaPatch {
    /// New minReplicas.
    #[serde(default)]
    pub min_replicas: Option<i32>,
    /// New maxReplicas.
    #[serde(default)]
    pub max_replicas: Option<i32>,
    /// New metrics (replaces the list).
    #[serde(default)]
    pub metrics: Option<Vec<crate::core::api::MetricSpec>>,
    /// New behavior (replaces it).
    #[serde(default)]
    pub behavior: Option<crate::core::api::Behavior>,
}
