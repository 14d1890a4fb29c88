//! `hpasim sweep`, `sweep merge`, `sweep best`: the sweep layer wired to a progress bar.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::sweep::{self, Emit, Request};

/// What `hpasim sweep` is asked to do.
#[derive(Clone, Debug)]
pub struct SweepArgs {
    /// The sweep itself.
    pub request: Request,
    /// The space file, if any (its parameters come after the command line's).
    pub space_file: Option<PathBuf>,
    /// Draw a progress bar on stderr (hidden anyway when stderr is not a terminal).
    pub progress: bool,
}

/// `hpasim sweep`: runs (or resumes) the sweep and returns what it did (its summary, and
/// how many configurations are feasible).
pub fn sweep(args: &SweepArgs) -> Result<sweep::Swept, Error> {
    let mut request = args.request.clone();
    if let Some(file) = &args.space_file {
        let from_file = sweep::space::read_space_file(file)?;
        let s = &mut request.space;
        s.params.extend(from_file.params);
        s.zip.extend(from_file.zip);
        s.rules.extend(from_file.rules);
        s.minimize.extend(from_file.minimize);
        s.constraints.extend(from_file.constraints);
        for (k, v) in from_file.baseline {
            s.baseline.entry(k).or_insert(v);
        }
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        if args.progress {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} configurations  {per_sec}  ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let result = sweep::sweep(&request, &progress);
    bar.finish_and_clear();
    result
}

/// `hpasim sweep merge DIR... --out DIR`.
pub fn sweep_merge(dirs: &[PathBuf], out: &Path) -> Result<String, Error> {
    sweep::merge(dirs, out)
}

/// `hpasim sweep best DIR [--pick ...] [--emit hpa|scenario]`: the pick as YAML.
pub fn sweep_best(dir: &Path, pick: &str, emit: Emit) -> Result<String, Error> {
    let pick = sweep::parse_pick(pick).map_err(|e| Error::Usage(format!("--pick {e}")))?;
    sweep::best(dir, &pick, emit)
}
