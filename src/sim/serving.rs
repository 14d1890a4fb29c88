//! The serving model: how the load meets the Ready pods each second.
//!
//! Load is split evenly over the pods that serve (Ready, application up). A pod serves at
//! most its capacity: the CPU between its baseline and its cpu limit, divided by the CPU
//! one request costs (times its warm-up factor). What is not served waits in one fluid
//! queue; requests that would wait longer than the timeout at the current capacity fail,
//! and with no pod serving everything offered fails. Latency (next issue) builds on this.

/// What one request costs and what a pod may spend.
#[derive(Clone, Copy, Debug)]
pub struct ServingModel {
    /// The cpu limit, millicores.
    pub limit_milli: f64,
    /// CPU used with no load, millicores.
    pub baseline_milli: f64,
    /// CPU one request costs, millicore-seconds.
    pub cpu_per_request_milli: f64,
    /// How long a request may wait before it fails, seconds.
    pub timeout_s: f64,
}

/// The outcome of one second.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Second {
    /// Requests served by each pod of warm-up factor 1.
    pub served_per_steady_pod: f64,
    /// Requests served in all.
    pub served: f64,
    /// Requests that failed (timed out, or no pod to take them).
    pub failed: f64,
    /// Requests waiting at the end of the second.
    pub queued: f64,
}

impl ServingModel {
    /// The scenario's pod: the CPU it may use (one container: its cpu limit, default its
    /// request; several: their baselines plus what the tightest container or pod-level bound
    /// leaves), its containers' baselines and CPU per request summed, and its request
    /// timeout (default 30 s). The simulator serves with it; the measurement layer reads the
    /// same capacity for its latency queue.
    pub fn for_scenario(sc: &crate::scenario::Scenario) -> ServingModel {
        let pod = &sc.pod;
        ServingModel {
            limit_milli: pod.cpu_limit,
            baseline_milli: pod.baseline_cpu() as f64,
            cpu_per_request_milli: pod.cpu_per_request() as f64,
            timeout_s: (sc.file.workload.pod.request_timeout).map_or(30.0, |d| d.as_secs_f64()),
        }
    }

    /// Requests per second a pod serves at most, at a warm-up factor (1 when warm).
    pub fn capacity(&self, warm_factor: f64) -> f64 {
        (self.limit_milli - self.baseline_milli).max(0.0)
            / (self.cpu_per_request_milli * warm_factor)
    }

    /// CPU a serving pod uses for `served` requests in a second, millicores.
    pub fn cpu(&self, served: f64, warm_factor: f64) -> f64 {
        (self.baseline_milli + served * self.cpu_per_request_milli * warm_factor)
            .min(self.limit_milli)
    }

    /// One second: `queue` requests waiting, `arrivals` new ones, `steady` warm pods and
    /// the warm-up factors of the pods still warming. Returns the outcome and, for each
    /// warming pod, what it served.
    pub fn second(
        &self,
        queue: f64,
        arrivals: f64,
        steady: usize,
        warming: &[f64],
        served_warming: &mut Vec<f64>,
    ) -> Second {
        served_warming.clear();
        let offered = queue + arrivals;
        let pods = steady + warming.len();
        if pods == 0 {
            return Second {
                failed: offered,
                ..Second::default()
            };
        }
        let share = offered / pods as f64;
        let steady_served = share.min(self.capacity(1.0));
        let mut served = steady_served * steady as f64;
        let mut capacity = self.capacity(1.0) * steady as f64;
        let mut all_served = share <= self.capacity(1.0) || steady == 0;
        for &f in warming {
            let s = share.min(self.capacity(f));
            all_served &= s == share;
            served_warming.push(s);
            served += s;
            capacity += self.capacity(f);
        }
        if all_served {
            // Every pod took its whole share: all of it was served, exactly (the sum of
            // the shares can differ from it in the last bits, and a backlog of 1e-14
            // requests would read as overload).
            served = offered;
        }
        let mut queued = (offered - served).max(0.0);
        // A request that would wait longer than the timeout at this capacity fails.
        let max_wait = capacity * self.timeout_s;
        let failed = (queued - max_wait).max(0.0);
        queued -= failed;
        Second {
            served_per_steady_pod: steady_served,
            served,
            failed,
            queued,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> ServingModel {
        // 500m limit, 100m baseline, 4 millicore-seconds a request: 100 requests/s a pod.
        ServingModel {
            limit_milli: 500.0,
            baseline_milli: 100.0,
            cpu_per_request_milli: 4.0,
            timeout_s: 2.0,
        }
    }

    #[test]
    fn a_pod_serves_up_to_its_cpu_limit() {
        let m = model();
        assert_eq!(m.capacity(1.0), 100.0);
        assert_eq!(m.capacity(2.0), 50.0);
        assert_eq!(m.cpu(50.0, 1.0), 300.0);
        assert_eq!(m.cpu(500.0, 1.0), 500.0);
    }

    #[test]
    fn load_is_split_evenly_and_overload_queues_then_fails() {
        let m = model();
        let mut w = vec![];
        // Under capacity: all served, nothing waits.
        let s = m.second(0.0, 150.0, 2, &[], &mut w);
        assert_eq!((s.served, s.queued, s.failed), (150.0, 0.0, 0.0));
        // 300 offered to 2 pods of 100: 100 wait (under the 2 s x 200/s limit of 400).
        let s = m.second(0.0, 300.0, 2, &[], &mut w);
        assert_eq!((s.served, s.queued, s.failed), (200.0, 100.0, 0.0));
        // 900 offered: 700 would wait, 400 may: 300 fail.
        let s = m.second(0.0, 900.0, 2, &[], &mut w);
        assert_eq!((s.served, s.queued, s.failed), (200.0, 400.0, 300.0));
    }

    #[test]
    fn under_capacity_nothing_is_left_waiting_not_even_a_rounding_residue() {
        // 481 / 19 x 19 is not 481 in floating point.
        let s = model().second(0.0, 481.0, 19, &[], &mut vec![]);
        assert_eq!((s.served, s.queued), (481.0, 0.0));
        let s = model().second(0.0, 481.0, 17, &[1.5, 1.2], &mut vec![]);
        assert_eq!((s.served, s.queued), (481.0, 0.0));
    }

    #[test]
    fn a_warming_pod_gets_its_share_but_serves_less() {
        let m = model();
        let mut w = vec![];
        let s = m.second(0.0, 180.0, 1, &[2.0], &mut w);
        assert_eq!(w, vec![50.0]);
        assert_eq!(
            (s.served_per_steady_pod, s.served, s.queued),
            (90.0, 140.0, 40.0)
        );
    }

    #[test]
    fn with_no_pod_serving_everything_offered_fails() {
        let s = model().second(30.0, 100.0, 0, &[], &mut vec![]);
        assert_eq!((s.served, s.failed, s.queued), (0.0, 130.0, 0.0));
    }
}
