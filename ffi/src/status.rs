//! Read views of a scheduler for status and accounting tools: every job as `sacct` lists
//! it, a partition's nodes and CPUs as `sinfo` summarises them, what a user's jobs hold, and
//! a user's usage next to a QOS's `MaxTRESPerUser` limits.
//!
//! Each view is a snapshot the caller owns: it keeps describing the scheduler as it was
//! when taken, and strings borrowed from it stay valid until it is released.

use crate::decision::opt_ptr;
use crate::error::{
    Failure, arg_ref, arg_str, c_string, free_box, getter, guard, hpcsched_result, item,
    optional_getter, out_param,
};
use crate::job::hand_out;
use crate::scheduler::hpcsched_scheduler;
use hpcsched::{
    JobRecord, LimitUsage, PartitionUsage, RejectReason, TimeLimit, Timestamp, UserUsage,
};
use std::ffi::{CString, c_char};
use std::ptr;

/// One record with its strings ready to lend to C.
struct RecordEntry {
    job: u32,
    display_id: CString,
    name: CString,
    user: CString,
    account: Option<CString>,
    partition: CString,
    state: CString,
    exit_code: i32,
    submit: u64,
    eligible: Option<u64>,
    start: Option<u64>,
    end: Option<u64>,
    elapsed: u64,
    time_limit: TimeLimit,
    nodes: CString,
    alloc_tres: CString,
}

impl RecordEntry {
    fn new(r: &JobRecord) -> Self {
        Self {
            job: r.job.0,
            display_id: c_string(&r.display_id),
            name: c_string(&r.name),
            user: c_string(&r.user),
            account: r.account.as_deref().map(c_string),
            partition: c_string(&r.partition),
            state: c_string(r.state.name()),
            exit_code: r.exit_code,
            submit: r.submit.0,
            eligible: r.eligible.map(|t| t.0),
            start: r.start.map(|t| t.0),
            end: r.end.map(|t| t.0),
            elapsed: r.elapsed.as_secs(),
            time_limit: r.time_limit,
            nodes: c_string(&r.nodes),
            alloc_tres: c_string(&r.alloc_tres),
        }
    }
}

/// Every job as `sacct` lists it (finished, running and pending), by job id; an array's
/// tasks that have not started are one record.
///
/// Made by hpcsched_scheduler_records and released with hpcsched_records_free. It is a
/// snapshot and does not refer to the scheduler. Strings borrowed from it stay valid until
/// it is released.
pub struct hpcsched_records {
    items: Vec<RecordEntry>,
}

impl hpcsched_records {
    fn at(&self, index: usize) -> Result<&RecordEntry, Failure> {
        item(&self.items, index, "record", "list")
    }
}

/// Stores in `*out` every job the scheduler knows as `sacct` would list it at `now` (which
/// sets the elapsed time of running jobs), ordered by job id. The caller owns the list and
/// must release it with hpcsched_records_free.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_records(
    scheduler: *const hpcsched_scheduler,
    now: u64,
    out: *mut *mut hpcsched_records,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        let items = scheduler
            .inner
            .records(Timestamp(now))
            .iter()
            .map(RecordEntry::new)
            .collect();
        hand_out(out, hpcsched_records { items });
        Ok(())
    })
}

/// Releases a record list. Passing NULL does nothing. Strings borrowed from it become
/// invalid.
///
/// # Safety
/// `records` is NULL or a list from hpcsched_scheduler_records not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_free(records: *mut hpcsched_records) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(records) };
}

/// Stores the number of records in `*out`.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_count(
    records: *const hpcsched_records,
    out: *mut usize,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(records, "records", out, 0, |l| Ok(l.items.len())) }
}

/// Stores the job id of record `index` (0-based, below hpcsched_records_count) in `*out`;
/// an array's pending tasks carry the array job id. Every indexed accessor returns
/// HPCSCHED_RESULT_OUT_OF_RANGE for a bad index and then leaves its out-params NULL / 0.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_job(
    records: *const hpcsched_records,
    index: usize,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(records, "records", out, 0, |l| Ok(l.at(index)?.job)) }
}

/// Stores in `*out` sacct's JobID of record `index`: `42`, `7_3` for an array task, or
/// `7_[2-5]` for an array's tasks that have not started. Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_display_id(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.display_id.as_ptr())
        })
    }
}

/// Stores in `*out` the JobName of record `index` (`--job-name`, empty when not given).
/// Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_name(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.name.as_ptr())
        })
    }
}

/// Stores in `*out` the user who submitted record `index`'s job. Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_user(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.user.as_ptr())
        })
    }
}

/// Stores in `*out` the account of record `index`, or NULL when none was given. Borrowed
/// from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_account(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(opt_ptr(l.at(index)?.account.as_ref()))
        })
    }
}

/// Stores in `*out` the partition of record `index`: where the job ran, or the one it
/// waits for. Never NULL on success. Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_partition(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.partition.as_ptr())
        })
    }
}

/// Stores in `*out` the State of record `index` as sacct names it (`PENDING`, `RUNNING`,
/// `COMPLETED`, `FAILED`, `CANCELLED`, `TIMEOUT`...). Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_state(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.state.as_ptr())
        })
    }
}

