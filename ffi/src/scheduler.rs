//! The scheduler handle: jobs in, decisions out, events reported back by the host.
//!
//! The host owns time: every call that needs it takes `now`, in whole seconds on the
//! host's clock (any epoch, as long as it is the same for every call).

use crate::boundary::{
    Failure, arg_mut, arg_opt_str, arg_ref, arg_str, free, guard, handle_out, hpcsched_result,
    make, out_param,
};
use crate::cluster::hpcsched_cluster;
use crate::decision::{hpcsched_decisions, hpcsched_estimates};
use crate::job::{hpcsched_job, hpcsched_job_ids};
use crate::request::hpcsched_request;
use hpcsched::scheduler::PolicyError;
use hpcsched::{
    Duration, HoldKind, JobError, JobId, Policy, Preset, Scheduler, TimeLimit, Timestamp,
};
use std::ffi::c_char;
use std::mem::MaybeUninit;

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
    cluster: Option<&hpcsched_cluster>,
    policy: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_scheduler>>>>,
) -> hpcsched_result {
    make(out, || {
        let cluster = arg_ref(cluster, "cluster")?;
        // SAFETY: per this function's contract.
        let policy = match unsafe { arg_opt_str(policy, "policy") }? {
            None => None,
            Some(name) => Some(Policy::preset(preset(name)?, cluster.inner.config())),
        };
        let cluster = cluster.inner.clone();
        let inner = match policy {
            None => Scheduler::new(cluster),
            Some(policy) => Scheduler::with_policy(cluster, policy),
        };
        Ok(hpcsched_scheduler { inner })
    })
}

/// A policy preset by name (`fifo`, `easy`, `conservative`, `slurm`, in any case), or
/// INVALID_ARGUMENT.
pub(crate) fn preset(name: &str) -> Result<Preset, Failure> {
    name.parse()
        .map_err(|e: PolicyError| Failure::new(hpcsched_result::InvalidArgument, e.to_string()))
}

/// Releases a scheduler. Passing NULL does nothing. Decision lists, estimates and job
/// snapshots taken from it stay valid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_free(scheduler: Option<Box<hpcsched_scheduler>>) {
    free(scheduler);
}

/// Submits a job for `user` at time `now` and stores its id in `*job_id` (an array's tasks
/// share it until they start).
///
/// When sbatch would refuse the job, returns HPCSCHED_RESULT_REJECTED with every reason in
/// the message (with accounts, also "Invalid account or account/partition combination
/// specified" for a user or account without an association, "Invalid qos specification"
/// for a QOS it may not use); a dependency on an unknown job (afterok/afternotok) or on the job itself,
/// or an empty user, gives HPCSCHED_RESULT_INVALID_ARGUMENT. A refused submission changes
/// nothing and stores 0.
///
/// # Safety
/// `scheduler` is NULL or a live scheduler no other thread is using; `request` is NULL or
/// a live request; `user` is NULL or a NUL-terminated string; `job_id` is NULL or valid
/// for writing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_submit(
    scheduler: Option<&mut hpcsched_scheduler>,
    request: Option<&hpcsched_request>,
    user: *const c_char,
    now: u64,
    job_id: Option<&mut u32>,
) -> hpcsched_result {
    guard(|| {
        let job_id = out_param(job_id, "job_id", 0)?;
        let scheduler = arg_mut(scheduler, "scheduler")?;
        let request = arg_ref(request, "request")?;
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
/// jobs ended because they can never run, running jobs preempted (cancelled, requeued or
/// suspended, now or after their grace time) and suspended jobs resumed. The caller owns
/// the list and must release it with hpcsched_decisions_free. The pass also refreshes the
/// estimates.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_schedule(
    scheduler: Option<&mut hpcsched_scheduler>,
    now: u64,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_decisions>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_mut(scheduler, "scheduler")?;
        let decisions = scheduler.inner.schedule(Timestamp(now));
        Ok(hpcsched_decisions::new(&decisions))
    })
}

/// Shared body of the job events: a mutable scheduler, then the event.
fn job_event(
    scheduler: Option<&mut hpcsched_scheduler>,
    event: impl FnOnce(&mut Scheduler) -> Result<(), JobError>,
) -> hpcsched_result {
    guard(|| {
        let scheduler = arg_mut(scheduler, "scheduler")?;
        event(&mut scheduler.inner).map_err(Failure::from)
    })
}

/// Reports that running job `job_id` ended at `now` with `exit_code` (0: COMPLETED,
/// anything else: FAILED); its resources are free for the next pass.
///
/// Every job event returns HPCSCHED_RESULT_UNKNOWN_JOB for an id the scheduler does not
/// know and HPCSCHED_RESULT_WRONG_STATE when the job's state does not allow the event; a
/// refused event changes nothing.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_job_finished(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
    now: u64,
    exit_code: i32,
) -> hpcsched_result {
    job_event(scheduler, |s| {
        s.job_finished(JobId(job_id), Timestamp(now), exit_code)
    })
}

/// Reports that running job `job_id` ran out of memory at `now`. With `reboot_on_oom`
/// (sites whose nodes reboot on OOM) the job ends CANCELLED with the cause in its comment;
/// otherwise it ends OUT_OF_MEMORY.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_out_of_memory(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
    now: u64,
    reboot_on_oom: bool,
) -> hpcsched_result {
    job_event(scheduler, |s| {
        s.out_of_memory(JobId(job_id), Timestamp(now), reboot_on_oom)
    })
}

/// Cancels job `job_id` at `now` (scancel): a pending job (or all of an array's pending
/// tasks) never starts; a running one ends CANCELLED and frees its resources.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_cancel(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
    now: u64,
) -> hpcsched_result {
    job_event(scheduler, |s| s.cancel(JobId(job_id), Timestamp(now)))
}

