//! A pod's lifecycle as the kubelet drives it: binding, container start, startup and
//! readiness probe ticks, Ready, deletion and exit. Owns the pods' stage transitions; what
//! is created or deleted is the ReplicaSet's call (`replicaset.rs`).

use super::engine::{Due, Sim};
use super::pods::{self, Stage};
use crate::core::{Span, Time};
use crate::scenario::model::Probe;

impl Sim<'_> {
    /// Something due now: a pod's step, a node, an action.
    pub(super) fn handle(&mut self, at: Time, due: Due) {
        match due {
            Due::Action(k) => self.action(k),
            Due::Operator => self.operator_acts(),
            Due::StatefulSet => self.reconcile(),
            Due::NodeUp => self.node_up(at),
            Due::Bind(i) => {
                if self.pods[i].stage != Stage::Pending {
                    return;
                }
                self.pods[i].start_time = Some(at);
                self.pod_event(i, Stage::Starting);
                let d = self.pods[i].delays;
                self.schedule(
                    at.plus(d[1]).plus(d[2]),
                    Due::ContainerUp(i, self.pods[i].generation),
                );
            }
            Due::ContainerUp(i, g) => {
                if self.pods[i].stage != Stage::Starting || self.pods[i].generation != g {
                    return;
                }
                let app_start = self.pods[i].delays[3];
                let p = &mut self.pods[i];
                p.container_started = Some(at);
                p.app_up = Some(at.plus(app_start));
                p.ready = Some(false);
                p.ready_since = p.start_time;
                self.pod_event(i, Stage::Running);
                self.begin_probing(i, at);
            }
            Due::StartupProbe(i, g) => self.startup_probe_tick(i, g, at),
            Due::ReadinessProbe(i, g) => self.readiness_probe_tick(i, g, at),
            Due::Gone(i) => self.gone(i, at),
        }
    }

    /// A startup-probe tick: enough successes start the readiness probe (or make the pod
    /// Ready without one); enough failures restart the container.
    fn startup_probe_tick(&mut self, i: usize, g: u32, at: Time) {
        let startup = &self.sc.file.workload.startup;
        let (Some(probe), readiness_probe) = (startup.startup_probe, startup.readiness_probe)
        else {
            return;
        };
        let Some(up) = self.probe_answer(i, g, at) else {
            return;
        };
        let p = &mut self.pods[i];
        if up {
            p.probe_successes += 1;
            p.probe_failures = 0;
            if p.probe_successes >= probe.success_threshold {
                p.started = true;
                p.probe_successes = 0;
                match readiness_probe {
                    Some(r) => {
                        let first =
                            pods::first_probe(p.container_started.unwrap_or(at), &r).max(at);
                        self.schedule(first, Due::ReadinessProbe(i, g));
                    }
                    None => self.become_ready(i, at),
                }
                return;
            }
        } else {
            p.probe_successes = 0;
            p.probe_failures += 1;
            if p.probe_failures >= probe.failure_threshold {
                self.restart_container(i, at, &probe);
                return;
            }
        }
        self.schedule(pods::next_probe(at, &probe), Due::StartupProbe(i, g));
    }

    /// The kubelet kills and restarts a container that failed its startup probe: a new
    /// application start is drawn and probing begins again.
    fn restart_container(&mut self, i: usize, at: Time, probe: &Probe) {
        let app_start = pods::draw(
            &self.sc.file.workload.startup.app_start,
            &mut self.rng_startup,
        );
        let p = &mut self.pods[i];
        p.generation += 1;
        p.probe_failures = 0;
        p.container_started = Some(at);
        p.app_up = Some(at.plus(app_start));
        let g = p.generation;
        self.record(|sim| super::record::Event::Pod {
            t: sim.secs(at),
            pod: sim.pods[i].name.clone(),
            stage: Stage::Running,
        });
        self.schedule(pods::first_probe(at, probe), Due::StartupProbe(i, g));
    }

    /// A readiness-probe tick: enough consecutive successes make the pod Ready.
    fn readiness_probe_tick(&mut self, i: usize, g: u32, at: Time) {
        let Some(probe) = self.sc.file.workload.startup.readiness_probe else {
            return;
        };
        let Some(up) = self.probe_answer(i, g, at) else {
            return;
        };
        let p = &mut self.pods[i];
        if up {
            p.probe_successes += 1;
            if p.probe_successes >= probe.success_threshold {
                self.become_ready(i, at);
                // The application stays up, so later ticks change nothing: stop.
                return;
            }
        } else {
            p.probe_successes = 0;
        }
        self.schedule(pods::next_probe(at, &probe), Due::ReadinessProbe(i, g));
    }

    /// A probe tick's result (is the application up?), or `None` for a stale tick: the
    /// pod left Running, or its container restarted since the tick was scheduled.
    fn probe_answer(&self, i: usize, generation: u32, at: Time) -> Option<bool> {
        let p = &self.pods[i];
        (p.stage == Stage::Running && p.generation == generation)
            .then(|| p.app_up.is_some_and(|u| u <= at))
    }

    /// The container runs: the startup probe first if there is one, else the readiness
    /// probe, else Ready at once.
    fn begin_probing(&mut self, i: usize, at: Time) {
        let startup = &self.sc.file.workload.startup;
        let g = self.pods[i].generation;
        match (startup.startup_probe, startup.readiness_probe) {
            (Some(s), _) => self.schedule(pods::first_probe(at, &s), Due::StartupProbe(i, g)),
            (None, Some(r)) => self.schedule(pods::first_probe(at, &r), Due::ReadinessProbe(i, g)),
            // No probe: the kubelet reports Ready as soon as the container runs.
            (None, None) => self.become_ready(i, at),
        }
    }

    fn become_ready(&mut self, i: usize, at: Time) {
        let endpoint_delay = (self.sc.file.traffic.as_ref())
            .and_then(|t| t.endpoint_delay)
            .map(|d| d.span());
        let rebalance = self.rebalance;
        let p = &mut self.pods[i];
        p.ready = Some(true);
        p.ready_since = Some(at);
        p.ready_at = Some(at);
        p.endpoint_at = endpoint_delay.map(|d| at.plus(d));
        // Long-lived connections reach it only at the clients' next reconnection.
        p.connected = rebalance.is_none();
        self.pod_event(i, Stage::Ready);
        self.stateful_pod_changed(i);
    }

    /// The pod's process has exited: it leaves the node and the lists.
    pub(super) fn gone(&mut self, i: usize, at: Time) {
        if self.pods[i].stage == Stage::Gone {
            return;
        }
        self.abandon_jobs(i, at);
        self.detach_cpu(i);
        let p = &mut self.pods[i];
        p.gone_at = Some(at);
        p.entry = None;
        self.pod_event(i, Stage::Gone);
        // It leaves `tracked` at the next `forget_gone`, with every pod gone meanwhile, in
        // one pass: n pods gone at once cost n, not n².
        self.tracked_gone = true;
        self.bind_waiting();
        self.stateful_pod_changed(i);
    }

    /// Deletion: not Ready at once; a pod whose container never started is gone at once,
    /// any other terminates until it exits (`exitAfter`, at most the grace period).
    pub(super) fn delete(&mut self, i: usize) {
        self.unsettle(i);
        let now = self.t;
        self.detach_cpu(i);
        let p = &mut self.pods[i];
        p.deleting_since = Some(now);
        if p.ready == Some(true) {
            p.ready = Some(false);
            p.ready_since = Some(now);
        }
        if p.container_started.is_none() {
            // Nothing runs yet: the pod is removed at once.
            self.gone(i, now);
            return;
        }
        self.pod_event(i, Stage::Terminating);
        if self.worker_idle(i) {
            // A worker with no job in flight exits on SIGTERM at once.
            self.gone(i, now);
            return;
        }
        let t = &self.sc.file.workload.termination;
        let grace = Span::from_secs(t.grace_period_seconds.into());
        let exit = t.exit_after.map(|d| d.span().min(grace)).unwrap_or(grace);
        self.schedule(now.plus(exit), Due::Gone(i));
    }
}