/// Stores in `*out` the exit status of record `index`'s job (the first number of sacct's
/// ExitCode): 0 until the job ends.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_exit_code(
    records: *const hpcsched_records,
    index: usize,
    out: *mut i32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(records, "records", out, 0, |l| Ok(l.at(index)?.exit_code)) }
}

/// Stores in `*out` the Submit time of record `index` (seconds on the host's clock).
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_submit_time(
    records: *const hpcsched_records,
    index: usize,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(records, "records", out, 0, |l| Ok(l.at(index)?.submit)) }
}

/// Stores the Eligible time of record `index`: `*has` is false (and `*out` 0) until a
/// scheduling pass has found the job eligible (sacct's `Unknown`), e.g. while it waits on
/// a dependency or a begin time.
///
/// # Safety
/// `records` is NULL or a live list; `out` and `has` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_eligible_time(
    records: *const hpcsched_records,
    index: usize,
    out: *mut u64,
    has: *mut bool,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        optional_getter(records, "records", out, has, 0, |l| {
            Ok(l.at(index)?.eligible)
        })
    }
}

/// Stores the Start time of record `index`: `*has` is false (and `*out` 0) when the job
/// has not started (sacct's `Unknown`).
///
/// # Safety
/// `records` is NULL or a live list; `out` and `has` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_start_time(
    records: *const hpcsched_records,
    index: usize,
    out: *mut u64,
    has: *mut bool,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { optional_getter(records, "records", out, has, 0, |l| Ok(l.at(index)?.start)) }
}

/// Stores the End time of record `index`: `*has` is false (and `*out` 0) while the job has
/// not ended (sacct's `Unknown`).
///
/// # Safety
/// `records` is NULL or a live list; `out` and `has` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_end_time(
    records: *const hpcsched_records,
    index: usize,
    out: *mut u64,
    has: *mut bool,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { optional_getter(records, "records", out, has, 0, |l| Ok(l.at(index)?.end)) }
}

/// Stores in `*out` the Elapsed time of record `index` in seconds: end (or the `now` the
/// list was taken at, while the job runs) minus start; 0 when it never started.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_elapsed_seconds(
    records: *const hpcsched_records,
    index: usize,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(records, "records", out, 0, |l| Ok(l.at(index)?.elapsed)) }
}

/// Stores the Timelimit of record `index`: `*unlimited` is true for an unlimited job (and
/// `*seconds` is then 0), otherwise `*seconds` is the limit in seconds.
///
/// # Safety
/// `records` is NULL or a live list; `seconds` and `unlimited` are NULL or valid for
/// writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_time_limit_seconds(
    records: *const hpcsched_records,
    index: usize,
    seconds: *mut u64,
    unlimited: *mut bool,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let seconds = unsafe { out_param(seconds, "seconds") }?;
        // SAFETY: per this function's contract.
        let unlimited = unsafe { out_param(unlimited, "unlimited") }?;
        *seconds = 0;
        *unlimited = false;
        // SAFETY: per this function's contract.
        let records = unsafe { arg_ref(records, "records") }?;
        match records.at(index)?.time_limit {
            TimeLimit::Limited(d) => *seconds = d.as_secs(),
            TimeLimit::Unlimited => *unlimited = true,
        }
        Ok(())
    })
}

/// Stores in `*out` the NodeList of record `index` as a Slurm hostlist (`n[1-3]`), or an
/// empty string when the job never started. Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_nodes(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.nodes.as_ptr())
        })
    }
}

/// Stores in `*out` the AllocTRES of record `index` in sacct's form and order,
/// `cpu=N,mem=NM,node=N` then `gres/NAME=N` by GRES name (e.g.
/// `cpu=4,mem=8192M,node=1,gres/gpu=2`), or an empty string when the job never started.
/// Borrowed from the list.
///
/// # Safety
/// `records` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_records_alloc_tres(
    records: *const hpcsched_records,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(records, "records", out, ptr::null(), |l| {
            Ok(l.at(index)?.alloc_tres.as_ptr())
        })
    }
}

/// How one partition's nodes and CPUs are used, as `sinfo` summarises them.
///
/// Made by hpcsched_scheduler_partition_usage and released with
/// hpcsched_partition_usage_free. It is a snapshot and does not refer to the scheduler.
pub struct hpcsched_partition_usage {
    inner: PartitionUsage,
}

/// Stores in `*out` how the nodes of partition `partition` are used now. The caller owns
/// the snapshot and must release it with hpcsched_partition_usage_free. A name the
/// cluster does not have gives HPCSCHED_RESULT_UNKNOWN_PARTITION and `*out` = NULL.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `partition` is NULL or a NUL-terminated
/// string; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_partition_usage(
    scheduler: *const hpcsched_scheduler,
    partition: *const c_char,
    out: *mut *mut hpcsched_partition_usage,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(partition, "partition") }?;
        let inner = scheduler.inner.partition_usage(name).ok_or_else(|| {
            Failure::new(
                hpcsched_result::UnknownPartition,
                RejectReason::InvalidPartition(name.to_owned()).to_string(),
            )
        })?;
        hand_out(out, hpcsched_partition_usage { inner });
        Ok(())
    })
}

/// Releases a partition usage snapshot. Passing NULL does nothing.
///
/// # Safety
/// `usage` is NULL or a snapshot from hpcsched_scheduler_partition_usage not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_free(usage: *mut hpcsched_partition_usage) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(usage) };
}

