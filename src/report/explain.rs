//! A decision explained in a few lines, metric by metric and limit by limit.

use std::fmt::Write;

use crate::core::{Decision, Path};

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
        let _ = write!(out, "  {} ", m.metric);
        match (&m.proposal, &m.error) {
            (Some(p), _) => {
                let current = (m.current.as_ref()).map_or("?".to_string(), |c| c.to_string());
                let _ = write!(out, "{current} of target {}", m.target);
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
                let _ = write!(out, "failed ({}): {e}", m.reason.unwrap_or("error"));
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
