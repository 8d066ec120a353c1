//! Job states with Slurm's names and short codes, and pending reasons with Slurm's exact
//! strings (`src/common/job_state_reason.c`, squeue.1 "JOB STATE CODES").
//!
//! squeue shows a job's base state by name (`PENDING`) or code (`PD`), and a pending job's
//! reason in parentheses (`(Resources)`). Both are parsed back case-insensitively, as
//! Slurm's own lookups (`job_state_num()`, `job_state_reason_num()`) do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The base state of a job.
///
/// ```
/// use hpcsched::JobState;
/// let s: JobState = "OOM".parse().unwrap();
/// assert_eq!(s, JobState::OutOfMemory);
/// assert_eq!(s.to_string(), "OUT_OF_MEMORY");
/// assert!(s.is_finished());
/// assert!(!JobState::Pending.is_finished());
/// ```
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

impl JobState {
    /// Every base state, in Slurm's enum order.
    pub const ALL: [JobState; 12] = [
        JobState::Pending,
        JobState::Running,
        JobState::Suspended,
        JobState::Completed,
        JobState::Cancelled,
        JobState::Failed,
        JobState::Timeout,
        JobState::NodeFail,
        JobState::Preempted,
        JobState::BootFail,
        JobState::Deadline,
        JobState::OutOfMemory,
    ];

    /// Slurm's upper-case name (`PENDING`, `NODE_FAIL`, `OUT_OF_MEMORY`...).
    ///
    /// ```
    /// assert_eq!(hpcsched::JobState::NodeFail.name(), "NODE_FAIL");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            JobState::Pending => "PENDING",
            JobState::Running => "RUNNING",
            JobState::Suspended => "SUSPENDED",
            JobState::Completed => "COMPLETED",
            JobState::Cancelled => "CANCELLED",
            JobState::Failed => "FAILED",
            JobState::Timeout => "TIMEOUT",
            JobState::NodeFail => "NODE_FAIL",
            JobState::Preempted => "PREEMPTED",
            JobState::BootFail => "BOOT_FAIL",
            JobState::Deadline => "DEADLINE",
            JobState::OutOfMemory => "OUT_OF_MEMORY",
        }
    }

    /// squeue's compact code (`PD`, `R`, `CA`, `OOM`...).
    ///
    /// ```
    /// assert_eq!(hpcsched::JobState::Cancelled.code(), "CA");
    /// ```
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            JobState::Pending => "PD",
            JobState::Running => "R",
            JobState::Suspended => "S",
            JobState::Completed => "CD",
            JobState::Cancelled => "CA",
            JobState::Failed => "F",
            JobState::Timeout => "TO",
            JobState::NodeFail => "NF",
            JobState::Preempted => "PR",
            JobState::BootFail => "BF",
            JobState::Deadline => "DL",
            JobState::OutOfMemory => "OOM",
        }
    }

    /// Whether the job has ended (every state but PENDING, RUNNING and SUSPENDED), as
    /// Slurm's `IS_JOB_FINISHED()` defines it.
    ///
    /// ```
    /// assert!(hpcsched::JobState::Timeout.is_finished());
    /// assert!(!hpcsched::JobState::Suspended.is_finished());
    /// ```
    #[must_use]
    pub const fn is_finished(self) -> bool {
        !matches!(
            self,
            JobState::Pending | JobState::Running | JobState::Suspended
        )
    }
}

/// A job state or reason string that Slurm does not know.
///
/// ```
/// let e = "WAITING".parse::<hpcsched::JobState>().unwrap_err();
/// assert_eq!(e.to_string(), "unknown job state `WAITING`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JobStateError {
    /// Not a job state name or code.
    #[error("unknown job state `{0}`")]
    UnknownState(String),
    /// Not a pending-reason string.
    #[error("unknown job state reason `{0}`")]
    UnknownReason(String),
}

impl FromStr for JobState {
    type Err = JobStateError;

