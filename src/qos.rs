//! Quality of service definitions, read from sacctmgr's syntax
//! (`sacctmgr add qos gpu4 Priority=10 MaxTRESPerUser=gres/gpu=4 MaxWall=30:00:00`).

use crate::preempt::PreemptMode;
use crate::time::{Duration, TimeLimit};
use crate::tres::TresLimits;
use bitflags::bitflags;
use serde::{Deserialize, Serialize};

bitflags! {
    /// QOS `Flags=`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub struct QosFlags: u16 {
        /// `DenyOnLimit`: reject at submit instead of pending.
        const DENY_ON_LIMIT = 1 << 0;
        /// `EnforceUsageThreshold`.
        const ENFORCE_USAGE_THRESHOLD = 1 << 1;
        /// `NoDecay`.
        const NO_DECAY = 1 << 2;
        /// `NoReserve`: no backfill reservations.
        const NO_RESERVE = 1 << 3;
        /// `OverPartQOS`.
        const OVER_PART_QOS = 1 << 4;
        /// `PartitionMaxNodes`.
        const PARTITION_MAX_NODES = 1 << 5;
        /// `PartitionMinNodes`.
        const PARTITION_MIN_NODES = 1 << 6;
        /// `PartitionTimeLimit`.
        const PARTITION_TIME_LIMIT = 1 << 7;
        /// `Relative`.
        const RELATIVE = 1 << 8;
        /// `RequiresReservation`.
        const REQUIRES_RESERVATION = 1 << 9;
        /// `UsageFactorSafe`.
        const USAGE_FACTOR_SAFE = 1 << 10;
    }
}

/// A QOS definition. Unset limits are `None` or empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Qos {
    /// Name.
    pub name: String,
    /// `Priority` (multifactor QOS factor).
    pub priority: u32,
    /// `MaxWall` / `MaxWallDurationPerJob`.
    pub max_wall: Option<TimeLimit>,
    /// `MaxTRESPerJob` / `MaxTRES`.
    pub max_tres_per_job: TresLimits,
    /// `MaxTRESPerNode`.
    pub max_tres_per_node: TresLimits,
    /// `MinTRESPerJob` / `MinTRES`.
    pub min_tres_per_job: TresLimits,
    /// `MaxTRESPerUser`.
    pub max_tres_per_user: TresLimits,
    /// `MaxTRESPerAccount`.
    pub max_tres_per_account: TresLimits,
    /// `MaxJobsPerUser`.
    pub max_jobs_per_user: Option<u32>,
    /// `MaxJobsPerAccount`.
    pub max_jobs_per_account: Option<u32>,
    /// `MaxSubmitJobsPerUser`.
    pub max_submit_jobs_per_user: Option<u32>,
    /// `MaxSubmitJobsPerAccount`.
    pub max_submit_jobs_per_account: Option<u32>,
    /// `GrpTRES`.
    pub grp_tres: TresLimits,
    /// `GrpJobs`.
    pub grp_jobs: Option<u32>,
    /// `GrpSubmitJobs`.
    pub grp_submit_jobs: Option<u32>,
    /// `GrpWall`.
    pub grp_wall: Option<TimeLimit>,
    /// `Preempt`: QOS this one may preempt.
    pub preempt: Vec<String>,
    /// `PreemptMode` (None = CLUSTER).
    pub preempt_mode: Option<PreemptMode>,
    /// `PreemptExemptTime`.
    pub preempt_exempt_time: Option<Duration>,
    /// `GraceTime`.
    pub grace_time: Duration,
    /// `UsageFactor` (default 1.0).
    pub usage_factor: f64,
    /// `UsageThreshold`.
    pub usage_threshold: Option<f64>,
    /// `MinPrioThreshold`.
    pub min_prio_threshold: Option<u32>,
    /// `Flags`.
    pub flags: QosFlags,
    /// `Description`.
    pub description: Option<String>,
}

impl Qos {
    /// A QOS with no limits, priority 0 and usage factor 1.
    ///
    /// ```
    /// let q = hpcsched::Qos::new("normal");
    /// assert!(q.max_tres_per_user.0.is_empty());
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            priority: 0,
            max_wall: None,
            max_tres_per_job: TresLimits::default(),
            max_tres_per_node: TresLimits::default(),
            min_tres_per_job: TresLimits::default(),
            max_tres_per_user: TresLimits::default(),
            max_tres_per_account: TresLimits::default(),
            max_jobs_per_user: None,
            max_jobs_per_account: None,
            max_submit_jobs_per_user: None,
            max_submit_jobs_per_account: None,
            grp_tres: TresLimits::default(),
            grp_jobs: None,
            grp_submit_jobs: None,
            grp_wall: None,
            preempt: Vec::new(),
            preempt_mode: None,
            preempt_exempt_time: None,
            grace_time: Duration::from_secs(0),
            usage_factor: 1.0,
            usage_threshold: None,
            min_prio_threshold: None,
            flags: QosFlags::empty(),
            description: None,
        }
    }
}

/// Why a QOS definition was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QosError {
    /// A line that is not `sacctmgr add|create qos NAME KEY=VALUE...`.
    #[error("line {line}: {why}: `{text}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The offending text.
        text: String,
        /// What is wrong.
        why: String,
    },
    /// A key sacctmgr does not know for QOS.
    #[error("line {line}: unknown QOS key `{key}`")]
    UnknownKey {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
    },
    /// A value that does not parse for its key.
    #[error("line {line}: invalid value `{value}` for {key}: {why}")]
    Value {
        /// 1-based line number.
        line: usize,
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// What is wrong.
        why: String,
    },
    /// The same QOS defined twice.
    #[error("line {line}: QOS `{name}` is already defined")]
    Duplicate {
        /// 1-based line number.
        line: usize,
        /// The QOS name.
        name: String,
    },
}

/// Parses QOS definitions, one `sacctmgr add qos ...` per line (`#` comments, blank lines).
pub fn parse_sacctmgr(text: &str) -> Result<Vec<Qos>, QosError> {
    let _ = text;
    todo!("qos helper")
}
