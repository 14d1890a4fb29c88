//! The vocabulary of every layer: durations and clock times as people write and read them.
//!
//! Owns parsing `30s`, `5m`, `1h30m`, `500ms` (humantime; a bare number is seconds) and
//! times of day `11:30` / `11:30:15` from the scenario's midnight, and printing a clock.
//! Must not import any layer but `core` (whose [`Span`] and [`Time`] it reads and writes).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::{Span, Time};

/// A length of time: `"30s"`, `"5m"`, `"1h30m"`, `"250ms"`; in a file, always with its unit
/// (a bare number is refused, naming the field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration(pub Span);

/// An instant of the scenario, counted from its midnight: a time of day `"11:30"` /
/// `"11:30:15"`, a duration (`"2h"` is 02:00), or a number of seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At(pub Time);

impl Duration {
    /// The span.
    pub fn span(self) -> Span {
        self.0
    }
    /// Seconds as a float, for rates.
    pub fn as_secs_f64(self) -> f64 {
        self.0.as_millis() as f64 / 1000.0
    }
}

/// Parses `"30s"`, `"5m"`, `"1h30m"`, `"250ms"`, `"2.5"` (seconds); never negative.
pub fn parse_duration(text: &str) -> Result<Span, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        return seconds(secs)
            .ok_or_else(|| format!("{text:?} is not a duration of 0 or more seconds"));
    }
    // humantime reads `M` as months: refuse it rather than surprise anyone.
    if t.contains('M') {
        return Err(format!("{text:?}: `M` is ambiguous; write minutes as `m`"));
    }
    let d = humantime::parse_duration(t).map_err(|e| {
        format!("{text:?} is not a duration ({e}); expected e.g. \"30s\", \"5m\", \"1h30m\"")
    })?;
    // With units as without, no duration is longer than the core's bound on any time.
    if d.as_secs() > MAX_SECONDS as u64 {
        return Err(format!(
            "{text:?} is longer than any duration hpasim reads (about 1000 years); each field's own limit is in the README's `Limits`"
        ));
    }
    Ok(Span::from_millis(d.as_millis() as i64))
}

/// Parses `"11:30"`, `"11:30:15"`, a duration, or seconds: all from the scenario's midnight.
pub fn parse_at(text: &str) -> Result<Time, String> {
    let t = text.trim();
    if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
        return match (parts.len(), nums) {
            (2 | 3, Some(n)) if n[0] < 48 && n[1] < 60 && n.get(2).is_none_or(|s| *s < 60) => {
                let secs =
                    n[0] as i64 * 3600 + n[1] as i64 * 60 + n.get(2).copied().unwrap_or(0) as i64;
                Ok(Time::from_secs(secs))
            }
            _ => Err(format!(
                "{text:?} is not a time of day; expected HH:MM or HH:MM:SS"
            )),
        };
    }
    parse_duration(t)
        .map(|s| Time::from_millis(s.as_millis()))
        .map_err(|_| {
            format!(
                "{text:?} is not a time; expected a time of day \"11:30\" or \"11:30:15\" (24-hour clock), or a duration from midnight such as \"2h\""
            )
        })
}

fn seconds(s: f64) -> Option<Span> {
    (s.is_finite() && (0.0..=crate::core::time::MAX_SECONDS).contains(&s))
        .then(|| Span::from_millis((s * 1000.0).round() as i64))
}

/// How a clock is printed: the three places a person reads one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockStyle {
    /// Timelines and events: `HH:MM:SS`, later days `d1 HH:MM:SS`.
    Timeline,
    /// The scenario's own words: `11:30`, `11:30:15`, `11:30:15.250`, hours past 24
    /// (`30:00`) and a sign; as a scenario would write the time back.
    Scenario,
    /// A chart's axis: `11:30` (`11:30:15` when `seconds`), later days `d1 03:00`.
    Axis {
        /// Ticks closer than a minute apart show seconds.
        seconds: bool,
    },
}

/// The clock at `t` (milliseconds from the scenario's midnight) as `style` prints it.
pub fn clock(t: Time, style: ClockStyle) -> String {
    let ms = t.as_millis();
    match style {
        ClockStyle::Timeline => day_prefixed(ms.div_euclid(1000), true),
        ClockStyle::Axis { seconds } => day_prefixed(ms.div_euclid(1000), seconds),
        ClockStyle::Scenario => {
            let sign = if ms < 0 { "-" } else { "" };
            let (secs, frac) = (ms.abs() / 1000, ms.abs() % 1000);
            let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
            match (s, frac) {
                (0, 0) => format!("{sign}{h:02}:{m:02}"),
                (_, 0) => format!("{sign}{h:02}:{m:02}:{s:02}"),
                _ => format!("{sign}{h:02}:{m:02}:{s:02}.{frac:03}"),
            }
        }
    }
}

