//! The replay engine through C: a workload file (an SWF trace or a job list, plain or
//! gzip) replayed on a cluster under a policy by the core's one engine
//! (`hpcsched::replay`), its summary, its records and its whole outcome as JSON.

use crate::boundary::{
    Failure, arg_opt_str, arg_ref, arg_str, free, getter, guard, hpcsched_result, make, out_param,
};
use crate::cluster::hpcsched_cluster;
use crate::queue::hpcsched_queue;
use crate::record::hpcsched_records;
use crate::scheduler::preset;
use crate::status::hpcsched_preemption_stats;
use hpcsched::replay::{Replay, ReplayOutcome, ReplaySettings, WorkloadInput};
use hpcsched::simulator::Overrun;
use hpcsched::{Duration, JobRecord, Timestamp};
use std::ffi::{CString, c_char};
use std::mem::MaybeUninit;

/// How a replay runs. All zero (or a NULL options pointer) is the default: jobs ended at
/// their time limit, the jobs of an SWF trace asking for their processors, the whole
/// workload, run to its end.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct hpcsched_replay_options {
    /// A job still running at its time limit runs on to its recorded run time (the
    /// convention of published trace replays); false (the default) ends it there as
    /// TIMEOUT, as Slurm does.
    pub allow_overrun: bool,
    /// SWF traces: give each job whole nodes, `-N ceil(P / C) --exclusive -n P` where `C`
    /// is the CPUs of the default partition's smallest node. An error for a job list.
    pub whole_nodes: bool,
    /// Replay only the workload's first `first` jobs.
    pub has_first: bool,
    /// See `has_first`.
    pub first: u64,
    /// Stop at `stop_at` (seconds on the workload's clock), leaving the queue as it is then;
    /// the jobs still in the system are recorded as sacct shows them at that instant.
    pub has_stop_at: bool,
    /// See `has_stop_at`.
    pub stop_at: u64,
}

/// What a replay did, in numbers: the counts of the run and the overall metrics over every
/// record. Filled by hpcsched_replay_get_summary. A metric over no job (no job started, a
/// makespan of 0...) has its `has_` flag false and reads 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct hpcsched_replay_summary {
    /// Jobs submitted (accepted by the scheduler).
    pub submitted: u64,
    /// Jobs the cluster refused at submit.
    pub refused: u64,
    /// SWF lines not replayed (unreadable, wider than the machine, no run time).
    pub skipped: u64,
    /// Jobs still pending at the end because nothing left to happen could start them.
    pub left_pending: u64,
    /// Scheduling passes run.
    pub passes: u64,
    /// The last instant simulated, seconds.
    pub end: u64,
    /// Whether the replay stopped at `stop_at` with work left.
    pub stopped: bool,
    /// Records counted (every job of the replay).
    pub jobs: u64,
    /// Jobs that started (the wait statistics are over these).
    pub started: u64,
    /// Whether the wait statistics exist (some job started).
    pub has_wait: bool,
    /// Mean wait, seconds.
    pub mean_wait: f64,
    /// Median wait, seconds (the mean of the two middle waits for an even count).
    pub median_wait: f64,
    /// Nearest-rank 95th percentile of the waits, seconds.
    pub p95_wait: u64,
    /// Longest wait, seconds.
    pub max_wait: u64,
    /// Whether some job ran (started and ended), so the bounded slowdown exists.
    pub has_mean_bounded_slowdown: bool,
    /// Mean of max(1, (wait + run) / max(run, 10 s)) over the jobs that ran.
    pub mean_bounded_slowdown: f64,
    /// Whether the utilization exists (known CPUs and a makespan above 0).
    pub has_utilization: bool,
    /// CPU-seconds of the jobs that ran over CPUs × makespan (0 to 1).
    pub utilization: f64,
    /// Whether the makespan exists (some job ended).
    pub has_makespan: bool,
    /// Last end − first submit, seconds.
    pub makespan: u64,
}

/// A finished replay: its outcome, its records and the outcome as JSON.
///
/// Made by hpcsched_replay_run and released with hpcsched_replay_free. It does not refer to
/// the cluster it ran on. The records and strings it lends stay valid until it is released.
pub struct hpcsched_replay {
    outcome: ReplayOutcome,
    preemption: hpcsched_preemption_stats,
    records: hpcsched_records,
    queue: hpcsched_queue,
    json: CString,
}

