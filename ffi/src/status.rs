//! Read views of a scheduler for status and accounting tools: every job as `sacct` lists
//! it, a partition's nodes and CPUs as `sinfo` summarises them, what a user's jobs hold, and
//! a user's usage next to a QOS's `MaxTRESPerUser` limits.
//!
//! The all-number views (partition and user usage) are structs the caller passes in and
//! one call fills. The records and QOS limits are snapshots the caller owns: they keep
//! describing the scheduler as it was when taken, and strings borrowed from them stay
//! valid until they are released.

use crate::boundary::{
    Failure, arg_ref, arg_str, c_string, free, getter, guard, hpcsched_result, item, make,
    out_param,
};
use crate::record::hpcsched_records;
use crate::scheduler::hpcsched_scheduler;
use hpcsched::{LimitUsage, PreemptionStats, RejectReason, Timestamp};
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;
use std::ptr;

/// How one partition's nodes and CPUs are used, as `sinfo` summarises them. Filled by
/// hpcsched_scheduler_partition_usage.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct hpcsched_partition_usage {
    /// Nodes in the partition (sinfo's NODES(A/I/O/T) total).
    pub nodes: u32,
    /// Nodes with nothing allocated that can take jobs (IDLE).
    pub idle: u32,
    /// Nodes with some but not all CPUs allocated (MIXED).
    pub mixed: u32,
    /// Nodes with every CPU allocated (ALLOCATED).
    pub allocated: u32,
    /// Nodes that take no new jobs (DOWN, DRAIN, FAIL...), whatever they still run; they
    /// count in none of idle, mixed and allocated.
    pub unavailable: u32,
    /// CPUs in the partition.
    pub cpus: u32,
    /// The partition's CPUs allocated to jobs.
    pub cpus_allocated: u32,
    /// GPUs in the partition (GRES `gpu` of every type).
    pub gpus: u64,
    /// The partition's GPUs allocated to jobs.
    pub gpus_allocated: u64,
}

/// Fills `*out` with how the nodes of partition `partition` are used now. A name the
/// cluster does not have gives HPCSCHED_RESULT_UNKNOWN_PARTITION; on any failure `*out` is
/// all zero.
///
/// # Safety
/// `partition` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_partition_usage(
    scheduler: Option<&hpcsched_scheduler>,
    partition: *const c_char,
    out: Option<&mut hpcsched_partition_usage>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", hpcsched_partition_usage::default())?;
        let scheduler = arg_ref(scheduler, "scheduler")?;
        // SAFETY: per this function's contract.
        let name = unsafe { arg_str(partition, "partition") }?;
        let u = scheduler.inner.partition_usage(name).ok_or_else(|| {
            Failure::new(
                hpcsched_result::UnknownPartition,
                RejectReason::InvalidPartition(name.to_owned()).to_string(),
            )
        })?;
        *out = hpcsched_partition_usage {
            nodes: u.nodes,
            idle: u.idle,
            mixed: u.mixed,
            allocated: u.allocated,
            unavailable: u.unavailable,
            cpus: u.cpus,
            cpus_allocated: u.cpus_allocated,
            gpus: u.gpus,
            gpus_allocated: u.gpus_allocated,
        };
        Ok(())
    })
}

/// What one user's jobs hold (running) and wait for (pending). Filled by
/// hpcsched_scheduler_user_usage.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct hpcsched_user_usage {
    /// How many of the user's jobs are running.
    pub running_jobs: u32,
    /// How many of the user's jobs are pending; an array's pending tasks count one each.
    pub pending_jobs: u64,
    /// The nodes the running jobs hold, one per node of each job (two jobs sharing a node
    /// count it twice, as TRES `node` does).
    pub nodes: u32,
    /// The CPUs the running jobs hold.
    pub cpus: u32,
    /// The memory the running jobs hold, in MiB.
    pub memory_mib: u64,
    /// The GPUs (GRES `gpu` of every type) the running jobs hold.
    pub gpus: u64,
}

