//! Why sbatch would reject a job: [`RejectReason`], and [`Rejection`] holding them.

use crate::job_state::PendingReason;

/// One reason sbatch would reject a job. The message is Slurm's (`slurm_strerror()` or
/// the controller's `err_msg`), with the offending name where Slurm gives one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// No `-p` and no default partition.
    #[error("No partition specified or system default partition")]
    NoPartition,
    /// `-p` names a partition the cluster does not have.
    #[error("invalid partition specified: {0}")]
    InvalidPartition(String),
    /// Every named partition is DRAIN or INACTIVE (the first such is named).
    #[error("Required partition not available (inactive or drain): {0}")]
    PartitionNotAvailable(String),
    /// `-q` names a QOS the cluster does not have.
    #[error("Invalid qos specification: {0}")]
    InvalidQos(String),
    /// The partition's AllowQos/DenyQos refuses the job's QOS (with EnforcePartLimits).
    #[error("Invalid qos specification: QOS {qos} not permitted in partition {partition}")]
    QosNotAllowed {
        /// The partition.
        partition: String,
        /// The QOS.
        qos: String,
    },
    /// The partition's AllowAccounts/DenyAccounts refuses the job's account.
    #[error(
        "Invalid account or account/partition combination specified: account {account} not permitted in partition {partition}"
    )]
    AccountNotAllowed {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
    },
    /// `--time` above a partition's MaxTime (with EnforcePartLimits), or a DefaultTime of 0.
    #[error("Requested time limit is invalid (missing or exceeds some limit)")]
    InvalidTimeLimit {
        /// The partition whose limit is exceeded.
        partition: String,
    },
    /// `--time-min` above the time limit or the partition's MaxTime.
    #[error("Invalid time-min specification (exceeds job's time or other limits)")]
    InvalidTimeMin,
    /// A node count outside what the job or partition allows (`-N 0`, `-N 4-2`, more
    /// nodes than the partition has, outside MinNodes/MaxNodes with EnforcePartLimits).
    #[error("Node count specification invalid")]
    InvalidNodeCount,
    /// `--nodelist` names more distinct nodes than the `-N` maximum (`-N1 -w a,b`,
    /// `-N2 -w n[1-3]`). sbatch raises the minimum node count to the number of listed
    /// nodes and then refuses the range itself, before anything reaches slurmctld, so no
    /// job id is used (observed on 22.05: `-N1 -w a,b` and `-N1-1 -w a,b` print
    /// "invalid number of nodes (-N 2-1)"; `-N2 -w n[1-3]`, `-w n[1-3] -N2` and
    /// `-N1-2 -w n[1-3]` print "(-N 3-2)"; `-N1-3 -w n[1-3]` and `-N1 -w n1,n1` are
    /// accepted). The message is sbatch's.
    #[error("invalid number of nodes (-N {listed}-{max})")]
    NodeListOverMaxNodes {
        /// How many distinct nodes `--nodelist` names (the raised minimum).
        listed: u32,
        /// The `-N` maximum.
        max: u32,
    },
    /// `--gpus=N` with fewer GPUs than the minimum node count (`-N 2 --gpus=1`, or
    /// `-w a,b --gpus=1`): each node of the job needs one of them. sbatch refuses it
    /// itself, before anything reaches slurmctld (`_test_gres_cnt()` in
    /// `src/common/gres.c`, run by sbatch through `gres_job_state_validate()`; observed on
    /// 22.05: `-N 2 --gpus=a40:1` prints this message, then "Invalid generic resource
    /// (gres) specification"). The node count is sbatch's, after a `--nodelist` raised it
    /// and `-n` lowered it (`-n 1 -N 2 --gpus=1` is accepted). The message is sbatch's.
    #[error("Failed to validate job spec, --gpus < -N")]
    GpusBelowNodeCount {
        /// The `--gpus` count.
        gpus: u64,
        /// The minimum node count.
        nodes: u32,
    },
    /// `-n 0`, `--ntasks-per-node=0`.
    #[error("Task count specification invalid")]
    BadTaskCount,
    /// `-c 0`.
    #[error("CPU count specification invalid")]
    InvalidCpuCount,
    /// A negative `--nice` from a user other than root: raising a job's priority is
    /// privileged (observed on 22.05: `--nice=-10` as a user is refused with this
    /// message, as root accepted). Checked only when the request names its user.
    #[error("Invalid --nice value")]
    InvalidNice,
    /// With `EnforcePartLimits=ANY`, a job each of whose partitions is DOWN or breaks
    /// a limit, the last one tested breaking a limit: slurmctld's submit-time test
    /// (`_select_nodes_parts()`) finds no partition to run it in and refuses it (observed
    /// on 22.05: `b` DOWN, `a` over MaxTime, `-p b,a` is refused with this message while
    /// `-p a,b` is accepted and pends with PartitionDown).
    #[error("Requested partition configuration not available now")]
    PartitionConfigUnavailable,
    /// More CPUs in total than the partition has (with EnforcePartLimits).
    #[error("More processors requested than permitted")]
    TooManyCpus {
        /// The partition.
        partition: String,
    },
    /// A partition refuses the job's user, or any job (`ReqResv`).
    #[error("Access/permission denied (partition {partition})")]
    AccessDenied {
        /// The partition.
        partition: String,
    },
    /// root may not submit here (`DisableRootJobs`).
    #[error("Invalid user id")]
    InvalidUserId,
    /// `--nodelist`/`--exclude` names a node the cluster does not have, or both lists
    /// share a node.
    #[error("Invalid node name specified: {0}")]
    InvalidNodeName(String),
    /// `--nodelist` names a node outside the partition (with EnforcePartLimits).
    #[error("Requested nodes not in this partition: {node} (partition {partition})")]
    NodesNotInPartition {
        /// The partition.
        partition: String,
        /// The first node outside it.
        node: String,
    },
    /// A GRES name that no node of the cluster has.
    #[error("Invalid generic resource (gres) specification: {0}")]
    InvalidGres(String),
    /// A constraint that no node of the cluster satisfies.
    #[error("Invalid feature specification")]
    InvalidFeature,
    /// No node (or not enough nodes) of the partition can ever run the job.
    #[error("Requested node configuration is not available: {why} (partition {partition})")]
    NodeConfigUnavailable {
        /// The partition.
        partition: String,
        /// What no node satisfies, in Slurm's words where it has them.
        why: String,
    },
    /// More memory per node than MaxMemPerNode allows.
    #[error("Memory required by task is not available")]
    InvalidTaskMemory,
    /// An array index at or above MaxArraySize (or arrays disabled).
    #[error("Invalid job array specification")]
    InvalidArray,
    /// A QOS limit broken by a QOS with `DenyOnLimit` (the pending reason it would
    /// otherwise get is given).
    #[error(
        "Job violates accounting/QOS policy (job submit limit, user's size and/or time limits): {0:?}"
    )]
    QosPolicy(PendingReason),
}

/// Why a job would be rejected at submit: one or more reasons.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("job rejected: {}", .reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Rejection {
    pub(super) reasons: Vec<RejectReason>,
}

impl Rejection {
    /// The reasons, most fundamental first.
    #[must_use]
    pub fn reasons(&self) -> &[RejectReason] {
        &self.reasons
    }
}

impl From<RejectReason> for Rejection {
    fn from(reason: RejectReason) -> Self {
        Self {
            reasons: vec![reason],
        }
    }
}
