//! The search over a registered group, read from the group's indexes: "start now?"
//! from the index of members by free CPUs, later starts from a lazy sweep over runs,
//! tails and offer curves.

use super::NodeIdx;
use super::choose;
use super::demand::Placement;
use super::groups::{Group, class_max};
use super::need::Need;
use super::profile::Profile;
use super::sweep::Offers;
use super::timeline::NodeLine;
use crate::time::{Duration, Timestamp};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

impl Profile {
    /// [`Profile::sweep`] over a group, visiting only the nodes that can matter.
    ///
    /// A window `[s, s + d)` is usable only if it lies in live segments (not held, some
    /// CPU free). So a member's offer, as a function of the start, is zero except in
    /// windows inside one of its runs ([`NodeLine::runs`]) or in its last segment, where it
    /// is the last segment's offer from `max(tail, t0)` on. Members get their exact offer
    /// curve from the moment the sweep reaches a run of theirs that can hold the window
    /// (at `t0` for runs under way then; before that their offer is zero); every other
    /// member changes once, at its tail, and those changes are read in time order from the
    /// group's tail index. Runs, tails and curves are all read lazily in time order, only
    /// as far as the answer. Pristine members change once, at `t0` (at most `max_nodes` of
    /// a kind, see [`Profile::usable_now`]). The offers are those [`Profile::sweep`] would
    /// compute, so the answer is the same.
    pub(super) fn sweep_group(
        &self,
        need: &Need,
        group: &Group,
        t0: Timestamp,
        horizon: Timestamp,
    ) -> Option<Placement> {
        let fits = |line: &NodeLine| line.cap_cpus >= need.base && Self::cap_fits(line, need);
        let window = need.dur;
        let ends_by = t0.saturating_add(Duration::from_secs(window));
        let long_enough = |start: Timestamp, end: Timestamp| {
            start.saturating_add(Duration::from_secs(window)) <= end
        };
        let keys = self.keys.len();
        let mut offers = Offers::new(true);
        let mut heap: BinaryHeap<Reverse<(Timestamp, u32, u32)>> = BinaryHeap::new();
        let mut curved = vec![0u64; self.nodes.len().div_ceil(64)];
        let mut scratch: (Vec<u32>, VecDeque<usize>) = (Vec::new(), VecDeque::new());
        let mut changes: Vec<(Timestamp, u32, u32)> = Vec::new();
        // Gives `n` its exact offer curve from `at` on (once).
        let mut activate = |n: NodeIdx,
                            at: Timestamp,
                            offers: &mut Offers,
                            heap: &mut BinaryHeap<Reverse<(Timestamp, u32, u32)>>,
                            curved: &mut Vec<u64>| {
            let Some(word) = curved.get_mut((n / 64) as usize) else {
                return;
            };
            if *word & (1 << (n % 64)) != 0 {
                return;
            }
            *word |= 1 << (n % 64);
            if !self.nodes.get(n as usize).is_some_and(fits) {
                return;
            }
            let pos = offers.add(n) as usize;
            changes.clear();
            self.offer_curve((n, pos), need, at, horizon, &mut scratch, &mut changes);
            heap.extend(changes.drain(..).map(Reverse));
        };
        // Runs under way at t0 that can hold a window starting there: of class c, they
        // started less than 2^(c+1) before t0 + d.
        let mut under_way: Vec<NodeIdx> = Vec::new();
        for (c, class) in group.runs.iter().enumerate() {
            let lower = if c == 64 {
                Timestamp(0)
            } else {
                if class_max(c) < window {
                    continue;
                }
                Timestamp(ends_by.0.saturating_sub(class_max(c)))
            };
            under_way.extend(
                class
                    .range((lower, 0, Timestamp(0), 0)..(t0, 0, Timestamp(0), 0))
                    .filter(|&&(_, _, end, cpus)| cpus >= need.base && ends_by <= end)
                    .map(|&(_, n, _, _)| n),
            );
        }
        under_way.sort_unstable();
        under_way.dedup();
        for n in under_way {
            activate(n, t0, &mut offers, &mut heap, &mut curved);
        }
        // Pristine members: usable from t0 with a constant offer.
        for set in group.pristine.values() {
            let Some(line) = set.first().and_then(|&n| self.nodes.get(n as usize)) else {
                continue;
            };
            if !fits(line) {
                continue;
            }
            let offer = self.window_offer(line, need, t0, ends_by);
            if offer == 0 {
                continue;
            }
            for &n in set.iter().take(need.max_nodes as usize) {
                let pos = offers.add(n);
                heap.push(Reverse((t0, pos, offer)));
            }
        }
        // Runs starting from t0 on, long enough for the window, by start.
        let mut starting: Vec<_> = group
            .runs
            .iter()
            .enumerate()
            .filter(|&(c, _)| c == 64 || class_max(c) >= window)
            .map(|(_, class)| {
                class
                    .range((t0, 0, Timestamp(0), 0)..(horizon, 0, Timestamp(0), 0))
                    .filter(|&&(start, _, end, cpus)| cpus >= need.base && long_enough(start, end))
                    .peekable()
            })
            .collect();
        let mut tails = group.tails.iter().peekable();
        loop {
            let next_run = starting
                .iter_mut()
                .filter_map(|r| r.peek().map(|e| e.0))
                .min();
            let next_change = heap.peek().map(|e| e.0.0);
            let next_tail = tails.peek().map(|e| e.0.max(t0));
            let Some(t) = [next_run, next_change, next_tail]
                .into_iter()
                .flatten()
                .min()
            else {
                break;
            };
            if t >= horizon {
                break;
            }
            for runs in &mut starting {
                while let Some(&(_, n, _, _)) = runs.next_if(|e| e.0 == t) {
                    activate(n, t, &mut offers, &mut heap, &mut curved);
                }
            }
            while heap.peek().is_some_and(|e| e.0.0 == t) {
                let Some(Reverse((_, pos, offer))) = heap.pop() else {
                    break;
                };
                offers.set(pos, offer);
            }
            while let Some(&(_, n)) = tails.next_if(|e| e.0.max(t0) == t) {
                let curved_already = curved
                    .get((n / 64) as usize)
                    .is_none_or(|w| w & (1 << (n % 64)) != 0);
                let Some(line) = self.nodes.get(n as usize) else {
                    continue;
                };
                if curved_already || !fits(line) {
                    continue;
                }
                let Some(last) = line.segs.len().checked_sub(1) else {
                    continue;
                };
                let offer = Self::seg_offer(line, last, keys, need);
                if offer > 0 {
                    let pos = offers.add(n);
                    offers.set(pos, offer);
                }
            }
            // The sweep counts pristine members by kind; the choice reads them all.
            if offers.may_fit(need) {
                let end = t.saturating_add(Duration::from_secs(need.dur));
                let others: Vec<(NodeIdx, u32)> = offers
                    .nodes
                    .iter()
                    .copied()
                    .zip(offers.current.iter().copied())
                    .filter(|&(_, o)| o > 0)
                    .collect();
                if let Some(chosen) = self.group_choice(group, need, t, end, &others) {
                    return Some(Placement {
                        start: t,
                        nodes: chosen.nodes,
                        gpus: chosen.gpus,
                    });
                }
            }
        }
        None
    }

