//! Kubernetes quantities ("500m", "1.5Gi", "2k", "1e3") read exactly.
//!
//! The controller sees every metric value and request as `Quantity.MilliValue()`: the
//! quantity times 1000, rounded away from zero to an integer. We parse the decimal text
//! exactly (no floating point) so that `"0.1m"` is 1 milli and `"1.5Gi"` is
//! 1 610 612 736 000 milli, as in `k8s.io/apimachinery/pkg/api/resource`.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Kubernetes quantity: the text as written, and its exact value in thousandths.
/// Two quantities are equal when they read alike (`"1"` and `"1000m"` are not).
#[derive(Clone, Debug)]
pub struct Quantity {
    /// As written; `None` for one made from a value, printed canonically
    /// ([`format_milli`]) when shown: the simulator makes thousands a second.
    text: Option<Box<str>>,
    milli: i64,
    /// Digits as written, and the power of ten they are scaled by (`"0.05"` is 5e-2):
    /// what `Quantity.AsApproximateFloat64` multiplies.
    mantissa: i128,
    exponent: i32,
    /// Power of two of a binary suffix (`Ki` = 10, `Mi` = 20, ...).
    binary_exponent: u32,
}

/// Why a quantity string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid quantity {text:?}: {reason} (expected a Kubernetes quantity such as \"500m\", \"2\", \"1.5Gi\" or \"1e3\")"
)]
pub struct QuantityError {
    text: String,
    reason: &'static str,
}

