//! The planner's public vocabulary: what a job demands ([`Demand`], with its memory,
//! per-job GPUs and CPU budget), where and when it is placed ([`Placement`]), and how a
//! reservation holds a node ([`Hold`]).

use super::{NodeIdx, UserIdx};
use crate::gres::GresKey;
use crate::memory::Memory;
use crate::time::{Duration, Timestamp};
use crate::tres::Tres;

/// How much memory a demand needs on each node it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemDemand {
    /// This much on every node.
    PerNode(Memory),
    /// This much per CPU the node gives the job.
    PerCpu(Memory),
    /// This much per GPU the node gives the job.
    PerGpu(Memory),
    /// All of the node's memory (the node must have none allocated).
    WholeNode,
}

/// What one job (or array task) needs, in the terms the planner works in.
///
/// Built with [`Demand::new`] and its fields set one by one (more may come, so it is
/// `#[non_exhaustive]`):
///
/// ```
/// use hpcsched::planner::{Demand, MemDemand};
/// use hpcsched::{Duration, Memory};
/// // `-N 2 --ntasks-per-node=4 -c 2 --mem-per-cpu=1G -t 1:00:00`
/// let mut d = Demand::new(Duration::from_hours(1));
/// d.min_nodes = 2;
/// d.max_nodes = 2;
/// d.total_cpus = 16;
/// d.min_cpus_per_node = 8;
/// d.cpus_per_task = 2;
/// d.mem = MemDemand::PerCpu(Memory::from_gib(1));
/// assert_eq!((d.min_nodes, d.gpus_per_job), (2, None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Demand {
    /// Fewest nodes (0 is read as 1).
    pub min_nodes: u32,
    /// Most nodes (a value below `min_nodes` is read as `min_nodes`).
    pub max_nodes: u32,
    /// The node count Slurm aims for (`req_nodes`): `max_nodes` when the job gave a node
    /// count (`-N`), so that it gets as many nodes as it can, else `min_nodes` (clamped
    /// to `min_nodes..=max_nodes`).
    pub req_nodes: u32,
    /// CPUs the job needs in total over all its nodes.
    pub total_cpus: u32,
    /// CPUs every used node must give at least (e.g. `--ntasks-per-node` × `-c`, or `-c`).
    pub min_cpus_per_node: u32,
    /// CPUs come in multiples of this on each node (`-c`): a task is never split (0 is
    /// read as 1).
    pub cpus_per_task: u32,
    /// Memory per node.
    pub mem: MemDemand,
    /// GRES per node; an untyped key is satisfied by any type of that name.
    pub gres_per_node: Vec<(GresKey, u64)>,
    /// The job takes whole nodes (all CPUs, GRES; it needs the node idle).
    pub whole_node: bool,
    /// The submitting user.
    pub user: UserIdx,
    /// Nodes used by this job may hold no other user's job, before or during.
    pub user_exclusive: bool,
    /// How long the job holds its resources (its time limit; zero is read as one second).
    pub duration: Duration,
    /// A partition's MaxCPUsPerNode, as a budget of CPUs per node shared by the
    /// partition's jobs (see [`CpuBudget`]); `None` for an uncapped partition.
    pub cpu_budget: Option<CpuBudget>,
    /// GPUs asked for the whole job (`--gpus=N`), spread over its nodes as Slurm spreads
    /// them (see [`JobGpus`]); `None` for the rest.
    pub gpus_per_job: Option<JobGpus>,
}

impl Demand {
    /// A one-node, one-CPU demand lasting `duration`: no memory, no GRES, shared nodes,
    /// user 0. Set the fields to describe a real job.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand};
    /// use hpcsched::{Duration, Memory};
    /// let d = Demand::new(Duration::from_secs(60));
    /// assert_eq!((d.min_nodes, d.max_nodes, d.total_cpus, d.cpus_per_task), (1, 1, 1, 1));
    /// assert_eq!(d.mem, MemDemand::PerNode(Memory::from_mib(0)));
    /// ```
    #[must_use]
    pub fn new(duration: Duration) -> Self {
        Demand {
            min_nodes: 1,
            max_nodes: 1,
            req_nodes: 0,
            total_cpus: 1,
            min_cpus_per_node: 1,
            cpus_per_task: 1,
            mem: MemDemand::PerNode(Memory::from_mib(0)),
            gres_per_node: Vec::new(),
            whole_node: false,
            user: 0,
            user_exclusive: false,
            duration,
            cpu_budget: None,
            gpus_per_job: None,
        }
    }
}

