//! What a job asks of the plan in one partition: its demand (counts, memory, time limit,
//! sharing), the nodes it may use there, and what it takes on one node.

use super::Scheduler;
use super::job::Job;
use super::profile::UNLIMITED_PLAN;
use crate::gres::GresKey;
use crate::job_id::JobId;
use crate::memory::Memory;
use crate::partition::OverSubscribe;
use crate::planner::{CpuBudget, Demand, JobGpus, MemDemand, NodeIdx, Placement, Profile};
use crate::request::Exclusive;
use crate::resolve::{JobShape, ResolvedMemory};
use crate::time::{Duration, TimeLimit, Timestamp};
use crate::tres::Tres;
use std::collections::{BTreeMap, BTreeSet};

/// The GRES name of the planner keys that carry MaxCPUsPerNode (see
/// [`super::site::Site::cpu_budget_key`]).
pub(crate) const CPU_BUDGET: &str = "#maxcpus";

/// [`Profile::earliest`] for a job's candidates in partition `part`: through the
/// partition's planner group when they are the whole partition, else directly, with the
/// job's required nodes if it has any.
pub(super) fn ask(
    profile: &Profile,
    part: usize,
    demand: &Demand,
    candidates: &JobNodes,
    from: Timestamp,
    horizon: Option<Timestamp>,
) -> Option<Placement> {
    match candidates {
        JobNodes::Partition => profile.earliest_in(demand, part, from, horizon),
        JobNodes::Narrowed(list) => profile.earliest(demand, list, from, horizon),
        JobNodes::Required { nodes, required } => {
            profile.earliest_with_required(demand, nodes, required, from, horizon)
        }
    }
}

/// The nodes a job may use in a partition.
pub(crate) enum JobNodes {
    /// All of the partition's nodes (its planner group).
    Partition,
    /// Only these (features, `--exclude`, `--nodelist` narrow them).
    Narrowed(Vec<NodeIdx>),
    /// These (the partition's nodes, minus features and `--exclude`), with every node of
    /// `required` in the allocation: a `--nodelist` naming fewer nodes than the job asks
    /// for (sbatch.1: "additional resources will be allocated on other nodes as needed").
    Required {
        nodes: Vec<NodeIdx>,
        required: Vec<NodeIdx>,
    },
}

impl Scheduler {
    /// The demand of a job in a partition, and the nodes it may use there.
    pub(crate) fn demand_in(&self, id: JobId, part: usize) -> Option<(Demand, JobNodes)> {
        let job = self.jobs.get(id)?;
        let shape = self.shape_in(job, part);
        let cpt = shape.cpus_per_task().max(1);
        let min_cpus_per_node = shape.min_cpus_per_node().max(1);
        let mem = match shape.memory() {
            // CR_Core/CR_CPU: memory is not a consumable resource; nothing is taken.
            _ if !self.site.memory_consumable => MemDemand::PerNode(Memory::from_mib(0)),
            ResolvedMemory::PerNode(m) if m.mib() == 0 => MemDemand::WholeNode,
            ResolvedMemory::PerNode(m) => MemDemand::PerNode(m),
            ResolvedMemory::PerCpu(m) => MemDemand::PerCpu(m),
            ResolvedMemory::PerGpu(m) => MemDemand::PerGpu(m),
            ResolvedMemory::WholeNode => MemDemand::WholeNode,
        };
        let duration = match Self::time_limit_in(job, shape) {
            TimeLimit::Limited(d) => Duration::from_secs(d.as_secs().max(1)),
            TimeLimit::Unlimited => UNLIMITED_PLAN,
        };
        let (whole_node, user_exclusive) = self.sharing(job, part);
        // A `--gpus` job is chosen with its own counts: from its fewest nodes up, the
        // GPUs spread over them (see `JobGpus`).
        let gpu_choice = shape.gpu_choice();
        let (min_nodes, max_nodes, total_cpus) = match gpu_choice {
            Some(g) => (
                g.min_nodes.max(1),
                g.max_nodes.max(g.min_nodes).max(1),
                g.min_cpus,
            ),
            None => (
                shape.min_nodes().max(1),
                shape.max_nodes().max(shape.min_nodes()).max(1),
                shape.min_cpus(),
            ),
        };
        let demand = Demand {
            min_nodes,
            max_nodes,
            // A job that gave a node count gets as many nodes as it can, unless it asked
            // for the fewest (Slurm's `req_nodes`, `_get_req_features()`).
            req_nodes: {
                let req = job.resolved.request();
                if req.nodes.is_some() && !req.use_min_nodes {
                    max_nodes
                } else {
                    0
                }
            },
            total_cpus: total_cpus.max(1),
            min_cpus_per_node,
            cpus_per_task: cpt,
            mem,
            gres_per_node: shape
                .gres_per_node()
                .iter()
                .map(|g| (g.key.clone(), g.count))
                .collect(),
            whole_node,
            user: job.user_idx,
            user_exclusive,
            duration,
            cpu_budget: self.site.cpu_budget_key(part).map(|key| CpuBudget {
                key,
                cpus_per_node: shape.task_cpus_per_node().max(1),
            }),
            gpus_per_job: gpu_choice.map(|g| {
                let mut gpus = JobGpus::new(g.spec.key.clone(), g.spec.count);
                gpus.cpus_per_gpu = g.cpus_per_gpu;
                gpus
            }),
        };
        Some((demand, self.candidates(id, part)))
    }

