//! Whether a job may start under the limits, in slurmctld's order.

use super::ledger::{Counters, Ledger, Scope};
use super::reasons::{Family, check_rank, tres_reason};
use super::usage::JobTres;
use crate::job_state::PendingReason;
use crate::qos::Qos;
use crate::tres::{TresKind, TresLimits};

/// The QOS a job is held to in one partition, in the order they are checked
/// (`acct_policy_set_qos_order()`), each with its index in the cluster.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct QosPair<'q> {
    pub(crate) first: Option<(u32, &'q Qos)>,
    pub(crate) second: Option<(u32, &'q Qos)>,
}

impl<'q> QosPair<'q> {
    /// The order for a job of QOS `job` in a partition of QOS `part`: the partition's
    /// first unless the job's has `OverPartQOS`; the same QOS once.
    pub(crate) fn ordered(job: Option<(u32, &'q Qos)>, part: Option<(u32, &'q Qos)>) -> Self {
        let over = job.is_some_and(|(_, q)| q.flags.contains(crate::qos::QosFlags::OVER_PART_QOS));
        let (first, second) = match (job, part) {
            (Some(j), Some(p)) if over => (Some(j), Some(p)),
            (Some(j), Some(p)) => (Some(p), Some(j)),
            (j, p) => (j.or(p), None),
        };
        let second = second.filter(|s| first.is_none_or(|f| f.0 != s.0));
        Self { first, second }
    }

    fn iter(&self) -> impl Iterator<Item = (u32, &'q Qos)> {
        self.first.into_iter().chain(self.second)
    }
}

/// One association level a job is counted in, from the job's own up to the root.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AssocLevel<'a> {
    pub(crate) id: u32,
    pub(crate) grp_jobs: Option<u32>,
    pub(crate) grp_tres: &'a TresLimits,
    /// The job's own association's `MaxJobs` (inherited down the tree); `None` above it.
    pub(crate) max_jobs: Option<u32>,
    pub(crate) grp_submit_jobs: Option<u32>,
    /// The job's own association's `MaxSubmitJobs`; `None` above it.
    pub(crate) max_submit_jobs: Option<u32>,
    /// The job's own association's per-job limits (`MaxWallDurationPerJob`,
    /// `MaxTRESPerJob`, `MaxTRESPerNode`, inherited); `None` above it.
    pub(crate) per_job: Option<AssocPerJob<'a>>,
}

/// An association's limits on one job.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AssocPerJob<'a> {
    pub(crate) wall: Option<crate::time::TimeLimit>,
    pub(crate) tres_per_job: &'a TresLimits,
    pub(crate) tres_per_node: &'a TresLimits,
}

/// Everything a job is counted in, in one partition.
#[derive(Debug, Clone, Default)]
pub(crate) struct JobScopes<'a> {
    pub(crate) qos: QosPair<'a>,
    /// The job's time limit (an association's MaxWall holds it).
    pub(crate) time_limit: Option<crate::time::TimeLimit>,
    pub(crate) user: u32,
    pub(crate) account: u32,
    pub(crate) assocs: Vec<AssocLevel<'a>>,
}

impl JobScopes<'_> {
    /// The scopes a job that starts is counted in.
    pub(crate) fn charged(&self) -> Vec<Scope> {
        let mut scopes = Vec::new();
        for (q, _) in self.qos.iter() {
            scopes.push(Scope::Qos(q));
            scopes.push(Scope::QosUser(q, self.user));
            scopes.push(Scope::QosAccount(q, self.account));
        }
        scopes.extend(self.assocs.iter().map(|a| Scope::Assoc(a.id)));
        scopes
    }
}

/// The limit fields a QOS earlier in the order already set (`qos_rec`).
#[derive(Default)]
struct Defined {
    grp_jobs: bool,
    max_jobs_pa: bool,
    max_jobs_pu: bool,
    grp_tres: Vec<TresKind>,
    max_tres_pa: Vec<TresKind>,
    max_tres_pu: Vec<TresKind>,
}

static NONE: Counters = Counters {
    jobs: 0,
    submitted: 0,
    cpus: 0,
    mem: 0,
    billing: 0,
    gres: Vec::new(),
    nodes: std::collections::BTreeMap::new(),
};

fn held(ledger: &Ledger, scope: Scope) -> &Counters {
    ledger.get(scope).unwrap_or(&NONE)
}

