//! The `load:` entries as written in a scenario file: serde types and their checks.
//!
//! Owns the YAML shape of every entry and the checks a single entry can make on itself
//! (rates 0 or more, an end after its start), so a bad value is refused where it is written.
//! Must not read files, evaluate rates or draw random numbers: that is [`super::Load`]'s job.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::core::{Span, Time};
use crate::units::{At, Duration, MAX_SECONDS, duration_pattern, parse_duration, span_text};

/// One entry of the scenario's `load:` list. The entries of the list are **summed**; a
/// `noise` entry applies to that sum. Every entry but `noise` also takes `scale` (a factor,
/// default 1) and `shift` (moves it later, or earlier when negative, default `0s`).
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LoadSpec {
    /// `constant: {rps: 100}`: the same rate all the time.
    #[serde(deserialize_with = "checked")]
    Constant(Constant),
    /// `ramp: {from: 50, to: 400, start: "11:00", end: "12:00"}`: linear between two times.
    #[serde(deserialize_with = "checked")]
    Ramp(Ramp),
    /// `step: {at: "12:00", from: 50, to: 200}`: a jump at one instant.
    #[serde(deserialize_with = "checked")]
    Step(Step),
    /// `spike: {at: "12:00", duration: 5m, height: 300}`: extra rate for a while, 0 otherwise.
    #[serde(deserialize_with = "checked")]
    Spike(Spike),
    /// `lunchRush: {start: "11:30", end: "13:00", peak: 400, base: 50}`: a smooth bump.
    #[serde(deserialize_with = "checked")]
    LunchRush(LunchRush),
    /// `flashSale: {at: "20:00", peak: 2000, rise: 2m, decay: 30m, base: 100}`: a fast
    /// rise then an exponential decay.
    #[serde(deserialize_with = "checked")]
    FlashSale(FlashSale),
    /// `daily: {min: 20, max: 300, peakAt: "14:00"}`: a 24 h cosine.
    #[serde(deserialize_with = "checked")]
    Daily(Daily),
    /// `weekly: {days: [1, 1, 1, 1, 1, 0.6, 0.5]}`: one value per day of the week.
    #[serde(deserialize_with = "checked")]
    Weekly(Weekly),
    /// `trace: {file: traces/x.csv, scale: 10, onEnd: loop}`: a recorded rate.
    #[serde(deserialize_with = "checked")]
    Trace(TraceSpec),
    /// `sum: [a, b]` or `sum: {of: [a, b], scale: 2}`: the entries added.
    Sum(Combine),
    /// `product: [a, b]` or `product: {of: [a, b], shift: 1h}`: the entries multiplied.
    Product(Combine),
    /// `repeat: {every: 24h, of: {lunchRush: ...}}`: one entry, repeated every period.
    #[serde(deserialize_with = "checked")]
    Repeat(Repeat),
    /// `noise: {poisson: true}` or `noise: {lognormal: {sigma: 0.1}}`: randomness on the
    /// arrivals of the whole load (top level only).
    #[serde(deserialize_with = "checked")]
    Noise(NoiseSpec),
}

/// `constant`: the same rate all the time.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Constant {
    /// Requests per second.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub rps: f64,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `ramp`: `from` until `start`, a straight line to `to` at `end`, then `to`.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ramp {
    /// Requests per second up to `start`.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub from: f64,
    /// Requests per second from `end` on.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub to: f64,
    /// When the ramp begins.
    pub start: At,
    /// When it reaches `to` (not before `start`; equal makes a step).
    pub end: At,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `step`: `from` before `at`, `to` from `at` on.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// The instant of the jump.
    pub at: At,
    /// Requests per second before `at`.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub from: f64,
    /// Requests per second from `at` on.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub to: f64,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `spike`: `height` requests per second over `[at, at + duration)`, 0 otherwise (add it to
