//! The slurm.conf keys and sbatch options that change what a job gets, where or when, on
//! a cluster laid out like the Slurm 22.05 oracle they were checked on: each expected
//! value below is what that Slurm showed (`sbatch -H` then `scontrol show job`, the job
//! run, or sbatch's refusal). See docs/slurm-compatibility.md, "Options and keys".

use hpcsched::{
    Cluster, Decision, JobId, JobRequest, Memory, PendingReason, RejectReason, ResolvedJob,
    ResolvedMemory, Scheduler, Timestamp,
};

/// The oracle's nodes (CPU-16, CPU-4, GPU) with the partitions and keys under test.
const CONF: &str = "\
GresTypes=gpu
MaxTasksPerNode=8
DefMemPerGPU=1000
EnforcePartLimits=ALL
NodeName=h100-1 CPUs=32 RealMemory=262144 Gres=gpu:2
NodeName=a40-[1-2] CPUs=16 RealMemory=131072 Gres=gpu:1
NodeName=cpu16-[1-4] CPUs=16 RealMemory=131072
NodeName=cpu4-[1-2] CPUs=4 RealMemory=32768 TmpDisk=2000
NodeName=cpu4-[3-4] CPUs=4 RealMemory=32768 MemSpecLimit=8192
PartitionName=A40-48 Nodes=a40-[1-2] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192
PartitionName=CPU-16 Nodes=cpu16-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192 Default=YES
PartitionName=CPU-4 Nodes=cpu4-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192
PartitionName=capped Nodes=cpu16-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=1024 MaxCPUsPerNode=4
PartitionName=capcpu4 Nodes=cpu4-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=1024 MaxCPUsPerNode=2
PartitionName=reqresv Nodes=cpu4-[1-4] DefMemPerCPU=1024 ReqResv=YES
PartitionName=rootonly Nodes=cpu4-[1-4] DefMemPerCPU=1024 RootOnly=YES
PartitionName=noroot Nodes=cpu4-[1-4] DefMemPerCPU=1024 DisableRootJobs=YES
PartitionName=gpudef Nodes=a40-[1-2],h100-1 DefCPUPerGPU=4
";

fn cluster() -> Cluster {
    Cluster::from_slurm_conf(CONF).unwrap_or_else(|e| panic!("{e}"))
}

fn req(args: &str) -> JobRequest {
    let words: Vec<&str> = args.split_whitespace().collect();
    hpcsched::sbatch::parse_args(&words).unwrap_or_else(|e| panic!("{args}: {e}"))
}

fn as_user(args: &str, user: &str) -> JobRequest {
    let mut r = req(args);
    r.user = Some(user.into());
    r
}

fn ok(c: &Cluster, r: &JobRequest) -> ResolvedJob {
    c.resolve(r).unwrap_or_else(|e| panic!("{r:?}: {e}"))
}

fn rejected(c: &Cluster, r: &JobRequest) -> Vec<RejectReason> {
    match c.resolve(r) {
        Ok(job) => panic!("accepted: {job:?}"),
        Err(e) => e.reasons().to_vec(),
    }
}

/// "Requested node configuration is not available" in `partition`, for `why`.
fn unavailable(partition: &str, why: &str) -> Vec<RejectReason> {
    vec![RejectReason::NodeConfigUnavailable {
        partition: partition.into(),
        why: why.into(),
    }]
}

/// Submitted held (`-H`), `args` is accepted although no node can run it, and pends with
/// BadConstraints once released: slurmctld does not test a held job's nodes at submit.
fn accepted_held_never_runs(c: &Cluster, args: &str) {
    let job = ok(c, &req(&format!("-H {args}")));
    assert_eq!(
        (job.fits_no_node(), job.pending_reason()),
        (true, Some(PendingReason::BadConstraints)),
        "{args}"
    );
}

