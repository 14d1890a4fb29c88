//! A run's files: timeline.csv, events.jsonl, summary.json and recorded snapshots, each
//! written atomically; and the summary a person reads in the terminal.

use std::fmt::Write as _;
use std::path::Path;

use super::output::write_atomically;
use crate::error::Error;
use crate::sim::{Record, Summary};

/// The timeline as CSV: one row per step.
pub fn timeline_csv(record: &Record) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut header: Vec<String> = [
        "time_s",
        "clock",
        "load_rps",
        "spec_replicas",
        "desired_replicas",
        "ready",
        "starting",
        "pending",
        "terminating",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for name in &record.metric_names {
        let col = name.replace('/', "_");
        header.push(format!("{col}_actual"));
        header.push(format!("{col}_observed"));
    }
    header.extend(
        ["arrived", "served", "queued", "failed", "nodes"]
            .iter()
            .map(|s| s.to_string()),
    );
    let csv_err = |e: csv::Error| Error::Output(format!("timeline.csv: {e}"));
    w.write_record(&header).map_err(csv_err)?;
    for r in &record.timeline {
        let mut row = vec![
            fmt(r.time_s),
            r.clock.clone(),
            fmt(r.load_rps),
            r.spec.to_string(),
            r.desired.to_string(),
            r.ready.to_string(),
            r.starting.to_string(),
            r.pending.to_string(),
            r.terminating.to_string(),
        ];
        for (actual, observed) in &r.metrics {
            row.push(fmt(*actual));
            row.push(observed.clone().unwrap_or_default());
        }
        row.extend([
            fmt(r.arrived),
            fmt(r.served),
            fmt(r.queued),
            fmt(r.failed),
            r.nodes.map(|n| n.to_string()).unwrap_or_default(),
        ]);
        w.write_record(&row).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Output(format!("timeline.csv: {e}")))
}

/// Three decimals, trailing zeros dropped: stable, compact numbers.
fn fmt(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The events, one JSON object a line.
pub fn events_jsonl(record: &Record) -> Result<Vec<u8>, Error> {
    let mut out = vec![];
    for e in &record.events {
        serde_json::to_writer(&mut out, e).map_err(|e| Error::Output(e.to_string()))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Writes timeline.csv, events.jsonl and summary.json into `dir`, and with `snapshots`
/// one file per sync, `<second, 9 digits>.json`, holding the snapshot and its decision.
pub fn write_run(record: &Record, dir: &Path, snapshots: Option<&Path>) -> Result<(), Error> {
    write_atomically(&dir.join("timeline.csv"), &timeline_csv(record)?)?;
    write_atomically(&dir.join("events.jsonl"), &events_jsonl(record)?)?;
    let mut summary =
        serde_json::to_vec_pretty(&record.summary).map_err(|e| Error::Output(e.to_string()))?;
    summary.push(b'\n');
    write_atomically(&dir.join("summary.json"), &summary)?;
    if let Some(sdir) = snapshots {
        for s in &record.syncs {
            let mut snap = s.snapshot.clone();
            snap.decision =
                Some(serde_json::to_value(&s.decision).map_err(|e| Error::Output(e.to_string()))?);
            let mut text =
                serde_json::to_vec_pretty(&snap).map_err(|e| Error::Output(e.to_string()))?;
            text.push(b'\n');
            write_atomically(&sdir.join(format!("{:09}.json", s.second)), &text)?;
        }
    }
    Ok(())
}

/// The summary as a short table a person scans.
pub fn summary_text(s: &Summary, out_dir: &Path) -> String {
    let mut t = String::new();
    let hours = s.duration_s / 3600.0;
    let _ = writeln!(
        t,
        "{} (seed {}): {:.1} h simulated, {} HPA syncs",
        s.scenario, s.seed, hours, s.syncs
    );
    let _ = writeln!(
        t,
        "  replicas   peak {}, mean {:.1}; Ready peak {}, mean {:.1}",
        s.peak_replicas, s.mean_replicas, s.peak_ready, s.mean_ready
    );
    let _ = writeln!(
        t,
        "  scaling    {} scale-ups, {} scale-downs; {} pods created",
        s.scale_ups, s.scale_downs, s.pods_created
    );
    let _ = writeln!(t, "  cost       {:.2} pod-hours", s.pod_hours);
    let _ = writeln!(
        t,
        "  requests   {:.0} arrived, {:.0} failed ({:.3}%), peak queue {:.0}",
        s.requests,
        s.failed_requests,
        s.failed_fraction * 100.0,
        s.peak_queue
    );
    if s.surges.is_empty() {
        let _ = writeln!(
            t,
            "  surges     none: Ready pods kept up with the load at the HPA's target"
        );
    } else {
        let times: Vec<String> = s
            .surges
            .iter()
            .map(|x| {
                x.seconds_to_enough
                    .map(|d| format!("{d:.0}s"))
                    .unwrap_or_else(|| "never".into())
            })
            .collect();
        let worst = s
            .surges
            .iter()
            .map(|x| x.worst_shortfall)
            .max()
            .unwrap_or(0);
        let shown = if times.len() > 8 {
            format!("{} ...", times[..8].join(", "))
        } else {
            times.join(", ")
        };
        let _ = writeln!(
            t,
            "  surges     {} until enough pods were Ready: {shown} (worst short {worst} pods)",
            s.surges.len()
        );
    }
    let _ = writeln!(
        t,
        "  written    {}/{{timeline.csv, events.jsonl, summary.json}}",
        out_dir.display()
    );
    t
}
