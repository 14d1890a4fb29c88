//! What a run cost: pods priced by their requests, or the nodes they were packed on (the
//! prices, [`Cost`], are the scenario layer's).
//!
//! ```yaml
//! cost:
//!   cpuPerHour: 0.04048          # $ per vCPU-hour of requests
//!   memoryGiBPerHour: 0.004445   # $ per GiB-hour of requests
//!   node: { cpu: "4", memory: 16Gi, hourly: 0.192 }   # optional: price nodes instead
//! ```
//!
//! **By pods** (the default): a pod costs `cpu_cores * cpuPerHour + memory_gib *
//! memoryGiBPerHour` per hour for every second it exists (bound to a node until its
//! termination ends), as Fargate bills a pod. The defaults are AWS Fargate's on-demand
//! Linux/x86 prices in us-east-1, <https://aws.amazon.com/fargate/pricing/>: $0.04048 per
//! vCPU-hour and $0.004445 per GB-hour. Fargate sizes memory in binary units (a "1 GB"
//! task has 1024 MiB), so the memory price applies per GiB.
//!
//! **By nodes**: identical pods packed first-fit by their requests fill each node with
//! `pods_per_node = floor(min(node cpu / pod cpu, node memory / pod memory))` pods, so a
//! second with `n` pods uses `ceil(n / pods_per_node)` nodes, each billed `hourly`. A pod
//! too large for a node is given a node of its own (`Cost::validate_pod` refuses it up
//! front).
//!
//! **Waste** is paid capacity beyond demand: per second, `max(paid - demand, 0)` pods
//! priced as one pod (by nodes: node slots `nodes * pods_per_node` beyond demand, each
//! priced `hourly / pods_per_node`, so half-empty nodes count as waste).

use serde::Serialize;

use crate::scenario::prices::nonneg;
pub use crate::scenario::prices::{
    Cost, FARGATE_CPU_PER_HOUR, FARGATE_MEMORY_GIB_PER_HOUR, InvalidCost, NodePrice, PodPrice,
    cores, gib, pods_per_node,
};

/// A run's prices made once: what a second's pods cost per hour and what they waste.
/// Each second's figures are pure functions of these, so working them out once instead
/// of every second changes no bit.
enum Rate {
    /// Priced by pods: $ per pod-hour.
    Pods { pod_hourly: f64 },
    /// Priced by nodes: pods per node, $ per node-hour.
    Nodes { per_node: u32, hourly: f64 },
}

impl Rate {
    fn of(cost: &Cost, pod: &PodPrice) -> Rate {
        match &cost.node {
            Some(n) => Rate::Nodes {
                per_node: pods_per_node(n, pod),
                hourly: n.hourly,
            },
            None => Rate::Pods {
                pod_hourly: cost.pod_hourly(pod),
            },
        }
    }

    /// $ per hour of a second with `paid_pods` pods.
    fn hourly(&self, paid_pods: f64) -> f64 {
        let paid = nonneg(paid_pods);
        match *self {
            Rate::Nodes { per_node, hourly } => nodes_for(paid, per_node) * hourly,
            Rate::Pods { pod_hourly } => paid * pod_hourly,
        }
    }
}

fn nodes_for(pods: f64, per_node: u32) -> f64 {
    (pods / per_node as f64).ceil()
}

/// The node side of a run's cost.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeCost {
    /// Pods one node holds.
    pub pods_per_node: u32,
    /// Node-hours used.
    pub node_hours: f64,
    /// The most nodes used at once.
    pub peak_nodes: u64,
    /// $ for the nodes (the run's total when pricing by nodes).
    pub total_usd: f64,
}

/// What a run cost.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostReport {
    /// $ for the run.
    pub total_usd: f64,
    /// $ per simulated hour.
    pub per_hour_usd: f64,
    /// Pod-hours paid.
    pub pod_hours: f64,
    /// $ for paid capacity beyond demand (module doc).
    pub waste_usd: f64,
    /// Waste over total (0 when nothing was paid).
    pub waste_fraction: f64,
    /// When pricing by nodes.
    pub nodes: Option<NodeCost>,
}

