//! Set-up shared by the test modules.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use hpasim::scenario::testing::TestScenario;

/// The built `hpasim` binary, run without the CI variables that change `check`'s writes.
pub fn hpasim() -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("hpasim"));
    c.env_remove("CI").env_remove("GITHUB_STEP_SUMMARY");
    c
}

/// The project's root (bundled scenarios, traces, goldens are read from here).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small scenario written as `dir/FILE` (named `name`): 20 minutes on seed 1, one
/// Deployment of 2 pods of 250m cpu and 256Mi (limit 500m, 5m a request, 30m at rest)
/// under an HPA on cpu at 70 % (2 to 10); `startup` lines under `workload.startup:`,
/// `load` lines under `load:`, and `extra` (top-level keys).
pub fn cpu_scenario(
    dir: &Path,
    file: &str,
    name: &str,
    startup: &str,
    load: &str,
    extra: &str,
) -> PathBuf {
    TestScenario::new(name)
        .duration("20m")
        .top("seed: 1")
        .top(extra)
        .replicas(2, 10)
        .pod(CPU_POD)
        .startup(startup)
        .load(load)
        .write(dir, file)
}

/// `workload.pod` of [`cpu_scenario`].
const CPU_POD: &str = "    requests: {cpu: 250m, memory: 256Mi}
    limits: {cpu: 500m}
    cpuPerRequest: 5m
    baseline: {cpu: 30m}";

/// Runs `file` with `--snapshots` and replays every snapshot it wrote through the core:
/// each decides as the run did. What `simulate` printed, and how many snapshots.
pub fn replay_snapshots(file: &Path) -> (String, usize) {
    let out = tempfile::tempdir().unwrap();
    let snaps = out.path().join("snapshots");
    let printed = hpasim()
        .arg("simulate")
        .arg(file)
        .arg("--out")
        .arg(out.path().join("run"))
        .arg("--snapshots")
        .arg(&snaps)
        .assert()
        .success();
    let printed = String::from_utf8_lossy(&printed.get_output().stdout).into_owned();
    let mut n = 0;
    for e in std::fs::read_dir(&snaps).unwrap() {
        let f = e.unwrap().path();
        let text = std::fs::read_to_string(&f).unwrap();
        let recorded: serde_json::Value = serde_json::from_str(&text).unwrap();
        let snap = hpasim::scenario::parse_snapshot(&text, &f).unwrap();
        let decision = serde_json::to_value(hpasim::core::decide(&snap).unwrap()).unwrap();
        assert_eq!(decision, recorded["decision"], "{}", f.display());
        n += 1;
    }
    (printed, n)
}