/// Holds pending job `job_id` as its user does (scontrol hold by the owner, or uhold):
/// priority 0, reason JobHeldUser.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_hold(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
) -> hpcsched_result {
    job_event(scheduler, |s| s.hold(JobId(job_id)))
}

/// Holds pending job `job_id` as an administrator's `scontrol hold` does: priority 0,
/// reason JobHeldAdmin.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_hold_admin(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
) -> hpcsched_result {
    job_event(scheduler, |s| s.hold_as(JobId(job_id), HoldKind::Admin))
}

/// Releases held job `job_id` (scontrol release).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_release(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
) -> hpcsched_result {
    job_event(scheduler, |s| s.release(JobId(job_id)))
}

/// Requeues running job `job_id` at `now` (scontrol requeue): it ends, frees its resources
/// and pends again.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_requeue(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
    now: u64,
) -> hpcsched_result {
    job_event(scheduler, |s| s.requeue(JobId(job_id), Timestamp(now)))
}

/// Changes the time limit of job `job_id` (scontrol update TimeLimit=): `seconds`, or
/// UNLIMITED when `unlimited` is true (`seconds` is then ignored).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_update_time_limit(
    scheduler: Option<&mut hpcsched_scheduler>,
    job_id: u32,
    seconds: u64,
    unlimited: bool,
) -> hpcsched_result {
    let limit = if unlimited {
        TimeLimit::Unlimited
    } else {
        TimeLimit::Limited(Duration::from_secs(seconds))
    };
    job_event(scheduler, |s| s.update_time_limit(JobId(job_id), limit))
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
    scheduler: Option<&mut hpcsched_scheduler>,
    name: *const c_char,
    reason: *const c_char,
) -> hpcsched_result {
    guard(|| {
        let scheduler = arg_mut(scheduler, "scheduler")?;
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
    scheduler: Option<&mut hpcsched_scheduler>,
    name: *const c_char,
    state: *const c_char,
) -> hpcsched_result {
    guard(|| {
        let scheduler = arg_mut(scheduler, "scheduler")?;
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
    scheduler: Option<&mut hpcsched_scheduler>,
    name: *const c_char,
) -> hpcsched_result {
    guard(|| {
        let scheduler = arg_mut(scheduler, "scheduler")?;
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
    scheduler: Option<&mut hpcsched_scheduler>,
    name: *const c_char,
    reason: *const c_char,
    now: u64,
    ended: Option<&mut MaybeUninit<Option<Box<hpcsched_job_ids>>>>,
    requeued: Option<&mut MaybeUninit<Option<Box<hpcsched_job_ids>>>>,
) -> hpcsched_result {
    guard(|| {
        let ended = handle_out(ended, "ended")?;
        let requeued = handle_out(requeued, "requeued")?;
        let scheduler = arg_mut(scheduler, "scheduler")?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        // SAFETY: per this function's contract.
        let reason = unsafe { arg_str(reason, "reason") }?;
        let (e, r) = scheduler
            .inner
            .down_node(name, reason, Timestamp(now))
            .map_err(Failure::from)?;
        ended.put(hpcsched_job_ids::new(e));
        requeued.put(hpcsched_job_ids::new(r));
        Ok(())
    })
}

/// Stores when the host must call hpcsched_scheduler_schedule again at the latest (the
/// next time limit, begin time, planned start or backfill interval after `now`): `*has`
/// is false (and `*out` 0) when nothing is due and only events need a new pass.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_next_event_time(
    scheduler: Option<&hpcsched_scheduler>,
    now: u64,
    out: Option<&mut u64>,
    has: Option<&mut bool>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", 0)?;
        let has = out_param(has, "has", false)?;
        let scheduler = arg_ref(scheduler, "scheduler")?;
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
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_estimates(
    scheduler: Option<&hpcsched_scheduler>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_estimates>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        Ok(hpcsched_estimates::new(scheduler.inner.estimates()))
    })
}

/// Stores in `*out` a snapshot of job `job_id` (pending, running or finished). The caller
/// owns it and must release it with hpcsched_job_free. An id the scheduler does not know
/// gives HPCSCHED_RESULT_UNKNOWN_JOB and `*out` = NULL.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_job(
    scheduler: Option<&hpcsched_scheduler>,
    job_id: u32,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_job>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        let id = JobId(job_id);
        let job = scheduler
            .inner
            .job(id)
            .ok_or_else(|| Failure::from(JobError::UnknownJob(id)))?;
        Ok(hpcsched_job::new(job))
    })
}

/// Stores in `*out` the ids of every job the scheduler knows (pending, running and
/// finished), in the order the scheduler lists them (the order jobs entered its table,
/// which is submission order for ordinary jobs). The caller owns the list and must release it with
/// hpcsched_job_ids_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_jobs(
    scheduler: Option<&hpcsched_scheduler>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_job_ids>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        Ok(hpcsched_job_ids::new(
            scheduler.inner.jobs().map(hpcsched::Job::id),
        ))
    })
}

/// Stores in `*out` how many of pending array job `job_id`'s tasks have not started yet
/// (0 for any other job, known or not).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_pending_tasks(
    scheduler: Option<&hpcsched_scheduler>,
    job_id: u32,
    out: Option<&mut u64>,
) -> hpcsched_result {
    crate::boundary::getter(scheduler, "scheduler", out, 0, |s| {
        Ok(s.inner.pending_tasks(JobId(job_id)))
    })
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
    scheduler: Option<&hpcsched_scheduler>,
    name: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_job_ids>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        let jobs = scheduler
            .inner
            .node_jobs(name)
            .ok_or_else(|| unknown_node(name))?;
        Ok(hpcsched_job_ids::new(jobs.iter().copied()))
    })
}

