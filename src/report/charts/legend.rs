//! Legends: a column right of each panel's plot, a header naming the panel, one line
//! per series with its swatch, and a "+N more" line when the panel is too short.
//!
//! Owns the legend's layout; it never draws into a plot.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Area, Ctx, Res};
use super::primitives::{anchored, fit, text, wrap};

/// What a legend entry's sample looks like.
pub(super) enum Swatch {
    Line(RGBAColor, u32),
    Dashed(RGBAColor, u32),
    Area(RGBAColor),
    Up(RGBColor),
    Down(RGBColor),
    /// Text only.
    Nothing,
}

pub(super) struct Item {
    pub(super) label: String,
    pub(super) swatch: Swatch,
}

pub(super) fn item(label: impl Into<String>, swatch: Swatch) -> Item {
    Item {
        label: label.into(),
        swatch,
    }
}

pub(super) fn triangle(x: i32, y: i32, up: bool, r: i32) -> Vec<(i32, i32)> {
    if up {
        vec![(x, y - r), (x + r, y + r - 1), (x - r, y + r - 1)]
    } else {
        vec![(x, y + r), (x + r, y - r + 1), (x - r, y - r + 1)]
    }
}

/// The legend's font sizes: roomy (a 16 px header and 14 px lines) when every line gets
/// 19 px, else compact, for a short panel.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sizes {
    /// The header's font size.
    head: f64,
    /// Where the first line's row starts, with a one-line header.
    first: i32,
    /// The lines' font size.
    line: f64,
}

impl Sizes {
    fn new(h: i32, top: i32, items: usize) -> Sizes {
        let n = items.max(1) as i32;
        if (h - top - 28) / n >= 19 {
            Sizes {
                head: 16.0,
                first: top + 26,
                line: 14.0,
            }
        } else {
            Sizes {
                head: 14.0,
                first: top + 20,
                line: 12.0,
            }
        }
    }
}

/// How the legend's lines fill the height from `first` to the panel's bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rows {
    /// Each line's row height, 14 to 21 px.
    line_h: i32,
    /// How many rows fit.
    fits: usize,
    /// How many items are drawn: all when they fit, else one row fewer, the last row
    /// saying how many are left out (a panel too short says so rather than hiding them).
    shown: usize,
}

impl Rows {
    fn new(h: i32, first: i32, items: usize) -> Rows {
        let n = items.max(1) as i32;
        let line_h = ((h - first - 2) / n).clamp(14, 21);
        let fits = ((h - first) / line_h).max(0) as usize;
        let shown = if fits < items {
            fits.saturating_sub(1)
        } else {
            items
        };
        Rows {
            line_h,
            fits,
            shown,
        }
    }
}

/// A panel's legend, in the column right of its plot: a header naming the panel (with
/// its unit), then one line per series; a smaller font when the panel is short.
pub(super) fn legend<DB: DrawingBackend>(
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
    let sizes = Sizes::new(h, top, items.len());
    let head = anchored(text(sizes.head, th.fg), HPos::Left, VPos::Top);
    let lines = wrap(area, header, &head, w - x0 - 4)?;
    let head_line = sizes.head as i32 + 4;
    for (k, line) in lines.iter().enumerate() {
        area.draw_text(line, &head, (x0, top + 2 + k as i32 * head_line))?;
    }
    let first = sizes.first + (lines.len() as i32 - 1) * head_line;
    if items.is_empty() {
        return Ok(());
    }
    let size = sizes.line;
    let Rows {
        line_h,
        fits,
        shown,
    } = Rows::new(h, first, items.len());
    let label = anchored(text(size, th.fg), HPos::Left, VPos::Center);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_drawn_ends_inside_the_panel() {
        // (panel height, top, items)
        for (h, top, items) in [
            (60, 10, 1),
            (60, 10, 9),
            (120, 28, 6),
            (200, 10, 4),
            (400, 82, 9),
            (30, 10, 3),
            (10, 10, 2),
        ] {
            let s = Sizes::new(h, top, items);
            let r = Rows::new(h, s.first, items);
            // The "+N more" line takes one more row when some are left out.
            let used = r.shown + usize::from(r.shown < items && r.fits > 0);
            let bottom = s.first + used as i32 * r.line_h;
            assert!(
                used == 0 || bottom <= h,
                "h {h} top {top} items {items}: {r:?} ends at {bottom}"
            );
            assert!(r.shown <= items);
        }
    }

    #[test]
    fn a_legend_that_fits_is_drawn_whole_and_one_that_does_not_says_so() {
        let tall = Rows::new(300, 36, 6);
        assert_eq!((tall.shown, tall.fits >= 6), (6, true));
        let short = Rows::new(80, 30, 6);
        assert!(short.fits < 6 && short.shown == short.fits - 1, "{short:?}");
    }

    #[test]
    fn a_short_panel_gets_the_compact_fonts() {
        assert_eq!(Sizes::new(300, 10, 4).line, 14.0);
        assert_eq!(Sizes::new(90, 10, 4).line, 12.0);
        // The header's row moves down with the panel's top margin.
        assert_eq!(Sizes::new(300, 40, 1).first, 66);
    }
}
