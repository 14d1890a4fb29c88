//! The frame every chart shares: sizes, the time axis, the title, the panels stacked
//! below it (each split into its plot and its legend column) and a panel's axes.
//!
//! Owns layout and the axes; it draws no series (see `primitives`) and no legend.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartOptions;
use super::palette::{Palette, palette};
use super::primitives::{anchored, fit, text};
use super::ticks::{
    clock_label, log_range, log_ticks, max_finite, min_finite, number_label, time_ticks, wants_log,
    y_range,
};

pub(super) type Res<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
pub(super) type Area<DB> = DrawingArea<DB, Shift>;
pub(super) type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<TimeCoord, YCoord>>;

/// The time axis: linear, with ticks on round clock times (plotters' `WithKeyPoints`
/// over an f64 range cannot take a label formatter).
#[derive(Clone)]
pub(super) struct TimeCoord {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for TimeCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(v, limit)
    }
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Grid lines only at the labelled ticks; no light lines between them.
        if hint.weight().allow_light_points() {
            vec![]
        } else {
            self.ticks.clone()
        }
    }
    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// The y axis: linear with plotters' ticks, or the log10 of the values with ticks on
/// round values (1-2-5 of each power of ten).
#[derive(Clone)]
pub(super) struct YCoord {
    inner: RangedCoordf64,
    /// The ticks of a log axis (as log10 of the values); `None`: plotters' own.
    ticks: Option<Vec<f64>>,
}

impl Ranged for YCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(v, limit)
    }
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        match &self.ticks {
            Some(_) if hint.weight().allow_light_points() => vec![],
            Some(ticks) => ticks.clone(),
            None => self.inner.key_points(hint),
        }
    }
    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// The family registered in `font_ready`.
pub(super) const FONT: &str = "sans-serif";

/// Fixed pixel sizes: text stays the same size whatever the chart's size. Font sizes are
/// even: plotters' ab_glyph rendering places glyphs a pixel apart at odd or fractional
/// sizes (a raised "x", a floating ".").
pub(super) struct Layout {
    pub(super) w: i32,
    pub(super) h: i32,
    pub(super) title_h: i32,
    pub(super) y_label_w: i32,
    pub(super) legend_w: i32,
    pub(super) x_label_h: i32,
    pub(super) gap: i32,
    pub(super) right: i32,
}

impl Layout {
    pub(super) fn new(o: &ChartOptions) -> Layout {
        let w = o.width as i32;
        Layout {
            w,
            h: o.height as i32,
            title_h: 40,
            y_label_w: 72,
            // 210 px at least: no legend line is cut short at 800 px wide.
            legend_w: (w * 18 / 100).clamp(210, 250),
            x_label_h: 50,
            gap: 10,
            right: 12,
        }
    }
    pub(super) fn plot_w(&self) -> i32 {
        (self.w - self.legend_w - self.y_label_w - self.right).max(1)
    }
}

/// What every drawing function needs.
pub(super) struct Ctx {
    pub(super) th: Palette,
    pub(super) l: Layout,
    /// Drawing into a bitmap: thick lines are drawn as several thin ones (see `stroke`).
    pub(super) bitmap: bool,
}

impl Ctx {
    pub(super) fn new(o: &ChartOptions, bitmap: bool) -> Ctx {
        Ctx {
            th: palette(o.theme),
            l: Layout::new(o),
            bitmap,
        }
    }
}

/// Rows per pixel column above which series are drawn as a band (lowest to highest in the
/// column) around their mean, not as a zigzag through every row.
pub(super) const DENSE: f64 = 3.0;

/// The shared time axis.
pub(super) struct Axis {
    pub(super) t0: f64,
    pub(super) t1: f64,
    pub(super) offset: f64,
    pub(super) ticks: Vec<f64>,
    pub(super) step: f64,
    pub(super) multi_day: bool,
    /// Ticks read time since the start, not the scenario's clock.
    pub(super) since_start: bool,
    /// Buckets long series are summarized into: one per pixel column.
    pub(super) buckets: usize,
}

