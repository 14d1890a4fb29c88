//! Invariants of the scaling core over random snapshots and random chains of syncs:
//! the result stays within [min, max], stabilization never moves against its window,
//! rate-limit policies are never exceeded over their period, and no input that parses
//! makes the core panic; and generated scenarios and traces run to completion with finite
//! figures or are refused as bad input, never a panic.

use std::path::Path;

use hpasim::core::{Decision, Snapshot, Spare, decide, decide_validated_reusing};
use proptest::prelude::*;
use serde_json::{Value, json};

/// `PROPTEST_CASES` when it is set (a longer hunt: `PROPTEST_CASES=20000 cargo test
/// --release --test it properties::`), else `default`: a test that names its own count
/// would otherwise ignore the variable.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn parse(v: &Value) -> Result<Snapshot, hpasim::Error> {
    hpasim::scenario::parse_snapshot(&v.to_string(), Path::new("generated.json"))
}

fn quantity() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..5000).prop_map(|m| format!("{m}m")),
        (0u32..50).prop_map(|u| u.to_string()),
        (0u32..100, 0u32..10).prop_map(|(a, b)| format!("{a}.{b}")),
    ]
}

fn metric() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1i32..200).prop_map(|u| json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": u}}})),
        (1u32..2000).prop_map(|m| json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "AverageValue", "averageValue": format!("{}m", m)}}})),
        (1i32..200).prop_map(|u| json!({"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization", "averageUtilization": u}}})),
        (1u32..200).prop_map(|v| json!({"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": v.to_string()}}})),
        (1u32..200, any::<bool>()).prop_map(|(v, avg)| if avg {
            json!({"type": "Object", "object": {"metric": {"name": "obj"}, "target": {"type": "AverageValue", "averageValue": v.to_string()}}})
        } else {
            json!({"type": "Object", "object": {"metric": {"name": "obj"}, "target": {"type": "Value", "value": v.to_string()}}})
        }),
        (1u32..200, any::<bool>()).prop_map(|(v, avg)| if avg {
            json!({"type": "External", "external": {"metric": {"name": "ext"}, "target": {"type": "AverageValue", "averageValue": v.to_string()}}})
        } else {
            json!({"type": "External", "external": {"metric": {"name": "ext"}, "target": {"type": "Value", "value": v.to_string()}}})
        }),
    ]
}

fn pod(i: usize) -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            Just("Running"),
            Just("Running"),
            Just("Pending"),
            Just("Failed"),
            Just("Succeeded")
        ],
        prop_oneof![
            Just(json!(true)),
            Just(json!(false)),
            Just(json!("Unknown")),
            Just(Value::Null)
        ],
        proptest::option::of(0i64..1000),
        proptest::option::of(0i64..1000),
        any::<bool>(),
        proptest::option::of(quantity()),
        proptest::option::of(quantity()),
        proptest::option::of(quantity()),
    )
        .prop_map(
            move |(phase, ready, ready_since, start, deleting, request, cpu, rps)| {
                let mut p =
                    json!({"name": format!("pod-{i}"), "phase": phase, "deleting": deleting});
                if !ready.is_null() {
                    p["ready"] = ready;
                }
                if let Some(t) = ready_since {
                    p["readySince"] = json!(t);
                }
                if let Some(t) = start {
                    p["startTime"] = json!(t);
                }
                if let Some(r) = request {
                    p["requests"] = json!({"app": {"cpu": r}});
                }
                let mut metrics = json!({});
                if let Some(c) = cpu {
                    metrics["cpu"] = json!({"value": c, "timestamp": 995, "window": 30});
                    metrics["app/cpu"] = json!({"value": c});
                }
                if let Some(r) = rps {
                    metrics["rps"] = json!({"value": r});
                }
                p["metrics"] = metrics;
                p
            },
        )
}

fn rules() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(0i32..600),
        proptest::option::of(prop_oneof![Just("Max"), Just("Min"), Just("Disabled")]),
        proptest::option::of(proptest::collection::vec(
            (
                prop_oneof![Just("Pods"), Just("Percent")],
                1i32..300,
                1i32..600,
            ),
            1..3,
        )),
        proptest::option::of(prop_oneof![Just("0.05"), Just("0"), Just("0.2")]),
    )
        .prop_map(|(window, select, policies, tolerance)| {
            let mut r = json!({});
            if let Some(w) = window {
                r["stabilizationWindowSeconds"] = json!(w);
            }
            if let Some(s) = select {
                r["selectPolicy"] = json!(s);
            }
            if let Some(p) = policies {
                r["policies"] = p
                    .into_iter()
                    .map(|(k, v, period)| json!({"type": k, "value": v, "periodSeconds": period}))
                    .collect();
            }
            if let Some(t) = tolerance {
                r["tolerance"] = json!(t);
            }
            r
        })
}

