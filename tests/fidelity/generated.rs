//! The generated corpus: scenarios drawn by [`crate::generate`] from seeds, recorded from
//! live Slurm, and replayed against those recordings like the hand-written ones.
//!
//! `generated/gNNNNN.jobs` is the scenario of seed NNNNN as the generator wrote it (kept,
//! so a later generator never changes a recorded scenario), plus any `@deviation` lines;
//! `generated/gNNNNN.tsv` is what Slurm did with it. The comparison is the hand-written
//! suite's ([`crate::scenario`]).
//!
//! - recorded (`cargo test`): every recorded scenario against its recording;
//! - live (`.ci/run`): a batch of recorded scenarios against live Slurm, bounded
//!   (`FIDELITY_GENERATED_LIVE`, default [`LIVE_BATCH`] scenarios spread over the corpus,
//!   moving along it from day to day; `FIDELITY_LIVE_OFFSET` fixes where);
//! - record: the scenarios `FIDELITY_ONLY` names (all without it) recorded anew;
//! - explore (`HPCSCHED_FIDELITY=explore FIDELITY_SEEDS=1000-1049`): new seeds generated
//!   and run against live Slurm, each seed printed with what it found; their scenarios and
//!   observations are kept under `target/fidelity-explore/`, and copied into the corpus
//!   with `FIDELITY_ADD=all` (every seed) or `FIDELITY_ADD=differing`; a seed that
//!   differs is run once more before it is reported (`FIDELITY_RETRY=0`: not); `FIDELITY_DRY=1`
//!   only prints the scenarios.

use crate::Mode;
use crate::cluster::FidelityCluster;
use crate::generate;
use crate::scenario::{self, ScenarioOutcome};
use crate::slurm;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Starts of a generated scenario agree within this many seconds: the measure of
/// a decision ("state, start within 60 s, nodes, reason"). Jobs there end and start
/// within seconds of each other, and whether a job starts in the second its predecessor
/// ended or the next one depends on when in that second Slurm's node left COMPLETING and
/// its next backfill cycle began, which second-resolution observations cannot tell.
const START_TOLERANCE: u64 = 60;

/// Whether a difference in the generated corpus that is neither fixed nor documented
/// fails the suite (recorded and report runs): every recorded difference is fixed or
/// documented with an `@deviation` line in its scenario.
pub const STRICT: bool = true;

/// Scenarios a live run asks Slurm about (`.ci/run` stays within its time: about 20 s
/// each, the hand-written scenarios and the sbatch corpus taking most of the live step;
/// 8 until the accounting group's live subset joined `.ci/run`, 2 until the preemption
/// group's did).
pub const LIVE_BATCH: usize = 1;

/// The share of identical decisions under which a live batch fails. A live run of a
/// generated scenario is a new observation, whose sub-second timing (which scheduler saw
/// a job first, when a node left COMPLETING) may differ from the recording's: its
/// undocumented differences are printed, not failed on, unless the batch as a whole
/// falls below this (the recorded corpus, at 97%, is where each difference is held to
/// account).
pub const LIVE_FLOOR: f64 = 0.90;

/// `tests/fidelity/generated/`.
fn dir() -> PathBuf {
    crate::root().join("generated")
}

/// The recorded corpus, in seed order.
fn recorded() -> Result<Vec<PathBuf>, String> {
    let dir = dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jobs"))
        .collect();
    paths.sort();
    Ok(paths)
}

pub fn run(mode: Mode, cluster: &FidelityCluster) -> ScenarioOutcome {
    let mut outcome = ScenarioOutcome::default();
    let paths = match recorded() {
        Ok(p) => p,
        Err(e) => {
            outcome.failures.push(e);
            return outcome;
        }
    };
    if mode.live() && !slurm::up() {
        outcome.failures.push(
            "the harness's slurmctld does not answer: run tests/fidelity/harness/setup.sh".into(),
        );
        return outcome;
    }
    let only = crate::only();
    let named = |p: &Path| {
        only.as_ref().is_none_or(|only| {
            p.file_stem().is_some_and(|s| {
                let s = s.to_string_lossy();
                only.iter().any(|o| s.contains(o.as_str()))
            })
        })
    };
    // Live: a batch spread evenly over the corpus (or the ones FIDELITY_ONLY names).
    let batch = std::env::var("FIDELITY_GENERATED_LIVE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LIVE_BATCH);
    let step = (paths.len() / batch.max(1)).max(1);
    // The batch moves along the corpus from one day to the next (`FIDELITY_LIVE_OFFSET`
    // fixes it), so that successive CI runs ask Slurm about different seeds.
    let offset = std::env::var("FIDELITY_LIVE_OFFSET")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| (d.as_secs() / 86_400) as usize)
        })
        % step;
    let mut list = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let ask = match mode {
            Mode::Recorded | Mode::Report | Mode::Explore => false,
            Mode::Record => named(path),
            Mode::Live if only.is_some() => named(path),
            Mode::Live => i % step == offset && i / step < batch,
        };
        if mode == Mode::Live && !ask {
            continue;
        }
        match load(path) {
            Ok(s) => list.push((s, path.with_extension("tsv"), ask)),
            Err(e) => outcome.failures.push(e),
        }
    }
    scenario::run_all(mode, cluster, list, &mut outcome);
    outcome
}

fn load(path: &Path) -> Result<scenario::Scenario, String> {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut s = scenario::parse(&name, &text, path)?;
    s.start_tolerance = Some(START_TOLERANCE);
    Ok(s)
}

