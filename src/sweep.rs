//! `hpasim sweep`: a space of settings run on one scenario, in parallel, judged on the
//! same seeds, journalled, and the non-dominated ones handed back with a pick.
//! Owns the space, the journal and the choice; simulates and judges only through
//! [`trial::evaluate`]. Must not print or parse argv (`commands` and `cli` do).
//! Imports only the layers below it: `core` to `report`.

pub mod chart;
pub mod figures;
pub mod front;
pub mod output;
pub mod path;
pub mod space;
pub mod trial;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use figures::{Constraint, Figure};
use output::Pick;
use space::{Origin, Param, SpaceSpec};
use trial::{Trial, trial_id};

pub use output::parse_pick;

/// A sweep as asked for.
#[derive(Clone, Debug)]
pub struct Request {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The parameters, groups, baseline and rules (from `-P`/`-L` and the space file).
    pub space: SpaceSpec,
    /// Seeds per configuration, derived as `--runs` derives them.
    pub seeds: u32,
    /// Objectives (minimised): `FIGURE` or `STAT(FIGURE)`, with where each was given.
    pub minimize: Vec<(String, Origin)>,
    /// Constraints `FIGURE OP VALUE`, with where each was given.
    pub constraints: Vec<(String, Origin)>,
    /// Worker threads (default: rayon's).
    pub jobs: Option<usize>,
    /// Output folder (default `out/<name>-sweep`).
    pub out: Option<PathBuf>,
    /// `(i, n)`: run only the configurations whose id falls in slice i of n (and the
    /// baseline).
    pub shard: Option<(u64, u64)>,
}

/// What every output of a sweep depends on besides its trials: the first line of
/// trials.jsonl, so `merge` and `best` need nothing else.
#[derive(Clone, Debug)]
pub struct Header {
    /// The scenario's name.
    pub name: String,
    /// The scenario's folder (absolute): where its relative files are.
    pub scenario_dir: PathBuf,
    /// The scenario file as given.
    pub scenario_path: PathBuf,
    /// FNV-1a of the scenario as a value (compact JSON), its `hpaFile` read inline.
    pub scenario_hash: u64,
    /// FNV-1a of every configuration's id in order, the objectives and constraints.
    pub space_hash: u64,
    /// The scenario as a value.
    pub base: Value,
    /// The parameters.
    pub params: Vec<Param>,
    /// The seeds every configuration runs on.
    pub seeds: Vec<u64>,
    /// The objectives.
    pub objectives: Vec<Figure>,
    /// The constraints.
    pub constraints: Vec<Constraint>,
    /// Configurations in the space (the baseline counted).
    pub configurations: usize,
    /// Configurations the rules between parameters left out.
    pub excluded: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeaderLine {
    hpasim_sweep: u32,
    name: String,
    scenario: PathBuf,
    scenario_dir: PathBuf,
    scenario_hash: String,
    space_hash: String,
    seeds: Vec<u64>,
    parameters: Vec<HeaderParam>,
    minimize: Vec<String>,
    constraints: Vec<String>,
    configurations: usize,
    excluded: usize,
    base: Value,
}

#[derive(Serialize, Deserialize)]
struct HeaderParam {
    name: String,
    path: String,
    values: Vec<Value>,
}

impl Header {
    fn line(&self) -> Result<String, Error> {
        serde_json::to_string(&HeaderLine {
            hpasim_sweep: 1,
            name: self.name.clone(),
            scenario: self.scenario_path.clone(),
            scenario_dir: self.scenario_dir.clone(),
            scenario_hash: format!("{:016x}", self.scenario_hash),
            space_hash: format!("{:016x}", self.space_hash),
            seeds: self.seeds.clone(),
            parameters: self
                .params
                .iter()
                .map(|p| HeaderParam {
                    name: p.name.clone(),
                    path: p.path.clone(),
                    values: p.values.clone(),
                })
                .collect(),
            minimize: self.objectives.iter().map(|o| o.to_string()).collect(),
            constraints: self.constraints.iter().map(|c| c.to_string()).collect(),
            configurations: self.configurations,
            excluded: self.excluded,
            base: self.base.clone(),
        })
        .map_err(|e| Error::Output(format!("trials.jsonl: {e}")))
    }

