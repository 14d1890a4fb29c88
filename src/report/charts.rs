//! Charts of a run: the timeline (stacked panels on one time axis), the spread over
//! seeds (bands) and variants side by side, as PNG files, SVG files or SVG text.
//!
//! Owns drawing: layout, time ticks on the scenario's clock, colours and legends. It
//! renders the plain values it is given ([`TimelineData`], [`BandData`], [`CompareData`]):
//! it must not simulate, measure or read a run's files. Empty series and missing or
//! non-finite points are skipped, never a panic; a timeline with no rows draws a chart
//! that says so.

mod band;
mod compare;
mod files;
mod frame;
mod legend;
mod palette;
mod primitives;
mod ticks;
mod timeline;

use files::{svg_string, write_chart};
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Error;

/// Which files a chart function writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartFormat {
    /// `stem.png`.
    #[default]
    Png,
    /// `stem.svg`.
    Svg,
    /// Both.
    Both,
    /// No chart.
    None,
}

/// Colours for a light or a dark page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Dark lines on white.
    #[default]
    Light,
    /// Light lines on near-black.
    Dark,
}

/// Size, format and colours of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartOptions {
    /// Width in pixels (at least [`MIN_WIDTH`]).
    pub width: u32,
    /// Height in pixels (at least [`MIN_HEIGHT`]); the panels share it.
    pub height: u32,
    /// Which files to write.
    pub format: ChartFormat,
    /// Light or dark.
    pub theme: Theme,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 1200,
            height: 800,
            format: ChartFormat::Png,
            theme: Theme::Light,
        }
    }
}

/// The narrowest chart drawn: the time axis, the y labels and the legend column need it.
pub const MIN_WIDTH: u32 = 480;
/// The lowest chart drawn.
pub const MIN_HEIGHT: u32 = 300;
/// The largest side drawn (a bitmap of 10 000 x 10 000 is already 300 MB).
pub const MAX_SIDE: u32 = 10_000;

/// What a run's load counts: a server's requests or a worker's jobs (`workload.worker`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoadUnit {
    /// Requests per second.
    #[default]
    Requests,
    /// Jobs arriving per second.
    Jobs,
}

impl LoadUnit {
    /// The unit of a run: jobs when it has a worker's queue.
    pub fn of(record: &crate::sim::Record) -> LoadUnit {
        if record.jobs.is_some() {
            LoadUnit::Jobs
        } else {
            LoadUnit::Requests
        }
    }

    /// The plural noun: "requests" or "jobs".
    pub fn noun(self) -> &'static str {
        match self {
            LoadUnit::Requests => "requests",
            LoadUnit::Jobs => "jobs",
        }
    }

    /// The rate in words, as a legend line reads it.
    pub fn per_second(self) -> &'static str {
        match self {
            LoadUnit::Requests => "requests per second",
            LoadUnit::Jobs => "jobs per second",
        }
    }

    /// The rate's short unit, as an axis reads it.
    pub fn rate(self) -> &'static str {
        match self {
            LoadUnit::Requests => "rps",
            LoadUnit::Jobs => "jobs/s",
        }
    }
}

/// One run, row by row: what the timeline chart draws. Every per-row vector is indexed
/// like `times_s`; a shorter vector simply ends its line early.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineData {
    /// The chart's title.
    pub title: String,
    /// Seconds of the scenario's day at t = 0 (a run starting at 11:00 gives 39600), so
    /// ticks read as clock times; later days read "d1 03:00".
    pub clock_offset_s: f64,
    /// Seconds since the start, one per row.
    pub times_s: Vec<f64>,
    /// Requests (a worker's jobs) arriving per second.
    pub load_rps: Vec<f64>,
    /// What `load_rps` counts, as the load panel labels it.
    pub load_unit: LoadUnit,
    /// The Deployment's spec.replicas.
    pub spec: Vec<f64>,
    /// The HPA's last desiredReplicas.
    pub desired: Vec<f64>,
    /// Ready pods.
    pub ready: Vec<f64>,
    /// Pods bound to a node and starting (image pull, container start, probes).
    pub starting: Vec<f64>,
    /// Pods Pending: waiting for the scheduler or for a node (empty: none drawn).
    pub pending: Vec<f64>,
    /// The HPA's minReplicas at each row.
    pub min_replicas: Vec<f64>,
    /// The HPA's maxReplicas at each row.
    pub max_replicas: Vec<f64>,
    /// Scheduled actions: (t, short label such as "maxReplicas 10→20").
    pub actions: Vec<(f64, String)>,
    /// HPA rescale decisions: (t, from, to).
    pub scale_events: Vec<(f64, i32, i32)>,
    /// One panel each.
    pub metrics: Vec<MetricSeries>,
    /// Latency percentiles; `None` draws no latency panel.
    pub latency: Option<LatencySeries>,
    /// Nodes usable at each row, when the scenario models a node pool; empty (or all
    /// `None`) draws no nodes panel.
    pub nodes: Vec<Option<f64>>,
    /// The node pool's largest size, when it has one.
    pub max_nodes: Option<f64>,
    /// Requests failed per second over each row; drawn on the load panel when any failed.
    pub failed_rps: Vec<f64>,
    /// A worker's jobs waiting at each row (`workload.worker`); empty draws no queue panel.
    pub queue_depth: Vec<f64>,
}