impl Quantity {
    /// Parses a quantity with the grammar of `resource.ParseQuantity`:
    /// `[+-]digits[.digits][suffix]`, suffix one of `n u m k M G T P E`, `Ki Mi Gi Ti Pi Ei`,
    /// or a decimal exponent `e<int>` / `E<int>`.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let fail = |reason| QuantityError {
            text: text.to_string(),
            reason,
        };
        let s = text.trim();
        if s.is_empty() {
            return Err(fail("it is empty"));
        }
        let (negative, rest) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_len);
        let (whole, fraction) = match number.split_once('.') {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(fail("it has no digits"));
        }
        if fraction.contains('.') {
            return Err(fail("it has two decimal points"));
        }
        let digits: String = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 36 {
            return Err(fail("it has too many digits"));
        }
        let mut mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits
                .parse()
                .map_err(|_| fail("its digits do not form a number"))?
        };
        if negative {
            mantissa = -mantissa;
        }
        let (mut exponent, binary_exponent) =
            suffix_scale(suffix).ok_or_else(|| fail("its suffix is not one Kubernetes knows"))?;
        exponent -= fraction.len() as i32;
        let milli = milli_value(mantissa, exponent, binary_exponent)
            .ok_or_else(|| fail("it is too large"))?;
        Ok(Quantity {
            text: Some(text.into()),
            milli,
            mantissa,
            exponent,
            binary_exponent,
        })
    }

    /// A quantity from a count of thousandths, printed canonically ("350m", "2").
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity {
            text: None,
            milli,
            mantissa: milli as i128,
            exponent: -3,
            binary_exponent: 0,
        }
    }

    /// `Quantity.MilliValue()`: thousandths, rounded away from zero.
    pub fn milli(&self) -> i64 {
        self.milli
    }

    /// The text as the user wrote it, or the canonical one of a quantity made from a value.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.text {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(format_milli(self.milli)),
        }
    }

    /// `Quantity.String()`: the canonical text the API server stores and `kubectl` prints.
    /// Binary-suffixed quantities of at least 1024 that are whole print in the largest
    /// power of 1024 dividing them ("1.5Gi" -> "1536Mi"), others as decimal ones;
    /// decimal ones fold trailing zeros and lower the exponent to a multiple of three
    /// ("1.5" -> "1500m", "2000" -> "2k", "0.0001" -> "100u"), past nano rounded up
    /// to it; an `e` exponent stays one ("12e6"). A value too large to fold prints as
    /// written.
    pub fn canonical(&self) -> String {
        let exponent_format = self.text.as_deref().is_some_and(|t| {
            let t = t.trim_end_matches(|c: char| c.is_ascii_digit());
            let t = t.strip_suffix(['+', '-']).unwrap_or(t);
            t.ends_with(['e', 'E']) && t.len() < self.text.as_deref().map_or(0, str::len)
        });
        self.canonical_parts(exponent_format)
            .unwrap_or_else(|| self.text().into_owned())
    }

    fn canonical_parts(&self, exponent_format: bool) -> Option<String> {
        let (mut m, mut e) = (
            self.mantissa
                .checked_mul(1i128.checked_shl(self.binary_exponent)?)?,
            self.exponent,
        );
        if self.binary_exponent != 0 {
            // Whole and at least 1024: base 1024.
            let whole = if e >= 0 {
                m.checked_mul(10i128.checked_pow(e as u32)?)
            } else {
                let d = 10i128.checked_pow((-e) as u32)?;
                (m % d == 0).then_some(m / d)
            };
            if let Some(mut v) = whole.filter(|v| v.abs() >= 1024) {
                let mut k = 0;
                while k < 6 && v % 1024 == 0 {
                    v /= 1024;
                    k += 1;
                }
                return Some(format!(
                    "{v}{}",
                    ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k]
                ));
            }
        }
        if m == 0 {
            return Some("0".into());
        }
        if e < -9 {
            // Finer than nano: rounded up (away from zero) to nano.
            let d = 10i128.checked_pow((-9 - e) as u32)?;
            m = m / d + if m % d == 0 { 0 } else { m.signum() };
            e = -9;
        }
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        let r = e.rem_euclid(3);
        m = m.checked_mul(10i128.pow(r as u32))?;
        e -= r;
        let suffix = match (exponent_format, e) {
            (_, 0) => String::new(),
            (false, -9) => "n".into(),
            (false, -6) => "u".into(),
            (false, -3) => "m".into(),
            (false, 3) => "k".into(),
            (false, 6) => "M".into(),
            (false, 9) => "G".into(),
            (false, 12) => "T".into(),
            (false, 15) => "P".into(),
            (false, 18) => "E".into(),
            (_, e) => format!("e{e}"),
        };
        Some(format!("{m}{suffix}"))
    }

    /// `Quantity.AsApproximateFloat64()` on the quantity as the API server stores it: the
    /// canonical form (trailing zeros folded, exponent a multiple of three, "0.05" -> "50m")
    /// read back as integer mantissa times `math.Pow10(exponent)`, rounding as Go rounds.
    pub fn approximate_f64(&self) -> f64 {
        if self.binary_exponent != 0 {
            return self.mantissa as f64 * 2f64.powi(self.binary_exponent as i32);
        }
        let (mut mantissa, mut exponent) = (self.mantissa, self.exponent);
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        // int64Amount.AsCanonicalBytes: lower the exponent to a multiple of three.
        match exponent.rem_euclid(3) {
            1 => (mantissa, exponent) = (mantissa * 10, exponent - 1),
            2 => (mantissa, exponent) = (mantissa * 100, exponent - 2),
            _ => {}
        }
        let base = mantissa as f64;
        if exponent == 0 {
            base
        } else {
            base * go_pow10(exponent)
        }
    }
}

/// Prints thousandths the way `kubectl` shows a milli quantity: "350m", or "2" when whole.
pub fn format_milli(milli: i64) -> String {
    Quantity::from_milli(milli).to_string()
}

fn suffix_scale(suffix: &str) -> Option<(i32, u32)> {
    let decimal = |e| Some((e, 0));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => Some((0, 10)),
        "Mi" => Some((0, 20)),
        "Gi" => Some((0, 30)),
        "Ti" => Some((0, 40)),
        "Pi" => Some((0, 50)),
        "Ei" => Some((0, 60)),
        _ => {
            let exp = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))?;
            let body = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) || body.len() > 4 {
                return None;
            }
            decimal(exp.parse().ok()?)
        }
    }
}

