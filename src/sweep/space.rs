//! The space a sweep explores: parameters and their values (`-P`, `-L`, a space file),
//! groups that vary together (`zip`), the baseline, and constraints between parameters.
//! Every parameter is checked against the scenario before anything runs; this module
//! makes the list of configurations and must not run or judge them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::path::{self, Step};
use crate::error::{Error, Location};

/// Where a parameter or a rule was given: a command-line argument, or a place in a file.
#[derive(Clone, Debug)]
pub enum Origin {
    /// The argument as typed (`-P cpuTarget 90 50`).
    Arg(String),
    /// A field of the space file.
    File {
        /// The space file.
        path: PathBuf,
        /// Where in it.
        location: Option<Location>,
        /// The field (`parameters[1].range`).
        field: String,
    },
}

impl Origin {
    /// The error exit 2 gives for `message` about what was given here.
    pub fn error(&self, message: impl std::fmt::Display) -> Error {
        match self {
            Origin::Arg(arg) => Error::Usage(format!("{arg}: {message}")),
            Origin::File {
                path,
                location,
                field,
            } => Error::Input {
                path: path.clone(),
                location: location.clone(),
                message: format!("{field}: {message}"),
            },
        }
    }
}

/// A parameter as given, before it is checked against the scenario.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    /// Its name: an alias or a path.
    pub name: String,
    /// Its values, in order.
    pub values: Vec<Value>,
    /// Where it was given.
    pub origin: Origin,
}

/// A parameter checked against the scenario.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its name as given (an alias or a path): the column's name in every output.
    pub name: String,
    /// The path it sets.
    pub path: String,
    /// The path's steps.
    pub steps: Vec<Step>,
    /// Its values, in order.
    pub values: Vec<Value>,
}

/// A comparison between two parameters (or a parameter and a number), checked on each
/// configuration before it runs: `minReplicas <= maxReplicas`.
#[derive(Clone, Debug)]
pub struct ParamRule {
    /// As written.
    pub text: String,
    left: Operand,
    op: super::figures::Op,
    right: Operand,
}

#[derive(Clone, Debug)]
enum Operand {
    Number(f64),
    Path(Vec<Step>),
}

/// How the configurations are chosen among the grid's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Every point of the product (the default: simulations are cheap).
    #[default]
    Grid,
    /// `budget` distinct points drawn uniformly (ChaCha8 seeded with the sampling seed).
    Random,
    /// A Latin hypercube of `budget` points: each axis cut into `budget` equal strata of
    /// its values, each stratum used once, strata paired at random (McKay, Beckman and
    /// Conover 1979), on the grid's values; duplicates dropped.
    Lhs,
    /// The first `budget` points (at most 65 536, over at most 256 parameters) of a Sobol
    /// sequence, Owen-scrambled by the sampling seed (Burley 2020, `sobol_burley`, Joe and
    /// Kuo's direction numbers), each coordinate taken to the grid's value whose stratum
    /// it falls in; duplicates dropped.
    Sobol,
}

/// Everything that defines a sweep's configurations, as given.
#[derive(Clone, Debug, Default)]
pub struct SpaceSpec {
    /// How configurations are chosen (with `budget` for random, lhs and sobol).
    pub strategy: Strategy,
    /// How many configurations random, lhs and sobol draw (the baseline not counted).
    pub budget: Option<usize>,
    /// The seed of random, lhs and sobol draws (default: the scenario's seed).
    pub sample_seed: Option<u64>,
    /// The parameters in order.
    pub params: Vec<ParamSpec>,
    /// Groups of parameter names that vary together, with where each was given.
    pub zip: Vec<(Vec<String>, Origin)>,
    /// Baseline values by parameter name (the others as in the scenario).
    pub baseline: BTreeMap<String, Value>,
    /// Rules between parameters, with where each was given.
    pub rules: Vec<(String, Origin)>,
    /// Objectives from the space file.
    pub minimize: Vec<(String, Origin)>,
    /// Figure constraints from the space file.
    pub constraints: Vec<(String, Origin)>,
}

/// One point of the space: a value per parameter, in the parameters' order.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The values.
    pub values: Vec<Value>,
    /// The baseline (always evaluated).
    pub baseline: bool,
}

