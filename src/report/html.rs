//! One self-contained `report.html`: tables of figures, charts inlined as SVG, and the
//! scenario as written.
//!
//! Owns the page's markup and style. It renders the values it is given: it must not
//! simulate, measure or draw charts itself, and it loads nothing from elsewhere (no
//! scripts, fonts or stylesheets), so the file works from `file://` or a CI artifact.

use std::fmt::Write as _;

/// What the report shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportData {
    /// The page's heading and `<title>`.
    pub title: String,
    /// A line under the heading (scenario description, seed, date).
    pub subtitle: String,
    /// Figures, one table each.
    pub tables: Vec<Table>,
    /// Tables with several columns (variants side by side, episodes, burn rates), after
    /// the figures.
    pub grids: Vec<Grid>,
    /// What the figures mean: (term, explanation), shown after the charts.
    pub glossary: Vec<(String, String)>,
    /// How the report was made: (what, value), e.g. the hpasim version and command line.
    pub provenance: Vec<(String, String)>,
    /// (caption, SVG markup) for each chart, as the `*_svg` chart functions return it.
    /// Markup that is not an `<svg>` element is shown as text, never inlined.
    pub charts: Vec<(String, String)>,
    /// The scenario file's text.
    pub scenario_yaml: String,
}

/// A titled table of (name, value) rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Shown above the table.
    pub title: String,
    /// Rows: the figure's name and its value, as text.
    pub rows: Vec<(String, String)>,
}

/// A titled table with a header row: a name per row, then one cell per column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    /// Shown above the table.
    pub title: String,
    /// The column headers (the rows' name column excluded).
    pub columns: Vec<String>,
    /// Rows: a name and one cell per column.
    pub rows: Vec<(String, Vec<String>)>,
    /// A line under the table (how to read it), when not empty.
    pub note: String,
}

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #202226; --muted: #555b63; --bg: #ffffff;
  --panel: #f5f6f8; --line: #dfe2e6; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --muted: #a8aeb6; --bg: #16181d; --panel: #1f2228; --line: #2f333b; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px; background: var(--bg);
  color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "DejaVu Sans", sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 28px 0 10px; }
