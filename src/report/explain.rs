//! A decision explained in a few lines, metric by metric and limit by limit.

use std::fmt::Write;

use crate::core::api::MetricSourceType;
use crate::core::{Decision, Path};
use crate::core::{MetricOutcome, Reading};

/// A metric's current value against its target as `kubectl get hpa` prints it in its
/// TARGETS column (`formatHPAMetrics`): `52%/60%` for utilization, `250m/500m` for a
/// value, `<unknown>` for a value not read, `<auto>` for a resource target without a
/// utilization or value, and ` (avg)` after an Object or External averageValue target;
/// quantities in their canonical form (`78334m/30`). The resource name kubectl puts
/// before a Resource metric's cell is the line's metric name here.
pub fn kubectl_targets(m: &MetricOutcome) -> String {
    let shown = |r: Option<&Reading>, none: &str| match r {
        Some(Reading::Percent(p)) => format!("{p}%"),
        Some(Reading::Quantity(q) | Reading::PerPod(q)) => q.canonical(),
        Some(Reading::Unset) | None => none.to_string(),
    };
    let current = shown(m.current.as_ref(), "<unknown>");
    let average = matches!(m.target, Reading::PerPod(_));
    match m.source {
        MetricSourceType::Resource | MetricSourceType::ContainerResource => {
            format!("{current}/{}", shown(Some(&m.target), "<auto>"))
        }
        MetricSourceType::Pods => format!("{current}/{}", shown(Some(&m.target), "<unknown>")),
        MetricSourceType::Object | MetricSourceType::External => format!(
            "{current}/{}{}",
            shown(Some(&m.target), "<unknown>"),
            if average { " (avg)" } else { "" }
        ),
    }
}

/// The decision as a person reads it: what each metric asked for, what stabilization
/// and the rate limits made of it, and the conditions the controller set.
pub fn explain_decision(d: &Decision) -> String {
    let mut out = String::new();
    let verb = match d.desired_replicas.cmp(&d.current_replicas) {
        std::cmp::Ordering::Greater => "scale up",
        std::cmp::Ordering::Less => "scale down",
        std::cmp::Ordering::Equal => "no change",
    };
    let _ = writeln!(
        out,
        "{} -> {} replicas ({verb})",
        d.current_replicas, d.desired_replicas
    );
    match d.path {
        Path::ScalingDisabled => {
            let _ = writeln!(
                out,
                "  the target has 0 replicas and minReplicas is above 0: autoscaling is off"
            );
        }
        Path::AboveMax => {
            let _ = writeln!(
                out,
                "  the target is above maxReplicas: set to {} without reading metrics",
                d.desired_replicas
            );
        }
        Path::BelowMin => {
            let _ = writeln!(
                out,
                "  the target is below minReplicas: set to {} without reading metrics",
                d.desired_replicas
            );
        }
        _ => {}
    }
    for m in &d.metrics {
        let _ = write!(out, "  {}: {}", m.metric, kubectl_targets(m));
        match (&m.proposal, &m.error) {
            (Some(p), _) => {
                if let Some(r) = m.usage_ratio {
                    let _ = write!(out, " (ratio {r:.3})");
                }
                if let Some(g) = &m.pods {
                    let _ = write!(out, ", {} ready", g.ready);
                    for (n, what) in [
                        (g.unready, "unready"),
                        (g.missing, "without metrics"),
                        (g.ignored, "ignored"),
                    ] {
                        if n > 0 {
                            let _ = write!(out, ", {n} {what}");
                        }
                    }
                }
                if let Some(r) = m.rebalanced_ratio {
                    let _ = write!(out, "; counting those: ratio {r:.3}");
                }
                match m.note {
                    Some(note) => {
                        let _ = write!(out, "; {note}: holds {p}");
                    }
                    None => {
                        let _ = write!(out, " asks for {p}");
                    }
                }
            }
            (None, Some(e)) => {
                let _ = write!(out, " failed ({}): {e}", m.reason.unwrap_or("error"));
            }
            (None, None) => {}
        }
        out.push('\n');
    }
    if d.path == Path::MetricsFailed {
        let _ = writeln!(
            out,
            "  no usable proposal (every metric failed, or one failed and the rest ask to scale down): no change"
        );
    }
    if let Some(p) = d.proposal
        && d.metrics.len() > 1
    {
        let _ = writeln!(out, "  largest proposal: {p}");
    }
    if let Some(s) = &d.stabilization {
        let _ = write!(out, "  stabilized {}: ", s.result);
        if let (Some(w), Some(up)) = (s.up_window_seconds, s.up_recommendation) {
            let _ = write!(out, "lowest in the {w}s scale-up window {up}, ");
        }
        let _ = writeln!(
            out,
            "highest in the {}s scale-down window {}",
            s.down_window_seconds, s.down_recommendation
        );
    }
    if let Some(r) = &d.rate_limit {
        if r.policies.is_empty() && r.select_policy.is_none() {
            let _ = writeln!(out, "  scale-up limit max(2 x current, 4) = {}", r.limit);
        } else if r.policies.is_empty() {
            let _ = writeln!(out, "  scale-{} is disabled by selectPolicy", r.direction);
        } else {
            for p in &r.policies {
                let _ = writeln!(
                    out,
                    "  scale-{} policy {:?} {}/{}s from {} allows {}",
                    r.direction, p.kind, p.value, p.period_seconds, p.period_start, p.allows
                );
            }
            if let Some(sel) = r.select_policy {
                let _ = writeln!(out, "  selectPolicy {sel:?}: limit {}", r.limit);
            }
        }
    }
    if let Some(reason) = d.limited_by {
        let _ = writeln!(out, "  limited to {} ({reason})", d.desired_replicas);
    }
    let conditions: Vec<String> = d
        .conditions
        .iter()
        .map(|c| format!("{} {} {}", c.kind, c.status, c.reason))
        .collect();
    let _ = writeln!(out, "conditions: {}", conditions.join("; "));
    out
}