/// a base).
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spike {
    /// When it starts.
    pub at: At,
    /// How long it lasts.
    pub duration: Duration,
    /// Requests per second during the spike.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub height: f64,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `lunchRush`: `base` outside `[start, end]`; inside, a raised-cosine rise over `rise` to
/// `peak`, `peak` until `end - fall`, a raised-cosine fall back to `base` at `end`. With
/// neither `rise` nor `fall` it is one smooth bump peaking halfway.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LunchRush {
    /// When the rise begins.
    pub start: At,
    /// When the rate is back at `base`.
    pub end: At,
    /// Requests per second at the top.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub peak: f64,
    /// Requests per second outside the rush (default 0, to add the rush to a trace).
    #[serde(default, deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub base: f64,
    /// How long the rise takes (default half of `end - start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rise: Option<Duration>,
    /// How long the fall takes (default: as `rise`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fall: Option<Duration>,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `flashSale`: `base` before `at`; a raised-cosine rise to `peak` over `rise`; then the
/// excess over `base` decays exponentially with time constant `decay` (37 % of it is left
/// after `decay`, 5 % after three times `decay`).
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlashSale {
    /// When the rise begins.
    pub at: At,
    /// Requests per second at the top.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub peak: f64,
    /// Requests per second before the sale and long after it (default 0).
    #[serde(default, deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub base: f64,
    /// How long the rise takes (default `0s`: a jump).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rise: Option<Duration>,
    /// The decay's time constant (more than 0).
    pub decay: Duration,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `daily`: a cosine between `min` and `max` with its top at `peakAt`, repeating every
/// `period` (default 24 h).
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Daily {
    /// Requests per second at the bottom (half a period from `peakAt`).
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub min: f64,
    /// Requests per second at the top.
    #[serde(deserialize_with = "rps")]
    #[schemars(range(min = 0, max = 1e9))]
    pub max: f64,
    /// When the top is reached (and every `period` after and before).
    pub peak_at: At,
    /// The length of one cycle (default 24h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Duration>,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `weekly`: a value per day, day 0 being the scenario's first day (00:00 to 24:00), and
/// repeating every 7 days. Meant as a factor in a `product` (weekdays 1, weekends 0.5).
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Weekly {
    /// Seven numbers, 0 or more.
    #[serde(deserialize_with = "seven_days")]
    #[schemars(length(equal = 7), inner(range(min = 0, max = 1e6)))]
    pub days: Vec<f64>,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `trace`: a recorded rate. The rate at `t` is the value of the last sample at or before
/// `t` (each value holds over its bin); the first sample is at time 0 (plus `shift`), and
/// before it the rate is 0.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TraceSpec {
    /// The file, relative to the scenario file's folder.
    pub file: PathBuf,
    /// `csv` or `prometheus`; by default `.csv` is CSV and `.json` is Prometheus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TraceFormat>,
    /// A factor on the recorded rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the trace later (negative: skips its beginning); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
    /// What happens past the trace's end (default `refuse`: a trace that ends before the
    /// scenario does is an error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_end: Option<OnEnd>,
}

/// The file format of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TraceFormat {
    /// `time_s,rps` with a header line; `time_s` is the start of each bin in seconds.
    Csv,
    /// The JSON answer of Prometheus' `/api/v1/query_range` (a matrix; several series are
    /// summed).
    Prometheus,
}

/// What a trace does past its last bin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OnEnd {
    /// A trace shorter than the scenario is refused before the run.
    #[default]
    Refuse,
    /// The last value holds.
    Hold,
    /// The trace starts again from its first sample.
    Loop,
    /// The rate drops to 0.
    Zero,
}

/// `sum` and `product`: a list of entries, written `[a, b]`, or `{of: [a, b], scale, shift}`
/// to scale or shift the result.
#[derive(Clone, Debug, PartialEq)]
pub struct Combine {
    /// The entries (at least one; no `noise`).
    pub of: Vec<LoadSpec>,
    /// A factor on the result (default 1).
    pub scale: Option<f64>,
    /// Moves the result later (negative: earlier); default `0s`.
    pub shift: Option<Shift>,
}

/// `repeat`: the rate of `of` over `[0, every)`, again in every period; `of`'s own times
/// are within the period (`lunchRush` at 11:30 in a `24h` period is a lunch rush every day).
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repeat {
    /// The period (more than 0).
    pub every: Duration,
    /// The entry repeated (not `noise`).
    #[schemars(extend("not" = { "required": ["noise"] }))]
    pub of: Box<LoadSpec>,
    /// A factor on the rate (default 1).
    #[serde(
        default,
        deserialize_with = "factor",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "f64", range(min = 0, max = 1e6))]
    pub scale: Option<f64>,
    /// Moves the entry later (negative: earlier); default `0s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Shift>,
}

