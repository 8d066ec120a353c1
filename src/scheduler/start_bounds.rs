//! The backfill pass's start bounds: per job shape (partition, demand, user), the earliest
//! start the pass's profile still allows; and the shape key they are kept by, which the
//! queue's streams share.

use super::demand::{JobNodes, ask};
use crate::fast_hash::FastBuild;
use crate::planner::{CpuBudget, Demand, JobGpus, MemDemand, Placement, Profile};
use crate::time::{Duration, Timestamp};
use indexmap::IndexMap;
use std::hash::{Hash, Hasher};

/// Per job shape (partition, demand), the earliest start the pass's profile still allows.
///
/// Within one backfill pass the profile only loses resources (jobs start, reservations are
/// made), so the earliest start of a given shape never moves earlier: the answer of the
/// last search (or the horizon it failed at) is a valid `not_before` for the next search
/// of the same shape, which then skips everything before it, or is answered at once when
/// the bound already reaches the horizon. Starting the search there returns exactly what a
/// search from `now` would (see [`Profile::earliest`]: a fit at the bound would have been
/// a fit at the last release before it).
#[derive(Default, Debug, Clone)]
pub(super) struct StartBounds {
    /// Looked up with a borrowed [`ShapeRef`], so that a question about a shape already
    /// asked (most of a long queue) clones nothing.
    bound: IndexMap<ShapeKey, Timestamp, FastBuild>,
}

/// A shape as [`StartBounds`] keeps it: the partition and the demand, with the user in
/// `user` (0 when the user changes no answer) rather than in the demand.
#[derive(Debug, Clone)]
pub(crate) struct ShapeKey {
    pub(crate) part: usize,
    pub(crate) demand: Demand,
    pub(crate) user: u32,
}

/// A [`ShapeKey`] borrowed from the question being asked.
struct ShapeRef<'d> {
    part: usize,
    demand: &'d Demand,
    user: u32,
}

impl ShapeRef<'_> {
    /// Every field of the demand except its user, which `user` stands for; destructured so
    /// that a field added to [`Demand`] cannot be forgotten here.
    #[allow(clippy::type_complexity)]
    fn fields(
        d: &Demand,
    ) -> (
        [u32; 6],
        &MemDemand,
        &[(crate::gres::GresKey, u64)],
        bool,
        bool,
        Duration,
        Option<&CpuBudget>,
        Option<&JobGpus>,
    ) {
        let Demand {
            min_nodes,
            max_nodes,
            req_nodes,
            total_cpus,
            min_cpus_per_node,
            cpus_per_task,
            mem,
            gres_per_node,
            whole_node,
            user: _,
            user_exclusive,
            duration,
            cpu_budget,
            gpus_per_job,
        } = d;
        (
            [
                *min_nodes,
                *max_nodes,
                *req_nodes,
                *total_cpus,
                *min_cpus_per_node,
                *cpus_per_task,
            ],
            mem,
            gres_per_node,
            *whole_node,
            *user_exclusive,
            *duration,
            cpu_budget.as_ref(),
            gpus_per_job.as_ref(),
        )
    }

    fn hash_into<H: Hasher>(&self, h: &mut H) {
        (self.part, self.user, Self::fields(self.demand)).hash(h);
    }

    fn same(&self, key: &ShapeKey) -> bool {
        self.part == key.part
            && self.user == key.user
            && Self::fields(self.demand) == Self::fields(&key.demand)
    }
}

impl Hash for ShapeKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_ref().hash_into(h);
    }
}

impl PartialEq for ShapeKey {
    fn eq(&self, other: &Self) -> bool {
        other.as_ref().same(self)
    }
}

impl Eq for ShapeKey {}

impl ShapeKey {
    fn as_ref(&self) -> ShapeRef<'_> {
        ShapeRef {
            part: self.part,
            demand: &self.demand,
            user: self.user,
        }
    }
}

impl Hash for ShapeRef<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.hash_into(h);
    }
}

impl indexmap::Equivalent<ShapeKey> for ShapeRef<'_> {
    fn equivalent(&self, key: &ShapeKey) -> bool {
        self.same(key)
    }
}

impl StartBounds {
    /// [`Profile::earliest`] from `now`, pruned by the bound of the shape. `candidates`
    /// are the job's nodes in partition `part`: the whole partition (the planner group
    /// `part`, a shape shared by every such job), or a narrowed list (asked directly).
    pub(super) fn earliest(
        &mut self,
        profile: &Profile,
        part: usize,
        demand: &Demand,
        candidates: &JobNodes,
        now: Timestamp,
        horizon: Option<Timestamp>,
    ) -> Option<Placement> {
        if !matches!(candidates, JobNodes::Partition) {
            return ask(profile, part, demand, candidates, now, horizon);
        }
        // The user changes no answer while nothing user-exclusive is involved.
        let user = if demand.user_exclusive || profile.has_user_exclusive() {
            demand.user
        } else {
            0
        };
        let key = ShapeRef { part, demand, user };
        let limit = horizon.unwrap_or(Timestamp(u64::MAX));
        let slot = self.bound.get_index_of(&key);
        let from = slot
            .and_then(|i| self.bound.get_index(i))
            .map_or(now, |(_, &t)| t)
            .max(now);
        if from >= limit {
            return None;
        }
        let got = ask(profile, part, demand, candidates, from, horizon);
        let reached = got.as_ref().map_or(limit, |p| p.start);
        match slot.and_then(|i| self.bound.get_index_mut(i)) {
            Some((_, t)) => *t = reached,
            None => {
                self.bound.insert(
                    ShapeKey {
                        part,
                        demand: demand.clone(),
                        user,
                    },
                    reached,
                );
            }
        }
        got
    }
}