impl Axis {
    pub(super) fn new(offset: f64, t0: f64, t1: f64, l: &Layout) -> Axis {
        let t1 = if t1 > t0 { t1 } else { t0 + 1.0 };
        let offset = if offset.is_finite() { offset } else { 0.0 };
        let multi_day = offset + t1 >= 86400.0 || offset + t0 < 0.0;
        // "d2 18:00" needs more room than "18:00".
        let per_label = if multi_day { 100 } else { 76 };
        let (ticks, step) = time_ticks(offset, t0, t1, (l.plot_w() / per_label).max(2) as usize);
        Axis {
            t0,
            t1,
            offset,
            ticks,
            step,
            multi_day,
            since_start: false,
            buckets: l.plot_w().max(1) as usize,
        }
    }
    /// The pixel column of `t`, in the coordinates of a panel's area.
    pub(super) fn x_px(&self, t: f64, l: &Layout) -> i32 {
        let f = ((t - self.t0) / (self.t1 - self.t0)).clamp(0.0, 1.0);
        l.y_label_w + (f * f64::from(l.plot_w())).round() as i32
    }
    pub(super) fn contains(&self, t: f64) -> bool {
        (self.t0..=self.t1).contains(&t)
    }
    /// Whether `times` has more rows per pixel column than a line shows.
    pub(super) fn dense(&self, times: &[f64]) -> bool {
        let n = times.iter().filter(|t| self.contains(**t)).count();
        n as f64 > DENSE * self.buckets as f64
    }
    pub(super) fn desc(&self) -> &'static str {
        if self.since_start {
            "time since each variant's start (h:mm; they start at different times of day)"
        } else if self.multi_day {
            "scenario clock (dN: N days after the first midnight)"
        } else {
            "scenario clock"
        }
    }
}

/// The title, and on its right how dense data is drawn (when it is).
pub(super) fn title<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &str,
    dense: bool,
    cx: &Ctx,
) -> Res<(), DB> {
    let (l, th) = (&cx.l, &cx.th);
    let mut room = l.w - l.y_label_w - l.right;
    let style = anchored(text(20.0, th.fg), HPos::Left, VPos::Center);
    let title_w = root.estimate_text_size(s, &style)?.0 as i32;
    if dense {
        // The note gives way to the title: the short form, or none, when room is short.
        let note_style = anchored(text(12.0, th.muted), HPos::Right, VPos::Center);
        for note in [
            "dense data: line = mean of each pixel column, shade = its range",
            "dense: line = mean, shade = range",
        ] {
            let w = root.estimate_text_size(note, &note_style)?.0 as i32;
            if title_w + 16 + w <= room {
                root.draw_text(note, &note_style, (l.w - l.right, l.title_h / 2 + 2))?;
                room -= w + 16;
                break;
            }
        }
    }
    let s = fit(root, s, &style, room)?;
    root.draw_text(&s, &style, (l.y_label_w, l.title_h / 2 + 2))
}

/// A chart with nothing to plot says so, rather than drawing empty axes.
pub(super) fn note<DB: DrawingBackend>(root: &Area<DB>, s: &str, cx: &Ctx) -> Res<(), DB> {
    let style = anchored(text(16.0, cx.th.muted), HPos::Center, VPos::Center);
    root.draw_text(s, &style, (cx.l.w / 2, cx.l.h / 2))
}

/// Splits the area below the title into panels by weight; the last one also holds the
/// time labels.
pub(super) fn stack<DB: DrawingBackend>(
    root: &Area<DB>,
    l: &Layout,
    weights: &[f64],
) -> Vec<Area<DB>> {
    let avail = f64::from((l.h - l.title_h - l.x_label_h - 6).max(weights.len() as i32));
    let total: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let mut breaks = vec![l.title_h];
    let mut y = f64::from(l.title_h);
    for w in &weights[..weights.len().saturating_sub(1)] {
        y += avail * w / total;
        breaks.push(y.round() as i32);
    }
    root.split_by_breakpoints([] as [i32; 0], breaks)
        .into_iter()
        .skip(1)
        .collect()
}

/// How a panel's axes look.
pub(super) struct PanelSpec<'s> {
    pub(super) y: (f64, f64),
    pub(super) unit: &'s str,
    /// Whole numbers only on the y axis (replicas).
    pub(super) integer: bool,
    /// The bottom panel carries the time labels.
    pub(super) bottom: bool,
    /// Pixels above the plot (the gap between panels, and the action labels' strip).
    pub(super) top: i32,
    /// `y` holds log10 of the values, labelled with the values (see `ticks::wants_log`).
    pub(super) log: bool,
}

/// A panel's plot on the shared time axis.
pub(super) fn panel<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    ax: &Axis,
    p: &PanelSpec,
    cx: &Ctx,
) -> Res<Plot<'a, DB>, DB> {
    let (l, th) = (&cx.l, &cx.th);
    let (y0, y1) = p.y;
    let mut chart = ChartBuilder::on(area)
        .margin_top(p.top)
        .margin_right(l.right)
        .x_label_area_size(if p.bottom { l.x_label_h } else { 0 })
        .y_label_area_size(l.y_label_w)
        .build_cartesian_2d(
            TimeCoord {
                inner: (ax.t0..ax.t1).into(),
                ticks: ax.ticks.clone(),
            },
            YCoord {
                inner: (y0..y1).into(),
                ticks: p.log.then(|| log_axis_ticks(area, p, l)),
            },
        )?;
    let xfmt = |t: &f64| clock_label(ax.offset + t, ax.step);
    let range = y1 - y0;
    let (integer, log) = (p.integer, p.log);
    let yfmt = |v: &f64| {
        if log {
            let x = 10f64.powf(*v);
            return number_label(x, x.max(10.0));
        }
        // Replicas are whole pods: no "2.5" ticks.
        if integer && v.fract().abs() > 1e-9 {
            String::new()
        } else {
            number_label(*v, range)
        }
    };
    let plot_h = area.dim_in_pixel().1 as i32 - p.top - if p.bottom { l.x_label_h } else { 0 };
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(ax.ticks.len().max(1))
        .y_labels((plot_h / 26).clamp(2, 6) as usize)
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .label_style(text(14.0, th.muted))
        .axis_desc_style(text(14.0, th.muted))
        .axis_style(th.frame)
        .bold_line_style(th.grid)
        .light_line_style(TRANSPARENT);
    let desc = format!("{} (log scale)", p.unit);
    if p.log {
        mesh.y_desc(&desc);
    } else if !p.unit.is_empty() {
        mesh.y_desc(p.unit);
    }
    if p.bottom {
        mesh.x_desc(ax.desc());
    }
    mesh.draw()?;
    chart.plotting_area().draw(&Rectangle::new(
        [(ax.t0, y0), (ax.t1, y1)],
        th.frame.stroke_width(1),
    ))?;
    Ok(chart)
}