/// `noise`: how arrivals scatter around the rate. Either or both; with both, the jitter
/// applies to the mean and the arrivals are Poisson around the jittered mean.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoiseSpec {
    /// Arrivals in an interval are Poisson with mean rate x length.
    #[serde(default)]
    pub poisson: bool,
    /// A multiplicative jitter of mean 1 on each interval's arrivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lognormal: Option<LogNormalNoise>,
}

/// A lognormal factor of mean 1: `exp(N(-sigma²/2, sigma²))`.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogNormalNoise {
    /// The standard deviation of the factor's logarithm (more than 0; 0.1 is about ±10 %).
    #[serde(deserialize_with = "sigma")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub sigma: f64,
}

/// A signed time shift: `"30m"`, `"-1h"`, or a number of seconds; positive moves an entry later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Shift(pub Span);

impl Shift {
    /// The shift in milliseconds (negative: earlier).
    pub fn millis(self) -> i64 {
        self.0.as_millis()
    }
}

/// Parses `"30m"`, `"-1h"`, `"-90"`.
fn parse_shift(text: &str) -> Result<Shift, String> {
    let t = text.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    parse_duration(rest)
        .map(|s| Shift(Span::from_millis(sign * s.as_millis())))
        .map_err(|e| format!("{e} (a shift may start with `-`)"))
}

impl<'de> Deserialize<'de> for Shift {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Shift;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a shift such as \"30m\", \"-1h\" or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Shift, E> {
                parse_shift(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Shift, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Shift, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Shift, E> {
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Shift {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}ms", self.0.as_millis()))
    }
}

// Mirrors `Deserialize for Shift`: a duration string with an optional sign, or a number
// of seconds of either sign (at most 3.2e10 either way).
impl JsonSchema for Shift {
    fn schema_name() -> Cow<'static, str> {
        "Shift".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Shift").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "A signed time shift: \"30m\" moves an entry later, \"-1h\" earlier; or a number of seconds (`-90`).",
            "anyOf": [
                { "type": "string", "pattern": duration_pattern(true) },
                { "type": "number", "minimum": -MAX_SECONDS, "maximum": MAX_SECONDS }
            ]
        })
    }
}

