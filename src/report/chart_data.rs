//! From a run's record to the plain series the charts draw.
//!
//! Reads only what the run recorded (rows, the HPA's limits and targets over time, typed
//! readings, events); it never re-runs or re-derives the simulation, nor reads the scenario.

use super::charts::{MetricSeries, TimelineData};
use crate::core::api::{MetricSourceType, MetricSpec, TargetType};
use crate::sim::Record;

/// The timeline chart's data for one run: rows, the HPA's limits and targets as its
/// patches changed them, its rescale decisions and the actions. No latency (the
/// measurement layer adds it).
pub fn timeline_data(record: &Record) -> TimelineData {
    let rows = &record.timeline;
    let times_s: Vec<f64> = rows.iter().map(|r| r.time_s).collect();

    // The HPA's limits and targets as they stood at each row.
    let names = &record.metric_names;
    let mut min_replicas = Vec::with_capacity(rows.len());
    let mut max_replicas = Vec::with_capacity(rows.len());
    let mut targets: Vec<Vec<Option<f64>>> = vec![Vec::with_capacity(rows.len()); names.len()];
    let mut epochs = record.hpa_epochs.iter().peekable();
    let mut epoch = epochs.next();
    for r in rows {
        while let Some(next) = epochs.next_if(|e| e.from_s <= r.time_s) {
            epoch = Some(next);
        }
        let Some(e) = epoch else { continue };
        min_replicas.push(f64::from(e.min_replicas));
        max_replicas.push(f64::from(e.max_replicas));
        for (k, t) in targets.iter_mut().enumerate() {
            t.push(e.targets.get(k).copied().flatten());
        }
    }

    let metrics = names
        .iter()
        .zip(targets)
        .enumerate()
        .map(|(k, (name, target))| {
            let spec = (record.metric_specs.iter()).find(|m| &m.display_name() == name);
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

    let actions = (record.marks.actions.iter())
        .map(|(t, action)| (*t, short_action(action)))
        .collect();
    let scale_events = record.marks.rescales.clone();

    let summary = &record.summary;
    TimelineData {
        title: format!("{} · seed {}", summary.scenario, summary.seed),
        clock_offset_s: summary.start_s,
        load_rps: rows.iter().map(|r| r.load_rps).collect(),
        load_unit: super::charts::LoadUnit::of(record),
        spec: rows.iter().map(|r| f64::from(r.spec)).collect(),
        desired: rows.iter().map(|r| f64::from(r.desired)).collect(),
        ready: rows.iter().map(|r| r.ready as f64).collect(),
        starting: rows.iter().map(|r| r.starting as f64).collect(),
        pending: rows.iter().map(|r| r.pending as f64).collect(),
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

/// The unit of a metric's values: percent for utilization; cores or bytes for a
/// resource's raw value; custom metrics are plain numbers.
fn unit(m: &MetricSpec) -> &'static str {
    let resource = match m.kind {
        MetricSourceType::Resource | MetricSourceType::ContainerResource => {
            m.resource_source().map(|r| (r.name, r.target))
        }
        _ => None,
    };
    match resource {
        Some((_, t)) if t.kind == TargetType::Utilization => "%",
        Some(("cpu", _)) => "cores",
        Some(("memory", _)) => "bytes",
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
