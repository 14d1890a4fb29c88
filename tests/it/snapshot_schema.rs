//! The published JSON Schema of the snapshot format (`docs/snapshot.schema.json`): the
//! committed file is the generated one, it accepts every bundled and recorded snapshot,
//! and it refuses what the parser refuses for want of a field or for a wrong type.

use crate::common::root;

use std::path::Path;

use hpasim::scenario::{parse_snapshot, snapshot_schema};

fn schema_accepts(text: &str) -> bool {
    let validator = jsonschema::validator_for(&snapshot_schema()).expect("the schema compiles");
    let value: serde_json::Value = serde_saphyr::from_str(text).expect("YAML");
    validator.is_valid(&value)
}

/// `UPDATE_GOLDEN=1 cargo test --release --test it snapshot_schema` rewrites it on purpose.
#[test]
fn docs_snapshot_schema_json_is_the_generated_schema() {
    let golden = root().join("docs/snapshot.schema.json");
    let actual = serde_json::to_string_pretty(&snapshot_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).expect("docs/snapshot.schema.json");
    assert_eq!(actual, expected, "UPDATE_GOLDEN=1 to accept");
}

#[test]
fn every_bundled_snapshot_validates() {
    for entry in std::fs::read_dir(root().join("snapshots")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(schema_accepts(&text), "{} is refused", path.display());
    }
}

#[test]
fn a_recorded_snapshot_validates() {
    // A simulate --snapshots file carries `decision` and lists every pod.
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        hpasim::scenario::load_scenario(Path::new("scenarios/feastflow-lunch-rush.yaml")).unwrap();
    let options = hpasim::sim::Options {
        step: hpasim::core::Span::from_secs(60),
        seed: None,
        keep_snapshots: true,
        keep_events: false,
    };
    let record = hpasim::sim::run(&scenario, &options);
    let sync = &record.syncs[record.syncs.len() / 2];
    let text = serde_json::to_string(&sync.snapshot).unwrap();
    std::fs::write(dir.path().join("s.json"), &text).unwrap();
    assert!(schema_accepts(&text));
}

#[test]
fn what_the_parser_refuses_for_its_shape_the_schema_refuses() {
    let base =
        std::fs::read_to_string(root().join("snapshots/spywatcher-new-pods-unready.yaml")).unwrap();
    let cases = [
        ("currentReplicas: 5", "currentReplicas: five"),
        ("currentReplicas: 5", "currentReplica: 5"),
        ("now: 1000", "now: soon"),
        (
            "ready: true, readySince: 100",
            "ready: maybe, readySince: 100",
        ),
        ("phase: Pending", "phase: Sleeping"),
        (
            "  recommendations: [{time: 980, replicas: 5}]",
            "  recommendations: [{time: 980}]",
        ),
    ];
    for (from, to) in cases {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        assert!(
            parse_snapshot(&text, Path::new("case.yaml")).is_err(),
            "the parser accepts {to}"
        );
        assert!(!schema_accepts(&text), "the schema accepts {to}");
    }
}
