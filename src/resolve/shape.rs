//! A job's shape in one partition ([`JobShape`]): its node and task counts, CPUs,
//! memory ([`ResolvedMemory`]), GRES, `--gpus` and time limit.

use crate::gres::GresSpec;
use crate::memory::Memory;
use crate::time::TimeLimit;

/// Memory a resolved job gets on each node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResolvedMemory {
    /// This much per node (`--mem`, `DefMemPerNode`).
    PerNode(Memory),
    /// This much per allocated CPU (`--mem-per-cpu`, `DefMemPerCPU`).
    PerCpu(Memory),
    /// This much per allocated GPU (`--mem-per-gpu`, `DefMemPerGPU`).
    PerGpu(Memory),
    /// All of each allocated node's memory (`--mem=0`, or no default configured).
    WholeNode,
}

/// How a job runs in one partition: node and task counts, CPUs, memory, GRES and time
/// limit.
///
/// A job submitted to several partitions (`-p a,b`) is tested in each with that
/// partition's nodes and settings, as slurmctld does: `OverSubscribe`, `ExclusiveUser`,
/// `DefMemPerCPU`/`DefMemPerNode`/`DefMemPerGPU`, `MaxMemPerCPU` and the node sizes are
/// those of the partition the job is tested in. `DefaultTime` is the exception: it comes
/// from the first partition listed (see [`Cluster::resolve`](crate::Cluster::resolve)).
///
/// ```
/// use hpcsched::partition::DefMem;
/// use hpcsched::{Cluster, JobRequest, Memory, Node, Partition, ResolvedMemory, SchedConfig};
/// let mut c = Cluster::new(SchedConfig::default());
/// let mut n = Node::new("n1");
/// n.real_memory = Memory::from_mib(8192);
/// c.add_node(n).unwrap();
/// for (name, mib) in [("a", 1000), ("b", 3000)] {
///     let mut p = Partition::new(name, vec!["n1".into()]);
///     p.def_mem = Some(DefMem::PerCpu(Memory::from_mib(mib)));
///     c.add_partition(p).unwrap();
/// }
/// let mut req = JobRequest::default();
/// req.partitions = vec!["a".into(), "b".into()];
/// let job = c.resolve(&req).unwrap();
/// let per_cpu = |mib| ResolvedMemory::PerCpu(Memory::from_mib(mib));
/// assert_eq!(job.shape().memory(), per_cpu(1000));
/// assert_eq!(job.shape_in("b").map(|s| s.memory()), Some(per_cpu(3000)));
/// assert_eq!(job.shape_in("c"), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JobShape {
    pub(super) min_nodes: u32,
    pub(super) max_nodes: u32,
    pub(super) ntasks: u32,
    pub(super) cpus_per_task: u32,
    pub(super) min_cpus: u32,
    pub(super) min_cpus_per_node: u32,
    /// [`JobShape::min_cpus_per_node`] without `--mincpus`: the CPUs of its tasks and
    /// GPUs on a node, what a partition's MaxCPUsPerNode bounds.
    pub(super) task_cpus_per_node: u32,
    pub(super) memory: ResolvedMemory,
    pub(super) gres_per_node: Box<[GresSpec]>,
    /// `--gpus`: GPUs for the whole job, which the scheduler spreads over its nodes.
    pub(super) gpus_per_job: Option<Box<GpusPerJob>>,
    pub(super) time_limit: TimeLimit,
    pub(super) whole_nodes: bool,
    pub(super) user_exclusive: bool,
}

/// A `--gpus` job's request and the counts select/cons_tres chooses its nodes with,
/// which are not the counts it shows ([`JobShape::min_nodes`] is the node count of the
/// submit-time test on idle nodes, slurmctld's `node_cnt_wag`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GpusPerJob {
    pub(crate) spec: GresSpec,
    /// `--cpus-per-gpu` (or the partition's or cluster's DefCPUPerGPU); 0 for none.
    pub(crate) cpus_per_gpu: u32,
    /// The fewest nodes: `-N`'s minimum, else 1 (`get_node_cnts()`; `_eval_nodes()` aims
    /// at it).
    pub(crate) min_nodes: u32,
    /// The most nodes: `-N`'s maximum, at most the GPU count (`_test_gres_cnt()`), else
    /// the partition's MaxNodes; at most the task count of `-n` (`choose_nodes()`).
    pub(crate) max_nodes: u32,
    /// The CPUs the choice starts from (`min_cpus`): its tasks' CPUs (one task per
    /// node without `-n`), at least the CPUs of its GPUs.
    pub(crate) min_cpus: u32,
}