    /// Accepts the name (`PENDING`) or the code (`PD`), in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        JobState::ALL
            .into_iter()
            .find(|st| st.name().eq_ignore_ascii_case(t) || st.code().eq_ignore_ascii_case(t))
            .ok_or_else(|| JobStateError::UnknownState(s.to_string()))
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Declares [`PendingReason`] with variants named exactly like Slurm's reason strings, so
/// the variant, its string and the table in `job_state_reason.c` cannot drift apart.
macro_rules! pending_reasons {
    ($($v:ident,)*) => {
        /// Why a pending job is not running (or why a job ended), with Slurm's reason names.
        ///
        /// Variants are spelled exactly like the strings squeue prints, from the table in
        /// Slurm's `src/common/job_state_reason.c`, plus `WaitingForScheduling`.
        ///
        /// ```
        /// use hpcsched::PendingReason;
        /// let r: PendingReason = "QOSMaxJobsPerUserLimit".parse().unwrap();
        /// assert_eq!(r, PendingReason::QOSMaxJobsPerUserLimit);
        /// assert_eq!(PendingReason::Resources.as_str(), "Resources");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        #[allow(clippy::upper_case_acronyms)]
        pub enum PendingReason {
            $(
                #[doc = concat!("`", stringify!($v), "`")]
                $v,
            )*
        }

        impl PendingReason {
            /// Every reason, in the order of Slurm's table.
            pub const ALL: &'static [PendingReason] = &[$(PendingReason::$v,)*];

            /// Slurm's exact reason string.
            ///
            /// ```
            /// assert_eq!(hpcsched::PendingReason::InvalidQOS.as_str(), "InvalidQOS");
            /// ```
            #[must_use]
            pub const fn as_str(&self) -> &'static str {
                match self {
                    $(PendingReason::$v => stringify!($v),)*
                }
            }
        }
    };
}

