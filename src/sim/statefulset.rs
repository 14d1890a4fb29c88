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

use std::collections::{BTreeMap, BTreeSet};

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
    /// The ordinals below `next` with no live pod (a pod gone, a scale-down): the ones a
    /// pass creates, lowest first, found without visiting the live ones.
    free: BTreeSet<u32>,
    /// One past the highest ordinal ever created: every ordinal from it up is free.
    next: u32,
    /// Each pod's ordinal, by pod index (every pod of the run has one).
    of_pod: Vec<u32>,
    /// The controller is running: a pod gone during it makes it run once more after,
    /// instead of inside itself.
    busy: bool,
    again: bool,
}

impl Ordinals {
    /// Pod `i` was created with `ordinal`.
    fn created(&mut self, ordinal: u32, i: usize) {
        self.live.insert(ordinal, i);
        self.free.remove(&ordinal);
        if ordinal >= self.next {
            self.free.extend(self.next..ordinal);
            self.next = ordinal + 1;
        }
    }

    /// The pod of `ordinal` is gone: the ordinal is free to create anew.
    fn gone(&mut self, ordinal: u32) {
        self.live.remove(&ordinal);
        self.free.insert(ordinal);
    }

    /// The lowest ordinal below `replicas` with no live pod.
    fn lowest_free(&self, replicas: u32) -> Option<u32> {
        let first = self
            .free
            .first()
            .copied()
            .unwrap_or(self.next)
            .min(self.next);
        (first < replicas).then_some(first)
    }

    /// Every ordinal below `replicas` with no live pod, lowest first.
    fn free_below(&self, replicas: u32) -> Vec<u32> {
        let listed = self.free.range(..replicas).copied();
        listed.chain(self.next..replicas).collect()
    }
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
            o.created(ordinal, i);
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
            o.gone(ordinal);
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
        // processReplica for each ordinal in [0, replicas): "If we find a Pod that has not
        // been created we create the Pod". Without monotonic, every missing one at once;
        // the free ordinals are kept, so a pass visits no pod it has nothing to do with
        // (scanning from 0 each pass made a scale-up of n pods n² lookups).
        if !monotonic {
            let Some(o) = &self.stateful else {
                return;
            };
            for ordinal in o.free_below(replicas) {
                self.pod_visits += 1;
                let name = self.new_pod_name(ordinal);
                let i = self.create_pod(name);
                self.ordinal_created(ordinal, i);
            }
        } else {
            // Monotonic: the live pods below the lowest missing ordinal in order, each
            // stopping the pass when not yet Running, Ready and available; then the
            // missing one is created ("return immediately").
            let Some(o) = &self.stateful else {
                return;
            };
            let missing = o.lowest_free(replicas);
            let below = missing.unwrap_or(replicas);
            let mut blocked = None;
            for (_, &i) in o.live.range(..below) {
                self.pod_visits += 1;
                let p = &self.pods[i];
                // processReplica: a terminating pod, one not Running and Ready, and one not
                // yet available each block the ordinals above it.
                if p.stage == Stage::Terminating || !running_and_ready(p) {
                    return;
                }
                if !running_and_available(p, min_ready, now) {
                    blocked = Some(i);
                    break;
                }
            }
            if let Some(i) = blocked {
                self.requeue_when_available(i);
                return;
            }
            if let Some(ordinal) = missing {
                self.pod_visits += 1;
                let name = self.new_pod_name(ordinal);
                let i = self.create_pod(name);
                self.ordinal_created(ordinal, i);
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

#[cfg(test)]
mod tests {
    use super::Ordinals;

    /// The ordinals a pass creates are the free ones below the replicas, lowest first, as
    /// `processReplica` finds them walking from 0: after a scale-down (the highest gone)
    /// and a pod gone in the middle, a scale-up refills the middle one first.
    #[test]
    fn a_scale_up_creates_the_lowest_free_ordinals_first() {
        let mut o = Ordinals::default();
        // (ordinals created, ordinals gone, replicas, the free ones below them)
        type Step<'a> = (&'a [u32], &'a [u32], u32, &'a [u32]);
        let steps: [Step; 5] = [
            (&[], &[], 3, &[0, 1, 2]),
            (&[0, 1, 2, 3, 4], &[], 5, &[]),
            (&[], &[4, 3], 5, &[3, 4]),
            (&[], &[1], 6, &[1, 3, 4, 5]),
            (&[1, 3], &[], 6, &[4, 5]),
        ];
        let mut pod = 0;
        for (k, (created, gone, replicas, free)) in steps.into_iter().enumerate() {
            for &ordinal in created {
                o.created(ordinal, pod);
                pod += 1;
            }
            for &ordinal in gone {
                o.gone(ordinal);
            }
            assert_eq!(o.free_below(replicas), free, "step {k}");
            assert_eq!(o.lowest_free(replicas), free.first().copied(), "step {k}");
            // Below fewer replicas: only those below them.
            assert!(o.free_below(1).iter().all(|&n| n < 1), "step {k}");
        }
        // A gap left when a higher ordinal is created first is free too.
        let mut o = Ordinals::default();
        o.created(2, 0);
        assert_eq!(o.free_below(4), [0, 1, 3]);
    }
}
