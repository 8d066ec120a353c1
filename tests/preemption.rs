//! Preemption as Slurm 22.05 does it: a job of a higher `PriorityTier` partition (or of a
//! QOS whose `Preempt` list names another's) takes the place of running jobs, which are
//! requeued, cancelled or suspended by their `PreemptMode`, after their `GraceTime`.

use hpcsched::cluster::add_qos_text;
use hpcsched::preempt::PreemptAction;
use hpcsched::{
    Cluster, Decision, JobId, JobState, PendingReason, Policy, Preset, Scheduler, Timestamp,
};

/// Four 4-CPU nodes shared by a best-effort tier and a high tier, under
/// `preempt/partition_prio` with the cluster's mode `mode`; `extra` on the low
/// partition's line.
fn tiers(mode: &str, extra: &str, global: &str) -> Cluster {
    Cluster::from_slurm_conf(&format!(
        "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core_Memory\n\
         PreemptType=preempt/partition_prio\nPreemptMode={mode}\n{global}\
         NodeName=n[1-4] CPUs=4 RealMemory=4000\n\
         PartitionName=low Nodes=n[1-4] PriorityTier=1 DefMemPerCPU=100 Default=YES {extra}\n\
         PartitionName=high Nodes=n[1-4] PriorityTier=10 DefMemPerCPU=100\n"
    ))
    .unwrap()
}

fn submit(s: &mut Scheduler, user: &str, args: &[&str], at: u64) -> JobId {
    let req = hpcsched::sbatch::parse_args(args).unwrap();
    s.submit(&req, user, Timestamp(at)).unwrap()
}

fn started(decisions: &[Decision]) -> Vec<JobId> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Start { job, .. } => Some(*job),
            _ => None,
        })
        .collect()
}

/// The Preempt decisions: (job, by, action, at).
fn preempted(decisions: &[Decision]) -> Vec<(JobId, JobId, PreemptAction, Timestamp)> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Preempt {
                job,
                by,
                action,
                at,
            } => Some((*job, *by, *action, *at)),
            _ => None,
        })
        .collect()
}

fn state(s: &Scheduler, id: JobId) -> JobState {
    s.job(id).map(hpcsched::Job::state).unwrap()
}

fn nodes(s: &Scheduler, id: JobId) -> Vec<String> {
    s.job(id)
        .unwrap()
        .allocation()
        .iter()
        .map(|a| a.node.clone())
        .collect()
}

/// The case: a high-tier job submitted while best-effort jobs fill its nodes
/// starts at once (the next second, as the preemptees' nodes complete), and the
/// best-effort job is requeued as Slurm requeues it: PENDING, Reason BeginTime, eligible
/// 121 s later, Restarts=1, its submit time the requeue's.
#[test]
fn a_high_tier_job_requeues_the_best_effort_job() {
    for preset in [Preset::Slurm, Preset::Easy] {
        let c = tiers("REQUEUE", "", "");
        let policy = Policy::preset(preset, c.config());
        let mut s = Scheduler::with_policy(c, policy);
        let low = submit(
            &mut s,
            "alice",
            &["-p", "low", "-N4", "-n16", "-t", "60"],
            0,
        );
        assert_eq!(started(&s.schedule(Timestamp(0))), [low]);
        let high = submit(
            &mut s,
            "bob",
            &["-p", "high", "-N2", "-n8", "-t", "30"],
            100,
        );
        let d = s.schedule(Timestamp(100));
        assert_eq!(
            preempted(&d),
            [(low, high, PreemptAction::Requeue, Timestamp(100))],
            "{preset:?}"
        );
        assert!(started(&d).is_empty(), "{preset:?}: starts in a later pass");
        let high_job = s.job(high).unwrap();
        assert_eq!(high_job.reason(), Some(&PendingReason::Resources));
        let low_job = s.job(low).unwrap();
        assert_eq!(low_job.state(), JobState::Pending);
        assert_eq!(low_job.reason(), Some(&PendingReason::BeginTime));
        assert_eq!(low_job.restarts(), 1);
        assert_eq!(low_job.submit_time(), Timestamp(100));
        // The host is called back the next second, when the high job starts.
        assert_eq!(s.next_change_time(Timestamp(100)), Some(Timestamp(101)));
        assert_eq!(started(&s.schedule(Timestamp(101))), [high], "{preset:?}");
        assert_eq!(nodes(&s, high), ["n1", "n2"]);
        // Eligible at 221: it then starts again on the two nodes left? No: it needs all
        // four, so it waits for the high job's end.
        s.schedule(Timestamp(150));
        assert_eq!(
            s.job(low).unwrap().reason(),
            Some(&PendingReason::BeginTime)
        );
        s.schedule(Timestamp(221));
        assert_eq!(
            s.job(low).unwrap().reason(),
            Some(&PendingReason::Resources)
        );
        s.job_finished(high, Timestamp(500), 0).unwrap();
        assert_eq!(started(&s.schedule(Timestamp(500))), [low]);
        assert_eq!(s.job(low).unwrap().start_time(), Some(Timestamp(500)));
        // sacct --duplicates: the preempted run, then the one running now.
        let runs: Vec<_> = s
            .records(Timestamp(600))
            .into_iter()
            .filter(|r| r.job == low)
            .map(|r| (r.state, r.start, r.end))
            .collect();
        assert_eq!(
            runs,
            [
                (
                    JobState::Preempted,
                    Some(Timestamp(0)),
                    Some(Timestamp(100))
                ),
                (JobState::Running, Some(Timestamp(500)), None),
            ]
        );
        let stats = s.preemption_stats();
        assert_eq!((stats.requeued, stats.cancelled), (1, 0));
        assert_eq!(stats.lost_cpu_seconds, 16 * 100);
    }
}

