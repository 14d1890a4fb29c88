//! The `hpasim` binary: all of it lives in the library (`hpasim::cli`).

fn main() -> std::process::ExitCode {
    hpasim::cli::main()
}
