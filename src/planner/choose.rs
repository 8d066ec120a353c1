//! Which nodes a job gets, once the planner knows it fits: select/cons_tres's choice.
//!
//! Slurm 22.05 picks a job's nodes in `choose_nodes()` and `_eval_nodes()`
//! (`src/plugins/select/cons_tres/job_test.c`; with `select/cons_tres` slurmctld hands it
//! every usable node at once, whatever their weights). This module follows them on the
//! usable nodes and what each can give the job (its *offer*: `avail_cpus` there):
//!
//! 1. **Sets of consecutive nodes.** Walking the nodes in index order (the order of
//!    slurm.conf), a set is a run of consecutive indices, all usable, all of one `Weight`.
//!    A node that is not usable (busy, drained, not in the partition, too small...) or of
//!    another weight ends the set. Required nodes (`--nodelist`) are taken before, count
//!    in no set's CPUs or size, and mark the set they fall in.
//! 2. **The best set.** Sets are read in order; a set replaces the best so far when there
//!    is none yet, when it holds a required node and the best does not, when its weight is
//!    lower; and, at equal weight, when it is *sufficient* (enough CPUs in all, enough
//!    nodes) and the best is not, or when both are sufficient and it has fewer CPUs, or
//!    when it is not sufficient but has more CPUs than the best (Slurm's test, taken as it
//!    is).
//! 3. **Nodes of that set.** With a required node in it: from that node upward to the end
//!    of the set, then downward from it. Otherwise, when at most one more node is needed,
//!    the node of the set with the fewest CPUs that still covers what is missing (the first
//!    such, in order) is the only one considered; else every node of the set is taken in
//!    index order (a node that would be the job's last but is too small is skipped), until
//!    the job has its CPUs and nodes.
//! 4. The set is then spent, and the next best set is chosen, until the job is complete.
//!    It succeeds when the CPUs are there and at least `min_nodes` nodes were taken.
//! 5. If that fails, Slurm's answer to the knapsack problem: the nodes offering at most
//!    1, 2, 3... CPUs are removed one size after another (never a required node, never
//!    fewer nodes than `min_nodes`) and the choice is made again.
//!
//! While choosing, each node taken counts for what it offers, cut to what the job still
//! needs once every other node it still needs has one CPU (`_cpus_to_use()`). The CPUs
//! the job then holds on each node are laid out as Slurm lays out tasks (see `out()`); a
//! whole-node job gets every CPU.
//!
//! The node count Slurm aims for is `req_nodes`: the maximum of a `-N min-max` request
//! (as many nodes as it can get), else the minimum.
//!
//! A job asking GPUs for the whole job (`--gpus=N`, `Ask::gpus`) is chosen by the same
//! walk with select/cons_tres's per-job GRES rules (`gres_sched_*()` in
//! `cons_tres/gres_sched.c`): the node count aims at the minimum; a node's weight has a
//! low byte that falls with the GPUs it can give (up to N), so multi-GPU nodes make sets
//! of their own that come first; a set, or a best-fitting single node, is sufficient only
//! with the GPUs still missing; the walk stops only when the GPUs are there too. The GPUs
//! are then handed out in node order (see `out()`).

use super::NodeIdx;

/// Nodes the job could use, as the choice sees them: `count` nodes of consecutive
/// indices from `node` on, all with the same offer and weight (idle nodes of one kind
/// come as one piece, so that a choice costs the pieces, not the nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Usable {
    pub(crate) node: NodeIdx,
    /// Nodes in the piece, at least 1.
    pub(crate) count: u32,
    /// CPUs each node can give the job (`avail_cpus`), at least 1.
    pub(crate) offer: u32,
    pub(crate) weight: u32,
    /// GPUs of the job's per-job request each node can give (0 without one).
    pub(crate) gpus: u64,
}

impl Usable {
    /// The last node of the piece.
    fn last(&self) -> NodeIdx {
        self.node.saturating_add(self.count.saturating_sub(1))
    }
}