// Mirrors `Deserialize for Combine`: a non-empty list of entries, or a map with `of` and
// optionally `scale` and `shift` (no other key; `noise` in neither).
impl JsonSchema for Combine {
    fn schema_name() -> Cow<'static, str> {
        "Combine".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Combine").into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let mut entry = generator.subschema_for::<LoadSpec>();
        entry.insert("not".into(), serde_json::json!({ "required": ["noise"] }));
        let entries = json_schema!({ "type": "array", "minItems": 1, "items": entry });
        let mut shift = generator.subschema_for::<Shift>();
        shift.insert(
            "description".into(),
            "Moves the result later (negative: earlier); default `0s`.".into(),
        );
        let mut of = entries.clone();
        of.insert(
            "description".into(),
            "The entries (at least one; no `noise`).".into(),
        );
        json_schema!({
            "description": "A list of load entries, `[a, b]`, or `{of: [a, b], scale, shift}` to scale or shift the result.",
            "oneOf": [
                entries,
                {
                    "type": "object",
                    "properties": {
                        "of": of,
                        "scale": {
                            "description": "A factor on the result (default 1).",
                            "type": "number",
                            "minimum": 0,
                            "maximum": MAX_SCALE
                        },
                        "shift": shift
                    },
                    "required": ["of"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

const COMBINE_FIELDS: &[&str] = &["of", "scale", "shift"];

impl<'de> Deserialize<'de> for Combine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Combine;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of load entries, or {of: [...], scale, shift}")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Combine, A::Error> {
                let mut of = Vec::new();
                while let Some(entry) = seq.next_element::<LoadSpec>()? {
                    if matches!(entry, LoadSpec::Noise(_)) {
                        return Err(de::Error::custom(NESTED_NOISE));
                    }
                    of.push(entry);
                }
                finish(of, None, None)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Combine, A::Error> {
                let (mut of, mut scale, mut shift) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "of" => {
                            let list: Vec<LoadSpec> = map.next_value()?;
                            if list.iter().any(|e| matches!(e, LoadSpec::Noise(_))) {
                                return Err(de::Error::custom(NESTED_NOISE));
                            }
                            of = Some(list);
                        }
                        "scale" => {
                            let v: f64 = map.next_value()?;
                            scale = Some(check_factor(v).map_err(de::Error::custom)?);
                        }
                        "shift" => shift = Some(map.next_value()?),
                        _ => return Err(de::Error::unknown_field(&key, COMBINE_FIELDS)),
                    }
                }
                let of = of.ok_or_else(|| de::Error::missing_field("of"))?;
                finish(of, scale, shift)
            }
        }
        fn finish<E: de::Error>(
            of: Vec<LoadSpec>,
            scale: Option<f64>,
            shift: Option<Shift>,
        ) -> Result<Combine, E> {
            let combine = Combine { of, scale, shift };
            combine.check().map_err(E::custom)?;
            Ok(combine)
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Combine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.scale.is_none() && self.shift.is_none() {
            return self.of.serialize(s);
        }
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("of", &self.of)?;
        if let Some(scale) = self.scale {
            map.serialize_entry("scale", &scale)?;
        }
        if let Some(shift) = self.shift {
            map.serialize_entry("shift", &shift)?;
        }
        map.end()
    }
}

const NESTED_NOISE: &str = "noise applies to the whole load: write it as an entry of `load:` itself, not inside sum, product or repeat";

/// The checks an entry makes on itself once its fields are read; the message names the field.
pub(crate) trait Check {
    fn check(&self) -> Result<(), String>;
}

fn checked<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Check,
{
    let value = T::deserialize(d)?;
    value.check().map_err(de::Error::custom)?;
    Ok(value)
}

/// `11:30`, `30:00`: a time in the words a scenario uses.
fn clock(t: Time) -> String {
    crate::units::clock(t, crate::units::ClockStyle::Scenario)
}

impl Check for Constant {
    fn check(&self) -> Result<(), String> {
        check_rps("rps", self.rps)?;
        check_scale(self.scale)
    }
}

impl Check for Ramp {
    fn check(&self) -> Result<(), String> {
        check_rps("from", self.from)?;
        check_rps("to", self.to)?;
        check_scale(self.scale)?;
        if self.end.0 < self.start.0 {
            return Err(format!(
                "ramp: end ({}) is before start ({}); expected end at or after start",
                clock(self.end.0),
                clock(self.start.0)
            ));
        }
        Ok(())
    }
}

impl Check for Step {
    fn check(&self) -> Result<(), String> {
        check_rps("from", self.from)?;
        check_rps("to", self.to)?;
        check_scale(self.scale)
    }
}

impl Check for Spike {
    fn check(&self) -> Result<(), String> {
        check_rps("height", self.height)?;
        check_scale(self.scale)
    }
}

impl LunchRush {
    /// The rise and fall, defaults applied, in milliseconds.
    pub(crate) fn rise_fall(&self) -> (i64, i64) {
        let window = self.end.0.as_millis() - self.start.0.as_millis();
        let rise = self.rise.map_or(window / 2, |d| d.span().as_millis());
        let fall = self.fall.map_or(rise, |d| d.span().as_millis());
        (rise, fall)
    }
}

impl Check for LunchRush {
    fn check(&self) -> Result<(), String> {
        check_rps("peak", self.peak)?;
        check_rps("base", self.base)?;
        check_scale(self.scale)?;
        let window = self.end.0.as_millis() - self.start.0.as_millis();
        if window <= 0 {
            return Err(format!(
                "lunchRush: end ({}) is not after start ({}); expected end after start",
                clock(self.end.0),
                clock(self.start.0)
            ));
        }
        let (rise, fall) = self.rise_fall();
        if rise + fall > window {
            return Err(format!(
                "lunchRush: rise ({}) plus fall ({}) is longer than start to end ({}); expected them to fit",
                span_text(rise),
                span_text(fall),
                span_text(window)
            ));
        }
        Ok(())
    }
}

impl Check for FlashSale {
    fn check(&self) -> Result<(), String> {
        check_rps("peak", self.peak)?;
        check_rps("base", self.base)?;
        check_scale(self.scale)?;
        if self.decay.span().as_millis() <= 0 {
            return Err("flashSale: decay is 0; expected a time constant such as \"30m\"".into());
        }
        Ok(())
    }
}

impl Daily {
    /// The period, default applied, in milliseconds.
    pub(crate) fn period_ms(&self) -> i64 {
        self.period.map_or(86_400_000, |d| d.span().as_millis())
    }
}

impl Check for Daily {
    fn check(&self) -> Result<(), String> {
        check_rps("min", self.min)?;
        check_rps("max", self.max)?;
        check_scale(self.scale)?;
        if self.max < self.min {
            return Err(format!(
                "daily: max ({}) is below min ({}); expected max at least min",
                self.max, self.min
            ));
        }
        if self.period_ms() <= 0 {
            return Err("daily: period is 0; expected a length such as \"24h\"".into());
        }
        Ok(())
    }
}

impl Check for Weekly {
    fn check(&self) -> Result<(), String> {
        check_days(&self.days)?;
        check_scale(self.scale)
    }
}

impl Check for TraceSpec {
    fn check(&self) -> Result<(), String> {
        check_scale(self.scale)
    }
}

impl Check for Combine {
    fn check(&self) -> Result<(), String> {
        check_scale(self.scale)?;
        if self.of.is_empty() {
            return Err("the list is empty; expected at least one load entry".into());
        }
        if self.of.iter().any(|e| matches!(e, LoadSpec::Noise(_))) {
            return Err(NESTED_NOISE.into());
        }
        Ok(())
    }
}

impl Check for Repeat {
    fn check(&self) -> Result<(), String> {
        check_scale(self.scale)?;
        if self.every.span().as_millis() <= 0 {
            return Err("repeat: every is 0; expected a period such as \"24h\"".into());
        }
        if matches!(*self.of, LoadSpec::Noise(_)) {
            return Err(NESTED_NOISE.into());
        }
        Ok(())
    }
}

impl Check for NoiseSpec {
    fn check(&self) -> Result<(), String> {
        if let Some(l) = &self.lognormal {
            check_sigma(l.sigma)?;
        }
        Ok(())
    }
}

impl LoadSpec {
    /// The first instant the entry can add anything, on the scenario's clock, when it is
    /// 0 before some instant (a spike, a sale or a rush on a base of 0, a step or ramp from
    /// 0, a shifted trace); `None` when it may give a rate from the start.
    pub fn first_effect(&self) -> Option<Time> {
        let shifted = |t: Time, shift: Option<Shift>| {
            Some(Time::from_millis(
                t.as_millis().saturating_add(shift.map_or(0, Shift::millis)),
            ))
        };
        match self {
            LoadSpec::Spike(s) => shifted(s.at.0, s.shift),
            LoadSpec::FlashSale(s) if s.base == 0.0 => shifted(s.at.0, s.shift),
            LoadSpec::LunchRush(s) if s.base == 0.0 => shifted(s.start.0, s.shift),
            LoadSpec::Step(s) if s.from == 0.0 => shifted(s.at.0, s.shift),
            LoadSpec::Ramp(s) if s.from == 0.0 => shifted(s.start.0, s.shift),
            LoadSpec::Trace(s) => shifted(Time::from_millis(0), s.shift),
            _ => None,
        }
    }
}

impl Check for LoadSpec {
    fn check(&self) -> Result<(), String> {
        match self {
            LoadSpec::Constant(s) => s.check(),
            LoadSpec::Ramp(s) => s.check(),
            LoadSpec::Step(s) => s.check(),
            LoadSpec::Spike(s) => s.check(),
            LoadSpec::LunchRush(s) => s.check(),
            LoadSpec::FlashSale(s) => s.check(),
            LoadSpec::Daily(s) => s.check(),
            LoadSpec::Weekly(s) => s.check(),
            LoadSpec::Trace(s) => s.check(),
            LoadSpec::Sum(s) | LoadSpec::Product(s) => s.check(),
            LoadSpec::Repeat(s) => s.check(),
            LoadSpec::Noise(s) => s.check(),
        }
    }
}

/// The highest rate any entry or trace sample may give: a billion requests per second.
pub const MAX_RPS: f64 = 1e9;
/// The largest factor: `scale`, and a `weekly` day's value.
pub const MAX_SCALE: f64 = 1e6;

/// `v` as a person writes it: the shorter of its plain form and its exponent form
/// (`-125`, `0.5`, but `1e12`, `1e300`), the plain one on a tie.
fn written(v: f64) -> String {
    let (plain, exponent) = (format!("{v}"), format!("{v:e}"));
    if exponent.len() < plain.len() {
        exponent
    } else {
        plain
    }
}

fn check_rps(field: &str, v: f64) -> Result<f64, String> {
    if v > MAX_RPS && v.is_finite() {
        return Err(format!(
            "{field}: {} is above the limit of {MAX_RPS:e} requests per second",
            written(v)
        ));
    }
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "{field}: {v} is not a rate; expected requests per second, a number 0 or more"
        ))
    }
}

