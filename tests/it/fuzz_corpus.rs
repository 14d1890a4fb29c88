//! The fuzz targets' entry points (fuzz/fuzz_targets) over every file of their corpus
//! (fuzz/corpus/<target>/), on stable: a crash once found and added to the corpus stays
//! fixed. Each file either parses or is refused as bad input (exit 2) naming its file.

use std::path::{Path, PathBuf};

use hpasim::load::TraceFormat;

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no corpus", dir.display());
    files
}

/// Runs `entry` on each corpus file's text (non-UTF-8 files are skipped, as the targets
/// skip them); returns how many parsed.
fn drive(target: &str, entry: impl Fn(&str, &Path) -> Result<(), hpasim::Error>) -> usize {
    let mut parsed = 0;
    for path in corpus(target) {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        match entry(text, &path) {
            Ok(()) => parsed += 1,
            Err(e) => assert_eq!(e.exit_code(), 2, "{}: {e}", path.display()),
        }
    }
    parsed
}

#[test]
fn the_snapshot_corpus_parses_or_is_refused() {
    let parsed = drive("snapshot", |text, path| {
        let snapshot = hpasim::scenario::parse_snapshot(text, path)?;
        let _ = hpasim::core::decide(&snapshot);
        Ok(())
    });
    assert!(parsed > 0, "no snapshot of the corpus parsed");
}

#[test]
fn the_scenario_corpus_parses_or_is_refused() {
    // As the fuzz target reads them: from a folder that does not exist.
    let parsed = drive("scenario", |text, path| {
        let name = path.file_name().unwrap();
        hpasim::scenario::parse_scenario(text, &Path::new("/nonexistent").join(name)).map(|_| ())
    });
    assert!(parsed > 0, "no scenario of the corpus parsed");
}

#[test]
fn the_trace_corpora_parse_or_are_refused() {
    for (target, format) in [
        ("trace_csv", TraceFormat::Csv),
        ("trace_prometheus", TraceFormat::Prometheus),
    ] {
        let parsed = drive(target, |text, path| {
            hpasim::load::parse_trace(text, format, path).map(|_| ())
        });
        assert!(parsed > 0, "{target}: nothing parsed");
    }
}
