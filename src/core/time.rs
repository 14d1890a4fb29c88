//! Instants and spans on the decision's clock, in whole milliseconds.
//!
//! Snapshots give times as seconds (fractions allowed). The controller compares times
//! strictly (`Before`, `After`) at window boundaries, so we hold them as integers: a
//! recommendation exactly at a cutoff must compare equal, never "almost equal".

use std::fmt;

use std::borrow::Cow;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, in milliseconds on the snapshot's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

/// A length of time in milliseconds (never negative where it comes from user input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(i64);

/// The largest magnitude a time may have, in seconds: a thousand years, far beyond any
/// trace, and small enough that adding two never overflows.
pub const MAX_SECONDS: f64 = 3.2e10;

impl Time {
    /// "Long ago": the zero `metav1.Time` a condition has when no transition was recorded.
    pub const LONG_AGO: Time = Time(-(MAX_SECONDS as i64) * 1000);

    /// An instant from whole milliseconds.
    pub const fn from_millis(ms: i64) -> Time {
        Time(ms)
    }
    /// An instant from whole seconds.
    pub const fn from_secs(s: i64) -> Time {
        Time(s * 1000)
    }
    /// Milliseconds since the clock's zero.
    pub const fn as_millis(self) -> i64 {
        self.0
    }
    /// Seconds, as a number a person reads.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
    /// This instant moved later by `span`.
    pub const fn plus(self, span: Span) -> Time {
        Time(self.0.saturating_add(span.0))
    }
    /// This instant moved earlier by `span`.
    pub const fn minus(self, span: Span) -> Time {
        Time(self.0.saturating_sub(span.0))
    }
}

impl Span {
    /// A span of whole seconds.
    pub const fn from_secs(s: i64) -> Span {
        Span(s.saturating_mul(1000))
    }
    /// A span of whole milliseconds.
    pub const fn from_millis(ms: i64) -> Span {
        Span(ms)
    }
    /// Milliseconds.
    pub const fn as_millis(self) -> i64 {
        self.0
    }
    /// Whole seconds, truncated (as Go's `int32(d.Seconds())`).
    pub const fn whole_secs(self) -> i64 {
        self.0 / 1000
    }
}

fn seconds_to_millis(s: f64) -> Option<i64> {
    (s.is_finite() && s.abs() <= MAX_SECONDS).then(|| (s * 1000.0).round() as i64)
}

fn serialize_millis<S: Serializer>(ms: i64, serializer: S) -> Result<S::Ok, S::Error> {
    if ms % 1000 == 0 {
        serializer.serialize_i64(ms / 1000)
    } else {
        serializer.serialize_f64(ms as f64 / 1000.0)
    }
}

struct SecondsVisitor(&'static str);

impl serde::de::Visitor<'_> for SecondsVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        self.visit_f64(v as f64)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
        seconds_to_millis(v).ok_or_else(|| {
            if v.is_finite() {
                // A number, only too far from 0: say so, in a form that stays short (1e300
                // written out is 301 digits).
                E::custom(format!(
                    "{v:e} is beyond the limit of {MAX_SECONDS:e} seconds either way (about 1000 years); expected {}",
                    self.0
                ))
            } else {
                E::custom(format!("{v} is not {}", self.0))
            }
        })
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_millis(self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(SecondsVisitor("a time in seconds (a number)"))
            .map(Time)
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_millis(self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let ms = deserializer.deserialize_any(SecondsVisitor(
            "a length of time in seconds (a number, 0 or more)",
        ))?;
        if ms < 0 {
            return Err(serde::de::Error::custom(format!(
                "{} is negative; expected a length of time in seconds, 0 or more",
                ms as f64 / 1000.0
            )));
        }
        Ok(Span(ms))
    }
}

// Mirror `Deserialize for Time` and `for Span`: seconds, fractions allowed.
impl JsonSchema for Time {
    fn schema_name() -> Cow<'static, str> {
        "Seconds".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "An instant on the snapshot's clock, in seconds (fractions allowed).",
            "type": "number", "minimum": -MAX_SECONDS, "maximum": MAX_SECONDS
        })
    }
}

impl JsonSchema for Span {
    fn schema_name() -> Cow<'static, str> {
        "SecondsSpan".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "A length of time in seconds, 0 or more (fractions allowed).",
            "type": "number", "minimum": 0, "maximum": MAX_SECONDS
        })
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 % 1000 == 0 {
            write!(f, "{}s", self.0 / 1000)
        } else {
            write!(f, "{}s", self.as_secs_f64())
        }
    }
}
