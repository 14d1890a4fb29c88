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

/// One object of `kind` named `name`, told apart from the others by `n` (the HPA's
/// maxReplicas, the ScaledObject's maxReplicaCount, the Deployment's replicas).
fn object(kind: &str, name: &str, n: i32) -> String {
    match kind {
        "HorizontalPodAutoscaler" => format!(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}\n  maxReplicas: {n}\n  metrics:\n  - type: Resource\n    resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}\n"
        ),
        "ScaledObject" => format!(
            "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {{name: {name}}}\nspec:\n  scaleTargetRef: {{name: worker}}\n  maxReplicaCount: {n}\n  triggers:\n  - type: prometheus\n    name: queue\n    metadata: {{serverAddress: http://p:9090, query: q, threshold: \"100\"}}\n"
        ),
        "Deployment" => format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {n}\n  template:\n    spec:\n      containers:\n      - name: app\n        resources: {{requests: {{cpu: 500m}}}}\n"
        ),
        other => format!(
            "apiVersion: v1\nkind: {other}\nmetadata: {{name: {name}}}\ndata: {{n: \"{n}\"}}\n"
        ),
    }
}

/// A scenario reading its `kind` from `file` (`objs.yaml#name`), and the number that tells
/// which object it read.
fn read_through(dir: &Path, kind: &str, file: &str) -> Result<i64, String> {
    let workload =
        "workload:\n  initialReplicas: 2\n  pod: {requests: {cpu: 500m}, cpuPerRequest: 10m}\n";
    let text = match kind {
        "HorizontalPodAutoscaler" => format!(
            "name: t\nduration: 5m\nhpaFile: {file}\n{workload}load:\n- constant: {{rps: 10}}\n"
        ),
        "ScaledObject" => format!(
            "name: t\nduration: 5m\nscaledObjectFile: {file}\n{workload}metrics:\n  queue: {{value: 10}}\nload:\n- constant: {{rps: 10}}\n"
        ),
        _ => format!(
            "name: t\nduration: 5m\nhpa:\n  spec:\n    scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: a}}\n    maxReplicas: 10\nworkload:\n  deploymentFile: {file}\n  pod: {{cpuPerRequest: 10m}}\nload:\n- constant: {{rps: 10}}\n"
        ),
    };
    let path = dir.join("scenario.yaml");
    std::fs::write(&path, text).unwrap();
    let s = hpasim::scenario::load_scenario(&path).map_err(|e| e.to_string())?;
    Ok(match kind {
        "HorizontalPodAutoscaler" => i64::from(s.hpa.spec.max_replicas),
        "ScaledObject" => i64::from(
            s.keda
                .unwrap()
                .keda
                .scaled_object
                .spec
                .max_replica_count
                .unwrap(),
        ),
        _ => i64::from(s.file.workload.initial_replicas.unwrap()),
    })
}

