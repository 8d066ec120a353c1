//! The slurm.conf keys and sbatch options that change what a job gets, where or when, on
//! a cluster laid out like the Slurm 22.05 oracle they were checked on: each expected
//! value below is what that Slurm showed (`sbatch -H` then `scontrol show job`, or the
//! job run). See docs/slurm-compatibility.md, "Options and keys".

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
    // More per node than the cap, or a whole node with more CPUs: accepted, never runs.
    for args in ["-p capped -c 8", "-p capped --exclusive", "-p capcpu4 -c 3"] {
        let job = ok(&c, &req(args));
        assert_eq!(
            job.pending_reason(),
            Some(PendingReason::BadConstraints),
            "{args}"
        );
    }
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
        sched.job(waiting).map(hpcsched::Job::reason).cloned(),
        Some(PendingReason::Resources)
    );
}

#[test]
fn tmp_disk_and_mem_spec_limit_are_checked_when_the_job_runs() {
    let c = cluster();
    // --tmp: TmpDisk=2000 on cpu4-[1-2] (MB); more is accepted and never runs.
    let job = ok(&c, &req("-p CPU-4 --tmp=2000"));
    assert_eq!(job.pending_reason(), None);
    assert_eq!(job.request().tmp, Some(Memory::from_mib(2000)));
    for args in [
        "-p CPU-4 --tmp=2001",
        "-p CPU-4 --tmp=2G",
        "-p CPU-4 -w cpu4-3 --tmp=10",
    ] {
        assert_eq!(
            ok(&c, &req(args)).pending_reason(),
            Some(PendingReason::BadConstraints),
            "{args}"
        );
    }
    // MemSpecLimit=8192 of 32768: 24576 MB usable.
    assert_eq!(
        ok(&c, &req("-p CPU-4 -w cpu4-3 --mem=24576")).pending_reason(),
        None
    );
    for args in [
        "-p CPU-4 -w cpu4-3 --mem=24577",
        "-p CPU-4 -w cpu4-3 --mem=30000",
    ] {
        assert_eq!(
            ok(&c, &req(args)).pending_reason(),
            Some(PendingReason::BadConstraints),
            "{args}"
        );
    }
    // Over RealMemory: refused at submit, as before.
    assert!(c.resolve(&req("-p CPU-4 -w cpu4-3 --mem=40000")).is_err());
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
        s.job(c).map(hpcsched::Job::reason).cloned(),
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
    // More than a node has: accepted, never runs.
    assert_eq!(
        ok(&c, &req("-p A40-48 --gres=gpu:1 --cpus-per-gpu=20")).pending_reason(),
        Some(PendingReason::BadConstraints)
    );
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
