//! A demand, and an amount of GRES, resolved against the profile's GRES keys.

use super::demand::{Demand, MemDemand};
use super::profile::Profile;
use super::{NodeIdx, UserIdx};
use crate::gres::GresKey;
use std::collections::BTreeMap;
use std::ops::Range;

/// A demand resolved against the profile's GRES keys, ready for the hot loops.
#[derive(Debug)]
pub(super) struct Need {
    pub(super) min_nodes: u32,
    pub(super) max_nodes: u32,
    pub(super) req_nodes: u32,
    pub(super) total: u64,
    /// CPUs every used node must give at least (whole tasks).
    pub(super) base: u32,
    pub(super) cpt: u32,
    pub(super) dur: u64,
    pub(super) mem: MemDemand,
    pub(super) gpus: u64,
    pub(super) typed: Vec<(usize, u64)>,
    /// Untyped request: the name's key range, the amount, and the typed amounts of that
    /// name that come first.
    pub(super) untyped: Vec<(Range<usize>, u64, u64)>,
    pub(super) whole: bool,
    pub(super) user: UserIdx,
    pub(super) excl: bool,
    /// Nodes every placement must include, distinct and ascending (see
    /// [`Profile::earliest_with_required`]); empty for the other searches.
    pub(super) required: Vec<NodeIdx>,
    /// The key of [`Demand::cpu_budget`] and the CPUs a node must find in it (whole
    /// tasks, at least one).
    pub(super) budget: Option<(usize, u32)>,
    /// [`Demand::gpus_per_job`], resolved against the keys.
    pub(super) job_gpus: Option<JobGpuNeed>,
}

/// A per-job GPU request resolved against the profile's GRES keys.
#[derive(Debug, Clone)]
pub(super) struct JobGpuNeed {
    /// The keys whose free GPUs serve it: its own (typed), or every key of the name.
    pub(super) keys: Range<usize>,
    pub(super) count: u64,
    pub(super) cpus_per_gpu: u32,
    /// GPUs of those keys the per-node GRES of the demand take first on each node.
    pub(super) first: u64,
    /// Memory per GPU (MiB) with [`MemDemand::PerGpu`], else 0.
    pub(super) mem_per_gpu: u64,
}

/// How an amount of GRES is taken from a node: from one key, or from a name's group.
#[derive(Debug, Clone)]
pub(super) enum Take {
    Exact(usize, u64),
    Group(Range<usize>, u64),
}

impl Profile {
    /// Resolves `demand` against the GRES keys; `None` if no node could ever serve it.
    pub(super) fn need(&self, demand: &Demand) -> Option<Need> {
        let cpt = demand.cpus_per_task.max(1);
        let base = demand
            .min_cpus_per_node
            .max(cpt)
            .div_ceil(cpt)
            .checked_mul(cpt)?;
        let min_nodes = demand.min_nodes.max(1);
        let mut merged: BTreeMap<&GresKey, u64> = BTreeMap::new();
        for (k, n) in &demand.gres_per_node {
            let slot = merged.entry(k).or_insert(0);
            *slot = slot.saturating_add(*n);
        }
        merged.retain(|_, n| *n > 0);
        let mut typed = Vec::new();
        let mut untyped = Vec::new();
        for (k, &n) in &merged {
            if k.kind.is_some() {
                typed.push((self.keys.binary_search(k).ok()?, n));
            } else {
                let range = self.group(&k.name);
                if range.is_empty() {
                    return None;
                }
                let first: u64 = merged
                    .iter()
                    .filter(|(t, _)| t.kind.is_some() && t.name == k.name)
                    .fold(0u64, |a, (_, m)| a.saturating_add(*m));
                untyped.push((range, n, first));
            }
        }
        let gpus = merged
            .iter()
            .filter(|(k, _)| k.name == "gpu")
            .fold(0u64, |a, (_, n)| a.saturating_add(*n));
        let job_gpus = match demand.gpus_per_job.as_ref().filter(|g| g.count > 0) {
            Some(g) => {
                let keys = if g.key.kind.is_some() {
                    let i = self.keys.binary_search(&g.key).ok()?;
                    i..i + 1
                } else {
                    self.group(&g.key.name)
                };
                if keys.is_empty() {
                    return None;
                }
                let first = merged
                    .iter()
                    .filter(|(k, _)| {
                        k.name == g.key.name && (g.key.kind.is_none() || k.kind == g.key.kind)
                    })
                    .fold(0u64, |a, (_, n)| a.saturating_add(*n));
                Some(JobGpuNeed {
                    keys,
                    count: g.count,
                    cpus_per_gpu: g.cpus_per_gpu,
                    first,
                    mem_per_gpu: match demand.mem {
                        MemDemand::PerGpu(m) => m.mib(),
                        _ => 0,
                    },
                })
            }
            None => None,
        };
        // A node gives at least one GPU's CPUs.
        let base = match &job_gpus {
            Some(g) => base.max(g.cpus_per_gpu.div_ceil(cpt).checked_mul(cpt)?),
            None => base,
        };
        let max_nodes = demand.max_nodes.max(min_nodes);
        let budget = match &demand.cpu_budget {
            Some(b) => {
                let tasks = b.cpus_per_node.max(cpt).div_ceil(cpt).checked_mul(cpt)?;
                Some((self.keys.binary_search(&b.key).ok()?, tasks.min(base)))
            }
            None => None,
        };
        Some(Need {
            min_nodes,
            max_nodes,
            req_nodes: demand.req_nodes.clamp(min_nodes, max_nodes),
            total: u64::from(demand.total_cpus),
            base,
            cpt,
            dur: demand.duration.as_secs().max(1),
            mem: demand.mem,
            gpus,
            typed,
            untyped,
            whole: demand.whole_node,
            user: demand.user,
            excl: demand.user_exclusive,
            required: Vec::new(),
            budget,
            job_gpus,
        })
    }

    /// The key range of GRES `name` (empty if no node offers it).
    fn group(&self, name: &str) -> Range<usize> {
        let lo = self.keys.partition_point(|k| k.name.as_str() < name);
        let hi = self.keys.partition_point(|k| k.name.as_str() <= name);
        lo..hi
    }

    /// How an amount of GRES comes out of a node: typed first, then untyped (as
    /// [`Tres::checked_sub`](crate::Tres::checked_sub)). Keys no node offers are dropped (nothing to take).
    pub(super) fn takes(&self, gres: &BTreeMap<GresKey, u64>) -> Vec<Take> {
        let typed = gres.iter().filter(|(k, n)| k.kind.is_some() && **n > 0);
        let untyped = gres.iter().filter(|(k, n)| k.kind.is_none() && **n > 0);
        typed
            .filter_map(|(k, n)| self.keys.binary_search(k).ok().map(|i| Take::Exact(i, *n)))
            .chain(untyped.map(|(k, n)| Take::Group(self.group(&k.name), *n)))
            .collect()
    }
}
