//! `hpasim decide`: one controller decision on a snapshot file, explained; a ScaledObject
//! snapshot (`scaledObject:` instead of `hpa:`) gets KEDA's poll and the HPA's sync.

use std::fmt::Write;
use std::path::Path;

use crate::error::Error;
use crate::keda::KedaDecision;
use crate::report::{self, Format};

/// `hpasim decide`: the core on one snapshot file, rendered as JSON, YAML or text.
pub fn decide(path: &Path, format: Format) -> Result<String, Error> {
    let text = crate::scenario::read_manifest(path)?;
    if is_scaled_object_snapshot(&text, path) {
        let both = crate::scenario::parse_scaled_object_snapshot(&text, path)?.decide();
        return match format {
            Format::Text => Ok(explain_both(&both)),
            _ => report::render(&both, format),
        };
    }
    let snapshot = crate::scenario::parse_snapshot(&text, path)?;
    // parse_snapshot validated it, so the core cannot refuse it.
    let decision = crate::core::decide(&snapshot).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: e.to_string(),
    })?;
    match format {
        Format::Text => Ok(report::explain_decision(&decision)),
        _ => report::render(&decision, format),
    }
}

/// A document with a top-level `scaledObject` key; anything unparsable goes the HPA way,
/// whose parser reports it.
fn is_scaled_object_snapshot(text: &str, path: &Path) -> bool {
    crate::scenario::parse_yaml::<serde_json::Value>(text, path)
        .ok()
        .is_some_and(|v| v.get("scaledObject").is_some())
}

/// Both layers in a few lines: KEDA's poll, then the HPA's sync.
fn explain_both(d: &KedaDecision) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", d.keda.why);
    let Some(hpa) = &d.hpa else {
        let _ = writeln!(out, "HPA ({}): no sync at this instant", d.hpa_name);
        return out;
    };
    let change = if hpa.desired_replicas == hpa.current_replicas {
        format!("stays at {}", hpa.current_replicas)
    } else {
        format!("{} -> {}", hpa.current_replicas, hpa.desired_replicas)
    };
    let _ = writeln!(out, "HPA ({}): {change}", d.hpa_name);
    for read in &d.hpa_reads {
        let value = read
            .value
            .as_ref()
            .map_or("error (no value)".to_string(), |v| v.canonical());
        let fallback = if read.fallback { " (fallback)" } else { "" };
        let _ = writeln!(out, "  reads {} = {value}{fallback}", read.metric);
    }
    if let Some(set) = d.keda.set_replicas {
        let _ = writeln!(
            out,
            "  KEDA writes {set} replica{} itself: the HPA's stabilization and policies do not apply",
            if set == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out);
    let _ = write!(out, "{}", report::explain_decision(hpa));
    out
}
