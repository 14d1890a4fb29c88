//! A prometheus trace's text through `hpasim::load::parse_trace`, which reads it and then evaluates it
//! as a run would, for each `onEnd`, before, within and past its end (not only parsed).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let format = hpasim::load::TraceFormat::Prometheus;
        let _ = hpasim::load::parse_trace(text, format, std::path::Path::new("fuzz"));
    }
});
