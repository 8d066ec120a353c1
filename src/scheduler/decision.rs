//! What the scheduler tells the host to do.

use crate::gres::GresKey;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::memory::Memory;
use crate::preempt::PreemptAction;
use crate::time::Timestamp;
use crate::tres::Tres;
use serde::{Deserialize, Serialize};

/// GRES devices given to a job on one node, by device index (`gpu:h100` indices 0 and 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GresAllocation {
    /// The node's GRES name and type.
    pub key: GresKey,
    /// Device indices on the node, ascending.
    pub indices: Vec<u32>,
}

/// What a job holds on one node.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NodeAllocation {
    /// Node name.
    pub node: String,
    /// CPUs.
    pub cpus: u32,
    /// Memory.
    pub memory: Memory,
    /// GRES devices.
    pub gres: Vec<GresAllocation>,
}

impl NodeAllocation {
    /// What the allocation holds on its node, as a resource vector (CPUs, memory, GRES
    /// counts; `nodes` is 0: a job on part of a node does not use up the node).
    pub(crate) fn used(&self) -> Tres {
        Tres {
            nodes: 0,
            cpus: self.cpus,
            memory: self.memory,
            gres: self
                .gres
                .iter()
                .map(|g| (g.key.clone(), g.indices.len() as u64))
                .collect(),
        }
    }
}

/// One decision from [`crate::Scheduler::schedule`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Decision {
    /// Start this job now on these nodes. For an array task, `job` is the task's own id
    /// (see [`crate::Job::array_task`]).
    Start {
        /// The job.
        job: JobId,
        /// The partition it runs in.
        partition: String,
        /// Its allocation, node by node in node order.
        nodes: Vec<NodeAllocation>,
    },
    /// Stop this running job: it reached its time limit. It is now in state TIMEOUT and
    /// its resources are free.
    Stop {
        /// The job.
        job: JobId,
        /// The state it ended in.
        state: JobState,
    },
    /// A pending job was ended without running (e.g. its dependency can never be
    /// satisfied under `kill_invalid_depend`, or it cannot finish before its deadline).
    End {
        /// The job.
        job: JobId,
        /// The state it ended in (CANCELLED, DEADLINE...).
        state: JobState,
        /// Why, in Slurm's words.
        reason: String,
    },
    /// A running job gives way to a pending job of a higher partition tier or QOS
    /// (`PreemptType`, `PreemptMode`).
    ///
    /// With `at` equal to the pass's time the scheduler has done it already: a CANCEL
    /// preemptee is PREEMPTED and a REQUEUE one PENDING again (its resources are free:
    /// the host kills its processes; a requeued job later starts again from the
    /// beginning), a SUSPEND one is SUSPENDED (the host stops its processes; it keeps
    /// its memory and GRES and is resumed by a [`Decision::Resume`]). With `at` later
    /// (the preemptee's `GraceTime`) the host signals the job now (SIGCONT, SIGTERM) and
    /// it keeps running: the pass at or after `at` repeats the decision with `at` equal
    /// to its time and does it, unless the job ended before.
    Preempt {
        /// The job preempted.
        job: JobId,
        /// The pending job it gives way to.
        by: JobId,
        /// What is done to it.
        action: PreemptAction,
        /// When it is done.
        at: Timestamp,
    },
    /// A suspended job runs again (the job that suspended it ended). Its time limit
    /// counts running time only: its end moved by the time it was suspended.
    Resume {
        /// The job.
        job: JobId,
    },
}

impl Decision {
    /// The job the decision is about.
    ///
    /// ```
    /// use hpcsched::{Decision, JobId, JobState};
    /// let d = Decision::Stop { job: JobId(7), state: JobState::Timeout };
    /// assert_eq!(d.job(), JobId(7));
    /// ```
    #[must_use]
    pub fn job(&self) -> JobId {
        match self {
            Decision::Start { job, .. }
            | Decision::Stop { job, .. }
            | Decision::End { job, .. }
            | Decision::Preempt { job, .. }
            | Decision::Resume { job } => *job,
        }
    }
}
