//! Writing a chart: the embedded font, the size limits, SVG text, and PNG and SVG files
//! written atomically (a failed chart leaves no partial file under its name).
//!
//! Owns files and backends; what is drawn is each chart's own module.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::prelude::*;

use super::{Chart, ChartFormat, ChartOptions, MAX_SIDE, MIN_HEIGHT, MIN_WIDTH};
use crate::error::Error;

/// With the `ab_glyph` feature plotters knows no font until one is registered; ours is
/// embedded so charts look the same on every machine. Registered once per process.
pub(super) fn font_ready() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../../assets/DejaVuSans.ttf"),
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

fn check_size(o: &ChartOptions) -> Result<(), Error> {
    let ok = |v: u32, min: u32| (min..=MAX_SIDE).contains(&v);
    if ok(o.width, MIN_WIDTH) && ok(o.height, MIN_HEIGHT) {
        Ok(())
    } else {
        Err(Error::Output(format!(
            "a chart of {}x{} pixels: width must be {MIN_WIDTH} to {MAX_SIDE}, height {MIN_HEIGHT} to {MAX_SIDE}",
            o.width, o.height
        )))
    }
}

pub(super) fn svg_string<C: Chart>(d: &C, o: &ChartOptions) -> Result<String, Error> {
    font_ready()?;
    check_size(o)?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (o.width, o.height)).into_drawing_area();
        d.draw(&root, o, false)
            .and_then(|()| root.present())
            .map_err(|e| Error::Output(format!("drawing the {} chart: {e}", C::KIND)))?;
    }
    Ok(out)
}

pub(super) fn write_chart<C: Chart>(
    d: &C,
    o: &ChartOptions,
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, Error> {
    let (png, svg) = match o.format {
        ChartFormat::Png => (true, false),
        ChartFormat::Svg => (false, true),
        ChartFormat::Both => (true, true),
        ChartFormat::None => return Ok(vec![]),
    };
    let mut written = vec![];
    if svg {
        let path = dir.join(format!("{stem}.svg"));
        super::super::write_atomically(&path, svg_string(d, o)?.as_bytes())?;
        written.push(path);
    }
    if png {
        let path = dir.join(format!("{stem}.png"));
        write_png(d, o, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// Draws into a temporary `.png` beside `path` (the bitmap backend picks the encoder by
/// extension, and writes whatever it has when dropped, even after an error), then
/// renames it into place: a failed chart never leaves a partial file under its name.
fn write_png<C: Chart>(d: &C, o: &ChartOptions, path: &Path) -> Result<(), Error> {
    font_ready()?;
    check_size(o)?;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    // The bitmap backend picks its encoder by the extension: the name ends in `.png`.
    let tmp = super::super::output::temp_beside(path, "png")?;
    let drawn = {
        let root = BitMapBackend::new(&tmp, (o.width, o.height)).into_drawing_area();
        d.draw(&root, o, true).and_then(|()| root.present())
    };
    match drawn {
        Ok(()) => std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(e)
        }),
        Err(e) => {
            // Best effort: the drop above may have written part of the image.
            let _ = std::fs::remove_file(&tmp);
            Err(Error::Output(format!("{}: {e}", path.display())))
        }
    }
}
