//! The `hpasim` binary driven as a user drives it: bundled snapshots, exit codes, errors.

use crate::common::{hpasim, root};

use std::path::{Path, PathBuf};

use predicates::prelude::*;

fn bundled_snapshots() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("snapshots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Compares with a golden file; `UPDATE_GOLDEN=1 cargo test` rewrites it on purpose.
fn assert_golden(golden: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(golden, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run UPDATE_GOLDEN=1 cargo test",
            golden.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "{} differs (UPDATE_GOLDEN=1 to accept)",
        golden.display()
    );
}

#[test]
fn decide_explains_every_bundled_snapshot_as_in_its_golden_file() {
    let files = bundled_snapshots();
    assert!(files.len() >= 5, "bundle at least five snapshots");
    for file in files {
        let out = hpasim()
            .arg("decide")
            .arg(&file)
            .args(["--output", "text"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        assert_golden(
            &root()
                .join("tests/golden/decide")
                .join(format!("{name}.txt")),
            &String::from_utf8(out.stdout).unwrap(),
        );
    }
}

#[test]
fn decide_json_and_yaml_carry_the_same_decision() {
    let file = root().join("snapshots/feastflow-lunch-rush.yaml");
    let json = hpasim().arg("decide").arg(&file).output().unwrap();
    let yaml = hpasim()
        .arg("decide")
        .arg(&file)
        .args(["-o", "yaml"])
        .output()
        .unwrap();
    let from_json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let from_yaml: serde_json::Value = serde_saphyr::from_slice(&yaml.stdout).unwrap();
    assert_eq!(from_json, from_yaml);
    assert_eq!(from_json["desiredReplicas"], 5);
}

/// The decision's `history` is the controller's memory after the sync: feeding it to the
/// next snapshot continues the story (shared/specs/hpa-snapshot.md, "history").
#[test]
fn decide_output_history_chains_into_the_next_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("snapshots/neurolake-scale-down-stabilized.yaml"))
            .unwrap();
    let mut snapshot: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    // Sync every 15 s with CPU still low: the 8 stays until the last 8 leaves the window.
    let mut replicas = vec![];
    for step in 0..8 {
        snapshot["now"] = serde_json::json!(5000 + 15 * step);
        let path = dir.path().join("s.json");
        std::fs::write(&path, serde_json::to_string(&snapshot).unwrap()).unwrap();
        let out = hpasim().arg("decide").arg(&path).output().unwrap();
        assert!(out.status.success());
        let decision: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        snapshot["history"] = decision["history"].clone();
        snapshot["currentReplicas"] = decision["desiredReplicas"].clone();
        replicas.push(decision["desiredReplicas"].as_i64().unwrap());
    }
    // The last recommendation of 8 was at 4760: it leaves the 300 s window after 5060, and
    // the next highest (6 at 4820) after 5120; by then the proposals of 3 remain.
    assert_eq!(replicas, vec![8, 8, 8, 8, 8, 6, 6, 6]);
}

#[test]
fn bad_snapshots_exit_2_naming_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        std::fs::read_to_string(root().join("snapshots/rate-limited-scale-down.yaml")).unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "maxReplicas: 12",
            "maxReplica: 12",
            "unknown field `maxReplica`",
        ),
        (
            "maxReplicas: 12",
            "maxReplicas: 1",
            "hpa.spec.maxReplicas: 1 is below minReplicas 2",
        ),
        ("value: 40m", "value: 40q", "invalid quantity \"40q\""),
        (
            "averageUtilization: 60",
            "averageUtilization: -5",
            "averageUtilization: -5 must be greater than 0",
        ),
        (
            "type: Pods, value: 1, periodSeconds: 60",
            "type: Pods, value: 1, periodSeconds: 0",
            "periodSeconds: 0 is outside 1..=1800",
        ),
        (
            "type: Resource",
            "type: Resources",
            "unknown variant `Resources`",
        ),
        (
            "currentReplicas: 6",
            "currentReplicas: six",
            "currentReplicas",
        ),
        (
            "name: web-2,",
            "name: web-1,",
            "pods[1].name: \"web-1\" appears twice",
        ),
    ];
    for (from, to, message) in cases {
        assert!(good.contains(from), "the fixture must contain {from:?}");
        let path = dir.path().join("bad.yaml");
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let line = good.lines().position(|l| l.contains(from)).unwrap() + 1;
        hpasim()
            .arg("decide")
            .arg(&path)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("bad.yaml:{line}:")))
            .stderr(predicate::str::contains(*message));
    }
}

#[test]
fn a_json_snapshot_reports_errors_with_its_line_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, "{\n  \"now\": 1,\n  \"hpa\": {\"spec\": {\"maxReplicas\": 3}},\n  \"currentReplicas\": 2,\n  \"podz\": []\n}\n").unwrap();
    hpasim()
        .arg("decide")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json:5:"))
        .stderr(predicate::str::contains("unknown field `podz`"));
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    hpasim()
        .args(["decide", "no/such/snapshot.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/snapshot.yaml"));
}

#[test]
fn usage_errors_exit_2() {
    hpasim().args(["decide"]).assert().code(2);
    hpasim()
        .args(["decide", "x.yaml", "--output", "xml"])
        .assert()
        .code(2);
}

