//! Registered candidate sets (one per partition) and the "now" aggregates: what each
//! node contributes to them ([`Footprint`]), and how a change to a node updates them.

use super::need::Need;
use super::profile::Profile;
use super::timeline::{NodeLine, Users};
use super::{NEVER, NodeIdx};
use crate::time::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// A candidate set registered once (a partition), with its own "now" aggregates and an
/// index of its members by what they have free at `now`.
#[derive(Debug, Clone, Default)]
pub(super) struct Group {
    /// Distinct valid members, ascending.
    pub(super) members: Vec<NodeIdx>,
    /// Aggregates over the unblocked members (see [`NowStats`]).
    pub(super) stats: NowStats,
    /// Unblocked members that are not pristine, by free CPUs at `now`.
    pub(super) busy: BTreeSet<(u32, NodeIdx)>,
    /// Unblocked pristine members, by kind.
    pub(super) pristine: BTreeMap<u32, BTreeSet<NodeIdx>>,
    /// The same members as maximal runs of consecutive indices of one kind: first node
    /// -> (last node, kind). Node choice reads idle nodes as these pieces
    /// ([`choose::Usable`](super::choose::Usable)), so that it costs the runs, not the nodes.
    pub(super) pristine_runs: BTreeMap<NodeIdx, (NodeIdx, u32)>,
    /// Unblocked members that are not pristine, by the start of their last segment (from
    /// which on nothing changes on them any more).
    pub(super) tails: BTreeSet<(Timestamp, NodeIdx)>,
    /// The live runs of those members (see [`NodeLine::runs`]) as (start, node, end, most
    /// CPUs free in a segment of the run), by length class: class `c < 64` holds the runs
    /// of length in `[2^c, 2^(c+1))`, class 64 those that never end. A search reads only
    /// the classes long enough for its window, and in them only the runs near its start.
    pub(super) runs: Vec<BTreeSet<(Timestamp, NodeIdx, Timestamp, u32)>>,
}

/// The length class of a run `[start, end)` (see [`Group::runs`]).
fn run_class(start: Timestamp, end: Timestamp) -> usize {
    if end == NEVER {
        return 64;
    }
    let len = end.0.saturating_sub(start.0).max(1);
    len.ilog2() as usize
}

/// The longest run of class `c < 64`.
pub(super) fn class_max(c: usize) -> u64 {
    if c >= 63 {
        u64::MAX
    } else {
        (1u64 << (c + 1)) - 1
    }
}

/// Aggregates over the unblocked nodes' first segment (the state at `now`).
#[derive(Debug, Clone, Default)]
pub(super) struct NowStats {
    /// Number of nodes by free CPUs.
    free_cpus: BTreeMap<u32, u32>,
    /// Sum of free CPUs.
    total_cpus: u64,
    /// Nodes with nothing on them.
    idle: u32,
    /// The unblocked nodes left out of the figures above because a reservation starts on
    /// them after `now`: they are checked one by one.
    pub(super) later: Vec<NodeIdx>,
}

impl NowStats {
    /// Counts (`sign`) or uncounts a node that has `key` = (free CPUs, idle) at `now`.
    pub(super) fn put(&mut self, (cpus, idle): (u32, bool), sign: bool) {
        if sign {
            *self.free_cpus.entry(cpus).or_insert(0) += 1;
            self.total_cpus += u64::from(cpus);
            self.idle += u32::from(idle);
        } else {
            multiset_remove(&mut self.free_cpus, cpus);
            self.total_cpus -= u64::from(cpus);
            self.idle -= u32::from(idle);
        }
    }

    /// Upper bounds of (usable nodes, their CPUs) for `need` at `now` over the nodes
    /// without later reservations: their free resources only grow after `now`.
    pub(super) fn bounds(&self, need: &Need) -> (u64, u64) {
        if need.whole {
            return (u64::from(self.idle), u64::MAX);
        }
        let usable = self
            .free_cpus
            .range(need.base..)
            .fold(0u64, |a, (_, &c)| a + u64::from(c));
        (usable, self.total_cpus)
    }
}

/// What a node contributes to the aggregates and indexes, so that a change updates
/// only what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Footprint {
    /// (free CPUs, idle) at `now` in the "now" aggregates; `None` when left out (blocked,
    /// or a reservation starts on it later).
    pub(super) now: Option<(u32, bool)>,
    /// Its entry in the group indexes; `None` when blocked.
    entry: Option<IndexEntry>,
}

/// A node's entry in the group indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IndexEntry {
    /// Pristine, of this kind.
    Pristine(u32),
    /// Anything else: free CPUs at `now`, start of the last segment, live runs.
    Busy {
        free_now: u32,
        tail: Timestamp,
        runs: Vec<(Timestamp, Timestamp, u32)>,
    },
}

impl Footprint {
    /// Nothing: the footprint of a node taken out.
    const EMPTY: Footprint = Footprint {
        now: None,
        entry: None,
    };

