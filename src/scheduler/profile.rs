//! The plan a pass works on (the planner's [`Profile`]): built from the running jobs, or
//! the last pass's plan brought to now, and what the running jobs hold in it.

use super::Scheduler;
use super::decision::NodeAllocation;
use super::job::Job;
use crate::job_id::JobId;
use crate::job_state::JobState;
use crate::planner::{NodeIdx, Placement, Profile};
use crate::time::{Duration, TimeLimit, Timestamp};
use crate::tres::Tres;
use std::cmp::Reverse;

/// What a trial plan keeps of a running job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    All,
    /// Its memory and GRES (a job whose CPUs a higher tier may take).
    NoCpus,
    /// Its memory and GRES, never released (a SUSPEND candidate in backfill's test).
    NoCpusForGood,
    Nothing,
}

/// How long backfill plans an UNLIMITED job for (Slurm uses one year).
pub(super) const UNLIMITED_PLAN: Duration = Duration::from_secs(365 * 24 * 3600);

impl Scheduler {
    /// Where the plan has a running job end: its start plus its time limit (an UNLIMITED
    /// one is planned for a year).
    pub(crate) fn planned_end(job: &Job) -> Timestamp {
        let paused = Duration::from_secs(u64::from(job.suspended_secs));
        match (job.start, job.time_limit) {
            (Some(s), TimeLimit::Limited(d)) => s.saturating_add(d).saturating_add(paused),
            (Some(s), TimeLimit::Unlimited) => s.saturating_add(UNLIMITED_PLAN),
            _ => Timestamp(0),
        }
    }

    /// A running job's planned end changed (its time limit did): its nodes are planned
    /// again at the next pass.
    pub(crate) fn plan_running_job(&mut self, id: JobId) {
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let end = Self::planned_end(job);
        self.plan.dirty.extend(job.alloc_nodes.iter());
        self.events.planned_ends.push(Reverse((end, id)));
    }

    /// The profile a pass starts from: the plan kept from the last pass, brought to `now`
    /// (the last pass's reservations and blocks undone, and every node whose running jobs
    /// changed since, or on which a job is past its planned end, planned again), or, the
    /// first time, a profile built from scratch. Either is the profile
    /// [`Self::build_profile`] would build at `now`, node for node.
    pub(super) fn pass_profile(&mut self, now: Timestamp) -> Profile {
        let Some(mut profile) = self.plan.profile.take() else {
            self.plan.dirty.clear();
            self.events.overdue.clear();
            self.plan.started_nodes.clear();
            let mut profile = self.build_profile(now);
            // Running jobs already past their planned end are held to `now + 1` by the
            // profile just built; the heap brings them back below.
            self.events.collect_overdue(now, &self.jobs);
            profile.track_changes(true);
            return profile;
        };
        profile.set_now(now);
        // The last pass's reservations and blocks, undone; a node on which a job started
        // after it was touched lost that job too, and is planned again.
        let restored = profile.undo_touched();
        let mut nodes = self.plan.started_on(&restored);
        self.plan.started_nodes.clear();
        nodes.append(&mut self.plan.dirty);
        self.events.collect_overdue(now, &self.jobs);
        for id in &self.events.overdue {
            if let Some(job) = self.jobs.get(*id) {
                nodes.extend(job.alloc_nodes.iter());
            }
        }
        self.rebuild_nodes(&mut profile, nodes, now);
        profile
    }

    /// Plans `nodes` again from scratch at `now`: free, blocked if out of service, with
    /// the running jobs they hold.
    pub(super) fn rebuild_nodes(
        &self,
        profile: &mut Profile,
        mut nodes: Vec<NodeIdx>,
        now: Timestamp,
    ) {
        if nodes.is_empty() {
            return;
        }
        nodes.sort_unstable();
        nodes.dedup();
        profile.track_changes(false);
        profile.reset_nodes(&nodes);
        for &n in &nodes {
            let Some(node) = self.site.cluster.node_at(n as usize) else {
                continue;
            };
            if !node.is_schedulable() {
                profile.block(n);
                continue;
            }
            self.add_node_jobs(profile, n, now, &|_| Keep::All);
        }
        profile.track_changes(true);
    }

