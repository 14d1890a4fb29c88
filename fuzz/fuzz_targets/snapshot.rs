//! Snapshot text (YAML or JSON) through the reader and validator, then the core's decision.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(snapshot) =
            hpasim::scenario::parse_snapshot(text, std::path::Path::new("fuzz.yaml"))
    {
        let _ = hpasim::core::decide(&snapshot);
    }
});