#[cfg(test)]
mod kubectl_tests {
    use super::*;
    use crate::core::Quantity;

    fn outcome(
        source: MetricSourceType,
        target: Reading,
        current: Option<Reading>,
    ) -> MetricOutcome {
        MetricOutcome {
            metric: "m".into(),
            source,
            target,
            proposal: Some(1),
            current,
            usage_ratio: None,
            rebalanced_ratio: None,
            pods: None,
            note: None,
            reason: None,
            error: None,
        }
    }

    #[test]
    fn targets_read_as_the_kubectl_get_hpa_targets_column() {
        use MetricSourceType::*;
        let q = |s: &str| Quantity::parse(s).unwrap();
        let milli = Quantity::from_milli;
        // (source, target, current, as kubectl's formatHPAMetrics prints it)
        let cases = [
            (
                Resource,
                Reading::Percent(60),
                Some(Reading::Percent(52)),
                "52%/60%",
            ),
            (Resource, Reading::Percent(60), None, "<unknown>/60%"),
            (
                Resource,
                Reading::Unset,
                Some(Reading::Percent(52)),
                "52%/<auto>",
            ),
            (
                Resource,
                Reading::Quantity(q("0.5Gi")),
                Some(Reading::Quantity(milli(300 * 1_048_576_000))),
                // The controller makes the current value a DecimalSI milli quantity.
                "314572800/512Mi",
            ),
            (
                ContainerResource,
                Reading::Percent(70),
                Some(Reading::Percent(85)),
                "85%/70%",
            ),
            (
                Pods,
                Reading::PerPod(q("30")),
                Some(Reading::Quantity(milli(78_334))),
                "78334m/30",
            ),
            (Pods, Reading::PerPod(q("1.5")), None, "<unknown>/1500m"),
            (
                Object,
                Reading::Quantity(q("100")),
                Some(Reading::Quantity(milli(120_000))),
                "120/100",
            ),
            (
                Object,
                Reading::PerPod(q("10")),
                Some(Reading::Quantity(milli(40_000))),
                "40/10 (avg)",
            ),
            (
                External,
                Reading::Quantity(q("2000")),
                Some(Reading::Quantity(milli(2_500_000))),
                "2500/2k",
            ),
            (
                External,
                Reading::PerPod(q("1k")),
                None,
                "<unknown>/1k (avg)",
            ),
        ];
        for (source, target, current, want) in cases {
            let m = outcome(source, target, current);
            assert_eq!(kubectl_targets(&m), want, "{source:?}");
        }
    }
}
