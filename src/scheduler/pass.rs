//! One scheduling pass: time limits, eligibility (holds, begin times, dependencies), the
//! queue in Slurm's order, slurmctld's main pass, then backfill, then estimates (which,
//! without backfill, decide nothing and are planned only when asked for).
//!
//! This module runs a pass (from scratch, or going on from the last backfill pass); its
//! parts are beside it: [`super::clock`] (time limits, when to call back),
//! [`super::eligibility`], [`super::queue`], [`super::profile`] (the plan a pass starts
//! from), [`super::main_pass`], [`super::backfill`], [`super::fifo`] (a pass without
//! backfill), [`super::reasons`], [`super::estimate`], with [`super::demand`] (what a job
//! asks of the plan) and [`super::start`] (starting a job).

use super::Scheduler;
use super::backfill::BackfillWalk;
use super::decision::Decision;
use super::queue::{Entry, QKey};
use super::reasons::PassState;
use crate::fast_hash::FastBuild;
use crate::job_id::JobId;
use crate::job_state::PendingReason;
use crate::planner::Profile;
use crate::time::Timestamp;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashSet};

/// A backfill pass kept for the next one (see [`Scheduler::continue_pass`]).
#[derive(Debug, Clone)]
pub(crate) struct KeptPass {
    /// When it ran (or was last continued).
    at: Timestamp,
    walk: BackfillWalk,
    handled: HashSet<JobId, FastBuild>,
    blocked_parts: BTreeSet<usize>,
    /// The last record it walked, in the pass's order.
    last: Option<(Reverse<u16>, QKey)>,
}

impl Scheduler {
    /// Runs one scheduling pass at `now` and returns what the host must do: jobs to start
    /// (with their allocations), running jobs that reached their time limit (now TIMEOUT),
    /// pending jobs ended because they can never run.
    pub fn schedule(&mut self, now: Timestamp) -> Vec<Decision> {
        let mut decisions = Vec::new();
        self.enforce_time_limits(now, &mut decisions);
        if self.preemption_on() {
            self.resume_suspended(&mut decisions);
            self.enforce_grace(now, &mut decisions);
        }
        self.update_pending(now, &mut decisions);
        if !self.switches.reuse_plan {
            self.rebuild_queue();
        }
        if !self.continue_pass(now, &mut decisions) {
            self.full_pass(now, &mut decisions);
        }
        self.queue.arrivals.clear();
        self.queue.left = false;
        self.events.last_schedule = Some(now);
        decisions
    }