impl hpcsched_replay {
    fn summary(&self) -> hpcsched_replay_summary {
        let o = &self.outcome;
        let m = &o.metrics.overall;
        hpcsched_replay_summary {
            submitted: o.submitted,
            refused: o.refused.len() as u64,
            skipped: o.skipped,
            left_pending: o.left_pending.len() as u64,
            passes: o.passes,
            end: o.end,
            stopped: o.stopped,
            jobs: m.jobs,
            started: m.started,
            has_wait: m.mean_wait.is_some(),
            mean_wait: m.mean_wait.unwrap_or(0.0),
            median_wait: m.median_wait.unwrap_or(0.0),
            p95_wait: m.p95_wait.map_or(0, Duration::as_secs),
            max_wait: m.max_wait.map_or(0, Duration::as_secs),
            has_mean_bounded_slowdown: m.mean_bounded_slowdown.is_some(),
            mean_bounded_slowdown: m.mean_bounded_slowdown.unwrap_or(0.0),
            has_utilization: m.utilization.is_some(),
            utilization: m.utilization.unwrap_or(0.0),
            has_makespan: m.makespan.is_some(),
            makespan: m.makespan.map_or(0, Duration::as_secs),
        }
    }
}

/// Replays the workload file `workload` (an SWF trace or a job list, plain or gzip, told
/// apart by content) on `cluster` under `policy`, to its end (or `options->stop_at`), and
/// stores the finished replay in `*out`; the caller owns it and must release it with
/// hpcsched_replay_free.
///
/// `cluster` NULL replays an SWF trace on the machine its header describes (MaxNodes nodes
/// of MaxProcs / MaxNodes CPUs, one partition `swf`); a job list needs a cluster. The
/// replay runs on a copy: the cluster handle is not changed and may be released at once.
/// `policy` is NULL for `slurm` (the cluster's own SchedulerType and SchedulerParameters),
/// or `fifo`, `easy`, `conservative` or `slurm`, in any case. `options` NULL is the
/// default (see hpcsched_replay_options).
///
/// Errors: HPCSCHED_RESULT_IO_ERROR when the file cannot be read,
/// HPCSCHED_RESULT_PARSE_ERROR when its content is wrong (hpcsched_last_error_line gives
/// the line), HPCSCHED_RESULT_INVALID_ARGUMENT for an unknown policy, a job list without a
/// cluster, whole nodes for a job list or a cluster without a default partition for an
/// SWF trace. The message is the core's, naming the file and line: `FILE: line N: ...`.
///
/// # Safety
/// `workload` and `policy` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hpcsched_replay_run(
    workload: *const c_char,
    cluster: Option<&hpcsched_cluster>,
    policy: *const c_char,
    options: Option<&hpcsched_replay_options>,
    out: Option<&mut MaybeUninit<Option<Box<hpcsched_replay>>>>,
) -> hpcsched_result {
    make(out, || {
        // SAFETY: per this function's contract.
        let path = unsafe { arg_str(workload, "workload") }?;
        // SAFETY: per this function's contract.
        let policy = unsafe { arg_opt_str(policy, "policy") }?;
        let options = options.copied().unwrap_or_default();
        let mut settings = ReplaySettings::default();
        if let Some(policy) = policy {
            settings.preset = preset(policy)?;
        }
        settings.overrun = if options.allow_overrun {
            Overrun::Allow
        } else {
            Overrun::Kill
        };
        settings.whole_nodes = options.whole_nodes;
        settings.first = options.has_first.then_some(options.first);
        settings.stop_at = options.has_stop_at.then_some(Timestamp(options.stop_at));
        let input = WorkloadInput::open(path)?;
        let cluster = cluster.map(|c| c.inner.clone());
        let mut replay = Replay::new(cluster, input, &settings)?;
        let mut records = hpcsched_records::default();
        let outcome = replay.run(&mut |r: &JobRecord| records.push(r))?;
        let json = serde_json::to_string(&outcome).map_err(|e| {
            Failure::new(hpcsched_result::Panic, format!("the outcome as JSON: {e}"))
        })?;
        Ok(hpcsched_replay {
            queue: hpcsched_queue::new(replay.scheduler().queue()),
            outcome,
            records,
            preemption: replay.scheduler().preemption_stats().into(),
            json: crate::boundary::c_string(&json),
        })
    })
}

/// Releases a replay. Passing NULL does nothing. Its records and strings become invalid.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_replay_free(replay: Option<Box<hpcsched_replay>>) {
    free(replay);
}

/// Fills `*out` with the replay's counts and overall metrics (all zero on failure).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_replay_get_summary(
    replay: Option<&hpcsched_replay>,
    out: Option<&mut hpcsched_replay_summary>,
) -> hpcsched_result {
    getter(
        replay,
        "replay",
        out,
        hpcsched_replay_summary::default(),
        |r| Ok(r.summary()),
    )
}

