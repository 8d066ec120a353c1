//! The scheduler handle: jobs in, decisions out, events reported back by the host.
//!
//! The host owns time: every call that needs it takes `now`, in whole seconds on the
//! host's clock (any epoch, as long as it is the same for every call).

use crate::cluster::hpcsched_cluster;
use crate::decision::{hpcsched_decisions, hpcsched_estimates};
use crate::error::{
    Failure, arg_mut, arg_ref, arg_str, free_box, guard, hpcsched_result, out_param,
};
use crate::job::{hand_out, hpcsched_job, hpcsched_job_ids};
use crate::request::hpcsched_request;
use hpcsched::scheduler::PolicyError;
use hpcsched::{
    Duration, HoldKind, JobError, JobId, Policy, Preset, Scheduler, TimeLimit, Timestamp,
};
use std::ffi::c_char;
use std::ptr;

/// A scheduler: a cluster's jobs, nodes and policy, deciding what runs when.
///
/// Created by hpcsched_scheduler_new and released with hpcsched_scheduler_free. Calls
/// that change it (submit, schedule, job and node events) need exclusive access; the
/// read-only ones may run on several threads at once.
pub struct hpcsched_scheduler {
    pub(crate) inner: Scheduler,
}

/// Creates a scheduler for a copy of `cluster`: later changes to the cluster handle (and
/// releasing it) do not affect the scheduler.
///
/// `policy` is NULL for Slurm's behaviour under the cluster's own SchedulerType and
/// SchedulerParameters, or one of the presets `fifo` (no backfill), `easy` (EASY
/// backfill: the first blocked job of each partition reserves), `conservative` (every
/// blocked job reserves) or `slurm` (the same as NULL), in any case. An unknown name gives
/// HPCSCHED_RESULT_INVALID_ARGUMENT.
///
/// On success stores a new scheduler in `*out`; the caller owns it and must release it
/// with hpcsched_scheduler_free.
///
/// # Safety
/// `cluster` is NULL or a live cluster; `policy` is NULL or a NUL-terminated string; `out`
/// is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_new(
    cluster: *const hpcsched_cluster,
    policy: *const c_char,
    out: *mut *mut hpcsched_scheduler,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let cluster = unsafe { arg_ref(cluster, "cluster") }?;
        let policy = if policy.is_null() {
            None
        } else {
            // SAFETY: per this function's contract.
            let name = unsafe { arg_str(policy, "policy") }?;
            let preset: Preset = name.parse().map_err(|e: PolicyError| {
                Failure::new(hpcsched_result::InvalidArgument, e.to_string())
            })?;
            Some(Policy::preset(preset, cluster.inner.config()))
        };
        let cluster = cluster.inner.clone();
        let inner = match policy {
            None => Scheduler::new(cluster),
            Some(policy) => Scheduler::with_policy(cluster, policy),
        };
        hand_out(out, hpcsched_scheduler { inner });
        Ok(())
    })
}

/// Releases a scheduler. Passing NULL does nothing. Decision lists, estimates and job
/// snapshots taken from it stay valid.
///
/// # Safety
/// `scheduler` is NULL or a scheduler from hpcsched_scheduler_new not yet released.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_free(scheduler: *mut hpcsched_scheduler) {
    // SAFETY: the caller's contract above is free_box's.
    unsafe { free_box(scheduler) };
}

/// Submits a job for `user` at time `now` and stores its id in `*job_id` (an array's tasks
/// share it until they start).
///
/// When sbatch would refuse the job, returns HPCSCHED_RESULT_REJECTED with every reason in
/// the message; a dependency on an unknown job (afterok/afternotok) or on the job itself,
/// or an empty user, gives HPCSCHED_RESULT_INVALID_ARGUMENT. A refused submission changes
/// nothing and stores 0.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `request` is NULL or
/// a live request; `user` is NULL or a NUL-terminated string; `job_id` is NULL or valid
/// for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_submit(
    scheduler: *mut hpcsched_scheduler,
    request: *const hpcsched_request,
    user: *const c_char,
    now: u64,
    job_id: *mut u32,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let job_id = unsafe { out_param(job_id, "job_id") }?;
        *job_id = 0;
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let request = unsafe { arg_ref(request, "request") }?;
        // SAFETY: per this function's contract.
        let user = unsafe { arg_str(user, "user") }?;
        let id = scheduler
            .inner
            .submit(&request.inner, user, Timestamp(now))
            .map_err(Failure::from)?;
        *job_id = id.0;
        Ok(())
    })
}

/// Runs one scheduling pass at `now` and stores in `*out` what the host must do: jobs to
/// start (with their allocations), running jobs that reached their time limit, pending
/// jobs ended because they can never run. The caller owns the list and must release it
/// with hpcsched_decisions_free. The pass also refreshes the estimates.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `out` is NULL or
/// valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_schedule(
    scheduler: *mut hpcsched_scheduler,
    now: u64,
    out: *mut *mut hpcsched_decisions,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        let decisions = scheduler.inner.schedule(Timestamp(now));
        hand_out(out, hpcsched_decisions::new(&decisions));
        Ok(())
    })
}

