//! The command line: arguments in, exit code out. The only place that knows about argv,
//! stdout and exit codes; every command is a library function called from here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValue;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::commands::CheckFormat;
use crate::error::Error;
use crate::report::{ChartFormat, EventsKept, Format, Theme};

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
    /// Check scenarios (with their `expect:` and `golden:`, as `check` reads them),
    /// snapshots, HPA manifests and their patches, ScaledObject and Deployment manifests
    /// (every object of a file) and sweep spaces (files, or folders of them) without
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
        /// run 0's, which uses the seed itself. At most 100,000.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_RUNS)))]
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
        /// Which events events.jsonl holds: none (no file), the controller's decisions,
        /// or all (decisions, pod transitions, actions, nodes). Written as the run goes.
        #[arg(long, value_enum, default_value = "all")]
        events: EventsKept,
    },
    /// Check scenarios' expectations (`expect:`) and golden timelines (`golden:`) on
    /// simulated runs: exit 0 all pass, 1 a check failed, 2 bad input.
    Check {
        /// Scenario files, or folders (every scenario in them with `expect:` or `golden:`).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Judge every expectation on N runs with derived seeds (overrides `seeds:`); at
        /// most 100,000.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_RUNS)))]
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
    /// Run a space of HPA (or any scenario) settings on one scenario, in parallel, on the
    /// same seeds; write every configuration's figures, the Pareto front and the pick
    /// (best-hpa.yaml, best-scenario.yaml). Rerunning resumes. README: `hpasim sweep`.
    Sweep(Box<SweepCli>),
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

/// `hpasim sweep`'s arguments (or its `merge` and `best` subcommands).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepCli {
    /// `merge` or `best` (else a sweep is run).
    #[command(subcommand)]
    pub action: Option<SweepAction>,
    /// The scenario file (YAML).
    #[arg(required = true)]
    pub scenario: Option<PathBuf>,
    /// A space file (YAML): parameters with `values`, `range`+`step` or `log`+`count`,
    /// `zip`, `baseline`, `where`, `minimize`, `constraints`.
    #[arg(long)]
    pub space: Option<PathBuf>,
    /// A parameter scanned from MIN to MAX by STEP (-D, default 1): a path
    /// into the scenario or an alias (cpuTarget, minReplicas, maxReplicas, upWindow,
    /// downWindow, upPolicyValue, downPolicyValue, ..., tolerance). Repeatable.
    #[arg(short = 'P', long = "parameter-scan", num_args = 3, value_names = ["PATH", "MIN", "MAX"], action = clap::ArgAction::Append, allow_hyphen_values = true)]
    pub scan: Vec<String>,
    /// The step of the -P it follows (default 1); at most one per -P.
    #[arg(short = 'D', long = "parameter-step-size", value_name = "STEP", action = clap::ArgAction::Append)]
    pub step: Vec<String>,
    /// For each -D, the -P it follows (by index), from where each stands on the command
    /// line (set by `attach_steps`); empty when the arguments did not come from argv.
    #[arg(skip)]
    pub step_of: Vec<usize>,
    /// A parameter taking each of a comma-separated list of values. Repeatable.
    #[arg(short = 'L', long = "parameter-list", num_args = 2, value_names = ["PATH", "VALUES"], action = clap::ArgAction::Append)]
    pub list: Vec<String>,
    /// How configurations are chosen: every point of the grid, or --budget N of them drawn
    /// at random, as a Latin hypercube (lhs) or as a scrambled Sobol sequence (sobol),
    /// seeded by --sample-seed.
    #[arg(long, value_enum, default_value = "grid")]
    pub strategy: StrategyArg,
    /// Configurations random, lhs and sobol draw (the baseline is run besides).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub budget: Option<u32>,
    /// The seed of random, lhs and sobol draws (default: the scenario's seed).
    #[arg(long)]
    pub sample_seed: Option<u64>,
    /// Seeds every configuration runs on (derived as `simulate --runs` derives them).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub seeds: u32,
    /// An objective to minimise: FIGURE or STAT(FIGURE), STAT one of mean, p95, worst
    /// (default worst); FIGURE a summary.json name (cost.totalUsd). Default: cost.totalUsd
    /// and slo.violationSeconds.
    #[arg(long, value_name = "FIGURE")]
    pub minimize: Vec<String>,
    /// A constraint, 'FIGURE OP VALUE' with OP one of <=, <, >=, >, ==, e.g.
    /// 'p95(slo.violationSeconds) <= 60'.
    #[arg(long, value_name = "'FIGURE OP VALUE'")]
    pub constraint: Vec<String>,
    /// A rule between parameters checked before running, e.g. 'minReplicas <= maxReplicas'.
    #[arg(long = "where", value_name = "'A OP B'")]
    pub rules: Vec<String>,
    /// Run only slice I of N (by configuration id), and the baseline.
    #[arg(long, value_name = "I/N", value_parser = crate::sweep::parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
    /// Output folder (default `out/<scenario name>-sweep`); rerunning resumes from it.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `hpasim sweep merge|best`.
#[derive(Debug, Subcommand)]
pub enum SweepAction {
    /// Join sweep folders of one space (shards) into one, duplicates dropped by id.
    Merge {
        /// The folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The merged folder.
        #[arg(long, required = true)]
        out: PathBuf,
    },
    /// Print a finished sweep's pick as YAML.
    Best {
        /// The sweep's folder.
        dir: PathBuf,
        /// knee (closest to the ideal point, objectives scaled over the front) or
        /// weights:FIGURE=W,... (least weighted sum).
        #[arg(long, default_value = "knee")]
        pick: String,
        /// What to print: the HPA, or the scenario (its traces found from the current folder).
        #[arg(long, value_enum, default_value = "hpa")]
        emit: EmitArg,
    },
}

/// `--strategy`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum StrategyArg {
    /// Every point of the product.
    Grid,
    /// --budget points drawn uniformly from the grid.
    Random,
    /// A Latin hypercube of --budget points on the grid's values.
    Lhs,
    /// The first --budget points of a Sobol sequence scrambled by the seed, on the grid's
    /// values (at most 65 536).
    Sobol,
}