/// Fills `*out` with what the jobs of `user` hold and wait for now (all zero for a user
/// with no jobs, and on failure).
///
/// # Safety
/// `user` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_scheduler_user_usage(
    scheduler: Option<&hpcsched_scheduler>,
    user: *const c_char,
    out: Option<&mut hpcsched_user_usage>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", hpcsched_user_usage::default())?;
        let scheduler = arg_ref(scheduler, "scheduler")?;
        // SAFETY: per this function's contract.
        let user = unsafe { arg_str(user, "user") }?;
        let u = scheduler.inner.user_usage(user);
        *out = hpcsched_user_usage {
            running_jobs: u.running_jobs,
            pending_jobs: u.pending_jobs,
            nodes: u.held.nodes,
            cpus: u.held.cpus,
            memory_mib: u.held.memory.mib(),
            gpus: u.held.gres_total("gpu"),
        };
        Ok(())
    })
}

/// What preemption did so far (PreemptType, PreemptMode): the runs it ended or paused and
/// the CPU time it cost. Filled by hpcsched_scheduler_preemption_stats and
/// hpcsched_replay_get_preemption; all zero without preemption.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct hpcsched_preemption_stats {
    /// Every preemption: `cancelled + requeued + suspended`.
    pub preempted: u64,
    /// Runs ended PREEMPTED for good (CANCEL, or REQUEUE of a job that may not be
    /// requeued).
    pub cancelled: u64,
    /// Runs ended PREEMPTED whose job was queued again (REQUEUE).
    pub requeued: u64,
    /// Jobs suspended (SUSPEND,GANG).
    pub suspended: u64,
    /// CPU-seconds of the runs preemption ended: work lost (a requeued job starts again
    /// from the beginning).
    pub lost_cpu_seconds: u64,
}

impl From<PreemptionStats> for hpcsched_preemption_stats {
    fn from(s: PreemptionStats) -> Self {
        Self {
            preempted: s.preempted(),
            cancelled: s.cancelled,
            requeued: s.requeued,
            suspended: s.suspended,
            lost_cpu_seconds: s.lost_cpu_seconds,
        }
    }
}

/// Fills `*out` with what preemption did so far on this scheduler (all zero on failure).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_preemption_stats(
    scheduler: Option<&hpcsched_scheduler>,
    out: Option<&mut hpcsched_preemption_stats>,
) -> hpcsched_result {
    getter(
        scheduler,
        "scheduler",
        out,
        hpcsched_preemption_stats::default(),
        |s| Ok(s.inner.preemption_stats().into()),
    )
}

/// Stores in `*out` every job the scheduler knows as `sacct` would list it at `now` (which
/// sets the elapsed time of running jobs), ordered by job id; a job requeued by
/// preemption has a record per run, its ended runs (PREEMPTED) first. The caller owns the
/// list and must release it with hpcsched_records_free; read its rows with
/// hpcsched_records_get.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_scheduler_records(
    scheduler: Option<&hpcsched_scheduler>,
    now: u64,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_records>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
        let records = scheduler.inner.records(Timestamp(now));
        Ok(hpcsched_records::new(&records))
    })
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
    scheduler: Option<&hpcsched_scheduler>,
    qos: *const c_char,
    user: *const c_char,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_qos_usage>>>>,
) -> hpcsched_result {
    make(out, || {
        let scheduler = arg_ref(scheduler, "scheduler")?;
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
        Ok(hpcsched_qos_usage { items })
    })
}

/// Releases a QOS usage list. Passing NULL does nothing. Strings borrowed from it become
/// invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_qos_usage_free(usage: Option<Box<hpcsched_qos_usage>>) {
    free(usage);
}

/// Stores the number of limits in `*out`.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_qos_usage_count(
    usage: Option<&hpcsched_qos_usage>,
    out: Option<&mut usize>,
) -> hpcsched_result {
    getter(usage, "usage", out, 0, |l| Ok(l.items.len()))
}

