//! Charts and the HTML report: every bundled scenario draws its timeline; band and
//! comparison charts draw from plain data; PNGs have the size asked for; SVGs carry their
//! axis labels and legends; the report inlines its charts and escapes text.

use crate::common::{hpasim, root};

use std::path::Path;

use hpasim::core::Span;
use hpasim::report::{
    Band, BandData, ChartFormat, ChartOptions, CompareData, LatencySeries, ReportData, Table,
    Theme, TimelineData, Variant, band_chart, band_svg, compare_chart, compare_svg, report_html,
    timeline_chart, timeline_data, timeline_svg, timeline_with_latency,
};
use hpasim::sim::{Options, Record};

/// A bundled scenario's run at one row a minute (the charts' shape, a debug build's pace).
fn run(name: &str, seed: Option<u64>) -> (hpasim::scenario::Scenario, Record) {
    let path = root().join("scenarios").join(format!("{name}.yaml"));
    let sc = hpasim::scenario::load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
    let options = Options {
        step: Span::from_secs(60),
        seed,
        ..Options::default()
    };
    let record = hpasim::sim::run(&sc, &options);
    (sc, record)
}

/// Width and height from a PNG's IHDR chunk (big-endian u32s at bytes 16..24).
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

fn options(width: u32, height: u32, format: ChartFormat) -> ChartOptions {
    ChartOptions {
        width,
        height,
        format,
        theme: Theme::Light,
    }
}

/// The texts of an SVG's `<text>` elements, with their x position.
fn svg_texts(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let x = t.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let body = t.split_once('>')?.1.split("</text>").next()?.trim();
            Some((x, body.to_string()))
        })
        .collect()
}

fn has_text(svg: &str, s: &str) -> bool {
    svg_texts(svg).iter().any(|(_, t)| t.contains(s))
}

