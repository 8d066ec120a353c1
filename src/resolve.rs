//! Resolving a request against a cluster, the way slurmctld does at submit: pick the
//! partition(s), apply defaults (DefaultTime, DefMemPerCPU or whole-node memory, tasks and
//! CPUs), and decide whether sbatch would reject the job or let it pend.
//!
//! The order of the checks follows `_job_create()`, `_get_job_parts()`,
//! `_valid_job_part()`, `_part_access_check()` and `job_limits_check()` in Slurm's
//! `src/slurmctld/job_mgr.c`, plus the count massaging sbatch itself does before it sends
//! the request (`_opt_verify()` in `src/sbatch/opt.c`). Facts checked against a real
//! Slurm 22.05 controller are marked "(observed)".
//!
//! Two kinds of problem are told apart:
//! - **partition limits** (MaxTime, MinNodes/MaxNodes, the partition's node and CPU
//!   totals, required nodes outside the partition, AllowQos/AllowAccounts): what
//!   `EnforcePartLimits` governs. `ALL` rejects if any listed partition is violated,
//!   `ANY` rejects only if every listed partition is violated, `NO` accepts and the job
//!   pends with `PartitionTimeLimit`, `PartitionNodeLimit`, `PartitionConfig`... (observed);
//! - **node configuration** (CPUs, memory, GRES or features per node that no node of the
//!   partition has, too few such nodes): rejected with "Requested node configuration is
//!   not available" whatever `EnforcePartLimits` says (observed), unless another listed
//!   partition can run the job.
//!
//! A job listing several partitions gets a [`JobShape`] (counts, memory, time limit) in
//! each, as slurmctld tests it in each with that partition's settings
//! ([`ResolvedJob::shape_in`]); the DefaultTime is the first listed partition's. It is
//! also tested against each partition's limits, state and QOS on its own: a partition it
//! can not run in is skipped ([`ResolvedJob::pending_reason_in`]), and the job pends only
//! when it can run in none, with the reason of the last partition tested
//! ([`ResolvedJob::pending_reason`]). Some checks take the listed partitions together
//! (`_valid_job_part()`): `--time-min` against the largest MaxTime, and, with
//! EnforcePartLimits, the node counts and `--time` against the largest limits, which is
//! how a DOWN partition's limits are enforced (observed).
//!
//! Choices where hpcsched has to pick (documented on [`Cluster::resolve`]): the job QOS
//! defaults to `normal` when the cluster defines it; partitions that can never run the
//! job are dropped from [`ResolvedJob::partitions`]; the accessors of [`ResolvedJob`] give
//! the shape in the first remaining partition.
//!
//! Resolving reads the cluster's cached index of node kinds (see [`crate::cluster`]), so
//! its cost depends on the number of distinct kinds of node and the lengths of
//! `--nodelist`/`--exclude`, not on the number of nodes.

use crate::cluster::{Cluster, NodeIndex, NodeKind};
use crate::constraint::Constraint;
use crate::gres::{GresKey, GresSpec};
use crate::job_state::PendingReason;
use crate::memory::Memory;
use crate::node::Node;
use crate::partition::{DefMem, MaxMem, OverSubscribe, Partition, PartitionState};
use crate::qos::{Qos, QosFlags};
use crate::request::{Exclusive, JobRequest, MemoryRequest};
use crate::sched_config::EnforcePartLimits;
use crate::time::TimeLimit;
use crate::tres::{TresKind, TresLimits};
use indexmap::IndexSet;
use std::borrow::Cow;
use std::sync::Arc;

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

/// The request as the cluster will schedule it.
///
/// The counts, memory and time limit (its [`JobShape`]) are those of the first partition
/// the job may run in; a job listing several partitions may run differently in the
/// others, see [`ResolvedJob::shape_in`].
///
/// ```
/// use hpcsched::{Cluster, JobRequest, Node, Partition, SchedConfig, TimeLimit};
/// let mut c = Cluster::new(SchedConfig::default());
/// let mut n = Node::new("n1");
/// n.cpus = 8;
/// c.add_node(n).unwrap();
/// let mut p = Partition::new("batch", vec!["n1".into()]);
/// p.is_default = true;
/// c.add_partition(p).unwrap();
/// let job = c.resolve(&JobRequest::default()).unwrap();
/// assert_eq!((job.partition(), job.min_nodes(), job.ntasks()), ("batch", 1, 1));
/// assert_eq!(job.time_limit(), TimeLimit::Unlimited); // no DefaultTime: MaxTime
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResolvedJob {
    request: JobRequest,
    /// Shared between jobs with the same list (see `share_partitions`).
    partitions: Arc<[String]>,
    qos: Option<Box<str>>,
    /// The shape in the first partition.
    shape: JobShape,
    /// What differs between the partitions of a job listing several, and the rare
    /// refusal a scheduler still has to make; `None` when there is neither, as for
    /// nearly every single-partition job.
    others: Option<Box<Others>>,
    /// Set only when the job can run in none of its partitions: the reason of the last
    /// one tested.
    pending_reason: Option<PendingReason>,
    /// Accepted held although no node of its partitions can ever run it.
    fits_no_node: bool,
}

/// What a job listing several partitions keeps per partition, by position in its
/// partition list, and what few jobs need. Boxed in [`ResolvedJob`] so that a job
/// without any pays one pointer.
#[derive(Debug, Clone, PartialEq)]
struct Others {
    /// The shapes in the partitions after the first that differ from the first.
    shapes: Vec<(u32, JobShape)>,
    /// The partitions the job can not run in, with why. A single-partition job keeps
    /// none here: its one reason is [`ResolvedJob::pending_reason`].
    blocked: Vec<(u32, PendingReason)>,
    /// Refused after all, with this reason, unless it can start at once in one of its
    /// partitions (see [`ResolvedJob::refused_unless_startable`]).
    refusal: Option<RejectReason>,
    /// Listed partitions no node of which passes the job's node-configuration filter,
    /// each after the number of [`ResolvedJob::partitions`] slurmctld tries before it
    /// (see [`ResolvedJob::partitions_without_nodes`]).
    bad_after: Vec<(u32, String)>,
    /// Listed partitions whose nodes pass that filter but that the select plugin refuses
    /// the job (GRES, whole-node memory, MaxCPUsPerNode, MemSpecLimit): tried in their
    /// place too, each try leaving Resources (`_pick_best_nodes()`: never runnable).
    never_after: Vec<(u32, String)>,
}

/// How a job runs in one partition: node and task counts, CPUs, memory, GRES and time
/// limit.
///
/// A job submitted to several partitions (`-p a,b`) is tested in each with that
/// partition's nodes and settings, as slurmctld does: `OverSubscribe`, `ExclusiveUser`,
/// `DefMemPerCPU`/`DefMemPerNode`/`DefMemPerGPU`, `MaxMemPerCPU` and the node sizes are
/// those of the partition the job is tested in. `DefaultTime` is the exception: it comes
/// from the first partition listed (see [`Cluster::resolve`]).
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
    min_nodes: u32,
    max_nodes: u32,
    ntasks: u32,
    cpus_per_task: u32,
    min_cpus: u32,
    min_cpus_per_node: u32,
    /// [`JobShape::min_cpus_per_node`] without `--mincpus`: the CPUs of its tasks and
    /// GPUs on a node, what a partition's MaxCPUsPerNode bounds.
    task_cpus_per_node: u32,
    memory: ResolvedMemory,
    gres_per_node: Box<[GresSpec]>,
    /// `--gpus`: GPUs for the whole job, which the scheduler spreads over its nodes.
    gpus_per_job: Option<Box<GpusPerJob>>,
    time_limit: TimeLimit,
    whole_nodes: bool,
    user_exclusive: bool,
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
    /// scheduler spreads over one or more nodes as Slurm does (see [`Cluster::resolve`]).
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

impl ResolvedJob {
    /// The request this was resolved from, as sbatch sends it: with `-n` below the
    /// number of `--nodelist` nodes, only the first `-n` nodes of the sorted list remain
    /// and `-N` is `-n` (see [`Cluster::resolve`]).
    #[must_use]
    pub fn request(&self) -> &JobRequest {
        &self.request
    }
    /// The partition the job goes to first (the first of [`ResolvedJob::partitions`]).
    #[must_use]
    pub fn partition(&self) -> &str {
        self.partitions.first().map_or("", String::as_str)
    }
    /// Every partition the job may run in, highest PriorityTier first, then written order.
    #[must_use]
    pub fn partitions(&self) -> &[String] {
        &self.partitions
    }
    /// Makes this job share its partition list with the equal one in `lists`, adding it
    /// there if it is new, so a scheduler holding many jobs keeps one copy of each list.
    pub(crate) fn share_partitions(&mut self, lists: &mut IndexSet<Arc<[String]>>) {
        if let Some(shared) = lists.get(&*self.partitions) {
            self.partitions = Arc::clone(shared);
        } else {
            lists.insert(Arc::clone(&self.partitions));
        }
    }
    /// The QOS, if the job names one or the partition has a default.
    #[must_use]
    pub fn qos(&self) -> Option<&str> {
        self.qos.as_deref()
    }
    /// The job's shape in its first partition ([`ResolvedJob::partition`]); the
    /// accessors below read it.
    #[must_use]
    pub fn shape(&self) -> &JobShape {
        &self.shape
    }
    /// The job's shape when it runs in `partition`, or `None` if the partition is not
    /// one of [`ResolvedJob::partitions`]. A scheduler trying a multi-partition job in
    /// each of its partitions reads the counts, memory and time limit from here.
    #[must_use]
    pub fn shape_in(&self, partition: &str) -> Option<&JobShape> {
        let pos = self.partitions.iter().position(|p| p == partition)?;
        let other = self.others.as_deref().and_then(|others| {
            others
                .shapes
                .iter()
                .find(|(i, _)| *i as usize == pos)
                .map(|(_, shape)| shape)
        });
        Some(other.unwrap_or(&self.shape))
    }
    /// Listed partitions where no node passes the job's node configuration (CPUs,
    /// memory, features...): the job never runs there, and they are not in
    /// [`ResolvedJob::partitions`]. slurmctld still tries the job in them, in their
    /// place in the list, and each try leaves the job waiting with BadConstraints. Each
    /// comes with the number of [`ResolvedJob::partitions`] tried before it.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=s[1-2] CPUs=4\nNodeName=b1 CPUs=32\n\
    ///      PartitionName=small Nodes=s[1-2]\nPartitionName=big Nodes=b1\n",
    /// )?;
    /// let mut req = JobRequest::default();
    /// req.partitions = vec!["big".into(), "small".into()];
    /// req.cpus_per_task = Some(8);
    /// let job = cluster.resolve(&req)?;
    /// assert_eq!(job.partitions(), ["big"]);
    /// assert_eq!(job.partitions_without_nodes(), [(1, "small".to_owned())]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn partitions_without_nodes(&self) -> &[(u32, String)] {
        self.others
            .as_deref()
            .map_or(&[], |o| o.bad_after.as_slice())
    }
    /// Listed partitions whose nodes pass the job's node configuration but where the
    /// select plugin can never run it (a GRES type none of their nodes has, memory for
    /// every CPU of a whole node, MaxCPUsPerNode, MemSpecLimit), as
    /// [`ResolvedJob::partitions_without_nodes`] places them: slurmctld's main scheduler
    /// still tries the job there, and the try leaves Resources.
    pub(crate) fn partitions_never_runnable(&self) -> &[(u32, String)] {
        self.others
            .as_deref()
            .map_or(&[], |o| o.never_after.as_slice())
    }
    /// Whether the main scheduler tries the job in a listed partition that cannot run
    /// it ([`ResolvedJob::partitions_without_nodes`] or
    /// [`ResolvedJob::partitions_never_runnable`]).
    pub(crate) fn has_unfit_tries(&self) -> bool {
        !self.partitions_without_nodes().is_empty() || !self.partitions_never_runnable().is_empty()
    }
    /// Minimum node count.
    #[must_use]
    pub fn min_nodes(&self) -> u32 {
        self.shape.min_nodes
    }
    /// Maximum node count.
    #[must_use]
    pub fn max_nodes(&self) -> u32 {
        self.shape.max_nodes
    }
    /// Number of tasks.
    #[must_use]
    pub fn ntasks(&self) -> u32 {
        self.shape.ntasks
    }
    /// CPUs per task.
    #[must_use]
    pub fn cpus_per_task(&self) -> u32 {
        self.shape.cpus_per_task
    }
    /// The least number of CPUs the job is allocated in total.
    #[must_use]
    pub fn min_cpus(&self) -> u32 {
        self.shape.min_cpus
    }
    /// Memory per node, per CPU, per GPU or whole nodes.
    #[must_use]
    pub fn memory(&self) -> ResolvedMemory {
        self.shape.memory
    }
    /// GRES needed on each allocated node.
    #[must_use]
    pub fn gres_per_node(&self) -> &[GresSpec] {
        &self.shape.gres_per_node
    }
    /// The time limit the job runs under.
    #[must_use]
    pub fn time_limit(&self) -> TimeLimit {
        self.shape.time_limit
    }
    /// Whether the job is allocated whole nodes.
    #[must_use]
    pub fn whole_nodes(&self) -> bool {
        self.shape.whole_nodes
    }
    /// Whether its nodes may hold only this user's jobs.
    #[must_use]
    pub fn user_exclusive(&self) -> bool {
        self.shape.user_exclusive
    }
    /// Whether the job was accepted although no node of its partitions can ever run it:
    /// a job submitted held (`-H`) is not tested against nodes at submit
    /// (`select_nodes()` in node_scheduler.c returns ESLURM_JOB_HELD before any node
    /// test), so it is accepted with the counts it asked for and pends with JobHeldUser;
    /// once released it pends with BadConstraints ([`ResolvedJob::pending_reason`]),
    /// the reason slurmctld's main scheduler gives a job that can never run, and never
    /// starts.
    ///
    /// ```
    /// use hpcsched::{Cluster, PendingReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-2] CPUs=4 RealMemory=8000\n\
    ///      PartitionName=p Nodes=n[1-2] Default=YES\n",
    /// ).unwrap();
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    /// // 8 CPUs per task on 4-CPU nodes: refused, unless submitted held.
    /// assert!(c.resolve(&req(&["-c", "8"])).is_err());
    /// let job = c.resolve(&req(&["-H", "-c", "8"])).unwrap();
    /// assert!(job.fits_no_node());
    /// assert_eq!(job.pending_reason(), Some(PendingReason::BadConstraints));
    /// ```
    #[must_use]
    pub fn fits_no_node(&self) -> bool {
        self.fits_no_node
    }

    /// With `EnforcePartLimits=ALL`, a job listing several partitions whose last one (in
    /// test order, [`Cluster::resolve`]) can never run it is refused at submit, with this
    /// reason, when none of its partitions can start it at once: slurmctld's submit-time
    /// test keeps the last partition's answer when the others only answer that their
    /// nodes are busy. `Cluster::resolve` knows nothing of running jobs; a scheduler
    /// that does (`Scheduler::submit`) refuses the job then. `None` for every other job.
    ///
    /// ```
    /// use hpcsched::{Cluster, RejectReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "EnforcePartLimits=ALL\n\
    ///      NodeName=big CPUs=16 RealMemory=64000\n\
    ///      NodeName=small[1-2] CPUs=4 RealMemory=16000\n\
    ///      PartitionName=b Nodes=big\n\
    ///      PartitionName=s Nodes=small[1-2]\n",
    /// ).unwrap();
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    /// let job = c.resolve(&req(&["-p", "b,s", "-c", "8"])).unwrap();
    /// assert!(matches!(
    ///     job.refused_unless_startable(),
    ///     Some(RejectReason::NodeConfigUnavailable { partition, .. }) if partition == "s"
    /// ));
    /// // Tested last, b can always run it.
    /// let job = c.resolve(&req(&["-p", "s,b", "-c", "8"])).unwrap();
    /// assert_eq!(job.refused_unless_startable(), None);
    /// ```
    #[must_use]
    pub fn refused_unless_startable(&self) -> Option<&RejectReason> {
        self.others.as_deref().and_then(|o| o.refusal.as_ref())
    }

    /// Why the job would pend forever as submitted (a limit it breaks that
    /// EnforcePartLimits lets through, a DOWN partition, a QOS limit), if any.
    ///
    /// A job listing several partitions pends only when it can run in none of them
    /// ([`ResolvedJob::pending_reason_in`] gives each one's reason); it then shows the
    /// reason of the last partition tested, in the order of
    /// [`ResolvedJob::partitions`] (observed on 22.05: with `-p a,b`, `a` over MaxNodes
    /// and `b` over MaxTime, the job shows `PartitionTimeLimit`; with `-p b,a`,
    /// `PartitionNodeLimit`). slurmctld's `build_job_queue()` tests the partitions in
    /// turn and each blocked one overwrites the reason.
    ///
    /// A job accepted held that no node can run ([`ResolvedJob::fits_no_node`]) shows
    /// BadConstraints once released. One listing several partitions shows the reason
    /// slurmctld's node test leaves in the last one: BadConstraints when no node of it
    /// has the CPUs, memory, TmpDisk or features asked per node, Resources when the
    /// select plugin refuses the job (GRES, memory for every CPU of a whole node,
    /// MaxCPUsPerNode, MemSpecLimit, node counts); the main scheduler sets
    /// BadConstraints itself only on a job of one partition.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest, PendingReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "EnforcePartLimits=NO\n\
    ///      NodeName=n[1-4] CPUs=4 RealMemory=8000\n\
    ///      PartitionName=a Nodes=n[1-2] MaxNodes=1 MaxTime=10\n\
    ///      PartitionName=b Nodes=n[3-4] MaxTime=60\n",
    /// ).unwrap();
    /// let req = |args: &[&str]| hpcsched::sbatch::parse_args(args).unwrap();
    /// // Over a's MaxTime only: it runs in b.
    /// let job = c.resolve(&req(&["-p", "a,b", "-t", "30"])).unwrap();
    /// assert_eq!(job.pending_reason(), None);
    /// // Over a's MaxNodes and b's MaxTime: b was tested last.
    /// let job = c.resolve(&req(&["-p", "a,b", "-N2", "-t", "120"])).unwrap();
    /// assert_eq!(job.pending_reason(), Some(PendingReason::PartitionTimeLimit));
    /// let job = c.resolve(&req(&["-p", "b,a", "-N2", "-t", "120"])).unwrap();
    /// assert_eq!(job.pending_reason(), Some(PendingReason::PartitionNodeLimit));
    /// ```
    #[must_use]
    pub fn pending_reason(&self) -> Option<PendingReason> {
        self.pending_reason.clone()
    }

    /// Why the job can not run in `partition` (a limit it breaks there, the partition is
    /// DOWN, a QOS limit with its shape there, no node there can ever run it for a job
    /// accepted held), or `None` if it can, or if `partition` is not one of
    /// [`ResolvedJob::partitions`]. The scheduler skips such partitions and starts the
    /// job in another, as slurmctld does.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest, PendingReason};
    /// let c = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-4] CPUs=4 RealMemory=8000\n\
    ///      PartitionName=a Nodes=n[1-2] State=DOWN\n\
    ///      PartitionName=b Nodes=n[3-4]\n",
    /// ).unwrap();
    /// let mut req = JobRequest::default();
    /// req.partitions = vec!["a".into(), "b".into()];
    /// let job = c.resolve(&req).unwrap();
    /// assert_eq!(job.pending_reason_in("a"), Some(PendingReason::PartitionDown));
    /// assert_eq!(job.pending_reason_in("b"), None);
    /// assert_eq!(job.pending_reason(), None, "it can run in b");
    /// ```
    #[must_use]
    pub fn pending_reason_in(&self, partition: &str) -> Option<PendingReason> {
        let pos = self.partitions.iter().position(|p| p == partition)?;
        self.reason_at(pos)
    }

    /// Whether a limit or the partition's state keeps the job out of the partition at
    /// `pos` in [`ResolvedJob::partitions`]; what the scheduler asks for each queue
    /// record. ReqNodeNotAvail is left out: it was true when the job was submitted, and
    /// the scheduler tests it again at every pass, as nodes come back.
    pub(crate) fn blocked_by_limits_at(&self, pos: usize) -> bool {
        self.reason_at(pos)
            .is_some_and(|r| r != PendingReason::ReqNodeNotAvail)
    }

    /// Whether the job can not run in the partition at `pos` in
    /// [`ResolvedJob::partitions`] as submitted.
    #[cfg(test)]
    pub(crate) fn blocked_at(&self, pos: usize) -> bool {
        match self.others.as_deref() {
            Some(others) if self.partitions.len() > 1 => {
                others.blocked.iter().any(|(i, _)| *i as usize == pos)
            }
            _ => self.pending_reason.is_some(),
        }
    }

    /// [`ResolvedJob::pending_reason_in`] by position.
    fn reason_at(&self, pos: usize) -> Option<PendingReason> {
        // A job of one partition keeps its one reason in `pending_reason`.
        match self.others.as_deref() {
            Some(others) if self.partitions.len() > 1 => others
                .blocked
                .iter()
                .find(|(i, _)| *i as usize == pos)
                .map(|(_, r)| r.clone()),
            _ => self.pending_reason.clone(),
        }
    }
}

