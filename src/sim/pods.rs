//! Pods and their lifecycle: Pending (scheduling, waiting for a node), image pull,
//! container start, startup and readiness probes ticking, Ready, warm-up, termination.
//!
//! Delays are drawn from the start-up distributions with the simulation's start-up RNG
//! stream, in pod-creation order, so a seed gives the same pods on every machine.

use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, LogNormal, Normal};

use crate::core::{Span, Time};
use crate::scenario::model::{Delay, Probe};

/// Where a pod is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Created, not yet bound to a node (no room, or the scheduler is at work).
    Pending,
    /// Bound; pulling the image and creating the container (phase still Pending).
    Starting,
    /// The container runs; probes decide when it is Ready.
    Running,
    /// Ready: receives traffic.
    Ready,
    /// Being deleted: not Ready, still running (and paid for) until it exits.
    Terminating,
    /// Gone.
    Gone,
}

/// What a pod's CPU is made of, summed over time (each term per millisecond): time its
/// containers burnt their baselines, requests served times their warm-up factor, and CPU a
/// starting application burnt beyond its baseline (millicores). Every container's CPU is a
/// fixed mix of the three, so one triple per pod gives each container's usage.
pub type CpuParts = [f64; 3];

/// `a + b`, term by term.
pub fn add_parts(a: CpuParts, b: CpuParts) -> CpuParts {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// `a - b`, term by term.
pub fn sub_parts(a: CpuParts, b: CpuParts) -> CpuParts {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// A pod's cumulative CPU when metrics-server scraped it: a window's CPU is the difference
/// of two scrapes over the time between them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scrape {
    /// When.
    pub at: Time,
    /// The CPU integral then, millicore-milliseconds.
    pub integral: f64,
    /// The integral's parts then.
    pub parts: CpuParts,
}

/// A metrics-server sample of a pod: usage averaged over the window ending `at`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodSample {
    /// The sample's timestamp.
    pub at: Time,
    /// CPU, millicores.
    pub cpu_milli: i64,
    /// Memory, milli-bytes.
    pub memory_milli: i64,
    /// The window's CPU parts, each averaged over it: share of the time at baseline,
    /// requests per second (times warm-up), starting CPU beyond the baseline (millicores).
    pub parts: CpuParts,
    /// Requests served in the last second (each container's memory follows it).
    pub served: f64,
}

/// One pod.
#[derive(Clone, Debug)]
pub struct Pod {
    /// Unique, in creation order.
    pub name: String,
    /// Where it is.
    pub stage: Stage,
    /// When it was created.
    pub created: Time,
    /// When it was bound to a node (`status.startTime`).
    pub start_time: Option<Time>,
    /// When its container (last) started.
    pub container_started: Option<Time>,
    /// When the application answers probes (and can serve).
    pub app_up: Option<Time>,
    /// Ready condition: present once the container runs.
    pub ready: Option<bool>,
    /// The Ready condition's last transition.
    pub ready_since: Option<Time>,
    /// When it last became Ready (for warm-up).
    pub ready_at: Option<Time>,
    /// When its endpoint last reached the clients (Ready plus `traffic.endpointDelay`);
    /// absent: as soon as it is Ready.
    pub endpoint_at: Option<Time>,
    /// Clients hold connections to it (always, unless `traffic.rebalance` is given: then
    /// from the first reconnection after it became Ready).
    pub connected: bool,
    /// When deletion began.
    pub deleting_since: Option<Time>,
    /// When it ended.
    pub gone_at: Option<Time>,
    /// Consecutive probe results of the probe now running.
    pub probe_successes: u32,
    /// Consecutive probe failures.
    pub probe_failures: u32,
    /// Whether the startup probe (if any) has passed.
    pub started: bool,
    /// CPU used in the last second, millicores.
    pub cpu_milli: f64,
    /// Requests served in the last second.
    pub served: f64,
    /// Cumulative CPU, millicore-milliseconds: samples average it over a window.
    pub cpu_integral: f64,
    /// The parts of its cumulative CPU.
    pub parts: CpuParts,
    /// Its CPU integral at each metrics-server scrape, newest last, a few kept.
    pub scrapes: Vec<Scrape>,
    /// The latest metrics-server sample.
    pub sample: Option<PodSample>,
    /// Drawn at creation: scheduling, image pull, container start, application start.
    pub delays: [Span; 4],
    /// Bound to a node, or on its way there: holds a node's room.
    pub reserved: bool,
    /// Bumped at each container (re)start, so stale probe ticks are dropped.
    pub generation: u32,
    /// For a warm Ready pod: its CPU integral minus the shared warm-pod integral, so the
    /// per-second cost does not grow with the number of alike pods.
    pub steady_offset: Option<f64>,
    /// For a warm Ready pod: its CPU parts minus the warm pods' shared ones.
    pub steady_parts_offset: CpuParts,
    /// For a warm pod: the first scrape at which its integral follows the shared one, so a
    /// window that starts there gives it the warm pods' sample.
    pub steady_from: Option<Time>,
    /// Its entry in the core's snapshot while tracked, kept between syncs so that a sync
    /// writes over it instead of building it anew.
    pub entry: Option<crate::core::snapshot::Pod>,
}

