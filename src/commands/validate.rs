//! `hpasim validate`: checks scenarios (their `expect:` and `golden:` as `hpasim check`
//! reads them), snapshots, HPA manifests and patches, ScaledObject and Deployment
//! manifests (every object of a file), and sweep spaces, without running them.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// What a file holds, told by its top-level keys.
enum Kind {
    Scenario,
    Snapshot,
    ScaledObjectSnapshot,
    Hpa,
    /// A YAML or JSON list at the top: an RFC 6902 patch, if its entries are operations.
    JsonPatch,
    /// A Deployment manifest (as `workload.deploymentFile` reads).
    Deployment,
    /// A KEDA ScaledObject manifest (as `scaledObjectFile` reads).
    ScaledObject,
    /// A sweep space (`hpasim sweep --space`).
    Space,
}

/// What `hpasim validate` found.
pub struct Validated {
    /// One line per valid file: what it holds.
    pub text: String,
    /// Why each other file was refused.
    pub refused: Vec<Error>,
}

/// `hpasim validate FILE|DIR...`: loads each file (each `.yaml`, `.yml` and `.json` of a
/// folder, in name order) as `simulate` or `decide` would, and says what it holds; every
/// refusal is collected, so one run names every bad file.
pub fn validate(paths: &[PathBuf]) -> Result<Validated, Error> {
    let mut files = vec![];
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let mut inside: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                })
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(Error::Usage(
            "no file to validate (a folder is searched for .yaml, .yml and .json files)".into(),
        ));
    }
    let mut found = Validated {
        text: String::new(),
        refused: vec![],
    };
    for file in &files {
        match validate_one(file) {
            Ok(line) => found
                .text
                .push_str(&format!("ok  {}: {line}\n", file.display())),
            Err(e) => found.refused.push(e),
        }
    }
    Ok(found)
}

fn validate_one(path: &Path) -> Result<String, Error> {
    let text = crate::scenario::read_manifest(path)?;
    match kind_of(&text).ok_or_else(|| Error::Input {
        path: path.to_path_buf(),
        location: None,
        message: "cannot tell what this file is: a scenario has `duration` and `workload`, a \
                  snapshot `now` and `currentReplicas`, an HPA manifest `kind: \
                  HorizontalPodAutoscaler` (or `List`, or a patch of one), a ScaledObject `kind: \
                  ScaledObject`, a Deployment `kind: Deployment`, a sweep space `parameters`, a \
                  JSON patch a list of operations"
            .into(),
    })? {
        Kind::Scenario => {
            let s = crate::scenario::load_scenario(path)?;
            // `expect:` and `golden:` as `hpasim check` reads them, before any run: a
            // scenario `validate` passes is one `check` can judge.
            crate::check::validate_checks(&s)?;
            // Valid, but the run will show something the user may not expect.
            let warnings = warning_lines(&s.warnings);
            // A ScaledObject's HPA is the one KEDA generates.
            let keda = (s.keda.as_ref())
                .map(|k| format!(" {} (KEDA's)", k.keda.hpa_name()))
                .unwrap_or_default();
            Ok(format!(
                "scenario {:?}, {} simulated, HPA{keda} {} to {} replicas on {} metric(s){warnings}",
                s.file.name,
                crate::units::span_text(s.file.duration.span().as_millis()),
                s.hpa.spec.min_replicas.unwrap_or(1),
                s.hpa.spec.max_replicas,
                s.hpa.spec.metrics.as_ref().map_or(1, Vec::len),
            ))
        }
        Kind::Snapshot => {
            let s = crate::scenario::load_snapshot(path)?;
            Ok(format!(
                "snapshot at {} s, {} replicas, {} pod(s)",
                s.now.as_secs_f64(),
                s.current_replicas,
                s.pods.len()
            ))
        }
        Kind::ScaledObjectSnapshot => {
            let both = crate::scenario::parse_scaled_object_snapshot(&text, path)?.decide();
            Ok(match &both.hpa {
                Some(hpa) => format!(
                    "ScaledObject snapshot, KEDA's HPA {}, {} -> {} replicas",
                    both.hpa_name, hpa.current_replicas, hpa.desired_replicas
                ),
                None => format!(
                    "ScaledObject snapshot, KEDA's poll alone: {}",
                    both.keda.why
                ),
            })
        }
        Kind::Deployment => Ok(crate::scenario::describe_deployments(&text, path)?.join("; ")),
        // With the warnings a scenario reading it shows (a trigger setting KEDA ignores).
        Kind::ScaledObject => {
            let (lines, warnings) = crate::scenario::describe_scaled_objects(&text, path)?;
            Ok(format!("{}{}", lines.join("; "), warning_lines(&warnings)))
        }
        // Its paths name fields of the scenario it is swept with, which `hpasim sweep`
        // checks; here its own form.
        Kind::Space => {
            let space = crate::sweep::space::read_space_file(path)?;
            Ok(format!(
                "sweep space, {} parameter(s), minimizing {} (its paths are checked against the scenario by `hpasim sweep`)",
                space.params.len(),
                if space.minimize.is_empty() {
                    "nothing".to_string()
                } else {
                    (space.minimize.iter().map(|m| m.0.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        }
        // A `kubectl patch --type=json` file: checked as a patch.
        Kind::JsonPatch if crate::scenario::is_patch_file(&text, path) => {
            crate::scenario::check_patch_file(path)
        }
        Kind::JsonPatch => Err(Error::Input {
            path: path.to_path_buf(),
            location: None,
            message: "a list, but not of JSON patch operations (each with `op` and `path`)".into(),
        }),
        // Every HPA of the file, each as `hpaFile: FILE#NAME` reads it; a kustomize
        // overlay's patch checked as a patch, not refused for what it leaves to the HPA it
        // patches.
        Kind::Hpa => crate::scenario::validate_hpa_file(&text, path),
    }
}

/// Warnings under a file's line, one a line.
fn warning_lines(warnings: &[String]) -> String {
    (warnings.iter())
        .map(|w| format!("\n    warning: {w}"))
        .collect()
}

/// What a file holds, by the top-level keys each must have (a scenario, a snapshot, a
/// sweep space) or the `kind` of its objects (manifests).
fn kind_of(text: &str) -> Option<Kind> {
    let top_level = |key: &str| {
        text.lines().any(|l| {
            let l = l.trim_start_matches(['{', ' ', '"']);
            l.starts_with(key) && l[key.len()..].trim_start_matches('"').starts_with(':')
        })
    };
    let has_kind = |kind: &str| {
        text.lines().any(|l| {
            let l = l.trim_start_matches([' ', '-', '{', '"']);
            l.starts_with("kind") && l[4..].trim_start_matches(['"', ':', ' ']).starts_with(kind)
        })
    };
    if top_level("duration") && top_level("workload") {
        Some(Kind::Scenario)
    } else if top_level("scaledObject") {
        Some(Kind::ScaledObjectSnapshot)
    } else if top_level("currentReplicas") && top_level("now") {
        Some(Kind::Snapshot)
    } else if top_level("parameters") {
        Some(Kind::Space)
    } else if has_kind("ScaledObject") {
        Some(Kind::ScaledObject)
    } else if text.contains("HorizontalPodAutoscaler") {
        Some(Kind::Hpa)
    } else if has_kind("Deployment") {
        // A Deployment manifest, as `workload.deploymentFile` names one.
        Some(Kind::Deployment)
    } else if top_level("items") {
        Some(Kind::Hpa)
    } else if text
        .lines()
        .any(|l| l.starts_with("- ") || l.starts_with('['))
    {
        Some(Kind::JsonPatch)
    } else {
        None
    }
}
