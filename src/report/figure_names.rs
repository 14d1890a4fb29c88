//! A value's numbers by their dotted JSON names, read straight off its `Serialize`
//! without building the JSON: what `summary_figures` hands a sweep at every
//! configuration, where building summary.json's tree (its surges one by one) cost more
//! than the figures. The names and values are those of a walk over `serde_json::to_value`.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::Serialize;
use serde::ser;

/// Why a value could not be read (a map key that is not text or a number).
#[derive(Debug)]
pub struct NotFigures(String);

impl Display for NotFigures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotFigures {}

impl ser::Error for NotFigures {
    fn custom<T: Display>(msg: T) -> Self {
        NotFigures(msg.to_string())
    }
}

/// Every number of `value` outside a list, by its dotted name (`cost.totalUsd`); a
/// `null` (`None`, a non-finite float) reads as NaN. An object at the top level named
/// `skip_top` is left out. Strings, booleans and lists are not figures.
pub fn figures_by_name(
    value: &impl Serialize,
    skip_top: &str,
) -> Result<BTreeMap<String, f64>, NotFigures> {
    let mut out = BTreeMap::new();
    value.serialize(At {
        out: &mut out,
        name: None,
        skip_top,
        skip_objects: false,
    })?;
    Ok(out)
}

/// A value at a name (`None`: the top).
struct At<'o, 's> {
    out: &'o mut BTreeMap<String, f64>,
    name: Option<String>,
    skip_top: &'s str,
    /// The value is the object at the top named `skip_top`: an object here is left out.
    skip_objects: bool,
}

impl<'o, 's> At<'o, 's> {
    fn number(self, x: f64) -> Result<(), NotFigures> {
        if let Some(name) = self.name {
            // serde_json writes a non-finite float as null.
            self.out
                .insert(name, if x.is_finite() { x } else { f64::NAN });
        }
        Ok(())
    }

    fn object(self, variant: Option<&'static str>) -> Result<Object<'o, 's>, NotFigures> {
        let prefix = match (self.name, variant) {
            (None, None) => None,
            (None, Some(v)) => Some(v.to_string()),
            (Some(n), None) => Some(n),
            (Some(n), Some(v)) => Some(format!("{n}.{v}")),
        };
        Ok(Object {
            out: self.out,
            prefix,
            skip_top: self.skip_top,
            ignore: self.skip_objects,
            key: None,
        })
    }
}

/// An object's members, named under `prefix`.
struct Object<'o, 's> {
    out: &'o mut BTreeMap<String, f64>,
    prefix: Option<String>,
    skip_top: &'s str,
    ignore: bool,
    key: Option<String>,
}

impl<'s> Object<'_, 's> {
    fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), NotFigures> {
        if self.ignore {
            return Ok(());
        }
        let name = match &self.prefix {
            None => key.to_string(),
            Some(p) => format!("{p}.{key}"),
        };
        value.serialize(At {
            out: self.out,
            name: Some(name),
            skip_top: self.skip_top,
            skip_objects: self.prefix.is_none() && key == self.skip_top,
        })
    }
}

impl ser::SerializeMap for Object<'_, '_> {
    type Ok = ();
    type Error = NotFigures;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), NotFigures> {
        self.key = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NotFigures> {
        let key = self.key.take().unwrap_or_default();
        self.member(&key, value)
    }
    fn end(self) -> Result<(), NotFigures> {
        Ok(())
    }
}

/// A struct's (or a struct variant's) fields: members of the object.
macro_rules! fields_are_members {
    ($($compound:ident),*) => {$(
        impl ser::$compound for Object<'_, '_> {
            type Ok = ();
            type Error = NotFigures;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), NotFigures> {
                self.member(key, value)
            }
            fn end(self) -> Result<(), NotFigures> {
                Ok(())
            }
        }
    )*};
}

fields_are_members!(SerializeStruct, SerializeStructVariant);

/// A list's items: not figures.
struct Skip;

/// Each kind of list takes its items and drops them.
macro_rules! items_are_skipped {
    ($($compound:ident::$item:ident),*) => {$(
        impl ser::$compound for Skip {
            type Ok = ();
            type Error = NotFigures;
            fn $item<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), NotFigures> {
                Ok(())
            }
            fn end(self) -> Result<(), NotFigures> {
                Ok(())
            }
        }
    )*};
}