/// The three manifest files a scenario reads (`hpaFile`, `scaledObjectFile`,
/// `deploymentFile`) pick their object by one rule: the only one of the kind, or the one
/// named by `FILE#NAME`, among several YAML documents or the items of a `List`; and say
/// the same thing, with the real file name, when they cannot.
#[test]
fn hpa_scaledobject_and_deployment_files_pick_their_object_by_one_rule() {
    let list = |docs: &[String]| {
        let items: String = (docs.iter())
            .map(|d| format!("- {}\n", d.trim_end().replace('\n', "\n  ")))
            .collect();
        format!("apiVersion: v1\nkind: List\nitems:\n{items}")
    };
    for (kind, field) in [
        ("HorizontalPodAutoscaler", "hpaFile"),
        ("ScaledObject", "scaledObjectFile"),
        ("Deployment", "deploymentFile"),
    ] {
        let (a, b) = (object(kind, "a", 3), object(kind, "b", 4));
        let other = object("ConfigMap", "c", 5);
        // (the file's text, the pick, the object's number or the error's words)
        let cases: Vec<(String, &str, Result<i64, String>)> = vec![
            (a.clone(), "", Ok(3)),
            (a.clone(), "#a", Ok(3)),
            (format!("{a}---\n{b}"), "#b", Ok(4)),
            (format!("{other}---\n{b}"), "", Ok(4)),
            (list(&[a.clone(), b.clone()]), "#a", Ok(3)),
            (list(&[other.clone(), b.clone()]), "", Ok(4)),
            (
                format!("{a}---\n{b}"),
                "",
                Err(format!(
                    "objs.yaml: the file holds 2 {kind}s (a, b); pick one by adding `#NAME` to the file's name (`{field}: objs.yaml#a`)"
                )),
            ),
            (
                list(&[a.clone(), b.clone()]),
                "",
                Err(format!(
                    "objs.yaml: the file holds 2 {kind}s (a, b); pick one"
                )),
            ),
            (
                list(&[a.clone(), b.clone()]),
                "#z",
                Err(format!(
                    "objs.yaml: the file holds no {kind} named \"z\" (its {kind}s: a, b)"
                )),
            ),
            (
                list(&[a.clone(), other.clone()]),
                "#c",
                Err(format!(
                    "objs.yaml:{}:3: kind: \"ConfigMap\" is not a {kind}",
                    list(&[a.clone(), other.clone()])
                        .lines()
                        .position(|l| l.contains("ConfigMap"))
                        .unwrap_or_default()
                        + 1
                )),
            ),
            (
                list(&[other.clone(), object("Service", "s", 1)]),
                "",
                Err(format!(
                    "objs.yaml: the file holds no {kind} (it holds: ConfigMap c, Service s)"
                )),
            ),
            (
                other.clone(),
                "",
                Err("objs.yaml:2:1: kind: \"ConfigMap\" is not a".into()),
            ),
            (
                String::new(),
                "",
                Err(format!(
                    "objs.yaml: the file holds no {kind} (it holds: nothing)"
                )),
            ),
        ];
        for (text, pick, want) in cases {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("objs.yaml"), &text).unwrap();
            let got = read_through(dir.path(), kind, &format!("objs.yaml{pick}"));
            match (&got, &want) {
                (Ok(n), Ok(m)) => assert_eq!(n, m, "{kind} {pick}:\n{text}"),
                (Err(e), Err(words)) => {
                    assert!(e.contains(words.as_str()), "{kind} {pick}: {e}\n{text}")
                }
                _ => panic!("{kind} {pick}: got {got:?}, want {want:?}\n{text}"),
            }
        }
    }
}

/// A `List` of thousands of objects (`kubectl get ... -o yaml` over a big namespace) is
/// refused in a message that names ten of them and counts the rest, for each of the
/// three manifest files (the items share one copy of the document's text: 5,000 items
/// once took 1.2 GB and 3.7 s here).
#[test]
fn a_list_of_thousands_is_named_by_its_first_ten_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let items: String = (0..5000)
        .map(|i| format!("- {{kind: ConfigMap, metadata: {{name: c{i}}}}}\n"))
        .collect();
    let file = dir.path().join("objs.yaml");
    std::fs::write(
        &file,
        format!("apiVersion: v1\nkind: List\nitems:\n{items}"),
    )
    .unwrap();
    for kind in ["HorizontalPodAutoscaler", "ScaledObject", "Deployment"] {
        let err = read_through(dir.path(), kind, "objs.yaml").unwrap_err();
        assert!(
            err.contains(&format!("holds no {kind} (it holds: ConfigMap c0, ")),
            "{kind}: {err}"
        );
        assert!(err.contains("ConfigMap c9 and 4990 more)"), "{kind}: {err}");
        assert!(!err.contains("c10"), "{kind}: {err}");
    }
}

