//! Run-time QOS limits: what running jobs hold keeps the next ones waiting, with Slurm's
//! reasons, and a job a limit holds back blocks nothing behind it (Slurm 22.05's
//! `acct_policy.c`, with `AccountingStorageEnforce=limits`).

use hpcsched::cluster::add_qos_text;
use hpcsched::{Cluster, Decision, JobId, PendingReason, Policy, Preset, Scheduler, Timestamp};

/// A cluster of `conf` where jobs share nodes by CPU (select/cons_tres, 100 MB per CPU),
/// with `qos`.
fn cluster(conf: &str, qos: &str) -> Cluster {
    let mut c = Cluster::from_slurm_conf(&format!(
        "SelectType=select/cons_tres\nDefMemPerCPU=100\n{conf}"
    ))
    .unwrap();
    add_qos_text(&mut c, qos).unwrap();
    c
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

fn reason(s: &Scheduler, id: JobId) -> Option<PendingReason> {
    s.job(id).and_then(|j| j.reason().cloned())
}

fn estimate(s: &Scheduler, id: JobId) -> Option<Timestamp> {
    s.estimates()
        .iter()
        .find(|e| e.job == id)
        .and_then(|e| e.start)
}

const GPU_CONF: &str = "NodeName=g[1-4] CPUs=8 RealMemory=64000 Gres=gpu:2\n\
                        PartitionName=gpu Nodes=g[1-4] Default=YES QOS=gpu4\n";

/// The LRI cap: `MaxTRESPerUser=gres/gpu=4` on the partition's QOS. A user's fifth
/// one-GPU job waits with QOSMaxGRESPerUser and no planned start while another user's
/// job starts; when one of the four ends, the fifth starts.
#[test]
fn a_per_user_gpu_cap_holds_job_by_job() {
    for preset in [
        Preset::Slurm,
        Preset::Fifo,
        Preset::Easy,
        Preset::Conservative,
    ] {
        let c = cluster(GPU_CONF, "add qos gpu4 MaxTRESPerUser=gres/gpu=4");
        let policy = Policy::preset(preset, c.config());
        gpu_cap(Scheduler::with_policy(c, policy));
    }
}

fn gpu_cap(mut s: Scheduler) {
    let alice: Vec<JobId> = (0..5)
        .map(|_| submit(&mut s, "alice", &["--gres=gpu:1", "-t", "60"], 0))
        .collect();
    let bob = submit(&mut s, "bob", &["--gres=gpu:1", "-t", "60"], 0);
    let first = started(&s.schedule(Timestamp(0)));
    assert_eq!(first, vec![alice[0], alice[1], alice[2], alice[3], bob]);
    assert_eq!(reason(&s, alice[4]), Some(PendingReason::QOSMaxGRESPerUser));
    assert_eq!(estimate(&s, alice[4]), None);
    // Nothing changes until one of alice's jobs ends.
    assert!(s.schedule(Timestamp(30)).is_empty());
    assert_eq!(reason(&s, alice[4]), Some(PendingReason::QOSMaxGRESPerUser));
    s.job_finished(alice[1], Timestamp(40), 0).unwrap();
    assert_eq!(started(&s.schedule(Timestamp(40))), vec![alice[4]]);
}

/// Without a partition QOS, `-q` names the QOS; MaxJobsPerUser counts running jobs.
#[test]
fn max_jobs_per_user_counts_running_jobs() {
    let c = cluster(
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-4] Default=YES\n",
        "add qos normal\nadd qos two MaxJobsPerUser=2\n",
    );
    let mut s = Scheduler::new(c);
    let a: Vec<JobId> = (0..3)
        .map(|_| submit(&mut s, "alice", &["-q", "two", "-n1", "-t", "10"], 0))
        .collect();
    // Another QOS is another count.
    let other = submit(&mut s, "alice", &["-n1", "-t", "10"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![a[0], a[1], other]);
    assert_eq!(
        reason(&s, a[2]),
        Some(PendingReason::QOSMaxJobsPerUserLimit)
    );
    assert_eq!(estimate(&s, a[2]), None);
}

/// A job a limit holds back blocks nothing: the next job of its partition starts in the
/// same pass, although it is lower in the queue (`_schedule()` does not fail the
/// partition on ESLURM_ACCOUNTING_POLICY).
#[test]
fn a_held_job_blocks_nothing_behind_it() {
    let c = cluster(
        "NodeName=n[1-2] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-2] Default=YES\n",
        "add qos normal MaxTRESPerUser=cpu=4\n",
    );
    let mut s = Scheduler::new(c);
    let a1 = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
    let a2 = submit(&mut s, "alice", &["-n2", "-t", "10"], 0);
    let b = submit(&mut s, "bob", &["-n4", "-t", "10"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![a1, b]);
    assert_eq!(reason(&s, a2), Some(PendingReason::QOSMaxCpuPerUserLimit));
    // A job both out of nodes and over a limit shows the limit.
    let a3 = submit(&mut s, "alice", &["-n4", "-t", "10"], 1);
    assert!(s.schedule(Timestamp(1)).is_empty());
    assert_eq!(reason(&s, a3), Some(PendingReason::QOSMaxCpuPerUserLimit));
}

/// GrpTRES node counts distinct nodes: two jobs sharing a node count one.
#[test]
fn grp_tres_counts_each_node_once() {
    let c = cluster(
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-4] Default=YES QOS=grp\n",
        "add qos grp GrpTRES=node=2\n",
    );
    let mut s = Scheduler::new(c);
    let ids: Vec<JobId> = (0..4)
        .map(|_| submit(&mut s, "alice", &["-n2", "-t", "10"], 0))
        .collect();
    let five = submit(&mut s, "bob", &["-n2", "-t", "10"], 0);
    // Four 2-CPU jobs fill n1 and n2: two nodes; a fifth would need a third node.
    assert_eq!(started(&s.schedule(Timestamp(0))), ids);
    assert_eq!(reason(&s, five), Some(PendingReason::QOSGrpNodeLimit));
    let nodes: Vec<&str> = ids
        .iter()
        .flat_map(|&id| s.job(id).unwrap().allocation())
        .map(|a| a.node.as_str())
        .collect();
    assert_eq!(nodes, ["n1", "n1", "n2", "n2"]);
}

/// The partition's QOS comes first: its MaxTRESPerUser hides the job QOS's, unless the
/// job QOS has OverPartQOS.
#[test]
fn the_partition_qos_limit_wins_unless_over_part_qos() {
    let conf = "NodeName=n[1-4] CPUs=4 RealMemory=4000\n\
                PartitionName=p Nodes=n[1-4] Default=YES QOS=part\n";
    for (flags, expect_started) in [("", 2usize), (" Flags=OverPartQOS", 1)] {
        let qos = format!(
            "add qos part MaxTRESPerUser=cpu=8\nadd qos small MaxTRESPerUser=cpu=4{flags}\n"
        );
        let mut s = Scheduler::new(cluster(conf, &qos));
        for _ in 0..3 {
            submit(&mut s, "alice", &["-q", "small", "-n4", "-t", "10"], 0);
        }
        assert_eq!(
            started(&s.schedule(Timestamp(0))).len(),
            expect_started,
            "{flags}"
        );
    }
}

/// MaxTRESPerAccount counts every user of the job's account (`-A`).
#[test]
fn max_tres_per_account_counts_the_account() {
    let c = cluster(
        "NodeName=n[1-4] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-4] Default=YES\n",
        "add qos normal MaxTRESPerAccount=cpu=8\n",
    );
    let mut s = Scheduler::new(c);
    let alice = submit(&mut s, "alice", &["-A", "chem", "-n4", "-t", "10"], 0);
    let bob = submit(&mut s, "bob", &["-A", "chem", "-n4", "-t", "10"], 0);
    let carol = submit(&mut s, "carol", &["-A", "chem", "-n4", "-t", "10"], 0);
    let dave = submit(&mut s, "dave", &["-A", "phys", "-n4", "-t", "10"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![alice, bob, dave]);
    assert_eq!(reason(&s, carol), Some(PendingReason::MaxCpuPerAccount));
}

/// A job planned for later under a limit that holds it now keeps its planned start but
/// gets no reservation: a job behind it may take its nodes. (Under Slurm's preset the
/// main pass starts that job first, and the limited one is planned after it.)
#[test]
fn a_limited_job_planned_later_reserves_nothing() {
    for (preset, planned) in [(Preset::Easy, 6000), (Preset::Slurm, 12010)] {
        let c = cluster(
            "NodeName=n[1-2] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-2] Default=YES\n",
            "add qos normal MaxTRESPerUser=cpu=8\n",
        );
        let policy = Policy::preset(preset, c.config());
        let mut s = Scheduler::with_policy(c, policy);
        let running = submit(&mut s, "alice", &["-n4", "-t", "100"], 0);
        let other = submit(&mut s, "bob", &["-n4", "-t", "100"], 0);
        assert_eq!(started(&s.schedule(Timestamp(0))), vec![running, other]);
        // alice's next job needs both nodes: planned when both are free, over her cap now.
        let wide = submit(&mut s, "alice", &["-N2", "-n8", "-t", "100"], 1);
        let long = submit(&mut s, "carol", &["-n4", "-t", "200"], 1);
        s.job_finished(other, Timestamp(10), 0).unwrap();
        assert_eq!(
            started(&s.schedule(Timestamp(10))),
            vec![long],
            "{preset:?}"
        );
        assert_eq!(reason(&s, wide), Some(PendingReason::QOSMaxCpuPerUserLimit));
        assert_eq!(estimate(&s, wide), Some(Timestamp(planned)), "{preset:?}");
    }
}

/// MaxSubmitJobsPerUser counts pending and running jobs, an array by its tasks, and
/// refuses the one over it at submit, whatever DenyOnLimit says; a job that ends or is
/// cancelled makes room.
#[test]
fn submit_limits_refuse_at_submit() {
    let c = cluster(
        "NodeName=n1 CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n1 Default=YES\n",
        "add qos normal MaxSubmitJobsPerUser=3\n",
    );
    let mut s = Scheduler::new(c);
    let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    let one = req(&["-n4", "-t", "10"]);
    let first = s.submit(&one, "alice", Timestamp(0)).unwrap();
    let second = s.submit(&one, "alice", Timestamp(0)).unwrap();
    s.schedule(Timestamp(0));
    // Two tasks would make four.
    let err = s
        .submit(
            &req(&["-n4", "-t", "10", "--array=1-2"]),
            "alice",
            Timestamp(1),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "job rejected: Job violates accounting/QOS policy (job submit limit, user's size \
         and/or time limits): QOSMaxSubmitJobPerUserLimit"
    );
    s.submit(&one, "alice", Timestamp(1)).unwrap();
    assert!(s.submit(&one, "alice", Timestamp(1)).is_err());
    // Another user has a count of their own.
    assert!(s.submit(&one, "bob", Timestamp(1)).is_ok());
    // A pending job cancelled, and a running one ended, each make room for one.
    s.cancel(second, Timestamp(2)).unwrap();
    s.submit(&one, "alice", Timestamp(2)).unwrap();
    assert!(s.submit(&one, "alice", Timestamp(2)).is_err());
    s.job_finished(first, Timestamp(3), 0).unwrap();
    assert!(s.submit(&one, "alice", Timestamp(3)).is_ok());
    // Running jobs count as much as pending ones.
    s.schedule(Timestamp(3));
    assert!(s.submit(&one, "alice", Timestamp(4)).is_err());
}