    /// The job's counts, memory and time limit in partition `part`: a job submitted to
    /// several partitions takes each one's defaults (DefMemPerCPU, the whole-node CPU
    /// count...), as slurmctld evaluates it per partition.
    pub(super) fn shape_in<'a>(&self, job: &'a Job, part: usize) -> &'a JobShape {
        if job.resolved.partitions().len() <= 1 {
            return job.resolved.shape();
        }
        self.site
            .cluster
            .partition_at(part)
            .and_then(|p| job.resolved.shape_in(&p.name))
            .unwrap_or_else(|| job.resolved.shape())
    }

    /// The time limit a job has in a partition of shape `shape`: the one the host set
    /// with [`Scheduler::update_time_limit`] if it changed it, else the partition's.
    pub(super) fn time_limit_in(job: &Job, shape: &JobShape) -> TimeLimit {
        if job.time_limit == job.resolved.time_limit() {
            shape.time_limit()
        } else {
            job.time_limit
        }
    }

    /// Whether a job gets whole nodes, and whether its nodes are its user's alone, when it
    /// runs in partition `part`. Whole nodes: `--exclusive`, OverSubscribe=EXCLUSIVE of
    /// `part`, or a test of the job on the nodes of an EXCLUSIVE partition it listed, at
    /// submit ([`Scheduler::whole_from_submit`]) or by the main scheduler since
    /// (`Job::whole_for_good`): slurmctld's `_resolve_shared_status()` sets the job's
    /// `whole_node` then, and nothing clears it (observed on 22.05: `-p whole,CPU-4 -n 1`
    /// with `whole`'s nodes busy runs in CPU-4 on a whole node, OverSubscribe=NO).
    pub(super) fn sharing(&self, job: &Job, part: usize) -> (bool, bool) {
        let r = &job.resolved;
        let Some(p) = self.site.cluster.partition_at(part) else {
            return (r.whole_nodes(), r.user_exclusive());
        };
        let exclusive = r.request().exclusive;
        let exclusive_part = |p: &crate::partition::Partition| match p.oversubscribe {
            OverSubscribe::Exclusive => true,
            OverSubscribe::Force(_) => false,
            OverSubscribe::No | OverSubscribe::Yes(_) => {
                matches!(exclusive, Some(Exclusive::Node | Exclusive::Topo))
            }
        };
        let whole_node = exclusive_part(p) || job.whole_for_good;
        // A node takes its owner from the partition the job runs in (`make_node_alloc()`
        // in node_mgr.c: ExclusiveUser of `part_ptr`, or `--exclusive=user`), though
        // scontrol shows the job's sharing from the last partition it listed (observed
        // on 22.05: `-p CPU-16,excl -N 4` shows OverSubscribe=USER and runs in CPU-16
        // with other users' jobs on its nodes).
        let user_exclusive = p.exclusive_user || exclusive == Some(Exclusive::User);
        (whole_node, user_exclusive)
    }

    /// How a running job holds its nodes, whole and user-exclusive, in the partition it
    /// runs in (see [`Self::sharing`]).
    pub(super) fn running_sharing(&self, job: &Job) -> (bool, bool) {
        match job
            .partition
            .as_deref()
            .and_then(|p| self.site.cluster.partition_index(p))
        {
            Some(part) => self.sharing(job, part),
            None => (job.resolved.whole_nodes(), job.resolved.user_exclusive()),
        }
    }

    /// Whether a running job keeps other users off its nodes.
    pub(super) fn running_user_exclusive(&self, job: &Job) -> bool {
        self.running_sharing(job).1
    }

    /// Nodes of the partition the job may ever use (features, `--nodelist`, `--exclude`):
    /// the partition's own list, borrowed, when the job restricts nothing.
    pub(super) fn candidates(&self, id: JobId, part: usize) -> JobNodes {
        let (Some(nodes), Some(job)) = (self.site.partition_nodes.get(part), self.jobs.get(id))
        else {
            return JobNodes::Narrowed(Vec::new());
        };
        let req = job.resolved.request();
        let tmp = req.tmp.map_or(0, Memory::mib);
        if req.constraint.is_none() && req.exclude.is_empty() && req.nodelist.is_empty() && tmp == 0
        {
            return JobNodes::Partition;
        }
        // `--nodelist` nodes are required. When the job may have no more nodes than
        // listed, only those may be used; when it may have more, the others come from the
        // rest of the partition (minus features and `--exclude`) as needed (observed on
        // 22.05: `-p capped -n 30 -w cpu16-3`, 8 CPUs a node, ran on cpu16-[1-4],
        // fidelity scenario g00266).
        let listed: BTreeSet<&str> = req.nodelist.iter().map(String::as_str).collect();
        let max_nodes = self.shape_in(job, part).max_nodes().max(1) as usize;
        let only_listed = !listed.is_empty() && max_nodes <= listed.len();
        let narrowed: Vec<NodeIdx> = nodes
            .iter()
            .copied()
            .filter(|&n| {
                let Some(node) = self.site.cluster.node_at(n as usize) else {
                    return false;
                };
                req.admits_node(node) && (!only_listed || listed.contains(node.name.as_str()))
            })
            .collect();
        if listed.is_empty() || only_listed {
            return JobNodes::Narrowed(narrowed);
        }
        // A listed node the job may not use here (outside the partition, or without a
        // feature it asks for) stays required: the job then never fits in this partition.
        JobNodes::Required {
            nodes: narrowed,
            required: self.requested_nodes(id),
        }
    }

    pub(super) fn requested_nodes(&self, id: JobId) -> Vec<u32> {
        self.jobs
            .get(id)
            .map(|j| {
                j.resolved
                    .request()
                    .nodelist
                    .iter()
                    .filter_map(|n| self.site.cluster.node_index(n).map(|i| i as u32))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What a job takes on one node when it gets `cpus` CPUs there, and `job_gpus` of
    /// its `--gpus` GPUs ([`Placement::gpus`]).
    pub(super) fn node_usage(
        &self,
        node: NodeIdx,
        demand: &Demand,
        cpus: u32,
        job_gpus: Option<u64>,
    ) -> Tres {
        let Some(rt) = self.site.nodes.get(node as usize) else {
            return Tres::default();
        };
        let gres: BTreeMap<_, _> = if demand.whole_node {
            rt.all_gres().into_iter().collect()
        } else {
            let mut gres: BTreeMap<GresKey, u64> = BTreeMap::new();
            for (k, n) in &demand.gres_per_node {
                let slot = gres.entry(k.clone()).or_insert(0);
                *slot = slot.saturating_add(*n);
            }
            if let (Some(g), Some(n)) = (&demand.gpus_per_job, job_gpus.filter(|&n| n > 0)) {
                let slot = gres.entry(g.key.clone()).or_insert(0);
                *slot = slot.saturating_add(n);
            }
            gres
        };
        let gpus: u64 = gres
            .iter()
            .filter(|(k, _)| k.name == "gpu")
            .map(|(_, c)| *c)
            .sum();
        let memory = match demand.mem {
            MemDemand::PerNode(m) => m,
            MemDemand::PerCpu(m) => Memory::from_mib(m.mib().saturating_mul(u64::from(cpus))),
            MemDemand::PerGpu(m) => Memory::from_mib(m.mib().saturating_mul(gpus)),
            MemDemand::WholeNode => rt.capacity.memory,
        };
        let mut gres = gres;
        if let Some(b) = &demand.cpu_budget {
            gres.insert(b.key.clone(), u64::from(cpus));
        }
        Tres {
            nodes: 0,
            cpus,
            memory,
            gres,
        }
    }
}
