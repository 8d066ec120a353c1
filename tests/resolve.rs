//! Scenario tests of `Cluster::resolve` on the bundled clusters, with the values slurmctld
//! records (checked against Slurm 22.05 where marked "observed").

use hpcsched::gres::{GresKey, GresSpec};
use hpcsched::{
    Cluster, Duration, EnforcePartLimits, JobRequest, Memory, Node, NodeCount, NodeState,
    Partition, PendingReason, RejectReason, ResolvedJob, ResolvedMemory, TimeLimit,
};
use proptest::prelude::*;

const INSERM: &str = include_str!("../examples/clusters/inserm.conf");
const SHARED: &str = include_str!("../examples/clusters/shared-gpu.conf");
const SHARED_QOS: &str = include_str!("../examples/clusters/shared-gpu.qos");

fn inserm() -> Cluster {
    Cluster::from_slurm_conf(INSERM).expect("inserm.conf parses")
}

fn shared() -> Cluster {
    let mut c = Cluster::from_slurm_conf(SHARED).expect("shared-gpu.conf parses");
    hpcsched::cluster::add_qos_text(&mut c, SHARED_QOS).expect("shared-gpu.qos parses");
    c
}

fn req(args: &[&str]) -> JobRequest {
    hpcsched::sbatch::parse_args(args).expect("valid sbatch options")
}

fn ok(c: &Cluster, args: &[&str]) -> ResolvedJob {
    match c.resolve(&req(args)) {
        Ok(job) => job,
        Err(e) => panic!("{args:?} rejected: {e}"),
    }
}

fn rejected(c: &Cluster, args: &[&str]) -> Vec<RejectReason> {
    match c.resolve(&req(args)) {
        Ok(job) => panic!("{args:?} accepted: {job:?}"),
        Err(e) => e.reasons().to_vec(),
    }
}

fn hours(h: u64) -> TimeLimit {
    TimeLimit::Limited(Duration::from_secs(h * 3600))
}

fn gres(name: &str, kind: Option<&str>, count: u64) -> GresSpec {
    GresSpec {
        key: GresKey {
            name: name.into(),
            kind: kind.map(Into::into),
        },
        count,
        no_consume: false,
    }
}

fn node_config_unavailable(reasons: &[RejectReason], partition: &str) -> bool {
    reasons.iter().any(
        |r| matches!(r, RejectReason::NodeConfigUnavailable { partition: p, .. } if p == partition),
    )
}

// ------------------------------------------------------------------ inserm

#[test]
fn inserm_default_job_gets_a_whole_cpu16_node_for_an_hour() {
    let job = ok(&inserm(), &[]);
    assert_eq!(job.partition(), "CPU-16");
    assert_eq!(job.partitions(), ["CPU-16"]);
    assert_eq!(job.qos(), None);
    assert_eq!((job.min_nodes(), job.max_nodes()), (1, 1));
    assert_eq!((job.ntasks(), job.cpus_per_task()), (1, 1));
    assert_eq!(
        job.min_cpus(),
        16,
        "OverSubscribe=EXCLUSIVE: all CPUs of the node"
    );
    assert_eq!(job.memory(), ResolvedMemory::PerCpu(Memory::from_mib(8192)));
    assert_eq!(job.time_limit(), hours(1), "DefaultTime");
    assert!(job.whole_nodes());
    assert!(job.user_exclusive());
    assert_eq!(job.pending_reason(), None);
    assert!(job.gres_per_node().is_empty());
}

#[test]
fn inserm_mpi_job_on_four_nodes() {
    let job = ok(
        &inserm(),
        &[
            "-p",
            "CPU-16",
            "-N",
            "4",
            "--ntasks-per-node=16",
            "-t",
            "12:00:00",
        ],
    );
    assert_eq!((job.min_nodes(), job.max_nodes()), (4, 4));
    assert_eq!(job.ntasks(), 64);
    assert_eq!(job.min_cpus(), 64);
    assert_eq!(job.time_limit(), hours(12));
}

