//! The drawing: panels stacked on one time axis, each with its legend in a column to the
//! right of the plots (legends never cover data), action labels in a strip above the
//! replicas. Generic over the backend, so PNG and SVG are the same picture.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ticks::{
    Summary, clock_label, envelope, max_finite, min_finite, number_label, steps, thin, time_ticks,
    y_range,
};
use super::{
    BandData, ChartOptions, CompareData, LatencySeries, MetricSeries, Theme, TimelineData,
};

type Res<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
type Area<DB> = DrawingArea<DB, Shift>;
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<TimeCoord, RangedCoordf64>>;

/// The time axis: linear, with ticks on round clock times (plotters' `WithKeyPoints`
/// over an f64 range cannot take a label formatter).
#[derive(Clone)]
struct TimeCoord {
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

/// The family registered in `font_ready`.
const FONT: &str = "sans-serif";

/// Colours: Okabe-Ito hues, which stay apart for colour-blind readers, on either page.
struct Palette {
    bg: RGBColor,
    fg: RGBColor,
    muted: RGBColor,
    grid: RGBColor,
    frame: RGBColor,
    load: RGBColor,
    spec: RGBColor,
    desired: RGBColor,
    ready: RGBColor,
    starting: RGBColor,
    limits: RGBColor,
    action: RGBColor,
    up: RGBColor,
    down: RGBColor,
    observed: RGBColor,
    actual: RGBColor,
    target: RGBColor,
    p50: RGBColor,
    p95: RGBColor,
    p99: RGBColor,
    violation: RGBColor,
    variants: [RGBColor; 7],
}

fn palette(theme: Theme) -> Palette {
    let blue = RGBColor(0x00, 0x72, 0xB2);
    let sky = RGBColor(0x56, 0xB4, 0xE9);
    let green = RGBColor(0x00, 0x9E, 0x73);
    let orange = RGBColor(0xE6, 0x9F, 0x00);
    let vermillion = RGBColor(0xD5, 0x5E, 0x00);
    let purple = RGBColor(0xCC, 0x79, 0xA7);
    match theme {
        Theme::Light => Palette {
            bg: RGBColor(0xFF, 0xFF, 0xFF),
            fg: RGBColor(0x20, 0x22, 0x26),
            muted: RGBColor(0x55, 0x5B, 0x63),
            grid: RGBColor(0xE4, 0xE6, 0xEA),
            frame: RGBColor(0xB8, 0xBC, 0xC4),
            load: RGBColor(0x6A, 0x4C, 0x93),
            spec: blue,
            desired: RGBColor(0x20, 0x22, 0x26),
            ready: green,
            starting: orange,
            limits: RGBColor(0x7A, 0x80, 0x88),
            action: purple,
            up: vermillion,
            down: sky,
            observed: blue,
            actual: RGBColor(0x9A, 0xA0, 0xA8),
            target: vermillion,
            p50: green,
            p95: orange,
            p99: vermillion,
            violation: vermillion,
            variants: [
                blue,
                vermillion,
                green,
                purple,
                orange,
                sky,
                RGBColor(0x44, 0x44, 0x44),
            ],
        },
        Theme::Dark => {
            // Dark blue vanishes on a dark page: a lighter blue takes its place.
            let light_blue = RGBColor(0x4D, 0xA6, 0xFF);
            Palette {
                bg: RGBColor(0x16, 0x18, 0x1D),
                fg: RGBColor(0xE8, 0xEA, 0xED),
                muted: RGBColor(0xA8, 0xAE, 0xB6),
                grid: RGBColor(0x2C, 0x30, 0x38),
                frame: RGBColor(0x4A, 0x50, 0x5A),
                load: RGBColor(0xB3, 0x9D, 0xDB),
                spec: light_blue,
                desired: RGBColor(0xE8, 0xEA, 0xED),
                ready: green,
                starting: orange,
                limits: RGBColor(0x9A, 0xA0, 0xA8),
                action: purple,
                up: vermillion,
                down: sky,
                observed: light_blue,
                actual: RGBColor(0x7A, 0x80, 0x88),
                target: vermillion,
                p50: green,
                p95: orange,
                p99: vermillion,
                violation: vermillion,
                variants: [
                    light_blue,
                    vermillion,
                    green,
                    purple,
                    orange,
                    sky,
                    RGBColor(0xCC, 0xCC, 0xCC),
                ],
            }
        }
    }
}

/// Fixed pixel sizes: text stays the same size whatever the chart's size. Font sizes are
/// even: plotters' ab_glyph rendering places glyphs a pixel apart at odd or fractional
/// sizes (a raised "x", a floating ".").
struct Layout {
    w: i32,
    h: i32,
    title_h: i32,
    y_label_w: i32,
    legend_w: i32,
    x_label_h: i32,
    gap: i32,
    right: i32,
}

impl Layout {
    fn new(o: &ChartOptions) -> Layout {
        let w = o.width as i32;
        Layout {
            w,
            h: o.height as i32,
            title_h: 40,
            y_label_w: 72,
            legend_w: (w * 18 / 100).clamp(160, 240),
            x_label_h: 50,
            gap: 10,
            right: 12,
        }
    }
    fn plot_w(&self) -> i32 {
        (self.w - self.legend_w - self.y_label_w - self.right).max(1)
    }
}

/// What every drawing function needs.
struct Ctx {
    th: Palette,
    l: Layout,
    /// Drawing into a bitmap: thick lines are drawn as several thin ones (see `stroke`).
    bitmap: bool,
}

impl Ctx {
    fn new(o: &ChartOptions, bitmap: bool) -> Ctx {
        Ctx {
            th: palette(o.theme),
            l: Layout::new(o),
            bitmap,
        }
    }
}

/// Rows per pixel column above which series are drawn as a band (lowest to highest in the
/// column) around their mean, not as a zigzag through every row.
const DENSE: f64 = 3.0;

/// The shared time axis.
struct Axis {
    t0: f64,
    t1: f64,
    offset: f64,
    ticks: Vec<f64>,
    step: f64,
    multi_day: bool,
    /// Buckets long series are summarized into: one per pixel column.
    buckets: usize,
}

impl Axis {
    fn new(offset: f64, t0: f64, t1: f64, l: &Layout) -> Axis {
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
            buckets: l.plot_w().max(1) as usize,
        }
    }
    /// The pixel column of `t`, in the coordinates of a panel's area.
    fn x_px(&self, t: f64, l: &Layout) -> i32 {
        let f = ((t - self.t0) / (self.t1 - self.t0)).clamp(0.0, 1.0);
        l.y_label_w + (f * f64::from(l.plot_w())).round() as i32
    }
    fn contains(&self, t: f64) -> bool {
        (self.t0..=self.t1).contains(&t)
    }
    /// Whether `times` has more rows per pixel column than a line shows.
    fn dense(&self, times: &[f64]) -> bool {
        let n = times.iter().filter(|t| self.contains(**t)).count();
        n as f64 > DENSE * self.buckets as f64
    }
    fn desc(&self) -> &'static str {
        if self.multi_day {
            "scenario clock (dN: N days after the first midnight)"
        } else {
            "scenario clock"
        }
    }
}

fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    // Fields set directly: `TextStyle::color` ties the style to the colour's borrow.
    let mut style = TextStyle::from((FONT, size).into_font());
    style.color = color.to_backend_color();
    style
}

fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// `s`, cut short with "…" to fit `max_w` pixels.
fn fit<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &str,
    style: &TextStyle,
    max_w: i32,
) -> Res<String, DB> {
    if area.estimate_text_size(s, style)?.0 as i32 <= max_w {
        return Ok(s.to_string());
    }
    let chars: Vec<char> = s.chars().collect();
    for n in (0..chars.len()).rev() {
        let cut: String = chars[..n].iter().collect::<String>() + "…";
        if area.estimate_text_size(&cut, style)?.0 as i32 <= max_w {
            return Ok(cut);
        }
    }
    Ok(String::new())
}

/// `s` on one line, or on two broken after a space, `_`, `-`, `.` or `/` (metric names
/// are long: "http_requests_per_second"), the second cut short if it must be.
fn wrap<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &str,
    style: &TextStyle,
    max_w: i32,
) -> Res<Vec<String>, DB> {
    if area.estimate_text_size(s, style)?.0 as i32 <= max_w {
        return Ok(vec![s.to_string()]);
    }
    let mut split = None;
    for (i, c) in s.char_indices() {
        if " _-./".contains(c) {
            let k = i + c.len_utf8();
            if area.estimate_text_size(s[..k].trim_end(), style)?.0 as i32 <= max_w {
                split = Some(k);
            }
        }
    }
    Ok(match split {
        Some(k) => vec![
            s[..k].trim_end().to_string(),
            fit(area, s[k..].trim_start(), style, max_w)?,
        ],
        None => vec![fit(area, s, style, max_w)?],
    })
}

/// The title, and on its right how dense data is drawn (when it is).
fn title<DB: DrawingBackend>(root: &Area<DB>, s: &str, dense: bool, cx: &Ctx) -> Res<(), DB> {
    let (l, th) = (&cx.l, &cx.th);
    let mut room = l.w - l.y_label_w - l.right;
    if dense {
        let style = anchored(text(12.0, th.muted), HPos::Right, VPos::Center);
        let note = "dense data: line = mean of each pixel column, shade = its range";
        let w = root.estimate_text_size(note, &style)?.0 as i32;
        if w < room / 2 {
            root.draw_text(note, &style, (l.w - l.right, l.title_h / 2 + 2))?;
            room -= w + 16;
        }
    }
    let style = anchored(text(20.0, th.fg), HPos::Left, VPos::Center);
    let s = fit(root, s, &style, room)?;
    root.draw_text(&s, &style, (l.y_label_w, l.title_h / 2 + 2))
}

/// A chart with nothing to plot says so, rather than drawing empty axes.
fn note<DB: DrawingBackend>(root: &Area<DB>, s: &str, cx: &Ctx) -> Res<(), DB> {
    let style = anchored(text(16.0, cx.th.muted), HPos::Center, VPos::Center);
    root.draw_text(s, &style, (cx.l.w / 2, cx.l.h / 2))
}

/// Splits the area below the title into panels by weight; the last one also holds the
/// time labels.
fn stack<DB: DrawingBackend>(root: &Area<DB>, l: &Layout, weights: &[f64]) -> Vec<Area<DB>> {
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
struct PanelSpec<'s> {
    y: (f64, f64),
    unit: &'s str,
    /// Whole numbers only on the y axis (replicas).
    integer: bool,
    /// The bottom panel carries the time labels.
    bottom: bool,
    /// Pixels above the plot (the gap between panels, and the action labels' strip).
    top: i32,
}