#[test]
fn max_cpus_per_node_at_submit() {
    let c = cluster();
    let too_many = vec![RejectReason::TooManyCpus {
        partition: "capped".into(),
    }];
    // 4 nodes × 4: 16 CPUs at most.
    assert_eq!(rejected(&c, &req("-p capped -n 17")), too_many);
    let job = ok(&c, &req("-p capped -n 16"));
    assert_eq!((job.min_cpus(), job.pending_reason()), (16, None));
    assert_eq!(
        rejected(&c, &req("-p capcpu4 -n 9")),
        [RejectReason::TooManyCpus {
            partition: "capcpu4".into()
        }]
    );
    // More per node than the cap, or a whole node with more CPUs: refused at submit
    // (observed on 22.05 with MaxCPUsPerNode=8 on 16-CPU nodes: `-c 9`, `-N 1 -n 9`,
    // `--exclusive`, `-c 10 --exclusive` refused, `-c 8` runs); submitted held, accepted
    // and never runs.
    let over = |n: u32, cap: u32| {
        format!(
            "{n} CPUs per node for the tasks and GPUs, more than the partition's \
             MaxCPUsPerNode ({cap})"
        )
    };
    assert_eq!(
        rejected(&c, &req("-p capped -c 8")),
        unavailable("capped", &over(8, 4))
    );
    assert_eq!(
        rejected(&c, &req("-p capped --ntasks-per-node=5")),
        unavailable("capped", &over(5, 4))
    );
    assert_eq!(
        rejected(&c, &req("-p capcpu4 -c 3")),
        unavailable("capcpu4", &over(3, 2))
    );
    let whole = "whole nodes have more CPUs than the partition's MaxCPUsPerNode (4)";
    assert_eq!(
        rejected(&c, &req("-p capped --exclusive")),
        unavailable("capped", whole)
    );
    assert_eq!(
        rejected(&c, &req("-p capped -c 2 --exclusive")),
        unavailable("capped", whole)
    );
    assert_eq!(
        rejected(&c, &req("-p capped -N 1 -n 5")),
        unavailable(
            "capped",
            "CPU count per node can not be satisfied (the partition's MaxCPUsPerNode is 4)"
        )
    );
    assert_eq!(
        rejected(&c, &req("-p capped -N 2 -n 9")),
        unavailable(
            "capped",
            "CPU count per node can not be satisfied (the partition's MaxCPUsPerNode is 4)"
        )
    );
    for args in [
        "-p capped -c 8",
        "-p capped --exclusive",
        "-p capcpu4 -c 3",
        "-p capped -N 1 -n 5",
    ] {
        accepted_held_never_runs(&c, args);
    }
    // As many per node as the cap: accepted.
    let job = ok(&c, &req("-p capped -c 4"));
    assert_eq!((job.min_cpus(), job.pending_reason()), (4, None));
    // --mincpus is not bounded by the cap (observed: `--mincpus=16` runs with 16 CPUs
    // where the cap is 8), but the tasks' CPUs are.
    let job = ok(&c, &req("-p capped --mincpus=16"));
    assert_eq!(
        (job.shape().min_cpus_per_node(), job.pending_reason()),
        (16, None)
    );
    assert_eq!(
        rejected(&c, &req("-p capped --mincpus=16 -c 5")),
        unavailable("capped", &over(5, 4))
    );
    assert_eq!(
        rejected(&c, &req("-p capped --mincpus=17")),
        unavailable("capped", "CPU count per node can not be satisfied")
    );
    // Another partition of the list can run it: only that one is kept.
    let job = ok(&c, &req("-p capped,CPU-16 -c 8"));
    assert_eq!(
        (job.partitions(), job.pending_reason()),
        (&["CPU-16".to_owned()][..], None)
    );
}

