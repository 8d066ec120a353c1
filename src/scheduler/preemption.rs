//! Preemption the way Slurm 22.05 does it (`PreemptType`, `PreemptMode`, `GraceTime`,
//! `PreemptExemptTime`): who may preempt whom, which running jobs a pending job takes the
//! place of, and what becomes of them.
//!
//! - **Who** (`preempt_p_preemptable()` of the two plugins): under
//!   `preempt/partition_prio` a job of a partition with a higher `PriorityTier` may
//!   preempt the jobs of lower-tier partitions whose `PreemptMode` is not OFF; under
//!   `preempt/qos` a job may preempt the jobs of the QOS its QOS's `Preempt` list names
//!   (and, with `WITHIN`, jobs of its own QOS of lower priority). A job that has run less
//!   than `PreemptExemptTime` is spared.
//! - **Which** (cons_tres `_run_now()`): the candidates, in the plugin's order (lowest
//!   tier, or QOS priority, first, then fewest nodes; youngest first with
//!   `preempt_youngest_first`), are removed one by one until the job fits; the last one
//!   needed then moves first and the search runs again (`preempt_reorder_count` times,
//!   default 1), and the jobs removed that share a node with the job's nodes are the
//!   preemptees. The job does not start in that pass: it waits (Resources) while they
//!   stop, blocking its partition for the rest of the pass, and starts in a later pass.
//! - **What**: each preemptee's mode (its partition's `PreemptMode`, else the
//!   cluster's, under partition_prio; its QOS's, else the cluster's, under qos):
//!   CANCEL ends it PREEMPTED; REQUEUE ends the run PREEMPTED and queues the job again
//!   (PENDING, Reason BeginTime, eligible `cred_expire` + 1 = 121 s later, Restarts + 1,
//!   its submit time now), or cancels a job that may not be requeued; a `GraceTime`
//!   (its partition's, or its QOS's) lets it run that long after the signal first.

use super::Scheduler;
use super::decision::Decision;
use super::demand::{JobNodes, ask};
use super::job::Job;
use super::profile::Keep;
use super::queue::Entry;
use super::records::JobRecord;
use crate::job_id::JobId;
use crate::job_state::{JobState, PendingReason};
use crate::planner::{Demand, NodeIdx, Placement, Profile};
use crate::preempt::{PreemptAction, PreemptMode, PreemptType};
use crate::request::Client;
use crate::sched_config::SchedConfig;
use crate::time::{BeginTime, Duration, Timestamp};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How long a requeued job waits before it is eligible again: Slurm's `cred_expire`
/// (120 s by default) plus one (`batch_requeue_fini()`).
pub(super) const REQUEUE_HOLD: Duration = Duration::from_secs(121);

/// The cluster's preemption settings, when preemption is on.
#[derive(Debug, Clone)]
pub(super) struct PreemptPolicy {
    kind: PreemptType,
    /// The cluster's `PreemptMode`.
    cluster_mode: PreemptMode,
    /// `PreemptExemptTime`.
    exempt: Option<Duration>,
    /// `preempt_reorder_count`.
    reorder_count: u32,
    /// `preempt_strict_order`.
    strict_order: bool,
    /// `preempt_youngest_first`.
    youngest_first: bool,
}

impl PreemptPolicy {
    /// The policy of a configuration; `None` when no job may preempt another
    /// (`preempt/none`, or the cluster's mode OFF once GANG and WITHIN are set aside).
    fn of(config: &SchedConfig) -> Option<Self> {
        let base = config.preempt_mode - PreemptMode::GANG - PreemptMode::WITHIN;
        if config.preempt_type == PreemptType::None || base.is_empty() {
            return None;
        }
        let params = config.scheduler_params();
        Some(Self {
            kind: config.preempt_type,
            cluster_mode: config.preempt_mode,
            exempt: config.preempt_exempt_time,
            reorder_count: params.preempt_reorder_count,
            strict_order: params.preempt_strict_order,
            youngest_first: params.preempt_youngest_first,
        })
    }
}

/// What backfill made of a job that may preempt.
pub(super) enum BackfillPreempt {
    /// It preempted: it waits for its preemptees (Resources), their nodes reserved.
    Preempted,
    /// It is planned on a plan without its candidates.
    Planned(Box<(Demand, Placement)>),
    /// No plan: even without its candidates it never fits.
    NoPlan,
}

/// A suspended job: the running jobs that keep it suspended, and since when.
#[derive(Debug, Clone)]
pub(super) struct Suspension {
    pub(super) by: Vec<JobId>,
    pub(super) since: Timestamp,
}