/// A latency panel's y axis: linear, or logarithmic when a spike dwarfs the SLO (see
/// `ticks::wants_log`), so the SLO line stays readable.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct LatencyAxis {
    /// Log10 of the values on the axis.
    pub(super) log: bool,
    /// The range, in the axis' coordinates.
    pub(super) y: (f64, f64),
}

impl LatencyAxis {
    /// The axis for `values` (milliseconds) and the SLO's threshold.
    pub(super) fn new(values: impl Iterator<Item = f64> + Clone, slo: Option<f64>) -> Self {
        let log = wants_log(values.clone(), slo);
        let all = values.chain(slo);
        let y = if log { log_range(all) } else { y_range(all) };
        LatencyAxis { log, y }
    }
    /// Where the plot draws `v`: its log10 on a log axis (nothing for zero).
    pub(super) fn at(&self, v: f64) -> Option<f64> {
        if !self.log {
            Some(v)
        } else if v > 0.0 && v.is_finite() {
            Some(v.log10())
        } else {
            None
        }
    }
}

/// A log panel's ticks, as log10 of round values, as many as its height holds.
fn log_axis_ticks<DB: DrawingBackend>(area: &Area<DB>, p: &PanelSpec, l: &Layout) -> Vec<f64> {
    let plot_h = area.dim_in_pixel().1 as i32 - p.top - if p.bottom { l.x_label_h } else { 0 };
    let max = (plot_h / 22).clamp(2, 8) as usize;
    let (lo, hi) = (10f64.powf(p.y.0), 10f64.powf(p.y.1));
    log_ticks(lo, hi, max).iter().map(|v| v.log10()).collect()
}

/// What a chart's frame is made of.
pub(super) struct Sheet<'s> {
    /// The title.
    pub(super) title: &'s str,
    /// Seconds of the scenario's day at t = 0.
    pub(super) clock_offset_s: f64,
    /// The rows' times, one slice per series with rows of its own.
    pub(super) times: Vec<&'s [f64]>,
    /// What the chart says when no row has a finite time.
    pub(super) empty: &'s str,
    /// The panels' relative heights, top to bottom.
    pub(super) weights: &'s [f64],
    /// The time axis reads time since the start (see `CompareData::since_start`).
    pub(super) since_start: bool,
}

/// A chart's frame, drawn: the time axis and each panel as its plot and legend areas.
pub(super) struct Frame<DB: DrawingBackend> {
    /// The time axis every panel shares.
    pub(super) ax: Axis,
    /// (plot, legend column), top to bottom.
    pub(super) panels: Vec<(Area<DB>, Area<DB>)>,
}

/// Fills the background, draws the title and splits the rest into panels; `None` when
/// there is nothing to plot (the chart then says so).
pub(super) fn frame<DB: DrawingBackend>(
    root: &Area<DB>,
    sheet: &Sheet,
    cx: &Ctx,
) -> Res<Option<Frame<DB>>, DB> {
    let l = &cx.l;
    root.fill(&cx.th.bg)?;
    let all = || sheet.times.iter().flat_map(|t| t.iter().copied());
    let (Some(t0), Some(t1)) = (min_finite(all()), max_finite(all())) else {
        title(root, sheet.title, false, cx)?;
        note(root, sheet.empty, cx)?;
        return Ok(None);
    };
    let mut ax = Axis::new(sheet.clock_offset_s, t0, t1, l);
    ax.since_start = sheet.since_start;
    let dense = sheet.times.iter().any(|t| ax.dense(t));
    title(root, sheet.title, dense, cx)?;
    let panels = stack(root, l, sheet.weights)
        .iter()
        .map(|a| a.split_horizontally(l.w - l.legend_w))
        .collect();
    Ok(Some(Frame { ax, panels }))
}