/// Shared body of the job events: a mutable scheduler, then the event.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
unsafe fn job_event(
    scheduler: *mut hpcsched_scheduler,
    event: impl FnOnce(&mut Scheduler) -> Result<(), JobError>,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        event(&mut scheduler.inner).map_err(Failure::from)
    })
}

/// Reports that running job `job_id` ended at `now` with `exit_code` (0: COMPLETED,
/// anything else: FAILED); its resources are free for the next pass.
///
/// Every job event returns HPCSCHED_RESULT_UNKNOWN_JOB for an id the scheduler does not
/// know and HPCSCHED_RESULT_WRONG_STATE when the job's state does not allow the event; a
/// refused event changes nothing.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_job_finished(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
    now: u64,
    exit_code: i32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        job_event(scheduler, |s| {
            s.job_finished(JobId(job_id), Timestamp(now), exit_code)
        })
    }
}

/// Reports that running job `job_id` ran out of memory at `now`. With `reboot_on_oom`
/// (sites whose nodes reboot on OOM) the job ends CANCELLED with the cause in its comment;
/// otherwise it ends OUT_OF_MEMORY.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_out_of_memory(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
    now: u64,
    reboot_on_oom: bool,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        job_event(scheduler, |s| {
            s.out_of_memory(JobId(job_id), Timestamp(now), reboot_on_oom)
        })
    }
}

/// Cancels job `job_id` at `now` (scancel): a pending job (or all of an array's pending
/// tasks) never starts; a running one ends CANCELLED and frees its resources.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_cancel(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
    now: u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { job_event(scheduler, |s| s.cancel(JobId(job_id), Timestamp(now))) }
}

/// Holds pending job `job_id` as its user does (scontrol hold by the owner, or uhold):
/// priority 0, reason JobHeldUser.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_hold(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { job_event(scheduler, |s| s.hold(JobId(job_id))) }
}

/// Holds pending job `job_id` as an administrator's `scontrol hold` does: priority 0,
/// reason JobHeldAdmin.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_hold_admin(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { job_event(scheduler, |s| s.hold_as(JobId(job_id), HoldKind::Admin)) }
}

/// Releases held job `job_id` (scontrol release).
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_release(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { job_event(scheduler, |s| s.release(JobId(job_id))) }
}

/// Requeues running job `job_id` at `now` (scontrol requeue): it ends, frees its resources
/// and pends again.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_requeue(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
    now: u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe { job_event(scheduler, |s| s.requeue(JobId(job_id), Timestamp(now))) }
}

/// Changes the time limit of job `job_id` (scontrol update TimeLimit=): `seconds`, or
/// UNLIMITED when `unlimited` is true (`seconds` is then ignored).
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_update_time_limit(
    scheduler: *mut hpcsched_scheduler,
    job_id: u32,
    seconds: u64,
    unlimited: bool,
) -> hpcsched_result {
    let limit = if unlimited {
        TimeLimit::Unlimited
    } else {
        TimeLimit::Limited(Duration::from_secs(seconds))
    };
    // SAFETY: same contract.
    unsafe { job_event(scheduler, |s| s.update_time_limit(JobId(job_id), limit)) }
}

/// Drains node `name` with `reason`: it takes no new jobs; running ones finish.
///
/// Every node event returns HPCSCHED_RESULT_UNKNOWN_NODE for a name the cluster does not
/// have, and then changes nothing.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `name` and `reason`
/// are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_drain_node(
    scheduler: *mut hpcsched_scheduler,
    name: *const c_char,
    reason: *const c_char,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        // SAFETY: per this function's contract.
        let reason = unsafe { arg_str(reason, "reason") }?;
        scheduler
            .inner
            .drain_node(name, reason)
            .map_err(Failure::from)
    })
}

/// Sets partition `name`'s state, as `scontrol update PartitionName=name State=state`:
/// `state` is "UP", "DOWN" (the queue waits with PartitionDown), "DRAIN" (new jobs are
/// refused, queued ones run) or "INACTIVE" (both: PartitionInactive), in any case.
/// Running jobs are not touched.
///
/// Returns HPCSCHED_RESULT_UNKNOWN_PARTITION for a name the cluster does not have and
/// HPCSCHED_RESULT_PARSE_ERROR for another state, and then changes nothing.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `name` and `state`
/// are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_set_partition_state(
    scheduler: *mut hpcsched_scheduler,
    name: *const c_char,
    state: *const c_char,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        // SAFETY: per this function's contract.
        let state = unsafe { arg_str(state, "state") }?;
        let state: hpcsched::PartitionState =
            state
                .parse()
                .map_err(|e: hpcsched::ParsePartitionStateError| {
                    Failure::new(hpcsched_result::ParseError, e.to_string())
                })?;
        scheduler
            .inner
            .set_partition_state(name, state)
            .map_err(Failure::from)
    })
}

