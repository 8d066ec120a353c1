//! Resolving a request against a cluster, the way slurmctld does at submit: pick the
//! partition(s), apply defaults (DefaultTime, DefMemPerCPU or whole-node memory, tasks and
//! CPUs), and decide whether sbatch would reject the job or let it pend.
//!
//! The order of the checks follows `_job_create()`, `_get_job_parts()`,
//! `_valid_job_part()`, `_part_access_check()` and `job_limits_check()` in Slurm's
//! `src/slurmctld/job_mgr.c`, plus the count massaging sbatch itself does before it sends
//! the request (`_opt_verify()` in `src/sbatch/opt.c`). Facts checked against a real
//! Slurm 22.05 controller are marked "(observed)".
//!
//! Two kinds of problem are told apart:
//! - **partition limits** (MaxTime, MinNodes/MaxNodes, the partition's node and CPU
//!   totals, required nodes outside the partition, AllowQos/AllowAccounts): what
//!   `EnforcePartLimits` governs. `ALL` rejects if any listed partition is violated,
//!   `ANY` rejects only if every listed partition is violated, `NO` accepts and the job
//!   pends with `PartitionTimeLimit`, `PartitionNodeLimit`, `PartitionConfig`... (observed);
//! - **node configuration** (CPUs, memory, GRES or features per node that no node of the
//!   partition has, too few such nodes): rejected with "Requested node configuration is
//!   not available" whatever `EnforcePartLimits` says (observed), unless another listed
//!   partition can run the job.
//!
//! A job listing several partitions gets a [`JobShape`] (counts, memory, time limit) in
//! each, as slurmctld tests it in each with that partition's settings
//! ([`ResolvedJob::shape_in`]); the DefaultTime is the first listed partition's. It is
//! also tested against each partition's limits, state and QOS on its own: a partition it
//! can not run in is skipped ([`ResolvedJob::pending_reason_in`]), and the job pends only
//! when it can run in none, with the reason of the last partition tested
//! ([`ResolvedJob::pending_reason`]). Some checks take the listed partitions together
//! (`_valid_job_part()`): `--time-min` against the largest MaxTime, and, with
//! EnforcePartLimits, the node counts and `--time` against the largest limits, which is
//! how a DOWN partition's limits are enforced (observed).
//!
//! Choices where hpcsched has to pick (documented on [`Cluster::resolve`](crate::Cluster::resolve)): the job QOS
//! defaults to `normal` when the cluster defines it; partitions that can never run the
//! job are dropped from [`ResolvedJob::partitions`]; the accessors of [`ResolvedJob`] give
//! the shape in the first remaining partition.
//!
//! Resolving reads the cluster's cached index of node kinds (see [`crate::cluster`]), so
//! its cost depends on the number of distinct kinds of node and the lengths of
//! `--nodelist`/`--exclude`, not on the number of nodes.

mod counts;
mod defaults;
mod fit;
mod flow;
mod indexed;
mod job;
mod limits;
mod node_demand;
mod node_view;
mod partitions;
mod reject;
mod request;
mod shape;

pub use job::ResolvedJob;
pub use reject::{RejectReason, Rejection};
pub use shape::{JobShape, ResolvedMemory};

#[cfg(test)]
// The tests change one request field after another to walk through cases.
#[allow(clippy::field_reassign_with_default)]
mod tests;
