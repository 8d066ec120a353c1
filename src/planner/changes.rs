//! Changes to the profile: running jobs, reservations and blocked nodes recorded on the
//! timelines, moving `now` forward, and tracking changes to undo them.

use super::demand::Hold;
use super::groups::Footprint;
use super::need::Take;
use super::profile::Profile;
use super::timeline::{SavedLine, Seg, Users};
use super::{NEVER, NodeIdx, UserIdx};
use crate::time::Timestamp;
use crate::tres::Tres;

impl Profile {
    /// Records a running job: it holds `used` on `node` from now until `end` (for a
    /// whole-node job pass the node's full capacity). `user` and `user_exclusive` make the
    /// node unusable for other users until `end`. An unknown node, or an `end` not after
    /// `now`, changes nothing.
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// p.add_running(0, &Tres { cpus: 8, ..Tres::default() }, Timestamp(600), 3, false);
    /// assert_eq!(p.free_at(0, Timestamp(0)).unwrap().cpus, 0);
    /// ```
    #[allow(clippy::similar_names)] // `used` and `user` are the contract's names
    pub fn add_running(
        &mut self,
        node: NodeIdx,
        used: &Tres,
        end: Timestamp,
        user: UserIdx,
        user_exclusive: bool,
    ) {
        let now = self.now;
        self.apply(node, now, end, Some(used), user, user_exclusive);
    }

    /// Reserves `node` for a pending job over `[start, end)` (a start before `now` counts
    /// from `now`). An unknown node or an empty interval changes nothing.
    ///
    /// ```
    /// use hpcsched::planner::{Hold, Profile};
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// p.reserve(0, Timestamp(100), Timestamp(200), &Hold::WholeNode, 1, false);
    /// assert_eq!(p.free_at(0, Timestamp(150)).unwrap().cpus, 0);
    /// assert_eq!(p.free_at(0, Timestamp(200)).unwrap().cpus, 8);
    /// ```
    #[allow(clippy::similar_names)] // `used` and `user`, as in `add_running`
    pub fn reserve(
        &mut self,
        node: NodeIdx,
        start: Timestamp,
        end: Timestamp,
        hold: &Hold,
        user: UserIdx,
        user_exclusive: bool,
    ) {
        let start = start.max(self.now);
        let used = match hold {
            Hold::WholeNode => None,
            Hold::Resources(t) => Some(t),
        };
        self.touch(node);
        self.apply(node, start, end, used, user, user_exclusive);
    }

    /// Lists `node` in `touched` if changes are tracked.
    fn touch(&mut self, node: NodeIdx) {
        if !self.tracking {
            return;
        }
        if let Some(line) = self.nodes.get_mut(node as usize)
            && !line.touched
        {
            line.touched = true;
            self.touched.push(node);
            self.saved.push(SavedLine {
                node,
                segs: line.segs.clone(),
                gres: line.gres.clone(),
                blocked: line.blocked,
                reserved_later: line.reserved_later,
            });
        }
    }

