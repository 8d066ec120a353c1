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
//! - `record`: live, and the observations and `docs/fidelity.md` are written anew;
//! - `report`: the recorded observations, and `docs/fidelity.md` written from them;
//! - `explore`: new generated scenarios against live Slurm ([`generated::explore`]).
//!
//! `FIDELITY_PART=scenarios|corpus` runs one part only. `FIDELITY_ONLY=a,b` asks Slurm
//! only about the scenarios whose names contain one of these words: a live run skips the
//! others, a record run takes them from their recorded observations (the corpus always runs
//! whole, and quickly). docs/fidelity.md holds the scenario section, then the corpus
//! section, both generated from the recorded observations: a record run writes the
//! sections of the parts it ran, a recorded run (`cargo test`) checks them, a live run only
//! says when its figures differ (live Slurm jitters by a second here and there).
//!
//! A third part, the accounting group ([`accounting`], `FIDELITY_PART=accounting`), runs on
//! the harness's accounting mode (`FIDELITY_ACCOUNTING=1`), strict while
//! [`accounting::ACCOUNTING_STRICT`] is true (it is). The fair-share group ([`accounting::run_fairshare`], `FIDELITY_PART=fairshare`,
//! `fairshare/`) runs the same way on the harness's fair-share mode
//! (`FIDELITY_ACCOUNTING=fairshare`), strict, and also compares sprio's priorities and
//! sshare's usage. The two share docs/fidelity.md's "Shared-cluster policy" section, written
//! when both run whole (not from a live subset).
//!
//! The preempt group ([`preempt`], `FIDELITY_PART=preempt`, `preempt/`) runs on the
//! harness's preemption mode (`FIDELITY_PREEMPT=1`; its QOS scenarios with
//! `FIDELITY_ACCOUNTING=1` too) and also compares each job's preemption facts (restarts,
//! when it was preempted, and by whom, resumed), strict ([`preempt::PREEMPT_STRICT`]); its
//! section of docs/fidelity.md ("Preemption") is written when it runs whole.
//!
//! Any difference not listed as a deliberate deviation fails the suite.

mod accounting;
mod cluster;
mod corpus;
mod generate;
mod generated;
mod preempt;
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
    /// New generated scenarios (`FIDELITY_SEEDS`) against the harness's Slurm, each seed
    /// printed with what it found ([`generated::explore`]).
    Explore,
    /// The recorded observations, and `docs/fidelity.md` written from them (after adding
    /// recordings or `@deviation` lines, without asking Slurm again).
    Report,
}

impl Mode {
    fn from_env() -> Result<Mode, String> {
        match std::env::var("HPCSCHED_FIDELITY").as_deref() {
            Err(_) | Ok("" | "recorded") => Ok(Mode::Recorded),
            Ok("live") => Ok(Mode::Live),
            Ok("record") => Ok(Mode::Record),
            Ok("explore") => Ok(Mode::Explore),
            Ok("report") => Ok(Mode::Report),
            Ok(other) => Err(format!(
                "HPCSCHED_FIDELITY={other}: expected recorded, live, record, explore or report"
            )),
        }
    }