/// `hpasim validate` checks without running: every bundled file is valid, and a folder
/// with bad files names each of them (file and line) and exits 2.
#[test]
fn validate_accepts_the_bundled_files_and_names_every_bad_one() {
    let ok = hpasim()
        .args(["validate", "scenarios", "snapshots"])
        .current_dir(root())
        .assert()
        .success();
    let text = String::from_utf8(ok.get_output().stdout.clone()).unwrap();
    assert!(text.contains("ok  scenarios/feastflow-lunch-rush.yaml: scenario"));
    assert!(text.contains("ok  snapshots/spywatcher-new-pods-unready.yaml: snapshot"));

    let dir = tempfile::tempdir().unwrap();
    let snapshot =
        std::fs::read_to_string(root().join("snapshots/feastflow-lunch-rush.yaml")).unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        snapshot.replacen("currentReplicas:", "currentReplicas: x\nold:", 1),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.yaml"), "hello: world\n").unwrap();
    std::fs::write(dir.path().join("c.yaml"), "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nspec: {maxReplicas: 4, targetCPUUtilizationPercentage: 50}\n").unwrap();
    hpasim()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 of the files are not valid"))
        .stderr(predicate::str::contains("a.yaml:"))
        .stderr(predicate::str::contains(
            "b.yaml: cannot tell what this file is",
        ))
        .stdout(predicate::str::contains(
            "c.yaml: HorizontalPodAutoscaler, 1 to 4 replicas",
        ));
}

/// Every YAML and JSON file under scenarios/ (seeds' multi-HPA Lists, ScaledObjects,
/// Deployments, patches, sweep spaces, goldens' inputs) is valid as what it is: a file
/// several scenarios pick from (`hpa.yaml#NAME`) has each of its objects checked, not
/// refused for holding several.
#[test]
fn validate_accepts_every_file_under_scenarios() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            {
                out.push(p);
            }
        }
    }
    let mut files = vec![];
    walk(&root().join("scenarios"), &mut files);
    files.sort();
    assert!(files.len() > 90, "{} files", files.len());
    let done = hpasim().arg("validate").args(&files).output().unwrap();
    let out = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok  ")).count(),
        files.len()
    );
    // (file, what its line says)
    let cases = [
        (
            "neurolake/hpa.yaml",
            "HorizontalPodAutoscaler \"neurolake-api-hpa\", 3 to",
        ),
        (
            "neurolake/hpa.yaml",
            "HorizontalPodAutoscaler \"neurolake-worker-hpa\"",
        ),
        ("neurolake/scaledobject.yaml", "ScaledObject \""),
        (
            "neurolake/worker-sweep.space.yaml",
            "sweep space, 3 parameter(s)",
        ),
    ];
    for (file, words) in cases {
        let line = (out.lines())
            .find(|l| l.starts_with("ok  ") && l.contains(file))
            .unwrap_or_default();
        assert!(line.contains(words), "{file}: {line}");
    }
}

/// `--events` chooses what events.jsonl holds: `all` (the default) every event, as the
/// library's in-memory run writes them; `decisions` exactly all's decision lines; `none`
/// no file at all (an earlier run's is removed). The run itself is the same each time, and
/// stderr (not a terminal here) carries no progress bar.
#[test]
fn events_flag_chooses_what_events_jsonl_holds_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let scenario = root().join("scenarios/feastflow-expected-timeline.yaml");
    let run = |events: Option<&str>| {
        let mut cmd = hpasim();
        cmd.arg("simulate")
            .arg(&scenario)
            .arg("--out")
            .arg(&out)
            .args(["--charts", "none"]);
        if let Some(e) = events {
            cmd.args(["--events", e]);
        }
        let done = cmd.output().unwrap();
        assert!(done.status.success(), "{events:?}");
        assert_eq!(String::from_utf8_lossy(&done.stderr), "", "{events:?}");
        let events_file = std::fs::read_to_string(out.join("events.jsonl")).ok();
        let timeline = std::fs::read(out.join("timeline.csv")).unwrap();
        (
            events_file,
            timeline,
            String::from_utf8(done.stdout).unwrap(),
        )
    };
    let (all, timeline, text) = run(None);
    let all = all.expect("events.jsonl by default");
    let sc = hpasim::scenario::load_scenario(&scenario).unwrap();
    let record = hpasim::sim::run(&sc, &hpasim::sim::Options::default());
    assert_eq!(
        all.as_bytes(),
        hpasim::report::events_jsonl(&record).unwrap(),
        "the streamed file is the in-memory run's"
    );
    assert!(text.contains("events.jsonl"));
    let kinds = |text: &str| -> std::collections::BTreeSet<String> {
        (text.lines())
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["kind"].to_string())
            .collect()
    };
    assert!(
        kinds(&all).len() >= 2,
        "decisions and pods: {:?}",
        kinds(&all)
    );

    let (decisions, timeline_d, _) = run(Some("decisions"));
    let only: Vec<&str> = (all.lines())
        .filter(|l| l.starts_with(r#"{"kind":"decision""#))
        .collect();
    assert!(!only.is_empty());
    assert_eq!(decisions.unwrap().lines().collect::<Vec<_>>(), only);
    assert_eq!(timeline_d, timeline);

    let (none, timeline_n, text_n) = run(Some("none"));
    assert_eq!(none, None, "--events none leaves no events.jsonl behind");
    assert!(!text_n.contains("events.jsonl"), "{text_n}");
    assert_eq!(timeline_n, timeline);
}
