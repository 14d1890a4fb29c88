//! The controllers around the HPA: each sync's decision applied to the Deployment, the
//! ReplicaSet creating and deleting pods, the scheduler binding them to nodes, the cluster
//! autoscaler adding nodes, and the scenario's scheduled actions. The decision itself is
//! the core's (`core::decide`); nothing here re-implements a controller rule of the HPA.

use std::cmp::Reverse;
use std::collections::VecDeque;

use super::engine::{Due, Sim, pod_name};
use super::observe::RunTotals;
use super::pods::{self, Pod, Stage};
use super::record::{Event, RecordedSync};
use crate::core::api::MetricSpec;
use crate::core::{Span, Time};
use crate::scenario::Scenario;

/// The cluster's nodes, when the scenario limits them.
pub(super) struct Nodes {
    /// Nodes usable (None: no limit).
    pub(super) usable: Option<u32>,
    /// Nodes asked for and not yet usable.
    pub(super) provisioning: u32,
    /// Pods one node holds, by the pod's requests.
    pub(super) pods_per_node: u32,
    /// Pods waiting for room, in creation order.
    pub(super) unbound: VecDeque<usize>,
}

/// Pods a node holds: the fewest by any resource the pod requests and the node offers.
pub(super) fn pods_per_node(sc: &Scenario) -> u32 {
    let requests = &sc.file.workload.pod.requests;
    sc.file
        .capacity
        .as_ref()
        .map(|c| {
            requests
                .iter()
                .filter_map(|(res, q)| {
                    c.node
                        .get(res)
                        .map(|n| (n.milli() / q.milli().max(1)) as u32)
                })
                .min()
                .unwrap_or(u32::MAX)
        })
        .unwrap_or(u32::MAX)
}

/// getPodsToDelete's order, most deletable first: unbound, then not Ready, then Ready the
/// shortest time; the newest first within each.
fn deletion_rank(p: &Pod, i: usize) -> (u8, Reverse<Option<Time>>, Reverse<Time>, Reverse<usize>) {
    let class = match p.stage {
        Stage::Pending => 0,
        Stage::Starting | Stage::Running => 1,
        _ => 2,
    };
    (class, Reverse(p.ready_at), Reverse(p.created), Reverse(i))
}

/// Nodes the cluster autoscaler adds for `waiting` pods: enough for them, less those on
/// their way, within `max` nodes in all.
fn nodes_to_add(waiting: u64, pods_per_node: u32, have: u32, provisioning: u32, max: u32) -> u32 {
    let needed = waiting.div_ceil(pods_per_node.max(1) as u64) as u32;
    needed
        .saturating_sub(provisioning)
        .min(max.saturating_sub(have + provisioning))
}

