//! The band chart: the spread of replicas and p95 latency over `--runs`.
//!
//! Owns the band chart's panels; layout is the frame's.

use plotters::prelude::*;

use super::frame::{Area, Ctx, Frame, LatencyAxis, PanelSpec, Res, Sheet, frame, panel};
use super::legend::{Swatch, item, legend};
use super::primitives::{action_lines, band_fill, level};
use super::ticks::{number_label, y_range};
use super::{Band, BandData, ChartOptions};

/// The spread over runs: replicas and, when measured, p95 latency.
pub(super) fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    d: &BandData,
    o: &ChartOptions,
    bitmap: bool,
) -> Res<(), DB> {
    let cx = Ctx::new(o, bitmap);
    let (l, th) = (&cx.l, &cx.th);
    let runs = if d.runs == 1 {
        "1 run".to_string()
    } else {
        format!("{} runs", d.runs)
    };
    let heading = format!("{} · spread over {runs}", d.title);
    let times = &d.times_s;
    let weights: &[f64] = if d.latency_p95_ms.is_some() {
        &[1.4, 1.0]
    } else {
        &[1.0]
    };
    let sheet = Sheet {
        title: &heading,
        clock_offset_s: d.clock_offset_s,
        times: vec![times],
        empty: "no rows to draw",
        weights,
        since_start: false,
    };
    let Some(Frame { ax, panels }) = frame(root, &sheet, &cx)? else {
        return Ok(());
    };
    let band_items = |color: RGBColor| {
        let mut items = vec![
            item(format!("p5–p95 of {runs}"), Swatch::Area(color.mix(0.35))),
            item("median", Swatch::Line(color.mix(1.0), 2)),
        ];
        if !d.actions.is_empty() {
            items.push(item(
                "scheduled action",
                Swatch::Dashed(th.action.mix(1.0), 2),
            ));
        }
        items
    };

    let (plot, leg) = &panels[0];
    let r = &d.replicas;
    let spec = PanelSpec {
        y: y_range(r.p5.iter().chain(&r.p50).chain(&r.p95).copied()),
        unit: "pods",
        integer: true,
        bottom: panels.len() == 1,
        top: l.gap,
        log: false,
    };
    let mut c = panel(plot, &ax, &spec, &cx)?;
    action_lines(&mut c, &ax, &d.actions, spec.y, &cx)?;
    band_fill(&mut c, &ax, times, r, th.spec, &cx)?;
    legend(leg, "replicas (pods)", &band_items(th.spec), l.gap, &cx)?;

    if let Some(lat) = &d.latency_p95_ms {
        let (plot, leg) = &panels[1];
        let values = lat.p5.iter().chain(&lat.p50).chain(&lat.p95).copied();
        let slo = d.slo_ms.filter(|v| v.is_finite());
        let axis = LatencyAxis::new(values, slo);
        let spec = PanelSpec {
            y: axis.y,
            unit: "ms",
            integer: false,
            bottom: true,
            top: l.gap,
            log: axis.log,
        };
        let mut c = panel(plot, &ax, &spec, &cx)?;
        action_lines(&mut c, &ax, &d.actions, spec.y, &cx)?;
        // On a log axis the band is drawn in the axis' coordinates.
        let on_axis = |v: &Vec<f64>| -> Vec<f64> {
            v.iter().map(|x| axis.at(*x).unwrap_or(f64::NAN)).collect()
        };
        let lat = Band {
            p5: on_axis(&lat.p5),
            p50: on_axis(&lat.p50),
            p95: on_axis(&lat.p95),
        };
        band_fill(&mut c, &ax, times, &lat, th.p95, &cx)?;
        let mut items = band_items(th.p95);
        if let Some(slo) = slo {
            level(
                &mut c,
                &ax,
                axis.at(slo).unwrap_or(slo),
                th.fg.stroke_width(2),
            )?;
            items.push(item(
                format!("SLO {} ms", number_label(slo, slo.max(10.0))),
                Swatch::Dashed(th.fg.mix(1.0), 2),
            ));
        }
        let header = if axis.log {
            "latency p95 (ms, log scale)"
        } else {
            "latency p95 (ms)"
        };
        legend(leg, header, &items, l.gap, &cx)?;
    }
    Ok(())
}
