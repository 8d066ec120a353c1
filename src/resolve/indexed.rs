//! The [`NodeView`] of [`Cluster::resolve`]: the questions about nodes answered from the
//! cluster's index of node kinds, in time independent of the node count.

use super::node_demand::NodeDemand;
use super::node_view::{NodeFit, NodeView};
use super::reject::RejectReason;
use crate::cluster::{Cluster, NodeIndex, NodeKind};
use crate::constraint::Constraint;
use crate::partition::Partition;
use crate::request::JobRequest;

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
pub(super) struct Indexed<'c> {
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
    pub(super) fn new(cluster: &'c Cluster, req: &JobRequest) -> Self {
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
            // `-n T` allows at most T nodes: `--gpus` that only more nodes hold can never
            // run (observed on 22.05, generated g03199: `-n 1 --gpus=a40:2` on 1-GPU
            // nodes is refused, "never runnable in partition").
            if counts.ntasks_set && k > counts.ntasks {
                return Err(d.unavailable(&format!(
                    "{k} nodes needed for the GPUs, {} allowed by the task count",
                    counts.ntasks
                )));
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