fn day_prefixed(total_s: i64, seconds: bool) -> String {
    let (day, sod) = (total_s.div_euclid(86_400), total_s.rem_euclid(86_400));
    let (h, m, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    let hm = if seconds {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}")
    };
    if day == 0 { hm } else { format!("d{day} {hm}") }
}

/// `90m`, `1h30m`, `250ms`: a span in the words a scenario uses.
pub fn span_text(ms: i64) -> String {
    let text = humantime::format_duration(std::time::Duration::from_millis(ms.unsigned_abs()));
    if ms < 0 {
        format!("-{text}")
    } else {
        text.to_string()
    }
}

struct TextOrNumber(&'static str);

impl serde::de::Visitor<'_> for TextOrNumber {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// A duration as a scenario writes it: text with a unit. A bare number is refused, as the
/// one place every duration field of a scenario (or its traffic, checks, objectives) is read.
struct DurationText;

impl serde::de::Visitor<'_> for DurationText {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration such as \"30s\", \"5m\" or \"1h30m\"")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Err(bare_number(&v.to_string()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Err(bare_number(&v.to_string()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
        Err(bare_number(&v.to_string()))
    }
}

/// `2` reads as 2 seconds, rarely what its writer meant by a window or a run's length; a
/// unit costs one letter and says which. (Fields Kubernetes spells in integer seconds,
/// `periodSeconds` and the like, are plain numbers and never read here.)
fn bare_number<E: serde::de::Error>(number: &str) -> E {
    E::custom(format!(
        "{number} has no unit; write `{number}s` for seconds (or `{number}m`, `{number}h`)"
    ))
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.deserialize_any(DurationText)?;
        parse_duration(&text)
            .map(Duration)
            .map_err(serde::de::Error::custom)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}ms", self.0.as_millis()))
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.deserialize_any(TextOrNumber(
            "a time such as \"11:30\", \"2h\" or a number of seconds",
        ))?;
        parse_at(&text).map(At).map_err(serde::de::Error::custom)
    }
}

impl Serialize for At {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}ms", self.0.as_millis()))
    }
}

/// A number of seconds in a string, as Rust reads an `f64` (`"15"`, `"2.5"`, `"1e3"`).
const SECONDS_TEXT: &str = r"\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?";
/// humantime's terms, `<number><unit>` one or more times (`"1h30m"`, `"1.5h"`, `"2 days"`);
/// the units are humantime's, less `M` (refused as ambiguous), so months only as `month(s)`.
const HUMANTIME_TEXT: &str = r"([0-9]+(\.[0-9]+)?\s*(nanos|nsec|ns|usec|us|µs|millis|msec|ms|seconds|second|secs|sec|s|minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d|weeks|week|wks|wk|w|months|month|years|year|yrs|yr|y)\s*)+";
/// The most seconds a number may say ([`parse_duration`]'s bound): the core's bound on
/// any time, a thousand years.
pub const MAX_SECONDS: i64 = crate::core::time::MAX_SECONDS as i64;

/// The longest run: a month of simulated time (31 days). A run costs memory and time in
/// proportion to its simulated seconds (the README's `Limits` gives the figures).
pub const MAX_RUN_SECONDS: i64 = 31 * 86_400;
/// The longest delay, period or timeout in a scenario (start-up delays, probes, grace
/// periods, stabilization windows): as long as the longest run.
pub const MAX_DELAY_SECONDS: i64 = MAX_RUN_SECONDS;
/// The longest window or delay of a derived metric: a day (the run keeps one value per
/// second of it).
pub const MAX_METRIC_WINDOW_SECONDS: i64 = 86_400;
/// The longest metrics-server resolution and window, and HPA sync period: 10 minutes
/// (every pod keeps its scrapes over the window).
pub const MAX_SCRAPE_SECONDS: i64 = 600;

/// `Err` naming `field` when `span` is longer than `max_seconds`.
pub fn at_most(field: &str, span: Span, max_seconds: i64) -> Result<(), (String, String)> {
    if span.as_millis() > max_seconds * 1000 {
        Err((
            field.to_string(),
            format!(
                "{} is longer than the limit of {}",
                compact(span.as_millis()),
                compact(max_seconds * 1000)
            ),
        ))
    } else {
        Ok(())
    }
}

