//! A job as the scheduler holds it: its request, state, times and allocation.

use super::decision::NodeAllocation;
use crate::dependency::DependencyTracker;
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::resolve::ResolvedJob;
use crate::time::{TimeLimit, Timestamp};
use serde::Serialize;
use std::sync::Arc;

/// Who holds a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HoldKind {
    /// `--hold` or `scontrol hold` by the user (JobHeldUser).
    User,
    /// An administrator (JobHeldAdmin).
    Admin,
}

/// A job known to the scheduler: pending, running or finished.
#[derive(Debug, Clone)]
pub struct Job {
    pub(crate) id: JobId,
    /// `(array job id, task index)` for an array task that has its own record.
    pub(crate) array_task: Option<(JobId, u32)>,
    /// Shared with every job of the same user (the scheduler's user table).
    pub(crate) user: Arc<str>,
    pub(crate) user_idx: u32,
    /// The job's account's index in the scheduler's account table (the limits count
    /// usage per account).
    pub(crate) account_idx: u32,
    /// The job's association, when the cluster has associations.
    pub(crate) assoc: Option<u32>,
    pub(crate) resolved: ResolvedJob,
    pub(crate) state: JobState,
    pub(crate) reason: Option<PendingReason>,
    /// What slurmctld's main scheduler said with the reason, which squeue prints in its
    /// place (`ReqNodeNotAvail, UnavailableNodes:n2`), when the main pass gave one.
    pub(crate) desc: Option<Box<str>>,
    pub(crate) priority: u32,
    pub(crate) hold: Option<HoldKind>,
    pub(crate) submit: Timestamp,
    pub(crate) eligible: Option<Timestamp>,
    pub(crate) start: Option<Timestamp>,
    pub(crate) end: Option<Timestamp>,
    pub(crate) time_limit: TimeLimit,
    /// Shared with every job that ran in the partition (the scheduler's partition table).
    pub(crate) partition: Option<Arc<str>>,
    pub(crate) allocation: Vec<NodeAllocation>,
    /// The node index of each entry of `allocation`.
    pub(crate) alloc_nodes: Box<[u32]>,
    pub(crate) exit_code: Option<i32>,
    pub(crate) comment: Option<String>,
    pub(crate) restarts: u32,
    /// Seconds it spent SUSPENDED in its current run: its end moves by as much (the time
    /// limit counts running time only).
    pub(crate) suspended_secs: u32,
    /// The dependency and each item's outcome so far (a fulfilled singleton stays
    /// fulfilled, a failed item stays failed even if its target is requeued).
    /// Boxed: most jobs have none, and a tracker is wide.
    pub(crate) dependency: Option<Box<DependencyTracker>>,
    /// Its place in the pending queue, while it is queued.
    pub(crate) queued: Option<Queued>,
    /// Whole nodes in every partition, for good: slurmctld's `_resolve_shared_status()`
    /// sets a job's `whole_node` when it tests the job on the nodes of an
    /// OverSubscribe=EXCLUSIVE partition, and nothing clears it (see
    /// `Scheduler::sharing`).
    pub(crate) whole_for_good: bool,
    /// What a running job is counted for against the limits, taken back when it ends.
    pub(crate) charge: Option<Box<crate::limits::Charge>>,
}

/// Where a queued job's entries are: the priority it was queued with (its key) and its
/// stream (`MISC`: in none). Made and read by the queue (`queue.rs`); defined here, with
/// the job that holds it, so that the job does not depend on the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Queued {
    pub(crate) priority: u32,
    pub(super) stream: u32,
}

impl Job {
    /// The job id (an array task's own id once it has started).
    #[must_use]
    pub fn id(&self) -> JobId {
        self.id
    }
    /// `(array job id, task index)` for an array task.
    #[must_use]
    pub fn array_task(&self) -> Option<(JobId, u32)> {
        self.array_task
    }
    /// The id as squeue shows it: `42`, or `7_3` for an array task.
    #[must_use]
    pub fn display_id(&self) -> String {
        match self.array_task {
            Some((array, task)) => format!("{array}_{task}"),
            None => self.id.to_string(),
        }
    }
    /// `--job-name` (or empty).
    #[must_use]
    pub fn name(&self) -> &str {
        self.resolved.request().job_name.as_deref().unwrap_or("")
    }
    /// The submitting user.
    #[must_use]
    pub fn user(&self) -> &str {
        &self.user
    }
    /// The account, if any (`--account`).
    #[must_use]
    pub fn account(&self) -> Option<&str> {
        self.resolved.request().account.as_deref()
    }
    /// The request as resolved at submit.
    #[must_use]
    pub fn resolved(&self) -> &ResolvedJob {
        &self.resolved
    }
    /// Current state.
    #[must_use]
    pub fn state(&self) -> JobState {
        self.state
    }
    /// Why it is pending; `None` when it is not pending, or pending with no reason yet
    /// (squeue's `None`).
    #[must_use]
    pub fn reason(&self) -> Option<&PendingReason> {
        self.reason.as_ref()
    }
    /// Current priority (0 while held).
    #[must_use]
    pub fn priority(&self) -> u32 {
        self.priority
    }
    /// Who holds it, if anyone.
    #[must_use]
    pub fn hold(&self) -> Option<HoldKind> {
        self.hold
    }
    /// When it was submitted.
    #[must_use]
    pub fn submit_time(&self) -> Timestamp {
        self.submit
    }
    /// When it became eligible to run (dependencies met, begin time reached, released).
    #[must_use]
    pub fn eligible_time(&self) -> Option<Timestamp> {
        self.eligible
    }
    /// When it started.
    #[must_use]
    pub fn start_time(&self) -> Option<Timestamp> {
        self.start
    }
    /// When it ended.
    #[must_use]
    pub fn end_time(&self) -> Option<Timestamp> {
        self.end
    }
    /// The time limit it runs under.
    #[must_use]
    pub fn time_limit(&self) -> TimeLimit {
        self.time_limit
    }
    /// The partition it runs (or ran) in.
    #[must_use]
    pub fn partition(&self) -> Option<&str> {
        self.partition.as_deref()
    }
    /// What it holds (or held), node by node.
    #[must_use]
    pub fn allocation(&self) -> &[NodeAllocation] {
        &self.allocation
    }
    /// Its exit code, once it ended.
    #[must_use]
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }
    /// The comment (`--comment`, or a cause the scheduler recorded).
    #[must_use]
    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    /// How many times it was requeued.
    #[must_use]
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}