prop_compose! {
    fn snapshot()(
        min in 1i32..6,
        extra in 0i32..20,
        current in 0i32..30,
        status in proptest::option::of(0i32..30),
        metrics in proptest::collection::vec(metric(), 0..3),
        behavior in proptest::option::of((proptest::option::of(rules()), proptest::option::of(rules()))),
        pods in (0usize..6).prop_flat_map(|n| (0..n).map(pod).collect::<Vec<_>>()),
        object in proptest::option::of(quantity()),
        externals in proptest::option::of(proptest::collection::vec(quantity(), 0..3)),
        recommendations in proptest::collection::vec((700i64..1000, 0i32..40), 0..5),
        ups in proptest::collection::vec((700i64..1000, 1i32..10), 0..3),
        downs in proptest::collection::vec((700i64..1000, 1i32..10), 0..3),
    ) -> Value {
        let mut spec = json!({"minReplicas": min, "maxReplicas": min + extra, "metrics": metrics});
        if let Some((up, down)) = behavior {
            let mut b = json!({});
            if let Some(u) = up { b["scaleUp"] = u; }
            if let Some(d) = down { b["scaleDown"] = d; }
            spec["behavior"] = b;
        }
        let mut s = json!({
            "now": 1000,
            "hpa": {"spec": spec},
            "currentReplicas": current,
            "pods": pods,
            "history": {
                "recommendations": recommendations.iter().map(|(t, r)| json!({"time": t, "replicas": r})).collect::<Vec<_>>(),
                "scaleUpEvents": ups.iter().map(|(t, c)| json!({"time": t, "change": c})).collect::<Vec<_>>(),
                "scaleDownEvents": downs.iter().map(|(t, c)| json!({"time": t, "change": c})).collect::<Vec<_>>(),
            },
        });
        if let Some(st) = status { s["statusReplicas"] = json!(st); }
        if let Some(o) = object { s["objects"] = json!({"obj": o}); }
        if let Some(e) = externals { s["externals"] = json!({"ext": e}); }
        s
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(2000), ..ProptestConfig::default() })]

    /// No input that parses makes the core panic; the result stays within [min, max]
    /// except where the controller itself leaves it (a target at 0 with minReplicas > 0).
    #[test]
    fn desired_replicas_stay_within_min_and_max(v in snapshot()) {
        let snap = parse(&v).expect("generated snapshots are valid");
        let d = decide(&snap).expect("validated");
        let (min, max) = (snap.min_replicas(), snap.hpa.spec.max_replicas);
        if snap.current_replicas == 0 && min > 0 {
            prop_assert_eq!(d.desired_replicas, 0);
        } else {
            prop_assert!(min <= d.desired_replicas && d.desired_replicas <= max,
                "desired {} outside [{min}, {max}]: {}", d.desired_replicas, serde_json::to_string(&d).unwrap());
        }
        prop_assert_eq!(d.rescale, d.desired_replicas != snap.current_replicas);
    }

    /// Stabilization never moves against its window: a scale-down needs every
    /// recommendation in the scale-down window (and the proposal) below current; a
    /// scale-up (behavior path) needs every one in the scale-up window above current.
    #[test]
    fn stabilization_never_moves_against_its_window(v in snapshot()) {
        let snap = parse(&v).unwrap();
        let d = decide(&snap).unwrap();
        let Some(proposal) = d.proposal else { return Ok(()) };
        let current = snap.current_replicas;
        let now = snap.now.as_millis();
        let recs = &snap.history.recommendations;
        match snap.behavior() {
            None => {
                let cutoff = now - snap.controller.downscale_stabilization.as_millis();
                if d.desired_replicas < current && d.desired_replicas != snap.min_replicas() {
                    prop_assert!(proposal < current);
                    prop_assert!(recs.iter().filter(|r| r.time.as_millis() >= cutoff).all(|r| r.replicas < current));
                }
            }
            Some(b) => {
                let down_cutoff = now - b.scale_down.stabilization_window_seconds * 1000;
                let up_cutoff = now - b.scale_up.stabilization_window_seconds * 1000;
                if d.desired_replicas < current {
                    prop_assert!(proposal < current);
                    prop_assert!(recs.iter().filter(|r| r.time.as_millis() > down_cutoff).all(|r| r.replicas < current));
                }
                if d.desired_replicas > current {
                    prop_assert!(proposal > current);
                    prop_assert!(recs.iter().filter(|r| r.time.as_millis() > up_cutoff).all(|r| r.replicas > current));
                }
            }
        }
    }

    /// The simulator hands the core one entry standing for `count` alike pods: any pod of a
    /// random snapshot, counted k times, decides exactly as k copies of it listed by name.
    #[test]
    fn a_counted_entry_decides_as_its_copies(v in snapshot(), pick in 0usize..100, k in 1u32..6) {
        let mut grouped = parse(&v).unwrap();
        if grouped.pods.is_empty() {
            return Ok(());
        }
        let i = pick % grouped.pods.len();
        let mut listed = grouped.clone();
        for c in 1..k {
            let mut copy = listed.pods[i].clone();
            copy.name = format!("{}-copy-{c}", copy.name);
            listed.pods.push(copy);
        }
        grouped.pods[i].count = k;
        let (a, b) = (decide(&grouped), decide(&listed));
        prop_assert_eq!(serde_json::to_value(a.unwrap()).unwrap(), serde_json::to_value(b.unwrap()).unwrap());
    }

    /// The simulator hands each sync the lists of the last decision to fill: whatever they
    /// held (here another random snapshot's decision), the decision is the same.
    #[test]
    fn a_decision_filling_a_spare_is_the_fresh_one(v in snapshot(), w in snapshot()) {
        let (snap, other) = (parse(&v).unwrap(), parse(&w).unwrap());
        let spare = Spare::from(decide(&other).unwrap());
        let fresh = decide(&snap).unwrap();
        let reused = decide_validated_reusing(&snap, spare);
        prop_assert_eq!(serde_json::to_value(reused).unwrap(), serde_json::to_value(fresh).unwrap());
    }

    /// Any text, any bytes: the snapshot reader answers with a value or an error, never a panic.
    #[test]
    fn arbitrary_text_never_panics_the_reader(text in "\\PC{0,300}") {
        let _ = hpasim::scenario::parse_snapshot(&text, Path::new("x.yaml"));
    }

    /// Mutated valid snapshots: keys swapped in for random values still only give errors.
    #[test]
    fn mutated_snapshots_never_panic(v in snapshot(), cut in 0usize..2000) {
        let text = serde_saphyr::to_string(&v).unwrap();
        let cut = cut.min(text.len());
        let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap();
        if let Ok(snap) = hpasim::scenario::parse_snapshot(&text[..cut], Path::new("x.yaml")) {
            let _ = decide(&snap);
        }
    }
}

