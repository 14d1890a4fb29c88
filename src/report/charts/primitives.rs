//! Drawing primitives: text that fits, strokes that survive the bitmap backend, series
//! (a line, or a band when rows are dense), areas, dashed steps and levels.
//!
//! Owns how one series is drawn in a panel's plot; it lays nothing out.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{Area, Axis, Ctx, FONT, Plot, Res};
use super::ticks::{Summary, envelope, steps, thin};

pub(super) fn text(size: f64, color: RGBColor) -> TextStyle<'static> {
    // Fields set directly: `TextStyle::color` ties the style to the colour's borrow.
    let mut style = TextStyle::from((FONT, size).into_font());
    style.color = color.to_backend_color();
    style
}

pub(super) fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// `s`, cut short with "…" to fit `max_w` pixels.
pub(super) fn fit<DB: DrawingBackend>(
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
pub(super) fn wrap<DB: DrawingBackend>(
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

/// A polyline in data coordinates. SVG draws thick lines itself; the bitmap backend fills
/// a thick line as one polygon, which breaks on zigzags and repeated pixels (spikes shoot
/// across the chart), so there a thick line is a few 1-pixel lines side by side.
pub(super) fn stroke<DB: DrawingBackend>(
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

/// How a series is drawn: its colour, opacity and width in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Pen {
    /// The line's colour.
    pub(super) color: RGBColor,
    /// Its opacity, 0 to 1 (a dense series' shade is 0.3 of it).
    pub(super) alpha: f64,
    /// Its width in pixels.
    pub(super) width: u32,
}

impl Pen {
    /// An opaque pen.
    pub(super) fn new(color: RGBColor, width: u32) -> Pen {
        Pen {
            color,
            alpha: 1.0,
            width,
        }
    }
    /// The same pen, `alpha` opaque.
    pub(super) fn alpha(self, alpha: f64) -> Pen {
        Pen { alpha, ..self }
    }
}

/// A series: a line through its rows, or, when they are dense, a band from the lowest to
/// the highest value of each pixel column around a line through their means.
pub(super) fn series<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    ax: &Axis,
    times: &[f64],
    value: impl Fn(usize) -> Option<f64>,
    pen: Pen,
    cx: &Ctx,
) -> Res<(), DB> {
    let Pen {
        color,
        alpha,
        width,
    } = pen;
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
pub(super) fn dashed_steps<DB: DrawingBackend>(
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
pub(super) fn level<DB: DrawingBackend>(
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
pub(super) fn area_fill<DB: DrawingBackend>(
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
pub(super) fn stacked_fill<DB: DrawingBackend>(
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
pub(super) fn band_fill<DB: DrawingBackend>(
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
                        color.mix(0.35).filled(),
                    )))?;
                }
                // Thin edges: where runs differ by a pod or two, the band still shows
                // beside the median's thick line.
                for (edge, upper) in [(&hi, true), (&lo, false)] {
                    for seg in edge {
                        let pts: Vec<(f64, f64)> = seg
                            .iter()
                            .map(|e| (e.0, if upper { e.3 } else { e.1 }))
                            .collect();
                        stroke(c, &pts, color.mix(0.7), 1, cx)?;
                    }
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
        Pen::new(color, 2),
        cx,
    )
}

/// Each action as a dotted vertical line through a panel.
pub(super) fn action_lines<DB: DrawingBackend>(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(f: impl FnOnce(&Area<SVGBackend>)) {
        super::super::files::font_ready().unwrap();
        let mut out = String::new();
        let root = SVGBackend::with_string(&mut out, (400, 100)).into_drawing_area();
        f(&root);
    }

    #[test]
    fn text_too_wide_is_cut_with_an_ellipsis_that_fits() {
        measure(|a| {
            let style = text(14.0, RGBColor(0, 0, 0));
            let long = "a_rather_long_metric_name_for_a_small_panel";
            let width = |s: &str| a.estimate_text_size(s, &style).unwrap().0 as i32;
            for max in [40, 90, 200] {
                let cut = fit(a, long, &style, max).unwrap();
                assert!(cut.ends_with('…') && width(&cut) <= max, "{max}: {cut}");
            }
            assert_eq!(fit(a, "p95", &style, 200).unwrap(), "p95");
            assert_eq!(
                fit(a, long, &style, 2).unwrap(),
                "",
                "nothing fits: nothing drawn"
            );
        });
    }

    #[test]
    fn long_names_wrap_after_an_underscore_and_each_line_fits() {
        measure(|a| {
            let style = text(16.0, RGBColor(0, 0, 0));
            let width = |s: &str| a.estimate_text_size(s, &style).unwrap().0 as i32;
            let name = "http_requests_per_second (rps)";
            let lines = wrap(a, name, &style, 180).unwrap();
            assert_eq!(lines, ["http_requests_per_second", "(rps)"]);
            let lines = wrap(a, name, &style, 130).unwrap();
            assert_eq!(lines.len(), 2, "{lines:?}");
            assert!(lines[0].ends_with('_'), "{lines:?}");
            assert!(lines.iter().all(|l| width(l) <= 130), "{lines:?}");
            assert_eq!(wrap(a, "load (rps)", &style, 180).unwrap(), ["load (rps)"]);
        });
    }

    #[test]
    fn a_pen_keeps_its_colour_and_width_when_made_translucent() {
        let p = Pen::new(RGBColor(1, 2, 3), 2).alpha(0.6);
        assert_eq!((p.color, p.width, p.alpha), (RGBColor(1, 2, 3), 2, 0.6));
        assert_eq!(Pen::new(RGBColor(1, 2, 3), 1).alpha, 1.0);
    }
}