/// Fills `*out` with what preemption did over the replay: runs cancelled, requeued and
/// suspended, and the CPU-seconds lost (all zero without preemption, and on failure).
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_replay_get_preemption(
    replay: Option<&hpcsched_replay>,
    out: Option<&mut hpcsched_preemption_stats>,
) -> hpcsched_result {
    getter(
        replay,
        "replay",
        out,
        hpcsched_preemption_stats::default(),
        |r| Ok(r.preemption),
    )
}

/// Stores in `*out` the replay's records, one per job (and one per run preemption ended
/// of a requeued job, in state PREEMPTED), in the order jobs left the system
/// (the jobs still in it at a `stop_at` last, by job id), as the CLI's `--records` file
/// has them; read them with hpcsched_records_count and hpcsched_records_get. The list is
/// lent by the replay: it stays valid until the replay is released, and must not be
/// passed to hpcsched_records_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_replay_records(
    replay: Option<&hpcsched_replay>,
    out: Option<&mut *const hpcsched_records>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", std::ptr::null())?;
        *out = &raw const arg_ref(replay, "replay")?.records;
        Ok(())
    })
}

/// Stores in `*out` the queue as `squeue --start` showed it when the replay ended: the
/// jobs still in the system at a `stop_at` (empty when the replay ran to its end but for
/// jobs left pending). The list is lent by the replay: it stays valid until the replay is
/// released, and must not be passed to hpcsched_queue_free.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_replay_queue(
    replay: Option<&hpcsched_replay>,
    out: Option<&mut *const hpcsched_queue>,
) -> hpcsched_result {
    guard(|| {
        let out = out_param(out, "out", std::ptr::null())?;
        *out = &raw const arg_ref(replay, "replay")?.queue;
        Ok(())
    })
}

