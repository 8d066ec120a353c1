//! What one node must offer for a share of the job in one partition ([`NodeDemand`]),
//! the tests a node passes or fails, and the hardware they read ([`Hardware`]), from one
//! node or from a kind of identical nodes.

use super::counts::Counts;
use super::reject::RejectReason;
use crate::cluster::NodeKind;
use crate::gres::{GresKey, GresSpec};
use crate::node::Node;
use crate::request::JobRequest;

/// What one node must offer for a share of the job, in one partition.
pub(super) struct NodeDemand<'r> {
    /// The partition, for error messages.
    pub(super) partition: &'r str,
    pub(super) req: &'r JobRequest,
    pub(super) counts: Counts,
    /// The CPUs a node must have for the job: its tasks' (`--ntasks-per-node` × `-c`),
    /// at least `--mincpus`.
    pub(super) cpus_per_node_min: u32,
    /// The CPUs a node gives the job's tasks, without `--mincpus`: what MaxCPUsPerNode
    /// bounds.
    pub(super) task_cpus_per_node: u32,
    pub(super) mem_per_node_min: u64,
    pub(super) per_node_gres: &'r [GresSpec],
    pub(super) per_job_gpus: Option<&'r GresSpec>,
    /// The per-CPU memory (MiB) when memory is per CPU, to bound tasks per node.
    pub(super) mem_per_cpu: Option<u64>,
    /// The job pends on a partition limit: fit it on the nodes there are.
    pub(super) limited: bool,
    /// Whole nodes: the whole-node CPU count is wanted.
    pub(super) whole_nodes: bool,
    /// Test the nodes with the partition's MaxCPUsPerNode, `--tmp` against TmpDisk,
    /// memory less MemSpecLimit and the CPUs its GPUs need, as Slurm's submit-time test
    /// does (a job no node passes is refused; observed on 22.05). `None` only to size a
    /// job submitted held, whose nodes slurmctld does not test: it is accepted, and pends
    /// with BadConstraints once released.
    pub(super) runtime: Option<RuntimeLimits>,
    /// The most nodes the job may be given in the partition (its MaxNodes), if capped.
    pub(super) max_nodes: Option<u32>,
    /// The memory (MiB) the job asks for, per node or per CPU: what slurmctld compares
    /// with a node's RealMemory before any count (`_build_node_list()`).
    pub(super) asked_mib: u64,
}

/// The limits a node puts on a job beyond its size (see [`NodeDemand::runtime`]).
/// slurmctld's node test applies them all, at submit and when it schedules; a job
/// submitted held skips that test at submit, so these are what let such a job be
/// accepted without a node that can run it.
#[derive(Debug, Clone, Copy)]
pub(super) struct RuntimeLimits {
    /// MaxCPUsPerNode: the most CPUs a node gives the job's tasks and GPUs (a
    /// `--mincpus` floor above it is given all the same, see [`NodeDemand::cpu_ok`]); a
    /// whole-node job can not use a node with more (`_allocate_sc()` in cons_common.c).
    pub(super) cpu_cap: Option<u32>,
    /// `--tmp` (MiB), against TmpDisk (`_build_node_list()`: "Temporary disk
    /// specification can not be satisfied").
    pub(super) tmp_mib: u64,
    /// The CPUs a node must give for its GPUs (`--cpus-per-gpu`, DefCPUPerGPU), which the
    /// select plugin checks against the CPUs it can give (observed on 22.05: 20 per GPU
    /// on 16-CPU nodes is refused at submit).
    pub(super) gpu_cpus: u32,
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
    pub(super) fn unavailable(&self, why: &str) -> RejectReason {
        RejectReason::NodeConfigUnavailable {
            partition: self.partition.to_string(),
            why: why.to_string(),
        }
    }
    /// The job needs `nodes` nodes, more than the partition's MaxNodes.
    pub(super) fn over_max_nodes(&self, nodes: u32) -> RejectReason {
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
    pub(super) fn config_ok<H: Hardware + ?Sized>(&self, n: &H) -> bool {
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
    pub(super) fn eligible<H: Hardware + ?Sized>(&self, n: &H) -> bool {
        self.cpu_ok(n) && self.mem_ok(n) && self.gres_ok(n) && self.feat_ok(n) && self.tmp_ok(n)
    }
    /// Why no node of `pool` is eligible, the first check that none passes.
    pub(super) fn why_none_eligible<H: Hardware + ?Sized>(&self, pool: &[&H]) -> String {
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
    pub(super) fn cpu_shortage(&self, what: &str) -> RejectReason {
        match self.runtime.and_then(|r| r.cpu_cap) {
            Some(cap) => {
                self.unavailable(&format!("{what} (the partition's MaxCPUsPerNode is {cap})"))
            }
            None => self.unavailable(what),
        }
    }
    /// Tasks a node can hold.
    pub(super) fn task_capacity<H: Hardware + ?Sized>(&self, n: &H) -> u64 {
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
    pub(super) fn gpu_capacity<H: Hardware + ?Sized>(&self, n: &H) -> u64 {
        self.per_job_gpus.map_or(0, |g| node_gres_count(n, &g.key))
    }
}

/// The hardware the fit checks read, from one node or from a kind of identical nodes.
pub(super) trait Hardware {
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
pub(super) fn node_gres_count<H: Hardware + ?Sized>(node: &H, key: &GresKey) -> u64 {
    node.gres()
        .iter()
        .filter(|g| g.key.name == key.name)
        .filter(|g| key.kind.is_none() || g.key.kind == key.kind)
        .map(|g| g.count)
        .fold(0u64, u64::saturating_add)
}
