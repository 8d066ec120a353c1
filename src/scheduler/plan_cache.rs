//! The plan cache: what one pass keeps for the next (the plan of the running jobs, the
//! backfill walk) and for the host (the plans of the pending jobs, the estimates built
//! from them), with what tells the next pass how much of it still holds.

use super::estimate::{Estimate, Planned};
use super::pass::KeptPass;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::planner::{NodeIdx, Profile};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// The plan cache.
///
/// Invariants:
/// - `profile`, when kept, is the plan of the running jobs as the last pass left it, its
///   reservations and blocks undoable ([`Profile::undo_touched`]); once those are undone
///   and the nodes in `dirty`, the restored ones in `started_nodes` and the ones of the
///   overdue jobs (`super::events::EventIndex::overdue`) are planned again, it is the
///   profile `Scheduler::build_profile` would build (`Scheduler::pass_profile`). A job
///   a pass starts puts its nodes in `started_nodes`; every other change to a node's
///   running jobs or state (an end, a new time limit, a drain) puts it in `dirty`.
/// - `planned` holds the last pass's plans unless `on_demand` (a pass without backfill),
///   when they are made on first use into `made`; `made` and `estimates` are emptied by
///   every pass.
/// - `kept_pass` is the last backfill walk only where a pass may go on from it (the plan
///   is reused and the policy allows it, `Scheduler::continuable`); `sharing_changed`
///   forbids the next pass to.
#[derive(Debug, Clone, Default)]
pub(super) struct PlanCache {
    /// The plan of running jobs kept from one pass to the next (see `pass_profile`):
    /// each pass starts from it instead of a profile built from scratch.
    pub(super) profile: Option<Profile>,
    /// Nodes whose running jobs (or state) changed since the last pass.
    pub(super) dirty: Vec<u32>,
    /// Nodes on which jobs started in the current or last pass.
    pub(super) started_nodes: Vec<u32>,
    /// The plans the last pass found for pending jobs that have one (an expected start,
    /// or a partition other than their first).
    pub(super) planned: HashMap<JobId, Planned, FastBuild>,
    /// Whether the last pass left its plans to be made when asked for (no backfill: they
    /// decide nothing), in `made`, rather than in `planned`.
    pub(super) on_demand: bool,
    /// The plans made when asked for (see `on_demand`).
    pub(super) made: OnceLock<HashMap<JobId, Planned, FastBuild>>,
    /// The estimates built from the plans, once asked for.
    pub(super) estimates: OnceLock<Vec<Estimate>>,
    /// The last backfill pass's walk, kept so that a pass after which only new jobs came
    /// can go on from it (see `Scheduler::continue_pass`).
    pub(super) kept_pass: Option<Box<KeptPass>>,
    /// The last backfill walk's horizon may hide a start (see `Scheduler::horizon_cut`).
    pub(super) horizon_cut: bool,
    /// A job became whole-node for good in the last pass (`Job::whole_for_good`): its
    /// demand changed, so the next pass starts from scratch.
    pub(super) sharing_changed: bool,
}

impl PlanCache {
    /// The nodes of `restored` on which a job started in this pass or the last.
    pub(super) fn started_on(&self, restored: &[NodeIdx]) -> Vec<NodeIdx> {
        if self.started_nodes.is_empty() {
            return Vec::new();
        }
        let started: BTreeSet<u32> = self.started_nodes.iter().copied().collect();
        restored
            .iter()
            .copied()
            .filter(|n| started.contains(n))
            .collect()
    }
}