/// A panel's plot on the shared time axis.
fn panel<'a, DB: DrawingBackend>(
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
            y0..y1,
        )?;
    let xfmt = |t: &f64| clock_label(ax.offset + t, ax.step);
    let range = y1 - y0;
    let integer = p.integer;
    let yfmt = |v: &f64| {
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
    if !p.unit.is_empty() {
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

/// What a legend entry's sample looks like.
enum Swatch {
    Line(RGBAColor, u32),
    Dashed(RGBAColor, u32),
    Area(RGBAColor),
    Up(RGBColor),
    Down(RGBColor),
    /// Text only.
    Nothing,
}

struct Item {
    label: String,
    swatch: Swatch,
}

fn item(label: impl Into<String>, swatch: Swatch) -> Item {
    Item {
        label: label.into(),
        swatch,
    }
}

fn triangle(x: i32, y: i32, up: bool, r: i32) -> Vec<(i32, i32)> {
    if up {
        vec![(x, y - r), (x + r, y + r - 1), (x - r, y + r - 1)]
    } else {
        vec![(x, y + r), (x + r, y - r + 1), (x - r, y - r + 1)]
    }
}

/// A panel's legend, in the column right of its plot: a header naming the panel (with
/// its unit), then one line per series; a smaller font when the panel is short.
fn legend<DB: DrawingBackend>(
    area: &Area<DB>,
    header: &str,
    items: &[Item],
    top: i32,
    cx: &Ctx,
) -> Res<(), DB> {
    let th = &cx.th;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let x0 = 8;
    let sw = 22;
    let n = items.len().max(1) as i32;
    // Roomy: a 16 px header and 14 px lines; a short panel gets the compact sizes.
    let roomy = (h - top - 28) / n >= 19;
    let (head_size, first, size) = if roomy {
        (16.0, top + 26, 14.0)
    } else {
        (14.0, top + 20, 12.0)
    };
    let head = anchored(text(head_size, th.fg), HPos::Left, VPos::Top);
    let lines = wrap(area, header, &head, w - x0 - 4)?;
    let head_line = head_size as i32 + 4;
    for (k, line) in lines.iter().enumerate() {
        area.draw_text(line, &head, (x0, top + 2 + k as i32 * head_line))?;
    }
    let first = first + (lines.len() as i32 - 1) * head_line;
    if items.is_empty() {
        return Ok(());
    }
    let line_h = ((h - first - 2) / n).clamp(14, 21);
    let label = anchored(text(size, th.fg), HPos::Left, VPos::Center);
    let fits = ((h - first) / line_h).max(0) as usize;
    // A panel too short for its legend says what it leaves out rather than hiding it.
    let shown = if fits < items.len() {
        fits.saturating_sub(1)
    } else {
        items.len()
    };
    if shown < items.len() && fits > 0 {
        let y = first + shown as i32 * line_h + line_h / 2;
        let more = format!("+{} more in a taller chart", items.len() - shown);
        let more = fit(area, &more, &label, w - x0 - 4)?;
        area.draw_text(
            &more,
            &anchored(text(size, th.muted), HPos::Left, VPos::Center),
            (x0, y),
        )?;
    }
    for (k, it) in items.iter().enumerate().take(shown) {
        let y = first + k as i32 * line_h + line_h / 2;
        let (a, b) = ((x0, y), (x0 + sw, y));
        let mut x_text = x0 + sw + 6;
        match it.swatch {
            Swatch::Line(c, width) => {
                area.draw(&PathElement::new(vec![a, b], c.stroke_width(width)))?
            }
            Swatch::Dashed(c, width) => {
                for s in [0, 9, 18] {
                    let end = (x0 + s + 5).min(x0 + sw);
                    area.draw(&PathElement::new(
                        vec![(x0 + s, y), (end, y)],
                        c.stroke_width(width),
                    ))?;
                }
            }
            Swatch::Area(c) => {
                area.draw(&Rectangle::new([(x0, y - 5), (x0 + sw, y + 5)], c.filled()))?
            }
            Swatch::Up(c) => {
                area.draw(&Polygon::new(triangle(x0 + sw / 2, y, true, 5), c.filled()))?
            }
            Swatch::Down(c) => area.draw(&Polygon::new(
                triangle(x0 + sw / 2, y, false, 5),
                c.filled(),
            ))?,
            Swatch::Nothing => x_text = x0,
        }
        let s = fit(area, &it.label, &label, w - x_text - 4)?;
        area.draw_text(&s, &label, (x_text, y))?;
    }
    Ok(())
}

/// A polyline in data coordinates. SVG draws thick lines itself; the bitmap backend fills
/// a thick line as one polygon, which breaks on zigzags and repeated pixels (spikes shoot
/// across the chart), so there a thick line is a few 1-pixel lines side by side.
fn stroke<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    pts: &[(f64, f64)],
    color: RGBAColor,
    width: u32,
    cx: &Ctx,
) -> Res<(), DB> {
    if pts.len() < 2 {
        return Ok(());
    }
    if !cx.bitmap || width <= 1 {
        c.draw_series(std::iter::once(PathElement::new(
            pts.to_vec(),
            color.stroke_width(width),
        )))?;
        return Ok(());
    }
    let screen = c.plotting_area().use_screen_coord();
    let mut px: Vec<(i32, i32)> = pts.iter().map(|p| c.backend_coord(p)).collect();
    px.dedup();
    let brush: &[(i32, i32)] = match width {
        2 => &[(0, 0), (1, 0), (0, 1), (1, 1)],
        3 => &[(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)],
        _ => &[
            (0, 0),
            (1, 0),
            (0, 1),
            (1, 1),
            (-1, 0),
            (-1, 1),
            (2, 0),
            (2, 1),
            (0, -1),
            (1, -1),
            (0, 2),
            (1, 2),
        ],
    };
    for (dx, dy) in brush {
        let moved: Vec<(i32, i32)> = px.iter().map(|(x, y)| (x + dx, y + dy)).collect();
        screen.draw(&PathElement::new(moved, color.stroke_width(1)))?;
    }
    Ok(())
}

/// A series: a line through its rows, or, when they are dense, a band from the lowest to
/// the highest value of each pixel column around a line through their means.
#[allow(clippy::too_many_arguments)]
fn series<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    times: &[f64],
    value: impl Fn(usize) -> Option<f64>,
    color: RGBColor,
    alpha: f64,
    width: u32,
    cx: &Ctx,
) -> Res<(), DB> {
    if ax.dense(times) {
        for seg in envelope(times, value, ax.t0, ax.t1, ax.buckets) {
            let mut poly: Vec<(f64, f64)> = seg.iter().map(|s| (s.0, s.3)).collect();
            poly.extend(seg.iter().rev().map(|s| (s.0, s.1)));
            if seg.len() >= 2 {
                c.draw_series(std::iter::once(Polygon::new(
                    poly,
                    color.mix(alpha * 0.3).filled(),
                )))?;
            }
            let mean: Vec<(f64, f64)> = seg.iter().map(|s| (s.0, s.2)).collect();
            stroke(c, &mean, color.mix(alpha), width, cx)?;
        }
    } else {
        for seg in thin(times, value, ax.t0, ax.t1, ax.buckets) {
            stroke(c, &seg, color.mix(alpha), width, cx)?;
        }
    }
    Ok(())
}

