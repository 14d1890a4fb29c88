//! A sweep's pictures: the first two objectives against each other (every configuration
//! a point, the front drawn, the baseline and the pick marked, infeasible ones greyed),
//! and a heatmap per pair of parameters; sweep.png and report.html. Draws the values it
//! is given; must not run or judge anything.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::Error;

/// One configuration as the scatter draws it.
#[derive(Clone, Debug)]
pub struct Dot {
    /// x: the first objective.
    pub x: f64,
    /// y: the second objective (0 when there is one objective).
    pub y: f64,
    /// Keeps every constraint.
    pub feasible: bool,
    /// On the front.
    pub front: bool,
    /// The baseline.
    pub baseline: bool,
    /// The pick.
    pub pick: bool,
}

/// A heatmap: the best first objective for each pair of two parameters' values.
#[derive(Clone, Debug)]
pub struct Heatmap {
    /// The x parameter and its values' labels.
    pub x: (String, Vec<String>),
    /// The y parameter and its values' labels.
    pub y: (String, Vec<String>),
    /// `cells[j][i]`: the least first objective among the feasible configurations with
    /// x value i and y value j (None: none feasible).
    pub cells: Vec<Vec<Option<f64>>>,
}

/// What the pictures show.
#[derive(Clone, Debug)]
pub struct SweepPicture {
    /// The title.
    pub title: String,
    /// The axes' names (first and second objective).
    pub axes: (String, String),
    /// Every configuration that ran.
    pub dots: Vec<Dot>,
    /// One per pair of parameters.
    pub heatmaps: Vec<Heatmap>,
}

const FONT: &str = "sans-serif";
const WIDTH: u32 = 1000;
const HEIGHT: u32 = 700;

/// Registered once per process: the font embedded for the run charts.
fn font_ready() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../assets/DejaVuSans.ttf"),
        )
        .is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Output(
            "the embedded chart font (DejaVu Sans) could not be read".into(),
        ))
    }
}

fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        lo.abs().max(1.0) * 0.05
    };
    (lo - pad, hi + pad)
}

fn scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &SweepPicture,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (x0, x1) = span(p.dots.iter().map(|d| d.x));
    let (y0, y1) = span(p.dots.iter().map(|d| d.y));
    let mut chart = ChartBuilder::on(root)
        .caption(&p.title, (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(p.axes.0.as_str())
        .y_desc(p.axes.1.as_str())
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    let finite = |d: &&Dot| d.x.is_finite() && d.y.is_finite();
    let grey = RGBColor(190, 190, 190);
    let blue = RGBColor(40, 100, 200);
    chart.draw_series(
        p.dots
            .iter()
            .filter(finite)
            .filter(|d| !d.feasible)
            .map(|d| Circle::new((d.x, d.y), 3, grey.filled())),
    )?;
    chart
        .draw_series(
            p.dots
                .iter()
                .filter(finite)
                .filter(|d| d.feasible)
                .map(|d| Circle::new((d.x, d.y), 3, blue.filled())),
        )?
        .label("configuration")
        .legend(move |(x, y)| Circle::new((x, y), 3, blue.filled()));
    let mut front: Vec<(f64, f64)> = p
        .dots
        .iter()
        .filter(finite)
        .filter(|d| d.front)
        .map(|d| (d.x, d.y))
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    chart
        .draw_series(LineSeries::new(front, RED.stroke_width(2)))?
        .label("front")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    chart
        .draw_series(
            p.dots
                .iter()
                .filter(finite)
                .filter(|d| d.baseline)
                .map(|d| TriangleMarker::new((d.x, d.y), 9, BLACK.filled())),
        )?
        .label("baseline")
        .legend(|(x, y)| TriangleMarker::new((x, y), 6, BLACK.filled()));
    let green = RGBColor(0, 150, 70);
    chart
        .draw_series(
            p.dots
                .iter()
                .filter(finite)
                .filter(|d| d.pick)
                .map(|d| Circle::new((d.x, d.y), 9, green.stroke_width(3))),
        )?
        .label("pick")
        .legend(move |(x, y)| Circle::new((x, y), 6, green.stroke_width(3)));
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()
}

fn heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    h: &Heatmap,
    title: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (nx, ny) = (h.x.1.len().max(1), h.y.1.len().max(1));
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 18))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0..nx, 0..ny)?;
    let (xs, ys) = (h.x.1.clone(), h.y.1.clone());
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(h.x.0.as_str())
        .y_desc(h.y.0.as_str())
        .x_labels(nx.min(20))
        .y_labels(ny.min(20))
        .x_label_formatter(&|i| xs.get(*i).cloned().unwrap_or_default())
        .y_label_formatter(&|j| ys.get(*j).cloned().unwrap_or_default())
        .label_style((FONT, 12))
        .draw()?;
    let (lo, hi) = span(h.cells.iter().flatten().flatten().copied());
    chart.draw_series(h.cells.iter().enumerate().flat_map(|(j, row)| {
        row.iter().enumerate().map(move |(i, v)| {
            let colour = match v {
                // Cheap is light, dear is dark: one hue, so the picture reads in grey too.
                Some(v) => {
                    let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
                    let c = |a: f64, b: f64| (a + (b - a) * f) as u8;
                    RGBColor(c(230.0, 20.0), c(240.0, 60.0), c(250.0, 140.0))
                }
                None => RGBColor(200, 200, 200),
            };
            Rectangle::new([(i, j), (i + 1, j + 1)], colour.filled())
        })
    }))?;
    root.present()
}