/// One HPA metric over the run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricSeries {
    /// The metric's name ("cpu", "http_requests_per_second").
    pub name: String,
    /// Its unit: "%" for utilization, "" for a plain number.
    pub unit: String,
    /// What the HPA last observed (absent before its first reading).
    pub observed: Vec<Option<f64>>,
    /// The actual value at each row.
    pub actual: Vec<f64>,
    /// The HPA's target at each row.
    pub target: Vec<Option<f64>>,
}

/// Request latency over the run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatencySeries {
    /// Median, milliseconds.
    pub p50_ms: Vec<Option<f64>>,
    /// 95th percentile, milliseconds.
    pub p95_ms: Vec<Option<f64>>,
    /// 99th percentile, milliseconds.
    pub p99_ms: Vec<Option<f64>>,
    /// The objective, milliseconds.
    pub slo_ms: Option<f64>,
    /// Spans (start, end), seconds since the start, when the objective was missed.
    pub violations: Vec<(f64, f64)>,
}

/// The spread of many runs (seeds): percentiles across runs at each row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BandData {
    /// The chart's title.
    pub title: String,
    /// Seconds of the scenario's day at t = 0.
    pub clock_offset_s: f64,
    /// Seconds since the start, one per row.
    pub times_s: Vec<f64>,
    /// How many runs the band summarizes.
    pub runs: usize,
    /// Replicas (Ready) across runs.
    pub replicas: Band,
    /// p95 latency across runs, milliseconds.
    pub latency_p95_ms: Option<Band>,
    /// The latency objective, milliseconds.
    pub slo_ms: Option<f64>,
    /// Scheduled actions: (t, label), marked through both panels.
    pub actions: Vec<(f64, String)>,
}

/// Three percentiles across runs, one value per row each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Band {
    /// 5th percentile.
    pub p5: Vec<f64>,
    /// Median.
    pub p50: Vec<f64>,
    /// 95th percentile.
    pub p95: Vec<f64>,
}

/// Several variants of a scenario on one time axis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompareData {
    /// The chart's title.
    pub title: String,
    /// Seconds of the scenario's day at t = 0 (0 with `since_start`).
    pub clock_offset_s: f64,
    /// The axis reads time since the start, not a clock (the variants start at
    /// different times of day); the axis says so.
    pub since_start: bool,
    /// One colour each.
    pub variants: Vec<Variant>,
    /// What the variants' load counts (jobs when every variant is a worker).
    pub load_unit: LoadUnit,
}

/// One variant's run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variant {
    /// Its name in the legend.
    pub name: String,
    /// Seconds since the start, one per row.
    pub times_s: Vec<f64>,
    /// Requests per second.
    pub load_rps: Vec<f64>,
    /// Ready pods.
    pub ready: Vec<f64>,
    /// spec.replicas.
    pub spec: Vec<f64>,
    /// p95 latency, milliseconds, when measured.
    pub latency_p95_ms: Option<Vec<Option<f64>>>,
    /// Its latency objective, milliseconds.
    pub slo_ms: Option<f64>,
}

