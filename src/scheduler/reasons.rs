//! The pending reasons a pass gives the jobs it cannot start (Resources, Priority, and
//! the descriptions slurmctld gives with them), and the reasons and plans it gathers on
//! the way.

use super::Scheduler;
use super::estimate::Planned;
use super::job::Job;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::PendingReason;
use crate::planner::NodeIdx;
use crate::time::Timestamp;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The description slurmctld's main scheduler gives a job whose partition has fewer nodes
/// left than it needs (`_schedule()`).
pub(super) const RESERVED_ELSEWHERE: &str =
    "Nodes required for job are DOWN, DRAINED or reserved for jobs in higher priority partitions";

/// Reasons and plans gathered during a pass.
#[derive(Default, Debug)]
pub(super) struct PassState {
    /// Jobs started, planned or otherwise settled this pass.
    pub(super) handled: HashSet<JobId, FastBuild>,
    /// Partitions in which a job has already been found blocked (later ones: Priority).
    pub(super) blocked_parts: BTreeSet<usize>,
    /// What the pass found for each job it could not start, when there is something to
    /// keep (see [`Scheduler::note_blocked`]); [`Estimate`](super::Estimate)s are built
    /// from it when asked.
    pub(super) planned: HashMap<JobId, Planned, FastBuild>,
    /// The main pass gave the queued jobs their reasons: backfill leaves them.
    pub(super) main_reasons: bool,
}

impl Scheduler {
    /// Gives the queued jobs a pass did not look at the reason it would have given them:
    /// Priority, behind their partition's blocked job. Only jobs whose reason may be
    /// something else are listed in `unsettled` (new ones, the last pass's first blocked
    /// jobs); every other queued job has Priority already.
    pub(super) fn settle_skipped(
        &mut self,
        unsettled: Vec<JobId>,
        visited: &HashSet<JobId, FastBuild>,
        state: &PassState,
    ) {
        for id in unsettled {
            if visited.contains(&id) || state.handled.contains(&id) {
                continue;
            }
            let part = self.jobs.get(id).and_then(|j| {
                j.queued?;
                self.site.cluster.partition_index(j.resolved.partition())
            });
            let Some(part) = part else {
                continue;
            };
            let reason = if state.blocked_parts.contains(&part) {
                PendingReason::Priority
            } else {
                PendingReason::Resources
            };
            self.set_blocked_reason(id, reason);
        }
    }

    /// Gives a job that waits for resources its reason (Resources or Priority), unless it
    /// waits for something else.
    fn set_blocked_reason(&mut self, id: JobId, reason: PendingReason) {
        let Some(job) = self.jobs.get_mut(id) else {
            return;
        };
        // A reason the main pass described (too few nodes available) stays: backfill
        // sets no reason in slurmctld.
        if job.desc.is_none()
            && matches!(
                job.reason,
                None | Some(PendingReason::Resources | PendingReason::Priority)
            )
        {
            let resources = reason == PendingReason::Resources;
            job.reason = Some(reason);
            job.desc = None;
            if resources {
                // A later pass may skip it: it then becomes Priority (`settle_skipped`).
                self.queue.unsettled.push(id);
            }
        }
    }

    /// The description slurmctld gives with a pending reason, which squeue prints in its
    /// place (observed on 22.05, fidelity scenarios `drain_node` and `drain_too_many`):
    /// - ReqNodeNotAvail: `ReqNodeNotAvail, UnavailableNodes:` and the nodes of the job's
    ///   `--nodelist` that are out of service;
    /// - Resources, when the partition has fewer nodes in service than the job needs: the
    ///   main scheduler's "Nodes required for job are DOWN, DRAINED or reserved for jobs in
    ///   higher priority partitions" (`_schedule()`).
    pub(crate) fn reason_description(&self, job: &Job, partition: &str) -> Option<String> {
        if let Some(desc) = &job.desc {
            return (!desc.is_empty()).then(|| desc.to_string());
        }
        match job.reason.as_ref()? {
            PendingReason::ReqNodeNotAvail => {
                let down: Vec<String> = job
                    .resolved
                    .request()
                    .nodelist
                    .iter()
                    .filter(|n| self.site.out_of_service(n))
                    .cloned()
                    .collect();
                (!down.is_empty()).then(|| {
                    format!(
                        "ReqNodeNotAvail, UnavailableNodes:{}",
                        crate::hostlist::compress(&down)
                    )
                })
            }
            PendingReason::Resources => {
                let part = self.site.cluster.partition(partition)?;
                let in_service = part
                    .nodes
                    .iter()
                    .filter(|n| !self.site.out_of_service(n))
                    .count();
                (in_service < job.resolved.min_nodes() as usize)
                    .then(|| RESERVED_ELSEWHERE.to_owned())
            }
            _ => None,
        }
    }

    /// Records that a job could not start now: its estimate, and its reason (the first
    /// blocked job of a partition waits for Resources, the ones behind it for Priority).
    pub(super) fn note_blocked(
        &mut self,
        id: JobId,
        part: usize,
        state: &mut PassState,
        start: Option<Timestamp>,
        nodes: Vec<NodeIdx>,
    ) {
        if !state.main_reasons {
            self.note_blocked_reason(part, id, state);
        }
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        // Not planned, in the partition the estimate names anyway: nothing to keep.
        if start.is_some() || !self.is_default_part(job, part) {
            state.planned.insert(id, Planned { part, start, nodes });
        }
    }

    /// The reason part of [`Self::note_blocked`].
    pub(super) fn note_blocked_reason(&mut self, part: usize, id: JobId, state: &mut PassState) {
        let reason = if state.blocked_parts.insert(part) {
            PendingReason::Resources
        } else {
            PendingReason::Priority
        };
        self.set_blocked_reason(id, reason);
    }

    /// Whether `part` is the partition an estimate names for `job` when it has no plan:
    /// its only one, or the first of its list.
    pub(super) fn is_default_part(&self, job: &Job, part: usize) -> bool {
        match job.resolved.partitions() {
            [_] => true,
            _ => self.site.cluster.partition_index(job.resolved.partition()) == Some(part),
        }
    }

    pub(super) fn set_reason(&mut self, id: JobId, reason: PendingReason) {
        if let Some(job) = self.jobs.get_mut(id) {
            job.reason = Some(reason);
            job.desc = None;
        }
    }

    /// Sets a reason with the description slurmctld gives it.
    pub(super) fn set_described(&mut self, id: JobId, reason: PendingReason, desc: String) {
        if let Some(job) = self.jobs.get_mut(id) {
            job.reason = Some(reason);
            job.desc = Some(desc.into_boxed_str());
        }
    }
}