/// Stores what node `name` has available now, not allocated to running jobs: CPUs in
/// `*cpus` and memory in MiB in `*memory_mib`. An unknown node gives
/// HPCSCHED_RESULT_UNKNOWN_NODE (and zeros).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_node_available(
    scheduler: Option<&hpcsched_scheduler>,
    name: *const c_char,
    cpus: Option<&mut u32>,
    memory_mib: Option<&mut u64>,
) -> hpcsched_result {
    guard(|| {
        let cpus = out_param(cpus, "cpus", 0)?;
        let memory_mib = out_param(memory_mib, "memory_mib", 0)?;
        let scheduler = arg_ref(scheduler, "scheduler")?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(name, "name") }?;
        let available = scheduler
            .inner
            .node_free(name)
            .ok_or_else(|| unknown_node(name))?;
        *cpus = available.cpus;
        *memory_mib = available.memory.mib();
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
    use crate::tests::{last_message, slot};
    use std::ffi::CStr;
    use std::ptr;

    /// Four exclusive nodes: the classic backfill picture.
    const CONF: &CStr = c"NodeName=n[1-4] CPUs=16 RealMemory=64000
PartitionName=batch Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE
";

    fn scheduler(policy: Option<&CStr>) -> Option<Box<hpcsched_scheduler>> {
        let mut c = None;
        let mut s = None;
        // SAFETY: valid strings and out-params; the cluster is released right after.
        unsafe {
            let r = hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), slot(&mut c));
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_scheduler_new(
                c.as_deref(),
                policy.map_or(ptr::null(), CStr::as_ptr),
                slot(&mut s),
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            // The scheduler has its own copy.
            hpcsched_cluster_free(c.take());
        }
        s
    }

    fn submit(
        s: &mut Option<Box<hpcsched_scheduler>>,
        script: &CStr,
        user: &CStr,
        now: u64,
    ) -> u32 {
        let r = request(script);
        let mut id = 0;
        // SAFETY: live handles, local out-param.
        unsafe {
            let code = hpcsched_scheduler_submit(
                s.as_deref_mut(),
                r.as_deref(),
                user.as_ptr(),
                now,
                Some(&mut id),
            );
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
        s: &mut Option<Box<hpcsched_scheduler>>,
        now: u64,
    ) -> Vec<(hpcsched_decision_kind, u32, Option<String>, Vec<String>)> {
        let mut d = None;
        let mut out = Vec::new();
        assert_eq!(
            hpcsched_scheduler_schedule(s.as_deref_mut(), now, slot(&mut d)),
            hpcsched_result::Ok
        );
        let mut n = 0usize;
        hpcsched_decisions_count(d.as_deref(), Some(&mut n));
        for i in 0..n {
            let (mut kind, mut job, mut part) = (hpcsched_decision_kind::Other, 0u32, ptr::null());
            hpcsched_decisions_kind(d.as_deref(), i, Some(&mut kind));
            hpcsched_decisions_job(d.as_deref(), i, Some(&mut job));
            hpcsched_decisions_partition(d.as_deref(), i, Some(&mut part));
            let mut count = 0usize;
            hpcsched_decisions_node_count(d.as_deref(), i, Some(&mut count));
            let mut nodes = Vec::new();
            for k in 0..count {
                let (mut name, mut cpus, mut mib, mut gres) = (ptr::null(), 0u32, 0u64, 9usize);
                let r = hpcsched_decisions_node(
                    d.as_deref(),
                    i,
                    k,
                    Some(&mut name),
                    Some(&mut cpus),
                    Some(&mut mib),
                    Some(&mut gres),
                );
                assert_eq!(r, hpcsched_result::Ok);
                // Exclusive: the whole node.
                assert_eq!((cpus, mib, gres), (16, 64000, 0));
                nodes.push(cstr(name).unwrap());
            }
            out.push((kind, job, cstr(part), nodes));
        }
        hpcsched_decisions_free(d.take());
        out
    }

    fn estimates(s: Option<&hpcsched_scheduler>) -> Vec<(u32, Option<u64>, usize, Option<String>)> {
        let mut e = None;
        let mut out = Vec::new();
        assert_eq!(
            hpcsched_scheduler_estimates(s, slot(&mut e)),
            hpcsched_result::Ok
        );
        let mut n = 0usize;
        hpcsched_estimates_count(e.as_deref(), Some(&mut n));
        for i in 0..n {
            let (mut job, mut start, mut has, mut nodes, mut reason) =
                (0u32, 0u64, false, 0usize, ptr::null());
            hpcsched_estimates_job(e.as_deref(), i, Some(&mut job));
            hpcsched_estimates_start(e.as_deref(), i, Some(&mut start), Some(&mut has));
            hpcsched_estimates_node_count(e.as_deref(), i, Some(&mut nodes));
            hpcsched_estimates_reason(e.as_deref(), i, Some(&mut reason));
            out.push((job, has.then_some(start), nodes, cstr(reason)));
        }
        hpcsched_estimates_free(e.take());
        out
    }

    use hpcsched_decision_kind::Start;

    #[test]
    fn classic_backfill() {
        let mut s = scheduler(None);
        let a = submit(&mut s, c"#!/bin/sh\n#SBATCH -N3 -t 60 -J A\n", c"alice", 0);
        let b = submit(&mut s, c"#!/bin/sh\n#SBATCH -N4 -t 60\n", c"bob", 0);
        let c = submit(&mut s, c"#!/bin/sh\n#SBATCH -N1 -t 30\n", c"carol", 0);
        let d = submit(&mut s, c"#!/bin/sh\n#SBATCH -N1 -t 120\n", c"dave", 0);
        assert_eq!((a, b, c, d), (1, 2, 3, 4));
        let batch = Some("batch".to_owned());
        let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            schedule(&mut s, 0),
            [
                (Start, a, batch.clone(), names(&["n1", "n2", "n3"])),
                (Start, c, batch.clone(), names(&["n4"])),
            ]
        );
        let est = estimates(s.as_deref());
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
            hpcsched_scheduler_next_event_time(s.as_deref(), 0, Some(&mut t), Some(&mut has));
            assert_eq!((t, has), (30, true));

            // A job snapshot of a running job.
            let mut j = None;
            assert_eq!(
                hpcsched_scheduler_job(s.as_deref(), a, slot(&mut j)),
                hpcsched_result::Ok
            );
            let mut p = ptr::null();
            hpcsched_job_state(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("RUNNING"));
            hpcsched_job_state_code(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("R"));
            hpcsched_job_name(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("A"));
            hpcsched_job_user(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("alice"));
            hpcsched_job_partition(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("batch"));
            hpcsched_job_reason(j.as_deref(), Some(&mut p));
            assert_eq!(p, ptr::null());
            let (mut v, mut has) = (1u64, false);
            hpcsched_job_start_time(j.as_deref(), Some(&mut v), Some(&mut has));
            assert_eq!((v, has), (0, true));
            hpcsched_job_end_time(j.as_deref(), Some(&mut v), Some(&mut has));
            assert_eq!((v, has), (0, false));
            let (mut secs, mut unl) = (0u64, true);
            hpcsched_job_time_limit_seconds(j.as_deref(), Some(&mut secs), Some(&mut unl));
            assert_eq!((secs, unl), (3600, false));
            let mut n = 0usize;
            hpcsched_job_node_count(j.as_deref(), Some(&mut n));
            assert_eq!(n, 3);
            hpcsched_job_free(j.take());

            // Pending job D: reason and no start.
            assert_eq!(
                hpcsched_scheduler_job(s.as_deref(), d, slot(&mut j)),
                hpcsched_result::Ok
            );
            hpcsched_job_state(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("PENDING"));
            hpcsched_job_start_time(j.as_deref(), Some(&mut v), Some(&mut has));
            assert!(!has);
            hpcsched_job_free(j.take());

            // n4 is C's.
            let mut ids = None;
            assert_eq!(
                hpcsched_scheduler_node_jobs(s.as_deref(), c"n4".as_ptr(), slot(&mut ids)),
                hpcsched_result::Ok
            );
            let (mut count, mut id) = (0usize, 0u32);
            hpcsched_job_ids_count(ids.as_deref(), Some(&mut count));
            hpcsched_job_ids_get(ids.as_deref(), 0, Some(&mut id));
            assert_eq!((count, id), (1, c));
            hpcsched_job_ids_free(ids.take());
            let (mut cpus, mut mib) = (9u32, 9u64);
            hpcsched_scheduler_node_available(
                s.as_deref(),
                c"n4".as_ptr(),
                Some(&mut cpus),
                Some(&mut mib),
            );
            assert_eq!((cpus, mib), (0, 0));

            // C ends early, A at its limit: B starts, then D after B.
            assert_eq!(
                hpcsched_scheduler_job_finished(s.as_deref_mut(), c, 1800, 0),
                hpcsched_result::Ok
            );
            assert!(schedule(&mut s, 1800).is_empty());
            assert_eq!(
                hpcsched_scheduler_job_finished(s.as_deref_mut(), a, 3600, 0),
                hpcsched_result::Ok
            );
            assert_eq!(
                schedule(&mut s, 3600),
                [(Start, b, batch.clone(), names(&["n1", "n2", "n3", "n4"]))]
            );
            assert_eq!(
                hpcsched_scheduler_job_finished(s.as_deref_mut(), b, 5000, 1),
                hpcsched_result::Ok
            );
            assert_eq!(
                schedule(&mut s, 5000),
                [(Start, d, batch.clone(), names(&["n1"]))]
            );

            assert_eq!(
                hpcsched_scheduler_job(s.as_deref(), b, slot(&mut j)),
                hpcsched_result::Ok
            );
            hpcsched_job_state(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("FAILED"));
            let (mut code, mut has) = (0i32, false);
            hpcsched_job_exit_code(j.as_deref(), Some(&mut code), Some(&mut has));
            assert_eq!((code, has), (1, true));
            hpcsched_job_free(j.take());

            // D runs into its limit: a STOP decision, state TIMEOUT.
            let mut list = None;
            assert_eq!(
                hpcsched_scheduler_schedule(s.as_deref_mut(), 5000 + 7200, slot(&mut list)),
                hpcsched_result::Ok
            );
            let mut kind = Start;
            hpcsched_decisions_kind(list.as_deref(), 0, Some(&mut kind));
            assert_eq!(kind, hpcsched_decision_kind::Stop);
            hpcsched_decisions_state(list.as_deref(), 0, Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("TIMEOUT"));
            hpcsched_decisions_partition(list.as_deref(), 0, Some(&mut p));
            assert!(p.is_null());
            let mut n = 7usize;
            hpcsched_decisions_node_count(list.as_deref(), 0, Some(&mut n));
            assert_eq!(n, 0);
            assert_eq!(
                hpcsched_decisions_kind(list.as_deref(), 1, Some(&mut kind)),
                hpcsched_result::OutOfRange
            );
            assert_eq!(last_message(), "decision index 1 out of range (list has 1)");
            hpcsched_decisions_free(list.take());

            let mut all = None;
            hpcsched_scheduler_jobs(s.as_deref(), slot(&mut all));
            hpcsched_job_ids_count(all.as_deref(), Some(&mut count));
            assert_eq!(count, 4);
            hpcsched_job_ids_free(all.take());
            hpcsched_scheduler_free(s.take());
        }
    }

    #[test]
    fn presets_and_policy_errors() {
        // FIFO: nothing jumps ahead of blocked B, so C waits although n4 is free.
        let mut s = scheduler(Some(c"FIFO"));
        let a = submit(&mut s, c"#!/bin/sh\n#SBATCH -N3 -t 60\n", c"u", 0);
        submit(&mut s, c"#!/bin/sh\n#SBATCH -N4 -t 60\n", c"u", 0);
        submit(&mut s, c"#!/bin/sh\n#SBATCH -N1 -t 30\n", c"u", 0);
        let started: Vec<u32> = schedule(&mut s, 0).into_iter().map(|d| d.1).collect();
        assert_eq!(started, [a]);
        // SAFETY: the scheduler from above; NULL and valid strings.
        unsafe {
            hpcsched_scheduler_free(s.take());
            let mut c = None;
            hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), slot(&mut c));
            let mut s = None;
            let r = hpcsched_scheduler_new(c.as_deref(), c"greedy".as_ptr(), slot(&mut s));
            assert_eq!(r, hpcsched_result::InvalidArgument);
            assert!(s.is_none());
            assert_eq!(
                last_message(),
                "unknown policy `greedy`: expected fifo, easy, conservative or slurm"
            );
            let r = hpcsched_scheduler_new(None, ptr::null(), slot(&mut s));
            assert_eq!(r, hpcsched_result::NullArgument);
            hpcsched_cluster_free(c.take());
        }
    }

    #[test]
    fn event_errors() {
        let mut s = scheduler(Some(c"easy"));
        let a = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -N1 -t 10 --no-requeue\n",
            c"u",
            0,
        );
        // SAFETY: the scheduler from above; local out-params and valid strings.
        unsafe {
            assert_eq!(
                hpcsched_scheduler_job_finished(s.as_deref_mut(), 99, 0, 0),
                hpcsched_result::UnknownJob
            );
            assert_eq!(last_message(), "Invalid job id specified: 99");
            assert_eq!(
                hpcsched_scheduler_job_finished(s.as_deref_mut(), a, 0, 0),
                hpcsched_result::WrongState
            );
            assert_eq!(last_message(), "job 1 is PENDING: cannot finish");
            assert_eq!(
                hpcsched_scheduler_requeue(s.as_deref_mut(), a, 0),
                hpcsched_result::WrongState
            );
            assert_eq!(
                hpcsched_scheduler_hold(s.as_deref_mut(), a),
                hpcsched_result::Ok
            );
            let mut j = None;
            hpcsched_scheduler_job(s.as_deref(), a, slot(&mut j));
            let mut p = ptr::null();
            hpcsched_job_reason(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("JobHeldUser"));
            hpcsched_job_hold(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("user"));
            hpcsched_job_free(j.take());
            assert!(schedule(&mut s, 1).is_empty());
            assert_eq!(
                hpcsched_scheduler_release(s.as_deref_mut(), a),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_scheduler_update_time_limit(s.as_deref_mut(), a, 0, true),
                hpcsched_result::Ok
            );
            hpcsched_scheduler_job(s.as_deref(), a, slot(&mut j));
            let (mut secs, mut unl) = (1u64, false);
            hpcsched_job_time_limit_seconds(j.as_deref(), Some(&mut secs), Some(&mut unl));
            assert_eq!((secs, unl), (0, true));
            hpcsched_job_free(j.take());
            assert_eq!(
                hpcsched_scheduler_update_time_limit(s.as_deref_mut(), a, 600, false),
                hpcsched_result::Ok
            );
            assert_eq!(schedule(&mut s, 2).len(), 1);
            assert_eq!(
                hpcsched_scheduler_hold(s.as_deref_mut(), a),
                hpcsched_result::WrongState
            );

            // Unknown job lookup.
            j = None;
            assert_eq!(
                hpcsched_scheduler_job(s.as_deref(), 42, slot(&mut j)),
                hpcsched_result::UnknownJob
            );
            assert!(j.is_none());

            // Nodes.
            assert_eq!(
                hpcsched_scheduler_drain_node(s.as_deref_mut(), c"n9".as_ptr(), c"x".as_ptr()),
                hpcsched_result::UnknownNode
            );
            assert_eq!(last_message(), "Invalid node name specified: n9");
            assert_eq!(
                hpcsched_scheduler_drain_node(s.as_deref_mut(), c"n2".as_ptr(), c"disk".as_ptr()),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_scheduler_resume_node(s.as_deref_mut(), c"n2".as_ptr()),
                hpcsched_result::Ok
            );
            let (mut ended, mut requeued) = (None, None);
            let r = hpcsched_scheduler_down_node(
                s.as_deref_mut(),
                c"n0".as_ptr(),
                c"x".as_ptr(),
                3,
                slot(&mut ended),
                slot(&mut requeued),
            );
            assert_eq!(r, hpcsched_result::UnknownNode);
            assert!(ended.is_none() && requeued.is_none());
            let r = hpcsched_scheduler_down_node(
                s.as_deref_mut(),
                c"n1".as_ptr(),
                c"power".as_ptr(),
                3,
                slot(&mut ended),
                slot(&mut requeued),
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let (mut n, mut id) = (0usize, 0u32);
            hpcsched_job_ids_count(ended.as_deref(), Some(&mut n));
            hpcsched_job_ids_get(ended.as_deref(), 0, Some(&mut id));
            assert_eq!((n, id), (1, a));
            hpcsched_job_ids_count(requeued.as_deref(), Some(&mut n));
            assert_eq!(n, 0);
            assert_eq!(
                hpcsched_job_ids_get(requeued.as_deref(), 0, Some(&mut id)),
                hpcsched_result::OutOfRange
            );
            hpcsched_job_ids_free(ended.take());
            hpcsched_job_ids_free(requeued.take());
            hpcsched_scheduler_job(s.as_deref(), a, slot(&mut j));
            hpcsched_job_state(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("NODE_FAIL"));
            hpcsched_job_free(j.take());

            // Submit errors: rejected, unknown dependency, no user.
            let mut id = 7u32;
            let r = request(c"#!/bin/sh\n#SBATCH -p nosuch\n");
            assert_eq!(
                hpcsched_scheduler_submit(
                    s.as_deref_mut(),
                    r.as_deref(),
                    c"u".as_ptr(),
                    0,
                    Some(&mut id)
                ),
                hpcsched_result::Rejected
            );
            assert_eq!(id, 0);
            assert!(last_message().contains("nosuch"), "{}", last_message());
            hpcsched_request_free(r);
            let r = request(c"#!/bin/sh\n#SBATCH -d afterok:777\n");
            assert_eq!(
                hpcsched_scheduler_submit(
                    s.as_deref_mut(),
                    r.as_deref(),
                    c"u".as_ptr(),
                    0,
                    Some(&mut id)
                ),
                hpcsched_result::InvalidArgument
            );
            assert_eq!(
                last_message(),
                "Job dependency problem: job 777 does not exist"
            );
            assert_eq!(
                hpcsched_scheduler_submit(
                    s.as_deref_mut(),
                    r.as_deref(),
                    c"".as_ptr(),
                    0,
                    Some(&mut id)
                ),
                hpcsched_result::InvalidArgument
            );
            assert_eq!(
                hpcsched_scheduler_submit(
                    s.as_deref_mut(),
                    r.as_deref(),
                    ptr::null(),
                    0,
                    Some(&mut id)
                ),
                hpcsched_result::NullArgument
            );
            hpcsched_request_free(r);

            hpcsched_scheduler_free(s.take());
        }
    }

    #[test]
    fn gres_indices_and_memory() {
        let mut c = None;
        let mut s = None;
        let conf = c"NodeName=g1 CPUs=8 RealMemory=32000 Gres=gpu:a100:4
PartitionName=gpu Nodes=g1 Default=YES
";
        // SAFETY: valid strings, local out-params; every handle is released.
        unsafe {
            hpcsched_cluster_from_slurm_conf(conf.as_ptr(), slot(&mut c));
            assert_eq!(
                hpcsched_scheduler_new(c.as_deref(), ptr::null(), slot(&mut s)),
                hpcsched_result::Ok
            );
            hpcsched_cluster_free(c.take());
            // No estimates before the first pass.
            assert!(estimates(s.as_deref()).is_empty());
            let job = submit(
                &mut s,
                c"#!/bin/sh\n#SBATCH --gres=gpu:a100:2 -c 2 --mem=1000 -t 5\n",
                c"u",
                0,
            );
            let mut d = None;
            hpcsched_scheduler_schedule(s.as_deref_mut(), 0, slot(&mut d));
            let (mut name, mut cpus, mut mib, mut gres) = (ptr::null(), 0u32, 0u64, 0usize);
            let r = hpcsched_decisions_node(
                d.as_deref(),
                0,
                0,
                Some(&mut name),
                Some(&mut cpus),
                Some(&mut mib),
                Some(&mut gres),
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(
                (cstr(name).as_deref(), cpus, mib, gres),
                (Some("g1"), 2, 1000, 1)
            );
            let (mut gname, mut gtype, mut idx, mut n) =
                (ptr::null(), ptr::null(), ptr::null(), 0usize);
            let r = hpcsched_decisions_node_gres(
                d.as_deref(),
                0,
                0,
                0,
                Some(&mut gname),
                Some(&mut gtype),
                Some(&mut idx),
                Some(&mut n),
            );
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            assert_eq!(
                (cstr(gname).as_deref(), cstr(gtype).as_deref()),
                (Some("gpu"), Some("a100"))
            );
            assert_eq!(std::slice::from_raw_parts(idx, n), [0, 1]);
            let r = hpcsched_decisions_node_gres(
                d.as_deref(),
                0,
                0,
                1,
                Some(&mut gname),
                Some(&mut gtype),
                Some(&mut idx),
                Some(&mut n),
            );
            assert_eq!(r, hpcsched_result::OutOfRange);
            assert!(gname.is_null() && idx.is_null() && n == 0);
            assert_eq!(last_message(), "GRES index 1 out of range (node has 1)");
            hpcsched_decisions_free(d.take());

            // The job snapshot shows the same allocation; the node has the rest free.
            let mut j = None;
            hpcsched_scheduler_job(s.as_deref(), job, slot(&mut j));
            let r = hpcsched_job_node_gres(
                j.as_deref(),
                0,
                0,
                Some(&mut gname),
                Some(&mut gtype),
                Some(&mut idx),
                Some(&mut n),
            );
            assert_eq!(r, hpcsched_result::Ok);
            assert_eq!(std::slice::from_raw_parts(idx, n), [0, 1]);
            let r = hpcsched_job_node(
                j.as_deref(),
                1,
                Some(&mut name),
                Some(&mut cpus),
                Some(&mut mib),
                Some(&mut gres),
            );
            assert_eq!(r, hpcsched_result::OutOfRange);
            assert_eq!(last_message(), "node index 1 out of range (job has 1)");
            hpcsched_job_free(j.take());
            hpcsched_scheduler_node_available(
                s.as_deref(),
                c"g1".as_ptr(),
                Some(&mut cpus),
                Some(&mut mib),
            );
            assert_eq!((cpus, mib), (6, 31000));
            assert_eq!(
                hpcsched_scheduler_node_available(
                    s.as_deref(),
                    c"g2".as_ptr(),
                    Some(&mut cpus),
                    Some(&mut mib)
                ),
                hpcsched_result::UnknownNode
            );
            assert_eq!(
                hpcsched_scheduler_out_of_memory(s.as_deref_mut(), job, 10, true),
                hpcsched_result::Ok
            );
            hpcsched_scheduler_job(s.as_deref(), job, slot(&mut j));
            let mut p = ptr::null();
            hpcsched_job_state(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("CANCELLED"));
            hpcsched_job_comment(j.as_deref(), Some(&mut p));
            assert_eq!(cstr(p).as_deref(), Some("out of memory: node rebooted"));
            hpcsched_job_free(j.take());
            hpcsched_scheduler_free(s.take());
        }
    }

    #[test]
    fn null_arguments_and_free() {
        let mut d = None;
        assert_eq!(
            hpcsched_scheduler_schedule(None, 0, slot(&mut d)),
            hpcsched_result::NullArgument
        );
        assert!(d.is_none());
        assert_eq!(last_message(), "argument `scheduler` is NULL");
        let mut n = 5usize;
        assert_eq!(
            hpcsched_decisions_count(None, Some(&mut n)),
            hpcsched_result::NullArgument
        );
        assert_eq!(n, 0);
        assert_eq!(
            hpcsched_estimates_count(None, Some(&mut n)),
            hpcsched_result::NullArgument
        );
        assert_eq!(
            hpcsched_job_ids_count(None, Some(&mut n)),
            hpcsched_result::NullArgument
        );
        let (mut t, mut has) = (5u64, true);
        assert_eq!(
            hpcsched_scheduler_next_event_time(None, 0, Some(&mut t), Some(&mut has)),
            hpcsched_result::NullArgument
        );
        assert_eq!((t, has), (0, false));
        assert_eq!(
            hpcsched_scheduler_cancel(None, 1, 0),
            hpcsched_result::NullArgument
        );
        let (mut name, mut cpus, mut mib) = (ptr::null(), 0u32, 0u64);
        let r = hpcsched_decisions_node(
            None,
            0,
            0,
            Some(&mut name),
            Some(&mut cpus),
            Some(&mut mib),
            None,
        );
        assert_eq!(r, hpcsched_result::NullArgument);
        assert_eq!(last_message(), "argument `gres_count` is NULL");
        hpcsched_scheduler_free(None);
        hpcsched_decisions_free(None);
        hpcsched_estimates_free(None);
        hpcsched_job_free(None);
        hpcsched_job_ids_free(None);
    }
}

