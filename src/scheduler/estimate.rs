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
    /// The description slurmctld gives with the reason, which squeue prints in its place
    /// (`ReqNodeNotAvail, UnavailableNodes:n[1-2]`); `None` when it gives none. See
    /// [`Estimate::reason_text`].
    #[serde(default)]
    pub description: Option<String>,
}

impl Estimate {
    /// The reason as squeue's `%r` prints it: the description when there is one, else the
    /// reason's name.
    ///
    /// ```
    /// use hpcsched::{Cluster, PendingReason, Scheduler, Timestamp};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-2] CPUs=4 RealMemory=4096\nPartitionName=p Nodes=n[1-2] Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// s.drain_node("n2", "disk")?;
    /// let args = hpcsched::sbatch::parse_args(&["-w", "n[1-2]", "-t", "10"])?;
    /// s.submit(&args, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// let e = &s.estimates()[0];
    /// assert_eq!(e.reason, PendingReason::ReqNodeNotAvail);
    /// assert_eq!(e.reason_text(), "ReqNodeNotAvail, UnavailableNodes:n2");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn reason_text(&self) -> &str {
        self.description
            .as_deref()
            .unwrap_or_else(|| self.reason.as_str())
    }
}
