//! The preempt group: scenarios on the harness's preemption mode (`FIDELITY_PREEMPT=1`:
//! `preempt/slurm.conf.add`, PreemptType=preempt/partition_prio, PreemptMode=REQUEUE,
//! partitions `plo` (tier 1) and `phi` (tier 5) on the 4-CPU nodes), in `preempt/*.jobs`
//! with observations in `preempt/observed/`. Scenarios set their own preemption settings
//! with `@conf` lines (slurmctld restarted when a preemption key changes:
//! [`crate::accounting::needs_restart`]) and `@partition` lines, both put back after the
//! scenario.
//!
//! A scenario with `@sacctmgr` lines (QOS preemption) needs the accounting mode too
//! (`FIDELITY_ACCOUNTING=1 FIDELITY_PREEMPT=1`) and is replayed on that cluster; the others
//! need the preemption mode alone. Live, each is asked of Slurm only when the harness is
//! in its mode, and taken from its recording otherwise, so recording the whole group takes
//! two harness set-ups.
//!
//! Besides state, start, nodes and reason, each job's preemption facts are compared
//! (`restarts`, `preempted`, `resumed`: [`crate::scenario`]'s `preempt` lines). The group
//! is strict ([`PREEMPT_STRICT`]): every difference is fixed or documented.

use crate::Mode;
use crate::cluster;
use crate::scenario::{self, ScenarioOutcome};
use crate::slurm;
use std::path::PathBuf;

/// How far apart Slurm's and hpcsched's starts may be in this group, in seconds. A
/// preemptee's nodes are free once its processes are gone: on the emulated cluster
/// (`proctrack/pgid`) slurmstepd finds the killed `sleep` gone at once or after its 1 s
/// and 2 s back-off, so the preemptor starts 0 or 3-4 s later from run to run, and a
/// requeued job's BeginTime (121 s after its requeue completed) moves with it. hpcsched
/// frees them at once and starts the preemptor the next second.
pub const PREEMPT_START_TOLERANCE: u64 = 5;

/// Whether a difference in the preempt group fails the suite (it was `false` while
/// hpcsched did not preempt: differences were listed as `DIFF`, and only a broken run
/// failed).
pub const PREEMPT_STRICT: bool = true;

/// The heading that starts the preemption section of docs/fidelity.md.
pub const PREEMPT_HEADING: &str = "## Preemption\n";

/// The group's section of docs/fidelity.md.
pub fn report_md(preempt: &ScenarioOutcome) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{PREEMPT_HEADING}\n\
         Scenarios on the harness's preemption mode (`FIDELITY_PREEMPT=1`: \
         `PreemptType=preempt/partition_prio`, partitions `plo` and `phi` on the 4-CPU nodes; \
         the `q*` scenarios on the accounting mode with `preempt/qos`: \
         `tests/fidelity/preempt/`). Besides state, start, nodes and reason, each job's \
         restarts, the second it was preempted (and by whom) and resumed are compared. Starts \
         agree within {PREEMPT_START_TOLERANCE} s: a preemptee's processes are gone at once \
         or 3-4 s after the kill on the emulated nodes, which moves the preemptor's start \
         and a requeued job's BeginTime from run to run.\n\n\
         **{} of {} job decisions identical.**\n",
        preempt.identical, preempt.compared
    );
    out.push_str(&scenario::table_md(preempt));
    out
}

/// Runs the group (see the module docs).
pub fn run(mode: Mode) -> ScenarioOutcome {
    let mut outcome = ScenarioOutcome::default();
    let root = crate::root().join("preempt");
    let observed = root.join("observed");
    let live_preempt = mode.live() && slurm::up() && slurm::preempt();
    let live_accounting = live_preempt && slurm::accounting() && !slurm::fairshare();
    if mode.live() && !live_preempt {
        eprintln!(
            "fidelity: the harness's Slurm is not in the preemption mode (FIDELITY_PREEMPT=1 \
             tests/fidelity/harness/setup.sh): the preempt group is taken from its recordings"
        );
    }
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&root) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jobs"))
            .collect(),
        Err(e) => {
            outcome.failures.push(format!("{}: {e}", root.display()));
            return outcome;
        }
    };
    paths.sort();
    let only = crate::only();
    let selected = |p: &std::path::Path| {
        only.as_ref().is_none_or(|only| {
            p.file_stem().is_some_and(|s| {
                let s = s.to_string_lossy();
                only.iter().any(|o| s.contains(o.as_str()))
            })
        })
    };
    if mode == Mode::Live {
        paths.retain(|p| selected(p));
    }
    let (mut plain, mut qos) = (Vec::new(), Vec::new());
    for path in paths {
        let s = match scenario::load(&path) {
            Ok(mut s) => {
                s.start_tolerance = Some(PREEMPT_START_TOLERANCE);
                s
            }
            Err(e) => {
                outcome.failures.push(e);
                continue;
            }
        };
        let needs_accounting = !s.sacctmgr.is_empty();
        let ask = live_preempt && selected(&path) && needs_accounting == live_accounting;
        if live_preempt && selected(&path) && !ask {
            eprintln!(
                "fidelity: preempt {}: needs the preemption mode {} the accounting mode: \
                 taken from its recording",
                s.name_str(),
                if needs_accounting { "with" } else { "without" }
            );
        }
        let observed = observed.join(format!("{}.tsv", s.name_str()));
        if needs_accounting {
            qos.push((s, observed, ask));
        } else {
            plain.push((s, observed, ask));
        }
    }
    for (list, load) in [
        (
            plain,
            cluster::load_preempt as fn() -> Result<cluster::FidelityCluster, String>,
        ),
        (qos, cluster::load_preempt_accounting),
    ] {
        if list.is_empty() {
            continue;
        }
        match load() {
            Ok(c) => scenario::run_list(mode, false, &c, list, &mut outcome),
            Err(e) => outcome.failures.push(e),
        }
    }
    outcome
}
