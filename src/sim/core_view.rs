//! The snapshot handed to the core at each sync: the HPA as patched, the pods as the
//! controller's listers and metrics APIs show them (the settled pods as one counted entry),
//! the derived metrics' values. Built in place between syncs; it decides nothing.

use std::collections::BTreeMap;

use super::engine::Sim;
use super::pods::{PodSample, Stage};
use crate::core::api::MetricSourceType;
use crate::core::snapshot::{ConditionStatus, Pod, PodPhase, Sample};
use crate::core::{Quantity, Snapshot};

impl Sim<'_> {
    /// Brings the core's snapshot up to this sync: the tracked pods one by one (their
    /// entries, kept on the pods between syncs, lent to the snapshot until
    /// [`Sim::return_entries`]) and the settled ones as one counted entry.
    pub(super) fn refresh_snapshot(&mut self) {
        let now = self.t;
        let mut core = std::mem::take(&mut self.core.pods);
        core.clear();
        for idx in 0..self.tracked.len() {
            let i = self.tracked[idx];
            let entry = self.pods[i].entry.take();
            core.push(entry.unwrap_or_else(|| self.new_entry(i)));
        }
        // Any settled pod stands for them all (the rules read nothing that differs).
        let first = self.settled.pods.first().copied();
        if let Some(first) = first {
            core.push(match self.settled.entry.take() {
                Some(e) if e.name == self.pods[first].name => e,
                _ => self.new_entry(first),
            });
        }
        let pod_metrics = self.pod_metric_values();
        for (entry, &i) in core.iter_mut().zip(&self.tracked) {
            self.fill_entry(entry, i, self.pods[i].sample, &pod_metrics);
        }
        if let (Some(first), Some(group)) = (first, core.last_mut()) {
            self.fill_entry(group, first, self.settled.sample, &pod_metrics);
            group.count = self.settled.pods.len() as u32;
        }
        let active = (self.tracked.iter())
            .filter(|&&i| self.pods[i].is_active())
            .count()
            + self.settled.pods.len();
        for (k, m) in self.metric_specs.iter().enumerate() {
            let name = &self.metric_names[k];
            let Some(d) = self.sc.file.metrics.get(name) else {
                continue;
            };
            // During an outage the metrics API returns nothing: the core's error path.
            let value = self.custom_value(name, d, false).map(milli_quantity);
            match (m.kind, value) {
                (MetricSourceType::Object, Some(v)) => set_value(&mut self.core.objects, name, v),
                (MetricSourceType::Object, None) => {
                    self.core.objects.remove(name);
                }
                (MetricSourceType::External, Some(v)) => {
                    set_value(&mut self.core.externals, name, vec![v]);
                }
                (MetricSourceType::External, None) => {
                    self.core.externals.remove(name);
                }
                _ => {}
            }
        }
        self.core.pods = core;
        self.core.now = now;
        self.core.current_replicas = self.spec;
        self.core.status_replicas = Some(active as i32);
    }

    /// Gives the tracked pods and the settled group their entries back after the sync (the
    /// list keeps its room for the next one).
    pub(super) fn return_entries(&mut self) {
        let mut entries = self.core.pods.drain(..);
        for &i in &self.tracked {
            self.pods[i].entry = entries.next();
        }
        self.settled.entry = entries.next();
    }

    /// The recorded snapshot (`--snapshots`): the core's, with every pod listed on its own,
    /// sorted by pod. The core decides it alike: `tests/it/simulate.rs` replays it.
    pub(super) fn expanded_snapshot(&self) -> Snapshot {
        let pod_metrics = self.pod_metric_values();
        let mut all: Vec<_> = (self.tracked.iter().map(|&i| (i, self.pods[i].sample)))
            .chain(self.settled.pods.iter().map(|&i| (i, self.settled.sample)))
            .collect();
        all.sort_unstable_by_key(|&(i, _)| i);
        let pods = all
            .into_iter()
            .map(|(i, sample)| {
                let mut entry = self.new_entry(i);
                self.fill_entry(&mut entry, i, sample, &pod_metrics);
                entry
            })
            .collect();
        // Field by field: `..self.core.clone()` would also copy the entries lent to it.
        let core = &self.core;
        Snapshot {
            now: core.now,
            hpa: core.hpa.clone(),
            current_replicas: core.current_replicas,
            status_replicas: core.status_replicas,
            pods,
            objects: core.objects.clone(),
            externals: core.externals.clone(),
            history: core.history.clone(),
            controller: core.controller.clone(),
            decision: None,
        }
    }

    /// Each Pods metric served, with its value per Ready pod now (`None` during an outage)
    /// and whether only Ready pods export it (a given `perPod` value).
    fn pod_metric_values(&self) -> Vec<(&str, Option<f64>, bool)> {
        (self.metric_specs.iter().zip(&self.metric_names))
            .filter(|(m, _)| m.kind == MetricSourceType::Pods)
            .filter_map(|(_, name)| {
                let d = self.sc.file.metrics.get(name)?;
                Some((name.as_str(), self.custom_value(name, d, true), d.per_pod))
            })
            .collect()
    }

    /// A pod's entry with what never changes: its name and requests.
    fn new_entry(&self, i: usize) -> Pod {
        Pod {
            name: self.pods[i].name.clone(),
            phase: PodPhase::Pending,
            ready: None,
            ready_since: None,
            start_time: None,
            deleting: false,
            requests: (self.sc.pod.containers.iter())
                .map(|c| (c.name.clone(), c.requests.clone()))
                .collect(),
            pod_requests: self.sc.pod.pod_requests.clone().unwrap_or_default(),
            metrics: BTreeMap::new(),
            count: 1,
        }
    }

    /// One pod as the controller's listers and metrics APIs show it now, written over its
    /// entry (the maps' keys are kept: no allocation once a pod has had its samples).
    fn fill_entry(
        &self,
        entry: &mut Pod,
        i: usize,
        sample: Option<PodSample>,
        pod_metrics: &[(&str, Option<f64>, bool)],
    ) {
        let p = &self.pods[i];
        let window = self.sc.file.metrics_server.window.span();
        let scraped = |milli, timestamp| Sample {
            value: Quantity::from_milli(milli),
            timestamp: Some(timestamp),
            window: Some(window),
        };
        let (cpu, memory) = match sample {
            Some(s) => (
                Some(scraped(s.cpu_milli, s.at)),
                Some(scraped(s.memory_milli, s.at)),
            ),
            None => (None, None),
        };
        // metrics-server down: no samples, as the resource metrics API returns none.
        let cpu = cpu.filter(|_| self.served("cpu", true));
        let memory = memory.filter(|_| self.served("memory", true));
        let metrics = &mut entry.metrics;
        if self.sc.pod.is_plain() {
            // The one container's keys: `app/cpu`, or its name in the Deployment's.
            let one = &self.sc.pod.containers[0];
            set_sample(metrics, "cpu", cpu.clone());
            set_sample(metrics, &one.cpu_key, cpu);
            set_sample(metrics, "memory", memory.clone());
            set_sample(metrics, &one.memory_key, memory);
        } else {
            // metrics-server reports each container; the pod's usage is their sum
            // (`getResourceMetricsForPods` sums the containers' milli-values).
            let (mut cpu_sum, mut memory_sum) = (0i64, 0i64);
            for (k, c) in self.sc.pod.containers.iter().enumerate() {
                let each = sample.map(|s| {
                    let startup = if k == 0 { s.parts[2] } else { 0.0 };
                    let cpu = c.baseline_cpu as f64 * s.parts[0]
                        + c.cpu_per_request as f64 * s.parts[1]
                        + startup;
                    let memory = c.baseline_memory as f64 + c.memory_per_request as f64 * s.served;
                    (cpu.round() as i64, memory.round() as i64, s.at)
                });
                if let Some((c_cpu, c_memory, _)) = each {
                    cpu_sum += c_cpu;
                    memory_sum += c_memory;
                }
                let cpu_k = (each.zip(cpu.as_ref())).map(|((m, _, at), _)| scraped(m, at));
                let memory_k = (each.zip(memory.as_ref())).map(|((_, m, at), _)| scraped(m, at));
                set_sample(metrics, &c.cpu_key, cpu_k);
                set_sample(metrics, &c.memory_key, memory_k);
            }
            set_sample(
                metrics,
                "cpu",
                cpu.map(|s| scraped(cpu_sum, s.timestamp.unwrap_or(self.t))),
            );
            set_sample(
                metrics,
                "memory",
                memory.map(|s| scraped(memory_sum, s.timestamp.unwrap_or(self.t))),
            );
        }
        for &(name, per_pod, ready_only) in pod_metrics {
            // An exporter sidecar serves only from Ready pods; a derived rate is 0 on a
            // started pod that serves nothing yet.
            let value = match (per_pod, p.stage == Stage::Ready) {
                (Some(v), true) => Some(v),
                (Some(_), false) if !ready_only && p.container_started.is_some() => Some(0.0),
                _ => None,
            };
            let sample = value.map(|v| Sample {
                value: milli_quantity(v),
                timestamp: Some(self.t),
                window: None,
            });
            set_sample(metrics, name, sample);
        }
        entry.phase = if p.container_started.is_some() {
            PodPhase::Running
        } else {
            PodPhase::Pending
        };
        entry.ready = p.ready.map(|r| {
            if r {
                ConditionStatus::True
            } else {
                ConditionStatus::False
            }
        });
        entry.ready_since = p.ready_since;
        entry.start_time = p.start_time;
        entry.deleting = p.deleting_since.is_some();
        entry.count = 1;
    }
}

