//! Turning a run's results into what people and programs read.
//!
//! Owns formats (JSON, YAML, text explanations, charts, the HTML report) and writing
//! files safely (temporary name, then rename). Must not decide or simulate: it only
//! renders values it is given.
//! Imports only the layers below it: `core` to `measure`.

mod chart_data;
mod charts;
mod comparison;
mod explain;
mod figure_names;
mod html;
mod output;
mod run_charts;
mod run_dir;
mod run_files;
mod run_report;

pub use chart_data::timeline_data;
pub use charts::{
    Band, BandData, ChartFormat, ChartOptions, CompareData, LatencySeries, LoadUnit, MAX_SIDE,
    MIN_HEIGHT, MIN_WIDTH, MetricSeries, Theme, TimelineData, Variant, band_chart, band_svg,
    compare_chart, compare_svg, timeline_chart, timeline_svg,
};
pub use comparison::{comparison_grid, grid_text, scenario_diff};
pub use explain::explain_decision;
pub use html::{Grid, ReportData, Table, report_html};
pub use output::{Format, render, write_atomically};
pub use run_charts::{
    Compared, RunSeries, band_over_runs, report_tables, timeline_with_latency,
    write_charts_and_report, write_comparison,
};
pub use run_dir::{
    claim_run_dir, claim_snapshot_dir, remove_stale_run_files, remove_stale_snapshots,
};
pub use run_files::{
    EventsFile, EventsKept, RunOutput, SpreadReport, events_jsonl, summary_figures, summary_text,
    timeline_columns, timeline_csv, timeline_header, write_run,
};
pub use run_report::{glossary, provenance, report_grids, verdict_reason};
