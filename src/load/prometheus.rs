//! Prometheus range-query answers (`/api/v1/query_range`, JSON) read as a trace.
//!
//! Owns the JSON shape `{"status":"success","data":{"resultType":"matrix","result":[...]}}`:
//! series are summed, times made relative to the first sample, bad samples refused with line and
//! column. Must not query a server, read a clock or simulate: it reads text someone saved.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::trace::{Samples, check_order, check_rate, input, read_text};
use crate::error::{Error, Location};

/// Reads a saved `/api/v1/query_range` answer.
pub(crate) fn read_prometheus(path: &Path) -> Result<Samples, Error> {
    parse_prometheus(&read_text(path)?, path)
}

/// Parses the JSON of a range query. With several series, the trace at each timestamp is
/// the sum of the series that have a sample there. `path` names the file in errors.
pub(crate) fn parse_prometheus(text: &str, path: &Path) -> Result<Samples, Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let response = ResponseVisitor
        .deserialize(&mut de)
        .and_then(|r| de.end().map(|()| r))
        .map_err(|e| {
            // serde_json counts columns from 1, but says 0 for an error before the first
            // character of a line (a value of the wrong type at the very start): column 1.
            let location = (e.line() > 0).then(|| Location {
                line: e.line() as u64,
                column: (e.column() as u64).max(1),
            });
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_string(),
                None => message,
            };
            let message = if e.is_syntax() || e.is_eof() {
                format!("not valid JSON ({message}); expected the answer of /api/v1/query_range")
            } else {
                message
            };
            input(path, location, message)
        })?;
    if response.status.as_deref() != Some("success") {
        let detail = match (&response.error_type, &response.error) {
            (Some(t), Some(e)) => format!(" ({t}: {e})"),
            (None, Some(e)) => format!(" ({e})"),
            _ => String::new(),
        };
        let status = response
            .status
            .map_or("missing".to_string(), |s| format!("{s:?}"));
        return Err(input(
            path,
            locate(text, "\"status\""),
            format!(
                "status: {status}{detail}; expected \"success\": save the answer of a query that worked"
            ),
        ));
    }
    let Some(series) = response.series else {
        return Err(input(
            path,
            locate(text, "\"data\""),
            "data: no `result`; expected data.resultType \"matrix\" and data.result".into(),
        ));
    };
    let mut sum: BTreeMap<i64, f64> = BTreeMap::new();
    for samples in &series {
        for &(t, v) in samples {
            *sum.entry(t).or_insert(0.0) += v;
        }
    }
    if sum.is_empty() {
        return Err(input(
            path,
            locate(text, "\"result\""),
            "data.result: no samples; expected at least one series with `values` (did the query match anything?)"
                .into(),
        ));
    }
    Ok(Samples {
        points: sum.into_iter().collect(),
        // The last series' samples: where a "too short" or "one sample" refusal points.
        last: text
            .rfind("\"values\"")
            .and_then(|at| offset_location(text, at)),
    })
}

/// Where `needle` first appears in `text`.
fn locate(text: &str, needle: &str) -> Option<Location> {
    offset_location(text, text.find(needle)?)
}

/// The line and column of byte `at` of `text`.
fn offset_location(text: &str, at: usize) -> Option<Location> {
    let line = text[..at].matches('\n').count() as u64 + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    Some(Location {
        line,
        column: text[start..at].chars().count() as u64 + 1,
    })
}

#[derive(Default)]
struct Response {
    status: Option<String>,
    error_type: Option<String>,
    error: Option<String>,
    series: Option<Vec<Vec<(i64, f64)>>>,
}

struct ResponseVisitor;

impl<'de> DeserializeSeed<'de> for ResponseVisitor {
    type Value = Response;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Response, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResponseVisitor {
    type Value = Response;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the JSON object /api/v1/query_range answers")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Response, A::Error> {
        let mut r = Response::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "status" => r.status = Some(map.next_value()?),
                "errorType" => r.error_type = Some(map.next_value()?),
                "error" => r.error = Some(map.next_value()?),
                "data" => r.series = map.next_value_seed(DataVisitor)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(r)
    }
}