/// `hpasim validate` on a `List` past the YAML reader's default of 250 000 nodes (40 000
/// small HPAs here; `kubectl get hpa -A -o yaml` over a big cluster) reads it whole and
/// names the bad item's own line; a text past one of the reader's guards (nesting,
/// aliases per anchor) is refused in words naming the file, not in the reader's terms.
#[test]
fn a_large_list_is_read_whole_and_a_reader_limit_is_said_in_words() {
    const ITEMS: usize = 40_000;
    let dir = tempfile::tempdir().unwrap();
    let refused = |name: &str, text: &str| -> String {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let found = commands::validate(&[file]).unwrap();
        assert_eq!(found.refused.len(), 1, "{name}: {}", found.text);
        found.refused[0].to_string()
    };
    // The item given no maxReplicas, at the start, the middle and the end: each item is 2
    // lines, after the 3 of the List's head.
    for bad in [0, ITEMS / 2 + 1, ITEMS - 1] {
        let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
        for k in 0..ITEMS {
            let max = if k == bad { "" } else { ", maxReplicas: 3" };
            text.push_str(&format!(
                "- kind: HorizontalPodAutoscaler\n  spec: {{scaleTargetRef: {{kind: Deployment, name: w}}{max}}}\n"
            ));
        }
        let err = refused("big.yaml", &text);
        let want = format!(
            "big.yaml:{}:3: items[{bad}]: missing field `maxReplicas`",
            4 + 2 * bad
        );
        assert!(err.ends_with(&want), "item {bad}: {err}");
    }
    let deep = format!(
        "kind: HorizontalPodAutoscaler\nspec: {}{}\n",
        "[".repeat(70),
        "]".repeat(70)
    );
    let mut aliases = String::from("kind: List\nitems:\n- &a {kind: HorizontalPodAutoscaler}\n");
    aliases.push_str(&"- *a\n".repeat(200));
    // (file, its text, the words that must be said)
    let cases = [
        (
            "deep.yaml",
            deep,
            "deep.yaml:2:70: too large or too deep to read: the text nests lists and mappings more than 64 deep",
        ),
        (
            "aliases.yaml",
            aliases,
            "aliases.yaml:204:1: too large or too deep to read: the text has more than 10 aliases (`*name`) per anchor",
        ),
    ];
    for (name, text, words) in cases {
        let err = refused(name, &text);
        assert!(err.contains(words), "{name}: {err}");
        for internal in ["budget", "breach", "{", "Nodes", "Depth"] {
            assert!(!err.contains(internal), "{name}: {err}");
        }
    }
}

/// An HPA of a manifest file is named by its `metadata.name` (`hpasim validate`'s line
/// shows it quoted, and nothing when it has none); `#NAME` picks a name the file writes,
/// never the `(unnamed)` a message shows for an object without one.
#[test]
fn an_hpa_is_named_by_its_metadata_name_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let hpa = |meta: &str| {
        format!(
            "- apiVersion: autoscaling/v2\n  kind: HorizontalPodAutoscaler\n  {meta}\n  spec: {{scaleTargetRef: {{kind: Deployment, name: w}}, maxReplicas: 3}}\n"
        )
    };
    // (the List's items, what validate's line says)
    let cases = [
        (
            hpa("metadata: {name: web}"),
            "HorizontalPodAutoscaler \"web\", 1 to 3",
        ),
        (
            hpa("metadata: {labels: {a: b}}"),
            "HorizontalPodAutoscaler, 1 to 3",
        ),
        (
            hpa("metadata: {name: \"\"}"),
            "HorizontalPodAutoscaler \"\", 1 to 3",
        ),
    ];
    for (items, words) in &cases {
        let file = dir.path().join("hpas.yaml");
        std::fs::write(&file, format!("kind: List\nitems:\n{items}")).unwrap();
        let found = commands::validate(&[file]).unwrap();
        assert!(found.text.contains(words), "{items}: {}", found.text);
    }
    let file = dir.path().join("two.yaml");
    std::fs::write(
        &file,
        format!("kind: List\nitems:\n{}{}", cases[0].0, cases[1].0),
    )
    .unwrap();
    // (the pick, the HPA's maxReplicas or the error's words)
    let picks: [(&str, Result<i64, &str>); 2] = [
        ("#web", Ok(3)),
        (
            "#(unnamed)",
            Err(
                "holds no HorizontalPodAutoscaler named \"(unnamed)\" (its HorizontalPodAutoscalers: web, (unnamed))",
            ),
        ),
    ];
    for (pick, want) in picks {
        let got = read_through(
            dir.path(),
            "HorizontalPodAutoscaler",
            &format!("two.yaml{pick}"),
        );
        match (&got, want) {
            (Ok(n), Ok(m)) => assert_eq!(*n, m, "{pick}"),
            (Err(e), Err(words)) => assert!(e.contains(words), "{pick}: {e}"),
            _ => panic!("{pick}: got {got:?}, want {want:?}"),
        }
    }
}

