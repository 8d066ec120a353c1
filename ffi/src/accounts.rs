//! The shared-cluster views of a scheduler, for C: every limit that applies to a user with
//! what counts against it (`hpcsched_limits`, rows `hpcsched_limit_row`), the fair-share
//! tree as `sshare -a` lists it (`hpcsched_shares`, rows `hpcsched_share_row`) and the
//! pending jobs' priorities as `sprio -l` takes them apart (`hpcsched_priorities`, rows
//! `hpcsched_priority_row`). Each is a snapshot list the caller owns, built from the
//! core's rows field by field; its strings stay valid until it is released.

use crate::boundary::{
    arg_ref, arg_str, c_string, free, getter, guard, hpcsched_result, item, make, out_param,
};
use crate::scheduler::hpcsched_scheduler;
use hpcsched::fairshare::ShareValue;
use hpcsched::fairshare::views::SshareRow;
use hpcsched::priority::PriorityFactors;
use hpcsched::scheduler::{LimitCounts, LimitOf, LimitOwner, LimitStatus, PriorityRow};
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

/// Strings lent by one row, kept with it (a `CString`'s bytes do not move when the
/// `CString` does).
#[derive(Default)]
struct Lender(Vec<CString>);

impl Lender {
    fn lend(&mut self, s: &str) -> *const c_char {
        let s = c_string(s);
        let p = s.as_ptr();
        self.0.push(s);
        p
    }

    fn lend_opt(&mut self, s: Option<&str>) -> *const c_char {
        s.map_or(ptr::null(), |s| self.lend(s))
    }
}

/// A row with the strings its pointers point into.
struct Entry<R> {
    row: R,
    _strings: Lender,
}

/// Shared body of the `_get` functions: clears `*out`, then copies row `index`.
fn get_row<L, R: Copy>(
    list: Option<&L>,
    name: &str,
    rows: impl FnOnce(&L) -> &[Entry<R>],
    index: usize,
    out: Option<&mut R>,
    empty: R,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", empty)?;
        let list = arg_ref(list, name)?;
        *out = item(rows(list), index, "row", "list")?.row;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// User limits
// ---------------------------------------------------------------------------------------

/// One limit that applies to a user and what counts against it now: the view of a "my
/// usage" command ("Using 4/4 GPUs"). Filled by hpcsched_limits_get.
///
/// The strings point into the list and stay valid until it is released; the ones that do
/// not apply are NULL. `owner`, `counts` and `of` are never NULL.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct hpcsched_limit_row {
    /// Where the limit is set: `"qos"` or `"association"`.
    pub owner: *const c_char,
    /// The QOS, for a QOS's limit.
    pub qos: *const c_char,
    /// The association's account, for an association's limit.
    pub account: *const c_char,
    /// The association's user (NULL for an account's association).
    pub user: *const c_char,
    /// The association's partition (NULL unless the association is a partition's).
    pub partition: *const c_char,
    /// Whose usage counts: `"all"` (every job under the QOS or association: `Grp*`, and an
    /// association's `MaxJobs` and `MaxSubmitJobs`), `"user"` (the user's jobs under the
    /// QOS: `Max*PerUser`) or `"account"` (the jobs of `counts_account` under the QOS:
    /// `Max*PerAccount`).
    pub counts: *const c_char,
    /// The account, when `counts` is `"account"`.
    pub counts_account: *const c_char,
    /// What counts: `"running_jobs"`, `"submitted_jobs"` (pending and running; array tasks
    /// one each) or `"tres"` (a TRES of the running jobs, named by `tres`).
    pub of: *const c_char,
    /// The TRES, when `of` is `"tres"`, as sacctmgr names it: `cpu`, `mem` (MiB), `node`
    /// (distinct nodes), `gres/gpu`...
    pub tres: *const c_char,
    /// What counts against the limit now.
    pub used: u64,
    /// The limit.
    pub limit: u64,
}

