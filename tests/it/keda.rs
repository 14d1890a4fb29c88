//! KEDA ScaledObjects: the generated HPA against KEDA's code (fixtures under tests/keda/,
//! each citing the Go lines it was worked out from), and KEDA's loop on hand-worked
//! timelines, one per rule (kedacore/keda@8b4f083, the v2.20 line).

use crate::common::hpasim;

use std::path::PathBuf;

use hpasim::core::api::HpaSpec;
use hpasim::core::{Snapshot, Time};
use hpasim::keda::api::ScaledObject;
use hpasim::keda::{Action, Keda, KedaState, Reading, TargetReplicas, externals_map};
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
            base("", "  - type: kafka\n    metadata: {topic: q}\n"),
            "spec.triggers[0].type",
            "\"kafka\" is not modelled",
        ),
        (
            base(
                "",
                "  - type: aws-sqs-queue\n    metadata: {queueURL: 'https://sqs.x.amazonaws.com/q', awsRegion: x}\n",
            ),
            "spec.triggers[0].metadata.queueURL",
            "cannot get queueName from queueURL",
        ),
        (
            base(
                "",
                "  - type: aws-sqs-queue\n    metadata: {queueURL: q, queueLength: '2.5'}\n",
            ),
            "spec.triggers[0].metadata.queueLength",
            "not a whole number",
        ),
        (
            base(
                "",
                "  - type: rabbitmq\n    metadata: {queueName: q, mode: MessageRate, value: '5'}\n",
            ),
            "spec.triggers[0].metadata.mode",
            "\"MessageRate\" is not modelled",
        ),
        (
            base(
                "",
                "  - type: rabbitmq\n    metadata: {queueName: q, queueLength: '5', value: '5'}\n",
            ),
            "spec.triggers[0].metadata.queueLength",
            "queueLength is deprecated; use mode and value",
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
            // As small as a number goes: named in its exponent form, not 300 zeros.
            base(
                "",
                "  - type: prometheus\n    metadata: {serverAddress: x, query: q, threshold: '1e-300'}\n",
            ),
            "spec.triggers[0].metadata.threshold",
            "1e-300 makes a target of 0",
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

/// One row of a timeline: at `t` seconds the trigger reads `value` (None: the query
/// fails) with `replicas` on the target; KEDA must take `action` and write `set`.
type Row = (i64, Option<f64>, i32, Action, Option<i32>);

fn run_timeline(keda: &Keda, created: i64, rows: &[Row]) -> KedaState {
    let mut state = KedaState::new(Time::from_secs(created));
    for &(t, value, replicas, action, set) in rows {
        let reading = value.map(Reading::Value).unwrap_or(Reading::Failed);
        let target = TargetReplicas {
            current: replicas,
            ready: replicas,
        };
        let poll = state.poll(keda, Time::from_secs(t), &[reading], target);
        assert_eq!(
            (poll.action, poll.set_replicas),
            (action, set),
            "at t={t} ({value:?}, {replicas} replicas): {}",
            poll.why
        );
    }
    state
}

/// scale_scaledobjects.go:71-73 and :247-252: active at 0 replicas scales to
/// max(minReplicaCount, 1); prometheus_scaler.go:319: active only when the value is
/// strictly above activationThreshold (10 here).
#[test]
fn activation_scales_from_zero_to_max_of_min_and_one() {
    use Action::*;
    let keda = prometheus_so("", "");
    run_timeline(
        &keda,
        0,
        &[
            (0, Some(5.0), 0, NoChange, None),
            (30, Some(10.0), 0, NoChange, None),
            (60, Some(10.5), 0, Activated, Some(1)),
            (90, Some(3000.0), 1, KeptActive, None),
        ],
    );
    let keda = prometheus_so("  minReplicaCount: 3", "");
    run_timeline(&keda, 0, &[(0, Some(11.0), 0, Activated, Some(3))]);
    // rabbitmq_scaler.go:704: float64(messages) > activationValue, strictly.
    let rabbit = compile(
        "metadata: {name: r}
spec:
  scaleTargetRef: {name: r}
  triggers:
  - type: rabbitmq
    metadata: {host: amqp://r, queueName: jobs, mode: QueueLength, value: '50', activationValue: '5'}
",
    );
    run_timeline(
        &rabbit,
        0,
        &[
            (0, Some(5.0), 0, NoChange, None),
            (30, Some(6.0), 0, Activated, Some(1)),
        ],
    );
}

/// scale_scaledobjects.go:98-101 and :212-213: inactive with minReplicaCount 0, KEDA sets
/// the target to 0 directly, from whatever count, once lastActiveTime + cooldownPeriod is
/// strictly before now (time.Before): at exactly 300 s it still waits.
#[test]
fn cooldown_then_scale_to_zero_directly() {
    use Action::*;
    let keda = prometheus_so("", "");
    let state = run_timeline(
        &keda,
        0,
        &[
            (0, Some(50.0), 4, KeptActive, None),
            (30, Some(0.0), 4, CoolingDown, None),
            (270, Some(2.0), 4, CoolingDown, None),
            (300, Some(0.0), 4, CoolingDown, None),
            (330, Some(0.0), 3, Deactivated, Some(0)),
            (360, Some(0.0), 0, NoChange, None),
        ],
    );
    assert_eq!(state.last_active_time, Some(Time::from_secs(0)));
}

/// scale_scaledobjects.go:212: never active, the target may go to 0 once
/// creationTimestamp plus initialCooldownPeriod is strictly before now (default 0 s: the first poll after
/// creation, scale_executor.go:36).
#[test]
fn initial_cooldown_period_after_creation() {
    use Action::*;
    let keda = prometheus_so("  initialCooldownPeriod: 120", "");
    run_timeline(
        &keda,
        1000,
        &[
            (1000, Some(0.0), 2, CoolingDown, None),
            (1120, Some(0.0), 2, CoolingDown, None),
            (1150, Some(0.0), 2, Deactivated, Some(0)),
        ],
    );
    let keda = prometheus_so("", "");
    run_timeline(
        &keda,
        0,
        &[
            (0, Some(0.0), 2, CoolingDown, None),
            (30, Some(0.0), 2, Deactivated, Some(0)),
        ],
    );
}

/// scale_scaledobjects.go:71 (active, idle set and below min: up to min), :98 (inactive
/// above idle: to idleReplicaCount after the cooldown, getIdleOrMinimumReplicaCount :321),
/// :102 (not taken with idle set: no raise to min while idle).
#[test]
fn idle_replica_count_between_activations() {
    use Action::*;
    let keda = prometheus_so(
        "  minReplicaCount: 3\n  idleReplicaCount: 1\n  cooldownPeriod: 60",
        "",
    );
    run_timeline(
        &keda,
        0,
        &[
            (0, Some(50.0), 0, Activated, Some(3)),
            (30, Some(50.0), 5, KeptActive, None),
            (60, Some(0.0), 5, CoolingDown, None),
            (90, Some(0.0), 5, CoolingDown, None),
            (120, Some(0.0), 5, Deactivated, Some(1)),
            (150, Some(0.0), 1, NoChange, None),
            (180, Some(50.0), 1, Activated, Some(3)),
        ],
    );
}

/// scale_scaledobjects.go:102-109: inactive, no idleReplicaCount, below minReplicaCount:
/// raised to it; scale_handler.go:1006: only cpu/memory triggers are always active, so
/// such a target at 0 is activated (:71).
#[test]
fn inactive_below_min_is_raised_and_cpu_only_is_always_active() {
    use Action::*;
    let keda = prometheus_so("  minReplicaCount: 2", "");
    run_timeline(
        &keda,
        0,
        &[
            (0, Some(0.0), 1, RaisedToMin, Some(2)),
            (30, Some(0.0), 2, NoChange, None),
        ],
    );
    let cpu = compile(
        "metadata: {name: c}
spec:
  scaleTargetRef: {name: c}
  minReplicaCount: 2
  triggers:
  - type: cpu
    metricType: Utilization
    metadata: {value: '60'}
",
    );
    let mut state = KedaState::new(Time::from_secs(0));
    let target = TargetReplicas {
        current: 0,
        ready: 0,
    };
    let poll = state.poll(&cpu, Time::from_secs(0), &[], target);
    assert_eq!((poll.action, poll.set_replicas), (Activated, Some(2)));
}

/// fallback.go:141-169: failures counted per metric; past failureThreshold (strictly
/// greater, :144) the metric reads as target x fallback.replicas and the trigger counts
/// as active (scale_handler.go:1089); before that the poll is an error, and an inactive
/// error with fallback.replicas != 0 is held (scale_scaledobjects.go:86). A success
/// resets the count (fallback.go:123-129).
#[test]
fn fallback_after_failure_threshold_makes_the_hpa_land_on_its_replicas() {
    use Action::*;
    let keda = prometheus_so(
        "  maxReplicaCount: 10\n  fallback: {failureThreshold: 3, replicas: 6}",
        "",
    );
    let mut state = run_timeline(
        &keda,
        0,
        &[
            (0, Some(500.0), 3, KeptActive, None),
            (30, None, 3, HeldForFallback, None),
            (60, None, 3, HeldForFallback, None),
            (90, None, 3, HeldForFallback, None),
            (120, None, 3, KeptActive, None),
        ],
    );
    assert_eq!(state.failures["s0-prometheus"], 4);
    assert_eq!(state.last_active_time, Some(Time::from_secs(120)));
    // The HPA's read at its next sync counts a fifth failure and gets 1000 x 6, which
    // over 3 replicas is 2000 per pod: ratio 2, 3 -> 6 (within the legacy limit 6).
    let target = TargetReplicas {
        current: 3,
        ready: 3,
    };
    let reads = state.hpa_read(&keda, &[Reading::Failed], target);
    assert!(reads[0].fallback);
    assert_eq!(reads[0].value.as_ref().map(|q| q.milli()), Some(6_000_000));
    let snapshot: Snapshot = serde_json::from_value(serde_json::json!({
        "now": 135, "hpa": keda.hpa, "currentReplicas": 3,
        "externals": externals_map(&reads),
    }))
    .unwrap();
    assert_eq!(hpasim::core::decide(&snapshot).unwrap().desired_replicas, 6);
    // A success resets the count.
    let poll = state.poll(
        &keda,
        Time::from_secs(150),
        &[Reading::Value(800.0)],
        target,
    );
    assert_eq!(poll.action, KeptActive);
    assert_eq!(state.failures["s0-prometheus"], 0);
}

/// fallback.go:248-286: the replicas per behavior, and a Value target divided by the
/// ready pods, so that the HPA's Value computation lands on them; 0 ready is an error.
#[test]
fn fallback_behaviors_and_value_targets() {
    let cases: &[(&str, &str, i32, i32, Option<i64>)] = &[
        // (behavior, metricType, current, ready, served milli)
        ("static", "AverageValue", 8, 8, Some(6_000_000)),
        ("currentReplicas", "AverageValue", 8, 8, Some(8_000_000)),
        (
            "currentReplicasIfHigher",
            "AverageValue",
            8,
            8,
            Some(8_000_000),
        ),
        (
            "currentReplicasIfHigher",
            "AverageValue",
            2,
            2,
            Some(6_000_000),
        ),
        (
            "currentReplicasIfLower",
            "AverageValue",
            2,
            2,
            Some(2_000_000),
        ),
        ("static", "Value", 3, 3, Some(2_000_000)),
        ("static", "Value", 4, 0, None),
    ];
    for &(behavior, metric_type, current, ready, served) in cases {
        let keda = prometheus_so(
            &format!("  fallback: {{failureThreshold: 0, replicas: 6, behavior: {behavior}}}"),
            &format!("    metricType: {metric_type}"),
        );
        let mut state = KedaState::new(Time::from_secs(0));
        let reads = state.hpa_read(&keda, &[Reading::Failed], TargetReplicas { current, ready });
        assert_eq!(
            reads[0].value.as_ref().map(|q| q.milli()),
            served,
            "{behavior} {metric_type} {current}/{ready}"
        );
    }
}

/// scale_scaledobjects.go:86-97: an inactive poll with a failing trigger is left alone
/// when there is no fallback (TriggerError) but, with fallback.replicas 0, falls through
/// to the scale-to-zero rule.
#[test]
fn failing_trigger_without_fallback_replicas_still_scales_to_zero() {
    use Action::*;
    let keda = prometheus_so("  cooldownPeriod: 0", "");
    run_timeline(
        &keda,
        0,
        &[
            (0, Some(50.0), 2, KeptActive, None),
            (30, None, 2, TriggerError, None),
        ],
    );
    let keda = prometheus_so(
        "  cooldownPeriod: 0\n  fallback: {failureThreshold: 100, replicas: 0}",
        "",
    );
    run_timeline(
        &keda,
        0,
        &[
            (0, Some(50.0), 2, KeptActive, None),
            (30, None, 2, Deactivated, Some(0)),
        ],
    );
}

fn cooldown_snapshot() -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keda/snapshot-cooldown.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

/// `hpasim decide` on a ScaledObject snapshot explains both layers: KEDA cooling down
/// (240 s of 300 s since lastActiveTime 760) while the HPA goes 4 -> 3 on its own.
#[test]
fn decide_on_a_scaled_object_snapshot_explains_both_layers() {
    let (path, text) = cooldown_snapshot();
    let out = hpasim()
        .args(["decide", path.to_str().unwrap(), "--output", "text"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.starts_with(
            "KEDA: inactive for 240 s of 300 s cooldown\nHPA (keda-hpa-voiceassist-worker): 4 -> 3\n"
        ),
        "{stdout}"
    );
    // 61 s later the cooldown is over: KEDA writes 0 itself, from 4, and the HPA's sync
    // after the poll finds the target at 0 (scaling disabled).
    let dir = tempfile::tempdir().unwrap();
    let later = dir.path().join("later.yaml");
    std::fs::write(&later, text.replace("now: 1000", "now: 1061")).unwrap();
    let out = hpasim()
        .args(["decide", later.to_str().unwrap(), "--output", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["keda"]["action"], "deactivated");
    assert_eq!(json["keda"]["setReplicas"], 0);
    assert_eq!(json["hpa"]["currentReplicas"], 0);
    assert_eq!(json["hpa"]["desiredReplicas"], 0);
    assert_eq!(json["hpaReads"], serde_json::json!([]));
    // A poll alone (`keda.hpaSync: false`): no HPA decision.
    let alone = dir.path().join("alone.yaml");
    std::fs::write(
        &alone,
        text.replace(
            "  lastActiveTime: 760",
            "  lastActiveTime: 760\n  hpaSync: false",
        ),
    )
    .unwrap();
    let out = hpasim()
        .args(["decide", alone.to_str().unwrap(), "--output", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["keda"]["action"], "coolingDown");
    assert!(json.get("hpa").is_none(), "{json}");
}

/// Bad ScaledObject snapshots exit 2 naming file, line and field.
#[test]
fn bad_scaled_object_snapshots_exit_2_with_file_line_and_field() {
    let (_, text) = cooldown_snapshot();
    let cases: &[(&str, &str, &str)] = &[
        (
            "threshold: \"100\"",
            "threshold: \"abc\"",
            ":25:9: scaledObject.spec.triggers[0].metadata.threshold: \"abc\" is not a number",
        ),
        (
            "- type: prometheus",
            "- type: kafka",
            ":21:7: scaledObject.spec.triggers[0].type: trigger type \"kafka\" is not modelled",
        ),
        (
            "    maxReplicaCount: 10",
            "    maxReplicaCount: 10\n    coolDownPeriod: 30",
            ":15:5: scaledObject.spec.coolDownPeriod: unknown field `coolDownPeriod`",
        ),
        (
            "    maxReplicaCount: 10",
            "    maxReplicaCount: 10\n    minReplicaCount: 12",
            ":15:5: scaledObject.spec.minReplicaCount: 12 must be less than or equal to maxReplicaCount 10",
        ),
        (
            "s0-prometheus: 250",
            "s0-prometheus: lots",
            ":32:5: keda.readings.s0-prometheus: \"lots\"; expected a number or \"failed\"",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (from, to, expected)) in cases.iter().enumerate() {
        assert!(text.contains(from), "{from}");
        let file = dir.path().join(format!("bad{i}.yaml"));
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
        let out = hpasim()
            .args(["decide", file.to_str().unwrap()])
            .assert()
            .code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        let want = format!("{}{expected}", file.display());
        assert!(stderr.contains(&want), "case {i}: {stderr}\nwanted {want}");
    }
}

/// KEDA's polls (every 30 s) and the HPA's syncs (every 15 s) over one clock, writes
/// taking effect at once: the replica changes as (time, who, from, to).
fn run_both(
    keda: &Keda,
    queue: impl Fn(i64) -> f64,
    from: i64,
    until: i64,
) -> Vec<(i64, &'static str, i32, i32)> {
    let mut state = KedaState::new(Time::from_secs(from));
    let mut replicas = 6;
    let mut history = hpasim::core::History::default();
    let mut changes = vec![];
    for t in (from..=until).step_by(15) {
        let reading = [Reading::Value(queue(t))];
        let target = TargetReplicas {
            current: replicas,
            ready: replicas,
        };
        if (t - from) % 30 == 0 {
            let poll = state.poll(keda, Time::from_secs(t), &reading, target);
            if let Some(set) = poll.set_replicas {
                changes.push((t, "KEDA", replicas, set));
                replicas = set;
            }
        }
        let target = TargetReplicas {
            current: replicas,
            ready: replicas,
        };
        let reads = if keda.hpa_reads_metrics(replicas) {
            state.hpa_read(keda, &reading, target)
        } else {
            vec![]
        };
        let snapshot: Snapshot = serde_json::from_value(serde_json::json!({
            "now": t, "hpa": keda.hpa, "currentReplicas": replicas,
            "externals": externals_map(&reads), "history": history,
        }))
        .unwrap();
        let decision = hpasim::core::decide(&snapshot).unwrap();
        history = decision.history.clone();
        if decision.desired_replicas != replicas {
            changes.push((t, "HPA", replicas, decision.desired_replicas));
            replicas = decision.desired_replicas;
        }
    }
    changes
}

/// keda#7770 / #7204: with minReplicaCount 0, KEDA's cooldown (300 s after the last
/// active poll, strictly) sets 6 -> 0 directly, long before the HPA's 600 s scale-down
/// window would have let it go down one pod a minute; with minReplicaCount 1 KEDA never
/// deactivates and the HPA's behavior alone acts. The README's example.
#[test]
fn cooldown_bypasses_the_hpa_scale_down_window() {
    let so = |min: i32, cooldown: i32| {
        compile(&format!(
            "metadata: {{name: worker}}
spec:
  scaleTargetRef: {{name: worker}}
  minReplicaCount: {min}
  cooldownPeriod: {cooldown}
  maxReplicaCount: 10
  advanced:
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 600
          policies: [{{type: Pods, value: 1, periodSeconds: 60}}]
  triggers:
  - type: prometheus
    metadata: {{serverAddress: http://p, query: q, threshold: '100'}}
"
        ))
    };
    // 600 jobs waiting until t = 0 (6 replicas at 100 each), then none.
    let queue = |t: i64| if t < 0 { 600.0 } else { 0.0 };
    let zero = run_both(&so(0, 300), queue, -300, 1200);
    let one = run_both(&so(1, 300), queue, -300, 1200);
    let long = run_both(&so(0, 900), queue, -300, 1200);
    // Last active poll at -30 s: -30 + 300 < now first holds at the poll of 300 s.
    assert_eq!(zero, [(300, "KEDA", 6, 0)]);
    // The window drops the last recommendation of 6 (at -15 s) at 585 s; then one pod
    // per 60 s.
    assert_eq!(
        one,
        [
            (585, "HPA", 6, 5),
            (645, "HPA", 5, 4),
            (705, "HPA", 4, 3),
            (765, "HPA", 3, 2),
            (825, "HPA", 2, 1),
        ]
    );
    // A cooldown longer than window + policy time lets the HPA's path run, then KEDA
    // takes the last step: -30 + 900 < 900 at the poll of 900 s.
    assert_eq!(&long[..5], &one[..]);
    assert_eq!(long[5..], [(900, "KEDA", 1, 0)]);
}

/// scale_handler.go:772-791: with useCachedMetrics the HPA's read is the last poll's
/// record, not a live query (so a source failing between polls is not seen); without it
/// the HPA's read queries the source, and a failure is an error for the HPA.
#[test]
fn use_cached_metrics_serves_the_last_poll() {
    let target = TargetReplicas {
        current: 2,
        ready: 2,
    };
    for (cached, expected) in [(true, Some(500_000)), (false, None)] {
        let keda = prometheus_so("", &format!("    useCachedMetrics: {cached}"));
        let mut state = KedaState::new(Time::from_secs(0));
        state.poll(&keda, Time::from_secs(0), &[Reading::Value(500.0)], target);
        let reads = state.hpa_read(&keda, &[Reading::Failed], target);
        assert_eq!(
            reads[0].value.as_ref().map(|q| q.milli()),
            expected,
            "{cached}"
        );
    }
}

/// scale_scaledobjects.go:63 and :189-194, :240-245: force-activation counts as active;
/// paused-scale-out stops the activation from 0 and paused-scale-in the deactivation.
#[test]
fn annotations_force_activation_and_pause_either_direction() {
    let with = |annotation: &str| {
        compile(&format!(
            "metadata: {{name: q, annotations: {{{annotation}: 'true'}}}}
spec:
  scaleTargetRef: {{name: q}}
  triggers:
  - type: prometheus
    metadata: {{serverAddress: http://p, query: q, threshold: '100'}}
"
        ))
    };
    let cases = [
        (
            "autoscaling.keda.sh/force-activation",
            0.0,
            0,
            Action::Activated,
            Some(1),
        ),
        (
            "autoscaling.keda.sh/paused-scale-out",
            50.0,
            0,
            Action::ScaleOutPaused,
            None,
        ),
        (
            "autoscaling.keda.sh/paused-scale-in",
            0.0,
            3,
            Action::ScaleInPaused,
            None,
        ),
    ];
    for (annotation, value, current, action, set) in cases {
        let keda = with(annotation);
        let mut state = KedaState::new(Time::from_secs(0));
        let target = TargetReplicas {
            current,
            ready: current,
        };
        let poll = state.poll(&keda, Time::from_secs(60), &[Reading::Value(value)], target);
        assert_eq!(
            (poll.action, poll.set_replicas),
            (action, set),
            "{annotation}"
        );
    }
}

/// Every fixture's generated HPA passes the API server's checks as the core applies them.
#[test]
fn every_generated_hpa_validates() {
    for file in fixtures() {
        let fixture: Fixture =
            serde_saphyr::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let keda = Keda::compile(&fixture.scaled_object).unwrap();
        let snapshot: Snapshot = serde_json::from_value(serde_json::json!({
            "now": 0, "hpa": keda.hpa, "currentReplicas": 1,
        }))
        .unwrap();
        snapshot
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

/// A failure count at i32::MAX and a failing source: the count saturates (no overflow
/// panic) and, past failureThreshold, the fallback serves; the HPA goes to 6.
#[test]
fn decide_with_a_fallback_serving() {
    let (_, text) = cooldown_snapshot();
    let text = text
        .replace(
            "    maxReplicaCount: 10",
            "    maxReplicaCount: 10\n    fallback: {failureThreshold: 3, replicas: 6}",
        )
        .replace(
            "s0-prometheus: 250",
            "s0-prometheus: failed\n  failures: {s0-prometheus: 2147483647}",
        );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fallback.yaml");
    std::fs::write(&file, text).unwrap();
    let out = hpasim()
        .args(["decide", file.to_str().unwrap(), "--output", "json"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["keda"]["action"], "keptActive");
    assert_eq!(json["hpaReads"][0]["fallback"], true);
    assert_eq!(json["failures"]["s0-prometheus"], 2147483647);
    assert_eq!(json["hpa"]["desiredReplicas"], 6);
}
