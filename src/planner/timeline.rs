//! A node's timeline: its capacity and the segments of what is free on it over time,
//! with the operations that split, merge and advance them.

use super::{NEVER, NodeIdx, UserIdx};
use crate::time::Timestamp;

/// The users with jobs in one segment: nobody, exactly one, or several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Users {
    Nobody,
    Only(UserIdx),
    Many,
}

impl Users {
    /// The set with `user` added.
    pub(super) fn with(self, user: UserIdx) -> Users {
        match self {
            Users::Nobody => Users::Only(user),
            Users::Only(u) if u == user => self,
            _ => Users::Many,
        }
    }
    /// Whether nobody but `user` is in the set.
    pub(super) fn at_most(self, user: UserIdx) -> bool {
        match self {
            Users::Nobody => true,
            Users::Only(u) => u == user,
            Users::Many => false,
        }
    }
}

/// What is free on a node over `[start, next segment's start)`.
#[derive(Debug, Clone)]
pub(super) struct Seg {
    pub(super) start: Timestamp,
    pub(super) cpus: u32,
    pub(super) mem: u64,
    /// Users of every job (running or reserved) on the node.
    pub(super) users: Users,
    /// Users of the user-exclusive ones.
    pub(super) excl: Users,
    /// A whole-node reservation holds the node.
    pub(super) held: bool,
}

/// One node: its capacity and its timeline.
#[derive(Debug, Clone)]
pub(super) struct NodeLine {
    pub(super) cap_cpus: u32,
    pub(super) cap_mem: u64,
    /// Capacity per profile GRES key (dense, `Profile::keys` order).
    pub(super) cap_gres: Vec<u64>,
    pub(super) weight: u32,
    pub(super) blocked: bool,
    /// A reservation starts on it after `now` (its free resources may shrink later).
    pub(super) reserved_later: bool,
    /// Never empty; `segs[0].start` is the profile's `now`; starts strictly increase.
    pub(super) segs: Vec<Seg>,
    /// Free GRES of segment `i` at `gres[i * K .. (i + 1) * K]`.
    pub(super) gres: Vec<u64>,
    /// Nodes of one kind (capacity and weight) are interchangeable while pristine.
    pub(super) kind: u32,
    /// The groups this node belongs to.
    pub(super) groups: Vec<u32>,
    /// Listed in `Profile::touched`.
    pub(super) touched: bool,
}

impl NodeLine {
    /// The maximal runs of consecutive live segments (not held, some CPU free) before the
    /// last segment, as (start, end, most CPUs free in one of them); a run reaching the
    /// last segment, when that one is live too, ends at [`NEVER`]. A window that lies in
    /// no run starts in the last segment or is unusable: see [`Profile::sweep_group`](super::Profile::sweep_group).
    pub(super) fn runs(&self) -> Vec<(Timestamp, Timestamp, u32)> {
        let live = |g: &Seg| !g.held && g.cpus > 0;
        let mut out = Vec::new();
        let mut open: Option<(Timestamp, u32)> = None;
        let last = self.segs.len().saturating_sub(1);
        for (i, seg) in self.segs.iter().enumerate() {
            if i == last {
                if let Some((start, cpus)) = open.take() {
                    let end = if live(seg) { NEVER } else { seg.start };
                    out.push((start, end, cpus));
                }
                break;
            }
            if live(seg) {
                let (start, cpus) = open.unwrap_or((seg.start, 0));
                open = Some((start, cpus.max(seg.cpus)));
            } else if let Some((start, cpus)) = open.take() {
                out.push((start, seg.start, cpus));
            }
        }
        out
    }

    /// The start of the last segment.
    pub(super) fn tail(&self) -> Timestamp {
        self.segs.last().map_or(NEVER, |g| g.start)
    }

    /// Nothing runs on it and nothing is planned on it, ever: every node of its kind in
    /// that state answers every question the same way.
    pub(super) fn pristine(&self) -> bool {
        !self.blocked
            && self.segs.len() == 1
            && self.segs.first().is_some_and(|g| {
                !g.held
                    && g.users == Users::Nobody
                    && g.excl == Users::Nobody
                    && g.cpus == self.cap_cpus
                    && g.mem == self.cap_mem
            })
            // (Without GRES, no call to compare nothing.)
            && (self.cap_gres.is_empty() && self.gres.is_empty() || self.gres == self.cap_gres)
    }
}

impl NodeLine {
    /// The index of the segment holding `t` (the first one for instants before it).
    pub(super) fn seg_at(&self, t: Timestamp) -> usize {
        // Most questions are about `now`, the first segment: skip the search.
        if self.segs.get(1).is_none_or(|g| g.start > t) {
            return 0;
        }
        self.segs
            .partition_point(|g| g.start <= t)
            .saturating_sub(1)
    }

    /// Merges each segment of `lo..=hi` (clamped) into its predecessor when no question
    /// can tell them apart: both held by a whole-node reservation (nothing else about a
    /// held segment is ever read, and holds are never lifted), or equal in every field.
    /// A boundary between such segments changes no offer, so it is never a start the
    /// search could return; dropping it keeps timelines short under back-to-back
    /// reservations.
    pub(super) fn coalesce(&mut self, lo: usize, hi: usize, k: usize) {
        let mut i = lo.max(1);
        let mut hi = hi.min(self.segs.len().saturating_sub(1));
        while i <= hi {
            let same = match (self.segs.get(i - 1), self.segs.get(i)) {
                (Some(a), Some(b)) => {
                    (a.held && b.held)
                        || (a.held == b.held
                            && a.cpus == b.cpus
                            && a.mem == b.mem
                            && a.users == b.users
                            && a.excl == b.excl
                            && self.gres.get((i - 1) * k..i * k)
                                == self.gres.get(i * k..(i + 1) * k))
                }
                _ => false,
            };
            if same {
                self.segs.remove(i);
                let at = (i * k).min(self.gres.len());
                let to = ((i + 1) * k).min(self.gres.len());
                self.gres.drain(at..to);
                hi -= 1;
            } else {
                i += 1;
            }
        }
    }

    /// Drops what lies before `now` (see [`Profile::set_now`](super::Profile::set_now)): the segment holding `now`
    /// becomes the first and begins at `now`.
    pub(super) fn catch_up(&mut self, now: Timestamp, k: usize) {
        let i = self.seg_at(now);
        if i > 0 {
            self.segs.drain(..i);
            self.gres.drain(..(i * k).min(self.gres.len()));
        }
        if let Some(first) = self.segs.first_mut() {
            first.start = first.start.max(now);
        }
    }

    /// Makes a segment start at `t` (`t >= segs[0].start`) and returns its index.
    pub(super) fn split(&mut self, t: Timestamp, k: usize) -> usize {
        let i = self.seg_at(t);
        let Some(seg) = self.segs.get(i) else {
            return 0;
        };
        if seg.start == t {
            return i;
        }
        let mut copy = seg.clone();
        copy.start = t;
        self.segs.insert(i + 1, copy);
        let gres: Vec<u64> = self
            .gres
            .get(i * k..(i + 1) * k)
            .unwrap_or_default()
            .to_vec();
        let at = ((i + 1) * k).min(self.gres.len());
        self.gres.splice(at..at, gres);
        i + 1
    }
}

/// A node's timeline saved before a tracked change.
#[derive(Debug, Clone)]
pub(super) struct SavedLine {
    pub(super) node: NodeIdx,
    pub(super) segs: Vec<Seg>,
    pub(super) gres: Vec<u64>,
    pub(super) blocked: bool,
    pub(super) reserved_later: bool,
}