impl Pod {
    /// A pod created at `t`, Pending.
    pub fn new(name: String, t: Time) -> Pod {
        Pod {
            name,
            stage: Stage::Pending,
            created: t,
            start_time: None,
            container_started: None,
            app_up: None,
            ready: None,
            ready_since: None,
            ready_at: None,
            endpoint_at: None,
            connected: true,
            deleting_since: None,
            gone_at: None,
            probe_successes: 0,
            probe_failures: 0,
            started: false,
            cpu_milli: 0.0,
            served: 0.0,
            cpu_integral: 0.0,
            parts: [0.0; 3],
            scrapes: Vec::new(),
            sample: None,
            delays: [Span::default(); 4],
            reserved: false,
            generation: 0,
            steady_offset: None,
            steady_parts_offset: [0.0; 3],
            steady_from: None,
            entry: None,
        }
    }

    /// A pod that has been Ready since long before `t` (the Deployment's initial pods).
    pub fn steady(name: String, t: Time) -> Pod {
        let long_ago = t.minus(Span::from_secs(3600));
        let mut p = Pod::new(name, long_ago);
        p.stage = Stage::Ready;
        p.start_time = Some(long_ago);
        p.container_started = Some(long_ago);
        p.app_up = Some(long_ago);
        p.ready = Some(true);
        p.ready_since = Some(long_ago);
        p.ready_at = Some(long_ago);
        p.started = true;
        p.reserved = true;
        p
    }

    /// Counts toward the ReplicaSet (not being deleted, not gone).
    pub fn is_active(&self) -> bool {
        !matches!(self.stage, Stage::Terminating | Stage::Gone)
    }

    /// Seen by the HPA's pod lister (not yet gone).
    pub fn is_listed(&self) -> bool {
        self.stage != Stage::Gone
    }

    /// Holds a node's room (bound or being bound, and not gone).
    pub fn holds_node(&self) -> bool {
        self.reserved && self.stage != Stage::Gone
    }

    /// Can serve: Ready, its application up, its endpoint known to the clients, and
    /// (with long-lived connections) clients connected to it.
    pub fn serves(&self, t: Time) -> bool {
        self.reachable(t) && self.connected
    }

    /// Ready, its application up, and its endpoint known to the clients: a client that
    /// connects now may pick it.
    pub fn reachable(&self, t: Time) -> bool {
        self.stage == Stage::Ready
            && self.app_up.is_some_and(|u| u <= t)
            && self.endpoint_at.is_none_or(|e| e <= t)
    }
}

/// Draws a delay; negative draws become 0.
pub fn draw(delay: &Delay, rng: &mut ChaCha8Rng) -> Span {
    let secs = |d: &crate::units::Duration| d.as_secs_f64();
    let s = match delay {
        Delay::Fixed(d) => secs(d),
        Delay::Uniform([a, b]) => {
            let u: f64 = rand::RngExt::random(rng);
            secs(a) + (secs(b) - secs(a)) * u
        }
        Delay::Normal { mean, stddev } => match Normal::new(secs(mean), secs(stddev)) {
            Ok(n) => n.sample(rng),
            Err(_) => secs(mean),
        },
        Delay::Lognormal { median, p99 } => {
            // p99 = median x exp(2.326 sigma): the 99th percentile of a standard normal.
            let mu = secs(median).ln();
            let sigma = ((secs(p99).ln() - mu) / 2.326_347_874_040_841).max(0.0);
            match LogNormal::new(mu, sigma) {
                Ok(l) => l.sample(rng),
                Err(_) => secs(median),
            }
        }
        Delay::Gamma { shape, mean } => match Gamma::new(*shape, secs(mean) / shape) {
            Ok(g) => g.sample(rng),
            Err(_) => secs(mean),
        },
        Delay::Empirical(list) => {
            let i = rand::RngExt::random_range(rng, 0..list.len());
            secs(&list[i])
        }
    };
    Span::from_millis((s.max(0.0) * 1000.0).round() as i64)
}

/// The first tick of a probe for a container started at `started`.
pub fn first_probe(started: Time, probe: &Probe) -> Time {
    started.plus(Span::from_secs(probe.initial_delay_seconds.into()))
}

/// The next tick after `t`.
pub fn next_probe(t: Time, probe: &Probe) -> Time {
    t.plus(Span::from_secs(probe.period_seconds.into()))
}