/// CANCEL: the preemptee ends PREEMPTED; so does a REQUEUE preemptee that asked for
/// `--no-requeue`.
#[test]
fn cancel_and_no_requeue_end_preempted() {
    for (mode, args) in [("CANCEL", vec![]), ("REQUEUE", vec!["--no-requeue"])] {
        let mut s = Scheduler::new(tiers(mode, "", ""));
        let mut low_args = vec!["-p", "low", "-N4", "-n16", "-t", "60"];
        low_args.extend(args.iter().copied());
        let low = submit(&mut s, "alice", &low_args, 0);
        s.schedule(Timestamp(0));
        let high = submit(&mut s, "bob", &["-p", "high", "-n4", "-t", "30"], 10);
        let d = s.schedule(Timestamp(10));
        assert_eq!(
            preempted(&d),
            [(low, high, PreemptAction::Cancel, Timestamp(10))],
            "{mode}"
        );
        assert_eq!(state(&s, low), JobState::Preempted);
        assert_eq!(s.job(low).unwrap().end_time(), Some(Timestamp(10)));
        assert_eq!(started(&s.schedule(Timestamp(11))), [high]);
        assert_eq!(s.preemption_stats().cancelled, 1);
    }
}

/// Not the smallest set: Slurm removes candidates in its order (fewest nodes first) until
/// the job fits, then reorders twice; L3 alone would be enough, L1 and L2 go (the
/// research memo's P4, from cons_tres `_run_now()`).
#[test]
fn the_preemptees_are_slurms_not_the_fewest() {
    let mut s = Scheduler::new(tiers("REQUEUE", "", ""));
    let l3 = submit(&mut s, "alice", &["-p", "low", "-N4", "-n4", "-t", "60"], 0);
    s.schedule(Timestamp(0));
    let l1 = submit(
        &mut s,
        "alice",
        &["-p", "low", "-w", "n1", "-n1", "-t", "60"],
        1,
    );
    let l2 = submit(
        &mut s,
        "alice",
        &["-p", "low", "-w", "n[2-3]", "-N2", "-n2", "-t", "60"],
        1,
    );
    assert_eq!(started(&s.schedule(Timestamp(1))), [l1, l2]);
    let h = submit(
        &mut s,
        "bob",
        &["-p", "high", "-N4", "--ntasks-per-node=3", "-t", "30"],
        5,
    );
    let d = s.schedule(Timestamp(5));
    let mut gone: Vec<JobId> = preempted(&d).iter().map(|p| p.0).collect();
    gone.sort();
    assert_eq!(gone, [l1, l2]);
    assert_eq!(state(&s, l3), JobState::Running);
    assert_eq!(started(&s.schedule(Timestamp(6))), [h]);
}