#[test]
fn every_bundled_scenario_draws_its_timeline() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 6);
    let out = tempfile::tempdir().unwrap();
    for name in &names {
        let (_, record) = run(name, None);
        let d = timeline_data(&record);
        assert_eq!(d.times_s.len(), record.timeline.len());
        assert_eq!(d.metrics.len(), record.metric_names.len());
        let files = timeline_chart(&d, &options(900, 600, ChartFormat::Both), out.path(), name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let png = out.path().join(format!("{name}.png"));
        let svg_path = out.path().join(format!("{name}.svg"));
        assert_eq!(files, vec![svg_path.clone(), png.clone()], "{name}");
        assert_eq!(png_size(&png), (900, 600), "{name}");
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert!(
            svg.starts_with("<svg width=\"900\" height=\"600\""),
            "{name}"
        );
        // The load in the run's unit: a worker's jobs, a server's requests.
        let rate = d.load_unit.rate();
        for label in [
            format!("load ({rate})").as_str(),
            rate,
            "Ready",
            "spec.replicas",
            "scenario clock",
        ] {
            assert!(has_text(&svg, label), "{name}: no {label:?}");
        }
        // A long metric name may wrap onto two lines of its legend header.
        let joined: String = svg_texts(&svg).into_iter().map(|(_, t)| t).collect();
        for m in &record.metric_names {
            assert!(
                joined.contains(m.as_str()),
                "{name}: no panel for metric {m}"
            );
        }
        // No temporary file is left beside the charts.
        let left: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[test]
fn timeline_data_follows_patches_decisions_and_the_clock() {
    let (_, record) = run("feastflow-flash-sale", None);
    let d = timeline_data(&record);
    // Starts 19:30; maxReplicas 10, patched to 20 at 20:05 and back to 10 at 21:00.
    assert_eq!(d.clock_offset_s, 19.5 * 3600.0);
    let max_at = |t: f64| {
        let i = d.times_s.iter().position(|x| *x >= t).unwrap();
        d.max_replicas[i]
    };
    assert_eq!(max_at(0.0), 10.0);
    assert_eq!(max_at(2040.0), 10.0);
    assert_eq!(max_at(2100.0), 20.0);
    assert_eq!(max_at(5340.0), 20.0);
    assert_eq!(max_at(5400.0), 10.0);
    assert!(d.min_replicas.iter().all(|m| *m == 2.0));
    let labels: Vec<&str> = d.actions.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(labels, ["maxReplicas 10→20", "maxReplicas 20→10"]);
    assert_eq!(d.actions[0].0, 2100.0);
    // Scale events: rescales only, up during the sale, down after it.
    assert!(!d.scale_events.is_empty());
    assert!(d.scale_events.iter().all(|(_, from, to)| from != to));
    assert!(d.scale_events.iter().any(|(_, from, to)| to > from));
    assert!(d.scale_events.iter().any(|(_, from, to)| to < from));
    assert!(
        d.scale_events.iter().any(|(_, _, to)| *to > 10),
        "the patch let it pass 10"
    );
    // The cpu panel: target 70 %, what the HPA saw parsed from "52%"-like strings.
    let cpu = &d.metrics[0];
    assert_eq!(cpu.name, "cpu");
    assert_eq!(cpu.unit, "%");
    assert!(cpu.target.iter().all(|t| *t == Some(70.0)));
    let seen: Vec<f64> = cpu.observed.iter().flatten().copied().collect();
    assert!(
        seen.len() > d.times_s.len() / 2,
        "observed after the first sync"
    );
    assert!(seen.iter().all(|v| (0.0..=400.0).contains(v)));
    assert!(
        seen.iter().any(|v| *v > 100.0),
        "the sale pushes cpu past its request"
    );
    assert!(d.latency.is_none());
    // The rows as recorded.
    assert_eq!(d.spec[5], f64::from(record.timeline[5].spec));
    let r = &record.timeline[40];
    assert_eq!(d.starting[40], r.starting as f64);
    assert_eq!(d.pending[40], r.pending as f64);
}

/// Pending pods (waiting for a node) are drawn apart from starting ones, with their own
/// legend entry: on the cluster at capacity they wait minutes for nodes; a run with no
/// Pending pod has no such entry.
#[test]
fn pending_pods_are_drawn_apart_from_starting_ones_with_their_own_legend_entry() {
    let (_, record) = run("waddlebot-cluster-at-capacity", None);
    let d = timeline_data(&record);
    assert!(d.pending.iter().any(|&p| p > 0.0), "pods wait for nodes");
    for (k, r) in record.timeline.iter().enumerate() {
        assert_eq!(
            (d.starting[k], d.pending[k]),
            (r.starting as f64, r.pending as f64)
        );
    }
    let svg = timeline_svg(&d, &ChartOptions::default()).unwrap();
    assert!(has_text(&svg, "Pending"), "{:?}", svg_texts(&svg));
    assert!(has_text(&svg, "starting"));
    let mut none = d.clone();
    none.pending = vec![0.0; none.pending.len()];
    let svg = timeline_svg(&none, &ChartOptions::default()).unwrap();
    assert!(!has_text(&svg, "Pending"));
    assert!(has_text(&svg, "starting"));
}

#[test]
fn a_pods_metric_is_a_plain_number_against_its_target() {
    let (_, record) = run("voiceassist-jvm-slow-start", None);
    let d = timeline_data(&record);
    let rps = d
        .metrics
        .iter()
        .find(|m| m.name == "http_requests_per_second")
        .unwrap();
    assert_eq!(rps.unit, "");
    assert!(rps.target.iter().all(|t| *t == Some(100.0)));
    // "53360m" reads as 53.36 requests per second per pod.
    assert!(
        rps.observed
            .iter()
            .flatten()
            .any(|v| *v > 10.0 && *v < 200.0)
    );
    let memory = d.metrics.iter().find(|m| m.name == "memory").unwrap();
    assert_eq!(memory.unit, "%");
}

#[test]
fn ticks_read_as_clock_times_and_later_days_are_marked() {
    // Three days from midnight, a row every 10 minutes.
    let times: Vec<f64> = (0..=432).map(|k| f64::from(k) * 600.0).collect();
    let n = times.len();
    let d = TimelineData {
        title: "three days".into(),
        clock_offset_s: 0.0,
        load_rps: times
            .iter()
            .map(|t| 50.0 + (t / 3600.0).sin() * 20.0)
            .collect(),
        spec: vec![3.0; n],
        desired: vec![3.0; n],
        ready: vec![3.0; n],
        starting: vec![0.0; n],
        min_replicas: vec![3.0; n],
        max_replicas: vec![10.0; n],
        times_s: times,
        ..Default::default()
    };
    let svg = timeline_svg(&d, &ChartOptions::default()).unwrap();
    assert!(has_text(&svg, "d1 00:00"), "{:?}", svg_texts(&svg));
    assert!(has_text(&svg, "d2 "));
    assert!(
        !has_text(&svg, "86400"),
        "seconds never show as tick labels"
    );

    // Half an hour from 11:07: minute ticks on round times.
    let mut short = d.clone();
    short.clock_offset_s = 11.0 * 3600.0 + 7.0 * 60.0;
    short.times_s = (0..=1800).map(f64::from).collect();
    let svg = timeline_svg(&short, &ChartOptions::default()).unwrap();
    assert!(has_text(&svg, "11:10") && has_text(&svg, "11:30"));
    assert!(!has_text(&svg, "d1"));
}

#[test]
fn legends_stay_right_of_the_plots() {
    let (_, record) = run("feastflow-lunch-rush", None);
    let d = timeline_data(&record);
    let o = options(1200, 800, ChartFormat::Svg);
    let svg = timeline_svg(&d, &o).unwrap();
    let texts = svg_texts(&svg);
    // The plots end where the legend column (at least 160 px) begins.
    for label in [
        "Ready",
        "spec.replicas",
        "seen by the HPA",
        "requests per second",
    ] {
        let (x, _) = texts
            .iter()
            .find(|(_, t)| t == label)
            .unwrap_or_else(|| panic!("no legend entry {label:?}"));
        assert!(*x >= 1200.0 - 240.0, "{label} at x = {x}, over the plot");
    }
}

#[test]
fn latency_draws_its_panel_with_the_slo_and_missed_spans() {
    let (_, record) = run("feastflow-flash-sale", None);
    let mut d = timeline_data(&record);
    let without = timeline_svg(&d, &ChartOptions::default()).unwrap();
    assert!(!has_text(&without, "latency (ms)"));
    let n = d.times_s.len();
    d.latency = Some(LatencySeries {
        p50_ms: vec![Some(40.0); n],
        p95_ms: (0..n).map(|i| (i % 7 != 0).then_some(120.0)).collect(),
        p99_ms: vec![Some(f64::NAN); n],
        slo_ms: Some(250.0),
        violations: vec![(1800.0, 2400.0), (f64::NAN, 3.0)],
    });
    let svg = timeline_svg(&d, &ChartOptions::default()).unwrap();
    for label in [
        "latency (ms)",
        "p50",
        "p95",
        "p99",
        "SLO 250 ms",
        "SLO missed",
        "ms",
    ] {
        assert!(has_text(&svg, label), "no {label:?}");
    }
}

fn band() -> BandData {
    let times: Vec<f64> = (0..=240).map(|k| f64::from(k) * 60.0).collect();
    let base: Vec<f64> = times
        .iter()
        .map(|t| 3.0 + (t / 2000.0).sin().abs() * 5.0)
        .collect();
    let spread = |d: f64| base.iter().map(|b| b + d).collect::<Vec<f64>>();
    BandData {
        title: "lunch rush".into(),
        clock_offset_s: 10.0 * 3600.0,
        times_s: times.clone(),
        runs: 20,
        replicas: Band {
            p5: spread(-1.0),
            p50: spread(0.0),
            p95: spread(2.0),
        },
        latency_p95_ms: Some(Band {
            p5: vec![80.0; times.len()],
            p50: vec![100.0; times.len()],
            p95: vec![f64::NAN; times.len()],
        }),
        slo_ms: Some(250.0),
        actions: vec![(3600.0, "maxReplicas 10→20".into())],
    }
}

#[test]
fn band_chart_draws_the_spread_over_runs() {
    let out = tempfile::tempdir().unwrap();
    let files = band_chart(
        &band(),
        &options(1000, 640, ChartFormat::Png),
        out.path(),
        "band",
    )
    .unwrap();
    assert_eq!(files, vec![out.path().join("band.png")]);
    assert_eq!(png_size(&files[0]), (1000, 640));
    assert!(
        !out.path().join("band.svg").exists(),
        "only the format asked for"
    );
    let svg = band_svg(&band(), &ChartOptions::default()).unwrap();
    for label in [
        "spread over 20 runs",
        "p5–p95 of 20 runs",
        "median",
        "replicas (pods)",
        "latency p95 (ms)",
        "SLO 250 ms",
        "10:00",
        "scheduled action",
    ] {
        assert!(has_text(&svg, label), "no {label:?}");
    }
    let mut no_latency = band();
    no_latency.latency_p95_ms = None;
    let svg = band_svg(&no_latency, &ChartOptions::default()).unwrap();
    assert!(!has_text(&svg, "latency p95"));
}

#[test]
fn compare_chart_gives_each_variant_its_colour() {
    let (sc, a) = run("feastflow-lunch-rush", Some(1));
    let (_, b) = run("feastflow-lunch-rush", Some(2));
    let variant = |name: &str, r: &Record, latency: bool| Variant {
        name: name.into(),
        times_s: r.timeline.iter().map(|x| x.time_s).collect(),
        load_rps: r.timeline.iter().map(|x| x.load_rps).collect(),
        ready: r.timeline.iter().map(|x| x.ready as f64).collect(),
        spec: r.timeline.iter().map(|x| f64::from(x.spec)).collect(),
        latency_p95_ms: latency.then(|| r.timeline.iter().map(|_| Some(90.0)).collect()),
        slo_ms: Some(250.0),
    };
    let d = CompareData {
        title: "seed 1 vs seed 2".into(),
        clock_offset_s: sc.start.as_secs_f64(),
        since_start: false,
        variants: vec![variant("seed <1>", &a, true), variant("seed 2", &b, false)],
        load_unit: hpasim::report::LoadUnit::Requests,
    };
    let out = tempfile::tempdir().unwrap();
    let files =
        compare_chart(&d, &options(800, 500, ChartFormat::Both), out.path(), "cmp").unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(png_size(&out.path().join("cmp.png")), (800, 500));
    let svg = compare_svg(&d, &ChartOptions::default()).unwrap();
    for label in [
        "seed &lt;1&gt;",
        "seed 2",
        "thick: Ready",
        "latency p95 (ms)",
        "load (rps)",
        "SLO 250 ms",
    ] {
        assert!(has_text(&svg, label), "no {label:?}");
    }
    // One colour per variant: the two Ready lines differ in stroke colour.
    let strokes: std::collections::BTreeSet<&str> = svg
        .split("stroke=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(
        strokes.contains("#0072B2") && strokes.contains("#D55E00"),
        "{strokes:?}"
    );
}

#[test]
fn themes_change_the_page_colour() {
    let (_, record) = run("spywatcher-spikes", None);
    let d = timeline_data(&record);
    let light = timeline_svg(&d, &ChartOptions::default()).unwrap();
    let dark_options = ChartOptions {
        theme: Theme::Dark,
        ..Default::default()
    };
    let dark = timeline_svg(&d, &dark_options).unwrap();
    let background = |svg: &str| {
        svg.split("<rect").nth(1).and_then(|r| {
            r.split("fill=\"")
                .nth(1)?
                .split('"')
                .next()
                .map(str::to_string)
        })
    };
    assert_eq!(background(&light).as_deref(), Some("#FFFFFF"));
    assert_eq!(background(&dark).as_deref(), Some("#16181D"));
}

#[test]
fn an_empty_timeline_draws_a_chart_that_says_so() {
    let out = tempfile::tempdir().unwrap();
    let d = TimelineData {
        title: "nothing yet".into(),
        ..Default::default()
    };
    let files = timeline_chart(&d, &options(600, 400, ChartFormat::Png), out.path(), "e").unwrap();
    assert_eq!(png_size(&files[0]), (600, 400));
    assert!(has_text(
        &timeline_svg(&d, &ChartOptions::default()).unwrap(),
        "no timeline rows"
    ));
}

#[test]
fn the_report_inlines_its_charts_and_figures_and_escapes_text() {
    let (sc, record) = run("feastflow-flash-sale", None);
    let d = timeline_data(&record);
    let s = &record.summary;
    let report = ReportData {
        title: "flash sale <draft>".into(),
        subtitle: format!("seed {} & friends", s.seed),
        tables: vec![Table {
            title: "Summary".into(),
            rows: vec![
                ("peak replicas".into(), s.peak_replicas.to_string()),
                ("pod-hours".into(), format!("{:.2}", s.pod_hours)),
                (
                    "failed requests".into(),
                    format!("{:.0}", s.failed_requests),
                ),
            ],
        }],
        grids: vec![],
        glossary: vec![],
        provenance: vec![],
        charts: vec![
            (
                "Timeline".into(),
                timeline_svg(&d, &ChartOptions::default()).unwrap(),
            ),
            (
                "Spread".into(),
                band_svg(&band(), &ChartOptions::default()).unwrap(),
            ),
        ],
        scenario_yaml: std::fs::read_to_string(&sc.path).unwrap() + "# a <comment>\n",
    };
    let html = report_html(&report);
    assert_eq!(html.matches("<svg ").count(), 2);
    assert_eq!(html.matches("<figcaption>").count(), 2);
    assert!(html.contains(&format!("<td>{}</td>", s.peak_replicas)));
    assert!(html.contains(&format!("<td>{:.2}</td>", s.pod_hours)));
    assert!(html.contains("<th scope=\"row\">pod-hours</th>"));
    assert!(html.contains("flash sale &lt;draft&gt;"));
    assert!(html.contains("&amp; friends"));
    assert!(html.contains("# a &lt;comment&gt;"));
    assert!(html.contains("patchHpa: {maxReplicas: 20}"));
    assert!(!html.contains("<draft>") && !html.contains("<comment>"));
    for outside in ["<script", "<link", "@import", "src=\"http", "href=\"http"] {
        assert!(!html.contains(outside), "loads {outside}");
    }
}

/// `simulate` writes the timeline chart and report.html next to the run; the report
/// holds the chart inline and the summary's figures; `--runs` adds the band.
#[test]
fn simulate_writes_charts_and_a_report_that_holds_the_summary() {
    let out = tempfile::tempdir().unwrap();
    hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/spywatcher-spikes.yaml"))
        .args([
            "--step",
            "60s",
            "--runs",
            "3",
            "--chart-size",
            "800x600",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "timeline.png, runs.png, report.html",
        ));
    assert_eq!(png_size(&out.path().join("timeline.png")), (800, 600));
    assert_eq!(png_size(&out.path().join("runs.png")), (800, 600));
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let cost = format!("${:.2}", summary["cost"]["totalUsd"].as_f64().unwrap());
    assert!(html.contains(&cost), "the report shows the cost {cost}");
    assert_eq!(html.matches("<svg").count(), 2, "timeline and band inline");
    assert!(html.contains("latency p95") || html.contains("latency (ms)"));
    assert!(
        html.contains("spywatcher-backend"),
        "the scenario itself is in the report"
    );
}

#[test]
fn chart_format_and_size_come_from_the_command_line() {
    let out = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/spywatcher-spikes.yaml");
    hpasim()
        .arg("simulate")
        .arg(&scenario)
        .args([
            "--step", "60s", "--charts", "svg", "--theme", "dark", "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    assert!(out.path().join("timeline.svg").exists());
    assert!(!out.path().join("timeline.png").exists());
    hpasim()
        .arg("simulate")
        .arg(&scenario)
        .args(["--chart-size", "12x8", "--out"])
        .arg(out.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("12x8"));
    hpasim()
        .arg("simulate")
        .arg(&scenario)
        .arg(&scenario)
        .arg("--out")
        .arg(out.path().join("two"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--compare"));
}

/// Two variants on one axis: each one's files in its own folder, compare.png and
/// compare.html beside them, both names in the chart.
#[test]
fn compare_runs_each_variant_and_draws_them_together() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("scenarios/spywatcher-spikes.yaml")).unwrap();
    let variant = base
        .replace("name: spywatcher-spikes", "name: spikes-slow-scale-down")
        .replace(
            "stabilizationWindowSeconds: 300",
            "stabilizationWindowSeconds: 900",
        );
    assert_ne!(base, variant);
    let b = dir.path().join("b.yaml");
    std::fs::write(&b, variant).unwrap();
    let out = dir.path().join("out");
    let printed = hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/spywatcher-spikes.yaml"))
        .arg(&b)
        .args(["--compare", "--step", "60s", "--charts", "both", "--out"])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let printed = String::from_utf8(printed).unwrap();
    // One table, not two summaries: a row per figure, a column per variant, the later
    // one's difference from the first; then the fields that differ, with both values.
    assert_eq!(
        printed.matches("Variants side by side").count(),
        1,
        "{printed}"
    );
    assert!(
        !printed.contains("elasticity"),
        "no full summary: {printed}"
    );
    let row = |name: &str| {
        printed
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name} row: {printed}"))
            .to_string()
    };
    for name in [
        "cost",
        "SLO violation",
        "latency p95, worst second",
        "replicas, peak",
        "scale-downs",
    ] {
        let r = row(name);
        assert!(
            r.contains("(same)") || r.contains("(+") || r.contains("(-"),
            "{r}"
        );
    }
    let diff = row("hpa.spec.behavior.scaleDown.stabilizationWindowSeconds");
    assert!(diff.contains("300") && diff.contains("900"), "{diff}");
    assert!(row("name ").contains("spikes-slow-scale-down"));
    assert!(
        !printed.contains("different times of day"),
        "same start: one clock"
    );
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert_eq!(html.matches("Variants side by side").count(), 1);
    assert!(html.contains("stabilizationWindowSeconds"));
    for f in [
        "compare.png",
        "compare.svg",
        "compare.html",
        "spywatcher-spikes/summary.json",
        "spikes-slow-scale-down/timeline.png",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let svg = std::fs::read_to_string(out.join("compare.svg")).unwrap();
    assert!(has_text(&svg, "spywatcher-spikes") && has_text(&svg, "spikes-slow-scale-down"));
}

/// A bad variant is refused before any variant runs: nothing is written.
#[test]
fn compare_refuses_a_bad_variant_before_running_any() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "name: bad\nduraton: 1h\n").unwrap();
    let out = dir.path().join("out");
    hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/spywatcher-spikes.yaml"))
        .arg(&bad)
        .arg("--compare")
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.yaml"));
    assert!(!out.exists(), "no variant ran");
}

fn bundled_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// At 800 px wide, light or dark, no legend line, header or title is cut short ("…"),
/// in any bundled scenario's timeline (with its latency, nodes and failed requests).
#[test]
fn legends_fit_at_800_pixels_wide() {
    for name in bundled_names() {
        let (sc, record) = run(&name, None);
        let j = hpasim::measure::judge_run(&record);
        let d = timeline_with_latency(&record, &j, &sc);
        for theme in [Theme::Light, Theme::Dark] {
            let o = ChartOptions {
                theme,
                ..options(800, 600, ChartFormat::Svg)
            };
            let svg = timeline_svg(&d, &o).unwrap();
            let cut: Vec<String> = svg_texts(&svg)
                .into_iter()
                .map(|(_, t)| t)
                .filter(|t| t.contains('…'))
                .collect();
            assert!(cut.is_empty(), "{name}: cut short: {cut:?}");
        }
    }
}

/// The capacity scenario's story: nodes usable against the pool's largest size, and the
/// requests that failed, drawn when the record has them; a scenario without a node pool
/// or failures draws neither.
#[test]
fn the_capacity_scenario_draws_its_nodes_and_failed_requests() {
    let (sc, record) = run("waddlebot-cluster-at-capacity", None);
    let j = hpasim::measure::judge_run(&record);
    let d = timeline_with_latency(&record, &j, &sc);
    assert!(d.nodes.iter().flatten().any(|n| *n > 3.0), "the pool grows");
    assert_eq!(d.max_nodes, Some(5.0));
    let svg = timeline_svg(&d, &ChartOptions::default()).unwrap();
    for label in ["nodes usable", "at most 5 nodes", "failed per second"] {
        assert!(has_text(&svg, label), "no {label:?}");
    }
    let (sc, record) = run("nasa-daily-cycle", None);
    let j = hpasim::measure::judge_run(&record);
    let calm = timeline_with_latency(&record, &j, &sc);
    let svg = timeline_svg(&calm, &ChartOptions::default()).unwrap();
    assert_eq!(
        has_text(&svg, "nodes usable"),
        calm.nodes.iter().any(Option::is_some)
    );
    assert_eq!(
        has_text(&svg, "failed per second"),
        calm.failed_rps.iter().any(|v| *v > 0.0)
    );
}

/// A 5 s spike against a 300 ms SLO puts the latency on a log axis (the SLO line stays
/// readable); latency within a few times the SLO stays linear. Band and comparison too.
#[test]
fn latency_goes_to_a_log_axis_only_when_a_spike_dwarfs_the_slo() {
    let (_, record) = run("feastflow-flash-sale", None);
    let mut d = timeline_data(&record);
    let n = d.times_s.len();
    // (p95 at the spike, log axis?)
    for (spike, log) in [(5000.0, true), (900.0, false)] {
        d.latency = Some(LatencySeries {
            p50_ms: vec![Some(40.0); n],
            p95_ms: (0..n)
                .map(|i| Some(if i == n / 2 { spike } else { 120.0 }))
                .collect(),
            p99_ms: vec![Some(150.0); n],
            slo_ms: Some(300.0),
            violations: vec![],
        });
        let svg = timeline_svg(&d, &ChartOptions::default()).unwrap();
        assert_eq!(has_text(&svg, "latency (ms, log scale)"), log, "{spike}");
        assert!(has_text(&svg, "SLO 300 ms"));
    }
    let mut b = band();
    b.slo_ms = Some(300.0);
    if let Some(lat) = b.latency_p95_ms.as_mut() {
        lat.p95[10] = 5000.0;
    }
    let svg = band_svg(&b, &ChartOptions::default()).unwrap();
    assert!(has_text(&svg, "latency p95 (ms, log scale)"));
}

/// `simulate`'s timeline title says the SLO verdict and the cost, as summary.json has them.
#[test]
fn the_chart_title_carries_the_verdict_and_the_cost() {
    let out = tempfile::tempdir().unwrap();
    hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/waddlebot-cluster-at-capacity.yaml"))
        .args(["--step", "60s", "--charts", "svg", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let cost = format!("${:.2}", summary["cost"]["totalUsd"].as_f64().unwrap());
    let svg = std::fs::read_to_string(out.path().join("timeline.svg")).unwrap();
    let title = svg_texts(&svg)
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| t.starts_with("waddlebot-cluster-at-capacity"))
        .expect("a title");
    assert!(title.contains("SLO VIOLATED"), "{title}");
    assert!(title.ends_with(&cost), "{title} ends with {cost}");
}

/// Variants that start at different times of day are drawn on time since each one's
/// start, and the axis and the terminal say so; the same start keeps the clock.
#[test]
fn compare_of_different_start_times_draws_time_since_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let printed = hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/feastflow-lunch-rush.yaml"))
        .arg(root().join("scenarios/feastflow-flash-sale.yaml"))
        .args(["--compare", "--step", "60s", "--charts", "svg", "--out"])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let printed = String::from_utf8(printed).unwrap();
    assert!(printed.contains("different times of day"), "{printed}");
    let svg = std::fs::read_to_string(out.join("compare.svg")).unwrap();
    assert!(
        has_text(&svg, "time since each variant"),
        "the axis says so"
    );
    assert!(has_text(&svg, "00:30"), "ticks count from the start");
    assert!(
        !has_text(&svg, "10:30") && !has_text(&svg, "19:30"),
        "no one's clock"
    );
    let start = printed
        .lines()
        .find(|l| l.trim_start().starts_with("start "))
        .unwrap_or_else(|| panic!("the start differs: {printed}"));
    assert!(
        start.contains("10:00") || start.contains("19:30"),
        "{start}"
    );
}

/// report.html shows what the terminal summary only counts (surges, budgets, burn rates,
/// the episodes), says why the verdict is what it is, explains every figure, and ends
/// with the hpasim version and the command line.
#[test]
fn the_report_explains_its_figures_and_how_it_was_made() {
    let out = tempfile::tempdir().unwrap();
    hpasim()
        .arg("simulate")
        .arg(root().join("scenarios/feastflow-flash-sale.yaml"))
        .args(["--step", "60s", "--charts", "none", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let slo = &summary["slo"];
    for section in [
        "<h2>Surges</h2>",
        "<h2>SLO budgets</h2>",
        "<h2>Burn rates</h2>",
        "<h2>SLO episodes</h2>",
        "<h2>What the figures mean</h2>",
    ] {
        assert!(html.contains(section), "no {section}");
    }
    // The verdict says which budget decided it, so "met" beside seconds in violation
    // does not read as a contradiction.
    let spent = (slo["latencyBudget"]["consumed"].as_f64().unwrap() * 100.0).round();
    let verdict = slo["verdict"].as_str().unwrap();
    assert!(
        html.contains(&format!("{verdict}: latency budget {spent:.0}% spent")),
        "{verdict}, {spent}%"
    );
    let episodes = slo["episodes"]["list"].as_array().unwrap().len();
    let first_rows = html.split("<h2>SLO episodes</h2>").nth(1).unwrap();
    let first_rows = first_rows.split("</table>").next().unwrap();
    assert_eq!(
        first_rows.matches("<tr><th scope=\"row\">").count(),
        episodes
    );
    for term in [
        "jitter",
        "instability k, k&#39;",
        "under-/over-provisioned",
        "the HPA&#39;s 10% tolerance",
        "SLO verdict",
        "burn rate",
    ] {
        assert!(html.contains(&format!("<dt>{term}</dt>")), "no {term}");
    }
    assert!(html.contains(&format!(
        "hpasim: <code>{}</code>",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(
        html.contains("command: <code>hpasim simulate ") && html.contains("--step 60s"),
        "the command line"
    );
}

/// Every figure a run's summary.json has (numbers and nulls, by the dotted names `check`
/// and `sweep` use) is named in report.html's glossary: a server's, a worker's (the
/// queue's `queue.*`), a priced-by-nodes run's; a server's glossary has no queue entries.
#[test]
fn the_glossary_names_every_figure_of_summary_json() {
    fn figures(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        for (key, v) in v.as_object().into_iter().flatten() {
            let name = match prefix {
                "" => key.clone(),
                _ => format!("{prefix}.{key}"),
            };
            match v {
                serde_json::Value::Number(_) | serde_json::Value::Null => out.push(name),
                serde_json::Value::Object(_) if name != "shortAtStart" => figures(&name, v, out),
                _ => {}
            }
        }
    }
    // A name is named when it stands as a word: neither it nor a longer name's tail.
    let names = |text: &str, name: &str| {
        text.match_indices(name).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '.')
                && !after.is_some_and(char::is_alphanumeric)
        })
    };
    for (scenario, worker) in [
        ("feastflow-flash-sale", false),
        ("voiceassist-worker-queue", true),
        ("waddlebot-cluster-at-capacity", false),
    ] {
        let out = tempfile::tempdir().unwrap();
        hpasim()
            .arg("simulate")
            .arg(root().join(format!("scenarios/{scenario}.yaml")))
            .args(["--step", "60s", "--charts", "none", "--out"])
            .arg(out.path())
            .assert()
            .success();
        let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
        let glossary = html.split("<h2>What the figures mean</h2>").nth(1).unwrap();
        let glossary = glossary.split("</dl>").next().unwrap();
        let summary: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.path().join("summary.json")).unwrap(),
        )
        .unwrap();
        let mut all = vec![];
        figures("", &summary, &mut all);
        assert!(all.len() > 50, "{scenario}: {} figures", all.len());
        assert_eq!(
            all.iter().any(|n| n.starts_with("queue.")),
            worker,
            "{scenario}"
        );
        let missing: Vec<_> = all.iter().filter(|n| !names(glossary, n)).collect();
        assert!(missing.is_empty(), "{scenario}: not explained: {missing:?}");
        assert_eq!(glossary.contains("queue.waitP95S"), worker, "{scenario}");
        assert_eq!(glossary.contains("<dt>job wait</dt>"), worker, "{scenario}");
    }
}

/// A run's load is counted in its own unit: a server's requests, a worker's jobs
/// (`workload.worker`), on the timeline's load panel and in report.html's SLO rows; a
/// worker's report has no failed-requests row (it serves no requests).
#[test]
fn the_load_is_labelled_in_the_runs_unit() {
    for (scenario, unit, other) in [
        ("feastflow-flash-sale", "requests", "jobs"),
        ("voiceassist-worker-queue", "jobs", "requests"),
    ] {
        let out = tempfile::tempdir().unwrap();
        hpasim()
            .arg("simulate")
            .arg(root().join(format!("scenarios/{scenario}.yaml")))
            .args(["--step", "60s", "--charts", "svg", "--out"])
            .arg(out.path())
            .assert()
            .success();
        let svg = std::fs::read_to_string(out.path().join("timeline.svg")).unwrap();
        let rate = if unit == "jobs" { "jobs/s" } else { "rps" };
        assert!(has_text(&svg, &format!("{unit} per second")), "{scenario}");
        assert!(has_text(&svg, &format!("load ({rate})")), "{scenario}");
        assert!(
            !has_text(&svg, &format!("{other} per second")),
            "{scenario}"
        );
        let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
        // The figures and the charts; the glossary after them speaks of both kinds.
        let html = html.split("<h2>Scenario</h2>").next().unwrap();
        for label in [
            format!("<th scope=\"row\">{unit} that missed</th>"),
            format!("<th scope=\"col\">{unit} allowed to miss</th>"),
            format!("<th scope=\"col\">{unit} that missed</th>"),
            format!("{unit} per second"),
        ] {
            assert!(html.contains(&label), "{scenario}: no {label}");
        }
        assert!(!html.contains(&format!("{other} per second")), "{scenario}");
        assert!(
            !html.contains(&format!("{other} that missed")),
            "{scenario}"
        );
        assert_eq!(
            html.contains("<th scope=\"row\">failed requests</th>"),
            unit == "requests",
            "{scenario}"
        );
    }
}
