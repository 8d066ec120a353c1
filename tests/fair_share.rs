//! Fair-share in the scheduler: usage accrues from running jobs at each
//! `PriorityCalcPeriod` tick, and the multifactor priority of pending jobs follows the
//! Fair Tree (or classic) factor of their association (Slurm 22.05's
//! priority/multifactor).

use hpcsched::{Cluster, Decision, JobId, Scheduler, Timestamp};

const CONF: &str = "SelectType=select/cons_tres\n\
                    PriorityType=priority/multifactor\n\
                    PriorityWeightFairshare=10000\n\
                    PriorityWeightAge=0\n\
                    PriorityCalcPeriod=1\n\
                    PriorityDecayHalfLife=1-0\n\
                    NodeName=n1 CPUs=4 RealMemory=4000\n\
                    PartitionName=p Nodes=n1 Default=YES\n";

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

/// alice has used the node for ten minutes, bob never: under Fair Tree bob ranks first
/// (factor 1.0) and alice second (0.5 of two users), so bob's job, submitted after
/// alice's, starts first when the node frees.
#[test]
fn fair_share_puts_the_light_user_first() {
    let c = Cluster::from_slurm_conf(CONF).unwrap();
    let mut s = Scheduler::new(c);
    let used = submit(&mut s, "alice", &["-n4", "-t", "60"], 0);
    // bob is known (his first job waits behind alice's).
    let first = submit(&mut s, "bob", &["-n4", "-t", "60", "--begin=now+3600"], 0);
    assert_eq!(started(&s.schedule(Timestamp(0))), vec![used]);
    s.job_finished(used, Timestamp(600), 0).unwrap();
    let blocker = submit(&mut s, "carol", &["-n4", "-t", "60"], 600);
    assert_eq!(started(&s.schedule(Timestamp(600))), vec![blocker]);
    let a = submit(&mut s, "alice", &["-n4", "-t", "60"], 610);
    let b = submit(&mut s, "bob", &["-n4", "-t", "60"], 620);
    s.schedule(Timestamp(660));
    let prio = |s: &Scheduler, id| s.job(id).unwrap().priority();
    // Ticks at 660: alice's 600 s of 4 CPUs, carol's 60 s; bob none.
    assert_eq!((prio(&s, a), prio(&s, b)), (3333, 10000));
    // sprio's view of the same.
    let rows = s.priorities();
    let fs: Vec<(JobId, u64)> = rows.iter().map(|r| (r.job, r.fairshare)).collect();
    assert_eq!(fs, [(first, 10000), (a, 3333), (b, 10000)]);
    s.job_finished(blocker, Timestamp(700), 0).unwrap();
    assert_eq!(started(&s.schedule(Timestamp(700))), vec![b]);
    let rows = s.shares();
    let users: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.account.as_str(), r.user.as_deref()))
        .collect();
    assert_eq!(
        users,
        [
            ("root", None),
            ("root", Some("alice")),
            ("root", Some("bob")),
            ("root", Some("carol")),
        ]
    );
    assert!(rows[1].raw_usage > rows[3].raw_usage);
    assert_eq!(rows[2].raw_usage, 0);
    let _ = first;
}

/// Without a fair-share weight nothing is computed.
#[test]
fn no_weight_no_shares() {
    let c = Cluster::from_slurm_conf(&CONF.replace("PriorityWeightFairshare=10000", "")).unwrap();
    let mut s = Scheduler::new(c);
    submit(&mut s, "alice", &["-n4", "-t", "60"], 0);
    s.schedule(Timestamp(0));
    assert!(s.shares().is_empty());
}
