//! What resolving checks in the request alone, before any partition (counts, node
//! names, GRES names, features, arrays), and sbatch's own adjustment of `--nodelist`.

use super::counts::Counts;
use super::node_view::NodeView;
use super::reject::{RejectReason, Rejection};
use crate::cluster::Cluster;
use crate::gres::GresSpec;
use crate::request::JobRequest;
use std::borrow::Cow;

impl Cluster {
    /// Checks that need no partition: counts, node names, GRES names, features, arrays.
    pub(super) fn check_request<V: NodeView>(
        &self,
        req: &JobRequest,
        view: &V,
    ) -> Result<Counts, Rejection> {
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
}

/// The request with `--nodelist` as sbatch sends it: when `-n` is below the number of
/// listed nodes, the node count becomes `-n` (see `check_request`) and only the first
/// `-n` nodes of the list, sorted and without duplicates, are kept (`_opt_verify()`
/// pops the others; observed on 22.05: `-n1 -w cpu4-2,cpu4-1` runs on cpu4-1 with
/// ReqNodeList=cpu4-1, `-n2 -w cpu4-[2-4]` gets ReqNodeList=cpu4-[2-3], `-n2 -w
/// cpu4-4,cpu4-1,cpu4-2` cpu4-[1-2], `-n1 -N2 -w cpu4-[1-2]` cpu4-1). A node range the
/// list does not fit in is refused first, with the whole list.
pub(super) fn sbatch_nodelist(req: &JobRequest) -> Cow<'_, JobRequest> {
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

/// Every GRES the request names (`--gres`, `--gpus-per-node`, `--gpus`).
fn requested_gres(req: &JobRequest) -> impl Iterator<Item = &GresSpec> {
    req.gres
        .iter()
        .chain(req.gpus_per_node.as_deref())
        .chain(req.gpus.as_deref())
}

/// How many distinct names a list holds.
pub(super) fn distinct_count(names: &[String]) -> u32 {
    let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.len() as u32
}

/// The highest index of an array specification.
fn array_max_index(array: &crate::array::ArraySpec) -> u32 {
    array.max()
}
