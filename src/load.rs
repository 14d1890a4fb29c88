//! Load: the scenario's `load:` section as a request rate over simulated time.
//!
//! Owns reading traces (CSV, Prometheus JSON), the synthetic shapes, their combinations and noise.
//! Must not simulate, read a wall clock, or draw randomness except from the rng it is handed.
//! Imports only `core` and `units` (and `error`, which every layer shares).
//!
//! # The `load:` list
//!
//! The entries of `load:` are **added**. Rates are in requests per second; times are a time
//! of day (`"11:30"`), a duration (`"2h"`, the same as `"02:00"`) or seconds, all counted
//! from the scenario's midnight (not from `start`); lengths are `"30s"`, `"5m"`,
//! `"1h30m"`. Every entry but `noise` also takes `scale` (a factor, default 1) and `shift`
//! (`"30m"` moves it later, `"-1h"` earlier).
//!
//! ```yaml
//! load:
//!   - constant: {rps: 100}
//!   - ramp: {from: 50, to: 400, start: "11:00", end: "12:00"}     # linear between start and end
//!   - step: {at: "12:00", from: 50, to: 200}
//!   - spike: {at: "12:00", duration: 5m, height: 300}              # added rate, 0 outside
//!   - lunchRush: {start: "11:30", end: "13:00", peak: 400, base: 50} # smooth bump; rise/fall optional
//!   - flashSale: {at: "20:00", peak: 2000, rise: 2m, decay: 30m, base: 100}
//!   - daily: {min: 20, max: 300, peakAt: "14:00"}                  # 24 h cosine; period optional
//!   - weekly: {days: [1, 1, 1, 1, 1, 0.6, 0.5]}                    # a value per day from day 0
//!   - trace: {file: ../traces/nasa_http_1995-07_60s.csv, scale: 50, shift: "-6h", onEnd: loop}
//!   - product: [{daily: {min: 20, max: 300, peakAt: "14:00"}}, {weekly: {days: [1, 1, 1, 1, 1, 0.5, 0.5]}}]
//!   - sum: {of: [{constant: {rps: 10}}, {spike: {at: "9:00", duration: 1m, height: 50}}], scale: 2}
//!   - repeat: {every: 24h, of: {lunchRush: {start: "11:30", end: "13:00", peak: 300}}}
//!   - noise: {poisson: true}                                       # or {lognormal: {sigma: 0.1}}, or both
//! ```
//!
//! A trace's rate at `t` is the value of its last sample at or before `t` (a step function);
//! its first sample is at time 0 (plus `shift`) and before it the trace gives 0. A trace
//! that ends before the scenario is refused unless `onEnd` says `hold`, `loop` or `zero`.

mod noise;
mod prometheus;
mod shapes;
mod spec;
mod trace;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::rngs::ChaCha8Rng;

use crate::core::{Span, Time};
use crate::error::Error;

pub use spec::{
    Combine, Constant, Daily, FlashSale, LoadSpec, LogNormalNoise, LunchRush, NoiseSpec, OnEnd,
    Ramp, Repeat, Shift, Spike, Step, TraceFormat, TraceSpec, Weekly,
};
pub use spec::{MAX_RPS, MAX_SCALE};

use crate::units::span_text;
use noise::Noise;
use shapes::Shape;
use spec::Check;
use trace::Trace;

/// The validated load of a scenario: a rate function of time plus its noise.
#[derive(Clone, Debug)]
pub struct Load {
    root: Node,
    noise: Noise,
}

/// An evaluated entry; times in milliseconds, rates in requests per second.
#[derive(Clone, Debug)]
enum Node {
    Shape(Shape),
    Trace(Arc<Trace>),
    Sum(Vec<Node>),
    Product(Vec<Node>),
    /// `of` over `[0, every)`, repeated; `per_period` is its integral over one period.
    Repeat {
        every: i64,
        per_period: f64,
        of: Box<Node>,
    },
    /// `scale * of(t - shift)`.
    Transform {
        scale: f64,
        shift: i64,
        of: Box<Node>,
    },
}

