//! Expected start times of pending jobs, the way `squeue --start` shows them.

use crate::job_id::JobId;
use crate::job_state::PendingReason;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A pending job's expected start, as of the last [`crate::Scheduler::schedule`] call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The job (an array's pending record carries the array job id).
    pub job: JobId,
    /// Display id: `42`, or `7_[2-5%2]` for an array's pending tasks.
    pub display_id: String,
    /// The partition it is planned in (the one with the earliest start).
    pub partition: String,
    /// Expected start (`None`: N/A, the job was not planned, e.g. it waits on a dependency).
    pub start: Option<Timestamp>,
    /// Planned nodes (SchedNodeList), empty when not planned.
    pub nodes: Vec<String>,
    /// Why it is pending.
    pub reason: PendingReason,
}