impl JobShape {
    /// Minimum node count.
    #[must_use]
    pub fn min_nodes(&self) -> u32 {
        self.min_nodes
    }
    /// Maximum node count.
    #[must_use]
    pub fn max_nodes(&self) -> u32 {
        self.max_nodes
    }
    /// Number of tasks.
    #[must_use]
    pub fn ntasks(&self) -> u32 {
        self.ntasks
    }
    /// CPUs per task (raised by `MaxMemPerCPU` when `--mem-per-cpu` is above it).
    #[must_use]
    pub fn cpus_per_task(&self) -> u32 {
        self.cpus_per_task
    }
    /// The least number of CPUs the job is allocated in total (with whole nodes: the
    /// CPUs of the smallest nodes it can use, at least its tasks' CPUs).
    #[must_use]
    pub fn min_cpus(&self) -> u32 {
        self.min_cpus
    }
    /// The least CPUs each node gives the job: `--ntasks-per-node` tasks (one without
    /// it) of `-c` CPUs, at least `--mincpus`, at least its GPUs times the CPUs per GPU.
    #[must_use]
    pub fn min_cpus_per_node(&self) -> u32 {
        self.min_cpus_per_node
    }
    /// The CPUs each node gives the job's tasks and GPUs: [`JobShape::min_cpus_per_node`]
    /// without `--mincpus`. A partition's MaxCPUsPerNode bounds these, not `--mincpus`.
    pub(crate) fn task_cpus_per_node(&self) -> u32 {
        self.task_cpus_per_node
    }
    /// Memory per node, per CPU, per GPU or whole nodes.
    #[must_use]
    pub fn memory(&self) -> ResolvedMemory {
        self.memory
    }
    /// GRES needed on each allocated node (not the GPUs of `--gpus`, see
    /// [`JobShape::gpus_per_job`]).
    #[must_use]
    pub fn gres_per_node(&self) -> &[GresSpec] {
        &self.gres_per_node
    }
    /// The GPUs of `--gpus=N` / `--gpus=TYPE:N`: N for the whole job, which the
    /// scheduler spreads over one or more nodes as Slurm does (see [`Cluster::resolve`](crate::Cluster::resolve)).
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest};
    /// let c = Cluster::from_slurm_conf(
    ///     "GresTypes=gpu\nNodeName=g[1-2] CPUs=8 Gres=gpu:1\n\
    ///      PartitionName=gpu Nodes=g[1-2] Default=YES\n",
    /// )
    /// .unwrap();
    /// let req: JobRequest = hpcsched::sbatch::parse_args(&["--gpus=2"]).unwrap();
    /// let job = c.resolve(&req).unwrap();
    /// assert_eq!(job.shape().gpus_per_job().map(|g| g.count), Some(2));
    /// assert!(job.shape().gres_per_node().is_empty());
    /// // Shown on the two nodes two 1-GPU nodes need.
    /// assert_eq!(job.min_nodes(), 2);
    /// ```
    #[must_use]
    pub fn gpus_per_job(&self) -> Option<&GresSpec> {
        self.gpus_per_job.as_deref().map(|g| &g.spec)
    }
    /// The counts a `--gpus` job's nodes are chosen with (see [`GpusPerJob`]).
    pub(crate) fn gpu_choice(&self) -> Option<&GpusPerJob> {
        self.gpus_per_job.as_deref()
    }
    /// The time limit the job runs under.
    #[must_use]
    pub fn time_limit(&self) -> TimeLimit {
        self.time_limit
    }
    /// Whether the job is allocated whole nodes.
    #[must_use]
    pub fn whole_nodes(&self) -> bool {
        self.whole_nodes
    }
    /// Whether its nodes may hold only this user's jobs.
    #[must_use]
    pub fn user_exclusive(&self) -> bool {
        self.user_exclusive
    }
}
