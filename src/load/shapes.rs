//! Synthetic load shapes: each a rate in closed form and the exact integral of that rate.
//!
//! Owns the formulas of constant, ramp, step, spike, lunch rush, flash sale, daily and weekly
//! shapes. Must not read files, simulate or keep time: a shape is a pure function of the instant.

use super::spec;

/// A shape with its times in milliseconds of scenario time and its values in requests per second.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    Constant(f64),
    /// `from` before `start`, linear to `to` at `end` (`end > start`), `to` after.
    Ramp {
        from: f64,
        to: f64,
        start: i64,
        end: i64,
    },
    /// `from` before `at`, `to` from `at` on.
    Step {
        at: i64,
        from: f64,
        to: f64,
    },
    /// `height` over `[at, end)`.
    Spike {
        at: i64,
        end: i64,
        height: f64,
    },
    /// `base + (peak - base) * envelope`, the envelope a raised-cosine rise over
    /// `[start, start + rise)`, 1 until `end - fall`, a raised-cosine fall to `end`.
    Rush {
        start: i64,
        end: i64,
        rise: i64,
        fall: i64,
        base: f64,
        peak: f64,
    },
    /// `base + (peak - base) * envelope`, the envelope a raised-cosine rise over
    /// `[at, at + rise)` then `exp(-(t - at - rise) / decay)`.
    Flash {
        at: i64,
        rise: i64,
        decay: i64,
        base: f64,
        peak: f64,
    },
    /// `min + (max - min) * (1 + cos(2π (t - peak) / period)) / 2`.
    Cycle {
        min: f64,
        max: f64,
        peak: i64,
        period: i64,
    },
    /// `days[d]` on day `d mod 7`; `before[d]` is the integral of days `0..d`, in requests.
    Weekly {
        days: [f64; 7],
        before: [f64; 8],
    },
}

/// The same shape: the same variant with every time equal and every rate the same to the
/// bit (-0.0 is not 0.0), so that one's rates may stand for the other's.
impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        self.words() == other.words()
    }
}

impl Shape {
    /// The variant and every field as 64-bit words (rates by their bits), for [`PartialEq`].
    fn words(&self) -> (u8, Vec<u64>) {
        let r = |rates: &[f64]| rates.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        let t = |times: &[i64]| times.iter().map(|&v| v as u64).collect::<Vec<_>>();
        let joined = |a: Vec<u64>, b: Vec<u64>| [a, b].concat();
        match *self {
            Shape::Constant(a) => (0, r(&[a])),
            Shape::Ramp {
                from,
                to,
                start,
                end,
            } => (1, joined(r(&[from, to]), t(&[start, end]))),
            Shape::Step { at, from, to } => (2, joined(r(&[from, to]), t(&[at]))),
            Shape::Spike { at, end, height } => (3, joined(r(&[height]), t(&[at, end]))),
            Shape::Rush {
                start,
                end,
                rise,
                fall,
                base,
                peak,
            } => (4, joined(r(&[base, peak]), t(&[start, end, rise, fall]))),
            Shape::Flash {
                at,
                rise,
                decay,
                base,
                peak,
            } => (5, joined(r(&[base, peak]), t(&[at, rise, decay]))),
            Shape::Cycle {
                min,
                max,
                peak,
                period,
            } => (6, joined(r(&[min, max]), t(&[peak, period]))),
            Shape::Weekly { days, before } => (7, joined(r(&days), r(&before))),
        }
    }
}

impl Shape {
    /// The highest rate the shape ever gives (an upper bound on [`Shape::rate`]).
    pub(crate) fn peak(&self) -> f64 {
        match self {
            Shape::Constant(r) => *r,
            Shape::Ramp { from, to, .. } | Shape::Step { from, to, .. } => from.max(*to),
            Shape::Spike { height, .. } => *height,
            Shape::Rush { base, peak, .. } | Shape::Flash { base, peak, .. } => base.max(*peak),
            Shape::Cycle { min, max, .. } => min.max(*max),
            Shape::Weekly { days, .. } => days.iter().copied().fold(0.0, f64::max),
        }
    }
}

const DAY_MS: i64 = 86_400_000;

fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// The raised-cosine ramp from 0 to 1 over `len` ms, at `u` ms from its start.
fn smooth(u: i64, len: i64) -> f64 {
    if u >= len {
        1.0
    } else if u <= 0 {
        0.0
    } else {
        (1.0 - (std::f64::consts::PI * u as f64 / len as f64).cos()) / 2.0
    }
}

