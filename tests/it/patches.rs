//! `hpaPatches`: the team's patch files applied to a scenario's HPA as kustomize and
//! `kubectl patch` apply them (strategic merge by the HPA's API tags, RFC 7386 merge,
//! RFC 6902 JSON patch), and bad patches named by file, line and field.

use std::path::Path;

use hpasim::scenario::hpa_patches::{merge_patch, strategic};
use hpasim::scenario::load_scenario;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "metadata": {"name": "web", "labels": {"team": "a"}},
        "spec": {
            "minReplicas": 2, "maxReplicas": 10,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
                {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization", "averageUtilization": 80}}}
            ],
            "behavior": {
                "scaleUp": {"stabilizationWindowSeconds": 0, "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                "scaleDown": {"stabilizationWindowSeconds": 300, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}
            }
        },
        "status": {"conditions": [
            {"type": "AbleToScale", "status": "True"},
            {"type": "ScalingActive", "status": "True"}
        ]}
    })
}

#[test]
fn merge_and_strategic_patches_merge_maps_delete_with_null_and_replace_atomic_lists() {
    // (what the case shows, patch, pointer into the result, what it must hold there)
    let cases: Vec<(&str, Value, &str, Value)> = vec![
        (
            "a scalar is replaced",
            json!({"spec": {"maxReplicas": 20}}),
            "/spec/maxReplicas",
            json!(20),
        ),
        (
            "fields beside it are kept",
            json!({"spec": {"maxReplicas": 20}}),
            "/spec/minReplicas",
            json!(2),
        ),
        (
            "null deletes a field",
            json!({"spec": {"minReplicas": null}}),
            "/spec/minReplicas",
            Value::Null,
        ),
        (
            "nested behavior merges: the window changes, the policies stay",
            json!({"spec": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 600}}}}),
            "/spec/behavior/scaleDown/policies/0/value",
            json!(1),
        ),
        (
            "nested behavior merges: the other direction stays",
            json!({"spec": {"behavior": {"scaleDown": {"stabilizationWindowSeconds": 600}}}}),
            "/spec/behavior/scaleUp/policies/0/periodSeconds",
            json!(15),
        ),
        (
            "metrics (listType=atomic) is replaced whole: memory is gone",
            json!({"spec": {"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]}}),
            "/spec/metrics/1",
            Value::Null,
        ),
        (
            "policies (listType=atomic) are replaced whole",
            json!({"spec": {"behavior": {"scaleUp": {"policies": [{"type": "Pods", "value": 4, "periodSeconds": 30}]}}}}),
            "/spec/behavior/scaleUp/policies/0/type",
            json!("Pods"),
        ),
        (
            "labels merge",
            json!({"metadata": {"labels": {"env": "prod"}}}),
            "/metadata/labels/team",
            json!("a"),
        ),
    ];
    for (what, patch, at, want) in &cases {
        for (kind, got) in [
            ("merge", merge_patch(base(), patch)),
            (
                "strategic",
                strategic(Some(base()), patch, "").unwrap().unwrap(),
            ),
        ] {
            let got = got.pointer(at).cloned().unwrap_or(Value::Null);
            assert_eq!(&got, want, "{kind}: {what}");
        }
    }
}

#[test]
fn only_strategic_merge_merges_conditions_by_type_and_reads_directives() {
    let patch = json!({"status": {"conditions": [{"type": "ScalingActive", "status": "False"}]}});
    let s = strategic(Some(base()), &patch, "").unwrap().unwrap();
    let m = merge_patch(base(), &patch);
    // conditions: patchMergeKey=type; a merge patch replaces the list.
    assert_eq!(s["status"]["conditions"].as_array().unwrap().len(), 2);
    assert_eq!(s["status"]["conditions"][1]["status"], "False");
    assert_eq!(m["status"]["conditions"].as_array().unwrap().len(), 1);
    // $patch: replace puts the map instead of merging into it.
    let patch = json!({"spec": {"behavior": {"$patch": "replace", "scaleUp": {"selectPolicy": "Disabled"}}}});
    let s = strategic(Some(base()), &patch, "").unwrap().unwrap();
    assert_eq!(
        s["spec"]["behavior"],
        json!({"scaleUp": {"selectPolicy": "Disabled"}})
    );
    // $patch: delete removes it.
    let patch = json!({"spec": {"behavior": {"$patch": "delete"}}});
    let s = strategic(Some(base()), &patch, "").unwrap().unwrap();
    assert!(s["spec"].get("behavior").is_none());
    // A directive this patcher does not know is refused, naming where it is.
    let patch = json!({"spec": {"$retainKeys": ["maxReplicas"]}});
    let (field, message) = strategic(Some(base()), &patch, "").unwrap_err();
    assert_eq!(field, "spec.$retainKeys");
    assert!(message.contains("not supported"), "{message}");
}

fn scenario_with(dir: &Path, patches: &str) -> std::path::PathBuf {
    let text =
        std::fs::read_to_string("scenarios/seeds/voiceassist/api-gateway-load-test.yaml").unwrap();
    let seeds = std::fs::canonicalize("scenarios/seeds/voiceassist").unwrap();
    let text = text.replace(
        "hpaFile: k8s/performance/api-gateway-hpa.yaml",
        &format!(
            "hpaFile: {}/k8s/performance/api-gateway-hpa.yaml\nhpaPatches: {patches}",
            seeds.display()
        ),
    );
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_voiceassist_overlays_patch_the_gateway_and_skip_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = |env: &str| {
        let seeds =
            std::fs::canonicalize("scenarios/seeds/voiceassist/k8s/performance/overlays").unwrap();
        let path = scenario_with(
            dir.path(),
            &format!("[{}/{env}/hpa-patch.yaml]", seeds.display()),
        );
        load_scenario(&path).unwrap().hpa
    };
    let names = |h: &hpasim::core::api::HorizontalPodAutoscaler| -> Vec<String> {
        let v = serde_json::to_value(h).unwrap();
        v["spec"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let t = m["type"].as_str().unwrap();
                let name = m["resource"]["name"]
                    .as_str()
                    .or(m["pods"]["metric"]["name"].as_str())
                    .unwrap();
                let target = &m[if t == "Pods" { "pods" } else { "resource" }]["target"];
                format!(
                    "{name} {}",
                    target["averageUtilization"]
                        .as_i64()
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| target["averageValue"].to_string())
                )
            })
            .collect()
    };
    // (environment, min, max, metrics after the patch)
    let cases: [(&str, i32, i32, &[&str]); 3] = [
        ("dev", 1, 3, &["cpu 80"]),
        (
            "staging",
            2,
            6,
            &["cpu 70", "memory 80", "http_requests_per_second \"100\""],
        ),
        ("prod", 3, 15, &["cpu 65", "memory 75"]),
    ];
    for (env, min, max, metrics) in cases {
        let hpa = overlay(env);
        assert_eq!(hpa.spec.min_replicas, Some(min), "{env}");
        assert_eq!(hpa.spec.max_replicas, max, "{env}");
        assert_eq!(names(&hpa), metrics, "{env}");
        // The behavior is the base's in every environment.
        let b = serde_json::to_value(&hpa.spec.behavior).unwrap();
        assert_eq!(b["scaleDown"]["stabilizationWindowSeconds"], 300, "{env}");
    }
}