/// What `sweep best` prints.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EmitArg {
    /// The HPA (autoscaling/v2).
    Hpa,
    /// The whole scenario.
    Scenario,
}

impl SweepCli {
    /// Records which -P each -D follows, from their positions on the command line
    /// (`matches` are the sweep's own).
    fn attach_steps(&mut self, matches: &clap::ArgMatches) {
        let scans: Vec<usize> = matches
            .indices_of("scan")
            .map(|i| i.step_by(3).collect())
            .unwrap_or_default();
        self.step_of = matches
            .indices_of("step")
            .map(|steps| {
                steps
                    .map(|d| scans.iter().rposition(|&p| p < d).unwrap_or(usize::MAX))
                    .collect()
            })
            .unwrap_or_default();
    }

    fn space(&self) -> Result<crate::sweep::space::SpaceSpec, Error> {
        use crate::sweep::space::{Origin, ParamSpec, range, scalar};
        let mut spec = crate::sweep::space::SpaceSpec::default();
        // clap hands every -P's values in one list, three each.
        let scans: Vec<&[String]> = self.scan.chunks(3).collect();
        let mut steps: Vec<Option<&str>> = vec![None; scans.len()];
        for (k, step) in self.step.iter().enumerate() {
            // Without positions (a parsed struct built by hand), the k-th -D is the k-th -P's.
            let Some(&p) = self
                .step_of
                .get(k)
                .or(Some(&k))
                .filter(|&&p| p < scans.len())
            else {
                return Err(Error::Usage(format!(
                    "-D {step}: no -P before it; write -P PATH MIN MAX -D STEP"
                )));
            };
            if steps[p].replace(step).is_some() {
                return Err(Error::Usage(format!(
                    "-D {step}: a second -D after -P {}; give one -D per -P",
                    scans[p].join(" ")
                )));
            }
        }
        for (k, s) in scans.iter().enumerate() {
            let step = steps[k];
            let arg = format!("-P {}", s.join(" "));
            if s.len() < 3 {
                return Err(Error::Usage(format!("{arg}: expected -P PATH MIN MAX")));
            }
            let values =
                range(&s[1], &s[2], step).map_err(|e| Error::Usage(format!("{arg}: {e}")))?;
            spec.params.push(ParamSpec {
                name: s[0].clone(),
                values,
                origin: Origin::Arg(arg),
            });
        }
        for pair in self.list.chunks(2) {
            let arg = format!("-L {}", pair.join(" "));
            let values = pair[1].split(',').map(scalar).collect();
            spec.params.push(ParamSpec {
                name: pair[0].clone(),
                values,
                origin: Origin::Arg(arg),
            });
        }
        spec.strategy = match self.strategy {
            StrategyArg::Grid => crate::sweep::space::Strategy::Grid,
            StrategyArg::Random => crate::sweep::space::Strategy::Random,
            StrategyArg::Lhs => crate::sweep::space::Strategy::Lhs,
            StrategyArg::Sobol => crate::sweep::space::Strategy::Sobol,
        };
        spec.budget = self.budget.map(|b| b as usize);
        spec.sample_seed = self.sample_seed;
        spec.rules = self
            .rules
            .iter()
            .map(|r| (r.clone(), Origin::Arg(format!("--where {r:?}"))))
            .collect();
        Ok(spec)
    }
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

impl ValueEnum for EventsKept {
    fn value_variants<'a>() -> &'a [Self] {
        &[EventsKept::None, EventsKept::Decisions, EventsKept::All]
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            EventsKept::None => PossibleValue::new("none").help("No events.jsonl"),
            EventsKept::Decisions => {
                PossibleValue::new("decisions").help("The controller's decisions only")
            }
            EventsKept::All => PossibleValue::new("all").help("Every event"),
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
            events,
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
                events,
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
        Command::Sweep(sweep) => run_sweep(*sweep, out),
    }
}

fn run_sweep(cli: SweepCli, out: &mut dyn Write) -> Result<ExitCode, Error> {
    use crate::sweep::space::Origin;
    let text = match &cli.action {
        Some(SweepAction::Merge { dirs, out: to }) => crate::commands::sweep_merge(dirs, to)?,
        Some(SweepAction::Best { dir, pick, emit }) => {
            let emit = match emit {
                EmitArg::Hpa => crate::sweep::Emit::Hpa,
                EmitArg::Scenario => crate::sweep::Emit::Scenario,
            };
            crate::commands::sweep_best(dir, pick, emit)?
        }
        None => {
            let scenario = cli
                .scenario
                .clone()
                .ok_or_else(|| Error::Usage("sweep: give a scenario file".into()))?;
            let request = crate::sweep::Request {
                scenario,
                space: cli.space()?,
                seeds: cli.seeds,
                minimize: cli
                    .minimize
                    .iter()
                    .map(|m| (m.clone(), Origin::Arg(format!("--minimize {m:?}"))))
                    .collect(),
                constraints: cli
                    .constraint
                    .iter()
                    .map(|c| (c.clone(), Origin::Arg(format!("--constraint {c:?}"))))
                    .collect(),
                jobs: cli.jobs.map(|j| j as usize),
                out: cli.out.clone(),
                shard: cli.shard,
            };
            let swept = crate::commands::sweep(&crate::commands::SweepArgs {
                request,
                space_file: cli.space.clone(),
                progress: true,
            })?;
            // Nothing feasible is a failed check (exit 1), the ranking written all the same.
            if swept.feasible == 0 {
                write_stdout(out, &swept.text)?;
                return Err(Error::CheckFailed(format!(
                    "no configuration keeps every constraint; {} ranks them by total violation",
                    swept.out.join("pareto.csv").display()
                )));
            }
            swept.text
        }
    };
    write_stdout(out, &text)?;
    Ok(ExitCode::SUCCESS)
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

/// The command line parsed, each `sweep -D` attached to the -P it follows.
fn parse_args() -> Cli {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let (Command::Sweep(sweep), Some(("sweep", m))) = (&mut cli.command, matches.subcommand()) {
        sweep.attach_steps(m);
    }
    cli
}

/// The binary's whole life: parse, run, render an error once, pick the exit code.
pub fn main() -> ExitCode {
    let cli = parse_args();
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