/// One reason sbatch would reject a job. The message is Slurm's (`slurm_strerror()` or
/// the controller's `err_msg`), with the offending name where Slurm gives one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// No `-p` and no default partition.
    #[error("No partition specified or system default partition")]
    NoPartition,
    /// `-p` names a partition the cluster does not have.
    #[error("invalid partition specified: {0}")]
    InvalidPartition(String),
    /// Every named partition is DRAIN or INACTIVE (the first such is named).
    #[error("Required partition not available (inactive or drain): {0}")]
    PartitionNotAvailable(String),
    /// `-q` names a QOS the cluster does not have.
    #[error("Invalid qos specification: {0}")]
    InvalidQos(String),
    /// The partition's AllowQos/DenyQos refuses the job's QOS (with EnforcePartLimits).
    #[error("Invalid qos specification: QOS {qos} not permitted in partition {partition}")]
    QosNotAllowed {
        /// The partition.
        partition: String,
        /// The QOS.
        qos: String,
    },
    /// The partition's AllowAccounts/DenyAccounts refuses the job's account.
    #[error(
        "Invalid account or account/partition combination specified: account {account} not permitted in partition {partition}"
    )]
    AccountNotAllowed {
        /// The partition.
        partition: String,
        /// The account.
        account: String,
    },
    /// `--time` above a partition's MaxTime (with EnforcePartLimits), or a DefaultTime of 0.
    #[error("Requested time limit is invalid (missing or exceeds some limit)")]
    InvalidTimeLimit {
        /// The partition whose limit is exceeded.
        partition: String,
    },
    /// `--time-min` above the time limit or the partition's MaxTime.
    #[error("Invalid time-min specification (exceeds job's time or other limits)")]
    InvalidTimeMin,
    /// A node count outside what the job or partition allows (`-N 0`, `-N 4-2`, more
    /// nodes than the partition has, outside MinNodes/MaxNodes with EnforcePartLimits).
    #[error("Node count specification invalid")]
    InvalidNodeCount,
    /// `--nodelist` names more distinct nodes than the `-N` maximum (`-N1 -w a,b`,
    /// `-N2 -w n[1-3]`). sbatch raises the minimum node count to the number of listed
    /// nodes and then refuses the range itself, before anything reaches slurmctld, so no
    /// job id is used (observed on 22.05: `-N1 -w a,b` and `-N1-1 -w a,b` print
    /// "invalid number of nodes (-N 2-1)"; `-N2 -w n[1-3]`, `-w n[1-3] -N2` and
    /// `-N1-2 -w n[1-3]` print "(-N 3-2)"; `-N1-3 -w n[1-3]` and `-N1 -w n1,n1` are
    /// accepted). The message is sbatch's.
    #[error("invalid number of nodes (-N {listed}-{max})")]
    NodeListOverMaxNodes {
        /// How many distinct nodes `--nodelist` names (the raised minimum).
        listed: u32,
        /// The `-N` maximum.
        max: u32,
    },
    /// `--gpus=N` with fewer GPUs than the minimum node count (`-N 2 --gpus=1`, or
    /// `-w a,b --gpus=1`): each node of the job needs one of them. sbatch refuses it
    /// itself, before anything reaches slurmctld (`_test_gres_cnt()` in
    /// `src/common/gres.c`, run by sbatch through `gres_job_state_validate()`; observed on
    /// 22.05: `-N 2 --gpus=a40:1` prints this message, then "Invalid generic resource
    /// (gres) specification"). The node count is sbatch's, after a `--nodelist` raised it
    /// and `-n` lowered it (`-n 1 -N 2 --gpus=1` is accepted). The message is sbatch's.
    #[error("Failed to validate job spec, --gpus < -N")]
    GpusBelowNodeCount {
        /// The `--gpus` count.
        gpus: u64,
        /// The minimum node count.
        nodes: u32,
    },
    /// `-n 0`, `--ntasks-per-node=0`.
    #[error("Task count specification invalid")]
    BadTaskCount,
    /// `-c 0`.
    #[error("CPU count specification invalid")]
    InvalidCpuCount,
    /// A negative `--nice` from a user other than root: raising a job's priority is
    /// privileged (observed on 22.05: `--nice=-10` as a user is refused with this
    /// message, as root accepted). Checked only when the request names its user.
    #[error("Invalid --nice value")]
    InvalidNice,
    /// With `EnforcePartLimits=ANY`, a job each of whose partitions is DOWN or breaks
    /// a limit, the last one tested breaking a limit: slurmctld's submit-time test
    /// (`_select_nodes_parts()`) finds no partition to run it in and refuses it (observed
    /// on 22.05: `b` DOWN, `a` over MaxTime, `-p b,a` is refused with this message while
    /// `-p a,b` is accepted and pends with PartitionDown).
    #[error("Requested partition configuration not available now")]
    PartitionConfigUnavailable,
    /// More CPUs in total than the partition has (with EnforcePartLimits).
    #[error("More processors requested than permitted")]
    TooManyCpus {
        /// The partition.
        partition: String,
    },
    /// A partition refuses the job's user, or any job (`ReqResv`).
    #[error("Access/permission denied (partition {partition})")]
    AccessDenied {
        /// The partition.
        partition: String,
    },
    /// root may not submit here (`DisableRootJobs`).
    #[error("Invalid user id")]
    InvalidUserId,
    /// `--nodelist`/`--exclude` names a node the cluster does not have, or both lists
    /// share a node.
    #[error("Invalid node name specified: {0}")]
    InvalidNodeName(String),
    /// `--nodelist` names a node outside the partition (with EnforcePartLimits).
    #[error("Requested nodes not in this partition: {node} (partition {partition})")]
    NodesNotInPartition {
        /// The partition.
        partition: String,
        /// The first node outside it.
        node: String,
    },
    /// A GRES name that no node of the cluster has.
    #[error("Invalid generic resource (gres) specification: {0}")]
    InvalidGres(String),
    /// A constraint that no node of the cluster satisfies.
    #[error("Invalid feature specification")]
    InvalidFeature,
    /// No node (or not enough nodes) of the partition can ever run the job.
    #[error("Requested node configuration is not available: {why} (partition {partition})")]
    NodeConfigUnavailable {
        /// The partition.
        partition: String,
        /// What no node satisfies, in Slurm's words where it has them.
        why: String,
    },
    /// More memory per node than MaxMemPerNode allows.
    #[error("Memory required by task is not available")]
    InvalidTaskMemory,
    /// An array index at or above MaxArraySize (or arrays disabled).
    #[error("Invalid job array specification")]
    InvalidArray,
    /// A QOS limit broken by a QOS with `DenyOnLimit` (the pending reason it would
    /// otherwise get is given).
    #[error(
        "Job violates accounting/QOS policy (job submit limit, user's size and/or time limits): {0:?}"
    )]
    QosPolicy(PendingReason),
}

/// Why a job would be rejected at submit: one or more reasons.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("job rejected: {}", .reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Rejection {
    reasons: Vec<RejectReason>,
}

impl Rejection {
    /// The reasons, most fundamental first.
    #[must_use]
    pub fn reasons(&self) -> &[RejectReason] {
        &self.reasons
    }
}

impl From<RejectReason> for Rejection {
    fn from(reason: RejectReason) -> Self {
        Self {
            reasons: vec![reason],
        }
    }
}

/// The counts sbatch and slurmctld derive from `-N`, `-n`, `--ntasks-per-node`, `-c`
/// before any partition is looked at.
#[derive(Debug, Clone, Copy)]
struct Counts {
    /// `-N` min (or the `--nodelist` size), if given.
    nodes_min: Option<u32>,
    /// `-N` max, if given.
    nodes_max: Option<u32>,
    ntasks: u32,
    ntasks_set: bool,
    ntasks_per_node: Option<u32>,
    cpus_per_task: u32,
}

/// The partitions a job may use with their positions in the cluster, in PriorityTier
/// order, and the first of them in written order.
type Candidates<'c> = (Vec<(usize, &'c Partition)>, &'c Partition);

/// A partition's answer to the request.
#[derive(Debug, Clone)]
struct PartEval<'a> {
    /// The partition's position in the cluster.
    pos: usize,
    part: &'a Partition,
    /// A partition limit the job breaks, as the rejection and as the pending reason.
    violation: Option<(RejectReason, PendingReason)>,
    /// How the job fits the partition's nodes, or why it never can.
    fit: Result<JobShape, RejectReason>,
    /// For a job submitted held that no node of the partition can run.
    unfit: Option<Unfit>,
    /// For a job of several partitions that no node of this one can run: the reason the
    /// main scheduler's node test leaves it when it tries the job there (BadConstraints
    /// when no node passes the node-configuration filter, else Resources).
    node_reason: Option<PendingReason>,
}

/// A partition no node of which can run a job submitted held.
#[derive(Debug, Clone)]
struct Unfit {
    /// The shape it is accepted with all the same.
    shape: JobShape,
    /// The reason slurmctld's node test gives it there once it is released: BadConstraints
    /// when no node passes the node-configuration filter, else Resources.
    reason: PendingReason,
}

impl Cluster {
    /// Resolves a request against this cluster.
    ///
    /// Returns what slurmctld would record for the job, or every reason sbatch would
    /// print when refusing it. Choices hpcsched makes where Slurm has more context:
    /// - **QOS**: `-q` must name a QOS of the cluster. Without `-q` the job QOS is
    ///   `normal` if the cluster defines it (sacctmgr's default), else none. A
    ///   partition's `QOS=` is not the job QOS: its limits are checked as an extra layer.
    ///   Account/user associations are not modelled (no account defaults).
    /// - **Partitions**: the listed (or default) ones, DRAIN/INACTIVE ones removed
    ///   (observed: `-p drained,up` is accepted in `up`; on 22.05 `-p inactive,up` shows
    ///   only `up`), sorted by PriorityTier then written order, the order slurmctld tests
    ///   them in (observed on 22.05 through the reason of a job blocked in all).
    ///   Partitions where the job can never run (node configuration, or a limit when
    ///   another partition has none) are dropped from [`ResolvedJob::partitions`];
    ///   Slurm keeps them in the job's list but never starts the job there. The job gets
    ///   a [`JobShape`] in each remaining partition ([`ResolvedJob::shape_in`]),
    ///   computed with that partition's nodes, OverSubscribe, ExclusiveUser,
    ///   DefMemPerCPU/Node/GPU and MaxMemPerCPU, as `job_limits_check()` and the select
    ///   plugin do for each partition tried (observed: `-p a,b` running in `b` gets
    ///   `b`'s DefMemPerCPU). The accessors of [`ResolvedJob`] read the shape in the
    ///   first one. A remaining partition the job can not run in for now (DOWN, a QOS
    ///   limit, or every partition breaking a limit) keeps its reason
    ///   ([`ResolvedJob::pending_reason_in`]); the job pends only when each has one.
    /// - **Time limit**: `--time`, else the DefaultTime of the first partition *listed*
    ///   (written order, not PriorityTier: `part_ptr` in `_valid_job_part()`, observed),
    ///   in every partition; without one, the QOS MaxWall when it is below the
    ///   partition's MaxTime, else that partition's DefaultTime, else its MaxTime (what
    ///   `select_nodes()` gives a job with no limit when it starts; Slurm's backfill
    ///   gives MaxTime instead).
    /// - **Node list** (`-w`): sbatch's adjustments come first. The node count is at
    ///   least the number of distinct listed nodes, and a `-N` maximum below it is
    ///   refused ([`RejectReason::NodeListOverMaxNodes`]); with `-n` below it, the count
    ///   becomes `-n` and only the first `-n` listed nodes (sorted) are kept, in
    ///   [`ResolvedJob::request`] too (observed on 22.05).
    /// - **Node count** without `-N`: the least number of nodes of the partition that
    ///   hold `ntasks × cpus-per-task` CPUs (and `--gpus`) — Slurm records 1 and lets
    ///   the select plugin grow it; the maximum is `min(ntasks, eligible nodes)`.
    /// - **`--gpus=N`** (per job): N GPUs for the whole job, from one node or several,
    ///   chosen when the job starts (or is planned) by select/cons_tres's per-job GRES
    ///   rules ([`crate::planner::JobGpus`]): nodes are added from the job's minimum
    ///   count (1 without `-N`) until the GPUs are there, a node with more free GPUs
    ///   weighs less, and the GPUs are handed out in node order, one at least for every
    ///   later node (observed on 22.05: `--gpus=2` with the 2-GPU node busy runs at once
    ///   on two 1-GPU nodes). So [`JobShape::gres_per_node`] holds no share of them
    ///   ([`JobShape::gpus_per_job`] does), and the node count shown is the least number
    ///   of nodes whose GPUs hold N (slurmctld's submit-time count on idle nodes). `-N k`
    ///   gives exactly k nodes and a `-N` maximum is capped at N (`--gpus < -N` is
    ///   refused by sbatch); `-n T` allows at most T nodes (so `-n 1 --gpus=2` needs one
    ///   node with 2 GPUs); a request no set of allowed nodes can hold is refused
    ///   ("Requested node configuration is not available").
    /// - **Memory checks** per node use the least CPUs a node must give the job
    ///   (`--ntasks-per-node` × `-c`, or `-c`), not all of a whole node.
    /// - **Dependencies** are not checked: there is no job table here. A host that has
    ///   one checks `request().dependency` targets after this call (Slurm rejects
    ///   `afterok`/`afternotok` on unknown jobs).
    /// - **Running jobs** are not known here either: with `EnforcePartLimits=ALL`, a job
    ///   whose last partition can never run it is refused by slurmctld when its other
    ///   partitions are busy at submit; the job is accepted here and says so
    ///   ([`ResolvedJob::refused_unless_startable`]), for a host that knows what runs.
    /// - **Node limits** besides its size are part of the node test, as in slurmctld's
    ///   submit-time test: the partition's MaxCPUsPerNode (on the CPUs of the tasks and
    ///   GPUs a node holds, not on `--mincpus`; no whole node with more CPUs), `--tmp`
    ///   against TmpDisk, memory against RealMemory less MemSpecLimit, and the CPUs its
    ///   GPUs need (`--cpus-per-gpu`, DefCPUPerGPU). A job no node passes is refused
    ///   ([`RejectReason::NodeConfigUnavailable`], observed on 22.05).
    /// - **Held jobs** (`-H`) are not tested against nodes, as in Slurm: a job no node
    ///   can run is accepted held ([`ResolvedJob::fits_no_node`]), with the node count it
    ///   asked for; every other check applies.
    ///
    /// ```
    /// use hpcsched::{Cluster, JobRequest, Node, Partition, RejectReason, SchedConfig};
    /// let mut c = Cluster::new(SchedConfig::default());
    /// c.add_node(Node::new("n1")).unwrap();
    /// c.add_partition(Partition::new("debug", vec!["n1".into()])).unwrap();
    /// let mut req = JobRequest::default();
    /// req.partitions = vec!["gpu".into()];
    /// let err = c.resolve(&req).unwrap_err();
    /// assert_eq!(err.reasons(), [RejectReason::InvalidPartition("gpu".into())]);
    /// ```
    pub fn resolve(&self, request: &JobRequest) -> Result<ResolvedJob, Rejection> {
        let request = sbatch_nodelist(request);
        let view = Indexed::new(self, &request);
        self.resolve_with(&request, &view)
    }

    /// [`Cluster::resolve`] for a job already queued, after one of its partitions changed
    /// state (`scontrol update PartitionName=... State=`). Partition states then mean what
    /// they mean for queued jobs (slurm.conf.5 `State`): DRAIN still runs them, DOWN keeps
    /// them pending with PartitionDown, INACTIVE with PartitionInactive. `request` is the
    /// job's resolved request, its partitions the ones it kept at submit.
    pub(crate) fn resolve_queued(&self, request: &JobRequest) -> Result<ResolvedJob, Rejection> {
        let request = sbatch_nodelist(request);
        let view = Indexed::new(self, &request);
        self.resolve_in(&request, &view, Stage::Queued)
    }

    /// [`Cluster::resolve`], with the node questions answered by `view`.
    fn resolve_with<V: NodeView>(
        &self,
        request: &JobRequest,
        view: &V,
    ) -> Result<ResolvedJob, Rejection> {
        self.resolve_in(request, view, Stage::Submit)
    }