impl Sim<'_> {
    /// One HPA sync: the snapshot, the core's decision, and the Deployment following it.
    pub(super) fn sync(&mut self, totals: &mut RunTotals) {
        self.refresh_snapshot();
        let keda_reads = self.keda_hpa_reads();
        let recorded = self.keep_snapshots.then(|| self.expanded_snapshot());
        // The scenario, its patches in the order they apply, and the pods the engine lists
        // are valid by construction: the core need not re-check them at every sync.
        let decision = crate::core::decide_validated(&self.core);
        self.return_entries();
        totals.syncs += 1;
        if decision.desired_replicas > self.spec {
            totals.scale_ups += 1;
        } else if decision.desired_replicas < self.spec {
            totals.scale_downs += 1;
        }
        self.keda_after_sync(keda_reads, &decision);
        self.core.history.clone_from(&decision.history);
        if let Some(snapshot) = recorded {
            self.syncs.push(RecordedSync {
                second: self.t.as_millis().div_euclid(1000),
                snapshot,
                decision: decision.clone(),
            });
        }
        let (rescale, desired) = (decision.rescale, decision.desired_replicas);
        self.last_desired = Some(desired);
        self.last_observed.clear();
        (self.last_observed).extend(decision.metrics.iter().map(|m| m.current.clone()));
        if rescale {
            let mark = (self.secs(self.t), decision.current_replicas, desired);
            self.marks.rescales.push(mark);
        }
        if self.takes_events() {
            self.emit(Event::Decision {
                t: self.secs(self.t),
                decision: Box::new(decision),
            });
        }
        if rescale {
            self.spec = desired;
            self.reconcile();
        }
    }

    /// A scheduled action: scale by hand, patch the HPA, or delete Ready pods.
    pub(super) fn action(&mut self, k: usize) {
        let a = self.sc.actions[k].clone();
        let t = self.secs(self.t);
        let text = if let Some(n) = a.scale {
            let text = format!("scale the Deployment {} -> {n}", self.spec);
            self.spec = n;
            self.reconcile();
            text
        } else if let Some(p) = &a.patch_hpa {
            let mut parts = vec![];
            if let Some(m) = p.min_replicas {
                parts.push(format!(
                    "minReplicas {} -> {m}",
                    self.core.hpa.spec.min_replicas.unwrap_or(1)
                ));
            }
            if let Some(m) = p.max_replicas {
                parts.push(format!(
                    "maxReplicas {} -> {m}",
                    self.core.hpa.spec.max_replicas
                ));
            }
            if p.metrics.is_some() {
                parts.push("metrics replaced".into());
            }
            if p.behavior.is_some() {
                parts.push("behavior replaced".into());
            }
            crate::scenario::apply_patch(&mut self.core.hpa, p);
            if p.metrics.is_some() {
                // Values of metrics no longer in the spec are not served any more.
                self.core.objects.clear();
                self.core.externals.clear();
            }
            self.metric_specs = self.core.hpa.spec.effective_metrics().into_owned();
            self.metric_names = (self.metric_specs.iter())
                .map(MetricSpec::display_name)
                .collect();
            self.hpa_epochs.push(self.hpa_epoch());
            format!("patch the HPA: {}", parts.join(", "))
        } else if let Some(n) = a.kill_pods {
            let mut victims: Vec<usize> = self
                .live()
                .filter(|&i| self.pods[i].stage == Stage::Ready)
                .collect();
            victims.sort_by_key(|&i| (self.pods[i].created, i));
            victims.truncate(n as usize);
            for &i in &victims {
                self.delete(i);
            }
            self.reconcile();
            format!("kill {} Ready pods", victims.len())
        } else {
            // setMetric, metricOutage: the snapshot reads them from the actions.
            super::external::action_text(&a)
        };
        self.marks.actions.push((t, text.clone()));
        self.record(|_| Event::Action { t, action: text });
    }

    /// The ReplicaSet: create or delete pods until the active ones match spec.replicas.
    pub(super) fn reconcile(&mut self) {
        let active: Vec<usize> = self.live().filter(|&i| self.pods[i].is_active()).collect();
        let n = active.len() as i32;
        if n < self.spec {
            for _ in n..self.spec {
                self.create_pod();
            }
        } else if n > self.spec {
            let mut ranked = active;
            ranked.sort_by_key(|&i| deletion_rank(&self.pods[i], i));
            for &i in ranked.iter().take((n - self.spec) as usize) {
                self.delete(i);
            }
        }
    }

    fn create_pod(&mut self) {
        let mut p = Pod::new(pod_name(self.pods.len()), self.t);
        let s = &self.sc.file.workload.startup;
        for (k, d) in [
            &s.scheduling,
            &s.image_pull,
            &s.container_start,
            &s.app_start,
        ]
        .into_iter()
        .enumerate()
        {
            p.delays[k] = pods::draw(d, &mut self.rng_startup);
        }
        let i = self.add_pod(p);
        self.pod_event(i, Stage::Pending);
        self.nodes.unbound.push_back(i);
        self.bind_waiting();
        self.maybe_provision();
    }

    fn bound_pods(&self) -> u64 {
        (self
            .tracked
            .iter()
            .filter(|&&i| self.pods[i].holds_node())
            .count()
            + self.settled.pods.len()) as u64
    }

    /// Binds waiting pods while nodes have room (FIFO).
    pub(super) fn bind_waiting(&mut self) {
        while let Some(&i) = self.nodes.unbound.front() {
            if self.pods[i].stage != Stage::Pending {
                self.nodes.unbound.pop_front();
                continue;
            }
            let room = match self.nodes.usable {
                None => true,
                Some(n) => self.bound_pods() < n as u64 * self.nodes.pods_per_node as u64,
            };
            if !room {
                break;
            }
            self.nodes.unbound.pop_front();
            let at = self.t.plus(self.pods[i].delays[0]);
            self.pods[i].reserved = true;
            self.schedule(at, Due::Bind(i));
        }
    }

    /// The cluster autoscaler: add nodes for pods that have no room, up to maxNodes.
    fn maybe_provision(&mut self) {
        let Some(c) = &self.sc.file.capacity else {
            return;
        };
        let waiting = (self.nodes.unbound.iter())
            .filter(|&&i| self.pods[i].stage == Stage::Pending)
            .count() as u64;
        if waiting == 0 {
            return;
        }
        let add = nodes_to_add(
            waiting,
            self.nodes.pods_per_node,
            self.nodes.usable.unwrap_or(0),
            self.nodes.provisioning,
            c.max_nodes.unwrap_or(c.nodes),
        );
        let delay = c
            .provision_delay
            .map(|d| d.span())
            .unwrap_or(Span::from_secs(120));
        for _ in 0..add {
            self.nodes.provisioning += 1;
            self.schedule(self.t.plus(delay), Due::NodeUp);
        }
    }

    /// A node the cluster autoscaler asked for is usable: pods waiting for room bind.
    pub(super) fn node_up(&mut self, at: Time) {
        self.nodes.provisioning = self.nodes.provisioning.saturating_sub(1);
        let n = self.nodes.usable.unwrap_or(0) + 1;
        self.nodes.usable = Some(n);
        self.record(|sim| Event::Node {
            t: sim.secs(at),
            nodes: n,
        });
        self.bind_waiting();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::testing;

    #[test]
    fn a_node_holds_as_many_pods_as_its_scarcest_resource_allows() {
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}",
            "capacity: {nodes: 2, node: {cpu: '2', memory: 1Gi}}",
        );
        // 2 cores / 500m = 4, 1Gi / 512Mi = 2.
        assert_eq!(pods_per_node(&sc), 2);
        let unlimited = testing::scenario("    appStart: {fixed: 1s}", "");
        assert_eq!(pods_per_node(&unlimited), u32::MAX);
    }

    #[test]
    fn the_replicaset_deletes_unbound_then_unready_then_the_newest_ready_first() {
        let t = |s: i64| Time::from_millis(s * 1000);
        let pod = |stage, created, ready_at: Option<i64>| {
            let mut p = Pod::new(String::new(), t(created));
            p.stage = stage;
            p.ready_at = ready_at.map(t);
            p
        };
        let pods = [
            pod(Stage::Ready, 0, Some(10)),
            pod(Stage::Ready, 5, Some(50)),
            pod(Stage::Running, 1, None),
            pod(Stage::Pending, 2, None),
            pod(Stage::Starting, 3, None),
            pod(Stage::Ready, 6, Some(50)),
        ];
        let mut order: Vec<usize> = (0..pods.len()).collect();
        order.sort_by_key(|&i| deletion_rank(&pods[i], i));
        assert_eq!(order, vec![3, 4, 2, 5, 1, 0]);
    }

    #[test]
    fn the_cluster_autoscaler_adds_what_waiting_pods_need_within_max_nodes() {
        // (waiting, pods per node, usable, provisioning, max, added)
        for (waiting, ppn, have, prov, max, want) in [
            (5, 2, 1, 0, 10, 3),
            (5, 2, 1, 1, 10, 2),
            (5, 2, 8, 0, 10, 2),
            (5, 2, 10, 0, 10, 0),
            (1, 0, 0, 0, 3, 1),
        ] {
            assert_eq!(
                nodes_to_add(waiting, ppn, have, prov, max),
                want,
                "{waiting} waiting, {ppn} a node, {have} + {prov} of {max}"
            );
        }
    }
}