    fn parse(line: &str, file: &Path) -> Result<Header, Error> {
        let bad = |m: String| Error::Input {
            path: file.to_path_buf(),
            location: Some(crate::error::Location { line: 1, column: 1 }),
            message: format!("not a sweep journal's first line: {m}"),
        };
        let h: HeaderLine = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let hex = |s: &str| u64::from_str_radix(s, 16).map_err(|e| bad(e.to_string()));
        let params = h
            .parameters
            .into_iter()
            .map(|p| {
                Ok(Param {
                    steps: path::parse(&p.path).map_err(bad)?,
                    name: p.name,
                    path: p.path,
                    values: p.values,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(Header {
            name: h.name,
            scenario_dir: h.scenario_dir,
            scenario_path: h.scenario,
            scenario_hash: hex(&h.scenario_hash)?,
            space_hash: hex(&h.space_hash)?,
            base: h.base,
            params,
            seeds: h.seeds,
            objectives: h
                .minimize
                .iter()
                .map(|o| figures::parse_figure(o))
                .collect::<Result<_, _>>()
                .map_err(bad)?,
            constraints: h
                .constraints
                .iter()
                .map(|c| figures::parse_constraint(c))
                .collect::<Result<_, _>>()
                .map_err(bad)?,
            configurations: h.configurations,
            excluded: h.excluded,
        })
    }
}

/// The default objectives: cost and SLO violation seconds, worst across seeds.
pub const DEFAULT_OBJECTIVES: [&str; 2] = ["cost.totalUsd", "slo.violationSeconds"];

/// Reads a journal: its header and trials (a torn or unreadable line is skipped), and
/// the length of its whole lines (where appending resumes).
fn read_journal(file: &Path) -> Result<Option<(Header, Vec<Trial>, u64)>, Error> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                path: file.to_path_buf(),
                source,
            });
        }
    };
    let whole = text.rfind('\n').map_or(0, |i| i + 1);
    let mut lines = text[..whole].lines();
    let Some(first) = lines.next() else {
        return Ok(None);
    };
    let header = Header::parse(first, file)?;
    let trials = lines
        .filter_map(|l| trial::parse_journal_line(l, &header.params))
        .collect();
    Ok(Some((header, trials, whole as u64)))
}

fn in_shard(id: &str, shard: Option<(u64, u64)>) -> bool {
    match shard {
        None => true,
        Some((i, n)) => u64::from_str_radix(id, 16).map_or(0, |h| h % n) == i - 1,
    }
}

/// Parses `I/N` (1 <= I <= N).
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{text:?}: expected I/N with 1 <= I <= N, e.g. 2/8");
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// What a sweep did: the summary text, and where.
#[derive(Debug)]
pub struct Swept {
    /// The summary a person reads.
    pub text: String,
    /// The output folder.
    pub out: PathBuf,
    /// Configurations that keep every constraint (0: the front ranks by violation, and
    /// `hpasim sweep` exits 1, a failed check for CI).
    pub feasible: usize,
}