/// Stores in `*out` the number of nodes in the partition (sinfo's NODES(A/I/O/T) total).
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_nodes(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.nodes)) }
}

/// Stores in `*out` the nodes with nothing allocated that can take jobs (IDLE).
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_idle(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.idle)) }
}

/// Stores in `*out` the nodes with some but not all CPUs allocated (MIXED).
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_mixed(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.mixed)) }
}

/// Stores in `*out` the nodes with every CPU allocated (ALLOCATED).
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_allocated(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.allocated)) }
}

/// Stores in `*out` the nodes that take no new jobs (DOWN, DRAIN, FAIL...), whatever they
/// still run; they count in none of idle, mixed and allocated.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_unavailable(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.unavailable)) }
}

/// Stores in `*out` the number of CPUs in the partition.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_cpus(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.cpus)) }
}

/// Stores in `*out` the number of the partition's CPUs allocated to jobs.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_cpus_allocated(
    usage: *const hpcsched_partition_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.cpus_allocated)) }
}

/// Stores in `*out` the number of GPUs in the partition (GRES `gpu` of every type).
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_gpus(
    usage: *const hpcsched_partition_usage,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.gpus)) }
}

/// Stores in `*out` the number of the partition's GPUs allocated to jobs.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_partition_usage_gpus_allocated(
    usage: *const hpcsched_partition_usage,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.gpus_allocated)) }
}

/// What one user's jobs hold (running) and wait for (pending).
///
/// Made by hpcsched_scheduler_user_usage and released with hpcsched_user_usage_free. It is
/// a snapshot and does not refer to the scheduler.
pub struct hpcsched_user_usage {
    inner: UserUsage,
}

/// Stores in `*out` what the jobs of `user` hold and wait for now (all zero for a user
/// with no jobs). The caller owns the snapshot and must release it with
/// hpcsched_user_usage_free.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `user` is NULL or a NUL-terminated string;
/// `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_user_usage(
    scheduler: *const hpcsched_scheduler,
    user: *const c_char,
    out: *mut *mut hpcsched_user_usage,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let user = unsafe { arg_str(user, "user") }?;
        let inner = scheduler.inner.user_usage(user);
        hand_out(out, hpcsched_user_usage { inner });
        Ok(())
    })
}

/// Releases a user usage snapshot. Passing NULL does nothing.
///
/// # Safety
/// `usage` is NULL or a snapshot from hpcsched_scheduler_user_usage not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_free(usage: *mut hpcsched_user_usage) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(usage) };
}

/// Stores in `*out` how many of the user's jobs are running.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_running_jobs(
    usage: *const hpcsched_user_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.running_jobs)) }
}

/// Stores in `*out` how many of the user's jobs are pending; an array's pending tasks
/// count one each.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_pending_jobs(
    usage: *const hpcsched_user_usage,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.pending_jobs)) }
}

/// Stores in `*out` the nodes the user's running jobs hold, one per node of each job (two
/// jobs sharing a node count it twice, as TRES `node` does).
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_nodes(
    usage: *const hpcsched_user_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.held.nodes)) }
}

/// Stores in `*out` the CPUs the user's running jobs hold.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_cpus(
    usage: *const hpcsched_user_usage,
    out: *mut u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.held.cpus)) }
}

/// Stores in `*out` the memory the user's running jobs hold, in MiB.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_memory_mib(
    usage: *const hpcsched_user_usage,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |u| Ok(u.inner.held.memory.mib())) }
}

/// Stores in `*out` the GPUs (GRES `gpu` of every type) the user's running jobs hold.
///
/// # Safety
/// `usage` is NULL or a live snapshot; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_user_usage_gpus(
    usage: *const hpcsched_user_usage,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(usage, "usage", out, 0, |u| {
            Ok(u.inner.held.gres_total("gpu"))
        })
    }
}

/// One limit with its name ready to lend to C.
struct LimitEntry {
    tres: CString,
    used: u64,
    limit: u64,
}

impl LimitEntry {
    fn new(l: &LimitUsage) -> Self {
        Self {
            tres: c_string(&l.kind.to_string()),
            used: l.used,
            limit: l.limit,
        }
    }
}

/// A user's usage under one QOS next to each of its `MaxTRESPerUser` limits, in the order
/// the limits were written (empty when the QOS has none).
///
/// Made by hpcsched_scheduler_qos_user_usage and released with hpcsched_qos_usage_free.
/// It is a snapshot and does not refer to the scheduler. Strings borrowed from it stay
/// valid until it is released.
pub struct hpcsched_qos_usage {
    items: Vec<LimitEntry>,
}

impl hpcsched_qos_usage {
    fn at(&self, index: usize) -> Result<&LimitEntry, Failure> {
        item(&self.items, index, "limit", "list")
    }
}