/// Preemption through C: the PREEMPT and RESUME decisions, the stats, the records of a
/// requeued job's runs.
#[cfg(test)]
mod preemption_tests {
    use super::*;
    use crate::cluster::{hpcsched_cluster_free, hpcsched_cluster_from_slurm_conf};
    use crate::decision::*;
    use crate::record::{
        hpcsched_record, hpcsched_records_count, hpcsched_records_free, hpcsched_records_get,
    };
    use crate::request::{hpcsched_request_free, tests::request};
    use crate::status::{
        hpcsched_preemption_stats, hpcsched_scheduler_preemption_stats, hpcsched_scheduler_records,
    };
    use crate::tests::{last_message, slot};
    use hpcsched::preempt::PreemptAction;
    use hpcsched::{Decision, JobId};
    use std::ffi::{CStr, c_char};
    use std::ptr;

    /// Four 4-CPU nodes shared by a best-effort tier and a high tier (tests/preemption.rs).
    const TIERS: &CStr = c"SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
NodeName=n[1-4] CPUs=4 RealMemory=4000
PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES
PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100
";

    fn cstr(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a string borrowed from a live handle.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    /// One decision as C reads it: (kind, job, by, action, at).
    type Row = (
        hpcsched_decision_kind,
        u32,
        u32,
        Option<String>,
        Option<u64>,
    );

    fn rows(d: Option<&hpcsched_decisions>) -> Vec<Row> {
        let mut n = 0usize;
        assert_eq!(
            hpcsched_decisions_count(d, Some(&mut n)),
            hpcsched_result::Ok
        );
        (0..n)
            .map(|i| {
                let (mut kind, mut job, mut by) = (hpcsched_decision_kind::Other, 0u32, 9u32);
                let (mut action, mut at, mut has) = (ptr::null(), 9u64, true);
                hpcsched_decisions_kind(d, i, Some(&mut kind));
                hpcsched_decisions_job(d, i, Some(&mut job));
                hpcsched_decisions_by(d, i, Some(&mut by));
                hpcsched_decisions_action(d, i, Some(&mut action));
                let r = hpcsched_decisions_at(d, i, Some(&mut at), Some(&mut has));
                assert_eq!(r, hpcsched_result::Ok);
                if !has {
                    assert_eq!(at, 0);
                }
                (kind, job, by, cstr(action), has.then_some(at))
            })
            .collect()
    }

    fn schedule(s: &mut Option<Box<hpcsched_scheduler>>, now: u64) -> Vec<Row> {
        let mut d = None;
        assert_eq!(
            hpcsched_scheduler_schedule(s.as_deref_mut(), now, slot(&mut d)),
            hpcsched_result::Ok
        );
        let out = rows(d.as_deref());
        hpcsched_decisions_free(d.take());
        out
    }

    fn submit(s: &mut Option<Box<hpcsched_scheduler>>, script: &CStr, now: u64) -> u32 {
        let r = request(script);
        let mut id = 0;
        // SAFETY: live handles, a NUL-terminated user, a local out-param.
        let code = unsafe {
            hpcsched_scheduler_submit(
                s.as_deref_mut(),
                r.as_deref(),
                c"alice".as_ptr(),
                now,
                Some(&mut id),
            )
        };
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        hpcsched_request_free(r);
        id
    }

    fn stats(s: Option<&hpcsched_scheduler>) -> hpcsched_preemption_stats {
        let mut out = hpcsched_preemption_stats {
            preempted: 9,
            ..Default::default()
        };
        assert_eq!(
            hpcsched_scheduler_preemption_stats(s, Some(&mut out)),
            hpcsched_result::Ok
        );
        out
    }

    use hpcsched_decision_kind::{Preempt, Start};

    #[test]
    fn a_high_tier_job_requeues_the_best_effort_job() {
        let (mut c, mut s) = (None, None);
        // SAFETY: a NUL-terminated conf, live handles, local out-params.
        unsafe {
            let r = hpcsched_cluster_from_slurm_conf(TIERS.as_ptr(), slot(&mut c));
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_scheduler_new(c.as_deref(), ptr::null(), slot(&mut s));
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        }
        hpcsched_cluster_free(c);
        assert_eq!(stats(s.as_deref()), hpcsched_preemption_stats::default());
        let low = submit(&mut s, c"#!/bin/sh\n#SBATCH -p low -N4 -n16 -t 60\n", 0);
        assert_eq!(schedule(&mut s, 0), [(Start, low, 0, None, None)]);
        let high = submit(&mut s, c"#!/bin/sh\n#SBATCH -p high -N2 -n8 -t 30\n", 100);
        // The low job is requeued now; the high one starts the second after.
        assert_eq!(
            schedule(&mut s, 100),
            [(Preempt, low, high, Some("REQUEUE".to_owned()), Some(100))]
        );
        assert_eq!(schedule(&mut s, 101), [(Start, high, 0, None, None)]);
        let st = stats(s.as_deref());
        assert_eq!(
            st,
            hpcsched_preemption_stats {
                preempted: 1,
                cancelled: 0,
                requeued: 1,
                suspended: 0,
                lost_cpu_seconds: 1600,
            }
        );
        // The preempted run, then the pending job with Restarts=1.
        let mut list = None;
        assert_eq!(
            hpcsched_scheduler_records(s.as_deref(), 150, slot(&mut list)),
            hpcsched_result::Ok
        );
        let mut n = 0usize;
        hpcsched_records_count(list.as_deref(), Some(&mut n));
        let runs: Vec<(String, bool, u64, u32)> = (0..n)
            .filter_map(|i| {
                let mut r = hpcsched_record::empty();
                hpcsched_records_get(list.as_deref(), i, Some(&mut r));
                (r.job == low).then(|| (cstr(r.state).unwrap(), r.has_start, r.start, r.restarts))
            })
            .collect();
        assert_eq!(
            runs,
            [
                ("PREEMPTED".to_owned(), true, 0, 0),
                ("PENDING".to_owned(), false, 0, 1),
            ]
        );
        hpcsched_records_free(list);
        hpcsched_scheduler_free(s);
        let mut none = hpcsched_preemption_stats {
            requeued: 3,
            ..Default::default()
        };
        assert_eq!(
            hpcsched_scheduler_preemption_stats(None, Some(&mut none)),
            hpcsched_result::NullArgument
        );
        assert_eq!(none, hpcsched_preemption_stats::default());
    }

    /// SUSPEND and RESUME decisions (SUSPEND,GANG) read as the header says, and a grace
    /// time's later `at` is passed through.
    #[test]
    fn suspend_resume_and_grace_read_back() {
        let list = hpcsched_decisions::new(&[
            Decision::Preempt {
                job: JobId(3),
                by: JobId(7),
                action: PreemptAction::Suspend,
                at: hpcsched::Timestamp(40),
            },
            Decision::Preempt {
                job: JobId(4),
                by: JobId(7),
                action: PreemptAction::Cancel,
                at: hpcsched::Timestamp(60),
            },
            Decision::Resume { job: JobId(3) },
        ]);
        assert_eq!(
            rows(Some(&list)),
            [
                (Preempt, 3, 7, Some("SUSPEND".to_owned()), Some(40)),
                (Preempt, 4, 7, Some("CANCEL".to_owned()), Some(60)),
                (hpcsched_decision_kind::Resume, 3, 0, None, None),
            ]
        );
        let (mut p, mut n) = (ptr::dangling(), 5usize);
        hpcsched_decisions_state(Some(&list), 0, Some(&mut p));
        assert!(p.is_null());
        hpcsched_decisions_node_count(Some(&list), 2, Some(&mut n));
        assert_eq!(n, 0);
        let (mut at, mut has) = (1u64, true);
        assert_eq!(
            hpcsched_decisions_at(Some(&list), 3, Some(&mut at), Some(&mut has)),
            hpcsched_result::OutOfRange
        );
        assert_eq!((at, has), (0, false));
        assert_eq!(
            hpcsched_decisions_at(Some(&list), 0, Some(&mut at), None),
            hpcsched_result::NullArgument
        );
        assert_eq!(last_message(), "argument `has` is NULL");
    }
}
