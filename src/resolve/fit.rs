//! How the job fits one partition's nodes: its [`JobShape`] there (node counts, CPUs,
//! memory, GRES per node, `--gpus`), or why no node can ever run it.

use super::counts::{Counts, JobView};
use super::defaults::{resolve_memory, resolve_time_limit};
use super::node_demand::{NodeDemand, RuntimeLimits};
use super::node_view::{NodeFit, NodeView};
use super::reject::RejectReason;
use super::shape::{GpusPerJob, JobShape, ResolvedMemory};
use crate::cluster::Cluster;
use crate::gres::GresSpec;
use crate::job_state::PendingReason;
use crate::memory::Memory;
use crate::partition::{MaxMem, OverSubscribe, Partition};
use crate::qos::{Qos, QosFlags};
use crate::request::{Exclusive, JobRequest, MemoryRequest};

impl Cluster {
    /// How the job fits the nodes of `part`, or why it never can. With `any_nodes` (a job
    /// submitted held, whose nodes slurmctld does not test) a job no node can run gets a
    /// shape all the same, with the reason it pends with once released.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fit<V: NodeView>(
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