/// What the job asks for, in the terms of `_eval_nodes()`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask<'a> {
    pub(crate) min_nodes: u32,
    pub(crate) max_nodes: u32,
    /// The node count aimed for (see the module docs), `min_nodes..=max_nodes`.
    pub(crate) req_nodes: u32,
    /// CPUs in all (`min_cpus`).
    pub(crate) total: u64,
    /// CPUs every node must give at least (`pn_min_cpus`).
    pub(crate) base: u32,
    /// CPUs per task: a node gives whole tasks.
    pub(crate) cpt: u32,
    /// Whole nodes: every CPU of each node taken.
    pub(crate) whole: bool,
    /// Nodes the job must have, ascending.
    pub(crate) required: &'a [NodeIdx],
    /// GPUs for the whole job (`--gpus=N`), if it asks for some.
    pub(crate) gpus: Option<GpuAsk>,
}

/// A per-job GPU request, in the terms of the choice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GpuAsk {
    /// GPUs in all, at least 1.
    pub(crate) count: u64,
    /// CPUs a node gives per GPU it gives (0: none).
    pub(crate) cpus_per_gpu: u32,
}

/// The nodes chosen, in node order, with the CPUs each gives, and for a per-job GPU
/// request the GPUs each gives (empty otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chosen {
    pub(crate) nodes: Vec<(NodeIdx, u32)>,
    pub(crate) gpus: Vec<u64>,
}

impl Ask<'_> {
    /// Slurm's `sched_weight` of a node for this job: its `Weight`, and for a per-job GPU
    /// request a low byte that is lower the more GPUs the node can give, counted up to
    /// the request (`0xff - near_gpu_cnt`, `_set_sched_weight()` and
    /// `gres_select_filter_remove_unusable()`); a whole-node job counts all of them.
    fn weight(&self, u: &Usable) -> u64 {
        let base = u64::from(u.weight) << 8;
        let Some(g) = self.gpus else {
            return base;
        };
        let mut near = u.gpus;
        if !self.whole {
            near = near.min(g.count);
            if let Some(by_cpus) = u.offer.checked_div(g.cpus_per_gpu) {
                near = near.min(u64::from(by_cpus));
            }
        }
        base | (0xff - near.min(0xff))
    }

    /// What a node counts for in Slurm's knapsack fallback (`avail_res_cnt`): its CPUs,
    /// plus its GPUs for a per-job GPU request.
    fn resources(&self, u: &Usable) -> u64 {
        let gpus = if self.gpus.is_some() { u.gpus } else { 0 };
        u64::from(u.offer).saturating_add(gpus)
    }
}

/// The nodes Slurm gives the job among `usable` (pieces ascending by node, not
/// overlapping), and the CPUs (and per-job GPUs) each gives; `None` when Slurm's choice
/// fails there.
pub(crate) fn choose(usable: &[Usable], ask: &Ask<'_>) -> Option<Chosen> {
    // Required nodes are walked around node by node: pieces of one node each then.
    let singles: Vec<Usable>;
    let usable = if ask.required.is_empty() || usable.iter().all(|u| u.count == 1) {
        usable
    } else {
        singles = usable
            .iter()
            .flat_map(|u| {
                (0..u.count).map(move |i| Usable {
                    node: u.node + i,
                    count: 1,
                    ..*u
                })
            })
            .collect();
        &singles
    };
    if let Some(chosen) = eval(usable, ask) {
        return Some(chosen);
    }
    let required = |u: &Usable| u.count == 1 && ask.required.binary_search(&u.node).is_ok();
    let mut left: Vec<Usable> = usable.to_vec();
    let mut count: u64 = left.iter().map(|u| u64::from(u.count)).sum();
    let min_nodes = u64::from(ask.min_nodes);
    if count <= min_nodes {
        return None;
    }
    let most = left.iter().map(|u| ask.resources(u)).max().unwrap_or(0);
    for size in 1..most {
        let mut changed = false;
        let mut i = 0;
        while i < left.len() {
            let Some(u) = left.get(i).copied() else { break };
            if ask.resources(&u) > size || required(&u) {
                i += 1;
                continue;
            }
            changed = true;
            // Nodes go one at a time, lowest index first, down to `min_nodes`.
            let spare = count - min_nodes;
            if u64::from(u.count) <= spare {
                left.remove(i);
                count -= u64::from(u.count);
            } else {
                let drop = u32::try_from(spare).unwrap_or(0);
                if let Some(piece) = left.get_mut(i) {
                    piece.node += drop;
                    piece.count -= drop;
                }
                count -= spare;
            }
            if count <= min_nodes {
                break;
            }
        }
        if !changed && size != 1 {
            continue;
        }
        if let Some(chosen) = eval(&left, ask) {
            return Some(chosen);
        }
        if count <= min_nodes {
            break;
        }
    }
    None
}

