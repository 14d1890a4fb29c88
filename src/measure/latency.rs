//! How long a request takes: each pod is an M/M/c queue, and overload adds a fluid backlog.
//!
//! # One pod in steady state
//! A pod is an M/M/c queue: `c` servers (one per CPU core of its limit, unless the scenario
//! says otherwise), each serving at `mu` requests/s with exponential service times, fed by
//! Poisson arrivals at `lambda` requests/s. With offered load `a = lambda / mu` and
//! utilisation `rho = a / c < 1` (Kleinrock, *Queueing Systems* vol. 1, §3.5; Gross &
//! Harris, *Fundamentals of Queueing Theory*, §2.3):
//!
//! - Erlang B by its recursion `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`, and
//!   Erlang C (the probability a request waits) `C = c B(c) / (c - a (1 - B(c)))`;
//! - the wait `W`: `P(W > t) = C e^(-theta t)`, with `theta = c mu - lambda`;
//! - the time in the pod `T = W + S`, `S ~ Exp(mu)`: with probability `1 - C` it is
//!   `Exp(mu)`, else the sum of `Exp(theta)` and `Exp(mu)`, so
//!   `P(T > t) = (1 - C) e^(-mu t) + C (theta e^(-mu t) - mu e^(-theta t)) / (theta - mu)`,
//!   which at `theta = mu` is `(1 - C) e^(-mu t) + C (1 + mu t) e^(-mu t)`. We evaluate the
//!   second term as `e^(-mu t) (1 + mu t (1 - e^(-x)) / x)`, `x = (theta - mu) t`, near
//!   `x = 0`, so the limit case needs no special branch and loses no digits.
//!
//! Percentiles invert `P(T > t) = 1 - p` by bisection (the survival function is strictly
//! decreasing), to a relative width of 1e-12 in `t`.
//!
//! # One second of the simulation ([`second_latency`], [`fraction_slower`])
//! The load splits evenly: each serving pod sees `lambda = arrivals / serving_pods`. The
//! serving model's `capacity_per_pod` is authoritative: the per-server rate becomes
//! `mu = capacity_per_pod / c`, so `c mu` is exactly what the simulator lets a pod serve
//! (the queue's own `service_rate` is then ignored; only its server count matters).
//!
//! - **Steady** (no backlog, `rho < ` [`UTILISATION_CAP`]): `T` as above at `lambda`.
//! - **Overloaded** (backlog > 0, or `rho >= ` the cap): the servers are saturated, so the
//!   stochastic part is taken at the capped utilisation, `lambda = cap * c mu`, and every
//!   request also waits behind the fluid backlog, drained at full throughput:
//!   `w_b = backlog / (serving_pods * capacity_per_pod)`. A request's time is `w_b + T`.
//!
//! The cap is 0.95. A steady-state M/M/c queue is unbounded as `rho -> 1`, but within a
//! second a queue at critical load builds only a finite queue (for an M/M/1 at a few
//! hundred requests/s, about as long as the steady-state queue at `rho ~ 0.95`); beyond
//! that, overload is the simulator's fluid backlog, which we add as `w_b`. So latency is
//! continuous as load crosses the cap, never decreases with load or backlog, and a
//! spike's backlog keeps latency high over the seconds it takes to drain. The backlog is
//! the one at the end of the second: every request of the second is charged that wait.

use serde::Serialize;

/// The utilisation at which a pod's queue counts as saturated (see the module doc).
pub const UTILISATION_CAP: f64 = 0.95;

/// Relative width at which the percentile search stops.
const PERCENTILE_TOLERANCE: f64 = 1e-12;

/// One pod as a queue: `servers` parallel servers, each serving `service_rate`
/// requests/s with exponential service times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodQueue {
    /// Parallel servers: one per CPU core of the pod's limit, unless a scenario says.
    pub servers: u32,
    /// Requests/s one server completes (mu).
    pub service_rate: f64,
}

impl PodQueue {
    /// Requests/s the pod serves at most: `servers * service_rate`.
    pub fn capacity_rps(&self) -> f64 {
        self.servers as f64 * self.service_rate
    }

    /// True when the pod can serve anything at all.
    fn serves(&self) -> bool {
        self.servers > 0 && self.service_rate > 0.0 && self.service_rate.is_finite()
    }
}