/// A running job told to stop (its grace time runs), and what is done to it then.
#[derive(Debug, Clone, Copy)]
pub(super) struct Signalled {
    pub(super) at: Timestamp,
    pub(super) action: PreemptAction,
    pub(super) by: JobId,
}

/// What preemption did over a run, as figures: the metrics of a replay.
///
/// ```
/// use hpcsched::PreemptionStats;
/// let s = PreemptionStats::default();
/// assert_eq!(s.preempted(), 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PreemptionStats {
    /// Runs ended PREEMPTED for good (CANCEL, or REQUEUE of a job that may not be requeued).
    pub cancelled: u64,
    /// Runs ended PREEMPTED whose job was queued again (REQUEUE).
    pub requeued: u64,
    /// Jobs suspended (SUSPEND,GANG).
    pub suspended: u64,
    /// CPU-seconds of the runs preemption ended: work lost (a requeued job starts again
    /// from the beginning).
    pub lost_cpu_seconds: u64,
}

impl PreemptionStats {
    /// Every preemption: cancelled, requeued and suspended runs.
    #[must_use]
    pub fn preempted(&self) -> u64 {
        self.cancelled + self.requeued + self.suspended
    }
}

/// The scheduler's preemption part: the policy and what it keeps between passes.
///
/// Invariants: `signalled` holds running jobs only (an entry goes when the job stops);
/// `preempting` holds pending jobs, each with the instant of the pass that preempted for
/// it; `runs` holds the records of ended runs of jobs that ran again or may.
#[derive(Debug, Clone, Default)]
pub(super) struct Preemption {
    pub(super) policy: Option<PreemptPolicy>,
    /// Running jobs in their grace time, by job.
    pub(super) signalled: BTreeMap<JobId, Signalled>,
    /// Pending jobs that preempted others, with when: they start in a later pass, once
    /// the preemptees' nodes are free (slurmctld keeps them COMPLETING meanwhile).
    pub(super) preempting: HashMap<JobId, Timestamp>,
    /// Suspended jobs (SUSPEND,GANG), in the order they were suspended.
    pub(super) suspended: IndexMap<JobId, Suspension>,
    /// Suspended jobs to resume at the next pass, with the instant their last
    /// suspender ended.
    pub(super) to_resume: Vec<(JobId, Timestamp)>,
    /// Runs preemption ended whose job was requeued (`sacct --duplicates` rows).
    pub(super) runs: Vec<JobRecord>,
    pub(super) stats: PreemptionStats,
}

impl Preemption {
    pub(super) fn of(config: &SchedConfig) -> Self {
        Self {
            policy: PreemptPolicy::of(config),
            ..Self::default()
        }
    }

    /// The next instant at which preemption alone changes something after `now`: a grace
    /// time running out, a preemptor that may start.
    pub(super) fn next_change(&self, now: Timestamp) -> Option<Timestamp> {
        let grace = self.signalled.values().map(|s| s.at).filter(|&t| t > now);
        let start = self
            .preempting
            .values()
            .map(|t| Timestamp(t.0.saturating_add(1)))
            .filter(|&t| t > now);
        grace.chain(start).min()
    }
}

impl Scheduler {
    /// Whether jobs may preempt others.
    pub(super) fn preemption_on(&self) -> bool {
        self.preemption.policy.is_some()
    }