/// A dashed step line (limits, targets): drawn through its corners only.
fn dashed_steps<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    times: &[f64],
    value: impl Fn(usize) -> Option<f64>,
    style: ShapeStyle,
) -> Res<(), DB> {
    for seg in steps(times, value) {
        c.draw_series(DashedLineSeries::new(seg, 7, 5, style))?;
    }
    Ok(())
}

/// A dashed horizontal line across the plot (an SLO).
fn level<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    y: f64,
    style: ShapeStyle,
) -> Res<(), DB> {
    c.draw_series(DashedLineSeries::new(
        vec![(ax.t0, y), (ax.t1, y)],
        7,
        5,
        style,
    ))?;
    Ok(())
}

/// A filled area from `base` up to the series' highest value in each pixel column.
fn area_fill<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    times: &[f64],
    value: impl Fn(usize) -> Option<f64>,
    base: f64,
    fill: RGBAColor,
) -> Res<(), DB> {
    for seg in envelope(times, value, ax.t0, ax.t1, ax.buckets) {
        if seg.len() < 2 {
            continue;
        }
        let (first, last) = (seg[0].0, seg[seg.len() - 1].0);
        let mut poly = vec![(first, base)];
        poly.extend(seg.iter().map(|s| (s.0, s.3)));
        poly.push((last, base));
        c.draw_series(std::iter::once(Polygon::new(poly, fill.filled())))?;
    }
    Ok(())
}

/// The band from `base` to `base + extra` (pods starting, stacked on the Ready ones): the
/// mean of `base` and the highest `extra` in each pixel column, so brief starts show.
fn stacked_fill<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    times: &[f64],
    base: impl Fn(usize) -> Option<f64>,
    extra: impl Fn(usize) -> Option<f64>,
    fill: RGBAColor,
) -> Res<(), DB> {
    // The same rows in both, so their buckets line up.
    let both = |i: usize| {
        base(i)
            .zip(extra(i))
            .filter(|(b, e)| b.is_finite() && e.is_finite())
    };
    let lower = envelope(times, |i| both(i).map(|p| p.0), ax.t0, ax.t1, ax.buckets);
    let upper = envelope(times, |i| both(i).map(|p| p.1), ax.t0, ax.t1, ax.buckets);
    let total = envelope(
        times,
        |i| both(i).map(|p| p.0 + p.1),
        ax.t0,
        ax.t1,
        ax.buckets,
    );
    for ((lo, up), tot) in lower.iter().zip(&upper).zip(&total) {
        if lo.len() < 2 || up.iter().all(|e| e.3 <= 0.0) {
            continue;
        }
        // Never above the most pods the column had: where pods turned Ready within it,
        // the mean Ready plus the most starting would count some twice.
        let top = |(l, (u, t)): (&Summary, (&Summary, &Summary))| (l.0, (l.2 + u.3).min(t.3));
        let mut poly: Vec<(f64, f64)> = lo.iter().zip(up.iter().zip(tot)).map(top).collect();
        poly.extend(lo.iter().rev().map(|l| (l.0, l.2)));
        c.draw_series(std::iter::once(Polygon::new(poly, fill.filled())))?;
    }
    Ok(())
}

/// The p5-p95 area of a band with its median line.
fn band_fill<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    times: &[f64],
    band: &super::Band,
    color: RGBColor,
    cx: &Ctx,
) -> Res<(), DB> {
    let ok = |i: usize| {
        let lo = band.p5.get(i).copied().filter(|v| v.is_finite());
        let hi = band.p95.get(i).copied().filter(|v| v.is_finite());
        lo.zip(hi).filter(|_| times[i].is_finite())
    };
    // The polygon of each stretch where both edges are known: upper edge forward,
    // lower edge back, each edge at its extreme in a pixel column.
    let mut start = None;
    for i in 0..=times.len() {
        let known = i < times.len() && ok(i).is_some();
        match (known, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let range = &times[s..i];
                let hi = envelope(range, |k| ok(s + k).map(|p| p.1), ax.t0, ax.t1, ax.buckets);
                let lo = envelope(range, |k| ok(s + k).map(|p| p.0), ax.t0, ax.t1, ax.buckets);
                let mut poly: Vec<(f64, f64)> = hi.iter().flatten().map(|e| (e.0, e.3)).collect();
                poly.extend(lo.iter().flatten().rev().map(|e| (e.0, e.1)));
                if poly.len() >= 3 {
                    c.draw_series(std::iter::once(Polygon::new(
                        poly,
                        color.mix(0.25).filled(),
                    )))?;
                }
            }
            _ => {}
        }
    }
    series(
        c,
        ax,
        times,
        |i| band.p50.get(i).copied(),
        color,
        1.0,
        2,
        cx,
    )
}