/// The cost of a run: `paid_pods[i]` pods existed in second `i` (bound until the end of
/// termination), `demand_pods[i]` were needed at the target utilization; each entry lasts
/// `dt_s` seconds. A missing demand counts as 0; NaN, negative or infinite counts and a
/// `dt_s` that is not a positive number count as 0.
pub fn judge(
    cost: &Cost,
    pod: &PodPrice,
    paid_pods: &[f64],
    demand_pods: &[f64],
    dt_s: f64,
) -> CostReport {
    let mut sum = CostSum::new(cost, pod, dt_s);
    for (i, &paid) in paid_pods.iter().enumerate() {
        sum.add(paid, demand_pods.get(i).copied().unwrap_or(0.0));
    }
    sum.report()
}

/// $ spent by the end of each second, for the timeline; the last entry is
/// [`judge`]'s total.
pub fn cost_so_far(cost: &Cost, pod: &PodPrice, paid_pods: &[f64], dt_s: f64) -> Vec<f64> {
    let mut sum = CostSum::new(cost, pod, dt_s);
    (paid_pods.iter())
        .map(|&paid| {
            sum.add(paid, 0.0);
            sum.total_usd()
        })
        .collect()
}

/// [`judge`] one entry at a time, in time order: a run's judgement adds its seconds as
/// it reads them, with the cost so far at hand after each.
pub struct CostSum<'a> {
    cost: &'a Cost,
    pod: &'a PodPrice,
    rate: Rate,
    hours_per_step: f64,
    entries: usize,
    total: f64,
    pod_hours: f64,
    waste: f64,
    node_hours: f64,
    peak_nodes: f64,
}

