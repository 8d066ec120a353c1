//! The queue part: the eligible jobs in Slurm's order ([`Queue`]), kept from one pass to
//! the next, and what the passes note about it in between (which jobs to look at again,
//! which came, whether any left).

use super::queue::Queue;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use indexmap::IndexSet;

/// The queue and its bookkeeping.
///
/// Invariants:
/// - a job has records in `eligible` exactly when its `Job::queued` is set, under the
///   priority noted there and the partitions `Scheduler::queue_parts` gives it
///   (`Scheduler::sync_queue` and `Scheduler::dequeue` keep the two together);
/// - every pending job that is not eligible for good until it starts or is changed is
///   in `watch` (`Scheduler::needs_watch`); every change to a pending job puts it there;
/// - every queued job whose reason may be other than Priority is in `unsettled` (which
///   may also name jobs that have left the queue since, or a job twice);
/// - `arrivals` and `left` tell what happened to the queue since the last pass, and are
///   reset at its end;
/// - a job that has tries in partitions that cannot run it
///   (`ResolvedJob::has_unfit_tries`) when it is submitted or resolved again is put in
///   `with_unfit_tries`, which the main pass prunes to the pending jobs.
#[derive(Debug, Clone)]
pub(super) struct QueueState {
    /// The eligible jobs in Slurm's order, kept between passes.
    pub(super) eligible: Queue,
    /// Pending jobs whose eligibility the next pass must check (holds, begin times,
    /// dependencies, deadlines, required nodes, new or changed jobs); the others are
    /// eligible until they start or are changed.
    pub(super) watch: IndexSet<JobId, FastBuild>,
    /// Queued jobs whose reason may not be Priority (new, or the first blocked job of a
    /// partition last pass): the ones a pass skips get it.
    pub(super) unsettled: Vec<JobId>,
    /// Jobs queued since the last pass.
    pub(super) arrivals: Vec<JobId>,
    /// A job left the queue since the last pass (other than by starting in it).
    pub(super) left: bool,
    /// Jobs the main scheduler also tries in partitions that cannot run them
    /// (`ResolvedJob::has_unfit_tries`); pruned as they leave the queue, so that a pass
    /// does not walk the whole queue to find the few.
    pub(super) with_unfit_tries: Vec<JobId>,
}

impl QueueState {
    /// An empty queue over partitions of these PriorityTiers.
    pub(super) fn new(tiers: impl IntoIterator<Item = u16>) -> Self {
        QueueState {
            eligible: Queue::new(tiers),
            watch: IndexSet::default(),
            unsettled: Vec::new(),
            arrivals: Vec::new(),
            left: false,
            with_unfit_tries: Vec::new(),
        }
    }
}
