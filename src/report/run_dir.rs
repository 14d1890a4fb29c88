//! An output folder holds exactly one run's files: a folder is claimed before the run
//! (refused if it holds files hpasim would not have written), and what an earlier run
//! wrote there and this one did not is removed after it.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Every file name a run or a comparison writes into its folder.
const RUN_FILES: [&str; 11] = [
    "timeline.csv",
    "events.jsonl",
    "summary.json",
    "timeline.png",
    "timeline.svg",
    "runs.png",
    "runs.svg",
    "report.html",
    "compare.png",
    "compare.svg",
    "compare.html",
];

/// A recorded snapshot's name: the sync's second, 9 digits, `.json`.
fn is_snapshot_name(name: &str) -> bool {
    name.len() == 14 && name.ends_with(".json") && name[..9].bytes().all(|b| b.is_ascii_digit())
}

/// Files (not folders: variants and snapshots may live inside) in `dir` for which
/// `ours` is false; none when `dir` does not exist yet.
fn foreign_files(dir: &Path, ours: impl Fn(&str) -> bool) -> Result<Vec<String>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut foreign = vec![];
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Temporary files of an interrupted write start with a dot; the writer owns them.
        if entry.path().is_file() && !name.starts_with('.') && !ours(&name) {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(foreign)
}

fn refuse(dir: &Path, what: &str, foreign: &[String]) -> Error {
    let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
    Error::Usage(format!(
        "{} holds files that are not {what} ({}{}); name an empty or new folder, or one an \
         earlier hpasim run wrote",
        dir.display(),
        shown.join(", "),
        if foreign.len() > 5 { ", ..." } else { "" }
    ))
}

/// Checks that `dir` is new, empty, or an earlier run's folder, before anything runs.
pub fn claim_run_dir(dir: &Path) -> Result<(), Error> {
    let foreign = foreign_files(dir, |name| RUN_FILES.contains(&name))?;
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(refuse(dir, "hpasim's run files", &foreign))
    }
}

/// Checks that a `--snapshots` folder holds nothing but recorded snapshots, before
/// anything runs.
pub fn claim_snapshot_dir(dir: &Path) -> Result<(), Error> {
    let foreign = foreign_files(dir, is_snapshot_name)?;
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(refuse(dir, "recorded snapshots", &foreign))
    }
}

/// Removes the run files in `dir` that this run did not write (`written`): a chart of
/// an earlier run with other `--charts`, `runs.png` of an earlier `--runs`.
pub fn remove_stale_run_files(dir: &Path, written: &[PathBuf]) -> Result<(), Error> {
    let names: Vec<&std::ffi::OsStr> = written.iter().filter_map(|p| p.file_name()).collect();
    for name in RUN_FILES {
        let path = dir.join(name);
        if !names.contains(&std::ffi::OsStr::new(name)) && path.is_file() {
            std::fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
        }
    }
    Ok(())
}

/// Removes the recorded snapshots in `dir` that are not among `kept` (an earlier run's
/// syncs at other seconds).
pub fn remove_stale_snapshots(dir: &Path, kept: &[PathBuf]) -> Result<(), Error> {
    let keep: std::collections::BTreeSet<&std::ffi::OsStr> =
        kept.iter().filter_map(|p| p.file_name()).collect();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        if is_snapshot_name(&name.to_string_lossy()) && !keep.contains(name.as_os_str()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_nine_digit_json_names_are_snapshots() {
        for (name, is) in [
            ("000000615.json", true),
            ("00000615.json", false),
            ("00000061a.json", false),
            ("000000615.yaml", false),
            ("timeline.csv", false),
        ] {
            assert_eq!(is_snapshot_name(name), is, "{name}");
        }
    }

    #[test]
    fn a_folder_with_a_stranger_is_refused_and_stale_files_go() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        claim_run_dir(&d.join("new")).unwrap();
        std::fs::write(d.join("timeline.png"), "old").unwrap();
        std::fs::write(d.join("summary.json"), "old").unwrap();
        std::fs::write(d.join(".summary.json.tmp"), "partial").unwrap();
        claim_run_dir(d).unwrap();
        remove_stale_run_files(d, &[d.join("summary.json")]).unwrap();
        assert!(!d.join("timeline.png").exists() && d.join("summary.json").exists());
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        let err = claim_run_dir(d).unwrap_err().to_string();
        assert!(err.contains("notes.txt"), "{err}");
        assert!(claim_snapshot_dir(d).is_err());
    }
}