items_are_skipped!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<'o, 's> ser::Serializer for At<'o, 's> {
    type Ok = ();
    type Error = NotFigures;
    type SerializeSeq = Skip;
    type SerializeTuple = Skip;
    type SerializeTupleStruct = Skip;
    type SerializeTupleVariant = Skip;
    type SerializeMap = Object<'o, 's>;
    type SerializeStruct = Object<'o, 's>;
    type SerializeStructVariant = Object<'o, 's>;

    fn serialize_bool(self, _: bool) -> Result<(), NotFigures> {
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), NotFigures> {
        self.number(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), NotFigures> {
        self.number(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Result<(), NotFigures> {
        self.number(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), NotFigures> {
        self.number(v)
    }
    fn serialize_char(self, _: char) -> Result<(), NotFigures> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), NotFigures> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), NotFigures> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), NotFigures> {
        self.number(f64::NAN)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), NotFigures> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), NotFigures> {
        self.number(f64::NAN)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NotFigures> {
        self.number(f64::NAN)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), NotFigures> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotFigures> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), NotFigures> {
        // `{variant: value}`.
        let mut object = self.object(None)?;
        object.member(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Skip, NotFigures> {
        Ok(Skip)
    }
    fn serialize_tuple(self, _: usize) -> Result<Skip, NotFigures> {
        Ok(Skip)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Skip, NotFigures> {
        Ok(Skip)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Skip, NotFigures> {
        // `{variant: [...]}`: a list, not figures.
        Ok(Skip)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'o, 's>, NotFigures> {
        self.object(None)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'o, 's>, NotFigures> {
        self.object(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object<'o, 's>, NotFigures> {
        // `{variant: {...}}`.
        self.object(Some(variant))
    }
}

/// A map key as serde_json writes it: text, or a number or a boolean as text (a map
/// holds few keys: serde_json's own rules, through its value, rather than a copy of them).
fn key_text<T: Serialize + ?Sized>(key: &T) -> Result<String, NotFigures> {
    match serde_json::to_value(key) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Ok(serde_json::Value::Bool(b)) => Ok(b.to_string()),
        _ => Err(NotFigures(
            "a map key that is neither text, a number nor a boolean".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk this module replaces: every number outside a list of the JSON tree.
    fn by_json_walk(value: &impl Serialize, skip_top: &str) -> BTreeMap<String, f64> {
        fn walk(prefix: &str, v: &serde_json::Value, skip: &str, out: &mut BTreeMap<String, f64>) {
            let name = |key: &str| {
                if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                }
            };
            if let serde_json::Value::Object(map) = v {
                for (key, v) in map {
                    match v {
                        serde_json::Value::Number(n) => {
                            out.insert(name(key), n.as_f64().unwrap_or(f64::NAN));
                        }
                        serde_json::Value::Null => {
                            out.insert(name(key), f64::NAN);
                        }
                        serde_json::Value::Object(_) if prefix.is_empty() && key == skip => {}
                        serde_json::Value::Object(_) => walk(&name(key), v, skip, out),
                        _ => {}
                    }
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(
            "",
            &serde_json::to_value(value).expect("json"),
            skip_top,
            &mut out,
        );
        out
    }

    fn bits(m: &BTreeMap<String, f64>) -> Vec<(String, u64)> {
        // Any NaN reads as one: serde_json has one null.
        let canon = |x: f64| {
            if x.is_nan() {
                f64::NAN.to_bits()
            } else {
                x.to_bits()
            }
        };
        m.iter().map(|(k, v)| (k.clone(), canon(*v))).collect()
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Shape {
        Unit,
        Wrapped(f64),
        Pair(f64, f64),
        Named { width: u32, height: Option<f64> },
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        total_usd: f64,
        label: &'static str,
        missing: Option<f64>,
        infinite: f64,
        list: Vec<f64>,
        by_name: BTreeMap<String, f64>,
        by_number: BTreeMap<u32, i64>,
        shapes: [Shape; 1],
        unit: Shape,
        wrapped: Shape,
        pair: Shape,
        named: Shape,
        flag: bool,
        nothing: (),
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Outer {
        count: usize,
        #[serde(flatten)]
        inner: Inner,
        short_at_start: Option<Inner>,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<u8>,
        nested: Option<Inner>,
    }

    fn inner() -> Inner {
        Inner {
            total_usd: 12.5,
            label: "x",
            missing: None,
            infinite: f64::INFINITY,
            list: vec![1.0, 2.0],
            by_name: BTreeMap::from([("p95".to_string(), 0.3)]),
            by_number: BTreeMap::from([(7, -3)]),
            shapes: [Shape::Wrapped(1.0)],
            unit: Shape::Unit,
            wrapped: Shape::Wrapped(4.0),
            pair: Shape::Pair(1.0, 2.0),
            named: Shape::Named {
                width: 3,
                height: None,
            },
            flag: true,
            nothing: (),
        }
    }

    #[test]
    fn the_figures_are_the_json_walks_names_and_values() {
        for short in [None, Some(inner())] {
            let value = Outer {
                count: 3,
                inner: inner(),
                short_at_start: short,
                absent: None,
                nested: Some(inner()),
            };
            let got = figures_by_name(&value, "shortAtStart").expect("figures");
            assert_eq!(bits(&got), bits(&by_json_walk(&value, "shortAtStart")));
            assert_eq!(got.get("nested.named.named.width"), Some(&3.0));
            assert!(
                got["nested.infinite"].is_nan(),
                "a non-finite float is null"
            );
            assert!(!got.keys().any(|k| k.starts_with("shortAtStart.")));
        }
    }

    #[test]
    fn a_bundled_runs_summary_figures_are_the_json_walks() {
        // A server with surges, a worker with its queue, KEDA's idle nights.
        for name in [
            "feastflow-lunch-rush",
            "voiceassist-worker-queue",
            "neurolake-keda-idle-nights",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("scenarios/{name}.yaml"));
            let sc = crate::scenario::load_scenario(&path).expect("bundled scenario");
            let record = crate::sim::run(&sc, &crate::sim::Options::default());
            let judgement = crate::measure::judge_run(&record);
            let report = super::super::run_files::summary_figures(&record.summary, &judgement)
                .expect("figures");
            let run_report = super::super::run_files::RunReport {
                summary: &record.summary,
                judgement: &judgement,
                spread: None,
            };
            assert!(report.len() > 40, "{name}: {} figures", report.len());
            assert_eq!(
                bits(&report),
                bits(&by_json_walk(&run_report, "shortAtStart")),
                "{name}"
            );
        }
    }
}
