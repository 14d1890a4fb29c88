//! Objectives and constraints over a run's figures by their summary.json names, each with
//! its statistic across seeds: `worst(cost.totalUsd)`, `p95(slo.violationSeconds) <= 60`.
//! Owns their syntax and arithmetic; must not run anything.

use std::collections::BTreeMap;

use crate::measure::{Worse, spread};

/// A statistic of a figure across a configuration's seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// The mean.
    Mean,
    /// The 95th percentile towards worse (nearest rank).
    P95,
    /// The worst seed's.
    Worst,
}

impl Stat {
    fn name(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::P95 => "p95",
            Stat::Worst => "worst",
        }
    }
}

/// A figure and its statistic: `worst(cost.totalUsd)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// The statistic across seeds.
    pub stat: Stat,
    /// summary.json's dotted name.
    pub name: String,
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.stat.name(), self.name)
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `==`
    Eq,
}

impl Op {
    /// Whether `a OP b`.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Le => a <= b,
            Op::Lt => a < b,
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Eq => a == b,
        }
    }
    fn text(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Eq => "==",
        }
    }
}

/// `A OP B` split at its operator.
pub fn split_comparison(text: &str) -> Option<(&str, Op, &str)> {
    for (token, op) in [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
    ] {
        if let Some((a, b)) = text.split_once(token) {
            let (a, b) = (a.trim(), b.trim());
            if a.is_empty()
                || b.is_empty()
                || b.starts_with(['<', '>', '='])
                || a.ends_with(['<', '>', '=', '!'])
            {
                return None;
            }
            return Some((a, op, b));
        }
    }
    None
}

/// `worst(name)`, `p95(name)`, `mean(name)` or `name` (worst).
pub fn parse_figure(text: &str) -> Result<Figure, String> {
    let t = text.trim();
    if let Some(open) = t.find('(') {
        let stat = match &t[..open] {
            "mean" => Stat::Mean,
            "p95" => Stat::P95,
            "worst" => Stat::Worst,
            other => {
                return Err(format!(
                    "{text:?}: unknown statistic {other:?}; expected mean, p95 or worst"
                ));
            }
        };
        let name = t[open + 1..]
            .strip_suffix(')')
            .ok_or_else(|| format!("{text:?}: expected STAT(FIGURE)"))?;
        return Ok(Figure {
            stat,
            name: name.trim().to_string(),
        });
    }
    if t.is_empty() || t.contains(char::is_whitespace) {
        return Err(format!(
            "{text:?}: expected a figure's name, e.g. cost.totalUsd or p95(slo.violationSeconds)"
        ));
    }
    Ok(Figure {
        stat: Stat::Worst,
        name: t.to_string(),
    })
}

/// A constraint on a figure: `p95(slo.violationSeconds) <= 60`.
#[derive(Clone, Debug)]
pub struct Constraint {
    /// The figure.
    pub figure: Figure,
    /// The comparison.
    pub op: Op,
    /// The bound.
    pub bound: f64,
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.figure, self.op.text(), self.bound)
    }
}

/// Parses `FIGURE OP NUMBER`.
pub fn parse_constraint(text: &str) -> Result<Constraint, String> {
    let (a, op, b) = split_comparison(text).ok_or_else(|| {
        format!("{text:?}: expected 'FIGURE OP VALUE', e.g. 'p95(slo.violationSeconds) <= 60'")
    })?;
    let bound: f64 = b
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
        .ok_or_else(|| format!("{text:?}: {b:?} is not a number"))?;
    Ok(Constraint {
        figure: parse_figure(a)?,
        op,
        bound,
    })
}

/// Which way is worse for a figure used this way: higher for an objective or an upper
/// bound, lower for a lower bound.
fn worse(op: Option<Op>) -> Worse {
    match op {
        Some(Op::Ge | Op::Gt) => Worse::Lower,
        _ => Worse::Higher,
    }
}