/// The checked space: parameters, the configurations to run in order (the baseline
/// first), and how many the rules between parameters left out.
#[derive(Clone, Debug)]
pub struct Space {
    /// The parameters.
    pub params: Vec<Param>,
    /// The configurations, the baseline first, then the grid (last parameter fastest).
    pub configs: Vec<Config>,
    /// Configurations the rules between parameters left out.
    pub excluded: usize,
    /// The rules.
    pub rules: Vec<ParamRule>,
}

/// A text value from the command line as YAML would read it: a whole number, a number,
/// true/false, or else a string (`250m`, `Percent`).
pub fn scalar(text: &str) -> Value {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(x) = t.parse::<f64>()
        && x.is_finite()
    {
        return Value::from(x);
    }
    match t {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(t.to_string()),
    }
}

/// The most values a parameter may take (a typo in a step should not start a million runs).
pub const MAX_VALUES: usize = 100_000;

/// `MIN MAX [STEP]` (hyperfine's `-P`): every `MIN + k STEP` up to MAX. A unit suffix
/// (`100m 500m 100m`, `30s`) is kept on each value; whole numbers stay whole.
pub fn range(min: &str, max: &str, step: Option<&str>) -> Result<Vec<Value>, String> {
    let (lo, unit) = number(min)?;
    let (hi, unit_hi) = number(max)?;
    if unit != unit_hi {
        return Err(format!("MIN {min:?} and MAX {max:?} have different units"));
    }
    let (d, unit_d) = match step {
        Some(s) => number(s)?,
        None => (1.0, unit.clone()),
    };
    if !unit_d.is_empty() && unit_d != unit {
        return Err(format!(
            "STEP {:?} is not in MIN's unit {unit:?}",
            step.unwrap_or("")
        ));
    }
    if lo > hi {
        return Err(format!("MIN {min} is above MAX {max}"));
    }
    if d.is_nan() || d <= 0.0 {
        return Err(format!("the step {} must be above 0", step.unwrap_or("1")));
    }
    let n = ((hi - lo) / d + 1e-9).floor() + 1.0;
    if n > MAX_VALUES as f64 {
        return Err(format!("{n} values; at most {MAX_VALUES}"));
    }
    let whole = [min, max, step.unwrap_or("1")]
        .iter()
        .all(|t| !t.contains(['.', 'e', 'E']));
    Ok((0..n as usize)
        .map(|k| {
            // Rounded to 9 decimals: 0.1 + 2 x 0.1 is 0.3, not 0.30000000000000004.
            let x = ((lo + k as f64 * d) * 1e9).round() / 1e9;
            let v = if whole {
                Value::from(x as i64)
            } else {
                Value::from(x)
            };
            if unit.is_empty() {
                v
            } else {
                Value::String(format!("{v}{unit}"))
            }
        })
        .collect())
}

/// `count` values from `lo` to `hi` evenly spaced on a log scale, 6 significant digits.
pub fn log_range(lo: f64, hi: f64, count: u32) -> Result<Vec<Value>, String> {
    if !(lo > 0.0 && hi.is_finite()) {
        return Err(format!("a log range needs 0 < MIN, got {lo}"));
    }
    if lo > hi {
        return Err(format!("MIN {lo} is above MAX {hi}"));
    }
    if count < 2 || count as usize > MAX_VALUES {
        return Err(format!("count {count}: from 2 to {MAX_VALUES}"));
    }
    let ratio = (hi / lo).ln();
    Ok((0..count)
        .map(|k| {
            let x = lo * (ratio * f64::from(k) / f64::from(count - 1)).exp();
            let x: f64 = format!("{x:.5e}").parse().unwrap_or(x);
            Value::from(x)
        })
        .collect())
}

/// A number with an optional unit suffix: `70`, `0.1`, `250m`, `30s`.
fn number(text: &str) -> Result<(f64, String), String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+')))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let x: f64 = num
        .parse()
        .map_err(|_| format!("{text:?} is not a number (with an optional unit, e.g. 250m)"))?;
    Ok((x, unit.to_string()))
}

/// A number read from a parameter's value (a unit suffix ignored), for rules.
fn numeric(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => number(s).ok().map(|(x, _)| x),
        _ => None,
    }
}

