//! hpasim's integration tests, one binary: each module was once its own test file.
//!
//! One binary links the library once instead of twenty times, which is most of what the
//! README's test command costs after the first build. `cargo test --release --test it
//! check::` runs one module; the conformance suite stays apart (`--test conformance`, one
//! test per Kubernetes case).

mod common;

mod charts;
mod check;
mod cli;
mod deployment;
mod fuzz_corpus;
mod hardening;
mod keda;
mod keda_sim;
mod load;
mod manifests;
mod measure;
mod patches;
mod properties;
mod realism;
mod schema;
mod simulate;
mod snapshot_schema;
mod statefulset;
mod sweep;
mod worker;