    /// What preemption did so far: runs cancelled, requeued and suspended, and the
    /// CPU-seconds lost.
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// let cluster = Cluster::from_slurm_conf(
    ///     "PreemptType=preempt/partition_prio\nPreemptMode=REQUEUE\n\
    ///      NodeName=n1 CPUs=4 RealMemory=4000\n\
    ///      PartitionName=low Nodes=n1 PriorityTier=1 Default=YES\n\
    ///      PartitionName=high Nodes=n1 PriorityTier=10\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let args = |a: &[&str]| hpcsched::sbatch::parse_args(a);
    /// let low = s.submit(&args(&["-p", "low", "-n4", "-t", "60"])?, "alice", Timestamp(0))?;
    /// s.schedule(Timestamp(0));
    /// let high = s.submit(&args(&["-p", "high", "-n4", "-t", "60"])?, "bob", Timestamp(100))?;
    /// s.schedule(Timestamp(100));
    /// assert_eq!(s.preemption_stats().requeued, 1);
    /// assert_eq!(s.preemption_stats().lost_cpu_seconds, 400);
    /// // The high job starts in the next pass, on the node the low job left.
    /// assert_eq!(s.schedule(Timestamp(101)).len(), 1);
    /// assert_eq!(s.job(high).unwrap().start_time(), Some(Timestamp(101)));
    /// assert_eq!(s.job(low).unwrap().restarts(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn preemption_stats(&self) -> PreemptionStats {
        self.preemption.stats
    }

    /// The `PreemptMode` a running job is preempted with (GANG and WITHIN set aside).
    fn preempt_mode_of(&self, job: &Job) -> PreemptMode {
        let Some(policy) = &self.preemption.policy else {
            return PreemptMode::empty();
        };
        let own = match policy.kind {
            PreemptType::PartitionPrio => job
                .partition()
                .and_then(|p| self.site.cluster.partition(p))
                .and_then(|p| p.preempt_mode),
            PreemptType::Qos => self.qos_of(job).and_then(|q| q.preempt_mode),
            _ => None,
        };
        own.unwrap_or(policy.cluster_mode) - PreemptMode::GANG - PreemptMode::WITHIN
    }

    /// A job's QOS.
    fn qos_of(&self, job: &Job) -> Option<&crate::qos::Qos> {
        job.resolved
            .qos()
            .and_then(|q| self.site.cluster.qos_full(q))
            .map(|(_, q)| q)
    }

    /// A running job's grace time: its partition's `GraceTime` (partition_prio), its
    /// QOS's (qos).
    fn grace_of(&self, job: &Job) -> Duration {
        match self.preemption.policy.as_ref().map(|p| p.kind) {
            Some(PreemptType::PartitionPrio) => job
                .partition()
                .and_then(|p| self.site.cluster.partition(p))
                .map_or(Duration::from_secs(0), |p| p.grace_time),
            Some(PreemptType::Qos) => self
                .qos_of(job)
                .map_or(Duration::from_secs(0), |q| q.grace_time),
            _ => Duration::from_secs(0),
        }
    }

    /// Whether the pending job `preemptor`, tried in partition `part`, may preempt the
    /// running `preemptee` (the plugin's rule and `PreemptExemptTime`).
    fn may_preempt(&self, preemptor: &Job, part: usize, preemptee: &Job, now: Timestamp) -> bool {
        let Some(policy) = &self.preemption.policy else {
            return false;
        };
        if !matches!(preemptee.state, JobState::Running | JobState::Suspended) {
            return false;
        }
        let allowed = match policy.kind {
            PreemptType::PartitionPrio => {
                let high = self
                    .site
                    .cluster
                    .partition_at(part)
                    .map_or(0, |p| p.priority_tier);
                let low = preemptee
                    .partition()
                    .and_then(|p| self.site.cluster.partition(p));
                low.is_some_and(|p| {
                    p.priority_tier < high && p.preempt_mode != Some(PreemptMode::empty())
                })
            }
            PreemptType::Qos => match (self.qos_of(preemptor), self.qos_of(preemptee)) {
                (Some(a), Some(b)) if a.name == b.name => {
                    let within = a
                        .preempt_mode
                        .unwrap_or(policy.cluster_mode)
                        .contains(PreemptMode::WITHIN)
                        || policy.cluster_mode.contains(PreemptMode::WITHIN);
                    within && preemptor.priority > preemptee.priority
                }
                (Some(a), Some(b)) => a.preempt.contains(&b.name),
                _ => false,
            },
            _ => false,
        };
        if !allowed {
            return false;
        }
        // `PreemptExemptTime`: the job's QOS's, else the cluster's.
        let exempt = self
            .qos_of(preemptee)
            .and_then(|q| q.preempt_exempt_time)
            .or(policy.exempt);
        match (exempt, preemptee.start) {
            (Some(d), Some(start)) => now >= start.saturating_add(d),
            _ => true,
        }
    }

    /// The running and suspended jobs on partition `part`'s nodes, in job order.
    fn jobs_on_partition_nodes(&self, part: usize) -> BTreeSet<JobId> {
        self.site
            .partition_nodes
            .get(part)
            .into_iter()
            .flatten()
            .filter_map(|&n| self.site.nodes.get(n as usize))
            .flat_map(|rt| rt.jobs.iter().copied())
            .collect()
    }

    /// The running jobs `id` may preempt in partition `part`, in the order Slurm tries
    /// them (`slurm_find_preemptable_jobs()`): those on the partition's nodes, sorted by
    /// the plugin's key (lower tier or QOS priority, then fewer nodes), or youngest first;
    /// ties in job order.
    fn preempt_candidates(&self, id: JobId, part: usize, now: Timestamp) -> Vec<JobId> {
        let (Some(policy), Some(preemptor)) = (&self.preemption.policy, self.jobs.get(id)) else {
            return Vec::new();
        };
        // Most jobs preempt nobody: answered without visiting a node.
        let may_at_all = match policy.kind {
            PreemptType::PartitionPrio => self
                .site
                .cluster
                .partition_at(part)
                .is_some_and(|p| p.priority_tier > self.site.min_tier),
            PreemptType::Qos => self.qos_of(preemptor).is_some_and(|q| {
                !q.preempt.is_empty()
                    || q.preempt_mode
                        .unwrap_or(policy.cluster_mode)
                        .contains(PreemptMode::WITHIN)
                    || policy.cluster_mode.contains(PreemptMode::WITHIN)
            }),
            _ => false,
        };
        if !may_at_all {
            return Vec::new();
        }
        let on_nodes = self.jobs_on_partition_nodes(part);
        let mut found: Vec<(u64, Timestamp, &Job)> = on_nodes
            .into_iter()
            .filter_map(|j| self.jobs.get(j))
            .filter(|j| j.id != id && self.may_preempt(preemptor, part, j, now))
            .map(|j| {
                let rank = match policy.kind {
                    PreemptType::Qos => u64::from(self.qos_of(j).map_or(0, |q| q.priority)),
                    _ => j
                        .partition()
                        .and_then(|p| self.site.cluster.partition(p))
                        .map_or(0, |p| u64::from(p.priority_tier)),
                };
                let key = (rank.min(0xffff) << 16) + (j.alloc_nodes.len() as u64).min(0xffff);
                (key, j.start.unwrap_or(Timestamp(0)), j)
            })
            .collect();
        if policy.youngest_first {
            found.sort_by_key(|&(_, start, j)| (std::cmp::Reverse(start), j.id));
        } else {
            found.sort_by_key(|&(key, _, j)| (key, j.id));
        }
        found.into_iter().map(|(_, _, j)| j.id).collect()
    }

    /// Takes `job` off `trial` (a copy of `base`): its nodes planned again with the
    /// running jobs there that are not in `removed` (which holds `job`).
    fn drop_from_trial(
        &self,
        trial: &mut Profile,
        base: &Profile,
        job: JobId,
        removed: &[JobId],
        now: Timestamp,
    ) {
        let Some(nodes) = self.jobs.get(job).map(|j| j.alloc_nodes.clone()) else {
            return;
        };
        self.replan_trial(trial, base, &nodes, now, &|j| {
            if removed.contains(&j.id) {
                Keep::Nothing
            } else {
                Keep::All
            }
        });
    }

    /// A copy of `base` in which the nodes of `jobs` are planned again with what `keep`
    /// says of each running job there.
    fn trial_plan(
        &self,
        base: &Profile,
        jobs: &[JobId],
        now: Timestamp,
        keep: &dyn Fn(&Job) -> Keep,
    ) -> Profile {
        let mut trial = base.clone();
        trial.track_changes(false);
        let mut nodes: Vec<NodeIdx> = jobs
            .iter()
            .filter_map(|j| self.jobs.get(*j))
            .flat_map(|j| j.alloc_nodes.iter().copied())
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        self.replan_trial(&mut trial, base, &nodes, now, keep);
        trial
    }

    /// Plans `nodes` of `trial` (a copy of `base`) again with what `keep` says of each
    /// running job there.
    fn replan_trial(
        &self,
        trial: &mut Profile,
        base: &Profile,
        nodes: &[NodeIdx],
        now: Timestamp,
        keep: &dyn Fn(&Job) -> Keep,
    ) {
        let blocked: Vec<bool> = nodes
            .iter()
            .map(|&n| base.free_at(n, base.now()).is_none())
            .collect();
        trial.reset_nodes(nodes);
        for (&n, blocked) in nodes.iter().zip(blocked) {
            if blocked {
                trial.block(n);
            } else {
                self.add_node_jobs(trial, n, now, keep);
            }
        }
    }

    /// Under `PreemptMode=...,GANG` with preempt/partition_prio, the jobs of lower-tier
    /// partitions (whose mode is not OFF) on the partition's nodes: their CPUs serve a
    /// higher tier's job (cons_tres `_job_test()` counts them free for it), their memory
    /// and GRES do not.
    fn gang_lower(&self, part: usize) -> Vec<JobId> {
        let Some(policy) = &self.preemption.policy else {
            return Vec::new();
        };
        if policy.kind != PreemptType::PartitionPrio
            || !policy.cluster_mode.contains(PreemptMode::GANG)
        {
            return Vec::new();
        }
        let tier = self
            .site
            .cluster
            .partition_at(part)
            .map_or(0, |p| p.priority_tier);
        if tier <= self.site.min_tier {
            return Vec::new();
        }
        let on_nodes = self.jobs_on_partition_nodes(part);
        on_nodes
            .into_iter()
            .filter(|&j| {
                self.jobs.get(j).is_some_and(|job| {
                    job.state == JobState::Running
                        && job
                            .partition()
                            .and_then(|p| self.site.cluster.partition(p))
                            .is_some_and(|p| {
                                p.priority_tier < tier
                                    && p.preempt_mode != Some(PreemptMode::empty())
                            })
                        && self.preempt_mode_of(job).action().is_some()
                })
            })
            .collect()
    }

    /// Where a job that does not fit now would start at once under gang scheduling, over
    /// the CPUs of lower-tier jobs (see [`Self::gang_lower`]); `None` when it would not.
    /// A whole-node job (`--exclusive`) is placed as if they were not there: it too
    /// starts over them and suspends them (observed on 22.05, fidelity preempt p15).
    pub(super) fn gang_placement(
        &self,
        part: usize,
        demand: &Demand,
        nodes: &JobNodes,
        profile: &Profile,
        now: Timestamp,
    ) -> Option<Placement> {
        let lower = self.gang_lower(part);
        if lower.is_empty() {
            return None;
        }
        let keep_lower = if demand.whole_node {
            Keep::Nothing
        } else {
            Keep::NoCpus
        };
        let trial = self.trial_plan(profile, &lower, now, &|j| {
            if lower.contains(&j.id) {
                keep_lower
            } else {
                Keep::All
            }
        });
        ask(
            &trial,
            part,
            demand,
            nodes,
            now,
            Some(Timestamp(now.0.saturating_add(1))),
        )
        .filter(|p| p.start == now)
    }

    /// Starts `id` over lower-tier jobs' CPUs (a [`Self::gang_placement`]): on each of its
    /// nodes the lower-tier jobs whose CPUs it takes, oldest first, as cons_tres hands out
    /// cores from the lowest, are suspended (SUSPEND) or stopped (CANCEL, REQUEUE) by
    /// gang scheduling's shadow, at once. Returns the started record.
    pub(super) fn start_over_lower_tiers(
        &mut self,
        id: JobId,
        part: usize,
        placement: &Placement,
        now: Timestamp,
        decisions: &mut Vec<Decision>,
    ) -> Option<JobId> {
        let lower = self.gang_lower(part);
        let mut shadowed: Vec<JobId> = Vec::new();
        for &(n, cpus) in &placement.nodes {
            let Some(rt) = self.site.nodes.get(n as usize) else {
                continue;
            };
            let mut here: Vec<(Timestamp, JobId, u32)> = rt
                .jobs
                .iter()
                .filter(|j| lower.contains(j))
                .filter_map(|&j| {
                    let job = self.jobs.get(j)?;
                    let at = job.alloc_nodes.iter().position(|&a| a == n)?;
                    Some((job.start?, j, job.allocation.get(at)?.cpus))
                })
                .collect();
            here.sort_unstable();
            let mut below = 0u32;
            for (_, j, c) in here {
                if below >= cpus {
                    break;
                }
                below = below.saturating_add(c);
                if !shadowed.contains(&j) {
                    shadowed.push(j);
                }
            }
        }
        shadowed.sort_unstable();
        for &victim in &shadowed {
            let Some(action) = self
                .jobs
                .get(victim)
                .and_then(|j| self.preempt_mode_of(j).action())
            else {
                continue;
            };
            match action {
                PreemptAction::Suspend => self.suspend(victim, id, now, decisions),
                other => self.stop_preempted(victim, id, other, now, decisions),
            }
        }
        // The nodes are free now for it: it starts in this pass.
        self.preemption.preempting.remove(&id);
        let run = self.start_job(id, part, placement, now, decisions)?;
        for &victim in &shadowed {
            if let Some(s) = self.preemption.suspended.get_mut(&victim)
                && !s.by.contains(&run)
            {
                s.by.push(run);
            }
        }
        Some(run)
    }

    /// Suspends a running job for `by` (gang scheduling): it keeps its memory and GRES,
    /// lends its CPUs, and its time limit stops running.
    fn suspend(&mut self, id: JobId, by: JobId, now: Timestamp, decisions: &mut Vec<Decision>) {
        self.forget_running_times(id);
        let Some(job) = self.jobs.get_mut(id) else {
            return;
        };
        job.state = JobState::Suspended;
        for (alloc, &n) in job.allocation.iter().zip(job.alloc_nodes.iter()) {
            if let Some(rt) = self.site.nodes.get_mut(n as usize) {
                rt.free.cpus = rt
                    .free
                    .cpus
                    .saturating_add(alloc.cpus)
                    .min(rt.capacity.cpus);
            }
            self.plan.dirty.push(n);
        }
        self.preemption.suspended.insert(
            id,
            Suspension {
                by: Vec::new(),
                since: now,
            },
        );
        self.preemption.stats.suspended += 1;
        decisions.push(Decision::Preempt {
            job: id,
            by,
            action: PreemptAction::Suspend,
            at: now,
        });
    }

    /// A job ended or stopped: the jobs it suspended that nothing else keeps suspended
    /// are resumed at the next pass (gang scheduling resumes them at once).
    fn unshadow(&mut self, id: JobId, now: Timestamp) {
        for (&job, s) in &mut self.preemption.suspended {
            if let Some(at) = s.by.iter().position(|b| *b == id) {
                s.by.remove(at);
                if s.by.is_empty() {
                    self.preemption.to_resume.push((job, now));
                }
            }
        }
    }

    /// Resumes the suspended jobs whose suspenders all ended, when their CPUs are free.
    pub(super) fn resume_suspended(&mut self, decisions: &mut Vec<Decision>) {
        let due = std::mem::take(&mut self.preemption.to_resume);
        for (id, at) in due {
            let Some(job) = self.jobs.get(id) else {
                continue;
            };
            if job.state != JobState::Suspended {
                continue;
            }
            let fits = job
                .allocation
                .iter()
                .zip(job.alloc_nodes.iter())
                .all(|(a, &n)| {
                    self.site
                        .nodes
                        .get(n as usize)
                        .is_some_and(|rt| rt.free.cpus >= a.cpus)
                });
            if !fits {
                self.preemption.to_resume.push((id, at));
                continue;
            }
            let since = self
                .preemption
                .suspended
                .swap_remove(&id)
                .map_or(at, |s| s.since);
            let Some(job) = self.jobs.get_mut(id) else {
                continue;
            };
            for (alloc, &n) in job.allocation.iter().zip(job.alloc_nodes.iter()) {
                if let Some(rt) = self.site.nodes.get_mut(n as usize) {
                    rt.free.cpus = rt.free.cpus.saturating_sub(alloc.cpus);
                }
                self.plan.dirty.push(n);
            }
            job.state = JobState::Running;
            let paused = u32::try_from(at.0.saturating_sub(since.0)).unwrap_or(u32::MAX);
            job.suspended_secs = job.suspended_secs.saturating_add(paused);
            self.note_running_times(id);
            self.plan_running_job(id);
            decisions.push(Decision::Resume { job: id });
        }
    }

    /// The running jobs whose removal lets `id` start now in partition `part`, as
    /// cons_tres's `_run_now()` picks them (see the module docs); `None` when removing
    /// every candidate is not enough, or there is none.
    pub(super) fn find_preemptees(
        &self,
        id: JobId,
        part: usize,
        demand: &Demand,
        nodes: &JobNodes,
        profile: &Profile,
        now: Timestamp,
    ) -> Option<Vec<JobId>> {
        let policy = self.preemption.policy.as_ref()?;
        let mut order = self.preempt_candidates(id, part, now);
        if order.is_empty() {
            return None;
        }
        let usable = |j: &Job| match nodes {
            JobNodes::Partition => true,
            JobNodes::Narrowed(list) | JobNodes::Required { nodes: list, .. } => {
                j.alloc_nodes.iter().any(|n| list.contains(n))
            }
        };
        let removable = |j: JobId| {
            self.jobs.get(j).is_some_and(|job| {
                matches!(
                    self.preempt_mode_of(job).action(),
                    Some(PreemptAction::Cancel | PreemptAction::Requeue)
                ) && usable(job)
            })
        };
        let fits = |p: &Profile| {
            ask(
                p,
                part,
                demand,
                nodes,
                now,
                Some(Timestamp(now.0.saturating_add(1))),
            )
            .filter(|pl| pl.start == now)
        };
        let mut pass_count: u32 = 0;
        loop {
            let mut removed: Vec<JobId> = Vec::new();
            let mut found: Option<(usize, Placement)> = None;
            let mut trial = profile.clone();
            trial.track_changes(false);
            for (i, &c) in order.iter().enumerate() {
                if !removable(c) {
                    continue;
                }
                removed.push(c);
                self.drop_from_trial(&mut trial, profile, c, &removed, now);
                if let Some(placement) = fits(&trial) {
                    found = Some((i, placement));
                    break;
                }
            }
            let (last, placement) = found?;
            let chosen: BTreeSet<NodeIdx> = placement.nodes.iter().map(|&(n, _)| n).collect();
            let overlap = |j: JobId| {
                self.jobs.get(j).map_or(0, |job| {
                    job.alloc_nodes
                        .iter()
                        .filter(|n| chosen.contains(n))
                        .count()
                })
            };
            let done = pass_count > policy.reorder_count;
            pass_count += 1;
            if done || order.len() <= pass_count as usize {
                // Every removed candidate that shares a node with the job's nodes.
                return Some(
                    order
                        .iter()
                        .take(last + 1)
                        .copied()
                        .filter(|c| removed.contains(c) && overlap(*c) > 0)
                        .collect(),
                );
            }
            // Reorder and search again: the last one needed first, then the others by
            // how many of the chosen nodes they hold (none for those after it).
            let needed = *order.get(last)?;
            if policy.strict_order {
                order.remove(last);
                order.insert(0, needed);
            } else {
                let mut keyed: Vec<(usize, JobId)> = order
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        let key = match i.cmp(&last) {
                            std::cmp::Ordering::Equal => 99_999,
                            std::cmp::Ordering::Less => overlap(c),
                            std::cmp::Ordering::Greater => 0,
                        };
                        (key, c)
                    })
                    .collect();
                keyed.sort_by_key(|&(key, _)| std::cmp::Reverse(key));
                order = keyed.into_iter().map(|(_, c)| c).collect();
            }
        }
    }

    /// Backfill's test of a job that may preempt (`_try_sched()` with candidates, then
    /// `_start_job()`): on a plan in which every candidate is gone, a job that fits now
    /// starts as the main pass would start it (the same pick, on backfill's plan) and
    /// preempts; its nodes of that plan are then reserved, whole, from now (slurm.conf.5:
    /// "the whole nodes for those preempted jobs are reserved for the preemptor job").
    /// A job that would not fit now even so is planned on that plan. `None`: it has no
    /// candidate, or no plan.
    pub(super) fn backfill_preempt(
        &mut self,
        entry: Entry,
        profile: &mut Profile,
        now: Timestamp,
        horizon: Option<Timestamp>,
        decisions: &mut Vec<Decision>,
    ) -> Option<BackfillPreempt> {
        let (id, part) = (entry.job, entry.part);
        let (demand, nodes) = self.demand_in(id, part)?;
        let nodes = self.without_held(profile, part, &demand, nodes)?;
        let candidates = self.preempt_candidates(id, part, now);
        if candidates.is_empty() {
            return None;
        }
        // `_will_run_test()`: every candidate gone, a SUSPEND one's CPUs only (its memory
        // and GRES stay, and it is left out of the walk over running jobs' ends, so they
        // stay for good: observed on 22.05, fidelity preempt p14, no planned start).
        let removable = |c: &JobId| {
            self.jobs.get(*c).is_some_and(|job| {
                matches!(
                    self.preempt_mode_of(job).action(),
                    Some(PreemptAction::Cancel | PreemptAction::Requeue)
                )
            })
        };
        let trial = self.trial_plan(profile, &candidates, now, &|j| {
            if !candidates.contains(&j.id) {
                Keep::All
            } else if removable(&j.id) {
                Keep::Nothing
            } else {
                Keep::NoCpusForGood
            }
        });
        let Some(plan) = ask(&trial, part, &demand, &nodes, now, horizon) else {
            return Some(BackfillPreempt::NoPlan);
        };
        if plan.start > now {
            return Some(BackfillPreempt::Planned(Box::new((demand, plan))));
        }
        let Some(victims) = self.find_preemptees(id, part, &demand, &nodes, profile, now) else {
            return Some(BackfillPreempt::Planned(Box::new((demand, plan))));
        };
        self.preempt_jobs(id, &victims, now, decisions);
        let end = now.saturating_add(demand.duration);
        let user = self.jobs.get(id).map_or(0, |j| j.user_idx);
        for &(n, _) in &plan.nodes {
            profile.reserve(n, now, end, &crate::planner::Hold::WholeNode, user, false);
        }
        Some(BackfillPreempt::Preempted)
    }

    /// Preempts `victims` for the pending job `by`: each is signalled (its grace time
    /// begins) or stopped at once by its mode, with a [`Decision::Preempt`] each.
    pub(super) fn preempt_jobs(
        &mut self,
        by: JobId,
        victims: &[JobId],
        now: Timestamp,
        decisions: &mut Vec<Decision>,
    ) {
        for &victim in victims {
            if self.preemption.signalled.contains_key(&victim) {
                continue;
            }
            let Some(job) = self.jobs.get(victim) else {
                continue;
            };
            let Some(action) = self.preempt_mode_of(job).action() else {
                continue;
            };
            let grace = self.grace_of(job);
            if grace.as_secs() > 0 {
                let at = now.saturating_add(grace);
                self.preemption
                    .signalled
                    .insert(victim, Signalled { at, action, by });
                decisions.push(Decision::Preempt {
                    job: victim,
                    by,
                    action,
                    at,
                });
            } else {
                self.stop_preempted(victim, by, action, now, decisions);
            }
        }
    }

    /// Stops a preempted job now: CANCEL ends it PREEMPTED, REQUEUE queues it again (or
    /// cancels a job that may not be requeued).
    fn stop_preempted(
        &mut self,
        id: JobId,
        by: JobId,
        action: PreemptAction,
        now: Timestamp,
        decisions: &mut Vec<Decision>,
    ) {
        self.preemption.signalled.remove(&id);
        let Some(job) = self.jobs.get(id) else {
            return;
        };
        let cpus: u64 = job.allocation.iter().map(|a| u64::from(a.cpus)).sum();
        let ran = job.start.map_or(0, |s| now.0.saturating_sub(s.0));
        let default = self.site.cluster.config().job_requeue;
        let req = job.resolved.request();
        let requeueable = req.client == Client::Sbatch && req.requeue.unwrap_or(default);
        let action = match action {
            PreemptAction::Requeue if !requeueable => PreemptAction::Cancel,
            other => other,
        };
        let done = match action {
            PreemptAction::Requeue => {
                let mut run = JobRecord::of(job, job.display_id(), now);
                run.state = JobState::Preempted;
                run.end = Some(now);
                run.requeued = true;
                let ok = self.requeue_preempted(id, now).is_ok();
                if ok {
                    self.preemption.runs.push(run);
                    self.preemption.stats.requeued += 1;
                }
                ok
            }
            _ => {
                let ok = self
                    .end_running(id, now, JobState::Preempted, Some(0), "preempt")
                    .is_ok();
                if ok {
                    self.preemption.stats.cancelled += 1;
                }
                ok
            }
        };
        if done {
            // The nodes freed serve the preemptor from the next second on (slurmctld
            // keeps them COMPLETING meanwhile).
            if self
                .jobs
                .get(by)
                .is_some_and(|j| j.state == JobState::Pending)
            {
                self.preemption.preempting.insert(by, now);
            }
            self.preemption.stats.lost_cpu_seconds += cpus.saturating_mul(ran);
            decisions.push(Decision::Preempt {
                job: id,
                by,
                action,
                at: now,
            });
        }
    }

    /// Requeues a preempted job: as [`Scheduler::requeue`], eligible again
    /// [`REQUEUE_HOLD`] later (Reason BeginTime).
    fn requeue_preempted(&mut self, id: JobId, now: Timestamp) -> Result<(), super::JobError> {
        self.requeue(id, now)?;
        if let Some(job) = self.jobs.get_mut(id) {
            job.resolved.set_begin(Some(BeginTime::Now(REQUEUE_HOLD)));
            job.reason = Some(PendingReason::BeginTime);
            job.desc = None;
        }
        Ok(())
    }

    /// Stops the jobs whose grace time ran out by `now`, in job order.
    pub(super) fn enforce_grace(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        let due: Vec<(JobId, Signalled)> = self
            .preemption
            .signalled
            .iter()
            .filter(|(_, s)| s.at <= now)
            .map(|(&j, &s)| (j, s))
            .collect();
        for (id, s) in due {
            self.stop_preempted(id, s.by, s.action, s.at, decisions);
        }
    }

    /// Forgets what preemption kept about a job that stopped running or pending.
    pub(super) fn preemption_forget(&mut self, id: JobId, now: Timestamp) {
        if self.preemption.policy.is_none() {
            return;
        }
        self.preemption.signalled.remove(&id);
        self.preemption.preempting.remove(&id);
        self.preemption.suspended.swap_remove(&id);
        if !self.preemption.suspended.is_empty() {
            self.unshadow(id, now);
        }
    }

    /// Whether `id` preempted in the pass at `now` (it waits for the next one).
    pub(super) fn preempting_now(&self, id: JobId, now: Timestamp) -> bool {
        self.preemption.preempting.get(&id) == Some(&now)
    }
}
