//! How clients hold their connections (`traffic.rebalance`): the shape written in a
//! scenario and its checks. It owns no simulation: the simulator reads `every` and
//! reconnects the clients on that beat.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::units::Duration;

/// Long-lived connections (gRPC, HTTP/2 keep-alive, connection pools): a pod that starts
/// serving receives nothing until the clients re-establish their connections, which they
/// all do every `every` (a `maxConnectionAge`, a pool's refresh, a DNS re-resolution).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rebalance {
    /// How often the clients reconnect, counted from the run's start, e.g. `30s` (at least
    /// 1s, at most 1d): then the load spreads again over every pod serving at that moment.
    pub every: Duration,
}

impl Rebalance {
    /// The field (under `traffic.rebalance`) and what is wrong, if anything.
    pub fn check(&self) -> Result<(), (String, String)> {
        let every = self.every.span();
        if every.as_millis() < 1000 {
            return Err((
                "traffic.rebalance.every".into(),
                "must be at least 1s".into(),
            ));
        }
        crate::units::at_most(
            "traffic.rebalance.every",
            every,
            crate::units::MAX_METRIC_WINDOW_SECONDS,
        )
    }
}