/// mantissa x 10^exponent x 2^binary x 1000, rounded away from zero; None past i64.
fn milli_value(mantissa: i128, exponent: i32, binary: u32) -> Option<i64> {
    let scaled = mantissa.checked_mul(1i128.checked_shl(binary)?)?;
    let shift = exponent + 3;
    let value = if shift >= 0 {
        scaled.checked_mul(10i128.checked_pow(shift as u32)?)?
    } else if -shift > 38 {
        scaled.signum()
    } else {
        let divisor = 10i128.pow((-shift) as u32);
        let (q, r) = (scaled / divisor, scaled % divisor);
        if r == 0 { q } else { q + scaled.signum() }
    };
    i64::try_from(value).ok()
}

/// Go's `math.Pow10`, table for table, so the product rounds as the controller's does.
fn go_pow10(n: i32) -> f64 {
    const TAB: [f64; 32] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31,
    ];
    const POS32: [f64; 10] = [
        1e0, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288,
    ];
    const NEG32: [f64; 11] = [
        1e0, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288, 1e-320,
    ];
    match n {
        0..=308 => POS32[n as usize / 32] * TAB[n as usize % 32],
        -323..=-1 => {
            let m = (-n) as usize;
            NEG32[m / 32] / TAB[m % 32]
        }
        n if n > 308 => f64::INFINITY,
        _ => 0.0,
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.milli == other.milli && self.text() == other.text()
    }
}

impl Eq for Quantity {}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.text {
            Some(t) => f.write_str(t),
            None if self.milli % 1000 == 0 => write!(f, "{}", self.milli / 1000),
            None => write!(f, "{}m", self.milli),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Kubernetes quantity such as \"500m\", \"2\" or \"1.5Gi\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!(
                        "invalid quantity {v}: not a finite number"
                    )));
                }
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The text [`Quantity::parse`] reads: sign, digits with at most one decimal point, and one
/// suffix (SI, binary, or a decimal exponent of at most four digits).
const QUANTITY_PATTERN: &str =
    r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]{1,4})?\s*$";

