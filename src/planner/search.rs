//! The questions [`Profile`] answers by searching: the earliest start of a demand on a
//! caller's nodes, a group, or with required nodes, and the nodes usable from a start.

use super::demand::{Demand, Placement};
use super::groups::Group;
use super::need::Need;
use super::profile::Profile;
use super::timeline::Users;
use super::{NEVER, NodeIdx};
use crate::time::{Duration, Timestamp};
use std::collections::VecDeque;

/// The nodes a search draws from.
#[derive(Clone, Copy)]
enum Pool<'a> {
    /// A caller's list (unknown, blocked and repeated nodes are ignored), with the nodes
    /// that must be in the allocation (distinct, ascending; usually none).
    List {
        nodes: &'a [NodeIdx],
        required: &'a [NodeIdx],
    },
    /// A registered group.
    Group(&'a Group),
}

impl Profile {
    /// The earliest start `>= not_before` (and `< horizon`, if given) at which `demand`
    /// fits on nodes drawn from `candidates` for its whole duration, and the nodes chosen.
    /// `None` if it never fits before the horizon. Candidates that are unknown, blocked or
    /// repeated are ignored; a `not_before` before `now` counts from `now`. See the module
    /// docs for the exact rules.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let node = Tres { nodes: 1, cpus: 16, memory: Memory::from_gib(64), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node; 2], vec![1, 1]);
    /// p.add_running(0, &Tres { cpus: 12, ..Tres::default() }, Timestamp(100), 1, false);
    /// let mut four_cpus = Demand::new(Duration::from_secs(60));
    /// (four_cpus.total_cpus, four_cpus.min_cpus_per_node, four_cpus.user) = (4, 4, 2);
    /// four_cpus.mem = MemDemand::PerCpu(Memory::from_gib(1));
    /// // Best fit: node 0 has exactly 4 CPUs left.
    /// let at = p.earliest(&four_cpus, &[0, 1], Timestamp(0), None).unwrap();
    /// assert_eq!((at.start, at.nodes), (Timestamp(0), vec![(0, 4)]));
    /// // Nothing fits before a horizon that is already past.
    /// assert_eq!(p.earliest(&four_cpus, &[0, 1], Timestamp(10), Some(Timestamp(10))), None);
    /// ```
    #[must_use]
    pub fn earliest(
        &self,
        demand: &Demand,
        candidates: &[NodeIdx],
        not_before: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        self.search(
            demand,
            Pool::List {
                nodes: candidates,
                required: &[],
            },
            not_before,
            horizon,
        )
    }

    /// [`Profile::earliest`] over the nodes of a group registered with
    /// [`Profile::add_group`] (`None` for an unknown group): the same answer, found
    /// without visiting every member when the aggregates or the index settle it.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let node = Tres { nodes: 1, cpus: 16, memory: Memory::from_gib(64), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node.clone(); 3], vec![1; 3]);
    /// let all = p.add_group(&[0, 1, 2]);
    /// p.add_running(1, &Tres { cpus: 12, ..Tres::default() }, Timestamp(100), 1, false);
    /// let mut four = Demand::new(Duration::from_secs(60));
    /// (four.total_cpus, four.min_cpus_per_node, four.user) = (4, 4, 2);
    /// four.mem = MemDemand::PerNode(Memory::from_gib(1));
    /// // Best fit: node 1 has exactly 4 CPUs left.
    /// assert_eq!(p.earliest_in(&four, all, Timestamp(0), None).unwrap().nodes, vec![(1, 4)]);
    /// assert_eq!(p.earliest_in(&four, 7, Timestamp(0), None), None);
    /// ```
    #[must_use]
    pub fn earliest_in(
        &self,
        demand: &Demand,
        group: usize,
        not_before: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        let group = self.groups.get(group)?;
        self.search(demand, Pool::Group(group), not_before, horizon)
    }

