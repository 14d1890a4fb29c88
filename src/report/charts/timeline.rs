//! The timeline chart: load, replicas (with the scheduled actions labelled above), one
//! panel per HPA metric and the latency against the SLO, on one time axis.
//!
//! Owns which panels the timeline has and what each draws; layout is the frame's.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{
    Area, Axis, Ctx, Frame, LatencyAxis, Layout, PanelSpec, Res, Sheet, frame, panel,
};
use super::legend::{Swatch, item, legend, triangle};
use super::primitives::{
    Pen, action_lines, anchored, area_fill, dashed_steps, fit, level, series, stacked_fill, text,
};
use super::ticks::{number_label, thin, y_range};
use super::{ChartOptions, LatencySeries, MetricSeries, TimelineData};

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
pub(super) fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    d: &TimelineData,
    o: &ChartOptions,
    bitmap: bool,
) -> Res<(), DB> {
    let cx = Ctx::new(o, bitmap);
    let (l, th) = (&cx.l, &cx.th);
    let times = &d.times_s;
    let has_nodes = d.nodes.iter().any(Option::is_some);
    let mut weights = vec![1.0, 1.7];
    if has_nodes {
        weights.push(0.7);
    }
    let has_queue = !d.queue_depth.is_empty();
    if has_queue {
        weights.push(1.0);
    }
    weights.extend(d.metrics.iter().map(|_| 1.0));
    if d.latency.is_some() {
        weights.push(1.3);
    }
    let sheet = Sheet {
        title: &d.title,
        clock_offset_s: d.clock_offset_s,
        times: vec![times],
        empty: "no timeline rows to draw",
        weights: &weights,
        since_start: false,
    };
    let Some(Frame { ax, panels }) = frame(root, &sheet, &cx)? else {
        return Ok(());
    };
    let last = panels.len() - 1;

    // Load.
    let (plot, leg) = &panels[0];
    let failed = d.failed_rps.iter().any(|v| *v > 0.0);
    let spec = PanelSpec {
        y: y_range(d.load_rps.iter().chain(&d.failed_rps).copied()),
        unit: d.load_unit.rate(),
        integer: false,
        bottom: last == 0,
        top: l.gap,
        log: false,
    };
    let mut c = panel(plot, &ax, &spec, &cx)?;
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
    series(&mut c, &ax, times, load, Pen::new(th.load, 2), &cx)?;
    let mut items = vec![item(
        d.load_unit.per_second(),
        Swatch::Line(th.load.mix(1.0), 2),
    )];
    if failed {
        // Requests that failed (timed out, refused): the run's cost in users.
        let failed = |i: usize| d.failed_rps.get(i).copied();
        area_fill(&mut c, &ax, times, failed, 0.0, th.failed.mix(0.35))?;
        series(&mut c, &ax, times, failed, Pen::new(th.failed, 1), &cx)?;
        items.push(item("failed per second", Swatch::Area(th.failed.mix(0.5))));
    }
    let title = format!("load ({})", d.load_unit.rate());
    legend(leg, &title, &items, l.gap, &cx)?;

    // Replicas, with the action labels in a strip above.
    let (plot, leg) = &panels[1];
    let label_style = anchored(text(14.0, th.fg), HPos::Left, VPos::Center);
    let placed = place_labels(plot, &d.actions, &ax, l, &label_style)?;
    let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    let top = l.gap + rows * LABEL_ROW;
    let all = [
        &d.spec,
        &d.desired,
        &d.ready,
        &d.starting,
        &d.pending,
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
        log: false,
    };
    let y = spec.y;
    let mut c = panel(plot, &ax, &spec, &cx)?;
    // Ready as an area, the pods on their way stacked on it, spec.replicas as a line
    // above: a gap between the line and the green is capacity asked for, not yet there.
    let ready = |i: usize| d.ready.get(i).copied();
    let starting = |i: usize| d.starting.get(i).copied();
    // Pending pods (no node yet, or not yet scheduled) stacked above the starting ones,
    // in their own colour: waiting for room is another story than booting.
    let pending = |i: usize| d.pending.get(i).copied();
    let any_pending = d.pending.iter().any(|&p| p > 0.0);
    if any_pending {
        let below = |i: usize| Some(ready(i)? + starting(i)?);
        stacked_fill(&mut c, &ax, times, below, pending, th.pending.mix(0.45))?;
    }
    stacked_fill(&mut c, &ax, times, ready, starting, th.starting.mix(0.55))?;
    area_fill(&mut c, &ax, times, ready, 0.0, th.ready.mix(0.18))?;
    action_lines(&mut c, &ax, &d.actions, y, &cx)?;
    series(&mut c, &ax, times, ready, Pen::new(th.ready, 2), &cx)?;
    series(
        &mut c,
        &ax,
        times,
        |i| d.spec.get(i).copied(),
        Pen::new(th.spec, 2),
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
        item("starting", Swatch::Area(th.starting.mix(0.55))),
        item("min / max replicas", Swatch::Dashed(th.limits.mix(1.0), 2)),
    ];
    if any_pending {
        items.insert(3, item("Pending", Swatch::Area(th.pending.mix(0.45))));
    }
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
    legend(leg, "replicas (pods)", &items, top, &cx)?;

    let rows = Rows {
        ax: &ax,
        times,
        actions: &d.actions,
        cx: &cx,
    };
    let mut first_metric = 2;
    if has_nodes {
        nodes_panel(&panels[first_metric], &rows, d, last == first_metric)?;
        first_metric += 1;
    }
    if has_queue {
        queue_panel(&panels[first_metric], &rows, d, last == first_metric)?;
        first_metric += 1;
    }
    for (k, m) in d.metrics.iter().enumerate() {
        let idx = first_metric + k;
        metric_panel(&panels[idx], &rows, m, idx == last)?;
    }
    if let Some(lat) = &d.latency {
        latency_panel(&panels[last], &rows, lat)?;
    }
    Ok(())
}