impl hpcsched_limit_row {
    fn empty() -> Self {
        Self {
            owner: ptr::null(),
            qos: ptr::null(),
            account: ptr::null(),
            user: ptr::null(),
            partition: ptr::null(),
            counts: ptr::null(),
            counts_account: ptr::null(),
            of: ptr::null(),
            tres: ptr::null(),
            used: 0,
            limit: 0,
        }
    }
}

impl From<LimitStatus> for Entry<hpcsched_limit_row> {
    fn from(status: LimitStatus) -> Self {
        let mut s = Lender::default();
        let owner_kind = s.lend(status.owner.kind());
        let counts_kind = s.lend(status.counts.kind());
        let of_kind = s.lend(status.of.kind());
        // No `..`: a field or variant added to the core's row stops this compiling until C
        // shows it.
        let LimitStatus {
            owner,
            counts,
            of,
            used,
            limit,
        } = status;
        let (qos, account, user, partition) = match owner {
            LimitOwner::Qos(q) => (s.lend(&q), ptr::null(), ptr::null(), ptr::null()),
            LimitOwner::Association {
                account,
                user,
                partition,
            } => (
                ptr::null(),
                s.lend(&account),
                s.lend_opt(user.as_deref()),
                s.lend_opt(partition.as_deref()),
            ),
        };
        let counts_account = match counts {
            LimitCounts::All | LimitCounts::User => ptr::null(),
            LimitCounts::Account(a) => s.lend(&a),
        };
        let tres = match of {
            LimitOf::RunningJobs | LimitOf::SubmittedJobs => ptr::null(),
            LimitOf::Tres(kind) => s.lend(&kind.to_string()),
        };
        Entry {
            row: hpcsched_limit_row {
                owner: owner_kind,
                qos,
                account,
                user,
                partition,
                counts: counts_kind,
                counts_account,
                of: of_kind,
                tres,
                used,
                limit,
            },
            _strings: s,
        }
    }
}

/// Every run-time limit that applies to a user (hpcsched_limit_row): the limits of each
/// QOS of the cluster (per user, per account the user's jobs named, whole QOS), then
/// those of the user's associations up the tree. Made by hpcsched_scheduler_user_limits
/// and released with hpcsched_limits_free. A snapshot: it does not refer to the
/// scheduler.
pub struct hpcsched_limits {
    items: Vec<Entry<hpcsched_limit_row>>,
}

/// Stores in `*out` every run-time limit that applies to `user` with what counts against
/// it now (empty when none applies). Limits decided once per job (`MaxWall`,
/// `MaxTRESPerJob`...) are not listed. The caller owns the list and releases it with
/// hpcsched_limits_free.
///
/// # Safety
/// `user` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_user_limits(
    scheduler: Option<&hpcsched_scheduler>,
    user: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_limits>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        // SAFETY: per this function's contract.
        let user = unsafe { arg_str(user, "user") }?;
        let items = scheduler
            .inner
            .user_limits(user)
            .into_iter()
            .map(Entry::from)
            .collect();
        Ok(hpcsched_limits { items })
    })
}

/// Releases a list of limits. Passing NULL does nothing; its strings become invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_limits_free(limits: Option<Box<hpcsched_limits>>) {
    free(limits);
}

/// Stores the number of rows in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_limits_count(
    limits: Option<&hpcsched_limits>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(limits, "limits", out, 0, |l| Ok(l.items.len()))
}

/// Fills `*out` with row `index` (0-based, below hpcsched_limits_count). A bad index
/// gives HPCSCHED_RESULT_OUT_OF_RANGE; on any failure `*out` is all NULL / 0.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_limits_get(
    limits: Option<&hpcsched_limits>,
    index: usize,
    out: Option<&mut hpcsched_limit_row>,
) -> hpcsched_result {
    get_row(
        limits,
        "limits",
        |l| &l.items,
        index,
        out,
        hpcsched_limit_row::empty(),
    )
}

// ---------------------------------------------------------------------------------------
// Fair-share (sshare -a)
// ---------------------------------------------------------------------------------------

