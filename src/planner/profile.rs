//! The [`Profile`] itself: its nodes, keys and indexes, how it is built, and the
//! questions it answers about single nodes and demands without a search.

use super::demand::{Demand, MemDemand};
use super::groups::{Footprint, Group, NowStats};
use super::timeline::{NodeLine, SavedLine, Seg, Users};
use super::{NodeIdx, UserIdx};
use crate::gres::GresKey;
use crate::memory::Memory;
use crate::time::Timestamp;
use crate::tres::Tres;
use std::collections::BTreeMap;

/// The per-node resource-time profile of one scheduling pass.
///
/// ```
/// use hpcsched::planner::{Demand, Hold, MemDemand, Profile};
/// use hpcsched::{Duration, Memory, Timestamp, Tres};
/// let node = Tres { nodes: 1, cpus: 16, memory: Memory::from_gib(64), ..Tres::default() };
/// let mut p = Profile::new(Timestamp(0), vec![node.clone(); 2], vec![1, 1]);
/// p.add_running(0, &node, Timestamp(3600), 7, false);
/// let mut two_nodes = Demand::new(Duration::from_hours(2));
/// (two_nodes.min_nodes, two_nodes.max_nodes) = (2, 2);
/// (two_nodes.total_cpus, two_nodes.min_cpus_per_node) = (32, 16);
/// (two_nodes.mem, two_nodes.whole_node, two_nodes.user) = (MemDemand::WholeNode, true, 1);
/// let at = p.earliest(&two_nodes, &[0, 1], Timestamp(0), None).unwrap();
/// assert_eq!(at.start, Timestamp(3600));
/// assert_eq!(at.nodes, vec![(0, 16), (1, 16)]);
/// for &(n, _) in &at.nodes {
///     p.reserve(n, at.start, Timestamp(3600 + 7200), &Hold::WholeNode, 1, false);
/// }
/// // A one-hour job fits now on node 1, before the reservation.
/// let mut short = two_nodes.clone();
/// (short.min_nodes, short.max_nodes, short.total_cpus) = (1, 1, 16);
/// short.duration = Duration::from_hours(1);
/// assert_eq!(p.earliest(&short, &[0, 1], Timestamp(0), None).unwrap().start, Timestamp(0));
/// ```
#[derive(Debug, Clone)]
pub struct Profile {
    pub(super) now: Timestamp,
    /// Every GRES key any node offers, sorted: a name's untyped key comes before its types.
    pub(super) keys: Vec<GresKey>,
    pub(super) nodes: Vec<NodeLine>,
    /// What the unblocked nodes have free at `now`, to turn down hopeless "start now?"
    /// questions without visiting any node.
    pub(super) at_now: NowStats,
    /// Registered candidate sets ([`Profile::add_group`]).
    pub(super) groups: Vec<Group>,
    /// Some running job or reservation is user-exclusive.
    pub(super) any_user_exclusive: bool,
    /// While set, nodes given a reservation or blocked are listed in `touched`, so that a
    /// pass's plan can be undone node by node ([`Profile::take_touched`]).
    pub(super) tracking: bool,
    pub(super) touched: Vec<NodeIdx>,
    /// Bumped by every change ([`Profile::version`]).
    pub(super) version: u64,
    /// Each touched node's line as it was before its first touch, for
    /// [`Profile::undo_touched`].
    pub(super) saved: Vec<SavedLine>,
}

