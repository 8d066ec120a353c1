//! Job states with Slurm's names and short codes, and pending reasons with Slurm's exact
//! strings (`src/common/job_state_reason.c`, squeue.1 "JOB STATE CODES").

use serde::{Deserialize, Serialize};

/// The base state of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum JobState {
    /// PD
    Pending,
    /// R
    Running,
    /// S
    Suspended,
    /// CD
    Completed,
    /// CA
    Cancelled,
    /// F
    Failed,
    /// TO
    Timeout,
    /// NF
    NodeFail,
    /// PR
    Preempted,
    /// BF
    BootFail,
    /// DL
    Deadline,
    /// OOM
    OutOfMemory,
}

/// Why a pending job is not running, with Slurm's reason names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PendingReason {
    /// `None`
    None,
    /// `Priority`
    Priority,
    /// `Resources`
    Resources,
}