    /// Adds the jobs running on node `n` to `profile`, as much of each as `keep` says,
    /// until its planned end (at least `now + 1`).
    pub(super) fn add_node_jobs(
        &self,
        profile: &mut Profile,
        n: NodeIdx,
        now: Timestamp,
        keep: &dyn Fn(&Job) -> Keep,
    ) {
        let Some(rt) = self.site.nodes.get(n as usize) else {
            return;
        };
        let hold_until = Timestamp(now.0.saturating_add(1));
        for id in &rt.jobs {
            let Some(job) = self.jobs.get(*id) else {
                continue;
            };
            let kept = keep(job);
            if kept == Keep::Nothing {
                continue;
            }
            let Some(alloc) = job
                .alloc_nodes
                .iter()
                .position(|&a| a == n)
                .and_then(|i| job.allocation.get(i))
            else {
                continue;
            };
            let mut used = self.profile_usage(job, alloc);
            if matches!(kept, Keep::NoCpus | Keep::NoCpusForGood) {
                used.cpus = 0;
            }
            let end = if kept == Keep::NoCpusForGood {
                crate::planner::NEVER
            } else {
                Self::planned_end(job).max(hold_until)
            };
            profile.add_running(
                n,
                &used,
                end,
                job.user_idx,
                self.running_user_exclusive(job),
            );
        }
    }

    /// The profile of one pass: every running job's allocation until its time limit,
    /// unusable nodes blocked.
    pub(super) fn build_profile(&self, now: Timestamp) -> Profile {
        let capacity = (0..self.site.nodes.len())
            .map(|n| self.profile_capacity(n))
            .collect();
        let weight = self.site.cluster.nodes().map(|n| n.weight).collect();
        let mut profile = Profile::new(now, capacity, weight);
        // Group `i` is partition `i`: questions about a whole partition use its indexes.
        for nodes in &self.site.partition_nodes {
            profile.add_group(nodes);
        }
        for (i, node) in self.site.cluster.nodes().enumerate() {
            if !node.is_schedulable() {
                profile.block(i as NodeIdx);
            }
        }
        for job in self.jobs.iter().filter(|j| j.state == JobState::Running) {
            // A job past its limit (the host has not stopped it yet) still holds its nodes.
            let end = Self::planned_end(job).max(Timestamp(now.0.saturating_add(1)));
            for (alloc, &idx) in job.allocation.iter().zip(job.alloc_nodes.iter()) {
                let used = self.profile_usage(job, alloc);
                profile.add_running(
                    idx as NodeIdx,
                    &used,
                    end,
                    job.user_idx,
                    self.running_user_exclusive(job),
                );
            }
        }
        profile
    }

    /// What the profile gives node `n`: its capacity, and MaxCPUsPerNode CPUs of each
    /// capped partition it is in (see [`super::site::Site::cpu_budget_key`]).
    fn profile_capacity(&self, n: usize) -> Tres {
        let mut cap = self
            .site
            .nodes
            .get(n)
            .map(|rt| rt.capacity.clone())
            .unwrap_or_default();
        for (i, key) in self.site.cpu_budgets.iter().enumerate() {
            let (Some(key), Some(p)) = (key, self.site.cluster.partition_at(i)) else {
                continue;
            };
            let member = self
                .site
                .partition_nodes
                .get(i)
                .is_some_and(|m| m.contains(&(n as u32)));
            if let (true, Some(max)) = (member, p.max_cpus_per_node) {
                cap.gres.insert(key.clone(), u64::from(max));
            }
        }
        cap
    }

    /// What a running job holds on a node, for the profile: its allocation, and its CPUs
    /// out of its partition's MaxCPUsPerNode.
    pub(super) fn profile_usage(&self, job: &Job, alloc: &NodeAllocation) -> Tres {
        let mut used = alloc.used();
        // A suspended job keeps its memory and GRES; its CPUs serve the job that
        // suspended it.
        if job.state == JobState::Suspended {
            used.cpus = 0;
        }
        if self.site.cpu_budgets.iter().all(Option::is_none) {
            return used;
        }
        let part = job
            .partition
            .as_deref()
            .and_then(|p| self.site.cluster.partition_index(p));
        if let Some(key) = part.and_then(|i| self.site.cpu_budget_key(i)) {
            used.gres.insert(key, u64::from(alloc.cpus));
        }
        used
    }

    pub(super) fn add_to_profile(
        &self,
        profile: &mut Profile,
        id: JobId,
        placement: &Placement,
        now: Timestamp,
    ) {
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let end = match job.time_limit {
            TimeLimit::Limited(d) => now.saturating_add(Duration::from_secs(d.as_secs().max(1))),
            TimeLimit::Unlimited => now.saturating_add(UNLIMITED_PLAN),
        };
        for (alloc, &(n, _)) in job.allocation.iter().zip(&placement.nodes) {
            let used = self.profile_usage(job, alloc);
            profile.add_running(
                n,
                &used,
                end,
                job.user_idx,
                self.running_user_exclusive(job),
            );
        }
    }
}