/// `hpasim validate` of a file naming HorizontalPodAutoscaler: whole HPAs are described,
/// a patch of one (a kustomize overlay's, or RFC 6902 operations) is checked as a patch,
/// anything else is refused at its line; whether the file is a patch is told from the
/// documents as first parsed, and each says what it said when it was told by parsing a
/// failed file again.
#[test]
fn validate_tells_a_patch_from_a_bad_hpa_as_before() {
    let hpa = "kind: HorizontalPodAutoscaler\nmetadata: {name: a}\n";
    let list = "apiVersion: v1\nkind: List\nitems:\n- kind: HorizontalPodAutoscaler\n  metadata: {name: a}\n";
    let target = "scaleTargetRef: {kind: Deployment, name: w}";
    // (file, its text, `ok` and the line, or the refusal)
    let cases = [
        (
            "list-bad.yaml",
            format!("{list}  spec: {{{target}, maxReplicas: -1}}\n"),
            Err("list-bad.yaml:6:55: spec.maxReplicas: -1 must be at least 1"),
        ),
        // Not a patch: a List is never one, whatever its items leave out.
        (
            "list-min.yaml",
            format!("{list}  spec: {{minReplicas: 2}}\n"),
            Err("list-min.yaml:4:3: items[0]: missing field `maxReplicas`"),
        ),
        (
            "docs-bad.yaml",
            format!(
                "{hpa}spec: {{{target}, maxReplicas: 3}}\n---\n{hpa}spec: {{{target}, maxReplicas: 3, minReplicas: 0}}\n"
            ),
            Err(
                "docs-bad.yaml:7:69: spec.minReplicas: 0 is allowed only with at least one Object or External metric",
            ),
        ),
        (
            "syntax.yaml",
            "kind: HorizontalPodAutoscaler\nspec: {maxReplicas: [\n".into(),
            Err("syntax.yaml:2:21: spec.maxReplicas: unclosed bracket '['"),
        ),
        // An overlay's patch, whole enough to read as an HPA: described as one.
        (
            "patch.yaml",
            format!("{hpa}spec: {{maxReplicas: 7}}\n"),
            Ok("HorizontalPodAutoscaler \"a\", 1 to 7 replicas on 1 metric(s)"),
        ),
        // Not whole: checked as a patch.
        (
            "patch-min.yaml",
            format!("{hpa}spec: {{minReplicas: 2}}\n"),
            Ok("HorizontalPodAutoscaler patch (strategic merge) for a"),
        ),
        (
            "patch-bad.yaml",
            format!("apiVersion: autoscaling/v2\n{hpa}spec: {{maxReplicas: seven}}\n"),
            Err(
                "patch-bad.yaml:4:8: spec.maxReplicas: \"seven\" is not of the HPA's type here (integer)",
            ),
        ),
        (
            "ops.yaml",
            "- {op: replace, path: /spec/maxReplicas, value: 5}\n".into(),
            Ok("JSON patch (RFC 6902) of a HorizontalPodAutoscaler, 1 operation(s)"),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text, want) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, &text).unwrap();
        let found = commands::validate(&[file]).unwrap();
        let got = match found.refused.as_slice() {
            [] => Ok(found.text.clone()),
            [e] => Err(e.to_string()),
            more => panic!("{name}: {more:?}"),
        };
        match (&got, want) {
            (Ok(line), Ok(says)) => {
                assert!(line.ends_with(&format!(": {says}\n")), "{name}: {line}")
            }
            (Err(err), Err(says)) => {
                assert!(err.contains(says), "{name}: {err}")
            }
            _ => panic!("{name}: {got:?}, expected {want:?}"),
        }
    }
}
