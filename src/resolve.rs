//! Resolving a request against a cluster, the way slurmctld does at submit: pick the
//! partition(s), apply defaults (DefaultTime, DefMemPerCPU or whole-node memory, tasks and
//! CPUs), and decide whether sbatch would reject the job or let it pend.

use crate::cluster::Cluster;
use crate::gres::GresSpec;
use crate::job_state::PendingReason;
use crate::memory::Memory;
use crate::request::JobRequest;
use crate::time::TimeLimit;

/// Memory a resolved job gets on each node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResolvedMemory {
    /// This much per node (`--mem`, `DefMemPerNode`).
    PerNode(Memory),
    /// This much per allocated CPU (`--mem-per-cpu`, `DefMemPerCPU`).
    PerCpu(Memory),
    /// This much per allocated GPU (`--mem-per-gpu`, `DefMemPerGPU`).
    PerGpu(Memory),
    /// All of each allocated node's memory (`--mem=0`, or no default configured).
    WholeNode,
}

/// The request as the cluster will schedule it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResolvedJob {}

impl ResolvedJob {
    /// The request this was resolved from.
    #[must_use]
    pub fn request(&self) -> &JobRequest {
        todo!("resolve helper")
    }
    /// The partition the job goes to first (the first of [`ResolvedJob::partitions`]).
    #[must_use]
    pub fn partition(&self) -> &str {
        todo!("resolve helper")
    }
    /// Every partition the job may run in, highest PriorityTier first, then written order.
    #[must_use]
    pub fn partitions(&self) -> &[String] {
        todo!("resolve helper")
    }
    /// The QOS, if the job names one or the partition has a default.
    #[must_use]
    pub fn qos(&self) -> Option<&str> {
        todo!("resolve helper")
    }
    /// Minimum node count.
    #[must_use]
    pub fn min_nodes(&self) -> u32 {
        todo!("resolve helper")
    }
    /// Maximum node count.
    #[must_use]
    pub fn max_nodes(&self) -> u32 {
        todo!("resolve helper")
    }
    /// Number of tasks.
    #[must_use]
    pub fn ntasks(&self) -> u32 {
        todo!("resolve helper")
    }
    /// CPUs per task.
    #[must_use]
    pub fn cpus_per_task(&self) -> u32 {
        todo!("resolve helper")
    }
    /// The least number of CPUs the job is allocated in total.
    #[must_use]
    pub fn min_cpus(&self) -> u32 {
        todo!("resolve helper")
    }
    /// Memory per node, per CPU, per GPU or whole nodes.
    #[must_use]
    pub fn memory(&self) -> ResolvedMemory {
        todo!("resolve helper")
    }
    /// GRES needed on each allocated node.
    #[must_use]
    pub fn gres_per_node(&self) -> &[GresSpec] {
        todo!("resolve helper")
    }
    /// The time limit the job runs under.
    #[must_use]
    pub fn time_limit(&self) -> TimeLimit {
        todo!("resolve helper")
    }
    /// Whether the job is allocated whole nodes.
    #[must_use]
    pub fn whole_nodes(&self) -> bool {
        todo!("resolve helper")
    }
    /// Whether its nodes may hold only this user's jobs.
    #[must_use]
    pub fn user_exclusive(&self) -> bool {
        todo!("resolve helper")
    }
    /// Why the job would pend forever as submitted (a limit it breaks that
    /// EnforcePartLimits lets through, a DOWN partition), if any.
    #[must_use]
    pub fn pending_reason(&self) -> Option<PendingReason> {
        todo!("resolve helper")
    }
}

/// One reason sbatch would reject a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// No `-p` and no default partition.
    #[error("No partition specified or system default partition")]
    NoPartition,
}

/// Why a job would be rejected at submit: one or more reasons.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("job rejected: {}", .reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Rejection {
    reasons: Vec<RejectReason>,
}

impl Rejection {
    /// The reasons, most fundamental first.
    #[must_use]
    pub fn reasons(&self) -> &[RejectReason] {
        &self.reasons
    }
}

impl Cluster {
    /// Resolves a request against this cluster.
    pub fn resolve(&self, request: &JobRequest) -> Result<ResolvedJob, Rejection> {
        let _ = request;
        todo!("resolve helper")
    }
}