    /// The nodes a group gives the demand at `now`, if it fits there. Its index answers
    /// first, cheaply: only the members with enough CPUs free now, and of each pristine
    /// kind as many as the demand could ever take (interchangeable for counting); when
    /// those could hold the demand, the choice reads every usable member, the pristine
    /// ones as runs ([`Profile::group_choice`]).
    pub(super) fn choose_now(
        &self,
        group: &Group,
        need: &Need,
        end: Timestamp,
    ) -> Option<choose::Chosen> {
        let mut offers = Offers::new(true);
        let mut busy: Vec<(NodeIdx, u32)> = Vec::new();
        for &(_, n) in group.busy.range((need.base, 0)..) {
            if let Some(line) = self.nodes.get(n as usize)
                && line.cap_cpus >= need.base
                && Self::cap_fits(line, need)
            {
                let offer = self.window_offer(line, need, self.now, end);
                if offer > 0 {
                    busy.push((n, offer));
                    let pos = offers.add(n);
                    offers.set(pos, offer);
                }
            }
        }
        for set in group.pristine.values() {
            let Some(line) = set.first().and_then(|&n| self.nodes.get(n as usize)) else {
                continue;
            };
            if line.cap_cpus < need.base || !Self::cap_fits(line, need) {
                continue;
            }
            let offer = self.window_offer(line, need, self.now, end);
            if offer > 0 {
                for &n in set.iter().take(need.max_nodes as usize) {
                    let pos = offers.add(n);
                    offers.set(pos, offer);
                }
            }
        }
        if !offers.may_fit(need) {
            return None;
        }
        self.group_choice(group, need, self.now, end, &busy)
    }
}