#[test]
fn inserm_ntasks_without_nodes_spreads_over_enough_nodes() {
    // observed: "-p CPU-16 -n 64" runs on cpu16-[1-4]
    let job = ok(&inserm(), &["-p", "CPU-16", "-n", "64"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (4, 4));
    assert_eq!(job.ntasks(), 64);
    assert_eq!(job.min_cpus(), 64);
}

#[test]
fn inserm_more_tasks_than_nodes_allow_is_too_many_cpus() {
    let r = rejected(&inserm(), &["-p", "CPU-16", "-n", "65"]);
    assert_eq!(
        r,
        [RejectReason::TooManyCpus {
            partition: "CPU-16".into()
        }]
    );
}

#[test]
fn inserm_h100_training_job() {
    let job = ok(
        &inserm(),
        &[
            "-p",
            "2xH100-96",
            "--gres=gpu:h100:2",
            "-c",
            "32",
            "--mem=200G",
            "-t",
            "1-00:00:00",
        ],
    );
    assert_eq!(job.partition(), "2xH100-96");
    assert_eq!(job.gres_per_node(), [gres("gpu", Some("h100"), 2)]);
    assert_eq!(
        job.memory(),
        ResolvedMemory::PerNode(Memory::from_mib(200 * 1024))
    );
    assert_eq!(job.min_cpus(), 32);
    assert_eq!(job.time_limit(), hours(24));
}

#[test]
fn inserm_untyped_gpu_request_matches_typed_nodes() {
    let job = ok(&inserm(), &["-p", "2xH100-96", "--gres=gpu:2"]);
    assert_eq!(job.gres_per_node(), [gres("gpu", None, 2)]);
}

#[test]
fn inserm_three_gpus_on_a40_is_node_config_unavailable() {
    // observed: "Requested node configuration is not available"
    let r = rejected(&inserm(), &["-p", "A40-48", "--gres=gpu:3"]);
    assert!(node_config_unavailable(&r, "A40-48"), "{r:?}");
    let r = rejected(&inserm(), &["-p", "A40-48", "--gres=gpu:h100:1"]);
    assert!(node_config_unavailable(&r, "A40-48"), "{r:?}");
}

#[test]
fn inserm_time_above_max_time_is_rejected_under_all() {
    // observed: "Requested time limit is invalid (missing or exceeds some limit)"
    let r = rejected(&inserm(), &["-t", "40:00:00"]);
    assert_eq!(
        r,
        [RejectReason::InvalidTimeLimit {
            partition: "CPU-16".into()
        }]
    );
    assert_eq!(
        r[0].to_string(),
        "Requested time limit is invalid (missing or exceeds some limit)"
    );
    // ALL: one violating partition of several is enough (observed).
    let r = rejected(&inserm(), &["-p", "CPU-16,CPU-4", "-t", "31:00:00"]);
    assert!(matches!(r[0], RejectReason::InvalidTimeLimit { .. }));
}

#[test]
fn inserm_unknown_partition_and_gres_and_nodes() {
    let c = inserm();
    assert_eq!(
        rejected(&c, &["-p", "V100-32"]),
        [RejectReason::InvalidPartition("V100-32".into())]
    );
    assert_eq!(
        RejectReason::InvalidPartition("V100-32".into()).to_string(),
        "invalid partition specified: V100-32"
    );
    assert_eq!(
        rejected(&c, &["--gres=nvme:1"]),
        [RejectReason::InvalidGres("nvme".into())]
    );
    assert_eq!(
        rejected(&c, &["-w", "nosuch-1"]),
        [RejectReason::InvalidNodeName("nosuch-1".into())]
    );
    assert_eq!(
        rejected(&c, &["-p", "CPU-16", "-w", "cpu4-1"]),
        [RejectReason::NodesNotInPartition {
            partition: "CPU-16".into(),
            node: "cpu4-1".into()
        }]
    );
    assert_eq!(
        rejected(&c, &["-q", "nosuch"]),
        [RejectReason::InvalidQos("nosuch".into())]
    );
}

#[test]
fn inserm_node_counts() {
    let c = inserm();
    // observed: "Node count specification invalid"
    assert_eq!(
        rejected(&c, &["-p", "CPU-16", "-N", "5"]),
        [RejectReason::InvalidNodeCount]
    );
    // observed: excluding 3 of 4 nodes leaves too few for -N 2
    let r = rejected(&c, &["-p", "CPU-16", "-x", "cpu16-[1-3]", "-N", "2"]);
    assert!(node_config_unavailable(&r, "CPU-16"), "{r:?}");
    // observed: sbatch lowers -N to -n ("can't run 1 processes on 2 nodes")
    let job = ok(&c, &["-p", "CPU-16", "-N", "2", "-n", "1"]);
    assert_eq!((job.min_nodes(), job.max_nodes(), job.ntasks()), (1, 1, 1));
    let job = ok(&c, &["-p", "CPU-16", "-N", "2-4"]);
    assert_eq!((job.min_nodes(), job.max_nodes(), job.ntasks()), (2, 4, 2));
    let job = ok(&c, &["-p", "CPU-16", "-w", "cpu16-[2-3]"]);
    assert_eq!(job.min_nodes(), 2);
}

#[test]
fn inserm_cpu_and_memory_per_node() {
    let c = inserm();
    let r = rejected(&c, &["-p", "CPU-16", "-c", "17"]);
    assert!(node_config_unavailable(&r, "CPU-16"), "{r:?}");
    let r = rejected(&c, &["-p", "CPU-16", "--mem=200G"]);
    assert!(node_config_unavailable(&r, "CPU-16"), "{r:?}");
    let job = ok(&c, &["-p", "CPU-16", "--mem=0"]);
    assert_eq!(job.memory(), ResolvedMemory::WholeNode);
}

#[test]
fn inserm_multi_partition_keeps_only_partitions_that_fit() {
    let c = inserm();
    // observed: accepted in CPU-16 although CPU-4 nodes have 4 CPUs
    let job = ok(&c, &["-p", "CPU-16,CPU-4", "-c", "8"]);
    assert_eq!(job.partitions(), ["CPU-16"]);
    let job = ok(&c, &["-p", "CPU-4,CPU-16", "-c", "8"]);
    assert_eq!(job.partition(), "CPU-16");
    let job = ok(&c, &["-p", "CPU-4,CPU-16"]);
    assert_eq!(job.partitions(), ["CPU-4", "CPU-16"]);
}

#[test]
fn inserm_gpus_per_job_spread_over_nodes() {
    let c = inserm();
    // observed: --gpus=2 on A40-48 runs on a40-[1-2]
    let job = ok(&c, &["-p", "A40-48", "--gpus=2"]);
    assert_eq!(job.min_nodes(), 2);
    // The GPUs are the job's, spread over its nodes by the scheduler.
    assert!(job.gres_per_node().is_empty());
    assert_eq!(job.shape().gpus_per_job(), Some(&gres("gpu", None, 2)));
    let r = rejected(&c, &["-p", "A40-48", "--gpus=3"]);
    assert!(node_config_unavailable(&r, "A40-48"), "{r:?}");
    let job = ok(&c, &["-p", "A100-10", "--gpus-per-node=1", "-N", "3"]);
    assert_eq!(job.gres_per_node(), [gres("gpu", None, 1)]);
}

#[test]
fn inserm_arrays_are_bounded_by_max_array_size() {
    let c = inserm();
    // observed: 0-1000 accepted, 0-1001 "Invalid job array specification"
    assert!(c.resolve(&req(&["--array=0-1000"])).is_ok());
    assert_eq!(
        rejected(&c, &["--array=0-1001"]),
        [RejectReason::InvalidArray]
    );
}

#[test]
fn enforce_no_accepts_and_pends() {
    let mut c = inserm();
    c.config_mut().enforce_part_limits = EnforcePartLimits::No;
    // observed with EnforcePartLimits=NO: PENDING PartitionTimeLimit / PartitionNodeLimit
    let job = ok(&c, &["-t", "31:00:00"]);
    assert_eq!(
        job.pending_reason(),
        Some(PendingReason::PartitionTimeLimit)
    );
    assert_eq!(job.time_limit(), hours(31));
    let job = ok(&c, &["-p", "CPU-16", "-N", "5"]);
    assert_eq!(
        job.pending_reason(),
        Some(PendingReason::PartitionNodeLimit)
    );
    assert_eq!(job.min_nodes(), 5);
    // node configuration is rejected whatever EnforcePartLimits says (observed)
    let r = rejected(&c, &["-p", "CPU-16", "-c", "17"]);
    assert!(node_config_unavailable(&r, "CPU-16"), "{r:?}");
}

#[test]
fn partition_states() {
    let down = INSERM.replace(
        "PartitionName=CPU-4     Nodes=cpu4-[1-4]   ExclusiveUser=YES",
        "PartitionName=CPU-4     Nodes=cpu4-[1-4]   ExclusiveUser=YES State=DOWN",
    );
    let c = Cluster::from_slurm_conf(&down).unwrap();
    // observed: DOWN accepts, reason PartitionDown; the time limit is still enforced
    let job = ok(&c, &["-p", "CPU-4"]);
    assert_eq!(job.pending_reason(), Some(PendingReason::PartitionDown));
    assert!(matches!(
        rejected(&c, &["-p", "CPU-4", "-t", "31:00:00"])[0],
        RejectReason::InvalidTimeLimit { .. }
    ));
    for state in ["DRAIN", "INACTIVE"] {
        let text = INSERM.replace(
            "PartitionName=CPU-4     Nodes=cpu4-[1-4]   ExclusiveUser=YES",
            &format!("PartitionName=CPU-4     Nodes=cpu4-[1-4]   ExclusiveUser=YES State={state}"),
        );
        let c = Cluster::from_slurm_conf(&text).unwrap();
        // observed: "Required partition not available (inactive or drain)"
        assert_eq!(
            rejected(&c, &["-p", "CPU-4"]),
            [RejectReason::PartitionNotAvailable("CPU-4".into())]
        );
        // observed: the closed partition is dropped from a list
        assert_eq!(ok(&c, &["-p", "CPU-4,CPU-16"]).partitions(), ["CPU-16"]);
    }
}

#[test]
fn no_default_partition() {
    let text = INSERM.replace(" Default=YES", "");
    let c = Cluster::from_slurm_conf(&text).unwrap();
    assert_eq!(rejected(&c, &[]), [RejectReason::NoPartition]);
    assert_eq!(
        RejectReason::NoPartition.to_string(),
        "No partition specified or system default partition"
    );
}

// ------------------------------------------------------------------ shared-gpu

#[test]
fn shared_default_job_shares_a_node() {
    let job = ok(&shared(), &[]);
    assert_eq!(job.partition(), "cpu");
    assert_eq!(job.qos(), Some("normal"), "the normal QOS is the default");
    assert_eq!(job.min_cpus(), 1);
    assert!(!job.whole_nodes());
    assert!(!job.user_exclusive());
    assert_eq!(job.memory(), ResolvedMemory::PerCpu(Memory::from_mib(4096)));
    assert_eq!(job.time_limit(), hours(24));
}

#[test]
fn shared_exclusive_gets_whole_node() {
    let job = ok(&shared(), &["--exclusive", "-t", "1:00:00"]);
    assert!(job.whole_nodes());
    assert_eq!(job.min_cpus(), 192);
}

#[test]
fn shared_typed_gpus() {
    let c = shared();
    let job = ok(&c, &["-p", "gpu", "--gres=gpu:h100:8"]);
    assert_eq!(job.memory(), ResolvedMemory::PerCpu(Memory::from_mib(8192)));
    assert_eq!(job.time_limit(), hours(4));
    assert_eq!(job.gres_per_node(), [gres("gpu", Some("h100"), 8)]);
    assert!(c.resolve(&req(&["-p", "gpu", "--gres=gpu:8"])).is_ok());
    let r = rejected(&c, &["-p", "gpu", "--gres=gpu:a100:8"]);
    assert!(node_config_unavailable(&r, "gpu"), "{r:?}");
    let job = ok(&c, &["-p", "gpu", "-C", "a100", "--gpus=8"]);
    assert_eq!(job.min_nodes(), 2);
    assert_eq!(
        rejected(&c, &["-C", "v100"]),
        [RejectReason::InvalidFeature]
    );
}

#[test]
fn shared_enforce_any_uses_the_partition_that_fits() {
    let c = shared();
    let job = ok(
        &c,
        &[
            "-p",
            "gpu,besteffort",
            "-t",
            "3-00:00:00",
            "-q",
            "besteffort",
        ],
    );
    // gpu (2-day MaxTime, DenyQos=besteffort) can never run it
    assert_eq!(job.partitions(), ["besteffort"]);
    assert_eq!(job.time_limit(), hours(72));
    let job = ok(&c, &["-p", "besteffort,gpu", "--gres=gpu:1"]);
    assert_eq!(
        job.partitions(),
        ["gpu", "besteffort"],
        "PriorityTier first"
    );
    assert!(matches!(
        rejected(&c, &["-p", "gpu", "-t", "3-00:00:00"])[0],
        RejectReason::InvalidTimeLimit { .. }
    ));
    assert_eq!(
        rejected(&c, &["-p", "gpu", "-q", "besteffort"]),
        [RejectReason::QosNotAllowed {
            partition: "gpu".into(),
            qos: "besteffort".into()
        }]
    );
    assert_eq!(
        rejected(&c, &["-p", "cpu", "-N", "17"]),
        [RejectReason::InvalidNodeCount]
    );
}

#[test]
fn qos_gpu_limits_count_the_gpus_of_the_whole_job() {
    // gpu4: MaxTRESPerUser=gres/gpu=4. `--gpus=N` counts N once, whatever its nodes.
    let c = shared();
    let job = ok(&c, &["-p", "gpu", "-q", "gpu4", "--gpus=5"]);
    assert_eq!(job.pending_reason(), Some(PendingReason::QOSMaxGRESPerUser));
    let job = ok(&c, &["-p", "gpu", "-q", "gpu4", "--gpus=4"]);
    assert_eq!(job.pending_reason(), None);
    let job = ok(&c, &["-p", "gpu", "-q", "gpu4", "-N", "2", "--gpus=4"]);
    assert_eq!(job.pending_reason(), None);
}

#[test]
fn shared_qos_limits() {
    let c = shared();
    let job = ok(&c, &["-p", "gpu", "-q", "gpu4", "--gres=gpu:h100:8"]);
    assert_eq!(job.pending_reason(), Some(PendingReason::QOSMaxGRESPerUser));
    let job = ok(
        &c,
        &["-p", "gpu", "-q", "gpu4", "--gres=gpu:4", "-t", "30:00:00"],
    );
    assert_eq!(job.pending_reason(), None);
    // DenyOnLimit turns the pending reason into a rejection.
    assert_eq!(
        rejected(&c, &["-q", "debug", "-N", "3", "-t", "10:00"]),
        [RejectReason::QosPolicy(
            PendingReason::QOSMaxNodePerJobLimit
        )]
    );
    assert_eq!(
        rejected(&c, &["-q", "debug", "-t", "1:00:00"]),
        [RejectReason::QosPolicy(
            PendingReason::QOSMaxWallDurationPerJobLimit
        )]
    );
    let job = ok(&c, &["-q", "debug", "-N", "2", "-t", "20:00"]);
    assert_eq!(job.qos(), Some("debug"));
}

// ------------------------------------------------------------------ properties

fn arb_request() -> impl Strategy<Value = JobRequest> {
    let parts = prop::sample::subsequence(
        vec![
            "CPU-16",
            "CPU-4",
            "A40-48",
            "A100-10",
            "2xH100-96",
            "cpu",
            "gpu",
            "besteffort",
        ],
        0..3,
    );
    let nodes = prop::option::of((0u32..20, 0u32..20));
    let counts = (
        prop::option::of(0u32..200),
        prop::option::of(0u32..40),
        prop::option::of(0u32..40),
    );
    let mem = prop::option::of((0u8..3, 0u64..2_000_000));
    let gpu = prop::option::of((
        prop::sample::select(vec![None, Some("a40"), Some("h100")]),
        0u64..10,
    ));
    let time = prop::option::of(0u64..400_000);
    let exclusive = any::<bool>();
    let nodelist = prop::sample::subsequence(vec!["cpu16-1", "a40-2", "gpu-h01", "cpu001"], 0..2);
    (parts, nodes, counts, mem, gpu, time, exclusive, nodelist).prop_map(
        |(parts, nodes, (ntasks, npn, cpt), mem, gpu, time, exclusive, nodelist)| {
            let mut r = JobRequest::default();
            r.partitions = parts.into_iter().map(String::from).collect();
            r.nodes = nodes.map(|(a, b)| NodeCount {
                min: a,
                max: a.max(b),
            });
            r.ntasks = ntasks;
            r.ntasks_per_node = npn;
            r.cpus_per_task = cpt;
            r.memory = mem.map(|(k, m)| match k {
                0 => hpcsched::MemoryRequest::PerNode(Memory::from_mib(m)),
                1 => hpcsched::MemoryRequest::PerCpu(Memory::from_mib(m / 64)),
                _ => hpcsched::MemoryRequest::PerGpu(Memory::from_mib(m / 8)),
            });
            r.gres = gpu.into_iter().map(|(k, n)| gres("gpu", k, n)).collect();
            r.time_limit = time.map(|s| TimeLimit::Limited(Duration::from_secs(s)));
            if exclusive {
                r.exclusive = Some(hpcsched::request::Exclusive::Node);
            }
            r.nodelist = nodelist.into_iter().map(String::from).collect();
            r
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn resolve_never_panics_and_counts_are_ordered(request in arb_request()) {
        for cluster in [inserm(), shared()] {
            if let Ok(job) = cluster.resolve(&request) {
                let part = cluster.partition(job.partition()).unwrap();
                prop_assert!(job.min_nodes() >= 1);
                prop_assert!(job.min_nodes() <= job.max_nodes());
                prop_assert!(job.max_nodes() as usize <= part.nodes.len());
                prop_assert!(job.ntasks() >= 1);
                prop_assert!(job.min_cpus() >= job.cpus_per_task());
            }
        }
    }
}

/// Found by the property below: under EnforcePartLimits=ANY a partition over its node count
/// (gpu has 12 nodes) is not rescued by one that can never run the job (besteffort has only
/// 12 GPU nodes), so the job is rejected.
#[test]
fn any_rejects_when_no_listed_partition_can_take_the_job() {
    let cluster = Cluster::from_slurm_conf(include_str!("../examples/clusters/shared-gpu.conf"))
        .unwrap_or_else(|e| panic!("{e}"));
    let req = hpcsched::sbatch::parse_args(&["-p", "gpu,besteffort", "-N13", "--gres=gpu:1"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(cluster.resolve(&req).is_err());
    // With 12 nodes it fits the gpu partition.
    let req = hpcsched::sbatch::parse_args(&["-p", "gpu,besteffort", "-N12", "--gres=gpu:1"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cluster
            .resolve(&req)
            .map(|j| j.partition().to_owned())
            .ok()
            .as_deref(),
        Some("gpu")
    );
}

// ------------------------------------------------------------------ the cached node index

/// A change to a cluster between two submissions.
#[derive(Debug, Clone)]
enum Change {
    /// A node goes DOWN (or comes back): state only, the cached index stays valid.
    State(usize, bool),
    /// A node's hardware changes in place (`node_mut`).
    Hardware(usize, u32, u64, bool),
    /// A new node, and a new partition over it and an existing node, maybe the default.
    Grow(u32, usize, bool),
    /// A new partition over two existing nodes, maybe the default.
    Partition(usize, usize, bool),
}

fn arb_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0usize..44, any::<bool>()).prop_map(|(n, down)| Change::State(n, down)),
        (
            0usize..44,
            prop::sample::select(vec![1u32, 32, 64, 256]),
            prop::sample::select(vec![1024u64, 262_144, 2_000_000]),
            any::<bool>()
        )
            .prop_map(|(n, cpus, mib, gpu)| Change::Hardware(n, cpus, mib, gpu)),
        (
            prop::sample::select(vec![8u32, 500]),
            0usize..44,
            any::<bool>()
        )
            .prop_map(|(cpus, other, default)| Change::Grow(cpus, other, default)),
        (0usize..44, 0usize..44, any::<bool>())
            .prop_map(|(a, b, default)| Change::Partition(a, b, default)),
    ]
}

/// The same cluster built again from its parts, with nothing cached.
fn fresh(c: &Cluster) -> Cluster {
    let mut out = Cluster::new(c.config().clone());
    for n in c.nodes() {
        out.add_node(n.clone()).unwrap_or_else(|e| panic!("{e}"));
    }
    for p in c.partitions() {
        out.add_partition(p.clone())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for q in c.qos_list() {
        out.add_qos(q.clone()).unwrap_or_else(|e| panic!("{e}"));
    }
    for w in c.warnings() {
        out.push_warning(w.clone());
    }
    out
}

fn apply(c: &mut Cluster, change: &Change, step: usize) {
    let names: Vec<String> = c.nodes().map(|n| n.name.clone()).collect();
    let pick = |i: usize| names[i % names.len()].clone();
    match *change {
        Change::State(n, down) => {
            if let Some(node) = c.node_mut(&pick(n)) {
                node.state = if down {
                    NodeState::DOWN
                } else {
                    NodeState::empty()
                };
            }
        }
        Change::Hardware(n, cpus, mib, gpu) => {
            if let Some(node) = c.node_mut(&pick(n)) {
                node.cpus = cpus;
                node.real_memory = Memory::from_mib(mib);
                node.gres = if gpu {
                    vec![gres("gpu", Some("h100"), 2)]
                } else {
                    Vec::new()
                };
                node.features.retain(|f| f != "cpu");
            }
        }
        Change::Grow(cpus, other, default) => {
            let mut node = Node::new(format!("extra{step}"));
            node.cpus = cpus;
            node.gres = vec![gres("nvme", None, 1)];
            c.add_node(node).unwrap_or_else(|e| panic!("{e}"));
            let mut p = Partition::new(
                format!("extra{step}"),
                vec![format!("extra{step}"), pick(other)],
            );
            if default {
                c.clear_default_partition();
                p.is_default = true;
            }
            c.add_partition(p).unwrap_or_else(|e| panic!("{e}"));
        }
        Change::Partition(a, b, default) => {
            let mut p = Partition::new(format!("extra{step}"), vec![pick(a), pick(b)]);
            if default {
                c.clear_default_partition();
                p.is_default = true;
            }
            c.add_partition(p).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `resolve` answers from an index of the nodes cached in the cluster: after any
    /// change to nodes or partitions it answers as a cluster loaded afresh would.
    #[test]
    fn resolve_sees_every_change_to_nodes_and_partitions(
        changes in prop::collection::vec(arb_change(), 1..8),
        requests in prop::collection::vec(arb_request(), 1..4),
    ) {
        let mut c = shared();
        for r in &requests {
            let _ = c.resolve(r);
        }
        for (step, change) in changes.iter().enumerate() {
            apply(&mut c, change, step);
            let reference = fresh(&c);
            prop_assert_eq!(&reference, &c);
            for r in &requests {
                prop_assert_eq!(c.resolve(r), reference.resolve(r), "{:?} after {:?}", r, change);
                let mut own = r.clone();
                own.partitions = vec![format!("extra{step}")];
                prop_assert_eq!(c.resolve(&own), reference.resolve(&own));
            }
        }
    }
}

// ------------------------------------------------------------------ multi-partition jobs

/// The partitions of the Slurm 22.05 runs that observed multi-partition jobs: `PA`..`PD`
/// differ in DefaultTime, DefMemPerCPU/Node/GPU and PriorityTier.
const MULTI: &str = "\
EnforcePartLimits=ALL
GresTypes=gpu
NodeName=cpu16-[1-4] CPUs=16 RealMemory=131072
NodeName=cpu4-[1-4] CPUs=4 RealMemory=32768
NodeName=a40-[1-2] CPUs=16 RealMemory=131072 Gres=gpu:1
PartitionName=PA Nodes=cpu16-[1-4] MaxTime=30:00:00 DefMemPerCPU=1000 PriorityTier=1
PartitionName=PB Nodes=cpu16-[1-4] MaxTime=10:00:00 DefaultTime=2:00:00 DefMemPerCPU=3000 PriorityTier=5
PartitionName=PC Nodes=cpu4-[1-4] MaxTime=20:00:00 DefaultTime=0:30:00 DefMemPerNode=5000 PriorityTier=1 OverSubscribe=EXCLUSIVE
PartitionName=PE Nodes=a40-[1-2] MaxTime=30:00:00 DefaultTime=4:00:00 DefMemPerCPU=1000 PriorityTier=1
PartitionName=PD Nodes=a40-[1-2] MaxTime=30:00:00 DefaultTime=3:00:00 DefMemPerGPU=7000 PriorityTier=5
PartitionName=PF Nodes=cpu4-[1-4] MaxTime=30:00:00 PriorityTier=1 MaxMemPerCPU=1000
";

fn multi() -> Cluster {
    Cluster::from_slurm_conf(MULTI).unwrap_or_else(|e| panic!("{e}"))
}

fn minutes(m: u64) -> TimeLimit {
    TimeLimit::Limited(Duration::from_secs(m * 60))
}

fn shape(job: &ResolvedJob, partition: &str) -> hpcsched::JobShape {
    job.shape_in(partition)
        .unwrap_or_else(|| panic!("{partition} not in {:?}", job.partitions()))
        .clone()
}

#[test]
fn default_time_comes_from_the_first_partition_listed() {
    // Observed: `-p PC,PB` ran in PB (higher tier) with PC's DefaultTime of 30 minutes;
    // `-p PB,PA` ran with PB's 2 hours.
    let job = ok(&multi(), &["-p", "PC,PB"]);
    assert_eq!(job.partitions(), ["PB", "PC"]);
    assert_eq!(job.time_limit(), minutes(30));
    assert_eq!(shape(&job, "PC").time_limit(), minutes(30));
    let job = ok(&multi(), &["-p", "PB,PA"]);
    assert_eq!(shape(&job, "PA").time_limit(), hours(2));
}

#[test]
fn without_a_first_default_time_each_partition_gives_its_own() {
    // Observed: `-p PA,PB` (PA has no DefaultTime) started by the main scheduler in PB
    // got PB's DefaultTime, 2 hours; in PA it is PA's MaxTime.
    let job = ok(&multi(), &["-p", "PA,PB"]);
    assert_eq!(job.partitions(), ["PB", "PA"]);
    assert_eq!(job.time_limit(), hours(2));
    assert_eq!(shape(&job, "PA").time_limit(), hours(30));
    // --time is the same everywhere.
    let job = ok(&multi(), &["-p", "PA,PB", "-t", "5:00:00"]);
    assert_eq!(shape(&job, "PA").time_limit(), hours(5));
    assert_eq!(shape(&job, "PB"), *job.shape());
}

#[test]
fn default_memory_is_the_partition_the_job_runs_in() {
    // Observed: `-p PA,PB` and `-p PC,PB` ran in PB with PB's DefMemPerCPU (3000M per
    // CPU), not the first listed partition's.
    let per_cpu = |m| ResolvedMemory::PerCpu(Memory::from_mib(m));
    let job = ok(&multi(), &["-p", "PA,PB"]);
    assert_eq!(shape(&job, "PB").memory(), per_cpu(3000));
    assert_eq!(shape(&job, "PA").memory(), per_cpu(1000));
    let job = ok(&multi(), &["-p", "PC,PB"]);
    assert_eq!(shape(&job, "PB").memory(), per_cpu(3000));
    assert_eq!(
        shape(&job, "PC").memory(),
        ResolvedMemory::PerNode(Memory::from_mib(5000))
    );
    // Observed: `-p PE,PD --gres=gpu:1` ran in PD with DefMemPerGPU (MemPerTres=gpu:7000)
    // and PE's DefaultTime.
    let job = ok(&multi(), &["-p", "PE,PD", "--gres=gpu:1"]);
    assert_eq!(job.partitions(), ["PD", "PE"]);
    assert_eq!(job.memory(), ResolvedMemory::PerGpu(Memory::from_mib(7000)));
    assert_eq!(job.time_limit(), hours(4));
    assert_eq!(shape(&job, "PE").memory(), per_cpu(1000));
    // An explicit --mem holds everywhere.
    let job = ok(&multi(), &["-p", "PA,PB", "--mem=2G", "-t", "10"]);
    assert_eq!(shape(&job, "PA"), shape(&job, "PB"));
}

#[test]
fn node_sizes_and_memory_limits_are_per_partition() {
    // PC gives whole nodes of 4 CPUs; PB shares 16-CPU nodes.
    let job = ok(&multi(), &["-p", "PB,PC", "-n", "6", "-t", "10"]);
    let (pb, pc) = (shape(&job, "PB"), shape(&job, "PC"));
    assert_eq!(
        (pb.min_nodes(), pb.min_cpus(), pb.whole_nodes()),
        (1, 6, false)
    );
    assert_eq!(
        (pc.min_nodes(), pc.min_cpus(), pc.whole_nodes()),
        (2, 8, true)
    );
    // PF's MaxMemPerCPU=1000 turns --mem-per-cpu=2500 into 3 CPUs of 834M per task
    // there (`_valid_pn_min_mem()` in the partition tested); PA keeps 1 CPU of 2500M.
    let job = ok(&multi(), &["-p", "PA,PF", "--mem-per-cpu=2500", "-t", "10"]);
    let (pa, pf) = (shape(&job, "PA"), shape(&job, "PF"));
    assert_eq!(
        (pa.cpus_per_task(), pa.memory()),
        (1, ResolvedMemory::PerCpu(Memory::from_mib(2500)))
    );
    assert_eq!(
        (pf.cpus_per_task(), pf.memory()),
        (3, ResolvedMemory::PerCpu(Memory::from_mib(834)))
    );
    assert_eq!(job.shape_in("PB"), None);
}

// ------------------------------------------------- the fidelity harness's cluster
//
// `tests/fidelity/cluster.conf.in`, the cluster the fidelity suite runs on live Slurm
// 22.05: each case below is a job of a recorded generated scenario (gNNNNN), with what
// Slurm did with it.

const HARNESS: &str = include_str!("fidelity/cluster.conf.in");

/// The harness's cluster, its placeholders filled (ports and paths decide nothing).
fn harness() -> Cluster {
    let conf: String = HARNESS
        .lines()
        .map(|line| {
            let mut line = line.replace("@STATE@", "/tmp/h").replace("@CLUSTER@", "h");
            while let Some(at) = line.find("@PORT+") {
                let rest = &line[at + 6..];
                let Some(end) = rest.find('@') else { break };
                let n: u32 = rest[..end].parse().unwrap_or(0);
                line = format!("{}{}{}", &line[..at], 17800 + n, &rest[end + 1..]);
            }
            line + "\n"
        })
        .collect();
    Cluster::from_slurm_conf(&conf).expect("cluster.conf.in parses")
}

fn unavailable_why(reasons: &[RejectReason], partition: &str) -> String {
    match reasons {
        [RejectReason::NodeConfigUnavailable { partition: p, why }] if p == partition => {
            why.clone()
        }
        other => panic!("expected one NodeConfigUnavailable in {partition}: {other:?}"),
    }
}

#[test]
fn gpus_below_the_node_count_is_refused_by_sbatch() {
    let c = harness();
    let below = |gpus, nodes| vec![RejectReason::GpusBelowNodeCount { gpus, nodes }];
    // Observed: g00007 J2, g00012 J7, g00013 J4, g00021 J5.
    assert_eq!(
        rejected(
            &c,
            &["-p", "A40-48", "-N", "2", "--gpus=a40:1", "-t", "240"]
        ),
        below(1, 2)
    );
    assert_eq!(
        rejected(&c, &["-p", "i-a40", "-N", "2", "--gpus=1", "-t", "60"]),
        below(1, 2)
    );
    assert_eq!(
        below(1, 2)[0].to_string(),
        "Failed to validate job spec, --gpus < -N"
    );
    // A node list sets the node count sbatch checks; sbatch checks before slurmctld
    // looks at the partition.
    assert_eq!(
        rejected(&c, &["-p", "nosuch", "-w", "a40-[1-2]", "--gpus=1"]),
        below(1, 2)
    );
    assert_eq!(
        rejected(&c, &["-p", "A100-10", "-N", "3-4", "--gpus=2"]),
        below(2, 3)
    );
    // -n below -N lowers the count first ("setting nnodes to 1").
    let job = ok(&c, &["-p", "A40-48", "-N", "2", "-n", "1", "--gpus=1"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (1, 1));
    // Enough GPUs: one per node; a range is capped at the GPU count.
    let job = ok(&c, &["-p", "A40-48", "-N", "2", "--gpus=2"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (2, 2));
    assert_eq!(job.shape().gpus_per_job(), Some(&gres("gpu", None, 2)));
    let job = ok(&c, &["-p", "A100-10", "-N", "1-4", "--gpus=2"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (1, 2));
    // --gpus=0 asks for nothing.
    let job = ok(&c, &["-p", "CPU-4", "-N", "2", "--gpus=0"]);
    assert_eq!(job.min_nodes(), 2);
}

#[test]
fn whole_node_jobs_need_mem_per_cpu_for_every_cpu_of_the_node() {
    let c = harness();
    let mem = "Memory specification can not be satisfied";
    // Observed: --exclusive on 16-CPU, 128 GiB nodes: 16 x 16G > 128G (g00014 J4).
    let r = rejected(
        &c,
        &[
            "-p",
            "CPU-16",
            "-n",
            "3",
            "--exclusive",
            "--mem-per-cpu=16G",
            "-t",
            "2",
        ],
    );
    assert_eq!(unavailable_why(&r, "CPU-16"), mem);
    // Shared, the same job takes 3 CPUs of 16G: it fits.
    let job = ok(&c, &["-p", "CPU-16", "-n", "3", "--mem-per-cpu=16G"]);
    assert_eq!((job.min_nodes(), job.min_cpus()), (1, 3));
    // OverSubscribe=EXCLUSIVE: 4 CPUs x 9G > 32G on cpu4 nodes (g00012 J3), 6 x 12G >
    // 48G on a100 nodes even for 4 tasks a node (g00012 J2), 16 x 9G > 128G on a40 nodes
    // (g00071 J1, --exclusive).
    let r = rejected(&c, &["-p", "i-cpu4", "--mincpus=2", "--mem-per-cpu=9G"]);
    assert_eq!(unavailable_why(&r, "i-cpu4"), mem);
    let r = rejected(
        &c,
        &[
            "-p",
            "i-a100",
            "-N",
            "3",
            "--ntasks-per-node=4",
            "--mem-per-cpu=12G",
            "--gpus-per-node=1",
            "-w",
            "a100-02",
        ],
    );
    assert_eq!(unavailable_why(&r, "i-a100"), mem);
    let r = rejected(
        &c,
        &[
            "-p",
            "A40-48",
            "-N",
            "1",
            "--ntasks-per-node=12",
            "--exclusive",
            "--mem-per-cpu=9G",
        ],
    );
    assert_eq!(unavailable_why(&r, "A40-48"), mem);
    // Exactly the node's memory (the partitions' DefMemPerCPU) fits.
    let job = ok(&c, &["-p", "i-cpu4", "--mem-per-cpu=8G"]);
    assert_eq!(
        (job.min_cpus(), job.memory()),
        (4, ResolvedMemory::PerCpu(Memory::from_mib(8192)))
    );
    let job = ok(&c, &["-p", "whole", "-n", "20"]);
    assert_eq!((job.min_nodes(), job.min_cpus()), (2, 32));
    // A multi-partition job is refused when it fits no partition (g00029 J15, g00103 J4).
    let r = rejected(
        &c,
        &[
            "-p",
            "i-cpu16,i-a100",
            "-n",
            "11",
            "--mem-per-cpu=16G",
            "-t",
            "120",
        ],
    );
    assert!(node_config_unavailable(&r, "i-cpu16"), "{r:?}");
    assert!(node_config_unavailable(&r, "i-a100"), "{r:?}");
}

#[test]
fn partition_max_nodes_bounds_the_nodes_a_job_may_spread_over() {
    let c = harness();
    // Observed: short has MaxNodes=2 on 4-CPU nodes; 9 tasks need 3 (g00024 J12).
    let r = rejected(&c, &["-p", "short", "-n", "9"]);
    assert_eq!(
        unavailable_why(&r, "short"),
        "3 nodes needed, the partition's MaxNodes is 2"
    );
    // 8 tasks fit on 2 nodes, and never spread over more.
    let job = ok(&c, &["-p", "short", "-n", "8"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (2, 2));
    let job = ok(&c, &["-p", "short", "-n", "3"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (1, 2));
    // An explicit -N above MaxNodes is the partition's node limit, as before.
    assert_eq!(
        rejected(&c, &["-p", "short", "-N", "3"]),
        [RejectReason::InvalidNodeCount]
    );
    // Without EnforcePartLimits the tasks still do not fit: refused all the same.
    let mut c = c;
    c.config_mut().enforce_part_limits = EnforcePartLimits::No;
    let r = rejected(&c, &["-p", "short", "-n", "9"]);
    assert!(node_config_unavailable(&r, "short"), "{r:?}");
    let job = ok(&c, &["-p", "short", "-N", "3"]);
    assert_eq!(
        job.pending_reason(),
        Some(PendingReason::PartitionNodeLimit)
    );
    // A QOS with PartitionMaxNodes lifts the cap (`get_node_cnts()`).
    hpcsched::cluster::add_qos_text(&mut c, "add qos wide Flags=PartitionMaxNodes\n")
        .expect("qos parses");
    let job = ok(&c, &["-p", "short", "-n", "9", "-q", "wide"]);
    assert_eq!((job.min_nodes(), job.max_nodes()), (3, 4));
}

#[test]
fn too_few_nodes_with_the_features_is_refused() {
    // Observed: two amd nodes in CPU-4 (g00013 J8).
    let r = rejected(
        &harness(),
        &[
            "-p", "CPU-4", "-N", "3", "-n", "10", "-C", "amd", "-t", "600",
        ],
    );
    assert_eq!(
        unavailable_why(&r, "CPU-4"),
        "3 nodes requested, 2 of the partition can run the job"
    );
}

#[test]
fn a_held_job_that_fits_no_node_is_accepted_and_can_never_run() {
    let c = harness();
    // Observed: pending JobHeldUser (g00016 J10: 2 GPUs a node on 1-GPU nodes; g00018
    // J6: 48G on 32G nodes; g00030 J9: -C amd with an intel node required; g00068 J5:
    // 100G on 48G nodes; g00093 J2: 6 x 16G on 48G whole nodes).
    for args in [
        "-p A100-10 -N 1 --ntasks-per-node=6 --gpus-per-node=2 -t 2",
        "-p CPU-4 -c 4 --mem=48G -w cpu4-3 -t 600",
        "-p CPU-4 -N 2 -C amd -w cpu4-2 -t 60",
        "-p A100-10 -N 2 --ntasks-per-node=1 --mem=100G --gres=gpu:1 -t 120",
        "-p i-a100 -c 6 --mem-per-cpu=16G --gres=gpu:1 -t 240",
    ] {
        let words: Vec<&str> = args.split_whitespace().collect();
        let r = rejected(&c, &words);
        assert!(
            matches!(r[..], [RejectReason::NodeConfigUnavailable { .. }]),
            "{args}: {r:?}"
        );
        let held: Vec<&str> = words.iter().copied().chain(["-H"]).collect();
        let job = ok(&c, &held);
        assert!(job.fits_no_node(), "{args}");
        assert_eq!(
            job.pending_reason(),
            Some(PendingReason::BadConstraints),
            "{args}"
        );
        assert_eq!(job.refused_unless_startable(), None, "{args}");
    }
    // It keeps the counts it asked for.
    let job = ok(
        &c,
        &[
            "-H",
            "-p",
            "A100-10",
            "-N",
            "1",
            "--ntasks-per-node=6",
            "--gpus-per-node=2",
        ],
    );
    assert_eq!(job.partitions(), ["A100-10"]);
    assert_eq!(
        (
            job.min_nodes(),
            job.max_nodes(),
            job.ntasks(),
            job.min_cpus()
        ),
        (1, 1, 6, 6)
    );
    assert_eq!(job.gres_per_node(), [gres("gpu", None, 2)]);
    // Observed: `-H -p short -n 9` (3 nodes needed, MaxNodes=2) is accepted too, and
    // shows BadConstraints once released.
    let job = ok(&c, &["-H", "-p", "short", "-n", "9"]);
    assert!(job.fits_no_node());
    assert_eq!(job.pending_reason(), Some(PendingReason::BadConstraints));
    // A held job that fits is an ordinary one.
    let job = ok(&c, &["-H", "-p", "CPU-4", "-n", "2"]);
    assert!(!job.fits_no_node());
    assert_eq!(job.pending_reason(), None);
}

#[test]
fn a_held_job_still_gets_the_checks_made_before_its_nodes() {
    let c = harness();
    // Partition limits with EnforcePartLimits=ALL, names, sbatch's own checks.
    assert_eq!(
        rejected(&c, &["-H", "-p", "short", "-c", "8", "-t", "20"]),
        [RejectReason::InvalidTimeLimit {
            partition: "short".into()
        }]
    );
    assert_eq!(
        rejected(&c, &["-H", "-p", "short", "-N", "3"]),
        [RejectReason::InvalidNodeCount]
    );
    assert_eq!(
        rejected(&c, &["-H", "-p", "CPU-4", "--gres=nvme:1"]),
        [RejectReason::InvalidGres("nvme".into())]
    );
    assert_eq!(
        rejected(&c, &["-H", "-p", "CPU-4", "-N", "2", "--gpus=1"]),
        [RejectReason::GpusBelowNodeCount { gpus: 1, nodes: 2 }]
    );
    assert_eq!(
        rejected(&c, &["-H", "-p", "CPU-4", "-n", "17"]),
        [RejectReason::TooManyCpus {
            partition: "CPU-4".into()
        }]
    );
}

#[test]
fn a_held_job_listing_several_partitions() {
    let c = harness();
    // Fits one: the other is dropped, as for any job.
    let job = ok(&c, &["-H", "-p", "CPU-4,CPU-16", "-c", "8"]);
    assert_eq!(job.partitions(), ["CPU-16"]);
    assert!(!job.fits_no_node());
    // Fits none: accepted in both. Once released, each keeps the reason slurmctld's
    // node test leaves: BadConstraints when no node has the CPUs, memory or features
    // (observed: `-H -p CPU-4,A100-10 -c 8`, released, shows BadConstraints)...
    let job = ok(&c, &["-H", "-p", "CPU-4,A100-10", "-c", "8"]);
    assert!(job.fits_no_node());
    assert_eq!(job.partitions(), ["CPU-4", "A100-10"]);
    for p in ["CPU-4", "A100-10"] {
        assert_eq!(
            job.pending_reason_in(p),
            Some(PendingReason::BadConstraints)
        );
    }
    assert_eq!(job.pending_reason(), Some(PendingReason::BadConstraints));
    // ... Resources when the select plugin refuses it (observed: `-H -p A40-48,A100-10
    // --gpus-per-node=2` on 1-GPU nodes, released, shows Resources).
    let job = ok(&c, &["-H", "-p", "A40-48,A100-10", "--gpus-per-node=2"]);
    assert!(job.fits_no_node());
    assert_eq!(
        job.pending_reason_in("A40-48"),
        Some(PendingReason::Resources)
    );
    assert_eq!(job.pending_reason(), Some(PendingReason::Resources));
    // A single partition gets BadConstraints from the main scheduler whatever refused it
    // (observed: `-H -p A100-10 --gpus-per-node=2`).
    let job = ok(&c, &["-H", "-p", "A100-10", "--gpus-per-node=2"]);
    assert_eq!(job.pending_reason(), Some(PendingReason::BadConstraints));
}

#[test]
fn last_partition_that_never_fits_refuses_the_job_when_the_others_are_busy() {
    let c = harness();
    let refusal = |args: &[&str]| {
        ok(&c, args)
            .refused_unless_startable()
            .map(ToString::to_string)
    };
    // Observed refused while h100-1 or a40-1 ran a job (g00036 J4, g00042 J5, g00063 J4,
    // g00102 J7): the last partition tested can never run them.
    assert_eq!(
        refusal(&[
            "-p",
            "2xH100-96,CPU-4",
            "-c",
            "4",
            "--mem=48G",
            "--gres=gpu:1"
        ]),
        Some(
            "Requested node configuration is not available: Memory specification can not \
             be satisfied (partition CPU-4)"
                .into()
        )
    );
    assert!(
        refusal(&[
            "-p",
            "A40-48,A100-10",
            "-N",
            "1",
            "-n",
            "11",
            "--mem=131072M",
            "-x",
            "a40-2",
        ])
        .is_some()
    );
    // The other order, a single partition, a hold: nothing to refuse later.
    assert_eq!(
        refusal(&[
            "-p",
            "CPU-4,2xH100-96",
            "-c",
            "4",
            "--mem=48G",
            "--gres=gpu:1"
        ]),
        None
    );
    assert_eq!(refusal(&["-p", "2xH100-96", "--gres=gpu:1"]), None);
    assert_eq!(
        refusal(&["-H", "-p", "2xH100-96,CPU-4", "--gres=gpu:1"]),
        None
    );
    // Tested in PriorityTier order: high (tier 2) first, then CPU-4 last.
    assert!(refusal(&["-p", "CPU-4,high", "-c", "8"]).is_some());
    assert_eq!(refusal(&["-p", "high,CPU-16", "-c", "8"]), None);
    // A DOWN partition in the list keeps the job (ESLURM_PARTITION_DOWN).
    assert_eq!(refusal(&["-p", "down,CPU-16", "-c", "8"]), None);
    // Under ANY and NO a busy partition keeps the job.
    let mut any = harness();
    any.config_mut().enforce_part_limits = EnforcePartLimits::Any;
    let job = ok(&any, &["-p", "2xH100-96,CPU-4", "--gres=gpu:1"]);
    assert_eq!(job.refused_unless_startable(), None);
}

/// Without `--time` a job has its first listed partition's DefaultTime from submit on,
/// and under EnforcePartLimits=ALL every listed partition's MaxTime is checked against
/// it (observed on 22.05, generated scenario g03044: `-p CPU-16,short` with CPU-16's
/// DefaultTime of 60 min over short's MaxTime of 10 is refused; `-p short,CPU-16` gets
/// short's 10 minutes and is accepted).
#[test]
fn the_first_partitions_default_time_is_checked_against_every_max_time() {
    let c = Cluster::from_slurm_conf(
        "EnforcePartLimits=ALL\n\
         NodeName=n[1-2] CPUs=16 RealMemory=131072\n\
         PartitionName=long Nodes=n[1-2] MaxTime=30:00:00 DefaultTime=1:00:00\n\
         PartitionName=short Nodes=n[1-2] MaxTime=10 DefaultTime=5\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rejected(&c, &["-p", "long,short", "-n", "9"])
            .iter()
            .any(|r| matches!(
                r,
                RejectReason::InvalidTimeLimit { partition } if partition == "short"
            ))
    );
    assert_eq!(
        ok(&c, &["-p", "short,long", "-n", "9"]).time_limit(),
        minutes(5)
    );
    assert_eq!(
        ok(&c, &["-p", "long,short", "-n", "9", "-t", "10"]).time_limit(),
        minutes(10)
    );
}

/// `-n T` allows at most T nodes: GPUs per job that only more nodes hold can never run
/// (observed on 22.05, generated g03199: `-p i-a40 -n 1 -c 8 --gpus=a40:2` on 1-GPU
/// nodes refused); without `-n`, the job takes the nodes it needs.
#[test]
fn gpus_per_job_beyond_the_task_count_are_refused() {
    let c = inserm();
    let reasons = rejected(&c, &["-p", "A40-48", "-n", "1", "--gpus=a40:2", "-t", "60"]);
    assert!(
        reasons.iter().any(|r| r
            .to_string()
            .contains("2 nodes needed for the GPUs, 1 allowed by the task count")),
        "{reasons:?}"
    );
    assert_eq!(
        ok(&c, &["-p", "A40-48", "-n", "2", "--gpus=a40:2", "-t", "60"]).min_nodes(),
        2
    );
    assert_eq!(
        ok(&c, &["-p", "A40-48", "--gpus=a40:2", "-t", "60"]).min_nodes(),
        2
    );
}