/// Erlang C: the probability that an arriving request waits, for `servers` servers and
/// `offered_load = lambda / mu` (in Erlangs).
///
/// Computed through the Erlang B recursion (no factorials or powers, so it neither
/// overflows nor loses digits for many servers). Returns 1 when `offered_load >= servers`
/// (the queue never empties) or there is no server, and 0 when the load is not a positive
/// number.
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    let a = offered_load;
    if servers == 0 {
        return 1.0;
    }
    if a.is_nan() || a <= 0.0 {
        return 0.0;
    }
    let c = servers as f64;
    if a >= c {
        return 1.0;
    }
    let mut b = 1.0;
    for k in 1..=servers {
        b = a * b / (k as f64 + a * b);
        // Past the load B only shrinks; once it underflows it stays 0.
        if b == 0.0 {
            break;
        }
    }
    (c * b / (c - a * (1.0 - b))).clamp(0.0, 1.0)
}

/// A rate as the queue reads it: anything not a positive number is no load.
fn rate(lambda: f64) -> f64 {
    if lambda > 0.0 { lambda } else { 0.0 }
}

/// A time as the survival functions read it: NaN reads as 0.
fn time(t: f64) -> f64 {
    if t.is_nan() { 0.0 } else { t }
}

/// `(1 - e^(-x)) / x`, 1 at 0, accurate for small `x`.
fn one_minus_exp_over(x: f64) -> f64 {
    if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x }
}

/// `P(W > t)`: the steady-state probability a request waits longer than `t` seconds
/// before a server takes it, `C e^(-(c mu - lambda) t)`.
///
/// 1 when the queue is unstable (`lambda >= c mu`) or cannot serve, and for `t < 0`.
pub fn waiting_exceeds(q: &PodQueue, arrival_rate: f64, t: f64) -> f64 {
    let (lambda, t) = (rate(arrival_rate), time(t));
    if !q.serves() || lambda >= q.capacity_rps() || t < 0.0 {
        return 1.0;
    }
    let theta = q.capacity_rps() - lambda;
    erlang_c(q.servers, lambda / q.service_rate) * (-theta * t).exp()
}

/// The time in the pod of an M/M/c queue at one operating point: its survival function
/// and density, with Erlang C computed once.
struct Sojourn {
    mu: f64,
    theta: f64,
    wait: f64,
}

impl Sojourn {
    /// None when the queue is unstable or cannot serve.
    fn new(q: &PodQueue, arrival_rate: f64) -> Option<Sojourn> {
        let lambda = rate(arrival_rate);
        if !q.serves() || lambda >= q.capacity_rps() {
            return None;
        }
        Some(Sojourn {
            mu: q.service_rate,
            theta: q.capacity_rps() - lambda,
            wait: erlang_c(q.servers, lambda / q.service_rate),
        })
    }

    /// `(P(T > t), density of T at t)` for `t > 0`.
    fn at(&self, t: f64) -> (f64, f64) {
        let (mu, theta, c) = (self.mu, self.theta, self.wait);
        let e_mu = (-mu * t).exp();
        let x = (theta - mu) * t;
        // P(Exp(theta) + Exp(mu) > t) and its density: the series form near theta = mu,
        // the plain difference elsewhere (there the two terms differ by a factor e or more).
        let (both, both_density) = if x.abs() < 1.0 {
            let r = one_minus_exp_over(x);
            (e_mu * (1.0 + mu * t * r), theta * mu * t * e_mu * r)
        } else {
            let e_theta = (-theta * t).exp();
            (
                (theta * e_mu - mu * e_theta) / (theta - mu),
                theta * mu * (e_mu - e_theta) / (theta - mu),
            )
        };
        (
            ((1.0 - c) * e_mu + c * both).clamp(0.0, 1.0),
            ((1.0 - c) * mu * e_mu + c * both_density).max(0.0),
        )
    }

    /// Where the search for the `p`-quantile starts: the root of the survival function's
    /// tail, `A e^(-r t) = 1 - p`, `r` the slower of the two rates and `A` its weight
    /// (exact for M/M/1 and whenever nobody waits; within a few per cent at p95 and p99).
    /// Newton's method then needs two or three steps where it needed several after a
    /// doubling search (that search was a third of a sweep's time).
    fn first_guess(&self, p: f64) -> f64 {
        let (mu, theta, c) = (self.mu, self.theta, self.wait);
        let gap = theta - mu;
        let (weight, slow) = if gap.abs() <= 0.1 * mu {
            // Rates close: e^(-mu t) (1 + C mu t) is the tail; take its exponential part.
            (1.0, mu.min(theta))
        } else if gap > 0.0 {
            ((1.0 - c) + c * theta / gap, mu)
        } else {
            (c * mu / -gap, theta)
        };
        let t = (weight / (1.0 - p)).ln() / slow;
        if t.is_finite() && t > 0.0 {
            t
        } else {
            0.5 / mu.max(theta)
        }
    }