/// A set of consecutive nodes (pieces `start..=end` of the usable list).
#[derive(Debug, Clone, Copy)]
struct Set {
    start: usize,
    end: usize,
    cpus: u64,
    nodes: u64,
    /// GPUs of a per-job request its nodes can give.
    gpus: u64,
    weight: u64,
    /// Position of its first required node.
    req: Option<usize>,
}

/// Where the choice stands: what is still missing.
struct Progress {
    rem_cpus: i64,
    rem_max_cpus: i64,
    rem_nodes: i64,
    min_rem_nodes: i64,
    max_nodes: i64,
    /// GPUs of a per-job request gathered so far (`total_gres`), and how many are
    /// wanted (0: no such request).
    gpus: u64,
    gpus_wanted: u64,
    /// The nodes taken, in order, with their offers and the GPUs they can give.
    chosen: Vec<(NodeIdx, u32, u64)>,
}

impl Progress {
    /// `gres_sched_test()`: the per-job GPUs are all there.
    fn gpus_done(&self) -> bool {
        self.gpus >= self.gpus_wanted
    }

    fn done(&self) -> bool {
        self.rem_nodes <= 0 && self.rem_cpus <= 0 && self.gpus_done()
    }

    /// `gres_sched_sufficient()`: `more` GPUs would complete the per-job request.
    fn gpus_sufficient(&self, more: u64) -> bool {
        self.gpus_done() || self.gpus.saturating_add(more) >= self.gpus_wanted
    }

    /// `_cpus_to_use()`: what a node offering `avail` counts for, the other nodes still
    /// needed keeping one CPU each.
    fn cpus_to_use(&self, avail: u32, ask: &Ask<'_>) -> u32 {
        if ask.whole {
            return avail;
        }
        let room = self.rem_max_cpus - (self.min_rem_nodes - 1).max(0);
        if i64::from(avail) > room {
            // Up to the per-node minimum, even above the offer: a node of a partition
            // with MaxCPUsPerNode offers only what the cap leaves, and gives `--mincpus`
            // all the same (its free CPUs cover it, see `CpuBudget`).
            let want = room.max(i64::from(ask.base));
            u32::try_from(want.max(0)).unwrap_or(u32::MAX)
        } else {
            avail
        }
    }

    /// Takes a node offering `offer` CPUs and `gpus` GPUs; it gives at least what it
    /// counts for, when `cpus_to_use` raised that above the offer. With CPUs per GPU, the
    /// node counts for the GPUs its CPUs pay for, and for their CPUs (`gres_sched_add()`).
    fn take(&mut self, node: NodeIdx, offer: u32, gpus: u64, ask: &Ask<'_>) {
        let mut counts = self.cpus_to_use(offer, ask);
        if let Some(g) = ask.gpus
            && counts > 0
        {
            if let Some(by_cpus) = counts.checked_div(g.cpus_per_gpu) {
                let usable = gpus.min(u64::from(by_cpus));
                let cpus = usable.saturating_mul(u64::from(g.cpus_per_gpu));
                if cpus > 0 {
                    counts = u32::try_from(cpus).unwrap_or(u32::MAX);
                }
                self.gpus = self.gpus.saturating_add(usable);
            } else {
                self.gpus = self.gpus.saturating_add(gpus);
            }
        }
        self.chosen.push((node, offer.max(counts), gpus));
        let counts = i64::from(counts);
        self.rem_cpus -= counts;
        self.rem_max_cpus -= counts;
        self.rem_nodes -= 1;
        self.min_rem_nodes -= 1;
        self.max_nodes -= 1;
    }
}

