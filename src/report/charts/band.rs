//! The band chart: the spread of replicas and p95 latency over `--runs`.
//!
//! Owns the band chart's panels; layout is the frame's.

use plotters::prelude::*;

use super::frame::{Area, Ctx, Frame, PanelSpec, Res, Sheet, frame, panel};
use super::legend::{Swatch, item, legend};
use super::primitives::{band_fill, level};
use super::ticks::{number_label, y_range};
use super::{BandData, ChartOptions};

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
    };
    let Some(Frame { ax, panels }) = frame(root, &sheet, &cx)? else {
        return Ok(());
    };
    let band_items = |color: RGBColor| {
        vec![
            item(format!("p5–p95 of {runs}"), Swatch::Area(color.mix(0.3))),
            item("median", Swatch::Line(color.mix(1.0), 2)),
        ]
    };

    let (plot, leg) = &panels[0];
    let r = &d.replicas;
    let spec = PanelSpec {
        y: y_range(r.p5.iter().chain(&r.p50).chain(&r.p95).copied()),
        unit: "pods",
        integer: true,
        bottom: panels.len() == 1,
        top: l.gap,
    };
    let mut c = panel(plot, &ax, &spec, &cx)?;
    band_fill(&mut c, &ax, times, r, th.spec, &cx)?;
    legend(leg, "replicas (pods)", &band_items(th.spec), l.gap, &cx)?;

    if let Some(lat) = &d.latency_p95_ms {
        let (plot, leg) = &panels[1];
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
        let mut c = panel(plot, &ax, &spec, &cx)?;
        band_fill(&mut c, &ax, times, lat, th.p95, &cx)?;
        let mut items = band_items(th.p95);
        if let Some(slo) = d.slo_ms.filter(|v| v.is_finite()) {
            level(&mut c, &ax, slo, th.fg.stroke_width(2))?;
            items.push(item(
                format!("SLO {} ms", number_label(slo, slo.max(10.0))),
                Swatch::Dashed(th.fg.mix(1.0), 2),
            ));
        }
        legend(leg, "latency p95 (ms)", &items, l.gap, &cx)?;
    }
    Ok(())
}
