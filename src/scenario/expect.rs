//! The `expect:` and `golden:` entries of a scenario file, as written, and where each sits
//! in the text. Owns their shape (serde, schema) and locating them by line; must not judge
//! them: `check` parses their conditions and times and reads a run against them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Location;
use crate::units::Duration;

/// One expectation: an optional `name`, exactly one of `at`, `during`, `eventually` and
/// `summary`, and the conditions: timeline.csv columns by their header names
/// (`ready: ">= 6"`), or summary.json figures under `summary`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Expectation {
    /// What the expectation says, for the report (default: its conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One moment: a time of day on the scenario clock (`"11:32"`, `"11:32:15"`) or a span
    /// from the start (`"+90s"`). The value there is the timeline row at or before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// A span `[from, to]`, both ends included; conditions aggregate its rows
    /// (`"min >= 2"`, `"p(95) < 300"`; without an aggregator, `all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub during: Option<[String; 2]>,
    /// From `after` to `after + within`: holds if at some moment of that window the
    /// condition starts holding and keeps holding to the window's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eventually: Option<Eventually>,
    /// summary.json figures by their dotted names (`slo.violationSeconds: "<= 60"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<BTreeMap<String, Condition>>")]
    pub summary: Option<BTreeMap<String, serde_json::Value>>,
    /// With `--runs N` / `seeds:`: how the runs are combined: `worst` (default: every run
    /// must pass), `mean`, `p95`, `p(N)` of the observed values, or `pass_rate >= 0.95`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<String>,
    /// Marks an expectation the run is known not to meet, saying why: it passes the check
    /// while it fails, and fails the check once it holds (so the mark is removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xfail: Option<String>,
    /// Conditions on timeline.csv columns, by header name: `ready: ">= 6"`,
    /// `spec_replicas: {eq: 8, abs: 1}`.
    /// (Read as written; `check` parses each one naming its key and line.)
    #[serde(flatten)]
    #[schemars(with = "BTreeMap<String, Condition>")]
    pub columns: BTreeMap<String, serde_json::Value>,
}

/// `eventually: {after: "13:00", within: 10m}`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Eventually {
    /// Where the window starts: `"13:00"` or `"+2h"`.
    pub after: String,
    /// How long the window lasts.
    pub within: Duration,
}

/// A condition: `"[AGGREGATOR] OPERATOR NUMBER"` (`">= 6"`, `"min >= 2"`, `"p(95) < 300"`,
/// `"count(> 5) <= 60"`), a number (equal to it), or `{eq: 8, abs: 1, rel: 0.1}` (equal
/// within the larger of `abs` and `rel` times the number).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Condition {
    /// `"min >= 2"`.
    Text(String),
    /// `6`: exactly equal.
    Number(f64),
    /// `{eq: 8, abs: 1}`.
    Near(Near),
}

impl Condition {
    /// A condition from its YAML value, or what a condition is (the caller names the key).
    pub fn from_value(value: &serde_json::Value) -> Result<Condition, String> {
        let expected = "expected a condition: \"[AGGREGATOR] OP NUMBER\" (e.g. \">= 6\", \"min >= 2\"), a number, or {eq: X, abs: A, rel: R}";
        match value {
            serde_json::Value::String(t) => Ok(Condition::Text(t.clone())),
            serde_json::Value::Number(n) => n
                .as_f64()
                .map(Condition::Number)
                .ok_or_else(|| expected.to_string()),
            serde_json::Value::Object(_) => serde_json::from_value::<Near>(value.clone())
                .map(Condition::Near)
                .map_err(|e| format!("{expected}: {e}")),
            other => Err(format!("{expected}; got {other}")),
        }
    }
}

/// Equal within a tolerance: `|got - eq| <= max(abs, rel * |eq|)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Near {
    /// The expected value.
    pub eq: f64,
    /// Absolute tolerance (default 0).
    #[serde(default)]
    pub abs: f64,
    /// Relative tolerance, a fraction of `|eq|` (default 0).
    #[serde(default)]
    pub rel: f64,
}

