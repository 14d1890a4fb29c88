//! Conditions as written (`"min >= 2"`, `{eq: 8, abs: 1}`) parsed into operators and
//! aggregators, and applied to the values a timeline gives. Owns their exact meaning; must
//! not read files or runs.

use std::fmt;

use crate::scenario::expect::Condition;

/// A comparison; `<` and `>` are strict, `==` and `!=` exact (no tolerance: use
/// `{eq: X, abs: T}` for one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

/// The operators as written, longest first (so `<=` is not read as `<`).
pub const OPERATORS: [(&str, Op); 6] = [
    ("<=", Op::Le),
    (">=", Op::Ge),
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("<", Op::Lt),
    (">", Op::Gt),
];

impl Op {
    /// `got OP bound`; a missing value (NaN) meets nothing.
    pub fn holds(self, got: f64, bound: f64) -> bool {
        match self {
            Op::Lt => got < bound,
            Op::Le => got <= bound,
            Op::Gt => got > bound,
            Op::Ge => got >= bound,
            Op::Eq => got == bound,
            Op::Ne => !got.is_nan() && got != bound,
        }
    }
    fn text(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|(_, o)| *o == self)
            .map(|(t, _)| *t)
            .unwrap_or("?")
    }
}

/// What one value must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Test {
    /// `OP NUMBER`.
    Compare(Op, f64),
    /// Within `max(abs, rel * |eq|)` of `eq`.
    Near {
        /// The expected value.
        eq: f64,
        /// Absolute tolerance.
        abs: f64,
        /// Relative tolerance.
        rel: f64,
    },
}

impl Test {
    /// Whether `got` passes.
    pub fn holds(self, got: f64) -> bool {
        match self {
            Test::Compare(op, bound) => op.holds(got, bound),
            Test::Near { eq, abs, rel } => (got - eq).abs() <= abs.max(rel * eq.abs()),
        }
    }
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Test::Compare(op, x) => write!(f, "{} {}", op.text(), num(*x)),
            Test::Near { eq, abs, rel } => {
                let tol = abs.max(rel * eq.abs());
                write!(f, "== {} ± {}", num(*eq), num(tol))
            }
        }
    }
}

/// How a span's values become the one value tested.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Agg {
    /// No aggregator: one value (`at`, summary), or each value (`during`: as `all`;
    /// `eventually`: each moment).
    Each,
    /// The least value.
    Min,
    /// The greatest value.
    Max,
    /// The mean of the values.
    Avg,
    /// The N-th percentile, nearest rank: the smallest value with at least N % of the
    /// values at or below it.
    P(f64),
    /// Every value passes.
    All,
    /// At least one value passes.
    Any,
    /// How many rows (seconds, at the 1 s timeline) pass the inner test.
    Count(Test),
}

impl fmt::Display for Agg {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Agg::Each => Ok(()),
            Agg::Min => f.write_str("min "),
            Agg::Max => f.write_str("max "),
            Agg::Avg => f.write_str("avg "),
            Agg::P(n) => write!(f, "p({}) ", num(*n)),
            Agg::All => f.write_str("all "),
            Agg::Any => f.write_str("any "),
            Agg::Count(t) => write!(f, "count({t}) "),
        }
    }
}

/// A parsed condition: `[AGG] TEST`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cond {
    /// The aggregator.
    pub agg: Agg,
    /// The test on the aggregated value (or on each value).
    pub test: Test,
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}{}", self.agg, self.test)
    }
}

/// The aggregators' names, for errors.
pub const AGGREGATORS: [&str; 7] = ["min", "max", "avg", "p(N)", "all", "any", "count(OP X)"];

/// Parses a condition as written.
pub fn parse(c: &Condition) -> Result<Cond, String> {
    match c {
        Condition::Number(x) => Ok(Cond {
            agg: Agg::Each,
            test: Test::Compare(Op::Eq, *x),
        }),
        Condition::Near(n) => {
            if !(n.eq.is_finite() && n.abs >= 0.0 && n.rel >= 0.0) {
                return Err(format!(
                    "{{eq: {}, abs: {}, rel: {}}}: tolerances are 0 or more",
                    n.eq, n.abs, n.rel
                ));
            }
            Ok(Cond {
                agg: Agg::Each,
                test: Test::Near {
                    eq: n.eq,
                    abs: n.abs,
                    rel: n.rel,
                },
            })
        }
        Condition::Text(t) => parse_text(t),
    }
}

