//! The conformance suite: every case under tests/conformance/ holds the scaling core to
//! the decision kube-controller-manager takes (format: tests/conformance/README.md).

use std::path::{Path, PathBuf};

use serde_json::Value;

fn case_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("conformance dir")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            case_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// Every key of `expected` must match `actual`; see the README for the rules.
fn matches(expected: &Value, actual: &Value, at: &str, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let path = format!("{at}.{key}");
                let av = a.get(key).unwrap_or(&Value::Null);
                if key == "conditions" {
                    match_conditions(ev, av, &path, problems);
                } else if key == "error" && ev == &Value::Bool(true) {
                    if !av.is_string() {
                        problems.push(format!("{path}: expected the metric to fail, got {av}"));
                    }
                } else if key == "usageRatio" {
                    let (x, y) = (ev.as_f64(), av.as_f64());
                    if !matches!((x, y), (Some(x), Some(y)) if (x - y).abs() <= 1e-9) {
                        problems.push(format!("{path}: expected {ev}, got {av}"));
                    }
                } else {
                    matches(ev, av, &path, problems);
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                problems.push(format!(
                    "{at}: expected {} entries, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                matches(ev, av, &format!("{at}[{i}]"), problems);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if e.as_f64() != a.as_f64() {
                problems.push(format!("{at}: expected {e}, got {a}"));
            }
        }
        (e, a) => {
            if e != a {
                problems.push(format!("{at}: expected {e}, got {a}"));
            }
        }
    }
}

fn match_conditions(expected: &Value, actual: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(list) = expected.as_array() else {
        problems.push(format!("{at}: the case must list conditions"));
        return;
    };
    for ec in list {
        let kind = ec.get("type");
        match actual
            .as_array()
            .and_then(|a| a.iter().find(|c| c.get("type") == kind))
        {
            Some(ac) => matches(
                ec,
                ac,
                &format!("{at}[{}]", kind.cloned().unwrap_or(Value::Null)),
                problems,
            ),
            None => problems.push(format!(
                "{at}: no condition of type {}",
                kind.cloned().unwrap_or(Value::Null)
            )),
        }
    }
}

fn run_case(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let case: Value =
        serde_saphyr::from_str(&text).map_err(|e| format!("not a valid case file: {e}"))?;
    for key in case.as_object().ok_or("a case is a mapping")?.keys() {
        if !["rule", "source", "snapshot", "expect"].contains(&key.as_str()) {
            return Err(format!("unknown key `{key}` in the case file"));
        }
    }
    case.get("rule")
        .and_then(Value::as_str)
        .ok_or("the case must state its `rule`")?;
    let snapshot_json =
        serde_json::to_string(case.get("snapshot").ok_or("no `snapshot`")?).unwrap();
    let expect = case.get("expect").ok_or("no `expect`")?;
    let snapshot = hpasim::scenario::parse_snapshot(&snapshot_json, path)
        .map_err(|e| format!("snapshot refused: {e}"))?;
    let decision = hpasim::core::decide(&snapshot).map_err(|e| e.to_string())?;
    let actual = serde_json::to_value(&decision).unwrap();
    let mut problems = vec![];
    matches(expect, &actual, "expect", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n      decision: {}",
            problems.join("\n    "),
            serde_json::to_string(&actual).unwrap()
        ))
    }
}

/// One test per case file, named by its path under tests/conformance/, so `cargo test`
/// lists every case and `cargo test --test conformance -- scale_up` runs a few.
fn main() -> std::process::ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files = vec![];
    case_files(&root, &mut files);
    let mut trials: Vec<libtest_mimic::Trial> = files
        .iter()
        .map(|f| {
            let name = f.strip_prefix(&root).unwrap().display().to_string();
            let file = f.clone();
            libtest_mimic::Trial::test(name, move || run_case(&file).map_err(Into::into))
        })
        .collect();
    let count = files.len();
    trials.push(libtest_mimic::Trial::test(
        "the suite holds at least 80 cases",
        move || {
            if count >= 80 {
                Ok(())
            } else {
                Err(format!("the suite must hold at least 80 cases; it has {count}").into())
            }
        },
    ));
    libtest_mimic::run(&libtest_mimic::Arguments::from_args(), trials).exit_code()
}