    /// Whether Slurm itself is asked.
    #[must_use]
    pub fn live(self) -> bool {
        !matches!(self, Mode::Recorded | Mode::Report)
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
    generated: bool,
    corpus: bool,
    /// The accounting group (`accounting/`), on the harness's accounting mode.
    accounting: bool,
    /// The fair-share group (`fairshare/`), on the harness's fair-share mode.
    fairshare: bool,
    /// The preempt group (`preempt/`), on the harness's preemption mode.
    preempt: bool,
    /// The scenario part reports on every scenario (all but a live run with
    /// `FIDELITY_ONLY`).
    scenarios_whole: bool,
}

impl Parts {
    fn from_env(mode: Mode) -> Result<Parts, String> {
        let (scenarios, generated, corpus, accounting, fairshare, preempt) =
            match std::env::var("FIDELITY_PART").as_deref() {
                Err(_) | Ok("") => (true, true, true, true, true, true),
                Ok("scenarios") => (true, false, false, false, false, false),
                Ok("generated") => (false, true, false, false, false, false),
                Ok("corpus") => (false, false, true, false, false, false),
                Ok("accounting") => (false, false, false, true, false, false),
                Ok("fairshare") => (false, false, false, false, true, false),
                Ok("preempt") => (false, false, false, false, false, true),
                Ok(other) => {
                    return Err(format!(
                        "FIDELITY_PART={other}: expected scenarios, generated, corpus, \
                         accounting, fairshare or preempt (unset: all)"
                    ));
                }
            };
        let scenarios_whole = scenarios && (mode != Mode::Live || only().is_none());
        Ok(Parts {
            scenarios,
            generated,
            corpus,
            accounting,
            fairshare,
            preempt,
            scenarios_whole,
        })
    }
}

/// The heading that starts the generated corpus's section of docs/fidelity.md.
pub const GENERATED_HEADING: &str = "## Generated scenarios\n";
/// The heading that starts the sbatch corpus's section of docs/fidelity.md (the last).
const CORPUS_HEADING: &str = "## sbatch corpus\n";

/// docs/fidelity.md split at `heading` (the part before it, and the rest).
fn split_at_heading<'a>(doc: &'a str, heading: &str) -> (&'a str, &'a str) {
    if doc.starts_with(heading) {
        return ("", doc);
    }
    match doc.find(&format!("\n{heading}")) {
        Some(at) => doc.split_at(at + 1),
        None => (doc, ""),
    }
}

/// `new` when the run owns the section, else `old`.
fn pick<'a>(owned: bool, new: &'a str, old: &'a str) -> &'a str {
    if owned { new } else { old }
}