impl SpaceSpec {
    /// Checks every parameter against the scenario (as a value: `base`) and makes the
    /// configurations. An unknown path, a zip of unequal lists, an unknown name in a rule
    /// are refused here, before anything runs.
    /// `effective` is the scenario with its defaults written out: where the baseline
    /// reads a parameter the scenario leaves to its default.
    pub fn build(&self, base: &Value, effective: &Value) -> Result<Space, Error> {
        let mut params: Vec<Param> = vec![];
        for spec in &self.params {
            if params.iter().any(|p| p.name == spec.name) {
                return Err(spec
                    .origin
                    .error(format!("parameter `{}` is given twice", spec.name)));
            }
            let (path, steps) =
                path::resolve(&spec.name, base).map_err(|e| spec.origin.error(e))?;
            check_path(base, &spec.name, &steps, &spec.values).map_err(|e| spec.origin.error(e))?;
            if spec.values.is_empty() {
                return Err(spec.origin.error("no values"));
            }
            params.push(Param {
                name: spec.name.clone(),
                path,
                steps,
                values: spec.values.clone(),
            });
        }
        let index_of = |name: &str, origin: &Origin| {
            params
                .iter()
                .position(|p| p.name == name || p.path == name)
                .ok_or_else(|| {
                    let names = params.iter().map(|p| p.name.as_str());
                    origin.error(format!(
                        "`{name}` is not a parameter of this sweep{}",
                        did_you_mean(name, names)
                    ))
                })
        };
        // Axes: each zip group is one axis, each other parameter its own, in the order of
        // each axis's first parameter.
        let mut axis_of: Vec<Option<usize>> = vec![None; params.len()];
        let mut groups: Vec<Vec<usize>> = vec![];
        for (names, origin) in &self.zip {
            let mut group = vec![];
            for n in names {
                let i = index_of(n, origin)?;
                if axis_of[i].is_some() {
                    return Err(origin.error(format!("`{n}` is in two zip groups")));
                }
                axis_of[i] = Some(groups.len());
                group.push(i);
            }
            let len = params[group[0]].values.len();
            if let Some(&j) = group.iter().find(|&&j| params[j].values.len() != len) {
                return Err(origin.error(format!(
                    "parameters that vary together need as many values each: `{}` has {len}, `{}` has {}",
                    params[group[0]].name,
                    params[j].name,
                    params[j].values.len()
                )));
            }
            groups.push(group);
        }
        let mut axes: Vec<Vec<usize>> = vec![];
        let mut seen = vec![false; groups.len()];
        for (i, axis) in axis_of.iter().enumerate() {
            match *axis {
                Some(g) if !seen[g] => {
                    seen[g] = true;
                    axes.push(groups[g].clone());
                }
                Some(_) => {}
                None => axes.push(vec![i]),
            }
        }
        let mut rules = vec![];
        for (text, origin) in &self.rules {
            rules.push(parse_rule(text, &params, base).map_err(|e| origin.error(e))?);
        }
        // The baseline: the scenario's own values, or the space's.
        let mut baseline_values = vec![];
        for p in &params {
            let given = self
                .baseline
                .iter()
                .find(|(k, _)| **k == p.name || **k == p.path)
                .map(|(_, v)| v.clone());
            baseline_values.push(given.unwrap_or_else(|| {
                path::get(base, &p.steps)
                    .or_else(|| path::get(effective, &p.steps))
                    .cloned()
                    .unwrap_or(Value::Null)
            }));
        }
        for k in self.baseline.keys() {
            if !params.iter().any(|p| p.name == *k || p.path == *k) {
                let names = params.iter().map(|p| p.name.as_str());
                return Err(Origin::Arg("baseline".into()).error(format!(
                    "`{k}` is not a parameter of this sweep{}",
                    did_you_mean(k, names)
                )));
            }
        }
        let mut configs = vec![Config {
            values: baseline_values,
            baseline: true,
        }];
        let sizes: Vec<usize> = axes.iter().map(|a| params[a[0]].values.len()).collect();
        let mut excluded = 0;
        for picks in self.points(&sizes)? {
            let mut values = vec![Value::Null; params.len()];
            for (axis, pick) in axes.iter().zip(picks) {
                for &i in axis {
                    values[i] = params[i].values[pick].clone();
                }
            }
            let config = Config {
                values,
                baseline: false,
            };
            if rules.iter().all(|r| r.holds(&config, &params, base)) {
                if config.values != configs[0].values {
                    configs.push(config);
                }
            } else {
                excluded += 1;
            }
        }
        Ok(Space {
            params,
            configs,
            excluded,
            rules,
        })
    }
}