// Mirrors `Deserialize for Quantity`: a quantity string, or a number (read as its decimal
// text).
impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Quantity").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "description": "A Kubernetes quantity: \"500m\" (thousandths), \"2\", \"1.5Gi\" (Ki, Mi, Gi, Ti, Pi, Ei: powers of 1024), \"2k\" (n, u, m, k, M, G, T, P, E: powers of 1000), \"1e3\", or a number.",
            "anyOf": [
                { "type": "string", "pattern": QUANTITY_PATTERN },
                { "type": "number" }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values from `k8s.io/apimachinery/pkg/api/resource` quantity_test.go (`TestQuantityParse`,
    /// `TestMilliValue`) and hpa-algorithm.md section 3.
    #[test]
    fn milli_value_rounds_away_from_zero_as_kubernetes_does() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("1", 1000),
            ("500m", 500),
            ("1.5", 1500),
            ("0.1m", 1),
            ("1n", 1),
            ("-1n", -1),
            ("1u", 1),
            ("2k", 2_000_000),
            ("1e3", 1_000_000),
            ("1E3", 1_000_000),
            ("256Mi", 268_435_456_000),
            ("1.5Gi", 1_610_612_736_000),
            ("0.1Ki", 102_400),
            (".5", 500),
            ("5.", 5000),
            ("+3", 3000),
            ("-3.5", -3500),
            ("100m", 100),
            ("1.2345m", 2),
            ("12e-3", 12),
            ("1e-4", 1),
        ];
        for (text, milli) in cases {
            let q = Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(q.milli(), *milli, "{text}");
        }
    }

    #[test]
    fn exa_without_digits_after_e_is_the_exa_suffix() {
        // "1E" is 10^18: too large in milli for i64? 10^21 is, so it is refused, not wrapped.
        assert!(Quantity::parse("1E").is_err());
        assert_eq!(
            Quantity::parse("1P").unwrap().milli(),
            1_000_000_000_000_000_000
        );
    }

    #[test]
    fn malformed_quantities_are_refused() {
        for text in [
            "", "m", "1.2.3", "abc", "1mm", "1Ki2", "1 k", "--1", "1e", "1e+", "0x10", "1.5Xi",
            "e3",
        ] {
            assert!(Quantity::parse(text).is_err(), "{text:?} should be refused");
        }
    }

    #[test]
    fn approximate_float_multiplies_the_written_mantissa() {
        // "0.05" is stored as "50m"; "0.009" as "9m", which reads back one ulp high.
        assert_eq!(
            Quantity::parse("0.05").unwrap().approximate_f64(),
            50.0 * 0.001
        );
        assert_eq!(
            Quantity::parse("0.009").unwrap().approximate_f64(),
            0.009000000000000001
        );
        assert_eq!(Quantity::parse("0.1").unwrap().approximate_f64(), 0.1);
        assert_eq!(Quantity::parse("2").unwrap().approximate_f64(), 2.0);
        assert_eq!(Quantity::parse("500m").unwrap().approximate_f64(), 0.5);
        assert_eq!(Quantity::parse("1Ki").unwrap().approximate_f64(), 1024.0);
    }

    #[test]
    fn canonical_text_is_what_the_api_server_stores_and_kubectl_prints() {
        // (as written, as `Quantity.String()` prints it)
        for (text, canonical) in [
            ("1.5", "1500m"),
            ("1500", "1500"),
            ("2000", "2k"),
            ("1000000", "1M"),
            ("100m", "100m"),
            ("0.1", "100m"),
            ("0.0001", "100u"),
            ("0.1n", "1n"),
            ("0", "0"),
            ("0.000m", "0"),
            ("-1500m", "-1500m"),
            ("1e3", "1e3"),
            ("12e6", "12e6"),
            ("1P", "1P"),
            ("1000T", "1P"),
            ("1Ki", "1Ki"),
            ("1024", "1024"),
            ("0.5Gi", "512Mi"),
            ("1.5Gi", "1536Mi"),
            ("1536Mi", "1536Mi"),
            ("1000Ki", "1000Ki"),
            ("0.5Ki", "512"),
            ("1.5Ki", "1536"),
            ("2048Ki", "2Mi"),
        ] {
            let q = Quantity::parse(text).unwrap();
            assert_eq!(q.canonical(), canonical, "{text}");
        }
        for (milli, canonical) in [(78_334, "78334m"), (2_000_000, "2k"), (30_000, "30")] {
            assert_eq!(
                Quantity::from_milli(milli).canonical(),
                canonical,
                "{milli}m"
            );
        }
    }

    #[test]
    fn format_milli_prints_whole_units_plainly() {
        assert_eq!(format_milli(350), "350m");
        assert_eq!(format_milli(2000), "2");
        assert_eq!(format_milli(0), "0");
        assert_eq!(format_milli(-1500), "-1500m");
    }

    #[test]
    fn a_quantity_made_from_a_value_reads_and_compares_as_its_canonical_text() {
        let made = Quantity::from_milli(350);
        assert_eq!(made.to_string(), "350m");
        assert_eq!(made.text(), "350m");
        assert_eq!(serde_json::to_string(&made).unwrap(), "\"350m\"");
        // Equal to the same text parsed; not to another spelling of the same value.
        assert_eq!(made, Quantity::parse("350m").unwrap());
        assert_ne!(made, Quantity::parse("0.35").unwrap());
        assert_eq!(Quantity::from_milli(2000), Quantity::parse("2").unwrap());
        assert_ne!(
            Quantity::from_milli(2000),
            Quantity::parse("2000m").unwrap()
        );
        assert_eq!(Quantity::from_milli(2000).approximate_f64(), 2.0);
    }
}