pending_reasons! {
    Prolog,
    Priority,
    Dependency,
    Resources,
    PartitionNodeLimit,
    PartitionTimeLimit,
    PartitionDown,
    PartitionInactive,
    JobHeldAdmin,
    JobHeldUser,
    BeginTime,
    Licenses,
    AssociationJobLimit,
    AssociationResourceLimit,
    AssociationTimeLimit,
    Reservation,
    ReqNodeNotAvail,
    FrontEndDown,
    SchedDefer,
    NodeDown,
    BadConstraints,
    SystemFailure,
    JobLaunchFailure,
    NonZeroExitCode,
    RaisedSignal,
    TimeLimit,
    InactiveLimit,
    InvalidAccount,
    InvalidQOS,
    QOSUsageThreshold,
    QOSJobLimit,
    QOSResourceLimit,
    QOSTimeLimit,
    Cleaning,
    QOSNotAllowed,
    AccountNotAllowed,
    DependencyNeverSatisfied,
    QOSGrpCpuLimit,
    QOSGrpCPUMinutesLimit,
    QOSGrpCPURunMinutesLimit,
    QOSGrpJobsLimit,
    QOSGrpMemLimit,
    QOSGrpNodeLimit,
    QOSGrpSubmitJobsLimit,
    QOSGrpWallLimit,
    QOSMaxCpuPerJobLimit,
    QOSMaxCpuMinutesPerJobLimit,
    QOSMaxNodePerJobLimit,
    QOSMaxWallDurationPerJobLimit,
    QOSMaxCpuPerUserLimit,
    QOSMaxJobsPerUserLimit,
    QOSMaxNodePerUserLimit,
    QOSMaxSubmitJobPerUserLimit,
    QOSMinCpuNotSatisfied,
    AssocGrpCpuLimit,
    AssocGrpCPUMinutesLimit,
    AssocGrpCPURunMinutesLimit,
    AssocGrpJobsLimit,
    AssocGrpMemLimit,
    AssocGrpNodeLimit,
    AssocGrpSubmitJobsLimit,
    AssocGrpWallLimit,
    AssocMaxJobsLimit,
    AssocMaxCpuPerJobLimit,
    AssocMaxCpuMinutesPerJobLimit,
    AssocMaxNodePerJobLimit,
    AssocMaxWallDurationPerJobLimit,
    AssocMaxSubmitJobLimit,
    JobHoldMaxRequeue,
    JobArrayTaskLimit,
    BurstBufferResources,
    BurstBufferStageIn,
    BurstBufferOperation,
    PowerNotAvail,
    PowerReserved,
    AssocGrpUnknown,
    AssocGrpUnknownMinutes,
    AssocGrpUnknownRunMinutes,
    AssocMaxUnknownPerJob,
    AssocMaxUnknownPerNode,
    AssocMaxUnknownMinutesPerJob,
    AssocMaxCpuPerNode,
    AssocGrpMemMinutes,
    AssocGrpMemRunMinutes,
    AssocMaxMemPerJob,
    AssocMaxMemPerNode,
    AssocMaxMemMinutesPerJob,
    AssocGrpNodeMinutes,
    AssocGrpNodeRunMinutes,
    AssocMaxNodeMinutesPerJob,
    AssocGrpEnergy,
    AssocGrpEnergyMinutes,
    AssocGrpEnergyRunMinutes,
    AssocMaxEnergyPerJob,
    AssocMaxEnergyPerNode,
    AssocMaxEnergyMinutesPerJob,
    AssocGrpGRES,
    AssocGrpGRESMinutes,
    AssocGrpGRESRunMinutes,
    AssocMaxGRESPerJob,
    AssocMaxGRESPerNode,
    AssocMaxGRESMinutesPerJob,
    AssocGrpLicense,
    AssocGrpLicenseMinutes,
    AssocGrpLicenseRunMinutes,
    AssocMaxLicensePerJob,
    AssocMaxLicenseMinutesPerJob,
    AssocGrpBB,
    AssocGrpBBMinutes,
    AssocGrpBBRunMinutes,
    AssocMaxBBPerJob,
    AssocMaxBBPerNode,
    AssocMaxBBMinutesPerJob,
    QOSGrpUnknown,
    QOSGrpUnknownMinutes,
    QOSGrpUnknownRunMinutes,
    QOSMaxUnknownPerJob,
    QOSMaxUnknownPerNode,
    QOSMaxUnknownPerUser,
    QOSMaxUnknownMinutesPerJob,
    QOSMinUnknown,
    QOSMaxCpuPerNode,
    QOSGrpMemoryMinutes,
    QOSGrpMemoryRunMinutes,
    QOSMaxMemoryPerJob,
    QOSMaxMemoryPerNode,
    QOSMaxMemoryPerUser,
    QOSMaxMemoryMinutesPerJob,
    QOSMinMemory,
    QOSGrpNodeMinutes,
    QOSGrpNodeRunMinutes,
    QOSMaxNodeMinutesPerJob,
    QOSMinNode,
    QOSGrpEnergy,
    QOSGrpEnergyMinutes,
    QOSGrpEnergyRunMinutes,
    QOSMaxEnergyPerJob,
    QOSMaxEnergyPerNode,
    QOSMaxEnergyPerUser,
    QOSMaxEnergyMinutesPerJob,
    QOSMinEnergy,
    QOSGrpGRES,
    QOSGrpGRESMinutes,
    QOSGrpGRESRunMinutes,
    QOSMaxGRESPerJob,
    QOSMaxGRESPerNode,
    QOSMaxGRESPerUser,
    QOSMaxGRESMinutesPerJob,
    QOSMinGRES,
    QOSGrpLicense,
    QOSGrpLicenseMinutes,
    QOSGrpLicenseRunMinutes,
    QOSMaxLicensePerJob,
    QOSMaxLicensePerUser,
    QOSMaxLicenseMinutesPerJob,
    QOSMinLicense,
    QOSGrpBB,
    QOSGrpBBMinutes,
    QOSGrpBBRunMinutes,
    QOSMaxBBPerJob,
    QOSMaxBBPerNode,
    QOSMaxBBPerUser,
    QOSMinBB,
    DeadLine,
    MaxBBPerAccount,
    MaxCpuPerAccount,
    MaxEnergyPerAccount,
    MaxGRESPerAccount,
    MaxNodePerAccount,
    MaxLicensePerAccount,
    MaxMemoryPerAccount,
    MaxUnknownPerAccount,
    MaxJobsPerAccount,
    MaxSubmitJobsPerAccount,
    PartitionConfig,
    AccountingPolicy,
    FedJobLock,
    OutOfMemory,
    MaxMemPerLimit,
    AssocGrpBilling,
    AssocGrpBillingMinutes,
    AssocGrpBillingRunMinutes,
    AssocMaxBillingPerJob,
    AssocMaxBillingPerNode,
    AssocMaxBillingMinutesPerJob,
    QOSGrpBilling,
    QOSGrpBillingMinutes,
    QOSGrpBillingRunMinutes,
    QOSMaxBillingPerJob,
    QOSMaxBillingPerNode,
    QOSMaxBillingPerUser,
    QOSMaxBillingMinutesPerJob,
    MaxBillingPerAccount,
    QOSMinBilling,
    ReservationDeleted,
    ReservationInvalid,
    Constraints,
    WaitingForScheduling,
}

