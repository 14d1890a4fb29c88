//! KEDA ScaledObjects in scenarios: bad ones refused at their file, line and field; the
//! simulator running KEDA's loop beside the generated HPA, on hand-worked timelines
//! (kedacore/keda@8b4f083, the v2.20 line; the rules in `src/keda`).

use crate::common::hpasim;

use std::path::{Path, PathBuf};

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
    // Several YAML documents: the Deployment, then the ScaledObject.
    let docs = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: worker}}\n---\n{so_file}"
    );
    write(dir.path(), "docs.yaml", &docs);
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
            format!("{}hpaPatches: [prod.yaml]\n", base()),
            "scenario.yaml",
            ":30:1: hpaPatches: a ScaledObject's HPA is KEDA's own",
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
            ": the file holds no ScaledObject named \"other\" (its ScaledObjects: worker)",
        ),
        (
            from_file("docs.yaml#other"),
            "docs.yaml",
            ": the file holds no ScaledObject named \"other\" (its ScaledObjects: worker)",
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
    // The good ones: from a file, and picked from a List or from documents.
    for f in [
        "so.yaml",
        "list.yaml#worker",
        "list.yaml",
        "docs.yaml",
        "docs.yaml#worker",
    ] {
        let scenario = write(dir.path(), "scenario.yaml", &from_file(f));
        hpasim()
            .args(["validate", scenario.to_str().unwrap()])
            .assert()
            .success();
    }
}