fn parse_text(text: &str) -> Result<Cond, String> {
    let t = text.trim();
    let (agg, rest) = if let Some(rest) = t.strip_prefix("count(") {
        let close = rest.find(')').ok_or_else(|| {
            format!("{text:?}: `count(` needs its `)`, e.g. \"count(> 5) <= 60\"")
        })?;
        let inner = parse_test(&rest[..close], text)?;
        (Agg::Count(inner), &rest[close + 1..])
    } else if let Some(rest) = t.strip_prefix("p(") {
        let close = rest
            .find(')')
            .ok_or_else(|| format!("{text:?}: `p(` needs its `)`, e.g. \"p(95) < 300\""))?;
        let n: f64 = rest[..close]
            .trim()
            .parse()
            .ok()
            .filter(|n| (0.0..=100.0).contains(n))
            .ok_or_else(|| format!("{text:?}: p(N) takes a percentile from 0 to 100"))?;
        (Agg::P(n), &rest[close + 1..])
    } else {
        let word_end = t
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(t.len());
        let word = &t[..word_end];
        let agg = match word {
            "" => Agg::Each,
            "min" => Agg::Min,
            "max" => Agg::Max,
            "avg" => Agg::Avg,
            "all" => Agg::All,
            "any" => Agg::Any,
            _ if word.parse::<f64>().is_ok() => {
                return Err(format!(
                    "{text:?}: the operator comes first, e.g. \">= {word}\""
                ));
            }
            _ => {
                let hint =
                    crate::error::nearest(word, ["min", "max", "avg", "all", "any", "count", "p"])
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                return Err(format!(
                    "{text:?}: unknown aggregator `{word}` (one of {}){hint}",
                    AGGREGATORS.join(", ")
                ));
            }
        };
        (agg, &t[word_end..])
    };
    Ok(Cond {
        agg,
        test: parse_test(rest, text)?,
    })
}

/// `OP NUMBER`; `true`/`false` read as 1/0 (the `slo_ok` column).
fn parse_test(text: &str, whole: &str) -> Result<Test, String> {
    let t = text.trim();
    let Some((sym, op)) = OPERATORS.iter().find(|(s, _)| t.starts_with(s)) else {
        let sym: String = t
            .chars()
            .take_while(|c| {
                !c.is_ascii_alphanumeric() && *c != '-' && *c != '.' && !c.is_whitespace()
            })
            .collect();
        let hint = match sym.as_str() {
            "=" => "; did you mean `==`?",
            "=<" => "; did you mean `<=`?",
            "=>" => "; did you mean `>=`?",
            "<>" | "=!" => "; did you mean `!=`?",
            _ => "",
        };
        return Err(format!(
            "{whole:?}: expected an operator (<, <=, >, >=, ==, !=) then a number{hint}"
        ));
    };
    let number = t[sym.len()..].trim();
    let value = match number {
        "true" => 1.0,
        "false" => 0.0,
        _ => number
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{whole:?}: `{number}` is not a number (after `{sym}`)"))?,
    };
    Ok(Test::Compare(*op, value))
}

/// The outcome over a list of `(time, value)` samples: whether it holds, the value
/// observed, and the first sample that broke it (for `Each`/`All`/`Count`'s reading).
pub struct Outcome {
    /// Whether the condition holds.
    pub pass: bool,
    /// The value tested (the aggregate; for `Each`/`All`, the first failing value or the
    /// least favourable one; for `Any`, the best).
    pub observed: f64,
    /// Index of the first failing sample (each-value tests).
    pub first_fail: Option<usize>,
}

/// Applies `cond` to the samples (missing values are NaN: aggregators skip them; an
/// each-value test fails on them).
pub fn apply(cond: &Cond, values: &[f64]) -> Outcome {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let aggregate = |x: f64| Outcome {
        pass: cond.test.holds(x),
        observed: x,
        first_fail: None,
    };
    match cond.agg {
        Agg::Each | Agg::All => {
            let first_fail = values.iter().position(|v| !cond.test.holds(*v));
            let observed = match first_fail {
                Some(k) => values[k],
                None => least_favourable(&cond.test, &present),
            };
            Outcome {
                pass: first_fail.is_none(),
                observed,
                first_fail,
            }
        }
        Agg::Any => {
            let hit = values.iter().position(|v| cond.test.holds(*v));
            Outcome {
                pass: hit.is_some(),
                observed: hit
                    .map(|k| values[k])
                    .unwrap_or_else(|| nearest_to_passing(&cond.test, &present)),
                first_fail: None,
            }
        }
        Agg::Min => aggregate(present.iter().copied().fold(f64::NAN, f64::min)),
        Agg::Max => aggregate(present.iter().copied().fold(f64::NAN, f64::max)),
        Agg::Avg => aggregate(if present.is_empty() {
            f64::NAN
        } else {
            present.iter().sum::<f64>() / present.len() as f64
        }),
        Agg::P(n) => aggregate(percentile(&present, n)),
        Agg::Count(inner) => aggregate(values.iter().filter(|v| inner.holds(**v)).count() as f64),
    }
}

