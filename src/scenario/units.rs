//! Durations and clock times as people write them in scenario files.
//!
//! `30s`, `5m`, `1h30m`, `500ms` (humantime; a bare number is seconds), and times of day
//! `11:30` or `11:30:15`, counted from the scenario's midnight. Held as [`Span`] and
//! [`Time`] in milliseconds, so simulated time is an integer, never accumulated floats.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::{Span, Time};

/// A length of time: `"30s"`, `"5m"`, `"1h30m"`, `"250ms"`, or a number of seconds.
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
    humantime::parse_duration(t)
        .map(|d| Span::from_millis(d.as_millis().min(i64::MAX as u128 / 2) as i64))
        .map_err(|e| {
            format!("{text:?} is not a duration ({e}); expected e.g. \"30s\", \"5m\", \"1h30m\"")
        })
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
    parse_duration(t).map(|s| Time::from_millis(s.as_millis()))
}

fn seconds(s: f64) -> Option<Span> {
    (s.is_finite() && (0.0..=3.2e10).contains(&s))
        .then(|| Span::from_millis((s * 1000.0).round() as i64))
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

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.deserialize_any(TextOrNumber(
            "a duration such as \"30s\", \"5m\" or a number of seconds",
        ))?;
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
/// The most seconds a number may say ([`parse_duration`]'s bound).
pub(crate) const MAX_SECONDS: i64 = 32_000_000_000;

/// The pattern a duration string matches; `signed` allows a leading `+` or `-` (a shift).
pub(crate) fn duration_pattern(signed: bool) -> String {
    let sign = if signed { r"([+-]\s*)?" } else { "" };
    format!(r"^\s*{sign}({SECONDS_TEXT}|{HUMANTIME_TEXT})\s*$")
}

// Mirrors `Deserialize for Duration` and `parse_duration`: a string, or a number of
// seconds from 0 to 3.2e10.
impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Duration").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "A length of time: \"30s\", \"5m\", \"1h30m\", \"1.5h\", \"250ms\" (units ns, us, ms, s, m, h, d, w; `M` is refused, write minutes as `m`), or a number of seconds (`90`, `2.5`).",
            "anyOf": [
                { "type": "string", "pattern": duration_pattern(false) },
                { "type": "number", "minimum": 0, "maximum": MAX_SECONDS }
            ]
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
                generator.subschema_for::<Duration>()
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
}