    /// The `p`-quantile, `0 < p < 1`: Newton's method on the survival function from the
    /// tail's root ([`Sojourn::first_guess`]), kept inside the bracket its steps have
    /// found (bisection when a step would leave it, doubling while no point right of the
    /// root is known); stops at a relative width of 1e-12.
    fn quantile(&self, p: f64) -> f64 {
        let target = 1.0 - p;
        let mut lo = 0.0;
        let mut hi = f64::INFINITY;
        let mut t = self.first_guess(p);
        for _ in 0..400 {
            let (survival, density) = self.at(t);
            if survival > target {
                lo = t;
            } else {
                hi = t;
            }
            let newton = t + (survival - target) / density;
            // An infinite step is no answer (inf - t is within any share of inf).
            if density > 0.0
                && newton.is_finite()
                && (newton - t).abs() <= PERCENTILE_TOLERANCE * newton
            {
                return newton;
            }
            let next = if density > 0.0 && newton > lo && newton < hi {
                newton
            } else if hi.is_finite() {
                // Halved first where the sum would pass the largest finite time.
                let mid = 0.5 * (lo + hi);
                if mid.is_finite() {
                    mid
                } else {
                    0.5 * lo + 0.5 * hi
                }
            } else if t < f64::MAX {
                // Doubling stops at the largest finite time: a root below it is found
                // whatever the first guess (p95 and p99 from different guesses keep
                // their order).
                (2.0 * t).min(f64::MAX)
            } else {
                // Longer than every finite time.
                return f64::INFINITY;
            };
            if !next.is_finite() {
                return f64::INFINITY;
            }
            if hi.is_finite() && hi - lo <= PERCENTILE_TOLERANCE * hi {
                return next;
            }
            t = next;
        }
        t
    }
}

/// `P(T > t)`: the steady-state probability a request spends longer than `t` seconds in
/// the pod, waiting plus being served (closed form in the module doc).
///
/// 1 when the queue is unstable or cannot serve, and for `t <= 0`.
pub fn sojourn_exceeds(q: &PodQueue, arrival_rate: f64, t: f64) -> f64 {
    let t = time(t);
    if t <= 0.0 {
        return 1.0;
    }
    match Sojourn::new(q, arrival_rate) {
        None => 1.0,
        Some(_) if t == f64::INFINITY => 0.0,
        Some(s) => s.at(t).0,
    }
}

/// The `p`-quantile of the time in the pod, seconds: the `t` with `P(T > t) = 1 - p`.
///
/// Safeguarded Newton on the strictly decreasing survival function, to a relative width
/// of 1e-12. `p <= 0` (or NaN) gives 0; `p >= 1`, an unstable queue or one that cannot
/// serve give infinity.
pub fn sojourn_percentile(q: &PodQueue, arrival_rate: f64, p: f64) -> f64 {
    if p.is_nan() || p <= 0.0 {
        return 0.0;
    }
    match Sojourn::new(q, arrival_rate) {
        Some(s) if p < 1.0 => s.quantile(p),
        _ => f64::INFINITY,
    }
}

/// One second as the simulator recorded it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SecondLoad {
    /// Requests that arrived in the second.
    pub arrivals: f64,
    /// Pods serving (Ready, application up).
    pub serving_pods: f64,
    /// Requests/s one pod serves at most (normally `servers * service_rate`).
    pub capacity_per_pod: f64,
    /// Requests waiting in the fluid overload queue at the end of the second.
    pub backlog: f64,
}

/// A second's latency percentiles, seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Latency {
    /// Median.
    pub p50_s: f64,
    /// 95th percentile.
    pub p95_s: f64,
    /// 99th percentile.
    pub p99_s: f64,
}

/// What a request of the second meets: the pod's queue at the second's capacity, the
/// per-pod arrival rate it is evaluated at, and the wait behind the backlog.
struct Operating {
    queue: PodQueue,
    arrival_rate: f64,
    backlog_wait_s: f64,
}