impl<'a> CostSum<'a> {
    /// Nothing added yet; each entry lasts `dt_s` seconds.
    pub fn new(cost: &'a Cost, pod: &'a PodPrice, dt_s: f64) -> CostSum<'a> {
        CostSum {
            cost,
            pod,
            rate: Rate::of(cost, pod),
            hours_per_step: nonneg(dt_s) / 3600.0,
            entries: 0,
            total: 0.0,
            pod_hours: 0.0,
            waste: 0.0,
            node_hours: 0.0,
            peak_nodes: 0.0,
        }
    }

    /// The next entry: `paid_pods` existed, `demand_pods` were needed.
    #[inline]
    pub fn add(&mut self, paid_pods: f64, demand_pods: f64) {
        let paid = nonneg(paid_pods);
        let demand = nonneg(demand_pods);
        let hours = self.hours_per_step;
        self.entries += 1;
        self.total += self.rate.hourly(paid) * hours;
        self.pod_hours += paid * hours;
        self.waste += match self.rate {
            Rate::Nodes { per_node, hourly } => {
                let nodes = nodes_for(paid, per_node);
                self.node_hours += nodes * hours;
                self.peak_nodes = self.peak_nodes.max(nodes);
                let slots = nodes * per_node as f64;
                (slots - demand).max(0.0) * hourly / per_node as f64
            }
            Rate::Pods { pod_hourly } => (paid - demand).max(0.0) * pod_hourly,
        } * hours;
    }

    /// $ spent over the entries added so far.
    pub fn total_usd(&self) -> f64 {
        self.total
    }

    /// The report of the entries added.
    pub fn report(&self) -> CostReport {
        let total = self.total;
        let hours = self.entries as f64 * self.hours_per_step;
        CostReport {
            total_usd: total,
            per_hour_usd: if hours > 0.0 { total / hours } else { 0.0 },
            pod_hours: self.pod_hours,
            waste_usd: self.waste,
            waste_fraction: if total > 0.0 { self.waste / total } else { 0.0 },
            nodes: self.cost.node.as_ref().map(|n| NodeCost {
                pods_per_node: pods_per_node(n, self.pod),
                node_hours: self.node_hours,
                peak_nodes: self.peak_nodes as u64,
                total_usd: total,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Quantity;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    /// $3.60 per core-hour and nothing for memory: a one-core pod costs $0.001 a second.
    fn milli_dollar() -> Cost {
        Cost {
            cpu_per_hour: 3.6,
            memory_gib_per_hour: 0.0,
            node: None,
        }
    }

    fn one_core() -> PodPrice {
        PodPrice {
            cpu_cores: 1.0,
            memory_gib: 2.0,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn default_prices_are_fargates() {
        // 0.5 vCPU and 1 GiB for an hour: 0.5 x 0.04048 + 1 x 0.004445 = $0.024685.
        let pod = PodPrice::from_requests(Some(&q("500m")), Some(&q("1Gi")));
        assert_eq!(
            pod,
            PodPrice {
                cpu_cores: 0.5,
                memory_gib: 1.0
            }
        );
        let r = judge(&Cost::default(), &pod, &vec![2.0; 3600], &[], 1.0);
        assert!(close(r.total_usd, 2.0 * 0.024685));
        assert!(close(r.per_hour_usd, 2.0 * 0.024685));
        assert!(close(r.pod_hours, 2.0));
    }

    #[test]
    fn pods_are_priced_per_second_they_exist() {
        // 1 + 2 + 3 + 0 pod-seconds, steps of 2 s: 12 pod-seconds, $0.012 over 8 s.
        let r = judge(
            &milli_dollar(),
            &one_core(),
            &[1.0, 2.0, 3.0, 0.0],
            &[],
            2.0,
        );
        assert!(close(r.total_usd, 0.012));
        assert!(close(r.pod_hours, 12.0 / 3600.0));
        assert!(close(r.per_hour_usd, 0.012 / (8.0 / 3600.0)));
        assert_eq!(r.nodes, None);
    }

    #[test]
    fn waste_is_paid_capacity_beyond_demand() {
        // Excess pods: 2, 0, 0 (demand above paid is not negative waste), 2.5 = 4.5.
        let r = judge(
            &milli_dollar(),
            &one_core(),
            &[4.0; 4],
            &[2.0, 4.0, 5.0, 1.5],
            1.0,
        );
        assert!(close(r.total_usd, 0.016));
        assert!(close(r.waste_usd, 0.0045));
        assert!(close(r.waste_fraction, 0.0045 / 0.016));
        // Missing demand is no demand: everything paid is waste.
        let r = judge(&milli_dollar(), &one_core(), &[4.0; 4], &[], 1.0);
        assert!(close(r.waste_fraction, 1.0));
    }

    #[test]
    fn nodes_are_filled_first_fit_by_requests() {
        // Node 4 cores / 16 GiB at $3.60 an hour ($0.001 a second); pods of 1.5 cores and
        // 4 GiB: 2 fit by CPU (4 by memory), so 1, 2, 3, 5 pods take 1, 1, 2, 3 nodes.
        let cost = Cost {
            node: Some(NodePrice {
                cpu: q("4"),
                memory: q("16Gi"),
                hourly: 3.6,
            }),
            ..milli_dollar()
        };
        let pod = PodPrice {
            cpu_cores: 1.5,
            memory_gib: 4.0,
        };
        let r = judge(
            &cost,
            &pod,
            &[1.0, 2.0, 3.0, 5.0],
            &[0.5, 2.0, 2.0, 4.0],
            1.0,
        );
        let n = r.nodes.unwrap();
        assert_eq!((n.pods_per_node, n.peak_nodes), (2, 3));
        assert!(close(n.node_hours, 7.0 / 3600.0));
        assert!(close(r.total_usd, 0.007) && close(n.total_usd, 0.007));
        // Slots 2, 2, 4, 6 against demand 0.5, 2, 2, 4: 5.5 slot-seconds at $0.0005.
        assert!(close(r.waste_usd, 0.00275));
    }

    #[test]
    fn pods_per_node_is_the_tighter_resource() {
        let node = NodePrice {
            cpu: q("4"),
            memory: q("16Gi"),
            hourly: 1.0,
        };
        let cases = [
            ("cpu binds", 0.5, 1.0, 8),
            ("memory binds", 0.1, 3.0, 5),
            ("exact thirds", 4.0 / 3.0, 1.0, 3),
            ("too large: a node of its own", 8.0, 1.0, 1),
            ("requests nothing", 0.0, 0.0, u32::MAX),
        ];
        for (rule, cpu_cores, memory_gib, want) in cases {
            let pod = PodPrice {
                cpu_cores,
                memory_gib,
            };
            assert_eq!(pods_per_node(&node, &pod), want, "{rule}");
        }
        let cost = Cost {
            node: Some(node),
            ..Cost::default()
        };
        let big = PodPrice {
            cpu_cores: 8.0,
            memory_gib: 1.0,
        };
        assert_eq!(cost.validate_pod(&big).unwrap_err().field, "cost.node");
        assert_eq!(cost.validate_pod(&one_core()), Ok(()));
    }

    #[test]
    fn cost_so_far_accumulates_to_the_total() {
        let paid = [1.0, 2.0, 3.0, 0.0];
        let so_far = cost_so_far(&milli_dollar(), &one_core(), &paid, 1.0);
        let want = [0.001, 0.003, 0.006, 0.006];
        assert!(
            so_far.iter().zip(want).all(|(a, b)| close(*a, b)),
            "{so_far:?}"
        );
        let total = judge(&milli_dollar(), &one_core(), &paid, &[], 1.0).total_usd;
        assert_eq!(*so_far.last().unwrap(), total);
    }

    #[test]
    fn bad_figures_cost_nothing() {
        let r = judge(&milli_dollar(), &one_core(), &[], &[], 1.0);
        assert_eq!(
            (r.total_usd, r.per_hour_usd, r.waste_fraction),
            (0.0, 0.0, 0.0)
        );
        let r = judge(
            &milli_dollar(),
            &one_core(),
            &[f64::NAN, -3.0, f64::INFINITY],
            &[f64::NAN],
            1.0,
        );
        assert_eq!(r.total_usd, 0.0);
        for dt in [0.0, -1.0, f64::NAN] {
            assert_eq!(
                judge(&milli_dollar(), &one_core(), &[3.0], &[], dt).total_usd,
                0.0
            );
        }
    }

    #[test]
    fn validation_refuses_negative_prices_by_field() {
        let node = || NodePrice {
            cpu: q("4"),
            memory: q("16Gi"),
            hourly: 0.192,
        };
        assert_eq!(Cost::default().validate(), Ok(()));
        type Edit = fn(&mut Cost);
        let with = |f: Edit| {
            let mut c = Cost {
                node: Some(node()),
                ..Cost::default()
            };
            f(&mut c);
            c
        };
        #[rustfmt::skip]
        let cases: [(Edit, &str); 6] = [
            (|c| c.cpu_per_hour = -0.01,                   "cost.cpuPerHour"),
            (|c| c.cpu_per_hour = f64::NAN,                "cost.cpuPerHour"),
            (|c| c.memory_gib_per_hour = -1.0,             "cost.memoryGiBPerHour"),
            (|c| c.node.as_mut().unwrap().hourly = -1.0,   "cost.node.hourly"),
            (|c| c.node.as_mut().unwrap().cpu = q("0"),    "cost.node.cpu"),
            (|c| c.node.as_mut().unwrap().memory = q("0"), "cost.node.memory"),
        ];
        assert_eq!(with(|_| {}).validate(), Ok(()));
        for (f, field) in cases {
            assert_eq!(with(f).validate().unwrap_err().field, field);
        }
    }

    #[test]
    fn yaml_reads_as_written_with_fargate_defaults() {
        let c: Cost = serde_saphyr::from_str("{}").unwrap();
        assert_eq!(c, Cost::default());
        let yaml = "cpuPerHour: 0.05\n\
                    memoryGiBPerHour: 0.005\n\
                    node: { cpu: \"4\", memory: 16Gi, hourly: 0.192 }\n";
        let c: Cost = serde_saphyr::from_str(yaml).unwrap();
        assert_eq!((c.cpu_per_hour, c.memory_gib_per_hour), (0.05, 0.005));
        let n = c.node.unwrap();
        assert_eq!(
            (cores(&n.cpu), gib(&n.memory), n.hourly),
            (4.0, 16.0, 0.192)
        );
        assert!(serde_saphyr::from_str::<Cost>("cpuPerHr: 1\n").is_err());
        assert_eq!(gib(&q("512Mi")), 0.5);
    }
}
