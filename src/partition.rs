//! Partitions as slurm.conf's `PartitionName` lines define them.

use crate::memory::Memory;
use crate::preempt::PreemptMode;
use crate::time::{Duration, TimeLimit};
use serde::{Deserialize, Serialize};

/// `OverSubscribe=`: whether jobs may share a node's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OverSubscribe {
    /// `NO` (default): cores are not shared; nodes are, unless a job asks `--exclusive`.
    No,
    /// `YES[:N]`: sharing when the job asks `--oversubscribe`, up to N jobs per resource.
    Yes(u32),
    /// `EXCLUSIVE`: every job gets whole nodes.
    Exclusive,
    /// `FORCE[:N]`: always shared, up to N jobs per resource.
    Force(u32),
}

/// `State=` of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PartitionState {
    /// Queue and run jobs.
    Up,
    /// Queue but don't start jobs (`PartitionDown`).
    Down,
    /// Reject new jobs; run the queued ones.
    Drain,
    /// Neither queue nor run (`PartitionInactive`).
    Inactive,
}

impl PartitionState {
    /// The state as `scontrol show partition` prints it: `UP`, `DOWN`, `DRAIN`,
    /// `INACTIVE`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PartitionState::Up => "UP",
            PartitionState::Down => "DOWN",
            PartitionState::Drain => "DRAIN",
            PartitionState::Inactive => "INACTIVE",
        }
    }
}

impl std::fmt::Display for PartitionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `State=` value that is not a partition state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid partition state `{0}`: expected UP, DOWN, DRAIN or INACTIVE")]
pub struct ParsePartitionStateError(pub String);

impl std::str::FromStr for PartitionState {
    type Err = ParsePartitionStateError;

    /// As slurm.conf and `scontrol update PartitionName=... State=` read it: any case, and
    /// by prefix (Slurm compares with `xstrncasecmp`).
    ///
    /// ```
    /// use hpcsched::PartitionState;
    /// assert_eq!("down".parse(), Ok(PartitionState::Down));
    /// assert_eq!("DRAINED".parse(), Ok(PartitionState::Drain));
    /// assert!("closed".parse::<PartitionState>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = s.to_ascii_uppercase();
        if v.starts_with("DOWN") {
            Ok(PartitionState::Down)
        } else if v.starts_with("UP") {
            Ok(PartitionState::Up)
        } else if v.starts_with("DRAIN") {
            Ok(PartitionState::Drain)
        } else if v.starts_with("INACTIVE") {
            Ok(PartitionState::Inactive)
        } else {
            Err(ParsePartitionStateError(s.to_owned()))
        }
    }
}

/// Default memory for jobs that give no `--mem*` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DefMem {
    /// `DefMemPerCPU`.
    PerCpu(Memory),
    /// `DefMemPerNode`.
    PerNode(Memory),
    /// `DefMemPerGPU`.
    PerGpu(Memory),
}

/// Maximum memory a job may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MaxMem {
    /// `MaxMemPerCPU`.
    PerCpu(Memory),
    /// `MaxMemPerNode`.
    PerNode(Memory),
}