    pub(super) fn of(line: &NodeLine) -> Footprint {
        if line.blocked {
            return Footprint::EMPTY;
        }
        let first = line.segs.first();
        let now = (!line.reserved_later)
            .then(|| first.map(|g| (g.cpus, g.users == Users::Nobody && !g.held)))
            .flatten();
        let entry = if line.pristine() {
            IndexEntry::Pristine(line.kind)
        } else {
            IndexEntry::Busy {
                free_now: first.map_or(0, |g| g.cpus),
                tail: line.tail(),
                runs: line.runs(),
            }
        };
        Footprint {
            now,
            entry: Some(entry),
        }
    }
}

pub(super) fn multiset_remove(set: &mut BTreeMap<u32, u32>, v: u32) {
    if let Some(c) = set.get_mut(&v) {
        *c -= 1;
        if *c == 0 {
            set.remove(&v);
        }
    }
}

impl Profile {
    /// The CPUs free at `now` over the unblocked members of group `group`
    /// ([`Profile::add_group`]), counting nothing on a node a whole-node reservation
    /// holds now: no demand needing more CPUs than this can start now in the group.
    ///
    /// ```
    /// use hpcsched::planner::{Hold, Profile};
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }; 3], vec![1; 3]);
    /// let g = p.add_group(&[0, 1, 2]);
    /// p.add_running(0, &Tres { cpus: 3, ..Tres::default() }, Timestamp(100), 1, false);
    /// p.reserve(1, Timestamp(50), Timestamp(150), &Hold::WholeNode, 2, false);
    /// p.block(2);
    /// assert_eq!(p.free_cpus_now(g), 5 + 8);
    /// ```
    #[must_use]
    pub fn free_cpus_now(&self, group: usize) -> u64 {
        let Some(group) = self.groups.get(group) else {
            return 0;
        };
        let later: u64 = group
            .stats
            .later
            .iter()
            .filter_map(|&n| self.nodes.get(n as usize))
            .filter(|line| !line.blocked)
            .filter_map(|line| line.segs.first())
            .filter(|seg| !seg.held)
            .map(|seg| u64::from(seg.cpus))
            .sum();
        group.stats.total_cpus + later
    }

    /// Registers a candidate set (typically a partition's nodes) and returns its id for
    /// [`Profile::earliest_in`], which answers exactly what [`Profile::earliest`] answers
    /// for the same nodes, with aggregates and indexes kept for the set: a question about
    /// a registered set costs the nodes that could matter, not all of them. Unknown and
    /// repeated nodes are ignored. Ids are given in registration order from 0.
    ///
    /// ```
    /// use hpcsched::planner::{Demand, MemDemand, Profile};
    /// use hpcsched::{Duration, Memory, Timestamp, Tres};
    /// let node = Tres { nodes: 1, cpus: 16, memory: Memory::from_gib(64), ..Tres::default() };
    /// let mut p = Profile::new(Timestamp(0), vec![node; 4], vec![1; 4]);
    /// let part = p.add_group(&[2, 3, 3, 9]);
    /// let mut one = Demand::new(Duration::from_secs(60));
    /// (one.total_cpus, one.min_cpus_per_node) = (4, 4);
    /// one.mem = MemDemand::PerCpu(Memory::from_gib(1));
    /// let at = p.earliest_in(&one, part, Timestamp(0), None).unwrap();
    /// assert_eq!(at, p.earliest(&one, &[2, 3], Timestamp(0), None).unwrap());
    /// assert_eq!(at.nodes, vec![(2, 4)]);
    /// ```
    pub fn add_group(&mut self, nodes: &[NodeIdx]) -> usize {
        let id = self.groups.len();
        let gid = u32::try_from(id).unwrap_or(u32::MAX);
        let mut members: Vec<NodeIdx> = nodes
            .iter()
            .copied()
            .filter(|&n| (n as usize) < self.nodes.len())
            .collect();
        members.sort_unstable();
        members.dedup();
        let mut group = Group::default();
        for &n in &members {
            if let Some(line) = self.nodes.get_mut(n as usize) {
                line.groups.push(gid);
                Self::enter(&mut group, line, n);
            }
        }
        group.members = members;
        self.groups.push(group);
        id
    }

    /// Adds an unblocked node's current state to a group's aggregates and indexes.
    fn enter(group: &mut Group, line: &NodeLine, n: NodeIdx) {
        if line.blocked {
            return;
        }
        if line.reserved_later {
            group.stats.later.push(n);
        }
        Self::regroup(group, n, &Footprint::EMPTY, &Footprint::of(line));
    }

    /// Moves a node's entries in one group from `old` to `new`, touching only what
    /// changed (most reservations change a node's runs, not its state at `now`).
    fn regroup(group: &mut Group, n: NodeIdx, old: &Footprint, new: &Footprint) {
        if old.now != new.now {
            if let Some(key) = old.now {
                group.stats.put(key, false);
            }
            if let Some(key) = new.now {
                group.stats.put(key, true);
            }
        }
        if old.entry == new.entry {
            return;
        }
        if group.runs.len() < 65 {
            group.runs.resize_with(65, BTreeSet::new);
        }
        let no_runs: &[(Timestamp, Timestamp, u32)] = &[];
        let (old_busy, old_runs) = match &old.entry {
            Some(IndexEntry::Busy {
                free_now,
                tail,
                runs,
            }) => (Some((*free_now, *tail)), runs.as_slice()),
            Some(IndexEntry::Pristine(kind)) => {
                if let Some(set) = group.pristine.get_mut(kind) {
                    set.remove(&n);
                    if set.is_empty() {
                        group.pristine.remove(kind);
                    }
                }
                Self::leave_run(group, n);
                (None, no_runs)
            }
            None => (None, no_runs),
        };
        let (new_busy, new_runs) = match &new.entry {
            Some(IndexEntry::Busy {
                free_now,
                tail,
                runs,
            }) => (Some((*free_now, *tail)), runs.as_slice()),
            Some(IndexEntry::Pristine(kind)) => {
                group.pristine.entry(*kind).or_default().insert(n);
                Self::join_run(group, n, *kind);
                (None, no_runs)
            }
            None => (None, no_runs),
        };
        let (old_free, new_free) = (old_busy.map(|b| b.0), new_busy.map(|b| b.0));
        if old_free != new_free {
            if let Some(f) = old_free {
                group.busy.remove(&(f, n));
            }
            if let Some(f) = new_free {
                group.busy.insert((f, n));
            }
        }
        let (old_tail, new_tail) = (old_busy.map(|b| b.1), new_busy.map(|b| b.1));
        if old_tail != new_tail {
            if let Some(t) = old_tail {
                group.tails.remove(&(t, n));
            }
            if let Some(t) = new_tail {
                group.tails.insert((t, n));
            }
        }
        for &(start, end, cpus) in old_runs.iter().filter(|r| !new_runs.contains(r)) {
            if let Some(class) = group.runs.get_mut(run_class(start, end)) {
                class.remove(&(start, n, end, cpus));
            }
        }
        for &(start, end, cpus) in new_runs.iter().filter(|r| !old_runs.contains(r)) {
            if let Some(class) = group.runs.get_mut(run_class(start, end)) {
                class.insert((start, n, end, cpus));
            }
        }
    }

    /// Adds pristine member `n` of `kind` to the group's runs, merging it with the runs
    /// of that kind that end just before it and start just after it.
    fn join_run(group: &mut Group, n: NodeIdx, kind: u32) {
        let left = n.checked_sub(1).and_then(|m| {
            group
                .pristine_runs
                .range(..=m)
                .next_back()
                .filter(|(_, (last, k))| *last == m && *k == kind)
                .map(|(&first, _)| first)
        });
        let right = n.checked_add(1).and_then(|m| {
            group
                .pristine_runs
                .get(&m)
                .filter(|(_, k)| *k == kind)
                .map(|&(last, _)| last)
        });
        if right.is_some()
            && let Some(m) = n.checked_add(1)
        {
            group.pristine_runs.remove(&m);
        }
        let first = left.unwrap_or(n);
        group
            .pristine_runs
            .insert(first, (right.unwrap_or(n), kind));
    }

    /// Takes member `n` out of the group's pristine runs, splitting its run.
    fn leave_run(group: &mut Group, n: NodeIdx) {
        let Some((first, (last, kind))) = group
            .pristine_runs
            .range(..=n)
            .next_back()
            .filter(|(_, (last, _))| *last >= n)
            .map(|(&f, &v)| (f, v))
        else {
            return;
        };
        group.pristine_runs.remove(&first);
        if first < n {
            group.pristine_runs.insert(first, (n - 1, kind));
        }
        if last > n {
            group.pristine_runs.insert(n + 1, (last, kind));
        }
    }

    /// Moves a node's entries in the global aggregates and in each of its groups from
    /// `old` to `new`.
    pub(super) fn reindex(&mut self, n: NodeIdx, old: &Footprint, new: &Footprint) {
        self.version += 1;
        if old == new {
            return;
        }
        if old.now != new.now {
            if let Some(key) = old.now {
                self.at_now.put(key, false);
            }
            if let Some(key) = new.now {
                self.at_now.put(key, true);
            }
        }
        let Some(line) = self.nodes.get(n as usize) else {
            return;
        };
        for &g in &line.groups {
            if let Some(group) = self.groups.get_mut(g as usize) {
                Self::regroup(group, n, old, new);
            }
        }
    }

    /// Takes a node's current state out of every aggregate and index.
    pub(super) fn detach(&mut self, n: NodeIdx) {
        let Some(line) = self.nodes.get(n as usize) else {
            return;
        };
        let old = Footprint::of(line);
        self.reindex(n, &old, &Footprint::EMPTY);
    }

    /// The nodes checked one by one because a reservation starts on them later, listed
    /// again from the nodes (cheaper than finding the ones that changed).
    pub(super) fn rebuild_later_lists(&mut self) {
        self.at_now.later.clear();
        for group in &mut self.groups {
            group.stats.later.clear();
        }
        for (i, line) in self.nodes.iter().enumerate() {
            if line.reserved_later && !line.blocked {
                self.at_now.later.push(i as NodeIdx);
                for &g in &line.groups {
                    if let Some(group) = self.groups.get_mut(g as usize) {
                        group.stats.later.push(i as NodeIdx);
                    }
                }
            }
        }
    }
}