/// The largest trace file read: 64 MiB (a year of one-second samples in CSV is about
/// 400 MiB, a month of them about 35 MiB). Larger files, and endless ones such as
/// `/dev/zero`, are refused by name before they fill memory.
pub const MAX_TRACE_BYTES: u64 = 64 << 20;

/// Reads `path` as UTF-8 text of at most `limit` bytes; a larger file is refused, naming
/// the limit, after reading no more than `limit + 1` bytes; text that is not UTF-8 is
/// refused at the line and column of its first bad byte.
pub fn read_input(path: &Path, limit: u64) -> Result<String, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(Error::Input {
            path: path.to_path_buf(),
            location: None,
            message: format!(
                "larger than the limit of {} MiB for this kind of file; expected a {} file (the README's `Limits`)",
                limit >> 20,
                if limit == MAX_TRACE_BYTES {
                    "smaller trace"
                } else {
                    "smaller"
                }
            ),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The valid prefix is UTF-8 by construction.
        let before = std::str::from_utf8(valid).unwrap_or_default();
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        Error::Input {
            path: path.to_path_buf(),
            location: Some(crate::error::Location { line, column }),
            message: format!(
                "not UTF-8 text (byte {} is not); expected a text file in UTF-8",
                valid.len()
            ),
        }
    })
}

/// The step of the midpoint rule a `product` is integrated with: whole seconds.
const PRODUCT_STEP_MS: i64 = 1000;

impl Node {
    /// Whether `other` is this node: the same shapes and factors to the bit, the same
    /// traces (the same shared samples, not merely equal ones). A "no" for equal nodes
    /// only costs a memo its hit; a "yes" is never wrong.
    fn is_same(&self, other: &Node) -> bool {
        let all = |a: &[Node], b: &[Node]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.is_same(y))
        };
        match (self, other) {
            (Node::Shape(a), Node::Shape(b)) => a == b,
            (Node::Trace(a), Node::Trace(b)) => Arc::ptr_eq(a, b),
            (Node::Sum(a), Node::Sum(b)) | (Node::Product(a), Node::Product(b)) => all(a, b),
            (
                Node::Repeat {
                    every,
                    per_period,
                    of,
                },
                Node::Repeat {
                    every: e,
                    per_period: p,
                    of: o,
                },
            ) => every == e && per_period.to_bits() == p.to_bits() && of.is_same(o),
            (
                Node::Transform { scale, shift, of },
                Node::Transform {
                    scale: s,
                    shift: h,
                    of: o,
                },
            ) => scale.to_bits() == s.to_bits() && shift == h && of.is_same(o),
            _ => false,
        }
    }

    /// An upper bound on [`Node::rate`]: what the limits on the load's peak are checked on.
    fn peak(&self) -> f64 {
        match self {
            Node::Shape(s) => s.peak(),
            Node::Trace(tr) => tr.peak(),
            Node::Sum(nodes) => nodes.iter().map(Node::peak).sum(),
            Node::Product(nodes) => nodes.iter().map(Node::peak).product(),
            Node::Repeat { of, .. } => of.peak(),
            Node::Transform { scale, of, .. } => scale * of.peak(),
        }
    }

    fn rate(&self, t: i64) -> f64 {
        match self {
            Node::Shape(s) => s.rate(t),
            Node::Trace(tr) => tr.rate(t),
            Node::Sum(nodes) => nodes.iter().map(|n| n.rate(t)).sum(),
            Node::Product(nodes) => nodes.iter().map(|n| n.rate(t)).product(),
            Node::Repeat { every, of, .. } => of.rate(t.rem_euclid(*every)),
            Node::Transform { scale, shift, of } => scale * of.rate(t.saturating_sub(*shift)),
        }
    }

    /// Requests over `[a, b)`: exact for shapes, traces and their sums; a product is
    /// integrated by the midpoint rule on whole-second steps.
    fn integral(&self, a: i64, b: i64) -> f64 {
        if b <= a {
            return 0.0;
        }
        match self {
            Node::Shape(s) => s.cumulative(b) - s.cumulative(a),
            Node::Trace(tr) => tr.cumulative(b) - tr.cumulative(a),
            Node::Sum(nodes) => nodes.iter().map(|n| n.integral(a, b)).sum(),
            Node::Product(_) => {
                let mut sum = 0.0;
                let mut x = a;
                while x < b {
                    let next = ((x.div_euclid(PRODUCT_STEP_MS) + 1) * PRODUCT_STEP_MS).min(b);
                    sum += self.rate(x + (next - x) / 2) * (next - x) as f64 / 1000.0;
                    x = next;
                }
                sum
            }
            Node::Repeat {
                every,
                per_period,
                of,
            } => {
                let upto = |t: i64| {
                    t.div_euclid(*every) as f64 * per_period + of.integral(0, t.rem_euclid(*every))
                };
                upto(b) - upto(a)
            }
            Node::Transform { scale, shift, of } => {
                scale * of.integral(a.saturating_sub(*shift), b.saturating_sub(*shift))
            }
        }
    }

    /// `(rate(a), integral(a, b))`, as the two would be computed apart.
    fn rate_and_integral(&self, a: i64, b: i64) -> (f64, f64) {
        match self {
            Node::Trace(tr) if b > a => tr.rate_and_integral(a, b),
            Node::Transform { scale, shift, of } if b > a => {
                let (rate, integral) =
                    of.rate_and_integral(a.saturating_sub(*shift), b.saturating_sub(*shift));
                (scale * rate, scale * integral)
            }
            _ => (self.rate(a), self.integral(a, b)),
        }
    }
}