/// The integral of [`smooth`] from its start to `u`, in seconds.
fn smooth_integral(u: i64, len: i64) -> f64 {
    if u <= 0 {
        0.0
    } else if u >= len {
        secs(len) / 2.0 + secs(u - len)
    } else {
        let x = std::f64::consts::PI * u as f64 / len as f64;
        secs(u) / 2.0 - secs(len) / (2.0 * std::f64::consts::PI) * x.sin()
    }
}

impl Shape {
    pub(crate) fn ramp(s: &spec::Ramp) -> Shape {
        let (start, end) = (s.start.0.as_millis(), s.end.0.as_millis());
        if end == start {
            Shape::Step {
                at: start,
                from: s.from,
                to: s.to,
            }
        } else {
            Shape::Ramp {
                from: s.from,
                to: s.to,
                start,
                end,
            }
        }
    }

    pub(crate) fn lunch_rush(s: &spec::LunchRush) -> Shape {
        let (rise, fall) = s.rise_fall();
        Shape::Rush {
            start: s.start.0.as_millis(),
            end: s.end.0.as_millis(),
            rise,
            fall,
            base: s.base,
            peak: s.peak,
        }
    }

    pub(crate) fn flash_sale(s: &spec::FlashSale) -> Shape {
        Shape::Flash {
            at: s.at.0.as_millis(),
            rise: s.rise.map_or(0, |d| d.span().as_millis()),
            decay: s.decay.span().as_millis(),
            base: s.base,
            peak: s.peak,
        }
    }

    pub(crate) fn daily(s: &spec::Daily) -> Shape {
        Shape::Cycle {
            min: s.min,
            max: s.max,
            peak: s.peak_at.0.as_millis(),
            period: s.period_ms(),
        }
    }

    pub(crate) fn weekly(s: &spec::Weekly) -> Shape {
        let mut days = [0.0; 7];
        days.copy_from_slice(&s.days[..7]);
        let mut before = [0.0; 8];
        for d in 0..7 {
            before[d + 1] = before[d] + days[d] * secs(DAY_MS);
        }
        Shape::Weekly { days, before }
    }

    /// Requests per second at `t` (ms).
    pub(crate) fn rate(&self, t: i64) -> f64 {
        match *self {
            Shape::Constant(rps) => rps,
            Shape::Ramp {
                from,
                to,
                start,
                end,
            } => {
                if t <= start {
                    from
                } else if t >= end {
                    to
                } else {
                    from + (to - from) * (t - start) as f64 / (end - start) as f64
                }
            }
            Shape::Step { at, from, to } => {
                if t < at {
                    from
                } else {
                    to
                }
            }
            Shape::Spike { at, end, height } => {
                if t >= at && t < end {
                    height
                } else {
                    0.0
                }
            }
            Shape::Rush {
                start,
                end,
                rise,
                fall,
                base,
                peak,
            } => {
                let envelope = if t < start || t >= end {
                    0.0
                } else if t < end - fall {
                    smooth(t - start, rise)
                } else {
                    1.0 - smooth(t - (end - fall), fall)
                };
                base + (peak - base) * envelope
            }
            Shape::Flash {
                at,
                rise,
                decay,
                base,
                peak,
            } => {
                let envelope = if t < at {
                    0.0
                } else if t < at + rise {
                    smooth(t - at, rise)
                } else {
                    (-((t - at - rise) as f64) / decay as f64).exp()
                };
                base + (peak - base) * envelope
            }
            Shape::Cycle {
                min,
                max,
                peak,
                period,
            } => {
                let phase = (t - peak).rem_euclid(period) as f64 / period as f64;
                min + (max - min) * (1.0 + (std::f64::consts::TAU * phase).cos()) / 2.0
            }
            Shape::Weekly { days, .. } => days[t.div_euclid(DAY_MS).rem_euclid(7) as usize],
        }
    }