    /// [`Profile::earliest`] for a job that must include every node of `required` (sbatch
    /// `--nodelist` naming fewer nodes than the job asks for: "the job will contain all of
    /// these hosts", the others are "allocated on other nodes as needed"). A start is
    /// feasible only if every required node is usable over the job's whole duration and
    /// the demand fits with the required nodes counted first; the required nodes are always
    /// chosen, the others as described in the module docs ("Required nodes"). Repeated
    /// required nodes count once. `None` if a required node is not a usable candidate
    /// (unknown, blocked, not in `candidates`, too small to ever serve the demand), if
    /// there are more of them than `max_nodes`, or if nothing fits before the horizon.
    /// With no required node this is exactly [`Profile::earliest`].
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let node = Tres { nodes: 1, cpus: 16, memory: Memory::from_gib(64), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node.clone(); 4], vec![1; 4]);
    /// // `-N 2 --exclusive -w n3` (node 2), node 2 busy until 100.
    /// p.add_running(2, &node, Timestamp(100), 7, false);
    /// let mut two = Demand::new(Duration::from_secs(60));
    /// (two.min_nodes, two.max_nodes, two.total_cpus) = (2, 2, 2);
    /// (two.mem, two.whole_node, two.user) = (MemDemand::WholeNode, true, 1);
    /// let all = [0, 1, 2, 3];
    /// // Without it, nodes 0 and 1 now; with it, node 2 and its neighbour above at 100.
    /// assert_eq!(p.earliest(&two, &all, Timestamp(0), None).unwrap().nodes, vec![(0, 16), (1, 16)]);
    /// let at = p.earliest_with_required(&two, &all, &[2], Timestamp(0), None).unwrap();
    /// assert_eq!((at.start, at.nodes), (Timestamp(100), vec![(2, 16), (3, 16)]));
    /// // A required node that is not a candidate: never.
    /// assert_eq!(p.earliest_with_required(&two, &[0, 1], &[2], Timestamp(0), None), None);
    /// ```
    #[must_use]
    pub fn earliest_with_required(
        &self,
        demand: &Demand,
        candidates: &[NodeIdx],
        required: &[NodeIdx],
        not_before: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        if required.is_empty() {
            return self.earliest(demand, candidates, not_before, horizon);
        }
        let mut required = required.to_vec();
        required.sort_unstable();
        required.dedup();
        self.search(
            demand,
            Pool::List {
                nodes: candidates,
                required: &required,
            },
            not_before,
            horizon,
        )
    }

    /// The candidates that could give the demand a share from `start` for its whole
    /// duration (each one alone: at least its per-node minimum, memory and GRES), in
    /// candidate order. A reservation at `start` is made among these.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let node = Tres { nodes: 1, cpus: 8, memory: Memory::from_gib(8), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node.clone(); 3], vec![1; 3]);
    /// p.add_running(1, &node, Timestamp(100), 1, false);
    /// let mut whole = Demand::new(Duration::from_secs(60));
    /// (whole.total_cpus, whole.min_cpus_per_node) = (8, 8);
    /// (whole.mem, whole.whole_node, whole.user) = (MemDemand::WholeNode, true, 2);
    /// assert_eq!(p.usable_over(&whole, &[0, 1, 2], Timestamp(50)), vec![0, 2]);
    /// assert_eq!(p.usable_over(&whole, &[0, 1, 2], Timestamp(100)), vec![0, 1, 2]);
    /// ```
    #[must_use]
    pub fn usable_over(
        &self,
        demand: &Demand,
        candidates: &[NodeIdx],
        start: Timestamp,
    ) -> Vec<NodeIdx> {
        let Some(need) = self.need(demand) else {
            return Vec::new();
        };
        let start = start.max(self.now);
        let end = start.saturating_add(Duration::from_secs(need.dur));
        let list = self.candidate_nodes(candidates, &need);
        self.usable_at(&list, &need, start, end)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    /// The search behind [`Profile::earliest`] and [`Profile::earliest_in`].
    fn search(
        &self,
        demand: &Demand,
        pool: Pool<'_>,
        not_before: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        let t0 = not_before.max(self.now);
        let horizon = horizon.unwrap_or(NEVER);
        if t0 >= horizon || t0 == NEVER {
            return None;
        }
        let mut need = self.need(demand)?;
        let only_now = t0.0.saturating_add(1) >= horizon.0;
        let not_now = t0 == self.now && self.rules_out_now(&need, &pool);
        if not_now && only_now {
            return None;
        }
        match pool {
            Pool::Group(group) => {
                // At `now` the group's index answers "start now?" cheaply; later, the
                // sweep's first step is that same test.
                if !not_now && t0 == self.now {
                    let end = t0.saturating_add(Duration::from_secs(need.dur));
                    if let Some(chosen) = self.choose_now(group, &need, end) {
                        return Some(Placement {
                            start: t0,
                            nodes: chosen.nodes,
                            gpus: chosen.gpus,
                        });
                    }
                    if only_now {
                        return None;
                    }
                }
                self.sweep_group(&need, group, t0, horizon)
            }
            Pool::List {
                nodes: list,
                required,
            } => {
                let nodes = self.candidate_nodes(list, &need);
                if nodes.len() < need.min_nodes as usize {
                    return None;
                }
                if !required.is_empty() {
                    let mut sorted = nodes.clone();
                    sorted.sort_unstable();
                    if required.len() > need.max_nodes as usize
                        || required.iter().any(|r| sorted.binary_search(r).is_err())
                    {
                        return None;
                    }
                    need.required = required.to_vec();
                }
                if !not_now {
                    // The direct test at t0 answers most questions without any curve.
                    let end = t0.saturating_add(Duration::from_secs(need.dur));
                    let usable = self.usable_at(&nodes, &need, t0, end);
                    if let Some(chosen) = self.choose(&usable, &need, t0) {
                        return Some(Placement {
                            start: t0,
                            nodes: chosen.nodes,
                            gpus: chosen.gpus,
                        });
                    }
                    if only_now {
                        return None;
                    }
                }
                // No start comes before every required node is usable on its own: sweep
                // from the latest of those instants (the sweep still checks each start in
                // full).
                let mut from = t0;
                let mut curve = (Vec::new(), VecDeque::new());
                let mut events = Vec::new();
                for &r in &need.required {
                    events.clear();
                    self.offer_curve((r, 0), &need, t0, horizon, &mut curve, &mut events);
                    let first = events.iter().find(|e| e.2 > 0)?.0;
                    from = from.max(first);
                }
                if from >= horizon {
                    return None;
                }
                self.sweep(&need, &nodes, from, horizon)
            }
        }
    }

    /// The (node, offer) of the nodes of `list` usable over `[t0, end)`.
    fn usable_at(
        &self,
        list: &[NodeIdx],
        need: &Need,
        t0: Timestamp,
        end: Timestamp,
    ) -> Vec<(NodeIdx, u32)> {
        let mut usable: Vec<(NodeIdx, u32)> = Vec::new();
        for &n in list {
            if let Some(line) = self.nodes.get(n as usize) {
                // Most nodes of a busy cluster fail on their state at t0 alone.
                let first = line.segs.get(line.seg_at(t0));
                if first.is_none_or(|g| {
                    g.held
                        || if need.whole {
                            g.users != Users::Nobody
                        } else {
                            g.cpus < need.base
                        }
                }) {
                    continue;
                }
                let offer = self.window_offer(line, need, t0, end);
                if offer > 0 {
                    usable.push((n, offer));
                }
            }
        }
        usable
    }

    /// Whether `need` certainly cannot start at `now` on any node of the pool, decided
    /// from the pool's aggregates plus an exact test of its nodes with later
    /// reservations. `false` when there are too many of those for that to be cheap.
    fn rules_out_now(&self, need: &Need, pool: &Pool<'_>) -> bool {
        let (stats, size) = match pool {
            Pool::List { .. } => (&self.at_now, self.nodes.len()),
            Pool::Group(group) => (&group.stats, group.members.len()),
        };
        if stats.later.len() > size / 8 + 64 {
            return false;
        }
        let (mut usable, mut cpus) = stats.bounds(need);
        if usable >= u64::from(need.min_nodes) && cpus >= need.total {
            return false;
        }
        let end = self.now.saturating_add(Duration::from_secs(need.dur));
        for &n in &stats.later {
            if let Some(line) = self.nodes.get(n as usize).filter(|l| !l.blocked) {
                let offer = self.window_offer(line, need, self.now, end);
                if offer > 0 {
                    usable += 1;
                    cpus = cpus.saturating_add(u64::from(offer));
                }
            }
        }
        usable < u64::from(need.min_nodes) || cpus < need.total
    }

    /// The valid, unblocked, distinct candidates, in the caller's order, that could ever
    /// serve the demand statically (capacity large enough).
    fn candidate_nodes(&self, candidates: &[NodeIdx], need: &Need) -> Vec<NodeIdx> {
        let mut seen = vec![0u64; self.nodes.len().div_ceil(64)];
        let mut out = Vec::with_capacity(candidates.len());
        for &n in candidates {
            let Some(line) = self.nodes.get(n as usize) else {
                continue;
            };
            let (word, bit) = ((n / 64) as usize, n % 64);
            let Some(w) = seen.get_mut(word) else {
                continue;
            };
            if *w & (1 << bit) != 0 || line.blocked {
                continue;
            }
            *w |= 1 << bit;
            if line.cap_cpus >= need.base && Self::cap_fits(line, need) {
                out.push(n);
            }
        }
        out
    }
}
