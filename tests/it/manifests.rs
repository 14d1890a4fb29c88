//! HPA manifests as people have them (`kubectl get hpa -o yaml`): autoscaling/v1 and
//! v2beta1 objects are converted as the API server does (pkg/apis/autoscaling/v1 and
//! v2beta1 conversion.go), and a `List` gives its one HPA or is picked from by name.

use std::path::Path;

use hpasim::commands;
use hpasim::report::Format;

const V2: &str = "snapshots/spywatcher-new-pods-unready.yaml";

/// The bundled snapshot with its HPA's `apiVersion` and `metrics:` block replaced.
fn with_hpa(version: &str, metrics: &str) -> String {
    let text = std::fs::read_to_string(V2).unwrap();
    let text = text.replace(
        "apiVersion: autoscaling/v2",
        &format!("apiVersion: {version}"),
    );
    let old = "    metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n";
    assert!(text.contains(old));
    text.replace(old, metrics)
}

fn decide(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.yaml");
    std::fs::write(&path, text).unwrap();
    commands::decide(&path, Format::Json).unwrap()
}

#[test]
fn a_v1_or_v2beta1_hpa_decides_as_its_v2_equivalent() {
    let want = commands::decide(Path::new(V2), Format::Json).unwrap();
    let cases = [
        ("autoscaling/v1", "    targetCPUUtilizationPercentage: 70\n"),
        (
            "autoscaling/v2beta1",
            "    metrics:\n    - type: Resource\n      resource: {name: cpu, targetAverageUtilization: 70}\n",
        ),
        (
            "autoscaling/v2beta2",
            "    metrics:\n    - type: Resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n",
        ),
    ];
    for (version, metrics) in cases {
        assert_eq!(decide(&with_hpa(version, metrics)), want, "{version}");
    }
}

#[test]
fn a_v1_hpa_without_a_target_scales_on_cpu_at_80_percent() {
    // 3 x 420m + 480m over 5 x 500m: the default target differs from 70 %, so the
    // decision's target must read 80 %.
    let out = decide(&with_hpa("autoscaling/v1", ""));
    assert!(out.contains("\"target\": \"80%\""), "{out}");
}

#[test]
fn an_hpa_file_may_be_a_kubectl_list_picked_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let list = r#"apiVersion: v1
kind: List
items:
- apiVersion: autoscaling/v1
  kind: HorizontalPodAutoscaler
  metadata: {name: web}
  spec: {maxReplicas: 8, minReplicas: 2, targetCPUUtilizationPercentage: 60,
         scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}
- apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {name: worker}
  spec: {maxReplicas: 4, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}}
"#;
    std::fs::write(dir.path().join("hpas.yaml"), list).unwrap();
    let scenario = std::fs::read_to_string("scenarios/feastflow-lunch-rush.yaml").unwrap();
    let start = scenario.find("\nhpa:").expect("an inline hpa");
    let end = scenario[start + 1..]
        .find("\nworkload:")
        .map(|i| i + start + 1)
        .expect("workload after hpa");
    let write = |hpa_file: &str| {
        let text = format!(
            "{}\nhpaFile: {hpa_file}{}",
            &scenario[..start],
            &scenario[end..]
        );
        let path = dir.path().join("scenario.yaml");
        std::fs::write(
            &path,
            text.replace("file: ../traces/", "file: /nonexistent/"),
        )
        .unwrap();
        hpasim::scenario::load_scenario(&path)
    };
    let picked = write("hpas.yaml#web").unwrap();
    assert_eq!(picked.hpa.spec.max_replicas, 8);
    let metrics = picked.hpa.spec.metrics.as_ref().unwrap();
    assert_eq!(
        metrics[0]
            .resource
            .as_ref()
            .unwrap()
            .target
            .average_utilization,
        Some(60)
    );
    let err = write("hpas.yaml").unwrap_err().to_string();
    assert!(err.contains("web, worker") && err.contains("#web"), "{err}");
}