/// One association as `sshare -a` lists it. Filled by hpcsched_shares_get.
///
/// The strings point into the list and stay valid until it is released. A value that
/// sshare prints blank has its `has_` flag false and reads 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct hpcsched_share_row {
    /// Account: the association's account, or a user row's account.
    pub account: *const c_char,
    /// User, on user rows; NULL on account rows.
    pub user: *const c_char,
    /// Depth in the tree (the root 0); sshare indents the account by it.
    pub depth: usize,
    /// Whether RawShares is set (false for the root).
    pub has_raw_shares: bool,
    /// RawShares is `parent` (FairShare=parent); `raw_shares` then reads 0.
    pub raw_shares_parent: bool,
    /// RawShares, the association's FairShare= number.
    pub raw_shares: u32,
    /// NormShares.
    pub norm_shares: f64,
    /// RawUsage, truncated to an integer.
    pub raw_usage: u64,
    /// Whether NormUsage is known.
    pub has_norm_usage: bool,
    /// NormUsage.
    pub norm_usage: f64,
    /// EffectvUsage.
    pub effectv_usage: f64,
    /// Whether FairShare is printed (Fair Tree: user rows only).
    pub has_fair_share: bool,
    /// FairShare.
    pub fair_share: f64,
    /// Whether LevelFS is printed (Fair Tree, not for `parent` or the root).
    pub has_level_fs: bool,
    /// LevelFS.
    pub level_fs: f64,
}

impl hpcsched_share_row {
    fn empty() -> Self {
        Self {
            account: ptr::null(),
            user: ptr::null(),
            depth: 0,
            has_raw_shares: false,
            raw_shares_parent: false,
            raw_shares: 0,
            norm_shares: 0.0,
            raw_usage: 0,
            has_norm_usage: false,
            norm_usage: 0.0,
            effectv_usage: 0.0,
            has_fair_share: false,
            fair_share: 0.0,
            has_level_fs: false,
            level_fs: 0.0,
        }
    }
}

impl From<SshareRow> for Entry<hpcsched_share_row> {
    fn from(row: SshareRow) -> Self {
        let mut s = Lender::default();
        // No `..`: a column added to the core's row stops this compiling until C shows it.
        let SshareRow {
            account,
            user,
            depth,
            raw_shares,
            norm_shares,
            raw_usage,
            norm_usage,
            effectv_usage,
            fair_share,
            level_fs,
        } = row;
        let (raw_shares_parent, raw) = match raw_shares {
            None => (false, 0),
            Some(ShareValue::Parent) => (true, 0),
            Some(ShareValue::Value(v)) => (false, v),
        };
        Entry {
            row: hpcsched_share_row {
                account: s.lend(&account),
                user: s.lend_opt(user.as_deref()),
                depth,
                has_raw_shares: raw_shares.is_some(),
                raw_shares_parent,
                raw_shares: raw,
                norm_shares,
                raw_usage,
                has_norm_usage: norm_usage.is_some(),
                norm_usage: norm_usage.unwrap_or(0.0),
                effectv_usage,
                has_fair_share: fair_share.is_some(),
                fair_share: fair_share.unwrap_or(0.0),
                has_level_fs: level_fs.is_some(),
                level_fs: level_fs.unwrap_or(0.0),
            },
            _strings: s,
        }
    }
}

/// The fair-share tree as `sshare -a` lists it (hpcsched_share_row): under each account
/// its users, then its sub-accounts, each by name. Made by hpcsched_scheduler_shares and
/// released with hpcsched_shares_free. A snapshot.
pub struct hpcsched_shares {
    items: Vec<Entry<hpcsched_share_row>>,
}

/// Stores in `*out` the fair-share tree as of the last priority computation, as `sshare
/// -a` lists it; empty when the cluster computes no fair-share (no
/// PriorityWeightFairshare under priority/multifactor). The caller owns the list and
/// releases it with hpcsched_shares_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_shares(
    scheduler: Option<&hpcsched_scheduler>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_shares>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        let items = scheduler
            .inner
            .shares()
            .into_iter()
            .map(Entry::from)
            .collect();
        Ok(hpcsched_shares { items })
    })
}