/// Stores in `*out` what the running jobs of `user` that run under QOS `qos` hold, next to
/// each `MaxTRESPerUser` limit of that QOS. The caller owns the list and must release it
/// with hpcsched_qos_usage_free. A QOS the cluster does not define gives
/// HPCSCHED_RESULT_UNKNOWN_QOS and `*out` = NULL.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `qos` and `user` are NULL or NUL-terminated
/// strings; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_qos_user_usage(
    scheduler: *const hpcsched_scheduler,
    qos: *const c_char,
    user: *const c_char,
    out: *mut *mut hpcsched_qos_usage,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let qos = unsafe { arg_str(qos, "qos") }?;
        // SAFETY: per this function's contract.
        let user = unsafe { arg_str(user, "user") }?;
        let limits = scheduler.inner.qos_user_usage(qos, user).ok_or_else(|| {
            Failure::new(
                hpcsched_result::UnknownQos,
                RejectReason::InvalidQos(qos.to_owned()).to_string(),
            )
        })?;
        let items = limits.iter().map(LimitEntry::new).collect();
        hand_out(out, hpcsched_qos_usage { items });
        Ok(())
    })
}

/// Releases a QOS usage list. Passing NULL does nothing. Strings borrowed from it become
/// invalid.
///
/// # Safety
/// `usage` is NULL or a list from hpcsched_scheduler_qos_user_usage not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_qos_usage_free(usage: *mut hpcsched_qos_usage) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(usage) };
}

/// Stores the number of limits in `*out`.
///
/// # Safety
/// `usage` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_qos_usage_count(
    usage: *const hpcsched_qos_usage,
    out: *mut usize,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |l| Ok(l.items.len())) }
}

/// Stores in `*out` the TRES that limit `index` (0-based, below hpcsched_qos_usage_count)
/// applies to, as sacctmgr names it: `cpu`, `mem`, `node`, `gres/gpu`, `gres/gpu:a100`...
/// Borrowed from the list. Every indexed accessor returns HPCSCHED_RESULT_OUT_OF_RANGE for
/// a bad index.
///
/// # Safety
/// `usage` is NULL or a live list; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_qos_usage_tres(
    usage: *const hpcsched_qos_usage,
    index: usize,
    out: *mut *const c_char,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        getter(usage, "usage", out, ptr::null(), |l| {
            Ok(l.at(index)?.tres.as_ptr())
        })
    }
}

/// Stores in `*out` how much of limit `index`'s TRES the user's running jobs under the QOS
/// hold (memory in MiB, other TRES as counts).
///
/// # Safety
/// `usage` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_qos_usage_used(
    usage: *const hpcsched_qos_usage,
    index: usize,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |l| Ok(l.at(index)?.used)) }
}