fn operating(q: &PodQueue, s: &SecondLoad) -> Option<Operating> {
    let pods = s.serving_pods;
    let capacity = s.capacity_per_pod;
    let positive = |x: f64| x > 0.0 && x.is_finite();
    if !positive(pods) || !positive(capacity) || q.servers == 0 {
        return None;
    }
    let queue = PodQueue {
        servers: q.servers,
        service_rate: capacity / q.servers as f64,
    };
    let lambda = rate(s.arrivals) / pods;
    let backlog = rate(s.backlog);
    let overloaded = backlog > 0.0 || lambda >= UTILISATION_CAP * capacity;
    Some(Operating {
        queue,
        arrival_rate: if overloaded {
            UTILISATION_CAP * capacity
        } else {
            lambda
        },
        // Divided in turn so that huge figures give infinity, never NaN.
        backlog_wait_s: backlog / pods / capacity,
    })
}

/// The `p`-quantile of a request's latency in the second, seconds (model in the module
/// doc). None when no pod serves (no serving pod, no server, or no capacity).
pub fn second_percentile(q: &PodQueue, s: &SecondLoad, p: f64) -> Option<f64> {
    let o = operating(q, s)?;
    Some(o.backlog_wait_s + sojourn_percentile(&o.queue, o.arrival_rate, p))
}

/// The second's median, 95th and 99th percentile latency; None when no pod serves.
pub fn second_latency(q: &PodQueue, s: &SecondLoad) -> Option<Latency> {
    let o = operating(q, s)?;
    let sojourn = Sojourn::new(&o.queue, o.arrival_rate);
    let at = |p| o.backlog_wait_s + sojourn.as_ref().map_or(f64::INFINITY, |s| s.quantile(p));
    Some(Latency {
        p50_s: at(0.50),
        p95_s: at(0.95),
        p99_s: at(0.99),
    })
}