impl Profile {
    /// A profile starting at `now` over nodes with these capacities and weights, all free.
    /// `capacity[i]` is node `i`'s configured CPUs, memory and GRES; `weight[i]` its Weight
    /// (a missing weight counts as 1, Slurm's default; extra weights are ignored).
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// let p = Profile::new(Timestamp(100), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// assert_eq!(p.node_count(), 1);
    /// assert_eq!(p.free_at(0, Timestamp(100)).unwrap().cpus, 8);
    /// ```
    #[must_use]
    pub fn new(now: Timestamp, capacity: Vec<Tres>, weight: Vec<u32>) -> Self {
        let mut keys: Vec<GresKey> = capacity
            .iter()
            .flat_map(|c| c.gres.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k))
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        let mut weights = weight.into_iter();
        let mut kinds: BTreeMap<(u32, u64, Vec<u64>, u32), u32> = BTreeMap::new();
        let nodes = capacity
            .into_iter()
            .map(|cap| {
                let cap_gres: Vec<u64> = keys
                    .iter()
                    .map(|k| cap.gres.get(k).copied().unwrap_or(0))
                    .collect();
                let weight = weights.next().unwrap_or(1);
                let next = u32::try_from(kinds.len()).unwrap_or(u32::MAX);
                let kind = *kinds
                    .entry((cap.cpus, cap.memory.mib(), cap_gres.clone(), weight))
                    .or_insert(next);
                NodeLine {
                    kind,
                    groups: Vec::new(),
                    cap_cpus: cap.cpus,
                    cap_mem: cap.memory.mib(),
                    weight,
                    blocked: false,
                    reserved_later: false,
                    segs: vec![Seg {
                        start: now,
                        cpus: cap.cpus,
                        mem: cap.memory.mib(),
                        users: Users::Nobody,
                        excl: Users::Nobody,
                        held: false,
                    }],
                    gres: cap_gres.clone(),
                    cap_gres,
                    touched: false,
                }
            })
            .collect();
        let mut at_now = NowStats::default();
        for line in &nodes {
            if let Some(key) = Footprint::of(line).now {
                at_now.put(key, true);
            }
        }
        Profile {
            now,
            keys,
            nodes,
            at_now,
            groups: Vec::new(),
            any_user_exclusive: false,
            tracking: false,
            touched: Vec::new(),
            version: 0,
            saved: Vec::new(),
        }
    }

    /// The instant the profile starts at.
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::Timestamp;
    /// assert_eq!(Profile::new(Timestamp(5), vec![], vec![]).now(), Timestamp(5));
    /// ```
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Whether some running job or reservation recorded so far is user-exclusive. While
    /// none is and a demand is not user-exclusive itself, its `user` changes no answer.
    ///
    /// ```
    /// use hpcsched::planner::{Hold, Profile};
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// assert!(!p.has_user_exclusive());
    /// p.reserve(0, Timestamp(10), Timestamp(20), &Hold::WholeNode, 3, true);
    /// assert!(p.has_user_exclusive());
    /// ```
    #[must_use]
    pub fn has_user_exclusive(&self) -> bool {
        self.any_user_exclusive
    }

    /// Whether a node is busy at `now` for slurmctld's main scheduler, as far as the
    /// profile knows: for a whole-node demand, any job on it; for any other, a
    /// user-exclusive job of another user on it. A node whose CPUs are all taken by jobs
    /// that share it is not busy (it stays in `share_node_bitmap`; observed on 22.05,
    /// generated g03055 and g03105); whether a whole-node job holds it is the
    /// scheduler's to say. Unknown: not busy.
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// assert!(!p.busy_now(0, true, 1));
    /// p.add_running(0, &Tres { cpus: 2, ..Tres::default() }, Timestamp(100), 7, false);
    /// assert!(p.busy_now(0, true, 1) && !p.busy_now(0, false, 1));
    /// ```
    #[must_use]
    pub fn busy_now(&self, node: NodeIdx, whole_node: bool, user: UserIdx) -> bool {
        let Some(line) = self.nodes.get(node as usize) else {
            return false;
        };
        line.segs.get(line.seg_at(self.now)).is_some_and(|g| {
            if whole_node {
                g.users != Users::Nobody
            } else {
                !g.excl.at_most(user)
            }
        })
    }

    /// Whether node `node` could ever hold a share of `demand` (its CPUs, memory and GRES
    /// when idle): the nodes `_build_node_list()` keeps for a job, among which
    /// `_pick_best_nodes()` looks for busy ones. Unknown or blocked: no.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let small = Tres { nodes: 1, cpus: 4, memory: Memory::from_gib(8), ..Tres::default() };
    /// let big = Tres { cpus: 16, ..small.clone() };
    /// let p = Profile::new(Timestamp(0), vec![small, big], vec![1; 2]);
    /// let mut d = Demand::new(Duration::from_secs(60));
    /// (d.total_cpus, d.min_cpus_per_node) = (16, 16);
    /// d.mem = MemDemand::PerNode(Memory::from_gib(1));
    /// assert!(!p.could_hold(0, &d) && p.could_hold(1, &d));
    /// ```
    #[must_use]
    pub fn could_hold(&self, node: NodeIdx, demand: &Demand) -> bool {
        let (Some(need), Some(line)) = (self.need(demand), self.nodes.get(node as usize)) else {
            return false;
        };
        !line.blocked && Self::cap_fits(line, &need) && line.cap_cpus >= need.base
    }

    /// Whether `demand` would fit on `candidates` were they all idle: the test slurmctld's
    /// main scheduler makes on the nodes it has left before it calls a job merely busy
    /// (`_pick_best_nodes()`, `SELECT_MODE_TEST_ONLY`). Unknown and blocked candidates
    /// count for nothing.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let node = Tres { nodes: 1, cpus: 8, memory: Memory::from_gib(8), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node.clone(); 2], vec![1; 2]);
    /// p.add_running(0, &node, Timestamp(100), 1, false);
    /// let mut sixteen = Demand::new(Duration::from_secs(60));
    /// (sixteen.max_nodes, sixteen.total_cpus, sixteen.user) = (2, 16, 2);
    /// sixteen.mem = MemDemand::PerCpu(Memory::from_mib(100));
    /// assert!(p.fits_when_idle(&sixteen, &[0, 1]));
    /// assert!(!p.fits_when_idle(&sixteen, &[1]));
    /// ```
    #[must_use]
    pub fn fits_when_idle(&self, demand: &Demand, candidates: &[NodeIdx]) -> bool {
        let Some(need) = self.need(demand) else {
            return false;
        };
        let mut offers: Vec<u32> = Vec::new();
        let mut gpus = 0u64;
        // Candidates are usually ascending and distinct; only other lists pay for the
        // check of repeats.
        let ascending = candidates.windows(2).all(|w| w[0] < w[1]);
        let mut seen = if ascending {
            Vec::new()
        } else {
            vec![false; self.nodes.len()]
        };
        for &n in candidates {
            let Some(line) = self.nodes.get(n as usize) else {
                continue;
            };
            let repeat = !ascending
                && seen
                    .get_mut(n as usize)
                    .is_some_and(|s| std::mem::replace(s, true));
            if line.blocked || repeat || !Self::cap_fits(line, &need) {
                continue;
            }
            let offer = if need.whole {
                line.cap_cpus
            } else {
                let mut cpus = line.cap_cpus / need.cpt * need.cpt;
                if let MemDemand::PerCpu(m) = need.mem {
                    let per_task = m.mib().saturating_mul(u64::from(need.cpt));
                    if let Some(tasks) = line.cap_mem.checked_div(per_task) {
                        let by_mem = tasks.saturating_mul(u64::from(need.cpt));
                        cpus = cpus.min(u32::try_from(by_mem).unwrap_or(u32::MAX));
                    }
                }
                if let Some(cap) = need.budget.and_then(|(b, _)| line.cap_gres.get(b)) {
                    cpus = cpus.min(u32::try_from(*cap).unwrap_or(u32::MAX));
                }
                if cpus < need.base { 0 } else { cpus }
            };
            if offer > 0 {
                offers.push(offer);
                gpus = gpus.saturating_add(Self::free_gpus(&line.cap_gres, &need));
            }
        }
        offers.sort_unstable_by(|a, b| b.cmp(a));
        need.job_gpus.as_ref().is_none_or(|g| gpus >= g.count)
            && offers.len() >= need.min_nodes as usize
            && offers
                .iter()
                .take(need.max_nodes as usize)
                .map(|&o| u64::from(o))
                .sum::<u64>()
                >= need.total
    }

    /// The nodes that jobs running at `now` keep from a demand of `user` for as long as
    /// backfill plans ahead, as slurmctld's `filter_by_node_owner()` does: for a
    /// user-exclusive demand, every node where another user has a job; for any other,
    /// the nodes where another user has a user-exclusive job. Ascending.
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// let node = Tres { cpus: 8, ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node; 3], vec![1; 3]);
    /// p.add_running(0, &Tres { cpus: 1, ..Tres::default() }, Timestamp(100), 7, false);
    /// p.add_running(1, &Tres { cpus: 1, ..Tres::default() }, Timestamp(100), 8, true);
    /// assert_eq!(p.held_from(9, true), vec![0, 1]);
    /// assert_eq!(p.held_from(9, false), vec![1]);
    /// assert_eq!(p.held_from(8, true), vec![0]);
    /// ```
    #[must_use]
    pub fn held_from(&self, user: UserIdx, user_exclusive: bool) -> Vec<NodeIdx> {
        if !user_exclusive && !self.any_user_exclusive {
            return Vec::new();
        }
        let now = self.now;
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, line)| {
                line.segs.get(line.seg_at(now)).is_some_and(|g| {
                    if user_exclusive {
                        !g.users.at_most(user)
                    } else {
                        !g.excl.at_most(user)
                    }
                })
            })
            .filter_map(|(i, _)| NodeIdx::try_from(i).ok())
            .collect()
    }

    /// The last instant at which something planned on a node changes (a running job or a
    /// reservation ends), or `now`: the profile is the same at every later instant.
    pub(crate) fn last_change(&self) -> Timestamp {
        self.nodes
            .iter()
            .map(NodeLine::tail)
            .max()
            .map_or(self.now, |t| t.max(self.now))
    }

    /// A number that changes whenever the profile does (for callers caching answers).
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The number of nodes.
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// assert_eq!(Profile::new(Timestamp(0), vec![Tres::default(); 3], vec![]).node_count(), 3);
    /// ```
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// What is free on `node` at `t` (CPUs, memory, GRES; `nodes` is 1), as the profile
    /// sees it. A whole-node reservation leaves nothing free. `None` for an unknown or
    /// blocked node, or `t` before `now`.
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Memory, Timestamp, Tres};
    /// let cap = Tres { nodes: 1, cpus: 8, memory: Memory::from_mib(1000), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![cap], vec![1]);
    /// p.add_running(0, &Tres { cpus: 3, ..Tres::default() }, Timestamp(50), 1, false);
    /// assert_eq!(p.free_at(0, Timestamp(49)).unwrap().cpus, 5);
    /// assert_eq!(p.free_at(0, Timestamp(50)).unwrap().cpus, 8);
    /// ```
    #[must_use]
    pub fn free_at(&self, node: NodeIdx, t: Timestamp) -> Option<Tres> {
        let line = self.nodes.get(node as usize)?;
        if line.blocked || t < self.now {
            return None;
        }
        let i = line.seg_at(t);
        let seg = line.segs.get(i)?;
        let k = self.keys.len();
        let gres = line
            .gres
            .get(i * k..(i + 1) * k)?
            .iter()
            .zip(&self.keys)
            .filter(|(n, _)| **n > 0)
            .map(|(n, key)| (key.clone(), *n))
            .collect();
        Some(Tres {
            nodes: 1,
            cpus: seg.cpus,
            memory: Memory::from_mib(seg.mem),
            gres,
        })
    }
}