/// docs/fidelity.md split into its five sections: hand-written scenarios, generated
/// scenarios, the shared-cluster policy's groups, preemption, sbatch corpus.
fn split_doc(doc: &str) -> (&str, &str, &str, &str, &str) {
    let (head, corpus) = split_at_heading(doc, CORPUS_HEADING);
    let (head, preempt) = split_at_heading(head, preempt::PREEMPT_HEADING);
    let (head, policy) = split_at_heading(head, accounting::POLICY_HEADING);
    let (scenarios, generated) = split_at_heading(head, GENERATED_HEADING);
    (scenarios, generated, policy, preempt, corpus)
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
    // The plain parts were recorded without accounting: live Slurm in accounting mode
    // would answer other questions (and fair-share settings may differ).
    if mode.live() && (parts.scenarios || parts.generated || parts.corpus) && slurm::accounting() {
        eprintln!(
            "fidelity: the harness's Slurm is in accounting mode (FIDELITY_ACCOUNTING=1): \
             run FIDELITY_PART=accounting on it, the other parts on the plain harness"
        );
        return ExitCode::FAILURE;
    }
    if mode.live() && (parts.scenarios || parts.generated || parts.corpus) && slurm::preempt() {
        eprintln!(
            "fidelity: the harness's Slurm is in the preemption mode (FIDELITY_PREEMPT=1): \
             run FIDELITY_PART=preempt on it, the other parts on the plain harness"
        );
        return ExitCode::FAILURE;
    }
    if mode == Mode::Explore {
        return match generated::explore(&cluster) {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fidelity: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let scenarios = if parts.scenarios {
        scenario::run(mode, &cluster)
    } else {
        scenario::ScenarioOutcome::default()
    };
    let generated = if parts.generated {
        generated::run(mode, &cluster)
    } else {
        scenario::ScenarioOutcome::default()
    };
    let corpus = if parts.corpus {
        corpus::run(mode, &cluster)
    } else {
        corpus::CorpusOutcome::default()
    };
    let accounting = if parts.accounting {
        match cluster::load_accounting() {
            Ok(c) => accounting::run(mode, &c),
            Err(e) => scenario::ScenarioOutcome {
                failures: vec![e],
                ..scenario::ScenarioOutcome::default()
            },
        }
    } else {
        scenario::ScenarioOutcome::default()
    };
    let fairshare = if parts.fairshare {
        match cluster::load_fairshare() {
            Ok(c) => accounting::run_fairshare(mode, &c),
            Err(e) => scenario::ScenarioOutcome {
                failures: vec![e],
                ..scenario::ScenarioOutcome::default()
            },
        }
    } else {
        scenario::ScenarioOutcome::default()
    };
    let preempt = if parts.preempt {
        preempt::run(mode)
    } else {
        scenario::ScenarioOutcome::default()
    };
    let scenario_md = scenario::report_md(&scenarios);
    let generated_md = generated::report_md(&generated);
    // Recorded: every difference of the generated corpus is fixed or documented. Live: a
    // batch of new observations, failed only below a floor (see `generated::LIVE_FLOOR`).
    let generated_strict = generated::STRICT && mode != Mode::Live;
    let live_short = mode == Mode::Live
        && generated.compared > 0
        && (generated.identical as f64) < generated::LIVE_FLOOR * generated.compared as f64;
    if live_short {
        eprintln!(
            "fidelity: the live generated batch agrees on {} of {} decisions, below {:.0}%",
            generated.identical,
            generated.compared,
            generated::LIVE_FLOOR * 100.0
        );
    }
    let generated_failed = if generated_strict {
        generated.failures.len()
    } else {
        usize::from(live_short)
    };
    // A scenario without a row could not be run or read at all: that fails even while the
    // group is not strict; its differences only fail when it is.
    let accounting_broken = accounting
        .failures
        .iter()
        .filter(|f| {
            !accounting
                .rows
                .iter()
                .any(|r| f.starts_with(&format!("{}: job ", r.name)))
        })
        .count();
    let accounting_failed = if accounting::ACCOUNTING_STRICT {
        accounting.failures.len()
    } else {
        accounting_broken
    };
    let preempt_broken = preempt
        .failures
        .iter()
        .filter(|f| {
            !preempt
                .rows
                .iter()
                .any(|r| f.starts_with(&format!("{}: job ", r.name)))
        })
        .count();
    let preempt_failed = if preempt::PREEMPT_STRICT {
        preempt.failures.len()
    } else {
        preempt_broken
    };
    let mut failed = scenarios.failures.len()
        + generated_failed
        + corpus.failures.len()
        + accounting_failed
        + fairshare.failures.len()
        + preempt_failed;
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fidelity.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let (old_scenario_md, old_generated_md, old_policy_md, old_preempt_md, old_corpus_md) =
        split_doc(&doc);
    let policy_md = accounting::report_md(&accounting, &fairshare);
    let preempt_md = preempt::report_md(&preempt);
    let preempt_whole = parts.preempt && mode != Mode::Live;
    let new_preempt_md = pick(preempt_whole, &preempt_md, old_preempt_md);
    // The groups own their section when both ran whole from their recordings or live
    // Slurm in their modes (a live CI run takes a subset).
    let policy_whole = parts.accounting && parts.fairshare && mode != Mode::Live;
    let new_policy_md = pick(policy_whole, &policy_md, old_policy_md);
    // Each part that ran whole owns its section of the report; a partial run leaves the
    // document alone (its report goes to stdout). A live run asks Slurm about a batch of
    // the generated corpus only, so it never owns that section.
    let generated_whole = parts.generated && mode != Mode::Live;
    let new_scenario_md = pick(parts.scenarios_whole, &scenario_md, old_scenario_md);
    let new_generated_md = pick(generated_whole, &generated_md, old_generated_md);
    let new_corpus_md = pick(parts.corpus, &corpus.report_md, old_corpus_md);
    let owns_any =
        parts.scenarios_whole || generated_whole || parts.corpus || policy_whole || preempt_whole;
    if matches!(mode, Mode::Record | Mode::Report) && owns_any {
        let report = format!(
            "{new_scenario_md}{new_generated_md}{new_policy_md}{new_preempt_md}{new_corpus_md}"
        );
        if let Err(e) = std::fs::write(&doc_path, &report) {
            eprintln!("fidelity: writing {}: {e}", doc_path.display());
            failed += 1;
        }
    } else if new_scenario_md != old_scenario_md
        || new_generated_md != old_generated_md
        || new_policy_md != old_policy_md
        || new_preempt_md != old_preempt_md
        || new_corpus_md != old_corpus_md
    {
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
    if mode != Mode::Live && parts.scenarios_whole && generated_whole && parts.corpus {
        let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
        for quote in [
            format!(
                "{} of {} scheduling decisions",
                scenarios.identical, scenarios.compared
            ),
            format!(
                "{} of {} decisions of {} generated scenarios",
                generated.identical,
                generated.compared,
                generated.rows.len()
            ),
            format!("{} of {} sbatch", corpus.identical, corpus.checked),
        ]
        .into_iter()
        .chain(policy_whole.then(|| {
            format!(
                "{} of {} decisions of {} scenarios",
                accounting.identical,
                accounting.compared,
                accounting.rows.len()
            )
        }))
        .chain(policy_whole.then(|| {
            format!(
                "{} of {} decisions",
                fairshare.identical, fairshare.compared
            )
        }))
        .chain(preempt_whole.then(|| {
            format!(
                "{} of {} decisions of the {} preemption scenarios",
                preempt.identical,
                preempt.compared,
                preempt.rows.len()
            )
        })) {
            if !readme.contains(&quote) {
                eprintln!("fidelity: README.md does not quote \"{quote}\" (docs/fidelity.md)");
                failed += 1;
            }
        }
    }
    if parts.scenarios && !parts.scenarios_whole {
        print!("{scenario_md}");
    }
    if parts.generated && !generated_whole {
        print!("{generated_md}");
    }
    for f in scenarios.failures.iter().chain(&corpus.failures) {
        eprintln!("FAIL {f}");
    }
    if parts.accounting {
        for r in &accounting.rows {
            println!(
                "fidelity: accounting {}: {} of {} jobs identical ({})",
                r.name, r.identical, r.jobs, r.description
            );
        }
        for f in &accounting.failures {
            let tag = if accounting::ACCOUNTING_STRICT {
                "FAIL"
            } else {
                "DIFF"
            };
            eprintln!("{tag} accounting {f}");
        }
        println!(
            "fidelity: accounting group: {}/{} decisions identical in {} scenarios \
             (ACCOUNTING_STRICT={})",
            accounting.identical,
            accounting.compared,
            accounting.rows.len(),
            accounting::ACCOUNTING_STRICT
        );
    }
    if parts.fairshare {
        for r in &fairshare.rows {
            println!(
                "fidelity: fairshare {}: {} of {} jobs identical ({})",
                r.name, r.identical, r.jobs, r.description
            );
            for d in &r.deviations {
                println!("fidelity: fairshare {}: deviation {d}", r.name);
            }
        }
        for f in &fairshare.failures {
            eprintln!("FAIL fairshare {f}");
        }
        println!(
            "fidelity: fair-share group: {}/{} decisions identical in {} scenarios",
            fairshare.identical,
            fairshare.compared,
            fairshare.rows.len()
        );
    }
    if parts.preempt {
        for r in &preempt.rows {
            println!(
                "fidelity: preempt {}: {} of {} jobs identical ({})",
                r.name, r.identical, r.jobs, r.description
            );
            for d in &r.deviations {
                println!("fidelity: preempt {}: deviation {d}", r.name);
            }
        }
        for f in &preempt.failures {
            // A scenario that could not be run or read fails even while the group is not
            // strict.
            let broken = !preempt
                .rows
                .iter()
                .any(|r| f.starts_with(&format!("{}: job ", r.name)));
            let tag = if preempt::PREEMPT_STRICT || broken {
                "FAIL"
            } else {
                "DIFF"
            };
            eprintln!("{tag} preempt {f}");
        }
        println!(
            "fidelity: preempt group: {}/{} decisions identical in {} scenarios \
             (PREEMPT_STRICT={})",
            preempt.identical,
            preempt.compared,
            preempt.rows.len(),
            preempt::PREEMPT_STRICT
        );
    }
    for f in &generated.failures {
        if generated_strict {
            eprintln!("FAIL {f}");
        } else {
            eprintln!("DIFF {f}");
        }
    }
    println!(
        "fidelity ({mode:?}): scenarios {}/{} decisions identical; generated {}/{} in {} \
         scenarios; corpus {}/{} agree; {failed} failure(s)",
        scenarios.identical,
        scenarios.compared,
        generated.identical,
        generated.compared,
        generated.rows.len(),
        corpus.agreed,
        corpus.checked
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