fn check_factor(v: f64) -> Result<f64, String> {
    if v > MAX_SCALE && v.is_finite() {
        return Err(format!(
            "scale: {} is above the limit of {MAX_SCALE:e}",
            written(v)
        ));
    }
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "scale: {v} is not a factor; expected a number 0 or more"
        ))
    }
}

fn check_scale(v: Option<f64>) -> Result<(), String> {
    v.map_or(Ok(0.0), check_factor).map(|_| ())
}

fn check_sigma(v: f64) -> Result<f64, String> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "sigma: {v} is not a spread; expected a number more than 0 (0.1 is about ±10 %)"
        ))
    }
}

fn check_days(days: &[f64]) -> Result<(), String> {
    if days.len() != 7 {
        return Err(format!(
            "days: {} values; expected 7, one per day from the scenario's first day",
            days.len()
        ));
    }
    for (i, &d) in days.iter().enumerate() {
        if !(d.is_finite() && (0.0..=MAX_SCALE).contains(&d)) {
            return Err(format!(
                "days[{i}]: {d} is not a value; expected a number from 0 to {MAX_SCALE:e}"
            ));
        }
    }
    Ok(())
}

/// A request rate field: a finite number, 0 or more.
fn rps<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && (0.0..=MAX_RPS).contains(&v) {
        Ok(v)
    } else {
        Err(de::Error::custom(format!(
            "{} is not a rate; expected requests per second, a number from 0 to {MAX_RPS:e}",
            written(v)
        )))
    }
}

