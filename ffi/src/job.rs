//! Job snapshots: what the scheduler knows about one job at the moment it was asked, and
//! lists of job ids.

use crate::boundary::{
    arg_ref, c_string, free, getter, guard, hpcsched_result, item, opt_ptr, optional_getter,
    out_param,
};
use crate::decision::{AllocNode, GresOut, NodeOut, alloc_nodes, reason_string};
use hpcsched::{HoldKind, Job, JobId, TimeLimit};
use std::ffi::{CString, c_char};
use std::ptr;

/// A snapshot of one job: ids, owner, state, times, allocation.
///
/// Made by hpcsched_scheduler_job and released with hpcsched_job_free. It does not refer
/// to the scheduler: it keeps describing the job as it was when taken.
pub struct hpcsched_job {
    id: u32,
    display_id: CString,
    array_task: Option<(u32, u32)>,
    name: CString,
    user: CString,
    account: Option<CString>,
    state: CString,
    state_code: CString,
    reason: Option<CString>,
    hold: Option<CString>,
    priority: u32,
    submit: u64,
    eligible: Option<u64>,
    start: Option<u64>,
    end: Option<u64>,
    time_limit: TimeLimit,
    partition: Option<CString>,
    nodes: Vec<AllocNode>,
    exit_code: Option<i32>,
    comment: Option<CString>,
    restarts: u32,
}

impl hpcsched_job {
    pub(crate) fn new(job: &Job) -> Self {
        Self {
            id: job.id().0,
            display_id: c_string(&job.display_id()),
            array_task: job.array_task().map(|(a, t)| (a.0, t)),
            name: c_string(job.name()),
            user: c_string(job.user()),
            account: job.account().map(c_string),
            state: c_string(job.state().name()),
            state_code: c_string(job.state().code()),
            reason: reason_string(job.reason()),
            hold: job.hold().map(|h| {
                c_string(match h {
                    HoldKind::User => "user",
                    HoldKind::Admin => "admin",
                })
            }),
            priority: job.priority(),
            submit: job.submit_time().0,
            eligible: job.eligible_time().map(|t| t.0),
            start: job.start_time().map(|t| t.0),
            end: job.end_time().map(|t| t.0),
            time_limit: job.time_limit(),
            partition: job.partition().map(c_string),
            nodes: alloc_nodes(job.allocation()),
            exit_code: job.exit_code(),
            comment: job.comment().map(c_string),
            restarts: job.restarts(),
        }
    }
}

/// Releases a job snapshot. Passing NULL does nothing. Strings borrowed from it become
/// invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_free(job: Option<Box<hpcsched_job>>) {
    free(job);
}

/// Stores the job id in `*out` (an array task's own id once it has started).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_id(
    job: Option<&hpcsched_job>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(job, "job", out, 0, |j| Ok(j.id))
}

/// Stores in `*out` the id as squeue shows it: `42`, or `7_3` for an array task.
/// Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_display_id(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| Ok(j.display_id.as_ptr()))
}

/// Stores the job name (`--job-name`, empty when not given) in `*out`. Borrowed from
/// the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_name(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| Ok(j.name.as_ptr()))
}

/// Stores the submitting user in `*out`. Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_user(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| Ok(j.user.as_ptr()))
}

/// Stores the account in `*out`, or NULL when none was given. Borrowed from the
/// snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_account(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| {
        Ok(opt_ptr(j.account.as_ref()))
    })
}

/// Stores the job state as Slurm names it (`PENDING`, `RUNNING`, `COMPLETED`,
/// `TIMEOUT`...) in `*out`. Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_state(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| Ok(j.state.as_ptr()))
}

/// Stores the job state as squeue abbreviates it (`PD`, `R`, `CD`, `TO`...) in `*out`.
/// Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_state_code(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| Ok(j.state_code.as_ptr()))
}

/// Stores in `*out` why the job is pending, as squeue prints it (`Resources`,
/// `Priority`, `JobHeldUser`...), or NULL when there is no reason. Borrowed from the
/// snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_reason(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| {
        Ok(opt_ptr(j.reason.as_ref()))
    })
}

/// Stores who holds the job (`user` or `admin`) in `*out`, or NULL when it is not
/// held. Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_hold(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| {
        Ok(opt_ptr(j.hold.as_ref()))
    })
}

/// Stores the job priority in `*out` (0 while held).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_priority(
    job: Option<&hpcsched_job>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(job, "job", out, 0, |j| Ok(j.priority))
}

/// Stores the submit time (seconds on the host's clock) in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_submit_time(
    job: Option<&hpcsched_job>,
    out: Option<&mut u64>,
) -> hpcsched_result {
    getter(job, "job", out, 0, |j| Ok(j.submit))
}

/// Stores in `*out` how many times the job was requeued.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_restarts(
    job: Option<&hpcsched_job>,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(job, "job", out, 0, |j| Ok(j.restarts))
}

/// Stores in `*out` the partition the job runs (or ran) in, or NULL when it has not
/// started. Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_partition(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| {
        Ok(opt_ptr(j.partition.as_ref()))
    })
}

/// Stores in `*out` the job's comment (`--comment`, or a cause the scheduler recorded,
/// such as an out-of-memory reboot), or NULL. Borrowed from the snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_comment(
    job: Option<&hpcsched_job>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(job, "job", out, ptr::null(), |j| {
        Ok(opt_ptr(j.comment.as_ref()))
    })
}

/// Stores in `*out` how many nodes the job holds (or held); 0 before it starts.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_node_count(
    job: Option<&hpcsched_job>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(job, "job", out, 0, |j| Ok(j.nodes.len()))
}