/// The counts limits before nodes are chosen: whether one more running job is allowed.
pub(crate) fn pre_select(ledger: &Ledger, job: &JobScopes<'_>) -> Option<PendingReason> {
    let mut defined = Defined::default();
    for (q, qos) in job.qos.iter() {
        if let Some(limit) = qos.grp_jobs
            && !std::mem::replace(&mut defined.grp_jobs, true)
            && held(ledger, Scope::Qos(q)).jobs >= limit
        {
            return Some(PendingReason::QOSGrpJobsLimit);
        }
        if let Some(limit) = qos.max_jobs_per_account
            && !std::mem::replace(&mut defined.max_jobs_pa, true)
            && held(ledger, Scope::QosAccount(q, job.account)).jobs >= limit
        {
            return Some(PendingReason::MaxJobsPerAccount);
        }
        if let Some(limit) = qos.max_jobs_per_user
            && !std::mem::replace(&mut defined.max_jobs_pu, true)
            && held(ledger, Scope::QosUser(q, job.user)).jobs >= limit
        {
            return Some(PendingReason::QOSMaxJobsPerUserLimit);
        }
    }
    for level in &job.assocs {
        let used = held(ledger, Scope::Assoc(level.id)).jobs;
        if !defined.grp_jobs
            && let Some(limit) = level.grp_jobs
            && used >= limit
        {
            return Some(PendingReason::AssocGrpJobsLimit);
        }
        // A QOS that limits jobs per user or per account hides the association's
        // MaxJobs (acct_policy_job_runnable_pre_select()).
        if !defined.max_jobs_pa
            && !defined.max_jobs_pu
            && let Some(limit) = level.max_jobs
            && used >= limit
        {
            return Some(PendingReason::AssocMaxJobsLimit);
        }
        // So does a QOS MaxWall the association's.
        if let (Some(per_job), Some(limit)) = (level.per_job, job.time_limit)
            && let Some(max) = per_job.wall
            && job.qos.iter().all(|(_, q)| q.max_wall.is_none())
            && limit > max
        {
            return Some(PendingReason::AssocMaxWallDurationPerJobLimit);
        }
    }
    None
}

/// The TRES limits, with the resources chosen (or asked for, when none could be).
pub(crate) fn post_select(
    ledger: &Ledger,
    job: &JobScopes<'_>,
    tres: &JobTres,
) -> Option<PendingReason> {
    let mut defined = Defined::default();
    for (q, qos) in job.qos.iter() {
        let families = [
            (&qos.grp_tres, Family::QosGrp, Scope::Qos(q)),
            (
                &qos.max_tres_per_account,
                Family::QosPerAccount,
                Scope::QosAccount(q, job.account),
            ),
            (
                &qos.max_tres_per_user,
                Family::QosPerUser,
                Scope::QosUser(q, job.user),
            ),
        ];
        for (limits, family, scope) in families {
            let seen = match family {
                Family::QosGrp => &mut defined.grp_tres,
                Family::QosPerAccount => &mut defined.max_tres_pa,
                _ => &mut defined.max_tres_pu,
            };
            if let Some(kind) = over(limits, seen, held(ledger, scope), tres) {
                return Some(tres_reason(family, &kind));
            }
        }
    }
    for level in &job.assocs {
        if let Some(per_job) = level.per_job
            && let Some(reason) = assoc_per_job(job, &per_job, tres)
        {
            return Some(reason);
        }
        let mut seen = defined.grp_tres.clone();
        if let Some(kind) = over(
            level.grp_tres,
            &mut seen,
            held(ledger, Scope::Assoc(level.id)),
            tres,
        ) {
            return Some(tres_reason(Family::AssocGrp, &kind));
        }
    }
    None
}