/// Each action as a dotted vertical line through a panel.
fn action_lines<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    actions: &[(f64, String)],
    (y0, y1): (f64, f64),
    cx: &Ctx,
) -> Res<(), DB> {
    for (t, _) in actions.iter().filter(|(t, _)| ax.contains(*t)) {
        c.draw_series(DashedLineSeries::new(
            vec![(*t, y0), (*t, y1)],
            4,
            4,
            cx.th.action.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// An action label in the strip above the replicas.
struct Placed {
    x: i32,
    row: i32,
    right: bool,
    label: String,
}

const LABEL_ROW: i32 = 18;
const MAX_LABEL_ROWS: i32 = 4;

/// Places action labels: right of their line when there is room, else left of it; the
/// next row down when a label would overlap one already placed.
fn place_labels<DB: DrawingBackend>(
    area: &Area<DB>,
    actions: &[(f64, String)],
    ax: &Axis,
    l: &Layout,
    style: &TextStyle,
) -> Res<Vec<Placed>, DB> {
    let mut sorted: Vec<&(f64, String)> = actions.iter().filter(|(t, _)| ax.contains(*t)).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let plot_right = l.y_label_w + l.plot_w();
    let mut row_ends: Vec<i32> = vec![];
    let mut placed = vec![];
    for (t, label) in sorted {
        let x = ax.x_px(*t, l);
        let label = fit(area, label, style, l.plot_w() - 8)?;
        let w = area.estimate_text_size(&label, style)?.0 as i32;
        let right = x + 4 + w <= plot_right;
        let (a, b) = if right {
            (x, x + 4 + w)
        } else {
            (x - 4 - w, x)
        };
        let row = match row_ends.iter().position(|&end| end + 8 < a) {
            Some(r) => r,
            None if (row_ends.len() as i32) < MAX_LABEL_ROWS => {
                row_ends.push(i32::MIN);
                row_ends.len() - 1
            }
            // Out of rows: the last row, overlapping, rather than dropping the label.
            None => row_ends.len() - 1,
        };
        row_ends[row] = row_ends[row].max(b);
        placed.push(Placed {
            x,
            row: row as i32,
            right,
            label,
        });
    }
    Ok(placed)
}

/// The timeline: load, replicas, one panel per metric, latency.
pub(super) fn timeline<DB: DrawingBackend>(
    root: &Area<DB>,
    d: &TimelineData,
    o: &ChartOptions,
    bitmap: bool,
) -> Res<(), DB> {
    let cx = Ctx::new(o, bitmap);
    let (l, th) = (&cx.l, &cx.th);
    root.fill(&th.bg)?;
    let times = &d.times_s;
    let (Some(t0), Some(t1)) = (
        min_finite(times.iter().copied()),
        max_finite(times.iter().copied()),
    ) else {
        title(root, &d.title, false, &cx)?;
        return note(root, "no timeline rows to draw", &cx);
    };
    let ax = Axis::new(d.clock_offset_s, t0, t1, l);
    title(root, &d.title, ax.dense(times), &cx)?;

    let mut weights = vec![1.0, 1.7];
    weights.extend(d.metrics.iter().map(|_| 1.0));
    if d.latency.is_some() {
        weights.push(1.3);
    }
    let panels = stack(root, l, &weights);
    let last = panels.len() - 1;
    let split = |a: &Area<DB>| a.split_horizontally(l.w - l.legend_w);

    // Load.
    let (plot, leg) = split(&panels[0]);
    let spec = PanelSpec {
        y: y_range(d.load_rps.iter().copied()),
        unit: "rps",
        integer: false,
        bottom: last == 0,
        top: l.gap,
    };
    let mut c = panel(&plot, &ax, &spec, &cx)?;
    let load = |i: usize| d.load_rps.get(i).copied();
    area_fill(
        &mut c,
        &ax,
        times,
        load,
        spec.y.0.max(0.0),
        th.load.mix(0.12),
    )?;
    action_lines(&mut c, &ax, &d.actions, spec.y, &cx)?;
    series(&mut c, &ax, times, load, th.load, 1.0, 2, &cx)?;
    let items = [item(
        "requests per second",
        Swatch::Line(th.load.mix(1.0), 2),
    )];
    legend(&leg, "load (rps)", &items, l.gap, &cx)?;

    // Replicas, with the action labels in a strip above.
    let (plot, leg) = split(&panels[1]);
    let label_style = anchored(text(14.0, th.fg), HPos::Left, VPos::Center);
    let placed = place_labels(&plot, &d.actions, &ax, l, &label_style)?;
    let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    let top = l.gap + rows * LABEL_ROW;
    let all = [
        &d.spec,
        &d.desired,
        &d.ready,
        &d.starting,
        &d.min_replicas,
        &d.max_replicas,
    ];
    let y = y_range(all.iter().flat_map(|v| v.iter().copied()));
    let spec = PanelSpec {
        y: (y.0, y.1.max(2.0)),
        unit: "pods",
        integer: true,
        bottom: last == 1,
        top,
    };
    let y = spec.y;
    let mut c = panel(&plot, &ax, &spec, &cx)?;
    // Ready as an area, the pods on their way stacked on it, spec.replicas as a line
    // above: a gap between the line and the green is capacity asked for, not yet there.
    let ready = |i: usize| d.ready.get(i).copied();
    let starting = |i: usize| d.starting.get(i).copied();
    stacked_fill(&mut c, &ax, times, ready, starting, th.starting.mix(0.55))?;
    area_fill(&mut c, &ax, times, ready, 0.0, th.ready.mix(0.18))?;
    action_lines(&mut c, &ax, &d.actions, y, &cx)?;
    series(&mut c, &ax, times, ready, th.ready, 1.0, 2, &cx)?;
    series(
        &mut c,
        &ax,
        times,
        |i| d.spec.get(i).copied(),
        th.spec,
        1.0,
        2,
        &cx,
    )?;
    // The limits over spec: at maxReplicas the dashes show on the line.
    let limits = th.limits.stroke_width(2);
    dashed_steps(&mut c, times, |i| d.min_replicas.get(i).copied(), limits)?;
    dashed_steps(&mut c, times, |i| d.max_replicas.get(i).copied(), limits)?;
    // desired only where it differs from spec (after a manual scale, before the next
    // sync): elsewhere it would just hide the spec line.
    let desired_differs = |i: usize| {
        let v = d.desired.get(i).copied()?;
        (d.spec.get(i).copied() != Some(v)).then_some(v)
    };
    let differs = times
        .iter()
        .enumerate()
        .any(|(i, _)| desired_differs(i).is_some());
    for seg in thin(times, desired_differs, ax.t0, ax.t1, ax.buckets) {
        let seg = if seg.len() == 1 {
            // One row: a short tick, so it still shows.
            vec![seg[0], (seg[0].0 + (ax.t1 - ax.t0) / 200.0, seg[0].1)]
        } else {
            seg
        };
        c.draw_series(DashedLineSeries::new(seg, 4, 3, th.desired.stroke_width(2)))?;
    }
    let events: Vec<&(f64, i32, i32)> = d
        .scale_events
        .iter()
        .filter(|(t, from, to)| ax.contains(*t) && from != to)
        .collect();
    // Markers closer than a few pixels on average would only smear the lines.
    let markers = events.len() as i32 <= l.plot_w() / 10;
    if markers {
        c.draw_series(events.iter().map(|&&(t, from, to)| {
            let up = to > from;
            let color = if up { th.up } else { th.down };
            EmptyElement::at((t, f64::from(to)))
                + Polygon::new(triangle(0, 0, up, 4), color.filled())
        }))?;
    }
    // The labels, and a tick joining each to its line.
    for p in &placed {
        let ly = l.gap + p.row * LABEL_ROW + LABEL_ROW / 2;
        plot.draw(&PathElement::new(
            vec![(p.x, ly), (p.x, top)],
            th.action.stroke_width(2),
        ))?;
        let (x, anchor) = if p.right {
            (p.x + 5, HPos::Left)
        } else {
            (p.x - 5, HPos::Right)
        };
        plot.draw_text(
            &p.label,
            &anchored(text(14.0, th.fg), anchor, VPos::Center),
            (x, ly),
        )?;
    }
    let mut items = vec![
        item("spec.replicas", Swatch::Line(th.spec.mix(1.0), 2)),
        item("Ready", Swatch::Area(th.ready.mix(0.45))),
        item("starting / pending", Swatch::Area(th.starting.mix(0.55))),
        item("min / max replicas", Swatch::Dashed(th.limits.mix(1.0), 2)),
    ];
    if differs {
        items.insert(
            1,
            item(
                "desired, when not spec",
                Swatch::Dashed(th.desired.mix(1.0), 2),
            ),
        );
    }
    if markers {
        if events.iter().any(|e| e.2 > e.1) {
            items.push(item("HPA scales up", Swatch::Up(th.up)));
        }
        if events.iter().any(|e| e.2 < e.1) {
            items.push(item("HPA scales down", Swatch::Down(th.down)));
        }
    } else {
        items.push(item(
            format!("{} rescales (too many to mark)", events.len()),
            Swatch::Nothing,
        ));
    }
    if !d.actions.is_empty() {
        items.push(item(
            "scheduled action",
            Swatch::Dashed(th.action.mix(1.0), 2),
        ));
    }
    legend(&leg, "replicas (pods)", &items, top, &cx)?;

    for (k, m) in d.metrics.iter().enumerate() {
        let idx = 2 + k;
        let (plot, leg) = split(&panels[idx]);
        metric_panel(&plot, &leg, &ax, times, m, &d.actions, idx == last, &cx)?;
    }
    if let Some(lat) = &d.latency {
        let (plot, leg) = split(&panels[last]);
        latency_panel(&plot, &leg, &ax, times, lat, &d.actions, &cx)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn metric_panel<DB: DrawingBackend>(
    plot: &Area<DB>,
    leg: &Area<DB>,
    ax: &Axis,
    times: &[f64],
    m: &MetricSeries,
    actions: &[(f64, String)],
    bottom: bool,
    cx: &Ctx,
) -> Res<(), DB> {
    let th = &cx.th;
    let values = m
        .observed
        .iter()
        .flatten()
        .chain(m.target.iter().flatten())
        .chain(m.actual.iter())
        .copied();
    let spec = PanelSpec {
        y: y_range(values),
        unit: &m.unit,
        integer: false,
        bottom,
        top: cx.l.gap,
    };
    let mut c = panel(plot, ax, &spec, cx)?;
    action_lines(&mut c, ax, actions, spec.y, cx)?;
    let actual = |i: usize| m.actual.get(i).copied();
    series(&mut c, ax, times, actual, th.actual, 0.9, 1, cx)?;
    let target = |i: usize| m.target.get(i).copied().flatten();
    dashed_steps(&mut c, times, target, th.target.stroke_width(2))?;
    let observed = |i: usize| m.observed.get(i).copied().flatten();
    series(&mut c, ax, times, observed, th.observed, 1.0, 2, cx)?;
    let header = match m.unit.as_str() {
        "%" => format!("{} (% of request)", m.name),
        "" => m.name.clone(),
        u => format!("{} ({u})", m.name),
    };
    let mut targets: Vec<f64> = m
        .target
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    targets.dedup();
    let target = match targets.as_slice() {
        [v] => format!("target {}{}", number_label(*v, v.abs().max(10.0)), m.unit),
        _ => "target".to_string(),
    };
    let items = [
        item("seen by the HPA", Swatch::Line(th.observed.mix(1.0), 2)),
        item(target, Swatch::Dashed(th.target.mix(1.0), 2)),
        item("actual", Swatch::Line(th.actual.mix(0.9), 1)),
    ];
    legend(leg, &header, &items, cx.l.gap, cx)
}

fn latency_panel<DB: DrawingBackend>(
    plot: &Area<DB>,
    leg: &Area<DB>,
    ax: &Axis,
    times: &[f64],
    lat: &LatencySeries,
    actions: &[(f64, String)],
    cx: &Ctx,
) -> Res<(), DB> {
    let th = &cx.th;
    let values = lat
        .p50_ms
        .iter()
        .chain(&lat.p95_ms)
        .chain(&lat.p99_ms)
        .flatten()
        .copied()
        .chain(lat.slo_ms);
    let spec = PanelSpec {
        y: y_range(values),
        unit: "ms",
        integer: false,
        bottom: true,
        top: cx.l.gap,
    };
    let y = spec.y;
    let mut c = panel(plot, ax, &spec, cx)?;
    let spans = lat
        .violations
        .iter()
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|&(a, b)| (a.max(ax.t0), b.min(ax.t1)))
        .filter(|(a, b)| b >= a);
    c.draw_series(
        spans.map(|(a, b)| Rectangle::new([(a, y.0), (b, y.1)], th.violation.mix(0.15).filled())),
    )?;
    action_lines(&mut c, ax, actions, y, cx)?;
    let slo = lat.slo_ms.filter(|v| v.is_finite());
    if let Some(slo) = slo {
        level(&mut c, ax, slo, th.fg.stroke_width(2))?;
    }
    let p = |s: &Vec<Option<f64>>, i: usize| s.get(i).copied().flatten();
    series(&mut c, ax, times, |i| p(&lat.p50_ms, i), th.p50, 1.0, 1, cx)?;
    series(&mut c, ax, times, |i| p(&lat.p95_ms, i), th.p95, 1.0, 2, cx)?;
    series(&mut c, ax, times, |i| p(&lat.p99_ms, i), th.p99, 1.0, 1, cx)?;
    let mut items = vec![
        item("p50", Swatch::Line(th.p50.mix(1.0), 1)),
        item("p95", Swatch::Line(th.p95.mix(1.0), 2)),
        item("p99", Swatch::Line(th.p99.mix(1.0), 1)),
    ];
    if let Some(slo) = slo {
        items.push(item(
            format!("SLO {} ms", number_label(slo, slo.max(10.0))),
            Swatch::Dashed(th.fg.mix(1.0), 2),
        ));
    }
    if !lat.violations.is_empty() {
        items.push(item("SLO missed", Swatch::Area(th.violation.mix(0.3))));
    }
    legend(leg, "latency (ms)", &items, cx.l.gap, cx)
}

/// The spread over runs: replicas and, when measured, p95 latency.
pub(super) fn band<DB: DrawingBackend>(
    root: &Area<DB>,
    d: &BandData,
    o: &ChartOptions,
    bitmap: bool,
) -> Res<(), DB> {
    let cx = Ctx::new(o, bitmap);
    let (l, th) = (&cx.l, &cx.th);
    root.fill(&th.bg)?;
    let runs = if d.runs == 1 {
        "1 run".to_string()
    } else {
        format!("{} runs", d.runs)
    };
    let heading = format!("{} · spread over {runs}", d.title);
    let times = &d.times_s;
    let (Some(t0), Some(t1)) = (
        min_finite(times.iter().copied()),
        max_finite(times.iter().copied()),
    ) else {
        title(root, &heading, false, &cx)?;
        return note(root, "no rows to draw", &cx);
    };
    let ax = Axis::new(d.clock_offset_s, t0, t1, l);
    title(root, &heading, ax.dense(times), &cx)?;
    let weights: &[f64] = if d.latency_p95_ms.is_some() {
        &[1.4, 1.0]
    } else {
        &[1.0]
    };
    let panels = stack(root, l, weights);
    let split = |a: &Area<DB>| a.split_horizontally(l.w - l.legend_w);
    let band_items = |color: RGBColor| {
        vec![
            item(format!("p5–p95 of {runs}"), Swatch::Area(color.mix(0.3))),
            item("median", Swatch::Line(color.mix(1.0), 2)),
        ]
    };

    let (plot, leg) = split(&panels[0]);
    let r = &d.replicas;
    let spec = PanelSpec {
        y: y_range(r.p5.iter().chain(&r.p50).chain(&r.p95).copied()),
        unit: "pods",
        integer: true,
        bottom: panels.len() == 1,
        top: l.gap,
    };
    let mut c = panel(&plot, &ax, &spec, &cx)?;
    band_fill(&mut c, &ax, times, r, th.spec, &cx)?;
    legend(&leg, "replicas (pods)", &band_items(th.spec), l.gap, &cx)?;

    if let Some(lat) = &d.latency_p95_ms {
        let (plot, leg) = split(&panels[1]);
        let values = lat
            .p5
            .iter()
            .chain(&lat.p50)
            .chain(&lat.p95)
            .copied()
            .chain(d.slo_ms);
        let spec = PanelSpec {
            y: y_range(values),
            unit: "ms",
            integer: false,
            bottom: true,
            top: l.gap,
        };
        let mut c = panel(&plot, &ax, &spec, &cx)?;
        band_fill(&mut c, &ax, times, lat, th.p95, &cx)?;
        let mut items = band_items(th.p95);
        if let Some(slo) = d.slo_ms.filter(|v| v.is_finite()) {
            level(&mut c, &ax, slo, th.fg.stroke_width(2))?;
            items.push(item(
                format!("SLO {} ms", number_label(slo, slo.max(10.0))),
                Swatch::Dashed(th.fg.mix(1.0), 2),
            ));
        }
        legend(&leg, "latency p95 (ms)", &items, l.gap, &cx)?;
    }
    Ok(())
}

/// Variants on one time axis: load above, Ready (thick) and spec (thin) replicas, p95
/// latency when measured; one colour per variant.
pub(super) fn compare<DB: DrawingBackend>(
    root: &Area<DB>,
    d: &CompareData,
    o: &ChartOptions,
    bitmap: bool,
) -> Res<(), DB> {
    let cx = Ctx::new(o, bitmap);
    let (l, th) = (&cx.l, &cx.th);
    root.fill(&th.bg)?;
    let all_times = || d.variants.iter().flat_map(|v| v.times_s.iter().copied());
    let (Some(t0), Some(t1)) = (min_finite(all_times()), max_finite(all_times())) else {
        title(root, &d.title, false, &cx)?;
        return note(root, "no variants with rows to draw", &cx);
    };
    let ax = Axis::new(d.clock_offset_s, t0, t1, l);
    let dense = d.variants.iter().any(|v| ax.dense(&v.times_s));
    title(root, &d.title, dense, &cx)?;
    let has_latency = d.variants.iter().any(|v| v.latency_p95_ms.is_some());
    let weights: &[f64] = if has_latency {
        &[1.0, 1.6, 1.2]
    } else {
        &[1.0, 1.6]
    };
    let panels = stack(root, l, weights);
    let last = panels.len() - 1;
    let split = |a: &Area<DB>| a.split_horizontally(l.w - l.legend_w);
    let color = |k: usize| th.variants[k % th.variants.len()];
    let names = |width: u32| -> Vec<Item> {
        d.variants
            .iter()
            .enumerate()
            .map(|(k, v)| item(v.name.clone(), Swatch::Line(color(k).mix(1.0), width)))
            .collect()
    };

    // Load: once when every variant replays the same load, else one line each.
    let (plot, leg) = split(&panels[0]);
    let spec = PanelSpec {
        y: y_range(d.variants.iter().flat_map(|v| v.load_rps.iter().copied())),
        unit: "rps",
        integer: false,
        bottom: false,
        top: l.gap,
    };
    let mut c = panel(&plot, &ax, &spec, &cx)?;
    let same = d
        .variants
        .windows(2)
        .all(|w| w[0].times_s == w[1].times_s && w[0].load_rps == w[1].load_rps);
    if same {
        if let Some(v) = d.variants.first() {
            let load = |i: usize| v.load_rps.get(i).copied();
            area_fill(
                &mut c,
                &ax,
                &v.times_s,
                load,
                spec.y.0.max(0.0),
                th.load.mix(0.12),
            )?;
            series(&mut c, &ax, &v.times_s, load, th.load, 1.0, 2, &cx)?;
        }
        let label = if d.variants.len() > 1 {
            "the same for all"
        } else {
            "requests per second"
        };
        let items = [item(label, Swatch::Line(th.load.mix(1.0), 2))];
        legend(&leg, "load (rps)", &items, l.gap, &cx)?;
    } else {
        for (k, v) in d.variants.iter().enumerate() {
            let load = |i: usize| v.load_rps.get(i).copied();
            series(&mut c, &ax, &v.times_s, load, color(k), 0.8, 1, &cx)?;
        }
        legend(&leg, "load (rps)", &names(1), l.gap, &cx)?;
    }

    let (plot, leg) = split(&panels[1]);
    let spec = PanelSpec {
        y: y_range(
            d.variants
                .iter()
                .flat_map(|v| v.ready.iter().chain(&v.spec).copied()),
        ),
        unit: "pods",
        integer: true,
        bottom: last == 1,
        top: l.gap,
    };
    let mut c = panel(&plot, &ax, &spec, &cx)?;
    for (k, v) in d.variants.iter().enumerate() {
        let spec = |i: usize| v.spec.get(i).copied();
        series(&mut c, &ax, &v.times_s, spec, color(k), 0.6, 1, &cx)?;
    }
    // Later variants thinner, so where they agree the earlier ones still show round them.
    let thick = |k: usize| 4u32.saturating_sub(k as u32).max(2);
    for (k, v) in d.variants.iter().enumerate() {
        let ready = |i: usize| v.ready.get(i).copied();
        series(&mut c, &ax, &v.times_s, ready, color(k), 1.0, thick(k), &cx)?;
    }
    let mut items = names(3);
    items.push(item("thick: Ready", Swatch::Line(th.fg.mix(1.0), 3)));
    items.push(item("thin: spec.replicas", Swatch::Line(th.fg.mix(0.6), 1)));
    legend(&leg, "replicas (pods)", &items, l.gap, &cx)?;

    if has_latency {
        let (plot, leg) = split(&panels[2]);
        let spec = PanelSpec {
            y: y_range(
                d.variants
                    .iter()
                    .filter_map(|v| v.latency_p95_ms.as_ref())
                    .flat_map(|s| s.iter().flatten().copied()),
            ),
            unit: "ms",
            integer: false,
            bottom: true,
            top: l.gap,
        };
        let mut c = panel(&plot, &ax, &spec, &cx)?;
        let mut items = vec![];
        for (k, v) in d.variants.iter().enumerate() {
            if let Some(s) = &v.latency_p95_ms {
                let p95 = |i: usize| s.get(i).copied().flatten();
                series(&mut c, &ax, &v.times_s, p95, color(k), 1.0, 2, &cx)?;
                items.push(item(v.name.clone(), Swatch::Line(color(k).mix(1.0), 2)));
            }
        }
        legend(&leg, "latency p95 (ms)", &items, l.gap, &cx)?;
    }
    Ok(())
}