    /// An antiderivative of [`Shape::rate`] at `t` (requests), so that
    /// `cumulative(b) - cumulative(a)` is the number of requests in `[a, b)`. Each shape
    /// counts from one of its own instants, which keeps the numbers small near it.
    pub(crate) fn cumulative(&self, t: i64) -> f64 {
        match *self {
            Shape::Constant(rps) => rps * secs(t),
            Shape::Ramp {
                from,
                to,
                start,
                end,
            } => {
                if t <= start {
                    from * secs(t - start)
                } else if t >= end {
                    (from + to) / 2.0 * secs(end - start) + to * secs(t - end)
                } else {
                    let u = secs(t - start);
                    from * u + (to - from) * u * u / (2.0 * secs(end - start))
                }
            }
            Shape::Step { at, from, to } => {
                if t < at {
                    from * secs(t - at)
                } else {
                    to * secs(t - at)
                }
            }
            Shape::Spike { at, end, height } => height * secs((t - at).clamp(0, end - at)),
            Shape::Rush {
                start,
                end,
                rise,
                fall,
                base,
                peak,
            } => {
                let top = end - fall;
                let envelope = if t <= start {
                    0.0
                } else if t < top {
                    smooth_integral(t - start, rise)
                } else {
                    let before = smooth_integral(top - start, rise);
                    let u = t.min(end) - top;
                    before + secs(u) - smooth_integral(u, fall)
                };
                base * secs(t - start) + (peak - base) * envelope
            }
            Shape::Flash {
                at,
                rise,
                decay,
                base,
                peak,
            } => {
                let envelope = if t <= at + rise {
                    smooth_integral(t - at, rise)
                } else {
                    let tau = secs(decay);
                    secs(rise) / 2.0
                        + tau * (1.0 - (-((t - at - rise) as f64) / decay as f64).exp())
                };
                base * secs(t - at) + (peak - base) * envelope
            }
            Shape::Cycle {
                min,
                max,
                peak,
                period,
            } => {
                let u = t - peak;
                let phase = u.rem_euclid(period) as f64 / period as f64;
                (min + max) / 2.0 * secs(u)
                    + (max - min) / 2.0 * secs(period) / std::f64::consts::TAU
                        * (std::f64::consts::TAU * phase).sin()
            }
            Shape::Weekly { days, before } => {
                let day = t.div_euclid(DAY_MS);
                let week = day.div_euclid(7);
                let d = day.rem_euclid(7) as usize;
                week as f64 * before[7] + before[d] + days[d] * secs(t - day * DAY_MS)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integral by the midpoint rule on 1 ms steps, to check each closed form.
    fn numeric(shape: &Shape, a: i64, b: i64) -> f64 {
        let step = ((b - a) / 20_000).max(1);
        let mut sum = 0.0;
        let mut x = a;
        while x < b {
            let next = (x + step).min(b);
            sum += shape.rate(x + (next - x) / 2) * secs(next - x);
            x = next;
        }
        sum
    }

    #[test]
    fn every_integral_agrees_with_its_rate() {
        let shapes = [
            Shape::Constant(7.0),
            Shape::Ramp {
                from: 10.0,
                to: 50.0,
                start: 100_000,
                end: 700_000,
            },
            Shape::Step {
                at: 300_000,
                from: 5.0,
                to: 9.0,
            },
            Shape::Spike {
                at: 200_000,
                end: 260_000,
                height: 30.0,
            },
            Shape::Rush {
                start: 100_000,
                end: 900_000,
                rise: 300_000,
                fall: 200_000,
                base: 5.0,
                peak: 40.0,
            },
            Shape::Flash {
                at: 100_000,
                rise: 60_000,
                decay: 120_000,
                base: 10.0,
                peak: 100.0,
            },
            Shape::Cycle {
                min: 2.0,
                max: 10.0,
                peak: 250_000,
                period: 600_000,
            },
            Shape::weekly(&spec::Weekly {
                days: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                scale: None,
                shift: None,
            }),
        ];
        for shape in &shapes {
            for (a, b) in [
                (0, 1_000_000),
                (150_000, 151_000),
                (-50_000, 2_000_000),
                (650_000, 980_000),
                (-DAY_MS, 9 * DAY_MS + 5),
            ] {
                let exact = shape.cumulative(b) - shape.cumulative(a);
                let approx = numeric(shape, a, b);
                let tolerance = 1e-6 * approx.abs().max(1.0) + 1e-3 * secs(b - a).max(1.0);
                assert!(
                    (exact - approx).abs() <= tolerance,
                    "{shape:?} over [{a}, {b}): closed form {exact}, numeric {approx}"
                );
            }
        }
    }

    #[test]
    fn smooth_ramps_are_continuous() {
        assert_eq!(smooth(0, 100), 0.0);
        assert!((smooth(50, 100) - 0.5).abs() < 1e-12);
        assert_eq!(smooth(100, 100), 1.0);
        assert_eq!(smooth(5, 0), 1.0);
        assert!((smooth_integral(100_000, 100_000) - 50.0).abs() < 1e-9);
        assert_eq!(smooth_integral(5, 0), 0.005);
    }
}