/// Returns node `name` to service after a drain or a failure.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `name` is NULL or a
/// NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_resume_node(
    scheduler: *mut hpcsched_scheduler,
    name: *const c_char,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        scheduler.inner.resume_node(name).map_err(Failure::from)
    })
}

/// Takes node `name` down at `now` with `reason`: its jobs end NODE_FAIL, or are requeued:
/// batch jobs that asked for `--requeue`, or for neither `--requeue` nor `--no-requeue`
/// with the cluster's JobRequeue=1 (Slurm's default). Stores the ids of the jobs that ended in `*ended` and
/// of those requeued in `*requeued`; the caller owns both lists and must release them with
/// hpcsched_job_ids_free.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `name` and `reason`
/// are NULL or NUL-terminated strings; `ended` and `requeued` are NULL or valid for
/// writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_down_node(
    scheduler: *mut hpcsched_scheduler,
    name: *const c_char,
    reason: *const c_char,
    now: u64,
    ended: *mut *mut hpcsched_job_ids,
    requeued: *mut *mut hpcsched_job_ids,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let ended = unsafe { out_param(ended, "ended") }?;
        // SAFETY: per this function's contract.
        let requeued = unsafe { out_param(requeued, "requeued") }?;
        *ended = ptr::null_mut();
        *requeued = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_mut(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        // SAFETY: per this function's contract.
        let reason = unsafe { arg_str(reason, "reason") }?;
        let (e, r) = scheduler
            .inner
            .down_node(name, reason, Timestamp(now))
            .map_err(Failure::from)?;
        hand_out(ended, hpcsched_job_ids::new(e));
        hand_out(requeued, hpcsched_job_ids::new(r));
        Ok(())
    })
}

/// Stores when the host must call hpcsched_scheduler_schedule again at the latest (the
/// next time limit, begin time, planned start or backfill interval after `now`): `*has`
/// is false (and `*out` 0) when nothing is due and only events need a new pass.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `out` and `has` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_next_event_time(
    scheduler: *const hpcsched_scheduler,
    now: u64,
    out: *mut u64,
    has: *mut bool,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        // SAFETY: per this function's contract.
        let has = unsafe { out_param(has, "has") }?;
        *out = 0;
        *has = false;
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        if let Some(t) = scheduler.inner.next_event_time(Timestamp(now)) {
            *out = t.0;
            *has = true;
        }
        Ok(())
    })
}

/// Stores in `*out` the expected starts of pending jobs as of the last scheduling pass
/// (empty before the first). The caller owns the list and must release it with
/// hpcsched_estimates_free.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_estimates(
    scheduler: *const hpcsched_scheduler,
    out: *mut *mut hpcsched_estimates,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        hand_out(out, hpcsched_estimates::new(scheduler.inner.estimates()));
        Ok(())
    })
}

/// Stores in `*out` a snapshot of job `job_id` (pending, running or finished). The caller
/// owns it and must release it with hpcsched_job_free. An id the scheduler does not know
/// gives HPCSCHED_RESULT_UNKNOWN_JOB and `*out` = NULL.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_job(
    scheduler: *const hpcsched_scheduler,
    job_id: u32,
    out: *mut *mut hpcsched_job,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        let id = JobId(job_id);
        let job = scheduler
            .inner
            .job(id)
            .ok_or_else(|| Failure::from(JobError::UnknownJob(id)))?;
        hand_out(out, hpcsched_job::new(job));
        Ok(())
    })
}

/// Stores in `*out` the ids of every job the scheduler knows (pending, running and
/// finished), in the order the scheduler lists them (the order jobs entered its table,
/// which is submission order for ordinary jobs). The caller owns the list and must release it with
/// hpcsched_job_ids_free.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_jobs(
    scheduler: *const hpcsched_scheduler,
    out: *mut *mut hpcsched_job_ids,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        hand_out(
            out,
            hpcsched_job_ids::new(scheduler.inner.jobs().map(hpcsched::Job::id)),
        );
        Ok(())
    })
}

/// Stores in `*out` how many of pending array job `job_id`'s tasks have not started yet
/// (0 for any other job, known or not).
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `out` is NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_pending_tasks(
    scheduler: *const hpcsched_scheduler,
    job_id: u32,
    out: *mut u64,
) -> hpcsched_result {
    // SAFETY: same contract.
    unsafe {
        crate::error::getter(scheduler, "scheduler", out, 0, |s| {
            Ok(s.inner.pending_tasks(JobId(job_id)))
        })
    }
}

/// Stores in `*out` the ids of the jobs running on node `name`, in the order they
/// started. The caller owns the list and must release it with hpcsched_job_ids_free.
/// An unknown node gives HPCSCHED_RESULT_UNKNOWN_NODE.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `name` is NULL or a NUL-terminated string;
/// `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_node_jobs(
    scheduler: *const hpcsched_scheduler,
    name: *const c_char,
    out: *mut *mut hpcsched_job_ids,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let out = unsafe { out_param(out, "out") }?;
        *out = ptr::null_mut();
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        let jobs = scheduler
            .inner
            .node_jobs(name)
            .ok_or_else(|| unknown_node(name))?;
        hand_out(out, hpcsched_job_ids::new(jobs.iter().copied()));
        Ok(())
    })
}

