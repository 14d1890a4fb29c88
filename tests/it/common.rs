//! Set-up shared by the test modules.

use std::path::PathBuf;

use assert_cmd::Command;

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
