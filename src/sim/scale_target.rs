//! The scale target between the HPA and the pods: a Deployment's pods follow its replicas
//! at once; a custom resource's operator makes them follow after its delay, or never.
//! Owns when `followed` (the replicas the pods are kept at) catches up with `spec`.

use super::engine::{Due, Sim};

impl Sim<'_> {
    /// The scale's replicas (`spec`) changed, by the HPA or by hand: the pods follow now
    /// (a Deployment, or an operator without delay), after the operator's delay, or never.
    pub(super) fn scale_changed(&mut self) {
        match self.sc.operator {
            Some(Some(d)) if d.as_millis() > 0 => {
                let at = self.t.plus(d);
                self.schedule(at, Due::Operator);
            }
            Some(None) => {}
            _ => self.operator_acts(),
        }
    }

    /// The operator (or the Deployment controller) acts: the pods follow the scale's
    /// replicas as they are now.
    pub(super) fn operator_acts(&mut self) {
        self.followed = self.spec;
        self.reconcile();
    }
}