/// The share of the second's served requests slower than `threshold_s`:
/// `P(w_b + T > threshold)`. 1 when no pod serves (nothing is served in time) and for a
/// threshold that is not positive.
pub fn fraction_slower(q: &PodQueue, s: &SecondLoad, threshold_s: f64) -> f64 {
    match operating(q, s) {
        Some(o) => sojourn_exceeds(&o.queue, o.arrival_rate, threshold_s - o.backlog_wait_s),
        None => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative tolerance for closed forms evaluated through the bisection.
    const REL: f64 = 1e-6;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(1e-300)
    }

    fn factorial(n: u32) -> f64 {
        (1..=n).map(f64::from).product()
    }

    /// Erlang C from its textbook definition, with factorials (fine for small c):
    /// `C = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! + (a^c / c!) (c / (c - a)))`.
    fn erlang_c_by_factorials(c: u32, a: f64) -> f64 {
        let top = a.powi(c as i32) / factorial(c) * (c as f64 / (c as f64 - a));
        let sum: f64 = (0..c).map(|k| a.powi(k as i32) / factorial(k)).sum();
        top / (sum + top)
    }

    #[test]
    fn erlang_c_matches_table_values() {
        // c = 2, a = 1: B(2) = 1/5, C = 2(1/5) / (2 - (4/5)) = 1/3.
        assert!(close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12));
        // c = 1: C = rho (M/M/1 waits whenever the server is busy).
        for rho in [0.1, 0.5, 0.9] {
            assert!(close(erlang_c(1, rho), rho, 1e-12));
        }
        // c = 5, a = 4: 0.5541 in the tables; checked against the factorial form.
        assert!((erlang_c(5, 4.0) - 0.5541).abs() < 5e-5);
        for (c, a) in [(5, 4.0), (2, 1.5), (3, 0.3), (8, 7.5), (10, 2.0)] {
            assert!(close(erlang_c(c, a), erlang_c_by_factorials(c, a), 1e-12));
        }
    }

    #[test]
    fn erlang_c_at_the_edges_is_defined() {
        assert_eq!(erlang_c(4, 4.0), 1.0, "a = c: the queue never empties");
        assert_eq!(erlang_c(4, 9.0), 1.0);
        assert_eq!(erlang_c(0, 1.0), 1.0, "no server: every request waits");
        assert_eq!(erlang_c(4, 0.0), 0.0);
        assert_eq!(erlang_c(4, f64::NAN), 0.0);
        assert_eq!(erlang_c(4, -1.0), 0.0);
        // Many servers: the recursion neither overflows nor is slow.
        let c = erlang_c(10_000, 9_900.0);
        assert!(c > 0.0 && c < 1.0, "{c}");
    }

    #[test]
    fn mm1_sojourn_is_exponential_with_rate_mu_minus_lambda() {
        // M/M/1: T ~ Exp(mu - lambda) (Kleinrock vol. 1, eq. 3.29), so the p-quantile is
        // -ln(1 - p) / (mu - lambda).
        let mu = 100.0;
        let q = PodQueue {
            servers: 1,
            service_rate: mu,
        };
        for rho in [0.1, 0.5, 0.8, 0.95] {
            let lambda = rho * mu;
            for p in [0.5f64, 0.9, 0.95, 0.99, 0.999] {
                let want = -(1.0 - p).ln() / (mu - lambda);
                let got = sojourn_percentile(&q, lambda, p);
                assert!(close(got, want, REL), "rho {rho} p {p}: {got} vs {want}");
            }
            let t = 0.02;
            let want = (-(mu - lambda) * t).exp();
            assert!(close(sojourn_exceeds(&q, lambda, t), want, 1e-12));
        }
    }

    #[test]
    fn waiting_time_tail_is_c_times_an_exponential() {
        // P(W > t) = C e^{-(c mu - lambda) t} (Gross & Harris §2.3), so for p > 1 - C the
        // p-quantile of W is ln(C / (1 - p)) / (c mu - lambda).
        for (c, rho) in [(1, 0.5), (2, 0.7), (4, 0.9), (8, 0.95)] {
            let q = PodQueue {
                servers: c,
                service_rate: 10.0,
            };
            let lambda = rho * q.capacity_rps();
            let wait = erlang_c(c, lambda / q.service_rate);
            assert!(close(waiting_exceeds(&q, lambda, 0.0), wait, 1e-12));
            for p in [0.95, 0.99, 0.999] {
                assert!(p > 1.0 - wait, "c {c} rho {rho}: pick p above 1 - C");
                let t = (wait / (1.0 - p)).ln() / (q.capacity_rps() - lambda);
                assert!(close(waiting_exceeds(&q, lambda, t), 1.0 - p, 1e-12));
            }
        }
    }

    /// P(T > t) by numerical integration over the wait, independent of the closed form:
    /// `(1 - C) e^{-mu t} + C [ e^{-theta t} + int_0^t theta e^{-theta w} e^{-mu (t - w)} dw ]`
    /// (composite Simpson, 2000 panels).
    fn sojourn_by_integration(q: &PodQueue, lambda: f64, t: f64) -> f64 {
        let mu = q.service_rate;
        let theta = q.capacity_rps() - lambda;
        let wait = erlang_c(q.servers, lambda / mu);
        let f = |w: f64| theta * (-theta * w).exp() * (-mu * (t - w)).exp();
        let n = 2000;
        let h = t / n as f64;
        let inner: f64 = (0..=n)
            .map(|i| {
                let weight = if i == 0 || i == n {
                    1.0
                } else if i % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                weight * f(i as f64 * h)
            })
            .sum::<f64>()
            * h
            / 3.0;
        (1.0 - wait) * (-mu * t).exp() + wait * ((-theta * t).exp() + inner)
    }

    #[test]
    fn mmc_sojourn_matches_numerical_integration() {
        // Includes theta = c mu - lambda = mu exactly (c = 2, mu = 1, lambda = 1) and
        // just either side of it, where the closed form's two terms cancel.
        for (c, mu, lambda) in [
            (2, 1.0, 1.0),
            (2, 1.0, 1.0 + 1e-9),
            (2, 1.0, 1.0 - 1e-9),
            (2, 10.0, 15.0),
            (4, 5.0, 18.0),
            (8, 2.0, 3.0),
            (3, 1.0, 0.5),
        ] {
            let q = PodQueue {
                servers: c,
                service_rate: mu,
            };
            for t in [0.05, 0.3, 1.0, 2.5] {
                let got = sojourn_exceeds(&q, lambda, t);
                let want = sojourn_by_integration(&q, lambda, t);
                assert!((got - want).abs() < 1e-9, "c {c} lambda {lambda} t {t}");
            }
        }
    }

    /// Newton's step needs the density: it is minus the survival function's slope, by
    /// central differences, on both sides of theta = mu and at it.
    #[test]
    fn sojourn_density_is_the_slope_of_the_survival_function() {
        for (servers, rate, lambda) in [
            (1, 10.0, 5.0),
            (2, 10.0, 10.0),
            (4, 5.0, 19.0),
            (3, 2.0, 0.5),
        ] {
            let s = Sojourn::new(
                &PodQueue {
                    servers,
                    service_rate: rate,
                },
                lambda,
            )
            .unwrap();
            for t in [0.01, 0.1, 0.5, 2.0] {
                let h = 1e-6 * t;
                let slope = (s.at(t + h).0 - s.at(t - h).0) / (2.0 * h);
                let density = s.at(t).1;
                assert!(
                    close(density, -slope, 1e-5),
                    "c={servers} t={t}: {density} vs {}",
                    -slope
                );
            }
        }
    }

    #[test]
    fn sojourn_percentile_inverts_the_survival_function() {
        for (c, rho) in [(1, 0.3), (2, 0.5), (4, 0.9), (16, 0.94)] {
            let q = PodQueue {
                servers: c,
                service_rate: 50.0,
            };
            let lambda = rho * q.capacity_rps();
            for p in [0.5, 0.95, 0.99] {
                let t = sojourn_percentile(&q, lambda, p);
                assert!((sojourn_exceeds(&q, lambda, t) - (1.0 - p)).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn steady_state_functions_are_defined_everywhere() {
        let q = PodQueue {
            servers: 2,
            service_rate: 10.0,
        };
        let dead = PodQueue {
            servers: 0,
            service_rate: 10.0,
        };
        assert_eq!(sojourn_percentile(&q, 25.0, 0.5), f64::INFINITY, "unstable");
        assert_eq!(sojourn_percentile(&q, 5.0, 1.0), f64::INFINITY);
        assert_eq!(sojourn_percentile(&q, 5.0, 0.0), 0.0);
        assert_eq!(sojourn_percentile(&q, 5.0, f64::NAN), 0.0);
        assert_eq!(sojourn_percentile(&dead, 5.0, 0.5), f64::INFINITY);
        assert_eq!(sojourn_exceeds(&q, 5.0, -1.0), 1.0);
        assert_eq!(waiting_exceeds(&q, 25.0, 1.0), 1.0);
        // No load: T is the service time alone.
        for lambda in [0.0, -3.0, f64::NAN] {
            assert!(close(
                sojourn_exceeds(&q, lambda, 0.1),
                (-1.0f64).exp(),
                1e-12
            ));
        }
    }

    fn pod() -> PodQueue {
        PodQueue {
            servers: 2,
            service_rate: 50.0,
        }
    }

    fn load(arrivals: f64, backlog: f64) -> SecondLoad {
        SecondLoad {
            arrivals,
            serving_pods: 4.0,
            capacity_per_pod: 100.0,
            backlog,
        }
    }

    #[test]
    fn steady_second_is_the_mmc_sojourn_of_an_even_share() {
        // 4 pods share 240 req/s: each is an M/M/2 at lambda 60, mu 50.
        let got = second_latency(&pod(), &load(240.0, 0.0)).unwrap();
        let want = sojourn_percentile(&pod(), 60.0, 0.95);
        assert_eq!(got.p95_s, want);
        assert!(got.p50_s < got.p95_s && got.p95_s < got.p99_s);
    }

    #[test]
    fn service_rate_is_rescaled_to_the_seconds_capacity() {
        // The serving model says a pod serves 100 req/s; the queue's own rate (2 x 80)
        // is ignored and mu becomes 100 / 2.
        let q = PodQueue {
            servers: 2,
            service_rate: 80.0,
        };
        let got = second_percentile(&q, &load(240.0, 0.0), 0.99).unwrap();
        assert_eq!(got, sojourn_percentile(&pod(), 60.0, 0.99));
    }

    #[test]
    fn overload_adds_backlog_over_throughput() {
        // Saturated either way: the difference is exactly backlog / (pods x capacity).
        let base = second_latency(&pod(), &load(500.0, 1e-9)).unwrap();
        let more = second_latency(&pod(), &load(500.0, 200.0)).unwrap();
        let added = 200.0 / (4.0 * 100.0);
        for (a, b) in [
            (base.p50_s, more.p50_s),
            (base.p95_s, more.p95_s),
            (base.p99_s, more.p99_s),
        ] {
            assert!(close(b - a, added, 1e-6), "{a} {b}");
        }
        // And the stochastic part is the M/M/c at the cap.
        let capped = sojourn_percentile(&pod(), UTILISATION_CAP * 100.0, 0.95);
        assert!(close(more.p95_s, capped + added, 1e-12));
    }

    #[test]
    fn latency_is_continuous_as_load_crosses_the_cap() {
        let at_cap = UTILISATION_CAP * 400.0;
        let below = second_latency(&pod(), &load(at_cap * (1.0 - 1e-9), 0.0)).unwrap();
        let above = second_latency(&pod(), &load(at_cap * (1.0 + 1e-9), 0.0)).unwrap();
        assert!(close(below.p99_s, above.p99_s, 1e-6));
    }

    #[test]
    fn percentiles_never_fall_as_load_or_backlog_grow() {
        let mut last = 0.0;
        for i in 0..=120 {
            let p99 = second_latency(&pod(), &load(i as f64 * 5.0, 0.0))
                .unwrap()
                .p99_s;
            assert!(p99 >= last, "load {}: {p99} < {last}", i * 5);
            last = p99;
        }
        for i in 0..=50 {
            let p99 = second_latency(&pod(), &load(600.0, i as f64 * 40.0))
                .unwrap()
                .p99_s;
            assert!(p99 >= last, "backlog {}: {p99} < {last}", i * 40);
            last = p99;
        }
    }

    #[test]
    fn fraction_slower_agrees_with_the_percentiles() {
        for (arrivals, backlog) in [(100.0, 0.0), (360.0, 0.0), (500.0, 300.0)] {
            let s = load(arrivals, backlog);
            let p95 = second_latency(&pod(), &s).unwrap().p95_s;
            assert!((fraction_slower(&pod(), &s, p95) - 0.05).abs() < 1e-9);
        }
        // Everything beats a generous threshold; nothing beats zero.
        assert!(fraction_slower(&pod(), &load(100.0, 0.0), 10.0) < 1e-12);
        assert_eq!(fraction_slower(&pod(), &load(100.0, 0.0), 0.0), 1.0);
        assert_eq!(fraction_slower(&pod(), &load(100.0, 0.0), f64::NAN), 1.0);
        // Behind a 2-second backlog, a 1-second threshold is missed by every request.
        assert_eq!(fraction_slower(&pod(), &load(500.0, 800.0), 1.0), 1.0);
    }

    #[test]
    fn no_serving_pod_means_no_latency() {
        for s in [
            SecondLoad {
                serving_pods: 0.0,
                ..load(100.0, 0.0)
            },
            SecondLoad {
                serving_pods: f64::NAN,
                ..load(100.0, 0.0)
            },
            SecondLoad {
                capacity_per_pod: 0.0,
                ..load(100.0, 0.0)
            },
        ] {
            assert_eq!(second_latency(&pod(), &s), None);
            assert_eq!(fraction_slower(&pod(), &s, 1.0), 1.0);
        }
        let no_servers = PodQueue {
            servers: 0,
            service_rate: 50.0,
        };
        assert_eq!(second_latency(&no_servers, &load(100.0, 0.0)), None);
    }

    #[test]
    fn idle_second_is_one_service_time() {
        // No arrivals: T ~ Exp(mu), median ln 2 / mu.
        let got = second_latency(&pod(), &load(0.0, 0.0)).unwrap();
        assert!(close(got.p50_s, 2f64.ln() / 50.0, REL));
    }

    proptest::proptest! {
        #[test]
        fn second_latency_never_panics_and_orders_its_percentiles(
            arrivals in proptest::num::f64::ANY,
            pods in proptest::num::f64::ANY,
            capacity in proptest::num::f64::ANY,
            backlog in proptest::num::f64::ANY,
            servers in 0u32..64,
        ) {
            let q = PodQueue { servers, service_rate: 1.0 };
            let s = SecondLoad { arrivals, serving_pods: pods, capacity_per_pod: capacity, backlog };
            if let Some(l) = second_latency(&q, &s) {
                proptest::prop_assert!(l.p50_s <= l.p95_s && l.p95_s <= l.p99_s, "{l:?}");
            }
            let f = fraction_slower(&q, &s, 0.1);
            proptest::prop_assert!((0.0..=1.0).contains(&f));
        }
    }
}