/// `_enough_nodes()`.
fn enough_nodes(avail: i64, rem_nodes: i64, ask: &Ask<'_>) -> bool {
    let needed = if ask.req_nodes > ask.min_nodes {
        rem_nodes + i64::from(ask.min_nodes) - i64::from(ask.req_nodes)
    } else {
        rem_nodes
    };
    avail >= needed
}

/// One run of `_eval_nodes()` over `usable` (pieces of one node each when the job has
/// required nodes).
fn eval(usable: &[Usable], ask: &Ask<'_>) -> Option<Chosen> {
    let nodes: u64 = usable.iter().map(|u| u64::from(u.count)).sum();
    if nodes < u64::from(ask.min_nodes) {
        return None;
    }
    let total = i64::try_from(ask.total).unwrap_or(i64::MAX);
    // A per-job GRES aims at the fewest nodes (`rem_nodes = MIN(min_nodes, req_nodes)`).
    let rem_nodes = if ask.gpus.is_some() {
        ask.min_nodes.min(ask.req_nodes.max(ask.min_nodes))
    } else {
        ask.min_nodes.max(ask.req_nodes)
    };
    let mut p = Progress {
        rem_cpus: total,
        rem_max_cpus: total,
        rem_nodes: i64::from(rem_nodes),
        min_rem_nodes: i64::from(ask.min_nodes),
        max_nodes: i64::from(ask.max_nodes),
        gpus: 0,
        gpus_wanted: ask.gpus.map_or(0, |g| g.count),
        chosen: Vec::new(),
    };
    // Required pieces (single nodes) taken, and the others' offers once set aside for a
    // best fit (0: not any more).
    let mut taken = vec![false; usable.len()];
    let mut avail: Vec<u32> = usable.iter().map(|u| u.offer).collect();
    if !ask.required.is_empty() {
        let mut found = 0;
        for (pos, u) in usable.iter().enumerate() {
            if ask.required.binary_search(&u.node).is_err() || p.max_nodes <= 0 {
                continue;
            }
            found += 1;
            if p.cpus_to_use(u.offer, ask) == 0 {
                return None;
            }
            taken[pos] = true;
            p.take(u.node, u.offer, u.gpus, ask);
        }
        if found < ask.required.len() {
            return None;
        }
        if p.done() {
            return Some(out(&p.chosen, ask));
        }
        if p.max_nodes <= 0 {
            return None;
        }
    }
    let mut sets = build_sets(usable, &taken, ask);
    while p.max_nodes > 0 {
        let Some(best) = best_set(&sets, &p, ask) else {
            break;
        };
        let Some(set) = sets.get(best).copied() else {
            break;
        };
        let pieces = usable.get(set.start..=set.end).unwrap_or_default();
        if let Some(req) = set.req {
            // Upward from the required node, then downward from it (one node a piece).
            let up = req..=set.end;
            let down = (set.start..req).rev();
            for pos in up.chain(down) {
                if p.max_nodes == 0 || p.done() {
                    break;
                }
                let (Some(u), Some(&a)) = (usable.get(pos), avail.get(pos)) else {
                    continue;
                };
                if taken.get(pos).copied().unwrap_or(true) || a == 0 {
                    continue;
                }
                taken[pos] = true;
                p.take(u.node, a, u.gpus, ask);
            }
        } else {
            // When at most one more node is needed, the one that fits best (the first of
            // the smallest offers that cover what is missing, and the GPUs still missing)
            // is the only candidate.
            let mut best_fit: Option<(NodeIdx, u32, u64)> = None;
            if p.rem_nodes <= 1 {
                for u in pieces {
                    if i64::from(u.offer) < p.rem_cpus || !p.gpus_sufficient(u.gpus) {
                        continue;
                    }
                    if best_fit.is_none_or(|(_, size, _)| u.offer < size) {
                        best_fit = Some((u.node, u.offer, u.gpus));
                        if i64::from(u.offer) == p.rem_cpus {
                            break;
                        }
                    }
                }
            }
            if let Some((node, offer, gpus)) = best_fit {
                if p.max_nodes > 0 && !p.done() {
                    p.take(node, offer, gpus, ask);
                }
            } else {
                for (i, u) in pieces.iter().enumerate() {
                    if p.max_nodes == 0 || p.done() {
                        break;
                    }
                    let a = avail.get(set.start + i).copied().unwrap_or(0);
                    if a == 0
                        || taken.get(set.start + i).copied().unwrap_or(true)
                        || (p.max_nodes == 1 && i64::from(a) < p.rem_cpus)
                    {
                        continue;
                    }
                    for k in 0..u.count {
                        // The rest of the piece is as small as this node.
                        if p.max_nodes == 0
                            || p.done()
                            || (p.max_nodes == 1 && i64::from(a) < p.rem_cpus)
                        {
                            break;
                        }
                        p.take(u.node + k, a, u.gpus, ask);
                    }
                }
            }
        }
        if p.done() {
            return Some(out(&p.chosen, ask));
        }
        if let Some(s) = sets.get_mut(best) {
            s.cpus = 0;
            s.nodes = 0;
        }
        for a in avail.get_mut(set.start..=set.end).unwrap_or_default() {
            *a = 0;
        }
    }
    (p.rem_cpus <= 0 && p.gpus_done() && enough_nodes(0, p.rem_nodes, ask))
        .then(|| out(&p.chosen, ask))
}

