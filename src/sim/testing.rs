//! A scenario written to a temporary directory, for the simulator's unit tests.

use crate::scenario::{Scenario, load_scenario};

/// A small scenario (two pods at 30 rps under a 70 % cpu target, for ten minutes):
/// `startup` is the body of `workload.startup`, `top` more top-level YAML.
pub(super) fn scenario(startup: &str, top: &str) -> Scenario {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.yaml");
    let yaml = format!(
        r#"
name: unit
duration: 10m
{top}
hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {{name: web}}
  spec:
    scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
    minReplicas: 1
    maxReplicas: 10
    metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
workload:
  initialReplicas: 2
  pod:
    requests: {{cpu: 500m, memory: 512Mi}}
    cpuPerRequest: 10m
    baseline: {{cpu: 50m, memory: 200Mi}}
  startup:
{startup}
load:
- constant: {{rps: 30}}
"#
    );
    std::fs::write(&path, yaml).expect("write scenario");
    load_scenario(&path).expect("the test scenario loads")
}
