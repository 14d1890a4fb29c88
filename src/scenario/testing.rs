//! The small cpu scenario the unit tests, the integration tests and the benches share, as
//! YAML: one Deployment `web` under an HPA on cpu, each part replaceable. Test support, not
//! for users (hidden from the docs); text only: it writes a file only where it is told.

use std::path::{Path, PathBuf};

/// A scenario to write out. By default (`unit`): ten minutes of 30 rps on two pods of 500m
/// cpu and 512Mi (10m a request, 50m and 200Mi at rest) under an HPA on cpu at 70 %, from 1
/// to 10 pods, no start-up block.
#[derive(Clone, Debug)]
pub struct TestScenario {
    name: String,
    duration: String,
    top: Vec<String>,
    min_replicas: u32,
    max_replicas: u32,
    metrics: String,
    workload: Option<String>,
    initial_replicas: u32,
    pod: String,
    startup: Option<String>,
    load: String,
}

/// An HPA metric at `percent` of the cpu request, indented as under `metrics:`.
pub fn cpu_metric(percent: u32) -> String {
    format!(
        "    - type: Resource\n      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: {percent}}}}}"
    )
}

impl Default for TestScenario {
    fn default() -> Self {
        TestScenario {
            name: "unit".into(),
            duration: "10m".into(),
            top: vec![],
            min_replicas: 1,
            max_replicas: 10,
            metrics: cpu_metric(70),
            workload: None,
            initial_replicas: 2,
            pod: "    requests: {cpu: 500m, memory: 512Mi}\n    cpuPerRequest: 10m\n    baseline: {cpu: 50m, memory: 200Mi}".into(),
            startup: None,
            load: "- constant: {rps: 30}".into(),
        }
    }
}

impl TestScenario {
    /// The default scenario named `name`.
    pub fn new(name: &str) -> Self {
        TestScenario {
            name: name.into(),
            ..TestScenario::default()
        }
    }

    /// Its `duration` (`20m`, `3600s`).
    pub fn duration(mut self, duration: &str) -> Self {
        self.duration = duration.into();
        self
    }

    /// More top-level YAML (`seed: 1`, `slo: {...}`); added in order, empty ignored.
    pub fn top(mut self, yaml: &str) -> Self {
        if !yaml.trim().is_empty() {
            self.top.push(yaml.trim_end().into());
        }
        self
    }

    /// The HPA's `minReplicas` and `maxReplicas`.
    pub fn replicas(mut self, min: u32, max: u32) -> Self {
        (self.min_replicas, self.max_replicas) = (min, max);
        self
    }

    /// The HPA's one metric: cpu at `percent` of the request.
    pub fn cpu_target(mut self, percent: u32) -> Self {
        self.metrics = cpu_metric(percent);
        self
    }

    /// The HPA's `metrics:` list, its items indented by four spaces.
    pub fn metrics(mut self, yaml: &str) -> Self {
        self.metrics = yaml.trim_end().into();
        self
    }

    /// `workload.initialReplicas`.
    pub fn initial_replicas(mut self, n: u32) -> Self {
        self.initial_replicas = n;
        self
    }

    /// The body of `workload.pod`, indented by four spaces.
    pub fn pod(mut self, yaml: &str) -> Self {
        self.pod = yaml.trim_end().into();
        self
    }

    /// The body of `workload.startup`, indented by four spaces.
    pub fn startup(mut self, yaml: &str) -> Self {
        self.startup = Some(yaml.trim_end().into());
        self
    }

    /// The whole body of `workload`, indented by two spaces, in place of
    /// `initial_replicas`, `pod` and `startup` (a `deploymentFile`, a `kind`...).
    pub fn workload(mut self, yaml: &str) -> Self {
        self.workload = Some(yaml.trim_end().into());
        self
    }

    /// The `load:` list, its items at the line's start.
    pub fn load(mut self, yaml: &str) -> Self {
        self.load = yaml.trim_end().into();
        self
    }