/// `data`: `resultType` must be `matrix`; `result` is the list of series.
struct DataVisitor;

impl<'de> DeserializeSeed<'de> for DataVisitor {
    type Value = Option<Vec<Vec<(i64, f64)>>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DataVisitor {
    type Value = Option<Vec<Vec<(i64, f64)>>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with resultType and result")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut result_type: Option<String> = None;
        let mut result = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "resultType" => {
                    let t: String = map.next_value()?;
                    if t != "matrix" {
                        return Err(de::Error::custom(format!(
                            "data.resultType: {t:?}; expected \"matrix\", the answer of /api/v1/query_range (not /api/v1/query)"
                        )));
                    }
                    result_type = Some(t);
                }
                "result" => result = Some(map.next_value_seed(ResultVisitor)?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if result_type.is_none() {
            return Err(de::Error::custom(
                "data: no resultType; expected \"matrix\", the answer of /api/v1/query_range",
            ));
        }
        Ok(result)
    }
}

/// `data.result`: a list of series.
struct ResultVisitor;

impl<'de> DeserializeSeed<'de> for ResultVisitor {
    type Value = Vec<Vec<(i64, f64)>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResultVisitor {
    type Value = Vec<Vec<(i64, f64)>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of series")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut all = Vec::new();
        while let Some(series) = seq.next_element_seed(SeriesVisitor(all.len()))? {
            all.push(series);
        }
        Ok(all)
    }
}

/// One series: `metric` (ignored) and `values`.
struct SeriesVisitor(usize);

impl<'de> DeserializeSeed<'de> for SeriesVisitor {
    type Value = Vec<(i64, f64)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SeriesVisitor {
    type Value = Vec<(i64, f64)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a series {\"metric\": {...}, \"values\": [...]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let i = self.0;
        let mut values = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "values" => values = Some(map.next_value_seed(ValuesVisitor(i))?),
                "value" => {
                    return Err(de::Error::custom(format!(
                        "data.result[{i}].value: one sample, as an instant query answers; expected `values` from /api/v1/query_range"
                    )));
                }
                "histograms" => {
                    return Err(de::Error::custom(format!(
                        "data.result[{i}].histograms: native histogram samples are not read; expected float samples in `values`"
                    )));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        values.ok_or_else(|| {
            de::Error::custom(format!(
                "data.result[{i}]: no `values`; expected [[<unix seconds>, \"<value>\"], ...]"
            ))
        })
    }
}

/// `values`: `[[<unix seconds>, "<value>"], ...]`, checked sample by sample so an error
/// points at the sample.
struct ValuesVisitor(usize);

impl<'de> DeserializeSeed<'de> for ValuesVisitor {
    type Value = Vec<(i64, f64)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ValuesVisitor {
    type Value = Vec<(i64, f64)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of [<unix seconds>, \"<value>\"] pairs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<(i64, f64)> = Vec::new();
        loop {
            let seed = SampleVisitor {
                series: self.0,
                index: out.len(),
                prev: out.last().map(|p| p.0),
            };
            match seq.next_element_seed(seed)? {
                Some(sample) => out.push(sample),
                None => return Ok(out),
            }
        }
    }
}

/// One `[<unix seconds>, "<value>"]` pair, checked inside the pair so that an error points
/// at it; `prev` is the series' previous time, in ms.
struct SampleVisitor {
    series: usize,
    index: usize,
    prev: Option<i64>,
}

impl<'de> DeserializeSeed<'de> for SampleVisitor {
    type Value = (i64, f64);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SampleVisitor {
    type Value = (i64, f64);
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a pair [<unix seconds>, \"<value>\"]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let field = format!("data.result[{}].values[{}]", self.series, self.index);
        let pair = |e: &str| {
            de::Error::custom(format!(
                "{field}: {e}; expected [<unix seconds>, \"<value>\"]"
            ))
        };
        // Prometheus writes the time as a number; a string there is named as such, not as
        // a Rust type ("expected f64").
        let time: f64 = match seq.next_element::<serde_json::Value>()? {
            None => return Err(pair("empty")),
            Some(serde_json::Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(other) => {
                return Err(de::Error::custom(format!(
                    "{field}: time {other} is not a number; expected [<unix seconds>, \"<value>\"]"
                )));
            }
        };
        let value: String = seq.next_element()?.ok_or_else(|| pair("no value"))?;
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(pair("more than two items"));
        }
        let time = Some(time)
            .filter(|t| t.is_finite() && t.abs() < 1e11)
            .map(|t| (t * 1000.0).round() as i64)
            .ok_or_else(|| {
                // In the exponent form: 1e300 written out is 301 digits.
                de::Error::custom(format!(
                    "{field}: time {time:e} is not a Unix time in seconds (at most 1e11)"
                ))
            })?;
        let value =
            check_rate(&value).map_err(|m| de::Error::custom(format!("{field}: value {m}")))?;
        if let Some(prev) = self.prev {
            check_order(prev, time, || format!("values[{}]", self.index - 1))
                .map_err(|m| de::Error::custom(format!("{field}: time {m}")))?;
        }
        Ok((time, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Samples, String> {
        parse_prometheus(text, Path::new("q.json")).map_err(|e| e.to_string())
    }

    #[test]
    fn series_are_summed_at_each_timestamp() {
        let s = parse(
            r#"{"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"pod":"a"},"values":[[1700000000,"1"],[1700000015,"2"]]},
              {"metric":{"pod":"b"},"values":[[1700000015,"0.5"],[1700000030,"4"]]}]}}"#,
        )
        .unwrap();
        assert_eq!(
            s.points,
            vec![
                (1_700_000_000_000, 1.0),
                (1_700_000_015_000, 2.5),
                (1_700_000_030_000, 4.0)
            ]
        );
    }

    #[test]
    fn errors_name_the_sample_and_its_place() {
        let e = parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\n{\"metric\":{},\"values\":[[1,\"1\"],\n[2,\"NaN\"]]}]}}").unwrap_err();
        assert!(e.starts_with("q.json:3:"), "{e}");
        assert!(e.contains("data.result[0].values[1]: value NaN"), "{e}");
        let e =
            parse("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}")
                .unwrap_err();
        assert!(
            e.starts_with("q.json:1:2: status: \"error\" (bad_data: parse error)"),
            "{e}"
        );
        let e = parse(r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
            .unwrap_err();
        assert!(e.contains("expected \"matrix\""), "{e}");
        let e = parse(r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[5,"1"],[5,"2"]]}]}}"#).unwrap_err();
        assert!(
            e.contains("values[1]: time 5 s repeats the time of values[0]"),
            "{e}"
        );
        let e = parse("{\"status\":").unwrap_err();
        assert!(e.contains("not valid JSON"), "{e}");
    }

    #[test]
    fn a_bad_time_is_named_as_written_short_and_at_a_column_from_1() {
        let values = |v: &str| {
            format!(
                r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{}},"values":[{v}]}}]}}}}"#
            )
        };
        // (the file, the start of the error, what it says)
        for (text, at, want) in [
            (
                values(r#"[0,"1"],[1e300,"2"]"#),
                "q.json:1:",
                "values[1]: time 1e300 is not a Unix time in seconds",
            ),
            (
                values(r#"["0","1"]"#),
                "q.json:1:",
                "values[0]: time \"0\" is not a number; expected [<unix seconds>",
            ),
            ("[]".to_string(), "q.json:1:1:", "expected the JSON object"),
        ] {
            let e = parse(&text).unwrap_err();
            assert!(e.starts_with(at) && e.contains(want), "{text}: {e}");
            assert!(e.len() < 300 && !e.contains("f64"), "{e}");
        }
    }
}
