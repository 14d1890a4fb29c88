//! Scenario text through the reader and every load-time check (no run: runs are bounded by
//! the limits these checks hold, and the property tests drive them).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ =
            hpasim::scenario::parse_scenario(text, std::path::Path::new("/nonexistent/fuzz.yaml"));
    }
});
