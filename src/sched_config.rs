//! The scheduler-related keys of slurm.conf: `SchedulerType`, `SchedulerParameters`,
//! `PriorityType`, `PriorityWeight*`, `PreemptType`, `PreemptMode`, `EnforcePartLimits`...

use crate::memory::Memory;
use crate::partition::DefMem;
use crate::preempt::PreemptMode;
use crate::time::Duration;
use serde::{Deserialize, Serialize};

/// `EnforcePartLimits=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EnforcePartLimits {
    /// `NO` (default): accept and pend.
    No,
    /// `ANY`: accept if one requested partition's limits are met.
    Any,
    /// `ALL` (or `YES`): reject if any requested partition's limits are violated.
    All,
}

/// The cluster-wide scheduler configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SchedConfig {
    /// `SchedulerType` (default `sched/backfill`).
    pub scheduler_type: String,
    /// `SelectType` (default `select/cons_tres`).
    pub select_type: String,
    /// `SelectTypeParameters` (default `CR_Core_Memory`).
    pub select_type_parameters: String,
    /// `SchedulerParameters`, raw (entries are found by substring, as Slurm does).
    pub scheduler_parameters: String,
    /// `PriorityType` (default `priority/multifactor`).
    pub priority_type: String,
    /// `PriorityWeightAge`.
    pub priority_weight_age: u32,
    /// `PriorityWeightFairshare`.
    pub priority_weight_fairshare: u32,
    /// `PriorityWeightJobSize`.
    pub priority_weight_job_size: u32,
    /// `PriorityWeightPartition`.
    pub priority_weight_partition: u32,
    /// `PriorityWeightQOS`.
    pub priority_weight_qos: u32,
    /// `PriorityWeightAssoc`.
    pub priority_weight_assoc: u32,
    /// `PriorityWeightTRES`, raw (`CPU=1000,Mem=2000,GRES/gpu=3000`).
    pub priority_weight_tres: Option<String>,
    /// `PriorityMaxAge` (default 7 days).
    pub priority_max_age: Duration,
    /// `PriorityFavorSmall`.
    pub priority_favor_small: bool,
    /// `PriorityFlags`, raw.
    pub priority_flags: Option<String>,
    /// `PreemptType` (default `preempt/none`).
    pub preempt_type: String,
    /// `PreemptMode` (default OFF).
    pub preempt_mode: PreemptMode,
    /// `EnforcePartLimits`.
    pub enforce_part_limits: EnforcePartLimits,
    /// Cluster `DefMemPerCPU`/`DefMemPerNode` (None = 0 = all of the node's memory).
    pub def_mem: Option<DefMem>,
    /// Cluster `MaxMemPerNode`/`MaxMemPerCPU`.
    pub max_mem_per_node: Option<Memory>,
    /// `MaxArraySize` (default 1001).
    pub max_array_size: u32,
    /// `DependencyParameters`, raw (`kill_invalid_depend`, `max_depend_depth=`...).
    pub dependency_parameters: Option<String>,
}

impl Default for SchedConfig {
    fn default() -> Self {
        Self {
            scheduler_type: "sched/backfill".into(),
            select_type: "select/cons_tres".into(),
            select_type_parameters: "CR_Core_Memory".into(),
            scheduler_parameters: String::new(),
            priority_type: "priority/multifactor".into(),
            priority_weight_age: 0,
            priority_weight_fairshare: 0,
            priority_weight_job_size: 0,
            priority_weight_partition: 0,
            priority_weight_qos: 0,
            priority_weight_assoc: 0,
            priority_weight_tres: None,
            priority_max_age: Duration::from_secs(7 * 24 * 3600),
            priority_favor_small: false,
            priority_flags: None,
            preempt_type: "preempt/none".into(),
            preempt_mode: PreemptMode::empty(),
            enforce_part_limits: EnforcePartLimits::No,
            def_mem: None,
            max_mem_per_node: None,
            max_array_size: 1001,
            dependency_parameters: None,
        }
    }
}