/// Sets or removes a pod's sample under `key`, allocating the key only when it is new.
fn set_sample(metrics: &mut BTreeMap<String, Sample>, key: &str, sample: Option<Sample>) {
    match sample {
        Some(s) => set_value(metrics, key, s),
        None => {
            metrics.remove(key);
        }
    }
}

/// Sets a metric's value by name, allocating the name only when it is new.
fn set_value<V>(map: &mut BTreeMap<String, V>, key: &str, value: V) {
    match map.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            map.insert(key.to_string(), value);
        }
    }
}

/// A derived value as the adapter serves it: a quantity in thousandths.
fn milli_quantity(v: f64) -> Quantity {
    Quantity::from_milli((v * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Span;
    use crate::sim::engine::Options;
    use crate::sim::testing;

    #[test]
    fn derived_values_are_served_in_thousandths_rounded() {
        for (v, milli) in [(1.0, 1000), (0.0004, 0), (0.0005, 1), (2.3456, 2346)] {
            assert_eq!(milli_quantity(v).milli(), milli, "{v}");
        }
    }

    #[test]
    fn a_missing_sample_removes_the_metric_and_a_new_one_replaces_it() {
        let mut m = BTreeMap::new();
        let s = |milli| Sample {
            value: Quantity::from_milli(milli),
            timestamp: None,
            window: None,
        };
        set_sample(&mut m, "cpu", Some(s(1)));
        set_sample(&mut m, "cpu", Some(s(2)));
        assert_eq!(m.get("cpu").map(|x| x.value.milli()), Some(2));
        set_sample(&mut m, "cpu", None);
        assert!(m.is_empty());
    }

    #[test]
    fn the_settled_pods_reach_the_core_as_one_counted_entry_and_the_record_lists_each() {
        let sc = testing::scenario("    appStart: {fixed: 1s}", "");
        let mut sim = crate::sim::engine::Sim::new(&sc, &Options::default(), 1);
        for s in [0, 15, 30, 45, 60] {
            sim.t = sc.start.plus(Span::from_secs(s));
            sim.scrape();
            sim.account_cpu(&[], &[], &[], 0.0);
        }
        assert_eq!(sim.settled.pods.len(), 2);
        sim.refresh_snapshot();
        assert_eq!(sim.core.pods.len(), 1);
        assert_eq!(sim.core.pods[0].count, 2);
        assert_eq!(sim.core.status_replicas, Some(2));
        assert!(sim.core.pods[0].metrics.contains_key("cpu"));
        let expanded = sim.expanded_snapshot();
        let names: Vec<&str> = expanded.pods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["pod-00001", "pod-00002"]);
        assert!(expanded.pods.iter().all(|p| p.count == 1));
        sim.return_entries();
        assert!(sim.core.pods.is_empty());
        assert!(sim.settled.entry.is_some());
    }
}
