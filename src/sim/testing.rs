//! A scenario written to a temporary directory, for the simulator's unit tests.

use crate::scenario::testing::TestScenario;
use crate::scenario::{Scenario, load_scenario};

/// The shared small scenario (two pods at 30 rps under a 70 % cpu target, for ten
/// minutes): `startup` is the body of `workload.startup`, `top` more top-level YAML.
pub(super) fn scenario(startup: &str, top: &str) -> Scenario {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = (TestScenario::default().top(top).startup(startup)).write(dir.path(), "s.yaml");
    load_scenario(&path).expect("the test scenario loads")
}