    /// The scenario's text.
    pub fn yaml(&self) -> String {
        let workload = self.workload.clone().unwrap_or_else(|| {
            let startup =
                (self.startup.as_ref()).map_or(String::new(), |s| format!("\n  startup:\n{s}"));
            format!(
                "  initialReplicas: {}\n  pod:\n{}{startup}",
                self.initial_replicas, self.pod
            )
        });
        let top: String = self.top.iter().map(|t| format!("{t}\n")).collect();
        format!(
            r#"name: {name}
duration: {duration}
{top}hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {{name: web}}
  spec:
    scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
    minReplicas: {min}
    maxReplicas: {max}
    metrics:
{metrics}
workload:
{workload}
load:
{load}
"#,
            name = self.name,
            duration = self.duration,
            min = self.min_replicas,
            max = self.max_replicas,
            metrics = self.metrics,
            load = self.load,
        )
    }

    /// Writes the scenario to `dir/file` and returns its path. A test's own directory: a
    /// failure to write is the test's failure, so it panics saying where.
    pub fn write(&self, dir: &Path, file: &str) -> PathBuf {
        let path = dir.join(file);
        if let Err(e) = std::fs::write(&path, self.yaml()) {
            panic!("writing the test scenario {}: {e}", path.display());
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Each part the builder sets is read where the scenario's schema has it, and the
    /// default scenario loads.
    #[test]
    fn each_part_lands_in_its_field() {
        let metric = "    - type: Pods\n      pods: {metric: {name: q}, target: {type: AverageValue, averageValue: 5}}";
        // (builder, pointer into the scenario, value there)
        let cases = [
            (TestScenario::default(), "/name", json!("unit")),
            (TestScenario::new("x"), "/name", json!("x")),
            (
                TestScenario::default().duration("20m"),
                "/duration",
                json!("20m"),
            ),
            (TestScenario::default().top("seed: 9"), "/seed", json!(9)),
            (
                TestScenario::default()
                    .top("seed: 9")
                    .top("slo: {minReady: 2}"),
                "/slo/minReady",
                json!(2),
            ),
            (
                TestScenario::default().replicas(2, 7),
                "/hpa/spec/minReplicas",
                json!(2),
            ),
            (
                TestScenario::default().replicas(2, 7),
                "/hpa/spec/maxReplicas",
                json!(7),
            ),
            (
                TestScenario::default().cpu_target(60),
                "/hpa/spec/metrics/0/resource/target/averageUtilization",
                json!(60),
            ),
            (
                TestScenario::default().metrics(metric),
                "/hpa/spec/metrics/0/type",
                json!("Pods"),
            ),
            (
                TestScenario::default().initial_replicas(4),
                "/workload/initialReplicas",
                json!(4),
            ),
            (
                TestScenario::default().pod("    requests: {cpu: 250m}\n    cpuPerRequest: 5m"),
                "/workload/pod/requests/cpu",
                json!("250m"),
            ),
            (
                TestScenario::default().startup("    appStart: {fixed: 3s}"),
                "/workload/startup/appStart/fixed",
                json!("3s"),
            ),
            (
                TestScenario::default().workload("  deploymentFile: d.yaml"),
                "/workload",
                json!({"deploymentFile": "d.yaml"}),
            ),
            (
                TestScenario::default().load("- constant: {rps: 7}\n- noise: {poisson: true}"),
                "/load/1/noise/poisson",
                json!(true),
            ),
        ];
        for (builder, pointer, want) in cases {
            let text = builder.yaml();
            let v: Value = crate::scenario::parse_yaml(&text, Path::new("t.yaml"))
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(v.pointer(pointer), Some(&want), "{pointer}\n{text}");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = TestScenario::default().write(dir.path(), "s.yaml");
        let sc = crate::scenario::load_scenario(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (sc.file.name.as_str(), sc.pod.requests["cpu"].milli()),
            ("unit", 500)
        );
    }
}
