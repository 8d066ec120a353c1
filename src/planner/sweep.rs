//! The general search in time: every candidate's offer changes, swept in time order,
//! with the running figures that decide when a choice is worth trying.

use super::NodeIdx;
use super::choose;
use super::demand::Placement;
use super::groups::multiset_remove;
use super::need::Need;
use super::profile::Profile;
use crate::time::Timestamp;
use std::collections::{BTreeMap, VecDeque};

/// Buffers one search reuses across its time slices.
#[derive(Default)]
struct Scratch {
    /// Offer changes: (instant, position in the candidate list, offer from then on).
    events: Vec<(Timestamp, u32, u32)>,
    /// One node's segment offers and sliding-window deque.
    curve: (Vec<u32>, VecDeque<usize>),
}

/// The nodes a sweep has met, their offers at the current instant, and the running
/// figures that decide whether a choice is worth trying there.
pub(super) struct Offers {
    pub(super) nodes: Vec<NodeIdx>,
    /// Offer of `nodes[i]` now (0: unusable).
    pub(super) current: Vec<u32>,
    /// Nodes with an offer, and the sum of the offers.
    count: usize,
    sum: u64,
    /// The offers as a multiset, kept when `max_nodes` may bound the sum.
    multiset: Option<BTreeMap<u32, u32>>,
}

impl Offers {
    pub(super) fn new(bounded: bool) -> Self {
        Offers {
            nodes: Vec::new(),
            current: Vec::new(),
            count: 0,
            sum: 0,
            multiset: bounded.then(BTreeMap::new),
        }
    }

    /// Adds a node with no offer yet and returns its position.
    pub(super) fn add(&mut self, n: NodeIdx) -> u32 {
        let pos = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(n);
        self.current.push(0);
        pos
    }

    /// The node at `pos` offers `offer` from now on.
    pub(super) fn set(&mut self, pos: u32, offer: u32) {
        let Some(slot) = self.current.get_mut(pos as usize) else {
            return;
        };
        let old = std::mem::replace(slot, offer);
        if old > 0 {
            self.count -= 1;
            self.sum -= u64::from(old);
            if let Some(set) = &mut self.multiset {
                multiset_remove(set, old);
            }
        }
        if offer > 0 {
            self.count += 1;
            self.sum += u64::from(offer);
            if let Some(set) = &mut self.multiset {
                *set.entry(offer).or_insert(0) += 1;
            }
        }
    }

    /// Whether the figures say the demand may fit on the current offers: enough nodes,
    /// and enough CPUs on the `max_nodes` largest.
    pub(super) fn may_fit(&self, need: &Need) -> bool {
        if self.count < need.min_nodes as usize || self.sum < need.total {
            return false;
        }
        self.multiset
            .as_ref()
            .is_none_or(|set| top_sum(set, need.max_nodes) >= need.total)
    }

    /// The nodes [`Profile::choose`] picks among the current offers, if the figures
    /// say the demand may fit (the offers must be every usable node's).
    fn choice(&self, profile: &Profile, need: &Need, at: Timestamp) -> Option<choose::Chosen> {
        if !self.may_fit(need) {
            return None;
        }
        let usable: Vec<(NodeIdx, u32)> = self
            .nodes
            .iter()
            .zip(&self.current)
            .filter(|&(_, &o)| o > 0)
            .map(|(&n, &o)| (n, o))
            .collect();
        profile.choose(&usable, need, at)
    }
}

/// The sum of the `k` largest values of the multiset.
fn top_sum(set: &BTreeMap<u32, u32>, k: u32) -> u64 {
    let mut left = u64::from(k);
    let mut sum = 0u64;
    for (&v, &c) in set.iter().rev() {
        let take = left.min(u64::from(c));
        sum += take * u64::from(v);
        left -= take;
        if left == 0 {
            break;
        }
    }
    sum
}

impl Profile {
    /// The general search: sweep the offer changes of every node in time order.
    pub(super) fn sweep(
        &self,
        need: &Need,
        nodes: &[NodeIdx],
        t0: Timestamp,
        horizon: Timestamp,
    ) -> Option<Placement> {
        self.sweep_slice(need, nodes, t0, horizon, &mut Scratch::default())
    }

    /// Sweeps the offer changes of every node in time order over `[t0, horizon)`.
    fn sweep_slice(
        &self,
        need: &Need,
        nodes: &[NodeIdx],
        t0: Timestamp,
        horizon: Timestamp,
        scratch: &mut Scratch,
    ) -> Option<Placement> {
        let Scratch { events, curve } = scratch;
        events.clear();
        for (pos, &n) in nodes.iter().enumerate() {
            self.offer_curve((n, pos), need, t0, horizon, curve, events);
        }
        events.sort_unstable();
        let mut offers = Offers::new((need.max_nodes as usize) < nodes.len());
        for &n in nodes {
            offers.add(n);
        }
        let mut i = 0;
        while let Some(&(t, _, _)) = events.get(i) {
            if t >= horizon {
                break;
            }
            while let Some(&(u, pos, offer)) = events.get(i) {
                if u != t {
                    break;
                }
                i += 1;
                offers.set(pos, offer);
            }
            if let Some(chosen) = offers.choice(self, need, t) {
                return Some(Placement {
                    start: t,
                    nodes: chosen.nodes,
                    gpus: chosen.gpus,
                });
            }
        }
        None
    }
}