/// A preemptor that needs part of the preemptees' nodes takes only the first jobs in
/// Slurm's order (equal keys: job order), and lands on their nodes.
#[test]
fn only_the_jobs_needed_are_preempted() {
    let mut s = Scheduler::new(tiers("CANCEL", "", ""));
    let lows: Vec<JobId> = (0..4)
        .map(|_| submit(&mut s, "alice", &["-p", "low", "-N1", "-n4", "-t", "60"], 0))
        .collect();
    assert_eq!(started(&s.schedule(Timestamp(0))).len(), 4);
    let h = submit(&mut s, "bob", &["-p", "high", "-N2", "-n8", "-t", "30"], 5);
    let d = s.schedule(Timestamp(5));
    let gone: Vec<JobId> = preempted(&d).iter().map(|p| p.0).collect();
    assert_eq!(gone, [lows[0], lows[1]]);
    assert_eq!(state(&s, lows[2]), JobState::Running);
    s.schedule(Timestamp(6));
    assert_eq!(nodes(&s, h), ["n1", "n2"]);
}

/// `preempt_youngest_first`: the latest started go first.
#[test]
fn youngest_first_takes_the_latest_started() {
    let c = tiers("CANCEL", "", "SchedulerParameters=preempt_youngest_first\n");
    let mut s = Scheduler::new(c);
    let lows: Vec<JobId> = (0..4)
        .map(|i| {
            let id = submit(&mut s, "alice", &["-p", "low", "-N1", "-n4", "-t", "60"], i);
            s.schedule(Timestamp(i));
            id
        })
        .collect();
    submit(&mut s, "bob", &["-p", "high", "-N2", "-n8", "-t", "30"], 5);
    let gone: Vec<JobId> = preempted(&s.schedule(Timestamp(5)))
        .iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(gone, [lows[3], lows[2]]);
}

