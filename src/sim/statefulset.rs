//! The StatefulSet controller, when the HPA's `scaleTargetRef` names a StatefulSet: pods
//! `NAME-0`, `NAME-1`… created and deleted by ordinal, as kube-controller-manager's
//! `pkg/controller/statefulset/stateful_set_control.go` does. `OrderedReady` (its
//! `monotonic` mode) creates one pod at a time, each once every lower ordinal is Running,
//! Ready and available, and deletes from the highest ordinal one at a time, each once the
//! previous one is gone; `Parallel` (`allowsBurst`) creates and deletes all at once. The
//! rolling-update half of the controller is not simulated (hpasim changes no template).
//!
//! The controller acts on every pod event it watches: here, when the replicas change, a
//! pod becomes Ready, a pod is gone, and when a pod's `minReadySeconds` have passed.

use std::collections::BTreeMap;

use super::engine::{Due, Sim, pod_name};
use super::pods::{Pod, Stage};
use crate::core::Time;
use crate::scenario::scale_target::PodManagementPolicy;

/// The StatefulSet's pods by ordinal.
#[derive(Default)]
pub(super) struct Ordinals {
    /// Live pods (not gone; terminating ones included, as the controller lists them)
    /// by ordinal: an ordinal is created anew only once its pod is gone.
    live: BTreeMap<u32, usize>,
    /// Each pod's ordinal, by pod index (every pod of the run has one).
    of_pod: Vec<u32>,
    /// The controller is running: a pod gone during it makes it run once more after,
    /// instead of inside itself.
    busy: bool,
    again: bool,
}

/// `isRunningAndReady`: phase Running and the Ready condition true.
fn running_and_ready(p: &Pod) -> bool {
    p.stage == Stage::Ready
}

/// `isRunningAndAvailable` (`podutil.IsPodAvailable`): Ready for `minReadySeconds`. The
/// controller re-queues the set `minReadySeconds` after the pod became Ready
/// (`enqueueSSAfter`), so it sees the pod available at that instant, not later.
fn running_and_available(p: &Pod, min_ready: crate::core::Span, now: Time) -> bool {
    running_and_ready(p) && p.ready_since.is_some_and(|r| r.plus(min_ready) <= now)
}

/// `isUnavailable`: not healthy (running, ready, not terminating) or not yet available.
fn unavailable(p: &Pod, min_ready: crate::core::Span, now: Time) -> bool {
    !running_and_available(p, min_ready, now)
}