/// GPUs a job asks for in all (`--gpus=N`, `--gpus=TYPE:N`), which may come from
/// several nodes: select/cons_tres's rules for a per-job GRES (Slurm 22.05,
/// `_eval_nodes()` with `gres_per_job`).
///
/// - A node is usable only with at least one free GPU of the key (untyped: of any type),
///   and at least `cpus_per_gpu` CPUs to give when that is set; `MemDemand::PerGpu`
///   limits the GPUs a node can give to what its free memory pays for.
/// - The node count aims at `min_nodes` (not at `req_nodes`): nodes are added only until
///   the GPUs, CPUs and node count are all there. (Slurm caps a job's `-N` maximum at
///   its GPU count at submit; set `max_nodes` so.)
/// - A node's weight is its `Weight`, then fewer GPUs it can give (counted up to
///   `count`) weigh more: `(Weight << 8) | (0xff - gpus)`. So an idle 2-GPU node is a
///   set of its own, taken first among nodes of one `Weight`, even when it can not hold
///   the whole request.
/// - A set of consecutive nodes is sufficient only if its GPUs complete the request; the
///   best-fitting single node must complete it too.
/// - The GPUs are handed out in node order, each node as many as it has free but leaving
///   one for every chosen node after it ([`Placement::gpus`]); a node gives
///   `cpus_per_gpu` CPUs per GPU it gives.
///
/// ```
/// use hpcsched::gres::GresKey;
/// use hpcsched::planner::{Demand, JobGpus, Profile};
/// use hpcsched::{Duration, Memory, Timestamp, Tres};
/// let gpu_node = |cpus, gpus| {
///     let mut t = Tres { nodes: 1, cpus, memory: Memory::from_gib(64), ..Tres::default() };
///     t.gres.insert(GresKey::new("gpu"), gpus);
///     t
/// };
/// // Two 1-GPU nodes, then a 2-GPU node (in node order).
/// let mut p = Profile::new(Timestamp(0), vec![gpu_node(16, 1), gpu_node(16, 1), gpu_node(32, 2)], vec![1; 3]);
/// let mut d = Demand::new(Duration::from_hours(1));
/// d.max_nodes = 2;
/// d.gpus_per_job = Some(JobGpus::new(GresKey::new("gpu"), 2));
/// // Idle: the 2-GPU node alone.
/// let at = p.earliest(&d, &[0, 1, 2], Timestamp(0), None).unwrap();
/// assert_eq!((at.nodes, at.gpus), (vec![(2, 1)], vec![2]));
/// // With one of its GPUs busy: the two 1-GPU nodes, one GPU each.
/// let mut busy = Tres { cpus: 1, ..Tres::default() };
/// busy.gres.insert(GresKey::new("gpu"), 1);
/// p.add_running(2, &busy, Timestamp(600), 9, false);
/// let at = p.earliest(&d, &[0, 1, 2], Timestamp(0), None).unwrap();
/// assert_eq!((at.nodes, at.gpus), (vec![(0, 1), (1, 1)], vec![1, 1]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct JobGpus {
    /// The GPU key: `gpu` (any type) or `gpu:TYPE`.
    pub key: GresKey,
    /// GPUs in all (at least 1 to mean anything).
    pub count: u64,
    /// CPUs a node gives per GPU it gives (`--cpus-per-gpu`); 0 for none.
    pub cpus_per_gpu: u32,
}

impl JobGpus {
    /// `count` GPUs of `key`, no CPUs per GPU.
    ///
    /// ```
    /// use hpcsched::gres::GresKey;
    /// use hpcsched::planner::JobGpus;
    /// let g = JobGpus::new(GresKey::new("gpu"), 3);
    /// assert_eq!((g.count, g.cpus_per_gpu), (3, 0));
    /// ```
    #[must_use]
    pub fn new(key: GresKey, count: u64) -> Self {
        JobGpus {
            key,
            count,
            cpus_per_gpu: 0,
        }
    }
}