/// `golden: {file: golden/NAME.csv, columns: [spec_replicas, ready], abs: 1, shift: 15s}`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Golden {
    /// The stored timeline, relative to the scenario file's folder.
    pub file: String,
    /// The timeline.csv columns compared (at least one).
    pub columns: Vec<String>,
    /// Absolute tolerance (default 0).
    #[serde(default)]
    pub abs: f64,
    /// Relative tolerance, a fraction of the stored value (default 0).
    #[serde(default)]
    pub rel: f64,
    /// A stored value is met if the run has it, within tolerance, anywhere from `shift`
    /// before to `shift` after its time (default 0s).
    #[serde(default)]
    pub shift: Duration,
    /// One stored row every `every` (default 1s; `60s` keeps a day's file small).
    #[serde(default)]
    pub every: Option<Duration>,
}

/// The line of `key` inside the `index`-th entry of the top-level `expect:` list (the
/// entry's own line for `key` None, or when the key is not spelled out in block style).
pub fn locate_expect(text: &str, index: usize, key: Option<&str>) -> Option<Location> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_content = |l: &str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    // The top-level key: at column 0, not in a comment or a nested map.
    let list = lines.iter().position(|l| l.starts_with("expect:"))?;
    let mut item_indent = None;
    let mut seen = 0;
    let mut first = None;
    for (k, line) in lines.iter().enumerate().skip(list + 1) {
        if !is_content(line) {
            continue;
        }
        let at = indent(line);
        let dash = line.trim_start().starts_with('-');
        match item_indent {
            None if dash => item_indent = Some(at),
            None => return None,
            Some(i) if at < i || (at == i && !dash) => return None,
            _ => {}
        }
        if dash && Some(at) == item_indent {
            if seen == index {
                first = Some(k);
                break;
            }
            seen += 1;
        }
    }
    let first = first?;
    let item_indent = item_indent?;
    let item = Location {
        line: first as u64 + 1,
        column: item_indent as u64 + 1,
    };
    let Some(key) = key else {
        return Some(item);
    };
    for (k, line) in lines.iter().enumerate().skip(first) {
        let body = line.trim_start();
        // The next entry of the list, or a line back at the list's level, ends this one.
        if k > first && is_content(line) && indent(line) <= item_indent {
            break;
        }
        let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
        let bare = body
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        let quoted = [format!("\"{key}\":"), format!("'{key}':")]
            .iter()
            .any(|q| body.starts_with(q.as_str()));
        if bare || quoted {
            let column = (line.len() - body.len()) as u64 + 1;
            return Some(Location {
                line: k as u64 + 1,
                column,
            });
        }
    }
    Some(item)
}

/// The line of the top-level `golden:` key.
pub fn locate_golden(text: &str) -> Option<Location> {
    let line = text.lines().position(|l| l.starts_with("golden:"))?;
    Some(Location {
        line: line as u64 + 1,
        column: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_are_located_by_entry_and_key_not_by_mentions_in_comments() {
        let text = "# the `expect:` list below\nname: x\nload:\n- constant: {rps: 1}\n\
                    expect:\n- name: a\n  at: \"+0s\"\n  ready: 2\n# a comment\n\
                    - summary:\n    cost.totalUsd: \"< 1\"\ngolden: {file: g.csv, columns: [ready]}\n";
        let line = |i, k| locate_expect(text, i, k).map(|l| l.line);
        assert_eq!(line(0, None), Some(6));
        assert_eq!(line(0, Some("ready")), Some(8));
        assert_eq!(line(1, Some("cost.totalUsd")), Some(11));
        assert_eq!(line(1, Some("ready")), Some(10), "absent: the entry's line");
        assert_eq!(line(2, None), None);
        assert_eq!(locate_golden(text).map(|l| l.line), Some(12));
    }
}