/// A figure's statistic from its per-seed values (NaN: no value), `worse` deciding what
/// "worst" and "p95" lean towards. NaN when no seed has a value.
pub fn statistic(values: &[f64], stat: Stat, worse: Worse) -> f64 {
    let pairs: Vec<(u64, f64)> = values
        .iter()
        .enumerate()
        .map(|(k, v)| (k as u64, *v))
        .collect();
    let s = spread(&pairs, worse);
    if s.runs == 0 {
        return f64::NAN;
    }
    match stat {
        Stat::Mean => s.mean,
        Stat::P95 => s.p95,
        Stat::Worst => s.worst,
    }
}

/// An objective's value for a configuration (minimised; no value counts as +infinity).
pub fn objective_value(figures: &BTreeMap<String, Vec<f64>>, f: &Figure) -> f64 {
    let v = figures
        .get(&f.name)
        .map(|vs| statistic(vs, f.stat, Worse::Higher))
        .unwrap_or(f64::NAN);
    if v.is_nan() { f64::INFINITY } else { v }
}

impl Constraint {
    /// The figure's value as the constraint reads it.
    pub fn value(&self, figures: &BTreeMap<String, Vec<f64>>) -> f64 {
        figures
            .get(&self.figure.name)
            .map(|vs| statistic(vs, self.figure.stat, worse(Some(self.op))))
            .unwrap_or(f64::NAN)
    }

    /// How far the value is from keeping the constraint, relative to the bound (0 when
    /// kept; a value missing counts 1; a strict bound met exactly, 1e-9).
    pub fn violation(&self, value: f64) -> f64 {
        if value.is_nan() {
            return 1.0;
        }
        if self.op.holds(value, self.bound) {
            return 0.0;
        }
        let excess = (value - self.bound).abs() / self.bound.abs().max(1.0);
        excess.max(1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_name_their_statistic_and_default_to_worst() {
        let cases = [
            ("cost.totalUsd", Stat::Worst, "cost.totalUsd"),
            (
                "p95(slo.violationSeconds)",
                Stat::P95,
                "slo.violationSeconds",
            ),
            ("mean( scaleUps )", Stat::Mean, "scaleUps"),
        ];
        for (text, stat, name) in cases {
            let f = parse_figure(text).unwrap();
            assert_eq!((f.stat, f.name.as_str()), (stat, name), "{text}");
        }
        for bad in ["p99(x)", "worst(x", "a b", ""] {
            assert!(parse_figure(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn constraints_parse_each_operator_and_refuse_bad_syntax() {
        let c = parse_constraint("p95(slo.violationSeconds) <= 60").unwrap();
        assert_eq!((c.op, c.bound), (Op::Le, 60.0));
        assert_eq!(parse_constraint("scaleUps>3").unwrap().op, Op::Gt);
        assert_eq!(parse_constraint("scaleUps >= 3").unwrap().op, Op::Ge);
        for bad in [
            "scaleUps",
            "scaleUps <= x",
            "<= 3",
            "scaleUps =< 3",
            "a => 3",
            "scaleUps <= inf",
        ] {
            assert!(parse_constraint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn worst_leans_the_way_the_constraint_fears() {
        let mut figures = BTreeMap::new();
        figures.insert("x".to_string(), vec![1.0, 5.0, 3.0]);
        let upper = parse_constraint("x <= 4").unwrap();
        let lower = parse_constraint("x >= 2").unwrap();
        let mean = parse_constraint("mean(x) <= 4").unwrap();
        assert_eq!(upper.value(&figures), 5.0);
        assert_eq!(lower.value(&figures), 1.0);
        assert_eq!(mean.value(&figures), 3.0);
        assert!(upper.violation(5.0) > 0.0 && mean.violation(3.0) == 0.0);
        assert_eq!(
            objective_value(&figures, &parse_figure("nope").unwrap()),
            f64::INFINITY
        );
    }
}
