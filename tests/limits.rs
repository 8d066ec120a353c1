//! Run-time QOS limits: what running jobs hold keeps the next ones waiting, with Slurm's
//! reasons, and a job a limit holds back blocks nothing behind it (Slurm 22.05's
//! `acct_policy.c`, with `AccountingStorageEnforce=limits`).

use hpcsched::cluster::add_qos_text;
use hpcsched::scheduler::{LimitOf, LimitOwner};
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

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    #[derive(Debug, Clone)]
    struct Spec {
        max_jobs: Option<u32>,
        max_cpus: Option<u32>,
        grp_cpus: Option<u32>,
        max_gpus: Option<u32>,
        /// (user, cpus, gpus, runtime seconds, submit time)
        jobs: Vec<(u8, u32, u32, u64, u64)>,
        preset: usize,
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (
            prop::option::of(1u32..4),
            prop::option::of(4u32..12),
            prop::option::of(8u32..20),
            prop::option::of(1u32..4),
            prop::collection::vec((0u8..3, 1u32..5, 0u32..3, 1u64..600, 0u64..300), 1..30),
            0usize..4,
        )
            .prop_map(
                |(max_jobs, max_cpus, grp_cpus, max_gpus, jobs, preset)| Spec {
                    max_jobs,
                    max_cpus,
                    grp_cpus,
                    max_gpus,
                    jobs,
                    preset,
                },
            )
    }

    /// Under every preset, running jobs never hold more than the limits allow, and every
    /// job runs in the end (a job alone within every limit is never held forever).
    fn check(sp: &Spec) -> Result<(), TestCaseError> {
        let mut qos = String::from("add qos lim");
        if let Some(m) = sp.max_jobs {
            let _ = write!(qos, " MaxJobsPerUser={m}");
        }
        let mut per_user = Vec::new();
        if let Some(m) = sp.max_cpus {
            per_user.push(format!("cpu={m}"));
        }
        if let Some(m) = sp.max_gpus {
            per_user.push(format!("gres/gpu={m}"));
        }
        if !per_user.is_empty() {
            let _ = write!(qos, " MaxTRESPerUser={}", per_user.join(","));
        }
        if let Some(m) = sp.grp_cpus {
            let _ = write!(qos, " GrpTRES=cpu={m}");
        }
        let c = cluster(
            "NodeName=n[1-3] CPUs=8 RealMemory=8000 Gres=gpu:2\n\
             PartitionName=p Nodes=n[1-3] Default=YES QOS=lim\n",
            &qos,
        );
        let preset = [
            Preset::Slurm,
            Preset::Fifo,
            Preset::Easy,
            Preset::Conservative,
        ][sp.preset];
        let policy = Policy::preset(preset, c.config());
        let mut s = Scheduler::with_policy(c, policy);
        let mut events: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, j) in sp.jobs.iter().enumerate() {
            events.entry(j.4).or_default().push(i);
        }
        let mut ids: BTreeMap<JobId, usize> = BTreeMap::new();
        let mut ends: BTreeMap<u64, Vec<JobId>> = BTreeMap::new();
        let mut running: BTreeMap<JobId, usize> = BTreeMap::new();
        let mut done = 0usize;
        let mut now = 0u64;
        let mut accepted = 0usize;
        for _ in 0..10_000 {
            for id in ends.remove(&now).unwrap_or_default() {
                s.job_finished(id, Timestamp(now), 0).unwrap();
                running.remove(&id);
                done += 1;
            }
            for i in events.remove(&now).unwrap_or_default() {
                let (user, cpus, gpus, ..) = sp.jobs[i];
                let mut args = vec![format!("-n{cpus}"), "-t".into(), "10".into()];
                if gpus > 0 {
                    args.push(format!("--gres=gpu:{gpus}"));
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let req = hpcsched::sbatch::parse_args(&args).unwrap();
                if let Ok(id) = s.submit(&req, &format!("u{user}"), Timestamp(now)) {
                    ids.insert(id, i);
                    accepted += 1;
                }
            }
            for d in s.schedule(Timestamp(now)) {
                if let Decision::Start { job, .. } = d {
                    let i = ids[&job];
                    running.insert(job, i);
                    ends.entry(now + sp.jobs[i].3).or_default().push(job);
                }
            }
            // The limits hold.
            let mut jobs_of: BTreeMap<u8, u32> = BTreeMap::new();
            let mut cpus_of: BTreeMap<u8, u32> = BTreeMap::new();
            let mut gpus_of: BTreeMap<u8, u32> = BTreeMap::new();
            let mut total = 0u32;
            for &i in running.values() {
                let (user, cpus, gpus, ..) = sp.jobs[i];
                *jobs_of.entry(user).or_default() += 1;
                *cpus_of.entry(user).or_default() += cpus;
                *gpus_of.entry(user).or_default() += gpus;
                total += cpus;
            }
            for (limit, of) in [
                (sp.max_jobs, &jobs_of),
                (sp.max_cpus, &cpus_of),
                (sp.max_gpus, &gpus_of),
            ] {
                if let Some(m) = limit {
                    prop_assert!(of.values().all(|&v| v <= m), "{of:?} over {m} at {now}");
                }
            }
            if let Some(m) = sp.grp_cpus {
                prop_assert!(total <= m, "{total} CPUs over {m} at {now}");
            }
            let next = [events.keys().next(), ends.keys().next()]
                .into_iter()
                .flatten()
                .min()
                .copied();
            match next {
                Some(t) => now = t,
                None => break,
            }
        }
        // Jobs bigger than a limit alone wait for good; all others ran.
        let fits_alone = |i: usize| {
            let (_, cpus, gpus, ..) = sp.jobs[i];
            sp.max_cpus.is_none_or(|m| cpus <= m)
                && sp.grp_cpus.is_none_or(|m| cpus <= m)
                && sp.max_gpus.is_none_or(|m| gpus <= m)
        };
        let runnable = ids.values().filter(|&&i| fits_alone(i)).count();
        prop_assert_eq!(done, runnable, "accepted {}", accepted);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn running_jobs_stay_within_the_limits(sp in spec()) {
            check(&sp)?;
        }
    }
}

