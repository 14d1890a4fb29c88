//! KEDA ScaledObjects in scenarios: bad ones refused at their file, line and field; the
//! simulator running KEDA's loop beside the generated HPA, on hand-worked timelines
//! (kedacore/keda@8b4f083, the v2.20 line; the rules in `src/keda`).

use std::path::{Path, PathBuf};

fn hpasim() -> assert_cmd::Command {
    assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("hpasim"))
}

fn base() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keda/sim/worker.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// `text` with `from` replaced by `to` once (asserting `from` is there).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// Writes `text` as `dir/name` and returns its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// Each bad ScaledObject (inline or from `scaledObjectFile`) exits 2, naming the file, the
/// line and column, and the field, whichever file holds it.
#[test]
fn bad_scaled_objects_in_scenarios_exit_2_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let so_file = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: worker}\nspec:\n  scaleTargetRef: {name: worker}\n  triggers:\n  - type: prometheus\n    name: queue\n    metadata: {serverAddress: http://p:9090, query: q, threshold: \"100\"}\n";
    write(dir.path(), "so.yaml", so_file);
    write(
        dir.path(),
        "bad-so.yaml",
        &so_file.replace("type: prometheus", "type: kafka"),
    );
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- {}",
        so_file.replace('\n', "\n  ").trim_end()
    );
    write(dir.path(), "list.yaml", &list);
    let inline_so = {
        let b = base();
        let start = b.find("scaledObject:").unwrap();
        let end = b.find("workload:").unwrap();
        (b[..start].to_string(), b[end..].to_string())
    };
    let from_file = |f: &str| format!("{}scaledObjectFile: {f}\n{}", inline_so.0, inline_so.1);
    // (scenario text, the file named, what follows the file's name in the error)
    let cases: Vec<(String, &str, &str)> = vec![
        (
            edit(&base(), "    - type: prometheus", "    - type: kafka"),
            "scenario.yaml",
            ":14:7: scaledObject.spec.triggers[0].type: trigger type \"kafka\" is not modelled",
        ),
        (
            edit(
                &base(),
                "    maxReplicaCount: 10",
                "    maxReplicaCount: 10\n    coolDownPeriod: 30",
            ),
            "scenario.yaml",
            ":13:5: scaledObject.spec.coolDownPeriod: unknown field `coolDownPeriod`",
        ),
        (
            edit(&base(), "    minReplicaCount: 0", "    minReplicaCount: 12"),
            "scenario.yaml",
            ":11:5: scaledObject.spec.minReplicaCount: 12 must be less than or equal to maxReplicaCount 10",
        ),
        (
            edit(
                &base(),
                "        threshold: \"100\"",
                "        threshold: \"lots\"",
            ),
            "scenario.yaml",
            ":19:9: scaledObject.spec.triggers[0].metadata.threshold: \"lots\" is not a number",
        ),
        (
            edit(&base(), "  queue: {shape", "  queues: {shape"),
            "scenario.yaml",
            ":14:7: scaledObject.spec.triggers[0]: the prometheus trigger reads the `metrics:` entry named \"s0-prometheus\" or \"queue\", and the scenario has none (its entries: queues); did you mean \"queues\"?",
        ),
        (
            edit(
                &base(),
                "  queue: {shape",
                "  queue: {source: podRequestsPerSecond}\n  unused: {shape",
            ),
            "scenario.yaml",
            ":14:7: scaledObject.spec.triggers[0]: its `metrics:` entry \"queue\" is per pod",
        ),
        (
            edit(&base(), "scaledObject:", "hpaFile: hpa.yaml\nscaledObject:"),
            "scenario.yaml",
            ":6:1: scaledObject: give exactly one of `hpa`, `hpaFile`, `scaledObject` and `scaledObjectFile`",
        ),
        (
            format!(
                "{}actions:\n- {{at: \"00:05:00\", patchHpa: {{maxReplicas: 3}}}}\n",
                base()
            ),
            "scenario.yaml",
            ":31:20: actions[0].patchHpa: the HPA is the one KEDA generates",
        ),
        (
            from_file("bad-so.yaml"),
            "bad-so.yaml",
            ":7:5: spec.triggers[0].type: trigger type \"kafka\" is not modelled",
        ),
        (from_file("missing.yaml"), "missing.yaml", ""),
        (
            from_file("list.yaml#other"),
            "list.yaml",
            ": the List holds no ScaledObject named \"other\" (it holds: worker)",
        ),
    ];
    for (i, (text, named, expected)) in cases.iter().enumerate() {
        let scenario = write(dir.path(), "scenario.yaml", text);
        let out = hpasim()
            .args(["validate", scenario.to_str().unwrap()])
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        let want = format!("{}{expected}", dir.path().join(named).display());
        assert!(stderr.contains(&want), "case {i}: {stderr}\nwanted {want}");
    }
    // The good ones: from a file, and picked from a List by name.
    for f in ["so.yaml", "list.yaml#worker", "list.yaml"] {
        let scenario = write(dir.path(), "scenario.yaml", &from_file(f));
        hpasim()
            .args(["validate", scenario.to_str().unwrap()])
            .assert()
            .success();
    }
}