impl Sim<'_> {
    /// A pod's name: `NAME-ORDINAL` for a StatefulSet, the Deployment's numbering else.
    pub(super) fn new_pod_name(&self, ordinal: u32) -> String {
        match &self.sc.stateful {
            Some(set) => format!("{}-{ordinal}", set.name),
            None => pod_name(ordinal as usize),
        }
    }

    /// What the HPA scales, as the action texts name it.
    pub(super) fn target_kind(&self) -> &'static str {
        if self.stateful.is_some() {
            "StatefulSet"
        } else {
            "Deployment"
        }
    }

    /// Pod `i` was created with `ordinal`.
    pub(super) fn ordinal_created(&mut self, ordinal: u32, i: usize) {
        if let Some(o) = &mut self.stateful {
            o.live.insert(ordinal, i);
            o.of_pod.push(ordinal);
            debug_assert_eq!(o.of_pod.len(), i + 1);
        }
    }

    /// A pod became Ready or is gone: the StatefulSet controller, watching its pods, syncs.
    pub(super) fn stateful_pod_changed(&mut self, i: usize) {
        let gone = self.pods[i].stage == Stage::Gone;
        let Some(o) = &mut self.stateful else {
            return;
        };
        if gone
            && let Some(&ordinal) = o.of_pod.get(i)
            && o.live.get(&ordinal) == Some(&i)
        {
            o.live.remove(&ordinal);
        }
        self.reconcile();
    }

    /// The StatefulSet controller's sync (`updateStatefulSet`), run until a pass changes
    /// nothing that unblocks another (a pod deleted before its container ran is gone at
    /// once, which the controller would see as a watch event).
    pub(super) fn reconcile_stateful_set(&mut self) {
        let Some(o) = &mut self.stateful else {
            return;
        };
        if o.busy {
            o.again = true;
            return;
        }
        o.busy = true;
        loop {
            if let Some(o) = &mut self.stateful {
                o.again = false;
            }
            self.stateful_set_pass();
            if !self.stateful.as_ref().is_some_and(|o| o.again) {
                break;
            }
        }
        if let Some(o) = &mut self.stateful {
            o.busy = false;
        }
        self.forget_gone();
    }

    /// One pass of `updateStatefulSet`: first each ordinal in `[0, replicas)`
    /// (`processReplica`), then the condemned ones above it, highest first
    /// (`processCondemned`); in `monotonic` mode (OrderedReady) each stops the pass at the
    /// first pod it creates, deletes or must wait for (`runForAll`).
    fn stateful_set_pass(&mut self) {
        let Some(set) = &self.sc.stateful else {
            return;
        };
        let monotonic = set.policy == PodManagementPolicy::OrderedReady;
        let min_ready = set.min_ready;
        let now = self.t;
        let replicas = self.followed.max(0) as u32;
        for ordinal in 0..replicas {
            self.pod_visits += 1;
            let pod = self
                .stateful
                .as_ref()
                .and_then(|o| o.live.get(&ordinal).copied());
            let Some(i) = pod else {
                // processReplica: "If we find a Pod that has not been created we create
                // the Pod"; monotonic: "return immediately".
                let name = self.new_pod_name(ordinal);
                let i = self.create_pod(name);
                self.ordinal_created(ordinal, i);
                if monotonic {
                    return;
                }
                continue;
            };
            if !monotonic {
                continue;
            }
            let p = &self.pods[i];
            // processReplica: a terminating pod, one not Running and Ready, and one not
            // yet available each block the ordinals above it.
            if p.stage == Stage::Terminating || !running_and_ready(p) {
                return;
            }
            if !running_and_available(p, min_ready, now) {
                self.requeue_when_available(i);
                return;
            }
        }
        // The condemned pods (ordinal >= replicas), highest ordinal first.
        let condemned: Vec<usize> = match &self.stateful {
            Some(o) => o.live.range(replicas..).rev().map(|(_, &i)| i).collect(),
            None => return,
        };
        self.pod_visits += condemned.len() as u64;
        // firstUnavailablePod: every replica is available by now in monotonic mode, so it
        // is the lowest-ordinal unavailable condemned pod.
        let first_unhealthy = (condemned.iter().rev())
            .copied()
            .find(|&i| unavailable(&self.pods[i], min_ready, now));
        for i in condemned {
            let p = &self.pods[i];
            if p.stage == Stage::Terminating {
                // processCondemned: "in monotonic mode, block and wait for terminating
                // pods to expire".
                if monotonic {
                    return;
                }
                continue;
            }
            if monotonic && Some(i) != first_unhealthy {
                if !running_and_ready(p) {
                    return;
                }
                if !running_and_available(p, min_ready, now) {
                    self.requeue_when_available(i);
                    return;
                }
            }
            self.delete(i);
            // processCondemned returns true after a deletion: monotonic runForAll stops.
            if monotonic {
                return;
            }
        }
    }

    /// `enqueueSSAfter(minReadySeconds)`: the controller looks again when pod `i` becomes
    /// available.
    fn requeue_when_available(&mut self, i: usize) {
        let (Some(set), Some(since)) = (&self.sc.stateful, self.pods[i].ready_since) else {
            return;
        };
        let at = since.plus(set.min_ready);
        if at > self.t {
            self.schedule(at, Due::StatefulSet);
        }
    }
}
