//! The comparison chart: variants of a scenario on one time axis, one colour each.
//!
//! Owns the comparison's panels; layout is the frame's.

use plotters::prelude::*;

use super::frame::{Area, Ctx, Frame, LatencyAxis, PanelSpec, Res, Sheet, frame, panel};
use super::legend::{Item, Swatch, item, legend};
use super::primitives::{Pen, area_fill, level, series};
use super::ticks::{number_label, y_range};
use super::{ChartOptions, CompareData};

/// latency when measured; one colour per variant.
/// Variants on one time axis: load above, Ready (thick) and spec (thin) replicas, p95
/// latency when measured; one colour per variant.
pub(super) fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    d: &CompareData,
    o: &ChartOptions,
    bitmap: bool,
) -> Res<(), DB> {
    let cx = Ctx::new(o, bitmap);
    let (l, th) = (&cx.l, &cx.th);
    let has_latency = d.variants.iter().any(|v| v.latency_p95_ms.is_some());
    let weights: &[f64] = if has_latency {
        &[1.0, 1.6, 1.2]
    } else {
        &[1.0, 1.6]
    };
    let sheet = Sheet {
        title: &d.title,
        clock_offset_s: d.clock_offset_s,
        times: d.variants.iter().map(|v| v.times_s.as_slice()).collect(),
        empty: "no variants with rows to draw",
        weights,
        since_start: d.since_start,
    };
    let Some(Frame { ax, panels }) = frame(root, &sheet, &cx)? else {
        return Ok(());
    };
    let last = panels.len() - 1;
    let color = |k: usize| th.variants[k % th.variants.len()];
    let names = |width: u32| -> Vec<Item> {
        d.variants
            .iter()
            .enumerate()
            .map(|(k, v)| item(v.name.clone(), Swatch::Line(color(k).mix(1.0), width)))
            .collect()
    };

    // Load: once when every variant replays the same load, else one line each.
    let (plot, leg) = &panels[0];
    let spec = PanelSpec {
        y: y_range(d.variants.iter().flat_map(|v| v.load_rps.iter().copied())),
        unit: d.load_unit.rate(),
        integer: false,
        bottom: false,
        top: l.gap,
        log: false,
    };
    let mut c = panel(plot, &ax, &spec, &cx)?;
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
            series(&mut c, &ax, &v.times_s, load, Pen::new(th.load, 2), &cx)?;
        }
        let label = if d.variants.len() > 1 {
            "the same for all"
        } else {
            d.load_unit.per_second()
        };
        let items = [item(label, Swatch::Line(th.load.mix(1.0), 2))];
        legend(
            leg,
            &format!("load ({})", d.load_unit.rate()),
            &items,
            l.gap,
            &cx,
        )?;
    } else {
        for (k, v) in d.variants.iter().enumerate() {
            let load = |i: usize| v.load_rps.get(i).copied();
            series(
                &mut c,
                &ax,
                &v.times_s,
                load,
                Pen::new(color(k), 1).alpha(0.8),
                &cx,
            )?;
        }
        let title = format!("load ({})", d.load_unit.rate());
        legend(leg, &title, &names(1), l.gap, &cx)?;
    }

    let (plot, leg) = &panels[1];
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
        log: false,
    };
    let mut c = panel(plot, &ax, &spec, &cx)?;
    for (k, v) in d.variants.iter().enumerate() {
        let spec = |i: usize| v.spec.get(i).copied();
        series(
            &mut c,
            &ax,
            &v.times_s,
            spec,
            Pen::new(color(k), 1).alpha(0.6),
            &cx,
        )?;
    }
    // Later variants thinner, so where they agree the earlier ones still show round them.
    let thick = |k: usize| 4u32.saturating_sub(k as u32).max(2);
    for (k, v) in d.variants.iter().enumerate() {
        let ready = |i: usize| v.ready.get(i).copied();
        series(
            &mut c,
            &ax,
            &v.times_s,
            ready,
            Pen::new(color(k), thick(k)),
            &cx,
        )?;
    }
    let mut items = names(3);
    items.push(item("thick: Ready", Swatch::Line(th.fg.mix(1.0), 3)));
    items.push(item("thin: spec.replicas", Swatch::Line(th.fg.mix(0.6), 1)));
    legend(leg, "replicas (pods)", &items, l.gap, &cx)?;

    if has_latency {
        let (plot, leg) = &panels[2];
        let values = d
            .variants
            .iter()
            .filter_map(|v| v.latency_p95_ms.as_ref())
            .flat_map(|s| s.iter().flatten().copied());
        // One SLO line per distinct threshold; the first variant's is the reference.
        let mut slos: Vec<(usize, f64)> = vec![];
        for (k, v) in d.variants.iter().enumerate() {
            if let Some(s) = v.slo_ms.filter(|s| s.is_finite())
                && !slos.iter().any(|(_, x)| *x == s)
            {
                slos.push((k, s));
            }
        }
        let axis = LatencyAxis::new(values, slos.first().map(|s| s.1));
        let spec = PanelSpec {
            y: axis.y,
            unit: "ms",
            integer: false,
            bottom: true,
            top: l.gap,
            log: axis.log,
        };
        let mut c = panel(plot, &ax, &spec, &cx)?;
        let mut items = vec![];
        for (k, v) in d.variants.iter().enumerate() {
            if let Some(s) = &v.latency_p95_ms {
                let p95 = |i: usize| s.get(i).copied().flatten().and_then(|x| axis.at(x));
                series(&mut c, &ax, &v.times_s, p95, Pen::new(color(k), 2), &cx)?;
                items.push(item(v.name.clone(), Swatch::Line(color(k).mix(1.0), 2)));
            }
        }
        for &(k, slo) in &slos {
            // A shared threshold in the page's colour; differing ones in the variant's.
            let c_slo = if slos.len() == 1 { th.fg } else { color(k) };
            level(
                &mut c,
                &ax,
                axis.at(slo).unwrap_or(slo),
                c_slo.stroke_width(2),
            )?;
            let label = format!("SLO {} ms", number_label(slo, slo.max(10.0)));
            items.push(item(label, Swatch::Dashed(c_slo.mix(1.0), 2)));
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