    /// Runs slurmctld's backfill alone at `now`, without its main scheduler, as
    /// slurmctld's backfill thread does between two main passes (with `bf_interval` and
    /// `sched_interval`, the two run on their own timers): what [`Scheduler::schedule`]
    /// does under a policy without a main pass. Reasons the main pass gave stay for it
    /// to settle; under a policy without backfill this is [`Scheduler::schedule`].
    ///
    /// ```
    /// use hpcsched::{Cluster, Scheduler, Timestamp};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = Cluster::from_slurm_conf(
    ///     "NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=n[1-2] Default=YES\n",
    /// )?;
    /// let mut s = Scheduler::new(cluster);
    /// let req = hpcsched::sbatch::parse_args(&["-N2", "-t", "10"])?;
    /// s.submit(&req, "alice", Timestamp(0))?;
    /// assert_eq!(s.schedule_backfill(Timestamp(0)).len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn schedule_backfill(&mut self, now: Timestamp) -> Vec<Decision> {
        self.switches.backfill_only = self.site.policy.backfill.is_some();
        let decisions = self.schedule(now);
        self.switches.backfill_only = false;
        decisions
    }

    /// A whole pass over the queue.
    fn full_pass(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) {
        self.plan.kept_pass = None;
        self.plan.sharing_changed = false;
        let main = self.site.policy.main_pass && !self.switches.backfill_only;
        // A backfill-only pass under a policy with a main pass leaves the jobs the main
        // pass must settle to the next one.
        let unsettled = if main || !self.site.policy.main_pass {
            Some(std::mem::take(&mut self.queue.unsettled))
        } else {
            None
        };
        let mut state = PassState {
            main_reasons: self.site.policy.main_pass,
            ..PassState::default()
        };
        let mut profile = self.pass_profile(now);
        let mut walked = None;
        let mut unsettled = unsettled;
        if main {
            let queue = self.main_pass(now, unsettled.take(), &mut state, decisions, &mut profile);
            // Backfill starts from the running jobs alone, without the main pass's blocks.
            let restored = profile.undo_touched();
            let again = self.plan.started_on(&restored);
            self.rebuild_nodes(&mut profile, again, now);
            walked = Some(queue);
        }
        match self.site.policy.backfill.clone() {
            Some(bf) => {
                let mut walk = BackfillWalk::new(now, &bf);
                if self.site.policy.main_pass {
                    walk.running = Some(Box::new(profile.clone()));
                }
                if self.backfill_pass(now, &bf, &mut walk, &mut state, decisions, &mut profile)
                    && !state.main_reasons
                    && let Some(unsettled) = unsettled
                {
                    self.settle_skipped(unsettled, &walk.planned, &state);
                }
                self.plan.horizon_cut = Self::horizon_cut(&walk, &profile);
                if self.switches.reuse_plan && Self::continuable(&self.site.policy) {
                    self.plan.kept_pass = Some(Box::new(KeptPass {
                        at: now,
                        walk,
                        handled: std::mem::take(&mut state.handled),
                        blocked_parts: std::mem::take(&mut state.blocked_parts),
                        last: self.queue.eligible.last(),
                    }));
                }
            }
            None => {
                self.plan.horizon_cut = false;
                // The queue as it is now, less the jobs behind a blocked one that the main
                // pass did not walk (they wait for Priority already): the main pass's
                // records, less the jobs it started.
                let queue = match &walked {
                    Some(queue) => {
                        let mut queue = queue.clone();
                        queue.retain(|e| self.jobs.get(e.job).is_some_and(|j| j.queued.is_some()));
                        queue
                    }
                    None => self.queue_entries(),
                };
                self.fifo_reasons(now, &queue, &mut state, &profile);
            }
        }
        if let Some(walked) = walked {
            // The main pass walks only the jobs it must next time too: the ones it walked
            // now that wait for something else than Priority are settled then if it does
            // not walk them.
            for entry in walked {
                if self.jobs.get(entry.job).is_some_and(|j| {
                    j.queued.is_some() && j.reason != Some(PendingReason::Priority)
                }) {
                    self.queue.unsettled.push(entry.job);
                }
            }
        }
        if self.switches.reuse_plan {
            self.plan.profile = Some(profile);
        }
        self.finish_estimates(state);
    }

    /// Whether a policy lets a pass go on from the last one when only new jobs came: its
    /// answers must not depend on the clock otherwise (no window, no age to reserve, no
    /// rounding to a resolution, no main pass) nor on how many jobs were asked.
    fn continuable(policy: &super::Policy) -> bool {
        !policy.main_pass
            && policy.backfill.as_ref().is_some_and(|bf| {
                bf.window.is_none()
                    && bf.resolution.as_secs() <= 1
                    && bf.min_age_reserve.as_secs() == 0
                    && bf.max_job_test.is_none()
                    && bf.max_job_user.is_none()
                    && bf.max_job_part.is_none()
            })
    }

    /// Goes on from the last pass when nothing but new jobs came since: no job ended,
    /// started (in the pass, after a reservation) or changed, no node changed, no job left the queue, no running job reached
    /// its planned end, and every new record comes after every record the last pass
    /// walked. A pass from scratch would then walk the old records to the same outcome:
    /// the plan is the same from the last pass's instant to the next planned end (no
    /// release, hence no reservation start, in between), so a job that could not start
    /// then cannot start now, and a planned start is the same. Only the new records are
    /// walked, against the last pass's plan and counts. Returns whether it did.
    fn continue_pass(&mut self, now: Timestamp, decisions: &mut Vec<Decision>) -> bool {
        // A job started by the continued walk adds to the usage that the earlier
        // records' limits were checked against.
        if !self.switches.reuse_plan
            || !self.switches.continuation
            || self.limits_active()
            || self.queue.left
            || self.plan.sharing_changed
            || !self.plan.dirty.is_empty()
            || self.plan.profile.is_none()
        {
            return false;
        }
        let Some(kept) = self.plan.kept_pass.as_ref() else {
            return false;
        };
        if now < kept.at
            || kept.walk.started_behind_reservation
            || self
                .events
                .running_ends
                .first()
                .is_some_and(|&(t, _)| t.0 <= now.0.saturating_add(1))
        {
            return false;
        }
        let mut records: Vec<(Reverse<u16>, QKey, usize)> = Vec::new();
        for &id in &self.queue.arrivals {
            records.extend(self.queue_records(id));
        }
        records.sort_unstable();
        records.dedup();
        if let (Some(first), Some(last)) = (records.first(), kept.last)
            && (first.0, first.1) <= last
        {
            return false;
        }
        let (Some(mut kept), Some(mut profile), Some(bf)) = (
            self.plan.kept_pass.take(),
            self.plan.profile.take(),
            self.site.policy.backfill.clone(),
        ) else {
            return false;
        };
        profile.set_now(now);
        let mut state = PassState {
            handled: std::mem::take(&mut kept.handled),
            blocked_parts: std::mem::take(&mut kept.blocked_parts),
            planned: std::mem::take(&mut self.plan.planned),
            main_reasons: false,
        };
        for &(_, key, part) in &records {
            let entry = Entry {
                job: key.job(),
                part,
            };
            self.backfill_entry(
                now,
                entry,
                &bf,
                &mut kept.walk,
                &mut state,
                decisions,
                &mut profile,
            );
        }
        self.plan.horizon_cut = Self::horizon_cut(&kept.walk, &profile);
        kept.at = now;
        kept.last = self.queue.eligible.last().max(kept.last);
        kept.handled = std::mem::take(&mut state.handled);
        kept.blocked_parts = std::mem::take(&mut state.blocked_parts);
        self.plan.kept_pass = Some(kept);
        self.plan.profile = Some(profile);
        self.finish_estimates(state);
        true
    }

    /// Whether a backfill walk's horizon hid a start that a later horizon may show: a
    /// search up to it found nothing while the plan still changes at or after it. When
    /// the plan changes only before the horizon, a job found nowhere before it fits
    /// nowhere ever (a start is always where something ends, or now).
    fn horizon_cut(walk: &BackfillWalk, profile: &Profile) -> bool {
        walk.cut_by_horizon && walk.horizon.is_some_and(|h| profile.last_change() >= h)
    }

    /// Keeps what the pass found for the jobs it planned; the
    /// [`Estimate`](super::Estimate)s (names, display ids, order) are only built if the
    /// host asks for them ([`Self::build_estimates`]).
    fn finish_estimates(&mut self, state: PassState) {
        self.plan.planned = state.planned;
        self.plan.on_demand = self.site.policy.backfill.is_none();
        self.plan.made = std::sync::OnceLock::new();
        self.events.pending_after_pass = self.jobs.pending.len();
        self.plan.estimates = std::sync::OnceLock::new();
    }
}