/// The sets of consecutive nodes of `usable` (see the module docs); `taken` marks the
/// required nodes, which join a set without counting in it.
fn build_sets(usable: &[Usable], taken: &[bool], ask: &Ask<'_>) -> Vec<Set> {
    let mut sets: Vec<Set> = Vec::new();
    let mut cur: Option<Set> = None;
    let mut prev: Option<NodeIdx> = None;
    for (pos, u) in usable.iter().enumerate() {
        let adjacent = prev.is_some_and(|q| q.checked_add(1) == Some(u.node));
        prev = Some(u.last());
        let weight = ask.weight(u);
        let required = taken.get(pos).copied().unwrap_or(false);
        // A gap in the indices is a node that is not usable: it ends the set, and a set
        // of required nodes alone is dropped (Slurm reuses its record).
        if !adjacent {
            if let Some(s) = cur.take()
                && s.nodes > 0
            {
                sets.push(s);
            }
        } else if let Some(s) = cur
            && s.nodes > 0
            && s.weight != weight
        {
            sets.push(s);
            cur = None;
        }
        let s = cur.get_or_insert(Set {
            start: pos,
            end: pos,
            cpus: 0,
            nodes: 0,
            gpus: 0,
            weight,
            req: None,
        });
        if s.nodes == 0 {
            s.start = pos;
        }
        s.end = pos;
        if required {
            if s.req.is_none() {
                s.req = Some(pos);
            }
            continue;
        }
        s.cpus += u64::from(u.offer) * u64::from(u.count);
        s.nodes += u64::from(u.count);
        s.gpus = s
            .gpus
            .saturating_add(u.gpus.saturating_mul(u64::from(u.count)));
        s.weight = weight;
    }
    if let Some(s) = cur
        && s.nodes > 0
    {
        sets.push(s);
    }
    sets
}

/// The position in `sets` of the best set (see the module docs), if any has nodes.
fn best_set(sets: &[Set], p: &Progress, ask: &Ask<'_>) -> Option<usize> {
    // (position, cpus, required, sufficient, weight)
    let mut best: Option<(usize, u64, bool, bool, u64)> = None;
    for (i, s) in sets.iter().enumerate() {
        if s.nodes == 0 {
            continue;
        }
        let nodes = i64::try_from(s.nodes).unwrap_or(i64::MAX);
        let sufficient = i64::try_from(s.cpus).unwrap_or(i64::MAX) >= p.rem_cpus
            && enough_nodes(nodes, p.rem_nodes, ask)
            && p.gpus_sufficient(s.gpus);
        let new_best = match best {
            None => true,
            Some((_, cpus, req, suff, weight)) => {
                // Slurm's three tests at equal weight: the first sufficient set, a
                // tighter sufficient one, or a larger one while none suffices.
                let at_equal_weight = if sufficient {
                    !suff || s.cpus < cpus
                } else {
                    s.cpus > cpus
                };
                (!req && s.req.is_some())
                    || s.weight < weight
                    || (s.weight == weight && at_equal_weight)
            }
        };
        if new_best {
            best = Some((i, s.cpus, s.req.is_some(), sufficient, s.weight));
        }
    }
    best.map(|b| b.0)
}

