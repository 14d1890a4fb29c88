//! From a run's record and its scenario to the plain series the charts draw.
//!
//! Reads values the run recorded and the scenario's settings (limits, targets, patches);
//! it never re-runs or re-derives the simulation.

use super::charts::{MetricSeries, TimelineData};
use crate::core::Quantity;
use crate::core::api::{MetricSourceType, MetricSpec, TargetType};
use crate::scenario::Scenario;
use crate::sim::{Event, Record};

/// The timeline chart's data for one run: rows, the HPA's limits and targets as the
/// scenario's patches changed them, its rescale decisions and the actions. No latency
/// (the measurement layer adds it).
pub fn timeline_data(record: &Record, scenario: &Scenario) -> TimelineData {
    let rows = &record.timeline;
    let start_s = scenario.start.as_secs_f64();
    let times_s: Vec<f64> = rows.iter().map(|r| r.time_s).collect();

    // The HPA's spec as it stood at each row: the patches apply from their time on.
    let mut hpa = scenario.hpa.clone();
    let mut patches = scenario
        .actions
        .iter()
        .filter_map(|a| Some((a.at.0.as_secs_f64() - start_s, a.patch_hpa.as_ref()?)))
        .peekable();
    let names = &record.metric_names;
    let mut min_replicas = Vec::with_capacity(rows.len());
    let mut max_replicas = Vec::with_capacity(rows.len());
    let mut targets: Vec<Vec<Option<f64>>> = vec![Vec::with_capacity(rows.len()); names.len()];
    let mut current_targets = metric_targets(&hpa.spec.effective_metrics(), names);
    for r in rows {
        while let Some((_, p)) = patches.next_if(|(t, _)| *t <= r.time_s) {
            crate::scenario::apply_patch(&mut hpa, p);
            current_targets = metric_targets(&hpa.spec.effective_metrics(), names);
        }
        min_replicas.push(f64::from(hpa.spec.min_replicas.unwrap_or(1)));
        max_replicas.push(f64::from(hpa.spec.max_replicas));
        for (k, t) in targets.iter_mut().enumerate() {
            t.push(current_targets.get(k).copied().flatten());
        }
    }

    let initial = scenario.hpa.spec.effective_metrics();
    let metrics = names
        .iter()
        .zip(targets)
        .enumerate()
        .map(|(k, (name, target))| {
            let spec = initial.iter().find(|m| &m.display_name() == name);
            MetricSeries {
                name: name.clone(),
                unit: spec.map(unit).unwrap_or_default().to_string(),
                observed: rows
                    .iter()
                    .map(|r| r.metrics.get(k)?.observed_number())
                    .collect(),
                actual: rows
                    .iter()
                    .map(|r| r.metrics.get(k).map_or(f64::NAN, |m| m.actual))
                    .collect(),
                target,
            }
        })
        .collect();

    let mut actions = vec![];
    let mut scale_events = vec![];
    for e in &record.events {
        match e {
            Event::Action { t, action } => actions.push((*t, short_action(action))),
            Event::Decision { t, decision } if decision.rescale => {
                scale_events.push((*t, decision.current_replicas, decision.desired_replicas));
            }
            _ => {}
        }
    }

    TimelineData {
        title: format!("{} · seed {}", scenario.file.name, record.summary.seed),
        clock_offset_s: start_s,
        load_rps: rows.iter().map(|r| r.load_rps).collect(),
        spec: rows.iter().map(|r| f64::from(r.spec)).collect(),
        desired: rows.iter().map(|r| f64::from(r.desired)).collect(),
        ready: rows.iter().map(|r| r.ready as f64).collect(),
        starting: rows
            .iter()
            .map(|r| (r.starting + r.pending) as f64)
            .collect(),
        times_s,
        min_replicas,
        max_replicas,
        actions,
        scale_events,
        metrics,
        latency: None,
        ..Default::default()
    }
}

/// Each timeline metric's target under `specs`, matched by name (a patch may reorder or
/// replace the metrics).
fn metric_targets(specs: &[MetricSpec], names: &[String]) -> Vec<Option<f64>> {
    names
        .iter()
        .map(|n| {
            specs
                .iter()
                .find(|m| &m.display_name() == n)
                .and_then(target)
        })
        .collect()
}

/// The target as a number in the metric's unit: percent for utilization, else the
/// quantity's value.
fn target(m: &MetricSpec) -> Option<f64> {
    let t = match m.kind {
        MetricSourceType::Resource => &m.resource.as_ref()?.target,
        MetricSourceType::ContainerResource => &m.container_resource.as_ref()?.target,
        MetricSourceType::Pods => &m.pods.as_ref()?.target,
        MetricSourceType::Object => &m.object.as_ref()?.target,
        MetricSourceType::External => &m.external.as_ref()?.target,
    };
    match t.kind {
        TargetType::Utilization => t.average_utilization.map(f64::from),
        TargetType::AverageValue => t.average_value.as_ref().map(Quantity::approximate_f64),
        TargetType::Value => t.value.as_ref().map(Quantity::approximate_f64),
    }
}

/// The unit of a metric's values: percent for utilization; cores or bytes for a
/// resource's raw value; custom metrics are plain numbers.
fn unit(m: &MetricSpec) -> &'static str {
    let resource = match m.kind {
        MetricSourceType::Resource => m.resource.as_ref().map(|r| (&r.name, &r.target)),
        MetricSourceType::ContainerResource => {
            m.container_resource.as_ref().map(|r| (&r.name, &r.target))
        }
        _ => None,
    };
    match resource {
        Some((_, t)) if t.kind == TargetType::Utilization => "%",
        Some((name, _)) if name == "cpu" => "cores",
        Some((name, _)) if name == "memory" => "bytes",
        _ => "",
    }
}

/// An action's record text, shortened for a label: "maxReplicas 10→20", "scale 3→6".
fn short_action(text: &str) -> String {
    let s = text
        .strip_prefix("patch the HPA: ")
        .map(str::to_string)
        .or_else(|| {
            text.strip_prefix("scale the Deployment ")
                .map(|r| format!("scale {r}"))
        })
        .unwrap_or_else(|| text.to_string());
    s.replace(" -> ", "→")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_labels_are_short() {
        assert_eq!(
            short_action("patch the HPA: maxReplicas 10 -> 20"),
            "maxReplicas 10→20"
        );
        assert_eq!(short_action("scale the Deployment 3 -> 6"), "scale 3→6");
        assert_eq!(short_action("kill 2 Ready pods"), "kill 2 Ready pods");
    }
}