/// Starts of the decisions, as (job, [(node, CPUs)]).
fn starts(d: &[Decision]) -> Vec<(JobId, Vec<(String, u32)>)> {
    d.iter()
        .filter_map(|d| match d {
            Decision::Start { job, nodes, .. } => Some((
                *job,
                nodes.iter().map(|n| (n.node.clone(), n.cpus)).collect(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn max_cpus_per_node_is_shared_by_the_partitions_jobs() {
    let mut sched = Scheduler::new(cluster());
    let mut submit = |args: &str, t: u64| {
        let id = sched
            .submit(&req(args), "alice", Timestamp(t))
            .unwrap_or_else(|e| panic!("{e}"));
        let out = sched.schedule(Timestamp(t));
        (id, starts(&out))
    };
    let node = |n: &str, c: u32| (n.to_owned(), c);
    // Observed on 22.05 (scontrol show job -d, CPU_IDs): the capped job takes 4 CPUs of
    // cpu16-1; the next, 5 CPUs, can not use cpu16-1 and gets 4 + 1; a job of the
    // uncapped partition still gets the other 12 CPUs of cpu16-1; 3 more capped CPUs
    // best fit on cpu16-3, where 3 of the cap are left.
    let (first, out) = submit("-p capped -n 4 -t 10", 0);
    assert_eq!(out, [(first, vec![node("cpu16-1", 4)])]);
    let (second, out) = submit("-p capped -n 5 -t 10", 1);
    assert_eq!(
        out,
        [(second, vec![node("cpu16-2", 4), node("cpu16-3", 1)])]
    );
    let (other, out) = submit("-p CPU-16 -n 12 -w cpu16-1 -t 10", 2);
    assert_eq!(out, [(other, vec![node("cpu16-1", 12)])]);
    let (third, out) = submit("-p capped -n 3 -t 10", 3);
    assert_eq!(out, [(third, vec![node("cpu16-3", 3)])]);
    // cpu16-4 alone has room: a 5-CPU capped job waits for cap, not for CPUs.
    let (waiting, out) = submit("-p capped -n 5 -t 10", 4);
    assert!(out.is_empty());
    assert_eq!(
        sched.job(waiting).and_then(hpcsched::Job::reason).cloned(),
        Some(PendingReason::Resources)
    );
}

#[test]
fn mincpus_above_max_cpus_per_node_runs_with_its_mincpus() {
    // The fidelity cluster's CPU-16 nodes (cpu16-1 weighs more) and its partition
    // `capped` (MaxCPUsPerNode=8).
    let conf = "\
NodeName=cpu16-1 CPUs=16 RealMemory=131072 Weight=10
NodeName=cpu16-[2-4] CPUs=16 RealMemory=131072
PartitionName=CPU-16 Nodes=cpu16-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192 Default=YES
PartitionName=capped Nodes=cpu16-[1-4] MaxTime=30:00:00 DefaultTime=1:00:00 DefMemPerCPU=8192 MaxCPUsPerNode=8
";
    let mut sched =
        Scheduler::new(Cluster::from_slurm_conf(conf).unwrap_or_else(|e| panic!("{e}")));
    // What each pass started: the nodes and CPUs of each job or task.
    let mut submit = |args: &str, user: &str, t: u64| {
        sched
            .submit(&req(args), user, Timestamp(t))
            .unwrap_or_else(|e| panic!("{args}: {e}"));
        let out = starts(&sched.schedule(Timestamp(t)));
        out.into_iter().map(|(_, nodes)| nodes).collect::<Vec<_>>()
    };
    let node = |n: &str, c: u32| vec![(n.to_owned(), c)];
    // Recorded on 22.05 (fidelity scenario g00105): with cpu16-2 and cpu16-3 busy, both
    // tasks of `bob -p capped --mincpus=16 --array=0-1` ran with 16 CPUs, on cpu16-4 then
    // cpu16-1 (the heavier node).
    assert_eq!(
        submit("-p CPU-16 -N 1 -n 15 -t 60", "alice", 0),
        [node("cpu16-2", 15)]
    );
    assert_eq!(
        submit("-p CPU-16 -N 1 -n 14 -t 60", "root", 0),
        [node("cpu16-3", 14)]
    );
    assert_eq!(
        submit("-p capped --mincpus=16 --array=0-1", "bob", 1),
        [node("cpu16-4", 16), node("cpu16-1", 16)]
    );
    // cpu16-1 and cpu16-4 now hold 16 CPUs of the partition, over its 8: a capped job
    // can use neither (3 CPUs are free elsewhere); CPU-16's jobs are not held back.
    assert_eq!(
        submit("-p capped -n 1 -w cpu16-4 -t 10", "carol", 2),
        Vec::<Vec<_>>::new()
    );
    assert_eq!(
        submit("-p CPU-16 -n 2 -t 10", "carol", 2),
        [node("cpu16-3", 2)]
    );

    // Observed on 22.05 on the same partitions (all nodes idle at first), one job after
    // the other, each shown as it ran or waited.
    let mut sched =
        Scheduler::new(Cluster::from_slurm_conf(conf).unwrap_or_else(|e| panic!("{e}")));
    let mut submit = |args: &str| {
        sched
            .submit(&req(args), "alice", Timestamp(0))
            .unwrap_or_else(|e| panic!("{args}: {e}"));
        let out = starts(&sched.schedule(Timestamp(0)));
        out.into_iter().map(|(_, nodes)| nodes).collect::<Vec<_>>()
    };
    let waits: Vec<Vec<(String, u32)>> = Vec::new();
    assert_eq!(
        submit("-p capped -c 2 -w cpu16-1 -t 30"),
        [node("cpu16-1", 2)]
    );
    // 6 of the cap left, more than the one task needs: --mincpus in full.
    assert_eq!(
        submit("-p capped --mincpus=10 -w cpu16-1 -t 30"),
        [node("cpu16-1", 10)]
    );
    // 12 of the partition's CPUs on cpu16-1: no more of its jobs there; others still.
    assert_eq!(submit("-p capped -w cpu16-1 -t 5"), waits);
    assert_eq!(
        submit("-p CPU-16 -c 4 -w cpu16-1 -t 5"),
        [node("cpu16-1", 4)]
    );
    // 2 of the cap left, fewer than the tasks' 4.
    assert_eq!(
        submit("-p capped -c 6 -w cpu16-2 -t 30"),
        [node("cpu16-2", 6)]
    );
    assert_eq!(submit("-p capped -c 4 --mincpus=10 -w cpu16-2 -t 5"), waits);
    // The cap's 8, no more than the tasks need: not raised to --mincpus.
    assert_eq!(
        submit("-p capped -n 2 -c 4 --mincpus=12 -w cpu16-3 --mem-per-cpu=1G -t 5"),
        [node("cpu16-3", 8)]
    );

    // Several nodes: each node taken is raised to --mincpus when it can give more than
    // the job still needs (observed on 22.05 on idle nodes: `-N 2 -n 2 --mincpus=12` got
    // 12 + 12 CPUs; `-n 9 --mincpus=12` on two nodes got 8, all of the cap, then 12).
    let mut sched =
        Scheduler::new(Cluster::from_slurm_conf(conf).unwrap_or_else(|e| panic!("{e}")));
    let mut submit = |args: &str| {
        sched
            .submit(&req(args), "alice", Timestamp(0))
            .unwrap_or_else(|e| panic!("{args}: {e}"));
        let out = starts(&sched.schedule(Timestamp(0)));
        out.into_iter().map(|(_, nodes)| nodes).collect::<Vec<_>>()
    };
    let nodes = |list: &[(&str, u32)]| -> Vec<(String, u32)> {
        list.iter().map(|&(n, c)| (n.to_owned(), c)).collect()
    };
    assert_eq!(
        submit("-p capped -N 2 -n 2 --mincpus=12 --mem-per-cpu=1G -w cpu16-[1-2] -t 5"),
        [nodes(&[("cpu16-1", 12), ("cpu16-2", 12)])]
    );
    assert_eq!(
        submit("-p capped -n 9 --mincpus=12 --mem-per-cpu=1G -x cpu16-[1-2] -t 5"),
        [nodes(&[("cpu16-3", 8), ("cpu16-4", 12)])]
    );
}

#[test]
fn tmp_disk_and_mem_spec_limit_are_checked_at_submit() {
    let c = cluster();
    // --tmp: TmpDisk=2000 on cpu4-[1-2] (MB). Observed on 22.05 (TmpDisk=2000):
    // `--tmp=3000` refused with "Temporary disk specification can not be satisfied", so
    // is `-w` of a node without TmpDisk, or more nodes than have it; held, accepted, and
    // BadConstraints once released.
    let job = ok(&c, &req("-p CPU-4 --tmp=2000"));
    assert_eq!(job.pending_reason(), None);
    assert_eq!(job.request().tmp, Some(Memory::from_mib(2000)));
    let tmp = "Temporary disk specification can not be satisfied";
    for args in ["-p CPU-4 --tmp=2001", "-p CPU-4 --tmp=2G"] {
        assert_eq!(
            rejected(&c, &req(args)),
            unavailable("CPU-4", tmp),
            "{args}"
        );
        accepted_held_never_runs(&c, args);
    }
    assert_eq!(
        rejected(&c, &req("-p CPU-4 -w cpu4-3 --tmp=10")),
        unavailable("CPU-4", "required node cpu4-3 can not run the job")
    );
    assert_eq!(
        rejected(&c, &req("-p CPU-4 -N 3 --tmp=10")),
        unavailable(
            "CPU-4",
            "3 nodes requested, 2 of the partition can run the job"
        )
    );
    accepted_held_never_runs(&c, "-p CPU-4 -w cpu4-3 --tmp=10");
    // MemSpecLimit=8192 of 32768: 24576 MB usable. Observed on 22.05 (65536 of 131072):
    // `--mem=65536` runs, `--mem=65537` is refused, so is `--exclusive` at 8 GB per CPU;
    // held, accepted, and BadConstraints once released.
    assert_eq!(
        ok(&c, &req("-p CPU-4 -w cpu4-3 --mem=24576")).pending_reason(),
        None
    );
    let spec = "Memory specification can not be satisfied (RealMemory less MemSpecLimit)";
    for args in [
        "-p CPU-4 -w cpu4-3 --mem=24577",
        "-p CPU-4 -w cpu4-3 --mem=30000",
        "-p CPU-4 -x cpu4-[1-2] --mem=30000",
        "-p CPU-4 -x cpu4-[1-2] --exclusive --mem-per-cpu=8G",
    ] {
        let why = if args.contains("-w") {
            "required node cpu4-3 can not run the job"
        } else {
            spec
        };
        assert_eq!(
            rejected(&c, &req(args)),
            unavailable("CPU-4", why),
            "{args}"
        );
        accepted_held_never_runs(&c, args);
    }
    // Nodes without a MemSpecLimit run it.
    assert_eq!(ok(&c, &req("-p CPU-4 --mem=30000")).pending_reason(), None);
    // Over RealMemory: refused at submit, as before.
    assert_eq!(
        rejected(&c, &req("-p CPU-4 -w cpu4-3 --mem=40000")),
        unavailable("CPU-4", "Memory specification can not be satisfied")
    );
}

#[test]
fn held_jobs_over_the_node_limits_show_bad_constraints_once_released() {
    let mut s = Scheduler::new(cluster());
    let mut ids = Vec::new();
    for args in [
        "-p capped -c 8 -t 10 -H",
        "-p CPU-4 --tmp=3000 -t 10 -H",
        "-p CPU-4 -w cpu4-3 --mem=30000 -t 10 -H",
        "-p A40-48 --gres=gpu:1 --cpus-per-gpu=20 -t 10 -H",
    ] {
        let id = s
            .submit(&req(args), "alice", Timestamp(0))
            .unwrap_or_else(|e| panic!("{args}: {e}"));
        ids.push(id);
    }
    assert!(s.schedule(Timestamp(0)).is_empty());
    let reasons = |s: &Scheduler| -> Vec<PendingReason> {
        ids.iter()
            .map(|&id| {
                s.job(id)
                    .and_then(hpcsched::Job::reason)
                    .cloned()
                    .unwrap_or_else(|| panic!("{id:?}"))
            })
            .collect()
    };
    assert_eq!(reasons(&s), vec![PendingReason::JobHeldUser; 4]);
    for &id in &ids {
        s.release(id).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(s.schedule(Timestamp(1)).is_empty());
    assert_eq!(reasons(&s), vec![PendingReason::BadConstraints; 4]);
    // Listing several partitions, a released job shows what the node test of the last
    // one left: Resources where the select plugin refused it (MaxCPUsPerNode, as for
    // GRES), BadConstraints where no node has the CPUs or TmpDisk (`_build_node_list()`
    // in node_scheduler.c). Observed on 22.05 with 16-CPU nodes, MaxCPUsPerNode=8 and
    // TmpDisk only in the capped partition: `-H -p A40-48,capped -c 9 --tmp=1000`,
    // released, shows Resources; `-H -p capped,A40-48 ...` BadConstraints.
    let both: Vec<JobId> = [
        "-p CPU-4,capped -c 8 -t 10 -H",
        "-p capped,CPU-4 -c 8 -t 10 -H",
    ]
    .iter()
    .map(|args| {
        s.submit(&req(args), "alice", Timestamp(2))
            .unwrap_or_else(|e| panic!("{args}: {e}"))
    })
    .collect();
    for &id in &both {
        s.release(id).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(s.schedule(Timestamp(2)).is_empty());
    let shown: Vec<Option<PendingReason>> = both
        .iter()
        .map(|&id| s.job(id).and_then(hpcsched::Job::reason).cloned())
        .collect();
    assert_eq!(
        shown,
        [
            Some(PendingReason::Resources),
            Some(PendingReason::BadConstraints)
        ]
    );
    // Not held: refused, and nothing changes.
    let jobs = s.jobs().count();
    let err = s
        .submit(&req("-p capped -c 8 -t 10"), "alice", Timestamp(2))
        .expect_err("over MaxCPUsPerNode");
    assert_eq!(
        err.to_string(),
        "job rejected: Requested node configuration is not available: 8 CPUs per node for \
         the tasks and GPUs, more than the partition's MaxCPUsPerNode (4) (partition capped)"
    );
    assert_eq!(s.jobs().count(), jobs);
}

#[test]
fn the_scheduler_places_tmp_and_mem_spec_jobs_on_the_nodes_that_have_them() {
    let mut s = Scheduler::new(cluster());
    let a = s
        .submit(&req("-p CPU-4 --tmp=1000 -t 10"), "alice", Timestamp(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = s
        .submit(
            &req("-p CPU-4 -w cpu4-4 --mem=24576 -t 10"),
            "alice",
            Timestamp(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let c = s
        .submit(
            &req("-p CPU-4 -w cpu4-4 --mem=1 -t 10"),
            "alice",
            Timestamp(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let out = starts(&s.schedule(Timestamp(0)));
    // c waits: b took all of cpu4-4's usable memory.
    assert_eq!(
        out,
        [
            (a, vec![("cpu4-1".to_owned(), 1)]),
            (b, vec![("cpu4-4".to_owned(), 1)])
        ]
    );
    assert_eq!(
        s.job(c).and_then(hpcsched::Job::reason).cloned(),
        Some(PendingReason::Resources)
    );
}

#[test]
fn partition_access() {
    let c = cluster();
    let denied = |p: &str| {
        vec![RejectReason::AccessDenied {
            partition: p.into(),
        }]
    };
    // Observed: "Access/permission denied" for ReqResv whoever asks, and for alice on
    // RootOnly; "Invalid user id" for root on DisableRootJobs.
    assert_eq!(
        rejected(&c, &as_user("-p reqresv", "root")),
        denied("reqresv")
    );
    assert_eq!(
        rejected(&c, &as_user("-p rootonly", "alice")),
        denied("rootonly")
    );
    assert!(c.resolve(&as_user("-p rootonly", "root")).is_ok());
    assert_eq!(
        rejected(&c, &as_user("-p noroot", "root")),
        [RejectReason::InvalidUserId]
    );
    assert!(c.resolve(&as_user("-p noroot", "alice")).is_ok());
    // Without a user, the user checks are not made.
    assert!(c.resolve(&req("-p rootonly")).is_ok());
    assert!(c.resolve(&req("-p noroot")).is_ok());
    // One refusing partition of the list refuses the job.
    assert_eq!(
        rejected(&c, &as_user("-p CPU-4,reqresv", "alice")),
        denied("reqresv")
    );
    assert_eq!(
        RejectReason::AccessDenied {
            partition: "x".into()
        }
        .to_string(),
        "Access/permission denied (partition x)"
    );
}

#[test]
fn cpus_and_memory_per_gpu() {
    let c = cluster();
    let cpus = |args: &str| {
        let job = ok(&c, &req(args));
        (job.min_cpus(), job.shape().min_cpus_per_node())
    };
    // Observed (jobs run): DefCPUPerGPU=4 gives gpu:1 4 CPUs, gpu:2 8; -c wins over it.
    assert_eq!(cpus("-p gpudef --gres=gpu:1"), (4, 4));
    assert_eq!(cpus("-p gpudef --gres=gpu:2 -w h100-1"), (8, 8));
    assert_eq!(cpus("-p gpudef --gres=gpu:1 -c 2"), (2, 2));
    // --cpus-per-gpu wins over DefCPUPerGPU; tasks' CPUs count when more.
    assert_eq!(
        cpus("-p gpudef --gres=gpu:2 --cpus-per-gpu=3 -w h100-1"),
        (6, 6)
    );
    assert_eq!(cpus("-p A40-48 --gres=gpu:1 --cpus-per-gpu=3"), (3, 3));
    assert_eq!(cpus("-p A40-48 --gres=gpu:1 --cpus-per-gpu=3 -n 4"), (4, 3));
    // A --gpus job: its share of GPUs per node (2 one-GPU nodes for 2 GPUs).
    assert_eq!(cpus("-p A40-48 --gpus=2 --cpus-per-gpu=3"), (6, 3));
    // More than a node has: refused at submit (observed on 22.05: `--gres=gpu:1
    // --cpus-per-gpu=20`, `--gpus=1 --cpus-per-gpu=20` and DefCpuPerGPU=20 on 16-CPU
    // nodes); held, accepted, and BadConstraints once released.
    let gpus = "20 CPUs per node for the GPUs, more than a node has";
    for args in [
        "-p A40-48 --gres=gpu:1 --cpus-per-gpu=20",
        "-p A40-48 --gpus=1 --cpus-per-gpu=20",
    ] {
        assert_eq!(
            rejected(&c, &req(args)),
            unavailable("A40-48", gpus),
            "{args}"
        );
        accepted_held_never_runs(&c, args);
    }
    // The cluster's DefMemPerGPU beats the partition's DefMemPerCPU for a GPU job
    // (observed: MemPerTres=gpu:1000, TRES mem=1000M); not for one without GPUs or with
    // its own memory.
    let mem = |args: &str| ok(&c, &req(args)).memory();
    assert_eq!(
        mem("-p A40-48 --gres=gpu:1"),
        ResolvedMemory::PerGpu(Memory::from_mib(1000))
    );
    assert_eq!(
        mem("-p A40-48 --gpus=1"),
        ResolvedMemory::PerGpu(Memory::from_mib(1000))
    );
    assert_eq!(
        mem("-p A40-48 -n 2"),
        ResolvedMemory::PerCpu(Memory::from_mib(8192))
    );
    assert_eq!(
        mem("-p A40-48 --gres=gpu:1 --mem-per-cpu=2G"),
        ResolvedMemory::PerCpu(Memory::from_mib(2048))
    );
}

#[test]
fn overcommit_and_use_min_nodes() {
    let c = cluster();
    // Observed (jobs run): `-n 8 -O` on 4-CPU nodes: 1 node, 1 CPU, 8 tasks.
    let job = ok(&c, &req("-p CPU-4 -n 8 -O"));
    assert_eq!((job.min_nodes(), job.min_cpus(), job.ntasks()), (1, 1, 8));
    let job = ok(&c, &req("-p CPU-4 -n 8 -N 1 -O"));
    assert_eq!((job.min_nodes(), job.min_cpus(), job.ntasks()), (1, 1, 8));
    let job = ok(&c, &req("-p CPU-4 -n 2 -c 4 -O"));
    assert_eq!((job.min_nodes(), job.min_cpus(), job.ntasks()), (1, 4, 2));
    // MaxTasksPerNode (a step limit) does not refuse a job (observed: 9 tasks run).
    assert_eq!(ok(&c, &req("-p CPU-16 -n 9 -N 1")).pending_reason(), None);
    // --use-min-nodes: the fewest nodes of the range (observed: -N 2-4 runs on 2).
    let mut s = Scheduler::new(cluster());
    let id = s
        .submit(
            &req("-p CPU-4 -N 2-4 --use-min-nodes -t 10"),
            "alice",
            Timestamp(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let out = starts(&s.schedule(Timestamp(0)));
    // Two nodes, the first two of the run, as Slurm takes them.
    assert_eq!(
        out,
        [(id, vec![("cpu4-1".to_owned(), 1), ("cpu4-2".to_owned(), 1)])]
    );
}

#[test]
fn keys_that_change_decisions_unmodelled_are_refused() {
    let refused = |text: &str| match Cluster::from_slurm_conf(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.to_string(),
    };
    let node = "NodeName=n1 CPUs=4\n";
    assert_eq!(
        refused(&format!("{node}PartitionName=p Nodes=n1 Alternate=q\n")),
        "line 2: `Alternate=q` is not supported: sending jobs to an alternate partition is not modelled"
    );
    assert_eq!(
        refused(&format!("JobSubmitPlugins=lua\n{node}")),
        "line 1: `JobSubmitPlugins=lua` is not supported: job submit plugins may change any job, which hpcsched cannot know"
    );
    for text in [
        format!("{node}PartitionName=p Nodes=n1 LLN=YES\n"),
        format!("{node}PartitionName=p Nodes=n1 MaxCPUsPerSocket=2\n"),
        format!("{node}PartitionName=p Nodes=n1 SelectTypeParameters=CR_Socket\n"),
        format!("{node}PartitionName=p Nodes=n1 SuspendTime=600\n"),
        "NodeName=n1 CPUs=4 CoreSpecCount=1\n".to_owned(),
        "NodeName=n1 CPUs=4 CPUSpecList=0\n".to_owned(),
        format!("SuspendTime=300\n{node}"),
        format!("TopologyPlugin=topology/tree\n{node}"),
        format!("SelectTypeParameters=CR_Socket_Memory\n{node}"),
        format!("AccountingStorageEnforce=associations\n{node}"),
        format!("RequeueExit=1\n{node}"),
        format!("NodeFeaturesPlugins=node_features/helpers\n{node}"),
        format!("BurstBufferType=burst_buffer/datawarp\n{node}"),
    ] {
        refused(&text);
    }
    // Neutral values are accepted (and kept as warnings).
    for text in [
        format!(
            "{node}PartitionName=p Nodes=n1 LLN=NO MaxCPUsPerSocket=UNLIMITED SuspendTime=NONE SelectTypeParameters=CR_Core_Memory\n"
        ),
        "NodeName=n1 CPUs=4 CoreSpecCount=0 SuspendTime=-1\n".to_owned(),
        format!(
            "SuspendTime=-1\nTopologyPlugin=topology/none\nAccountingStorageEnforce=associations,limits,qos\nMaxJobCount=100000\n{node}"
        ),
    ] {
        Cluster::from_slurm_conf(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn partition_over_time_limit() {
    // Observed on 22.05: -t 1 in a partition with OverTimeLimit=1 ended TIMEOUT after
    // 2:29 (limit, one more minute, then the 30 s check), beside the cluster's 0 (1:29).
    let mut sched = Scheduler::new(
        Cluster::from_slurm_conf(
            "NodeName=n[1-2] CPUs=4 RealMemory=4000\n\
             PartitionName=a Nodes=n1 Default=YES DefMemPerCPU=100 OverTimeLimit=1\n\
             PartitionName=b Nodes=n2 DefMemPerCPU=100\n",
        )
        .unwrap_or_else(|e| panic!("{e}")),
    );
    let a = sched
        .submit(&req("-p a -t 1"), "alice", Timestamp(0))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = sched
        .submit(&req("-p b -t 1"), "alice", Timestamp(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(starts(&sched.schedule(Timestamp(0))).len(), 2);
    let stopped = |d: &[Decision]| -> Vec<JobId> {
        d.iter()
            .filter_map(|d| match d {
                Decision::Stop { job, .. } => Some(*job),
                _ => None,
            })
            .collect()
    };
    assert_eq!(stopped(&sched.schedule(Timestamp(60))), [b]);
    assert_eq!(
        stopped(&sched.schedule(Timestamp(119))),
        Vec::<JobId>::new()
    );
    assert_eq!(stopped(&sched.schedule(Timestamp(120))), [a]);
}