#[cfg(test)]
mod tests {
    use crate::core::Span;
    use crate::sim::engine::{Options, Sim};
    use crate::sim::pods::Stage;
    use crate::sim::testing;

    /// A pod created at the start, followed until `until` seconds: the seconds at which it
    /// entered each stage.
    fn stages(startup: &str, until: i64) -> Vec<(i64, Stage)> {
        let sc = testing::scenario(startup, "");
        let mut sim = Sim::new(&sc, &Options::default(), 1);
        sim.spec = 3;
        sim.followed = 3;
        sim.reconcile();
        let i = sim.pods.len() - 1;
        let mut seen = vec![(0, sim.pods[i].stage)];
        for s in 0..=until {
            sim.t = sc.start.plus(Span::from_secs(s));
            sim.handle_due();
            if seen.last().map(|x| x.1) != Some(sim.pods[i].stage) {
                seen.push((s, sim.pods[i].stage));
            }
        }
        seen
    }

    const FIXED: &str = "    scheduling: {fixed: 1s}\n    imagePull: {fixed: 2s}\n    containerStart: {fixed: 1s}\n";

    #[test]
    fn a_pod_is_ready_at_the_first_readiness_tick_after_its_application_is_up() {
        // Container up at 1 + 2 + 1 = 4 s; the probe ticks at 4 + 5 = 9, 14, 19 ...
        // (app start, the second it is Ready)
        for (app, ready) in [(3, 9), (5, 9), (6, 14), (11, 19)] {
            let startup = format!(
                "{FIXED}    appStart: {{fixed: {app}s}}\n    readinessProbe: {{initialDelaySeconds: 5, periodSeconds: 5}}"
            );
            let got = stages(&startup, 30);
            assert_eq!(
                got,
                vec![
                    (0, Stage::Pending),
                    (1, Stage::Starting),
                    (4, Stage::Running),
                    (ready, Stage::Ready)
                ],
                "app start {app}s"
            );
        }
    }

