//! Run-time QOS and association limits, as slurmctld's `acct_policy.c` enforces them in
//! Slurm 22.05 with `AccountingStorageEnforce=limits`: what running jobs hold against
//! each limit (the [`Ledger`]), and whether a pending job may start under them
//! ([`Limits::pre_select`] before nodes are chosen, [`Limits::post_select`] with the
//! resources chosen), with Slurm's pending reason when it may not.
//!
//! The rules this follows (read from Slurm 22.05's `src/slurmctld/acct_policy.c`):
//! - **Two QOS, one order** (`acct_policy_set_qos_order()`): a job in a partition with a
//!   `QOS=` is held to the partition's QOS first and its own second, unless its own QOS
//!   has the `OverPartQOS` flag; the same QOS twice counts once.
//! - **The first definition of a limit wins**: a limit field (per TRES for TRES limits)
//!   set in the first QOS hides the same field of the second, and a field any QOS sets
//!   hides the association's (`qos_rec` in `_qos_job_runnable_pre_select()` and
//!   `_validate_tres_usage_limits()`): a partition QOS with `MaxTRESPerUser=cpu=8` holds
//!   a job whose QOS says `cpu=4` to 8.
//! - **Before nodes are chosen** (`acct_policy_job_runnable_pre_select()`): per QOS,
//!   `GrpJobs`, `MaxJobsPerAccount`, `MaxJobsPerUser`; then the associations from the
//!   job's up to the root, `GrpJobs` at every level, `MaxJobs` at the job's own.
//! - **With the resources chosen** (`acct_policy_job_runnable_post_select()`): per QOS,
//!   `GrpTRES`, `MaxTRESPerAccount`, `MaxTRESPerUser`; then `GrpTRES` at every
//!   association level. Nodes count once per scope however many of its jobs share
//!   them (`_get_unique_job_node_cnt()`).
//! - **Usage** is what running jobs were allocated (`acct_policy_job_begin()` /
//!   `_fini()`), counted per QOS, per (QOS, user), per (QOS, account) and per
//!   association at every level up to the root.
//!
//! Per-job limits that no usage changes (`MaxWall`, `MaxTRESPerJob`, `MinTRESPerJob`,
//! a lone job over `MaxTRESPerUser`) are decided once, when a job is resolved
//! ([`crate::resolve`]); this module is about what changes as jobs start and end.
//!

pub(crate) mod check;
mod ledger;
mod reasons;
mod usage;

pub(crate) use check::{AssocLevel, AssocPerJob, JobScopes, QosPair};
pub(crate) use ledger::{Charge, Ledger, Scope};
pub(crate) use reasons::is_limit_reason;
pub(crate) use usage::JobTres;

use crate::qos::Qos;

/// The limit engine: the ledger, and whether anything is to be checked at all.
#[derive(Debug, Clone, Default)]
pub(crate) struct Limits {
    /// Whether any QOS or association carries a limit that usage changes. When not,
    /// nothing is counted and every check passes at the cost of one branch.
    pub(crate) active: bool,
    /// What running jobs hold.
    pub(crate) ledger: Ledger,
    /// `SchedulerParameters=assoc_limit_stop`: a job a limit holds stops its partition.
    pub(crate) stop: bool,
}

impl Limits {
    /// An engine for these QOS definitions (and associations, when given).
    pub(crate) fn new<'q>(qos: impl IntoIterator<Item = &'q Qos>, assoc_limits: bool) -> Self {
        let active = assoc_limits || qos.into_iter().any(has_run_time_limit);
        Self {
            active,
            ledger: Ledger::default(),
            stop: false,
        }
    }
}

/// Whether an association tree sets a limit that depends on what runs.
pub(crate) fn has_assoc_limits(accounts: &crate::accounts::Accounts) -> bool {
    accounts.iter().any(|(_, a)| {
        let l = &a.limits;
        l.grp_jobs.is_some()
            || l.grp_submit_jobs.is_some()
            || !l.grp_tres.is_empty()
            || a.effective.max_jobs.is_some()
            || a.effective.max_submit_jobs.is_some()
            || a.effective.max_wall.is_some()
            || !a.effective.max_tres_per_job.is_empty()
            || !a.effective.max_tres_per_node.is_empty()
    })
}

/// Whether a QOS has a limit that depends on what runs.
fn has_run_time_limit(q: &Qos) -> bool {
    q.grp_jobs.is_some()
        || q.max_jobs_per_user.is_some()
        || q.max_jobs_per_account.is_some()
        || !q.grp_tres.is_empty()
        || !q.max_tres_per_user.is_empty()
        || !q.max_tres_per_account.is_empty()
        || q.grp_submit_jobs.is_some()
        || q.max_submit_jobs_per_user.is_some()
        || q.max_submit_jobs_per_account.is_some()
}
