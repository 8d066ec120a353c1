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

/// `FIDELITY_ONLY=a,b`: ask Slurm only about the scenarios whose names contain one of
/// these. A live run skips the others; a record run takes them from their recorded
/// observations.
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

fn main() -> ExitCode {
    let mode = match Mode::from_env() {
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
    let scenarios = scenario::run(mode, &cluster);
    let corpus = corpus::run(mode, &cluster);
    let report = scenario::report_md(&scenarios) + &corpus.report_md;
    let mut failed = scenarios.failures.len() + corpus.failures.len();
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fidelity.md");
    if mode == Mode::Live {
        // Live figures can move by a job from run to run (timing jitter the deviations
        // allow for); the report is generated from the recorded observations only.
        if std::fs::read_to_string(&doc).ok().as_deref() != Some(report.as_str()) {
            println!("fidelity: note: this live run's figures differ from docs/fidelity.md");
        }
    } else if mode == Mode::Record {
        if let Err(e) = std::fs::write(&doc, &report) {
            eprintln!("fidelity: writing {}: {e}", doc.display());
            failed += 1;
        }
    } else if std::fs::read_to_string(&doc).ok().as_deref() != Some(report.as_str()) {
        eprintln!(
            "fidelity: docs/fidelity.md is not what this run reports; \
             run HPCSCHED_FIDELITY=record cargo test --test fidelity with the harness up"
        );
        failed += 1;
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
