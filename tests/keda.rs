//! KEDA ScaledObjects: the generated HPA against KEDA's code (fixtures under tests/keda/,
//! each citing the Go lines it was worked out from; kedacore/keda@8b4f083, the v2.20 line).

use std::path::PathBuf;

use hpasim::core::Snapshot;
use hpasim::core::api::HpaSpec;
use hpasim::keda::Keda;
use hpasim::keda::api::ScaledObject;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fixture {
    scaled_object: ScaledObject,
    expected_hpa: ExpectedHpa,
}

#[derive(Deserialize)]
struct ExpectedHpa {
    name: String,
    spec: HpaSpec,
}

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keda");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("hpa-") && n.ends_with(".yaml"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn generated_hpa_is_the_one_kedas_code_builds() {
    let files = fixtures();
    assert!(files.len() >= 4, "fixtures missing: {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let fixture: Fixture = serde_saphyr::from_str(&text).unwrap();
        let keda = Keda::compile(&fixture.scaled_object)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(
            keda.hpa_name(),
            fixture.expected_hpa.name,
            "{}",
            file.display()
        );
        assert_eq!(
            keda.hpa.metadata.as_ref().unwrap()["name"],
            fixture.expected_hpa.name.as_str(),
            "{}",
            file.display()
        );
        assert_eq!(
            keda.hpa.spec,
            fixture.expected_hpa.spec,
            "{}",
            file.display()
        );
    }
}

fn compile(yaml: &str) -> Keda {
    let so: ScaledObject = serde_saphyr::from_str(yaml).unwrap();
    Keda::compile(&so).unwrap()
}

/// A ScaledObject on one prometheus trigger (threshold 1000) with the given spec lines.
fn prometheus_so(spec: &str, trigger_extra: &str) -> Keda {
    compile(&format!(
        "metadata: {{name: q}}
spec:
  scaleTargetRef: {{name: q}}
{spec}
  triggers:
  - type: prometheus
{trigger_extra}
    metadata:
      serverAddress: http://p
      query: q
      threshold: '1000'
      activationThreshold: '10'
"
    ))
}

#[test]
fn generated_hpa_decides_through_the_core_unchanged() {
    let keda = prometheus_so("  maxReplicaCount: 10", "");
    let snapshot: Snapshot = serde_json::from_value(serde_json::json!({
        "now": 100,
        "hpa": keda.hpa,
        "currentReplicas": 2,
        "externals": {"s0-prometheus": ["5k"]},
    }))
    .unwrap();
    let decision = hpasim::core::decide(&snapshot).unwrap();
    // AverageValue 1000 over 2 replicas: 5000 / 2 = 2500 per pod, ratio 2.5 -> 5; no
    // behavior, so the legacy scale-up limit max(2 x 2, 4) = 4 applies.
    assert_eq!(decision.proposal, Some(5));
    assert_eq!(decision.desired_replicas, 4);
}

#[test]
fn refused_scaled_objects_name_the_field() {
    let base = |spec: &str, trigger: &str| {
        format!(
            "metadata: {{name: q}}\nspec:\n  scaleTargetRef: {{name: q}}\n{spec}  triggers:\n{trigger}"
        )
    };
    let prom = "  - type: prometheus\n    metadata: {serverAddress: x, query: q, threshold: '5'}\n";
    let cases: &[(String, &str, &str)] = &[
        (
            base("", "  - type: rabbitmq\n    metadata: {queueName: q}\n"),
            "spec.triggers[0].type",
            "\"rabbitmq\" is not modelled",
        ),
        (
            base(
                "",
                "  - type: prometheus\n    metadata: {serverAddress: x, query: q, treshold: '5'}\n",
            ),
            "spec.triggers[0].metadata.treshold",
            "did you mean \"threshold\"",
        ),
        (
            base(
                "",
                "  - type: prometheus\n    metricType: Utilization\n    metadata: {serverAddress: x, query: q, threshold: '5'}\n",
            ),
            "spec.triggers[0].metricType",
            "'Utilization' metric type is unsupported",
        ),
        (
            base(
                "",
                "  - type: prometheus\n    metadata: {serverAddress: x, query: q, threshold: '0.0004'}\n",
            ),
            "spec.triggers[0].metadata.threshold",
            "target of 0",
        ),
        (
            base("  minReplicaCount: 2\n  idleReplicaCount: 2\n", prom),
            "spec.idleReplicaCount",
            "must be less than MinReplicaCount=2",
        ),
        (
            base("  minReplicaCount: 200\n", prom),
            "spec.minReplicaCount",
            "maxReplicaCount 100",
        ),
        (
            base(
                "",
                "  - type: cpu\n    metricType: Utilization\n    metadata: {value: '50'}\n",
            ),
            "spec.minReplicaCount",
            "only cpu/memory triggers",
        ),
        (
            base(
                "  minReplicaCount: 1\n",
                "  - type: cpu\n    metadata: {value: '50'}\n",
            ),
            "spec.triggers[0].metricType",
            "unknown metric type",
        ),
        (
            base(
                "  advanced:\n    scalingModifiers: {formula: a+b, target: '2'}\n",
                prom,
            ),
            "spec.advanced.scalingModifiers",
            "not modelled",
        ),
        (
            base("  fallback: {failureThreshold: -1, replicas: 2}\n", prom),
            "spec.fallback",
            "greater than or equal to 0",
        ),
    ];
    for (yaml, field, fragment) in cases {
        let so: ScaledObject = serde_saphyr::from_str(yaml).unwrap();
        let err = Keda::compile(&so).unwrap_err();
        assert_eq!(err.field, *field, "{yaml}");
        assert!(err.message.contains(fragment), "{yaml}: {}", err.message);
    }
    let unknown = serde_saphyr::from_str::<ScaledObject>(&base("  coolDownPeriod: 30\n", prom));
    assert!(unknown.unwrap_err().to_string().contains("coolDownPeriod"));
}