/// The node pool: nodes usable against its largest size (pods past it stay Pending).
fn nodes_panel<DB: DrawingBackend>(
    areas: &(Area<DB>, Area<DB>),
    rows: &Rows,
    d: &TimelineData,
    bottom: bool,
) -> Res<(), DB> {
    let count = CountPanel {
        title: "nodes",
        unit: "nodes",
        label: "nodes usable",
        colour: rows.cx.th.nodes,
        value: &|i| d.nodes.get(i).copied().flatten(),
        y: y_range(d.nodes.iter().flatten().copied().chain(d.max_nodes)),
        ceiling: d.max_nodes.filter(|v| v.is_finite()),
    };
    count_panel(areas, rows, bottom, &count)
}

/// A worker's queue: the jobs waiting at each row.
fn queue_panel<DB: DrawingBackend>(
    areas: &(Area<DB>, Area<DB>),
    rows: &Rows,
    d: &TimelineData,
    bottom: bool,
) -> Res<(), DB> {
    let count = CountPanel {
        title: "queue",
        unit: "jobs",
        label: "jobs waiting",
        colour: rows.cx.th.load,
        value: &|i| d.queue_depth.get(i).copied(),
        y: y_range(d.queue_depth.iter().copied()),
        ceiling: None,
    };
    count_panel(areas, rows, bottom, &count)
}

/// A whole-number series filled down to zero (nodes, jobs waiting), and its ceiling.
struct CountPanel<'a> {
    title: &'a str,
    unit: &'a str,
    label: &'a str,
    colour: RGBColor,
    value: &'a dyn Fn(usize) -> Option<f64>,
    y: (f64, f64),
    ceiling: Option<f64>,
}