/// What building an entry needs to know: where files are, and until when (in the entry's
/// own time) a trace must have values.
struct Context<'a> {
    base_dir: &'a Path,
    need: i64,
}

impl Load {
    /// Builds the load from the scenario's `load:` list. `base_dir` resolves relative trace paths
    /// (it is the scenario file's folder); `duration` is the scenario's length: a trace shorter than
    /// it is refused unless the entry says what to do past its end (`onEnd: hold | loop | zero`).
    ///
    /// Entries read from YAML were checked as they were read, with their line; entries made
    /// in code are checked here, and an error then names `base_dir` and the entry's place
    /// (`load[2].sum[0]`). An empty list is a load of 0.
    pub fn build(specs: &[LoadSpec], base_dir: &Path, duration: Span) -> Result<Load, Error> {
        let ctx = Context {
            base_dir,
            need: duration.as_millis(),
        };
        let mut nodes = Vec::new();
        let mut noises = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let place = format!("load[{i}]");
            match spec {
                LoadSpec::Noise(n) => {
                    checked(spec, base_dir, &place)?;
                    noises.push(n);
                }
                _ => nodes.push(node(spec, &ctx, &place)?),
            }
        }
        let root = if nodes.len() == 1 {
            nodes.pop().expect("one node")
        } else {
            Node::Sum(nodes)
        };
        Ok(Load {
            root,
            noise: Noise::merge(&noises),
        })
    }

    /// The mean request rate (requests per second) at `t`, noise excluded. O(1) per call:
    /// the simulator calls it every simulated second over weeks of time.
    pub fn rate(&self, t: Time) -> f64 {
        self.root.rate(t.as_millis())
    }

    /// The expected number of requests in `[t, t + dt)`, noise excluded: the integral of
    /// [`Load::rate`], exact except inside a `product` (midpoint rule on whole seconds).
    /// Its cost grows with `dt` only inside a `product`, never with a trace's length.
    pub fn requests(&self, t: Time, dt: Span) -> f64 {
        let a = t.as_millis();
        self.root.integral(a, a.saturating_add(dt.as_millis()))
    }

    /// Requests arriving in [t, t + dt): the rate over that interval (mean of rate, or its integral)
    /// with the noise the scenario asks for, drawn from `rng` (a ChaCha8 stream the simulator
    /// reserves for arrivals). Without noise it is deterministic and does not touch `rng`.
    ///
    /// With a lognormal jitter, one factor is drawn per call, so the jitter is independent
    /// from one interval to the next; with Poisson noise the result is a whole number.
    pub fn arrivals(&self, t: Time, dt: Span, rng: &mut ChaCha8Rng) -> f64 {
        // Without noise, `apply` is the mean and draws nothing.
        self.noise.apply(self.requests(t, dt), rng)
    }

    /// [`Load::rate`] at `t` and [`Load::arrivals`] over `[t, t + dt)` at once, the same
    /// figures bit for bit: the simulator asks for both every simulated second, and a
    /// trace finds its sample once for the two.
    pub fn rate_and_arrivals(&self, t: Time, dt: Span, rng: &mut ChaCha8Rng) -> (f64, f64) {
        let a = t.as_millis();
        let (rate, mean) = self
            .root
            .rate_and_integral(a, a.saturating_add(dt.as_millis()));
        (rate, self.noise.apply(mean, rng))
    }

    /// An upper bound on [`Load::rate`] at any time: each entry's highest rate, summed,
    /// multiplied and scaled as the entries are. Each rate and factor is bounded where it
    /// is written; the scenario bounds this too, so no run meets an infinite rate.
    pub fn peak(&self) -> f64 {
        self.root.peak()
    }

    /// Whether `other` is this load: the same entries (a trace the same shared samples, as
    /// a scenario's copies share them) and the same noise. Runs on the same seed then draw
    /// the same rates and arrivals every second.
    pub fn is_same(&self, other: &Load) -> bool {
        self.root.is_same(&other.root) && self.noise == other.noise
    }

    /// Whether any entry asks for noise.
    pub fn is_noisy(&self) -> bool {
        self.noise.is_noisy()
    }
}