/// Writes sweep.png (the scatter) atomically into `out`.
pub fn write_png(p: &SweepPicture, out: &Path) -> Result<(), Error> {
    font_ready()?;
    let path = out.join("sweep.png");
    let tmp = tempfile::Builder::new()
        .prefix(".sweep-")
        .suffix(".png")
        .tempfile_in(out)
        .map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    {
        let root = BitMapBackend::new(tmp.path(), (WIDTH, HEIGHT)).into_drawing_area();
        scatter(&root, p).map_err(|e| Error::Output(format!("sweep.png: {e}")))?;
    }
    // A temporary file is private (0600); the chart is read like the other files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644)).map_err(
            |source| Error::Io {
                path: path.clone(),
                source,
            },
        )?;
    }
    tmp.persist(&path).map_err(|e| Error::Io {
        path,
        source: e.error,
    })?;
    Ok(())
}

fn svg<F>(width: u32, height: u32, draw: F) -> Result<String, Error>
where
    F: FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
{
    font_ready()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root).map_err(|e| Error::Output(format!("report.html: {e}")))?;
    }
    Ok(out)
}

/// report.html: the scatter, the heatmaps, and the front's table (`head`, `rows`).
pub fn report_html(
    p: &SweepPicture,
    head: &[String],
    rows: &[Vec<String>],
) -> Result<String, Error> {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}</style></head><body>\n\
         <h1>{t}</h1>\n",
        t = esc(&p.title)
    );
    html.push_str(&svg(WIDTH, HEIGHT, |root| {
        scatter(root, p).map_err(|e| e.to_string())
    })?);
    html.push_str("\n<h2>The front</h2>\n<table><tr>");
    for h in head {
        let _ = write!(html, "<th>{}</th>", esc(h));
    }
    html.push_str("</tr>\n");
    for r in rows {
        html.push_str("<tr>");
        for c in r {
            let _ = write!(html, "<td>{}</td>", esc(c));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    if !p.heatmaps.is_empty() {
        let _ = write!(
            html,
            "<h2>By pair of parameters</h2>\n<p>Each cell: the least {} among the feasible configurations with those two values (grey: none).</p>\n",
            esc(&p.axes.0)
        );
    }
    for h in &p.heatmaps {
        let title = format!("{} by {} and {}", p.axes.0, h.x.0, h.y.0);
        html.push_str(&svg(700, 500, |root| {
            heatmap(root, h, &title).map_err(|e| e.to_string())
        })?);
        html.push('\n');
    }
    html.push_str("</body></html>\n");
    Ok(html)
}