    /// [`Cluster::resolve_with`] at a stage of the job's life.
    fn resolve_in<V: NodeView>(
        &self,
        request: &JobRequest,
        view: &V,
        stage: Stage,
    ) -> Result<ResolvedJob, Rejection> {
        let counts = self.check_request(request, view)?;
        let qos = self.job_qos(request)?;
        let (candidates, first_listed) = self.candidate_partitions(request, stage)?;
        self.check_access(request, &candidates)?;
        let req_nodes_unavailable = view.required_unavailable(request);
        let job = JobView {
            req: request,
            counts,
            qos,
            first_listed,
            held: request.hold,
            several: candidates.len() > 1,
        };
        let evals: Vec<PartEval<'_>> = candidates
            .iter()
            .map(|&(pos, p)| self.evaluate(view, pos, p, &job))
            .collect();
        self.enforce_part_limits(&evals)?;
        self.check_list_limits(&job, &candidates)?;
        // A held job that no node of any of its partitions can run is accepted, in every
        // partition where only the nodes failed it, and can never run (observed on 22.05:
        // `-H -p A100-10 -N 1 --ntasks-per-node=6 --gpus-per-node=2` on 1-GPU nodes pends
        // with JobHeldUser, fidelity scenario g00016).
        let (fitting, fits_no_node) = match fitting_partitions(&evals) {
            Ok(fitting) => (fitting, false),
            Err(rejection) => {
                let unfit: Vec<(&PartEval<'_>, &JobShape)> = evals
                    .iter()
                    .filter_map(|e| e.unfit.as_ref().map(|u| (e, &u.shape)))
                    .collect();
                if unfit.is_empty() {
                    return Err(rejection);
                }
                (unfit, true)
            }
        };
        // Why the job can not run in each partition, as slurmctld tests it there when it
        // builds its queue (`job_limits_check()`: limits, then a DOWN partition) and
        // schedules it (required nodes, the partition QOS, then the job QOS, with the
        // job's shape in that partition: resource_limits.shtml).
        let mut reasons: Vec<Option<PendingReason>> = Vec::with_capacity(fitting.len());
        for (e, shape) in &fitting {
            let mut reason = e.violation.as_ref().map(|(_, p)| p.clone());
            if reason.is_none() {
                reason = match (e.part.state, stage) {
                    (PartitionState::Down, _) => Some(PendingReason::PartitionDown),
                    (PartitionState::Inactive, Stage::Queued) => {
                        Some(PendingReason::PartitionInactive)
                    }
                    _ => None,
                };
            }
            if reason.is_none() && req_nodes_unavailable && !fits_no_node {
                reason = Some(PendingReason::ReqNodeNotAvail);
            }
            // A QOS with DenyOnLimit refuses the job if its limits fail in any listed
            // partition (`acct_policy_validate()` walks the partition list).
            let part_qos = e.part.qos.as_deref().and_then(|n| self.qos(n));
            let whole_node_mib = view.min_memory(e.pos, e.part);
            for q in part_qos.into_iter().chain(qos) {
                if let Some(r) = qos_violation(q, shape, whole_node_mib) {
                    if q.flags.contains(QosFlags::DENY_ON_LIMIT) {
                        return Err(RejectReason::QosPolicy(r).into());
                    }
                    if reason.is_none() {
                        reason = Some(r);
                    }
                }
            }
            // Once released, the job passes the queue's tests and the QOS, and the main
            // scheduler's node test fails it: `_schedule()` gives a job of one partition
            // that can never run FAIL_BAD_CONSTRAINTS (job_scheduler.c); a job listing
            // several keeps the reason the test left in each partition (observed on 22.05:
            // `-H -p CPU-4,A100-10 -c 8`, released, shows BadConstraints; `-H -p
            // A40-48,A100-10 --gpus-per-node=2` shows Resources).
            if reason.is_none() && fits_no_node {
                let left = e.unfit.as_ref().map(|u| u.reason.clone());
                reason = match left {
                    Some(r) if candidates.len() > 1 => Some(r),
                    _ => Some(PendingReason::BadConstraints),
                };
            }
            reasons.push(reason);
        }
        // EnforcePartLimits=ANY: the submit-time test skips each partition that is DOWN
        // or breaks a limit, and refuses the job when the last one breaks a limit.
        if self.config().enforce_part_limits == EnforcePartLimits::Any
            && evals
                .iter()
                .all(|e| e.violation.is_some() || e.part.state == PartitionState::Down)
            && evals.last().is_some_and(|e| e.violation.is_some())
        {
            return Err(RejectReason::PartitionConfigUnavailable.into());
        }
        // Partitions whose limits the job breaks are dropped when another has none: the
        // job never runs there (see `Cluster::resolve`).
        let clean = |e: &PartEval<'_>| e.violation.is_none();
        let any_clean = fitting.iter().any(|(e, _)| clean(e));
        let kept: Vec<usize> = (0..fitting.len())
            .filter(|&i| !any_clean || fitting.get(i).is_some_and(|(e, _)| clean(e)))
            .collect();
        // The job pends only if it can run in none of its partitions, with the reason
        // of the last one tested (`build_job_queue()` tests them in order and each
        // blocked one sets the reason; observed on 22.05), dropped ones included.
        let pending = if kept
            .iter()
            .all(|&i| reasons.get(i).is_some_and(Option::is_some))
        {
            reasons.last().cloned().flatten()
        } else {
            None
        };
        let Some((&first, rest)) = kept.split_first() else {
            return Err(RejectReason::NoPartition.into());
        };
        let Some(&(chosen, shape)) = fitting.get(first) else {
            return Err(RejectReason::NoPartition.into());
        };
        let mut partitions = vec![chosen.part.name.clone()];
        let mut others = Others {
            shapes: Vec::new(),
            blocked: Vec::new(),
            refusal: self.refusal_when_busy(&job, &evals, &reasons, fits_no_node),
            bad_after: Vec::new(),
            never_after: Vec::new(),
        };
        // Where, in slurmctld's test order, the partitions dropped because no node passes
        // the job's node-configuration filter come: it still tries the job there, and
        // each such try leaves BadConstraints (`_build_node_list()`).
        if !fits_no_node {
            let kept_pos: Vec<usize> = kept
                .iter()
                .filter_map(|&i| fitting.get(i).map(|(e, _)| e.pos))
                .collect();
            let mut before = 0u32;
            for e in &evals {
                if kept_pos.contains(&e.pos) {
                    before += 1;
                } else if e.violation.is_none() {
                    match e.node_reason {
                        Some(PendingReason::BadConstraints) => {
                            others.bad_after.push((before, e.part.name.clone()));
                        }
                        Some(PendingReason::Resources) => {
                            others.never_after.push((before, e.part.name.clone()));
                        }
                        _ => {}
                    }
                }
            }
        }
        for (&i, pos) in rest.iter().zip(1u32..) {
            if let Some(&(e, other)) = fitting.get(i) {
                partitions.push(e.part.name.clone());
                // Only what differs from the first partition is kept: most jobs list
                // one partition, or partitions where they run alike.
                if other != shape {
                    others.shapes.push((pos, other.clone()));
                }
            }
        }
        if !rest.is_empty() {
            for (&i, pos) in kept.iter().zip(0u32..) {
                if let Some(Some(reason)) = reasons.get(i) {
                    others.blocked.push((pos, reason.clone()));
                }
            }
        }
        let has_others = !others.shapes.is_empty()
            || !others.blocked.is_empty()
            || others.refusal.is_some()
            || !others.bad_after.is_empty()
            || !others.never_after.is_empty();
        Ok(ResolvedJob {
            request: request.clone(),
            partitions: partitions.into(),
            qos: qos.map(|q| q.name.as_str().into()),
            shape: shape.clone(),
            others: has_others.then(|| Box::new(others)),
            pending_reason: pending,
            fits_no_node,
        })
    }

    /// With `EnforcePartLimits=ALL`, slurmctld's submit-time test (`_select_nodes_parts()`
    /// in job_mgr.c) tries the job's partitions in turn and keeps the answer of the last
    /// one unless an earlier one could take the job: a partition whose nodes are busy
    /// answers ESLURM_NODES_BUSY, which under ALL is no such answer (under ANY and NO it
    /// is). So a job whose last partition can never run it is refused with that
    /// partition's "Requested node configuration is not available" when none of the
    /// others can start it at once (observed on 22.05: `-p 2xH100-96,CPU-4 --gres=gpu:1`
    /// while h100-1 runs a whole-node job, fidelity scenario g00036; also g00042, g00063,
    /// g00102). Returns that reason when the job is in that position; whether it can
    /// start is for the caller, who knows what runs (`Scheduler::submit`).
    ///
    /// No reason when an answer that keeps the job comes first whatever the nodes do: a
    /// hold (ESLURM_JOB_HELD), a DOWN partition in the list, a QOS limit or an
    /// unavailable `--nodelist` node in a partition that can run it.
    fn refusal_when_busy(
        &self,
        job: &JobView<'_>,
        evals: &[PartEval<'_>],
        reasons: &[Option<PendingReason>],
        fits_no_node: bool,
    ) -> Option<RejectReason> {
        if self.config().enforce_part_limits != EnforcePartLimits::All
            || job.held
            || fits_no_node
            || evals.len() < 2
            || evals.iter().any(|e| e.part.state == PartitionState::Down)
            || reasons.iter().any(Option::is_some)
        {
            return None;
        }
        match evals.last().map(|e| &e.fit) {
            Some(Err(why @ RejectReason::NodeConfigUnavailable { .. })) => Some(why.clone()),
            _ => None,
        }
    }

    /// Whether the job resolved as `job` could be given nodes of `partition` now, if only
    /// the nodes `usable` (by index in the cluster) were free for it: the submit-time test
    /// of one partition in `_pick_best_nodes()` (node_scheduler.c), which tries the nodes
    /// a job may take now as if they were empty. `false` when the cluster has no such
    /// partition or a `--nodelist` node is not usable.
    pub(crate) fn fits_nodes_now(
        &self,
        job: &ResolvedJob,
        partition: &str,
        usable: impl Fn(usize) -> bool,
    ) -> bool {
        let Some(part) = self.partition(partition) else {
            return false;
        };
        let mut request = job.request().clone();
        let mut excluded: Vec<String> = Vec::new();
        for name in &part.nodes {
            let Some(idx) = self.node_index(name) else {
                continue;
            };
            if usable(idx) {
                continue;
            }
            if request.nodelist.contains(name) {
                return false;
            }
            excluded.push(name.clone());
        }
        request.exclude.extend(excluded);
        request.hold = false;
        request.partitions = vec![partition.to_owned()];
        let view = Indexed::new(self, &request);
        self.resolve_in(&request, &view, Stage::Queued).is_ok()
    }

    /// Checks that need no partition: counts, node names, GRES names, features, arrays.
    fn check_request<V: NodeView>(&self, req: &JobRequest, view: &V) -> Result<Counts, Rejection> {
        let cpus_per_task = match req.cpus_per_task {
            Some(0) => return Err(RejectReason::InvalidCpuCount.into()),
            Some(c) => c,
            None => 1,
        };
        if req.ntasks == Some(0) || req.ntasks_per_node == Some(0) {
            return Err(RejectReason::BadTaskCount.into());
        }
        let (mut nodes_min, mut nodes_max) = match req.nodes {
            Some(nc) if nc.min == 0 || nc.max < nc.min => {
                return Err(RejectReason::InvalidNodeCount.into());
            }
            Some(nc) => (Some(nc.min), Some(nc.max)),
            None => (None, None),
        };
        // sbatch (`_opt_verify()`): a node list raises the minimum node count to its
        // length, and a maximum below that is refused before anything is sent, names
        // unknown or not (observed on 22.05: `-N1 -w n1,nosuch` gives "invalid number
        // of nodes (-N 2-1)", not "Invalid node name specified"). This comes before
        // `-n` lowers the counts: `-n1 -N1 -w n1,n2` is refused, `-n1 -w n1,n2` is not.
        if !req.nodelist.is_empty() {
            let listed = distinct_count(&req.nodelist);
            if let Some(max) = nodes_max
                && listed > max
            {
                return Err(RejectReason::NodeListOverMaxNodes { listed, max }.into());
            }
            // The listed nodes are always allocated: `-N1-4 -w n[1-2]` asks for 2 to 4
            // nodes (observed on 22.05: the held job shows NumNodes=2-4).
            nodes_min = Some(nodes_min.map_or(listed, |m| m.max(listed)));
        }
        // sbatch validates `--gpus` against its node count before it sends anything, so
        // this comes before every slurmctld check; the count is the one `-n` may still
        // lower ("setting nnodes to N").
        let per_job_gpus = req.gpus.as_deref().map_or(0, |g| g.count);
        if per_job_gpus > 0
            && let Some(min) = nodes_min
        {
            let nodes = req.ntasks.filter(|&n| n < min).unwrap_or(min);
            if per_job_gpus < u64::from(nodes) {
                return Err(RejectReason::GpusBelowNodeCount {
                    gpus: per_job_gpus,
                    nodes,
                }
                .into());
            }
        }
        // slurmctld's check (`_validate_job_desc()`), after everything sbatch checks.
        if req.nice.is_some_and(|n| n < 0) && req.user.as_deref().is_some_and(|u| u != "root") {
            return Err(RejectReason::InvalidNice.into());
        }
        for name in req.nodelist.iter().chain(&req.exclude) {
            if self.node(name).is_none() {
                return Err(RejectReason::InvalidNodeName(name.clone()).into());
            }
        }
        if !req.exclude.is_empty() {
            let mut excluded: Vec<&str> = req.exclude.iter().map(String::as_str).collect();
            excluded.sort_unstable();
            if let Some(both) = req
                .nodelist
                .iter()
                .find(|n| excluded.binary_search(&n.as_str()).is_ok())
            {
                return Err(RejectReason::InvalidNodeName(both.clone()).into());
            }
        }
        if let Some(array) = &req.array {
            let max = self.config().max_array_size;
            if max == 0 || array_max_index(array) >= max {
                return Err(RejectReason::InvalidArray.into());
            }
        }
        for spec in requested_gres(req) {
            if !view.knows_gres(&spec.key.name) {
                return Err(RejectReason::InvalidGres(spec.key.name.clone()).into());
            }
        }
        if let Some(c) = &req.constraint
            && !view.satisfiable(c)
        {
            return Err(RejectReason::InvalidFeature.into());
        }
        // sbatch's `_opt_verify()` and slurmctld's `_figure_out_num_tasks()`.
        let ntasks = if let Some(n) = req.ntasks {
            if let Some(max) = nodes_max
                && n < max
            {
                nodes_max = Some(n);
            }
            if let Some(min) = nodes_min
                && n < min
            {
                // "can't run N processes on M nodes, setting nnodes to N" (observed)
                nodes_min = Some(n);
                nodes_max = Some(n);
            }
            n
        } else {
            let base = nodes_min.unwrap_or(1).max(1);
            base.saturating_mul(req.ntasks_per_node.unwrap_or(1))
        };
        // Every node needs one of the `--gpus`: no more nodes than GPUs (`_test_gres_cnt()`).
        if per_job_gpus > 0
            && let Some(max) = nodes_max
            && per_job_gpus < u64::from(max)
        {
            nodes_max = u32::try_from(per_job_gpus).ok();
        }
        Ok(Counts {
            nodes_min,
            nodes_max,
            ntasks,
            ntasks_set: req.ntasks.is_some(),
            ntasks_per_node: req.ntasks_per_node,
            cpus_per_task,
        })
    }

    /// Who may submit to each listed partition (`_part_access_check()`): any partition
    /// refusing the job refuses it, whatever EnforcePartLimits says. ReqResv refuses
    /// every job (reservations are not modelled, so no job is in one); RootOnly refuses
    /// a user other than root or SlurmUser, and DisableRootJobs (the partition's, else
    /// the cluster's) refuses root, both only when the request names its user (observed
    /// on 22.05: "Access/permission denied" for ReqResv and for alice on RootOnly,
    /// "Invalid user id" for root on DisableRootJobs). AllowGroups and AllocNodes are
    /// not checked: hpcsched knows no groups or submit hosts.
    fn check_access(
        &self,
        req: &JobRequest,
        candidates: &[(usize, &Partition)],
    ) -> Result<(), Rejection> {
        let user = req.user.as_deref();
        let is_root = user == Some("root");
        for &(_, p) in candidates {
            let denied = || {
                Err(RejectReason::AccessDenied {
                    partition: p.name.clone(),
                }
                .into())
            };
            if p.req_resv {
                return denied();
            }
            if p.root_only
                && let Some(u) = user
                && u != "root"
                && self.config().slurm_user.as_deref() != Some(u)
            {
                return denied();
            }
            if is_root
                && p.disable_root_jobs
                    .unwrap_or(self.config().disable_root_jobs)
            {
                return Err(RejectReason::InvalidUserId.into());
            }
        }
        Ok(())
    }

    /// The job QOS: `-q` (must exist), else `normal` when defined.
    fn job_qos(&self, req: &JobRequest) -> Result<Option<&Qos>, Rejection> {
        match &req.qos {
            Some(name) => self
                .qos(name)
                .map(Some)
                .ok_or_else(|| RejectReason::InvalidQos(name.clone()).into()),
            None => Ok(self.qos("normal")),
        }
    }

    /// The partitions a job may use, in PriorityTier order: at submit, DRAIN/INACTIVE ones
    /// removed (they queue no new job); for a queued job, all of them.
    ///
    /// Also returns the first of them in written order (`part_ptr` in `_get_job_parts()`),
    /// the partition whose DefaultTime a job without `--time` gets.
    fn candidate_partitions(
        &self,
        req: &JobRequest,
        stage: Stage,
    ) -> Result<Candidates<'_>, Rejection> {
        let mut parts: Vec<(usize, &Partition)> = Vec::new();
        if req.partitions.is_empty() {
            parts.push(
                self.default_partition_full()
                    .ok_or(RejectReason::NoPartition)?,
            );
        } else {
            for name in &req.partitions {
                let (pos, p) = self
                    .partition_full(name)
                    .ok_or_else(|| RejectReason::InvalidPartition(name.clone()))?;
                if !parts.iter().any(|&(q, _)| q == pos) {
                    parts.push((pos, p));
                }
            }
        }
        let closed = |p: &Partition| {
            stage == Stage::Submit
                && matches!(p.state, PartitionState::Drain | PartitionState::Inactive)
        };
        let first_closed = parts
            .iter()
            .find(|(_, p)| closed(p))
            .map(|(_, p)| p.name.clone());
        parts.retain(|(_, p)| !closed(p));
        let Some(&(_, first_listed)) = parts.first() else {
            return Err(
                RejectReason::PartitionNotAvailable(first_closed.unwrap_or_default()).into(),
            );
        };
        // Stable: equal tiers keep the written order.
        parts.sort_by_key(|(_, p)| std::cmp::Reverse(p.priority_tier));
        Ok((parts, first_listed))
    }

    /// Limits and node fit of one partition.
    fn evaluate<'a, V: NodeView>(
        &self,
        view: &V,
        pos: usize,
        part: &'a Partition,
        job: &JobView<'_>,
    ) -> PartEval<'a> {
        // MaxMemPerCPU lowers --mem-per-cpu and raises -c (`_valid_pn_min_mem()`), in
        // each partition the job is tested in (`job_limits_check()`).
        let max_per_cpu = match part.max_mem {
            Some(MaxMem::PerCpu(m)) => Some(m),
            Some(MaxMem::PerNode(_)) => None,
            None => self.config().max_mem_per_cpu,
        };
        let (counts, memory_req) = adjust_mem_per_cpu(job.counts, job.req.memory, max_per_cpu);
        let violation = Self::limit_violation(view, pos, part, job, counts);
        // A job that pends on a node-count limit is still fitted, on as many nodes as
        // the partition has, so that the rest of its shape can be shown.
        let fit = self.fit(
            view,
            pos,
            part,
            job,
            counts,
            memory_req,
            violation.is_some(),
            false,
        );
        let fit = fit.map(|(shape, _)| shape);
        // A job submitted held never has its nodes tested at submit: `select_nodes()`
        // returns ESLURM_JOB_HELD before it looks at a node. It keeps a shape built from
        // its own counts where no node can run it.
        let relaxed = match &fit {
            Err(RejectReason::NodeConfigUnavailable { .. }) if job.held || job.several => self
                .fit(
                    view,
                    pos,
                    part,
                    job,
                    counts,
                    memory_req,
                    violation.is_some(),
                    true,
                )
                .ok(),
            _ => None,
        };
        let node_reason = relaxed
            .as_ref()
            .map(|(_, never)| never.clone().unwrap_or(PendingReason::BadConstraints));
        let unfit = relaxed.filter(|_| job.held).map(|(shape, never)| Unfit {
            shape,
            reason: never.unwrap_or(PendingReason::BadConstraints),
        });
        PartEval {
            pos,
            part,
            violation,
            fit,
            unfit,
            node_reason,
        }
    }

    /// The first partition limit the job breaks (`_part_access_check()`,
    /// `_valid_job_part()`), as rejection and pending reason.
    fn limit_violation<V: NodeView>(
        view: &V,
        pos: usize,
        part: &Partition,
        job: &JobView<'_>,
        counts: Counts,
    ) -> Option<(RejectReason, PendingReason)> {
        let (req, qos) = (job.req, job.qos);
        let flags = qos.map_or(QosFlags::empty(), |q| q.flags);
        let name = part.name.clone();
        // DOWN partitions skip these checks (they only apply to partitions that schedule,
        // `PARTITION_SCHED`); `check_list_limits` covers them with the highest limits of
        // the list (observed on 22.05).
        if part.state == PartitionState::Up {
            let total_cpus = view.total_cpus(pos, part);
            let min_cpus = u64::from(counts.ntasks) * u64::from(counts.cpus_per_task);
            let total_nodes = part.nodes.len() as u64;
            // MaxCPUsPerNode caps what the partition's nodes give its jobs (observed on
            // 22.05: 4 nodes, MaxCPUsPerNode=4: `-n 17` refused, `-n 16` accepted).
            let capped = part
                .max_cpus_per_node
                .map(|cap| u64::from(cap).saturating_mul(total_nodes));
            if min_cpus > total_cpus || capped.is_some_and(|c| min_cpus > c) {
                return Some((
                    RejectReason::TooManyCpus { partition: name },
                    PendingReason::PartitionConfig,
                ));
            }
            if let Some(min) = counts.nodes_min
                && u64::from(min) > total_nodes
            {
                return Some((
                    RejectReason::InvalidNodeCount,
                    PendingReason::PartitionNodeLimit,
                ));
            }
            if let Some(node) = view.first_outside(pos, part, req) {
                return Some((
                    RejectReason::NodesNotInPartition {
                        partition: name,
                        node: node.clone(),
                    },
                    PendingReason::PartitionConfig,
                ));
            }
            if let Some(min) = counts.nodes_min
                && min < part.min_nodes
                && !flags.contains(QosFlags::PARTITION_MIN_NODES)
            {
                return Some((
                    RejectReason::InvalidNodeCount,
                    PendingReason::PartitionNodeLimit,
                ));
            }
            if let (Some(max), Some(part_max)) = (counts.nodes_max, part.max_nodes)
                && max > part_max
                && !flags.contains(QosFlags::PARTITION_MAX_NODES)
            {
                return Some((
                    RejectReason::InvalidNodeCount,
                    PendingReason::PartitionNodeLimit,
                ));
            }
            // Without --time the job has the first listed partition's DefaultTime from
            // submit on (`_valid_job_part()`), and each partition's MaxTime is checked
            // against it (observed on 22.05: `-p CPU-16,short -n 9` with CPU-16's
            // DefaultTime of 60 min over short's MaxTime of 10, EnforcePartLimits=ALL:
            // refused, "Requested partition configuration not available now").
            if let Some(t) = req.time_limit.or(job.first_listed.default_time)
                && t > part.max_time
                && !flags.contains(QosFlags::PARTITION_TIME_LIMIT)
            {
                return Some((
                    RejectReason::InvalidTimeLimit { partition: name },
                    PendingReason::PartitionTimeLimit,
                ));
            }
        }
        if let Some(q) = qos {
            let allowed = match &part.allow_qos {
                Some(list) => list.iter().any(|a| a == &q.name),
                None => !part.deny_qos.iter().any(|d| d == &q.name),
            };
            if !allowed {
                return Some((
                    RejectReason::QosNotAllowed {
                        partition: name,
                        qos: q.name.clone(),
                    },
                    PendingReason::QOSNotAllowed,
                ));
            }
        }
        if let Some(account) = &req.account {
            let allowed = match &part.allow_accounts {
                Some(list) => list.iter().any(|a| a == account),
                None => !part.deny_accounts.iter().any(|d| d == account),
            };
            if !allowed {
                return Some((
                    RejectReason::AccountNotAllowed {
                        partition: name,
                        account: account.clone(),
                    },
                    PendingReason::AccountNotAllowed,
                ));
            }
        }
        None
    }

    /// Applies EnforcePartLimits to the partitions' own limits (`_valid_job_part()`):
    /// `ALL` refuses with the first partition's violation, `ANY` refuses when no
    /// partition both keeps its limits and can run the job, with the last partition's
    /// violation; `NO` lets everything through.
    ///
    /// Observed on 22.05, `a` over MaxNodes and MaxTime, `b` over MaxTime: under `ALL`
    /// `-p a,b -N2 -t 120` gives "Node count specification invalid" (a's) and `-p b,a`
    /// "Requested time limit is invalid" (b's); under `ANY` the other way round.
    fn enforce_part_limits(&self, evals: &[PartEval<'_>]) -> Result<(), Rejection> {
        match self.config().enforce_part_limits {
            EnforcePartLimits::All => {
                if let Some((reason, _)) = evals.iter().find_map(|e| e.violation.clone()) {
                    return Err(reason.into());
                }
            }
            EnforcePartLimits::Any => {
                // Accepted only if one partition both keeps its limits and can run the
                // job at all: a partition that can never run it is no way out of a limit.
                // A held job's nodes are not tested: any partition keeping its limits is.
                let acceptable = evals
                    .iter()
                    .any(|e| e.violation.is_none() && (e.fit.is_ok() || e.unfit.is_some()));
                if !acceptable
                    && let Some((reason, _)) = evals.iter().rev().find_map(|e| e.violation.clone())
                {
                    return Err(reason.into());
                }
            }
            EnforcePartLimits::No => {}
        }
        Ok(())
    }

    /// The checks `_valid_job_part()` makes against the listed partitions taken
    /// together, after each one's own limits: the job's node counts against the highest
    /// MaxNodes and lowest MinNodes, the first listed partition's DefaultTime of 0,
    /// `--time-min` against the highest MaxTime and the time limit, and (when
    /// EnforcePartLimits is set and there is no `--time-min`) `--time` against the
    /// highest MaxTime. These also cover DOWN partitions, whose own node and time checks
    /// are skipped (observed on 22.05, `a` DOWN with MaxTime=10 and MaxNodes=1, `b`
    /// MaxTime=60, EnforcePartLimits=ALL: `-p a -t 30` and `-p a -N2` are refused,
    /// `-p a,b -t 30` and `-p a -t 30 --time-min=5` accepted).
    ///
    /// `--time-min` is thus checked against the largest MaxTime of the listed
    /// partitions, whatever EnforcePartLimits says (observed on 22.05, `a` MaxTime=10,
    /// `b` 60: `-p a,b -t 30 --time-min=20` accepted and run in `b`, `-p a,b -t 90
    /// --time-min=70` and `-p a -t 30 --time-min=20` refused), and against the
    /// DefaultTime of the first listed partition when there is no `--time` (observed:
    /// both with DefaultTime=5, `-p a,b --time-min=20` and `-p b,a --time-min=6`
    /// refused, `-p b,a --time-min=5` accepted). A QOS with PartitionTimeLimit (or
    /// PartitionMaxNodes, PartitionMinNodes) lifts the matching checks.
    fn check_list_limits(
        &self,
        job: &JobView<'_>,
        candidates: &[(usize, &Partition)],
    ) -> Result<(), Rejection> {
        let enforce = self.config().enforce_part_limits != EnforcePartLimits::No;
        let flags = job.qos.map_or(QosFlags::empty(), |q| q.flags);
        let (req, counts) = (job.req, job.counts);
        let parts = || candidates.iter().map(|&(_, p)| p);
        // None: some partition has no MaxNodes.
        let max_nodes = parts().try_fold(0u32, |acc, p| p.max_nodes.map(|m| acc.max(m)));
        let min_nodes = parts().map(|p| p.min_nodes).min().unwrap_or(0);
        let max_time = parts()
            .map(|p| p.max_time)
            .max()
            .unwrap_or(TimeLimit::Unlimited);
        if enforce
            && let (Some(min), Some(part_max)) = (counts.nodes_min, max_nodes)
            && min > part_max
            && !flags.contains(QosFlags::PARTITION_MAX_NODES)
        {
            return Err(RejectReason::InvalidNodeCount.into());
        }
        if enforce
            && let Some(max) = counts.nodes_max
            && max < min_nodes
            && !flags.contains(QosFlags::PARTITION_MIN_NODES)
        {
            return Err(RejectReason::InvalidNodeCount.into());
        }
        let zero = TimeLimit::Limited(crate::time::Duration::from_secs(0));
        if req.time_limit.is_none() && job.first_listed.default_time == Some(zero) {
            // "job's default time is 0": Slurm refuses rather than run 0-minute jobs.
            return Err(RejectReason::InvalidTimeLimit {
                partition: job.first_listed.name.clone(),
            }
            .into());
        }
        if flags.contains(QosFlags::PARTITION_TIME_LIMIT) {
            return Ok(());
        }
        if let Some(min) = req.time_min
            && min > max_time
        {
            return Err(RejectReason::InvalidTimeMin.into());
        }
        if enforce
            && req.time_min.is_none()
            && let Some(t) = req.time_limit
            && t > max_time
        {
            let partition = parts().next().map(|p| p.name.clone()).unwrap_or_default();
            return Err(RejectReason::InvalidTimeLimit { partition }.into());
        }
        if let Some(min) = req.time_min
            && let Some(limit) = req.time_limit.or(job.first_listed.default_time)
            && min > limit
        {
            return Err(RejectReason::InvalidTimeMin.into());
        }
        Ok(())
    }

    /// How the job fits the nodes of `part`, or why it never can. With `any_nodes` (a job
    /// submitted held, whose nodes slurmctld does not test) a job no node can run gets a
    /// shape all the same, with the reason it pends with once released.
    #[allow(clippy::too_many_arguments)]
    fn fit<V: NodeView>(
        &self,
        view: &V,
        pos: usize,
        part: &Partition,
        job: &JobView<'_>,
        counts: Counts,
        memory_req: Option<MemoryRequest>,
        limited: bool,
        any_nodes: bool,
    ) -> Result<(JobShape, Option<PendingReason>), RejectReason> {
        let (req, qos) = (job.req, job.qos);
        let whole_nodes = match part.oversubscribe {
            OverSubscribe::Exclusive => true,
            OverSubscribe::Force(_) => false,
            OverSubscribe::No | OverSubscribe::Yes(_) => {
                matches!(req.exclusive, Some(Exclusive::Node | Exclusive::Topo))
            }
        };
        let user_exclusive = part.exclusive_user || req.exclusive == Some(Exclusive::User);
        let cpt = counts.cpus_per_task;
        // `-O`: CPUs as for one task per node, `-c` each ("the resources are allocated
        // as if only one task per node is requested"; observed on 22.05: `-n 8 -O` runs
        // on 1 node with NumCPUs=1, `-n 2 -c 4 -O` with 4). Not for whole nodes.
        let overcommit = req.overcommit && !whole_nodes;
        let fit_counts = if overcommit {
            Counts {
                ntasks: counts.nodes_min.unwrap_or(1).max(1),
                ntasks_set: false,
                ntasks_per_node: None,
                ..counts
            }
        } else {
            counts
        };
        let tasks_per_node_min = fit_counts.ntasks_per_node.unwrap_or(1);
        let per_node_gres = per_node_gres(req);
        // `--gpus=0` asks for nothing (observed on 22.05: accepted on a partition
        // without GPUs, held with TresPerJob=gres:gpu:0).
        let per_job_gpus = req.gpus.as_deref().filter(|g| g.count > 0);
        let gpus_per_node_hint: u64 = per_node_gres
            .iter()
            .filter(|g| g.key.name == "gpu")
            .map(|g| g.count)
            .sum::<u64>()
            .max(u64::from(per_job_gpus.is_some()));
        // CPUs per GPU: `--cpus-per-gpu`, else (without `-c`) the partition's, else the
        // cluster's DefCPUPerGPU (`_set_gpu_defaults()` in cons_tres). Each node gets
        // them for its GPUs (observed on 22.05: gpu:2 with 3 per GPU runs on 6 CPUs,
        // `-n 4` with gpu:1 and 3 per GPU on 4).
        let cpus_per_gpu = req.cpus_per_gpu.or_else(|| {
            req.cpus_per_task
                .is_none()
                .then(|| part.def_cpu_per_gpu.or(self.config().def_cpu_per_gpu))
                .flatten()
        });
        let gpu_cpus_per_node = cpus_per_gpu.map_or(0, |c| {
            u32::try_from(gpus_per_node_hint.saturating_mul(u64::from(c))).unwrap_or(u32::MAX)
        });
        let cpus_per_node_min = if overcommit {
            cpt
        } else {
            req.min_cpus_per_node(cpt)
        };
        // The CPUs a node gives the job's tasks, without a `--mincpus` floor above them:
        // what the partition's MaxCPUsPerNode bounds (see `NodeDemand::cpu_ok`).
        let task_cpus_per_node = if overcommit {
            cpt
        } else {
            req.ntasks_per_node.unwrap_or(1).saturating_mul(cpt)
        };
        let memory = resolve_memory(memory_req, part, self, gpus_per_node_hint > 0);
        let mem_per_node_min = match memory {
            ResolvedMemory::PerNode(m) => m.mib(),
            // The submit test counts --mem-per-cpu for the CPUs of the tasks, not for a
            // `--mincpus` above them (observed on 22.05, generated g03025 and g03052:
            // `--mincpus=14 --mem-per-cpu=12G` on 128 GB nodes is accepted, then never
            // planned: the scheduler counts all 14 CPUs).
            ResolvedMemory::PerCpu(m) => m.mib().saturating_mul(u64::from(
                task_cpus_per_node
                    .max(gpu_cpus_per_node)
                    .min(cpus_per_node_min),
            )),
            ResolvedMemory::PerGpu(m) => m.mib().saturating_mul(gpus_per_node_hint),
            ResolvedMemory::WholeNode => 0,
        };
        // MaxMemPerNode (partition, else cluster): a bigger --mem is rejected.
        let max_per_node = match part.max_mem {
            Some(MaxMem::PerNode(m)) => Some(m),
            Some(MaxMem::PerCpu(_)) => None,
            None => self.config().max_mem_per_node,
        };
        if let Some(max) = max_per_node
            && mem_per_node_min > max.mib()
        {
            return Err(RejectReason::InvalidTaskMemory);
        }
        let mut demand = NodeDemand {
            partition: &part.name,
            req,
            counts: fit_counts,
            cpus_per_node_min,
            task_cpus_per_node,
            mem_per_node_min,
            per_node_gres: &per_node_gres,
            per_job_gpus,
            mem_per_cpu: match memory {
                ResolvedMemory::PerCpu(m) if m.mib() > 0 => Some(m.mib()),
                _ => None,
            },
            limited,
            whole_nodes,
            runtime: Some(RuntimeLimits {
                cpu_cap: part.max_cpus_per_node,
                tmp_mib: req.tmp.map_or(0, Memory::mib),
                gpu_cpus: gpu_cpus_per_node,
            }),
            max_nodes: Self::node_cap(part, counts, qos),
            asked_mib: match memory {
                ResolvedMemory::PerNode(m) | ResolvedMemory::PerCpu(m) => m.mib(),
                ResolvedMemory::PerGpu(_) | ResolvedMemory::WholeNode => 0,
            },
        };
        let (nodes, never) = match view.fit_nodes(pos, part, &demand) {
            Ok(nodes) => (nodes, None),
            Err(why) if !any_nodes => return Err(why),
            // No node can run it, for a job accepted anyway (held): the reason
            // slurmctld's node test leaves it with in this partition, and the node counts
            // it would get were the limits of the running node left out (MaxCPUsPerNode,
            // MemSpecLimit, TmpDisk, CPUs per GPU), else the counts it asked for (a
            // whole-node job is counted its tasks' CPUs: there are no nodes to count).
            Err(_) => {
                let reason = if view.config_matches(pos, part, &demand) {
                    PendingReason::Resources
                } else {
                    PendingReason::BadConstraints
                };
                demand.runtime = None;
                let nodes = view.fit_nodes(pos, part, &demand).unwrap_or_else(|_| {
                    let min = counts.nodes_min.unwrap_or(1).max(1);
                    NodeFit {
                        min_nodes: min,
                        max_nodes: counts.nodes_max.unwrap_or(min).max(min),
                        whole_node_cpus: counts.ntasks.saturating_mul(cpt),
                    }
                });
                (nodes, Some(reason))
            }
        };
        let min_nodes = nodes.min_nodes;
        // Without -n, each node gets at least its default task.
        let ntasks = if counts.ntasks_set || overcommit {
            counts.ntasks
        } else {
            counts
                .ntasks
                .max(min_nodes.saturating_mul(tasks_per_node_min))
        };
        let gres_per_node = per_node_gres;
        let cpu_tasks = if overcommit { min_nodes } else { ntasks };
        let task_cpus = cpu_tasks
            .saturating_mul(cpt)
            .max(min_nodes.saturating_mul(cpt))
            .max(min_nodes.saturating_mul(gpu_cpus_per_node));
        // `--gpus`: the node counts and CPUs its nodes are chosen with (the GPUs are
        // spread when its nodes are chosen, one GPU's CPUs at least on each).
        let gpus_per_job = per_job_gpus.map(|g| {
            let min = counts.nodes_min.unwrap_or(1).max(1);
            // A `-N` maximum is at most the GPU count already (`check_request`); without
            // one, the partition's MaxNodes is the only bound (`_test_gres_cnt()` caps
            // only a maximum the job gave).
            let mut max = counts
                .nodes_max
                .or(Self::node_cap(part, counts, qos))
                .unwrap_or(u32::MAX);
            if counts.ntasks_set {
                max = max.min(counts.ntasks);
            }
            let choice_tasks = if counts.ntasks_set || overcommit {
                counts.ntasks
            } else {
                counts.ntasks.max(min.saturating_mul(tasks_per_node_min))
            };
            let cpg = u64::from(cpus_per_gpu.unwrap_or(0));
            let gpu_cpus = u32::try_from(g.count.saturating_mul(cpg)).unwrap_or(u32::MAX);
            Box::new(GpusPerJob {
                spec: g.clone(),
                cpus_per_gpu: cpus_per_gpu.unwrap_or(0),
                min_nodes: min,
                max_nodes: max.max(min),
                min_cpus: choice_tasks.saturating_mul(cpt).max(cpt).max(gpu_cpus),
            })
        });
        // Whole nodes: the CPUs of its smallest nodes, and never fewer than its tasks
        // need (`-n 4 -c 8` on 16-CPU nodes takes two of them).
        let min_cpus = if whole_nodes {
            nodes.whole_node_cpus.max(task_cpus)
        } else {
            task_cpus
        };
        let time_limit = resolve_time_limit(part, job.first_listed, req, qos);
        let shape = JobShape {
            min_nodes,
            max_nodes: nodes.max_nodes.max(min_nodes),
            ntasks,
            cpus_per_task: cpt,
            min_cpus,
            min_cpus_per_node: cpus_per_node_min.max(gpu_cpus_per_node).max(cpt).max(1),
            task_cpus_per_node: task_cpus_per_node.max(gpu_cpus_per_node).max(cpt).max(1),
            memory,
            gres_per_node: gres_per_node.into(),
            gpus_per_job,
            time_limit,
            whole_nodes,
            user_exclusive,
        };
        Ok((shape, never))
    }

    /// The most nodes a job may be given in `part`: its MaxNodes, which `get_node_cnts()`
    /// (node_scheduler.c) makes the job's maximum whatever EnforcePartLimits says, so a
    /// job without `-N` whose tasks need more nodes than that never runs there (observed
    /// on 22.05: `-p short -n 9`, MaxNodes=2 on 4-CPU nodes, is refused with "Requested
    /// node configuration is not available", fidelity scenario g00024). None when a QOS
    /// with PartitionMaxNodes lifts it, or when the job's own `-N` is above it: that job
    /// breaks the partition's node limit instead (`Cluster::limit_violation`), and pends
    /// with PartitionNodeLimit where EnforcePartLimits lets it through.
    fn node_cap(part: &Partition, counts: Counts, qos: Option<&Qos>) -> Option<u32> {
        let lifted = qos.is_some_and(|q| q.flags.contains(QosFlags::PARTITION_MAX_NODES));
        part.max_nodes
            .filter(|&cap| !lifted && counts.nodes_min.is_none_or(|min| min <= cap))
    }
}