fn factor<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = f64::deserialize(d)?;
    check_factor(v).map(Some).map_err(de::Error::custom)
}

fn sigma<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    check_sigma(f64::deserialize(d)?).map_err(de::Error::custom)
}

fn seven_days<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    let days = Vec::<f64>::deserialize(d)?;
    check_days(&days).map_err(de::Error::custom)?;
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Vec<LoadSpec>, String> {
        let options = serde_saphyr::options! { with_snippet: false };
        serde_saphyr::from_str_with_options(yaml, options).map_err(|e| {
            let l = e.location().expect("a location");
            format!("{}:{}: {}", l.line(), l.column(), e)
        })
    }

    #[test]
    fn shifts_read_with_a_sign() {
        assert_eq!(parse_shift("30m").unwrap().millis(), 1_800_000);
        assert_eq!(parse_shift("-1h").unwrap().millis(), -3_600_000);
        assert_eq!(parse_shift("+90").unwrap().millis(), 90_000);
        assert_eq!(parse_shift("-1.5").unwrap().millis(), -1_500);
        assert!(parse_shift("--1h").is_err());
        assert!(parse_shift("soon").is_err());
    }

    #[test]
    fn clock_and_span_text() {
        assert_eq!(clock(Time::from_secs(41_400)), "11:30");
        assert_eq!(clock(Time::from_secs(41_415)), "11:30:15");
        assert_eq!(clock(Time::from_secs(30 * 3600)), "30:00");
        assert_eq!(span_text(5_400_000), "1h 30m");
    }

    #[test]
    fn a_bad_value_is_refused_where_it_is_written() {
        let e = parse("- lunchRush:\n    start: \"11:30\"\n    end: \"13:00\"\n    peak: -4\n")
            .unwrap_err();
        assert!(e.starts_with("4:"), "{e}");
        assert!(e.contains("not a rate"), "{e}");
        let e = parse("- lunchRush: {start: \"13:00\", end: \"11:30\", peak: 4}\n").unwrap_err();
        assert!(e.starts_with("1:"), "{e}");
        assert!(e.contains("end (11:30) is not after start (13:00)"), "{e}");
        let e = parse("- sum: [{constant: {rps: 1}}, {noise: {poisson: true}}]\n").unwrap_err();
        assert!(e.contains("noise applies to the whole load"), "{e}");
        let e = parse("- product: []\n").unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = parse("- weekly: {days: [1, 1, 1]}\n").unwrap_err();
        assert!(e.contains("expected 7"), "{e}");
        let e = parse("- noise: {lognormal: {sigma: 0}}\n").unwrap_err();
        assert!(e.contains("sigma"), "{e}");
        let e = parse("- daily: {min: 300, max: 20, peakAt: \"14:00\"}\n").unwrap_err();
        assert!(e.contains("max (20) is below min (300)"), "{e}");
    }

    #[test]
    fn combinators_read_as_a_list_or_a_map() {
        let list = parse("- sum: [{constant: {rps: 1}}, {constant: {rps: 2}}]\n").unwrap();
        let map =
            parse("- sum:\n    of: [{constant: {rps: 1}}, {constant: {rps: 2}}]\n    scale: 2\n")
                .unwrap();
        let (LoadSpec::Sum(a), LoadSpec::Sum(b)) = (&list[0], &map[0]) else {
            panic!("sums expected: {list:?} {map:?}");
        };
        assert_eq!(a.of, b.of);
        assert_eq!((a.scale, b.scale), (None, Some(2.0)));
        let e = parse("- sum:\n    of: [{constant: {rps: 1}}]\n    scal: 2\n").unwrap_err();
        assert!(e.starts_with("3:"), "{e}");
        assert!(e.contains("unknown field `scal`"), "{e}");
    }
}