/// A cluster of `conf` with the associations and QOS of a `sacctmgr` script.
fn with_accounts(conf: &str, script: &str) -> Scheduler {
    let mut c = Cluster::from_slurm_conf(&format!(
        "SelectType=select/cons_tres\nDefMemPerCPU=100\n{conf}"
    ))
    .unwrap();
    c.add_sacctmgr_text(script).unwrap();
    Scheduler::new(c)
}

const FOUR: &str =
    "NodeName=n[1-4] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-4] Default=YES\n";

/// A job gets its user's default account and its association's default QOS; an unknown
/// account or a QOS the association may not use is refused with sbatch's message.
#[test]
fn associations_give_the_account_and_qos() {
    let mut s = with_accounts(
        FOUR,
        "add cluster c\nadd qos gpu4 MaxTRESPerUser=cpu=4\n\
         add account chem\nadd account phys\n\
         add user alice Account=chem,phys DefaultAccount=phys QOS=normal,gpu4 DefaultQOS=gpu4\n\
         add user bob Account=chem\n",
    );
    let a = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
    let job = s.job(a).unwrap();
    assert_eq!(
        (job.account(), job.resolved().qos()),
        (Some("phys"), Some("gpu4"))
    );
    let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    let err = s
        .submit(&req(&["-A", "bio", "-t", "10"]), "alice", Timestamp(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid account or account/partition combination specified"
    );
    let err = s
        .submit(&req(&["-q", "gpu4", "-t", "10"]), "bob", Timestamp(0))
        .unwrap_err();
    assert_eq!(err.to_string(), "Invalid qos specification");
    let err = s
        .submit(&req(&["-t", "10"]), "carol", Timestamp(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Invalid account or account/partition combination specified"
    );
    // alice's default QOS caps her at 4 CPUs.
    let second = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
    s.schedule(Timestamp(0));
    assert_eq!(
        reason(&s, second),
        Some(PendingReason::QOSMaxCpuPerUserLimit)
    );
}

/// GrpJobs on an account caps every job under it; MaxJobs on an account is inherited by
/// each of its users, one count each; a user's own MaxJobs wins.
#[test]
fn association_job_limits() {
    let mut s = with_accounts(
        FOUR,
        "add cluster c\nadd account chem GrpJobs=3\nadd account phys MaxJobs=1\n\
         add user alice,bob Account=chem\nadd user carol,dave Account=phys\n\
         add user erin Account=phys MaxJobs=2\n",
    );
    let one = ["-n1", "-t", "10"];
    let chem: Vec<JobId> = ["alice", "alice", "bob", "bob"]
        .iter()
        .map(|u| submit(&mut s, u, &one, 0))
        .collect();
    let phys: Vec<JobId> = ["carol", "carol", "dave", "erin", "erin", "erin"]
        .iter()
        .map(|u| submit(&mut s, u, &one, 0))
        .collect();
    let started = started(&s.schedule(Timestamp(0)));
    assert_eq!(
        started,
        vec![
            chem[0], chem[1], chem[2], phys[0], phys[2], phys[3], phys[4]
        ]
    );
    assert_eq!(reason(&s, chem[3]), Some(PendingReason::AssocGrpJobsLimit));
    // What alice sees: her account's GrpJobs, 3 of 3 running.
    let mine = s.user_limits("alice");
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        mine[0].owner,
        LimitOwner::Association {
            account: "chem".into(),
            user: None,
            partition: None
        }
    );
    assert_eq!(
        (&mine[0].of, mine[0].used, mine[0].limit),
        (&LimitOf::RunningJobs, 3, 3)
    );
    // carol's own association inherits MaxJobs=1.
    let carol = s.user_limits("carol");
    assert_eq!((carol.len(), carol[0].used, carol[0].limit), (1, 1, 1));
    assert_eq!(reason(&s, phys[1]), Some(PendingReason::AssocMaxJobsLimit));
    assert_eq!(reason(&s, phys[5]), Some(PendingReason::AssocMaxJobsLimit));
}

/// GrpTRES on a parent account counts the jobs of its sub-accounts; MaxSubmitJobs
/// refuses at submit.
#[test]
fn association_tres_and_submit_limits() {
    let mut s = with_accounts(
        FOUR,
        "add cluster c\nadd account science GrpTRES=cpu=8\n\
         add account chem Parent=science\nadd account phys Parent=science\n\
         add user alice Account=chem MaxSubmitJobs=2\nadd user bob Account=phys\n",
    );
    let a1 = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
    let a2 = submit(&mut s, "alice", &["-n2", "-t", "10"], 0);
    let req = hpcsched::sbatch::parse_args(&["-n1", "-t", "10"]).unwrap();
    let err = s.submit(&req, "alice", Timestamp(0)).unwrap_err();
    assert!(err.to_string().ends_with("AssocMaxSubmitJobLimit"), "{err}");
    let b = submit(&mut s, "bob", &["-n4", "-t", "10"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![a1, a2]);
    assert_eq!(reason(&s, b), Some(PendingReason::AssocGrpCpuLimit));
}

/// `AccountingStorageEnforce` decides what the association tree is checked for: without
/// `qos`, a QOS outside the user's list is accepted; a word Slurm does not know is an
/// error naming the line.
#[test]
fn accounting_storage_enforce_decides_the_checks() {
    let script = "add cluster c\nadd qos other\nadd account chem\nadd user alice Account=chem\n";
    let req = hpcsched::sbatch::parse_args(&["-q", "other", "-t", "10"]).unwrap();
    let mut strict = with_accounts(FOUR, script);
    assert_eq!(
        strict
            .submit(&req, "alice", Timestamp(0))
            .unwrap_err()
            .to_string(),
        "Invalid qos specification"
    );
    let mut lenient = with_accounts(&format!("AccountingStorageEnforce=limits\n{FOUR}"), script);
    assert!(lenient.submit(&req, "alice", Timestamp(0)).is_ok());
    let err = Cluster::from_slurm_conf(&format!("AccountingStorageEnforce=limits,bogus\n{FOUR}"))
        .unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    assert!(err.to_string().contains("bogus"), "{err}");
}

/// QOS MaxTRESMinsPerJob: a job's CPUs times its time limit in minutes; over it, the job
/// waits with QOSMaxCpuMinutesPerJobLimit (refused under DenyOnLimit).
#[test]
fn max_tres_mins_per_job() {
    let c = cluster(FOUR, "add qos normal MaxTRESMinsPerJob=cpu=100\n");
    let mut s = Scheduler::new(c);
    let fits = submit(&mut s, "alice", &["-n4", "-t", "25"], 0);
    let over = submit(&mut s, "alice", &["-n4", "-t", "26"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![fits]);
    assert_eq!(
        reason(&s, over),
        Some(PendingReason::QOSMaxCpuMinutesPerJobLimit)
    );
    let c = cluster(
        FOUR,
        "add qos normal MaxCPUMinsPerJob=100 Flags=DenyOnLimit\n",
    );
    let mut s = Scheduler::new(c);
    let req = hpcsched::sbatch::parse_args(&["-n4", "-t", "26"]).unwrap();
    let err = s.submit(&req, "alice", Timestamp(0)).unwrap_err();
    assert!(
        err.to_string().ends_with("QOSMaxCpuMinutesPerJobLimit"),
        "{err}"
    );
}

/// An association's per-job limits (inherited down the tree): MaxWallDurationPerJob and
/// MaxTRESPerJob hold a job with Slurm's reasons; a QOS that sets the same limit hides
/// the association's. QOS MaxTRESPerNode holds a job whose nodes would each give more.
#[test]
fn per_job_limits_of_associations_and_qos_per_node() {
    let mut s = with_accounts(
        FOUR,
        "add cluster c\nadd qos wide MaxTRESPerJob=cpu=16\n\
         add account chem MaxWallDurationPerJob=30 MaxTRESPerJob=cpu=4\n\
         add user alice Account=chem QOS=normal,wide\n",
    );
    let short = submit(&mut s, "alice", &["-n2", "-t", "30"], 0);
    let long = submit(&mut s, "alice", &["-n2", "-t", "31"], 0);
    let big = submit(&mut s, "alice", &["-n8", "-t", "10"], 0);
    let big_wide = submit(&mut s, "alice", &["-q", "wide", "-n8", "-t", "10"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![short, big_wide]);
    assert_eq!(
        reason(&s, long),
        Some(PendingReason::AssocMaxWallDurationPerJobLimit)
    );
    assert_eq!(reason(&s, big), Some(PendingReason::AssocMaxCpuPerJobLimit));
    let c = cluster(FOUR, "add qos normal MaxTRESPerNode=cpu=2\n");
    let mut s = Scheduler::new(c);
    let spread = submit(&mut s, "alice", &["-N2", "-n4", "-t", "10"], 0);
    let packed = submit(&mut s, "alice", &["-N1", "-n4", "-t", "10"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![spread]);
    assert_eq!(reason(&s, packed), Some(PendingReason::QOSMaxCpuPerNode));
}

/// `assoc_limit_stop`: the main scheduler stops at a job a TRES limit holds, as at a job
/// short of resources: the jobs behind it in its partition wait with Priority (without
/// it, they start; see `a_held_job_blocks_nothing_behind_it`). A job-count limit still
/// blocks nothing (observed on 22.05, fidelity accounting f05).
#[test]
fn assoc_limit_stop_blocks_the_partition_in_the_main_pass() {
    for (params, bob_starts) in [
        ("", true),
        ("SchedulerParameters=assoc_limit_stop\n", false),
    ] {
        let conf = format!(
            "{params}NodeName=n[1-2] CPUs=4 RealMemory=4000\nPartitionName=p Nodes=n[1-2] Default=YES\n"
        );
        let mut s = Scheduler::with_policy(
            cluster(&conf, "add qos normal MaxTRESPerUser=cpu=4\n"),
            Policy::preset(Preset::Fifo, cluster(&conf, "").config()),
        );
        let a1 = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
        let a2 = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
        let b = submit(&mut s, "bob", &["-n4", "-t", "10"], 0);
        let expected = if bob_starts { vec![a1, b] } else { vec![a1] };
        assert_eq!(started(&s.schedule(Timestamp(0))), expected, "{params}");
        assert_eq!(reason(&s, a2), Some(PendingReason::QOSMaxCpuPerUserLimit));
        if !bob_starts {
            assert_eq!(reason(&s, b), Some(PendingReason::Priority));
        }
        // A job-count limit blocks nothing either way.
        let mut s = Scheduler::with_policy(
            cluster(&conf, "add qos normal MaxJobsPerUser=1\n"),
            Policy::preset(Preset::Fifo, cluster(&conf, "").config()),
        );
        let a1 = submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
        submit(&mut s, "alice", &["-n4", "-t", "10"], 0);
        let b = submit(&mut s, "bob", &["-n4", "-t", "10"], 0);
        assert_eq!(started(&s.schedule(Timestamp(0))), vec![a1, b], "{params}");
    }
}
