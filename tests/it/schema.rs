//! The published JSON Schema of the scenario format (`docs/scenario.schema.json`): it
//! accepts every bundled scenario, refuses what the parser refuses, accepts what the parser
//! accepts, and the committed file is what `scenario_schema()` generates.

use crate::common::root;

use std::path::Path;

use hpasim::scenario::{load_scenario, scenario_schema};
use jsonschema::Validator;

fn validator() -> Validator {
    jsonschema::validator_for(&scenario_schema()).expect("the schema compiles")
}

fn yaml_value(text: &str) -> serde_json::Value {
    serde_saphyr::from_str::<serde_json::Value>(text)
        .unwrap_or_else(|e| panic!("not YAML: {e}\n{text}"))
}

/// The schema's complaints about `text`, one per line; empty when it validates.
fn schema_errors(validator: &Validator, text: &str) -> String {
    let instance = yaml_value(text);
    validator
        .iter_errors(&instance)
        .map(|e| format!("  {}: {e}\n", e.instance_path()))
        .collect()
}

/// What the real loader says about `text`, written to a file of its own.
fn parse(text: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.yaml");
    std::fs::write(&path, text).unwrap();
    load_scenario(&path).map(|_| ()).map_err(|e| e.to_string())
}

/// A small valid scenario the cases below edit; no trace, so no file to find.
const BASE: &str = "\
name: schema-case
duration: 10m
hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  spec: {maxReplicas: 5}
workload:
  initialReplicas: 1
  pod: {requests: {cpu: 500m}, cpuPerRequest: 5m}
load:
- constant: {rps: 10}
";

/// `BASE` with `from` replaced by `to` (which must be there).
fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from:?} is not in the base scenario");
    BASE.replacen(from, to, 1)
}

#[test]
fn every_bundled_scenario_validates() {
    let validator = validator();
    // Every scenario `hpasim check scenarios/` finds, in subfolders too (seeds, e2e).
    let files = hpasim::check::scenario_files(&root().join("scenarios")).unwrap();
    assert!(files.len() >= 60, "{} bundled scenarios found", files.len());
    let mut failures = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let errors = schema_errors(&validator, &text);
        if !errors.is_empty() {
            failures += &format!("{}:\n{errors}", file.display());
        }
    }
    assert!(failures.is_empty(), "refused by the schema:\n{failures}");
}

#[test]
fn the_base_case_is_valid_for_both() {
    assert_eq!(schema_errors(&validator(), BASE), "");
    parse(BASE).unwrap();
}