/// Runs a sweep (resuming from `out/trials.jsonl` if it is this sweep's journal) and
/// writes its files. `progress(done, total)` is called as configurations finish.
pub fn sweep(req: &Request, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Swept, Error> {
    let base_scenario = crate::scenario::load_scenario(&req.scenario)?;
    let base = crate::scenario::scenario_value(&req.scenario)?;
    let parse_all = |given: &[(String, Origin)], from_file: &[(String, Origin)]| {
        given.iter().chain(from_file).cloned().collect::<Vec<_>>()
    };
    let mut minimize = parse_all(&req.minimize, &req.space.minimize);
    if minimize.is_empty() {
        minimize = DEFAULT_OBJECTIVES
            .iter()
            .map(|o| (o.to_string(), Origin::Arg("default objective".into())))
            .collect();
    }
    let objectives: Vec<(Figure, Origin)> = minimize
        .iter()
        .map(|(t, o)| {
            figures::parse_figure(t)
                .map(|f| (f, o.clone()))
                .map_err(|e| o.error(e))
        })
        .collect::<Result<_, _>>()?;
    let constraints: Vec<(Constraint, Origin)> =
        parse_all(&req.constraints, &req.space.constraints)
            .iter()
            .map(|(t, o)| {
                figures::parse_constraint(t)
                    .map(|c| (c, o.clone()))
                    .map_err(|e| o.error(e))
            })
            .collect::<Result<_, _>>()?;
    // Unknown figures are refused before anything runs or is written (a typo must not
    // leave a journal behind): the names are those of the scenario's summary.json.
    let names = trial::figure_names(&base_scenario)?;
    let check = |f: &Figure, o: &Origin| {
        if names.contains(&f.name) {
            Ok(())
        } else {
            Err(o.error(format!(
                "unknown figure `{}`{}; figures are summary.json's numbers by dotted name",
                f.name,
                space::did_you_mean(&f.name, names.iter().map(String::as_str))
            )))
        }
    };
    for (f, o) in &objectives {
        check(f, o)?;
    }
    for (c, o) in &constraints {
        check(&c.figure, o)?;
    }
    let effective = serde_json::to_value(&base_scenario.file).unwrap_or(Value::Null);
    let mut spec = req.space.clone();
    spec.sample_seed = spec.sample_seed.or(Some(base_scenario.seed));
    let space = spec.build(&base, &effective)?;
    let seeds: Vec<u64> = (0..req.seeds.max(1))
        .map(|k| crate::measure::derive_seed(base_scenario.seed, k))
        .collect();
    let scenario_hash = trial::fnv1a(
        serde_json::to_string(&base)
            .map_err(|e| Error::Output(e.to_string()))?
            .as_bytes(),
    );
    let ids: Vec<String> = space
        .configs
        .iter()
        .map(|c| trial_id(scenario_hash, &space.params, &c.values, &seeds))
        .collect();
    let mut space_text = ids.join(",");
    for (o, _) in &objectives {
        space_text.push_str(&format!("\0{o}"));
    }
    for (c, _) in &constraints {
        space_text.push_str(&format!("\0{c}"));
    }
    space_text.push_str(&format!("\0{}", space.excluded));
    let name = base_scenario.file.name.clone();
    let header = Header {
        name: name.clone(),
        scenario_dir: std::path::absolute(req.scenario.parent().unwrap_or(Path::new(".")))
            .unwrap_or_default(),
        scenario_path: req.scenario.clone(),
        scenario_hash,
        space_hash: trial::fnv1a(space_text.as_bytes()),
        base: base.clone(),
        params: space.params.clone(),
        seeds: seeds.clone(),
        objectives: objectives.iter().map(|(f, _)| f.clone()).collect(),
        constraints: constraints.iter().map(|(c, _)| c.clone()).collect(),
        configurations: space.configs.len(),
        excluded: space.excluded,
    };
    let out = req
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(format!("{name}-sweep")));
    let journal_path = out.join("trials.jsonl");
    let mut done: HashMap<String, Trial> = HashMap::new();
    let mut keep = 0;
    if let Some((old, trials, whole)) = read_journal(&journal_path)? {
        if old.scenario_hash != header.scenario_hash {
            return Err(Error::Usage(format!(
                "{} was written by a sweep of another scenario (or the scenario changed): give another --out, or delete the folder to start again",
                journal_path.display()
            )));
        }
        if old.space_hash != header.space_hash {
            return Err(Error::Usage(format!(
                "{} was written by a sweep of another space (parameters, values, seeds, objectives or constraints changed): give another --out, or delete the folder to start again",
                journal_path.display()
            )));
        }
        keep = whole;
        for t in trials {
            done.entry(t.id.clone()).or_insert(t);
        }
    }
    let ctx = Ctx {
        header: &header,
        path: &req.scenario,
        load: &base_scenario.load,
    };
    let baseline_known = done.contains_key(&ids[0]);
    let baseline = match done.get(&ids[0]) {
        Some(t) => t.clone(),
        None => ctx.run(0, &space.configs[0], &ids[0]),
    };

    let resumed = done.len();
    std::fs::create_dir_all(&out).map_err(|source| Error::Io {
        path: out.clone(),
        source,
    })?;
    let io = |source| Error::Io {
        path: journal_path.clone(),
        source,
    };
    let mut journal = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&journal_path)
        .map_err(io)?;
    // A torn last line (a killed sweep) is cut off before appending.
    journal.set_len(keep).map_err(io)?;
    if keep == 0 {
        writeln!(journal, "{}", header.line()?).map_err(io)?;
    }
    let journal = Mutex::new(journal);

    let record = |t: &Trial| -> Result<(), Error> {
        let line = trial::journal_line(t, &header.params, &header.constraints)?;
        let mut j = journal
            .lock()
            .map_err(|_| Error::Output("journal lock".into()))?;
        j.write_all(format!("{line}\n").as_bytes()).map_err(io)
    };

    if !baseline_known {
        record(&baseline)?;
    }

    let todo: Vec<usize> = (1..space.configs.len())
        .filter(|&i| in_shard(&ids[i], req.shard) && !done.contains_key(&ids[i]))
        .collect();
    let total = todo.len() + 1;
    let counter = std::sync::atomic::AtomicUsize::new(1);
    progress(1, total);
    let work = || {
        todo.par_iter()
            .map(|&i| {
                let t = ctx.run(i, &space.configs[i], &ids[i]);
                record(&t)?;
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(n, total);
                Ok(t)
            })
            .collect::<Result<Vec<Trial>, Error>>()
    };
    let fresh = match req.jobs {
        Some(j) => rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build()
            .map_err(|e| Error::Output(format!("--jobs: {e}")))?
            .install(work)?,
        None => work()?,
    };
    drop(journal);
    done.insert(baseline.id.clone(), baseline);
    for t in fresh {
        done.insert(t.id.clone(), t);
    }
    let feasible = done
        .values()
        .filter(|t| trial::feasibility(t, &header.constraints).0)
        .count();
    let mut text = finish(&header, done.into_values().collect(), &out, &Pick::Knee)?;
    if resumed > 0 {
        text.push_str(&format!(
            "  resumed    {resumed} configurations already in the journal were not run again\n"
        ));
    }
    Ok(Swept {
        text,
        out,
        feasible,
    })
}

