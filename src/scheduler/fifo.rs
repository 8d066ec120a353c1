//! A pass under a policy without backfill (`fifo`): the reasons of the jobs it could not
//! start, and their plans, made only when asked for.

use super::Scheduler;
use super::demand::ask;
use super::estimate::Planned;
use super::queue::Entry;
use super::reasons::PassState;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::planner::{Hold, Profile};
use crate::time::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};

impl Scheduler {
    /// The reasons of the jobs a pass without backfill (`fifo`) could not start, as
    /// [`Self::fifo_plans`] sees them: the first of each partition waits for Resources,
    /// the ones behind it for Priority (see [`Self::note_blocked`]). Only reasons are
    /// decided here; where and when the jobs would start is planned when asked for.
    pub(super) fn fifo_reasons(
        &mut self,
        now: Timestamp,
        queue: &[Entry],
        state: &mut PassState,
        profile: &Profile,
    ) {
        let mut planned: HashSet<JobId, FastBuild> = HashSet::default();
        for entry in queue {
            if state.handled.contains(&entry.job) || planned.contains(&entry.job) {
                continue;
            }
            let Some(job) = self.jobs.get(entry.job) else {
                continue;
            };
            // A job a limit holds back blocks nothing and keeps its reason.
            if job
                .reason
                .as_ref()
                .is_some_and(crate::limits::is_limit_reason)
            {
                continue;
            }
            // Whether `fifo_plans` keeps a plan for it, which skips its other records: it
            // always does in a partition other than the job's first, and in its first one
            // when it fits there at all (a plan in a profile that frees everything in the
            // end, with or without the reservations of the jobs ahead).
            let keeps = match job.resolved.partitions() {
                [_] => true,
                _ if !self.is_default_part(job, entry.part) => true,
                _ => self
                    .demand_in(entry.job, entry.part)
                    .is_some_and(|(demand, candidates)| {
                        ask(profile, entry.part, &demand, &candidates, now, None).is_some()
                    }),
            };
            if keeps {
                planned.insert(entry.job);
            }
            self.note_blocked_reason(entry.part, entry.job, state);
        }
    }

    /// The plans of a pass without backfill (`fifo`), made when first asked for (they
    /// decide nothing): jobs start in queue order, so each blocked job is planned after
    /// every job ahead of it in its partition, on the running jobs as the last pass left
    /// them.
    pub(super) fn fifo_plans(&self) -> HashMap<JobId, Planned, FastBuild> {
        let mut planned: HashMap<JobId, Planned, FastBuild> = HashMap::default();
        let Some(now) = self.events.last_schedule else {
            return planned;
        };
        let mut profile = match &self.plan.profile {
            Some(plan) => plan.clone(),
            None => self.build_profile(now),
        };
        let mut not_before: BTreeMap<usize, Timestamp> = BTreeMap::new();
        for entry in self.queue_entries() {
            if planned.contains_key(&entry.job) {
                continue;
            }
            let (Some(job), Some((demand, candidates))) = (
                self.jobs.get(entry.job),
                self.demand_in(entry.job, entry.part),
            ) else {
                continue;
            };
            // A job a limit holds back has no plan: when it may start depends on when
            // the jobs counted against the limit end, not on the nodes.
            if job
                .reason
                .as_ref()
                .is_some_and(crate::limits::is_limit_reason)
            {
                continue;
            }
            let from = not_before.get(&entry.part).copied().unwrap_or(now);
            let placement = ask(&profile, entry.part, &demand, &candidates, from, None);
            let start = placement.as_ref().map(|p| p.start);
            if start.is_some() || !self.is_default_part(job, entry.part) {
                let nodes = placement
                    .as_ref()
                    .map(|p| p.nodes.iter().map(|&(n, _)| n).collect())
                    .unwrap_or_default();
                planned.insert(
                    entry.job,
                    Planned {
                        part: entry.part,
                        start,
                        nodes,
                    },
                );
            }
            if let Some(p) = placement {
                let end = p.start.saturating_add(demand.duration);
                for &(n, _) in &p.nodes {
                    profile.reserve(n, p.start, end, &Hold::WholeNode, job.user_idx, false);
                }
                not_before.insert(entry.part, p.start);
            }
        }
        planned
    }
}