/// Shared body of the optional-value accessors: `*has` says whether there is a value and
/// `*out` holds it (or `T::default()`).
fn optional<T: Copy + Default>(
    job: Option<&hpcsched_job>,
    out: Option<&mut T>,
    has: Option<&mut bool>,
    get: impl FnOnce(&hpcsched_job) -> Option<T>,
) -> hpcsched_result {
    optional_getter(job, "job", out, has, T::default(), |j| Ok(get(j)))
}

/// Stores when the job became eligible to run (dependencies met, begin time reached,
/// released): `*has` is false (and `*out` 0) while it is not.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_eligible_time(
    job: Option<&hpcsched_job>,
    out: Option<&mut u64>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    optional(job, out, has, |j| j.eligible)
}

/// Stores when the job started: `*has` is false (and `*out` 0) when it has not.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_start_time(
    job: Option<&hpcsched_job>,
    out: Option<&mut u64>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    optional(job, out, has, |j| j.start)
}

/// Stores when the job ended: `*has` is false (and `*out` 0) when it has not.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_end_time(
    job: Option<&hpcsched_job>,
    out: Option<&mut u64>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    optional(job, out, has, |j| j.end)
}

/// Stores the job's exit code: `*has` is false (and `*out` 0) until it ends.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_exit_code(
    job: Option<&hpcsched_job>,
    out: Option<&mut i32>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    optional(job, out, has, |j| j.exit_code)
}

/// For an array task, sets `*is_task` and stores the array job id in `*array_job` and the
/// task index in `*task`; otherwise `*is_task` is false and both are 0.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_array_task(
    job: Option<&hpcsched_job>,
    is_task: Option<&mut bool>,
    array_job: Option<&mut u32>,
    task: Option<&mut u32>,
) -> hpcsched_result {
    guard(|| {
        let is_task = out_param(is_task, "is_task", false)?;
        let array_job = out_param(array_job, "array_job", 0)?;
        let task = out_param(task, "task", 0)?;
        let job = arg_ref(job, "job")?;
        if let Some((a, t)) = job.array_task {
            (*is_task, *array_job, *task) = (true, a, t);
        }
        Ok(())
    })
}

/// Stores the time limit the job runs under: `*unlimited` is true for an unlimited job
/// (and `*seconds` is then 0), otherwise `*seconds` is the limit in seconds.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_time_limit_seconds(
    job: Option<&hpcsched_job>,
    seconds: Option<&mut u64>,
    unlimited: Option<&mut bool>,
) -> hpcsched_result {
    guard(|| {
        let seconds = out_param(seconds, "seconds", 0)?;
        let unlimited = out_param(unlimited, "unlimited", false)?;
        let job = arg_ref(job, "job")?;
        match job.time_limit {
            TimeLimit::Limited(d) => *seconds = d.as_secs(),
            TimeLimit::Unlimited => *unlimited = true,
        }
        Ok(())
    })
}

/// Describes node `node` (below hpcsched_job_node_count) of the job's allocation: its name
/// in `*name` (borrowed from the snapshot), CPUs in `*cpus`, memory in MiB in
/// `*memory_mib` and the number of GRES entries in `*gres_count`. Returns
/// HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_node(
    job: Option<&hpcsched_job>,
    node: usize,
    name: Option<&mut *const c_char>,
    cpus: Option<&mut u32>,
    memory_mib: Option<&mut u64>,
    gres_count: Option<&mut usize>,
) -> hpcsched_result {
    guard(|| {
        let out = NodeOut::new(name, cpus, memory_mib, gres_count)?;
        let job = arg_ref(job, "job")?;
        out.fill(&job.nodes, node, "job")
    })
}

/// Describes GRES entry `gres` on node `node` of the job's allocation, as
/// hpcsched_decisions_node_gres does for a decision. Everything is borrowed from the
/// snapshot.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_node_gres(
    job: Option<&hpcsched_job>,
    node: usize,
    gres: usize,
    name: Option<&mut *const c_char>,
    type_: Option<&mut *const c_char>,
    indices: Option<&mut *const u32>,
    index_count: Option<&mut usize>,
) -> hpcsched_result {
    guard(|| {
        let out = GresOut::new(name, type_, indices, index_count)?;
        let job = arg_ref(job, "job")?;
        out.fill(&job.nodes, node, gres, "job")
    })
}

/// A list of job ids (all jobs, a node's jobs, the jobs a node failure ended or
/// requeued), in the order the function that made it documents.
///
/// Released with hpcsched_job_ids_free. It is a snapshot and does not refer to the
/// scheduler.
pub struct hpcsched_job_ids {
    ids: Vec<u32>,
}

impl hpcsched_job_ids {
    pub(crate) fn new(ids: impl IntoIterator<Item = JobId>) -> Self {
        Self {
            ids: ids.into_iter().map(|j| j.0).collect(),
        }
    }
}

/// Releases a job id list. Passing NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_ids_free(ids: Option<Box<hpcsched_job_ids>>) {
    free(ids);
}

/// Stores the number of ids in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_ids_count(
    ids: Option<&hpcsched_job_ids>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(ids, "ids", out, 0, |l| Ok(l.ids.len()))
}

/// Stores id `index` (0-based, below hpcsched_job_ids_count) in `*out`; returns
/// HPCSCHED_RESULT_OUT_OF_RANGE for a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_job_ids_get(
    ids: Option<&hpcsched_job_ids>,
    index: usize,
    out: Option<&mut u32>,
) -> hpcsched_result {
    getter(ids, "ids", out, 0, |l| {
        item(&l.ids, index, "id", "list").copied()
    })
}
