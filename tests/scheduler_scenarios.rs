//! Scheduler scenarios with exact expected start times, nodes and reasons.
//!
//! `oracle_backfill_scenario` replays `slurm-oracle/scenario_backfill.sh` (the project's
//! real-Slurm 22.05 harness) on the same cluster and `SchedulerParameters`; every expected
//! value below is what real Slurm decided there (README of the oracle, "The backfill
//! scenario"), with all events at t=4 instead of wall-clock seconds.

// Jobs are named A, B, C... as in the oracle's scenario, so the letters are the names.
#![allow(clippy::many_single_char_names)]

use hpcsched::{Cluster, Decision, Estimate, JobId, JobState, PendingReason, Scheduler, Timestamp};

const ORACLE_CONF: &str = include_str!("data/oracle-slurm.conf.in");

fn oracle_cluster() -> Cluster {
    let text = ORACLE_CONF
        .replace(
            "@SCHED_PARAMS@",
            "bf_interval=1,bf_resolution=60,bf_window=2880,sched_interval=2,bf_continue",
        )
        .replace("@PORT+", "")
        .lines()
        .map(|l| {
            // Node ports become plain numbers; lines that still hold daemon paths go.
            if l.starts_with("NodeName") {
                l.replace('@', "")
            } else if l.contains('@') {
                String::new()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Cluster::from_slurm_conf(&text).unwrap_or_else(|e| panic!("oracle conf: {e}"))
}

fn submit(s: &mut Scheduler, args: &str, now: u64) -> JobId {
    let args: Vec<&str> = args.split_whitespace().collect();
    let req = hpcsched::sbatch::parse_args(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    s.submit(&req, "alice", Timestamp(now))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn started(decisions: &[Decision]) -> Vec<(JobId, Vec<String>)> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Start { job, nodes, .. } => {
                Some((*job, nodes.iter().map(|n| n.node.clone()).collect()))
            }
            _ => None,
        })
        .collect()
}

fn estimate(s: &Scheduler, id: JobId) -> Estimate {
    s.estimates()
        .iter()
        .find(|e| e.job == id)
        .cloned()
        .unwrap_or_else(|| panic!("no estimate for {id}"))
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn oracle_backfill_scenario() {
    let mut s = Scheduler::new(oracle_cluster());
    let t = 4;
    let a = submit(&mut s, "-J A -p CPU-16 -N3 --exclusive -t 60", t);
    assert_eq!(
        started(&s.schedule(Timestamp(t))),
        [(a, names(&["cpu16-1", "cpu16-2", "cpu16-3"]))]
    );

    let b = submit(&mut s, "-J B -p CPU-16 -N4 --exclusive -t 60", t);
    let c = submit(&mut s, "-J C -p CPU-16 -N1 --exclusive -t 30", t);
    let d = submit(&mut s, "-J D -p CPU-16 -N1 --exclusive -t 120", t);
    let e = submit(&mut s, "-J E -p CPU-4 -N1 -c4 -t 10", t);
    let f = submit(
        &mut s,
        &format!("-J F -p CPU-4 -N1 -c4 -t 10 -d afterok:{e}"),
        t,
    );
    let g = submit(&mut s, "-J G -p CPU-4 -N1 -c4 -t 10 --array=0-5%2", t);
    let i = submit(&mut s, "-J I -p 2xH100-96 -n1 -c1 --gres=gpu:2 -t 120", t);
    assert_eq!(
        (a, b, c, d, e, f, g, i),
        (
            JobId(1),
            JobId(2),
            JobId(3),
            JobId(4),
            JobId(5),
            JobId(6),
            JobId(7),
            JobId(8)
        )
    );
    let first = started(&s.schedule(Timestamp(t)));
    // Array tasks get their own ids when they start (7_0 is job 9, 7_1 job 10).
    assert_eq!(
        first,
        [
            (e, names(&["cpu4-1"])),
            (JobId(9), names(&["cpu4-2"])),
            (JobId(10), names(&["cpu4-3"])),
            (i, names(&["h100-1"])),
            (c, names(&["cpu16-4"])),
        ]
    );
    assert_eq!(
        s.job(JobId(9)).and_then(hpcsched::Job::array_task),
        Some((g, 0))
    );
    assert_eq!(
        s.job(JobId(10)).map(hpcsched::Job::display_id),
        Some("7_1".to_owned())
    );

    let j = submit(&mut s, "-J J -p 2xH100-96 -n1 -c1 --gres=gpu:1 -t 60", t);
    let k = submit(&mut s, "-J K -p 2xH100-96 -n1 -c4 -t 30", t);
    let l = submit(&mut s, "-J L -p A100-10 -N14 --gres=gpu:1 -t 60", t);
    assert_eq!((j, k, l), (JobId(11), JobId(12), JobId(13)));
    let second = started(&s.schedule(Timestamp(t)));
    // The main pass starts L; J then blocks its partition, so K is started by backfill.
    assert_eq!(second.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [l, k]);
    assert_eq!(second[0].1.len(), 14);
    assert_eq!(second[1].1, names(&["h100-1"]));

    let n = submit(&mut s, "-J N -p A100-10 -N1 --gres=gpu:1 -t 30", t);
    assert_eq!(n, JobId(14));
    // M asks 2 GPUs of 1-GPU nodes, P 31 h of a 30 h partition: both refused at submit.
    for bad in [
        "-J M -p A100-10 -N1 --gres=gpu:2 -t 60",
        "-J P -p CPU-16 -N1 -t 31:00:00",
    ] {
        let args: Vec<&str> = bad.split_whitespace().collect();
        let req = hpcsched::sbatch::parse_args(&args).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.submit(&req, "alice", Timestamp(t)).is_err(), "{bad}");
    }
    assert!(started(&s.schedule(Timestamp(t))).is_empty());

    // B is reserved at A's end, to the second; D after B's end floored to bf_resolution.
    let eb = estimate(&s, b);
    assert_eq!(
        (eb.start, eb.reason.clone()),
        (Some(Timestamp(3604)), PendingReason::Resources)
    );
    assert_eq!(
        eb.nodes,
        names(&["cpu16-1", "cpu16-2", "cpu16-3", "cpu16-4"])
    );
    let ed = estimate(&s, d);
    assert_eq!(
        (ed.start, ed.reason.clone()),
        (Some(Timestamp(7200)), PendingReason::Priority)
    );
    assert_eq!(ed.nodes, names(&["cpu16-1"]));
    let ef = estimate(&s, f);
    assert_eq!(
        (ef.start, ef.reason.clone()),
        (None, PendingReason::Dependency)
    );
    let eg = estimate(&s, g);
    assert_eq!(
        (eg.start, eg.reason.clone(), eg.display_id.as_str()),
        (None, PendingReason::JobArrayTaskLimit, "7_[2-5%2]")
    );
    let ej = estimate(&s, j);
    assert_eq!(
        (ej.start, ej.reason.clone(), ej.nodes.clone()),
        (
            Some(Timestamp(7204)),
            PendingReason::Resources,
            names(&["h100-1"])
        )
    );
    let en = estimate(&s, n);
    assert_eq!(
        (en.start, en.reason.clone(), en.nodes.clone()),
        (
            Some(Timestamp(3604)),
            PendingReason::Resources,
            names(&["a100-01"])
        )
    );
    assert_eq!(s.job(a).map(hpcsched::Job::state), Some(JobState::Running));
}

/// The scenario on a partition of 4 whole nodes, under the textbook presets.
#[test]
fn classic_backfill_under_presets() {
    for preset in [
        hpcsched::Preset::Easy,
        hpcsched::Preset::Conservative,
        hpcsched::Preset::Slurm,
    ] {
        let cluster = Cluster::from_slurm_conf(
            "NodeName=n[1-4] CPUs=8 RealMemory=16000\n\
             PartitionName=p Nodes=n[1-4] Default=YES OverSubscribe=EXCLUSIVE MaxTime=UNLIMITED\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let policy = hpcsched::Policy::preset(preset, cluster.config());
        let mut s = Scheduler::with_policy(cluster, policy);
        let a = submit(&mut s, "-N3 -t 60", 0);
        let b = submit(&mut s, "-N4 -t 60", 0);
        let c = submit(&mut s, "-N1 -t 30", 0);
        let d = submit(&mut s, "-N1 -t 120", 0);
        let now = started(&s.schedule(Timestamp(0)));
        assert_eq!(
            now,
            [(a, names(&["n1", "n2", "n3"])), (c, names(&["n4"]))],
            "{preset}"
        );
        assert_eq!(estimate(&s, b).start, Some(Timestamp(3600)), "{preset}");
        // Under EASY only the first blocked job reserves; D is only tested for a start now
        // and has no estimate (N/A in squeue --start), like a job beyond bf_max_job_test.
        let d_start = if preset == hpcsched::Preset::Easy {
            None
        } else {
            Some(Timestamp(7200))
        };
        assert_eq!(estimate(&s, d).start, d_start, "{preset}");
        // C ends at 1800: D still may not start (it would delay B). A ends at 3600: B starts.
        s.job_finished(c, Timestamp(1800), 0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            started(&s.schedule(Timestamp(1800))).is_empty(),
            "{preset}: D must not delay B"
        );
        s.job_finished(a, Timestamp(3600), 0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            started(&s.schedule(Timestamp(3600))),
            [(b, names(&["n1", "n2", "n3", "n4"]))],
            "{preset}"
        );
        // B's time limit ends at 7200; Slurm's backfill also runs every bf_interval (30 s).
        let next = if preset == hpcsched::Preset::Slurm {
            3630
        } else {
            7200
        };
        assert_eq!(
            s.next_event_time(Timestamp(3600)),
            Some(Timestamp(next)),
            "{preset}"
        );
        let out = s.schedule(Timestamp(7200));
        assert!(
            matches!(&out[..], [Decision::Stop { job, state: JobState::Timeout }, Decision::Start { job: dj, .. }] if *job == b && *dj == d),
            "{preset}: {out:?}"
        );
    }
}

/// slurmctld's main pass lets a job that backfill would not reserve for (here: eligible for
/// less than `bf_min_age_reserve`) fail without blocking its partition, so the smaller job
/// behind it starts in the same pass.
#[test]
fn young_jobs_do_not_block_the_main_pass() {
    let conf = |params: &str| {
        Cluster::from_slurm_conf(&format!(
            "SchedulerParameters={params}\nPriorityType=priority/basic\n\
             NodeName=n[1-2] CPUs=4 RealMemory=4000\n\
             PartitionName=p Nodes=n[1-2] Default=YES OverSubscribe=EXCLUSIVE MaxTime=UNLIMITED\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    // Backfill tests one job only (B), so C can start only in the main pass. By default B
    // (2 nodes) blocks the partition there and C waits.
    let mut plain = Scheduler::new(conf("bf_max_job_test=1"));
    let a = submit(&mut plain, "-N1 -t 60", 0);
    let _b = submit(&mut plain, "-N2 -t 60", 0);
    let _c = submit(&mut plain, "-N1 -t 600", 0);
    assert_eq!(
        started(&plain.schedule(Timestamp(0)))
            .iter()
            .map(|(j, _)| *j)
            .collect::<Vec<_>>(),
        [a]
    );
    // With bf_min_age_reserve=600, B (eligible for 0 s) blocks nothing: C starts at once.
    let mut young = Scheduler::new(conf("bf_max_job_test=1,bf_min_age_reserve=600"));
    let a = submit(&mut young, "-N1 -t 60", 0);
    let _b = submit(&mut young, "-N2 -t 60", 0);
    let c = submit(&mut young, "-N1 -t 600", 0);
    assert_eq!(
        started(&young.schedule(Timestamp(0)))
            .iter()
            .map(|(j, _)| *j)
            .collect::<Vec<_>>(),
        [a, c]
    );
}