fn count_panel<DB: DrawingBackend>(
    (plot, leg): &(Area<DB>, Area<DB>),
    rows: &Rows,
    bottom: bool,
    count: &CountPanel,
) -> Res<(), DB> {
    let Rows {
        ax,
        times,
        actions,
        cx,
    } = *rows;
    let spec = PanelSpec {
        y: (count.y.0, count.y.1.max(2.0)),
        unit: count.unit,
        integer: true,
        bottom,
        top: cx.l.gap,
        log: false,
    };
    let mut c = panel(plot, ax, &spec, cx)?;
    action_lines(&mut c, ax, actions, spec.y, cx)?;
    let colour = count.colour;
    area_fill(&mut c, ax, times, count.value, 0.0, colour.mix(0.12))?;
    series(&mut c, ax, times, count.value, Pen::new(colour, 2), cx)?;
    let mut items = vec![item(count.label, Swatch::Line(colour.mix(1.0), 2))];
    if let Some(max) = count.ceiling {
        level(&mut c, ax, max, cx.th.limits.stroke_width(2))?;
        items.push(item(
            format!("at most {max:.0} {}", count.unit),
            Swatch::Dashed(cx.th.limits.mix(1.0), 2),
        ));
    }
    legend(leg, count.title, &items, cx.l.gap, cx)
}

/// What every panel below the replicas shares: the axis, the rows' times, the actions
/// (drawn as lines through every panel) and the drawing context.
struct Rows<'a> {
    ax: &'a Axis,
    times: &'a [f64],
    actions: &'a [(f64, String)],
    cx: &'a Ctx,
}

fn metric_panel<DB: DrawingBackend>(
    (plot, leg): &(Area<DB>, Area<DB>),
    rows: &Rows,
    m: &MetricSeries,
    bottom: bool,
) -> Res<(), DB> {
    let Rows {
        ax,
        times,
        actions,
        cx,
    } = *rows;
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
        log: false,
    };
    let mut c = panel(plot, ax, &spec, cx)?;
    action_lines(&mut c, ax, actions, spec.y, cx)?;
    let actual = |i: usize| m.actual.get(i).copied();
    series(
        &mut c,
        ax,
        times,
        actual,
        Pen::new(th.actual, 1).alpha(0.9),
        cx,
    )?;
    let target = |i: usize| m.target.get(i).copied().flatten();
    dashed_steps(&mut c, times, target, th.target.stroke_width(2))?;
    let observed = |i: usize| m.observed.get(i).copied().flatten();
    series(&mut c, ax, times, observed, Pen::new(th.observed, 2), cx)?;
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
    (plot, leg): &(Area<DB>, Area<DB>),
    rows: &Rows,
    lat: &LatencySeries,
) -> Res<(), DB> {
    let Rows {
        ax,
        times,
        actions,
        cx,
    } = *rows;
    let th = &cx.th;
    let values = lat
        .p50_ms
        .iter()
        .chain(&lat.p95_ms)
        .chain(&lat.p99_ms)
        .flatten()
        .copied();
    let slo = lat.slo_ms.filter(|v| v.is_finite());
    let axis = LatencyAxis::new(values, slo);
    let spec = PanelSpec {
        y: axis.y,
        unit: "ms",
        integer: false,
        bottom: true,
        top: cx.l.gap,
        log: axis.log,
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
    if let Some(slo) = slo.and_then(|v| axis.at(v)) {
        level(&mut c, ax, slo, th.fg.stroke_width(2))?;
    }
    let p = |s: &Vec<Option<f64>>, i: usize| s.get(i).copied().flatten().and_then(|v| axis.at(v));
    for (values, pen) in [
        (&lat.p50_ms, Pen::new(th.p50, 1)),
        (&lat.p95_ms, Pen::new(th.p95, 2)),
        (&lat.p99_ms, Pen::new(th.p99, 1)),
    ] {
        series(&mut c, ax, times, |i| p(values, i), pen, cx)?;
    }
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
    let header = if axis.log {
        "latency (ms, log scale)"
    } else {
        "latency (ms)"
    };
    legend(leg, header, &items, cx.l.gap, cx)
}
