//! # hpcsched
//!
//! Slurm-style batch-scheduling decisions inside your own program.
//!
//! This crate reads what a Slurm user already writes — `slurm.conf` node and partition
//! lines, `sacctmgr` QOS definitions, `#SBATCH` scripts and sbatch options — into typed
//! values, resolves job requests against a cluster the way slurmctld does at submit, and
//! schedules them the way slurmctld's main scheduler and backfill plugin do
//! ([`Scheduler`]). The host owns the clock and the processes: nothing here reads the wall
//! clock, spawns a process or touches the network.
//!
//! Where to look:
//! - reading Slurm's languages: [`slurm_conf`], [`qos`], [`sbatch`], and the value parsers
//!   ([`time`], [`memory`], [`gres`], [`tres`], [`hostlist`], [`constraint`],
//!   [`dependency`], [`array`](mod@array), [`output_pattern`]);
//! - the cluster and what sbatch would accept: [`Cluster`], [`resolve`];
//! - scheduling: [`Scheduler`] (the embedding contract), [`Policy`] and [`Preset`],
//!   [`priority`], and the resource-time profile it plans on, [`planner`];
//! - workloads to replay: SWF traces ([`swf`]) and sbatch-syntax job lists
//!   ([`workload`]), replayed in virtual time by the [`simulator`];
//! - measuring a run: [`metrics`] (wait, bounded slowdown, utilization); the job records
//!   as every face exports them: [`record`] (one typed row, CSV and JSON lines).
//!
//! ```
//! use hpcsched::{Cluster, JobRequest};
//! # fn main() -> Result<(), hpcsched::Error> {
//! let cluster = Cluster::from_slurm_conf(
//!     "NodeName=cpu[1-4] CPUs=16 RealMemory=128000\n\
//!      PartitionName=batch Nodes=cpu[1-4] Default=YES MaxTime=1-00:00:00\n",
//! )?;
//! let request = JobRequest::from_script("#!/bin/bash\n#SBATCH -N 2 -t 2:00:00\nsrun hostname\n")?;
//! let job = cluster.resolve(&request)?;
//! assert_eq!(job.partition(), "batch");
//! # Ok(())
//! # }
//! ```

pub mod accounts;
pub mod array;
pub mod cluster;
pub mod constraint;
pub mod dependency;
pub mod error;
pub mod fairshare;
mod fast_hash;
pub mod gres;
pub mod hostlist;
pub mod job_id;
pub mod job_state;
mod limits;
pub mod memory;
pub mod metrics;
pub mod node;
pub mod output_pattern;
pub mod partition;
pub mod planner;
pub mod preempt;
pub mod priority;
pub mod qos;
pub mod record;
pub mod replay;
pub mod request;
pub mod resolve;
mod sacctmgr_words;
pub mod sbatch;
pub mod sched_config;
pub mod scheduler;
pub mod shell_words;
pub mod simulator;
pub mod slurm_conf;
pub mod squeue;
/// SPANK plugins' options (a part of sbatch input, re-exported at the top).
pub use sbatch::spank;
pub mod swf;
pub mod time;
pub mod tres;
pub mod workload;

pub use array::ArraySpec;
pub use cluster::{Cluster, ClusterError, ConfWarning};
pub use constraint::Constraint;
pub use dependency::Dependency;
pub use error::Error;
pub use gres::{GresKey, GresSpec};
pub use job_id::JobId;
pub use job_state::{JobState, PendingReason};
pub use memory::Memory;
pub use metrics::{Metrics, Stats, Summary};
pub use node::{Node, NodeState, NodeUsage};
pub use partition::{OverSubscribe, ParsePartitionStateError, Partition, PartitionState};
pub use preempt::{PreemptAction, PreemptMode};
pub use qos::{Qos, QosFlags};
pub use record::{CsvWriter, JsonLinesWriter, RecordRow};
pub use request::{Client, JobRequest, MemoryRequest, NodeCount};
pub use resolve::{JobShape, RejectReason, Rejection, ResolvedJob, ResolvedMemory};
pub use sched_config::{EnforcePartLimits, SchedConfig};
pub use scheduler::{
    Backfill, Decision, Estimate, GresAllocation, HoldKind, Job, JobError, JobRecord, LimitUsage,
    NodeAllocation, NodeError, PartitionError, PartitionUsage, Policy, PreemptionStats, Preset,
    ReservationGranularity, Scheduler, SubmitError, UserUsage,
};
pub use swf::{SwfHeader, SwfJob, SwfReader};
pub use time::{BeginTime, Duration, TimeLimit, Timestamp};
pub use tres::{Tres, TresKind, TresLimits};
pub use workload::{SwfMapping, WorkloadError, WorkloadJob};
