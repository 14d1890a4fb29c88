//! KEDA's operator beside the generated HPA (ScaledObject scenarios): its polls at
//! creation + k x pollingInterval, before an HPA sync of the same second; its writes to
//! the Deployment's replicas; the External metrics the HPA reads through KEDA's metrics
//! server. The rules are `keda::KedaState`'s; this file feeds it the run's readings and
//! applies and records what it returns. It decides nothing itself.

use super::engine::Sim;
use super::observe::RunTotals;
use super::pods::Stage;
use super::record::{Event, RecordedPoll};
use crate::core::{Decision, Time};
use crate::keda::{
    HpaRead, KedaDecision, KedaSection, KedaSnapshot, KedaState, Poll, Reading, ReadingText,
    TargetReplicas, externals_map,
};
use crate::scenario::model::DerivedMetric;

/// KEDA's state over a run.
pub(super) struct KedaRun {
    /// What KEDA keeps between polls (`status.lastActiveTime`, failure counts, cache).
    state: KedaState,
    /// When KEDA polls next.
    next_poll: Time,
    /// A poll's snapshot waiting for the HPA sync of its second to complete it
    /// (`--snapshots`).
    pending: Option<KedaSnapshot>,
    /// The poll's decision, completed by that sync.
    pending_decision: Option<KedaDecision>,
    /// The polls recorded (`--snapshots`).
    pub(super) recorded: Vec<RecordedPoll>,
}

impl KedaRun {
    /// KEDA's loop for a scenario with a ScaledObject, created at the run's start.
    pub(super) fn for_scenario(sc: &crate::scenario::Scenario) -> Option<KedaRun> {
        sc.keda.as_ref().map(|_| KedaRun {
            state: KedaState::new(sc.start),
            next_poll: sc.start,
            pending: None,
            pending_decision: None,
            recorded: vec![],
        })
    }
}

