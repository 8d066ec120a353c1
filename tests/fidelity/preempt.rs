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
//! is not strict ([`PREEMPT_STRICT`]) until hpcsched preempts.

use crate::Mode;
use crate::cluster;
use crate::scenario::{self, ScenarioOutcome};
use crate::slurm;
use std::path::PathBuf;

/// Whether a difference in the preempt group fails the suite. `false` until hpcsched
/// emits its preemption decisions: the group's figures are printed, its differences
/// listed as `DIFF`, and only a broken run (no observation) fails.
pub const PREEMPT_STRICT: bool = false;

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
            Ok(s) => s,
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
            // One try each: differences are expected until hpcsched preempts.
            Ok(c) => scenario::run_list(mode, false, &c, list, &mut outcome),
            Err(e) => outcome.failures.push(e),
        }
    }
    outcome
}