/// Parses a trace's text as `format` (`path` names it in errors) and evaluates it as a run
/// would, before, within and past its end for each `onEnd`; returns its number of samples.
/// The entry point of the trace fuzz targets and of the test over their corpus.
pub fn parse_trace(text: &str, format: TraceFormat, path: &Path) -> Result<usize, Error> {
    let samples = match format {
        TraceFormat::Csv => trace::parse_csv(text, path)?,
        TraceFormat::Prometheus => prometheus::parse_prometheus(text, path)?,
    };
    for on_end in [OnEnd::Hold, OnEnd::Loop, OnEnd::Zero] {
        let tr = Trace::new(&samples.points, on_end);
        let end = tr.end();
        for t in [
            -1,
            0,
            end / 2,
            end,
            end.saturating_add(1),
            end.saturating_mul(3),
        ] {
            let _ = (tr.rate(t), tr.cumulative(t));
            let _ = tr.rate_and_integral(t, t.saturating_add(1000));
        }
    }
    Ok(samples.points.len())
}

fn checked(spec: &LoadSpec, base_dir: &Path, place: &str) -> Result<(), Error> {
    spec.check().map_err(|message| Error::Input {
        path: base_dir.to_path_buf(),
        location: None,
        message: format!("{place}: {message}"),
    })
}

fn wrap(node: Node, scale: Option<f64>, shift: Option<Shift>) -> Node {
    let shift = shift.map_or(0, Shift::millis);
    match scale {
        None if shift == 0 => node,
        _ => Node::Transform {
            scale: scale.unwrap_or(1.0),
            shift,
            of: Box::new(node),
        },
    }
}