/// Releases a list of shares. Passing NULL does nothing; its strings become invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_shares_free(shares: Option<Box<hpcsched_shares>>) {
    free(shares);
}

/// Stores the number of rows in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_shares_count(
    shares: Option<&hpcsched_shares>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(shares, "shares", out, 0, |l| Ok(l.items.len()))
}

/// Fills `*out` with row `index` (0-based, below hpcsched_shares_count). A bad index gives
/// HPCSCHED_RESULT_OUT_OF_RANGE; on any failure `*out` is all NULL / 0 / false.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_shares_get(
    shares: Option<&hpcsched_shares>,
    index: usize,
    out: Option<&mut hpcsched_share_row>,
) -> hpcsched_result {
    get_row(
        shares,
        "shares",
        |l| &l.items,
        index,
        out,
        hpcsched_share_row::empty(),
    )
}

// ---------------------------------------------------------------------------------------
// Priorities (sprio -l)
// ---------------------------------------------------------------------------------------

/// A pending job's priority taken apart, as `sprio -l` shows it: each factor times its
/// weight, rounded as sprio prints it, then the factors themselves (`sprio -n`). Filled
/// by hpcsched_priorities_get; the strings point into the list.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct hpcsched_priority_row {
    /// The job id.
    pub job: u32,
    /// USER.
    pub user: *const c_char,
    /// PARTITION: the one the priority is computed for (the job's first).
    pub partition: *const c_char,
    /// PRIORITY, as the last pass computed it.
    pub priority: u32,
    /// AGE, weighted.
    pub age: u64,
    /// ASSOC, weighted.
    pub assoc: u64,
    /// FAIRSHARE, weighted.
    pub fairshare: u64,
    /// JOBSIZE, weighted.
    pub job_size: u64,
    /// PARTITION, weighted.
    pub partition_factor: u64,
    /// QOS, weighted.
    pub qos: u64,
    /// NICE.
    pub nice: i32,
    /// The age factor before weighting, 0 to 1.
    pub age_factor: f64,
    /// The association factor before weighting.
    pub assoc_factor: f64,
    /// The fair-share factor before weighting, 0 to 1.
    pub fairshare_factor: f64,
    /// The job-size factor before weighting, 0 to 1.
    pub job_size_factor: f64,
    /// The partition factor before weighting.
    pub partition_factor_raw: f64,
    /// The QOS factor before weighting.
    pub qos_factor: f64,
    /// The TRES factors, already weighted and summed.
    pub tres_weighted: f64,
}

impl hpcsched_priority_row {
    fn empty() -> Self {
        Self {
            job: 0,
            user: ptr::null(),
            partition: ptr::null(),
            priority: 0,
            age: 0,
            assoc: 0,
            fairshare: 0,
            job_size: 0,
            partition_factor: 0,
            qos: 0,
            nice: 0,
            age_factor: 0.0,
            assoc_factor: 0.0,
            fairshare_factor: 0.0,
            job_size_factor: 0.0,
            partition_factor_raw: 0.0,
            qos_factor: 0.0,
            tres_weighted: 0.0,
        }
    }
}

impl From<PriorityRow> for Entry<hpcsched_priority_row> {
    fn from(row: PriorityRow) -> Self {
        let mut s = Lender::default();
        // No `..`: a column added to the core's row stops this compiling until C shows it.
        let PriorityRow {
            job,
            user,
            partition,
            priority,
            age,
            assoc,
            fairshare,
            job_size,
            partition_factor,
            qos,
            nice,
            factors,
        } = row;
        let PriorityFactors {
            age: age_factor,
            assoc: assoc_factor,
            fairshare: fairshare_factor,
            job_size: job_size_factor,
            partition: partition_factor_raw,
            qos: qos_factor,
            tres_weighted,
        } = factors;
        Entry {
            row: hpcsched_priority_row {
                job: job.0,
                user: s.lend(&user),
                partition: s.lend(&partition),
                priority,
                age,
                assoc,
                fairshare,
                job_size,
                partition_factor,
                qos,
                nice,
                age_factor,
                assoc_factor,
                fairshare_factor,
                job_size_factor,
                partition_factor_raw,
                qos_factor,
                tres_weighted,
            },
            _strings: s,
        }
    }
}

