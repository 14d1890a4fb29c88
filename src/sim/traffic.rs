//! Long-lived client connections (`traffic.rebalance`): which Ready pods the clients are
//! connected to. Clients reconnect on a fixed beat and spread over the pods reachable
//! then; a pod that became Ready since sits idle. Owns `Pod::connected`; decides nothing.

use super::engine::Sim;

impl Sim<'_> {
    /// The clients reconnect (`rebalance.every` has come round): every reachable pod gets
    /// its share from now on. Settled pods are connected already (they serve).
    pub(super) fn reconnect(&mut self) {
        let now = self.t;
        for idx in 0..self.tracked.len() {
            let i = self.tracked[idx];
            let p = &mut self.pods[i];
            p.connected = p.reachable(now);
        }
    }

    /// Clients whose pods all went away reconnect at once (a broken connection is
    /// re-established, not kept): when no connected pod serves but some pod is reachable.
    pub(super) fn reconnect_if_stranded(&mut self) {
        let now = self.t;
        if !self.settled.pods.is_empty() {
            return;
        }
        let pods = &self.pods;
        let tracked = &self.tracked;
        if tracked.iter().any(|&i| pods[i].serves(now)) {
            return;
        }
        if tracked.iter().any(|&i| pods[i].reachable(now)) {
            self.reconnect();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::Span;
    use crate::sim::engine::{Options, Sim};
    use crate::sim::pods::Stage;
    use crate::sim::testing;

    #[test]
    fn a_pod_ready_between_reconnections_serves_from_the_next_one() {
        let sc = testing::scenario(
            "    appStart: {fixed: 1s}",
            "traffic: {rebalance: {every: 30s}}",
        );
        let mut sim = Sim::new(&sc, &Options::default(), 1);
        let now = sim.t;
        let new = sim.pods.len();
        let mut p = crate::sim::pods::Pod::steady("pod-new".into(), now);
        p.connected = false;
        sim.add_pod(p);
        assert_eq!(sim.pods[new].stage, Stage::Ready);
        // Reachable, not connected: idle while the initial pods serve.
        assert!(sim.pods[new].reachable(now) && !sim.pods[new].serves(now));
        sim.reconnect_if_stranded();
        assert!(!sim.pods[new].serves(now), "the others still serve");
        sim.t = now.plus(Span::from_secs(30));
        sim.reconnect();
        assert!(sim.pods[new].serves(sim.t));
        // With every other pod gone, the clients reconnect at once.
        let mut q = crate::sim::pods::Pod::steady("pod-late".into(), now);
        q.connected = false;
        let late = sim.add_pod(q);
        for i in 0..late {
            sim.pods[i].connected = false;
        }
        sim.reconnect_if_stranded();
        assert!(sim.pods[late].serves(sim.t));
    }
}
