//! `--compare` side by side: one table of figures with a column per variant and each
//! one's difference from the first, and the fields in which the scenarios differ.
//!
//! Owns those two tables and their text form; it renders runs already judged and never
//! simulates, and it draws no chart (see `run_charts`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::html::Grid;
use super::run_charts::Compared;
use super::run_files::summary_figures;
use crate::error::Error;
use crate::measure::Verdict;

/// How a figure reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Usd,
    Seconds,
    Ms,
    Count,
    Decimal,
}

/// The figures compared: (row name, summary figure by dotted name, unit).
const FIGURES: [(&str, &str, Unit); 9] = [
    ("cost", "cost.totalUsd", Unit::Usd),
    ("SLO violation", "slo.violationSeconds", Unit::Seconds),
    (
        "latency p95, typical second",
        "latency.typicalP95Ms",
        Unit::Ms,
    ),
    ("latency p95, worst second", "latency.worstP95Ms", Unit::Ms),
    ("replicas, peak", "peakReplicas", Unit::Count),
    ("replicas, mean", "meanReplicas", Unit::Decimal),
    ("scale-ups", "scaleUps", Unit::Count),
    ("scale-downs", "scaleDowns", Unit::Count),
    ("failed requests", "failedRequests", Unit::Count),
];

fn show(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Usd => format!("${v:.2}"),
        Unit::Seconds => format!("{v:.0} s"),
        Unit::Ms => format!("{v:.0} ms"),
        Unit::Count => format!("{v:.0}"),
        Unit::Decimal => format!("{v:.1}"),
    }
}

/// A later variant's cell: its value and how far it is from the first's, with the
/// relative change when the first is not zero ("$0.77 (+$0.12, +18%)").
fn cell(v: f64, first: f64, unit: Unit) -> String {
    let d = v - first;
    if d == 0.0 {
        return format!("{} (same)", show(v, unit));
    }
    let sign = if d > 0.0 { "+" } else { "-" };
    // A difference below the figure's precision is not shown as zero.
    let delta = if show(d.abs(), unit) == show(0.0, unit) {
        "about the same".to_string()
    } else {
        format!("{sign}{}", show(d.abs(), unit))
    };
    if first != 0.0 {
        format!(
            "{} ({delta}, {:+.0}%)",
            show(v, unit),
            d / first.abs() * 100.0
        )
    } else {
        format!("{} ({delta})", show(v, unit))
    }
}

/// The figures of every variant, one column each; later columns also say their
/// difference from the first.
pub fn comparison_grid(variants: &[Compared]) -> Result<Grid, Error> {
    let figures = variants
        .iter()
        .map(|v| summary_figures(&v.record.summary, v.judgement))
        .collect::<Result<Vec<BTreeMap<String, f64>>, Error>>()?;
    let mut rows = vec![(
        "SLO verdict".to_string(),
        variants
            .iter()
            .map(|v| match v.judgement.slo.as_ref().map(|s| &s.verdict) {
                Some(Verdict::Met) => "met".to_string(),
                Some(Verdict::Violated) => "VIOLATED".to_string(),
                None => "no SLO".to_string(),
            })
            .collect(),
    )];
    for (name, key, unit) in FIGURES {
        let value = |k: usize| figures[k].get(key).copied().filter(|v| v.is_finite());
        let first = value(0);
        let cells = (0..variants.len())
            .map(|k| match (k, value(k), first) {
                (_, None, _) => "-".to_string(),
                (0, Some(v), _) | (_, Some(v), None) => show(v, unit),
                (_, Some(v), Some(f)) => cell(v, f, unit),
            })
            .collect();
        rows.push((name.to_string(), cells));
    }
    Ok(Grid {
        title: "Variants side by side".into(),
        columns: variants.iter().map(|v| v.name.clone()).collect(),
        rows,
        note: format!(
            "In brackets: the difference from {}, the first variant.",
            variants.first().map_or("", |v| v.name.as_str())
        ),
    })
}

