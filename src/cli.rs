//! The command line: arguments in, exit code out. The only place that knows about argv,
//! stdout and exit codes; every command is a library function called from here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;
use crate::report::Format;

/// hpasim: replay load through an exact model of the Kubernetes HorizontalPodAutoscaler.
#[derive(Debug, Parser)]
#[command(name = "hpasim", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// One controller decision on a snapshot (shared/specs/hpa-snapshot.md), explained.
    Decide {
        /// A snapshot file, YAML or JSON.
        snapshot: PathBuf,
        /// How to print the decision.
        #[arg(long, short, value_enum, default_value = "json")]
        output: Format,
    },
    /// Replay a scenario's load through its Deployment and HPA; write the run's record.
    Simulate {
        /// A scenario file (YAML).
        scenario: PathBuf,
        /// Output folder (default: `out/<scenario name>`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Timeline resolution, e.g. 1s, 60s.
        #[arg(long, default_value = "1s", value_parser = parse_step)]
        step: crate::core::Span,
        /// Seed for every random draw (overrides the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Write the snapshot handed to the core at each sync into this folder.
        #[arg(long)]
        snapshots: Option<PathBuf>,
        /// Repeat the run with N seeds derived from the seed, in parallel, and report each
        /// figure's mean, p50, p95 and worst (with the seed that gave it). The files are
        /// run 0's, which uses the seed itself.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        runs: u32,
    },
}

fn parse_step(text: &str) -> Result<crate::core::Span, String> {
    let span = crate::scenario::units::parse_duration(text)?;
    if span.as_millis() < 1000 || span.as_millis() % 1000 != 0 {
        return Err(format!(
            "{text:?}: the step is a whole number of seconds, at least 1s"
        ));
    }
    Ok(span)
}

/// Runs a parsed command, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Decide { snapshot, output } => {
            let text = crate::commands::decide(&snapshot, output)?;
            write_stdout(out, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            scenario,
            out: out_dir,
            step,
            seed,
            snapshots,
            runs,
        } => {
            let args = crate::commands::SimulateArgs {
                scenario,
                out: out_dir,
                step,
                seed,
                snapshots,
                runs,
            };
            let done = crate::commands::simulate(&args)?;
            write_stdout(out, &done.text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn write_stdout(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`hpasim ... | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io {
            path: PathBuf::from("<stdout>"),
            source: e,
        }),
        Ok(()) => Ok(()),
    }
}

/// The binary's whole life: parse, run, render an error once, pick the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match run(cli, &mut lock) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