/// Stores in `*out` the TRES that limit `index` (0-based, below hpcsched_qos_usage_count)
/// applies to, as sacctmgr names it: `cpu`, `mem`, `node`, `gres/gpu`, `gres/gpu:a100`...
/// Borrowed from the list. Every indexed accessor returns HPCSCHED_RESULT_OUT_OF_RANGE for
/// a bad index.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_qos_usage_tres(
    usage: Option<&hpcsched_qos_usage>,
    index: usize,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(usage, "usage", out, ptr::null(), |l| {
        Ok(l.at(index)?.tres.as_ptr())
    })
}

/// Stores in `*out` how much of limit `index`'s TRES the user's running jobs under the QOS
/// hold (memory in MiB, other TRES as counts).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_qos_usage_used(
    usage: Option<&hpcsched_qos_usage>,
    index: usize,
    out: Option<&mut u64>,
) -> hpcsched_result {
    getter(usage, "usage", out, 0, |l| Ok(l.at(index)?.used))
}

/// Stores in `*out` the value of limit `index` (memory in MiB, other TRES as counts).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_qos_usage_limit(
    usage: Option<&hpcsched_qos_usage>,
    index: usize,
    out: Option<&mut u64>,
) -> hpcsched_result {
    getter(usage, "usage", out, 0, |l| Ok(l.at(index)?.limit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{
        hpcsched_cluster_add_qos, hpcsched_cluster_free, hpcsched_cluster_from_slurm_conf,
    };
    use crate::decision::{hpcsched_decisions_count, hpcsched_decisions_free};
    use crate::record::{
        hpcsched_record, hpcsched_records_count, hpcsched_records_free, hpcsched_records_get,
    };
    use crate::request::{hpcsched_request_free, tests::request};
    use crate::scheduler::*;
    use crate::tests::{last_message, slot};
    use std::ffi::CStr;

    type Sched = Option<Box<hpcsched_scheduler>>;

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

    fn scheduler() -> Sched {
        let (mut c, mut s) = (None, None);
        // SAFETY: NUL-terminated literals.
        unsafe {
            let r = hpcsched_cluster_from_slurm_conf(CONF.as_ptr(), slot(&mut c));
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_cluster_add_qos(c.as_deref_mut(), QOS.as_ptr());
            assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
            let r = hpcsched_scheduler_new(c.as_deref(), ptr::null(), slot(&mut s));
            assert_eq!(r, hpcsched_result::Ok);
        }
        hpcsched_cluster_free(c);
        s
    }

    fn submit(s: &mut Sched, script: &CStr, user: &CStr) -> u32 {
        let r = request(script);
        let mut id = 0;
        // SAFETY: a NUL-terminated literal.
        let code = unsafe {
            hpcsched_scheduler_submit(
                s.as_deref_mut(),
                r.as_deref(),
                user.as_ptr(),
                0,
                Some(&mut id),
            )
        };
        assert_eq!(code, hpcsched_result::Ok, "{}", last_message());
        hpcsched_request_free(r);
        id
    }

    /// Runs a pass and returns how many decisions it made.
    fn schedule(s: &mut Sched, now: u64) -> usize {
        let (mut d, mut n) = (None, 0usize);
        let r = hpcsched_scheduler_schedule(s.as_deref_mut(), now, slot(&mut d));
        assert_eq!(r, hpcsched_result::Ok);
        hpcsched_decisions_count(d.as_deref(), Some(&mut n));
        hpcsched_decisions_free(d);
        n
    }

    fn cstr(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a string borrowed from a live handle.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    /// Every field of a record, sacct-style: `|`-separated, `-` for NULL or unset.
    fn line(r: &hpcsched_record) -> String {
        let opt = |has: bool, t: u64| {
            if has {
                t.to_string()
            } else {
                assert_eq!(t, 0, "an unset value reads 0");
                "-".to_owned()
            }
        };
        [
            r.job.to_string(),
            cstr(r.display_id).unwrap(),
            cstr(r.name).unwrap(),
            cstr(r.user).unwrap(),
            cstr(r.account).unwrap_or_else(|| "-".into()),
            cstr(r.partition).unwrap(),
            cstr(r.state).unwrap(),
            r.exit_code.to_string(),
            r.submit.to_string(),
            opt(r.has_eligible, r.eligible),
            opt(r.has_start, r.start),
            opt(r.has_end, r.end),
            opt(r.has_wait, r.wait),
            r.elapsed.to_string(),
            if r.has_time_limit {
                r.time_limit.to_string()
            } else {
                "UNLIMITED".into()
            },
            cstr(r.nodes).unwrap(),
            r.alloc_cpus.to_string(),
            cstr(r.alloc_tres).unwrap(),
        ]
        .join("|")
    }

    fn records(s: Option<&hpcsched_scheduler>, now: u64) -> Vec<String> {
        let (mut list, mut n) = (None, 0usize);
        let r = hpcsched_scheduler_records(s, now, slot(&mut list));
        assert_eq!(r, hpcsched_result::Ok);
        assert_eq!(
            hpcsched_records_count(list.as_deref(), Some(&mut n)),
            hpcsched_result::Ok
        );
        let lines = (0..n)
            .map(|i| {
                let mut row = hpcsched_record::empty();
                assert_eq!(
                    hpcsched_records_get(list.as_deref(), i, Some(&mut row)),
                    hpcsched_result::Ok
                );
                line(&row)
            })
            .collect();
        hpcsched_records_free(list);
        lines
    }

    #[test]
    fn records_like_sacct() {
        let mut s = scheduler();
        let build = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -J build -n4 --mem=4G -t 10\n",
            c"alice",
        );
        let train = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -J train -p gpu -q gpu2 -A physics -c4 --mem=8G --gres=gpu:a100:2 -t 60\n",
            c"bob",
        );
        // No --time under MaxTime=UNLIMITED and no DefaultTime: an unlimited job.
        let sweep = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -J sweep -a 0-3 -N1 --exclusive\n",
            c"carol",
        );
        let report = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -J report -d afterok:2 -t 5\n",
            c"carol",
        );
        assert_eq!((build, train, sweep, report), (1, 2, 3, 4));
        // Before the first pass: every record pending, not yet found eligible, no start.
        assert_eq!(
            records(s.as_deref(), 0),
            [
                "1|1|build|alice|-|cpu|PENDING|0|0|-|-|-|-|0|600||0|",
                "2|2|train|bob|physics|gpu|PENDING|0|0|-|-|-|-|0|3600||0|",
                "3|3_[0-3]|sweep|carol|-|cpu|PENDING|0|0|-|-|-|-|0|UNLIMITED||0|",
                "4|4|report|carol|-|cpu|PENDING|0|0|-|-|-|-|0|300||0|",
            ]
        );
        // build (half of c1) and train start; c2 is free for one exclusive sweep task,
        // which gets the next job id.
        assert_eq!(schedule(&mut s, 0), 3);
        let r = hpcsched_scheduler_job_finished(s.as_deref_mut(), build, 120, 0);
        assert_eq!(r, hpcsched_result::Ok);
        let r = hpcsched_scheduler_job_finished(s.as_deref_mut(), train, 600, 3);
        assert_eq!(r, hpcsched_result::Ok);
        assert_eq!(
            records(s.as_deref(), 1000),
            [
                "1|1|build|alice|-|cpu|COMPLETED|0|0|0|0|120|0|120|600|c1|4|cpu=4,mem=4096M,node=1",
                "2|2|train|bob|physics|gpu|FAILED|3|0|0|0|600|0|600|3600|g1|4|cpu=4,mem=8192M,node=1,gres/gpu=2",
                "3|3_[1-3]|sweep|carol|-|cpu|PENDING|0|0|0|-|-|-|0|UNLIMITED||0|",
                "4|4|report|carol|-|cpu|PENDING|0|0|-|-|-|-|0|300||0|",
                "5|3_0|sweep|carol|-|cpu|RUNNING|0|0|0|0|-|0|1000|UNLIMITED|c2|8|cpu=8,mem=16000M,node=1",
            ]
        );
        let mut list = None;
        hpcsched_scheduler_records(s.as_deref(), 1000, slot(&mut list));
        // Out of range: the message names the index, the row is cleared.
        let mut row = hpcsched_record::empty();
        row.job = 9;
        row.has_end = true;
        assert_eq!(
            hpcsched_records_get(list.as_deref(), 5, Some(&mut row)),
            hpcsched_result::OutOfRange
        );
        assert_eq!(row, hpcsched_record::empty());
        assert_eq!(last_message(), "record index 5 out of range (list has 5)");
        // The list is a snapshot: it outlives the scheduler.
        hpcsched_scheduler_free(s);
        assert_eq!(
            hpcsched_records_get(list.as_deref(), 1, Some(&mut row)),
            hpcsched_result::Ok
        );
        assert_eq!(cstr(row.state).as_deref(), Some("FAILED"));
        hpcsched_records_free(list);
    }

    #[test]
    fn record_columns_are_the_core_columns() {
        let n = crate::record::hpcsched_record_column_count();
        assert_eq!(n, hpcsched::record::RecordRow::COLUMNS.len());
        let names: Vec<String> = (0..n)
            .map(|i| cstr(crate::record::hpcsched_record_column(i)).unwrap())
            .collect();
        assert_eq!(names, hpcsched::record::RecordRow::COLUMNS);
        assert!(crate::record::hpcsched_record_column(n).is_null());
    }

    fn partition(s: Option<&hpcsched_scheduler>, name: &CStr) -> hpcsched_partition_usage {
        let mut u = hpcsched_partition_usage::default();
        // SAFETY: a NUL-terminated literal.
        let r = unsafe { hpcsched_scheduler_partition_usage(s, name.as_ptr(), Some(&mut u)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        u
    }

    /// running, pending, nodes, cpus, memory MiB, gpus of a user.
    fn user(s: Option<&hpcsched_scheduler>, name: &CStr) -> [u64; 6] {
        let mut u = hpcsched_user_usage::default();
        // SAFETY: a NUL-terminated literal.
        let r = unsafe { hpcsched_scheduler_user_usage(s, name.as_ptr(), Some(&mut u)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        [
            u.running_jobs.into(),
            u.pending_jobs,
            u.nodes.into(),
            u.cpus.into(),
            u.memory_mib,
            u.gpus,
        ]
    }

    /// (tres, used, limit) for each MaxTRESPerUser limit of `qos`.
    fn limits(s: Option<&hpcsched_scheduler>, qos: &CStr, name: &CStr) -> Vec<(String, u64, u64)> {
        let (mut u, mut n) = (None, 0usize);
        // SAFETY: NUL-terminated literals.
        let r = unsafe {
            hpcsched_scheduler_qos_user_usage(s, qos.as_ptr(), name.as_ptr(), slot(&mut u))
        };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        hpcsched_qos_usage_count(u.as_deref(), Some(&mut n));
        let out = (0..n)
            .map(|i| {
                let (mut tres, mut used, mut limit) = (ptr::null(), 0u64, 0u64);
                assert_eq!(
                    hpcsched_qos_usage_tres(u.as_deref(), i, Some(&mut tres)),
                    hpcsched_result::Ok
                );
                assert_eq!(
                    hpcsched_qos_usage_used(u.as_deref(), i, Some(&mut used)),
                    hpcsched_result::Ok
                );
                assert_eq!(
                    hpcsched_qos_usage_limit(u.as_deref(), i, Some(&mut limit)),
                    hpcsched_result::Ok
                );
                (cstr(tres).unwrap(), used, limit)
            })
            .collect();
        hpcsched_qos_usage_free(u);
        out
    }

    fn usage(nodes: [u32; 5], cpus: [u32; 2], gpus: [u64; 2]) -> hpcsched_partition_usage {
        let [nodes, idle, mixed, allocated, unavailable] = nodes;
        let [cpus, cpus_allocated] = cpus;
        let [gpus, gpus_allocated] = gpus;
        hpcsched_partition_usage {
            nodes,
            idle,
            mixed,
            allocated,
            unavailable,
            cpus,
            cpus_allocated,
            gpus,
            gpus_allocated,
        }
    }

    #[test]
    fn usage_views() {
        let mut s = scheduler();
        assert_eq!(
            partition(s.as_deref(), c"cpu"),
            usage([2, 2, 0, 0, 0], [16, 0], [0, 0])
        );
        assert_eq!(
            partition(s.as_deref(), c"gpu"),
            usage([1, 1, 0, 0, 0], [16, 0], [4, 0])
        );
        let train = submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -p gpu -q gpu2 -c4 --mem=8G --gres=gpu:a100:2 -t 60\n",
            c"bob",
        );
        // Not under gpu2: counts for the user, not against the QOS.
        submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -p gpu --gres=gpu:1 --mem=1G -t 60\n",
            c"bob",
        );
        submit(
            &mut s,
            c"#!/bin/sh\n#SBATCH -n8 --mem=16000M -t 60\n",
            c"alice",
        );
        submit(&mut s, c"#!/bin/sh\n#SBATCH -a 1-5 -n8 -t 60\n", c"alice");
        // bob's two jobs and alice's full node c1, then one task of her array on c2.
        assert_eq!(schedule(&mut s, 0), 4);
        assert_eq!(
            partition(s.as_deref(), c"cpu"),
            usage([2, 0, 0, 2, 0], [16, 16], [0, 0])
        );
        assert_eq!(
            partition(s.as_deref(), c"gpu"),
            usage([1, 0, 1, 0, 0], [16, 5], [4, 3])
        );
        // Two jobs on g1 count the node twice; the array's four pending tasks count one each.
        assert_eq!(user(s.as_deref(), c"bob"), [2, 0, 2, 5, 8192 + 1024, 3]);
        // The array task asked for no memory and there is no DefMemPerCPU: a whole node's.
        assert_eq!(
            user(s.as_deref(), c"alice"),
            [2, 4, 2, 16, 16000 + 16000, 0]
        );
        assert_eq!(user(s.as_deref(), c"nobody"), [0; 6]);
        assert_eq!(
            limits(s.as_deref(), c"gpu2", c"bob"),
            [
                ("gres/gpu".into(), 2, 2),
                ("mem".into(), 8192, 16384),
                ("cpu".into(), 4, 8)
            ]
        );
        assert!(limits(s.as_deref(), c"normal", c"bob").is_empty());

        // SAFETY: NUL-terminated literals.
        unsafe {
            let mut p = usage([9; 5], [9; 2], [9; 2]);
            assert_eq!(
                hpcsched_scheduler_partition_usage(s.as_deref(), c"debug".as_ptr(), Some(&mut p)),
                hpcsched_result::UnknownPartition
            );
            assert_eq!(p, hpcsched_partition_usage::default());
            assert_eq!(last_message(), "invalid partition specified: debug");
            let mut q = None;
            assert_eq!(
                hpcsched_scheduler_qos_user_usage(
                    s.as_deref(),
                    c"gpu4".as_ptr(),
                    c"bob".as_ptr(),
                    slot(&mut q)
                ),
                hpcsched_result::UnknownQos
            );
            assert!(q.is_none());
            assert_eq!(last_message(), "Invalid qos specification: gpu4");
            hpcsched_scheduler_qos_user_usage(
                s.as_deref(),
                c"gpu2".as_ptr(),
                c"bob".as_ptr(),
                slot(&mut q),
            );
            let mut tres = c"x".as_ptr();
            assert_eq!(
                hpcsched_qos_usage_tres(q.as_deref(), 3, Some(&mut tres)),
                hpcsched_result::OutOfRange
            );
            assert!(tres.is_null());
            assert_eq!(last_message(), "limit index 3 out of range (list has 3)");
            hpcsched_qos_usage_free(q);
            // Events move the views: train ends, c2 is drained.
            assert_eq!(
                hpcsched_scheduler_job_finished(s.as_deref_mut(), train, 60, 0),
                hpcsched_result::Ok
            );
            assert_eq!(
                hpcsched_scheduler_drain_node(s.as_deref_mut(), c"c2".as_ptr(), c"disk".as_ptr()),
                hpcsched_result::Ok
            );
        }
        assert_eq!(
            limits(s.as_deref(), c"gpu2", c"bob")[0],
            ("gres/gpu".into(), 0, 2)
        );
        assert_eq!(user(s.as_deref(), c"bob"), [1, 0, 1, 1, 1024, 1]);
        // A drained node counts as unavailable whatever it still runs.
        assert_eq!(
            partition(s.as_deref(), c"cpu"),
            usage([2, 0, 0, 1, 1], [16, 16], [0, 0])
        );
        hpcsched_scheduler_free(s);
    }

    #[test]
    fn null_and_invalid_arguments() {
        let s = scheduler();
        let mut records = None;
        assert_eq!(
            hpcsched_scheduler_records(None, 0, slot(&mut records)),
            hpcsched_result::NullArgument
        );
        assert!(records.is_none());
        assert_eq!(last_message(), "argument `scheduler` is NULL");
        assert_eq!(
            hpcsched_scheduler_records(s.as_deref(), 0, None),
            hpcsched_result::NullArgument
        );
        assert_eq!(last_message(), "argument `out` is NULL");
        // SAFETY: NULL and NUL-terminated literals.
        unsafe {
            let mut part = hpcsched_partition_usage::default();
            assert_eq!(
                hpcsched_scheduler_partition_usage(s.as_deref(), ptr::null(), Some(&mut part)),
                hpcsched_result::NullArgument
            );
            assert_eq!(last_message(), "argument `partition` is NULL");
            assert_eq!(
                hpcsched_scheduler_partition_usage(
                    s.as_deref(),
                    c"cp\xffu".as_ptr(),
                    Some(&mut part)
                ),
                hpcsched_result::InvalidUtf8
            );
            assert_eq!(
                hpcsched_scheduler_partition_usage(s.as_deref(), c"cpu".as_ptr(), None),
                hpcsched_result::NullArgument
            );
            assert_eq!(last_message(), "argument `out` is NULL");
            let mut user_usage = hpcsched_user_usage {
                running_jobs: 3,
                ..Default::default()
            };
            assert_eq!(
                hpcsched_scheduler_user_usage(None, c"bob".as_ptr(), Some(&mut user_usage)),
                hpcsched_result::NullArgument
            );
            assert_eq!(user_usage, hpcsched_user_usage::default());
            assert_eq!(
                hpcsched_scheduler_user_usage(
                    s.as_deref(),
                    c"b\xffob".as_ptr(),
                    Some(&mut user_usage)
                ),
                hpcsched_result::InvalidUtf8
            );
            assert_eq!(
                last_message(),
                "argument `user` is not valid UTF-8 (byte 1)"
            );
            let mut qos_usage = None;
            assert_eq!(
                hpcsched_scheduler_qos_user_usage(
                    s.as_deref(),
                    c"gpu2".as_ptr(),
                    ptr::null(),
                    slot(&mut qos_usage)
                ),
                hpcsched_result::NullArgument
            );
            assert!(qos_usage.is_none());
            assert_eq!(last_message(), "argument `user` is NULL");
        }
        let (mut count, mut row) = (9usize, hpcsched_record::empty());
        assert_eq!(
            hpcsched_records_count(None, Some(&mut count)),
            hpcsched_result::NullArgument
        );
        assert_eq!(count, 0);
        assert_eq!(last_message(), "argument `records` is NULL");
        row.exit_code = 4;
        assert_eq!(
            hpcsched_records_get(None, 0, Some(&mut row)),
            hpcsched_result::NullArgument
        );
        assert_eq!(row, hpcsched_record::empty());
        assert_eq!(
            hpcsched_qos_usage_count(None, Some(&mut count)),
            hpcsched_result::NullArgument
        );
        hpcsched_records_free(None);
        hpcsched_qos_usage_free(None);
        hpcsched_scheduler_free(s);
    }
}