/// The request with `--nodelist` as sbatch sends it: when `-n` is below the number of
/// listed nodes, the node count becomes `-n` (see `check_request`) and only the first
/// `-n` nodes of the list, sorted and without duplicates, are kept (`_opt_verify()`
/// pops the others; observed on 22.05: `-n1 -w cpu4-2,cpu4-1` runs on cpu4-1 with
/// ReqNodeList=cpu4-1, `-n2 -w cpu4-[2-4]` gets ReqNodeList=cpu4-[2-3], `-n2 -w
/// cpu4-4,cpu4-1,cpu4-2` cpu4-[1-2], `-n1 -N2 -w cpu4-[1-2]` cpu4-1). A node range the
/// list does not fit in is refused first, with the whole list.
/// When a job is resolved: what partition states mean depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// At submit: DRAIN and INACTIVE partitions take no new job.
    Submit,
    /// Already queued: DRAIN partitions still run it, INACTIVE ones hold it.
    Queued,
}

fn sbatch_nodelist(req: &JobRequest) -> Cow<'_, JobRequest> {
    let Some(n) = req.ntasks.filter(|&n| n > 0) else {
        return Cow::Borrowed(req);
    };
    let listed = distinct_count(&req.nodelist);
    if listed <= n || req.nodes.is_some_and(|nc| listed > nc.max) {
        return Cow::Borrowed(req);
    }
    let Ok(sorted) = crate::hostlist::expand(&crate::hostlist::compress(&req.nodelist)) else {
        return Cow::Borrowed(req);
    };
    let mut adjusted = req.clone();
    adjusted.nodelist = sorted.into_iter().take(n as usize).collect();
    // "setting nnodes to N": what `check_request` would make of the whole list.
    adjusted.nodes = Some(crate::request::NodeCount { min: n, max: n });
    Cow::Owned(adjusted)
}

/// The partitions that can run the job at all (node configuration), with its shape in
/// each, in the order tested; when none can, every partition's reason, each once.
fn fitting_partitions<'e, 'a>(
    evals: &'e [PartEval<'a>],
) -> Result<Vec<(&'e PartEval<'a>, &'e JobShape)>, Rejection> {
    let fitting: Vec<(&PartEval<'a>, &JobShape)> = evals
        .iter()
        .filter_map(|e| e.fit.as_ref().ok().map(|s| (e, s)))
        .collect();
    if fitting.is_empty() {
        let mut reasons: Vec<RejectReason> = Vec::new();
        for reason in evals.iter().filter_map(|e| e.fit.clone().err()) {
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        return Err(Rejection { reasons });
    }
    Ok(fitting)
}

/// The first per-job limit of `qos` the job breaks, as its pending reason.
///
/// The time limit is the resolved one: a partition DefaultTime above the QOS MaxWall
/// breaks the limit too, as in `_qos_policy_validate()` (DefaultTime is applied
/// before the QOS is checked). `whole_node_mib` is the least memory of a node of the
/// job's partition, what a whole-node job is counted for.
fn qos_violation(
    qos: &Qos,
    shape: &JobShape,
    whole_node_mib: Option<u64>,
) -> Option<PendingReason> {
    if let Some(w) = qos.max_wall
        && shape.time_limit > w
    {
        return Some(PendingReason::QOSMaxWallDurationPerJobLimit);
    }
    let usage = JobUsage::of(shape, whole_node_mib);
    let over = |limits: &TresLimits| -> Option<TresKind> {
        limits
            .0
            .iter()
            .find(|(kind, max)| usage.amount(kind).is_some_and(|a| a > **max))
            .map(|(k, _)| k.clone())
    };
    let under = |limits: &TresLimits| -> Option<TresKind> {
        limits
            .0
            .iter()
            .find(|(kind, min)| usage.amount(kind).is_some_and(|a| a < **min))
            .map(|(k, _)| k.clone())
    };
    if let Some(kind) = over(&qos.max_tres_per_job) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMaxNodePerJobLimit,
            TresKind::Cpu => PendingReason::QOSMaxCpuPerJobLimit,
            TresKind::Mem => PendingReason::QOSMaxMemoryPerJob,
            _ => PendingReason::QOSMaxGRESPerJob,
        });
    }
    if let Some(kind) = under(&qos.min_tres_per_job) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMinNode,
            TresKind::Cpu => PendingReason::QOSMinCpuNotSatisfied,
            TresKind::Mem => PendingReason::QOSMinMemory,
            _ => PendingReason::QOSMinGRES,
        });
    }
    // A lone job bigger than a per-user cap can never start under it.
    if let Some(kind) = over(&qos.max_tres_per_user) {
        return Some(match kind {
            TresKind::Node => PendingReason::QOSMaxNodePerUserLimit,
            TresKind::Cpu => PendingReason::QOSMaxCpuPerUserLimit,
            TresKind::Mem => PendingReason::QOSMaxMemoryPerUser,
            _ => PendingReason::QOSMaxGRESPerUser,
        });
    }
    None
}

