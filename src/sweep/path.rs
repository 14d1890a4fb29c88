//! Paths into a scenario as its YAML nests them (`hpa.spec.metrics[0].resource.target.
//! averageUtilization`), the short aliases people type, and setting a value at a path.
//! Works on the scenario as a JSON value; must not know what the fields mean.

use serde_json::Value;

/// One step of a path: a mapping key or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `.key`
    Key(String),
    /// `[i]`
    Index(usize),
}

/// The short names of the knobs people turn most, and the paths they stand for. `cpuTarget`
/// is resolved against the scenario (the index of its cpu Resource metric).
pub const ALIASES: &[(&str, &str)] = &[
    (
        "cpuTarget",
        "hpa.spec.metrics[cpu].resource.target.averageUtilization",
    ),
    ("minReplicas", "hpa.spec.minReplicas"),
    ("maxReplicas", "hpa.spec.maxReplicas"),
    (
        "upWindow",
        "hpa.spec.behavior.scaleUp.stabilizationWindowSeconds",
    ),
    (
        "downWindow",
        "hpa.spec.behavior.scaleDown.stabilizationWindowSeconds",
    ),
    ("upPolicyType", "hpa.spec.behavior.scaleUp.policies[0].type"),
    (
        "upPolicyValue",
        "hpa.spec.behavior.scaleUp.policies[0].value",
    ),
    (
        "upPolicyPeriod",
        "hpa.spec.behavior.scaleUp.policies[0].periodSeconds",
    ),
    (
        "downPolicyType",
        "hpa.spec.behavior.scaleDown.policies[0].type",
    ),
    (
        "downPolicyValue",
        "hpa.spec.behavior.scaleDown.policies[0].value",
    ),
    (
        "downPolicyPeriod",
        "hpa.spec.behavior.scaleDown.policies[0].periodSeconds",
    ),
    ("tolerance", "controller.tolerance"),
];

/// A parameter's name as given (alias or path) and the path it resolves to.
pub fn resolve(name: &str, base: &Value) -> Result<(String, Vec<Step>), String> {
    let path = match ALIASES.iter().find(|(a, _)| *a == name) {
        Some((_, p)) if p.contains("[cpu]") => {
            let metrics = base
                .pointer("/hpa/spec/metrics")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let i = metrics
                .iter()
                .position(|m| {
                    m.get("type").and_then(Value::as_str) == Some("Resource")
                        && m.pointer("/resource/name").and_then(Value::as_str) == Some("cpu")
                })
                .ok_or_else(|| {
                    format!("`{name}`: the scenario's HPA has no Resource metric on cpu")
                })?;
            p.replace("[cpu]", &format!("[{i}]"))
        }
        Some((_, p)) => p.to_string(),
        None => name.to_string(),
    };
    let steps = parse(&path).map_err(|e| format!("`{name}`: {e}"))?;
    Ok((path, steps))
}

/// `a.b[0].c` into its steps.
pub fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = vec![];
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return Err(format!("{path:?}: an empty key (expected a.b[0].c)"));
        }
        steps.push(Step::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .filter(|_| rest.starts_with('['))
                .ok_or_else(|| format!("{path:?}: expected [INDEX] after {key:?}"))?;
            let index: usize = rest[1..close]
                .parse()
                .map_err(|_| format!("{path:?}: {:?} is not a list index", &rest[1..close]))?;
            steps.push(Step::Index(index));
            rest = &rest[close + 1..];
        }
    }
    Ok(steps)
}

/// The value at `steps`, if there is one.
pub fn get<'v>(root: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(root, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

/// Sets the value at `steps`, making the mappings on the way that are missing (a list
/// index must exist). Errors name the first step that cannot be taken.
pub fn set(root: &mut Value, steps: &[Step], value: Value) -> Result<(), String> {
    let mut v = root;
    for (k, s) in steps.iter().enumerate() {
        let last = k + 1 == steps.len();
        v = match s {
            Step::Key(key) => {
                if v.is_null() {
                    *v = Value::Object(Default::default());
                }
                let map = v
                    .as_object_mut()
                    .ok_or_else(|| format!("{key:?} is under a value that is not a mapping"))?;
                let entry = map.entry(key.clone()).or_insert(Value::Null);
                if last {
                    *entry = as_held(entry, value);
                    return Ok(());
                }
                entry
            }
            Step::Index(i) => {
                let list = v
                    .as_array_mut()
                    .ok_or_else(|| format!("[{i}] is under a value that is not a list"))?;
                let len = list.len();
                let entry = list
                    .get_mut(*i)
                    .ok_or_else(|| format!("[{i}] is past the end of a list of {len}"))?;
                if last {
                    *entry = as_held(entry, value);
                    return Ok(());
                }
                entry
            }
        };
    }
    Ok(())
}

/// `value` in the type of the field it replaces: a number or boolean where the scenario
/// holds a string becomes that string, as the scenario would write it (KEDA's trigger
/// metadata takes only strings, `threshold: '1000'`; a quantity written `"100"` reads
/// the same either way). Elsewhere the value as it is.
fn as_held(held: &Value, value: Value) -> Value {
    match (held, value) {
        (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
        (Value::String(_), Value::Bool(b)) => Value::String(b.to_string()),
        (_, value) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_into_keys_and_indices_and_refuse_malformed_ones() {
        assert_eq!(
            parse("hpa.spec.metrics[0].resource").unwrap(),
            vec![
                Step::Key("hpa".into()),
                Step::Key("spec".into()),
                Step::Key("metrics".into()),
                Step::Index(0),
                Step::Key("resource".into()),
            ]
        );
        for bad in ["a..b", "a[x]", "a[0", "", "a.[0]"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn set_makes_missing_mappings_but_never_list_entries() {
        let mut v = json!({"hpa": {"spec": {"metrics": [{"a": 1}]}}});
        let steps = parse("hpa.spec.behavior.scaleDown.stabilizationWindowSeconds").unwrap();
        set(&mut v, &steps, json!(60)).unwrap();
        assert_eq!(get(&v, &steps), Some(&json!(60)));
        let steps = parse("hpa.spec.metrics[0].a").unwrap();
        set(&mut v, &steps, json!(2)).unwrap();
        assert_eq!(get(&v, &steps), Some(&json!(2)));
        assert!(set(&mut v, &parse("hpa.spec.metrics[3].a").unwrap(), json!(1)).is_err());
        assert!(set(&mut v, &parse("hpa.spec.metrics.x").unwrap(), json!(1)).is_err());
    }

    #[test]
    fn cpu_target_alias_finds_the_cpu_metric_wherever_it_is() {
        let base = json!({"hpa": {"spec": {"metrics": [
            {"type": "Resource", "resource": {"name": "memory"}},
            {"type": "Resource", "resource": {"name": "cpu"}},
        ]}}});
        let (path, _) = resolve("cpuTarget", &base).unwrap();
        assert_eq!(
            path,
            "hpa.spec.metrics[1].resource.target.averageUtilization"
        );
        assert!(resolve("cpuTarget", &json!({})).is_err());
        assert_eq!(
            resolve("tolerance", &base).unwrap().0,
            "controller.tolerance"
        );
    }
}
