//! The fidelity suite: hpcsched's decisions against real Slurm 22.05's, job by job.
//!
//! Two parts, one binary (`cargo test --test fidelity`):
//! - [`scenario`]: job lists (`scenarios/*.jobs`) submitted to Slurm and replayed in
//!   hpcsched with the `slurm` preset; state, start, nodes and reason of every job compared.
//! - [`corpus`]: batch scripts and option sets (`corpus/`) through `sbatch --test-only` /
//!   `scontrol show job` and through hpcsched's resolver; accept/reject and the resolved
//!   request compared.
//!
//! `HPCSCHED_FIDELITY` picks where Slurm's side comes from:
//! - unset or `recorded`: the observations recorded from Slurm under `observed/` and
//!   `corpus/observed.tsv` (no Slurm needed; what `cargo test` does anywhere);
//! - `live`: the harness's Slurm, now (`tests/fidelity/harness/setup.sh` first);
//!   what `.ci/run` does;
//! - `record`: live, and the observations and `docs/fidelity.md` are written anew.
//!
//! `FIDELITY_PART=scenarios|corpus` runs one part only. `FIDELITY_ONLY=a,b` asks Slurm
//! only about the scenarios whose names contain one of these words: a live run skips the
//! others, a record run takes them from their recorded observations (the corpus always runs
//! whole, and quickly). docs/fidelity.md holds the scenario section, then the corpus
//! section, both generated from the recorded observations: a record run writes the
//! sections of the parts it ran, a recorded run (`cargo test`) checks them, a live run only
//! says when its figures differ (live Slurm jitters by a second here and there).
//!
//! Any difference not listed as a deliberate deviation fails the suite.

mod cluster;
mod corpus;
mod scenario;
mod slurm;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where Slurm's side of the comparison comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Observations recorded earlier, from the files.
    Recorded,
    /// The harness's Slurm, now.
    Live,
    /// The harness's Slurm, now; the observations and the report are written.
    Record,
}

impl Mode {
    fn from_env() -> Result<Mode, String> {
        match std::env::var("HPCSCHED_FIDELITY").as_deref() {
            Err(_) | Ok("" | "recorded") => Ok(Mode::Recorded),
            Ok("live") => Ok(Mode::Live),
            Ok("record") => Ok(Mode::Record),
            Ok(other) => Err(format!(
                "HPCSCHED_FIDELITY={other}: expected recorded, live or record"
            )),
        }
    }

    /// Whether Slurm itself is asked.
    #[must_use]
    pub fn live(self) -> bool {
        self != Mode::Recorded
    }
}

/// `FIDELITY_ONLY=a,b`: the words that pick the scenarios Slurm is asked about.
#[must_use]
pub fn only() -> Option<Vec<String>> {
    std::env::var("FIDELITY_ONLY")
        .ok()
        .map(|v| v.split(',').map(str::to_owned).collect())
}

/// `tests/fidelity/`.
#[must_use]
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity")
}

/// Which parts run, and whether each runs whole (`FIDELITY_PART`, `FIDELITY_ONLY`).
#[derive(Debug, Clone, Copy)]
struct Parts {
    scenarios: bool,
    corpus: bool,
    /// The scenario part reports on every scenario (all but a live run with
    /// `FIDELITY_ONLY`).
    scenarios_whole: bool,
}

impl Parts {
    fn from_env(mode: Mode) -> Result<Parts, String> {
        let (scenarios, corpus) = match std::env::var("FIDELITY_PART").as_deref() {
            Err(_) | Ok("") => (true, true),
            Ok("scenarios") => (true, false),
            Ok("corpus") => (false, true),
            Ok(other) => {
                return Err(format!(
                    "FIDELITY_PART={other}: expected scenarios or corpus (unset: both)"
                ));
            }
        };
        let scenarios_whole = scenarios && (mode != Mode::Live || only().is_none());
        Ok(Parts {
            scenarios,
            corpus,
            scenarios_whole,
        })
    }
}

/// The heading that starts the corpus's section of docs/fidelity.md (the last section).
const CORPUS_HEADING: &str = "## sbatch corpus\n";

/// docs/fidelity.md split into the scenario section and the corpus section.
fn split_doc(doc: &str) -> (&str, &str) {
    if doc.starts_with(CORPUS_HEADING) {
        return ("", doc);
    }
    match doc.find(&format!("\n{CORPUS_HEADING}")) {
        Some(at) => doc.split_at(at + 1),
        None => (doc, ""),
    }
}

fn main() -> ExitCode {
    let (mode, parts) = match Mode::from_env().and_then(|m| Ok((m, Parts::from_env(m)?))) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("fidelity: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cluster = match cluster::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fidelity: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scenarios = if parts.scenarios {
        scenario::run(mode, &cluster)
    } else {
        scenario::ScenarioOutcome::default()
    };
    let corpus = if parts.corpus {
        corpus::run(mode, &cluster)
    } else {
        corpus::CorpusOutcome::default()
    };
    let scenario_md = scenario::report_md(&scenarios);
    let mut failed = scenarios.failures.len() + corpus.failures.len();
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fidelity.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let (old_scenario_md, old_corpus_md) = split_doc(&doc);
    // Each part that ran whole owns its section of the report; a partial run leaves the
    // document alone (its report goes to stdout).
    let (new_scenario_md, new_corpus_md) = (
        if parts.scenarios_whole {
            scenario_md.as_str()
        } else {
            old_scenario_md
        },
        if parts.corpus {
            corpus.report_md.as_str()
        } else {
            old_corpus_md
        },
    );
    if mode == Mode::Record && (parts.scenarios_whole || parts.corpus) {
        let report = format!("{new_scenario_md}{new_corpus_md}");
        if let Err(e) = std::fs::write(&doc_path, &report) {
            eprintln!("fidelity: writing {}: {e}", doc_path.display());
            failed += 1;
        }
    } else if new_scenario_md != old_scenario_md || new_corpus_md != old_corpus_md {
        if mode == Mode::Live {
            println!("fidelity: note: this live run's figures differ from docs/fidelity.md");
        } else {
            eprintln!(
                "fidelity: docs/fidelity.md is not what this run reports; \
             run HPCSCHED_FIDELITY=record cargo test --test fidelity with the harness up"
            );
            failed += 1;
        }
    }
    // The README quotes the figures: they must be this report's.
    if mode != Mode::Live && parts.scenarios_whole && parts.corpus {
        let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
        for quote in [
            format!(
                "{} of {} scheduling decisions",
                scenarios.identical, scenarios.compared
            ),
            format!("{} of {} sbatch", corpus.identical, corpus.checked),
        ] {
            if !readme.contains(&quote) {
                eprintln!("fidelity: README.md does not quote \"{quote}\" (docs/fidelity.md)");
                failed += 1;
            }
        }
    }
    if parts.scenarios && !parts.scenarios_whole {
        print!("{scenario_md}");
    }
    for f in scenarios.failures.iter().chain(&corpus.failures) {
        eprintln!("FAIL {f}");
    }
    println!(
        "fidelity ({mode:?}): scenarios {}/{} decisions identical; corpus {}/{} agree; {failed} failure(s)",
        scenarios.identical, scenarios.compared, corpus.agreed, corpus.checked
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
