//! `hpasim sweep` driven as a user drives it: fronts worked out by hand, determinism
//! across thread counts, the pick re-simulated, every bad space refused with exit 2.

use crate::common::{hpasim, root};

use std::path::{Path, PathBuf};

/// Low constant load (one pod is plenty), an SLO of at least 2 ready pods: with
/// minReplicas 1 the HPA scales down to 1 after its 5-minute window and the SLO is
/// violated from then on; with 2 it holds, and 3 costs more for nothing.
const QUIET: &str = r#"
name: quiet
duration: 30m
seed: 3
hpa:
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata: {name: quiet}
  spec:
    scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: quiet}
    minReplicas: 2
    maxReplicas: 10
    metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
workload:
  initialReplicas: 2
  pod:
    requests: {cpu: 500m, memory: 256Mi}
    cpuPerRequest: 10m
    baseline: {cpu: 20m}
  startup:
    scheduling: {fixed: 1s}
    imagePull: {fixed: 2s}
    containerStart: {fixed: 1s}
    appStart: {fixed: 2s}
load:
- constant: {rps: 2}
slo:
  minReady: 2
"#;

fn quiet(dir: &Path) -> PathBuf {
    let path = dir.join("quiet.yaml");
    std::fs::write(&path, QUIET).unwrap();
    path
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = hpasim().arg("sweep").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn csv_rows(file: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|row| {
            head.iter()
                .cloned()
                .zip(row.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn the_front_of_a_min_replicas_grid_is_the_one_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let out = dir.path().join("s");
    let (code, stdout, stderr) = run(&[
        sc.to_str().unwrap(),
        "-P",
        "minReplicas",
        "1",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows = csv_rows(&out.join("trials.csv"));
    // The baseline (minReplicas 2 as written) is a grid point: run once, first.
    let mins: Vec<&str> = rows.iter().map(|r| r["minReplicas"].as_str()).collect();
    assert_eq!(mins, ["2", "1", "3"], "{stdout}");
    assert_eq!(rows[0]["baseline"], "true");
    let cost = |r: &std::collections::HashMap<String, String>| -> f64 {
        r["worst(cost.totalUsd)"].parse().unwrap()
    };
    let violation = |r: &std::collections::HashMap<String, String>| -> f64 {
        r["worst(slo.violationSeconds)"].parse().unwrap()
    };
    // By hand: 1 is cheapest but violates; 2 does not; 3 costs more than 2 for nothing.
    assert!(cost(&rows[1]) < cost(&rows[0]) && cost(&rows[0]) < cost(&rows[2]));
    assert!(violation(&rows[1]) > 0.0);
    assert_eq!((violation(&rows[0]), violation(&rows[2])), (0.0, 0.0));
    let front: Vec<String> = csv_rows(&out.join("pareto.csv"))
        .iter()
        .map(|r| r["minReplicas"].clone())
        .collect();
    assert_eq!(front, ["2", "1"]);

    // With the SLO as a constraint only 2 and 3 are feasible, and 2 dominates 3.
    let out2 = dir.path().join("s2");
    let (code, stdout, stderr) = run(&[
        sc.to_str().unwrap(),
        "-P",
        "minReplicas",
        "1",
        "3",
        "--constraint",
        "slo.violationSeconds <= 0",
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let front = csv_rows(&out2.join("pareto.csv"));
    assert_eq!(front.len(), 1, "{stdout}");
    assert_eq!(front[0]["minReplicas"], "2");
    assert_eq!(front[0]["pick"], "true");
    let hpa = std::fs::read_to_string(out2.join("best-hpa.yaml")).unwrap();
    assert!(hpa.contains("minReplicas: 2") && hpa.contains("kind: HorizontalPodAutoscaler"));
    assert!(stdout.contains("2 feasible"), "{stdout}");

    // Nothing feasible: the least violating configurations, said so, never empty.
    let out3 = dir.path().join("s3");
    let (code, stdout, stderr) = run(&[
        sc.to_str().unwrap(),
        "-P",
        "minReplicas",
        "1",
        "3",
        "--constraint",
        "cost.totalUsd <= 0",
        "--out",
        out3.to_str().unwrap(),
    ]);
    // A failed check in CI terms: exit 1, with the ranking written all the same.
    assert_eq!(code, 1);
    assert!(
        stdout.contains("no configuration keeps every constraint"),
        "{stdout}"
    );
    let front = csv_rows(&out3.join("pareto.csv"));
    assert_eq!(front.len(), 1);
    assert_eq!(front[0]["minReplicas"], "1");
    assert_eq!(front[0]["feasible"], "false");
    assert!(stderr.contains("pareto.csv"), "{stderr}");
    assert!(out3.join("best-hpa.yaml").exists() && out3.join("trials.csv").exists());
}

#[test]
fn an_invalid_point_is_recorded_with_its_reason_and_the_sweep_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let out = dir.path().join("s");
    let (code, _, stderr) = run(&[
        sc.to_str().unwrap(),
        "-L",
        "maxReplicas",
        "1,10",
        "-L",
        "minReplicas",
        "2,3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows = csv_rows(&out.join("trials.csv"));
    assert_eq!(rows.len(), 4);
    let bad: Vec<_> = rows.iter().filter(|r| r["valid"] == "false").collect();
    assert_eq!(bad.len(), 2);
    for r in bad {
        assert_eq!(r["maxReplicas"], "1");
        assert!(r["reason"].contains("maxReplicas"), "{}", r["reason"]);
    }
    // A rule between parameters leaves them out before anything runs.
    let out = dir.path().join("w");
    let (code, stdout, _) = run(&[
        sc.to_str().unwrap(),
        "-L",
        "maxReplicas",
        "1,10",
        "-L",
        "minReplicas",
        "2,3",
        "--where",
        "minReplicas <= maxReplicas",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("2 left out by rules"), "{stdout}");
    assert_eq!(csv_rows(&out.join("trials.csv")).len(), 2);
}

const FILES: [&str; 7] = [
    "sweep.png",
    "report.html",
    "trials.jsonl",
    "trials.csv",
    "pareto.csv",
    "best-hpa.yaml",
    "best-scenario.yaml",
];

#[test]
fn the_files_are_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let sc = root().join("scenarios/feastflow-lunch-rush.yaml");
    let mut outs = vec![];
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("j{jobs}"));
        let (code, _, stderr) = run(&[
            sc.to_str().unwrap(),
            "-L",
            "cpuTarget",
            "60,80",
            "-L",
            "downWindow",
            "60,300",
            "--seeds",
            "2",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        outs.push(out);
    }
    for f in FILES {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between --jobs 1 and --jobs 2");
    }
}

#[test]
fn best_scenario_re_simulated_gives_the_figures_in_trials_csv() {
    let dir = tempfile::tempdir().unwrap();
    // A trace-driven scenario: the written scenario must still find its trace.
    let sc = root().join("scenarios/nasa-daily-cycle.yaml");
    let out = dir.path().join("s");
    let (code, _, stderr) = run(&[
        sc.to_str().unwrap(),
        "-L",
        "cpuTarget",
        "50,80",
        "-L",
        "tolerance",
        "0.05,0.2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows = csv_rows(&out.join("pareto.csv"));
    let pick = rows.iter().find(|r| r["pick"] == "true").unwrap();
    let sim_out = dir.path().join("sim");
    let status = hpasim()
        .args(["simulate", "--charts", "none", "--out"])
        .arg(&sim_out)
        .arg(out.join("best-scenario.yaml"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sim_out.join("summary.json")).unwrap()).unwrap();
    let mut compared = 0;
    for (col, cell) in pick {
        let Some(name) = col.strip_prefix("mean(").and_then(|c| c.strip_suffix(')')) else {
            continue;
        };
        let pointer = format!("/{}", name.replace('.', "/"));
        let want = match summary.pointer(&pointer) {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let got: Option<f64> = cell.parse().ok();
        let want_f: Option<f64> = want.parse().ok();
        assert_eq!(
            got, want_f,
            "{name}: trials.csv {cell:?}, simulate {want:?}"
        );
        compared += 1;
    }
    assert!(compared > 30, "only {compared} figures compared");
}

fn assert_refused(args: &[&str], names: &[&str]) {
    let (code, _, stderr) = run(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    for n in names {
        assert!(stderr.contains(n), "{args:?}: {stderr:?} should name {n:?}");
    }
}

#[test]
fn every_bad_space_exits_2_naming_the_argument_or_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let sc = sc.to_str().unwrap();
    let out = dir.path().join("o");
    let out = out.to_str().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["-L", "hpa.spec.maxReplica", "3,4"],
            &[
                "hpa.spec.maxReplica",
                "unknown parameter",
                "hpa.spec.maxReplicas",
            ],
        ),
        (
            &["-P", "minReplicas", "3", "1"],
            &["-P minReplicas 3 1", "MIN 3 is above MAX 1"],
        ),
        (
            &["-P", "minReplicas", "1", "3", "-D", "0"],
            &["-P minReplicas 1 3", "step"],
        ),
        (
            &["-L", "minReplicas", "1,2", "--minimize", "cost.total"],
            &["cost.total", "cost.totalUsd"],
        ),
        (
            &[
                "-L",
                "minReplicas",
                "1,2",
                "--constraint",
                "slo.violationSeconds =< 3",
            ],
            &["--constraint", "FIGURE OP VALUE"],
        ),
        (
            &[
                "-L",
                "minReplicas",
                "1,2",
                "--constraint",
                "p99(scaleUps) <= 3",
            ],
            &["--constraint", "statistic"],
        ),
        (&["-L", "minReplicas", "1,2", "--shard", "3/2"], &["I/N"]),
    ];
    for (args, names) in cases {
        let mut all = vec![sc];
        all.extend_from_slice(args);
        all.extend(["--out", out]);
        assert_refused(&all, names);
    }
    // Nothing ran, nothing was written, for a refused space (a typo leaves no journal
    // that would refuse the corrected command).
    assert!(!Path::new(out).exists());

    let space = dir.path().join("space.yaml");
    let files: &[(&str, &[&str])] = &[
        (
            "parameters:\n- path: minReplicas\n  values: [1, 2]\n- path: maxReplicas\n  range: [9, 5]\n",
            &["space.yaml:4:", "parameters[1]", "MIN 9 is above MAX 5"],
        ),
        (
            "parameters:\n- path: minReplicas\n  range: [1, 3]\n  step: 0\n",
            &["space.yaml:2:", "parameters[0]", "step"],
        ),
        (
            "parameters:\n- path: hpa.spec.minReplica\n  values: [1]\n",
            &["space.yaml:2:", "unknown parameter", "hpa.spec.minReplicas"],
        ),
        (
            "parameters:\n- path: minReplicas\n  values: [1]\nconstraints:\n- cost.totalUsd <<= 3\n",
            &["space.yaml:5:", "constraints[0]"],
        ),
        (
            "parameters:\n- path: minReplicas\n  valeus: [1]\n",
            &["space.yaml:3:", "valeus"],
        ),
        (
            "parameters:\n- path: minReplicas\n  values: [1, 2]\nzip:\n- [minReplicas, maxReplicas]\n",
            &["space.yaml:5:", "zip[0]", "maxReplicas"],
        ),
    ];
    for (text, names) in files {
        std::fs::write(&space, text).unwrap();
        assert_refused(
            &[sc, "--space", space.to_str().unwrap(), "--out", out],
            names,
        );
    }
}

#[test]
fn a_space_file_zips_log_ranges_and_takes_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let space = dir.path().join("space.yaml");
    std::fs::write(
        &space,
        "parameters:\n\
         - {path: minReplicas, values: [1, 3]}\n\
         - {path: maxReplicas, values: [5, 8]}\n\
         - {path: tolerance, log: [0.01, 1], count: 3}\n\
         zip: [[minReplicas, maxReplicas]]\n\
         baseline: {minReplicas: 2, maxReplicas: 4}\n\
         minimize: [mean(cost.totalUsd)]\n",
    )
    .unwrap();
    let out = dir.path().join("s");
    let (code, stdout, stderr) = run(&[
        sc.to_str().unwrap(),
        "--space",
        space.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows = csv_rows(&out.join("trials.csv"));
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["minReplicas"].clone(),
                r["maxReplicas"].clone(),
                r["tolerance"].clone(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("2", "4", "0.1"),
        ("1", "5", "0.01"),
        ("1", "5", "0.1"),
        ("1", "5", "1.0"),
        ("3", "8", "0.01"),
        ("3", "8", "0.1"),
        ("3", "8", "1.0"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want, "{stdout}");
    assert!(rows[0]["baseline"] == "true");
    assert!(stdout.contains("mean(cost.totalUsd)"));
}

fn assert_same_files(a: &Path, b: &Path) {
    for f in FILES {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

const GRID: [&str; 6] = [
    "-L",
    "minReplicas",
    "1,2,3",
    "-L",
    "cpuTarget",
    "40,50,60,70,80,90",
];

fn sweep_into(sc: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![sc.to_str().unwrap()];
    args.extend(GRID);
    args.extend(extra);
    args.extend(["--out", out.to_str().unwrap()]);
    run(&args)
}

#[test]
fn a_sweep_killed_mid_way_and_rerun_ends_byte_identical_to_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    // 120 configurations, so that the kill lands mid-way even on a fast machine.
    let targets: Vec<String> = (0..40).map(|k| (20 + 2 * k).to_string()).collect();
    let targets = targets.join(",");
    let grid = [
        "-L",
        "minReplicas",
        "1,2,3",
        "-L",
        "cpuTarget",
        targets.as_str(),
    ];
    let total = 120;
    let sweep_into = |out: &Path, jobs: &str| {
        let mut args = vec![sc.to_str().unwrap()];
        args.extend(grid);
        args.extend(["--jobs", jobs, "--out", out.to_str().unwrap()]);
        run(&args)
    };
    let whole = dir.path().join("whole");
    let (code, _, stderr) = sweep_into(&whole, "2");
    assert_eq!(code, 0, "{stderr}");

    let killed = dir.path().join("killed");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("hpasim"))
        .arg("sweep")
        .arg(&sc)
        .args(grid)
        .args(["--jobs", "1", "--out"])
        .arg(&killed)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a few configurations are in the journal, then SIGKILL.
    let journal = killed.join("trials.jsonl");
    let lines = || {
        std::fs::read_to_string(&journal)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    while lines() < 4 && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let before = lines();
    assert!(before >= 4, "the journal had {before} lines when killed");
    let mut text = std::fs::read_to_string(&journal).unwrap();
    // The configurations the journal holds whole: its lines ended by a newline, less the
    // header. The kill may itself have torn the last line; either way, half a line more.
    let whole_lines = text.matches('\n').count() - 1;
    let last = text.lines().last().unwrap().to_string();
    text.push_str(&last[..last.len() / 2]);
    std::fs::write(&journal, text).unwrap();

    let (code, stdout, stderr) = sweep_into(&killed, "2");
    assert_eq!(code, 0, "{stderr}");
    // The rerun skipped what the journal held, and ran the rest.
    let resumed: usize = stdout
        .split("resumed")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        resumed, whole_lines,
        "resumed of {total}, the journal's {before} lines when killed"
    );
    assert_same_files(&whole, &killed);
}

#[test]
fn a_rerun_with_a_changed_scenario_or_space_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let out = dir.path().join("s");
    assert_eq!(sweep_into(&sc, &out, &[]).0, 0);
    let (code, _, stderr) = sweep_into(&sc, &out, &["--seeds", "2"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("another space"), "{stderr}");
    std::fs::write(&sc, QUIET.replace("seed: 3", "seed: 4")).unwrap();
    let (code, _, stderr) = sweep_into(&sc, &out, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("another scenario"), "{stderr}");
}

#[test]
fn shards_merged_write_the_same_files_as_one_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let whole = dir.path().join("whole");
    assert_eq!(sweep_into(&sc, &whole, &[]).0, 0);
    let mut shards = vec![];
    let mut ids = std::collections::BTreeSet::new();
    for i in 1..=3 {
        let out = dir.path().join(format!("shard{i}"));
        let (code, _, stderr) = sweep_into(&sc, &out, &["--shard", &format!("{i}/3")]);
        assert_eq!(code, 0, "{stderr}");
        for row in csv_rows(&out.join("trials.csv")) {
            // Each configuration in one shard only; the baseline in every one.
            assert!(
                ids.insert(row["id"].clone()) || row["baseline"] == "true",
                "{} in two shards",
                row["id"]
            );
        }
        shards.push(out);
    }
    assert_eq!(ids.len(), csv_rows(&whole.join("trials.csv")).len());
    let merged = dir.path().join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(shards.iter().map(|s| s.to_string_lossy().into_owned()));
    args.extend(["--out".into(), merged.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert_same_files(&whole, &merged);

    // `best` prints the pick's HPA; weights change the pick.
    let (code, hpa, _) = run(&["best", whole.to_str().unwrap()]);
    assert_eq!(code, 0);
    let written = std::fs::read_to_string(whole.join("best-hpa.yaml")).unwrap();
    assert!(written.ends_with(&hpa), "{hpa}\nvs\n{written}");
    let (_, cheapest, _) = run(&[
        "best",
        whole.to_str().unwrap(),
        "--pick",
        "weights:cost.totalUsd=1",
        "--emit",
        "scenario",
    ]);
    assert!(cheapest.contains("minReplicas: 1"), "{cheapest}");
    let (code, _, stderr) = run(&["best", whole.to_str().unwrap(), "--pick", "weights:cost=1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cost.totalUsd"), "{stderr}");
}

#[test]
fn the_kubernetes_example_is_an_indexed_job_running_one_shard_per_index() {
    let text = std::fs::read_to_string(root().join("examples/kubernetes/sweep-job.yaml")).unwrap();
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text).unwrap();
    let job = docs.iter().find(|d| d["kind"] == "Job").unwrap();
    assert_eq!(job["apiVersion"], "batch/v1");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    let shards = &job["spec"]["template"]["spec"]["containers"][0]["env"][0];
    assert_eq!(shards["name"], "SHARDS");
    assert_eq!(
        shards["value"].as_str().unwrap().parse::<u64>().unwrap(),
        job["spec"]["completions"].as_u64().unwrap()
    );
    let args = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
        .as_str()
        .unwrap();
    assert!(
        args.contains("--shard $((JOB_COMPLETION_INDEX + 1))/$SHARDS"),
        "{args}"
    );
}

#[test]
fn random_lhs_and_sobol_strategies_run_their_budget_the_same_way_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    for strategy in ["random", "lhs", "sobol"] {
        let mut csvs = vec![];
        for k in 0..2 {
            let out = dir.path().join(format!("{strategy}{k}"));
            let (code, _, stderr) = run(&[
                sc.to_str().unwrap(),
                "-P",
                "cpuTarget",
                "10",
                "90",
                "-L",
                "minReplicas",
                "1,2,3",
                "--strategy",
                strategy,
                "--budget",
                "4",
                "--jobs",
                if k == 0 { "1" } else { "2" },
                "--out",
                out.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{stderr}");
            csvs.push(std::fs::read(out.join("trials.csv")).unwrap());
        }
        assert_eq!(csvs[0], csvs[1], "{strategy}");
        let rows = csv_rows(&dir.path().join(format!("{strategy}0/trials.csv")));
        assert!(
            (2..=5).contains(&rows.len()),
            "{strategy}: {} rows",
            rows.len()
        );
        assert_eq!(rows[0]["baseline"], "true");
    }
    let (code, _, stderr) = run(&[
        sc.to_str().unwrap(),
        "-L",
        "minReplicas",
        "1,2",
        "--strategy",
        "random",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--budget"), "{stderr}");
    let (code, _, stderr) = run(&[
        sc.to_str().unwrap(),
        "-L",
        "minReplicas",
        "1,2",
        "--strategy",
        "sobol",
        "--budget",
        "70000",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("65536"), "{stderr}");
}

/// Each parameter's values over the grid's rows (the baseline's row left out), in order.
fn grid_values(out: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let rows = csv_rows(&out.join("trials.csv"));
    names
        .iter()
        .map(|n| {
            let mut v: Vec<String> = rows
                .iter()
                .filter(|r| r["baseline"] == "false" || rows.len() == 1)
                .map(|r| r[*n].clone())
                .collect();
            v.sort_by_key(|x| x.parse::<i64>().unwrap_or(i64::MAX));
            v.dedup();
            v
        })
        .collect()
}

#[test]
fn a_step_belongs_to_the_scan_it_follows() {
    let dir = tempfile::tempdir().unwrap();
    let sc = quiet(dir.path());
    let sc = sc.to_str().unwrap();
    // (arguments, minReplicas' values, maxReplicas' values)
    let cases: &[(&[&str], &[&str], &[&str])] = &[
        (
            &[
                "-P",
                "minReplicas",
                "1",
                "3",
                "-P",
                "maxReplicas",
                "6",
                "10",
                "-D",
                "2",
            ],
            &["1", "2", "3"],
            &["6", "8", "10"],
        ),
        (
            &[
                "-P",
                "minReplicas",
                "1",
                "3",
                "-D",
                "2",
                "-P",
                "maxReplicas",
                "9",
                "10",
            ],
            &["1", "3"],
            &["9", "10"],
        ),
        (
            &[
                "-P",
                "maxReplicas",
                "6",
                "10",
                "-D",
                "4",
                "-L",
                "minReplicas",
                "1,2",
            ],
            &["1", "2"],
            &["6", "10"],
        ),
    ];
    for (k, (args, mins, maxes)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("o{k}"));
        let mut all = vec![sc];
        all.extend_from_slice(args);
        all.extend(["--out", out.to_str().unwrap()]);
        let (code, stdout, stderr) = run(&all);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(
            grid_values(&out, &["minReplicas", "maxReplicas"]),
            [mins.to_vec(), maxes.to_vec()],
            "{args:?}: {stdout}"
        );
    }
    let out = dir.path().join("refused");
    let out = out.to_str().unwrap();
    assert_refused(
        &[sc, "-D", "2", "-P", "minReplicas", "1", "3", "--out", out],
        &["-D 2", "no -P before it"],
    );
    assert_refused(
        &[
            sc,
            "-P",
            "minReplicas",
            "1",
            "3",
            "-D",
            "1",
            "-D",
            "2",
            "--out",
            out,
        ],
        &["-D 2", "a second -D", "-P minReplicas 1 3"],
    );
}

#[test]
fn a_keda_triggers_threshold_is_swept_as_the_string_keda_takes() {
    // KEDA's metadata values are strings (`threshold: '1000'`): each value is written as
    // one, and a lower threshold per pod asks for more pods (a higher cost).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sc = root().join("scenarios/neurolake-keda-idle-nights.yaml");
    let path = "scaledObject.spec.triggers[0].metadata.threshold";
    let (code, stdout, stderr) = run(&[
        sc.to_str().unwrap(),
        "-L",
        path,
        "250,4000",
        "--jobs",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let rows = csv_rows(&out.join("trials.csv"));
    let cost = |threshold: &str| -> f64 {
        let row = (rows.iter())
            .find(|r| r[path] == threshold)
            .unwrap_or_else(|| panic!("no row for threshold {threshold}: {rows:?}"));
        assert_eq!(row["valid"], "true", "{row:?}");
        row["worst(cost.totalUsd)"].parse().unwrap()
    };
    // (threshold, dearer than at the scenario's 1000)
    let baseline = (rows.iter())
        .find(|r| r["baseline"] == "true")
        .map(|r| r["worst(cost.totalUsd)"].parse::<f64>().unwrap())
        .expect("the baseline's row");
    for (threshold, dearer) in [("250", true), ("4000", false)] {
        assert_eq!(
            cost(threshold) > baseline,
            dearer,
            "threshold {threshold}: {} against {baseline}",
            cost(threshold)
        );
    }
    let best = std::fs::read_to_string(out.join("best-scenario.yaml")).unwrap_or_default();
    assert!(
        !best.contains("threshold: 250") && !best.contains("threshold: 4000"),
        "written as strings: {best}"
    );
}