impl Sim<'_> {
    /// The `metrics:` entry a metric of the HPA reads: its own name, or for a KEDA
    /// External metric (`s0-prometheus`) the entry its trigger is bound to.
    pub(super) fn metric_entry(&self, name: &str) -> Option<(&str, &DerivedMetric)> {
        let entry = match &self.sc.keda {
            Some(k) => (k.keda.externals.iter())
                .position(|e| e.metric_name == name)
                .map_or(name, |i| k.sources[i].as_str()),
            None => name,
        };
        self.sc
            .file
            .metrics
            .get_key_value(entry)
            .map(|(k, d)| (k.as_str(), d))
    }

    /// What each External trigger's scaler reads now (in `Keda::externals` order): its
    /// entry's value (`custom_value`, as any custom or external metric), or a failed query
    /// during an outage of the entry or of the External metric.
    fn trigger_readings(&self) -> Vec<Reading> {
        let Some(k) = &self.sc.keda else {
            return vec![];
        };
        (k.keda.externals.iter().zip(&k.sources))
            .map(|(ext, entry)| {
                let value = (self.sc.file.metrics.get(entry))
                    .filter(|_| self.served(&ext.metric_name, false))
                    .and_then(|d| self.custom_value(entry, d, false));
                value.map_or(Reading::Failed, Reading::Value)
            })
            .collect()
    }

    /// The target as KEDA reads it: `spec.replicas`, and the Running pods whose Ready
    /// condition is True (`getReadyReplicasCount`).
    fn target_replicas(&self) -> TargetReplicas {
        TargetReplicas {
            current: self.spec,
            ready: self.count(Stage::Ready) as i32,
        }
    }

    /// KEDA's poll when one is due (`startScaleLoop`, scale_handler.go:268: every
    /// pollingInterval from creation), run before the HPA sync of the same second
    /// (`sync_due`): `RequestScale`'s write goes to the Deployment directly. A write that
    /// changes the replicas counts in `totals` as a scale-up or scale-down, as the HPA's
    /// do: whoever writes it, it is a change of the Deployment's replicas.
    pub(super) fn keda_poll_if_due(&mut self, sync_due: bool, totals: &mut RunTotals) {
        let (Some(sk), Some(run)) = (&self.sc.keda, &self.keda) else {
            return;
        };
        if self.t < run.next_poll {
            return;
        }
        let keda = &sk.keda;
        let now = self.t;
        let readings = self.trigger_readings();
        let target = self.target_replicas();
        let Some(run) = self.keda.as_mut() else {
            return;
        };
        run.next_poll = KedaState::next_poll(keda, now);
        let before = self.keep_snapshots.then(|| run.state.clone());
        let poll = run.state.poll(keda, now, &readings, target);
        let from = self.spec;
        if let Some(set) = poll.set_replicas {
            match set.cmp(&from) {
                std::cmp::Ordering::Greater => totals.scale_ups += 1,
                std::cmp::Ordering::Less => totals.scale_downs += 1,
                std::cmp::Ordering::Equal => {}
            }
            // scale_scaledobjects.go `updateScaleOnScaleTarget`: the scale subresource.
            self.spec = set;
            self.scale_changed();
        }
        self.record(|sim| Event::Keda {
            t: sim.secs(now),
            action: poll.action,
            from,
            set_replicas: poll.set_replicas,
            active: poll.active,
            why: poll.why.clone(),
        });
        if let Some(before) = before {
            self.keep_poll(before, from, &readings, poll, sync_due);
        }
    }

    /// The poll as a ScaledObject snapshot (docs/keda-snapshot.md): kept until the HPA
    /// sync of its second completes it, or recorded now when none follows.
    fn keep_poll(
        &mut self,
        before: KedaState,
        current: i32,
        readings: &[Reading],
        poll: Poll,
        sync_due: bool,
    ) {
        let Some(sk) = &self.sc.keda else {
            return;
        };
        let keda = &sk.keda;
        let readings = (keda.externals.iter().zip(readings))
            .map(|(e, r)| {
                let text = match *r {
                    Reading::Value(v) => ReadingText::Value(v),
                    Reading::Failed => ReadingText::Word("failed".into()),
                };
                (e.metric_name.clone(), text)
            })
            .collect();
        let snapshot = KedaSnapshot {
            now: self.t,
            scaled_object: keda.scaled_object.clone(),
            current_replicas: current,
            status_replicas: None,
            pods: vec![],
            history: self.core.history.clone(),
            controller: self.core.controller.clone(),
            keda: KedaSection {
                created_at: before.created_at,
                last_active_time: before.last_active_time,
                failures: before.failures.clone(),
                readings,
                hpa_sync: sync_due,
            },
            decision: None,
        };
        let Some(run) = &self.keda else {
            return;
        };
        let decision = KedaDecision {
            hpa_name: keda.hpa_name(),
            keda: poll,
            last_active_time: run.state.last_active_time,
            failures: run.state.failures.clone(),
            hpa_reads: vec![],
            hpa: None,
        };
        if sync_due {
            let run = self.keda.as_mut().expect("checked above");
            run.pending = Some(snapshot);
            run.pending_decision = Some(decision);
        } else {
            self.finish_poll(snapshot, decision, None);
        }
    }

    /// A poll's snapshot with the pods as listed now (after KEDA's write), recorded with
    /// its decision; `status` is the status replicas the HPA sync of the second saw.
    fn finish_poll(
        &mut self,
        mut snapshot: KedaSnapshot,
        decision: KedaDecision,
        status: Option<i32>,
    ) {
        let listed = self.expanded_snapshot();
        snapshot.pods = listed.pods;
        snapshot.status_replicas = status;
        snapshot.decision = serde_json::to_value(&decision).ok();
        let second = self.t.as_millis().div_euclid(1000);
        if let Some(run) = self.keda.as_mut() {
            run.recorded.push(RecordedPoll { second, snapshot });
        }
    }

    /// At an HPA sync, before the core decides: the External metrics as KEDA's metrics
    /// server serves them (`GetScaledObjectMetrics`, through the fallback), read only when
    /// the HPA reads metrics at the current replicas (`Keda::hpa_reads_metrics`).
    pub(super) fn keda_hpa_reads(&mut self) -> Vec<HpaRead> {
        let Some(sk) = &self.sc.keda else {
            return vec![];
        };
        let keda = &sk.keda;
        let reads = if keda.hpa_reads_metrics(self.spec) {
            let readings = self.trigger_readings();
            let target = self.target_replicas();
            match self.keda.as_mut() {
                Some(run) => run.state.hpa_read(keda, &readings, target),
                None => vec![],
            }
        } else {
            vec![]
        };
        self.core.externals = externals_map(&reads);
        reads
    }

    /// After the core decided at a sync: completes the snapshot of a poll of the same
    /// second with the HPA's reads and decision (the history it started from is the
    /// poll's, as nothing changes it in between).
    pub(super) fn keda_after_sync(&mut self, reads: Vec<HpaRead>, decision: &Decision) {
        let Some(run) = self.keda.as_mut() else {
            return;
        };
        let (Some(snapshot), Some(mut pending)) = (run.pending.take(), run.pending_decision.take())
        else {
            return;
        };
        pending.hpa_reads = reads;
        pending.hpa = Some(decision.clone());
        pending.failures = run.state.failures.clone();
        pending.last_active_time = run.state.last_active_time;
        let status = self.core.status_replicas;
        self.finish_poll(snapshot, pending, status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;
    use crate::sim::engine::Options;

    /// The worker of tests/keda/sim/worker.yaml with `more` top-level YAML (actions).
    fn scenario(more: &str) -> crate::scenario::Scenario {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keda/sim/x.yaml");
        let text = std::fs::read_to_string(path.with_file_name("worker.yaml")).expect("fixture");
        crate::scenario::parse_scenario(&format!("{text}{more}"), &path).expect("valid")
    }

    #[test]
    fn a_trigger_reads_its_entry_and_an_outage_of_either_name_fails_the_read() {
        // (the outage's metric, the reading at 150 s inside it)
        for (outage, failed) in [("", false), ("queue", true), ("s0-prometheus", true)] {
            let actions = if outage.is_empty() {
                String::new()
            } else {
                format!(
                    "actions:\n- {{at: \"00:02:00\", metricOutage: {{metric: {outage}, for: 1m}}}}\n"
                )
            };
            let sc = scenario(&actions);
            let mut sim = Sim::new(&sc, &Options::default(), 0);
            assert_eq!(
                sim.metric_entry("s0-prometheus").map(|(name, _)| name),
                Some("queue")
            );
            sim.t = sc.start.plus(Span::from_secs(150));
            let want = if failed {
                Reading::Failed
            } else {
                Reading::Value(300.0)
            };
            assert_eq!(sim.trigger_readings(), [want], "outage {outage:?}");
        }
    }

    #[test]
    fn polls_fall_at_creation_plus_multiples_of_the_polling_interval() {
        let sc = scenario("");
        let mut sim = Sim::new(&sc, &Options::default(), 0);
        let mut polled = vec![];
        for s in 0..100 {
            sim.t = sc.start.plus(Span::from_secs(s));
            let before = sim.keda.as_ref().map(|k| k.next_poll);
            sim.keda_poll_if_due(false, &mut RunTotals::default());
            if sim.keda.as_ref().map(|k| k.next_poll) != before {
                polled.push(s);
            }
        }
        assert_eq!(polled, [0, 30, 60, 90]);
    }
}