/// Stores what node `name` has free now: CPUs in `*cpus` and memory in MiB in
/// `*memory_mib`. An unknown node gives HPCSCHED_RESULT_UNKNOWN_NODE.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler; `name` is NULL or a NUL-terminated string;
/// `cpus` and `memory_mib` are NULL or valid for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_node_free(
    scheduler: *const hpcsched_scheduler,
    name: *const c_char,
    cpus: *mut u32,
    memory_mib: *mut u64,
) -> hpcsched_result {
    guard(|| {
        // SAFETY: per this function's contract.
        let cpus = unsafe { out_param(cpus, "cpus") }?;
        // SAFETY: per this function's contract.
        let memory_mib = unsafe { out_param(memory_mib, "memory_mib") }?;
        *cpus = 0;
        *memory_mib = 0;
        // SAFETY: per this function's contract.
        let scheduler = unsafe { arg_ref(scheduler, "scheduler") }?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        let free = scheduler
            .inner
            .node_free(name)
            .ok_or_else(|| unknown_node(name))?;
        *cpus = free.cpus;
        *memory_mib = free.memory.mib();
        Ok(())
    })
}

fn unknown_node(name: &str) -> Failure {
    Failure::from(hpcsched::NodeError::UnknownNode(name.to_owned()))
}

#[cfg(test)]
// Jobs A, B, C, D are the scenario's own names; `s`, `d`, `j` are the handles.
#[allow(clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::cluster::{hpcsched_cluster_free, hpcsched_cluster_from_slurm_conf};
    use crate::decision::*;
    use crate::job::*;
    use crate::request::{hpcsched_request_free, tests::request};
    use crate::tests::last_message;
    use std::ffi::CStr;

    /// Four exclusive nodes: the classic backfill picture.
    const CONF: &CStr = c"NodeName=n[1-4] CPUs=16 RealMemory=64000
PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE
";

    fn scheduler(policy: Option<&CStr>) -> *mut hpcsched_scheduler {
        let mut c = ptr::null_mut();
        let mut s = ptr::null_mut();
        // SAFETY: valid strings and out-params; the cluster is released right after.
        unsafe {
            let r = hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), &raw mut c);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_scheduler_new(c, policy.map_or(ptr::null(), CStr::as_ptr), &raw mut s);
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            // The scheduler has its own copy.
            hpcsched_cluster_free(c);
        }
        s
    }

    fn submit(s: *mut hpcsched_scheduler, script: &CStr, user: &CStr, now: u64) -> u32 {
        let r = request(script);
        let mut id = 0;
        // SAFETY: live handles, local out-param.
        unsafe {
            let code = hpcsched_scheduler_submit(s, r, user.as_ptr(), now, &raw mut id);
            assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
            hpcsched_request_free(r);
        }
        id
    }

    fn cstr(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a string borrowed from a live handle.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    /// The decisions of a pass as (kind, job, partition, node names).
    fn schedule(
        s: *mut hpcsched_scheduler,
        now: u64,
    ) -> Vec<(hpcsched_decision_kind, u32, Option<String>, Vec<String>)> {
        let mut d = ptr::null_mut();
        let mut out = Vec::new();
        // SAFETY: live handles, local out-params; the list is released at the end.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_schedule(s, now, &raw mut d),
                hpcsched_result::Ok
            );
            let mut n = 0usize;
            hpcsched_decisions_count(d, &raw mut n);
            for i in 0..n {
                let (mut kind, mut job, mut part) =
                    (hpcsched_decision_kind::Other, 0u32, ptr::null());
                hpcsched_decisions_kind(d, i, &raw mut kind);
                hpcsched_decisions_job(d, i, &raw mut job);
                hpcsched_decisions_partition(d, i, &raw mut part);
                let mut count = 0usize;
                hpcsched_decisions_node_count(d, i, &raw mut count);
                let mut nodes = Vec::new();
                for k in 0..count {
                    let (mut name, mut cpus, mut mib, mut gres) = (ptr::null(), 0u32, 0u64, 9usize);
                    let r = hpcsched_decisions_node(
                        d,
                        i,
                        k,
                        &raw mut name,
                        &raw mut cpus,
                        &raw mut mib,
                        &raw mut gres,
                    );
                    assert_eq!(r, hpcsched_result::Ok);
                    // Exclusive: the whole node.
                    assert_eq!((cpus, mib, gres), (16, 64000, 0));
                    nodes.push(cstr(name).unwrap());
                }
                out.push((kind, job, cstr(part), nodes));
            }
            hpcsched_decisions_free(d);
        }
        out
    }

    fn estimates(s: *const hpcsched_scheduler) -> Vec<(u32, Option<u64>, usize, Option<String>)> {
        let mut e = ptr::null_mut();
        let mut out = Vec::new();
        // SAFETY: live handles, local out-params; the list is released at the end.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_estimates(s, &raw mut e),
                hpcsched_result::Ok
            );
            let mut n = 0usize;
            hpcsched_estimates_count(e, &raw mut n);
            for i in 0..n {
                let (mut job, mut start, mut has, mut nodes, mut reason) =
                    (0u32, 0u64, false, 0usize, ptr::null());
                hpcsched_estimates_job(e, i, &raw mut job);
                hpcsched_estimates_start(e, i, &raw mut start, &raw mut has);
                hpcsched_estimates_node_count(e, i, &raw mut nodes);
                hpcsched_estimates_reason(e, i, &raw mut reason);
                out.push((job, has.then_some(start), nodes, cstr(reason)));
            }
            hpcsched_estimates_free(e);
        }
        out
    }

    use hpcsched_decision_kind::Start;

    #[test]
    fn classic_backfill() {
        let s = scheduler(None);
        let a = submit(s, c"#!/bin/sh\n#SBATCH -N3 -t 60 -J A\n", c"alice", 0);
        let b = submit(s, c"#!/bin/sh\n#SBATCH -N4 -t 60\n", c"bob", 0);
        let c = submit(s, c"#!/bin/sh\n#SBATCH -N1 -t 30\n", c"carol", 0);
        let d = submit(s, c"#!/bin/sh\n#SBATCH -N1 -t 120\n", c"dave", 0);
        assert_eq!((a, b, c, d), (1, 2, 3, 4));
        let batch = Some("batch".to_owned());
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            schedule(s, 0),
            [
                (Start, a, batch.clone(), names(&["n1", "n2", "n3"])),
                (Start, c, batch.clone(), names(&["n4"])),
            ]
        );
        let est = estimates(s);
        assert_eq!(est.len(), 2);
        assert_eq!(est[0].0, b);
        assert_eq!(est[0].1, Some(3600));
        assert_eq!(est[0].2, 4);
        assert_eq!(est[1].0, d);
        assert_eq!(est[1].1, Some(7200));
        // SAFETY: live scheduler; local out-params.
        unsafe {
            let (mut t, mut has) = (0u64, false);
            // Slurm's policy: backfill runs again after bf_interval (30 s by default).
            hpcsched_scheduler_next_event_time(s, 0, &raw mut t, &raw mut has);
            assert_eq!((t, has), (30, true));

            // A job snapshot of a running job.
            let mut j = ptr::null_mut();
            assert_eq!(
                hpcsched_scheduler_job(s, a, &raw mut j),
                hpcsched_result::Ok
            );
            let mut p = ptr::null();
            hpcsched_job_state(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("RUNNING"));
            hpcsched_job_state_code(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("R"));
            hpcsched_job_name(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("A"));
            hpcsched_job_user(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("alice"));
            hpcsched_job_partition(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("batch"));
            hpcsched_job_reason(j, &raw mut p);
            assert_eq!(p, ptr::null());
            let (mut v, mut has) = (1u64, false);
            hpcsched_job_start_time(j, &raw mut v, &raw mut has);
            assert_eq!((v, has), (0, true));
            hpcsched_job_end_time(j, &raw mut v, &raw mut has);
            assert_eq!((v, has), (0, false));
            let (mut secs, mut unl) = (0u64, true);
            hpcsched_job_time_limit_seconds(j, &raw mut secs, &raw mut unl);
            assert_eq!((secs, unl), (3600, false));
            let mut n = 0usize;
            hpcsched_job_node_count(j, &raw mut n);
            assert_eq!(n, 3);
            hpcsched_job_free(j);

            // Pending job D: reason and no start.
            assert_eq!(
                hpcsched_scheduler_job(s, d, &raw mut j),
                hpcsched_result::Ok
            );
            hpcsched_job_state(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("PENDING"));
            hpcsched_job_start_time(j, &raw mut v, &raw mut has);
            assert!(!has);
            hpcsched_job_free(j);

            // n4 is C's.
            let mut ids = ptr::null_mut();
            assert_eq!(
                hpcsched_scheduler_node_jobs(s, c"n4".as_ptr(), &raw mut ids),
                hpcsched_result::Ok
            );
            let (mut count, mut id) = (0usize, 0u32);
            hpcsched_job_ids_count(ids, &raw mut count);
            hpcsched_job_ids_get(ids, 0, &raw mut id);
            assert_eq!((count, id), (1, c));
            hpcsched_job_ids_free(ids);
            let (mut cpus, mut mib) = (9u32, 9u64);
            hpcsched_scheduler_node_free(s, c"n4".as_ptr(), &raw mut cpus, &raw mut mib);
            assert_eq!((cpus, mib), (0, 0));

            // C ends early, A at its limit: B starts, then D after B.
            assert_eq!(
                hpcsched_scheduler_job_finished(s, c, 1800, 0),
                hpcsched_result::Ok
            );
            assert!(schedule(s, 1800).is_empty());
            assert_eq!(
                hpcsched_scheduler_job_finished(s, a, 3600, 0),
                hpcsched_result::Ok
            );
            assert_eq!(
                schedule(s, 3600),
                [(Start, b, batch.clone(), names(&["n1", "n2", "n3", "n4"]))]
            );
            assert_eq!(
                hpcsched_scheduler_job_finished(s, b, 5000, 1),
                hpcsched_result::Ok
            );
            assert_eq!(
                schedule(s, 5000),
                [(Start, d, batch.clone(), names(&["n1"]))]
            );

            assert_eq!(
                hpcsched_scheduler_job(s, b, &raw mut j),
                hpcsched_result::Ok
            );
            hpcsched_job_state(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("FAILED"));
            let (mut code, mut has) = (0i32, false);
            hpcsched_job_exit_code(j, &raw mut code, &raw mut has);
            assert_eq!((code, has), (1, true));
            hpcsched_job_free(j);

            // D runs into its limit: a STOP decision, state TIMEOUT.
            let mut list = ptr::null_mut();
            assert_eq!(
                hpcsched_scheduler_schedule(s, 5000 + 7200, &raw mut list),
                hpcsched_result::Ok
            );
            let mut kind = Start;
            hpcsched_decisions_kind(list, 0, &raw mut kind);
            assert_eq!(kind, hpcsched_decision_kind::Stop);
            hpcsched_decisions_state(list, 0, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("TIMEOUT"));
            hpcsched_decisions_partition(list, 0, &raw mut p);
            assert!(p.is_null());
            let mut n = 7usize;
            hpcsched_decisions_node_count(list, 0, &raw mut n);
            assert_eq!(n, 0);
            assert_eq!(
                hpcsched_decisions_kind(list, 1, &raw mut kind),
                hpcsched_result::OutOfRange
            );
            assert_eq!(last_message(), "decision index 1 out of range (list has 1)");
            hpcsched_decisions_free(list);

            let mut all = ptr::null_mut();
            hpcsched_scheduler_jobs(s, &raw mut all);
            hpcsched_job_ids_count(all, &raw mut count);
            assert_eq!(count, 4);
            hpcsched_job_ids_free(all);
            hpcsched_scheduler_free(s);
        }
    }

    #[test]
    fn presets_and_policy_errors() {
        // FIFO: nothing jumps ahead of blocked B, so C waits although n4 is free.
        let s = scheduler(Some(c"FIFO"));
        let a = submit(s, c"#!/bin/sh\n#SBATCH -N3 -t 60\n", c"u", 0);
        submit(s, c"#!/bin/sh\n#SBATCH -N4 -t 60\n", c"u", 0);
        submit(s, c"#!/bin/sh\n#SBATCH -N1 -t 30\n", c"u", 0);
        let started: Vec<u32> = schedule(s, 0).into_iter().map(|d| d.1).collect();
        assert_eq!(started, [a]);
        // SAFETY: the scheduler from above; NULL and valid strings.
        unsafe {
            hpcsched_scheduler_free(s);
            let mut c = ptr::null_mut();
            hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), &raw mut c);
            let mut s = ptr::dangling_mut();
            let r = hpcsched_scheduler_new(c, c"greedy".as_ptr(), &raw mut s);
            assert_eq!(r, hpcsched_result::InvalidArgument);
            assert!(s.is_null());
            assert_eq!(
                last_message(),
                "unknown policy `greedy`: expected fifo, easy, conservative or slurm"
            );
            let r = hpcsched_scheduler_new(ptr::null(), ptr::null(), &raw mut s);
            assert_eq!(r, hpcsched_result::NullArgument);
            hpcsched_cluster_free(c);
        }
    }

    #[test]
    fn event_errors() {
        let s = scheduler(Some(c"easy"));
        let a = submit(s, c"#!/bin/sh\n#SBATCH -N1 -t 10 --no-requeue\n", c"u", 0);
        // SAFETY: the scheduler from above; local out-params and valid strings.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_job_finished(s, 99, 0, 0),
                hpcsched_result::UnknownJob
            );
            assert_eq!(last_message(), "Invalid job id specified: 99");
            assert_eq!(
                hpcsched_scheduler_job_finished(s, a, 0, 0),
                hpcsched_result::WrongState
            );
            assert_eq!(last_message(), "job 1 is PENDING: cannot finish");
            assert_eq!(
                hpcsched_scheduler_requeue(s, a, 0),
                hpcsched_result::WrongState
            );
            assert_eq!(hpcsched_scheduler_hold(s, a), hpcsched_result::Ok);
            let mut j = ptr::null_mut();
            hpcsched_scheduler_job(s, a, &raw mut j);
            let mut p = ptr::null();
            hpcsched_job_reason(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("JobHeldUser"));
            hpcsched_job_hold(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("user"));
            hpcsched_job_free(j);
            assert!(schedule(s, 1).is_empty());
            assert_eq!(hpcsched_scheduler_release(s, a), hpcsched_result::Ok);
            assert_eq!(
                hpcsched_scheduler_update_time_limit(s, a, 0, true),
                hpcsched_result::Ok
            );
            hpcsched_scheduler_job(s, a, &raw mut j);
            let (mut secs, mut unl) = (1u64, false);
            hpcsched_job_time_limit_seconds(j, &raw mut secs, &raw mut unl);
            assert_eq!((secs, unl), (0, true));
            hpcsched_job_free(j);
            assert_eq!(
                hpcsched_scheduler_update_time_limit(s, a, 600, false),
                hpcsched_result::Ok
            );
            assert_eq!(schedule(s, 2).len(), 1);
            assert_eq!(hpcsched_scheduler_hold(s, a), hpcsched_result::WrongState);

            // Unknown job lookup.
            j = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_job(s, 42, &raw mut j),
                hpcsched_result::UnknownJob
            );
            assert!(j.is_null());

            // Nodes.
            assert_eq!(
                hpcsched_scheduler_drain_node(s, c"n9".as_ptr(), c"x".as_ptr()),
                hpcsched_result::UnknownNode
            );
            assert_eq!(last_message(), "Invalid node name specified: n9");
            assert_eq!(
                hpcsched_scheduler_drain_node(s, c"n2".as_ptr(), c"disk".as_ptr()),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_scheduler_resume_node(s, c"n2".as_ptr()),
                hpcsched_result::Ok
            );
            let (mut ended, mut requeued) = (ptr::dangling_mut(), ptr::dangling_mut());
            let r = hpcsched_scheduler_down_node(
                s,
                c"n0".as_ptr(),
                c"x".as_ptr(),
                3,
                &raw mut ended,
                &raw mut requeued,
            );
            assert_eq!(r, hpcsched_result::UnknownNode);
            assert!(ended.is_null() && requeued.is_null());
            let r = hpcsched_scheduler_down_node(
                s,
                c"n1".as_ptr(),
                c"power".as_ptr(),
                3,
                &raw mut ended,
                &raw mut requeued,
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let (mut n, mut id) = (0usize, 0u32);
            hpcsched_job_ids_count(ended, &raw mut n);
            hpcsched_job_ids_get(ended, 0, &raw mut id);
            assert_eq!((n, id), (1, a));
            hpcsched_job_ids_count(requeued, &raw mut n);
            assert_eq!(n, 0);
            assert_eq!(
                hpcsched_job_ids_get(requeued, 0, &raw mut id),
                hpcsched_result::OutOfRange
            );
            hpcsched_job_ids_free(ended);
            hpcsched_job_ids_free(requeued);
            hpcsched_scheduler_job(s, a, &raw mut j);
            hpcsched_job_state(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("NODE_FAIL"));
            hpcsched_job_free(j);

            // Submit errors: rejected, unknown dependency, no user.
            let mut id = 7u32;
            let r = request(c"#!/bin/sh\n#SBATCH -p nosuch\n");
            assert_eq!(
                hpcsched_scheduler_submit(s, r, c"u".as_ptr(), 0, &raw mut id),
                hpcsched_result::Rejected
            );
            assert_eq!(id, 0);
            assert!(last_message().contains("nosuch"), "{}", last_message());
            hpcsched_request_free(r);
            let r = request(c"#!/bin/sh\n#SBATCH -d afterok:777\n");
            assert_eq!(
                hpcsched_scheduler_submit(s, r, c"u".as_ptr(), 0, &raw mut id),
                hpcsched_result::InvalidArgument
            );
            assert_eq!(
                last_message(),
                "Job dependency problem: job 777 does not exist"
            );
            assert_eq!(
                hpcsched_scheduler_submit(s, r, c"".as_ptr(), 0, &raw mut id),
                hpcsched_result::InvalidArgument
            );
            assert_eq!(
                hpcsched_scheduler_submit(s, r, ptr::null(), 0, &raw mut id),
                hpcsched_result::NullArgument
            );
            hpcsched_request_free(r);

            hpcsched_scheduler_free(s);
        }
    }

    #[test]
    fn gres_indices_and_memory() {
        let mut c = ptr::null_mut();
        let mut s = ptr::null_mut();
        let conf = c"NodeName=g1 CPUs=8 RealMemory=32000 Gres=gpu:a100:4
PartitionName=gpu Nodes=g1 Default=YES
";
        // SAFETY: valid strings, local out-params; every handle is released.
        unsafe {
            hpcsched_cluster_from_slurm_conf(conf.as_ptr(), &raw mut c);
            assert_eq!(
                hpcsched_scheduler_new(c, ptr::null(), &raw mut s),
                hpcsched_result::Ok
            );
            hpcsched_cluster_free(c);
            // No estimates before the first pass.
            assert!(estimates(s).is_empty());
            let job = submit(
                s,
                c"#!/bin/sh\n#SBATCH --gres=gpu:a100:2 -c 2 --mem=1000 -t 5\n",
                c"u",
                0,
            );
            let mut d = ptr::null_mut();
            hpcsched_scheduler_schedule(s, 0, &raw mut d);
            let (mut name, mut cpus, mut mib, mut gres) = (ptr::null(), 0u32, 0u64, 0usize);
            let r = hpcsched_decisions_node(
                d,
                0,
                0,
                &raw mut name,
                &raw mut cpus,
                &raw mut mib,
                &raw mut gres,
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(
                (cstr(name).as_deref(), cpus, mib, gres),
                (Some("g1"), 2, 1000, 1)
            );
            let (mut gname, mut gtype, mut idx, mut n) =
                (ptr::null(), ptr::null(), ptr::null(), 0usize);
            let r = hpcsched_decisions_node_gres(
                d,
                0,
                0,
                0,
                &raw mut gname,
                &raw mut gtype,
                &raw mut idx,
                &raw mut n,
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(
                (cstr(gname).as_deref(), cstr(gtype).as_deref()),
                (Some("gpu"), Some("a100"))
            );
            assert_eq!(std::slice::from_raw_parts(idx, n), [0, 1]);
            let r = hpcsched_decisions_node_gres(
                d,
                0,
                0,
                1,
                &raw mut gname,
                &raw mut gtype,
                &raw mut idx,
                &raw mut n,
            );
            assert_eq!(r, hpcsched_result::OutOfRange);
            assert!(gname.is_null() && idx.is_null() && n == 0);
            assert_eq!(last_message(), "GRES index 1 out of range (node has 1)");
            hpcsched_decisions_free(d);

            // The job snapshot shows the same allocation; the node has the rest free.
            let mut j = ptr::null_mut();
            hpcsched_scheduler_job(s, job, &raw mut j);
            let r = hpcsched_job_node_gres(
                j,
                0,
                0,
                &raw mut gname,
                &raw mut gtype,
                &raw mut idx,
                &raw mut n,
            );
            assert_eq!(r, hpcsched_result::Ok);
            assert_eq!(std::slice::from_raw_parts(idx, n), [0, 1]);
            let r = hpcsched_job_node(
                j,
                1,
                &raw mut name,
                &raw mut cpus,
                &raw mut mib,
                &raw mut gres,
            );
            assert_eq!(r, hpcsched_result::OutOfRange);
            assert_eq!(last_message(), "node index 1 out of range (job has 1)");
            hpcsched_job_free(j);
            hpcsched_scheduler_node_free(s, c"g1".as_ptr(), &raw mut cpus, &raw mut mib);
            assert_eq!((cpus, mib), (6, 31000));
            assert_eq!(
                hpcsched_scheduler_node_free(s, c"g2".as_ptr(), &raw mut cpus, &raw mut mib),
                hpcsched_result::UnknownNode
            );
            assert_eq!(
                hpcsched_scheduler_out_of_memory(s, job, 10, true),
                hpcsched_result::Ok
            );
            hpcsched_scheduler_job(s, job, &raw mut j);
            let mut p = ptr::null();
            hpcsched_job_state(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("CANCELLED"));
            hpcsched_job_comment(j, &raw mut p);
            assert_eq!(cstr(p).as_deref(), Some("out of memory: node rebooted"));
            hpcsched_job_free(j);
            hpcsched_scheduler_free(s);
        }
    }

    #[test]
    fn null_arguments_and_free() {
        // SAFETY: NULL and local pointers only.
        unsafe {
            let mut d = ptr::dangling_mut();
            assert_eq!(
                hpcsched_scheduler_schedule(ptr::null_mut(), 0, &raw mut d),
                hpcsched_result::NullArgument
            );
            assert!(d.is_null());
            assert_eq!(last_message(), "argument `scheduler` is NULL");
            let mut n = 5usize;
            assert_eq!(
                hpcsched_decisions_count(ptr::null(), &raw mut n),
                hpcsched_result::NullArgument
            );
            assert_eq!(n, 0);
            assert_eq!(
                hpcsched_estimates_count(ptr::null(), &raw mut n),
                hpcsched_result::NullArgument
            );
            assert_eq!(
                hpcsched_job_ids_count(ptr::null(), &raw mut n),
                hpcsched_result::NullArgument
            );
            let (mut t, mut has) = (5u64, true);
            assert_eq!(
                hpcsched_scheduler_next_event_time(ptr::null(), 0, &raw mut t, &raw mut has),
                hpcsched_result::NullArgument
            );
            assert_eq!((t, has), (0, false));
            assert_eq!(
                hpcsched_scheduler_cancel(ptr::null_mut(), 1, 0),
                hpcsched_result::NullArgument
            );
            let (mut name, mut cpus, mut mib) = (ptr::null(), 0u32, 0u64);
            let r = hpcsched_decisions_node(
                ptr::null(),
                0,
                0,
                &raw mut name,
                &raw mut cpus,
                &raw mut mib,
                ptr::null_mut(),
            );
            assert_eq!(r, hpcsched_result::NullArgument);
            assert_eq!(last_message(), "argument `gres_count` is NULL");
            hpcsched_scheduler_free(ptr::null_mut());
            hpcsched_decisions_free(ptr::null_mut());
            hpcsched_estimates_free(ptr::null_mut());
            hpcsched_job_free(ptr::null_mut());
            hpcsched_job_ids_free(ptr::null_mut());
        }
    }
}
