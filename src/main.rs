//! The `hpasim` binary: all of it lives in the library (`hpasim::cli`).

/// mimalloc rather than the system allocator: runs allocate many small, short-lived values
/// (`benches/simulate.rs` measured the difference; the README gives the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hpasim::cli::main()
}