#[test]
fn what_the_parser_refuses_the_schema_refuses() {
    let cases: Vec<(&str, String)> = vec![
        ("an unknown top-level key", format!("{BASE}colour: blue\n")),
        (
            "the run's duration as a bare number",
            edit("duration: 10m", "duration: 600"),
        ),
        (
            "a start-up delay as a bare number",
            edit(
                "cpuPerRequest: 5m}",
                "cpuPerRequest: 5m}\n  startup:\n    appStart: {fixed: 20}",
            ),
        ),
        (
            "more pods than the limit",
            edit("initialReplicas: 1", "initialReplicas: 10001"),
        ),
        (
            "an unknown key in workload.pod",
            edit("cpuPerRequest: 5m}", "cpuPerRequest: 5m, gpus: 1}"),
        ),
        (
            "an unknown load entry kind",
            edit("- constant: {rps: 10}", "- sawtooth: {rps: 10}"),
        ),
        (
            "two kinds in one load entry",
            edit(
                "- constant: {rps: 10}",
                "- {constant: {rps: 10}, step: {at: 0, from: 1, to: 2}}",
            ),
        ),
        (
            "a list for duration",
            edit("duration: 10m", "duration: [10m]"),
        ),
        (
            "a duration in months as `M`",
            edit("duration: 10m", "duration: 1M"),
        ),
        (
            "a negative duration",
            edit("duration: 10m", "duration: -600"),
        ),
        (
            "a duration without a unit",
            edit("duration: 10m", "duration: 1h 30"),
        ),
        (
            "an unknown key in the HPA spec",
            edit(
                "spec: {maxReplicas: 5}",
                "spec: {maxReplicas: 5, maxReplica: 6}",
            ),
        ),
        (
            "an HPA of another apiVersion",
            edit("apiVersion: autoscaling/v2", "apiVersion: autoscaling/v3"),
        ),
        (
            "an unknown metric source type",
            edit(
                "spec: {maxReplicas: 5}",
                "spec: {maxReplicas: 5, metrics: [{type: Memory}]}",
            ),
        ),
        (
            "a quantity with an unknown suffix",
            edit("cpuPerRequest: 5m", "cpuPerRequest: 5 cores"),
        ),
        (
            "a negative rate",
            edit("- constant: {rps: 10}", "- constant: {rps: -10}"),
        ),
        (
            "an unknown key in a sum's map",
            edit(
                "- constant: {rps: 10}",
                "- sum: {of: [{constant: {rps: 10}}], scal: 2}",
            ),
        ),
        (
            "a sum with no entries",
            edit("- constant: {rps: 10}", "- sum: []"),
        ),
        (
            "noise inside a sum",
            edit(
                "- constant: {rps: 10}",
                "- sum: [{constant: {rps: 10}}, {noise: {poisson: true}}]",
            ),
        ),
        (
            "noise inside a repeat",
            edit(
                "- constant: {rps: 10}",
                "- repeat: {every: 1h, of: {noise: {poisson: true}}}",
            ),
        ),
        (
            "six days in a week",
            edit(
                "- constant: {rps: 10}",
                "- weekly: {days: [1, 1, 1, 1, 1, 1]}",
            ),
        ),
        (
            "a time of day past 47:59",
            edit(
                "- constant: {rps: 10}",
                "- step: {at: \"48:00\", from: 1, to: 2}",
            ),
        ),
        (
            "an unknown delay distribution",
            edit(
                "cpuPerRequest: 5m}",
                "cpuPerRequest: 5m}\n  startup: {imagePull: {exponential: 5s}}",
            ),
        ),
        (
            "a uniform delay with three bounds",
            edit(
                "cpuPerRequest: 5m}",
                "cpuPerRequest: 5m}\n  startup: {imagePull: {uniform: [1s, 2s, 3s]}}",
            ),
        ),
    ];
    let validator = validator();
    let mut failures = String::new();
    for (what, text) in &cases {
        if parse(text).is_ok() {
            failures += &format!("{what}: the parser accepts it\n");
        }
        if schema_errors(&validator, text).is_empty() {
            failures += &format!("{what}: the schema accepts it\n{text}\n");
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn what_the_parser_accepts_the_schema_accepts() {
    let cases: Vec<(&str, String)> = vec![
        (
            "sum as a list",
            edit(
                "- constant: {rps: 10}",
                "- sum: [{constant: {rps: 10}}, {constant: {rps: 5}}]",
            ),
        ),
        (
            "sum as a map with a scale",
            edit(
                "- constant: {rps: 10}",
                "- sum: {of: [{constant: {rps: 10}}], scale: 2}",
            ),
        ),
        (
            "product as a map with a shift",
            edit(
                "- constant: {rps: 10}",
                "- product: {of: [{constant: {rps: 10}}, {daily: {min: 1, max: 2, peakAt: \"14:00\"}}], shift: -1h}",
            ),
        ),
        (
            "a duration as a numeric string",
            edit("duration: 10m", "duration: \"600.5\""),
        ),
        (
            "a duration in several units",
            edit("duration: 10m", "duration: 1h 30min"),
        ),
        (
            "a fractional duration",
            edit("duration: 10m", "duration: 1.5h"),
        ),
        (
            "a quantity as a number",
            edit("cpuPerRequest: 5m", "cpuPerRequest: 0.005"),
        ),
        (
            "quantities with binary and exponent suffixes",
            edit(
                "{requests: {cpu: 500m}",
                "{requests: {cpu: \"1e-1\", memory: 1.5Gi}",
            ),
        ),
        (
            "an inline HPA without apiVersion and kind",
            edit(
                "  apiVersion: autoscaling/v2\n  kind: HorizontalPodAutoscaler\n",
                "",
            ),
        ),
        (
            "shifts as a signed string and a negative number",
            edit(
                "- constant: {rps: 10}",
                "- constant: {rps: 10, shift: \"-30m\"}\n- step: {at: 60, from: 1, to: 2, shift: -90}",
            ),
        ),
        (
            "times of day, a duration from midnight and seconds",
            format!(
                "{}start: \"10:00\"\nactions:\n- {{at: \"10:05:30\", scale: 2}}\n- {{at: 10h6m, killPods: 1}}\n- {{at: 36400, scale: 1}}\n",
                BASE
            ),
        ),
        (
            "every delay distribution",
            edit(
                "cpuPerRequest: 5m}",
                "cpuPerRequest: 5m}\n  startup:\n    scheduling: {lognormal: {median: 1s, p99: 4s}}\n    imagePull: {uniform: [1s, 3s]}\n    containerStart: {gamma: {shape: 2, mean: 2s}}\n    appStart: {empirical: [5s, 7s, 9.5s]}",
            ),
        ),
        (
            "nulls where serde reads an absent Option",
            format!("{BASE}description: ~\ncapacity: ~\nslo: ~\n"),
        ),
    ];
    let validator = validator();
    let mut failures = String::new();
    for (what, text) in &cases {
        if let Err(e) = parse(text) {
            failures += &format!("{what}: the parser refuses it: {e}\n");
        }
        let errors = schema_errors(&validator, text);
        if !errors.is_empty() {
            failures += &format!("{what}: the schema refuses it:\n{errors}");
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn the_schema_is_the_same_every_time() {
    let a = serde_json::to_string_pretty(&scenario_schema()).unwrap();
    let b = serde_json::to_string_pretty(&scenario_schema()).unwrap();
    assert_eq!(a, b);
}

/// The published file: `UPDATE_GOLDEN=1 cargo test --release --test it schema` rewrites it on purpose.
#[test]
fn docs_scenario_schema_json_is_the_generated_schema() {
    let golden: &Path = &root().join("docs/scenario.schema.json");
    let actual = serde_json::to_string_pretty(&scenario_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, &actual).unwrap();
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

/// Whether `value` validates against the schema's definition `name` (`Duration`, ...).
fn fits(defs: &serde_json::Value, name: &str, value: &serde_json::Value) -> bool {
    let schema = serde_json::json!({ "$ref": format!("#/$defs/{name}"), "$defs": defs });
    jsonschema::validator_for(&schema).unwrap().is_valid(value)
}

/// The hand-written schemas of durations, times, shifts and quantities agree with their
/// deserializers, value by value. Left out: what a pattern cannot say (a numeric string past
/// 3.2e10 seconds, a quantity past i64 thousandths, whitespace inside humantime's digits).
#[test]
fn string_forms_match_their_deserializers() {
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};
    fn agree<T: DeserializeOwned>(defs: &Value, name: &str, values: &[Value]) -> String {
        let mut out = String::new();
        for v in values {
            let parser = serde_json::from_value::<T>(v.clone()).is_ok();
            let schema = fits(defs, name, v);
            if parser != schema {
                out += &format!("{name} {v}: parser {parser}, schema {schema}\n");
            }
        }
        out
    }
    let strings = |list: &[&str]| list.iter().map(|s| json!(s)).collect::<Vec<_>>();
    let root = scenario_schema();
    let defs = &root["$defs"];

    let mut durations = strings(&[
        "30s", "5m", "1h30m", "250ms", "15", "1.5", "2.5h", "1 h", "1h 30m", " 5m ", "0", "+5",
        ".5", "5.", "1e3", "1E3", "+.5", "1e+3", "2days", "1week", "3w", "1month", "2 months",
        "1y", "1µs", "10us", "10ns", "0.5ms", "1M", "-5", "-5s", "5x", "h", "", "1.h", "1..5s",
        "soon", "1h30", "inf", "NaN", "infinity", "1e", "1m1", "1 m s", "1:00", "5 m", "1.5.5s",
        "+5s", "1e3s", "0x10", "1 mins",
    ]);
    durations.extend([
        json!(0),
        json!(90),
        json!(2.5),
        json!(-1),
        json!(3.2e10),
        json!(3.3e10),
    ]);
    durations.extend([json!(null), json!(true), json!(["5m"]), json!({"s": 5})]);
    let mut failures = agree::<hpasim::units::Duration>(defs, "Duration", &durations);

    let mut times = strings(&[
        "11:30",
        "11:30:15",
        "00:00:15",
        "47:59",
        "48:00",
        "25:61",
        "11:30:15:00",
        "+1:+2",
        "011:30",
        "1:5",
        "11:",
        "11:3a",
        ":30",
        "2h",
        "90",
        "11:30 ",
        " 11:30",
        "11: 30",
        "1 1:30",
        "11:60",
        "11:59:60",
        "-1:00",
    ]);
    times.extend([json!(0), json!(41400), json!(-5)]);
    failures += &agree::<hpasim::units::At>(defs, "At", &times);

    let mut shifts = strings(&[
        "30m", "-1h", "+90", "-1.5", "--1h", "soon", "- 5m", "-+5", "+-5", "-1e3", " -30m ", "-",
        "-1M", "1h30m",
    ]);
    shifts.extend([json!(-90), json!(1.5), json!(-3.3e10), json!(null)]);
    failures += &agree::<hpasim::load::Shift>(defs, "Shift", &shifts);

    let mut quantities = strings(&[
        "500m", "2", "1.5Gi", "2k", "1e3", "1E3", "0.005E", "+1", "-1", "0.1m", ".5", ".", "5.",
        "1.5.5", "5 cores", "1Ki", "1ki", "1e+3", "1e-3", "1e12", "1e12345", "1Mi", "1m ", " 1m",
        "", "1.5e3", "1 m", "1K", "1mi", "0x1",
    ]);
    quantities.extend([
        json!(0),
        json!(0.5),
        json!(-2),
        json!(1e-30),
        json!(null),
        json!(true),
    ]);
    failures += &agree::<hpasim::core::Quantity>(defs, "Quantity", &quantities);

    assert!(failures.is_empty(), "{failures}");
}

/// `hpasim schema` prints the committed schema, byte for byte.
#[test]
fn the_schema_command_prints_the_published_schema() {
    let out = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("hpasim"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let published = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario.schema.json"),
    )
    .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), published);
}

/// Every number the scenario schema lets through unbounded, and why it may be: none of
/// them is a count, a duration or a size the run's work or memory grows with. Anything
/// else of type integer or number must state its `maximum` (the README's `Limits`).
const UNBOUNDED: &[(&str, &str)] = &[
    (
        "/properties/seed",
        "any 64-bit seed: it picks the draws, it sizes nothing",
    ),
    (
        "/$defs/Action/properties/setMetric/additionalProperties",
        "a metric's value as a test or incident sets it; the HPA divides it by its target",
    ),
    (
        "/$defs/DerivedMetric/properties/value",
        "a constant metric value, as Kubernetes reads any quantity",
    ),
    (
        "/$defs/Quantity/anyOf/1",
        "a Kubernetes quantity written as a number; each use bounds its own (prices, rates)",
    ),
    (
        "/$defs/Condition/anyOf/1",
        "an expectation's threshold: compared with a figure, never simulated",
    ),
    (
        "/$defs/Near/properties/eq",
        "an expectation's value: compared with a figure, never simulated",
    ),
    (
        "/$defs/Near/properties/abs",
        "an expectation's tolerance: compared, never simulated",
    ),
    (
        "/$defs/Near/properties/rel",
        "an expectation's tolerance: compared, never simulated",
    ),
    (
        "/$defs/Golden/properties/abs",
        "a golden timeline's tolerance: compared, never simulated",
    ),
    (
        "/$defs/Golden/properties/rel",
        "a golden timeline's tolerance: compared, never simulated",
    ),
    (
        "/$defs/BacklogObjective/properties/below",
        "an objective's threshold, compared with the backlog each second",
    ),
    (
        "/$defs/Controller/properties/tolerance",
        "the controller's --horizontal-pod-autoscaler-tolerance: a ratio, any finite value",
    ),
    (
        "/$defs/MetricTarget/properties/averageUtilization",
        "a percentage of the request: Kubernetes bounds it only by int32, and it sizes nothing",
    ),
    (
        "/$defs/ScalingPolicy/properties/value",
        "pods or percent a period: Kubernetes bounds it only by int32; maxReplicas caps the result",
    ),
    (
        "/$defs/Delay/oneOf/4/properties/gamma/properties/shape",
        "a distribution's shape; the delay drawn is bounded by its mean's limit",
    ),
    (
        "/$defs/LogNormalNoise/properties/sigma",
        "a noise's spread; the load it shapes is capped at the rate limit",
    ),
    (
        "/$defs/Warmup/properties/cpuFactor",
        "a multiplier of CPU per request during warm-up, easing to 1",
    ),
];

/// Every integer or number in the scenario schema states its `maximum` (or an exclusive
/// one), unless it is on `UNBOUNDED` with its reason; and every entry there is still an
/// unbounded number of the schema (a stale entry fails too).
#[test]
fn every_number_in_the_schema_states_its_maximum() {
    fn walk(node: &serde_json::Value, at: &str, found: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                let types: Vec<&str> = match map.get("type") {
                    Some(serde_json::Value::String(t)) => vec![t.as_str()],
                    Some(serde_json::Value::Array(ts)) => {
                        ts.iter().filter_map(|t| t.as_str()).collect()
                    }
                    _ => vec![],
                };
                let numeric = types.iter().any(|t| *t == "integer" || *t == "number");
                if numeric && !map.contains_key("maximum") && !map.contains_key("exclusiveMaximum")
                {
                    found.push(at.to_string());
                }
                for (key, value) in map {
                    // What a value must not be (`duration`'s `not: {type: number}`).
                    if key != "not" {
                        walk(value, &format!("{at}/{key}"), found);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = vec![];
    walk(&scenario_schema(), "", &mut found);
    let allowed: Vec<&str> = UNBOUNDED.iter().map(|(at, _)| *at).collect();
    let unbounded: Vec<&String> = found
        .iter()
        .filter(|at| !allowed.contains(&at.as_str()))
        .collect();
    assert!(
        unbounded.is_empty(),
        "numbers without a `maximum` in the scenario schema: {unbounded:#?}"
    );
    let stale: Vec<&&str> = allowed
        .iter()
        .filter(|at| !found.iter().any(|f| f == *at))
        .collect();
    assert!(
        stale.is_empty(),
        "UNBOUNDED names bounded or gone fields: {stale:#?}"
    );
}

/// Each bound the schema states is the one the loader checks: at the limit both accept the
/// scenario; one above, both refuse it, the loader naming the field and its limit.
#[test]
fn each_count_and_duration_limit_is_the_same_in_the_schema_and_at_load() {
    let keda =
        std::fs::read_to_string(root().join("tests/keda/sim/worker.yaml")).expect("KEDA base");
    let keda_edit = |from: &str, to: &str| {
        assert!(keda.contains(from), "{from:?} is not in the KEDA base");
        keda.replacen(from, to, 1)
    };
    let probe =
        |key: &str| format!("cpuPerRequest: 5m}}\n  startup:\n    readinessProbe: {{{key}: NUM}}");
    let day31 = hpasim::units::MAX_DELAY_SECONDS;
    let pods = 10_000;
    // (text with `NUM` for the number, the limit, the field the loader names)
    let cases: Vec<(String, i64, &str)> = vec![
        (
            edit("spec: {maxReplicas: 5}", "spec: {maxReplicas: NUM}"),
            pods,
            "hpa.spec.maxReplicas",
        ),
        (
            edit(
                "spec: {maxReplicas: 5}",
                "spec: {minReplicas: NUM, maxReplicas: NUM}",
            ),
            pods,
            "hpa.spec.minReplicas",
        ),
        (
            format!("{BASE}actions: [{{at: 5m, killPods: NUM}}]\n"),
            pods,
            "actions[0].killPods",
        ),
        (
            format!("{BASE}actions: [{{at: 5m, patchHpa: {{maxReplicas: NUM}}}}]\n"),
            pods,
            "actions[0].patchHpa.maxReplicas",
        ),
        (
            format!(
                "{BASE}actions: [{{at: 5m, patchHpa: {{minReplicas: NUM, maxReplicas: NUM}}}}]\n"
            ),
            pods,
            "actions[0].patchHpa.minReplicas",
        ),
        (
            format!("{BASE}slo: {{minReady: NUM}}\n"),
            pods,
            "slo.minReady",
        ),
        (format!("{BASE}seeds: NUM\n"), 100_000, "seeds"),
        (
            edit("cpuPerRequest: 5m}", &probe("failureThreshold")),
            10_000,
            "workload.startup.readinessProbe.failureThreshold",
        ),
        (
            edit("cpuPerRequest: 5m}", &probe("successThreshold")),
            10_000,
            "workload.startup.readinessProbe.successThreshold",
        ),
        (
            edit("cpuPerRequest: 5m}", &probe("periodSeconds")),
            day31,
            "workload.startup.readinessProbe",
        ),
        (
            edit(
                "cpuPerRequest: 5m}",
                "cpuPerRequest: 5m}\n  termination: {gracePeriodSeconds: NUM}",
            ),
            day31,
            "workload.termination.gracePeriodSeconds",
        ),
        (
            edit(
                "spec: {maxReplicas: 5}",
                "spec: {maxReplicas: 5, behavior: {scaleUp: {policies: [{type: Pods, value: 1, periodSeconds: NUM}]}}}",
            ),
            1800,
            "periodSeconds",
        ),
        (
            edit(
                "spec: {maxReplicas: 5}",
                "spec: {maxReplicas: 5, behavior: {scaleDown: {stabilizationWindowSeconds: NUM}}}",
            ),
            3600,
            "stabilizationWindowSeconds",
        ),
        (
            keda_edit("maxReplicaCount: 10", "maxReplicaCount: NUM"),
            pods,
            "scaledObject.spec.maxReplicaCount",
        ),
        (
            keda_edit(
                "minReplicaCount: 0\n    maxReplicaCount: 10",
                "minReplicaCount: NUM\n    maxReplicaCount: NUM",
            ),
            pods,
            "scaledObject.spec.minReplicaCount",
        ),
        (
            keda_edit(
                "maxReplicaCount: 10",
                "maxReplicaCount: 10\n    pollingInterval: NUM",
            ),
            day31,
            "scaledObject.spec.pollingInterval",
        ),
        (
            keda_edit(
                "maxReplicaCount: 10",
                "maxReplicaCount: 10\n    cooldownPeriod: NUM",
            ),
            day31,
            "scaledObject.spec.cooldownPeriod",
        ),
        (
            keda_edit(
                "maxReplicaCount: 10",
                "maxReplicaCount: 10\n    fallback: {failureThreshold: NUM, replicas: 5}",
            ),
            10_000,
            "scaledObject.spec.fallback.failureThreshold",
        ),
        (
            keda_edit(
                "maxReplicaCount: 10",
                "maxReplicaCount: 10\n    fallback: {failureThreshold: 3, replicas: NUM}",
            ),
            pods,
            "scaledObject.spec.fallback.replicas",
        ),
    ];
    let validator = validator();
    let mut failures = String::new();
    for (text, limit, field) in &cases {
        let at = text.replace("NUM", &limit.to_string());
        let over = text.replace("NUM", &(limit + 1).to_string());
        let schema_at = schema_errors(&validator, &at);
        if !schema_at.is_empty() {
            failures += &format!("{field} = {limit}: the schema refuses it:\n{schema_at}");
        }
        if let Err(e) = parse(&at) {
            failures += &format!("{field} = {limit}: the loader refuses it: {e}\n");
        }
        if schema_errors(&validator, &over).is_empty() {
            failures += &format!("{field} = {}: the schema accepts it\n", limit + 1);
        }
        match parse(&over) {
            Ok(()) => failures += &format!("{field} = {}: the loader accepts it\n", limit + 1),
            Err(e) if !(e.contains(field) && (e.contains("limit") || e.contains("outside"))) => {
                failures += &format!("{field} = {}: not named with its limit: {e}\n", limit + 1)
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