/// `32d`, `1d 1h`, `10m`, `1.5s`: a span in days, hours, minutes and seconds, as a
/// limit is written (humantime would print months of 30.44 days).
fn compact(ms: i64) -> String {
    let (secs, frac) = (ms / 1000, ms % 1000);
    let parts = [
        (secs / 86_400, "d"),
        (secs / 3600 % 24, "h"),
        (secs / 60 % 60, "m"),
    ];
    let mut text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    match (secs % 60, frac) {
        (0, 0) => {}
        (s, 0) => text.push(format!("{s}s")),
        (s, f) => text.push(format!("{}s", s as f64 + f as f64 / 1000.0)),
    }
    if text.is_empty() {
        "0s".into()
    } else {
        text.join(" ")
    }
}

/// The pattern a duration string matches; `signed` allows a leading `+` or `-` (a shift).
pub(crate) fn duration_pattern(signed: bool) -> String {
    let sign = if signed { r"([+-]\s*)?" } else { "" };
    format!(r"^\s*{sign}({SECONDS_TEXT}|{HUMANTIME_TEXT})\s*$")
}

// Mirrors `Deserialize for Duration` and `parse_duration`: a string with a unit (a number
// is refused).
impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Duration").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "A length of time with its unit: \"30s\", \"5m\", \"1h30m\", \"1.5h\", \"250ms\" (units ns, us, ms, s, m, h, d, w; `M` is refused, write minutes as `m`); a bare number (`90`) is refused, write `90s`. At most 1000 years, and each field states its own, lower, maximum.",
            "type": "string",
            "pattern": duration_pattern(false)
        })
    }
}

/// A time of day `HH:MM` or `HH:MM:SS`, hours below 48 ([`parse_at`]).
const CLOCK_PATTERN: &str =
    r"^\s*\+?0*(4[0-7]|[1-3]?[0-9]):\+?0*[1-5]?[0-9](:\+?0*[1-5]?[0-9])?\s*$";

// Mirrors `Deserialize for At` and `parse_at`: a time of day (any string with a `:`), or
// else a duration from the scenario's midnight.
impl JsonSchema for At {
    fn schema_name() -> Cow<'static, str> {
        "At".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::At").into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "An instant, counted from the scenario's midnight: a time of day \"11:30\" or \"11:30:15\" (hours 0 to 47, so \"25:00\" is 1 am the next day), or a duration (\"2h\", or a number of seconds).",
            "anyOf": [
                { "type": "string", "pattern": CLOCK_PATTERN },
                generator.subschema_for::<Duration>(),
                { "type": "number", "minimum": 0, "maximum": MAX_SECONDS }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        let ms = |t| parse_duration(t).map(|s| s.as_millis());
        assert_eq!(ms("30s"), Ok(30_000));
        assert_eq!(ms("5m"), Ok(300_000));
        assert_eq!(ms("1h30m"), Ok(5_400_000));
        assert_eq!(ms("250ms"), Ok(250));
        assert_eq!(ms("15"), Ok(15_000));
        assert_eq!(ms("1.5"), Ok(1_500));
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("-5").is_err());
        assert!(parse_duration("1M").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn times_of_day_count_from_midnight() {
        let s = |t| parse_at(t).map(|t| t.as_millis() / 1000);
        assert_eq!(s("11:30"), Ok(41_400));
        assert_eq!(s("00:00:15"), Ok(15));
        assert_eq!(s("2h"), Ok(7_200));
        assert_eq!(s("90"), Ok(90));
        assert!(parse_at("25:61").is_err());
        assert!(parse_at("11:30:15:00").is_err());
    }

    #[test]
    fn each_clock_style_prints_as_its_readers_expect() {
        let t = |s: i64| Time::from_millis(s);
        let cases = [
            (41_415_000, ClockStyle::Timeline, "11:30:15"),
            (86_400_000 + 3_600_000, ClockStyle::Timeline, "d1 01:00:00"),
            (41_415_999, ClockStyle::Timeline, "11:30:15"),
            (41_400_000, ClockStyle::Scenario, "11:30"),
            (41_415_000, ClockStyle::Scenario, "11:30:15"),
            (41_415_250, ClockStyle::Scenario, "11:30:15.250"),
            (30 * 3_600_000, ClockStyle::Scenario, "30:00"),
            (-60_000, ClockStyle::Scenario, "-00:01"),
            (41_415_000, ClockStyle::Axis { seconds: false }, "11:30"),
            (41_415_600, ClockStyle::Axis { seconds: true }, "11:30:15"),
            (97_200_000, ClockStyle::Axis { seconds: false }, "d1 03:00"),
        ];
        for (ms, style, want) in cases {
            assert_eq!(clock(t(ms), style), want, "{ms} ms as {style:?}");
        }
    }
}
