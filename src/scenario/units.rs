//! Durations and clock times as people write them in scenario files.
//!
//! `30s`, `5m`, `1h30m`, `500ms` (humantime; a bare number is seconds), and times of day
//! `11:30` or `11:30:15`, counted from the scenario's midnight. Held as [`Span`] and
//! [`Time`] in milliseconds, so simulated time is an integer, never accumulated floats.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::{Span, Time};

/// A length of time: `"30s"`, `"5m"`, `"1h30m"`, `"250ms"`, or a number of seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Duration(pub Span);

/// An instant of the scenario: a time of day `"11:30"` / `"11:30:15"` (from the
/// scenario's midnight), a duration from the start (`"2h"`), or a number of seconds.
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

/// Parses `"11:30"`, `"11:30:15"`, a duration from the start, or seconds.
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