/// A partition definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Partition {
    /// `PartitionName`.
    pub name: String,
    /// `Nodes`, expanded, in slurm.conf order.
    pub nodes: Vec<String>,
    /// `MaxTime` (default UNLIMITED).
    pub max_time: TimeLimit,
    /// `DefaultTime` (unset: MaxTime applies).
    pub default_time: Option<TimeLimit>,
    /// `MaxNodes` (None = UNLIMITED).
    pub max_nodes: Option<u32>,
    /// `MinNodes` (default 0).
    pub min_nodes: u32,
    /// `OverSubscribe` (default NO).
    pub oversubscribe: OverSubscribe,
    /// `ExclusiveUser` (or `Exclusive=USER`): a node holds jobs of one user at a time.
    pub exclusive_user: bool,
    /// `PriorityTier` (default 1).
    pub priority_tier: u16,
    /// `PriorityJobFactor` (default 1).
    pub priority_job_factor: u16,
    /// `AllowAccounts` (None = ALL).
    pub allow_accounts: Option<Vec<String>>,
    /// `DenyAccounts`.
    pub deny_accounts: Vec<String>,
    /// `AllowQos` (None = ALL).
    pub allow_qos: Option<Vec<String>>,
    /// `DenyQos`.
    pub deny_qos: Vec<String>,
    /// `State` (default UP).
    pub state: PartitionState,
    /// `Default=YES`.
    pub is_default: bool,
    /// `QOS`: the partition QOS.
    pub qos: Option<String>,
    /// `DefMemPerCPU`/`DefMemPerNode`/`DefMemPerGPU` (None = the cluster value).
    pub def_mem: Option<DefMem>,
    /// `MaxMemPerCPU`/`MaxMemPerNode`.
    pub max_mem: Option<MaxMem>,
    /// `PreemptMode` (None = the cluster value).
    pub preempt_mode: Option<PreemptMode>,
    /// `GraceTime` (default 0).
    pub grace_time: Duration,
    /// `MaxCPUsPerNode`: the most CPUs the partition's jobs may hold on one node,
    /// together (None = UNLIMITED). It bounds the CPUs of a job's tasks and GPUs there;
    /// a `--mincpus` above them is given in full on a node the partition holds fewer
    /// CPUs of, as Slurm 22.05 does, and a node where it holds that many or more takes
    /// none of its jobs.
    #[serde(default)]
    pub max_cpus_per_node: Option<u32>,
    /// `DefCPUPerGPU`: CPUs per GPU for a job that gives neither `-c` nor
    /// `--cpus-per-gpu` (None = the cluster value).
    #[serde(default)]
    pub def_cpu_per_gpu: Option<u32>,
    /// `OverTimeLimit` (None = the cluster value).
    #[serde(default)]
    pub over_time_limit: Option<TimeLimit>,
    /// `ReqResv=YES`: only jobs in an advanced reservation may use it (which hpcsched does
    /// not model, so every job is refused).
    #[serde(default)]
    pub req_resv: bool,
    /// `RootOnly=YES`: only root (or SlurmUser) may submit to it.
    #[serde(default)]
    pub root_only: bool,
    /// `DisableRootJobs` (None = the cluster value).
    #[serde(default)]
    pub disable_root_jobs: Option<bool>,
    /// `TRESBillingWeights` (None: jobs are billed their CPU count).
    #[serde(default)]
    pub billing_weights: Option<crate::fairshare::BillingWeights>,
}

impl Partition {
    /// A partition with Slurm's defaults and the given nodes.
    ///
    /// ```
    /// let p = hpcsched::Partition::new("debug", vec!["n1".into()]);
    /// assert_eq!(p.priority_tier, 1);
    /// assert_eq!(p.max_time, hpcsched::TimeLimit::Unlimited);
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, nodes: Vec<String>) -> Self {
        Self {
            name: name.into(),
            nodes,
            max_time: TimeLimit::Unlimited,
            default_time: None,
            max_nodes: None,
            min_nodes: 0,
            oversubscribe: OverSubscribe::No,
            exclusive_user: false,
            priority_tier: 1,
            priority_job_factor: 1,
            allow_accounts: None,
            deny_accounts: Vec::new(),
            allow_qos: None,
            deny_qos: Vec::new(),
            state: PartitionState::Up,
            is_default: false,
            qos: None,
            def_mem: None,
            max_mem: None,
            preempt_mode: None,
            grace_time: Duration::from_secs(0),
            max_cpus_per_node: None,
            def_cpu_per_gpu: None,
            over_time_limit: None,
            req_resv: false,
            root_only: false,
            disable_root_jobs: None,
            billing_weights: None,
        }
    }
}