impl SpaceSpec {
    /// The chosen points as a value index per axis, in the order they run: the grid's
    /// (last axis fastest), or the drawn ones sorted into the grid's order.
    fn points(&self, sizes: &[usize]) -> Result<Vec<Vec<usize>>, Error> {
        use rand::SeedableRng;
        let total = sizes
            .iter()
            .try_fold(1u128, |acc, &n| acc.checked_mul(n as u128))
            .unwrap_or(u128::MAX);
        let budget = || {
            self.budget.filter(|&b| b > 0).ok_or_else(|| {
                Error::Usage("--strategy random, lhs and sobol need --budget N (N >= 1)".into())
            })
        };
        let grid = |k: u128| {
            let mut k = k;
            let mut picks = vec![0; sizes.len()];
            for (a, &n) in sizes.iter().enumerate().rev() {
                picks[a] = (k % n as u128) as usize;
                k /= n as u128;
            }
            picks
        };
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(self.sample_seed.unwrap_or(0));
        let mut drawn: Vec<Vec<usize>> = match self.strategy {
            Strategy::Grid => {
                if total > 10_000_000 {
                    return Err(Error::Usage(format!(
                        "the grid has {total} configurations (at most 10 000 000): narrow it, or use --strategy random|lhs|sobol --budget N"
                    )));
                }
                return Ok((0..total).map(grid).collect());
            }
            Strategy::Random => {
                let b = budget()?;
                if (b as u128) >= total {
                    (0..total).map(grid).collect()
                } else {
                    let mut seen = std::collections::BTreeSet::new();
                    while seen.len() < b {
                        let p: Vec<usize> = sizes
                            .iter()
                            .map(|&n| rand::RngExt::random_range(&mut rng, 0..n))
                            .collect();
                        seen.insert(p);
                    }
                    seen.into_iter().collect()
                }
            }
            Strategy::Lhs => {
                let b = budget()?;
                let columns: Vec<Vec<usize>> = sizes
                    .iter()
                    .map(|&n| {
                        let mut strata: Vec<usize> = (0..b).collect();
                        // Fisher-Yates with the seeded stream.
                        for i in (1..b).rev() {
                            let j = rand::RngExt::random_range(&mut rng, 0..=i);
                            strata.swap(i, j);
                        }
                        strata
                            .into_iter()
                            .map(|s| {
                                let u: f64 = rand::RngExt::random(&mut rng);
                                (((s as f64 + u) / b as f64 * n as f64) as usize).min(n - 1)
                            })
                            .collect()
                    })
                    .collect();
                (0..b)
                    .map(|j| columns.iter().map(|c| c[j]).collect())
                    .collect()
            }
            Strategy::Sobol => {
                let b = budget()?;
                let most = 1usize << 16;
                if b > most || sizes.len() > sobol_burley::NUM_DIMENSIONS as usize {
                    return Err(Error::Usage(format!(
                        "--strategy sobol draws at most {most} points over at most {} parameters ({b} asked over {})",
                        sobol_burley::NUM_DIMENSIONS,
                        sizes.len()
                    )));
                }
                // The scrambling seed: the sampling seed's two halves folded.
                let seed = self.sample_seed.unwrap_or(0);
                let seed = (seed ^ (seed >> 32)) as u32;
                (0..b as u32)
                    .map(|j| {
                        sizes
                            .iter()
                            .enumerate()
                            .map(|(a, &n)| {
                                let u = f64::from(sobol_burley::sample(j, a as u32, seed));
                                ((u * n as f64) as usize).min(n - 1)
                            })
                            .collect()
                    })
                    .collect()
            }
        };
        drawn.sort();
        drawn.dedup();
        Ok(drawn)
    }
}