/// GraceTime: the preemptee is told at once (a Preempt decision for later) and stopped
/// when its grace time is over; the preemptor starts the second after.
#[test]
fn grace_time_delays_the_stop() {
    let mut s = Scheduler::new(tiers("CANCEL", "GraceTime=20", ""));
    let low = submit(
        &mut s,
        "alice",
        &["-p", "low", "-N4", "-n16", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    let high = submit(&mut s, "bob", &["-p", "high", "-n4", "-t", "30"], 10);
    let d = s.schedule(Timestamp(10));
    assert_eq!(
        preempted(&d),
        [(low, high, PreemptAction::Cancel, Timestamp(30))]
    );
    assert_eq!(state(&s, low), JobState::Running);
    assert_eq!(s.next_change_time(Timestamp(10)), Some(Timestamp(30)));
    // Passes meanwhile signal nothing again.
    assert!(preempted(&s.schedule(Timestamp(20))).is_empty());
    assert_eq!(s.next_change_time(Timestamp(20)), Some(Timestamp(30)));
    let d = s.schedule(Timestamp(30));
    assert_eq!(
        preempted(&d),
        [(low, high, PreemptAction::Cancel, Timestamp(30))]
    );
    assert_eq!(state(&s, low), JobState::Preempted);
    assert_eq!(started(&s.schedule(Timestamp(31))), [high]);
}

/// A job that ran less than `PreemptExemptTime` is spared: the high job waits and
/// preempts once the low one has run that long.
#[test]
fn exempt_time_spares_young_jobs() {
    let c = tiers("CANCEL", "", "PreemptExemptTime=00:02:00\n");
    let mut s = Scheduler::new(c);
    let low = submit(
        &mut s,
        "alice",
        &["-p", "low", "-N4", "-n16", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    let high = submit(&mut s, "bob", &["-p", "high", "-n4", "-t", "30"], 10);
    assert!(preempted(&s.schedule(Timestamp(10))).is_empty());
    assert_eq!(
        s.job(high).unwrap().reason(),
        Some(&PendingReason::Resources)
    );
    assert!(preempted(&s.schedule(Timestamp(119))).is_empty());
    assert_eq!(preempted(&s.schedule(Timestamp(120))).len(), 1);
    assert_eq!(state(&s, low), JobState::Preempted);
}

/// A lower tier whose partition says `PreemptMode=OFF` is never preempted, nor are
/// jobs of the same tier.
#[test]
fn off_partitions_and_equal_tiers_are_not_preempted() {
    let mut s = Scheduler::new(tiers("CANCEL", "PreemptMode=OFF", ""));
    let low = submit(
        &mut s,
        "alice",
        &["-p", "low", "-N4", "-n16", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    submit(&mut s, "bob", &["-p", "high", "-n4", "-t", "30"], 10);
    assert!(preempted(&s.schedule(Timestamp(10))).is_empty());
    assert_eq!(state(&s, low), JobState::Running);

    let mut s = Scheduler::new(tiers("CANCEL", "", ""));
    let a = submit(
        &mut s,
        "alice",
        &["-p", "high", "-N4", "-n16", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    submit(&mut s, "bob", &["-p", "high", "-n4", "-t", "30"], 10);
    assert!(preempted(&s.schedule(Timestamp(10))).is_empty());
    assert_eq!(state(&s, a), JobState::Running);
}

/// Without preemption configured nothing changes: the high job waits for the low one.
#[test]
fn preempt_none_waits() {
    let c = Cluster::from_slurm_conf(
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\n\
         PartitionName=low Nodes=n[1-4] PriorityTier=1 Default=YES\n\
         PartitionName=high Nodes=n[1-4] PriorityTier=10\n",
    )
    .unwrap();
    let mut s = Scheduler::new(c);
    submit(
        &mut s,
        "alice",
        &["-p", "low", "-N4", "-n16", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    let high = submit(&mut s, "bob", &["-p", "high", "-n4", "-t", "30"], 10);
    assert!(preempted(&s.schedule(Timestamp(10))).is_empty());
    let est = s.estimates().iter().find(|e| e.job == high).unwrap().start;
    assert_eq!(est, Some(Timestamp(3600)));
}

/// `preempt/qos`: a job of a QOS whose `Preempt` list names another's takes the place
/// of that QOS's jobs, with that QOS's mode; jobs of other QOS are left alone.
#[test]
fn qos_preemption() {
    let mut c = Cluster::from_slurm_conf(
        "SelectType=select/cons_tres\nPreemptType=preempt/qos\nPreemptMode=CANCEL\n\
         NodeName=n[1-2] CPUs=4 RealMemory=4000\n\
         PartitionName=p Nodes=n[1-2] Default=YES DefMemPerCPU=100\n",
    )
    .unwrap();
    add_qos_text(
        &mut c,
        "add qos scavenger PreemptMode=requeue\nadd qos normal\nadd qos urgent Preempt=scavenger\n",
    )
    .unwrap();
    let mut s = Scheduler::new(c);
    let scav = submit(
        &mut s,
        "alice",
        &["-q", "scavenger", "-N1", "-n4", "-t", "60"],
        0,
    );
    let norm = submit(
        &mut s,
        "alice",
        &["-q", "normal", "-N1", "-n4", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    let urgent = submit(
        &mut s,
        "bob",
        &["-q", "urgent", "-N1", "-n4", "-t", "30"],
        5,
    );
    let d = s.schedule(Timestamp(5));
    assert_eq!(
        preempted(&d),
        [(scav, urgent, PreemptAction::Requeue, Timestamp(5))]
    );
    assert_eq!(state(&s, norm), JobState::Running);
    // A normal job cannot preempt anybody.
    assert_eq!(started(&s.schedule(Timestamp(6))), [urgent]);
    let other = submit(
        &mut s,
        "bob",
        &["-q", "normal", "-N1", "-n4", "-t", "30"],
        7,
    );
    let d = s.schedule(Timestamp(7));
    assert!(preempted(&d).is_empty() && started(&d).is_empty());
    assert_eq!(state(&s, other), JobState::Pending);
}

/// Backfill alone (no main pass) preempts too: a job that fits only without its
/// candidates preempts them and reserves their nodes, whole, so a later job does not
/// slip in.
#[test]
fn backfill_preempts_and_reserves() {
    let c = tiers("REQUEUE", "", "");
    let policy = Policy::preset(Preset::Easy, c.config());
    let mut s = Scheduler::with_policy(c, policy);
    let low = submit(
        &mut s,
        "alice",
        &["-p", "low", "-N4", "-n16", "-t", "60"],
        0,
    );
    s.schedule(Timestamp(0));
    let high = submit(
        &mut s,
        "bob",
        &["-p", "high", "-N4", "-n16", "-t", "30"],
        10,
    );
    let small = submit(&mut s, "carol", &["-p", "high", "-n1", "-t", "5"], 10);
    let d = s.schedule(Timestamp(10));
    assert_eq!(preempted(&d).len(), 1);
    assert_eq!(preempted(&d)[0].0, low);
    assert!(started(&d).is_empty());
    assert_eq!(started(&s.schedule(Timestamp(11))), [high]);
    assert_eq!(state(&s, small), JobState::Pending);
}

/// SUSPEND,GANG: the high job starts at once over the low job's CPUs (the low job keeps
/// its memory), the low job is SUSPENDED, and resumes when the high job ends, its end
/// moved by the time it was suspended.
#[test]
fn suspend_gang_starts_at_once_and_resumes() {
    let mut s = Scheduler::new(tiers("SUSPEND,GANG", "", ""));
    let low = submit(
        &mut s,
        "alice",
        &[
            "-p",
            "low",
            "-N4",
            "--ntasks-per-node=2",
            "--mem=500",
            "-t",
            "60",
        ],
        0,
    );
    s.schedule(Timestamp(0));
    let high = submit(
        &mut s,
        "bob",
        &[
            "-p",
            "high",
            "-N4",
            "--ntasks-per-node=4",
            "--mem=500",
            "-t",
            "30",
        ],
        100,
    );
    let d = s.schedule(Timestamp(100));
    assert_eq!(
        preempted(&d),
        [(low, high, PreemptAction::Suspend, Timestamp(100))]
    );
    assert_eq!(started(&d), [high]);
    assert_eq!(state(&s, low), JobState::Suspended);
    // Its memory stays taken; its CPUs serve the high job.
    assert_eq!(s.node_free("n1").unwrap().cpus, 0);
    assert_eq!(s.node_free("n1").unwrap().memory.mib(), 3000);
    s.job_finished(high, Timestamp(400), 0).unwrap();
    let d = s.schedule(Timestamp(400));
    assert_eq!(d, [Decision::Resume { job: low }]);
    assert_eq!(state(&s, low), JobState::Running);
    // 60 minutes of running time: 300 s suspended move its end from 3600 to 3900.
    assert_eq!(s.next_change_time(Timestamp(400)), Some(Timestamp(3900)));
    assert_eq!(s.preemption_stats().suspended, 1);
    assert_eq!(s.preemption_stats().lost_cpu_seconds, 0);
}

/// SUSPEND,GANG leaves memory where it is: a high job that needs the memory a low job
/// holds waits (Slurm: "Suspended jobs will not release ... memory").
#[test]
fn suspend_gang_needs_memory_beside_the_suspended() {
    let mut s = Scheduler::new(tiers("SUSPEND,GANG", "", ""));
    let low = submit(
        &mut s,
        "alice",
        &[
            "-p",
            "low",
            "-N4",
            "--ntasks-per-node=2",
            "--mem=0",
            "-t",
            "60",
        ],
        0,
    );
    s.schedule(Timestamp(0));
    let high = submit(
        &mut s,
        "bob",
        &["-p", "high", "-N1", "-n4", "--mem=500", "-t", "30"],
        100,
    );
    let d = s.schedule(Timestamp(100));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(state(&s, low), JobState::Running);
    assert_eq!(
        s.job(high).unwrap().reason(),
        Some(&PendingReason::Resources)
    );
}

/// Invariants of preemption under every mode, on random mixes of best-effort and
/// high-tier jobs replayed to the end by a host loop that does what the decisions say:
/// - a preempted job is always of a lower tier than the job it gives way to, and only
///   running (or suspended) jobs are preempted;
/// - running jobs never hold more CPUs than a node has (a suspended job's CPUs are the
///   preemptor's), and running and suspended jobs together never more memory;
/// - every job ends: requeued jobs run again and suspended jobs resume.
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    struct Spec {
        mode: &'static str,
        grace: bool,
        /// (submit, runtime, high tier, nodes, tasks per node, time limit in minutes)
        jobs: Vec<(u64, u64, bool, u32, u32, u64)>,
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            prop_oneof![
                Just("CANCEL"),
                Just("REQUEUE"),
                Just("SUSPEND,GANG"),
                Just("REQUEUE,GANG")
            ],
            any::<bool>(),
            proptest::collection::vec(
                (
                    0u64..600,
                    30u64..900,
                    any::<bool>(),
                    1u32..=4,
                    1u32..=4,
                    5u64..=20,
                ),
                1..12,
            ),
        )
            .prop_map(|(mode, grace, jobs)| Spec { mode, grace, jobs })
    }

    fn check(sp: &Spec) -> Result<(), TestCaseError> {
        let extra = if sp.grace { "GraceTime=30" } else { "" };
        let mut s = Scheduler::new(tiers(sp.mode, extra, ""));
        let mut jobs: Vec<(u64, u64, bool, u32, u32, u64)> = sp.jobs.clone();
        jobs.sort_by_key(|j| j.0);
        let mut ids: Vec<(JobId, u64, bool)> = Vec::new();
        let mut ends: BTreeMap<JobId, u64> = BTreeMap::new();
        let mut left: BTreeMap<JobId, u64> = BTreeMap::new();
        let mut next = 0;
        let mut t = 0;
        while t < 20_000 {
            while next < jobs.len() && jobs[next].0 <= t {
                let (_, runtime, high, n, per, limit) = jobs[next];
                let args: Vec<String> = vec![
                    "-p".into(),
                    if high { "high" } else { "low" }.into(),
                    format!("-N{n}"),
                    format!("--ntasks-per-node={per}"),
                    "--mem-per-cpu=100".into(),
                    "-t".into(),
                    limit.to_string(),
                ];
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let id = submit(&mut s, if high { "bob" } else { "alice" }, &args, t);
                ids.push((id, runtime, high));
                next += 1;
            }
            for (id, end) in ends.clone() {
                if end <= t {
                    ends.remove(&id);
                    let _ = s.job_finished(id, Timestamp(t), 0);
                }
            }
            for d in s.schedule(Timestamp(t)) {
                match d {
                    Decision::Start { job, .. } => {
                        let runtime = ids.iter().find(|j| j.0 == job).map_or(0, |j| j.1);
                        ends.insert(job, t + runtime);
                    }
                    Decision::Preempt {
                        job,
                        by,
                        action,
                        at,
                    } => {
                        let tier = |id: JobId| {
                            s.job(id)
                                .and_then(|j| j.partition().or(Some(j.resolved().partition())))
                                .map(|p| p == "high")
                        };
                        prop_assert_eq!(tier(job), Some(false), "{:?}", d);
                        prop_assert_eq!(tier(by), Some(true), "{:?}", d);
                        if at.0 == t
                            && let Some(end) = ends.remove(&job)
                            && action == PreemptAction::Suspend
                        {
                            left.insert(job, end - t);
                        }
                    }
                    Decision::Resume { job } => {
                        if let Some(rest) = left.remove(&job) {
                            ends.insert(job, t + rest);
                        }
                    }
                    _ => {}
                }
            }
            // Node capacity: running jobs' CPUs, running and suspended jobs' memory.
            let mut cpus: BTreeMap<String, u32> = BTreeMap::new();
            let mut mem: BTreeMap<String, u64> = BTreeMap::new();
            for j in s.jobs() {
                let state = j.state();
                for a in j.allocation() {
                    if state == JobState::Running {
                        *cpus.entry(a.node.clone()).or_default() += a.cpus;
                    }
                    if matches!(state, JobState::Running | JobState::Suspended) {
                        *mem.entry(a.node.clone()).or_default() += a.memory.mib();
                    }
                }
            }
            prop_assert!(cpus.values().all(|&c| c <= 4), "CPUs at {}: {:?}", t, cpus);
            prop_assert!(
                mem.values().all(|&m| m <= 4000),
                "memory at {}: {:?}",
                t,
                mem
            );
            if next == jobs.len() && s.jobs().all(|j| j.state().is_finished()) {
                break;
            }
            t += 1;
        }
        for j in s.jobs() {
            prop_assert!(
                j.state().is_finished(),
                "{} is {} at the end",
                j.id(),
                j.state()
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn preemption_keeps_its_invariants(sp in spec()) {
            check(&sp)?;
        }
    }
}