/// The time limit in `part`: `--time`, else the DefaultTime of the first partition
/// listed, else the QOS MaxWall (when below MaxTime), else the DefaultTime of `part`,
/// else its MaxTime. `--time-min` and a first DefaultTime of 0 were checked before, for
/// the whole partition list (`Cluster::check_list_limits`).
///
/// slurmctld gives a job without `--time` the DefaultTime of the first partition listed
/// (`part_ptr` in `_valid_job_part()`), whichever partition it later runs in (observed:
/// `-p a,b` running in `b` keeps `a`'s DefaultTime). When that partition has no
/// DefaultTime the limit stays unset until the job starts, and `select_nodes()` then
/// uses the DefaultTime, else the MaxTime, of the partition it starts in (observed with
/// the main scheduler; the backfill scheduler uses that partition's MaxTime).
fn resolve_time_limit(
    part: &Partition,
    first_listed: &Partition,
    req: &JobRequest,
    qos: Option<&Qos>,
) -> TimeLimit {
    let zero = TimeLimit::Limited(crate::time::Duration::from_secs(0));
    if let Some(t) = req.time_limit {
        return t;
    }
    if let Some(d) = first_listed.default_time {
        return d;
    }
    let wall = qos.and_then(|q| q.max_wall);
    match (wall, part.default_time) {
        (Some(w), _) if w < part.max_time => w,
        // Only a partition after the first gets here with a DefaultTime; a 0 one is not
        // checked at submit, and a 0-minute job is not what it means.
        (_, Some(d)) if d != zero => d,
        _ => part.max_time,
    }
}

/// The least resources an accepted job uses, for QOS TRES limits.
struct JobUsage<'j> {
    nodes: u64,
    cpus: u64,
    mem: Option<u64>,
    gres: &'j [GresSpec],
    /// `--gpus`: counted once for the job, not per node.
    gpus_per_job: Option<&'j GresSpec>,
}

impl<'j> JobUsage<'j> {
    fn of(shape: &'j JobShape, whole_node_mib: Option<u64>) -> Self {
        let nodes = u64::from(shape.min_nodes);
        let cpus = u64::from(shape.min_cpus);
        let gpus_per_node: u64 = shape
            .gres_per_node
            .iter()
            .filter(|g| g.key.name == "gpu")
            .map(|g| g.count)
            .sum();
        let mem = match shape.memory {
            ResolvedMemory::PerNode(m) => Some(m.mib().saturating_mul(nodes)),
            ResolvedMemory::PerCpu(m) => Some(m.mib().saturating_mul(cpus)),
            ResolvedMemory::PerGpu(m) => {
                let job_gpus = shape.gpus_per_job().map_or(0, |g| g.count);
                let gpus = gpus_per_node.saturating_mul(nodes).saturating_add(job_gpus);
                Some(m.mib().saturating_mul(gpus))
            }
            ResolvedMemory::WholeNode => whole_node_mib.map(|m| m.saturating_mul(nodes)),
        };
        Self {
            nodes,
            cpus,
            mem,
            gres: &shape.gres_per_node,
            gpus_per_job: shape.gpus_per_job(),
        }
    }

    /// The job's amount of one TRES, if hpcsched counts it.
    fn amount(&self, kind: &TresKind) -> Option<u64> {
        match kind {
            TresKind::Node => Some(self.nodes),
            TresKind::Cpu => Some(self.cpus),
            TresKind::Mem => self.mem,
            TresKind::Gres(key) => {
                // A typed limit does not apply to untyped requests (resource_limits.shtml).
                let counted = |g: &&GresSpec| {
                    g.key.name == key.name && (key.kind.is_none() || g.key.kind == key.kind)
                };
                let per_node = self
                    .gres
                    .iter()
                    .filter(counted)
                    .map(|g| g.count)
                    .sum::<u64>()
                    .saturating_mul(self.nodes);
                let per_job = self.gpus_per_job.filter(counted).map_or(0, |g| g.count);
                Some(per_node.saturating_add(per_job))
            }
            _ => None,
        }
    }
}

/// Applies MaxMemPerCPU to `--mem-per-cpu` as `_valid_pn_min_mem()` does: the memory is
/// divided and `-c` multiplied by `ceil(requested / max)`.
fn adjust_mem_per_cpu(
    mut counts: Counts,
    memory: Option<MemoryRequest>,
    max_per_cpu: Option<Memory>,
) -> (Counts, Option<MemoryRequest>) {
    if let (Some(MemoryRequest::PerCpu(m)), Some(max)) = (memory, max_per_cpu)
        && max.mib() > 0
        && m.mib() > max.mib()
    {
        let ratio = m.mib().div_ceil(max.mib());
        let ratio32 = u32::try_from(ratio).unwrap_or(u32::MAX);
        counts.cpus_per_task = counts.cpus_per_task.saturating_mul(ratio32);
        let per_cpu = Memory::from_mib(m.mib().div_ceil(ratio));
        return (counts, Some(MemoryRequest::PerCpu(per_cpu)));
    }
    (counts, memory)
}

/// The memory request, else the partition default, else the cluster default, else
/// whole nodes (SLURM_NOTES §11: 0 means all of the node's memory).
fn resolve_memory(
    req: Option<MemoryRequest>,
    part: &Partition,
    cluster: &Cluster,
    has_gpus: bool,
) -> ResolvedMemory {
    match req {
        Some(MemoryRequest::PerNode(m) | MemoryRequest::PerCpu(m)) if m.mib() == 0 => {
            ResolvedMemory::WholeNode
        }
        Some(MemoryRequest::PerNode(m)) => ResolvedMemory::PerNode(m),
        Some(MemoryRequest::PerCpu(m)) => ResolvedMemory::PerCpu(m),
        Some(MemoryRequest::PerGpu(m)) => ResolvedMemory::PerGpu(m),
        None => {
            let pick = |d: Option<DefMem>| match d {
                Some(DefMem::PerCpu(m)) if m.mib() > 0 => Some(ResolvedMemory::PerCpu(m)),
                Some(DefMem::PerNode(m)) if m.mib() > 0 => Some(ResolvedMemory::PerNode(m)),
                Some(DefMem::PerGpu(m)) if m.mib() > 0 && has_gpus => {
                    Some(ResolvedMemory::PerGpu(m))
                }
                _ => None,
            };
            // A job with GPUs gets DefMemPerGPU, the partition's else the cluster's, over
            // a DefMemPerCPU (`_set_gpu_defaults()`; observed on 22.05: the cluster's
            // DefMemPerGPU=1000 with the partition's DefMemPerCPU=8192 gives
            // `--gres=gpu:1` 1000M, `-n 2` 16G).
            let gpu_default = match (part.def_mem, cluster.config().def_mem_per_gpu) {
                (Some(DefMem::PerGpu(_)), _) | (_, None) => None,
                (_, Some(m)) if has_gpus => Some(ResolvedMemory::PerGpu(m)),
                _ => None,
            };
            gpu_default
                .or_else(|| pick(part.def_mem))
                .or_else(|| pick(cluster.config().def_mem))
                .unwrap_or(ResolvedMemory::WholeNode)
        }
    }
}

/// Every GRES the request names (`--gres`, `--gpus-per-node`, `--gpus`).
fn requested_gres(req: &JobRequest) -> impl Iterator<Item = &GresSpec> {
    req.gres
        .iter()
        .chain(req.gpus_per_node.as_deref())
        .chain(req.gpus.as_deref())
}

/// The GRES each node must have: `--gres` and `--gpus-per-node`, same keys summed.
fn per_node_gres(req: &JobRequest) -> Vec<GresSpec> {
    let mut out: Vec<GresSpec> = Vec::new();
    for g in req.gres.iter().chain(req.gpus_per_node.as_deref()) {
        merge_gres(&mut out, g.clone());
    }
    out
}

fn merge_gres(list: &mut Vec<GresSpec>, spec: GresSpec) {
    if let Some(existing) = list.iter_mut().find(|g| g.key == spec.key) {
        existing.count = existing.count.max(spec.count);
    } else {
        list.push(spec);
    }
}

/// The hardware the fit checks read, from one node or from a kind of identical nodes.
trait Hardware {
    fn cpus(&self) -> u32;
    fn memory_mib(&self) -> u64;
    /// `RealMemory` less `MemSpecLimit`: what jobs may use when they run.
    fn usable_memory_mib(&self) -> u64;
    fn tmp_disk_mib(&self) -> u64;
    fn gres(&self) -> &[GresSpec];
    fn features(&self) -> &[String];
}

impl Hardware for Node {
    fn cpus(&self) -> u32 {
        self.cpus
    }
    fn memory_mib(&self) -> u64 {
        self.real_memory.mib()
    }
    fn usable_memory_mib(&self) -> u64 {
        self.usable_memory().mib()
    }
    fn tmp_disk_mib(&self) -> u64 {
        self.tmp_disk.mib()
    }
    fn gres(&self) -> &[GresSpec] {
        &self.gres
    }
    fn features(&self) -> &[String] {
        &self.features
    }
}

impl Hardware for NodeKind {
    fn cpus(&self) -> u32 {
        self.cpus
    }
    fn memory_mib(&self) -> u64 {
        self.real_memory.mib()
    }
    fn usable_memory_mib(&self) -> u64 {
        self.real_memory
            .mib()
            .saturating_sub(self.mem_spec_limit.mib())
    }
    fn tmp_disk_mib(&self) -> u64 {
        self.tmp_disk.mib()
    }
    fn gres(&self) -> &[GresSpec] {
        &self.gres
    }
    fn features(&self) -> &[String] {
        &self.features
    }
}

/// How many of `key` a node has: an untyped key counts every type of that name, a
/// typed key only that type (cons_tres `gres_sock_list.c`).
fn node_gres_count<H: Hardware + ?Sized>(node: &H, key: &GresKey) -> u64 {
    node.gres()
        .iter()
        .filter(|g| g.key.name == key.name)
        .filter(|g| key.kind.is_none() || g.key.kind == key.kind)
        .map(|g| g.count)
        .fold(0u64, u64::saturating_add)
}

/// How many distinct names a list holds.
fn distinct_count(names: &[String]) -> u32 {
    let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.len() as u32
}

/// The highest index of an array specification.
fn array_max_index(array: &crate::array::ArraySpec) -> u32 {
    array.max()
}

/// The parts of the request the per-partition evaluation reads.
struct JobView<'r> {
    req: &'r JobRequest,
    counts: Counts,
    qos: Option<&'r Qos>,
    /// The first partition listed, whose DefaultTime applies in every partition.
    first_listed: &'r Partition,
    /// Submitted held (`-H`): its nodes are not tested at submit.
    held: bool,
    /// It lists several partitions.
    several: bool,
}

/// What one node must offer for a share of the job, in one partition.
struct NodeDemand<'r> {
    /// The partition, for error messages.
    partition: &'r str,
    req: &'r JobRequest,
    counts: Counts,
    /// The CPUs a node must have for the job: its tasks' (`--ntasks-per-node` × `-c`),
    /// at least `--mincpus`.
    cpus_per_node_min: u32,
    /// The CPUs a node gives the job's tasks, without `--mincpus`: what MaxCPUsPerNode
    /// bounds.
    task_cpus_per_node: u32,
    mem_per_node_min: u64,
    per_node_gres: &'r [GresSpec],
    per_job_gpus: Option<&'r GresSpec>,
    /// The per-CPU memory (MiB) when memory is per CPU, to bound tasks per node.
    mem_per_cpu: Option<u64>,
    /// The job pends on a partition limit: fit it on the nodes there are.
    limited: bool,
    /// Whole nodes: the whole-node CPU count is wanted.
    whole_nodes: bool,
    /// Test the nodes with the partition's MaxCPUsPerNode, `--tmp` against TmpDisk,
    /// memory less MemSpecLimit and the CPUs its GPUs need, as Slurm's submit-time test
    /// does (a job no node passes is refused; observed on 22.05). `None` only to size a
    /// job submitted held, whose nodes slurmctld does not test: it is accepted, and pends
    /// with BadConstraints once released.
    runtime: Option<RuntimeLimits>,
    /// The most nodes the job may be given in the partition (its MaxNodes), if capped.
    max_nodes: Option<u32>,
    /// The memory (MiB) the job asks for, per node or per CPU: what slurmctld compares
    /// with a node's RealMemory before any count (`_build_node_list()`).
    asked_mib: u64,
}

/// The limits a node puts on a job beyond its size (see [`NodeDemand::runtime`]).
/// slurmctld's node test applies them all, at submit and when it schedules; a job
/// submitted held skips that test at submit, so these are what let such a job be
/// accepted without a node that can run it.
#[derive(Debug, Clone, Copy)]
struct RuntimeLimits {
    /// MaxCPUsPerNode: the most CPUs a node gives the job's tasks and GPUs (a
    /// `--mincpus` floor above it is given all the same, see [`NodeDemand::cpu_ok`]); a
    /// whole-node job can not use a node with more (`_allocate_sc()` in cons_common.c).
    cpu_cap: Option<u32>,
    /// `--tmp` (MiB), against TmpDisk (`_build_node_list()`: "Temporary disk
    /// specification can not be satisfied").
    tmp_mib: u64,
    /// The CPUs a node must give for its GPUs (`--cpus-per-gpu`, DefCPUPerGPU), which the
    /// select plugin checks against the CPUs it can give (observed on 22.05: 20 per GPU
    /// on 16-CPU nodes is refused at submit).
    gpu_cpus: u32,
}

impl NodeDemand<'_> {
    /// The CPUs a node can give the job's tasks.
    fn node_cpus<H: Hardware + ?Sized>(&self, n: &H) -> u32 {
        match self.runtime.and_then(|r| r.cpu_cap) {
            Some(cap) if self.whole_nodes && n.cpus() > cap => 0,
            Some(cap) => n.cpus().min(cap),
            None => n.cpus(),
        }
    }
    /// The memory a node can give the job (MiB).
    fn node_memory<H: Hardware + ?Sized>(&self, n: &H) -> u64 {
        if self.runtime.is_some() {
            n.usable_memory_mib()
        } else {
            n.memory_mib()
        }
    }
    fn tmp_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        self.runtime.is_none_or(|r| n.tmp_disk_mib() >= r.tmp_mib)
    }
    fn unavailable(&self, why: &str) -> RejectReason {
        RejectReason::NodeConfigUnavailable {
            partition: self.partition.to_string(),
            why: why.to_string(),
        }
    }
    /// The job needs `nodes` nodes, more than the partition's MaxNodes.
    fn over_max_nodes(&self, nodes: u32) -> RejectReason {
        let cap = self.max_nodes.unwrap_or(u32::MAX);
        self.unavailable(&format!(
            "{nodes} nodes needed, the partition's MaxNodes is {cap}"
        ))
    }
    /// Whether a node has the CPUs for a share of the job. MaxCPUsPerNode bounds the
    /// CPUs of the tasks and GPUs only: cons_tres tests `--mincpus` against the node's
    /// free CPUs before the cap lowers what it may give (`_allocate_sc()`), then
    /// `_cpus_to_use()` raises what it gives to `--mincpus` (observed on 22.05: with
    /// MaxCPUsPerNode=8 on 16-CPU nodes, `--mincpus=16` runs with 16 CPUs, `-c 9` and
    /// `-N 1 -n 9` are refused).
    fn cpu_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        let cpus = self.node_cpus(n);
        let gpu_cpus = self.runtime.map_or(0, |r| r.gpu_cpus);
        cpus > 0
            && cpus >= self.task_cpus_per_node.max(gpu_cpus)
            && n.cpus() >= self.cpus_per_node_min.max(gpu_cpus)
    }
    /// Whether a node passes slurmctld's node-configuration filter, the one made before
    /// the select plugin counts anything (`_build_node_list()` in node_scheduler.c):
    /// enough CPUs for a node's share (MaxCPUsPerNode is the select plugin's), the memory
    /// asked (per node, or the per-CPU value itself) at most its RealMemory (MemSpecLimit
    /// is the select plugin's too), TmpDisk and the features. A job no node passes has
    /// its reason set to BadConstraints there; a job that fails later, in the select
    /// plugin (GRES, memory for all its CPUs, node counts, MaxCPUsPerNode), is left with
    /// Resources.
    fn config_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        n.cpus() >= self.cpus_per_node_min
            && n.memory_mib() >= self.asked_mib
            && self.feat_ok(n)
            && self.tmp_ok(n)
    }
    fn mem_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        // A whole-node job is given every CPU of the node, and --mem-per-cpu counts each
        // of them: the node is unusable unless its memory covers them all
        // (`can_job_run_on_node()` in cons_tres `job_test.c`; observed on 22.05: on
        // 16-CPU, 128 GiB nodes, `--exclusive -n 3 --mem-per-cpu=16G` is refused with
        // "Requested node configuration is not available", fidelity scenario g00014).
        let whole_node_mib = match self.mem_per_cpu {
            Some(m) if self.whole_nodes => m.saturating_mul(u64::from(n.cpus())),
            _ => 0,
        };
        self.node_memory(n) >= self.mem_per_node_min.max(whole_node_mib)
    }
    /// [`NodeDemand::mem_ok`] against all of RealMemory, MemSpecLimit left out.
    fn mem_ok_real<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        let whole_node_mib = match self.mem_per_cpu {
            Some(m) if self.whole_nodes => m.saturating_mul(u64::from(n.cpus())),
            _ => 0,
        };
        n.memory_mib() >= self.mem_per_node_min.max(whole_node_mib)
    }
    fn gres_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        self.per_node_gres
            .iter()
            .all(|g| node_gres_count(n, &g.key) >= g.count)
            && self
                .per_job_gpus
                .is_none_or(|g| node_gres_count(n, &g.key) > 0)
    }
    fn feat_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        self.req
            .constraint
            .as_ref()
            .is_none_or(|c| c.matches(n.features()))
    }
    /// Whether a node could ever run a share of the job.
    fn eligible<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        self.cpu_ok(n) && self.mem_ok(n) && self.gres_ok(n) && self.feat_ok(n) && self.tmp_ok(n)
    }
    /// Why no node of `pool` is eligible, the first check that none passes.
    fn why_none_eligible<H: Hardware + ?Sized>(&self, pool: &[&H]) -> String {
        if pool.is_empty() {
            "no usable node in the partition".into()
        } else if !pool.iter().any(|n| self.cpu_ok(*n)) {
            self.why_no_cpus(pool)
        } else if !pool.iter().any(|n| self.mem_ok(*n)) {
            if self.runtime.is_some() && pool.iter().any(|n| self.mem_ok_real(*n)) {
                "Memory specification can not be satisfied (RealMemory less MemSpecLimit)".into()
            } else {
                "Memory specification can not be satisfied".into()
            }
        } else if !pool.iter().any(|n| self.gres_ok(*n)) {
            "GRES per node can not be satisfied".into()
        } else if !pool.iter().any(|n| self.feat_ok(*n)) {
            "no node has the requested features".into()
        } else if !pool.iter().any(|n| self.tmp_ok(*n)) {
            // slurmctld's own words (`_set_err_msg()`), which sbatch prints.
            "Temporary disk specification can not be satisfied".into()
        } else {
            "no node satisfies every requirement at once".into()
        }
    }
    /// Why no node of `pool` has the CPUs: MaxCPUsPerNode, the CPUs of the GPUs, or
    /// the node sizes.
    fn why_no_cpus<H: Hardware + ?Sized>(&self, pool: &[&H]) -> String {
        let gpu_cpus = self.runtime.map_or(0, |r| r.gpu_cpus);
        let tasks = self.task_cpus_per_node.max(gpu_cpus);
        let floor = self.cpus_per_node_min.max(gpu_cpus);
        let big_enough = |n: &&H| n.cpus() >= floor.max(tasks);
        if let Some(cap) = self.runtime.and_then(|r| r.cpu_cap)
            && pool.iter().any(big_enough)
        {
            return if self.whole_nodes && tasks <= cap {
                format!("whole nodes have more CPUs than the partition's MaxCPUsPerNode ({cap})")
            } else {
                format!(
                    "{tasks} CPUs per node for the tasks and GPUs, more than the partition's \
                     MaxCPUsPerNode ({cap})"
                )
            };
        }
        if gpu_cpus > self.cpus_per_node_min && !pool.iter().any(|n| n.cpus() >= gpu_cpus) {
            return format!("{gpu_cpus} CPUs per node for the GPUs, more than a node has");
        }
        "CPU count per node can not be satisfied".into()
    }
    /// The CPU shortage of a job whose nodes together lack CPUs, naming MaxCPUsPerNode
    /// when it bounds them.
    fn cpu_shortage(&self, what: &str) -> RejectReason {
        match self.runtime.and_then(|r| r.cpu_cap) {
            Some(cap) => {
                self.unavailable(&format!("{what} (the partition's MaxCPUsPerNode is {cap})"))
            }
            None => self.unavailable(what),
        }
    }
    /// Tasks a node can hold.
    fn task_capacity<H: Hardware + ?Sized>(&self, n: &H) -> u64 {
        let cpt = self.counts.cpus_per_task;
        let mut cap = u64::from(self.node_cpus(n) / cpt.max(1));
        if let Some(t) = self.counts.ntasks_per_node {
            cap = cap.min(u64::from(t));
        }
        if let Some(m) = self.mem_per_cpu {
            cap = cap.min(self.node_memory(n) / m.saturating_mul(u64::from(cpt)).max(1));
        }
        cap
    }
    /// GPUs of the `--gpus` kind a node has.
    fn gpu_capacity<H: Hardware + ?Sized>(&self, n: &H) -> u64 {
        self.per_job_gpus.map_or(0, |g| node_gres_count(n, &g.key))
    }
}

