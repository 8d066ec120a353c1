//! The pending reason of each limit family and TRES (`_get_tres_state_reason()` in
//! acct_policy.c, strings from `job_state_reason.c`).

use crate::job_state::PendingReason as R;
use crate::tres::TresKind;

/// The families of TRES limits that usage changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// QOS `GrpTRES`.
    QosGrp,
    /// QOS `MaxTRESPerUser`.
    QosPerUser,
    /// QOS `MaxTRESPerAccount`.
    QosPerAccount,
    /// Association `GrpTRES`.
    AssocGrp,
}

/// The reason a job waits when `kind` of a `family` limit holds it.
pub(crate) fn tres_reason(family: Family, kind: &TresKind) -> R {
    use Family::{AssocGrp, QosGrp, QosPerAccount, QosPerUser};
    match (family, kind) {
        (QosGrp, TresKind::Cpu) => R::QOSGrpCpuLimit,
        (QosGrp, TresKind::Mem) => R::QOSGrpMemLimit,
        (QosGrp, TresKind::Node) => R::QOSGrpNodeLimit,
        (QosGrp, TresKind::Billing) => R::QOSGrpBilling,
        (QosGrp, TresKind::Energy) => R::QOSGrpEnergy,
        (QosGrp, TresKind::Gres(_)) => R::QOSGrpGRES,
        (QosGrp, TresKind::License(_)) => R::QOSGrpLicense,
        (QosPerUser, TresKind::Cpu) => R::QOSMaxCpuPerUserLimit,
        (QosPerUser, TresKind::Mem) => R::QOSMaxMemoryPerUser,
        (QosPerUser, TresKind::Node) => R::QOSMaxNodePerUserLimit,
        (QosPerUser, TresKind::Billing) => R::QOSMaxBillingPerUser,
        (QosPerUser, TresKind::Energy) => R::QOSMaxEnergyPerUser,
        (QosPerUser, TresKind::Gres(_)) => R::QOSMaxGRESPerUser,
        (QosPerUser, TresKind::License(_)) => R::QOSMaxLicensePerUser,
        (QosPerAccount, TresKind::Cpu) => R::MaxCpuPerAccount,
        (QosPerAccount, TresKind::Mem) => R::MaxMemoryPerAccount,
        (QosPerAccount, TresKind::Node) => R::MaxNodePerAccount,
        (QosPerAccount, TresKind::Billing) => R::MaxBillingPerAccount,
        (QosPerAccount, TresKind::Energy) => R::MaxEnergyPerAccount,
        (QosPerAccount, TresKind::Gres(_)) => R::MaxGRESPerAccount,
        (QosPerAccount, TresKind::License(_)) => R::MaxLicensePerAccount,
        (AssocGrp, TresKind::Cpu) => R::AssocGrpCpuLimit,
        (AssocGrp, TresKind::Mem) => R::AssocGrpMemLimit,
        (AssocGrp, TresKind::Node) => R::AssocGrpNodeLimit,
        (AssocGrp, TresKind::Billing) => R::AssocGrpBilling,
        (AssocGrp, TresKind::Energy) => R::AssocGrpEnergy,
        (AssocGrp, TresKind::Gres(_)) => R::AssocGrpGRES,
        (AssocGrp, TresKind::License(_)) => R::AssocGrpLicense,
    }
}

/// Slurm's order of the TRES it checks (the TRES table: cpu, mem, energy, node,
/// billing, then the others as they were created): when several limits hold a job, the
/// first in this order gives the reason.
pub(crate) fn check_rank(kind: &TresKind) -> u8 {
    match kind {
        TresKind::Cpu => 0,
        TresKind::Mem => 1,
        TresKind::Energy => 2,
        TresKind::Node => 3,
        TresKind::Billing => 4,
        _ => 5,
    }
}

/// Whether a reason is one the limits give (slurmctld re-checks a job waiting with one
/// before anything else, `acct_policy_job_runnable_state()`, and its main scheduler
/// never replaces one with Priority).
pub(crate) fn is_limit_reason(reason: &R) -> bool {
    let s = reason.as_str();
    (s.starts_with("QOS") || s.starts_with("Assoc") || s.starts_with("Association"))
        && !matches!(reason, R::QOSNotAllowed | R::QOSUsageThreshold)
        || (s.starts_with("Max") && s.ends_with("PerAccount"))
}