#[test]
fn a_json_patch_replaces_by_pointer_as_kubectl_patch_type_json_does() {
    let dir = tempfile::tempdir().unwrap();
    // NeuroLake's "Scaling Flapping" fix, as its guide gives it to kubectl.
    std::fs::write(
        dir.path().join("flapping.yaml"),
        "- {op: replace, path: /spec/behavior/scaleDown/stabilizationWindowSeconds, value: 600}\n- {op: replace, path: /spec/metrics/0/resource/target/averageUtilization, value: 75}\n",
    )
    .unwrap();
    let path = scenario_with(dir.path(), "[flapping.yaml]");
    let hpa = serde_json::to_value(load_scenario(&path).unwrap().hpa).unwrap();
    assert_eq!(
        hpa["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"],
        600
    );
    assert_eq!(
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        75
    );
    assert_eq!(
        hpa["spec"]["metrics"][1]["resource"]["target"]["averageUtilization"],
        80
    );
}

#[test]
fn a_bad_patch_is_refused_naming_its_file_line_and_field() {
    // (patch file text, what the error must say: file:line, field)
    let cases = [
        (
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: voiceassist-server-hpa}\nspec:\n  minReplicas: 4\n  maxReplicas: 3\n",
            vec!["patch.yaml:6:", "spec.maxReplicas"],
        ),
        (
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: voiceassist-server-hpa}\nspec:\n  maxReplicas: lots\n",
            vec!["patch.yaml:5:", "spec.maxReplicas"],
        ),
        (
            "# comment\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: another-hpa}\nspec: {maxReplicas: 3}\n",
            vec![
                "patch.yaml",
                "no document in it patches HorizontalPodAutoscaler \"voiceassist-server-hpa\"",
                "HorizontalPodAutoscaler/another-hpa",
            ],
        ),
        (
            "- {op: replace, path: /spec/maxReplicas, value: 5}\n- {op: remove, path: /spec/nothing}\n",
            vec!["patch.yaml:2:", "remove /spec/nothing", "no such field"],
        ),
        (
            "- {op: frobnicate, path: /spec/maxReplicas}\n",
            vec!["patch.yaml:1:", "\"frobnicate\" is not an operation"],
        ),
    ];
    for (text, wants) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("patch.yaml"), text).unwrap();
        let path = scenario_with(dir.path(), "[patch.yaml]");
        let err = load_scenario(&path).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let shown = err.to_string();
        for want in wants {
            assert!(shown.contains(want), "{text:?}: {shown:?} lacks {want:?}");
        }
    }
}