/// Writes the journal in space order and every file from the trials; returns the summary.
fn finish(
    header: &Header,
    mut trials: Vec<Trial>,
    out: &Path,
    pick: &Pick,
) -> Result<String, Error> {
    trials.sort_by(|a, b| a.index.cmp(&b.index).then_with(|| a.id.cmp(&b.id)));
    trials.dedup_by(|a, b| a.id == b.id);
    let mut journal = header.line()? + "\n";
    for t in &trials {
        journal.push_str(&trial::journal_line(
            t,
            &header.params,
            &header.constraints,
        )?);
        journal.push('\n');
    }
    crate::report::write_atomically(&out.join("trials.jsonl"), journal.as_bytes())?;
    output::write_outputs(header, &trials, out, pick)
}

struct Ctx<'a> {
    header: &'a Header,
    path: &'a Path,
    load: &'a crate::load::Load,
}

impl Ctx<'_> {
    fn run(&self, index: usize, config: &space::Config, id: &str) -> Trial {
        let h = self.header;
        let result = trial::configured(&h.base, &h.params, config)
            .and_then(|v| trial::scenario_of(&v, &h.base, self.path, self.load))
            .and_then(|sc| trial::evaluate(&sc, &h.seeds).map_err(|e| e.to_string()));
        Trial {
            id: id.to_string(),
            index,
            baseline: config.baseline,
            values: config.values.clone(),
            result,
        }
    }
}

/// `hpasim sweep merge`: joins sweep folders (shards) of one space into `out`, duplicates
/// dropped by id; the files are those one unsharded sweep writes.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<String, Error> {
    let mut header: Option<Header> = None;
    let mut trials: HashMap<String, Trial> = HashMap::new();
    for dir in dirs {
        let file = dir.join("trials.jsonl");
        let (h, ts, _) = read_journal(&file)?.ok_or_else(|| Error::Input {
            path: file.clone(),
            location: None,
            message: "no sweep journal here".into(),
        })?;
        if let Some(first) = &header
            && (first.scenario_hash != h.scenario_hash || first.space_hash != h.space_hash)
        {
            return Err(Error::Usage(format!(
                "{}: a sweep of another scenario or space than {}",
                file.display(),
                dirs[0].join("trials.jsonl").display()
            )));
        }
        header.get_or_insert(h);
        for t in ts {
            trials.entry(t.id.clone()).or_insert(t);
        }
    }
    let header = header.ok_or_else(|| Error::Usage("merge: give one folder or more".into()))?;
    std::fs::create_dir_all(out).map_err(|source| Error::Io {
        path: out.to_path_buf(),
        source,
    })?;
    finish(&header, trials.into_values().collect(), out, &Pick::Knee)
}

/// What `hpasim sweep best` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// The picked HPA (autoscaling/v2).
    Hpa,
    /// The scenario with the picked values (its traces found from the current folder).
    Scenario,
}

/// `hpasim sweep best`: the pick of a finished sweep's folder, as YAML.
pub fn best(dir: &Path, pick: &Pick, emit: Emit) -> Result<String, Error> {
    let file = dir.join("trials.jsonl");
    let (header, mut trials, _) = read_journal(&file)?.ok_or_else(|| Error::Input {
        path: file.clone(),
        location: None,
        message: "no sweep journal here".into(),
    })?;
    trials.sort_by_key(|t| t.index);
    let a = output::assess(&header, &trials, pick)?;
    let p = a
        .pick
        .ok_or_else(|| Error::Usage(format!("{}: no configuration ran", file.display())))?;
    let scenario = output::best_scenario(&header, &trials[p], Path::new("."))?;
    let value = match emit {
        Emit::Scenario => &scenario,
        Emit::Hpa => scenario
            .get("hpa")
            .ok_or_else(|| Error::Output("the scenario has no inline HPA".into()))?,
    };
    Ok(output::yaml_of(value))
}
