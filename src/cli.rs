//! The command line: arguments in, exit code out. The only place that knows about argv,
//! stdout and exit codes; every command is a library function called from here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValue;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands::CheckFormat;
use crate::error::Error;
use crate::report::{ChartFormat, Format, Theme};

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
    /// One controller decision on a snapshot (format: docs/hpa-snapshot.md), explained.
    Decide {
        /// A snapshot file, YAML or JSON.
        snapshot: PathBuf,
        /// How to print the decision.
        #[arg(long, short, value_enum, default_value = "json")]
        output: Format,
    },
    /// Print the JSON Schema of the scenario format (docs/scenario.schema.json) or of the
    /// snapshot format (docs/snapshot.schema.json).
    Schema {
        /// Which format.
        #[arg(value_enum, default_value = "scenario")]
        of: SchemaOf,
    },
    /// Check scenarios, snapshots and HPA manifests (files, or folders of them) without
    /// running anything: exit 0 when all are valid, 2 naming every file, line and field
    /// that is not.
    Validate {
        /// Files or folders (a folder: its .yaml, .yml and .json files).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Replay a scenario's load through its Deployment and HPA; write the run's record,
    /// its judgement, charts and report.html.
    Simulate {
        /// A scenario file (YAML); several with --compare.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
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
        /// Run every scenario given and draw them on one time axis (compare.png,
        /// compare.html), each variant's own files in a folder of its name.
        #[arg(long)]
        compare: bool,
        /// Chart files to write (report.html always holds the charts, as SVG).
        #[arg(long, value_enum, default_value = "png")]
        charts: ChartFormat,
        /// Chart size in pixels, WIDTHxHEIGHT.
        #[arg(long, default_value = "1200x800", value_parser = parse_size)]
        chart_size: (u32, u32),
        /// Chart colours.
        #[arg(long, value_enum, default_value = "light")]
        theme: Theme,
    },
    /// Check scenarios' expectations (`expect:`) and golden timelines (`golden:`) on
    /// simulated runs: exit 0 all pass, 1 a check failed, 2 bad input.
    Check {
        /// Scenario files, or folders (every scenario in them with `expect:` or `golden:`).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Judge every expectation on N runs with derived seeds (overrides `seeds:`).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        runs: Option<u32>,
        /// Also write the results as JUnit XML to this file.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// How to print the results.
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// Only the checks whose `scenario: check` text matches this regular expression.
        #[arg(long)]
        filter: Option<String>,
        /// Write each golden timeline's `NAME.csv.new` from this run (never with $CI set).
        #[arg(long, conflicts_with = "accept")]
        update: bool,
        /// Promote each `NAME.csv.new` to `NAME.csv`, then check (never with $CI set).
        #[arg(long)]
        accept: bool,
    },
    /// Print a shell completion script for hpasim.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print hpasim's man page (roff).
    Man,
}

impl ValueEnum for CheckFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            CheckFormat::Text,
            CheckFormat::Github,
            CheckFormat::Markdown,
        ]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            CheckFormat::Text => PossibleValue::new("text").help("One line per check"),
            CheckFormat::Github => PossibleValue::new("github")
                .help("GitHub Actions annotations, the table to $GITHUB_STEP_SUMMARY"),
            CheckFormat::Markdown => {
                PossibleValue::new("markdown").help("A Markdown table for a pull request")
            }
        })
    }
}

/// The formats `hpasim schema` describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaOf {
    /// A scenario file (`hpasim simulate`).
    Scenario,
    /// A snapshot file (`hpasim decide`).
    Snapshot,
}

// The report layer's choices, as the command line names them (the report layer knows no
// CLI library).
impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Json, Format::Yaml, Format::Text]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Format::Json => PossibleValue::new("json").help("Pretty-printed JSON"),
            Format::Yaml => PossibleValue::new("yaml").help("YAML"),
            Format::Text => PossibleValue::new("text").help("A short explanation a person reads"),
        })
    }
}