/// The node counts of a job in one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NodeFit {
    min_nodes: u32,
    max_nodes: u32,
    /// With whole nodes: the CPUs of the `min_nodes` smallest usable nodes (else 0).
    whole_node_cpus: u32,
}

/// The questions about nodes that resolving asks. [`Indexed`] answers them from the
/// cluster's [`NodeIndex`] in time independent of the node count; the tests keep the
/// node-by-node answers to compare.
trait NodeView {
    /// Whether some node of the cluster has a GRES of this name.
    fn knows_gres(&self, name: &str) -> bool;
    /// Whether some node of the cluster satisfies the constraint.
    fn satisfiable(&self, constraint: &Constraint) -> bool;
    /// The CPUs of the partition's nodes.
    fn total_cpus(&self, pos: usize, part: &Partition) -> u64;
    /// The first `--nodelist` name outside the partition.
    fn first_outside<'r>(
        &self,
        pos: usize,
        part: &Partition,
        req: &'r JobRequest,
    ) -> Option<&'r String>;
    /// Whether the request names required nodes and one of them can not take jobs now.
    fn required_unavailable(&self, req: &JobRequest) -> bool;
    /// The least memory (MiB) of a node of the partition.
    fn min_memory(&self, pos: usize, part: &Partition) -> Option<u64>;
    /// How many nodes of the partition the job needs, or why it never fits.
    fn fit_nodes(
        &self,
        pos: usize,
        part: &Partition,
        demand: &NodeDemand<'_>,
    ) -> Result<NodeFit, RejectReason>;
    /// Whether some node of the partition, less the excluded ones, passes
    /// [`NodeDemand::config_ok`].
    fn config_matches(&self, pos: usize, part: &Partition, demand: &NodeDemand<'_>) -> bool;
}

/// Nodes that count the same for a fit: `count` nodes with these capacities.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tasks: u64,
    gpus: u64,
    cpus: u32,
    count: u64,
}

/// Tasks and GPUs of the first `k` nodes of `entries`.
fn prefix_sums(entries: &[Entry], k: u64) -> (u64, u64) {
    let (mut tasks, mut gpus, mut left) = (0u64, 0u64, k);
    for e in entries {
        if left == 0 {
            break;
        }
        let take = e.count.min(left);
        tasks = tasks.saturating_add(e.tasks.saturating_mul(take));
        gpus = gpus.saturating_add(e.gpus.saturating_mul(take));
        left -= take;
    }
    (tasks, gpus)
}

/// The least `k` such that the first `k` nodes of `entries` hold `need` of `cap`.
fn least_prefix(entries: &[Entry], need: u64, cap: impl Fn(&Entry) -> u64) -> Option<u64> {
    let (mut nodes, mut have) = (0u64, 0u64);
    if need == 0 {
        return Some(0);
    }
    for e in entries {
        let c = cap(e);
        if c > 0 {
            let take = (need - have).div_ceil(c);
            if take <= e.count {
                return Some(nodes + take);
            }
            have = have.saturating_add(c.saturating_mul(e.count));
        }
        nodes += e.count;
    }
    None
}

/// The [`NodeView`] of [`Cluster::resolve`]: kinds of nodes instead of nodes.
struct Indexed<'c> {
    cluster: &'c Cluster,
    index: &'c NodeIndex,
    /// The position of each `--nodelist` name (None for unknown names, which
    /// `check_request` rejects), in written order.
    nodelist: Vec<Option<u32>>,
    /// The distinct `--nodelist` nodes, sorted.
    required: Vec<u32>,
    /// The distinct `--exclude` nodes, sorted.
    excluded: Vec<u32>,
}

impl<'c> Indexed<'c> {
    fn new(cluster: &'c Cluster, req: &JobRequest) -> Self {
        let position = |name: &String| cluster.node_index(name).and_then(|i| u32::try_from(i).ok());
        let nodelist: Vec<Option<u32>> = req.nodelist.iter().map(position).collect();
        let mut required: Vec<u32> = nodelist.iter().flatten().copied().collect();
        required.sort_unstable();
        required.dedup();
        let mut excluded: Vec<u32> = req.exclude.iter().filter_map(position).collect();
        excluded.sort_unstable();
        excluded.dedup();
        Self {
            cluster,
            index: cluster.node_index_table(),
            nodelist,
            required,
            excluded,
        }
    }

    fn kind(&self, k: u32) -> Option<&'c NodeKind> {
        self.index.kinds.get(k as usize)
    }

    /// The kinds of node of the partition at `pos` with their counts, less the excluded
    /// nodes.
    fn pool(&self, pos: usize) -> Option<Vec<(u32, u64)>> {
        let pindex = self.index.parts.get(pos)?;
        let mut pool: Vec<(u32, u64)> = pindex.kinds.clone();
        for &x in &self.excluded {
            let m = pindex.multiplicity(x);
            if let Some(k) = self.index.kind_of(x)
                && let Ok(i) = pool.binary_search_by_key(&k, |e| e.0)
                && let Some(e) = pool.get_mut(i)
            {
                e.1 = e.1.saturating_sub(m);
            }
        }
        pool.retain(|e| e.1 > 0);
        Some(pool)
    }
}

impl NodeView for Indexed<'_> {
    fn knows_gres(&self, name: &str) -> bool {
        self.index.has_gres_name(name)
    }

    fn satisfiable(&self, constraint: &Constraint) -> bool {
        self.index
            .kinds
            .iter()
            .any(|k| constraint.matches(&k.features))
    }

    fn total_cpus(&self, pos: usize, _: &Partition) -> u64 {
        self.index.parts.get(pos).map_or(0, |p| p.total_cpus)
    }

    fn first_outside<'r>(
        &self,
        pos: usize,
        _: &Partition,
        req: &'r JobRequest,
    ) -> Option<&'r String> {
        let part = self.index.parts.get(pos)?;
        req.nodelist
            .iter()
            .zip(&self.nodelist)
            .find(|(_, n)| n.is_none_or(|n| part.multiplicity(n) == 0))
            .map(|(name, _)| name)
    }

    fn required_unavailable(&self, _: &JobRequest) -> bool {
        self.nodelist.iter().flatten().any(|&n| {
            self.cluster
                .node_at(n as usize)
                .is_some_and(|node| !node.is_schedulable())
        })
    }

    fn min_memory(&self, pos: usize, _: &Partition) -> Option<u64> {
        self.index.parts.get(pos).and_then(|p| p.min_memory)
    }

    fn config_matches(&self, pos: usize, _: &Partition, d: &NodeDemand<'_>) -> bool {
        self.pool(pos).is_some_and(|pool| {
            pool.iter()
                .filter_map(|&(k, _)| self.kind(k))
                .any(|k| d.config_ok(k))
        })
    }

    fn fit_nodes(
        &self,
        pos: usize,
        part: &Partition,
        d: &NodeDemand<'_>,
    ) -> Result<NodeFit, RejectReason> {
        let (Some(pindex), Some(pool)) = (self.index.parts.get(pos), self.pool(pos)) else {
            return Err(d.unavailable("no usable node in the partition"));
        };
        let pool_kinds: Vec<&NodeKind> = pool.iter().filter_map(|&(k, _)| self.kind(k)).collect();
        let ok: Vec<bool> = pool_kinds.iter().map(|k| d.eligible(*k)).collect();
        if !ok.contains(&true) {
            return Err(d.unavailable(&d.why_none_eligible(&pool_kinds)));
        }
        let eligible_kind = |k: u32| {
            pool.binary_search_by_key(&k, |e| e.0)
                .ok()
                .and_then(|i| ok.get(i).copied())
                .unwrap_or(false)
        };
        for (name, n) in d.req.nodelist.iter().zip(&self.nodelist) {
            if let Some(n) = *n
                && pindex.multiplicity(n) > 0
                && !self.index.kind_of(n).is_some_and(eligible_kind)
            {
                return Err(d.unavailable(&format!("required node {name} can not run the job")));
            }
        }

        // Required nodes come first, in the partition's order: they are always part of
        // the allocation. Then the other eligible nodes, most tasks (then GPUs) first.
        let entry = |k: &NodeKind, count: u64| Entry {
            tasks: d.task_capacity(k),
            gpus: d.gpu_capacity(k),
            cpus: k.cpus,
            count,
        };
        let mut required: Vec<(u32, u32)> = Vec::new();
        for &n in &self.required {
            if let Some(k) = self.index.kind_of(n)
                && eligible_kind(k)
            {
                required.extend(pindex.positions(n).map(|p| (p, k)));
            }
        }
        required.sort_unstable();
        let mut rest: Vec<(u32, u64)> = pool
            .iter()
            .zip(&ok)
            .filter(|(_, ok)| **ok)
            .map(|(&e, _)| e)
            .collect();
        let mut ordered: Vec<Entry> = Vec::with_capacity(required.len() + rest.len());
        for &(_, k) in &required {
            if let Ok(i) = rest.binary_search_by_key(&k, |e| e.0)
                && let Some(e) = rest.get_mut(i)
            {
                e.1 = e.1.saturating_sub(1);
            }
            if let Some(kind) = self.kind(k) {
                ordered.push(entry(kind, 1));
            }
        }
        let mut others: Vec<Entry> = rest
            .iter()
            .filter(|e| e.1 > 0)
            .filter_map(|&(k, c)| self.kind(k).map(|kind| entry(kind, c)))
            .collect();
        others.sort_by_key(|e| std::cmp::Reverse((e.tasks, e.gpus)));
        ordered.extend(others);

        let total: u64 = ordered.iter().map(|e| e.count).sum();
        let elig_count = total as u32;
        let ntasks = u64::from(d.counts.ntasks);
        let gpus_needed = d.per_job_gpus.map_or(0, |g| g.count);
        let enough = |k: u64| -> bool {
            let (tasks, gpus) = prefix_sums(&ordered, k);
            tasks >= ntasks && gpus >= gpus_needed
        };
        let part_size = part.nodes.len() as u32;
        let counts = d.counts;
        let cap = d.max_nodes.unwrap_or(u32::MAX);
        let (min_nodes, max_nodes) = if let Some(min) = counts.nodes_min {
            let max = counts.nodes_max.unwrap_or(u32::MAX).max(min);
            // A job pending on a node-count limit is fitted on the nodes there are.
            let fit_min = if d.limited { min.min(elig_count) } else { min };
            if fit_min > elig_count {
                return Err(d.unavailable(&format!(
                    "{min} nodes requested, {elig_count} of the partition can run the job"
                )));
            }
            let fit_max = max.min(elig_count).min(cap);
            if !enough(u64::from(fit_max)) && !d.limited {
                return Err(d.cpu_shortage("CPU count per node can not be satisfied"));
            }
            let shown_max = if min > part_size {
                min
            } else {
                max.min(elig_count).min(cap).max(min)
            };
            (min, shown_max)
        } else {
            let least = least_prefix(&ordered, ntasks, |e| e.tasks)
                .zip(least_prefix(&ordered, gpus_needed, |e| e.gpus))
                .map(|(t, g)| t.max(g).max(1))
                .filter(|&k| k <= total);
            let Some(k) = least else {
                return Err(if gpus_needed > 0 {
                    d.unavailable("not enough GPUs in the partition")
                } else {
                    d.cpu_shortage("not enough CPUs in the partition")
                });
            };
            let k = (k as u32).max(self.required.len() as u32);
            if k > cap {
                return Err(d.over_max_nodes(k));
            }
            let max = if counts.ntasks_set {
                counts.ntasks.min(elig_count).min(cap).max(k)
            } else {
                k
            };
            (k, max)
        };
        let whole_node_cpus = if d.whole_nodes {
            let mut sizes: Vec<(u32, u64)> = ordered.iter().map(|e| (e.cpus, e.count)).collect();
            sizes.sort_unstable();
            let (mut sum, mut left) = (0u64, u64::from(min_nodes));
            for (cpus, count) in sizes {
                let take = count.min(left);
                sum = sum.saturating_add(u64::from(cpus).saturating_mul(take));
                left -= take;
            }
            u32::try_from(sum).unwrap_or(u32::MAX)
        } else {
            0
        };
        Ok(NodeFit {
            min_nodes,
            max_nodes,
            whole_node_cpus,
        })
    }
}