/// `" (did you mean `x`?)"` or nothing.
pub fn did_you_mean<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    crate::error::nearest(name, names)
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// A path is known if the scenario has a value there, or if setting one there still
/// reads as a scenario (no unknown field on the way).
fn check_path(base: &Value, name: &str, steps: &[Step], values: &[Value]) -> Result<(), String> {
    if path::get(base, steps).is_some() {
        return Ok(());
    }
    let mut probe = base.clone();
    let unknown = |why: String| {
        let mut leaves = vec![];
        leaf_paths(base, String::new(), &mut leaves);
        let mut names: Vec<&str> = leaves.iter().map(String::as_str).collect();
        names.extend(path::ALIASES.iter().map(|(a, _)| *a));
        format!(
            "unknown parameter `{name}`: {why}{}",
            did_you_mean(name, names)
        )
    };
    path::set(
        &mut probe,
        steps,
        values.first().cloned().unwrap_or(Value::Null),
    )
    .map_err(unknown)?;
    match serde_json::from_value::<crate::scenario::model::ScenarioFile>(probe) {
        Err(e) if e.to_string().contains("unknown field") => Err(unknown(e.to_string())),
        _ => Ok(()),
    }
}

fn leaf_paths(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaf_paths(x, p, out);
            }
        }
        Value::Array(list) => {
            for (i, x) in list.iter().enumerate() {
                leaf_paths(x, format!("{prefix}[{i}]"), out);
            }
        }
        _ => out.push(prefix),
    }
}

fn parse_rule(text: &str, params: &[Param], base: &Value) -> Result<ParamRule, String> {
    let (left, op, right) = super::figures::split_comparison(text)
        .ok_or_else(|| format!("{text:?}: expected `A OP B` with OP one of <=, <, >=, >, =="))?;
    let operand = |side: &str| -> Result<Operand, String> {
        if let Ok(x) = side.parse::<f64>() {
            return Ok(Operand::Number(x));
        }
        if let Some(p) = params.iter().find(|p| p.name == side || p.path == side) {
            return Ok(Operand::Path(p.steps.clone()));
        }
        let (_, steps) = path::resolve(side, base)?;
        if path::get(base, &steps).and_then(numeric).is_none() {
            let names = params.iter().map(|p| p.name.as_str());
            return Err(format!(
                "`{side}` is neither a parameter of this sweep nor a number in the scenario{}",
                did_you_mean(side, names)
            ));
        }
        Ok(Operand::Path(steps))
    };
    Ok(ParamRule {
        text: text.trim().to_string(),
        left: operand(left)?,
        op,
        right: operand(right)?,
    })
}

impl ParamRule {
    /// Whether a configuration keeps the rule (a value that is not a number breaks it).
    pub fn holds(&self, config: &Config, params: &[Param], base: &Value) -> bool {
        let value = |o: &Operand| match o {
            Operand::Number(x) => Some(*x),
            Operand::Path(steps) => match params.iter().position(|p| p.steps == *steps) {
                Some(i) => numeric(&config.values[i]),
                None => path::get(base, steps).and_then(numeric),
            },
        };
        match (value(&self.left), value(&self.right)) {
            (Some(a), Some(b)) => self.op.holds(a, b),
            _ => false,
        }
    }
}