/// A partition's MaxCPUsPerNode as a [`Demand`] meets it: the scheduler gives each node of
/// such a partition `MaxCPUsPerNode` of a GRES key no real node has, and every job of the
/// partition takes the CPUs it holds there from it (all of them, `--mincpus` included).
///
/// As select/cons_tres does (`_allocate_sc()`, `_cpus_to_use()`): a node whose budget is
/// used up, or has less left than `cpus_per_node` (the CPUs of the tasks and GPUs the node
/// must hold), can not serve the demand; otherwise it offers what is left, and a per-node
/// minimum above that (`--mincpus`, [`Demand::min_cpus_per_node`]) is given in full out of
/// the node's free CPUs (which must hold it, and its memory pay for it) when the node
/// offers more than the CPUs the demand still needs as its nodes are taken. A node
/// without the key can not serve the demand; a whole-node demand needs the key's
/// capacity to cover every CPU of the node.
///
/// ```
/// use hpcsched::gres::GresKey;
/// use hpcsched::planner::{CpuBudget, Demand, MemDemand, Profile};
/// use hpcsched::{Duration, Memory, Timestamp, Tres};
/// let key = GresKey { name: "#cap".into(), kind: None };
/// // A 16-CPU node of a partition with MaxCPUsPerNode=8.
/// let mut node = Tres { nodes: 1, cpus: 16, memory: Memory::from_gib(64), ..Tres::default() };
/// node.gres.insert(key.clone(), 8);
/// let mut p = Profile::new(Timestamp(0), vec![node], vec![1]);
/// // `--mincpus=16`, one task: 16 CPUs although the cap is 8.
/// let mut d = Demand::new(Duration::from_secs(60));
/// d.min_cpus_per_node = 16;
/// d.cpu_budget = Some(CpuBudget { key: key.clone(), cpus_per_node: 1 });
/// let at = p.earliest(&d, &[0], Timestamp(0), None).unwrap();
/// assert_eq!(at.nodes, vec![(0, 16)]);
/// // Nine CPUs for its tasks: more than the cap, never.
/// d.min_cpus_per_node = 9;
/// d.total_cpus = 9;
/// d.cpu_budget = Some(CpuBudget { key, cpus_per_node: 9 });
/// assert_eq!(p.earliest(&d, &[0], Timestamp(0), None), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CpuBudget {
    /// The key carrying the budget.
    pub key: GresKey,
    /// The CPUs each node must find in the budget: those of the job's tasks and GPUs on
    /// the node, without a `--mincpus` floor above them.
    pub cpus_per_node: u32,
}

/// Where and when a demand fits.
///
/// ```
/// use hpcsched::planner::{Demand, Profile};
/// use hpcsched::{Duration, Timestamp, Tres};
/// let p = Profile::new(Timestamp(0), vec![Tres { cpus: 16, ..Tres::default() }; 2], vec![1; 2]);
/// let mut d = Demand::new(Duration::from_secs(60));
/// (d.min_nodes, d.max_nodes, d.total_cpus) = (2, 2, 32);
/// let at = p.earliest(&d, &[0, 1], Timestamp(60), None).unwrap();
/// assert_eq!((at.start, at.nodes), (Timestamp(60), vec![(0, 16), (1, 16)]));
/// assert!(at.gpus.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Placement {
    /// The start time.
    pub start: Timestamp,
    /// The chosen nodes, in node order, each with the CPUs it gives the job.
    pub nodes: Vec<(NodeIdx, u32)>,
    /// For a demand with [`Demand::gpus_per_job`]: the GPUs of that request each node of
    /// `nodes` gives, in the same order (at least 1 each, `count` in all); empty for
    /// other demands.
    pub gpus: Vec<u64>,
}

/// How a reservation holds a node.
///
/// ```
/// use hpcsched::planner::Hold;
/// use hpcsched::Tres;
/// let h = Hold::Resources(Tres { cpus: 4, ..Tres::default() });
/// assert_ne!(h, Hold::WholeNode);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// The whole node, whatever the job needs (Slurm's backfill default).
    WholeNode,
    /// Just these resources.
    Resources(Tres),
}