/// Nearest-rank percentile: the smallest value with at least `n` % of them at or below it.
pub fn percentile(values: &[f64], n: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = ((n / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The value nearest to failing: the greatest for `<`/`<=`, the least for `>`/`>=`, the
/// farthest from `eq` for equality.
fn least_favourable(test: &Test, values: &[f64]) -> f64 {
    extreme(test, values, 1.0)
}

/// The value nearest to passing (what `any` reports when none passes).
fn nearest_to_passing(test: &Test, values: &[f64]) -> f64 {
    extreme(test, values, -1.0)
}

fn extreme(test: &Test, values: &[f64], sign: f64) -> f64 {
    let by = |key: &dyn Fn(f64) -> f64| {
        values
            .iter()
            .copied()
            .max_by(|a, b| (sign * key(*a)).total_cmp(&(sign * key(*b))))
            .unwrap_or(f64::NAN)
    };
    match test {
        Test::Compare(Op::Lt | Op::Le, _) => by(&|v| v),
        Test::Compare(Op::Gt | Op::Ge, _) => by(&|v| -v),
        Test::Compare(Op::Eq | Op::Ne, x) | Test::Near { eq: x, .. } => by(&|v| (v - x).abs()),
    }
}

/// A number as the report prints it: up to three decimals, no trailing zeros; `none` for a
/// missing value.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        return "none".into();
    }
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::expect::Near;

    fn text(t: &str) -> Cond {
        parse(&Condition::Text(t.into())).unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    #[test]
    fn operators_are_exact_and_strict_where_written() {
        // (condition, value, holds)
        let cases = [
            ("< 5", 4.999, true),
            ("< 5", 5.0, false),
            ("<= 5", 5.0, true),
            ("<= 5", 5.001, false),
            ("> 5", 5.0, false),
            ("> 5", 5.001, true),
            (">= 5", 5.0, true),
            (">= 5", 4.999, false),
            ("== 5", 5.0, true),
            ("== 5", 5.001, false),
            ("!= 5", 5.0, false),
            ("!= 5", 4.0, true),
            ("== true", 1.0, true),
            ("== false", 1.0, false),
            // A missing value meets no operator, not even `!=`.
            ("!= 5", f64::NAN, false),
            (">= 0", f64::NAN, false),
        ];
        for (c, v, want) in cases {
            assert_eq!(text(c).test.holds(v), want, "{c} on {v}");
        }
    }

    #[test]
    fn a_tolerance_is_the_larger_of_abs_and_rel() {
        let near = |eq, abs, rel| parse(&Condition::Near(Near { eq, abs, rel })).unwrap().test;
        assert!(near(8.0, 1.0, 0.0).holds(9.0));
        assert!(near(8.0, 1.0, 0.0).holds(7.0));
        assert!(!near(8.0, 1.0, 0.0).holds(9.001));
        assert!(near(100.0, 1.0, 0.1).holds(110.0));
        assert!(!near(100.0, 1.0, 0.1).holds(110.5));
        assert!(parse(&Condition::Number(6.0)).unwrap().test.holds(6.0));
        assert!(!parse(&Condition::Number(6.0)).unwrap().test.holds(6.5));
        assert!(
            parse(&Condition::Near(Near {
                eq: 1.0,
                abs: -1.0,
                rel: 0.0
            }))
            .is_err()
        );
    }

    #[test]
    fn aggregators_read_a_span_of_values() {
        let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, f64::NAN, 5.0];
        // (condition, pass, observed)
        let cases = [
            ("min >= 1", true, 1.0),
            ("min > 1", false, 1.0),
            ("max <= 9", true, 9.0),
            ("max < 9", false, 9.0),
            ("avg == 4", true, 4.0),
            ("p(50) == 4", true, 4.0),
            ("p(80) == 6", true, 6.0),
            ("p(90) == 9", true, 9.0),
            ("p(100) == 9", true, 9.0),
            ("p(0) == 1", true, 1.0),
            ("count(>= 5) == 4", true, 4.0),
            ("count(< 2) > 2", false, 2.0),
            ("any == 9", true, 9.0),
            ("any > 9", false, 9.0),
            // `all` fails on the missing value and on the first value that breaks it.
            ("all >= 1", false, f64::NAN),
            ("all < 9", false, 9.0),
        ];
        for (c, pass, observed) in cases {
            let o = apply(&text(c), &values);
            assert_eq!(o.pass, pass, "{c}");
            assert!(
                o.observed == observed || (o.observed.is_nan() && observed.is_nan()),
                "{c}: observed {}",
                o.observed
            );
        }
        let o = apply(&text("all < 9"), &values);
        assert_eq!(o.first_fail, Some(5));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&v, 95.0), 19.0);
        assert_eq!(percentile(&v, 50.0), 10.0);
        assert_eq!(percentile(&v, 96.0), 20.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn bad_conditions_are_refused_with_a_hint() {
        let cases = [
            ("=> 6", "did you mean `>=`"),
            ("= 6", "did you mean `==`"),
            ("6", "the operator comes first"),
            (">= six", "`six` is not a number"),
            ("mean >= 2", "unknown aggregator `mean`"),
            ("p(95 < 300", "needs its `)`"),
            ("p(120) < 300", "from 0 to 100"),
            ("count(x) < 3", "expected an operator"),
        ];
        for (c, want) in cases {
            let err = parse(&Condition::Text(c.into())).unwrap_err();
            assert!(err.contains(want), "{c}: {err}");
        }
    }
}