/// The worker fixture with `edits` applied, run second by second.
fn run(edits: &[(&str, &str)]) -> hpasim::sim::Record {
    let mut text = base();
    for (from, to) in edits {
        text = edit(&text, from, to);
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/keda/sim/edited.yaml");
    let sc = hpasim::scenario::parse_scenario(&text, &path).unwrap();
    hpasim::sim::run(&sc, &hpasim::sim::Options::default())
}

/// KEDA's polls as (second, action, replicas before, replicas written).
fn polls(record: &hpasim::sim::Record) -> Vec<(i64, String, i32, Option<i32>)> {
    (record.events.iter())
        .filter_map(|e| match e {
            hpasim::sim::Event::Keda {
                t,
                action,
                from,
                set_replicas,
                ..
            } => Some((
                *t as i64,
                serde_json::to_value(action)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string(),
                *from,
                *set_replicas,
            )),
            _ => None,
        })
        .collect()
}

/// The Deployment's replicas over the run, as (second, from, to) at each change.
fn changes(record: &hpasim::sim::Record) -> Vec<(i64, i32, i32)> {
    let mut out = vec![];
    for pair in record.timeline.windows(2) {
        if pair[0].spec != pair[1].spec {
            out.push((pair[1].time_s as i64, pair[0].spec, pair[1].spec));
        }
    }
    out
}

/// The first poll whose reading is strictly above `activationThreshold` (50) scales the
/// worker from 0 to max(minReplicaCount, 1) (`scaleFromZeroOrIdle`); the HPA sync of the
/// same second, after the poll, then reads the queue against its target (100 per pod).
#[test]
fn activation_from_zero_at_the_first_poll_above_the_activation_threshold() {
    // (queue from, its height, pollingInterval, minReplicaCount, the activating poll, the
    // replicas right after it, once the HPA sync of that second has run)
    type Case<'a> = (&'a str, &'a str, &'a str, &'a str, Option<i64>, i32);
    let cases: [Case; 6] = [
        // Polls at 0, 30, ... 150: the queue appears at 130 s, the poll at 150 sees it.
        ("00:02:10", "60", "30", "0", Some(150), 1),
        // Exactly the activation threshold is not above it (`val > activationThreshold`).
        ("00:02:10", "50", "30", "0", None, 0),
        // On a poll's second: the poll sees it; the sync then reads 300 / 100 -> 3.
        ("00:02:00", "300", "30", "0", Some(120), 3),
        // A 10 s polling interval: the poll at 130 s.
        ("00:02:10", "60", "10", "0", Some(130), 1),
        // minReplicaCount 0 with a 7 s interval: polls at 126, 133.
        ("00:02:10", "60", "7", "0", Some(133), 1),
        // minReplicaCount 2: KEDA writes max(2, 1), from 0 (below min: `raisedToMin`
        // would also write 2, so start at 0 by idleReplicaCount 0).
        ("00:02:10", "60", "30", "2", Some(150), 2),
    ];
    for (i, (at, height, interval, min, when, after)) in cases.into_iter().enumerate() {
        let shape = format!(
            "  queue: {{shape: [{{spike: {{at: \"{at}\", duration: 4m, height: {height}}}}}], delay: 0s}}"
        );
        let spec = format!(
            "    pollingInterval: {interval}\n    minReplicaCount: {min}\n{}",
            if min != "0" {
                "    idleReplicaCount: 0"
            } else {
                ""
            }
        );
        let record = run(&[
            (
                "  queue: {shape: [{spike: {at: \"00:02:00\", duration: 4m, height: 300}}], delay: 0s}",
                &shape,
            ),
            ("    minReplicaCount: 0", spec.trim_end()),
        ]);
        let activated: Vec<_> = polls(&record)
            .into_iter()
            .filter(|p| p.1 == "activated")
            .collect();
        assert_eq!(
            activated.first().map(|p| p.0),
            when,
            "case {i}: {activated:?}"
        );
        if let Some(t) = when {
            assert_eq!(activated[0].2, 0, "case {i}");
            assert_eq!(
                activated[0].3,
                Some(min.parse::<i32>().unwrap().max(1)),
                "case {i}"
            );
            assert_eq!(record.timeline[t as usize].spec, after, "case {i}");
            assert_eq!(record.timeline[t as usize - 1].spec, 0, "case {i}");
        } else {
            assert!(record.timeline.iter().all(|r| r.spec == 0), "case {i}");
        }
    }
}

/// Scale to zero: at the first poll strictly after lastActiveTime + cooldownPeriod
/// (`time.Before`), from whatever count the HPA left, in one write; never active, after
/// initialCooldownPeriod from creation instead.
#[test]
fn scale_to_zero_exactly_cooldown_after_the_last_active_poll() {
    // The queue (300) is there over [120, 360): the last active poll is at 330 s.
    // (cooldownPeriod, the deactivating poll, replicas it writes from)
    for (cooldown, when, from) in [
        ("300", 660, 3),
        ("120", 480, 3),
        ("0", 360, 3),
        ("270", 630, 3),
    ] {
        let record = run(&[(
            "    minReplicaCount: 0",
            &format!("    minReplicaCount: 0\n    cooldownPeriod: {cooldown}"),
        )]);
        let p = polls(&record);
        let last_active = p.iter().filter(|p| p.1 == "keptActive").map(|p| p.0).max();
        assert_eq!(last_active, Some(330), "cooldown {cooldown}");
        let off: Vec<_> = p.iter().filter(|p| p.1 == "deactivated").collect();
        assert_eq!(off.len(), 1, "cooldown {cooldown}: {off:?}");
        assert_eq!(
            (off[0].0, off[0].2, off[0].3),
            (when, from, Some(0)),
            "cooldown {cooldown}"
        );
        assert_eq!(record.timeline[when as usize].spec, 0);
        assert_eq!(record.timeline[when as usize - 1].spec, from);
    }
    // Never active: 2 replicas at the start and an empty queue. (initialCooldownPeriod,
    // the deactivating poll): 0 + 0 < 0 is false at the first poll, so 30 s.
    for (initial, when) in [("0", 30), ("90", 120), ("100", 120)] {
        let record = run(&[
            ("  initialReplicas: 0", "  initialReplicas: 2"),
            (
                "    minReplicaCount: 0",
                &format!("    minReplicaCount: 0\n    initialCooldownPeriod: {initial}"),
            ),
            ("height: 300", "height: 0"),
        ]);
        let off: Vec<_> = polls(&record)
            .into_iter()
            .filter(|p| p.1 == "deactivated")
            .collect();
        assert_eq!(
            off.first().map(|p| (p.0, p.3)),
            Some((when, Some(0))),
            "initial {initial}"
        );
    }
}

/// While a trigger is active only the HPA scales, its scale-down stabilization window
/// (300 s by default) holding every step down; KEDA's cooldown acts only for the last
/// step, to zero, directly from whatever count the HPA has reached (keda#7770, #7204).
#[test]
fn the_hpa_window_acts_while_active_and_the_cooldown_only_for_the_step_to_zero() {
    // The queue: 600 over [120, 600), 150 over [600, 1200) (still above activation, 50),
    // then empty; KEDA's last active poll is at 1170 s.
    let queue = "  queue: {shape: [{spike: {at: \"00:02:00\", duration: 8m, height: 450}}, {spike: {at: \"00:02:00\", duration: 18m, height: 150}}], delay: 0s}";
    // The generated HPA has no behavior (none under `advanced`), so the controller's
    // legacy rules apply (`normalizeDesiredReplicas`): scale-up capped at max(2 x current,
    // 4), the --horizontal-pod-autoscaler-downscale-stabilization window (300 s) keeping
    // every recommendation not before now - 300 s.
    // Both runs: at 120 KEDA activates 0 -> 1 and the HPA's sync of that second reads
    // 600 / 100 = 6, capped at max(2, 4) = 4, then 6 at 135; at 600 the HPA wants 2, but
    // the 6 recommended at 585 s is kept until 900 s (at 885 s it is not before the
    // cutoff 585 s), when it goes 6 -> 2.
    let common = [(120, 0, 4), (135, 4, 6), (900, 6, 2)];
    // (cooldownPeriod, what follows)
    type Changes<'a> = &'a [(i64, i32, i32)];
    let cases: [(&str, Changes); 2] = [
        // Cooldown 60 s: the poll at 1260 s (1170 + 60 < 1260) writes 2 -> 0 itself, while
        // the HPA's window would have held 2 until 1500 s.
        ("60", &[(1260, 2, 0)]),
        // Cooldown 600 s: the HPA goes 2 -> 1 at 1500 s (its window past the last 2, at
        // 1185 s), and KEDA takes the last step, 1 -> 0, at 1800 s (1170 + 600 < 1800).
        ("600", &[(1500, 2, 1), (1800, 1, 0)]),
    ];
    for (cooldown, rest) in cases {
        let record = run(&[
            ("duration: 20m", "duration: 40m"),
            (
                "  queue: {shape: [{spike: {at: \"00:02:00\", duration: 4m, height: 300}}], delay: 0s}",
                queue,
            ),
            (
                "    minReplicaCount: 0",
                &format!("    minReplicaCount: 0\n    cooldownPeriod: {cooldown}"),
            ),
        ]);
        let mut want = common.to_vec();
        want.extend_from_slice(rest);
        assert_eq!(changes(&record), want, "cooldown {cooldown}");
        // KEDA wrote only 0 -> 1 (the HPA's sync of that second then 1 -> 4) and the last.
        let writes: Vec<(i64, i32, i32)> = polls(&record)
            .into_iter()
            .filter_map(|p| p.3.map(|to| (p.0, p.2, to)))
            .collect();
        assert_eq!(
            writes,
            [(120, 0, 1), *want.last().unwrap()],
            "cooldown {cooldown}"
        );
    }
}

/// `fallback`: every read counts, KEDA's polls and the HPA's syncs through KEDA's metrics
/// server alike; past failureThreshold (strictly), the metric reads as target x
/// fallback.replicas, so the HPA lands on them; a good read resets the count.
#[test]
fn fallback_replicas_after_failure_threshold_failed_reads() {
    // 300 queued from 120 s: 3 pods. The trigger's metric fails over [300, 420).
    let record = run(&[
        (
            "    maxReplicaCount: 10",
            "    maxReplicaCount: 10\n    fallback: {failureThreshold: 3, replicas: 5}",
        ),
        ("duration: 20m", "duration: 12m"),
        ("duration: 4m, height: 300", "duration: 10m, height: 300"),
        (
            "\nload:",
            "\nactions:\n- {at: \"00:05:00\", metricOutage: {metric: queue, for: 2m}}\nload:",
        ),
    ]);
    // Reads at 300 (poll, sync), 315 (sync): failures 1, 2, 3, none served (the poll at
    // 300 holds the replicas for the fallback); the poll at 330 is the 4th: the fallback
    // serves 100 x 5 = 500 (active), and the sync at 330 reads it: 3 -> 5. Back at 420
    // the value (300) is read again: 5 -> 3 only after the HPA's 300 s window, past the
    // run's end.
    let p = polls(&record);
    let at = |t: i64| p.iter().find(|p| p.0 == t).map(|p| p.1.clone()).unwrap();
    assert_eq!(at(300), "heldForFallback");
    assert_eq!(at(330), "keptActive");
    assert_eq!(at(420), "keptActive");
    let c = changes(&record);
    assert_eq!(c, [(120, 0, 3), (330, 3, 5)], "{c:?}");
    // The HPA's reading at its syncs (an AverageValue External metric reports the value
    // over the replicas): 300 / 3 = 100; none at 300 and 315; the fallback's 500 over 3,
    // then over 5, from 330 to 405; the source's 300 over 5 from 420 on.
    let syncs: Vec<_> = (record.events.iter())
        .filter_map(|e| match e {
            hpasim::sim::Event::Decision { t, decision } => Some((
                *t as i64,
                decision
                    .metrics
                    .first()
                    .and_then(|m| m.current.as_ref().map(|r| r.to_string())),
            )),
            _ => None,
        })
        .filter(|(t, _)| (285..=435).contains(t))
        .collect();
    let s = |v: &str| Some(v.to_string());
    let want = [
        (285, s("100")),
        (300, None),
        (315, None),
        (330, s("166667m")),
        (345, s("100")),
        (360, s("100")),
        (375, s("100")),
        (390, s("100")),
        (405, s("100")),
        (420, s("60")),
        (435, s("60")),
    ];
    assert_eq!(syncs, want);
}

/// `metricName` in a trigger's metadata (removed in KEDA v2.12, kedacore/keda#4899) is
/// read past as KEDA reads it: the HPA is the one built without it, and the scenario warns
/// with the file and field. A near-miss of a key the scaler reads is still refused.
#[test]
fn metric_name_from_before_keda_2_12_is_ignored_with_a_warning() {
    use hpasim::keda::Keda;
    use hpasim::keda::api::ScaledObject;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/seeds/neurolake");
    let text = std::fs::read_to_string(dir.join("scaledobject.yaml")).unwrap();
    let so: ScaledObject = serde_saphyr::from_str(&text).unwrap();
    assert!(so.spec.triggers[0].metadata.contains_key("metricName"));
    let mut bare = so.clone();
    bare.spec.triggers[0].metadata.remove("metricName");
    let (with, without) = (Keda::compile(&so).unwrap(), Keda::compile(&bare).unwrap());
    assert_eq!(with.hpa, without.hpa);
    assert_eq!(with.externals[0].metric_name, "s0-prometheus");

    let scenario = hpasim::scenario::load_scenario(&dir.join("api-keda-daily-cycle.yaml")).unwrap();
    let warned: Vec<&String> = (scenario.warnings.iter())
        .filter(|w| w.contains("metricName"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", scenario.warnings);
    assert!(
        warned[0].contains("scaledobject.yaml: spec.triggers[0].metadata.metricName"),
        "{}",
        warned[0]
    );
    assert!(warned[0].contains("kedacore/keda#4899"), "{}", warned[0]);

    // Keys that are neither read nor known to be ignored stay refused.
    for (key, refused) in [("metricName", false), ("metricNam", true), ("metric", true)] {
        let mut so = so.clone();
        let metadata = &mut so.spec.triggers[0].metadata;
        metadata.remove("metricName");
        metadata.insert(key.into(), "http_requests_per_second".into());
        assert_eq!(Keda::compile(&so).is_err(), refused, "{key}");
    }
}

/// `scaleUps` and `scaleDowns` count every change of the Deployment's replicas, whoever
/// writes it: the HPA's rescales and KEDA's own writes (activation from 0, scale to zero),
/// each counted from the run's events.
#[test]
fn scale_counts_include_kedas_writes() {
    // (edits, KEDA's writes up, KEDA's writes down)
    type Case<'a> = (&'a [(&'a str, &'a str)], usize, usize);
    let cases: [Case; 3] = [
        // Activated at 120 s, to zero at 660 s.
        (&[], 1, 1),
        // Never active from 2 replicas: one write to zero.
        (
            &[
                ("  initialReplicas: 0", "  initialReplicas: 2"),
                ("height: 300", "height: 0"),
            ],
            0,
            1,
        ),
        // A second burst at 12:00, after the first's scale to zero at 11:00: activated
        // twice, to zero twice (the second at the first poll after 13:30 + 300 s).
        (
            &[(
                "  queue: {shape: [{spike: {at: \"00:02:00\", duration: 4m, height: 300}}], delay: 0s}",
                "  queue: {shape: [{spike: {at: \"00:02:00\", duration: 4m, height: 300}}, {spike: {at: \"00:12:00\", duration: 2m, height: 300}}], delay: 0s}",
            )],
            2,
            2,
        ),
    ];
    for (i, (edits, keda_ups, keda_downs)) in cases.into_iter().enumerate() {
        let record = run(edits);
        let (mut ups, mut downs, mut writes_up, mut writes_down) = (0, 0, 0, 0);
        for e in &record.events {
            let (from, to, keda) = match e {
                hpasim::sim::Event::Decision { decision, .. } => {
                    (decision.current_replicas, decision.desired_replicas, false)
                }
                hpasim::sim::Event::Keda {
                    from,
                    set_replicas: Some(to),
                    ..
                } => (*from, *to, true),
                _ => continue,
            };
            if to > from {
                ups += 1;
                writes_up += usize::from(keda);
            } else if to < from {
                downs += 1;
                writes_down += usize::from(keda);
            }
        }
        assert_eq!((writes_up, writes_down), (keda_ups, keda_downs), "case {i}");
        assert_eq!(
            (record.summary.scale_ups, record.summary.scale_downs),
            (ups, downs),
            "case {i}"
        );
    }
}

/// `hpasim validate` on a ScaledObject file shows the warnings a scenario reading that
/// ScaledObject shows, word for word (one code path): `metricName`, ignored since v2.12.
#[test]
fn validate_warns_of_a_scaled_object_file_as_its_scenario_does() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/seeds/neurolake");
    let scenario = hpasim::scenario::load_scenario(&dir.join("api-keda-daily-cycle.yaml")).unwrap();
    let from_scenario: Vec<&String> = (scenario.warnings.iter())
        .filter(|w| w.contains("scaledobject.yaml"))
        .collect();
    assert_eq!(from_scenario.len(), 1, "{:?}", scenario.warnings);
    // (the file validated, the warnings its line must carry)
    let bare = std::fs::read_to_string(dir.join("scaledobject.yaml"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("metricName"))
        .collect::<Vec<_>>()
        .join("\n");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("scaledobject.yaml"), bare).unwrap();
    let cases = [
        (dir.join("scaledobject.yaml"), from_scenario.clone()),
        (tmp.path().join("scaledobject.yaml"), vec![]),
    ];
    for (file, want) in cases {
        let found = hpasim::commands::validate(std::slice::from_ref(&file)).unwrap();
        assert!(found.refused.is_empty(), "{:?}", found.refused);
        let shown: Vec<&str> = (found.text.lines())
            .filter_map(|l| l.strip_prefix("    warning: "))
            .collect();
        let want: Vec<&str> = want.iter().map(|w| w.as_str()).collect();
        assert_eq!(shown, want, "{}", file.display());
    }
}