/// Stores in `*out` the replay's whole outcome as one JSON object (the workload and its
/// format, the cluster, the policy, the counts, the jobs refused and left pending, and the
/// metrics overall, per partition and per user), as `hpcsched simulate --format json`
/// reports it. The string is borrowed from the replay and valid until it is released.
#[unsafe(no_mangle)]
pub extern "C" fn hpcsched_replay_json(
    replay: Option<&hpcsched_replay>,
    out: Option<&mut *const c_char>,
) -> hpcsched_result {
    getter(replay, "replay", out, std::ptr::null(), |r| {
        Ok(r.json.as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::hpcsched_last_error_line;
    use crate::cluster::{hpcsched_cluster_free, hpcsched_cluster_from_slurm_conf};
    use crate::record::{hpcsched_record, hpcsched_records_count, hpcsched_records_get};
    use crate::tests::{last_message, slot};
    use std::ffi::CStr;
    use std::ptr;

    const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

    fn path(rel: &str) -> CString {
        CString::new(format!("{ROOT}/{rel}")).unwrap()
    }

    fn inserm() -> Option<Box<hpcsched_cluster>> {
        let conf =
            std::fs::read_to_string(format!("{ROOT}/examples/clusters/inserm.conf")).unwrap();
        let conf = CString::new(conf).unwrap();
        let mut c = None;
        // SAFETY: a NUL-terminated string.
        let r = unsafe { hpcsched_cluster_from_slurm_conf(conf.as_ptr(), slot(&mut c)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        c
    }

    fn run(
        workload: &CStr,
        cluster: Option<&hpcsched_cluster>,
        policy: Option<&CStr>,
        options: Option<&hpcsched_replay_options>,
    ) -> (hpcsched_result, Option<Box<hpcsched_replay>>) {
        let mut replay = None;
        // SAFETY: NUL-terminated strings or NULL.
        let r = unsafe {
            hpcsched_replay_run(
                workload.as_ptr(),
                cluster,
                policy.map_or(ptr::null(), CStr::as_ptr),
                options,
                slot(&mut replay),
            )
        };
        (r, replay)
    }

    fn rows(replay: Option<&hpcsched_replay>) -> Vec<hpcsched_record> {
        let (mut list, mut n) = (ptr::null(), 0usize);
        assert_eq!(
            hpcsched_replay_records(replay, Some(&mut list)),
            hpcsched_result::Ok
        );
        // SAFETY: lent by the live replay.
        let list = unsafe { list.as_ref() };
        assert_eq!(
            hpcsched_records_count(list, Some(&mut n)),
            hpcsched_result::Ok
        );
        (0..n)
            .map(|i| {
                let mut row = hpcsched_record::empty();
                assert_eq!(
                    hpcsched_records_get(list, i, Some(&mut row)),
                    hpcsched_result::Ok
                );
                row
            })
            .collect()
    }

    #[test]
    fn job_list_on_a_cluster() {
        let cluster = inserm();
        let workload = path("examples/workloads/inserm-morning.jobs");
        let (r, replay) = run(&workload, cluster.as_deref(), Some(c"EASY"), None);
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        hpcsched_cluster_free(cluster);
        let mut s = hpcsched_replay_summary::default();
        assert_eq!(
            hpcsched_replay_get_summary(replay.as_deref(), Some(&mut s)),
            hpcsched_result::Ok
        );
        // Nine lines, one an array of 20 tasks: 28 records.
        assert_eq!(
            (s.submitted, s.refused, s.skipped, s.stopped),
            (9, 0, 0, false)
        );
        assert_eq!((s.jobs, s.started), (28, 28));
        assert!(s.has_wait && s.has_makespan && s.has_utilization && s.has_mean_bounded_slowdown);
        assert!(s.mean_bounded_slowdown >= 1.0 && s.utilization > 0.0 && s.utilization <= 1.0);
        let rows = rows(replay.as_deref());
        assert_eq!(rows.len(), 28);
        assert!(rows.iter().all(|r| r.has_start && r.has_end && r.has_wait));
        let mut json = ptr::null();
        assert_eq!(
            hpcsched_replay_json(replay.as_deref(), Some(&mut json)),
            hpcsched_result::Ok
        );
        // SAFETY: borrowed from the live replay.
        let json = unsafe { CStr::from_ptr(json) }.to_str().unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            (v["policy"].as_str(), v["format"].as_str()),
            (Some("easy"), Some("job_list"))
        );
        assert_eq!(v["metrics"]["overall"]["jobs"], 28);
        hpcsched_replay_free(replay);
    }

    #[test]
    fn swf_on_its_header_machine_with_options() {
        let workload = path("tests/data/workload/lublin_256-first20.swf");
        let options = hpcsched_replay_options {
            has_first: true,
            first: 10,
            ..Default::default()
        };
        let (r, replay) = run(&workload, None, None, Some(&options));
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        let mut s = hpcsched_replay_summary::default();
        hpcsched_replay_get_summary(replay.as_deref(), Some(&mut s));
        assert_eq!(s.submitted + s.refused, 10);
        assert_eq!(rows(replay.as_deref()).len() as u64, s.jobs);
        hpcsched_replay_free(replay);
        // Stopped half-way: the jobs still in the system are recorded as they are then.
        let options = hpcsched_replay_options {
            has_stop_at: true,
            stop_at: 8000,
            ..Default::default()
        };
        let (r, replay) = run(&workload, None, Some(c"fifo"), Some(&options));
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        hpcsched_replay_get_summary(replay.as_deref(), Some(&mut s));
        assert!(s.stopped);
        let records = rows(replay.as_deref());
        assert!(records.iter().any(|r| !r.has_end));
        // The queue then, as squeue --start shows it: every job still in the system.
        let (mut queue, mut n) = (ptr::null(), 0usize);
        assert_eq!(
            hpcsched_replay_queue(replay.as_deref(), Some(&mut queue)),
            hpcsched_result::Ok
        );
        // SAFETY: lent by the live replay.
        let queue = unsafe { queue.as_ref() };
        assert_eq!(
            crate::queue::hpcsched_queue_count(queue, Some(&mut n)),
            hpcsched_result::Ok
        );
        assert_eq!(n, records.iter().filter(|r| !r.has_end).count());
        assert!(n > 0);
        hpcsched_replay_free(replay);
    }

    /// A replay under preempt/partition_prio: the stats and the requeued job's two runs.
    #[test]
    fn preemption_stats_and_runs() {
        let dir = std::env::temp_dir().join(format!("hpcsched-ffi-preempt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let jobs = dir.join("tiers.jobs");
        std::fs::write(
            &jobs,
            "0 3600 alice -p low -N4 -n16 -t 60\n100 600 bob -p high -N2 -n8 -t 30\n",
        )
        .unwrap();
        let conf = c"SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
NodeName=n[1-4] CPUs=4 RealMemory=4000
PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES
PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100
";
        let mut cluster = None;
        // SAFETY: a NUL-terminated string.
        let r = unsafe { hpcsched_cluster_from_slurm_conf(conf.as_ptr(), slot(&mut cluster)) };
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        let workload = CString::new(jobs.to_str().unwrap()).unwrap();
        let (r, replay) = run(&workload, cluster.as_deref(), None, None);
        hpcsched_cluster_free(cluster);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(r, hpcsched_result::Ok, "{}", last_message());
        let mut p = hpcsched_preemption_stats::default();
        assert_eq!(
            hpcsched_replay_get_preemption(replay.as_deref(), Some(&mut p)),
            hpcsched_result::Ok
        );
        assert_eq!(
            (
                p.preempted,
                p.requeued,
                p.cancelled,
                p.suspended,
                p.lost_cpu_seconds
            ),
            (1, 1, 0, 0, 1600)
        );
        // The low job's preempted run (0 to 100), then its run after the high job's end.
        let runs: Vec<_> = rows(replay.as_deref())
            .iter()
            .filter(|r| r.job == 1)
            .map(|r| {
                // SAFETY: borrowed from the live replay.
                let state = unsafe { CStr::from_ptr(r.state) }
                    .to_str()
                    .unwrap()
                    .to_owned();
                (state, r.start, r.end, r.restarts)
            })
            .collect();
        assert_eq!(
            runs,
            [
                ("PREEMPTED".to_owned(), 0, 100, 0),
                ("COMPLETED".to_owned(), 701, 4301, 1),
            ]
        );
        hpcsched_replay_free(replay);
        let mut none = hpcsched_preemption_stats {
            requeued: 2,
            ..Default::default()
        };
        assert_eq!(
            hpcsched_replay_get_preemption(None, Some(&mut none)),
            hpcsched_result::NullArgument
        );
        assert_eq!(none, hpcsched_preemption_stats::default());
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let missing = path("tests/data/workload/no-such-file.swf");
        let (r, replay) = run(&missing, None, None, None);
        assert_eq!(r, hpcsched_result::IoError);
        assert!(replay.is_none());
        let message = last_message();
        assert!(message.starts_with(missing.to_str().unwrap()), "{message}");
        assert!(message.contains("cannot read"), "{message}");

        let jobs = path("tests/data/workload/scenario.jobs");
        let (r, _) = run(&jobs, None, None, None);
        assert_eq!(r, hpcsched_result::InvalidArgument);
        assert!(last_message().contains("a job list does not describe a machine"));
        let cluster = inserm();
        let (r, _) = run(&jobs, cluster.as_deref(), Some(c"greedy"), None);
        assert_eq!(r, hpcsched_result::InvalidArgument);
        assert_eq!(
            last_message(),
            "unknown policy `greedy`: expected fifo, easy, conservative or slurm"
        );
        let whole = hpcsched_replay_options {
            whole_nodes: true,
            ..Default::default()
        };
        let (r, _) = run(&jobs, cluster.as_deref(), None, Some(&whole));
        assert_eq!(r, hpcsched_result::InvalidArgument);

        let bad = std::env::temp_dir().join(format!("hpcsched-ffi-{}.jobs", std::process::id()));
        std::fs::write(&bad, "0 60 alice -t 5\n# fine\n5 60 bob --bogus\n").unwrap();
        let bad_c = CString::new(bad.to_str().unwrap()).unwrap();
        let (r, replay) = run(&bad_c, cluster.as_deref(), None, None);
        std::fs::remove_file(&bad).unwrap();
        assert_eq!(r, hpcsched_result::ParseError);
        assert!(replay.is_none());
        assert_eq!(hpcsched_last_error_line(), 3);
        assert!(
            last_message().starts_with(&format!("{}: line 3: ", bad.display())),
            "{}",
            last_message()
        );
        hpcsched_cluster_free(cluster);

        let (r, _) = run(c"", None, None, None);
        assert_eq!(r, hpcsched_result::IoError);
        let mut replay = None;
        // SAFETY: NULL strings are refused.
        let r =
            unsafe { hpcsched_replay_run(ptr::null(), None, ptr::null(), None, slot(&mut replay)) };
        assert_eq!(r, hpcsched_result::NullArgument);
        assert_eq!(last_message(), "argument `workload` is NULL");
        let mut s = hpcsched_replay_summary {
            jobs: 3,
            ..Default::default()
        };
        assert_eq!(
            hpcsched_replay_get_summary(None, Some(&mut s)),
            hpcsched_result::NullArgument
        );
        assert_eq!(s, hpcsched_replay_summary::default());
        let mut list = ptr::dangling();
        assert_eq!(
            hpcsched_replay_records(None, Some(&mut list)),
            hpcsched_result::NullArgument
        );
        assert!(list.is_null());
        hpcsched_replay_free(None);
    }
}