/// The pending jobs' priorities as `sprio -l` lists them (hpcsched_priority_row), by job
/// id. Made by hpcsched_scheduler_priorities and released with hpcsched_priorities_free.
/// A snapshot.
pub struct hpcsched_priorities {
    items: Vec<Entry<hpcsched_priority_row>>,
}

/// Stores in `*out` the priority of each pending job taken apart, as of the last pass, by
/// job id; empty under priority/basic or before the first pass. Jobs with an explicit
/// `--priority` and held jobs are left out, as sprio leaves them out. The caller owns the
/// list and releases it with hpcsched_priorities_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_priorities(
    scheduler: Option<&hpcsched_scheduler>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_priorities>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        let items = scheduler
            .inner
            .priorities()
            .into_iter()
            .map(Entry::from)
            .collect();
        Ok(hpcsched_priorities { items })
    })
}

/// Releases a list of priorities. Passing NULL does nothing; its strings become invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_priorities_free(priorities: Option<Box<hpcsched_priorities>>) {
    free(priorities);
}

/// Stores the number of rows in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_priorities_count(
    priorities: Option<&hpcsched_priorities>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(priorities, "priorities", out, 0, |l| Ok(l.items.len()))
}

/// Fills `*out` with row `index` (0-based, below hpcsched_priorities_count). A bad index
/// gives HPCSCHED_RESULT_OUT_OF_RANGE; on any failure `*out` is all NULL / 0.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_priorities_get(
    priorities: Option<&hpcsched_priorities>,
    index: usize,
    out: Option<&mut hpcsched_priority_row>,
) -> hpcsched_result {
    get_row(
        priorities,
        "priorities",
        |l| &l.items,
        index,
        out,
        hpcsched_priority_row::empty(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::hpcsched_last_error_line;
    use crate::cluster::{
        hpcsched_cluster, hpcsched_cluster_add_accounts, hpcsched_cluster_add_qos,
        hpcsched_cluster_add_sacctmgr, hpcsched_cluster_dump_accounts, hpcsched_cluster_free,
        hpcsched_cluster_from_slurm_conf, hpcsched_cluster_load_sacctmgr_dump,
    };
    use crate::decision::hpcsched_decisions_free;
    use crate::request::{hpcsched_request_free, hpcsched_string_free, tests::request};
    use crate::scheduler::{
        hpcsched_scheduler_free, hpcsched_scheduler_job_finished, hpcsched_scheduler_new,
        hpcsched_scheduler_schedule, hpcsched_scheduler_submit,
    };
    use crate::tests::{last_message, slot};
    use std::ffi::CStr;

    type Cl = Option<Box<hpcsched_cluster>>;
    type Sched = Option<Box<hpcsched_scheduler>>;

    /// Four GPU nodes of two GPUs behind the partition QOS gpu4.
    const GPU_CONF: &CStr = c"SelectType=select/cons_tres
DefMemPerCPU=100
NodeName=g[1-4] CPUs=8 RealMemory=64000 Gres=gpu:2
PartitionName=gpu Nodes=g[1-4] Default=YES QOS=gpu4
";
    const SCRIPT: &CStr = c"sacctmgr -i add cluster shared
sacctmgr -i add qos gpu4 MaxTRESPerUser=gres/gpu=4
sacctmgr -i add account lab Fairshare=10 GrpJobs=20
sacctmgr -i add user alice,bob Account=lab
";

    fn cluster(conf: &CStr) -> Cl {
        let mut c = None;
        // SAFETY: a NUL-terminated literal.
        let r = unsafe { hpcsched_cluster_from_slurm_conf(conf.as_ptr(), slot(&mut c)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        c
    }

    fn scheduler(c: &Cl) -> Sched {
        let mut s = None;
        // SAFETY: NULL policy.
        let r = unsafe { hpcsched_scheduler_new(c.as_deref(), ptr::null(), slot(&mut s)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        s
    }

    fn submit(s: &mut Sched, script: &CStr, user: &CStr, now: u64) -> (hpcsched_result, u32) {
        let r = request(script);
        let mut id = 0;
        // SAFETY: NUL-terminated literals.
        let code = unsafe {
            hpcsched_scheduler_submit(
                s.as_deref_mut(),
                r.as_deref(),
                user.as_ptr(),
                now,
                Some(&mut id),
            )
        };
        hpcsched_request_free(r);
        (code, id)
    }

    fn schedule(s: &mut Sched, now: u64) {
        let mut d = None;
        let r = hpcsched_scheduler_schedule(s.as_deref_mut(), now, slot(&mut d));
        assert_eq!(r, hpcsched_result::Ok);
        hpcsched_decisions_free(d);
    }

    fn text(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a string borrowed from a live list.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    /// Each limit as `owner:qos|account/user:counts:of|tres used/limit`.
    fn limits(s: &Sched, user: &CStr) -> Vec<String> {
        let (mut list, mut n) = (None, 0usize);
        // SAFETY: a NUL-terminated literal.
        let r =
            unsafe { hpcsched_scheduler_user_limits(s.as_deref(), user.as_ptr(), slot(&mut list)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        hpcsched_limits_count(list.as_deref(), Some(&mut n));
        let rows = (0..n)
            .map(|i| {
                let mut row = hpcsched_limit_row::empty();
                assert_eq!(
                    hpcsched_limits_get(list.as_deref(), i, Some(&mut row)),
                    hpcsched_result::Ok
                );
                let owner = match text(row.owner).as_deref() {
                    Some("qos") => text(row.qos).unwrap(),
                    _ => format!(
                        "{}/{}",
                        text(row.account).unwrap(),
                        text(row.user).unwrap_or_default()
                    ),
                };
                let of = text(row.tres).unwrap_or_else(|| text(row.of).unwrap());
                format!(
                    "{}:{owner}:{}:{of} {}/{}",
                    text(row.owner).unwrap(),
                    text(row.counts).unwrap(),
                    row.used,
                    row.limit
                )
            })
            .collect();
        let mut row = hpcsched_limit_row::empty();
        assert_eq!(
            hpcsched_limits_get(list.as_deref(), n, Some(&mut row)),
            hpcsched_result::OutOfRange
        );
        assert_eq!(row, hpcsched_limit_row::empty());
        hpcsched_limits_free(list);
        rows
    }

    #[test]
    fn the_gpu_cap_and_the_usage_view() {
        let mut c = cluster(GPU_CONF);
        // SAFETY: NUL-terminated literals.
        let r = unsafe { hpcsched_cluster_add_sacctmgr(c.as_deref_mut(), SCRIPT.as_ptr()) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        let mut s = scheduler(&c);
        let one = c"#!/bin/sh\n#SBATCH --gres=gpu:1 -t 60\n";
        let alice: Vec<u32> = (0..5)
            .map(|_| {
                let (r, id) = submit(&mut s, one, c"alice", 0);
                assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
                id
            })
            .collect();
        schedule(&mut s, 0);
        assert_eq!(
            limits(&s, c"alice"),
            [
                "qos:gpu4:user:gres/gpu 4/4",
                // GrpJobs counts the account's jobs, set on the account alone.
                "association:lab/:all:running_jobs 4/20",
            ]
        );
        hpcsched_scheduler_job_finished(s.as_deref_mut(), alice[0], 60, 0);
        schedule(&mut s, 60);
        assert_eq!(limits(&s, c"alice")[0], "qos:gpu4:user:gres/gpu 4/4");
        assert_eq!(limits(&s, c"carol"), ["qos:gpu4:user:gres/gpu 0/4"]);

        // carol has no association: sbatch refuses her job.
        let (r, id) = submit(&mut s, one, c"carol", 70);
        assert_eq!((r, id), (hpcsched_result::Rejected, 0));
        assert_eq!(
            last_message(),
            "Invalid account or account/partition combination specified"
        );
        let (r, _) = submit(&mut s, c"#!/bin/sh\n#SBATCH -q nosuch -t 5\n", c"bob", 70);
        assert_eq!(r, hpcsched_result::Rejected);
        assert_eq!(last_message(), "Invalid qos specification");
        hpcsched_scheduler_free(s);
        hpcsched_cluster_free(c);
    }

    #[test]
    fn accounts_text_errors_and_the_dump() {
        let mut c = cluster(GPU_CONF);
        // SAFETY: NUL-terminated literals and local out-params.
        unsafe {
            let bad = c"add cluster shared\nadd qos gpu4\nadd user frank Account=nope\n";
            let r = hpcsched_cluster_add_sacctmgr(c.as_deref_mut(), bad.as_ptr());
            assert_eq!(r, hpcsched_result::ParseError);
            assert_eq!(hpcsched_last_error_line(), 3);
            assert_eq!(last_message(), "line 3: This account 'nope' doesn't exist.");
            let mut dump = ptr::null_mut();
            let r = hpcsched_cluster_dump_accounts(c.as_deref(), Some(&mut dump));
            assert_eq!(r, hpcsched_result::Ok);
            assert!(dump.is_null(), "all or nothing: no tree yet");
            let r = hpcsched_cluster_add_sacctmgr(c.as_deref_mut(), SCRIPT.as_ptr());
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_cluster_dump_accounts(c.as_deref(), Some(&mut dump));
            assert_eq!(r, hpcsched_result::Ok);
            let written = text(dump).unwrap();
            assert!(written.contains("Cluster - 'shared'"), "{written}");
            assert!(written.contains("User - 'alice'"), "{written}");

            // The dump reads back, directly or told apart by add_accounts.
            let mut d = cluster(GPU_CONF);
            hpcsched_cluster_add_qos(d.as_deref_mut(), c"add qos gpu4\n".as_ptr());
            let r = hpcsched_cluster_load_sacctmgr_dump(d.as_deref_mut(), dump);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_cluster_add_accounts(d.as_deref_mut(), dump);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let mut again = ptr::null_mut();
            hpcsched_cluster_dump_accounts(d.as_deref(), Some(&mut again));
            assert_eq!(text(again).unwrap(), written);
            hpcsched_string_free(again);
            hpcsched_string_free(dump);
            let r =
                hpcsched_cluster_load_sacctmgr_dump(d.as_deref_mut(), c"Account - 'x'\n".as_ptr());
            assert_eq!(r, hpcsched_result::ParseError);
            assert_eq!(hpcsched_last_error_line(), 1);
            let r = hpcsched_cluster_add_sacctmgr(None, c"".as_ptr());
            assert_eq!(r, hpcsched_result::NullArgument);
            let r = hpcsched_cluster_add_accounts(d.as_deref_mut(), ptr::null());
            assert_eq!(r, hpcsched_result::NullArgument);
            hpcsched_cluster_free(d);
        }
        hpcsched_cluster_free(c);
    }

    #[test]
    fn fair_share_reorders_and_sprio_and_sshare_show_it() {
        let c = cluster(
            c"SelectType=select/cons_tres
PriorityType=priority/multifactor
PriorityWeightFairshare=10000
PriorityWeightAge=0
PriorityCalcPeriod=1
PriorityDecayHalfLife=1-0
NodeName=n1 CPUs=4 RealMemory=4000
PartitionName=p Nodes=n1 Default=YES
",
        );
        let mut s = scheduler(&c);
        let four = c"#!/bin/sh\n#SBATCH -n4 -t 60\n";
        let (_, used) = submit(&mut s, four, c"alice", 0);
        let (_, _first) = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -n4 -t 60 --begin=now+3600\n",
            c"bob",
            0,
        );
        schedule(&mut s, 0);
        hpcsched_scheduler_job_finished(s.as_deref_mut(), used, 600, 0);
        submit(&mut s, four, c"carol", 600);
        schedule(&mut s, 600);
        let (_, alice) = submit(&mut s, four, c"alice", 610);
        let (_, bob) = submit(&mut s, four, c"bob", 620);
        schedule(&mut s, 660);

        let (mut list, mut n) = (None, 0usize);
        assert_eq!(
            hpcsched_scheduler_priorities(s.as_deref(), slot(&mut list)),
            hpcsched_result::Ok
        );
        hpcsched_priorities_count(list.as_deref(), Some(&mut n));
        let rows: Vec<(u32, String, u32, u64)> = (0..n)
            .map(|i| {
                let mut row = hpcsched_priority_row::empty();
                hpcsched_priorities_get(list.as_deref(), i, Some(&mut row));
                (
                    row.job,
                    text(row.user).unwrap(),
                    row.priority,
                    row.fairshare,
                )
            })
            .collect();
        assert_eq!(
            rows[1..],
            [
                (alice, "alice".to_owned(), 3333, 3333),
                (bob, "bob".to_owned(), 10000, 10000)
            ]
        );
        let mut row = hpcsched_priority_row::empty();
        hpcsched_priorities_get(list.as_deref(), 2, Some(&mut row));
        assert!((row.fairshare_factor - 1.0).abs() < f64::EPSILON);
        assert_eq!(text(row.partition).as_deref(), Some("p"));
        hpcsched_priorities_free(list);

        let mut list = None;
        assert_eq!(
            hpcsched_scheduler_shares(s.as_deref(), slot(&mut list)),
            hpcsched_result::Ok
        );
        hpcsched_shares_count(list.as_deref(), Some(&mut n));
        assert_eq!(n, 4);
        let mut rows = Vec::new();
        for i in 0..n {
            let mut row = hpcsched_share_row::empty();
            assert_eq!(
                hpcsched_shares_get(list.as_deref(), i, Some(&mut row)),
                hpcsched_result::Ok
            );
            rows.push(row);
        }
        let who: Vec<(String, Option<String>, usize)> = rows
            .iter()
            .map(|r| (text(r.account).unwrap(), text(r.user), r.depth))
            .collect();
        assert_eq!(
            who,
            [
                ("root".to_owned(), None, 0),
                ("root".to_owned(), Some("alice".to_owned()), 1),
                ("root".to_owned(), Some("bob".to_owned()), 1),
                ("root".to_owned(), Some("carol".to_owned()), 1),
            ]
        );
        assert!(!rows[0].has_raw_shares && !rows[0].has_fair_share);
        assert!(rows[1].raw_usage > rows[3].raw_usage);
        assert_eq!(
            (
                rows[2].raw_usage,
                rows[2].has_fair_share,
                rows[2].fair_share
            ),
            (0, true, 1.0)
        );
        hpcsched_shares_free(list);
        hpcsched_scheduler_free(s);
        hpcsched_cluster_free(c);
    }

    #[test]
    fn null_arguments_and_free() {
        let mut list = None;
        // SAFETY: NULL arguments only.
        let r = unsafe { hpcsched_scheduler_user_limits(None, ptr::null(), slot(&mut list)) };
        assert_eq!(r, hpcsched_result::NullArgument);
        assert!(list.is_none());
        let mut n = 3usize;
        assert_eq!(
            hpcsched_shares_count(None, Some(&mut n)),
            hpcsched_result::NullArgument
        );
        assert_eq!(n, 0);
        let mut row = hpcsched_priority_row::empty();
        row.job = 9;
        assert_eq!(
            hpcsched_priorities_get(None, 0, Some(&mut row)),
            hpcsched_result::NullArgument
        );
        assert_eq!(row.job, 0);
        hpcsched_limits_free(None);
        hpcsched_shares_free(None);
        hpcsched_priorities_free(None);
    }
}