/// A scenario as dotted paths to its leaf values ("hpa.spec.maxReplicas" -> "20",
/// "load[0].ramp.to" -> "1200"); absent (null) fields are left out.
fn leaves(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    match v {
        Value::Null => {}
        Value::Object(map) if !map.is_empty() => {
            for (k, x) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(&path, x, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, x) in items.iter().enumerate() {
                leaves(&format!("{prefix}[{i}]"), x, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The fields in which the scenarios differ, as dotted paths, with each one's value
/// ("-" where a scenario does not set the field). Empty rows when they are the same.
pub fn scenario_diff(variants: &[Compared]) -> Result<Grid, Error> {
    let mut flat = vec![];
    for v in variants {
        // The file as written (a start of "19:30", not the loaded time in ms).
        let value: serde_json::Value = serde_saphyr::from_str(&v.scenario.source)
            .map_err(|e| Error::Output(format!("{}: {e}", v.scenario.path.display())))?;
        let mut out = BTreeMap::new();
        leaves("", &value, &mut out);
        flat.push(out);
    }
    let mut paths: Vec<&String> = flat.iter().flat_map(|m| m.keys()).collect();
    paths.sort();
    paths.dedup();
    let rows = paths
        .into_iter()
        .filter(|p| flat.windows(2).any(|w| w[0].get(*p) != w[1].get(*p)))
        .map(|p| {
            let cells = flat
                .iter()
                .map(|m| m.get(p).map_or_else(|| "-".into(), |v| short(v)))
                .collect();
            (p.clone(), cells)
        })
        .collect();
    Ok(Grid {
        title: "How the scenarios differ".into(),
        columns: variants.iter().map(|v| v.name.clone()).collect(),
        rows,
        note: "Every field whose value is not the same in all the scenarios, by its path in the scenario file.".into(),
    })
}

/// A value cut to 60 characters, so one long field does not widen the whole table.
fn short(v: &str) -> String {
    if v.chars().count() <= 60 {
        v.to_string()
    } else {
        v.chars().take(59).collect::<String>() + "…"
    }
}

/// A grid as aligned text columns, for the terminal; a grid with no rows says so.
pub fn grid_text(g: &Grid) -> String {
    let mut s = format!("{}\n", g.title);
    if g.rows.is_empty() {
        s.push_str("  (none)\n");
        return s;
    }
    let width = |t: &str| t.chars().count();
    let name_w = g.rows.iter().map(|r| width(&r.0)).max().unwrap_or(0);
    let col_w: Vec<usize> = (0..g.columns.len())
        .map(|k| {
            g.rows
                .iter()
                .filter_map(|r| r.1.get(k))
                .chain(g.columns.get(k))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |name: &str, cells: &[String]| {
        let mut l = format!("  {name:<name_w$}");
        for (k, c) in cells.iter().enumerate() {
            let w = col_w.get(k).copied().unwrap_or(0);
            let _ = write!(l, "  {c:<w$}");
        }
        l.trim_end().to_string() + "\n"
    };
    s.push_str(&line("", &g.columns));
    for (name, cells) in &g.rows {
        s.push_str(&line(name, cells));
    }
    if !g.note.is_empty() {
        let _ = writeln!(s, "  {}", g.note);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_variant_says_how_far_it_is_from_the_first() {
        // (value, first, unit, cell)
        let cases = [
            (0.77, 0.65, Unit::Usd, "$0.77 (+$0.12, +18%)"),
            (0.65, 0.65, Unit::Usd, "$0.65 (same)"),
            (0.653, 0.65, Unit::Usd, "$0.65 (about the same, +0%)"),
            (48.0, 120.0, Unit::Seconds, "48 s (-72 s, -60%)"),
            (30.0, 0.0, Unit::Seconds, "30 s (+30 s)"),
            (5.04, 5.0, Unit::Decimal, "5.0 (about the same, +1%)"),
        ];
        for (v, first, unit, want) in cases {
            assert_eq!(cell(v, first, unit), want);
        }
    }

    #[test]
    fn nested_fields_flatten_to_dotted_paths() {
        let v = serde_json::json!({
            "name": "a", "hpa": {"spec": {"maxReplicas": 20}},
            "load": [{"ramp": {"to": 1200}}], "seed": null
        });
        let mut out = BTreeMap::new();
        leaves("", &v, &mut out);
        let got: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            got,
            [
                ("hpa.spec.maxReplicas", "20"),
                ("load[0].ramp.to", "1200"),
                ("name", "a")
            ]
        );
    }

    #[test]
    fn text_columns_line_up() {
        let g = Grid {
            title: "t".into(),
            columns: vec!["a".into(), "bbbb".into()],
            rows: vec![
                ("cost".into(), vec!["$1.00".into(), "$2".into()]),
                ("x".into(), vec!["1".into(), "2".into()]),
            ],
            note: String::new(),
        };
        let text = grid_text(&g);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "        a      bbbb");
        assert_eq!(lines[2], "  cost  $1.00  $2");
        assert_eq!(lines[3], "  x     1      2");
    }
}