/// `FIDELITY_SEEDS`: `A-B` (inclusive) or `A,B,C`.
fn seeds() -> Result<Vec<u64>, String> {
    let spec = std::env::var("FIDELITY_SEEDS")
        .map_err(|_| "explore needs FIDELITY_SEEDS=A-B or A,B,C".to_owned())?;
    let bad = || format!("FIDELITY_SEEDS={spec}: expected A-B or A,B,C");
    if let Some((a, b)) = spec.split_once('-') {
        let (a, b): (u64, u64) = (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        );
        return Ok((a..=b).collect());
    }
    spec.split(',')
        .map(|s| s.trim().parse().map_err(|_| bad()))
        .collect()
}

/// Explores new seeds against live Slurm: prints each seed tried and what differed.
/// Returns the number of seeds that differ (after one retry each).
pub fn explore(cluster: &FidelityCluster) -> Result<usize, String> {
    // FIDELITY_DRY=1: print the scenarios only.
    if std::env::var("FIDELITY_DRY").is_ok_and(|v| v == "1") {
        for seed in seeds()? {
            print!("{}", generate::scenario(seed));
        }
        return Ok(0);
    }
    if !slurm::up() {
        return Err(
            "the harness's slurmctld does not answer: run tests/fidelity/harness/setup.sh".into(),
        );
    }
    let seeds = seeds()?;
    let add = std::env::var("FIDELITY_ADD").unwrap_or_default();
    // FIDELITY_RETRY=0: keep the first observation even when it differs (recording).
    let retry = std::env::var("FIDELITY_RETRY").map_or(true, |v| v != "0");
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("fidelity-explore");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let (mut differing, mut compared, mut identical) = (0, 0, 0);
    for seed in seeds {
        let name = format!("g{seed:05}");
        let text = generate::scenario(seed);
        let jobs_path = out_dir.join(format!("{name}.jobs"));
        std::fs::write(&jobs_path, &text).map_err(|e| format!("{}: {e}", jobs_path.display()))?;
        let mut scenario = scenario::parse(&name, &text, &jobs_path)?;
        scenario.start_tolerance = Some(START_TOLERANCE);
        let mut one = ScenarioOutcome::default();
        let tsv = jobs_path.with_extension("tsv");
        scenario::run_list(
            Mode::Record,
            retry,
            cluster,
            vec![(scenario, tsv.clone(), true)],
            &mut one,
        );
        compared += one.compared;
        identical += one.identical;
        let differs = !one.failures.is_empty();
        differing += usize::from(differs);
        println!(
            "seed {seed}: {} of {} decisions identical{}",
            one.identical,
            one.compared,
            if differs { "; DIFFERS" } else { "" }
        );
        for f in &one.failures {
            println!("  {f}");
        }
        let keep = add == "all" || (add == "differing" && differs);
        if keep && tsv.exists() {
            for ext in ["jobs", "tsv"] {
                let from = out_dir.join(format!("{name}.{ext}"));
                let to = dir().join(format!("{name}.{ext}"));
                std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", to.display()))?;
            }
        }
    }
    println!(
        "explore: {identical} of {compared} decisions identical; {differing} seed(s) differ \
         (scenarios and observations in {})",
        out_dir.display()
    );
    Ok(differing)
}

/// The family a generated scenario was drawn from (its first line says).
fn family(description: &str) -> &str {
    description
        .split("family ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap_or("?")
}

/// The generated corpus's section of docs/fidelity.md.
pub fn report_md(o: &ScenarioOutcome) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n\n\
         Scenarios nobody picked: `tests/fidelity/generate.rs` draws each from a seed (a \
         family of partitions of the harness's cluster, 3 to 15 jobs of several users with \
         sizes, memory, GPUs, time limits, `-w`/`-x`, features, multi-partition lists, \
         dependencies, arrays, holds, submissions spread over seconds, drained nodes and \
         actions); each was run on Slurm once and recorded in `tests/fidelity/generated/`. \
         Compared as the hand-written scenarios are.\n\n\
         **{} of {} job decisions identical to Slurm 22.05** over {} generated scenarios \
         ({} of them identical in every job).\n",
        crate::GENERATED_HEADING.trim_end(),
        o.identical,
        o.compared,
        o.rows.len(),
        o.rows.iter().filter(|r| r.jobs == r.identical).count(),
    );
    let mut families: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for r in &o.rows {
        let f = families.entry(family(&r.description)).or_default();
        f.0 += 1;
        f.1 += r.jobs;
        f.2 += r.identical;
    }
    let _ = writeln!(
        out,
        "| family | scenarios | jobs | identical |\n|---|---|---|---|"
    );
    for (name, (n, jobs, same)) in &families {
        let _ = writeln!(out, "| `{name}` | {n} | {jobs} | {same} |");
    }
    let deviations: Vec<(&str, &String)> = o
        .rows
        .iter()
        .flat_map(|r| r.deviations.iter().map(move |d| (r.name.as_str(), d)))
        .collect();
    if !deviations.is_empty() {
        // By cause: the `[tag]` each documented difference starts with (see
        // tests/fidelity/README.md, "Differences left in the generated corpus").
        let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, d) in &deviations {
            let tag = d
                .split_once(": [")
                .and_then(|(_, rest)| rest.split_once(']'))
                .map_or("untagged", |(tag, _)| tag);
            *causes.entry(tag).or_default() += 1;
        }
        let _ = writeln!(
            out,
            "\n### Documented deviations (generated)\n\n\
             {} differing fields, by cause (tests/fidelity/README.md explains each):\n\n\
             | cause | fields |\n|---|---|",
            deviations.len()
        );
        for (tag, n) in &causes {
            let _ = writeln!(out, "| `{tag}` | {n} |");
        }
        out.push('\n');
        for (name, d) in deviations {
            let _ = writeln!(out, "- `{name}`: {d}");
        }
    }
    out.push('\n');
    out
}
