//! Metrics from elsewhere and metrics that fail: what the metrics APIs serve for a metric
//! now (a given `value` or `shape`, per pod or not, values set by `setMetric` actions) and
//! whether they serve it at all (`metricOutage`). Decides nothing; it reads only the scenario.

use super::derived::{delay_of, window_of};
use super::engine::Sim;
use super::pods::Stage;
use crate::scenario::model::{Action, DerivedMetric, MetricSourceKind};

impl Sim<'_> {
    /// Whether the metrics APIs serve metric `name` now: no `metricOutage` covering it is
    /// under way. `resource` is true for metrics-server's (cpu, memory).
    pub(super) fn served(&self, name: &str, resource: bool) -> bool {
        let now = self.t;
        !self.sc.actions.iter().any(|a| {
            let Some(o) = &a.metric_outage else {
                return false;
            };
            let covers = o.metric == name
                || o.metric == "all"
                || (resource && o.metric == "metricsServer")
                || (!resource && o.metric == "adapter");
            covers && a.at.0 <= now && now < a.at.0.plus(o.duration.span())
        })
    }

    /// The value the adapter serves for custom or external metric `name` (its entry `d`)
    /// now, `None` during an outage: the last value set by an action once its delay has
    /// passed, else what the entry gives. Per pod, an Object or External metric is the
    /// sum over the Ready pods (`pods` says the metric is a Pods one: each pod's own).
    pub(super) fn custom_value(&self, name: &str, d: &DerivedMetric, pods: bool) -> Option<f64> {
        if !self.served(name, false) {
            return None;
        }
        let seen = self.t.minus(delay_of(d));
        let value = match set_before(&self.sc.actions, name, seen) {
            Some(v) => v,
            None if d.source != MetricSourceKind::Given => self.series.value(d),
            None => match (d.value, self.sc.metric_shapes.get(name)) {
                (Some(v), _) => v,
                // A gauge is read at one instant; with a window, averaged over it.
                (None, Some(load)) => match d.window.map(|_| window_of(d)) {
                    Some(w) if w.as_millis() > 0 => {
                        load.requests(seen.minus(w), w) * 1000.0 / w.as_millis() as f64
                    }
                    _ => load.rate(seen),
                },
                (None, None) => 0.0,
            },
        };
        Some(if d.per_pod && !pods {
            value * self.count(Stage::Ready) as f64
        } else {
            value
        })
    }
}

/// The last value an action set for `name` at or before `t` (ties: the later action in
/// the list, which is in time order).
fn set_before(actions: &[Action], name: &str, t: crate::core::Time) -> Option<f64> {
    (actions.iter().rev())
        .filter(|a| a.at.0 <= t)
        .find_map(|a| a.set_metric.as_ref()?.get(name).copied())
}

/// What a `setMetric` or `metricOutage` action says in the events.
pub(super) fn action_text(a: &Action) -> String {
    if let Some(set) = &a.set_metric {
        let parts: Vec<String> = set.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("set metric {}", parts.join(", "))
    } else if let Some(o) = &a.metric_outage {
        format!(
            "metric {} unavailable for {}",
            o.metric,
            crate::units::span_text(o.duration.span().as_millis())
        )
    } else {
        String::new()
    }
}