impl ValueEnum for ChartFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            ChartFormat::Png,
            ChartFormat::Svg,
            ChartFormat::Both,
            ChartFormat::None,
        ]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            ChartFormat::Png => PossibleValue::new("png").help("PNG files"),
            ChartFormat::Svg => PossibleValue::new("svg").help("SVG files"),
            ChartFormat::Both => PossibleValue::new("both").help("PNG and SVG"),
            ChartFormat::None => PossibleValue::new("none").help("No chart file"),
        })
    }
}

impl ValueEnum for Theme {
    fn value_variants<'a>() -> &'a [Self] {
        &[Theme::Light, Theme::Dark]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            Theme::Light => PossibleValue::new("light").help("Dark lines on white"),
            Theme::Dark => PossibleValue::new("dark").help("Light lines on near-black"),
        })
    }
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{text:?}: expected WIDTHxHEIGHT in pixels, e.g. 1200x800");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (
        w.trim().parse().map_err(|_| bad())?,
        h.trim().parse().map_err(|_| bad())?,
    );
    let (lo_w, lo_h, hi) = (
        crate::report::MIN_WIDTH,
        crate::report::MIN_HEIGHT,
        crate::report::MAX_SIDE,
    );
    if w < lo_w || h < lo_h || w > hi || h > hi {
        return Err(format!(
            "{text:?}: charts are {lo_w}x{lo_h} to {hi}x{hi} pixels"
        ));
    }
    Ok((w, h))
}

fn parse_step(text: &str) -> Result<crate::core::Span, String> {
    let span = crate::units::parse_duration(text)?;
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
        Command::Schema { of } => {
            let text = match of {
                SchemaOf::Scenario => crate::commands::schema()?,
                SchemaOf::Snapshot => crate::commands::snapshot_schema()?,
            };
            write_stdout(out, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { files } => {
            let found = crate::commands::validate(&files)?;
            write_stdout(out, &found.text)?;
            if found.refused.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                Err(Error::Several(found.refused))
            }
        }
        Command::Simulate {
            scenarios,
            out: out_dir,
            step,
            seed,
            snapshots,
            runs,
            compare,
            charts,
            chart_size: (width, height),
            theme,
        } => {
            let args = crate::commands::SimulateArgs {
                scenario: scenarios[0].clone(),
                out: out_dir,
                step,
                seed,
                snapshots,
                runs,
                charts: crate::report::ChartOptions {
                    width,
                    height,
                    format: charts,
                    theme,
                },
            };
            let text = match (scenarios.len(), compare) {
                (1, false) => crate::commands::simulate(&args)?.text,
                (_, true) => crate::commands::compare(&args, &scenarios)?,
                (_, false) => {
                    return Err(Error::Usage(
                        "several scenarios are run together only with --compare".into(),
                    ));
                }
            };
            write_stdout(out, &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            scenarios,
            runs,
            junit,
            format,
            filter,
            update,
            accept,
        } => {
            let golden = match (update, accept) {
                (true, _) => crate::check::GoldenMode::Update,
                (_, true) => crate::check::GoldenMode::Accept,
                _ => crate::check::GoldenMode::Compare,
            };
            let args = crate::commands::CheckArgs {
                paths: scenarios,
                runs,
                filter,
                format,
                junit,
                golden,
                in_ci: std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
                step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from),
            };
            let checked = crate::commands::check(&args)?;
            write_stdout(out, &checked.text)?;
            Ok(if checked.failed {
                ExitCode::from(Error::CheckFailed(String::new()).exit_code())
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Completions { shell } => {
            let mut bytes = vec![];
            clap_complete::generate(shell, &mut Cli::command(), "hpasim", &mut bytes);
            write_stdout(out, &String::from_utf8_lossy(&bytes))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut bytes = vec![];
            clap_mangen::Man::new(Cli::command())
                .render(&mut bytes)
                .map_err(|e| Error::Output(format!("man page: {e}")))?;
            write_stdout(out, &String::from_utf8_lossy(&bytes))?;
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
    use clap::CommandFactory as _;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