/// The job's own association's MaxTRESPerJob, then MaxTRESPerNode, each TRES only where
/// no QOS of the job sets it.
fn assoc_per_job(
    job: &JobScopes<'_>,
    per_job: &AssocPerJob<'_>,
    tres: &JobTres,
) -> Option<PendingReason> {
    use PendingReason as R;
    let mut kinds: Vec<(&TresKind, u64)> = per_job
        .tres_per_job
        .0
        .iter()
        .filter(|(k, _)| {
            job.qos
                .iter()
                .all(|(_, q)| q.max_tres_per_job.get(k).is_none())
        })
        .map(|(k, v)| (k, *v))
        .collect();
    kinds.sort_by_key(|(k, _)| check_rank(k));
    for (kind, limit) in kinds {
        if tres.amount(kind).is_some_and(|a| a > limit) {
            return Some(match kind {
                TresKind::Cpu => R::AssocMaxCpuPerJobLimit,
                TresKind::Mem => R::AssocMaxMemPerJob,
                TresKind::Node => R::AssocMaxNodePerJobLimit,
                TresKind::Billing => R::AssocMaxBillingPerJob,
                TresKind::Energy => R::AssocMaxEnergyPerJob,
                TresKind::License(_) => R::AssocMaxLicensePerJob,
                TresKind::Gres(_) => R::AssocMaxGRESPerJob,
            });
        }
    }
    let nodes = tres.node_count.max(1);
    let mut kinds: Vec<(&TresKind, u64)> = per_job
        .tres_per_node
        .0
        .iter()
        .filter(|(k, _)| **k != TresKind::Node)
        .filter(|(k, _)| {
            job.qos
                .iter()
                .all(|(_, q)| q.max_tres_per_node.get(k).is_none())
        })
        .map(|(k, v)| (k, *v))
        .collect();
    kinds.sort_by_key(|(k, _)| check_rank(k));
    for (kind, limit) in kinds {
        if tres.amount(kind).is_some_and(|a| a.div_ceil(nodes) > limit) {
            return Some(match kind {
                TresKind::Cpu => R::AssocMaxCpuPerNode,
                TresKind::Mem => R::AssocMaxMemPerNode,
                TresKind::Billing => R::AssocMaxBillingPerNode,
                TresKind::Energy => R::AssocMaxEnergyPerNode,
                _ => R::AssocMaxGRESPerNode,
            });
        }
    }
    None
}

/// The first TRES of `limits` (in Slurm's TRES order) not in `seen` that the job would
/// take past its limit; marks every TRES of `limits` as defined.
fn over(
    limits: &TresLimits,
    seen: &mut Vec<TresKind>,
    held: &Counters,
    tres: &JobTres,
) -> Option<TresKind> {
    let mut checked: Vec<(&TresKind, u64)> = limits
        .0
        .iter()
        .filter(|(kind, _)| !seen.contains(kind))
        .map(|(k, v)| (k, *v))
        .collect();
    checked.sort_by_key(|(k, _)| check_rank(k));
    seen.extend(checked.iter().map(|(k, _)| (*k).clone()));
    checked.into_iter().find_map(|(kind, limit)| {
        let want = tres.amount(kind)?;
        let total = held.used(kind).saturating_add(held.added(tres, kind));
        (want > limit || total > limit).then(|| kind.clone())
    })
}

/// The submit-count limits for `count` more jobs (an array's tasks), in one partition
/// (`_qos_policy_validate()`: GrpSubmitJobs, MaxSubmitJobsPerAccount,
/// MaxSubmitJobsPerUser, per QOS in order, the first definition winning). These refuse
/// a submission whatever `DenyOnLimit` says.
pub(crate) fn submit(ledger: &Ledger, job: &JobScopes<'_>, count: u32) -> Option<PendingReason> {
    let (mut grp, mut per_account, mut per_user) = (false, false, false);
    let over =
        |scope: Scope, limit: u32| held(ledger, scope).submitted.saturating_add(count) > limit;
    for (q, qos) in job.qos.iter() {
        if let Some(limit) = qos.grp_submit_jobs
            && !std::mem::replace(&mut grp, true)
            && over(Scope::Qos(q), limit)
        {
            return Some(PendingReason::QOSGrpSubmitJobsLimit);
        }
        if let Some(limit) = qos.max_submit_jobs_per_account
            && !std::mem::replace(&mut per_account, true)
            && over(Scope::QosAccount(q, job.account), limit)
        {
            return Some(PendingReason::MaxSubmitJobsPerAccount);
        }
        if let Some(limit) = qos.max_submit_jobs_per_user
            && !std::mem::replace(&mut per_user, true)
            && over(Scope::QosUser(q, job.user), limit)
        {
            return Some(PendingReason::QOSMaxSubmitJobPerUserLimit);
        }
    }
    for level in &job.assocs {
        let used = held(ledger, Scope::Assoc(level.id))
            .submitted
            .saturating_add(count);
        if let Some(limit) = level.grp_submit_jobs
            && used > limit
        {
            return Some(PendingReason::AssocGrpSubmitJobsLimit);
        }
        // A QOS that limits submissions per user or account hides MaxSubmitJobs.
        if !per_account
            && !per_user
            && let Some(limit) = level.max_submit_jobs
            && used > limit
        {
            return Some(PendingReason::AssocMaxSubmitJobLimit);
        }
    }
    None
}