fn node(spec: &LoadSpec, ctx: &Context, place: &str) -> Result<Node, Error> {
    checked(spec, ctx.base_dir, place)?;
    let shifted = |shift: Option<Shift>| Context {
        base_dir: ctx.base_dir,
        need: ctx.need.saturating_sub(shift.map_or(0, Shift::millis)),
    };
    Ok(match spec {
        LoadSpec::Constant(s) => wrap(Node::Shape(Shape::Constant(s.rps)), s.scale, s.shift),
        LoadSpec::Ramp(s) => wrap(Node::Shape(Shape::ramp(s)), s.scale, s.shift),
        LoadSpec::Step(s) => {
            let shape = Shape::Step {
                at: s.at.0.as_millis(),
                from: s.from,
                to: s.to,
            };
            wrap(Node::Shape(shape), s.scale, s.shift)
        }
        LoadSpec::Spike(s) => {
            let at = s.at.0.as_millis();
            let shape = Shape::Spike {
                at,
                end: at.saturating_add(s.duration.span().as_millis()),
                height: s.height,
            };
            wrap(Node::Shape(shape), s.scale, s.shift)
        }
        LoadSpec::LunchRush(s) => wrap(Node::Shape(Shape::lunch_rush(s)), s.scale, s.shift),
        LoadSpec::FlashSale(s) => wrap(Node::Shape(Shape::flash_sale(s)), s.scale, s.shift),
        LoadSpec::Daily(s) => wrap(Node::Shape(Shape::daily(s)), s.scale, s.shift),
        LoadSpec::Weekly(s) => wrap(Node::Shape(Shape::weekly(s)), s.scale, s.shift),
        LoadSpec::Trace(s) => wrap(
            Node::Trace(Arc::new(load_trace(s, &shifted(s.shift))?)),
            s.scale,
            s.shift,
        ),
        LoadSpec::Sum(c) | LoadSpec::Product(c) => {
            let inner = shifted(c.shift);
            let name = if matches!(spec, LoadSpec::Sum(_)) {
                "sum"
            } else {
                "product"
            };
            let nodes =
                c.of.iter()
                    .enumerate()
                    .map(|(i, e)| node(e, &inner, &format!("{place}.{name}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?;
            let combined = if matches!(spec, LoadSpec::Sum(_)) {
                Node::Sum(nodes)
            } else {
                Node::Product(nodes)
            };
            wrap(combined, c.scale, c.shift)
        }
        LoadSpec::Repeat(r) => {
            let every = r.every.span().as_millis();
            let inner = Context {
                base_dir: ctx.base_dir,
                need: shifted(r.shift).need.clamp(0, every),
            };
            let of = node(&r.of, &inner, &format!("{place}.repeat.of"))?;
            let per_period = of.integral(0, every);
            let repeat = Node::Repeat {
                every,
                per_period,
                of: Box::new(of),
            };
            wrap(repeat, r.scale, r.shift)
        }
        LoadSpec::Noise(_) => {
            return Err(Error::Input {
                path: ctx.base_dir.to_path_buf(),
                location: None,
                message: format!(
                    "{place}: noise applies to the whole load: write it as an entry of `load:` itself"
                ),
            });
        }
    })
}

/// Reads a trace entry's file and checks it covers the time the scenario needs of it.
fn load_trace(s: &TraceSpec, ctx: &Context) -> Result<Trace, Error> {
    let path: PathBuf = ctx.base_dir.join(&s.file);
    let format = match s.format {
        Some(f) => f,
        None => match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => TraceFormat::Csv,
            Some(e) if e.eq_ignore_ascii_case("json") => TraceFormat::Prometheus,
            _ => {
                return Err(trace::input(
                    &path,
                    None,
                    "cannot tell the trace's format from its name; add `format: csv` or `format: prometheus` to the trace entry".into(),
                ));
            }
        },
    };
    let samples = match format {
        TraceFormat::Csv => trace::read_csv(&path)?,
        TraceFormat::Prometheus => prometheus::read_prometheus(&path)?,
    };
    let on_end = s.on_end.unwrap_or_default();
    let tr = Trace::new(&samples.points, on_end);
    let field = match format {
        TraceFormat::Csv => "time_s",
        TraceFormat::Prometheus => "values",
    };
    // A one-sample trace has no length: it cannot loop whatever the scenario needs of it
    // (even nothing, as when a `shift` or a `repeat` leaves no time to cover).
    if tr.end() == 0 && (on_end == OnEnd::Loop || (on_end == OnEnd::Refuse && ctx.need > 0)) {
        let what = if on_end == OnEnd::Loop {
            "cannot loop"
        } else {
            "does not cover the scenario"
        };
        return Err(trace::input(
            &path,
            samples.last,
            format!(
                "{field}: one sample, so its bin has no length and the trace {what}; add samples, or use `onEnd: hold` for a constant"
            ),
        ));
    }
    if on_end == OnEnd::Refuse && tr.end() < ctx.need {
        return Err(trace::input(
            &path,
            samples.last,
            format!(
                "{field}: the trace lasts {} ({} samples, the last one's bin included) but the scenario needs {} of it; \
                 say what follows its end with `onEnd: hold`, `loop` or `zero` in the trace entry",
                span_text(tr.end()),
                tr.len(),
                span_text(ctx.need),
            ),
        ));
    }
    Ok(tr)
}