    /// Puts every node touched since tracking began (see [`Profile::take_touched`]) back
    /// as it was before its first touch, and returns them. Changes made to such a node
    /// after that touch other than reservations and blocks (a job started there) are
    /// undone too: the caller adds them back.
    ///
    /// ```
    /// use hpcsched::planner::{Hold, Profile};
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }; 2], vec![1; 2]);
    /// p.add_running(0, &Tres { cpus: 3, ..Tres::default() }, Timestamp(100), 1, false);
    /// p.track_changes(true);
    /// p.reserve(0, Timestamp(100), Timestamp(200), &Hold::WholeNode, 2, false);
    /// p.block(1);
    /// assert_eq!(p.undo_touched(), vec![0, 1]);
    /// assert_eq!(p.free_at(0, Timestamp(150)).unwrap().cpus, 8);
    /// assert_eq!(p.free_at(0, Timestamp(50)).unwrap().cpus, 5);
    /// assert_eq!(p.free_at(1, Timestamp(0)).unwrap().cpus, 8);
    /// ```
    pub fn undo_touched(&mut self) -> Vec<NodeIdx> {
        let mut later_changed = false;
        for saved in std::mem::take(&mut self.saved) {
            let n = saved.node;
            let Some(line) = self.nodes.get(n as usize) else {
                continue;
            };
            let old = Footprint::of(line);
            let Some(line) = self.nodes.get_mut(n as usize) else {
                continue;
            };
            later_changed |=
                (line.reserved_later && !line.blocked) != (saved.reserved_later && !saved.blocked);
            line.segs = saved.segs;
            line.gres = saved.gres;
            line.blocked = saved.blocked;
            line.reserved_later = saved.reserved_later;
            line.touched = false;
            let new = Footprint::of(line);
            self.reindex(n, &old, &new);
        }
        if later_changed {
            self.rebuild_later_lists();
        }
        std::mem::take(&mut self.touched)
    }

    /// Takes `node` out of planning entirely (DOWN, DRAIN, or blocked for this pass).
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// p.block(0);
    /// assert_eq!(p.free_at(0, Timestamp(0)), None);
    /// ```
    pub fn block(&mut self, node: NodeIdx) {
        self.touch(node);
        self.detach(node);
        if let Some(line) = self.nodes.get_mut(node as usize) {
            line.blocked = true;
        }
    }

    /// Moves the profile's `now` forward to `now` (never back), so that one profile can
    /// serve pass after pass. Nodes are not visited: a node's first segment may then have
    /// begun before `now`, which answers every question as if it began at `now`, and a
    /// node is brought up to date when it next changes. The caller must rebuild
    /// ([`Profile::reset_nodes`]) every node on which something planned ended between the
    /// two instants (a running job past its end, a reservation).
    ///
    /// ```
    /// use hpcsched::planner::Profile;
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// p.add_running(0, &Tres { cpus: 3, ..Tres::default() }, Timestamp(100), 1, false);
    /// p.set_now(Timestamp(40));
    /// assert_eq!(p.now(), Timestamp(40));
    /// assert_eq!(p.free_at(0, Timestamp(40)).unwrap().cpus, 5);
    /// assert_eq!(p.free_at(0, Timestamp(39)), None);
    /// ```
    pub fn set_now(&mut self, now: Timestamp) {
        self.now = self.now.max(now);
    }

    /// Starts (or stops) listing the nodes that get a reservation or are blocked, for
    /// [`Profile::take_touched`].
    pub fn track_changes(&mut self, on: bool) {
        self.tracking = on;
    }

    /// The nodes given a reservation or blocked since tracking began (or since the last
    /// call), each once, in the order they were first touched.
    ///
    /// ```
    /// use hpcsched::planner::{Hold, Profile};
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }; 3], vec![1; 3]);
    /// p.track_changes(true);
    /// p.reserve(2, Timestamp(10), Timestamp(20), &Hold::WholeNode, 1, false);
    /// p.block(0);
    /// p.reserve(2, Timestamp(30), Timestamp(40), &Hold::WholeNode, 1, false);
    /// assert_eq!(p.take_touched(), vec![2, 0]);
    /// assert!(p.take_touched().is_empty());
    /// ```
    pub fn take_touched(&mut self) -> Vec<NodeIdx> {
        for &n in &self.touched {
            if let Some(line) = self.nodes.get_mut(n as usize) {
                line.touched = false;
            }
        }
        self.saved.clear();
        std::mem::take(&mut self.touched)
    }

    /// Returns `nodes` to their state in a new profile at `now`: all free, unblocked,
    /// nothing planned. The caller then adds back what still runs there (and blocks the
    /// nodes that are out of service), which leaves each node as a profile built afresh at
    /// `now` would have it.
    ///
    /// ```
    /// use hpcsched::planner::{Hold, Profile};
    /// use hpcsched::{Timestamp, Tres};
    /// let mut p = Profile::new(Timestamp(0), vec![Tres { cpus: 8, ..Tres::default() }], vec![1]);
    /// p.add_running(0, &Tres { cpus: 3, ..Tres::default() }, Timestamp(100), 1, false);
    /// p.reserve(0, Timestamp(100), Timestamp(200), &Hold::WholeNode, 2, false);
    /// p.reset_nodes(&[0]);
    /// assert_eq!(p.free_at(0, Timestamp(150)).unwrap().cpus, 8);
    /// p.add_running(0, &Tres { cpus: 3, ..Tres::default() }, Timestamp(100), 1, false);
    /// assert_eq!(p.free_at(0, Timestamp(0)).unwrap().cpus, 5);
    /// ```
    pub fn reset_nodes(&mut self, nodes: &[NodeIdx]) {
        let now = self.now;
        let mut had_later = false;
        for &n in nodes {
            let Some(line) = self.nodes.get(n as usize) else {
                continue;
            };
            let old = Footprint::of(line);
            let Some(line) = self.nodes.get_mut(n as usize) else {
                continue;
            };
            had_later |= line.reserved_later && !line.blocked;
            line.blocked = false;
            line.reserved_later = false;
            line.segs.clear();
            line.segs.push(Seg {
                start: now,
                cpus: line.cap_cpus,
                mem: line.cap_mem,
                users: Users::Nobody,
                excl: Users::Nobody,
                held: false,
            });
            line.gres.clone_from(&line.cap_gres);
            let new = Footprint::of(line);
            self.reindex(n, &old, &new);
        }
        if had_later {
            self.rebuild_later_lists();
        }
    }

    /// Subtracts `used` (or the whole node when `None`) over `[start, end)`.
    #[allow(clippy::similar_names)]
    fn apply(
        &mut self,
        node: NodeIdx,
        start: Timestamp,
        end: Timestamp,
        used: Option<&Tres>,
        user: UserIdx,
        user_exclusive: bool,
    ) {
        if end <= start || start < self.now {
            return;
        }
        self.any_user_exclusive |= user_exclusive;
        let takes = used.map(|u| (u.cpus, u.memory.mib(), self.takes(&u.gres)));
        let k = self.keys.len();
        let Some(old) = self.nodes.get(node as usize).map(Footprint::of) else {
            return;
        };
        let Some(line) = self.nodes.get_mut(node as usize) else {
            return;
        };
        // After `set_now` the first segment may have begun earlier: it begins now.
        line.catch_up(self.now, k);
        if start > self.now && !line.reserved_later {
            line.reserved_later = true;
            if !line.blocked {
                self.at_now.later.push(node);
                for &g in &line.groups {
                    if let Some(group) = self.groups.get_mut(g as usize) {
                        group.stats.later.push(node);
                    }
                }
            }
        }
        let first = line.split(start, k);
        let stop = if end == NEVER {
            line.segs.len()
        } else {
            line.split(end, k)
        };
        for i in first..stop {
            let (Some(seg), Some(gres)) =
                (line.segs.get_mut(i), line.gres.get_mut(i * k..(i + 1) * k))
            else {
                continue;
            };
            seg.users = seg.users.with(user);
            if user_exclusive {
                seg.excl = seg.excl.with(user);
            }
            if let Some((cpus, mem, takes)) = &takes {
                seg.cpus = seg.cpus.saturating_sub(*cpus);
                seg.mem = seg.mem.saturating_sub(*mem);
                for take in takes {
                    match take {
                        Take::Exact(i, n) => {
                            if let Some(g) = gres.get_mut(*i) {
                                *g = g.saturating_sub(*n);
                            }
                        }
                        Take::Group(range, n) => {
                            let mut left = *n;
                            for g in gres.get_mut(range.clone()).unwrap_or_default() {
                                let t = left.min(*g);
                                *g -= t;
                                left -= t;
                            }
                        }
                    }
                }
            } else {
                seg.held = true;
                seg.cpus = 0;
                seg.mem = 0;
                // (Most clusters have no GRES: no call to fill nothing.)
                if !gres.is_empty() {
                    gres.fill(0);
                }
            }
        }
        line.coalesce(first.saturating_sub(1), stop + 1, k);
        let new = Footprint::of(line);
        self.reindex(node, &old, &new);
    }
}