/// The chosen nodes (in the order they were taken, with their offers and GPUs) and the
/// CPUs each gives, in node order. Slurm lays the tasks out after choosing the nodes: each
/// node gets the per-node minimum, then the CPUs still missing go, whole tasks at a time,
/// to the nodes in the order they were taken, up to what each offers (`-N 2 -n 5 -w n2` on
/// 4-CPU nodes: 4 on `n2`, 1 on `n3`, as Slurm 22.05 gives).
///
/// A per-job GPU request's GPUs are handed out first, in node order: each node as many as
/// it can give, leaving one for each chosen node after it (`_get_job_cnt()` in
/// `gres_select_filter.c`; a whole-node job takes every GPU of its nodes); with CPUs per
/// GPU, a node's minimum is that many CPUs per GPU it gives.
fn out(chosen: &[(NodeIdx, u32, u64)], ask: &Ask<'_>) -> Chosen {
    let mut gpus: Vec<u64> = vec![0; chosen.len()];
    if let Some(g) = ask.gpus {
        let mut order: Vec<usize> = (0..chosen.len()).collect();
        order.sort_unstable_by_key(|&i| chosen.get(i).map(|c| c.0));
        let mut given = 0u64;
        for (k, &i) in order.iter().enumerate() {
            let Some(&(_, offer, avail)) = chosen.get(i) else {
                continue;
            };
            let can = match offer.checked_div(g.cpus_per_gpu) {
                Some(by_cpus) if !ask.whole => avail.min(u64::from(by_cpus)),
                _ => avail,
            };
            let after = (order.len() - k - 1) as u64;
            let n = if ask.whole {
                can
            } else {
                can.min(g.count.saturating_sub(given).saturating_sub(after))
            };
            given = given.saturating_add(n);
            if let Some(slot) = gpus.get_mut(i) {
                *slot = n;
            }
        }
    }
    let cpg = ask.gpus.map_or(0, |g| u64::from(g.cpus_per_gpu));
    let mut give: Vec<u32> = chosen
        .iter()
        .zip(&gpus)
        .map(|(&(_, offer, _), &g)| {
            if ask.whole {
                offer
            } else {
                let for_gpus = u32::try_from(g.saturating_mul(cpg)).unwrap_or(u32::MAX);
                ask.base.max(for_gpus).min(offer)
            }
        })
        .collect();
    let cpt = u64::from(ask.cpt.max(1));
    let mut short = ask
        .total
        .saturating_sub(give.iter().map(|&g| u64::from(g)).sum());
    for (g, &(_, offer, _)) in give.iter_mut().zip(chosen) {
        if short == 0 {
            break;
        }
        let room = u64::from(offer.saturating_sub(*g));
        let more = short.div_ceil(cpt).saturating_mul(cpt).min(room);
        *g += u32::try_from(more).unwrap_or(0);
        short = short.saturating_sub(more);
    }
    let mut v: Vec<(NodeIdx, u32, u64)> = chosen
        .iter()
        .zip(give)
        .zip(gpus)
        .map(|((&(n, _, _), c), g)| (n, c, g))
        .collect();
    v.sort_unstable();
    Chosen {
        nodes: v.iter().map(|&(n, c, _)| (n, c)).collect(),
        gpus: if ask.gpus.is_some() {
            v.iter().map(|&(_, _, g)| g).collect()
        } else {
            Vec::new()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(list: &[(NodeIdx, u32, u32)]) -> Vec<Usable> {
        list.iter()
            .map(|&(node, offer, weight)| Usable {
                node,
                count: 1,
                offer,
                weight,
                gpus: 0,
            })
            .collect()
    }

    fn ask(min: u32, max: u32, req: u32, total: u64) -> Ask<'static> {
        Ask {
            min_nodes: min,
            max_nodes: max,
            req_nodes: req,
            total,
            base: 1,
            cpt: 1,
            whole: false,
            required: &[],
            gpus: None,
        }
    }

    fn picked(v: Option<Chosen>) -> Vec<NodeIdx> {
        v.map(|c| c.nodes)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.0)
            .collect()
    }

    fn cpus(v: Option<Chosen>) -> Option<Vec<(NodeIdx, u32)>> {
        v.map(|c| c.nodes)
    }

    #[test]
    fn a_run_of_consecutive_nodes_beats_scattered_ones() {
        // cpu16-[1-4], cpu16-2 busy: -N 2 gets the run cpu16-[3-4].
        let u = nodes(&[(0, 16, 1), (2, 16, 1), (3, 16, 1)]);
        assert_eq!(picked(choose(&u, &ask(2, 2, 2, 2))), vec![2, 3]);
    }

    #[test]
    fn the_smallest_sufficient_set_and_its_best_fitting_node() {
        // A lone idle node between busy ones is the tightest set for a one-node job.
        let u = nodes(&[(0, 16, 1), (1, 16, 1), (3, 16, 1), (5, 8, 1), (6, 4, 1)]);
        assert_eq!(picked(choose(&u, &ask(1, 1, 1, 4))), vec![6]);
        assert_eq!(picked(choose(&u, &ask(1, 1, 1, 16))), vec![3]);
    }

    #[test]
    fn nodes_of_a_set_are_taken_in_order_until_the_job_is_complete() {
        // -n 27 on 8 + 16 + 16 free CPUs: all three, the last giving what is missing.
        let u = nodes(&[(0, 16, 10), (1, 8, 1), (2, 16, 1), (3, 16, 1)]);
        let got = cpus(choose(&u, &ask(1, 27, 1, 27))).unwrap_or_default();
        assert_eq!(got, vec![(1, 8), (2, 16), (3, 3)]);
    }

    #[test]
    fn lower_weight_first_then_heavier_sets() {
        let u = nodes(&[(0, 16, 10), (1, 16, 1), (2, 16, 1)]);
        assert_eq!(picked(choose(&u, &ask(3, 3, 3, 3))), vec![0, 1, 2]);
        assert_eq!(picked(choose(&u, &ask(1, 1, 1, 1))), vec![1]);
    }

    #[test]
    fn required_node_then_its_set_upward_then_downward() {
        let u = nodes(&[(0, 4, 1), (1, 4, 1), (2, 4, 1), (3, 4, 1)]);
        let mut a = ask(2, 2, 2, 2);
        a.required = &[3];
        assert_eq!(picked(choose(&u, &a)), vec![2, 3]);
        a.required = &[2];
        assert_eq!(picked(choose(&u, &a)), vec![2, 3]);
        a.required = &[0];
        assert_eq!(picked(choose(&u, &a)), vec![0, 1]);
    }

    #[test]
    fn a_node_range_takes_as_many_nodes_as_it_can() {
        let u = nodes(&[(0, 4, 1), (1, 4, 1), (2, 4, 1), (3, 4, 1)]);
        assert_eq!(picked(choose(&u, &ask(2, 4, 4, 2))), vec![0, 1, 2, 3]);
        let u = nodes(&[(0, 4, 1), (2, 4, 1), (3, 4, 1)]);
        assert_eq!(picked(choose(&u, &ask(2, 4, 4, 2))), vec![0, 2, 3]);
    }

    #[test]
    fn whole_nodes_give_every_cpu() {
        let u = nodes(&[(0, 16, 1), (1, 16, 1)]);
        let mut a = ask(1, 1, 1, 1);
        a.whole = true;
        assert_eq!(cpus(choose(&u, &a)), Some(vec![(0, 16)]));
    }

    proptest::proptest! {
        /// Identical consecutive nodes given as one piece are chosen as if given one by
        /// one.
        #[test]
        fn pieces_choose_like_single_nodes(
            raw in proptest::collection::vec((1u32..4, 1u32..9, 1u32..3, proptest::bool::ANY), 1..10),
            min in 1u32..5,
            extra in 0u32..4,
            total in 1u64..40,
            whole in proptest::bool::ANY,
        ) {
            // Pieces over ascending indices, a gap now and then.
            let mut pieces = Vec::new();
            let mut next = 0;
            for &(count, offer, weight, gap) in &raw {
                next += u32::from(gap);
                pieces.push(Usable { node: next, count, offer, weight, gpus: 0 });
                next += count;
            }
            let singles: Vec<Usable> = pieces
                .iter()
                .flat_map(|u| (0..u.count).map(move |i| Usable { node: u.node + i, count: 1, ..*u }))
                .collect();
            let a = Ask { whole, ..ask(min, min + extra, min, total) };
            proptest::prop_assert_eq!(choose(&pieces, &a), choose(&singles, &a));
        }

        /// A per-job GPU request: pieces choose like single nodes; a choice holds exactly
        /// the GPUs asked (a whole-node job every GPU of its nodes), no node gives more
        /// than it has, every node gives one when there are no more nodes than GPUs, and
        /// the CPUs of its GPUs.
        #[test]
        fn per_job_gpus_are_all_given_within_each_node(
            raw in proptest::collection::vec(
                (1u32..4, 1u32..9, 1u32..3, 1u64..4, proptest::bool::ANY), 1..10),
            min in 1u32..4,
            extra in 0u32..6,
            total in 1u64..30,
            count in 1u64..10,
            cpus_per_gpu in 0u32..3,
            whole in proptest::bool::ANY,
        ) {
            let mut pieces = Vec::new();
            let mut next = 0;
            for &(count, offer, weight, gpus, gap) in &raw {
                next += u32::from(gap);
                pieces.push(Usable { node: next, count, offer, weight, gpus });
                next += count;
            }
            let singles: Vec<Usable> = pieces
                .iter()
                .flat_map(|u| (0..u.count).map(move |i| Usable { node: u.node + i, count: 1, ..*u }))
                .collect();
            let mut a = Ask { whole, ..ask(min, min + extra, min, total) };
            a.base = cpus_per_gpu.max(1);
            a.gpus = Some(GpuAsk { count, cpus_per_gpu });
            // The planner offers a node only when it gives one GPU's CPUs.
            let singles: Vec<Usable> = singles.into_iter().filter(|u| u.offer >= a.base).collect();
            let pieces: Vec<Usable> = pieces.into_iter().filter(|u| u.offer >= a.base).collect();
            let got = choose(&singles, &a);
            proptest::prop_assert_eq!(choose(&pieces, &a), got.clone());
            let Some(c) = got else { return Ok(()) };
            proptest::prop_assert_eq!(c.gpus.len(), c.nodes.len());
            let n = c.nodes.len() as u64;
            proptest::prop_assert!(n >= u64::from(min) && n <= u64::from(min + extra));
            let sum: u64 = c.gpus.iter().sum();
            let has = |node: NodeIdx| singles.iter().find(|u| u.node == node).copied();
            if whole {
                let all: u64 = c.nodes.iter().filter_map(|e| has(e.0)).map(|u| u.gpus).sum();
                proptest::prop_assert_eq!(sum, all);
                proptest::prop_assert!(sum >= count);
            } else {
                proptest::prop_assert_eq!(sum, count);
                if n <= count {
                    proptest::prop_assert!(c.gpus.iter().all(|&g| g >= 1));
                }
            }
            for (&(node, cpus), &g) in c.nodes.iter().zip(&c.gpus) {
                let Some(u) = has(node) else {
                    return Err(proptest::test_runner::TestCaseError::fail("unknown node"));
                };
                proptest::prop_assert!(g <= u.gpus);
                proptest::prop_assert!(cpus <= u.offer);
                if !whole {
                    proptest::prop_assert!(u64::from(cpus) >= g * u64::from(cpus_per_gpu));
                }
            }
        }
    }

    #[test]
    fn too_few_nodes_or_cpus_fail() {
        let u = nodes(&[(0, 4, 1), (1, 4, 1)]);
        assert_eq!(choose(&u, &ask(3, 3, 3, 3)), None);
        assert_eq!(choose(&u, &ask(1, 2, 1, 9)), None);
    }
}
