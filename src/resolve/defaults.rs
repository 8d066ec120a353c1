//! The defaults a job gets where it names nothing: its QOS, its time limit and its
//! memory; and MaxMemPerCPU's adjustment of `--mem-per-cpu`.

use super::counts::Counts;
use super::reject::{RejectReason, Rejection};
use super::shape::ResolvedMemory;
use crate::cluster::Cluster;
use crate::memory::Memory;
use crate::partition::{DefMem, Partition};
use crate::qos::Qos;
use crate::request::{JobRequest, MemoryRequest};
use crate::time::TimeLimit;

impl Cluster {
    /// The job QOS: `-q` (must exist), else `normal` when defined.
    pub(super) fn job_qos(&self, req: &JobRequest) -> Result<Option<&Qos>, Rejection> {
        match &req.qos {
            Some(name) => self
                .qos(name)
                .map(Some)
                .ok_or_else(|| RejectReason::InvalidQos(name.clone()).into()),
            None => Ok(self.qos("normal")),
        }
    }
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
pub(super) fn resolve_time_limit(
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

/// Applies MaxMemPerCPU to `--mem-per-cpu` as `_valid_pn_min_mem()` does: the memory is
/// divided and `-c` multiplied by `ceil(requested / max)`.
pub(super) fn adjust_mem_per_cpu(
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
pub(super) fn resolve_memory(
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