impl FromStr for PendingReason {
    type Err = JobStateError;

    /// Accepts Slurm's reason strings; like `job_state_reason_num()`, case is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        PendingReason::ALL
            .iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(t))
            .cloned()
            .ok_or_else(|| JobStateError::UnknownReason(s.to_string()))
    }
}

impl fmt::Display for PendingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_state_round_trips_by_name_and_code() {
        for st in JobState::ALL {
            assert_eq!(st.name().parse::<JobState>(), Ok(st));
            assert_eq!(st.code().parse::<JobState>(), Ok(st));
            assert_eq!(st.to_string().parse::<JobState>(), Ok(st));
            assert_eq!(st.code().to_lowercase().parse::<JobState>(), Ok(st));
        }
    }

    #[test]
    fn state_names_and_codes_match_squeue() {
        let table = [
            (JobState::Pending, "PENDING", "PD"),
            (JobState::Running, "RUNNING", "R"),
            (JobState::Suspended, "SUSPENDED", "S"),
            (JobState::Completed, "COMPLETED", "CD"),
            (JobState::Cancelled, "CANCELLED", "CA"),
            (JobState::Failed, "FAILED", "F"),
            (JobState::Timeout, "TIMEOUT", "TO"),
            (JobState::NodeFail, "NODE_FAIL", "NF"),
            (JobState::Preempted, "PREEMPTED", "PR"),
            (JobState::BootFail, "BOOT_FAIL", "BF"),
            (JobState::Deadline, "DEADLINE", "DL"),
            (JobState::OutOfMemory, "OUT_OF_MEMORY", "OOM"),
        ];
        for (st, name, code) in table {
            assert_eq!((st.name(), st.code()), (name, code));
        }
        let finished: Vec<_> = JobState::ALL
            .into_iter()
            .filter(|s| s.is_finished())
            .collect();
        assert_eq!(finished.len(), 9);
    }

    #[test]
    fn unknown_state_is_an_error() {
        assert_eq!(
            "COMPLETING".parse::<JobState>(),
            Err(JobStateError::UnknownState("COMPLETING".into()))
        );
        assert!("".parse::<JobState>().is_err());
    }

    #[test]
    fn every_reason_round_trips() {
        for r in PendingReason::ALL {
            assert_eq!(r.as_str().parse::<PendingReason>().as_ref(), Ok(r));
            assert_eq!(r.to_string(), r.as_str());
        }
        let mut names: Vec<_> = PendingReason::ALL
            .iter()
            .map(|r| r.as_str().to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            PendingReason::ALL.len(),
            "reason strings must be unique"
        );
    }

    #[test]
    fn reason_strings_are_slurms() {
        assert_eq!(PendingReason::JobHeldAdmin.as_str(), "JobHeldAdmin");
        assert_eq!(
            PendingReason::QOSMaxGRESPerUser.as_str(),
            "QOSMaxGRESPerUser"
        );
        assert_eq!(
            PendingReason::QOSGrpCPUMinutesLimit.as_str(),
            "QOSGrpCPUMinutesLimit"
        );
        assert_eq!(
            PendingReason::QOSMaxSubmitJobPerUserLimit.as_str(),
            "QOSMaxSubmitJobPerUserLimit"
        );
        assert_eq!(PendingReason::DeadLine.as_str(), "DeadLine");
        assert_eq!(PendingReason::AssocGrpGRES.as_str(), "AssocGrpGRES");
        assert_eq!(
            PendingReason::MaxJobsPerAccount.as_str(),
            "MaxJobsPerAccount"
        );
        assert_eq!(
            "qosgrpgres".parse::<PendingReason>(),
            Ok(PendingReason::QOSGrpGRES)
        );
        assert_eq!(
            "NotAReason".parse::<PendingReason>(),
            Err(JobStateError::UnknownReason("NotAReason".into()))
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".{0,40}") {
            let _ = s.parse::<JobState>();
            let _ = s.parse::<PendingReason>();
        }
    }
}