/// Writes the timeline chart as `dir/stem.png` and/or `dir/stem.svg`, as `o.format`
/// asks; returns the files written (none for [`ChartFormat::None`]).
pub fn timeline_chart(
    d: &TimelineData,
    o: &ChartOptions,
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, Error> {
    write_chart(d, o, dir, stem)
}

/// Writes the band chart (the spread over runs) as `o.format` asks.
pub fn band_chart(
    d: &BandData,
    o: &ChartOptions,
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, Error> {
    write_chart(d, o, dir, stem)
}

/// Writes the comparison chart (variants side by side) as `o.format` asks.
pub fn compare_chart(
    d: &CompareData,
    o: &ChartOptions,
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, Error> {
    write_chart(d, o, dir, stem)
}

/// The timeline chart as SVG markup (for inlining in HTML); `o.format` is ignored.
pub fn timeline_svg(d: &TimelineData, o: &ChartOptions) -> Result<String, Error> {
    svg_string(d, o)
}

/// The band chart as SVG markup; `o.format` is ignored.
pub fn band_svg(d: &BandData, o: &ChartOptions) -> Result<String, Error> {
    svg_string(d, o)
}

/// The comparison chart as SVG markup; `o.format` is ignored.
pub fn compare_svg(d: &CompareData, o: &ChartOptions) -> Result<String, Error> {
    svg_string(d, o)
}

/// A chart's drawing, the same on every backend.
trait Chart {
    /// Names the chart in error messages.
    const KIND: &'static str;
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        o: &ChartOptions,
        bitmap: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>;
}

impl Chart for TimelineData {
    const KIND: &'static str = "timeline";
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        o: &ChartOptions,
        bitmap: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        timeline::draw(root, self, o, bitmap)
    }
}

impl Chart for BandData {
    const KIND: &'static str = "band";
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        o: &ChartOptions,
        bitmap: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        band::draw(root, self, o, bitmap)
    }
}

impl Chart for CompareData {
    const KIND: &'static str = "comparison";
    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        o: &ChartOptions,
        bitmap: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        compare::draw(root, self, o, bitmap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> TimelineData {
        let times: Vec<f64> = (0..600).map(f64::from).collect();
        let n = times.len();
        TimelineData {
            title: "tiny".into(),
            clock_offset_s: 11.0 * 3600.0,
            load_rps: times.iter().map(|t| 50.0 + t / 10.0).collect(),
            spec: vec![3.0; n],
            desired: vec![3.0; n],
            ready: vec![3.0; n],
            starting: vec![0.0; n],
            min_replicas: vec![2.0; n],
            max_replicas: vec![10.0; n],
            times_s: times,
            ..Default::default()
        }
    }

    #[test]
    fn sizes_outside_the_limits_are_refused_before_drawing() {
        let o = ChartOptions {
            width: 10,
            ..Default::default()
        };
        let err = timeline_svg(&tiny(), &o).unwrap_err().to_string();
        assert!(err.contains("10x800"), "{err}");
    }

    #[test]
    fn no_format_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let o = ChartOptions {
            format: ChartFormat::None,
            ..Default::default()
        };
        assert!(
            timeline_chart(&tiny(), &o, dir.path(), "t")
                .unwrap()
                .is_empty()
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_failed_png_leaves_no_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should go: the rename fails, nothing half-written stays.
        std::fs::create_dir(dir.path().join("t.png")).unwrap();
        std::fs::write(dir.path().join("t.png").join("x"), b"x").unwrap();
        let o = ChartOptions::default();
        assert!(timeline_chart(&tiny(), &o, dir.path(), "t").is_err());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
    }

    #[test]
    fn many_panels_in_the_smallest_chart_still_draw() {
        let mut d = tiny();
        let metric = MetricSeries {
            name: "a_rather_long_metric_name_for_a_small_panel".into(),
            unit: "".into(),
            observed: vec![Some(1.0); 600],
            actual: vec![1.0; 600],
            target: vec![Some(2.0); 600],
        };
        d.metrics = vec![metric; 12];
        d.latency = Some(LatencySeries::default());
        d.actions = (0..20)
            .map(|k| (f64::from(k) * 30.0, "scale 3→6".into()))
            .collect();
        let o = ChartOptions {
            width: MIN_WIDTH,
            height: MIN_HEIGHT,
            ..Default::default()
        };
        // Cramped, but drawn: panels shrink and legends say what they leave out.
        assert!(timeline_svg(&d, &o).is_ok());
        let dir = tempfile::tempdir().unwrap();
        assert!(timeline_chart(&d, &o, dir.path(), "t").is_ok());
    }

    #[test]
    fn nan_and_empty_series_draw_without_panicking() {
        let mut d = tiny();
        d.load_rps[10] = f64::NAN;
        d.ready.clear();
        d.metrics.push(MetricSeries {
            name: "cpu".into(),
            unit: "%".into(),
            observed: vec![None; 3],
            actual: vec![f64::INFINITY; 600],
            target: vec![],
        });
        d.latency = Some(LatencySeries::default());
        let svg = timeline_svg(&d, &ChartOptions::default()).unwrap();
        assert!(svg.contains("cpu"));
        let empty = TimelineData {
            title: "nothing".into(),
            ..Default::default()
        };
        let svg = timeline_svg(&empty, &ChartOptions::default()).unwrap();
        assert!(svg.contains("no timeline rows"), "the empty chart says why");
        let band = band_svg(&BandData::default(), &ChartOptions::default()).unwrap();
        assert!(band.contains("<svg"));
        let cmp = compare_svg(&CompareData::default(), &ChartOptions::default()).unwrap();
        assert!(cmp.contains("<svg"));
    }
}