/// Stores in `*out` the value of limit `index` (memory in MiB, other TRES as counts).
///
/// # Safety
/// `usage` is NULL or a live list; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_qos_usage_limit(
    usage: *const hpcsched_qos_usage,
    index: usize,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { getter(usage, "usage", out, 0, |l| Ok(l.at(index)?.limit)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{
        hpcsched_cluster_add_qos, hpcsched_cluster_free, hpcsched_cluster_from_slurm_conf,
    };
    use crate::decision::{hpcsched_decisions_count, hpcsched_decisions_free};
    use crate::request::{hpcsched_request_free, tests::request};
    use crate::scheduler::*;
    use crate::tests::last_message;
    use std::ffi::CStr;

    /// Two CPU nodes (the second with no time limit on its partition) and a GPU node.
    const CONF: &CStr = c"GresTypes=gpu
NodeName=c[1-2] CPUs=8 RealMemory=16000
NodeName=g1 CPUs=16 RealMemory=64000 Gres=gpu:a100:4
PartitionName=cpu Nodes=c[1-2] Default=YES MaxTime=UNLIMITED
PartitionName=gpu Nodes=g1
";
    const QOS: &CStr = c"sacctmgr add qos normal
sacctmgr add qos gpu2 MaxTRESPerUser=gres/gpu=2,mem=16G,cpu=8
";

    fn scheduler() -> *mut hpcsched_scheduler {
        let (mut c, mut s) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: valid strings and out-params; the cluster is released right after.
        unsafe {
            assert_eq!(
                hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), &raw mut c),
                hpcsched_result::Ok,
                "{}",
                last_message()
            );
            assert_eq!(
                hpcsched_cluster_add_qos(c, QOS.as_ptr()),
                hpcsched_result::Ok,
                "{}",
                last_message()
            );
            assert_eq!(
                hpcsched_scheduler_new(c, ptr::null(), &raw mut s),
                hpcsched_result::Ok
            );
            hpcsched_cluster_free(c);
        }
        s
    }

    fn submit(s: *mut hpcsched_scheduler, script: &CStr, user: &CStr) -> u32 {
        let r = request(script);
        let mut id = 0;
        // SAFETY: live handles, local out-param.
        unsafe {
            let code = hpcsched_scheduler_submit(s, r, user.as_ptr(), 0, &raw mut id);
            assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
            hpcsched_request_free(r);
        }
        id
    }

    /// Runs a pass and returns how many decisions it made.
    fn schedule(s: *mut hpcsched_scheduler, now: u64) -> usize {
        let (mut d, mut n) = (ptr::null_mut(), 0usize);
        // SAFETY: live handle, local out-params; the list is released.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_schedule(s, now, &raw mut d),
                hpcsched_result::Ok
            );
            hpcsched_decisions_count(d, &raw mut n);
            hpcsched_decisions_free(d);
        }
        n
    }

    fn cstr(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a string borrowed from a live handle.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    /// Reads a string accessor of record `i`.
    fn text(
        list: *const hpcsched_records,
        i: usize,
        get: unsafe extern "C" fn(
            *const hpcsched_records,
            usize,
            *mut *const c_char,
        ) -> hpcsched_result,
    ) -> Option<String> {
        let mut p = ptr::null();
        // SAFETY: a live list and a local out-param.
        assert_eq!(unsafe { get(list, i, &raw mut p) }, hpcsched_result::Ok);
        cstr(p)
    }

    /// Reads an optional time of record `i`.
    fn time(
        list: *const hpcsched_records,
        i: usize,
        get: unsafe extern "C" fn(
            *const hpcsched_records,
            usize,
            *mut u64,
            *mut bool,
        ) -> hpcsched_result,
    ) -> Option<u64> {
        let (mut t, mut has) = (7u64, true);
        // SAFETY: a live list and local out-params.
        assert_eq!(
            unsafe { get(list, i, &raw mut t, &raw mut has) },
            hpcsched_result::Ok
        );
        if !has {
            assert_eq!(t, 0, "an unset time reads 0");
        }
        has.then_some(t)
    }

    /// Reads a number of record `i`.
    fn num<T: Copy + Default>(
        list: *const hpcsched_records,
        i: usize,
        get: unsafe extern "C" fn(*const hpcsched_records, usize, *mut T) -> hpcsched_result,
    ) -> T {
        let mut v = T::default();
        // SAFETY: a live list and a local out-param.
        assert_eq!(unsafe { get(list, i, &raw mut v) }, hpcsched_result::Ok);
        v
    }

    /// Every field of record `i`, sacct-style: `|`-separated, `-` for NULL or unset.
    fn line(list: *const hpcsched_records, i: usize) -> String {
        let opt = |t: Option<u64>| t.map_or("-".to_owned(), |t| t.to_string());
        let (mut secs, mut unlimited) = (9u64, true);
        // SAFETY: a live list and local out-params.
        let r = unsafe {
            hpcsched_records_time_limit_seconds(list, i, &raw mut secs, &raw mut unlimited)
        };
        assert_eq!(r, hpcsched_result::Ok);
        assert!(!unlimited || secs == 0);
        [
            num(list, i, hpcsched_records_job).to_string(),
            text(list, i, hpcsched_records_display_id).unwrap(),
            text(list, i, hpcsched_records_name).unwrap(),
            text(list, i, hpcsched_records_user).unwrap(),
            text(list, i, hpcsched_records_account).unwrap_or_else(|| "-".into()),
            text(list, i, hpcsched_records_partition).unwrap(),
            text(list, i, hpcsched_records_state).unwrap(),
            num(list, i, hpcsched_records_exit_code).to_string(),
            num(list, i, hpcsched_records_submit_time).to_string(),
            opt(time(list, i, hpcsched_records_eligible_time)),
            opt(time(list, i, hpcsched_records_start_time)),
            opt(time(list, i, hpcsched_records_end_time)),
            num(list, i, hpcsched_records_elapsed_seconds).to_string(),
            if unlimited {
                "UNLIMITED".into()
            } else {
                secs.to_string()
            },
            text(list, i, hpcsched_records_nodes).unwrap(),
            text(list, i, hpcsched_records_alloc_tres).unwrap(),
        ]
        .join("|")
    }

    fn records(s: *const hpcsched_scheduler, now: u64) -> Vec<String> {
        let (mut list, mut n) = (ptr::null_mut(), 0usize);
        // SAFETY: a live scheduler and local out-params; the list is released.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_records(s, now, &raw mut list),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_records_count(list, &raw mut n),
                hpcsched_result::Ok
            );
            let lines = (0..n).map(|i| line(list, i)).collect();
            hpcsched_records_free(list);
            lines
        }
    }

    #[test]
    fn records_like_sacct() {
        let s = scheduler();
        let build = submit(
            s,
            c"#!/bin/sh\n#SBATCH -J build -n4 --mem=4G -t 10\n",
            c"alice",
        );
        let train = submit(
            s,
            c"#!/bin/sh\n#SBATCH -J train -p gpu -q gpu2 -A physics -c4 --mem=8G --gres=gpu:a100:2 -t 60\n",
            c"bob",
        );
        // No --time under MaxTime=UNLIMITED and no DefaultTime: an unlimited job.
        let sweep = submit(
            s,
            c"#!/bin/sh\n#SBATCH -J sweep -a 0-3 -N1 --exclusive\n",
            c"carol",
        );
        let report = submit(
            s,
            c"#!/bin/sh\n#SBATCH -J report -d afterok:2 -t 5\n",
            c"carol",
        );
        assert_eq!((build, train, sweep, report), (1, 2, 3, 4));
        // Before the first pass: every record pending, not yet found eligible, no start.
        assert_eq!(
            records(s, 0),
            [
                "1|1|build|alice|-|cpu|PENDING|0|0|-|-|-|0|600||",
                "2|2|train|bob|physics|gpu|PENDING|0|0|-|-|-|0|3600||",
                "3|3_[0-3]|sweep|carol|-|cpu|PENDING|0|0|-|-|-|0|UNLIMITED||",
                "4|4|report|carol|-|cpu|PENDING|0|0|-|-|-|0|300||",
            ]
        );
        // build (half of c1) and train start; c2 is free for one exclusive sweep task,
        // which gets the next job id.
        assert_eq!(schedule(s, 0), 3);
        // SAFETY: the scheduler from above.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_job_finished(s, build, 120, 0),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_scheduler_job_finished(s, train, 600, 3),
                hpcsched_result::Ok
            );
        }
        assert_eq!(
            records(s, 1000),
            [
                "1|1|build|alice|-|cpu|COMPLETED|0|0|0|0|120|120|600|c1|cpu=4,mem=4096M,node=1",
                "2|2|train|bob|physics|gpu|FAILED|3|0|0|0|600|600|3600|g1|cpu=4,mem=8192M,node=1,gres/gpu=2",
                "3|3_[1-3]|sweep|carol|-|cpu|PENDING|0|0|0|-|-|0|UNLIMITED||",
                "4|4|report|carol|-|cpu|PENDING|0|0|-|-|-|0|300||",
                "5|3_0|sweep|carol|-|cpu|RUNNING|0|0|0|0|-|1000|UNLIMITED|c2|cpu=8,mem=16000M,node=1",
            ]
        );
        // SAFETY: the scheduler from above; local out-params.
        unsafe {
            let mut list = ptr::null_mut();
            hpcsched_scheduler_records(s, 1000, &raw mut list);
            // Out of range: the message names the index, every out-param is cleared.
            let mut p = c"x".as_ptr();
            assert_eq!(
                hpcsched_records_nodes(list, 5, &raw mut p),
                hpcsched_result::OutOfRange
            );
            assert!(p.is_null());
            assert_eq!(last_message(), "record index 5 out of range (list has 5)");
            let (mut t, mut has) = (9u64, true);
            assert_eq!(
                hpcsched_records_end_time(list, usize::MAX, &raw mut t, &raw mut has),
                hpcsched_result::OutOfRange
            );
            assert_eq!((t, has), (0, false));
            let (mut secs, mut unlimited) = (9u64, true);
            assert_eq!(
                hpcsched_records_time_limit_seconds(list, 5, &raw mut secs, &raw mut unlimited),
                hpcsched_result::OutOfRange
            );
            assert_eq!((secs, unlimited), (0, false));
            let mut code = 9i32;
            assert_eq!(
                hpcsched_records_exit_code(list, 5, &raw mut code),
                hpcsched_result::OutOfRange
            );
            assert_eq!(code, 0);
            // The list is a snapshot: it outlives the scheduler.
            hpcsched_scheduler_free(s);
            assert_eq!(line(list, 1).split('|').nth(6), Some("FAILED"));
            hpcsched_records_free(list);
        }
    }

    /// Every field of a partition's usage, in declaration order.
    fn partition(s: *const hpcsched_scheduler, name: &CStr) -> [u64; 9] {
        let mut u = ptr::null_mut();
        // SAFETY: a live scheduler and local out-params; the snapshot is released.
        unsafe {
            let r = hpcsched_scheduler_partition_usage(s, name.as_ptr(), &raw mut u);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let n32 = |get: unsafe extern "C" fn(
                *const hpcsched_partition_usage,
                *mut u32,
            ) -> hpcsched_result| {
                let mut v = 0u32;
                assert_eq!(get(u, &raw mut v), hpcsched_result::Ok);
                u64::from(v)
            };
            let (mut gpus, mut gpus_allocated) = (0u64, 0u64);
            hpcsched_partition_usage_gpus(u, &raw mut gpus);
            hpcsched_partition_usage_gpus_allocated(u, &raw mut gpus_allocated);
            let all = [
                n32(hpcsched_partition_usage_nodes),
                n32(hpcsched_partition_usage_idle),
                n32(hpcsched_partition_usage_mixed),
                n32(hpcsched_partition_usage_allocated),
                n32(hpcsched_partition_usage_unavailable),
                n32(hpcsched_partition_usage_cpus),
                n32(hpcsched_partition_usage_cpus_allocated),
                gpus,
                gpus_allocated,
            ];
            hpcsched_partition_usage_free(u);
            all
        }
    }

    /// running, pending, nodes, cpus, memory MiB, gpus of a user.
    fn user(s: *const hpcsched_scheduler, name: &CStr) -> [u64; 6] {
        let mut u = ptr::null_mut();
        // SAFETY: a live scheduler and local out-params; the snapshot is released.
        unsafe {
            let r = hpcsched_scheduler_user_usage(s, name.as_ptr(), &raw mut u);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let (mut running, mut nodes, mut cpus) = (0u32, 0u32, 0u32);
            let (mut pending, mut mib, mut gpus) = (0u64, 0u64, 0u64);
            hpcsched_user_usage_running_jobs(u, &raw mut running);
            hpcsched_user_usage_pending_jobs(u, &raw mut pending);
            hpcsched_user_usage_nodes(u, &raw mut nodes);
            hpcsched_user_usage_cpus(u, &raw mut cpus);
            hpcsched_user_usage_memory_mib(u, &raw mut mib);
            hpcsched_user_usage_gpus(u, &raw mut gpus);
            hpcsched_user_usage_free(u);
            [
                running.into(),
                pending,
                nodes.into(),
                cpus.into(),
                mib,
                gpus,
            ]
        }
    }

    /// (tres, used, limit) for each MaxTRESPerUser limit of `qos`.
    fn limits(s: *const hpcsched_scheduler, qos: &CStr, name: &CStr) -> Vec<(String, u64, u64)> {
        let (mut u, mut n) = (ptr::null_mut(), 0usize);
        // SAFETY: a live scheduler and local out-params; the list is released.
        unsafe {
            let r = hpcsched_scheduler_qos_user_usage(s, qos.as_ptr(), name.as_ptr(), &raw mut u);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            hpcsched_qos_usage_count(u, &raw mut n);
            let out = (0..n)
                .map(|i| {
                    let (mut tres, mut used, mut limit) = (ptr::null(), 0u64, 0u64);
                    assert_eq!(
                        hpcsched_qos_usage_tres(u, i, &raw mut tres),
                        hpcsched_result::Ok
                    );
                    assert_eq!(
                        hpcsched_qos_usage_used(u, i, &raw mut used),
                        hpcsched_result::Ok
                    );
                    assert_eq!(
                        hpcsched_qos_usage_limit(u, i, &raw mut limit),
                        hpcsched_result::Ok
                    );
                    (cstr(tres).unwrap(), used, limit)
                })
                .collect();
            hpcsched_qos_usage_free(u);
            out
        }
    }

    #[test]
    fn usage_views() {
        let s = scheduler();
        let empty_cpu = [2, 2, 0, 0, 0, 16, 0, 0, 0];
        assert_eq!(partition(s, c"cpu"), empty_cpu);
        assert_eq!(partition(s, c"gpu"), [1, 1, 0, 0, 0, 16, 0, 4, 0]);
        let train = submit(
            s,
            c"#!/bin/sh\n#SBATCH -p gpu -q gpu2 -c4 --mem=8G --gres=gpu:a100:2 -t 60\n",
            c"bob",
        );
        // Not under gpu2: counts for the user, not against the QOS.
        submit(
            s,
            c"#!/bin/sh\n#SBATCH -p gpu --gres=gpu:1 --mem=1G -t 60\n",
            c"bob",
        );
        submit(s, c"#!/bin/sh\n#SBATCH -n8 --mem=16000M -t 60\n", c"alice");
        submit(s, c"#!/bin/sh\n#SBATCH -a 1-5 -n8 -t 60\n", c"alice");
        // bob's two jobs and alice's full node c1, then one task of her array on c2.
        assert_eq!(schedule(s, 0), 4);
        assert_eq!(partition(s, c"cpu"), [2, 0, 0, 2, 0, 16, 16, 0, 0]);
        assert_eq!(partition(s, c"gpu"), [1, 0, 1, 0, 0, 16, 5, 4, 3]);
        // Two jobs on g1 count the node twice; the array's four pending tasks count one each.
        assert_eq!(user(s, c"bob"), [2, 0, 2, 5, 8192 + 1024, 3]);
        // The array task asked for no memory and there is no DefMemPerCPU: a whole node's.
        assert_eq!(user(s, c"alice"), [2, 4, 2, 16, 16000 + 16000, 0]);
        assert_eq!(user(s, c"nobody"), [0; 6]);
        assert_eq!(
            limits(s, c"gpu2", c"bob"),
            [
                ("gres/gpu".into(), 2, 2),
                ("mem".into(), 8192, 16384),
                ("cpu".into(), 4, 8)
            ]
        );
        assert_eq!(
            limits(s, c"gpu2", c"alice"),
            [
                ("gres/gpu".into(), 0, 2),
                ("mem".into(), 0, 16384),
                ("cpu".into(), 0, 8)
            ]
        );
        assert!(limits(s, c"normal", c"bob").is_empty());

        // SAFETY: the scheduler from above; local out-params and valid strings.
        unsafe {
            let mut p = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_partition_usage(s, c"debug".as_ptr(), &raw mut p),
                hpcsched_result::UnknownPartition
            );
            assert!(p.is_null());
            assert_eq!(last_message(), "invalid partition specified: debug");
            let mut q = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_qos_user_usage(s, c"gpu4".as_ptr(), c"bob".as_ptr(), &raw mut q),
                hpcsched_result::UnknownQos
            );
            assert!(q.is_null());
            assert_eq!(last_message(), "Invalid qos specification: gpu4");

            hpcsched_scheduler_qos_user_usage(s, c"gpu2".as_ptr(), c"bob".as_ptr(), &raw mut q);
            let mut tres = c"x".as_ptr();
            assert_eq!(
                hpcsched_qos_usage_tres(q, 3, &raw mut tres),
                hpcsched_result::OutOfRange
            );
            assert!(tres.is_null());
            assert_eq!(last_message(), "limit index 3 out of range (list has 3)");
            let mut v = 9u64;
            assert_eq!(
                hpcsched_qos_usage_used(q, 3, &raw mut v),
                hpcsched_result::OutOfRange
            );
            assert_eq!(v, 0);
            assert_eq!(
                hpcsched_qos_usage_limit(q, 3, &raw mut v),
                hpcsched_result::OutOfRange
            );
            hpcsched_qos_usage_free(q);

            // Events move the views: train ends, c2 is drained.
            assert_eq!(
                hpcsched_scheduler_job_finished(s, train, 60, 0),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_scheduler_drain_node(s, c"c2".as_ptr(), c"disk".as_ptr()),
                hpcsched_result::Ok
            );
        }
        assert_eq!(limits(s, c"gpu2", c"bob")[0], ("gres/gpu".into(), 0, 2));
        assert_eq!(user(s, c"bob"), [1, 0, 1, 1, 1024, 1]);
        // A drained node counts as unavailable whatever it still runs.
        assert_eq!(partition(s, c"cpu"), [2, 0, 0, 1, 1, 16, 16, 0, 0]);
        // SAFETY: the scheduler from above.
        unsafe { hpcsched_scheduler_free(s) };
    }

    #[test]
    fn null_and_invalid_arguments() {
        let s = scheduler();
        // SAFETY: NULL, dangling-but-unread and local pointers only; every handle released.
        unsafe {
            let mut records = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_records(ptr::null(), 0, &raw mut records),
                hpcsched_result::NullArgument
            );
            assert!(records.is_null());
            assert_eq!(last_message(), "argument `scheduler` is NULL");
            assert_eq!(
                hpcsched_scheduler_records(s, 0, ptr::null_mut()),
                hpcsched_result::NullArgument
            );
            assert_eq!(last_message(), "argument `out` is NULL");

            let mut part = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_partition_usage(s, ptr::null(), &raw mut part),
                hpcsched_result::NullArgument
            );
            assert!(part.is_null());
            assert_eq!(last_message(), "argument `partition` is NULL");
            assert_eq!(
                hpcsched_scheduler_partition_usage(s, c"cp\xffu".as_ptr(), &raw mut part),
                hpcsched_result::InvalidUtf8
            );
            let mut user_usage = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_user_usage(ptr::null(), c"bob".as_ptr(), &raw mut user_usage),
                hpcsched_result::NullArgument
            );
            assert!(user_usage.is_null());
            assert_eq!(
                hpcsched_scheduler_user_usage(s, c"b\xffob".as_ptr(), &raw mut user_usage),
                hpcsched_result::InvalidUtf8
            );
            assert_eq!(
                last_message(),
                "argument `user` is not valid UTF-8 (byte 1)"
            );
            let mut qos_usage = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_qos_user_usage(
                    s,
                    c"gpu2".as_ptr(),
                    ptr::null(),
                    &raw mut qos_usage
                ),
                hpcsched_result::NullArgument
            );
            assert!(qos_usage.is_null());
            assert_eq!(last_message(), "argument `user` is NULL");
            assert_eq!(
                hpcsched_scheduler_qos_user_usage(
                    s,
                    ptr::null(),
                    c"bob".as_ptr(),
                    &raw mut qos_usage
                ),
                hpcsched_result::NullArgument
            );
            assert_eq!(last_message(), "argument `qos` is NULL");

            // Accessors on NULL handles clear their out-params.
            let (mut count, mut v32, mut v64, mut string) = (9usize, 9u32, 9u64, c"x".as_ptr());
            let (mut has, mut code) = (true, 9i32);
            assert_eq!(
                hpcsched_records_count(ptr::null(), &raw mut count),
                hpcsched_result::NullArgument
            );
            assert_eq!(count, 0);
            assert_eq!(last_message(), "argument `records` is NULL");
            assert_eq!(
                hpcsched_records_user(ptr::null(), 0, &raw mut string),
                hpcsched_result::NullArgument
            );
            assert!(string.is_null());
            assert_eq!(
                hpcsched_records_exit_code(ptr::null(), 0, &raw mut code),
                hpcsched_result::NullArgument
            );
            assert_eq!(code, 0);
            assert_eq!(
                hpcsched_records_start_time(ptr::null(), 0, &raw mut v64, &raw mut has),
                hpcsched_result::NullArgument
            );
            assert_eq!((v64, has), (0, false));
            assert_eq!(
                hpcsched_records_start_time(ptr::null(), 0, &raw mut v64, ptr::null_mut()),
                hpcsched_result::NullArgument
            );
            assert_eq!(last_message(), "argument `has` is NULL");
            assert_eq!(
                hpcsched_partition_usage_idle(ptr::null(), &raw mut v32),
                hpcsched_result::NullArgument
            );
            assert_eq!(v32, 0);
            assert_eq!(last_message(), "argument `usage` is NULL");
            assert_eq!(
                hpcsched_user_usage_gpus(ptr::null(), &raw mut v64),
                hpcsched_result::NullArgument
            );
            assert_eq!(
                hpcsched_qos_usage_count(ptr::null(), &raw mut count),
                hpcsched_result::NullArgument
            );
            let mut usage = ptr::null_mut();
            hpcsched_scheduler_user_usage(s, c"bob".as_ptr(), &raw mut usage);
            assert_eq!(
                hpcsched_user_usage_cpus(usage, ptr::null_mut()),
                hpcsched_result::NullArgument
            );
            assert_eq!(last_message(), "argument `out` is NULL");
            hpcsched_user_usage_free(usage);

            hpcsched_records_free(ptr::null_mut());
            hpcsched_partition_usage_free(ptr::null_mut());
            hpcsched_user_usage_free(ptr::null_mut());
            hpcsched_qos_usage_free(ptr::null_mut());
            hpcsched_scheduler_free(s);
        }
    }
}
