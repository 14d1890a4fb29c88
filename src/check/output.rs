//! The check's report in the forms CI reads: text lines, JUnit XML, GitHub annotations and
//! a Markdown table. Owns only rendering (escaping included); must not judge or write.

use std::fmt::Write as _;

use super::{CaseResult, ScenarioResult};

/// GitHub shows at most 10 error annotations a step: the rest are summarised.
pub const GITHUB_ANNOTATIONS: usize = 10;

fn status(c: &CaseResult) -> &'static str {
    match (c.passed, c.held, &c.xfail) {
        (true, true, _) => "PASS",
        (true, false, _) => "XFAIL",
        (false, _, Some(_)) => "XPASS",
        (false, _, None) => "FAIL",
    }
}

fn totals(results: &[ScenarioResult]) -> (usize, usize, usize) {
    let cases = results.iter().flat_map(|r| &r.cases);
    let (mut passed, mut failed, mut xfail) = (0, 0, 0);
    for c in cases {
        match status(c) {
            "PASS" => passed += 1,
            "XFAIL" => xfail += 1,
            _ => failed += 1,
        }
    }
    (passed, failed, xfail)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn runs_text(r: &ScenarioResult) -> String {
    if r.runs == 1 {
        "1 run".into()
    } else {
        format!("{} runs", r.runs)
    }
}

/// One line per check, PASS/FAIL with what was seen; under a FAIL the first time it failed,
/// expected and got; then the totals.
pub fn text(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    for r in results {
        let _ = writeln!(out, "{}  {} ({})", r.path.display(), r.name, runs_text(r));
        for c in &r.cases {
            let _ = writeln!(out, "  {:<5}  {}: {}", status(c), c.title, c.observed);
            if let Some(f) = &c.failure {
                let line = c
                    .location
                    .as_ref()
                    .map(|l| format!("line {}: ", l.line))
                    .unwrap_or_default();
                let why = match &c.xfail {
                    Some(why) if status(c) == "XFAIL" => format!(" (xfail: {why})"),
                    _ => String::new(),
                };
                let _ = writeln!(out, "         {line}{}{why}", f.line());
                for d in f.detail.lines().filter(|d| !d.is_empty()) {
                    let _ = writeln!(out, "         {d}");
                }
            }
        }
    }
    let (passed, failed, xfail) = totals(results);
    let _ = writeln!(
        out,
        "{} in {}: {passed} passed, {failed} failed, {xfail} expected failures",
        plural(passed + failed + xfail, "check"),
        plural(results.len(), "scenario"),
    );
    out
}

/// Escapes text for an XML attribute or element.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && c != '\t' && c != '\r' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one `testsuite` per scenario (with its `file`), one `testcase` per check; a
/// failure's message is its time, expected and got, its text starts `FILE:LINE`; an `xfail`
/// is `skipped`. Valid against Jenkins xUnit's `junit-10.xsd` (tests/fixtures/junit/), the
/// strictest schema CI servers read: it allows no `file`/`line` on a `testcase` and no
/// `skipped` on `testsuites`, so the check's line is in the text (GitLab and Jenkins count
/// the cases themselves; GitLab shows the text).
pub fn junit(results: &[ScenarioResult]) -> String {
    let (passed, failed, xfail) = totals(results);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"hpasim check\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">",
        passed + failed + xfail
    );
    for r in results {
        let file = r.path.display().to_string();
        let skipped = r.cases.iter().filter(|c| status(c) == "XFAIL").count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{skipped}\" file=\"{}\">",
            xml(&r.name),
            r.cases.len(),
            r.failures(),
            xml(&file)
        );
        for c in &r.cases {
            // Where the check is written, as compilers print it (`path:line`).
            let place = match &c.location {
                Some(l) => format!("{file}:{}", l.line),
                None => file.clone(),
            };
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml(&c.title),
                xml(&r.name),
            );
            let st = status(c);
            match (st, &c.failure, &c.xfail) {
                ("FAIL" | "XPASS", Some(f), _) => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        xml(&f.line()),
                        if st == "XPASS" {
                            "xpass"
                        } else {
                            "expectation"
                        },
                        xml(&format!(
                            "{place}\n{}\nobserved: {}\n{}",
                            f.line(),
                            c.observed,
                            f.detail
                        ))
                    );
                }
                ("XFAIL", _, Some(why)) => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\">{}</skipped>\n    </testcase>",
                        xml(&format!("xfail: {why}")),
                        xml(&place)
                    );
                }
                _ => {
                    let _ = writeln!(out, "/>");
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escapes an annotation's message (GitHub's workflow-command rules).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation's property (`file=`, `title=`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions: an `::error file=...,line=...::` annotation on each failing check's own
/// line (at most 10, then one notice counting the rest), followed by
/// the text report. The second value is the Markdown table for `$GITHUB_STEP_SUMMARY`.
pub fn github(results: &[ScenarioResult]) -> (String, String) {
    let mut out = String::new();
    let failing: Vec<(&ScenarioResult, &CaseResult)> = results
        .iter()
        .flat_map(|r| r.cases.iter().map(move |c| (r, c)))
        .filter(|(_, c)| !c.passed)
        .collect();
    for (r, c) in failing.iter().take(GITHUB_ANNOTATIONS) {
        let line = c
            .location
            .as_ref()
            .map(|l| format!(",line={}", l.line))
            .unwrap_or_default();
        let message = c
            .failure
            .as_ref()
            .map(|f| format!("{}: {}", c.title, f.line()))
            .unwrap_or_else(|| c.title.clone());
        let _ = writeln!(
            out,
            "::error file={}{line},title={}::{}",
            gh_property(&r.path.display().to_string()),
            gh_property(&format!("hpasim check: {}", r.name)),
            gh_data(&message)
        );
    }
    if failing.len() > GITHUB_ANNOTATIONS {
        let _ = writeln!(
            out,
            "::notice title=hpasim check::{} more failing checks not annotated (see the job summary)",
            failing.len() - GITHUB_ANNOTATIONS
        );
    }
    out.push_str(&text(results));
    (out, markdown(results))
}

/// Escapes a Markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// A Markdown table for a pull-request comment: one row per check.
pub fn markdown(results: &[ScenarioResult]) -> String {
    let (passed, failed, xfail) = totals(results);
    let mut out = format!(
        "### hpasim check: {passed} passed, {failed} failed, {xfail} expected failures\n\n\
         | Result | Scenario | Check | Observed | Failure |\n\
         | --- | --- | --- | --- | --- |\n"
    );
    for r in results {
        for c in &r.cases {
            let mark = match status(c) {
                "PASS" => "✅ PASS",
                "XFAIL" => "➖ XFAIL",
                other => {
                    if other == "XPASS" {
                        "❌ XPASS"
                    } else {
                        "❌ FAIL"
                    }
                }
            };
            let failure = c.failure.as_ref().map(|f| f.line()).unwrap_or_default();
            let why = match &c.xfail {
                Some(why) => format!(" (xfail: {why})"),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "| {mark} | {} | {}{} | {} | {} |",
                md(&r.name),
                md(&c.title),
                md(&why),
                md(&c.observed),
                md(&failure)
            );
        }
    }
    out
}
