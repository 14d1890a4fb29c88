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
    /// Pods waiting for room, in creation order. A pod deleted while it waits stays until
    /// it reaches the front, where it is dropped: each pod enters and leaves once.
    pub(super) unbound: VecDeque<usize>,
    /// Pods holding a node's room (bound, or on their way to their node, and not gone),
    /// kept up to date at each change so that binding a pod does not count them all.
    pub(super) bound: u64,
    /// Pending pods without room: those of `unbound` still Pending.
    pub(super) waiting: u64,
}

impl Nodes {
    /// Keeps the counters in step with a pod's change of stage: a pod that leaves Pending
    /// without room (it is deleted) stops waiting; one that holds room and is gone frees
    /// it.
    pub(super) fn stage_changes(&mut self, p: &Pod, to: Stage) {
        if p.stage == Stage::Pending && to != Stage::Pending && !p.reserved {
            self.waiting -= 1;
        }
        if to == Stage::Gone && p.holds_node() {
            self.bound -= 1;
        }
    }
}

/// Pods a node holds: the fewest by any resource the pod requests and the node offers.
pub(super) fn pods_per_node(sc: &Scenario) -> u32 {
    let requests = &sc.pod.requests;
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
        let spare = std::mem::take(&mut self.spare_decision);
        let mut decision = crate::core::decide_validated_reusing(&self.core, spare);
        self.return_entries();
        totals.syncs += 1;
        if decision.desired_replicas > self.spec {
            totals.scale_ups += 1;
        } else if decision.desired_replicas < self.spec {
            totals.scale_downs += 1;
        }
        self.keda_after_sync(keda_reads, &decision);
        // The controller's memory for the next sync: the decision's own, unless the
        // decision is kept whole (an event, a recorded sync).
        let kept = self.takes_events() || recorded.is_some();
        if kept {
            self.core.history.clone_from(&decision.history);
        } else {
            // The memory it replaces lends its room to the next sync's.
            std::mem::swap(&mut self.core.history, &mut decision.history);
        }
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
        } else if !kept {
            // Its history holds the memory the decision's replaced (swapped above).
            self.spare_decision = crate::core::Spare::from(decision);
        }
        if rescale {
            self.spec = desired;
            self.scale_changed();
        }
    }

    /// A scheduled action: scale by hand, patch the HPA, or delete Ready pods.
    pub(super) fn action(&mut self, k: usize) {
        let a = self.sc.actions[k].clone();
        let t = self.secs(self.t);
        let text = if let Some(n) = a.scale {
            let text = format!("scale the {} {} -> {n}", self.target_kind(), self.spec);
            self.spec = n;
            self.scale_changed();
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

    /// The ReplicaSet: create or delete pods until the active ones match the replicas the
    /// target keeps its pods at (`followed`: spec.replicas once the operator has acted).
    pub(super) fn reconcile(&mut self) {
        if self.stateful.is_some() {
            return self.reconcile_stateful_set();
        }
        let active: Vec<usize> = self.live().filter(|&i| self.pods[i].is_active()).collect();
        self.pod_visits += (self.tracked.len() + self.settled.pods.len()) as u64;
        let n = active.len() as i32;
        let target = self.followed;
        if n < target {
            for _ in n..target {
                self.create_pod(pod_name(self.pods.len()));
            }
        } else if n > target {
            let mut ranked = active;
            ranked.sort_by_key(|&i| deletion_rank(&self.pods[i], i));
            for &i in ranked.iter().take((n - target) as usize) {
                self.delete(i);
            }
        }
        self.forget_gone();
    }

    /// A new Pending pod, its start-up delays drawn: its index.
    pub(super) fn create_pod(&mut self, name: String) -> usize {
        let mut p = Pod::new(name, self.t);
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
        self.nodes.waiting += 1;
        self.bind_waiting();
        self.maybe_provision();
        i
    }

    /// Binds waiting pods while nodes have room (FIFO). Each pass looks at the pods it
    /// binds or drops and at one more: creating n pods costs n passes, not n².
    pub(super) fn bind_waiting(&mut self) {
        while let Some(&i) = self.nodes.unbound.front() {
            self.pod_visits += 1;
            if self.pods[i].stage != Stage::Pending {
                self.nodes.unbound.pop_front();
                continue;
            }
            let room = match self.nodes.usable {
                None => true,
                Some(n) => self.nodes.bound < n as u64 * self.nodes.pods_per_node as u64,
            };
            if !room {
                break;
            }
            self.nodes.unbound.pop_front();
            let at = self.t.plus(self.pods[i].delays[0]);
            self.pods[i].reserved = true;
            self.nodes.bound += 1;
            self.nodes.waiting -= 1;
            self.schedule(at, Due::Bind(i));
        }
    }

    /// The cluster autoscaler: add nodes for pods that have no room, up to maxNodes.
    fn maybe_provision(&mut self) {
        let Some(c) = &self.sc.file.capacity else {
            return;
        };
        let waiting = self.nodes.waiting;
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
    use crate::sim::engine::Options;
    use crate::sim::testing;

    /// Pods holding a node's room, and Pending pods waiting for it, counted the slow way.
    fn room_by_scan(sim: &Sim) -> (u64, u64) {
        let bound = sim.pods.iter().filter(|p| p.holds_node()).count() as u64;
        let waiting = (sim.nodes.unbound.iter())
            .filter(|&&i| sim.pods[i].stage == Stage::Pending)
            .count() as u64;
        (bound, waiting)
    }

    /// Runs the ReplicaSet and the pods' events, without serving, from second `from` to
    /// `to`, asking at each second of `plan` for its replicas.
    fn drive(
        sim: &mut Sim,
        from: i64,
        to: i64,
        plan: &[(i64, i32)],
        each: &mut dyn FnMut(&Sim, i64),
    ) {
        for s in from..to {
            sim.t = sim.sc.start.plus(Span::from_secs(s));
            sim.handle_due();
            if s % 15 == 0 {
                sim.scrape();
            }
            if let Some(&(_, n)) = plan.iter().find(|p| p.0 == s) {
                sim.spec = n;
                sim.followed = n;
                sim.reconcile();
            }
            each(sim, s);
        }
    }

    #[test]
    fn the_room_counters_agree_with_a_count_of_the_pods_at_every_second() {
        let sc = testing::scenario(
            "    scheduling: {fixed: 2s}\n    imagePull: {fixed: 3s}\n    appStart: {fixed: 1s}",
            "capacity: {nodes: 1, maxNodes: 4, provisionDelay: 30s, node: {cpu: '2'}}",
        );
        let mut sim = Sim::new(&sc, &Options::default(), 1);
        // (second, replicas asked for): up past the nodes, down to Pending pods only and
        // to none, up again while pods terminate.
        let plan = [
            (1, 12),
            (20, 3),
            (25, 20),
            (60, 1),
            (61, 9),
            (200, 0),
            (210, 16),
            (400, 2),
        ];
        let mut settled = 0;
        drive(&mut sim, 0, 600, &plan, &mut |sim, s| {
            assert_eq!(
                (sim.nodes.bound, sim.nodes.waiting),
                room_by_scan(sim),
                "(bound, waiting) at {s} s"
            );
            assert!(
                sim.tracked
                    .iter()
                    .all(|&i| sim.pods[i].stage != Stage::Gone),
                "a gone pod left in tracked at {s} s"
            );
            settled = settled.max(sim.settled.pods.len());
        });
        assert!(
            settled > 0,
            "some pods settle, and leave the group when deleted"
        );
        assert_eq!(sim.nodes.usable, Some(4), "nodes were added");
    }

    #[test]
    fn waiting_pods_cost_the_bookkeeping_the_same_each_however_many_wait() {
        // The pods the ReplicaSet, the scheduler and the dropping of gone pods look at, per
        // pod asked for: n pods created with room for 4, run a minute, then all deleted
        // but one. Quadratic work would show as visits growing with n.
        let mut per_pod = vec![];
        for n in [100, 1_000, 10_000] {
            let sc = testing::scenario(
                "    appStart: {fixed: 1s}",
                "capacity: {nodes: 1, node: {cpu: '2'}}",
            );
            let mut sim = Sim::new(&sc, &Options::default(), 1);
            drive(&mut sim, 0, 120, &[(1, n), (61, 1)], &mut |_, _| {});
            assert_eq!(sim.count(Stage::Pending), 0);
            assert_eq!(sim.pods.len(), n as usize);
            let visits = sim.pod_visits as f64 / f64::from(n);
            assert!(visits <= 5.0, "{n} pods: {} visits", sim.pod_visits);
            per_pod.push(visits);
        }
        assert!(
            per_pod[2] <= per_pod[0] * 1.1,
            "visits per pod grow with the pods: {per_pod:?}"
        );
    }

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