#[cfg(test)]
// The tests change one request field after another to walk through cases.
#[allow(clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::sched_config::SchedConfig;
    use crate::time::Duration;

    fn gpu(kind: Option<&str>, count: u64) -> GresSpec {
        GresSpec {
            key: GresKey {
                name: "gpu".into(),
                kind: kind.map(Into::into),
            },
            count,
            no_consume: false,
        }
    }

    fn node(name: &str, cpus: u32, mib: u64, gres: Vec<GresSpec>) -> Node {
        let mut n = Node::new(name);
        n.cpus = cpus;
        n.real_memory = Memory::from_mib(mib);
        n.gres = gres;
        n
    }

    /// Two partitions: `small` (2 × 4 CPUs, default, MaxTime 1 h, tier 1) and `big`
    /// (2 × 16 CPUs with 2 A100 each, MaxTime 1 day, tier 5).
    fn cluster(enforce: EnforcePartLimits) -> Cluster {
        let mut config = SchedConfig::default();
        config.enforce_part_limits = enforce;
        let mut c = Cluster::new(config);
        for n in [
            node("s1", 4, 8192, vec![]),
            node("s2", 4, 8192, vec![]),
            node("b1", 16, 65536, vec![gpu(Some("a100"), 2)]),
            node("b2", 16, 65536, vec![gpu(Some("a100"), 2)]),
        ] {
            c.add_node(n).unwrap();
        }
        let mut small = Partition::new("small", vec!["s1".into(), "s2".into()]);
        small.is_default = true;
        small.max_time = TimeLimit::Limited(Duration::from_secs(3600));
        small.def_mem = Some(DefMem::PerCpu(Memory::from_mib(1024)));
        c.add_partition(small).unwrap();
        let mut big = Partition::new("big", vec!["b1".into(), "b2".into()]);
        big.max_time = TimeLimit::Limited(Duration::from_secs(86400));
        big.priority_tier = 5;
        c.add_partition(big).unwrap();
        c
    }

    fn hours(h: u64) -> TimeLimit {
        TimeLimit::Limited(Duration::from_secs(h * 3600))
    }

    /// The node-by-node answers `Cluster::resolve` gave before the node index: every
    /// question walks the partition's node list by name. The index must give the same
    /// answers for every cluster and request (`indexed_resolve_matches_the_reference`).
    struct Reference<'c>(&'c Cluster);

    impl NodeView for Reference<'_> {
        fn knows_gres(&self, name: &str) -> bool {
            self.0
                .nodes()
                .any(|n| n.gres.iter().any(|g| g.key.name == name))
        }

        fn satisfiable(&self, constraint: &Constraint) -> bool {
            self.0.nodes().any(|n| constraint.matches(&n.features))
        }

        fn total_cpus(&self, _: usize, part: &Partition) -> u64 {
            part.nodes
                .iter()
                .filter_map(|n| self.0.node(n))
                .map(|n| u64::from(n.cpus))
                .sum()
        }

        fn first_outside<'r>(
            &self,
            _: usize,
            part: &Partition,
            req: &'r JobRequest,
        ) -> Option<&'r String> {
            req.nodelist.iter().find(|n| !part.nodes.contains(n))
        }

        fn required_unavailable(&self, req: &JobRequest) -> bool {
            !req.nodelist.is_empty()
                && req
                    .nodelist
                    .iter()
                    .filter_map(|n| self.0.node(n))
                    .any(|n| !n.is_schedulable())
        }

        fn min_memory(&self, _: usize, part: &Partition) -> Option<u64> {
            part.nodes
                .iter()
                .filter_map(|n| self.0.node(n))
                .map(|n| n.real_memory.mib())
                .min()
        }

        fn config_matches(&self, _: usize, part: &Partition, d: &NodeDemand<'_>) -> bool {
            part.nodes
                .iter()
                .filter(|n| !d.req.exclude.contains(n))
                .filter_map(|n| self.0.node(n))
                .any(|n| d.config_ok(n))
        }

        fn fit_nodes(
            &self,
            _: usize,
            part: &Partition,
            d: &NodeDemand<'_>,
        ) -> Result<NodeFit, RejectReason> {
            let req = d.req;
            let counts = d.counts;
            // Which nodes of the partition could ever run a share of the job.
            let pool: Vec<&Node> = part
                .nodes
                .iter()
                .filter(|n| !req.exclude.contains(n))
                .filter_map(|n| self.0.node(n))
                .collect();
            let eligible: Vec<&Node> = pool.iter().copied().filter(|n| d.eligible(*n)).collect();
            if eligible.is_empty() {
                return Err(d.unavailable(&d.why_none_eligible(&pool)));
            }
            if let Some(bad) = req
                .nodelist
                .iter()
                .find(|w| part.nodes.contains(w) && !eligible.iter().any(|n| &n.name == *w))
            {
                return Err(d.unavailable(&format!("required node {bad} can not run the job")));
            }
            // Required nodes come first: they are always part of the allocation.
            let mut ordered: Vec<&Node> = eligible
                .iter()
                .copied()
                .filter(|n| req.nodelist.contains(&n.name))
                .collect();
            let mut rest: Vec<&Node> = eligible
                .iter()
                .copied()
                .filter(|n| !req.nodelist.contains(&n.name))
                .collect();
            rest.sort_by_key(|n| std::cmp::Reverse((d.task_capacity(*n), d.gpu_capacity(*n))));
            ordered.extend(rest);
            let elig_count = ordered.len() as u32;
            let ntasks = u64::from(counts.ntasks);
            let gpus_needed = d.per_job_gpus.map_or(0, |g| g.count);
            let enough = |k: usize| -> bool {
                let top = ordered.iter().take(k);
                let tasks: u64 = top.clone().map(|n| d.task_capacity(*n)).sum();
                let gpus: u64 = top.map(|n| d.gpu_capacity(*n)).sum();
                tasks >= ntasks && gpus >= gpus_needed
            };
            let part_size = part.nodes.len() as u32;
            let cap = d.max_nodes.unwrap_or(u32::MAX);
            let (min_nodes, max_nodes) = if let Some(min) = counts.nodes_min {
                let max = counts.nodes_max.unwrap_or(u32::MAX).max(min);
                let fit_min = if d.limited { min.min(elig_count) } else { min };
                if fit_min > elig_count {
                    return Err(d.unavailable(&format!(
                        "{min} nodes requested, {elig_count} of the partition can run the job"
                    )));
                }
                let fit_max = max.min(elig_count).min(cap);
                if !enough(fit_max as usize) && !d.limited {
                    return Err(d.cpu_shortage("CPU count per node can not be satisfied"));
                }
                let shown_max = if min > part_size {
                    min
                } else {
                    max.min(elig_count).min(cap).max(min)
                };
                (min, shown_max)
            } else {
                let Some(k) = (1..=ordered.len()).find(|&k| enough(k)) else {
                    return Err(if gpus_needed > 0 {
                        d.unavailable("not enough GPUs in the partition")
                    } else {
                        d.cpu_shortage("not enough CPUs in the partition")
                    });
                };
                let k = (k as u32).max(distinct_count(&req.nodelist));
                if k > cap {
                    return Err(d.over_max_nodes(k));
                }
                let max = if counts.ntasks_set {
                    counts.ntasks.min(elig_count).min(cap).max(k)
                } else {
                    k
                };
                (k, max)
            };
            let whole_node_cpus = if d.whole_nodes {
                let mut sizes: Vec<u32> = ordered.iter().map(|n| n.cpus).collect();
                sizes.sort_unstable();
                sizes
                    .iter()
                    .take(min_nodes as usize)
                    .fold(0u32, |acc, c| acc.saturating_add(*c))
            } else {
                0
            };
            Ok(NodeFit {
                min_nodes,
                max_nodes,
                whole_node_cpus,
            })
        }
    }

    /// `Cluster::resolve` answered node by node.
    fn resolve_reference(c: &Cluster, req: &JobRequest) -> Result<ResolvedJob, Rejection> {
        c.resolve_with(&sbatch_nodelist(req), &Reference(c))
    }

    mod against_reference {
        use super::*;
        use crate::node::NodeState;
        use crate::request::NodeCount;
        use proptest::prelude::*;

        /// Hardware shared by several nodes: (cpus, MiB, gres, features).
        type Template = (u32, u64, Vec<GresSpec>, Vec<String>);

        fn gres_spec(name: &str, kind: Option<&str>, count: u64) -> GresSpec {
            GresSpec {
                key: GresKey {
                    name: name.into(),
                    kind: kind.map(Into::into),
                },
                count,
                no_consume: false,
            }
        }

        fn template() -> impl Strategy<Value = Template> {
            let gres = prop::sample::subsequence(
                vec![
                    gres_spec("gpu", Some("a100"), 2),
                    gres_spec("gpu", Some("v100"), 1),
                    gres_spec("gpu", None, 4),
                    gres_spec("nvme", None, 1),
                ],
                0..=2,
            );
            let features =
                prop::sample::subsequence(vec!["a".to_string(), "b".into(), "c".into()], 0..=2);
            (
                prop::sample::select(vec![1u32, 2, 4, 8, 16]),
                prop::sample::select(vec![1000u64, 4000, 16000]),
                gres,
                features,
            )
        }

        fn time(minutes: Option<u64>) -> TimeLimit {
            minutes.map_or(TimeLimit::Unlimited, |m| {
                TimeLimit::Limited(Duration::from_secs(m * 60))
            })
        }

        /// Several kinds of node, 1 to 10 nodes, 1 to 3 partitions over random (possibly
        /// repeated) node lists, and a QOS whose limits read the job's size.
        fn cluster_strategy() -> impl Strategy<Value = Cluster> {
            let templates = prop::collection::vec(template(), 1..4);
            let nodes = prop::collection::vec((0usize..4, 0u8..6), 1..10);
            let parts = prop::collection::vec(
                (
                    prop::collection::vec(0usize..10, 0..8),
                    0u8..3,
                    (prop::option::of(0u32..4), 0u32..3, 0u8..8, 0u8..4),
                    (
                        prop::option::of(prop::sample::select(vec![0u64, 30, 120])),
                        0u8..4,
                        0u8..3,
                    ),
                    (any::<bool>(), 1u16..3),
                ),
                1..4,
            );
            let config = (0u8..3, 0u8..3, 0u8..3);
            let qos = (
                prop::option::of(1u64..40),
                prop::option::of(1000u64..40000),
                0u8..3,
            );
            (templates, nodes, parts, config, qos).prop_map(
                |(templates, nodes, parts, (enforce, def_mem, max_mem), (qcpu, qmem, qnodes))| {
                    let mut config = SchedConfig::default();
                    config.enforce_part_limits = match enforce {
                        0 => EnforcePartLimits::No,
                        1 => EnforcePartLimits::Any,
                        _ => EnforcePartLimits::All,
                    };
                    config.def_mem = match def_mem {
                        0 => None,
                        1 => Some(DefMem::PerCpu(Memory::from_mib(500))),
                        _ => Some(DefMem::PerGpu(Memory::from_mib(3000))),
                    };
                    config.max_mem_per_cpu = (max_mem == 1).then(|| Memory::from_mib(700));
                    config.max_mem_per_node = (max_mem == 2).then(|| Memory::from_mib(12000));
                    let mut c = Cluster::new(config);
                    let mut names = Vec::new();
                    for (i, (t, state)) in nodes.iter().enumerate() {
                        let (cpus, mib, gres, features) = &templates[t % templates.len()];
                        let mut n = node(&format!("n{i}"), *cpus, *mib, gres.clone());
                        n.features = features.clone();
                        n.state = match state {
                            0 => NodeState::DOWN,
                            1 => NodeState::DRAIN,
                            _ => NodeState::empty(),
                        };
                        names.push(n.name.clone());
                        c.add_node(n).unwrap();
                    }
                    for (i, (members, over, limits, defaults, (up, tier))) in
                        parts.into_iter().enumerate()
                    {
                        let list = members
                            .iter()
                            .map(|m| names[m % names.len()].clone())
                            .collect();
                        let mut p = Partition::new(format!("p{i}"), list);
                        p.is_default = i == 0;
                        p.oversubscribe = match over {
                            0 => OverSubscribe::No,
                            1 => OverSubscribe::Exclusive,
                            _ => OverSubscribe::Force(4),
                        };
                        let (max_nodes, min_nodes, max_time, state) = limits;
                        p.max_nodes = max_nodes;
                        p.min_nodes = min_nodes;
                        p.max_time = match max_time {
                            0..=3 => time(None),
                            4..=5 => time(Some(60)),
                            _ => time(Some(600)),
                        };
                        p.state = match state {
                            0 => PartitionState::Down,
                            1 if !up => PartitionState::Drain,
                            _ => PartitionState::Up,
                        };
                        let (default_time, def_mem, max_mem) = defaults;
                        p.default_time = default_time.map(|m| time(Some(m)));
                        p.def_mem = match def_mem {
                            0 => None,
                            1 => Some(DefMem::PerCpu(Memory::from_mib(900))),
                            2 => Some(DefMem::PerNode(Memory::from_mib(3000))),
                            _ => Some(DefMem::PerGpu(Memory::from_mib(2000))),
                        };
                        p.max_mem = match max_mem {
                            0 => None,
                            1 => Some(MaxMem::PerCpu(Memory::from_mib(1500))),
                            _ => Some(MaxMem::PerNode(Memory::from_mib(8000))),
                        };
                        p.exclusive_user = up && tier == 2;
                        p.priority_tier = tier;
                        c.add_partition(p).unwrap();
                    }
                    let mut normal = Qos::new("normal");
                    if let Some(cpus) = qcpu {
                        normal.max_tres_per_job.0.insert(TresKind::Cpu, cpus);
                    }
                    if let Some(mib) = qmem {
                        normal.max_tres_per_job.0.insert(TresKind::Mem, mib);
                    }
                    if qnodes > 0 {
                        normal
                            .min_tres_per_job
                            .0
                            .insert(TresKind::Node, u64::from(qnodes));
                    }
                    c.add_qos(normal).unwrap();
                    c
                },
            )
        }

        /// Requests over `nodes` node names and `parts` partition names, now and then
        /// one that does not exist.
        fn request_strategy(nodes: usize, parts: usize) -> impl Strategy<Value = JobRequest> {
            let name = prop_oneof![30 => 0..nodes, 1 => Just(nodes)].prop_map(|i| format!("n{i}"));
            let part = prop_oneof![30 => 0..parts, 1 => Just(parts)].prop_map(|i| format!("p{i}"));
            let list = |s: BoxedStrategy<String>, empty: u32| prop_oneof![empty => Just(Vec::new()), 1 => prop::collection::vec(s, 1..4)];
            let counts = (
                prop::option::of((1u32..5, 0u32..4)),
                prop::option::of(1u32..24),
                prop::option::weighted(0.3, 1u32..6),
                prop::option::weighted(0.3, 1u32..5),
            );
            let memory =
                prop::option::of((0u8..3, prop::sample::select(vec![0u64, 500, 2000, 9000])));
            let gres = (
                prop::option::weighted(0.15, (0u8..4, 1u64..4)),
                prop::option::weighted(0.15, 1u64..9),
                prop::option::weighted(0.2, 0u8..5),
            );
            let lists = (
                list(name.clone().boxed(), 2),
                list(name.boxed(), 4),
                list(part.boxed(), 1),
            );
            let misc = (
                0u8..4,
                prop::option::of(prop::sample::select(vec![10u64, 90, 900])),
                prop::bool::weighted(0.2),
            );
            (counts, memory, gres, lists, misc).prop_map(
                |(
                    (nodes, ntasks, per_node, cpt),
                    memory,
                    (gres, gpus, constraint),
                    (nodelist, exclude, partitions),
                    (exclusive, minutes, hold),
                )| {
                    let mut req = JobRequest::default();
                    req.nodes = nodes.map(|(min, extra)| NodeCount {
                        min,
                        max: min + extra,
                    });
                    req.ntasks = ntasks;
                    req.ntasks_per_node = per_node;
                    req.cpus_per_task = cpt;
                    req.memory = memory.map(|(kind, mib)| {
                        let m = Memory::from_mib(mib);
                        match kind {
                            0 => MemoryRequest::PerNode(m),
                            1 => MemoryRequest::PerCpu(m),
                            _ => MemoryRequest::PerGpu(m),
                        }
                    });
                    if let Some((kind, count)) = gres {
                        req.gres = vec![match kind {
                            0 => gres_spec("gpu", None, count),
                            1 => gres_spec("gpu", Some("a100"), count),
                            2 => gres_spec("gpu", Some("v100"), count),
                            _ => gres_spec("nvme", None, count),
                        }];
                    }
                    req.gpus = gpus.map(|n| Box::new(gres_spec("gpu", None, n)));
                    req.constraint = constraint.and_then(|i| {
                        ["a", "b", "a&b", "a|c", "d"]
                            .get(usize::from(i))
                            .copied()
                            .unwrap_or("a")
                            .parse()
                            .ok()
                            .map(Box::new)
                    });
                    req.nodelist = nodelist;
                    req.exclude = exclude;
                    req.partitions = partitions;
                    req.exclusive = match exclusive {
                        0 => Some(Exclusive::Node),
                        1 => Some(Exclusive::User),
                        _ => None,
                    };
                    req.time_limit = minutes.map(|m| time(Some(m)));
                    req.hold = hold;
                    req
                },
            )
        }

        proptest! {
            #[test]
            fn indexed_resolve_matches_the_reference(
                (c, reqs) in cluster_strategy().prop_flat_map(|c| {
                    let (nodes, parts) = (c.nodes().len(), c.partitions().len());
                    (Just(c), prop::collection::vec(request_strategy(nodes, parts), 1..8))
                }),
            ) {
                for req in &reqs {
                    let job = c.resolve(req);
                    prop_assert_eq!(&job, &resolve_reference(&c, req), "{:?}", req);
                    if let Ok(job) = job {
                        prop_assert_eq!(job.shape_in(job.partition()), Some(job.shape()));
                        for p in job.partitions() {
                            prop_assert!(job.shape_in(p).is_some());
                        }
                        for (_, other) in job.others.iter().flat_map(|o| o.shapes.iter()) {
                            prop_assert!(other != job.shape());
                        }
                        // Pending iff blocked in every partition; a single-partition job
                        // keeps nothing per partition.
                        let blocked: Vec<bool> = job
                            .partitions()
                            .iter()
                            .map(|p| job.pending_reason_in(p).is_some())
                            .collect();
                        for (i, b) in blocked.iter().enumerate() {
                            prop_assert_eq!(job.blocked_at(i), *b);
                        }
                        prop_assert_eq!(job.pending_reason().is_some(), blocked.iter().all(|b| *b));
                        // (It may still name the listed partitions without a fitting
                        // node, or a refusal.)
                        prop_assert!(
                            job.partitions().len() > 1
                                || job.others.as_deref().is_none_or(|o| o.shapes.is_empty()
                                    && o.blocked.is_empty()
                                    && (o.refusal.is_some()
                                        || !o.bad_after.is_empty()
                                        || !o.never_after.is_empty()))
                        );
                        // Only a held job is accepted without a node that can run it,
                        // and it can never run anywhere.
                        prop_assert!(
                            !job.fits_no_node() || (req.hold && job.pending_reason().is_some())
                        );
                        prop_assert!(job.refused_unless_startable().is_none() || !req.hold);
                    }
                }
            }
        }
    }

    #[test]
    fn untyped_gres_counts_every_type_typed_only_its_own() {
        let n = node("n", 1, 1, vec![gpu(Some("a100"), 2), gpu(Some("v100"), 1)]);
        assert_eq!(node_gres_count(&n, &gpu(None, 1).key), 3);
        assert_eq!(node_gres_count(&n, &gpu(Some("v100"), 1).key), 1);
        assert_eq!(node_gres_count(&n, &gpu(Some("h100"), 1).key), 0);
    }

    #[test]
    fn memory_defaults_chain() {
        let c = cluster(EnforcePartLimits::All);
        let small = c.partition("small").unwrap();
        let big = c.partition("big").unwrap();
        let per_cpu = ResolvedMemory::PerCpu(Memory::from_mib(1024));
        assert_eq!(resolve_memory(None, small, &c, false), per_cpu);
        assert_eq!(
            resolve_memory(None, big, &c, false),
            ResolvedMemory::WholeNode
        );
        let zero = Some(MemoryRequest::PerNode(Memory::from_mib(0)));
        assert_eq!(
            resolve_memory(zero, small, &c, false),
            ResolvedMemory::WholeNode
        );
        let mut c2 = c.clone();
        c2.config_mut().def_mem = Some(DefMem::PerGpu(Memory::from_mib(4096)));
        let big = c2.partition("big").unwrap();
        // DefMemPerGPU only applies to jobs that ask for GPUs.
        assert_eq!(
            resolve_memory(None, big, &c2, false),
            ResolvedMemory::WholeNode
        );
        assert_eq!(
            resolve_memory(None, big, &c2, true),
            ResolvedMemory::PerGpu(Memory::from_mib(4096))
        );
    }

    #[test]
    fn max_mem_per_cpu_raises_cpus_per_task() {
        let counts = Counts {
            nodes_min: None,
            nodes_max: None,
            ntasks: 1,
            ntasks_set: false,
            ntasks_per_node: None,
            cpus_per_task: 2,
        };
        let req = Some(MemoryRequest::PerCpu(Memory::from_mib(5000)));
        let (c, m) = adjust_mem_per_cpu(counts, req, Some(Memory::from_mib(2048)));
        assert_eq!(c.cpus_per_task, 6, "ceil(5000/2048) = 3 times 2");
        assert_eq!(m, Some(MemoryRequest::PerCpu(Memory::from_mib(1667))));
        let (c, m) = adjust_mem_per_cpu(counts, req, Some(Memory::from_mib(8192)));
        assert_eq!((c.cpus_per_task, m), (2, req));
    }

    #[test]
    fn default_partition_and_defaults() {
        let c = cluster(EnforcePartLimits::All);
        let job = c.resolve(&JobRequest::default()).unwrap();
        assert_eq!(job.partitions(), ["small"]);
        assert_eq!(job.time_limit(), hours(1), "no DefaultTime: MaxTime");
        assert_eq!(
            (job.min_nodes(), job.max_nodes(), job.min_cpus()),
            (1, 1, 1)
        );
        assert!(!job.whole_nodes());
        assert_eq!(job.qos(), None);
    }

    #[test]
    fn priority_tier_orders_partitions() {
        let c = cluster(EnforcePartLimits::All);
        let mut req = JobRequest::default();
        req.partitions = vec!["small".into(), "big".into()];
        let job = c.resolve(&req).unwrap();
        assert_eq!(job.partitions(), ["big", "small"]);
    }

    #[test]
    fn enforce_modes_on_a_time_limit() {
        let mut req = JobRequest::default();
        req.partitions = vec!["small".into(), "big".into()];
        req.time_limit = Some(hours(2));
        // ALL: small's 1 h MaxTime rejects.
        let err = cluster(EnforcePartLimits::All).resolve(&req).unwrap_err();
        assert_eq!(
            err.reasons(),
            [RejectReason::InvalidTimeLimit {
                partition: "small".into()
            }]
        );
        // ANY: big takes it; small is dropped from the list.
        let job = cluster(EnforcePartLimits::Any).resolve(&req).unwrap();
        assert_eq!(job.partitions(), ["big"]);
        assert_eq!(job.pending_reason(), None);
        // NO, small only: accepted, pends.
        req.partitions = vec!["small".into()];
        let job = cluster(EnforcePartLimits::No).resolve(&req).unwrap();
        assert_eq!(
            job.pending_reason(),
            Some(PendingReason::PartitionTimeLimit)
        );
        assert!(cluster(EnforcePartLimits::Any).resolve(&req).is_err());
    }

    #[test]
    fn gpus_per_job_and_typed_gres() {
        let c = cluster(EnforcePartLimits::All);
        let mut req = JobRequest::default();
        req.partitions = vec!["big".into()];
        req.gpus = Some(Box::new(gpu(None, 3)));
        let job = c.resolve(&req).unwrap();
        // Shown on 2 nodes; the GPUs stay the job's, spread when its nodes are chosen.
        assert_eq!((job.min_nodes(), job.gres_per_node()), (2, &[][..]));
        assert_eq!(job.shape().gpus_per_job(), Some(&gpu(None, 3)));
        let choice = job.shape().gpu_choice().map(|g| (g.min_nodes, g.max_nodes));
        assert_eq!(choice, Some((1, u32::MAX)));
        req.gpus = Some(Box::new(gpu(None, 5)));
        assert!(matches!(
            c.resolve(&req).unwrap_err().reasons()[0],
            RejectReason::NodeConfigUnavailable { .. }
        ));
        req.gpus = None;
        req.gres = vec![gpu(Some("h100"), 1)];
        assert!(matches!(
            c.resolve(&req).unwrap_err().reasons()[0],
            RejectReason::NodeConfigUnavailable { .. }
        ));
        req.partitions = vec!["small".into()];
        // A GRES name the cluster has, but not in this partition.
        assert!(matches!(
            c.resolve(&req).unwrap_err().reasons()[0],
            RejectReason::NodeConfigUnavailable { .. }
        ));
        let mut req = JobRequest::default();
        req.gres = vec![GresSpec {
            key: GresKey {
                name: "nvme".into(),
                kind: None,
            },
            count: 1,
            no_consume: false,
        }];
        assert_eq!(
            c.resolve(&req).unwrap_err().reasons(),
            [RejectReason::InvalidGres("nvme".into())]
        );
    }

    #[test]
    fn zero_gpus_ask_for_nothing() {
        // Observed on 22.05: `-p CPU-4 --gpus=0` is accepted on a partition without GPUs.
        let c = cluster(EnforcePartLimits::All);
        let mut req = JobRequest::default();
        req.partitions = vec!["small".into()];
        req.gpus = Some(Box::new(gpu(None, 0)));
        let job = c.resolve(&req).unwrap();
        assert!(job.gres_per_node().iter().all(|g| g.count == 0));
        assert_eq!(job.min_nodes(), 1);
    }

    #[test]
    fn mincpus_is_a_per_node_minimum() {
        // Observed on 22.05: `-p CPU-4 --mincpus=8` (4-CPU nodes) refused, `--mincpus=4`
        // accepted with NumCPUs=1.
        let c = cluster(EnforcePartLimits::All);
        let mut req = JobRequest::default();
        req.mincpus = Some(4);
        let job = c.resolve(&req).unwrap();
        assert_eq!((job.min_cpus(), job.min_nodes()), (1, 1));
        req.mincpus = Some(8);
        assert!(matches!(
            c.resolve(&req).unwrap_err().reasons()[0],
            RejectReason::NodeConfigUnavailable { .. }
        ));
        req.partitions = vec!["big".into()];
        assert!(c.resolve(&req).is_ok());
    }

    #[test]
    fn negative_nice_is_for_root() {
        // Observed on 22.05: `--nice=-10` refused as a user, accepted as root.
        let c = cluster(EnforcePartLimits::All);
        let mut req = JobRequest::default();
        req.nice = Some(-10);
        // No user named: not checked.
        assert!(c.resolve(&req).is_ok());
        req.user = Some("root".into());
        assert!(c.resolve(&req).is_ok());
        req.user = Some("alice".into());
        assert_eq!(
            c.resolve(&req).unwrap_err().reasons(),
            [RejectReason::InvalidNice]
        );
        req.nice = Some(10);
        assert!(c.resolve(&req).is_ok());
        // sbatch's own checks come first: it never sends this one.
        req.nice = Some(-10);
        req.nodes = Some(crate::request::NodeCount { min: 2, max: 2 });
        req.gpus = Some(Box::new(gpu(None, 1)));
        assert_eq!(
            c.resolve(&req).unwrap_err().reasons(),
            [RejectReason::GpusBelowNodeCount { gpus: 1, nodes: 2 }]
        );
    }

    #[test]
    fn malformed_counts_are_rejected() {
        type Case = (fn(&mut JobRequest), RejectReason);
        let c = cluster(EnforcePartLimits::No);
        let cases: [Case; 4] = [
            (|r| r.cpus_per_task = Some(0), RejectReason::InvalidCpuCount),
            (|r| r.ntasks = Some(0), RejectReason::BadTaskCount),
            (
                |r| {
                    r.nodes = Some(crate::request::NodeCount { min: 2, max: 1 });
                },
                RejectReason::InvalidNodeCount,
            ),
            (
                |r| {
                    r.nodelist = vec!["s1".into()];
                    r.exclude = vec!["s1".into()];
                },
                RejectReason::InvalidNodeName("s1".into()),
            ),
        ];
        for (set, want) in cases {
            let mut req = JobRequest::default();
            set(&mut req);
            assert_eq!(c.resolve(&req).unwrap_err().reasons(), [want]);
        }
    }

    #[test]
    fn other_partitions_keep_a_shape_only_when_it_differs() {
        let c = cluster(EnforcePartLimits::All);
        let mut req = JobRequest::default();
        req.time_limit = Some(hours(1));
        req.partitions = vec!["small".into()];
        let job = c.resolve(&req).unwrap();
        assert_eq!(job.others, None);
        assert_eq!(job.shape_in("small"), Some(job.shape()));
        assert_eq!(job.shape_in("big"), None);
        // small has DefMemPerCPU, big none: the memory differs.
        req.partitions = vec!["small".into(), "big".into()];
        let job = c.resolve(&req).unwrap();
        assert_eq!(job.partitions(), ["big", "small"]);
        assert_eq!(job.memory(), ResolvedMemory::WholeNode);
        let small = job.shape_in("small").unwrap();
        assert_eq!(
            small.memory(),
            ResolvedMemory::PerCpu(Memory::from_mib(1024))
        );
        assert_eq!(job.others.as_deref().map(|o| o.shapes.len()), Some(1));
        // With the same --mem everywhere the shapes are equal and nothing is kept.
        req.memory = Some(MemoryRequest::PerNode(Memory::from_mib(1024)));
        let job = c.resolve(&req).unwrap();
        assert_eq!(job.others, None);
        assert_eq!(job.shape_in("small"), Some(job.shape()));
    }

    #[test]
    fn a_zero_default_time_of_the_first_partition_rejects_once() {
        let mut c = Cluster::new(SchedConfig::default());
        c.add_node(node("n", 4, 1000, vec![])).unwrap();
        let mut a = Partition::new("a", vec!["n".into()]);
        a.default_time = Some(TimeLimit::Limited(Duration::from_secs(0)));
        c.add_partition(a).unwrap();
        let mut b = Partition::new("b", vec!["n".into()]);
        b.priority_tier = 3;
        c.add_partition(b).unwrap();
        let mut req = JobRequest::default();
        req.partitions = vec!["a".into(), "b".into()];
        let zero = RejectReason::InvalidTimeLimit {
            partition: "a".into(),
        };
        assert_eq!(c.resolve(&req).unwrap_err().reasons(), [zero]);
        // Listed second, a's DefaultTime is not looked at.
        req.partitions = vec!["b".into(), "a".into()];
        assert_eq!(c.resolve(&req).unwrap().time_limit(), TimeLimit::Unlimited);
    }

    #[test]
    fn qos_defaults_to_normal_and_deny_on_limit_rejects() {
        let mut c = cluster(EnforcePartLimits::All);
        c.add_qos(Qos::new("normal")).unwrap();
        let mut short = Qos::new("short");
        short.max_wall = Some(TimeLimit::Limited(Duration::from_secs(600)));
        c.add_qos(short.clone()).unwrap();
        let mut req = JobRequest::default();
        assert_eq!(c.resolve(&req).unwrap().qos(), Some("normal"));
        req.qos = Some("short".into());
        // No --time and no DefaultTime: the QOS MaxWall is the limit.
        let job = c.resolve(&req).unwrap();
        assert_eq!(
            job.time_limit(),
            TimeLimit::Limited(Duration::from_secs(600))
        );
        assert_eq!(job.pending_reason(), None);
        req.time_limit = Some(hours(1));
        let job = c.resolve(&req).unwrap();
        assert_eq!(
            job.pending_reason(),
            Some(PendingReason::QOSMaxWallDurationPerJobLimit)
        );
        let mut c2 = cluster(EnforcePartLimits::All);
        short.flags = QosFlags::DENY_ON_LIMIT;
        c2.add_qos(short).unwrap();
        assert_eq!(
            c2.resolve(&req).unwrap_err().reasons(),
            [RejectReason::QosPolicy(
                PendingReason::QOSMaxWallDurationPerJobLimit
            )]
        );
    }

    /// The oracle's four 4-CPU nodes split into `pa` (MaxTime 10 min, MaxNodes 1) and
    /// `pb` (MaxTime 60 min), both with DefaultTime 5 min, as they were added to the
    /// Slurm 22.05 oracle for the observations below.
    fn pair(enforce: &str, pa_state: &str) -> Cluster {
        Cluster::from_slurm_conf(&format!(
            "EnforcePartLimits={enforce}\n\
             NodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n\
             PartitionName=pa Nodes=cpu4-[1-2] MaxTime=10 MaxNodes=1 DefaultTime=5 \
             DefMemPerCPU=8192 State={pa_state}\n\
             PartitionName=pb Nodes=cpu4-[3-4] MaxTime=60 DefaultTime=5 DefMemPerCPU=8192\n"
        ))
        .unwrap()
    }

    fn args(line: &str) -> JobRequest {
        let words: Vec<&str> = line.split_whitespace().collect();
        crate::sbatch::parse_args(&words).unwrap()
    }

    fn refusal(c: &Cluster, line: &str) -> Vec<RejectReason> {
        match c.resolve(&args(line)) {
            Ok(job) => panic!("{line}: accepted in {:?}", job.partitions()),
            Err(e) => e.reasons().to_vec(),
        }
    }

    #[test]
    fn a_nodelist_longer_than_the_node_maximum_is_refused_by_sbatch() {
        // Observed on 22.05 (sbatch prints these itself; no job id is used).
        let c = pair("ALL", "UP");
        let over = |listed, max| vec![RejectReason::NodeListOverMaxNodes { listed, max }];
        for (line, want) in [
            ("-p pb -N1 -w cpu4-3,cpu4-4", over(2, 1)),
            ("-p pb -N1-1 -w cpu4-3,cpu4-4", over(2, 1)),
            ("-N2 -w cpu4-[1-3]", over(3, 2)),
            ("-w cpu4-[1-3] -N2", over(3, 2)),
            ("-N1-2 -w cpu4-[1-3]", over(3, 2)),
            // Before the node names are looked at, and before -n lowers the counts.
            ("-p pb -N1 -w cpu4-3,nosuch", over(2, 1)),
            ("-p pb -n1 -N1 -w cpu4-[3-4]", over(2, 1)),
        ] {
            assert_eq!(refusal(&c, line), want, "{line}");
        }
        assert_eq!(
            over(2, 1)[0].to_string(),
            "invalid number of nodes (-N 2-1)"
        );
        // A name listed twice counts once (a request built by hand keeps both).
        let mut req = args("-p pb -N1 -t 5");
        req.nodelist = vec!["cpu4-3".into(), "cpu4-3".into()];
        assert_eq!(c.resolve(&req).unwrap().min_nodes(), 1);
        // Without -N the list sets the count, and -n may lower it; then only the first
        // nodes of the sorted list are kept (observed on 22.05, see `sbatch_nodelist`).
        let job = c.resolve(&args("-p pb -n1 -w cpu4-[3-4] -t 5")).unwrap();
        assert_eq!((job.min_nodes(), job.max_nodes()), (1, 1));
        assert_eq!(job.request().nodelist, ["cpu4-3"]);
        for (line, kept) in [
            ("-n1 -w cpu4-2,cpu4-1", vec!["cpu4-1"]),
            ("-n2 -w cpu4-[2-4]", vec!["cpu4-2", "cpu4-3"]),
            ("-n2 -w cpu4-4,cpu4-1,cpu4-2", vec!["cpu4-1", "cpu4-2"]),
            ("-n1 -N2 -w cpu4-[1-2]", vec!["cpu4-1"]),
            // Nothing to drop, or a range the list does not fit in (refused above).
            ("-n2 -w cpu4-2,cpu4-1", vec!["cpu4-1", "cpu4-2"]),
            ("-n1 -N1 -w cpu4-[1-2]", vec!["cpu4-1", "cpu4-2"]),
        ] {
            let req = args(line);
            assert_eq!(sbatch_nodelist(&req).nodelist, kept, "{line}");
        }
        let mut req = args("-n1 -t 5");
        req.nodelist = vec!["cpu4-2".into(), "cpu4-1".into(), "cpu4-2".into()];
        assert_eq!(sbatch_nodelist(&req).nodelist, ["cpu4-1"]);
        // The dropped names are not looked at: slurmctld never sees them.
        let job = c.resolve(&args("-p pa -n1 -w nosuch,cpu4-1 -t 5")).unwrap();
        assert_eq!(job.request().nodelist, ["cpu4-1"]);
        // The list raises the -N minimum: `-N1-4 -w cpu4-[1-2]` asks for 2 to 4 nodes
        // (observed on 22.05: NumNodes=2-4), here of pb's 2 nodes.
        let c = pair("NO", "UP");
        let job = c.resolve(&args("-p pb -N1-4 -w cpu4-[3-4] -t 5")).unwrap();
        assert_eq!((job.min_nodes(), job.max_nodes(), job.ntasks()), (2, 2, 2));
    }

    #[test]
    fn a_multi_partition_job_pends_only_when_blocked_everywhere() {
        let c = pair("NO", "UP");
        let run = |line: &str| c.resolve(&args(line)).unwrap();
        // Observed on 22.05 (EnforcePartLimits=NO): over pa's MaxNodes or MaxTime only,
        // the job runs in pb.
        for line in ["-p pa,pb -N2 -t 5", "-p pb,pa -N2 -t 30", "-p pa,pb -t 30"] {
            let job = run(line);
            assert_eq!(
                (job.partitions(), job.pending_reason()),
                (&["pb".to_owned()][..], None),
                "{line}"
            );
        }
        // Over pa's MaxNodes (checked before its MaxTime) and pb's MaxTime: the reason
        // is the last partition's (observed: PartitionTimeLimit, then for `-p pb,pa`
        // PartitionNodeLimit; pa alone gives PartitionNodeLimit).
        let job = run("-p pa,pb -N2 -t 120");
        assert_eq!(job.partitions(), ["pa", "pb"]);
        assert_eq!(
            (
                job.pending_reason(),
                job.pending_reason_in("pa"),
                job.pending_reason_in("pb")
            ),
            (
                Some(PendingReason::PartitionTimeLimit),
                Some(PendingReason::PartitionNodeLimit),
                Some(PendingReason::PartitionTimeLimit)
            )
        );
        assert_eq!(
            run("-p pb,pa -N2 -t 120").pending_reason(),
            Some(PendingReason::PartitionNodeLimit)
        );
        assert_eq!(
            run("-p pa -N2 -t 120").pending_reason(),
            Some(PendingReason::PartitionNodeLimit)
        );
        // PriorityTier orders the tests (observed: with pb at tier 2, both orders show
        // pa's PartitionNodeLimit).
        let tiered = Cluster::from_slurm_conf(
            "EnforcePartLimits=NO\nNodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n\
             PartitionName=pa Nodes=cpu4-[1-2] MaxTime=10 MaxNodes=1\n\
             PartitionName=pb Nodes=cpu4-[3-4] MaxTime=60 PriorityTier=2\n",
        )
        .unwrap();
        for line in ["-p pa,pb -N2 -t 120", "-p pb,pa -N2 -t 120"] {
            let job = tiered.resolve(&args(line)).unwrap();
            assert_eq!(
                (job.partitions(), job.pending_reason()),
                (
                    &["pb".to_owned(), "pa".to_owned()][..],
                    Some(PendingReason::PartitionNodeLimit)
                ),
                "{line}"
            );
        }
    }

    #[test]
    fn a_down_partition_is_skipped_and_wins_over_its_limits() {
        // Observed on 22.05, pa DOWN, EnforcePartLimits=NO.
        let c = pair("NO", "DOWN");
        let run = |line: &str| c.resolve(&args(line)).unwrap();
        let job = run("-p pa,pb -t 5");
        assert_eq!(job.partitions(), ["pa", "pb"]);
        assert_eq!(
            (
                job.pending_reason(),
                job.pending_reason_in("pa"),
                job.pending_reason_in("pb")
            ),
            (None, Some(PendingReason::PartitionDown), None)
        );
        assert!(job.blocked_at(0) && !job.blocked_at(1));
        for (line, want) in [
            // pa is DOWN (and over MaxTime), pb over MaxTime: the last one's reason.
            ("-p pa,pb -t 120", PendingReason::PartitionTimeLimit),
            ("-p pb,pa -t 120", PendingReason::PartitionDown),
            ("-p pa,pb -N2 -t 120", PendingReason::PartitionTimeLimit),
            // In one partition DOWN comes before its limits.
            ("-p pa -t 120", PendingReason::PartitionDown),
            ("-p pa -N2 -t 5", PendingReason::PartitionDown),
        ] {
            assert_eq!(run(line).pending_reason(), Some(want), "{line}");
        }
        // EnforcePartLimits=ALL: a DOWN partition's own limits are not checked, only
        // the highest of the list (observed on 22.05).
        let c = pair("ALL", "DOWN");
        let job = c.resolve(&args("-p pa,pb -t 30")).unwrap();
        assert_eq!(job.partitions(), ["pa", "pb"]);
        assert_eq!(job.pending_reason(), None);
        let time = RejectReason::InvalidTimeLimit {
            partition: "pa".into(),
        };
        assert_eq!(refusal(&c, "-p pa -t 30"), [time]);
        // pb is UP: its own MaxTime refuses 90 minutes.
        assert_eq!(
            refusal(&c, "-p pa,pb -t 90"),
            [RejectReason::InvalidTimeLimit {
                partition: "pb".into()
            }]
        );
        assert_eq!(
            refusal(&c, "-p pa -N2 -t 5"),
            [RejectReason::InvalidNodeCount]
        );
        // pb is UP: its own node total refuses 3 nodes.
        assert_eq!(
            refusal(&c, "-p pa,pb -N3 -t 5"),
            [RejectReason::InvalidNodeCount]
        );
        // With --time-min the list-wide --time check is skipped.
        let job = c.resolve(&args("-p pa -t 30 --time-min=5")).unwrap();
        assert_eq!(job.pending_reason(), Some(PendingReason::PartitionDown));
    }

    #[test]
    fn enforce_all_gives_the_first_violation_and_any_the_last() {
        // Observed on 22.05: pa is over MaxNodes (and MaxTime), pb over MaxTime.
        let node = || RejectReason::InvalidNodeCount;
        let time = |p: &str| RejectReason::InvalidTimeLimit {
            partition: p.into(),
        };
        let all = pair("ALL", "UP");
        assert_eq!(refusal(&all, "-p pa,pb -N2 -t 120"), [node()]);
        assert_eq!(refusal(&all, "-p pb,pa -N2 -t 120"), [time("pb")]);
        assert_eq!(refusal(&all, "-p pa,pb -t 30"), [time("pa")]);
        assert_eq!(refusal(&all, "-p pb,pa -N2 -t 5"), [node()]);
        let any = pair("ANY", "UP");
        assert_eq!(refusal(&any, "-p pa,pb -N2 -t 120"), [time("pb")]);
        assert_eq!(refusal(&any, "-p pb,pa -N2 -t 120"), [node()]);
        assert_eq!(refusal(&any, "-p pa -N2 -t 120"), [node()]);
        for line in ["-p pa,pb -t 30", "-p pb,pa -N2 -t 5"] {
            let job = any.resolve(&args(line)).unwrap();
            assert_eq!(job.partitions(), ["pb"], "{line}");
        }
        // pb DOWN, pa over MaxTime: accepted when pb (DOWN) is tested last, refused when
        // pa is (observed on 22.05).
        let any_pb_down = Cluster::from_slurm_conf(
            "EnforcePartLimits=ANY\nNodeName=cpu4-[1-4] CPUs=4 RealMemory=32768\n\
             PartitionName=pa Nodes=cpu4-[1-2] MaxTime=10 MaxNodes=1\n\
             PartitionName=pb Nodes=cpu4-[3-4] MaxTime=60 State=DOWN\n",
        )
        .unwrap();
        let job = any_pb_down.resolve(&args("-p pa,pb -t 30")).unwrap();
        assert_eq!(
            (job.partitions(), job.pending_reason()),
            (&["pb".to_owned()][..], Some(PendingReason::PartitionDown))
        );
        assert_eq!(
            refusal(&any_pb_down, "-p pb,pa -t 30"),
            [RejectReason::PartitionConfigUnavailable]
        );
        assert_eq!(
            refusal(&any_pb_down, "-p pa,pb -t 90"),
            [RejectReason::InvalidTimeLimit {
                partition: "pa".into()
            }]
        );
    }

    #[test]
    fn time_min_is_checked_against_the_largest_max_time_of_the_list() {
        // Observed on 22.05 (pa MaxTime 10, pb 60, both DefaultTime 5).
        let c = pair("NO", "UP");
        let job = c.resolve(&args("-p pa,pb -t 30 --time-min=20")).unwrap();
        assert_eq!(
            (job.partitions(), job.pending_reason()),
            (&["pb".to_owned()][..], None)
        );
        // Without --time the limit is the first partition's DefaultTime (5 min).
        for line in ["-p pb,pa --time-min=4", "-p pb,pa --time-min=5"] {
            let job = c.resolve(&args(line)).unwrap();
            assert_eq!(
                (job.partitions(), job.pending_reason()),
                (&["pb".to_owned(), "pa".to_owned()][..], None),
                "{line}"
            );
        }
        for line in [
            // Over the largest MaxTime.
            "-p pa,pb -t 90 --time-min=70",
            "-p pa -t 30 --time-min=20",
            // Over the first partition's DefaultTime, without --time.
            "-p pb,pa --time-min=20",
            "-p pb,pa --time-min=6",
            // Over --time.
            "-p pb -t 10 --time-min=20",
        ] {
            assert_eq!(refusal(&c, line), [RejectReason::InvalidTimeMin], "{line}");
        }
        // Under EnforcePartLimits=ALL --time is still checked in each partition.
        let all = pair("ALL", "UP");
        assert_eq!(
            refusal(&all, "-p pa,pb -t 30 --time-min=20"),
            [RejectReason::InvalidTimeLimit {
                partition: "pa".into()
            }]
        );
        let mut c2 = pair("NO", "UP");
        let mut q = Qos::new("long");
        q.flags = QosFlags::PARTITION_TIME_LIMIT;
        c2.add_qos(q).unwrap();
        assert!(
            c2.resolve(&args("-p pa -q long -t 30 --time-min=20"))
                .is_ok()
        );
    }

    #[test]
    fn a_deny_on_limit_qos_refuses_in_any_listed_partition() {
        // `acct_policy_validate()` walks every listed partition.
        let mut c = Cluster::from_slurm_conf(
            "NodeName=n[1-4] CPUs=4 RealMemory=8000\n\
             PartitionName=a Nodes=n[1-2] QOS=small\n\
             PartitionName=b Nodes=n[3-4]\n",
        )
        .unwrap();
        let mut small = Qos::new("small");
        small.max_tres_per_job.0.insert(TresKind::Node, 1);
        c.add_qos(small.clone()).unwrap();
        // Without DenyOnLimit: blocked in a by its partition QOS, runs in b.
        let job = c.resolve(&args("-p a,b -N2")).unwrap();
        assert_eq!(
            (job.pending_reason_in("a"), job.pending_reason()),
            (Some(PendingReason::QOSMaxNodePerJobLimit), None)
        );
        small.flags = QosFlags::DENY_ON_LIMIT;
        if let Some(q) = c.qos_mut("small") {
            *q = small;
        }
        assert_eq!(
            refusal(&c, "-p b,a -N2"),
            [RejectReason::QosPolicy(
                PendingReason::QOSMaxNodePerJobLimit
            )]
        );
    }
}