/// One sync every 15 s with a random load; the target follows each decision. Policies of
/// one period for both directions, so the controller's event memory is exact over it.
fn run_chain(behavior: Value, loads: &[u32], start: i32) -> Vec<(i64, i32, i32)> {
    let mut history = json!({});
    let mut current = start;
    let mut changes = vec![];
    for (k, load) in loads.iter().enumerate() {
        let now = 15 * k as i64;
        let v = json!({
            "now": now,
            "hpa": {"spec": {"minReplicas": 1, "maxReplicas": 60, "behavior": behavior,
                "metrics": [{"type": "External", "external": {"metric": {"name": "work"}, "target": {"type": "AverageValue", "averageValue": "1"}}}]}},
            "currentReplicas": current,
            "externals": {"work": [load.to_string()]},
            "history": history,
        });
        let d: Decision = decide(&parse(&v).unwrap()).unwrap();
        changes.push((now, current, d.desired_replicas));
        current = d.desired_replicas;
        history = serde_json::to_value(&d.history).unwrap();
    }
    changes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    /// Each rescale stays within its Pods policy, counted from the replicas at the start of
    /// its period (t − P, t]: added net of removed never exceeds the scale-up policy at a
    /// scale-up, nor removed net of added the scale-down policy at a scale-down.
    #[test]
    fn pods_policies_are_never_exceeded_over_their_period(
        up in 1i32..6, down in 1i32..6, period in prop_oneof![Just(15i64), Just(30), Just(60), Just(120)],
        loads in proptest::collection::vec(0u32..60, 5..60), start in 1i32..20,
    ) {
        let behavior = json!({
            "scaleUp": {"policies": [{"type": "Pods", "value": up, "periodSeconds": period}]},
            "scaleDown": {"stabilizationWindowSeconds": 0, "policies": [{"type": "Pods", "value": down, "periodSeconds": period}]},
        });
        let changes = run_chain(behavior, &loads, start);
        for &(t, before, after) in &changes {
            let net: i32 = changes.iter().filter(|(s, _, _)| *s > t - period && *s <= t)
                .map(|(_, b, a)| a - b).sum();
            if after > before {
                prop_assert!(net <= up, "added {net} > {up} within {period}s ending {t}: {changes:?}");
            }
            if after < before {
                prop_assert!(-net <= down, "removed {} > {down} within {period}s ending {t}: {changes:?}", -net);
            }
        }
    }

    /// A Percent scale-up policy: from the replicas at the period's start, never past
    /// ceil(start x (1 + p/100)) within the period.
    #[test]
    fn percent_policies_are_never_exceeded_over_their_period(
        pct in 10i32..300, period in prop_oneof![Just(15i64), Just(60)],
        loads in proptest::collection::vec(0u32..60, 5..40), start in 1i32..20,
    ) {
        let behavior = json!({
            "scaleUp": {"policies": [{"type": "Percent", "value": pct, "periodSeconds": period}]},
            "scaleDown": {"stabilizationWindowSeconds": 0, "policies": [{"type": "Percent", "value": 100, "periodSeconds": period}]},
        });
        let changes = run_chain(behavior, &loads, start);
        for (i, &(t, before, after)) in changes.iter().enumerate() {
            if after <= before {
                continue;
            }
            let start_replicas = changes[..=i].iter().find(|(s, _, _)| *s > t - period).map(|c| c.1).unwrap();
            let cap = (start_replicas as f64 * (1.0 + pct as f64 / 100.0)).ceil() as i32;
            prop_assert!(after <= cap, "{after} > {cap} from {start_replicas} within {period}s ending {t}: {changes:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Generated scenarios and traces (issue 14): each either runs to completion with finite
// figures in every output, or is refused as bad input (exit 2) naming its file; never a
// panic. Runs are kept to minutes of simulated time so the test takes seconds in debug.

/// A number as a careless or hostile writer might give it.
fn wild_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        20 => (0u32..500).prop_map(|n| json!(n)),
        5 => (0.0f64..1.0).prop_map(|x| json!(x)),
        1 => prop_oneof![
            Just(json!(-1)),
            Just(json!(0)),
            Just(json!(1e9)),
            Just(json!(1e12)),
            Just(json!(1e308)),
            Just(json!(-1e308)),
            Just(json!("NaN")),
            Just(json!(".inf")),
        ],
    ]
}

/// A duration, mostly sensible, sometimes not.
fn wild_duration() -> impl Strategy<Value = Value> {
    prop_oneof![
        25 => (1u32..600).prop_map(|s| json!(format!("{s}s"))),
        1 => prop_oneof![
            Just(json!("0s")),
            Just(json!("1y")),
            Just(json!("99999999h")),
            Just(json!("-5s")),
            Just(json!(7)),
            Just(json!("soon")),
        ],
    ]
}

fn load_entry() -> impl Strategy<Value = Value> {
    prop_oneof![
        wild_number().prop_map(|r| json!({"constant": {"rps": r}})),
        (wild_number(), wild_number(), 0u32..900, 0u32..900)
            .prop_map(|(a, b, s, e)| json!({"ramp": {"from": a, "to": b, "start": s, "end": e}})),
        (0u32..900, wild_duration(), wild_number())
            .prop_map(|(at, d, h)| json!({"spike": {"at": at, "duration": d, "height": h}})),
        (0u32..900, wild_number(), wild_duration())
            .prop_map(|(at, p, d)| json!({"flashSale": {"at": at, "peak": p, "decay": d}})),
        (wild_number(), wild_number(), wild_duration())
            .prop_map(|(a, b, p)| json!({"daily": {"min": a, "max": b, "peakAt": "00:05", "period": p}})),
        (wild_duration(), wild_number())
            .prop_map(|(every, r)| json!({"repeat": {"every": every, "of": {"constant": {"rps": r}}}})),
        (wild_number(), wild_number())
            .prop_map(|(a, b)| json!({"product": [{"constant": {"rps": a}}, {"constant": {"rps": b}}]})),
        (prop_oneof![Just("hold"), Just("loop"), Just("zero"), Just("refuse")], -900i32..900, wild_number())
            .prop_map(|(on_end, shift, scale)| json!({"trace": {"file": "trace.csv", "onEnd": on_end, "shift": format!("{shift}s"), "scale": scale}})),
    ]
}

/// A trace: a header and up to a few samples, sometimes out of order or not numbers.
fn trace_text() -> impl Strategy<Value = String> {
    let sample = prop_oneof![
        20 => (0u32..1200, 0u32..1000).prop_map(|(t, r)| format!("{t},{r}")),
        1 => prop_oneof![
            Just("0,-1".to_string()),
            Just("5,NaN".to_string()),
            Just("x,1".to_string()),
            Just("1e300,1".to_string()),
            Just("0,1e300".to_string()),
            Just(String::new()),
        ],
    ];
    prop::collection::vec(sample, 0..6)
        .prop_map(|rows| format!("time_s,rps\n{}\n", rows.join("\n")))
}

prop_compose! {
    fn scenario()(
        duration in prop_oneof![20 => (1u32..12).prop_map(|m| json!(format!("{m}m"))), 1 => wild_duration()],
        min in prop_oneof![20 => 1i64..6, 1 => Just(0i64), 1 => Just(10_000_000i64)],
        max in prop_oneof![20 => 1i64..12, 1 => Just(20_000i64)],
        initial in prop_oneof![20 => 0i64..6, 1 => Just(-1i64), 1 => Just(10_000_000i64)],
        concurrency in prop::option::of(prop_oneof![20 => 1u64..64, 1 => Just(0u64), 1 => Just(1_000_000_000u64)]),
        cpu_per_hour in prop::option::of(wild_number()),
        window in prop::option::of(wild_duration()),
        load in prop::collection::vec(load_entry(), 0..4),
        noise in any::<bool>(),
        target in 1u32..150,
    ) -> Value {
        let mut load = load;
        if noise {
            load.push(json!({"noise": {"poisson": true}}));
        }
        let mut pod = json!({"requests": {"cpu": "200m"}, "cpuPerRequest": "5m"});
        if let Some(c) = concurrency {
            pod["concurrency"] = json!(c);
        }
        let mut v = json!({
            "name": "generated",
            "duration": duration,
            "seed": 3,
            "hpa": {"spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d"},
                "minReplicas": min, "maxReplicas": max,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": target}}}]}},
            "workload": {"initialReplicas": initial, "pod": pod},
            "load": load,
        });
        if let Some(p) = cpu_per_hour {
            v["cost"] = json!({"cpuPerHour": p});
        }
        if let Some(w) = window {
            v["metricsServer"] = json!({"window": w});
        }
        v
    }
}

/// Every number a run's summary and judgement hold is finite (YAML spells the others out).
fn non_finite_in(yaml: &str) -> Option<&str> {
    yaml.lines().find(|l| {
        [".inf", ".nan", ".NaN", ".Inf"]
            .iter()
            .any(|bad| l.contains(bad))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn a_generated_scenario_runs_with_finite_figures_or_is_refused(v in scenario(), trace in trace_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scenario.json");
        std::fs::write(&path, v.to_string()).unwrap();
        std::fs::write(dir.path().join("trace.csv"), trace).unwrap();
        match hpasim::scenario::load_scenario(&path) {
            Err(e) => {
                prop_assert_eq!(e.exit_code(), 2, "{}", e);
                let text = e.to_string();
                prop_assert!(text.contains("scenario.json") || text.contains("trace.csv"), "{}", text);
            }
            Ok(sc) => {
                let options = hpasim::sim::Options {
                    step: hpasim::core::Span::from_secs(60),
                    seed: None,
                    keep_snapshots: false,
                    keep_events: true,
                };
                let record = hpasim::sim::run(&sc, &options);
                // The timeline's rows and the per-second figures too (timeline.csv, charts).
                let rows = format!("{:?}{:?}", record.timeline, record.seconds);
                prop_assert!(!rows.contains("NaN") && !rows.contains("inf"), "non-finite in the timeline of\n{}", v);
                let judgement = hpasim::measure::judge_run(&record);
                for yaml in [
                    hpasim::report::render(&record.summary, hpasim::report::Format::Yaml).unwrap(),
                    hpasim::report::render(&judgement, hpasim::report::Format::Yaml).unwrap(),
                ] {
                    prop_assert!(non_finite_in(&yaml).is_none(), "{:?} in\n{}", non_finite_in(&yaml), v);
                }
                let run = hpasim::report::RunOutput { record: &record, judgement: &judgement, spread: None, events: hpasim::report::EventsKept::All };
                let text = hpasim::report::summary_text(&run, dir.path());
                prop_assert!(!text.contains("inf") && !text.contains("NaN"), "{}\n{}", text, v);
            }
        }
    }
}