// The space file.

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SpaceFile {
    parameters: Vec<serde_saphyr::Spanned<ParamEntry>>,
    #[serde(default)]
    zip: Vec<serde_saphyr::Spanned<Vec<String>>>,
    #[serde(default)]
    baseline: BTreeMap<String, Value>,
    #[serde(default, rename = "where")]
    rules: Vec<serde_saphyr::Spanned<String>>,
    #[serde(default)]
    minimize: Vec<serde_saphyr::Spanned<String>>,
    #[serde(default)]
    constraints: Vec<serde_saphyr::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ParamEntry {
    path: String,
    #[serde(default)]
    values: Option<Vec<Value>>,
    #[serde(default)]
    range: Option<(Value, Value)>,
    #[serde(default)]
    step: Option<Value>,
    #[serde(default)]
    log: Option<(f64, f64)>,
    #[serde(default)]
    count: Option<u32>,
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads a space file (YAML) into a [`SpaceSpec`]; errors name the file, line and field.
pub fn read_space_file(file: &Path) -> Result<SpaceSpec, Error> {
    let text = crate::scenario::read_manifest(file)?;
    let options = serde_saphyr::options! { with_snippet: false };
    let parsed: SpaceFile =
        serde_saphyr::from_str_with_options(&text, options).map_err(|e| Error::Input {
            path: file.to_path_buf(),
            location: e.location().map(|l| Location {
                line: l.line(),
                column: l.column(),
            }),
            message: e.to_string().lines().next().unwrap_or_default().to_string(),
        })?;
    let origin = |at: &serde_saphyr::Location, field: String| Origin::File {
        path: file.to_path_buf(),
        location: Some(Location {
            line: at.line(),
            column: at.column(),
        }),
        field,
    };
    let mut spec = SpaceSpec::default();
    for (i, entry) in parsed.parameters.iter().enumerate() {
        let p = &entry.value;
        let here = origin(&entry.referenced, format!("parameters[{i}] ({})", p.path));
        let values = match (&p.values, &p.range, &p.log) {
            (Some(v), None, None) => v.clone(),
            (None, Some((lo, hi)), None) => {
                let step = p.step.as_ref().map(as_text);
                range(&as_text(lo), &as_text(hi), step.as_deref())
                    .map_err(|e| here.error(format!("range: {e}")))?
            }
            (None, None, Some((lo, hi))) => log_range(*lo, *hi, p.count.unwrap_or(5))
                .map_err(|e| here.error(format!("log: {e}")))?,
            _ => {
                return Err(here.error(
                    "give exactly one of `values`, `range` (with `step`), `log` (with `count`)",
                ));
            }
        };
        spec.params.push(ParamSpec {
            name: p.path.clone(),
            values,
            origin: here,
        });
    }
    for (i, z) in parsed.zip.iter().enumerate() {
        spec.zip
            .push((z.value.clone(), origin(&z.referenced, format!("zip[{i}]"))));
    }
    spec.baseline = parsed.baseline;
    for (list, name, out) in [
        (&parsed.rules, "where", &mut spec.rules),
        (&parsed.minimize, "minimize", &mut spec.minimize),
        (&parsed.constraints, "constraints", &mut spec.constraints),
    ] {
        for (i, r) in list.iter().enumerate() {
            out.push((
                r.value.clone(),
                origin(&r.referenced, format!("{name}[{i}]")),
            ));
        }
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranges_follow_hyperfine_and_keep_units_and_whole_numbers() {
        let cases: &[(&str, &str, Option<&str>, Value)] = &[
            ("50", "90", Some("20"), json!([50, 70, 90])),
            ("1", "3", None, json!([1, 2, 3])),
            ("0.1", "0.3", Some("0.1"), json!([0.1, 0.2, 0.3])),
            (
                "100m",
                "300m",
                Some("100m"),
                json!(["100m", "200m", "300m"]),
            ),
            ("0", "10", Some("4"), json!([0, 4, 8])),
        ];
        for (lo, hi, step, want) in cases {
            assert_eq!(
                Value::from(range(lo, hi, *step).unwrap()),
                *want,
                "{lo} {hi} {step:?}"
            );
        }
        for (lo, hi, step) in [
            ("90", "50", None),
            ("1", "2", Some("0")),
            ("1", "2", Some("-1")),
            ("1m", "2", None),
            ("x", "2", None),
        ] {
            assert!(range(lo, hi, step).is_err(), "{lo} {hi} {step:?}");
        }
    }

    #[test]
    fn log_ranges_are_geometric() {
        assert_eq!(
            Value::from(log_range(0.01, 1.0, 3).unwrap()),
            json!([0.01, 0.1, 1.0])
        );
        assert!(log_range(0.0, 1.0, 3).is_err());
        assert!(log_range(1.0, 0.5, 3).is_err());
    }

    fn spec(params: &[(&str, Value)]) -> SpaceSpec {
        SpaceSpec {
            params: params
                .iter()
                .map(|(n, v)| ParamSpec {
                    name: n.to_string(),
                    values: v.as_array().unwrap().clone(),
                    origin: Origin::Arg(n.to_string()),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn base() -> Value {
        json!({"hpa": {"spec": {"minReplicas": 2, "maxReplicas": 10}}, "controller": {}})
    }

    #[test]
    fn the_grid_is_a_product_last_parameter_fastest_with_the_baseline_first() {
        let s = spec(&[
            ("minReplicas", json!([1, 2])),
            ("maxReplicas", json!([5, 6])),
        ]);
        let space = s.build(&base(), &base()).unwrap();
        let rows: Vec<Value> = space
            .configs
            .iter()
            .map(|c| Value::from(c.values.clone()))
            .collect();
        assert_eq!(
            Value::from(rows),
            json!([[2, 10], [1, 5], [1, 6], [2, 5], [2, 6]])
        );
        assert!(space.configs[0].baseline);
    }

    #[test]
    fn random_lhs_and_sobol_draw_the_budget_deterministically_from_the_grid() {
        let mut s = spec(&[
            ("minReplicas", Value::from((1..=20).collect::<Vec<i64>>())),
            ("maxReplicas", Value::from((21..=40).collect::<Vec<i64>>())),
        ]);
        for strategy in [Strategy::Random, Strategy::Lhs, Strategy::Sobol] {
            s.strategy = strategy;
            s.budget = Some(10);
            s.sample_seed = Some(5);
            let a = s.build(&base(), &base()).unwrap();
            let b = s.build(&base(), &base()).unwrap();
            assert_eq!(a.configs, b.configs, "{strategy:?}");
            assert!(
                a.configs.len() >= 2 && a.configs.len() <= 11,
                "{strategy:?}"
            );
            s.sample_seed = Some(6);
            assert_ne!(s.build(&base(), &base()).unwrap().configs, a.configs);
        }
        // Sobol's first 2^k points are a (0, k, 2)-net in two dimensions, scrambled or
        // not: 16 points put one in each quarter-by-quarter cell of the 20 x 20 grid.
        s.strategy = Strategy::Sobol;
        s.budget = Some(16);
        let space = s.build(&base(), &base()).unwrap();
        let mut cells: Vec<(i64, i64)> = space.configs[1..]
            .iter()
            .map(|c| {
                let q = |k: usize| (c.values[k].as_i64().unwrap() - 1 - 20 * k as i64) / 5;
                (q(0), q(1))
            })
            .collect();
        cells.sort();
        let all: Vec<(i64, i64)> = (0..4).flat_map(|a| (0..4).map(move |b| (a, b))).collect();
        assert_eq!(cells, all);
        s.budget = Some(1 << 17);
        assert!(s.build(&base(), &base()).is_err(), "past 2^16 points");
        s.budget = Some(10);
        // A Latin hypercube uses each tenth of each axis once.
        s.strategy = Strategy::Lhs;
        s.sample_seed = Some(5);
        let space = s.build(&base(), &base()).unwrap();
        let mut tenths: Vec<i64> = space.configs[1..]
            .iter()
            .map(|c| (c.values[0].as_i64().unwrap() - 1) / 2)
            .collect();
        tenths.sort();
        assert_eq!(tenths, (0..10).collect::<Vec<i64>>());
        s.budget = None;
        assert!(s.build(&base(), &base()).is_err());
    }

    #[test]
    fn zipped_parameters_vary_together_and_rules_drop_configurations() {
        let mut s = spec(&[
            ("minReplicas", json!([1, 4, 8])),
            ("maxReplicas", json!([3, 6, 9])),
        ]);
        s.rules.push((
            "minReplicas <= maxReplicas".into(),
            Origin::Arg("--where".into()),
        ));
        let space = s.build(&base(), &base()).unwrap();
        assert_eq!(space.configs.len(), 1 + 6);
        assert_eq!(space.excluded, 3);
        s.zip.push((
            vec!["minReplicas".into(), "maxReplicas".into()],
            Origin::Arg("zip".into()),
        ));
        let space = s.build(&base(), &base()).unwrap();
        assert_eq!(space.configs.len(), 1 + 3);
    }

    #[test]
    fn a_baseline_equal_to_a_grid_point_is_run_once() {
        let s = spec(&[("minReplicas", json!([1, 2, 3]))]);
        let space = s.build(&base(), &base()).unwrap();
        assert_eq!(space.configs.len(), 3);
        assert_eq!(space.configs[0].values, vec![json!(2)]);
    }

    #[test]
    fn unknown_paths_and_names_are_refused_with_a_suggestion() {
        let e = spec(&[("hpa.spec.maxReplica", json!([1]))])
            .build(&base(), &base())
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("did you mean `hpa.spec.maxReplicas`"),
            "{e}"
        );
        let mut s = spec(&[("minReplicas", json!([1]))]);
        s.rules
            .push(("minReplica <= 3".into(), Origin::Arg("--where".into())));
        assert!(s.build(&base(), &base()).is_err());
    }
}
