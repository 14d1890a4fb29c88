//! One simulated second's serving, after its events, scrape and sync: the load split
//! over the pods that serve, the queue, each pod's CPU, and the second's figures for the
//! record. It reads the pods as the second's events left them and schedules nothing.

use super::derived::SecondSeries;
use super::engine::Sim;
use super::observe::SurgeTracker;
use super::pods::Stage;
use super::record::SecondFigures;
use super::serving::Second;

/// What the serving keeps from one second to the next: its buffers, the surges seen,
/// and the capacities it measures need against.
pub(super) struct ServingPass {
    warming_pods: Vec<usize>,
    warming_factors: Vec<f64>,
    served_warming: Vec<f64>,
    pub(super) surges: SurgeTracker,
    /// A pod's requests a second at the tolerance's edge, where the controller stops
    /// asking for more ("enough pods" for surges), and at the HPA's target itself (the
    /// demand that cost waste and elasticity read).
    capacity_at_edge: f64,
    capacity_at_target: f64,
}

impl ServingPass {
    pub(super) fn new(sim: &Sim<'_>) -> ServingPass {
        ServingPass {
            warming_pods: vec![],
            warming_factors: vec![],
            served_warming: vec![],
            surges: SurgeTracker::default(),
            capacity_at_edge: sim.capacity_at_target(1.0 + sim.sc.file.controller.tolerance),
            capacity_at_target: sim.capacity_at_target(1.0),
        }
    }
}

impl Sim<'_> {
    /// Serves `[now, now + 1s)`: `arrivals` requests at the load's `rate`. Returns the
    /// second's figures and its outcome.
    pub(super) fn serve_second(
        &mut self,
        pass: &mut ServingPass,
        rate: f64,
        mut arrivals: f64,
    ) -> (SecondFigures, Second) {
        let now = self.t;
        let ServingPass {
            warming_pods,
            warming_factors,
            served_warming,
            ..
        } = pass;
        let mut steady = self.settled.pods.len();
        let ready = self.count(Stage::Ready) as i64;
        warming_pods.clear();
        warming_factors.clear();
        for &i in &self.tracked {
            let p = &self.pods[i];
            if p.serves(now) {
                let f = self.warm_factor(p, now);
                if f > 1.0 {
                    warming_pods.push(i);
                    warming_factors.push(f);
                } else {
                    steady += 1;
                }
            }
        }
        // A worker's second is its jobs' (`queue.rs`); a server's, its requests'.
        let job = self.work_second(&mut arrivals, warming_factors.len(), served_warming);
        let second = match job {
            Some((second, _)) => second,
            None => self.serving.second(
                self.waiting_requests,
                arrivals,
                steady,
                warming_factors,
                served_warming,
            ),
        };
        self.waiting_requests = second.queued;
        self.settled.cpu_milli = self.serving.cpu(second.served_per_steady_pod, 1.0);
        self.settled.served = second.served_per_steady_pod;
        let serving_pods = steady + warming_pods.len();
        let per_pod = if serving_pods > 0 {
            second.served / serving_pods as f64
        } else {
            0.0
        };
        self.series.push(SecondSeries {
            arrivals,
            queued: second.queued,
            served_per_pod: per_pod,
            jobs: job.map(|j| j.1),
        });
        self.account_cpu(
            warming_pods,
            warming_factors,
            served_warming,
            second.served_per_steady_pod,
        );

        // Surges: too few Ready pods for the load at the HPA's target.
        let demand_pods = rate / pass.capacity_at_target;
        (pass.surges).second(self.secs(now), rate / pass.capacity_at_edge, ready);

        let capacity_rps = steady as f64 * self.serving.capacity(1.0)
            + warming_factors
                .iter()
                .map(|&f| self.serving.capacity(f))
                .sum::<f64>();
        let paid = [
            Stage::Starting,
            Stage::Running,
            Stage::Ready,
            Stage::Terminating,
        ]
        .map(|st| self.count(st))
        .iter()
        .sum::<usize>();
        let figures = SecondFigures {
            arrivals,
            failed: second.failed,
            queued: second.queued,
            capacity_rps,
            serving: serving_pods as u32,
            ready: ready as u32,
            paid: paid as u32,
            demand_pods,
        };
        (figures, second)
    }
}