    #[test]
    fn without_probes_a_pod_is_ready_when_its_container_runs() {
        let got = stages(&format!("{FIXED}    appStart: {{fixed: 20s}}"), 30);
        assert_eq!(got.last(), Some(&(4, Stage::Ready)));
    }

    #[test]
    fn a_startup_probe_that_keeps_failing_restarts_the_container() {
        // The application needs 60 s; the startup probe gives it 3 x 5 s after 5 s.
        let startup = format!(
            "{FIXED}    appStart: {{fixed: 60s}}\n    startupProbe: {{initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3}}"
        );
        let sc = testing::scenario(&startup, "");
        let mut sim = Sim::new(&sc, &Options::default(), 1);
        sim.spec = 3;
        sim.followed = 3;
        sim.reconcile();
        let i = sim.pods.len() - 1;
        for s in 0..=40 {
            sim.t = sc.start.plus(Span::from_secs(s));
            sim.handle_due();
        }
        // Started at 4 s; failures at 9, 14, 19: restarted at 19, and again at 34.
        let p = &sim.pods[i];
        assert_eq!(p.generation, 2);
        assert_eq!(
            p.container_started,
            Some(sc.start.plus(Span::from_secs(34)))
        );
        assert_eq!(p.stage, Stage::Running);
    }

    #[test]
    fn deleting_a_pod_that_never_ran_removes_it_at_once_others_terminate() {
        let startup = format!("{FIXED}    appStart: {{fixed: 1s}}");
        let sc = testing::scenario(&startup, "");
        let mut sim = Sim::new(&sc, &Options::default(), 1);
        sim.spec = 3;
        sim.followed = 3;
        sim.reconcile();
        let new = sim.pods.len() - 1;
        sim.delete(new);
        assert_eq!(sim.pods[new].stage, Stage::Gone);
        sim.delete(0);
        assert_eq!(sim.pods[0].stage, Stage::Terminating);
        assert_eq!(sim.pods[0].ready, Some(false));
        assert_eq!(sim.pods[0].deleting_since, Some(sim.t));
    }
}