/// `hpasim validate` on an overlay's patch files (a partial HPA per document, or an RFC
/// 6902 list of operations) checks them as patches: the VoiceAssist overlays and the
/// NeuroLake JSON patches pass; a field the HPA does not have, a value of the wrong type,
/// an unknown enumerated value or operation is refused with the file, line and field.
#[test]
fn validate_checks_an_overlay_patch_as_a_patch() {
    let overlays = "scenarios/seeds/voiceassist/k8s/performance/overlays";
    let good = [
        format!("{overlays}/dev/hpa-patch.yaml"),
        format!("{overlays}/staging/hpa-patch.yaml"),
        format!("{overlays}/prod/hpa-patch.yaml"),
        "scenarios/seeds/neurolake/flapping-fix.json-patch.yaml".to_string(),
        "scenarios/seeds/neurolake/queue-depth.json-patch.yaml".to_string(),
    ];
    for file in &good {
        let out = crate::common::hpasim()
            .args(["validate", file])
            .current_dir(crate::common::root())
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(text.contains(&format!("ok  {file}: ")), "{text}");
        assert!(text.contains("patch"), "{file}: {text}");
    }
    let read = |f: &str| std::fs::read_to_string(crate::common::root().join(f)).unwrap();
    let dev = read(&format!("{overlays}/dev/hpa-patch.yaml"));
    let json = read("scenarios/seeds/neurolake/flapping-fix.json-patch.yaml");
    // (file text, the line to change, what it becomes, the field named)
    let cases = [
        (
            &dev,
            "  maxReplicas: 3",
            "  maxReplica: 3",
            "spec.maxReplica",
        ),
        (
            &dev,
            "  minReplicas: 1",
            "  minReplicas: one",
            "spec.minReplicas",
        ),
        (
            &dev,
            "averageUtilization: 80}}",
            "averageUtilization: 80, scale: 2}}",
            "spec.metrics[0].resource.target.scale",
        ),
        (
            &dev,
            "{type: Utilization, averageUtilization: 80}",
            "{type: Utilisation, averageUtilization: 80}",
            "spec.metrics[0].resource.target.type",
        ),
        (
            &json,
            "stabilizationWindowSeconds, value: 600}",
            "stabilizationWindowSecond, value: 600}",
            "[0].path",
        ),
        (
            &json,
            "stabilizationWindowSeconds, value: 600}",
            "stabilizationWindowSeconds, value: ten minutes}",
            "[0].value",
        ),
        (
            &json,
            "{op: replace, path: /spec/metrics",
            "{op: swap, path: /spec/metrics",
            "[1].op",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (text, from, to, field) in cases {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
        let path = dir.path().join("bad-patch.yaml");
        std::fs::write(&path, &bad).unwrap();
        let out = crate::common::hpasim()
            .arg("validate")
            .arg(&path)
            .assert()
            .code(2);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(
            err.contains(&format!("bad-patch.yaml:{line}:")),
            "{to}: line {line}: {err}"
        );
        assert!(err.contains(&format!("{field}:")), "{to}: {field}: {err}");
    }
}
