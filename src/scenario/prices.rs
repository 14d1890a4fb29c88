//! Prices as a scenario writes them, and their validation.
//!
//! ```yaml
//! cost:
//!   cpuPerHour: 0.04048          # $ per vCPU-hour of requests
//!   memoryGiBPerHour: 0.004445   # $ per GiB-hour of requests
//!   node: { cpu: "4", memory: 16Gi, hourly: 0.192 }   # optional: price nodes instead
//! ```
//!
//! How a run is priced is `measure::cost`'s to say.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::core::Quantity;

/// Why a cost section was refused: the field's path (`cost.cpuPerHour`) and what is wrong.
pub type InvalidCost = crate::core::InvalidField;

/// AWS Fargate, Linux/x86, on-demand, us-east-1: $ per vCPU-hour.
pub const FARGATE_CPU_PER_HOUR: f64 = 0.04048;
/// AWS Fargate, Linux/x86, on-demand, us-east-1: $ per GB-hour (applied per GiB).
pub const FARGATE_MEMORY_GIB_PER_HOUR: f64 = 0.004445;

/// Prices, as a scenario writes them; every field optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cost {
    /// $ per vCPU-hour of requests (default: Fargate's).
    #[serde(default = "fargate_cpu")]
    #[schemars(range(min = 0, max = 1e6))]
    pub cpu_per_hour: f64,
    /// $ per GiB-hour of requests (default: Fargate's).
    #[serde(default = "fargate_memory", rename = "memoryGiBPerHour")]
    #[schemars(range(min = 0, max = 1e6))]
    pub memory_gib_per_hour: f64,
    /// Price by nodes instead of by pods: a node's size and hourly price.
    #[serde(default)]
    pub node: Option<NodePrice>,
}

/// One node: what it holds and what it costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodePrice {
    /// Allocatable CPU (`"4"`, `"3500m"`).
    pub cpu: Quantity,
    /// Allocatable memory (`"16Gi"`).
    pub memory: Quantity,
    /// $ per node-hour.
    #[schemars(range(min = 0, max = 1e6))]
    pub hourly: f64,
}

fn fargate_cpu() -> f64 {
    FARGATE_CPU_PER_HOUR
}
fn fargate_memory() -> f64 {
    FARGATE_MEMORY_GIB_PER_HOUR
}

impl Default for Cost {
    fn default() -> Cost {
        Cost {
            cpu_per_hour: FARGATE_CPU_PER_HOUR,
            memory_gib_per_hour: FARGATE_MEMORY_GIB_PER_HOUR,
            node: None,
        }
    }
}

/// A pod's requests, as priced.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PodPrice {
    /// CPU requested, cores.
    pub cpu_cores: f64,
    /// Memory requested, GiB.
    pub memory_gib: f64,
}

/// Cores in a CPU quantity (`"500m"` is 0.5).
pub fn cores(q: &Quantity) -> f64 {
    q.milli() as f64 / 1000.0
}

/// GiB in a memory quantity (`"512Mi"` is 0.5, `"1G"` about 0.93).
pub fn gib(q: &Quantity) -> f64 {
    q.approximate_f64() / (1u64 << 30) as f64
}

impl PodPrice {
    /// From a container's `cpu` and `memory` requests; a missing one counts as 0.
    pub fn from_requests(cpu: Option<&Quantity>, memory: Option<&Quantity>) -> PodPrice {
        PodPrice {
            cpu_cores: cpu.map_or(0.0, cores),
            memory_gib: memory.map_or(0.0, gib),
        }
    }
}

fn invalid(field: &str, message: String) -> InvalidCost {
    InvalidCost {
        field: field.to_string(),
        message,
    }
}

/// The highest price any field may give: a million dollars an hour.
pub const MAX_PRICE_PER_HOUR: f64 = 1e6;

fn price(field: &str, value: f64) -> Result<(), InvalidCost> {
    if value > MAX_PRICE_PER_HOUR && value.is_finite() {
        return Err(invalid(
            field,
            format!("{value:e} is above the limit of {MAX_PRICE_PER_HOUR:e} $ per hour"),
        ));
    }
    if value >= 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{value} is not a price; expected $ per hour, 0 or more"),
        ))
    }
}

impl Cost {
    /// Refuses negative or non-finite prices and nodes without CPU or memory, naming the
    /// field.
    pub fn validate(&self) -> Result<(), InvalidCost> {
        price("cost.cpuPerHour", self.cpu_per_hour)?;
        price("cost.memoryGiBPerHour", self.memory_gib_per_hour)?;
        if let Some(n) = &self.node {
            price("cost.node.hourly", n.hourly)?;
            if n.cpu.milli() <= 0 {
                return Err(invalid("cost.node.cpu", format!("{} is no CPU", n.cpu)));
            }
            if n.memory.milli() <= 0 {
                return Err(invalid(
                    "cost.node.memory",
                    format!("{} is no memory", n.memory),
                ));
            }
        }
        Ok(())
    }

    /// Refuses a pod whose requests do not fit one node (only when pricing by nodes).
    pub fn validate_pod(&self, pod: &PodPrice) -> Result<(), InvalidCost> {
        match &self.node {
            Some(n) if raw_pods_per_node(n, pod) < 1.0 => Err(invalid(
                "cost.node",
                format!(
                    "a pod's requests ({} cores, {} GiB) do not fit one node ({}, {})",
                    pod.cpu_cores, pod.memory_gib, n.cpu, n.memory
                ),
            )),
            _ => Ok(()),
        }
    }

    /// $ per hour one pod costs when priced by its requests.
    pub fn pod_hourly(&self, pod: &PodPrice) -> f64 {
        nonneg(pod.cpu_cores) * self.cpu_per_hour
            + nonneg(pod.memory_gib) * self.memory_gib_per_hour
    }
}

/// NaN, negatives and infinities read as 0.
#[inline]
pub(crate) fn nonneg(x: f64) -> f64 {
    if x > 0.0 && x.is_finite() { x } else { 0.0 }
}

fn raw_pods_per_node(node: &NodePrice, pod: &PodPrice) -> f64 {
    let fit = |has: f64, needs: f64| {
        if needs > 0.0 {
            // A hair of slack so that 4 / (4/3) is 3, not 2.9999999.
            (has / needs + 1e-9).floor()
        } else {
            f64::INFINITY
        }
    };
    fit(cores(&node.cpu), pod.cpu_cores).min(fit(gib(&node.memory), pod.memory_gib))
}

/// Identical pods one node holds, packed by requests; at least 1 (a pod too large for
/// a node gets one of its own), at most `u32::MAX` (pods that request nothing).
pub fn pods_per_node(node: &NodePrice, pod: &PodPrice) -> u32 {
    raw_pods_per_node(node, pod).clamp(1.0, u32::MAX as f64) as u32
}