.subtitle { color: var(--muted); margin: 0 0 20px; }
.tables { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
table { border-collapse: collapse; background: var(--panel); border-radius: 6px;
  min-width: 260px; }
caption { text-align: left; font-weight: 600; padding: 0 0 6px; }
th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { font-weight: normal; color: var(--muted); }
td { font-variant-numeric: tabular-nums; }
tr:last-child th, tr:last-child td { border-bottom: none; }
figure { margin: 20px 0; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid var(--line);
  border-radius: 6px; }
figcaption { color: var(--muted); margin-top: 6px; }
pre { background: var(--panel); padding: 14px; border-radius: 6px; overflow-x: auto;
  font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 32px; }
table.grid th[scope="col"] { color: var(--fg); font-weight: 600; }
dt { font-weight: 600; margin-top: 8px; }
dd { margin: 2px 0 0 18px; color: var(--muted); }
"#;

/// The report as one HTML document: every text escaped, charts inline, no outside
/// resources.
pub fn report_html(d: &ReportData) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        escape(&d.title),
        escape(&d.title)
    );
    if !d.subtitle.is_empty() {
        let _ = writeln!(h, "<p class=\"subtitle\">{}</p>", escape(&d.subtitle));
    }
    h.push_str("</header>\n");
    if !d.tables.is_empty() {
        h.push_str("<section class=\"tables\">\n");
        for t in &d.tables {
            let _ = writeln!(h, "<table>\n<caption>{}</caption>", escape(&t.title));
            for (k, v) in &t.rows {
                let _ = writeln!(
                    h,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(k),
                    escape(v)
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("</section>\n");
    }
    for g in &d.grids {
        grid(&mut h, g);
    }
    if !d.charts.is_empty() {
        h.push_str("<section class=\"charts\">\n<h2>Charts</h2>\n");
        for (caption, svg) in &d.charts {
            h.push_str("<figure>\n");
            match svg_element(svg) {
                Some(markup) => h.push_str(markup),
                None => {
                    let _ = write!(h, "<pre>{}</pre>", escape(svg));
                }
            }
            let _ = writeln!(
                h,
                "\n<figcaption>{}</figcaption>\n</figure>",
                escape(caption)
            );
        }
        h.push_str("</section>\n");
    }
    if !d.scenario_yaml.is_empty() {
        let _ = writeln!(
            h,
            "<section>\n<h2>Scenario</h2>\n<pre>{}</pre>\n</section>",
            escape(&d.scenario_yaml)
        );
    }
    if !d.glossary.is_empty() {
        h.push_str("<section>\n<h2>What the figures mean</h2>\n<dl>\n");
        for (term, meaning) in &d.glossary {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(meaning));
        }
        h.push_str("</dl>\n</section>\n");
    }
    h.push_str("<footer>Made by hpasim, an offline autoscaling simulator.");
    for (what, value) in &d.provenance {
        let _ = write!(h, "<br>{}: <code>{}</code>", escape(what), escape(value));
    }
    h.push_str("</footer>\n</body>\n</html>\n");
    h
}

/// A grid as a `<table>` with a header row, in its own section.
fn grid(h: &mut String, g: &Grid) {
    let _ = writeln!(
        h,
        "<section>\n<h2>{}</h2>\n<table class=\"grid\">\n<tr><th></th>",
        escape(&g.title)
    );
    for c in &g.columns {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(c));
    }
    h.push_str("</tr>\n");
    for (name, cells) in &g.rows {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(name));
        for c in cells {
            let _ = write!(h, "<td>{}</td>", escape(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    if !g.note.is_empty() {
        let _ = writeln!(h, "<p class=\"subtitle\">{}</p>", escape(&g.note));
    }
    h.push_str("</section>\n");
}

/// The `<svg>...</svg>` element of chart markup (an XML declaration before it dropped),
/// or `None` when the markup is not one.
fn svg_element(markup: &str) -> Option<&str> {
    let s = markup.trim();
    let s = match s.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>")?.1.trim_start(),
        None => s,
    };
    (s.starts_with("<svg") && s.ends_with("</svg>")).then_some(s)
}

/// Text as HTML: the five characters with meaning in markup replaced.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let d = ReportData {
            title: "<script>alert(1)</script>".into(),
            subtitle: "a & b".into(),
            tables: vec![Table {
                title: "t<1>".into(),
                rows: vec![("k\"".into(), "<v>".into())],
            }],
            charts: vec![("c<".into(), "<b>not svg</b>".into())],
            scenario_yaml: "name: <x>".into(),
            grids: vec![Grid {
                title: "g<".into(),
                columns: vec!["<a>".into()],
                rows: vec![("r&".into(), vec!["<c>".into()])],
                note: "n<".into(),
            }],
            glossary: vec![("<t>".into(), "<m>".into())],
            provenance: vec![("cmd".into(), "hpasim <x>".into())],
        };
        let h = report_html(&d);
        assert!(!h.contains("<script>"));
        assert!(
            !h.contains("<b>not svg"),
            "markup that is not svg is shown as text"
        );
        assert!(h.contains("&lt;script&gt;"));
        assert!(h.contains("a &amp; b"));
        assert!(h.contains("&lt;v&gt;"));
        assert!(h.contains("k&quot;"));
        assert!(h.contains("name: &lt;x&gt;"));
        for s in [
            "g&lt;",
            "&lt;a&gt;",
            "r&amp;",
            "&lt;c&gt;",
            "n&lt;",
            "&lt;t&gt;",
            "&lt;m&gt;",
        ] {
            assert!(h.contains(s), "{s}");
        }
        assert!(h.contains("hpasim &lt;x&gt;"));
    }

    #[test]
    fn svg_is_inlined_and_nothing_is_loaded_from_elsewhere() {
        let d = ReportData {
            title: "r".into(),
            charts: vec![(
                "timeline".into(),
                "<?xml version=\"1.0\"?>\n<svg width=\"2\"><text>x</text></svg>\n".into(),
            )],
            ..Default::default()
        };
        let h = report_html(&d);
        assert!(h.contains("<figure>\n<svg width=\"2\"><text>x</text></svg>"));
        assert!(!h.contains("<?xml"));
        for outside in ["http://", "https://", "<script", "<link", "@import", "url("] {
            assert!(!h.contains(outside), "{outside}");
        }
        assert!(h.starts_with("<!DOCTYPE html>"));
        assert!(h.trim_end().ends_with("</html>"));
    }
}
